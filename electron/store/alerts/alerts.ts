/**
 * `alerts.list`: every enabled rule over a range, each alert with its runbook, its state (acknowledged / resolved,
 * note, runbook steps ticked) and, for cost, the users, features and models it came from. The rules run on
 * aggregates from an {@link AlertSource}; results are cached per data version, range, rules and hour, and the
 * stored state is joined on every call (acknowledging an alert never recomputes the rules).
 */
import { DateTime } from 'luxon';
import type { Alert, AlertRule, AlertsResult, AlertState, AlertTests, AlertsListParams, Runbook } from '../../../shared/contract-alerts';
import { LoupeError } from '../../../shared/errors';
import type { Db } from '../db';
import type { Workspace } from '../workspace';
import { groupKey, groupOf } from './aggregate';
import { evaluateRule, type RawAlert } from './evaluate';
import { getSettings } from './settings';
import { type AlertSource, sqlAlertSource } from './source';

const DAY = 86_400_000;

/** The stable key of an alert: state and notes are stored under it. */
export function alertKey(a: Pick<RawAlert, 'rule' | 'metric' | 'bucket_start' | 'groupKey'>): string {
  return `${a.rule}|${a.metric}|${a.bucket_start}|${a.groupKey}`;
}

interface Computed {
  raw: RawAlert[];
  tests: AlertTests[];
  from: number | null;
  to: number | null;
  undated: number;
  availability: AlertsResult['availability'];
  sources: Map<string, Alert['sources']>;
}

const cache = new WeakMap<Db, Map<string, Computed>>();
const CACHE_SIZE = 6;

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const usd = (v: number) => `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;
const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
const pFmt = (p: number | null) => (p === null ? '' : p < 1e-4 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`);

/** One plain sentence for an alert: the value against its baseline, and what it rests on. */
export function summarize(a: RawAlert, rule: AlertRule): string {
  const win = a.unit === 'day' ? `the ${rule.params.baseline_days} days before` : `the ${Math.round(rule.params.baseline_days / 7)} weeks before`;
  const sameDay = a.unit === 'day' ? `the same weekday of ${Math.round(rule.params.baseline_days / 7)} weeks before` : win;
  // Evaluators' scores are in no users' share (feedback/automated.ts); the sentence says how many were left out.
  const judged = a.automated ? `; ${a.automated.toLocaleString('en-US')} score${a.automated === 1 ? '' : 's'} from automated evaluators ${a.unit === 'day' ? 'that day' : 'that week'} (LLM judges, scoring rules) ${a.automated === 1 ? 'is' : 'are'} not counted` : '';
  switch (a.metric) {
    case 'error_rate': return `Error rate ${pct(a.value)} (${Math.round(a.value * a.n)} of ${a.n} requests with a status or an error) against ${pct(a.baseline ?? 0)} in ${win} (${pFmt(a.p_value)}).`;
    case 'p95_latency_ms': return `p95 latency ${ms(a.value)}, ${(a.value / (a.baseline ?? 1)).toFixed(1)}× the normal ${ms(a.baseline ?? 0)} (median p95 of ${win}; ${pFmt(a.p_value)}).`;
    case 'cost_usd': return `Cost ${usd(a.value)} against ${usd(a.baseline ?? 0)} on average on ${sameDay} (+${Math.round((a.value / (a.baseline ?? 1) - 1) * 100)}%; ${pFmt(a.p_value)}).`;
    case 'thumbs_down_rate': return `Thumbs-down share ${pct(a.value)} (${Math.round(a.value * a.n)} of ${a.n} thumbs) against ${pct(a.baseline ?? 0)} in ${win} (${pFmt(a.p_value)})${judged}.`;
    case 'low_csat_share': return `Low CSAT (1-3 of 5) ${pct(a.value)} of ${a.n} ratings against ${pct(a.baseline ?? 0)} in ${win} (${pFmt(a.p_value)})${judged}.`;
    case 'detractor_share': return `NPS detractors ${pct(a.value)} of ${a.n} answers against ${pct(a.baseline ?? 0)} in ${win} (${pFmt(a.p_value)})${judged}.`;
    case 'tickets': return `${a.value} tickets from ${a.n} requests, where the ticket rate of ${sameDay} predicts ${(a.baseline ?? 0).toFixed(1)} (${pFmt(a.p_value)}).`;
  }
}

