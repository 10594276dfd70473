/**
 * Pieces the metrics queries share: the request filter as SQL, ISO-week and day windows in the workspace time zone
 * (luxon), and type-7 quantiles read from SQLite with LIMIT/OFFSET so a bucket's latencies never leave the database.
 */
import { DateTime } from 'luxon';
import { quantileSorted } from '../../../shared/stats';
import { LoupeError } from '../../../shared/errors';
import type { MetricsFilter } from '../../../shared/contract-metrics';
import type { Db } from '../db';

/** SQL conditions (AND-joined, starting with ` AND`) and their parameters for a request filter on table alias `r`. */
export function filterSql(filter: MetricsFilter, alias = 'r'): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const col of ['feature', 'model', 'model_version'] as const) {
    const v = filter[col];
    if (v !== undefined) { parts.push(` AND ${alias}.${col} = ?`); params.push(v); }
  }
  return { sql: parts.join(''), params };
}

/** `2026-W40` for an instant, ISO week of the zone's local date. */
export function isoWeekLabel(ts: number, zone: string): string {
  const d = DateTime.fromMillis(ts, { zone });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

/**
 * Start and end (UTC ms, half-open) of an ISO week in the zone: Monday 00:00 local to the next Monday 00:00.
 * @throws LoupeError BAD_REQUEST for a week luxon cannot read (e.g. 2026-W53, which 2026 does not have)
 */
export function weekWindow(week: string, zone: string): { from_ts: number; to_ts: number } {
  const start = DateTime.fromISO(week, { zone });
  if (!start.isValid || isoWeekLabel(start.toMillis(), zone) !== week) {
    throw new LoupeError('BAD_REQUEST', `Invalid week "${week}": ${start.invalidExplanation ?? 'that year has no such ISO week'}; expected e.g. 2026-W47.`);
  }
  const s = start.startOf('week');
  return { from_ts: s.toMillis(), to_ts: s.plus({ weeks: 1 }).toMillis() };
}

/**
 * Consecutive day or ISO-week buckets covering [from, to) in the zone; the first starts at the local midnight /
 * Monday at or before `from`. Days follow the zone's calendar, so a DST day is 23 or 25 hours long.
 * @throws LoupeError BAD_REQUEST when more than `max` buckets would be needed
 */
export function bucketStarts(from: number, to: number, unit: 'day' | 'week', zone: string, max = 1000): number[] {
  const out: number[] = [];
  let d = DateTime.fromMillis(from, { zone }).startOf(unit);
  while (d.toMillis() < to) {
    out.push(d.toMillis());
    if (out.length > max) {
      throw new LoupeError('BAD_REQUEST', `The range needs more than ${max} ${unit} buckets.`, { action: unit === 'day' ? 'Choose weeks or a shorter range.' : 'Choose a shorter range.' });
    }
    d = d.plus(unit === 'day' ? { days: 1 } : { weeks: 1 });
  }
  out.push(d.toMillis());
  return out;
}

/** Label of a bucket that starts at `start`: ISO week or ISO date in the zone. */
export function bucketLabel(start: number, unit: 'day' | 'week', zone: string): string {
  return unit === 'week' ? isoWeekLabel(start, zone) : DateTime.fromMillis(start, { zone }).toISODate()!;
}

/**
 * Type-7 quantiles (shared/stats quantileSorted) of a numeric column over the rows a WHERE clause selects, reading
 * only the two order statistics each quantile needs: `ORDER BY col LIMIT 2 OFFSET floor((n − 1) p)`. SQLite sorts
 * the rows of the range (found through the ts index) without handing them to JS; TOOLCHAIN.md measured this shape
 * ~3× faster than a window function. The `+col` in ORDER BY keeps the planner from walking the whole latency index.
 * @param n number of non-null values of `col` under `where` (already counted by the caller)
 * @param ps probabilities in [0, 1]
 * @returns one quantile per p, in the column's unit; null each when n = 0
 */
export function sqlQuantiles(db: Db, col: string, from: string, where: string, params: Array<string | number>, n: number, ps: readonly number[]): Array<number | null> {
  if (n === 0) return ps.map(() => null);
  const sql = `SELECT ${col} AS v FROM ${from} WHERE ${where} AND +${col} IS NOT NULL ORDER BY +${col} LIMIT 2 OFFSET ?`;
  return ps.map((p) => {
    const lo = Math.floor((n - 1) * p);
    const rows = db.all<{ v: number }>(sql, [...params, lo]);
    // A sparse view holding just positions lo and lo + 1 of the sorted values: all quantileSorted reads.
    const view: Record<number, number> & { length: number } = { length: n };
    rows.forEach((r, i) => { view[lo + i] = r.v; });
    return quantileSorted(view, p);
  });
}

/** NaN → null for JSON; finite numbers pass. */
export function num(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}
