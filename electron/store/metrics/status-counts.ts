/**
 * Requests per status in a time window, counted from the indexes alone. The drift's status row needs these counts
 * and status is no summary dimension; `GROUP BY status` over the window reads every row of it from the table (at 1M
 * requests two weeks of rows, about 160 MB: right after open, while the workspace file is read on demand, most of a
 * second of disk reads). Here each status value (few: found by skipping through `requests_status`) is counted with
 * `status = ? AND rowid IN (the window's rowids)`, which SQLite answers by seeking `(status, rowid)` in the status
 * index for each rowid the ts (or feature, model, ts) index yields: no table page is read. One value (the last) is
 * the window's count (from the same index) less the others'.
 */
import type { Db } from '../db';
import { distinctByIndex } from './options';

/** Above this many distinct statuses the window's rows are grouped instead (one seek per row and status). */
const MAX_STATUSES = 16;

/**
 * How many requests with `from <= ts < to` (and `feature`, when given) have each status.
 * @param from - window start, UTC epoch ms (inclusive)
 * @param to - window end, UTC epoch ms (exclusive)
 * @param feature - only requests of this feature, when given
 * @returns status (null for requests without one) → count; statuses with no request in the window are left out.
 *   The same counts as `SELECT status, count(*) … GROUP BY status`.
 */
export function statusCounts(db: Db, from: number, to: number, feature: string | undefined): Map<string | null, number> {
  const window = `SELECT rowid FROM requests WHERE ts >= ? AND ts < ?${feature !== undefined ? ' AND feature = ?' : ''}`;
  const wp: Array<string | number> = feature !== undefined ? [from, to, feature] : [from, to];
  const out = new Map<string | null, number>();
  const values = distinctByIndex(db, 'requests', 'status', MAX_STATUSES + 1);
  if (values.length > MAX_STATUSES) {
    for (const r of db.all<{ v: string | null; n: number }>(`SELECT status AS v, count(*) AS n FROM requests WHERE ts >= ? AND ts < ?${feature !== undefined ? ' AND feature = ?' : ''} GROUP BY status`, wp)) {
      out.set(r.v, r.n);
    }
    return out;
  }
  // Each value's count costs one seek per window row, whatever its share: the last value is what the others leave of
  // the window's total (an index range count), and null is counted only when some request has no status.
  const all: Array<string | null> = db.value('SELECT 1 FROM requests WHERE status IS NULL LIMIT 1') !== undefined ? [null, ...values] : values;
  if (all.length === 0) return out;
  let rest = db.value<number>(`SELECT count(*) FROM (${window})`, wp) ?? 0;
  for (const v of all.slice(0, -1)) {
    const n = db.value<number>(`SELECT count(*) FROM requests WHERE status ${v === null ? 'IS NULL' : '= ?'} AND rowid IN (${window})`, v === null ? wp : [v, ...wp]) ?? 0;
    if (n > 0) out.set(v, n);
    rest -= n;
  }
  if (rest > 0) out.set(all[all.length - 1]!, rest);
  return out;
}
