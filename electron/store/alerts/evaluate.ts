/**
 * The alert rules. Each judges one complete bucket of one group against that group's trailing baseline, and fires
 * only when the change is both large (the playbook's threshold) and unlikely under the baseline (a one-sided exact
 * test at the rule's level), so small buckets do not raise alerts by chance:
 *
 * - error_rate: errors / requests with a status or an error above `floor` and above the baseline's pooled rate
 *   (Fisher exact, one-sided).
 * - p95_latency: p95 above `multiplier` × normal, normal = the median p95 of the baseline buckets; the share of
 *   requests slower than that line must be above the baseline's share of them (Fisher exact, one-sided).
 * - daily_cost: cost above (1 + `increase`) × the baseline mean, and the bucket's log cost significantly above the
 *   baseline's mean log cost (one-sided t-test; the spread of log cost is pooled over the baseline window within
 *   weekdays, so over-dispersed volume counts as noise). Day buckets compare with the same weekday (weekly
 *   seasonality: a Tuesday is not a cost anomaly because Sunday was quiet). For a feature or model version, the
 *   increase must also be at least `min_share_of_total` of the whole traffic's cost in that bucket.
 * - negative_feedback: thumbs-down share, low-CSAT share (ratings 1-3 of 1-5) and detractor share (NPS 0-6), each
 *   at least `min_increase` above its baseline share and significant at alpha / 3 (Fisher exact, one-sided;
 *   Bonferroni over the three).
 * - ticket_surge: tickets above (1 + `increase`) × what the baseline's tickets per request predict for the bucket's
 *   requests, conditional Poisson test with requests as exposure (a growing group is not a surge).
 *
 * Baselines: the `baseline_days` before the bucket (ratio metrics pool them; day buckets of count metrics use the
 * same weekday only), complete buckets inside the data only; at least {@link MIN_BASELINE_BUCKETS} of them must
 * have enough data, else the bucket is "not judged" and counted as such. Pure functions over {@link Aggregates}.
 */
import { fisherGreater, poissonRateGreater, studentTUpperTail } from '../../../shared/stats';
import type { AlertMetricName, AlertRule, AlertTests } from '../../../shared/contract-alerts';
import { type Aggregates, type FeedbackCell, type Grid, groupOf, type RequestCell } from './aggregate';

/**
 * Why a bucket with data is not judged when it has not ended, or the data stops inside it, naming the bucket
 * ("day 2024-06-14 not complete: …"), so a reader can tell which one beside a chart that draws it.
 */
export function incomplete(grid: Grid, i: number): string {
  return `${grid.unit} ${grid.labels[i]} not complete: it has not ended, or the data stops inside it`;
}

/** Fewest baseline buckets with enough data before a bucket is judged. */
export const MIN_BASELINE_BUCKETS = 3;

/** An alert as the rules find it, before state, runbook and cost sources are attached. */
export interface RawAlert {
  rule: AlertRule['id'];
  metric: AlertMetricName;
  unit: 'day' | 'week';
  bucketIndex: number;
  bucket: string;
  bucket_start: number;
  bucket_end: number;
  groupKey: string;
  value: number;
  baseline: number | null;
  threshold: number;
  p_value: number | null;
  n: number;
  baseline_n: number;
  /** negative_feedback: scores from automated evaluators in the bucket and group, in none of its shares. */
  automated?: number;
}

interface Ctx {
  grid: Grid;
  /** Bucket indices whose alerts are reported (inside the requested range). */
  from: number;
  to: number;
}

class Tally {
  judged = 0;
  buckets = new Set<number>();
  groups = new Set<string>();
  reasons = new Map<string, number>();
  skip(reason: string): void { this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1); }
  judge(i: number, g: string): void { this.judged++; this.buckets.add(i); this.groups.add(g); }
}

