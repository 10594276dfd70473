/**
 * `metrics.series`: per hour, day or ISO week (workspace time zone) throughput, error rate, p50/p95/p99 latency, mean
 * tokens, cost, thumbs-up rate, CSAT and NPS, plus a breakdown of p95 latency, error rate, thumbs-up rate and cost by
 * any request dimension (the 12 largest values, then "(other)" so the groups add up to the totals). Alerts are
 * computed by electron/store/alerts, not here.
 *
 * Cost: request figures come from the hour × slice summaries (electron/store/summaries): one read of the range's
 * cells, whose number grows with hours × slices, not with requests; counts and sums are exact, percentiles exact up
 * to 100 latencies in a bucket and from a merged DDSketch (±1%) beyond, as each bucket's `latency.method` says.
 * A user-id filter or breakdown (not a summary dimension) or buckets that are not whole UTC hours (a half-hour
 * zone) scan the rows instead (one scan, latencies exact). Feedback is read once for the whole range and assigned
 * to buckets by its own timestamp (else its request's).
 */
import { csat, nps, thumbsUpRate, wilsonInterval } from '../../../shared/stats';
import type { BreakdownPoint, MetricDim, MetricsBucket, MetricsFilter, MetricsSeries } from '../../../shared/contract-metrics';
import type { Db } from '../db';
import { bucketLabel, bucketStarts, filterSql, isoWeekLabel, num } from './common';
import { Dist, SKETCH_RELATIVE_ACCURACY } from '../summaries/dist';
import { statusKnownSql, summaryGeneration, type SliceDim } from '../summaries/build';
import { eachCell, isSliceDim, summariesReady, summaryLevel, type SliceFilter } from '../summaries/read';
import { addCounts, addFeedbackValue, csatRowSql, eachFeedbackCell, emptyCounts, ensureFeedbackSummaries, feedbackVersion, NO_REQUEST_SLICE, npsRowSql, type FeedbackCounts } from '../summaries/feedback';
import { byUserSql } from '../feedback/automated';

export interface SeriesInput {
  from_ts?: number | undefined;
  to_ts?: number | undefined;
  bucket: 'hour' | 'day' | 'week';
  filter: MetricsFilter;
  breakdown: MetricDim | 'none';
  /**
   * Where request figures come from: `auto` (default) reads the hourly summaries whenever they can answer, else the
   * rows; `requests` always scans the rows (tests and benches compare the two). Not part of the IPC params.
   */
  source?: 'auto' | 'requests' | undefined;
}

/** Most breakdown groups shown (by request count); the rest are summed into one "(other)" group. */
export const MAX_GROUPS = 12;
/** The breakdown group holding every value past the first {@link MAX_GROUPS}. */
export const OTHER = '(other)';

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
  const version = db.get<{ rm: number | null }>('SELECT (SELECT max(rowid) FROM requests) AS rm')!;
  // Requests: the largest rowid (new rows) and the summaries' generation (counted up by every refresh and delete:
  // changes to existing rows, a price re-derive, that a count would miss; a count of 1M rows costs ~250 ms cold).
  const key = JSON.stringify([version, summaryGeneration(db), feedbackVersion(db), zone, q, Math.floor(now / 3_600_000)]);
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
 * can say what they leave out. With a filter, only feedback on a matching request counts. `+f.kind` keeps SQLite on
 * the ts index (feedback without a time of its own) instead of the kind index, which walked every thumb, rating and
 * NPS answer with its request: ~150 ms cold at 200k feedback rows, most of the first metrics view.
 */
function countUndatedFeedback(db: Db, filter: MetricsFilter): MetricsSeries['undated_feedback'] {
  const f = filterSql(filter);
  const filtered = Object.keys(filter).length > 0;
  const rows = db.all<{ kind: string; n: number }>(`SELECT f.kind AS kind, count(*) AS n FROM feedback f ${filtered ? 'JOIN' : 'LEFT JOIN'} requests r ON r.id = f.request_id
    WHERE f.ts IS NULL AND r.ts IS NULL AND +f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL AND ${byUserSql()}${f.sql} GROUP BY f.kind`, f.params);
  const n = (k: string) => rows.find((r) => r.kind === k)?.n ?? 0;
  return { thumbs: n('thumb'), ratings: n('rating'), nps: n('nps') };
}

