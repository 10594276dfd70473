/**
 * Migration 13: requests per status in every request summary cell, and the cells' small columns ahead of their
 * distributions.
 * - `status_counts` (summaries/build.ts `encodeStatusCounts`): the drift's status row adds up cells like every other
 *   column instead of counting the window's requests from the status and ts indexes (274 of 616 ms of the side
 *   panel's drift at 1M requests, profiled). The update trigger already watches `status` (migration 10).
 * - Column order: a cell is a few hundred bytes of counts and sums, then six distributions of up to a few KB each,
 *   which SQLite stores on overflow pages. A column is reached by walking the record from its start, so `status_n`,
 *   added at the end by migration 10, made every reader walk every distribution's pages (the weekly chart needs one
 *   of them): at 1M requests the first weekly view read about 7.7 KB per day cell where it needs about 2.2 KB. The two
 *   tables are created again with every count, sum and `status_counts` first and the distributions last, latency first.
 * - Sketches in their compact form (summaries/dist.ts `encodeCompactSketch`, tag 3): the bins between the lowest and
 *   highest key as varints instead of the protobuf form's padded float64 array (a day cell's latency at 1M requests:
 *   2,087 → 215 bytes), so a day cell's latency is read without its overflow pages.
 * The request cells are rebuilt (they are only ever derived from the requests), which writes the new form; on a 1M
 * workspace that is a one-time cost of seconds at its first open. The rebuild moves no request between hours or
 * slices and keeps `summary_slices`, so feedback cells that matched the tables before it still do, and are stamped
 * current again rather than recounted.
 */
import type { Db } from '../db';
import { rebuildAllSummaries } from '../summaries/build';
import { feedbackStamp, feedbackSummariesCurrent } from '../summaries/feedback';

/** The columns of a cell table (hour or day), counts and sums first, distributions last. */
const cellTable = (name: string, key: 'hour' | 'day') => `
CREATE TABLE ${name} (
  ${key} INTEGER NOT NULL,
  slice_id INTEGER NOT NULL REFERENCES summary_slices (id),
  n INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  status_n INTEGER NOT NULL DEFAULT 0,
  tokens_in_sum REAL NOT NULL,
  tokens_in_n INTEGER NOT NULL,
  tokens_out_sum REAL NOT NULL,
  tokens_out_n INTEGER NOT NULL,
  cost_sum REAL NOT NULL,
  cost_sq REAL NOT NULL,
  cost_n INTEGER NOT NULL,
  status_counts TEXT,
  latency_ms BLOB,
  tokens_in BLOB,
  tokens_out BLOB,
  cost_usd BLOB,
  input_chars BLOB,
  output_chars BLOB,
  PRIMARY KEY (${key}, slice_id)
) STRICT, WITHOUT ROWID;`;

export const sql = `
DROP TABLE request_summaries;
DROP TABLE request_summaries_day;
${cellTable('request_summaries', 'hour')}
${cellTable('request_summaries_day', 'day')}
`;

/** Whether a cell table already has its counts ahead of its distributions (a workspace this migration made). */
function reordered(db: Db, table: string): boolean {
  const cols = db.all<{ name: string; cid: number }>(`PRAGMA table_info(${table})`);
  const at = (n: string) => cols.find((c) => c.name === n)?.cid ?? -1;
  return at('status_counts') >= 0 && at('status_counts') < at('latency_ms') && at('status_n') < at('latency_ms');
}

/** Creates the cell tables again in the new column order and rebuilds the request cells (see the module comment). */
export function up(db: Db): void {
  if (reordered(db, 'request_summaries') && reordered(db, 'request_summaries_day')) return;
  // Asked before the tables go: the answer brings the request summaries up to date first.
  const feedbackCurrent = db.hasTable('feedback_summary_state') && feedbackSummariesCurrent(db);
  db.exec(sql);
  rebuildAllSummaries(db);
  if (feedbackCurrent) db.run('UPDATE feedback_summary_state SET built = ?', [feedbackStamp(db)]);
}
