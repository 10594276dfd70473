/**
 * `metrics.drift`: does the current window's traffic look like the reference window's? Numeric columns get a
 * two-sample KS test and PSI with bins fixed on the reference (10 type-7 quantile bins); categorical columns get a
 * chi-square test of homogeneity and PSI over the reference's categories (plus one bin for categories the reference
 * never saw). Benjamini–Hochberg controls the false discovery rate across all tested rows of one comparison. All
 * statistics come from shared/stats; this file only reads the two windows and arranges the results. Windows that are
 * whole summary cells are read from the request summaries: categorical counts exactly, numeric values exactly up to
 * 100 per column and window, else rounded to DDSketch bins (±1%), which the row's `approximation` says.
 */
import { DateTime } from 'luxon';
import {
  benjaminiHochberg, chiSquareHomogeneity, contingencyTable, ksTwoSample, psiCategorical, psiNumeric,
} from '../../../shared/stats';
import { LoupeError } from '../../../shared/errors';
import type { DriftColumn, DriftRow, DriftWindow, DriftWindowInput, MetricsDrift } from '../../../shared/contract-metrics';
import type { Db } from '../db';
import { isoWeekLabel, num, weekWindow } from './common';
import { Dist, SKETCH_RELATIVE_ACCURACY } from '../summaries/dist';
import { eachCell, summaryLevel } from '../summaries/read';
import { addStatusCounts } from '../summaries/build';

export const NUMERIC_COLUMNS = ['input_chars', 'output_chars', 'latency_ms', 'tokens_in', 'tokens_out', 'cost_usd'] as const;
export const CATEGORICAL_COLUMNS = ['lang', 'model', 'model_version', 'feature', 'status'] as const;

/**
 * Fewest values each window needs before a row gets a verdict. 30 per side keeps KS and chi-square p-values away
 * from their small-sample granularity and most expected counts of a few-category table at 5 or more.
 */
export const MIN_PER_SIDE = 30;

/** Reference weeks used when the caller names only (or not even) the current window. */
export const DEFAULT_REFERENCE_WEEKS = 4;

/**
 * Up to this many requests in both windows together, drift reads the rows (exact values: a KS test on sketch bins can
 * only lower D, and so raise p, where values tie in one bin). Rows cost about 7 ms per 1,000 on 2 cores (a 104k-request
 * feature window: 746 ms from the rows, 667 ms from the summaries, cold), so the limit keeps the review panel's drift
 * within about 0.35 s; above it, the summaries answer and each rounded row says so.
 */
export const EXACT_DRIFT_MAX = 50_000;

export interface DriftInput {
  reference?: DriftWindowInput | undefined;
  current?: DriftWindowInput | undefined;
  feature?: string | undefined;
  alpha: number;
  /**
   * `requests` always reads the rows; `auto` (default) reads the rows while both windows together hold at most
   * {@link EXACT_DRIFT_MAX} requests, else the summaries when they can answer; `summaries` (tests, the bench) the
   * summaries whenever they can answer, however small the windows.
   */
  source?: 'auto' | 'requests' | 'summaries' | undefined;
}

type Values = Record<DriftColumn, Array<number | string>>;

function resolveWindow(w: DriftWindowInput, zone: string): { label: string; from_ts: number; to_ts: number } {
  if ('week' in w) return { label: w.week, ...weekWindow(w.week, zone) };
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone }).toISODate();
  return { label: `${fmt(w.from_ts)} – ${fmt(w.to_ts - 1)}`, from_ts: w.from_ts, to_ts: w.to_ts };
}

/** The latest ISO week that has requests and has ended by `now` (or the last week with requests when none has). */
function latestCompleteWeek(db: Db, zone: string, now: number): string {
  const last = db.value<number | null>('SELECT max(ts) FROM requests WHERE ts IS NOT NULL AND ts < ?', [now]);
  const any = db.value<number | null>('SELECT max(ts) FROM requests WHERE ts IS NOT NULL');
  const pick = last ?? any;
  if (pick === null || pick === undefined) throw new LoupeError('BAD_REQUEST', 'There are no dated requests to compare.', { action: 'Import requests with timestamps first.' });
  let d = DateTime.fromMillis(pick, { zone }).startOf('week');
  if (d.plus({ weeks: 1 }).toMillis() > now && last !== null && last !== undefined) {
    // The week of the last request is still running: the one before it is the latest complete week.
    const prev = d.minus({ weeks: 1 });
    if ((db.value<number>('SELECT count(*) FROM requests WHERE ts >= ? AND ts < ?', [prev.toMillis(), d.toMillis()]) ?? 0) > 0) d = prev;
  }
  return isoWeekLabel(d.toMillis(), zone);
}