/** Baseline ranges of a cost alert's bucket: the same weekday (days) or the weeks before, inside the window. */
function baselineRanges(a: RawAlert, rule: AlertRule, zone: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const start = DateTime.fromMillis(a.bucket_start, { zone });
  const n = Math.round(rule.params.baseline_days / 7);
  for (let k = 1; k <= n; k++) {
    const s = start.minus({ weeks: k });
    out.push([s.toMillis(), (a.unit === 'day' ? s.plus({ days: 1 }) : s.plus({ weeks: 1 })).toMillis()]);
  }
  return out;
}

function compute(src: AlertSource, zone: string, rules: AlertRule[], q: { from_ts?: number | undefined; to_ts?: number | undefined }, now: number): Computed {
  const range = src.range();
  // Without a range, whole buckets from the Monday of the first dated request.
  const from = q.from_ts ?? (range.first === null ? null : DateTime.fromMillis(range.first, { zone }).startOf('week').toMillis());
  const to = q.to_ts ?? (range.last !== null ? range.last + 1 : null);
  const availability = { buckets: 0, without_alert: 0, share: null as number | null, success_ratio: null as number | null };
  if (from === null || to === null || to <= from) {
    return { raw: [], tests: [], from, to, undated: range.undated, availability, sources: new Map() };
  }
  const enabled = rules.filter((r) => r.enabled);
  const longest = Math.max(28, ...enabled.map((r) => r.params.baseline_days));
  const span = (to - from) / DAY;
  if (span > 3700) throw new LoupeError('BAD_REQUEST', `The range spans ${Math.round(span)} days; alerts look at up to ten years at a time.`, { action: 'Choose a shorter range.' });
  const aggs = src.aggregates(from - (longest + 7) * DAY, to, zone, now);
  const raw: RawAlert[] = [];
  const tests: AlertTests[] = [];
  let wholeErrorAlerts = 0;
  for (const r of enabled) {
    const e = evaluateRule(r, aggs, { from, to });
    raw.push(...e.alerts);
    tests.push(e.tests);
    if (r.id === 'error_rate') wholeErrorAlerts = e.alerts.filter((a) => a.groupKey === 'all').length;
  }
  // Availability: the share of the whole traffic's judgeable error-rate buckets without an alert, and the success
  // ratio of the range's dated requests.
  const day = aggs.view('day');
  const reqs = day.requests.get('all') ?? [];
  let n = 0;
  let e = 0;
  // Over the requests whose outcome is known (a status or an error); null when none has one.
  day.grid.starts.slice(0, -1).forEach((s, i) => { if (s >= from && s < to) { n += reqs[i]?.statusN ?? 0; e += reqs[i]?.errors ?? 0; } });
  availability.success_ratio = n > 0 ? (n - e) / n : null;
  const er = enabled.find((r) => r.id === 'error_rate');
  if (er) {
    const v = aggs.view(er.params.bucket);
    const cells = v.requests.get('all') ?? [];
    const buckets = v.grid.labels.filter((_, i) => v.grid.starts[i]! >= from && v.grid.starts[i]! < to && v.grid.complete[i] && (cells[i]?.statusN ?? 0) >= er.params.min_requests).length;
    availability.buckets = buckets;
    availability.without_alert = buckets - wholeErrorAlerts;
    availability.share = buckets > 0 ? (buckets - wholeErrorAlerts) / buckets : null;
  }
  const sources = new Map<string, Alert['sources']>();
  for (const a of raw) {
    if (a.metric !== 'cost_usd') continue;
    const rule = enabled.find((r) => r.id === a.rule)!;
    sources.set(alertKey(a), src.costSources(a.groupKey, a.bucket_start, a.bucket_end, baselineRanges(a, rule, zone), 3));
  }
  return { raw, tests, from, to, undated: range.undated, availability, sources };
}

interface StateRow { alert_key: string; state: AlertState; note: string | null; checked: string; updated_at: number; updated_by: string | null }

/** Stored states of alerts, by key. */
function states(db: Db): Map<string, StateRow> {
  if (!db.hasTable('alert_states')) return new Map();
  return new Map(db.all<StateRow>('SELECT alert_key, state, note, checked, updated_at, updated_by FROM alert_states').map((r) => [r.alert_key, r]));
}