/** Recent results per database (insertion order = age). */
const seriesCache = new WeakMap<Db, Map<string, MetricsSeries>>();
const SERIES_CACHE_SIZE = 8;

/** One bucket's requests: counts and sums, and its latencies. */
interface BucketAcc { n: number; e: number; sn: number; tiSum: number; tiN: number; toSum: number; toN: number; c: number; cn: number; lat: Dist }
/** One breakdown value's requests per bucket (latencies too, for each group's p95). */
interface ValueAcc { key: string; total: number; n: Int32Array; e: Int32Array; sn: Int32Array; c: Float64Array; cn: Int32Array; lat: Dist[] }

/** Raw rows keep every latency exact (as before summaries); summary cells hold exact values or a sketch. */
const exactDist = () => new Dist(Infinity);

/**
 * Reads the requests of [from, to) matching the filter once, in table order when the range holds most of the data
 * (a plain scan beats the ts index's row-by-row lookups there), else through the ts index, and accumulates them per
 * bucket and, with a breakdown, per value of its column.
 */
function scanRequests(db: Db, from: number, to: number, starts: readonly number[], f: { sql: string; params: string[] }, by: MetricDim | null,
  lo: number | null, hi: number | null): { buckets: BucketAcc[]; values: ValueAcc[] } {
  const nb = starts.length - 1;
  const buckets: BucketAcc[] = Array.from({ length: nb }, () => ({ n: 0, e: 0, sn: 0, tiSum: 0, tiN: 0, toSum: 0, toN: 0, c: 0, cn: 0, lat: exactDist() }));
  const values: ValueAcc[] = [];
  const ids = new Map<string, number>();
  const wide = lo !== null && hi !== null && Math.min(to, hi + 1) - Math.max(from, lo) > 0.5 * (hi + 1 - lo);
  const ts = wide ? '+r.ts' : 'r.ts';
  const st = db.stmt(`SELECT r.ts, r.is_error, r.tokens_in, r.tokens_out, r.cost_usd, r.latency_ms, ${statusKnownSql('r.')}${by ? `, r.${by}` : ''}
    FROM requests r WHERE ${ts} >= ? AND ${ts} < ?${f.sql}`);
  try {
    st.bind([from, to, ...f.params]);
    while (st.step()) {
      const row = st.get() as [number, number | null, number | null, number | null, number | null, number | null, number, string | null | undefined];
      const i = bucketOf(starts, row[0]);
      if (i < 0) continue;
      const b = buckets[i]!;
      const err = row[1] ?? 0;
      const known = row[6];
      b.n++;
      b.e += err;
      b.sn += known;
      if (row[2] !== null) { b.tiSum += row[2]; b.tiN++; }
      if (row[3] !== null) { b.toSum += row[3]; b.toN++; }
      if (row[4] !== null) { b.c += row[4]; b.cn++; }
      let vid = -1;
      if (by) {
        const key = row[7] ?? '(none)';
        vid = ids.get(key) ?? -1;
        if (vid < 0) {
          vid = values.length;
          ids.set(key, vid);
          values.push({ key, total: 0, n: new Int32Array(nb), e: new Int32Array(nb), sn: new Int32Array(nb), c: new Float64Array(nb), cn: new Int32Array(nb), lat: Array.from({ length: nb }, exactDist) });
        }
        const v = values[vid]!;
        v.total++;
        v.n[i]!++;
        v.e[i]! += err;
        v.sn[i]! += known;
        if (row[4] !== null) { v.c[i]! += row[4]; v.cn[i]!++; }
        if (row[5] !== null) v.lat[i]!.add(row[5]);
      }
      if (row[5] !== null) b.lat.add(row[5]);
    }
  } finally {
    st.reset();
  }
  return { buckets, values };
}

