/**
 * `metrics.series`: per hour, day or ISO week (workspace time zone) throughput, error rate, p50/p95/p99 latency, mean
 * tokens, cost, thumbs-up rate, CSAT and NPS, plus a breakdown of p95 latency, error rate, thumbs-up rate and cost by
 * any request dimension (the 12 largest values, then "(other)" so the groups add up to the totals). Alerts are
 * computed by electron/store/alerts, not here.
 *
 * Cost on 1M requests: one aggregate query and three LIMIT/OFFSET quantile queries per bucket, each a range scan of
 * the ts index; feedback is read once for the whole range and assigned to buckets by its own timestamp.
 */
import { csat, nps, quantileSorted, thumbsUpRate, wilsonInterval } from '../../../shared/stats';
import type { BreakdownPoint, MetricDim, MetricsBucket, MetricsFilter, MetricsSeries } from '../../../shared/contract-metrics';
import type { Db } from '../db';
import { bucketLabel, bucketStarts, filterSql, isoWeekLabel, num, sqlQuantiles } from './common';

export interface SeriesInput {
  from_ts?: number | undefined;
  to_ts?: number | undefined;
  bucket: 'hour' | 'day' | 'week';
  filter: MetricsFilter;
  breakdown: MetricDim | 'none';
}

/** Most breakdown groups shown (by request count); the rest are summed into one "(other)" group. */
export const MAX_GROUPS = 12;
/** The breakdown group holding every value past the first {@link MAX_GROUPS}. */
export const OTHER = '(other)';

interface Agg { n: number; e: number | null; ti: number | null; tout: number | null; c: number | null; cn: number; ln: number }


/**
 * One bucket's latencies in ascending order, read by a single ordered scan (the ts index finds the bucket's rows,
 * SQLite sorts them once), split by the breakdown column as they stream by. Each group's list comes out already
 * sorted, so the whole bucket's p50/p95/p99 and every group's p95 are type-7 quantiles of one sort. On 1M requests
 * this replaces one sort per group and bucket (each a full scan of the bucket) with one per bucket.
 * Only one bucket's values are held at a time; `groupOf` maps a value to its group (the top values, or "(other)").
 */
function bucketLatencyQuantiles(db: Db, by: string, where: string, params: Array<string | number>, n: number, groupOf: (g: string | null) => string): { all: Array<number | null>; p95: Map<string, number | null> } {
  const all = new Float64Array(n);
  const groups = new Map<string, number[]>();
  const st = db.stmt(`SELECT r.${by} AS g, latency_ms FROM requests r WHERE ${where} AND +latency_ms IS NOT NULL ORDER BY +latency_ms`);
  let k = 0;
  try {
    st.bind(params);
    while (st.step()) {
      const [g, v] = st.get() as [string | null, number];
      if (k < n) all[k++] = v;
      const key = groupOf(g);
      let arr = groups.get(key);
      if (!arr) groups.set(key, (arr = []));
      arr.push(v);
    }
  } finally {
    st.reset();
  }
  const sorted = all.subarray(0, k);
  return {
    all: [0.5, 0.95, 0.99].map((p) => (k ? quantileSorted(sorted, p) : null)),
    p95: new Map([...groups].map(([key, arr]) => [key, quantileSorted(arr, 0.95)])),
  };
}

/** Index of the bucket holding ts (starts ascending, last entry is the end), or -1. */
function bucketOf(starts: readonly number[], ts: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  if (ts < starts[0]! || ts >= starts[hi]!) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= ts) lo = mid; else hi = mid;
  }
  return lo;
}

/**
 * Computes the series.
 * @param db the workspace database
 * @param zone the workspace IANA time zone (buckets are local days / ISO weeks there)
 * @param q range (UTC ms, half-open; default: the filtered requests' first to last timestamp), bucket unit, filter
 *   (exact matches on request columns; feedback then counts only when linked to a matching request) and breakdown
 *   column
 * @param now UTC ms; a bucket is complete when it lies inside the requested range and ends by `now`
 * @returns see {@link MetricsSeries}; latency percentiles are type 7 over every request with a latency (errors
 *   included: a timeout is latency the user waited through)
 * @throws LoupeError BAD_REQUEST when the range needs more than 1,000 buckets
 */
