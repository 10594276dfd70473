/**
 * Reading the request summaries: the cells of a range of hours matching an exact-match filter on the slice
 * dimensions, with the numeric distributions the caller asks for decoded. Stale hours and new rows are summarised
 * first ({@link ensureSummaries}), so a reader never sees summaries behind the requests table.
 */
import type { Db } from '../db';
import { DateTime } from 'luxon';
import { dayCellsFor, DIST_COLUMNS, ensureSummaries, HOUR_MS, SLICE_DIMS, summariesPending, type CellTotals, type DistColumn, type SliceDim } from './build';

/** One stored cell: an hour × slice. Distributions not asked for are absent. */
export interface Cell extends CellTotals {
  /** UTC ms of the hour's start. */
  hour: number;
  slice: Record<SliceDim, string | null>;
  /** Stored distributions (summaries/dist.ts format), for {@link Dist.mergeEncoded}; only the ones asked for. */
  blobs: Partial<Record<DistColumn, Uint8Array | null>>;
  /** Requests per status as stored (build.ts `encodeStatusCounts`; add them up with `addStatusCounts`). */
  statusCounts: string | null;
}

/** An exact match on slice dimensions; null matches requests without a value. */
export type SliceFilter = Partial<Record<SliceDim, string | null>>;

/**
 * The number of requests, from the summaries without bringing them up to date: the dated requests are the sum of
 * the cells' counts (the day cells when current, about 1,000 rows at 1M requests, else the hour cells) and the
 * undated ones are counted from the ts index. `count(*)` reads a whole index instead: about 230 ms at 1M requests,
 * most of what `workspace.info` cost when a workspace opens; with the grid's model and feature filter it read 8 MB
 * of index (a quarter of the requests) from disk right after open.
 * @param filter - only requests whose slice dimension is one of the listed values (the grid's IN lists; an empty
 *   or absent list does not filter; a request without a value matches no list, as `col IN (...)` does)
 * @returns the exact count, or null when the summaries are behind the rows (stale hours, rows not yet summarised)
 *   and the rows must be counted
 */
export function summarisedRequestCount(db: Db, filter: Partial<Record<SliceDim, readonly string[]>> = {}): number | null {
  if (!db.hasTable('summary_state') || summariesPending(db)) return null;
  const days = db.value<string | null>('SELECT day_zone FROM summary_state') != null;
  const onSlice: string[] = [];
  const onRow: string[] = [];
  const params: string[] = [];
  for (const d of SLICE_DIMS) {
    const vals = filter[d];
    if (!vals || vals.length === 0) continue;
    const list = vals.map(() => '?').join(', ');
    onSlice.push(`s.${d} IN (${list})`);
    onRow.push(` AND ${d} IN (${list})`);
    params.push(...vals);
  }
  const dated = onSlice.length === 0
    ? db.value<number>(`SELECT coalesce(sum(n), 0) FROM ${days ? 'request_summaries_day' : 'request_summaries'}`) ?? 0
    : db.value<number>(`SELECT coalesce(sum(c.n), 0) FROM ${days ? 'request_summaries_day' : 'request_summaries'} c JOIN summary_slices s ON s.id = c.slice_id WHERE ${onSlice.join(' AND ')}`, params) ?? 0;
  return dated + (db.value<number>(`SELECT count(*) FROM requests WHERE ts IS NULL${onRow.join('')}`, params) ?? 0);
}

/** Whether summaries can answer for a set of dimensions (user ids are not a slice dimension). */
export function isSliceDim(d: string): d is SliceDim {
  return (SLICE_DIMS as readonly string[]).includes(d);
}

let enabled = true;

/**
 * Turns reading the summaries on or off for every reader that goes through {@link summaryLevel} (off: they read
 * the rows). For tests and benches that compare the two; the app never turns it off.
 */
export function setSummariesEnabled(on: boolean): void {
  enabled = on;
}

/** Whether readers may use the summaries (see {@link setSummariesEnabled}); brings them up to date when they may. */
export function summariesReady(db: Db): boolean {
  if (enabled) ensureSummaries(db);
  return enabled;
}

/**
 * Which cells can answer buckets with these boundaries in a zone: `day` cells when every boundary is a local
 * midnight of the zone (day and ISO-week buckets) and the zone's days are whole UTC hours, else `hour` cells when
 * every boundary is a whole UTC hour, else none (the rows must answer).
 */
export function summaryLevel(db: Db, zone: string, bounds: readonly number[]): 'day' | 'hour' | null {
  if (!enabled || !hourAligned(bounds)) return null;
  const midnights = bounds.every((b) => DateTime.fromMillis(b, { zone }).startOf('day').toMillis() === b);
  return midnights && dayCellsFor(db, zone) ? 'day' : 'hour';
}

