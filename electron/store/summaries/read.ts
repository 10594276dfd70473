/**
 * Reading the request summaries: the cells of a range of hours matching an exact-match filter on the slice
 * dimensions, with the numeric distributions the caller asks for decoded. Stale hours and new rows are summarised
 * first ({@link ensureSummaries}), so a reader never sees summaries behind the requests table.
 */
import type { Db } from '../db';
import { DateTime } from 'luxon';
import { dayCellsFor, DIST_COLUMNS, ensureSummaries, HOUR_MS, SLICE_DIMS, type DistColumn, type SliceDim } from './build';

/** One stored cell: an hour × slice. Distributions not asked for are absent. */
export interface Cell {
  /** UTC ms of the hour's start. */
  hour: number;
  slice: Record<SliceDim, string | null>;
  n: number;
  errors: number;
  tokensInSum: number;
  tokensInN: number;
  tokensOutSum: number;
  tokensOutN: number;
  /** USD. */
  cost: number;
  costSq: number;
  costN: number;
  /** Stored distributions (summaries/dist.ts format), for {@link Dist.mergeEncoded}; only the ones asked for. */
  blobs: Partial<Record<DistColumn, Uint8Array | null>>;
}

/** An exact match on slice dimensions; null matches requests without a value. */
export type SliceFilter = Partial<Record<SliceDim, string | null>>;

/** Whether summaries can answer for a set of dimensions (user ids are not a slice dimension). */
export function isSliceDim(d: string): d is SliceDim {
  return (SLICE_DIMS as readonly string[]).includes(d);
}

/**
 * Which cells can answer buckets with these boundaries in a zone: `day` cells when every boundary is a local
 * midnight of the zone (day and ISO-week buckets) and the zone's days are whole UTC hours, else `hour` cells when
 * every boundary is a whole UTC hour, else none (the rows must answer).
 */
export function summaryLevel(db: Db, zone: string, bounds: readonly number[]): 'day' | 'hour' | null {
  if (!hourAligned(bounds)) return null;
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
      c.cost_sum, c.cost_sq, c.cost_n${cols.length ? `, ${cols.join(', ')}` : ''}
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
        tokensOutSum: r[b + 4] as number, tokensOutN: r[b + 5] as number, cost: r[b + 6] as number, costSq: r[b + 7] as number, costN: r[b + 8] as number, blobs: {},
      };
      dists.forEach((d, j) => { cell.blobs[d] = r[b + 9 + j] as Uint8Array | null; });
      fn(cell);
    }
  } finally {
    st.reset();
  }
}

export { DIST_COLUMNS, SLICE_DIMS };