function readWindow(db: Db, from: number, to: number, feature: string | undefined): { values: Values; requests: number } {
  const cols = [...NUMERIC_COLUMNS, ...CATEGORICAL_COLUMNS];
  const values = Object.fromEntries(cols.map((c) => [c, []])) as unknown as Values;
  const st = db.stmt(`SELECT ${cols.join(', ')} FROM requests WHERE ts >= ? AND ts < ?${feature !== undefined ? ' AND feature = ?' : ''}`);
  let requests = 0;
  try {
    st.bind(feature !== undefined ? [from, to, feature] : [from, to]);
    while (st.step()) {
      const row = st.get();
      requests++;
      for (let i = 0; i < NUMERIC_COLUMNS.length; i++) {
        const v = row[i];
        if (typeof v === 'number' && Number.isFinite(v)) values[NUMERIC_COLUMNS[i]!].push(v);
      }
      for (let i = 0; i < CATEGORICAL_COLUMNS.length; i++) {
        const v = row[NUMERIC_COLUMNS.length + i];
        // A missing language / version is a category of its own: a sudden rise of unknowns is drift too.
        values[CATEGORICAL_COLUMNS[i]!].push(v === null || v === undefined || v === '' ? '(none)' : String(v));
      }
    }
  } finally {
    st.reset();
  }
  return { values, requests };
}

/**
 * The same window from the request summaries: numeric columns from the cells' distributions (exact values while the
 * window holds ≤ 100 of a column, else every value rounded to its DDSketch bin, within ±1% of the true value, order
 * kept); lang, model, model version and feature counted exactly from the cells' slices, status from the cells'
 * requests per status (migration 13). Null when the window is not whole summary cells (the rows answer).
 * @returns the values, the request count, and the numeric columns whose values are rounded to sketch bins
 */
function readWindowSummaries(db: Db, zone: string, from: number, to: number, feature: string | undefined): { values: Values; requests: number; rounded: Set<DriftColumn> } | null {
  const level = summaryLevel(db, zone, [from, to]);
  if (level === null) return null;
  const dists = NUMERIC_COLUMNS.map(() => new Dist());
  const counts = CATEGORICAL_COLUMNS.map(() => new Map<string, number>());
  let requests = 0;
  const cat = (v: string | null) => (v === null || v === '' ? '(none)' : v);
  const statuses = new Map<string | null, number>();
  eachCell(db, from, to, feature !== undefined ? { feature } : {}, NUMERIC_COLUMNS, (c) => {
    requests += c.n;
    addStatusCounts(statuses, c.statusCounts);
    NUMERIC_COLUMNS.forEach((col, j) => dists[j]!.mergeEncoded(c.blobs[col] ?? null));
    CATEGORICAL_COLUMNS.forEach((col, j) => {
      if (col === 'status') return;
      const k = cat(c.slice[col]);
      counts[j]!.set(k, (counts[j]!.get(k) ?? 0) + c.n);
    });
  }, level);
  const si = CATEGORICAL_COLUMNS.indexOf('status');
  for (const [v, n] of statuses) counts[si]!.set(cat(v), (counts[si]!.get(cat(v)) ?? 0) + n);
  const values = {} as Values;
  const rounded = new Set<DriftColumn>();
  NUMERIC_COLUMNS.forEach((col, j) => {
    values[col] = dists[j]!.expand();
    if (dists[j]!.method === 'sketch') rounded.add(col);
  });
  CATEGORICAL_COLUMNS.forEach((col, j) => {
    let total = 0;
    for (const n of counts[j]!.values()) total += n;
    const arr = new Array<string>(total);
    let at = 0;
    for (const [k, n] of counts[j]!) { arr.fill(k, at, at + n); at += n; }
    values[col] = arr;
  });
  return { values, requests, rounded };
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null);

/**
 * One numeric column's row: KS test (min 30 per side) and PSI on reference-fixed bins.
 * @param ref - the reference window's values of the column (requests with a value)
 * @param cur - the current window's values
 * @param requests - requests in each window, all of them: those without a value (requests − values) are counted in
 *   `n_without_value_*` (shown beside n on the Metrics screen and in the report), never silently dropped
 * @throws RangeError when a window has fewer requests than values
 */