/**
 * The same accumulation as {@link scanRequests}, from the hour × slice summaries: counts and sums add up exactly;
 * latencies merge the cells' exact values, or sketches once a bucket holds more than the exact limit.
 * Used when the buckets are whole UTC hours and neither the filter nor the breakdown is a user id.
 */
function scanSummaries(db: Db, from: number, to: number, starts: readonly number[], filter: MetricsFilter, by: SliceDim | null, level: 'hour' | 'day'): { buckets: BucketAcc[]; values: ValueAcc[] } {
  const nb = starts.length - 1;
  const buckets: BucketAcc[] = Array.from({ length: nb }, () => ({ n: 0, e: 0, sn: 0, tiSum: 0, tiN: 0, toSum: 0, toN: 0, c: 0, cn: 0, lat: new Dist() }));
  const values: ValueAcc[] = [];
  const ids = new Map<string, number>();
  const f: SliceFilter = {};
  for (const [k, v] of Object.entries(filter)) if (isSliceDim(k) && v !== undefined) f[k] = v as string;
  let i = 0;
  eachCell(db, from, to, f, ['latency_ms'], (cell) => {
    while (i < nb && cell.hour >= starts[i + 1]!) i++;
    if (i >= nb || cell.hour < starts[i]!) return;
    const b = buckets[i]!;
    b.n += cell.n; b.e += cell.errors; b.sn += cell.statusN; b.tiSum += cell.tokensInSum; b.tiN += cell.tokensInN; b.toSum += cell.tokensOutSum; b.toN += cell.tokensOutN;
    b.c += cell.cost; b.cn += cell.costN;
    // Decoded once, merged into the bucket and (with a breakdown) its value.
    const cellLat = new Dist();
    cellLat.mergeEncoded(cell.blobs.latency_ms ?? null);
    b.lat.merge(cellLat);
    if (by) {
      const key = cell.slice[by] ?? '(none)';
      let vid = ids.get(key) ?? -1;
      if (vid < 0) {
        vid = values.length;
        ids.set(key, vid);
        values.push({ key, total: 0, n: new Int32Array(nb), e: new Int32Array(nb), sn: new Int32Array(nb), c: new Float64Array(nb), cn: new Int32Array(nb), lat: Array.from({ length: nb }, () => new Dist()) });
      }
      const v = values[vid]!;
      v.total += cell.n;
      v.n[i]! += cell.n;
      v.e[i]! += cell.errors;
      v.sn[i]! += cell.statusN;
      v.c[i]! += cell.cost;
      v.cn[i]! += cell.costN;
      v.lat[i]!.merge(cellLat);
    }
  }, level);
  return { buckets, values };
}

/**
 * First and last hour (as lo and hi, UTC ms: buckets of an hour or longer come out the same as from the exact
 * timestamps) of the requests matching a slice filter, from the summaries, and the undated ones from the rows; null
 * when the summaries are turned off.
 */
/** Conditions on `summary_slices s` for a slice filter (after `first`), with their parameters. */
function sliceWhere(filter: Readonly<Record<string, string | null | undefined>>, first: string[] = []): { where: string[]; params: string[] } {
  const where = [...first];
  const params: string[] = [];
  for (const [k, v] of Object.entries(filter)) { if (v === undefined) continue; where.push(v === null ? `s.${k} IS NULL` : `s.${k} = ?`); if (v !== null) params.push(v); }
  return { where, params };
}