export function metricsSeries(db: Db, zone: string, q: SeriesInput, now = Date.now()): MetricsSeries {
  const t0 = performance.now();
  // Switching back to a view seen before is instant: results are kept while requests and feedback are unchanged.
  const version = db.get<{ rn: number; rm: number | null; fn: number; fm: number | null }>(
    'SELECT (SELECT count(*) FROM requests) AS rn, (SELECT max(rowid) FROM requests) AS rm, (SELECT count(*) FROM feedback) AS fn, (SELECT max(rowid) FROM feedback) AS fm')!;
  const key = JSON.stringify([version, zone, q, Math.floor(now / 3_600_000)]);
  const cache = seriesCache.get(db) ?? new Map<string, MetricsSeries>();
  seriesCache.set(db, cache);
  const hit = cache.get(key);
  if (hit) return { ...hit, elapsed_ms: performance.now() - t0, cached: true };
  const result = computeSeries(db, zone, q, now, t0);
  cache.set(key, result);
  while (cache.size > SERIES_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return result;
}

/**
 * Thumbs, ratings and NPS answers with no time of their own nor a dated request: in no bucket, counted so the charts
 * can say what they leave out. With a filter, only feedback on a matching request counts.
 */
function countUndatedFeedback(db: Db, filter: MetricsFilter): MetricsSeries['undated_feedback'] {
  const f = filterSql(filter);
  const filtered = Object.keys(filter).length > 0;
  const rows = db.all<{ kind: string; n: number }>(`SELECT f.kind AS kind, count(*) AS n FROM feedback f ${filtered ? 'JOIN' : 'LEFT JOIN'} requests r ON r.id = f.request_id
    WHERE f.ts IS NULL AND r.ts IS NULL AND f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL${f.sql} GROUP BY f.kind`, f.params);
  const n = (k: string) => rows.find((r) => r.kind === k)?.n ?? 0;
  return { thumbs: n('thumb'), ratings: n('rating'), nps: n('nps') };
}

/** Recent results per database (insertion order = age). */
const seriesCache = new WeakMap<Db, Map<string, MetricsSeries>>();
const SERIES_CACHE_SIZE = 8;

function computeSeries(db: Db, zone: string, q: SeriesInput, now: number, t0: number): MetricsSeries {
  const f = filterSql(q.filter);
  const range = db.get<{ lo: number | null; hi: number | null; undated: number }>(
    `SELECT min(ts) AS lo, max(ts) AS hi, (SELECT count(*) FROM requests r WHERE ts IS NULL${f.sql}) AS undated FROM requests r WHERE ts IS NOT NULL${f.sql}`, [...f.params, ...f.params]);
  const allRange = db.get<{ lo: number | null; hi: number | null }>('SELECT min(ts) AS lo, max(ts) AS hi FROM requests WHERE ts IS NOT NULL');
  const weeks: string[] = [];
  if (allRange?.lo != null && allRange.hi != null) {
    const ws = bucketStarts(allRange.lo, allRange.hi + 1, 'week', zone, 2000);
    for (const s of ws.slice(0, -1)) weeks.push(isoWeekLabel(s, zone));
  }
  const options = { weeks };
  const undated = range?.undated ?? 0;
  const undatedFeedback = countUndatedFeedback(db, q.filter);
  // Without an explicit range the buckets are whole: feedback that arrives after the last request of its week
  // (CSAT minutes later, NPS days later) still counts in that week.
  const lo = q.from_ts ?? range?.lo ?? null;
  const hi = q.to_ts ?? (range?.hi != null ? range.hi + 1 : null);
  const whole = lo !== null && hi !== null && hi > lo ? bucketStarts(lo, hi, q.bucket, zone) : null;
  const from = q.from_ts ?? (whole ? whole[0]! : null);
  const to = q.to_ts ?? (whole ? whole[whole.length - 1]! : null);
  const base = { bucket: q.bucket, time_zone: zone, from_ts: from, to_ts: to, filter: q.filter, options, undated_requests: undated, undated_feedback: undatedFeedback };
  if (from === null || to === null || to <= from) {
    return { ...base, buckets: [], breakdown: null, elapsed_ms: performance.now() - t0, cached: false };
  }
  const starts = bucketStarts(from, to, q.bucket, zone);
  const nb = starts.length - 1;
  const by = q.breakdown === 'none' ? null : q.breakdown;
  const where = `r.ts >= ? AND r.ts < ?${f.sql}`;

  // The breakdown's groups: the values with most requests in the range; the rest become "(other)".
  let top: Set<string> | null = null;
  let otherValues = 0;
  if (by) {
    const counts = db.all<{ g: string | null; n: number }>(`SELECT r.${by} AS g, count(*) AS n FROM requests r WHERE ${where} GROUP BY g`, [from, to, ...f.params]);
    const ranked = counts.map((c) => ({ key: c.g ?? '(none)', n: c.n })).sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
    top = new Set(ranked.slice(0, MAX_GROUPS).map((c) => c.key));
    otherValues = Math.max(0, ranked.length - MAX_GROUPS);
  }
  const groupOf = (g: string | null) => { const k = g ?? '(none)'; return top!.has(k) ? k : OTHER; };

  // Feedback of the whole range, once; attributed by its own ts, else (no time of its own) by its request's. The
  // join gives the filter and breakdown columns.
  const filtered = Object.keys(q.filter).length > 0;
  const fb = db.all<{ ts: number; kind: string; value: number | null; scale: number | null; g: string | null }>(
    `SELECT coalesce(f.ts, r.ts) AS ts, f.kind AS kind, f.value AS value, f.scale AS scale, ${by ? `r.${by}` : 'NULL'} AS g
       FROM feedback f ${filtered ? 'JOIN' : 'LEFT JOIN'} requests r ON r.id = f.request_id
      WHERE coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ? AND f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL${f.sql}`,
    [Math.max(from, starts[0]!), to, ...f.params]);
  const up = new Array<number>(nb).fill(0);
  const down = new Array<number>(nb).fill(0);
  const ratings: number[][] = Array.from({ length: nb }, () => []);
  const scores: number[][] = Array.from({ length: nb }, () => []);
  const groupThumbs = new Map<string, { up: number[]; down: number[] }>();
  for (const r of fb) {
    const i = bucketOf(starts, r.ts);
    if (i < 0 || r.value === null) continue;
    if (r.kind === 'thumb') {
      if (r.value > 0) up[i]!++; else down[i]!++;
      // Feedback linked to no request has no breakdown value: it counts in the totals only.
      if (by && (r.g !== null || filtered)) {
        const key = groupOf(r.g);
        let gt = groupThumbs.get(key);
        if (!gt) groupThumbs.set(key, (gt = { up: new Array<number>(nb).fill(0), down: new Array<number>(nb).fill(0) }));
        if (r.value > 0) gt.up[i]!++; else gt.down[i]!++;
      }
    } else if (r.kind === 'rating') {
      // CSAT is defined on the 1-5 scale only; ratings on other scales are not CSAT.
      if ((r.scale ?? 5) === 5 && Number.isInteger(r.value) && r.value >= 1 && r.value <= 5) ratings[i]!.push(r.value);
    } else if (Number.isInteger(r.value) && r.value >= 0 && r.value <= 10) scores[i]!.push(r.value);
  }

  const buckets: MetricsBucket[] = [];
  /** Per bucket, the p95 latency of each breakdown group (from the same ordered scan as the bucket's quantiles). */
  const groupP95: Array<Map<string, number | null>> = [];
  for (let i = 0; i < nb; i++) {
    const s = starts[i]!;
    const e = starts[i + 1]!;
    const params = [Math.max(s, from), Math.min(e, to), ...f.params];
    const a = db.get<Agg>(`SELECT count(*) AS n, sum(is_error) AS e, avg(tokens_in) AS ti, avg(tokens_out) AS tout, sum(cost_usd) AS c,
      count(cost_usd) AS cn, count(latency_ms) AS ln FROM requests r WHERE ${where}`, params)!;
    let quantiles: Array<number | null>;
    if (by && a.n > 0) {
      const q3 = bucketLatencyQuantiles(db, by, where, params, a.ln, groupOf);
      quantiles = q3.all;
      groupP95.push(q3.p95);
    } else {
      quantiles = sqlQuantiles(db, 'latency_ms', 'requests r', where, params, a.ln, [0.5, 0.95, 0.99]);
      groupP95.push(new Map());
    }
    const [p50, p95, p99] = quantiles;
    const errors = a.e ?? 0;
    const ew = wilsonInterval(errors, a.n);
    const th = thumbsUpRate(up[i]!, down[i]!);
    const cs = csat(ratings[i]!);
    const np = nps(scores[i]!);
    buckets.push({
      label: bucketLabel(s, q.bucket, zone), start_ts: s, end_ts: e,
      complete: s >= (q.from_ts ?? -Infinity) && e <= (q.to_ts ?? Infinity) && e <= now,
      requests: a.n, errors,
      error_rate: { rate: ew?.estimate ?? null, low: ew?.low ?? null, high: ew?.high ?? null, k: errors, n: a.n },
      latency: { p50: num(p50), p95: num(p95), p99: num(p99), n: a.ln },
      tokens_in_mean: num(a.ti), tokens_out_mean: num(a.tout),
      cost_total_usd: a.c ?? 0, cost_mean_usd: a.cn > 0 ? (a.c ?? 0) / a.cn : null, cost_n: a.cn,
      thumbs: { rate: num(th.rate), low: th.interval?.low ?? null, high: th.interval?.high ?? null, k: th.up, n: th.n, up: th.up, down: th.down },
      csat: { csat: num(cs.csat), satisfied: cs.satisfied, n: cs.n, low: cs.interval?.low ?? null, high: cs.interval?.high ?? null },
      nps: { nps: num(np.nps), promoters: np.promoters, passives: np.passives, detractors: np.detractors, n: np.n },
    });
  }

  let breakdown: MetricsSeries['breakdown'] = null;
  if (by) {
    // Counts of every group in a bucket come from one GROUP BY over the bucket's ts range.
    const counts = buckets.map((b) => {
      const m = new Map<string, { n: number; e: number; c: number }>();
      for (const r of db.all<{ g: string | null; n: number; e: number | null; c: number | null }>(
        `SELECT r.${by} AS g, count(*) AS n, sum(is_error) AS e, sum(cost_usd) AS c FROM requests r WHERE ${where} GROUP BY g`,
        [Math.max(b.start_ts, from), Math.min(b.end_ts, to), ...f.params])) {
        const key = groupOf(r.g);
        const cur = m.get(key) ?? { n: 0, e: 0, c: 0 };
        m.set(key, { n: cur.n + r.n, e: cur.e + (r.e ?? 0), c: cur.c + (r.c ?? 0) });
      }
      return m;
    });
    const keys = [...top!].sort((x, y) => x.localeCompare(y));
    const totals = new Map(keys.map((k) => [k, counts.reduce((n, m) => n + (m.get(k)?.n ?? 0), 0)]));
    keys.sort((x, y) => totals.get(y)! - totals.get(x)! || x.localeCompare(y));
    if (otherValues > 0) keys.push(OTHER);
    const groups = keys.map((key) => ({
      key,
      points: buckets.map((b, i): BreakdownPoint => {
        const a = counts[i]!.get(key) ?? { n: 0, e: 0, c: 0 };
        const gt = groupThumbs.get(key);
        const th = thumbsUpRate(gt?.up[i] ?? 0, gt?.down[i] ?? 0);
        return {
          label: b.label, requests: a.n, errors: a.e, error_rate: a.n > 0 ? a.e / a.n : null, p95_ms: num(groupP95[i]!.get(key) ?? null),
          thumbs_up_rate: num(th.rate), thumbs_n: th.n, cost_usd: a.c,
        };
      }),
    }));
    breakdown = { by, groups, other_values: otherValues };
  }
  return { ...base, buckets, breakdown, elapsed_ms: performance.now() - t0, cached: false };
}