export function numericRow(column: DriftColumn, ref: number[], cur: number[], requests: { reference: number; current: number }): DriftRow {
  const noValueRef = requests.reference - ref.length;
  const noValueCur = requests.current - cur.length;
  if (noValueRef < 0 || noValueCur < 0) throw new RangeError(`${column}: more values than requests (${ref.length}/${requests.reference}, ${cur.length}/${requests.current})`);
  const ks = ksTwoSample(ref, cur, { minPerSide: MIN_PER_SIDE });
  let psiValue: number | null = null;
  let band: DriftRow['psi_band'] = null;
  let histogram: DriftRow['histogram'] = null;
  if (ref.length > 0 && cur.length > 0) {
    const p = psiNumeric(ref, cur, 10);
    psiValue = p.value;
    band = p.band;
    let min = Infinity;
    let max = -Infinity;
    for (const v of ref) { if (v < min) min = v; if (v > max) max = v; }
    for (const v of cur) { if (v < min) min = v; if (v > max) max = v; }
    const bins = p.bins.map((b) => ({ low: b.low, high: b.high, includes_low: b.includesLow, includes_high: b.includesHigh }));
    histogram = { edges: p.edges, bins, reference: p.referenceShares, current: p.currentShares, min, max };
  }
  return {
    column, kind: 'numeric', test: 'ks', n_reference: ref.length, n_current: cur.length,
    n_without_value_reference: noValueRef, n_without_value_current: noValueCur,
    statistic: num(ks.statistic), dof: null, p_value: num(ks.pValue), p_adjusted: null, rejected: false, method: ks.method,
    insufficient: ks.insufficient, note: ks.reason, psi: psiValue, psi_band: band, psi_flag: false,
    mean_reference: mean(ref), mean_current: mean(cur), shares: null, histogram, single_window: [], approximation: null,
  };
}

/** One categorical column's row: chi-square test of homogeneity and PSI over the reference's categories. */
export function categoricalRow(column: DriftColumn, ref: string[], cur: string[]): DriftRow {
  const base = {
    column, kind: 'categorical' as const, test: 'chi-square' as const, n_reference: ref.length, n_current: cur.length,
    n_without_value_reference: 0, n_without_value_current: 0,
    p_adjusted: null, rejected: false, method: null, psi_flag: false, mean_reference: null, mean_current: null, histogram: null, approximation: null,
  };
  if (ref.length === 0 || cur.length === 0) {
    return { ...base, statistic: null, dof: null, p_value: null, insufficient: true, note: `no values in the ${ref.length === 0 ? 'reference' : 'current'} window`, psi: null, psi_band: null, shares: null, single_window: [] };
  }
  const { table, categories } = contingencyTable([ref, cur]);
  const chi = chiSquareHomogeneity(table, { windows: ['reference', 'current'], categories });
  const p = psiCategorical(ref, cur);
  const refTotal = ref.length;
  const curTotal = cur.length;
  const shares = categories.map((c, j) => ({ category: c, reference: (table[0]![j] ?? 0) / refTotal, current: (table[1]![j] ?? 0) / curTotal }))
    .sort((a, b) => b.current - a.current || b.reference - a.reference).slice(0, 12);
  const short = ref.length < MIN_PER_SIDE || cur.length < MIN_PER_SIDE;
  const notes = [
    short ? `too few values to test: reference has ${ref.length}, current has ${cur.length}, at least ${MIN_PER_SIDE} needed on each side` : null,
    chi.note,
    chi.lowExpectedCounts && !chi.note ? 'some expected counts are below 5: the p-value is approximate' : null,
  ].filter((x): x is string => !!x);
  return {
    ...base,
    statistic: chi.note ? null : num(chi.statistic), dof: chi.note ? null : chi.dof, p_value: chi.note ? null : num(chi.pValue),
    insufficient: short || chi.note !== null, note: notes.join('; ') || null,
    psi: p.value, psi_band: p.band, shares,
    single_window: chi.singleWindowCategories.map((s) => ({ category: s.category, window: s.window === 'reference' ? 'reference' : 'current', count: s.count })),
  };
}

/**
 * Compares two windows of requests.
 * @param db the workspace database
 * @param zone the workspace IANA time zone (ISO weeks are read there)
 * @param q windows ({week} or half-open {from_ts, to_ts} in UTC ms; default current = the latest complete ISO week,
 *   reference = the 4 weeks before the current window's start), optional feature, and the FDR level alpha
 * @param settings `psi_max` for `psi_flag` (PSI above it; guidance only)
 * @param now UTC ms, to decide which week is complete
 * @returns one row per column; rows with fewer than {@link MIN_PER_SIDE} values on a side, or nothing to test (one
 *   category in both windows), are reported but left out of Benjamini–Hochberg and never rejected
 * @throws LoupeError BAD_REQUEST for an unreadable week, no dated requests, or overlapping windows
 */