/** Baseline bucket indices of bucket i: the window's complete buckets inside the data, optionally the same weekday only. */
function baselineIdx(grid: Grid, i: number, days: number, sameWeekday: boolean): number[] {
  const span = grid.unit === 'day' ? days : Math.round(days / 7);
  const out: number[] = [];
  const step = grid.unit === 'day' && sameWeekday ? 7 : 1;
  for (let j = i - step; j >= i - span && j >= 0; j -= step) if (grid.complete[j] && grid.inData[j]) out.push(j);
  return out;
}

function raw(rule: AlertRule, metric: AlertMetricName, grid: Grid, i: number, g: string, f: Omit<RawAlert, 'rule' | 'metric' | 'unit' | 'bucketIndex' | 'bucket' | 'bucket_start' | 'bucket_end' | 'groupKey'>): RawAlert {
  return { rule: rule.id, metric, unit: grid.unit, bucketIndex: i, bucket: grid.labels[i]!, bucket_start: grid.starts[i]!, bucket_end: grid.starts[i + 1]!, groupKey: g, ...f };
}

/** Smallest k ≥ from with test(k) < alpha (the count a bucket had to reach), or null when none up to n. */
function criticalCount(from: number, n: number, alpha: number, test: (k: number) => number): number | null {
  for (let k = Math.max(0, from); k <= n; k++) if (test(k) < alpha) return k;
  return null;
}

