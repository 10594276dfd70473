/**
 * Migration 8: request summaries, so charts, alerts and the slice panel read aggregates instead of raw rows
 * (electron/store/summaries).
 * - `summary_slices`: one row per combination of feature, model, model version, segment, region and language seen;
 *   `key` is the JSON array of those six values (NULLs included), unique.
 * - `request_summaries`: one cell per UTC hour (`hour`, UTC ms of the hour's start) × slice: request count, errors,
 *   token sums and counts, cost sum, sum of squares and count (USD), and per numeric column (latency_ms, tokens_in,
 *   tokens_out, cost_usd, input_chars, output_chars) a BLOB holding the exact values (≤ 100) or a DDSketch
 *   (relative accuracy 1%; see summaries/dist.ts for the format).
 * - `request_summaries_day`: the hour cells merged per local day (UTC ms of its midnight) of `summary_state.day_zone`
 *   (the workspace time zone; rebuilt when a reader asks for another zone whose days are whole UTC hours).
 * - `summary_dirty_hours`: hours whose cells are stale. Triggers add the old and new hour of every UPDATE of a
 *   summarised column and every DELETE of a request; readers rebuild those hours before reading.
 * - `summary_state`: the highest requests rowid already summarised (rows above it are new; a delete at the top of
 *   the table lowers it, so a rowid SQLite hands out again is summarised as new) and a generation counted up by
 *   every refresh and every delete, which result caches key on with the largest rowid (an UPDATE changes neither the
 *   row count nor the largest rowid; counting a million rows costs more than the cached read it guards).
 * A workspace with requests has its summaries built by migration 10 (see `up`).
 */
import type { Db } from '../db';

const hour = (col: string) => `${col} - (((${col} % 3600000) + 3600000) % 3600000)`;
/**
 * Marks the hour of a row version stale when that row is already summarised. NOT EXISTS rather than INSERT OR IGNORE:
 * the conflict clause of the statement that fires a trigger (an upsert's, an INSERT OR REPLACE's) overrides the
 * trigger's own, so OR IGNORE would not hold (found by the import's upsert of a changed row).
 */
export const mark = (row: 'OLD' | 'NEW'): string => `INSERT INTO summary_dirty_hours (hour) SELECT ${hour(`${row}.ts`)} WHERE ${row}.ts IS NOT NULL
    AND ${row}.rowid <= (SELECT max_rowid FROM summary_state) AND NOT EXISTS (SELECT 1 FROM summary_dirty_hours WHERE hour = ${hour(`${row}.ts`)});`;

export const sql = `
CREATE TABLE summary_slices (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  feature TEXT,
  model TEXT,
  model_version TEXT,
  segment TEXT,
  region TEXT,
  lang TEXT
) STRICT;

CREATE TABLE request_summaries (
  hour INTEGER NOT NULL,
  slice_id INTEGER NOT NULL REFERENCES summary_slices (id),
  n INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  tokens_in_sum REAL NOT NULL,
  tokens_in_n INTEGER NOT NULL,
  tokens_out_sum REAL NOT NULL,
  tokens_out_n INTEGER NOT NULL,
  cost_sum REAL NOT NULL,
  cost_sq REAL NOT NULL,
  cost_n INTEGER NOT NULL,
  latency_ms BLOB,
  tokens_in BLOB,
  tokens_out BLOB,
  cost_usd BLOB,
  input_chars BLOB,
  output_chars BLOB,
  PRIMARY KEY (hour, slice_id)
) STRICT, WITHOUT ROWID;

-- The same cells rolled up to local days of one time zone (summary_state.day_zone), merged from the hour cells:
-- a week's view reads 7 day cells per slice instead of 168 hour cells.
CREATE TABLE request_summaries_day (
  day INTEGER NOT NULL,
  slice_id INTEGER NOT NULL REFERENCES summary_slices (id),
  n INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  tokens_in_sum REAL NOT NULL,
  tokens_in_n INTEGER NOT NULL,
  tokens_out_sum REAL NOT NULL,
  tokens_out_n INTEGER NOT NULL,
  cost_sum REAL NOT NULL,
  cost_sq REAL NOT NULL,
  cost_n INTEGER NOT NULL,
  latency_ms BLOB,
  tokens_in BLOB,
  tokens_out BLOB,
  cost_usd BLOB,
  input_chars BLOB,
  output_chars BLOB,
  PRIMARY KEY (day, slice_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE summary_dirty_hours (hour INTEGER PRIMARY KEY) STRICT, WITHOUT ROWID;

CREATE TABLE summary_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  max_rowid INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  day_zone TEXT
) STRICT;
INSERT INTO summary_state (id, max_rowid, generation, day_zone) VALUES (1, 0, 0, NULL);

CREATE TRIGGER requests_summary_update AFTER UPDATE OF ts, feature, model, model_version, segment, region, lang, is_error,
  latency_ms, tokens_in, tokens_out, cost_usd, input_chars, output_chars ON requests
BEGIN
  ${mark('OLD')}
  ${mark('NEW')}
END;

CREATE TRIGGER requests_summary_delete AFTER DELETE ON requests
BEGIN
  ${mark('OLD')}
  UPDATE summary_state SET generation = generation + 1;
  UPDATE summary_state SET max_rowid = (SELECT coalesce(max(rowid), 0) FROM requests) WHERE max_rowid > (SELECT coalesce(max(rowid), 0) FROM requests);
END;
`;

/**
 * Creates the tables and triggers. The requests already stored are summarised by migration 10, which adds a column
 * the current summary code writes (all pending migrations run in one transaction, so a workspace is never left at
 * version 8 or 9 with empty cells).
 */
export function up(db: Db): void {
  db.exec(sql);
}