export function metricsDrift(db: Db, zone: string, q: DriftInput, settings: { psi_max: number }, now = Date.now()): MetricsDrift {
  const t0 = performance.now();
  const current = resolveWindow(q.current ?? { week: latestCompleteWeek(db, zone, now) }, zone);
  let reference: { label: string; from_ts: number; to_ts: number };
  if (q.reference) reference = resolveWindow(q.reference, zone);
  else {
    const end = DateTime.fromMillis(current.from_ts, { zone });
    const start = end.minus({ weeks: DEFAULT_REFERENCE_WEEKS });
    reference = {
      label: `${isoWeekLabel(start.toMillis(), zone)} – ${isoWeekLabel(end.minus({ weeks: 1 }).toMillis(), zone)}`,
      from_ts: start.toMillis(), to_ts: end.toMillis(),
    };
  }
  if (reference.from_ts < current.to_ts && current.from_ts < reference.to_ts) {
    throw new LoupeError('BAD_REQUEST', `The reference window (${reference.label}) overlaps the current window (${current.label}).`, { action: 'Choose windows that do not overlap.' });
  }
  // Whole summary cells on both sides: the summaries answer (see readWindowSummaries for what is rounded).
  const sRef = q.source === 'requests' ? null : readWindowSummaries(db, zone, reference.from_ts, reference.to_ts, q.feature);
  const sCur = sRef === null ? null : readWindowSummaries(db, zone, current.from_ts, current.to_ts, q.feature);
  const fromSummaries = sRef !== null && sCur !== null && (q.source === 'summaries' || sRef.requests + sCur.requests > EXACT_DRIFT_MAX);
  const ref = fromSummaries ? sRef : readWindow(db, reference.from_ts, reference.to_ts, q.feature);
  const cur = fromSummaries ? sCur : readWindow(db, current.from_ts, current.to_ts, q.feature);
  const rows: DriftRow[] = [
    ...NUMERIC_COLUMNS.map((c) => numericRow(c, ref.values[c] as number[], cur.values[c] as number[], { reference: ref.requests, current: cur.requests })),
    ...CATEGORICAL_COLUMNS.map((c) => categoricalRow(c, ref.values[c] as string[], cur.values[c] as string[])),
  ];
  if (fromSummaries) {
    for (const r of rows) {
      if (sRef.rounded.has(r.column) || sCur.rounded.has(r.column)) {
        r.approximation = `computed on values rounded to DDSketch bins (each within ±${SKETCH_RELATIVE_ACCURACY * 100}% of the true value, order kept) from the request summaries, as the windows hold over ${EXACT_DRIFT_MAX.toLocaleString('en-US')} requests: values tied in one bin can only lower KS D, so p can be larger than on the exact values (loupe drift --exact reads the rows)`;
      }
    }
  }
  const tested = rows.filter((r) => !r.insufficient && r.p_value !== null);
  if (tested.length) {
    const bh = benjaminiHochberg(tested.map((r) => r.p_value!), q.alpha);
    tested.forEach((r, i) => { r.p_adjusted = bh.adjusted[i]!; r.rejected = bh.rejected[i]!; });
  }
  for (const r of rows) r.psi_flag = r.psi !== null && r.psi > settings.psi_max;
  const rank = (r: DriftRow) => (r.rejected ? 0 : r.psi_flag ? 1 : r.insufficient ? 3 : 2);
  rows.sort((a, b) => rank(a) - rank(b) || (a.p_adjusted ?? 2) - (b.p_adjusted ?? 2) || (b.psi ?? 0) - (a.psi ?? 0));
  const win = (w: typeof current, n: number): DriftWindow => ({ ...w, requests: n });
  const undated = db.value<number>(`SELECT count(*) FROM requests WHERE ts IS NULL${q.feature !== undefined ? ' AND feature = ?' : ''}`, q.feature !== undefined ? [q.feature] : []) ?? 0;
  return {
    reference: win(reference, ref.requests), current: win(current, cur.requests), feature: q.feature ?? null, alpha: q.alpha,
    min_per_side: MIN_PER_SIDE, rows, undated_requests: undated, time_zone: zone, source: fromSummaries ? 'summaries' : 'requests', elapsed_ms: performance.now() - t0,
  };
}