function toAlert(a: RawAlert, rule: AlertRule, st: StateRow | undefined, sources: Alert['sources']): Alert {
  let checked: number[] = [];
  try { checked = st ? (JSON.parse(st.checked) as number[]).filter((i) => Number.isInteger(i) && i >= 0 && i < rule.runbook.steps.length) : []; } catch { checked = []; }
  return {
    key: alertKey(a), rule: a.rule, metric: a.metric, bucket_unit: a.unit, bucket: a.bucket, bucket_start: a.bucket_start, bucket_end: a.bucket_end,
    group: groupOf(a.groupKey), value: a.value, baseline: a.baseline, threshold: a.threshold, p_value: a.p_value, n: a.n, baseline_n: a.baseline_n,
    summary: summarize(a, rule), sources,
    ...(a.rule === 'negative_feedback' ? { automated_feedback: a.automated ?? 0 } : {}),
    state: st?.state ?? 'open', note: st?.note ?? null, checked, state_updated_at: st?.updated_at ?? null, state_updated_by: st?.updated_by ?? null,
    runbook: rule.runbook as Runbook,
  };
}

/**
 * Computes the alerts of a workspace.
 * @param ws the open workspace (rules, runbooks and states are read from it)
 * @param zone the workspace IANA time zone (buckets are its local days and ISO weeks)
 * @param q range (UTC ms, half-open, by bucket start; default: the first to the last dated request) and filters
 *   (group: null for the whole traffic; states; rules)
 * @param now UTC ms; buckets ending later are not judged
 * @param src the data source (default: the workspace tables)
 * @returns alerts (open first, then newest first), tests run per rule, undated requests left out, availability
 * @throws LoupeError BAD_REQUEST for a range of more than ten years
 */
export function listAlerts(ws: Workspace, zone: string, q: AlertsListParams, now = Date.now(), src: AlertSource = sqlAlertSource(ws.db)): AlertsResult {
  const t0 = performance.now();
  const settings = getSettings(ws);
  const key = JSON.stringify([src.version(), zone, q.from_ts ?? null, q.to_ts ?? null, settings.rules.map((r) => [r.id, r.enabled, r.params]), Math.floor(now / 3_600_000)]);
  const c = cache.get(ws.db) ?? new Map<string, Computed>();
  cache.set(ws.db, c);
  let hit = c.get(key);
  const cached = hit !== undefined;
  if (!hit) {
    hit = compute(src, zone, settings.rules, q, now);
    c.set(key, hit);
    while (c.size > CACHE_SIZE) c.delete(c.keys().next().value!);
  }
  const st = states(ws.db);
  const rules = new Map(settings.rules.map((r) => [r.id, r]));
  const wantGroup = q.group === undefined ? null : groupKey(q.group);
  const order: Record<AlertState, number> = { open: 0, acknowledged: 1, resolved: 2 };
  const alerts = hit.raw
    .filter((a) => wantGroup === null || a.groupKey === wantGroup)
    .filter((a) => !q.rule || q.rule.includes(a.rule))
    .map((a) => toAlert(a, rules.get(a.rule)!, st.get(alertKey(a)), hit.sources.get(alertKey(a)) ?? null))
    .filter((a) => !q.state || q.state.includes(a.state))
    .sort((x, y) => order[x.state] - order[y.state] || y.bucket_start - x.bucket_start || (x.group === null ? 0 : 1) - (y.group === null ? 0 : 1) || x.key.localeCompare(y.key));
  return {
    from_ts: hit.from, to_ts: hit.to, time_zone: zone, alerts, tests: hit.tests, undated_requests: hit.undated, availability: hit.availability,
    elapsed_ms: performance.now() - t0, cached,
  };
}

/**
 * The alert with a key, over the range that holds its bucket.
 * @throws LoupeError NOT_FOUND when no enabled rule raises that alert on the current data
 */
export function findAlert(ws: Workspace, zone: string, key: string, now = Date.now()): Alert {
  const found = listAlerts(ws, zone, {}, now).alerts.find((a) => a.key === key);
  if (!found) throw new LoupeError('NOT_FOUND', 'That alert no longer exists: the data or the rule settings changed since it was raised.', { action: 'Reload the alerts.' });
  return found;
}
