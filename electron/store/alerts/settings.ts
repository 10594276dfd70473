/**
 * Alert rule settings and runbooks of a workspace: one `alert_rules` row per rule (migration 007 seeds the
 * playbook's defaults) and the PSI threshold of drift rows (meta `drift_psi_max`). Writes go through
 * Workspace.commit, so a change is journaled and durable when the call returns.
 */
import { ALERT_RULE_IDS, alertRuleSchema, alertSettingsSchema, type AlertRule, type AlertRuleId, type AlertSettings, type Runbook } from '../../../shared/contract-alerts';
import type { Workspace } from '../workspace';
import { DEFAULT_PSI_MAX, defaultRules } from './rules-default';

const PSI_KEY = 'drift_psi_max';

/**
 * The workspace's rules, in {@link ALERT_RULE_IDS} order. A stored rule that no longer parses (hand-edited, an older
 * shape) falls back to its default rather than failing the Metrics screen; a missing one is its default.
 */
export function getSettings(ws: Workspace): AlertSettings {
  const defaults = new Map(defaultRules().map((r) => [r.id, r]));
  const rows = ws.db.hasTable('alert_rules')
    ? ws.db.all<{ id: string; enabled: number; params: string; runbook: string }>('SELECT id, enabled, params, runbook FROM alert_rules')
    : [];
  const stored = new Map<string, AlertRule>();
  for (const row of rows) {
    try {
      const r = alertRuleSchema.safeParse({ id: row.id, enabled: row.enabled === 1, params: JSON.parse(row.params) as unknown, runbook: JSON.parse(row.runbook) as unknown });
      if (r.success) stored.set(row.id, r.data);
    } catch {
      // unreadable JSON: the default stands
    }
  }
  const psi = Number(ws.meta(PSI_KEY));
  return {
    rules: ALERT_RULE_IDS.map((id) => stored.get(id) ?? defaults.get(id)!),
    psi_max: Number.isFinite(psi) && ws.meta(PSI_KEY) !== undefined ? psi : DEFAULT_PSI_MAX,
  };
}

/** One rule of the workspace. */
export function getRule(ws: Workspace, id: AlertRuleId): AlertRule {
  return getSettings(ws).rules.find((r) => r.id === id)!;
}

/**
 * Stores rule settings (rules not named keep theirs) and the PSI threshold, in one journaled commit.
 * @returns the settings now stored
 * @throws ZodError-derived LoupeError BAD_REQUEST through the contract before this runs; here only what Workspace.commit throws
 */
export function setSettings(ws: Workspace, s: AlertSettings, now = Date.now()): AlertSettings {
  const v = alertSettingsSchema.parse(s);
  ws.commit([
    ...v.rules.map((r): [string, Array<string | number>] => [
      `INSERT INTO alert_rules (id, enabled, params, runbook, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, params = excluded.params, runbook = excluded.runbook, updated_at = excluded.updated_at`,
      [r.id, r.enabled ? 1 : 0, JSON.stringify(r.params), JSON.stringify(r.runbook), now],
    ]),
    ["INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [PSI_KEY, String(v.psi_max)]],
  ]);
  return getSettings(ws);
}

/** Replaces one rule's runbook checklist (journaled). @returns the settings now stored */
export function setRunbook(ws: Workspace, id: AlertRuleId, runbook: Runbook, now = Date.now()): AlertSettings {
  const s = getSettings(ws);
  return setSettings(ws, { ...s, rules: s.rules.map((r) => (r.id === id ? { ...r, runbook } : r)) }, now);
}