/** Whether every boundary is a whole UTC hour (cells can be assigned to buckets without splitting one). */
export function hourAligned(starts: readonly number[]): boolean {
  return starts.every((s) => s % HOUR_MS === 0);
}

/**
 * Calls `fn` with every cell of the hours in [from, to) matching the filter, in hour order.
 * @param from UTC ms (cells whose hour starts at or after it)
 * @param to UTC ms, exclusive
 * @param dists the distributions to read (merge them into a {@link Dist} with mergeEncoded)
 * @param level `hour` cells, or `day` cells (local days of the zone {@link summaryLevel} checked; `hour` is then the
 *   day's start)
 */
export function eachCell(db: Db, from: number, to: number, filter: SliceFilter, dists: readonly DistColumn[], fn: (c: Cell) => void, level: 'hour' | 'day' = 'hour'): void {
  ensureSummaries(db);
  const table = level === 'hour' ? 'request_summaries' : 'request_summaries_day';
  const where: string[] = [`c.${level} >= ?`, `c.${level} < ?`];
  const params: Array<string | number> = [from, to];
  for (const d of SLICE_DIMS) {
    const v = filter[d];
    if (v === undefined) continue;
    if (v === null) where.push(`s.${d} IS NULL`);
    else { where.push(`s.${d} = ?`); params.push(v); }
  }
  const cols = dists.map((d) => `c.${d}`);
  const st = db.stmt(`SELECT c.${level}, ${SLICE_DIMS.map((d) => `s.${d}`).join(', ')}, c.n, c.errors, c.tokens_in_sum, c.tokens_in_n, c.tokens_out_sum, c.tokens_out_n,
      c.cost_sum, c.cost_sq, c.cost_n, c.status_n, c.status_counts${cols.length ? `, ${cols.join(', ')}` : ''}
    FROM ${table} c JOIN summary_slices s ON s.id = c.slice_id WHERE ${where.join(' AND ')} ORDER BY c.${level}`);
  const ns = SLICE_DIMS.length;
  try {
    st.bind(params);
    while (st.step()) {
      const r = st.get();
      const slice = {} as Record<SliceDim, string | null>;
      SLICE_DIMS.forEach((d, i) => { slice[d] = r[1 + i] as string | null; });
      const b = 1 + ns;
      const cell: Cell = {
        hour: r[0] as number, slice, n: r[b] as number, errors: r[b + 1] as number, tokensInSum: r[b + 2] as number, tokensInN: r[b + 3] as number,
        tokensOutSum: r[b + 4] as number, tokensOutN: r[b + 5] as number, cost: r[b + 6] as number, costSq: r[b + 7] as number, costN: r[b + 8] as number,
        statusN: r[b + 9] as number, blobs: {}, statusCounts: r[b + 10] as string | null,
      };
      dists.forEach((d, j) => { cell.blobs[d] = r[b + 11 + j] as Uint8Array | null; });
      fn(cell);
    }
  } finally {
    st.reset();
  }
}

export { DIST_COLUMNS, SLICE_DIMS };

/**
 * Request counts grouped by slice dimensions over [from, to), from the summaries (exact: counts add up).
 * @param from UTC ms, or null for no lower bound
 * @param to UTC ms (exclusive), or null for no upper bound; with both null, undated requests (in no cell) are
 *   counted too, from the rows (through the ts index), as a query without a time condition counts them
 * @returns counts keyed by the JSON array of the dimensions' values (null for none), or null when a bound is not a
 *   whole UTC hour (the caller counts the rows)
 */
export function requestCountsBy(db: Db, zone: string, dims: readonly SliceDim[], from: number | null, to: number | null): Map<string, number> | null {
  const bounds = [from, to].filter((b): b is number => b !== null);
  const level = summaryLevel(db, zone, bounds);
  if (level === null) return null;
  const out = new Map<string, number>();
  const add = (k: string, n: number) => out.set(k, (out.get(k) ?? 0) + n);
  eachCell(db, from ?? -8.64e15, to ?? 8.64e15, {}, [], (c) => add(JSON.stringify(dims.map((d) => c.slice[d])), c.n), level);
  if (from === null && to === null) {
    const cols = dims.length ? dims.join(', ') : "''";
    for (const r of db.all<Record<string, string | number | null>>(`SELECT ${cols}, count(*) AS n FROM requests WHERE ts IS NULL GROUP BY ${cols}`)) {
      add(JSON.stringify(dims.map((d) => r[d] ?? null)), Number(r.n));
    }
  }
  return out;
}