function errorRate(rule: Extract<AlertRule, { id: 'error_rate' }>, cells: Map<string, RequestCell[]>, c: Ctx, out: RawAlert[], t: Tally): void {
  const p = rule.params;
  for (const [g, cs] of cells) {
    for (let i = c.from; i < c.to; i++) {
      // Over the requests whose outcome is known (a status or an error): one with neither is no success.
      const cur = cs[i]!;
      const n = cur.statusN;
      if (!c.grid.complete[i]) { if (cur.n > 0) t.skip(incomplete(c.grid, i)); continue; }
      if (cur.n === 0) continue;
      if (n === 0) { t.skip('no request in the bucket has a status or an error'); continue; }
      if (n < p.min_requests) { t.skip(`fewer than ${p.min_requests} requests with a status in the bucket`); continue; }
      const base = baselineIdx(c.grid, i, p.baseline_days, false);
      if (base.filter((j) => cs[j]!.statusN >= p.min_requests).length < MIN_BASELINE_BUCKETS) { t.skip(`no baseline: fewer than ${MIN_BASELINE_BUCKETS} earlier buckets with ${p.min_requests} requests with a status`); continue; }
      t.judge(i, g);
      const N = base.reduce((s, j) => s + cs[j]!.statusN, 0);
      const K = base.reduce((s, j) => s + cs[j]!.errors, 0);
      const rate = cur.errors / n;
      if (rate <= p.floor) continue;
      const pv = fisherGreater(cur.errors, n, K, N);
      if (pv >= p.alpha) continue;
      const kCrit = criticalCount(Math.ceil((K / N) * n), n, p.alpha, (k) => fisherGreater(k, n, K, N)) ?? cur.errors;
      out.push(raw(rule, 'error_rate', c.grid, i, g, { value: rate, baseline: K / N, threshold: Math.max(p.floor, kCrit / n), p_value: pv, n, baseline_n: N }));
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function p95Latency(rule: Extract<AlertRule, { id: 'p95_latency' }>, cells: Map<string, RequestCell[]>, c: Ctx, out: RawAlert[], t: Tally): void {
  const p = rule.params;
  for (const [g, cs] of cells) {
    for (let i = c.from; i < c.to; i++) {
      if (!c.grid.complete[i]) { if (cs[i]!.latencyN > 0) t.skip(incomplete(c.grid, i)); continue; }
      const cur = cs[i]!;
      if (cur.latencyN === 0) continue;
      if (cur.latencyN < p.min_requests) { t.skip(`fewer than ${p.min_requests} requests with a latency in the bucket`); continue; }
      const base = baselineIdx(c.grid, i, p.baseline_days, false).filter((j) => cs[j]!.latencyN >= p.min_requests);
      if (base.length < MIN_BASELINE_BUCKETS) { t.skip(`no baseline: fewer than ${MIN_BASELINE_BUCKETS} earlier buckets with ${p.min_requests} requests`); continue; }
      t.judge(i, g);
      const normal = median(base.map((j) => cs[j]!.p95()!));
      const line = p.multiplier * normal;
      const p95 = cur.p95()!;
      if (p95 <= line) continue;
      const slow = cur.slowerThan(line);
      const slowBase = base.reduce((s, j) => s + cs[j]!.slowerThan(line), 0);
      const nBase = base.reduce((s, j) => s + cs[j]!.latencyN, 0);
      const pv = fisherGreater(slow, cur.latencyN, slowBase, nBase);
      if (pv >= p.alpha) continue;
      out.push(raw(rule, 'p95_latency_ms', c.grid, i, g, { value: p95, baseline: normal, threshold: line, p_value: pv, n: cur.latencyN, baseline_n: nBase }));
    }
  }
}

/**
 * Spread of log bucket cost in the baseline window, pooled within weekdays for day buckets (each weekday's values
 * about their own mean) so weekly seasonality is not counted as noise. @returns variance and degrees of freedom
 */
function logCostSpread(cs: readonly RequestCell[], idx: readonly number[], unit: 'day' | 'week', start: number): { v: number; dof: number } {
  const groups = new Map<number, number[]>();
  for (const j of idx) {
    const key = unit === 'day' ? ((j - start) % 7 + 7) % 7 : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(Math.log(Math.max(cs[j]!.cost, 1e-12)));
  }
  let ss = 0;
  let dof = 0;
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const m = g.reduce((a, b) => a + b, 0) / g.length;
    ss += g.reduce((a, b) => a + (b - m) ** 2, 0);
    dof += g.length - 1;
  }
  return { v: dof > 0 ? ss / dof : 0, dof };
}

/** Fewest degrees of freedom of the cost spread before a bucket is judged. */
const MIN_COST_DOF = 3;

function dailyCost(rule: Extract<AlertRule, { id: 'daily_cost' }>, cells: Map<string, RequestCell[]>, c: Ctx, out: RawAlert[], t: Tally): void {
  const p = rule.params;
  const all = cells.get('all');
  for (const [g, cs] of cells) {
    for (let i = c.from; i < c.to; i++) {
      if (!c.grid.complete[i]) { if (cs[i]!.costN > 0) t.skip(incomplete(c.grid, i)); continue; }
      const cur = cs[i]!;
      if (cur.costN === 0) continue;
      if (cur.costN < p.min_requests) { t.skip(`fewer than ${p.min_requests} requests with a cost in the bucket`); continue; }
      const usable = (j: number) => cs[j]!.costN >= p.min_requests && cs[j]!.cost > 0;
      const base = baselineIdx(c.grid, i, p.baseline_days, true).filter(usable);
      const window = baselineIdx(c.grid, i, p.baseline_days, false).filter(usable);
      const spread = logCostSpread(cs, window, c.grid.unit, i);
      if (base.length < MIN_BASELINE_BUCKETS || spread.dof < MIN_COST_DOF) {
        t.skip(`no baseline: fewer than ${MIN_BASELINE_BUCKETS} earlier ${c.grid.unit === 'day' ? 'same weekdays' : 'buckets'} with ${p.min_requests} costed requests`);
        continue;
      }
      t.judge(i, g);
      const k = base.length;
      const logs = base.map((j) => Math.log(cs[j]!.cost));
      const B = base.reduce((s, j) => s + cs[j]!.cost, 0) / k;
      const nCost = base.reduce((s, j) => s + cs[j]!.costN, 0);
      const line = (1 + p.increase) * B;
      if (!(cur.cost > line)) continue;
      // Material: the increase must be a visible share of the whole traffic's spend in that bucket, so a feature
      // costing a fraction of a cent a day does not page anyone.
      const total = all?.[i]?.cost ?? cur.cost;
      if (g !== 'all' && cur.cost - B < p.min_share_of_total * total) continue;
      // t-test of the bucket's log cost against the mean log cost of its baseline buckets, with the spread of log
      // cost pooled over the window: day-to-day swings in volume are part of the noise, not only Poisson noise.
      const meanLog = logs.reduce((a, b) => a + b, 0) / k;
      const tStat = (Math.log(cur.cost) - meanLog) / Math.sqrt(spread.v * (1 + 1 / k));
      const pv = spread.v > 0 ? studentTUpperTail(tStat, spread.dof) : 0;
      if (pv >= p.alpha) continue;
      out.push(raw(rule, 'cost_usd', c.grid, i, g, { value: cur.cost, baseline: B, threshold: line, p_value: pv, n: cur.costN, baseline_n: nCost }));
    }
  }
}

const FEEDBACK_METRICS: Array<{ metric: AlertMetricName; n: (f: FeedbackCell) => number; k: (f: FeedbackCell) => number; what: string }> = [
  { metric: 'thumbs_down_rate', n: (f) => f.thumbs, k: (f) => f.downs, what: 'thumbs' },
  { metric: 'low_csat_share', n: (f) => f.ratings, k: (f) => f.low, what: 'CSAT ratings' },
  { metric: 'detractor_share', n: (f) => f.nps, k: (f) => f.detractors, what: 'NPS answers' },
];

function negativeFeedback(rule: Extract<AlertRule, { id: 'negative_feedback' }>, cells: Map<string, FeedbackCell[]>, c: Ctx, out: RawAlert[], t: Tally): void {
  const p = rule.params;
  const alpha = p.alpha / FEEDBACK_METRICS.length;
  for (const [g, cs] of cells) {
    for (let i = c.from; i < c.to; i++) {
      if (!c.grid.complete[i]) { if (FEEDBACK_METRICS.some((m) => m.n(cs[i]!) > 0)) t.skip(incomplete(c.grid, i)); continue; }
      const base = baselineIdx(c.grid, i, p.baseline_days, false);
      for (const m of FEEDBACK_METRICS) {
        const n = m.n(cs[i]!);
        if (n === 0) continue;
        if (n < p.min_feedback) { t.skip(`fewer than ${p.min_feedback} ${m.what} in the bucket`); continue; }
        const N = base.reduce((s, j) => s + m.n(cs[j]!), 0);
        if (N < p.min_feedback) { t.skip(`no baseline: fewer than ${p.min_feedback} ${m.what} in the ${p.baseline_days} days before`); continue; }
        t.judge(i, g);
        const k = m.k(cs[i]!);
        const K = base.reduce((s, j) => s + m.k(cs[j]!), 0);
        const share = k / n;
        if (share < K / N + p.min_increase) continue;
        const pv = fisherGreater(k, n, K, N);
        if (pv >= alpha) continue;
        const kCrit = criticalCount(Math.ceil((K / N + p.min_increase) * n), n, alpha, (x) => fisherGreater(x, n, K, N)) ?? k;
        out.push(raw(rule, m.metric, c.grid, i, g, { value: share, baseline: K / N, threshold: kCrit / n, p_value: pv, n, baseline_n: N, automated: cs[i]!.automated }));
      }
    }
  }
}

function ticketSurge(rule: Extract<AlertRule, { id: 'ticket_surge' }>, cells: Map<string, number[]>, reqs: Map<string, RequestCell[]>, c: Ctx, out: RawAlert[], t: Tally): void {
  const p = rule.params;
  for (const [g, cs] of cells) {
    const rs = reqs.get(g);
    if (!rs) continue;
    for (let i = c.from; i < c.to; i++) {
      if (!c.grid.complete[i]) { if (cs[i]! > 0) t.skip(incomplete(c.grid, i)); continue; }
      const k = cs[i]!;
      if (k === 0) continue;
      // Exposure is the group's requests: a group that grows (a model version being rolled out) raises more
      // tickets without any surge in tickets per request.
      const base = baselineIdx(c.grid, i, p.baseline_days, true).filter((j) => rs[j]!.n > 0);
      if (base.length < MIN_BASELINE_BUCKETS || rs[i]!.n === 0) { t.skip(`no baseline: fewer than ${MIN_BASELINE_BUCKETS} earlier ${c.grid.unit === 'day' ? 'same weekdays' : 'buckets'} with requests in the group`); continue; }
      if (k < p.min_tickets) { t.skip(`fewer than ${p.min_tickets} tickets in the bucket`); continue; }
      t.judge(i, g);
      const K = base.reduce((s, j) => s + cs[j]!, 0);
      const N = base.reduce((s, j) => s + rs[j]!.n, 0);
      const n = rs[i]!.n;
      // Tickets the baseline's rate per request predicts for this bucket's volume.
      const expected = (K / N) * n;
      const line = (1 + p.increase) * expected;
      if (!(k > line)) continue;
      const pv = poissonRateGreater(k, n, K, N);
      if (pv >= p.alpha) continue;
      out.push(raw(rule, 'tickets', c.grid, i, g, { value: k, baseline: expected, threshold: Math.max(line, p.min_tickets), p_value: pv, n, baseline_n: N }));
    }
  }
}

/**
 * Runs one rule over the aggregates.
 * @param rule an enabled rule with validated params
 * @param aggs the aggregates (day cells; weeks are merged on demand)
 * @param range UTC ms: alerts are reported for buckets that start in [from, to)
 * @returns the alerts (whole traffic first, then groups, time order within each) and what was tested
 */
export function evaluateRule(rule: AlertRule, aggs: Aggregates, range: { from: number; to: number }): { alerts: RawAlert[]; tests: AlertTests } {
  const v = aggs.view(rule.params.bucket);
  const grid = v.grid;
  let from = grid.labels.length;
  let to = 0;
  grid.labels.forEach((_, i) => { if (grid.starts[i]! >= range.from && grid.starts[i]! < range.to) { from = Math.min(from, i); to = Math.max(to, i + 1); } });
  const c: Ctx = { grid, from, to };
  const out: RawAlert[] = [];
  const t = new Tally();
  let metrics = 1;
  switch (rule.id) {
    case 'error_rate': errorRate(rule, v.requests, c, out, t); break;
    case 'p95_latency': p95Latency(rule, v.requests, c, out, t); break;
    case 'daily_cost': dailyCost(rule, v.requests, c, out, t); break;
    case 'negative_feedback': negativeFeedback(rule, v.feedback, c, out, t); metrics = FEEDBACK_METRICS.length; break;
    case 'ticket_surge': ticketSurge(rule, v.tickets, v.requests, c, out, t); break;
  }
  const alphaPerTest = rule.id === 'negative_feedback' ? rule.params.alpha / FEEDBACK_METRICS.length : rule.params.alpha;
  out.sort((a, b) => (a.groupKey === 'all' ? 0 : 1) - (b.groupKey === 'all' ? 0 : 1) || a.groupKey.localeCompare(b.groupKey) || a.bucket_start - b.bucket_start);
  return {
    alerts: out,
    tests: {
      rule: rule.id, bucket_unit: grid.unit, buckets: t.buckets.size, groups: t.groups.size, metrics,
      // negative_feedback counts each judged metric separately in `judged`.
      judged: t.judged,
      not_judged: [...t.reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
      alpha_per_test: alphaPerTest,
      expected_false_alerts: t.judged * alphaPerTest,
    },
  };
}

/** The group of a raw alert. */
export const rawGroup = (a: RawAlert) => groupOf(a.groupKey);