function summaryRange(db: Db, filter: SliceFilter, f: { sql: string; params: string[] }): { lo: number | null; hi: number | null; undated: number } | null {
  if (!summariesReady(db)) return null;
  let lo: number | null = null;
  let hi: number | null = null;
  const { where, params } = sliceWhere(filter);
  const r = db.get<{ lo: number | null; hi: number | null }>(`SELECT min(c.hour) AS lo, max(c.hour) AS hi FROM request_summaries c JOIN summary_slices s ON s.id = c.slice_id${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params);
  if (r?.lo != null && r.hi != null) { lo = r.lo; hi = r.hi + 3_600_000 - 1; }
  const undated = db.value<number>(`SELECT count(*) FROM requests r WHERE ts IS NULL${f.sql}`, f.params) ?? 0;
  return { lo, hi, undated };
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** Feedback cells that count something a chart shows (thumbs, CSAT 1-5, NPS 0-10): not only other ratings or evaluators' scores. */
const CHARTED_CELL = `(c.up + c.down + ${[1, 2, 3, 4, 5].map((v) => `c.csat_${v}`).join(' + ')} + ${Array.from({ length: 11 }, (_, v) => `c.nps_${v}`).join(' + ')}) > 0`;
/**
 * Feedback rows a chart shows, as the cells count them (summaries/feedback.ts): a user's thumb, CSAT rating (whole
 * 1-5 on scale 5 or none) or NPS answer (whole 0-10).
 * @param a - the feedback table's alias with its dot, or ''
 */
const chartedRow = (a: string) => `${a}value IS NOT NULL AND ${byUserSql(a)} AND (${a}kind = 'thumb' OR ${csatRowSql(a)} OR ${npsRowSql(a)})`;

/**
 * First and last time (UTC ms, inclusive) of the dated thumbs, CSAT ratings and NPS answers the charts show: by the
 * feedback's own time, else its request's; with a filter, only feedback on a matching request. From the feedback
 * summaries' hours when `cells` (slice filters) and they exist, else from the rows. What no chart shows (an
 * evaluator's scores, ratings on another scale) sets no range: 320 judge scores of June 2024 stretched a workspace's
 * twelve weeks of 2026 to 128 empty weeks.
 */
function feedbackRange(db: Db, filter: MetricsFilter, f: { sql: string; params: string[] }, cells: boolean): { lo: number | null; hi: number | null } {
  if (Object.keys(filter).length === 0) {
    // Unfiltered: the first and last charted hour of the feedback summaries (every slice), walking their (hour, slice)
    // key from each end. The feedback table has no index on ts: the same from its rows scanned 200k rows (237 ms of a
    // 1M workspace's first view). Hours are as fine as any bucket needs: the range is floored to buckets anyway.
    if (ensureFeedbackSummaries(db)) {
      const r = db.get<{ lo: number | null; hi: number | null }>(`SELECT (SELECT hour FROM feedback_summaries c WHERE ${CHARTED_CELL} ORDER BY hour LIMIT 1) AS lo,
        (SELECT hour FROM feedback_summaries c WHERE ${CHARTED_CELL} ORDER BY hour DESC LIMIT 1) AS hi`);
      return { lo: r?.lo ?? null, hi: r?.hi != null ? r.hi + 3_600_000 - 1 : null };
    }
    // Feedback without a time of its own is dated by its request, inside the requests' range already.
    return db.get<{ lo: number | null; hi: number | null }>(`SELECT (SELECT min(ts) FROM feedback WHERE ts IS NOT NULL AND ${chartedRow('')}) AS lo,
      (SELECT max(ts) FROM feedback WHERE ts IS NOT NULL AND ${chartedRow('')}) AS hi`) ?? { lo: null, hi: null };
  }
  if (cells && ensureFeedbackSummaries(db)) {
    const { where, params } = sliceWhere(filter, [`c.slice_id <> ${NO_REQUEST_SLICE}`, CHARTED_CELL]);
    const r = db.get<{ lo: number | null; hi: number | null }>(`SELECT min(c.hour) AS lo, max(c.hour) AS hi FROM feedback_summaries c JOIN summary_slices s ON s.id = c.slice_id WHERE ${where.join(' AND ')}`, params);
    return { lo: r?.lo ?? null, hi: r?.hi != null ? r.hi + 3_600_000 - 1 : null };
  }
  return db.get<{ lo: number | null; hi: number | null }>(`SELECT min(coalesce(f.ts, r.ts)) AS lo, max(coalesce(f.ts, r.ts)) AS hi FROM feedback f JOIN requests r ON r.id = f.request_id
    WHERE ${chartedRow('f.')}${f.sql}`, f.params) ?? { lo: null, hi: null };
}

/**
 * Dated feedback no chart shows, over all time (with a filter, on a matching request): ratings that are not CSAT,
 * NPS answers that are not a whole 0-10, evaluators' scores; counted as the cells count them. From the feedback
 * summaries when `cells`, else the rows.
 */
function notChartedAnywhere(db: Db, filter: MetricsFilter, f: { sql: string; params: string[] }, cells: boolean): MetricsSeries['feedback_not_charted'] {
  const filtered = Object.keys(filter).length > 0;
  if (cells && ensureFeedbackSummaries(db)) {
    const { where, params } = sliceWhere(filter, filtered ? [`c.slice_id <> ${NO_REQUEST_SLICE}`] : []);
    const r = db.get<{ ratings: number | null; nps: number | null; automated: number | null }>(`SELECT sum(c.rating_other) AS ratings, sum(c.nps_other) AS nps, sum(c.automated) AS automated
      FROM feedback_summaries c LEFT JOIN summary_slices s ON s.id = c.slice_id${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params);
    return { ratings: r?.ratings ?? 0, nps: r?.nps ?? 0, automated: r?.automated ?? 0 };
  }
  const r = db.get<{ ratings: number | null; nps: number | null; automated: number | null }>(`SELECT
      sum(${byUserSql()} AND f.kind = 'rating' AND NOT ${csatRowSql('f.')}) AS ratings,
      sum(${byUserSql()} AND f.kind = 'nps' AND NOT ${npsRowSql('f.')}) AS nps,
      sum(f.automated = 1) AS automated
    FROM feedback f ${filtered ? 'JOIN' : 'LEFT JOIN'} requests r ON r.id = f.request_id
    WHERE coalesce(f.ts, r.ts) IS NOT NULL AND f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL${f.sql}`, f.params);
  return { ratings: r?.ratings ?? 0, nps: r?.nps ?? 0, automated: r?.automated ?? 0 };
}

