/**
 * Migration 7: monitoring that follows the playbook.
 * - `requests.region`: a country or region code mapped from the source (import presets fill it where the source
 *   has one); a dimension for metrics, alerts and the records grid.
 * - `alert_rules`: one row per rule (error rate, p95 latency, daily cost, negative feedback, tickets) with its
 *   settings as JSON and its runbook as an editable checklist (JSON `{title, steps}`), seeded with the playbook's
 *   defaults (electron/store/alerts/rules.ts).
 * - `alert_states`: the state of an alert the user acted on (acknowledged / resolved with a note, runbook steps
 *   ticked), keyed by the alert's stable key; alerts themselves are computed from the data, never stored.
 * - `alert_log`: every state change with its note, so the history stays auditable.
 * A workspace that stored metric thresholds before (meta `metric_thresholds`) keeps its error-rate floor, minimum
 * requests (raised to the new floor of 20) and PSI threshold.
 */
import type { Db } from '../db';
import { defaultRules } from '../alerts/rules-default';

export const sql = `
ALTER TABLE requests ADD COLUMN region TEXT;

CREATE TABLE alert_rules (
  id TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  params TEXT NOT NULL,
  runbook TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE alert_states (
  alert_key TEXT PRIMARY KEY,
  rule TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  note TEXT,
  checked TEXT NOT NULL DEFAULT '[]',
  updated_at INTEGER NOT NULL,
  updated_by TEXT
) STRICT;

CREATE TABLE alert_log (
  id INTEGER PRIMARY KEY,
  alert_key TEXT NOT NULL,
  state TEXT NOT NULL,
  note TEXT,
  at INTEGER NOT NULL,
  by TEXT
) STRICT;

CREATE INDEX alert_states_bucket ON alert_states (bucket_start);
CREATE INDEX alert_log_key ON alert_log (alert_key, id);
`;

/** Creates the tables and seeds the default rules, carrying over thresholds an older workspace stored. */
export function up(db: Db): void {
  db.exec(sql);
  const rules = defaultRules();
  const old = db.hasTable('meta') ? db.value<string>("SELECT value FROM meta WHERE key = 'metric_thresholds'") : undefined;
  if (old) {
    try {
      const t = JSON.parse(old) as { error_rate_max?: unknown; min_requests?: unknown; psi_max?: unknown };
      const er = rules.find((r) => r.id === 'error_rate');
      if (er && er.id === 'error_rate') {
        if (typeof t.error_rate_max === 'number' && t.error_rate_max >= 0 && t.error_rate_max <= 1) er.params.floor = t.error_rate_max;
        if (typeof t.min_requests === 'number' && Number.isInteger(t.min_requests)) er.params.min_requests = Math.max(20, t.min_requests);
      }
      if (typeof t.psi_max === 'number' && t.psi_max >= 0 && t.psi_max <= 10) {
        db.run("INSERT INTO meta (key, value) VALUES ('drift_psi_max', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(t.psi_max)]);
      }
    } catch {
      // An unreadable old value: the defaults stand.
    }
  }
  for (const r of rules) {
    db.run('INSERT INTO alert_rules (id, enabled, params, runbook, updated_at) VALUES (?, ?, ?, ?, 0)',
      [r.id, r.enabled ? 1 : 0, JSON.stringify(r.params), JSON.stringify(r.runbook)]);
  }
}