function computeSeries(db: Db, zone: string, q: SeriesInput, now: number, t0: number): MetricsSeries {
  const f = filterSql(q.filter);
  // min and max in subqueries of their own: SQLite answers each from the ts index in O(log n), where min and max in
  // one SELECT scan the whole index (~0.5 s cold at 1M requests).
  const allRange = db.get<{ lo: number | null; hi: number | null }>('SELECT (SELECT min(ts) FROM requests WHERE ts IS NOT NULL) AS lo, (SELECT max(ts) FROM requests) AS hi');
  const sliceFilter = Object.keys(q.filter).every((k) => isSliceDim(k));
  const range = Object.keys(q.filter).length === 0
    ? { ...allRange!, undated: db.value<number>('SELECT count(*) FROM requests WHERE ts IS NULL') ?? 0 }
    : (sliceFilter && q.source !== 'requests' ? summaryRange(db, q.filter as SliceFilter, f) : null)
      ?? db.get<{ lo: number | null; hi: number | null; undated: number }>(
        `SELECT min(ts) AS lo, max(ts) AS hi, (SELECT count(*) FROM requests r WHERE ts IS NULL${f.sql}) AS undated FROM requests r WHERE ts IS NOT NULL${f.sql}`, [...f.params, ...f.params]);
  const weeks: string[] = [];
  if (allRange?.lo != null && allRange.hi != null) {
    const ws = bucketStarts(allRange.lo, allRange.hi + 1, 'week', zone, 2000);
    for (const s of ws.slice(0, -1)) weeks.push(isoWeekLabel(s, zone));
  }
  const options = { weeks };
  const undated = range?.undated ?? 0;
  const undatedFeedback = countUndatedFeedback(db, q.filter);
  // Without an explicit range the buckets are whole: feedback that arrives after the last request of its week
  // (CSAT minutes later, NPS days later) still counts in that week. And the range reaches the first and last dated
  // thumb, rating or NPS answer too: a judge's scores an hour after the last request were in no day or hour bucket.
  const fb = q.from_ts === undefined || q.to_ts === undefined ? feedbackRange(db, q.filter, f, sliceFilter && q.source !== 'requests') : null;
  const lo = q.from_ts ?? minOf(range?.lo ?? null, fb?.lo ?? null);
  const hiIncl = maxOf(range?.hi ?? null, fb?.hi ?? null);
  const hi = q.to_ts ?? (hiIncl !== null ? hiIncl + 1 : null);
  const whole = lo !== null && hi !== null && hi > lo ? bucketStarts(lo, hi, q.bucket, zone) : null;
  const from = q.from_ts ?? (whole ? whole[0]! : null);
  const to = q.to_ts ?? (whole ? whole[whole.length - 1]! : null);
  const base = { bucket: q.bucket, time_zone: zone, from_ts: from, to_ts: to, filter: q.filter, options, undated_requests: undated, undated_feedback: undatedFeedback };
  if (from === null || to === null || to <= from) {
    return { ...base, feedback_not_charted: { ratings: 0, nps: 0, automated: 0 }, buckets: [], breakdown: null, quantiles: { source: 'requests', method: 'exact', relative_error: 0 }, elapsed_ms: performance.now() - t0, cached: false };
  }
  const starts = bucketStarts(from, to, q.bucket, zone);
  const nb = starts.length - 1;
  const by = q.breakdown === 'none' ? null : q.breakdown;

  // Every request of the range, in one scan: per bucket its counts, sums and latencies; per breakdown value its
  // counts per bucket (the groups are known only once every value has been counted).
  // Summaries answer when every bucket is a whole number of UTC hours (zones with a half-hour offset, or a range
  // cut mid-hour, read the rows) and no user id is involved (not a summary dimension).
  // Day and week buckets read the day cells of the zone, hour buckets the hour cells.
  const level = q.source !== 'requests' && (by === null || isSliceDim(by)) && Object.keys(q.filter).every((k) => isSliceDim(k))
    ? summaryLevel(db, zone, [from, to, ...starts]) : null;
  const fromSummaries = level !== null;
  const acc = level !== null
    ? scanSummaries(db, from, to, starts, q.filter, by as SliceDim | null, level)
    : scanRequests(db, from, to, starts, f, by, allRange?.lo ?? null, allRange?.hi ?? null);
  let top: Set<string> | null = null;
  let otherValues = 0;
  if (by) {
    const ranked = acc.values.map((v) => ({ key: v.key, n: v.total })).sort((x, y) => y.n - x.n || x.key.localeCompare(y.key));
    top = new Set(ranked.slice(0, MAX_GROUPS).map((c) => c.key));
    otherValues = Math.max(0, ranked.length - MAX_GROUPS);
  }
  const groupOf = (g: string | null) => { const k = g ?? '(none)'; return top!.has(k) ? k : OTHER; };
  const groupOfValue = acc.values.map((v) => (top ? (top.has(v.key) ? v.key : OTHER) : ''));

  // Feedback of the whole range, once; attributed by its own ts, else (no time of its own) by its request's. From
  // the feedback summaries when the requests came from theirs (the same bucket bounds are whole hours), else from
  // the rows joined to their requests (the join gives the filter and breakdown columns).
  const filtered = Object.keys(q.filter).length > 0;
  const counts: FeedbackCounts[] = Array.from({ length: nb }, emptyCounts);
  const groupThumbs = new Map<string, { up: number[]; down: number[] }>();
  const groupAdd = (g: string | null, i: number, nUp: number, nDown: number) => {
    // Feedback linked to no request has no breakdown value: it counts in the totals only.
    if (!by || (g === null && !filtered) || nUp + nDown === 0) return;
    const key = groupOf(g);
    let gt = groupThumbs.get(key);
    if (!gt) groupThumbs.set(key, (gt = { up: new Array<number>(nb).fill(0), down: new Array<number>(nb).fill(0) }));
    gt.up[i]! += nUp;
    gt.down[i]! += nDown;
  };
  const fbFrom = Math.max(from, starts[0]!);
  const fromCells = fromSummaries && eachFeedbackCell(db, fbFrom, to, filtered ? q.filter as SliceFilter : null, (c) => {
    const i = bucketOf(starts, c.hour);
    if (i < 0) return;
    addCounts(counts[i]!, c);
    groupAdd(by && c.slice ? c.slice[by as SliceDim] : null, i, c.up, c.down);
  }, level ?? 'hour');
  if (!fromCells) {
    const fb = db.all<{ ts: number; kind: string; value: number | null; scale: number | null; g: string | null; automated: number | null; measure: string | null }>(
      `SELECT coalesce(f.ts, r.ts) AS ts, f.kind AS kind, f.value AS value, f.scale AS scale, ${by ? `r.${by}` : 'NULL'} AS g, f.automated AS automated, f.measure AS measure
         FROM feedback f ${filtered ? 'JOIN' : 'LEFT JOIN'} requests r ON r.id = f.request_id
        WHERE coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ? AND f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL${f.sql}`,
      [fbFrom, to, ...f.params]);
    for (const r of fb) {
      const i = bucketOf(starts, r.ts);
      if (i < 0 || r.value === null) continue;
      // An automated evaluator's score is no user's answer: counted apart (summaries/feedback.ts).
      if (r.automated === 1) { counts[i]!.automated++; continue; }
      // CSAT is defined on the 1-5 scale only; ratings on other scales are not CSAT, counted apart (summaries/feedback.ts).
      addFeedbackValue(counts[i]!, r.kind, r.value, r.scale, r.measure);
      if (r.kind === 'thumb') groupAdd(r.g, i, r.value > 0 ? 1 : 0, r.value > 0 ? 0 : 1);
    }
  }
  /** The values a count array stands for (count[v] copies of v + base), for the survey statistics. */
  const expand = (c: readonly number[], base: number) => c.flatMap((n, v) => new Array<number>(n).fill(v + base));

  const buckets: MetricsBucket[] = [];
  let sketched = false;
  let exactSeen = false;
  /** Per bucket, the p95 latency of each breakdown group. */
  const groupP95: Array<Map<string, number | null>> = [];
  for (let i = 0; i < nb; i++) {
    const s = starts[i]!;
    const e = starts[i + 1]!;
    const a = acc.buckets[i]!;
    const k = a.lat.n;
    const quantiles = [0.5, 0.95, 0.99].map((pr) => a.lat.quantile(pr));
    if (a.lat.method === 'sketch') sketched = true; else if (k > 0) exactSeen = true;
    const gp = new Map<string, number | null>();
    if (by && k) {
      const byGroup = new Map<string, Dist>();
      acc.values.forEach((v, vid) => {
        if (v.lat[i]!.n === 0) return;
        const key = groupOfValue[vid]!;
        let d = byGroup.get(key);
        if (!d) byGroup.set(key, (d = fromSummaries ? new Dist() : exactDist()));
        d.merge(v.lat[i]!);
      });
      for (const [key, d] of byGroup) { gp.set(key, d.quantile(0.95)); if (d.method === 'sketch') sketched = true; }
    }
    groupP95.push(gp);
    const [p50, p95, p99] = quantiles;
    const errors = a.e;
    // The error rate is over the requests whose outcome is known (a status or an error): one with neither is no success.
    const ew = wilsonInterval(errors, a.sn);
    const th = thumbsUpRate(counts[i]!.up, counts[i]!.down);
    const cs = csat(expand(counts[i]!.csat, 1));
    const np = nps(expand(counts[i]!.nps, 0));
    buckets.push({
      label: bucketLabel(s, q.bucket, zone), start_ts: s, end_ts: e,
      complete: s >= (q.from_ts ?? -Infinity) && e <= (q.to_ts ?? Infinity) && e <= now,
      requests: a.n, errors,
      error_rate: { rate: ew?.estimate ?? null, low: ew?.low ?? null, high: ew?.high ?? null, k: errors, n: a.sn },
      latency: { p50: num(p50), p95: num(p95), p99: num(p99), n: k, method: a.lat.method, relative_error: a.lat.relativeError },
      tokens_in_mean: a.tiN > 0 ? a.tiSum / a.tiN : null, tokens_out_mean: a.toN > 0 ? a.toSum / a.toN : null, tokens_in_n: a.tiN, tokens_out_n: a.toN,
      cost_total_usd: a.cn > 0 ? a.c : null, cost_mean_usd: a.cn > 0 ? a.c / a.cn : null, cost_n: a.cn,
      thumbs: { rate: num(th.rate), low: th.interval?.low ?? null, high: th.interval?.high ?? null, k: th.up, n: th.n, up: th.up, down: th.down },
      csat: { csat: num(cs.csat), satisfied: cs.satisfied, n: cs.n, low: cs.interval?.low ?? null, high: cs.interval?.high ?? null },
      nps: { nps: num(np.nps), promoters: np.promoters, passives: np.passives, detractors: np.detractors, n: np.n },
    });
  }

  let breakdown: MetricsSeries['breakdown'] = null;
  if (by) {
    // Counts of every group in a bucket: its values' counts, summed.
    const counts = buckets.map((_, i) => {
      const m = new Map<string, { n: number; e: number; sn: number; c: number; cn: number }>();
      acc.values.forEach((v, vid) => {
        if (v.n[i] === 0) return;
        const key = groupOfValue[vid]!;
        const cur = m.get(key) ?? { n: 0, e: 0, sn: 0, c: 0, cn: 0 };
        m.set(key, { n: cur.n + v.n[i]!, e: cur.e + v.e[i]!, sn: cur.sn + v.sn[i]!, c: cur.c + v.c[i]!, cn: cur.cn + v.cn[i]! });
      });
      return m;
    });
    const keys = [...top!].sort((x, y) => x.localeCompare(y));
    const totals = new Map(keys.map((k) => [k, counts.reduce((n, m) => n + (m.get(k)?.n ?? 0), 0)]));
    keys.sort((x, y) => totals.get(y)! - totals.get(x)! || x.localeCompare(y));
    if (otherValues > 0) keys.push(OTHER);
    const groups = keys.map((key) => ({
      key,
      points: buckets.map((b, i): BreakdownPoint => {
        const a = counts[i]!.get(key) ?? { n: 0, e: 0, sn: 0, c: 0, cn: 0 };
        const gt = groupThumbs.get(key);
        const th = thumbsUpRate(gt?.up[i] ?? 0, gt?.down[i] ?? 0);
        return {
          label: b.label, requests: a.n, errors: a.e, with_status: a.sn, error_rate: a.sn > 0 ? a.e / a.sn : null, p95_ms: num(groupP95[i]!.get(key) ?? null),
          thumbs_up_rate: num(th.rate), thumbs_n: th.n, cost_usd: a.cn > 0 ? a.c : null,
        };
      }),
    }));
    breakdown = { by, groups, other_values: otherValues };
  }
  const quantiles: MetricsSeries['quantiles'] = {
    source: fromSummaries ? 'summaries' : 'requests',
    method: sketched ? (exactSeen ? 'mixed' : 'sketch') : 'exact',
    relative_error: sketched ? SKETCH_RELATIVE_ACCURACY : 0,
  };
  // What no chart shows sets no range (feedbackRange): without a range of its own, it is counted wherever it falls,
  // so judge scores dated outside the charts' weeks are still said, not silently out of every bucket.
  const feedbackNotCharted = q.from_ts === undefined || q.to_ts === undefined
    ? notChartedAnywhere(db, q.filter, f, fromSummaries && sliceFilter)
    : { ratings: counts.reduce((n, c) => n + c.rating_other, 0), nps: counts.reduce((n, c) => n + c.nps_other, 0), automated: counts.reduce((n, c) => n + c.automated, 0) };
  return { ...base, feedback_not_charted: feedbackNotCharted, buckets, breakdown, quantiles, elapsed_ms: performance.now() - t0, cached: false };
}
