/**
 * Feedback summaries: thumbs, CSAT ratings and NPS answers counted per UTC hour × slice of the request each is linked
 * to, so the Metrics screen and the alert rules read a few thousand cells instead of joining every feedback row to its
 * request (4.1–4.3 s cold for the first metrics view of a 1M-request workspace holding 200k feedback rows; issue 13).
 *
 * A cell counts exactly what the raw readers count (metrics/series.ts, alerts/aggregate.ts `FeedbackCell.add`):
 * - the feedback's time is its own, else its request's (`coalesce(f.ts, r.ts)`); feedback with neither is in no cell;
 * - a thumb is up when its value is above 0, else down;
 * - a rating counts for CSAT when its scale is 5 (or unknown) and its value a whole number 1–5;
 * - an NPS answer counts when its value is a whole number 0–10;
 * - a rating that is not CSAT (another scale, such as a 1–10 judge score, or not a whole 1–5) and an NPS answer that is
 *   not a whole 0–10 are counted apart (`rating_other`, `nps_other`), so the charts can say what they leave out;
 * - a thumb, rating or NPS answer an automated evaluator wrote (`feedback.automated` = 1: an LLM judge, a scoring rule;
 *   see feedback/automated.ts) is no user's answer: it is in none of the counts above, only in
 *   `automated` (migration 14), so the charts can say how many they leave out;
 * - the slice is the linked request's (summary_slices, as the request summaries key it); feedback whose request is
 *   not stored (or that names none) is in slice 0, which no slice filter matches.
 *
 * Day cells merge the hour cells per local day of the zone the request summaries' day cells are for, and are rebuilt
 * from the hour cells when that zone changes.
 * The cells are rebuilt whole whenever the feedback or the requests changed since they were built (the stamp below);
 * an import rebuilds them inside its own transaction (so a failed import leaves them as they were) and a reader
 * rebuilds them before reading when something else changed the tables. Rebuilding is one pass over the feedback rows
 * with their requests, in memory; its cost is measured by `npm run bench` (the feedback import's `summaries` phase).
 */
import { DateTime } from 'luxon';
import type { Db } from '../db';
import { hourOf, SLICE_DIMS, summaryGeneration } from './build';
import type { SliceFilter } from './read';

/** The slice id of feedback linked to no stored request. */
export const NO_REQUEST_SLICE = 0;

/** One hour × slice of feedback counts. */
export interface FeedbackCounts {
  /** Thumbs with a value above 0. */
  up: number;
  /** Thumbs with a value of 0 or below. */
  down: number;
  /** CSAT ratings (1–5 scale) by value: index 0 holds the count of 1s, … index 4 the count of 5s. */
  csat: number[];
  /** NPS answers by value: index v holds the count of answers v (0–10). */
  nps: number[];
  /** Ratings that are not CSAT: on a scale other than 1–5, or not a whole number 1–5 (migration 11). */
  rating_other: number;
  /** NPS answers that are not a whole number 0–10 (migration 11). */
  nps_other: number;
  /** Thumbs, ratings and NPS answers from automated evaluators, in none of the counts above (migration 14). */
  automated: number;
}

/** A stored cell as read. */
export interface FeedbackCell extends FeedbackCounts {
  /** UTC ms of the hour's start (of the local day's start, for day cells). */
  hour: number;
  /** The linked request's slice values; null for {@link NO_REQUEST_SLICE} (feedback with no stored request). */
  slice: Record<(typeof SLICE_DIMS)[number], string | null> | null;
}

const CSAT_COLS = [1, 2, 3, 4, 5].map((v) => `csat_${v}`);
const NPS_COLS = Array.from({ length: 11 }, (_, v) => `nps_${v}`);
/** The count columns migration 10 created (its DDL below is frozen on them). */
const FEEDBACK_COUNT_COLUMNS_10 = ['up', 'down', ...CSAT_COLS, ...NPS_COLS] as const;
/** The count columns of `feedback_summaries`, in storage order (migration 11 added rating_other and nps_other, 14 automated). */
export const FEEDBACK_COUNT_COLUMNS = [...FEEDBACK_COUNT_COLUMNS_10, 'rating_other', 'nps_other', 'automated'] as const;

/** DDL of migration 10 (tables and the triggers that count changes to feedback rows), as it was. */
export const FEEDBACK_SUMMARIES_SQL = `
CREATE TABLE feedback_summaries (
  hour INTEGER NOT NULL,
  slice_id INTEGER NOT NULL,
  ${FEEDBACK_COUNT_COLUMNS_10.map((c) => `${c} INTEGER NOT NULL`).join(',\n  ')},
  PRIMARY KEY (hour, slice_id)
) STRICT, WITHOUT ROWID;

-- The same cells merged per local day (UTC ms of its midnight) of summary_state.day_zone, as request_summaries_day
-- are: a weekly view reads a few thousand day cells instead of tens of thousands of hour cells.
CREATE TABLE feedback_summaries_day (
  day INTEGER NOT NULL,
  slice_id INTEGER NOT NULL,
  ${FEEDBACK_COUNT_COLUMNS_10.map((c) => `${c} INTEGER NOT NULL`).join(',\n  ')},
  PRIMARY KEY (day, slice_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE feedback_summary_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  changes INTEGER NOT NULL,
  built TEXT,
  day_zone TEXT
) STRICT;
INSERT INTO feedback_summary_state (id, changes, built, day_zone) VALUES (1, 0, NULL, NULL);

CREATE TRIGGER feedback_summary_update AFTER UPDATE OF request_id, ts, kind, value, scale ON feedback
BEGIN
  UPDATE feedback_summary_state SET changes = changes + 1;
END;

CREATE TRIGGER feedback_summary_delete AFTER DELETE ON feedback
BEGIN
  UPDATE feedback_summary_state SET changes = changes + 1;
END;
`;

/**
 * A string that changes whenever a feedback row is added, changed or deleted, for result caches: the largest rowid
 * (new rows; a rowid handed out again follows a delete) and the count of updates and deletes the triggers keep.
 * Before migration 10 (no triggers): the row count and the largest rowid.
 */
export function feedbackVersion(db: Db): string {
  if (!db.hasTable('feedback_summary_state')) {
    const s = db.get<{ n: number; top: number | null }>('SELECT count(*) AS n, max(rowid) AS top FROM feedback')!;
    return `${s.n}/${s.top ?? 0}`;
  }
  const s = db.get<{ top: number | null; changes: number | null }>(
    'SELECT (SELECT max(rowid) FROM feedback) AS top, (SELECT changes FROM feedback_summary_state) AS changes')!;
  return `${s.top ?? 0}:${s.changes ?? 0}`;
}

/**
 * The stamp of the data feedback cells are built from: {@link feedbackVersion} and the request summaries'
 * generation (new, changed or deleted requests move linked feedback between hours and slices). Brings the request
 * summaries up to date first.
 */
export function feedbackStamp(db: Db): string {
  const generation = summaryGeneration(db);
  return JSON.stringify([feedbackVersion(db), generation]);
}

/** Whether the feedback summaries exist (migration 10) and match the tables. */
export function feedbackSummariesCurrent(db: Db): boolean {
  if (!db.hasTable('feedback_summary_state')) return false;
  return db.value<string | null>('SELECT built FROM feedback_summary_state') === feedbackStamp(db);
}

/** Counts of nothing. */
export const emptyCounts = (): FeedbackCounts => ({ up: 0, down: 0, csat: [0, 0, 0, 0, 0], nps: new Array<number>(11).fill(0), rating_other: 0, nps_other: 0, automated: 0 });

/**
 * Adds one feedback value to counts by the rules of the module comment.
 * @returns false when the value is in no chart's figure (a rating that is not CSAT, an NPS answer outside 0–10: counted
 *   in `rating_other` / `nps_other`, or a kind no chart shows)
 */
export function addFeedbackValue(c: FeedbackCounts, kind: string, value: number, scale: number | null, measure: string | null = null): boolean {
  if (kind === 'thumb') {
    if (value > 0) c.up++; else c.down++;
    return true;
  }
  if (kind === 'rating') {
    // A rating that measures something other than satisfaction (`measure`: Delighted's CES, eNPS) is no CSAT answer.
    if (measure !== null || (scale ?? 5) !== 5 || !Number.isInteger(value) || value < 1 || value > 5) {
      c.rating_other++;
      return false;
    }
    c.csat[value - 1]!++;
    return true;
  }
  if (kind === 'nps') {
    if (!Number.isInteger(value) || value < 0 || value > 10) {
      c.nps_other++;
      return false;
    }
    c.nps[value]!++;
    return true;
  }
  return false;
}

/**
 * SQL that is true for a rating CSAT counts, by {@link addFeedbackValue}'s rule: a whole 1-5 on scale 5 (or none) that
 * measures nothing else (`measure` NULL).
 * @param a - the feedback table's alias with its dot (`f.`), or ''
 */
export const csatRowSql = (a: string): string => `(${a}kind = 'rating' AND coalesce(${a}scale, 5) = 5 AND ${a}value IN (1, 2, 3, 4, 5) AND ${a}measure IS NULL)`;
/** SQL that is true for an NPS answer NPS counts, by {@link addFeedbackValue}'s rule: a whole 0-10. */
export const npsRowSql = (a: string): string => `(${a}kind = 'nps' AND ${a}value IN (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))`;

/** Adds counts `b` into `a`. */
export function addCounts(a: FeedbackCounts, b: FeedbackCounts): void {
  a.up += b.up;
  a.down += b.down;
  for (let v = 0; v < 5; v++) a.csat[v]! += b.csat[v]!;
  for (let v = 0; v <= 10; v++) a.nps[v]! += b.nps[v]!;
  a.rating_other += b.rating_other;
  a.nps_other += b.nps_other;
  a.automated += b.automated;
}

/** Replaces every row of `table` with the cells that count something. */
function writeCounts(db: Db, table: string, at: 'hour' | 'day', cells: Iterable<{ hour: number; slice: number; counts: FeedbackCounts }>): number {
  db.run(`DELETE FROM ${table}`);
  const ins = db.stmt(`INSERT INTO ${table} (${at}, slice_id, ${FEEDBACK_COUNT_COLUMNS.join(', ')}) VALUES (?, ?, ${FEEDBACK_COUNT_COLUMNS.map(() => '?').join(', ')})`);
  let written = 0;
  try {
    for (const c of cells) {
      const k = c.counts;
      if (k.up + k.down + k.csat.reduce((s, v) => s + v, 0) + k.nps.reduce((s, v) => s + v, 0) + k.rating_other + k.nps_other + k.automated === 0) continue;
      ins.run([c.hour, c.slice, k.up, k.down, ...k.csat, ...k.nps, k.rating_other, k.nps_other, k.automated]);
      written++;
    }
  } finally {
    ins.reset();
  }
  return written;
}

/**
 * Rebuilds every feedback cell from the feedback rows and their requests, in the caller's transaction when it has
 * one, and records the stamp it was built for.
 * @returns the feedback rows counted and the cells written
 */
export function rebuildFeedbackSummaries(db: Db): { rows: number; cells: number } {
  return db.tx(() => {
    // The stamp first: it brings the request summaries (and their slices) up to date.
    const stamp = feedbackStamp(db);
    const ids = new Map<string, number>();
    for (const r of db.all<{ id: number; key: string }>('SELECT id, key FROM summary_slices')) ids.set(r.key, r.id);
    const cells = new Map<string, { hour: number; slice: number; key: string | null; counts: FeedbackCounts }>();
    let rows = 0;
    const ns = SLICE_DIMS.length;
    // Migration 14 counts the cells before migration 15 adds `measure`: no row has one then.
    const measure = db.all<{ name: string }>('PRAGMA table_info(feedback)').some((c) => c.name === 'measure') ? 'f.measure' : 'NULL';
    db.each(`SELECT coalesce(f.ts, r.ts), f.kind, f.value, f.scale, r.id IS NOT NULL, f.automated, ${SLICE_DIMS.map((d) => `r.${d}`).join(', ')}, ${measure}
        FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
       WHERE f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL AND coalesce(f.ts, r.ts) IS NOT NULL`, [], (r) => {
      const hour = hourOf(r[0] as number);
      const linked = r[4] === 1;
      // The slice key as the request summaries write it (JSON of the six values, nulls included).
      const key = linked ? JSON.stringify(r.slice(6, 6 + ns)) : null;
      const cellKey = `${hour}\u0000${key ?? ''}`;
      let c = cells.get(cellKey);
      if (!c) cells.set(cellKey, (c = { hour, slice: NO_REQUEST_SLICE, key, counts: emptyCounts() }));
      if (r[5] === 1) { c.counts.automated++; return; }
      if (addFeedbackValue(c.counts, r[1] as string, r[2] as number, r[3] as number | null, (r[6 + ns] as string | null) ?? null)) rows++;
    });
    // A linked request may be undated (its feedback dated by its own time): its slice may have no request cell yet.
    for (const c of cells.values()) {
      if (c.key === null) continue;
      let id = ids.get(c.key);
      if (id === undefined) {
        db.run(`INSERT INTO summary_slices (key, ${SLICE_DIMS.join(', ')}) VALUES (?, ${SLICE_DIMS.map(() => '?').join(', ')})`, [c.key, ...(JSON.parse(c.key) as Array<string | null>)]);
        id = db.value<number>('SELECT last_insert_rowid()')!;
        ids.set(c.key, id);
      }
      c.slice = id;
    }
    const written = writeCounts(db, 'feedback_summaries', 'hour', cells.values());
    rebuildFeedbackDays(db);
    db.run('UPDATE feedback_summary_state SET built = ?', [stamp]);
    return { rows, cells: written };
  });
}

/**
 * Rebuilds the day cells from the hour cells for the request summaries' day zone (none for a zone whose days are not
 * whole UTC hours, where summary_state.day_zone is null), and records the zone.
 */
function rebuildFeedbackDays(db: Db): void {
  const zone = db.value<string | null>('SELECT day_zone FROM summary_state') ?? null;
  const days = new Map<string, { hour: number; slice: number; counts: FeedbackCounts }>();
  if (zone !== null) {
    const dayOf = new Map<number, number>();
    db.each(`SELECT hour, slice_id, ${FEEDBACK_COUNT_COLUMNS.join(', ')} FROM feedback_summaries`, [], (r) => {
      const hour = r[0] as number;
      let day = dayOf.get(hour);
      if (day === undefined) dayOf.set(hour, (day = DateTime.fromMillis(hour, { zone }).startOf('day').toMillis()));
      const k = `${day}\u0000${r[1] as number}`;
      let d = days.get(k);
      if (!d) days.set(k, (d = { hour: day, slice: r[1] as number, counts: emptyCounts() }));
      const c = r as number[];
      addCounts(d.counts, { up: c[2]!, down: c[3]!, csat: c.slice(4, 9), nps: c.slice(9, 20), rating_other: c[20]!, nps_other: c[21]!, automated: c[22]! });
    });
  }
  writeCounts(db, 'feedback_summaries_day', 'day', days.values());
  db.run('UPDATE feedback_summary_state SET day_zone = ?', [zone]);
}

/**
 * Rebuilds the feedback cells when the tables changed since they were built (a no-op of three indexed look-ups
 * otherwise), and the day cells when the request summaries' day zone changed since.
 * @returns false when the workspace has no feedback summaries (before migration 10)
 */
export function ensureFeedbackSummaries(db: Db): boolean {
  if (!db.hasTable('feedback_summary_state')) return false;
  if (!feedbackSummariesCurrent(db)) rebuildFeedbackSummaries(db);
  else if (db.value<number>('SELECT count(*) FROM feedback_summary_state f, summary_state s WHERE f.day_zone IS s.day_zone') !== 1) db.tx(() => rebuildFeedbackDays(db));
  return true;
}

/**
 * Calls `fn` with every feedback cell of the hours in [from, to), brought up to date first.
 * @param from UTC ms, whole hour (cells whose hour starts at or after it)
 * @param to UTC ms, exclusive
 * @param filter exact matches on the linked request's slice; null takes every cell, feedback linked to no request
 *   included (slice null); a filter (even `{}`) takes linked feedback only, as the raw readers' inner join does
 * @param level `hour` cells, or `day` cells (local days of the zone {@link summaryLevel} checked; the cell's `hour`
 *   is then the day's start)
 * @returns false (and calls nothing) when the workspace has no feedback summaries
 */
export function eachFeedbackCell(db: Db, from: number, to: number, filter: SliceFilter | null, fn: (c: FeedbackCell) => void, level: 'hour' | 'day' = 'hour'): boolean {
  if (!ensureFeedbackSummaries(db)) return false;
  // Day cells answer for the zone the request summaries' day cells are built for (summaryLevel checked it).
  if (level === 'day' && db.value<number>('SELECT count(*) FROM feedback_summary_state WHERE day_zone IS NOT NULL') !== 1) level = 'hour';
  const table = level === 'day' ? 'feedback_summaries_day' : 'feedback_summaries';
  const where = [`c.${level} >= ?`, `c.${level} < ?`];
  const params: Array<string | number> = [from, to];
  if (filter !== null) {
    where.push(`c.slice_id <> ${NO_REQUEST_SLICE}`);
    for (const d of SLICE_DIMS) {
      const v = filter[d];
      if (v === undefined) continue;
      if (v === null) where.push(`s.${d} IS NULL`);
      else { where.push(`s.${d} = ?`); params.push(v); }
    }
  }
  const st = db.stmt(`SELECT c.${level}, c.slice_id, ${SLICE_DIMS.map((d) => `s.${d}`).join(', ')}, ${FEEDBACK_COUNT_COLUMNS.map((c) => `c.${c}`).join(', ')}
    FROM ${table} c LEFT JOIN summary_slices s ON s.id = c.slice_id WHERE ${where.join(' AND ')} ORDER BY c.${level}`);
  const ns = SLICE_DIMS.length;
  try {
    st.bind(params);
    while (st.step()) {
      const r = st.get() as Array<number | string | null>;
      let slice: FeedbackCell['slice'] = null;
      if (r[1] !== NO_REQUEST_SLICE) {
        slice = {} as NonNullable<FeedbackCell['slice']>;
        for (let i = 0; i < ns; i++) slice[SLICE_DIMS[i]!] = r[2 + i] as string | null;
      }
      const b = 2 + ns;
      fn({
        hour: r[0] as number, slice, up: r[b] as number, down: r[b + 1] as number,
        csat: r.slice(b + 2, b + 7) as number[], nps: r.slice(b + 7, b + 18) as number[],
        rating_other: r[b + 18] as number, nps_other: r[b + 19] as number, automated: r[b + 20] as number,
      });
    }
  } finally {
    st.reset();
  }
  return true;
}

/** DDL of migration 11: the counts of ratings and NPS answers no chart's figure takes. */
export const FEEDBACK_OTHER_COUNTS_SQL = `
ALTER TABLE feedback_summaries ADD COLUMN rating_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback_summaries ADD COLUMN nps_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback_summaries_day ADD COLUMN rating_other INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback_summaries_day ADD COLUMN nps_other INTEGER NOT NULL DEFAULT 0;
`;

/**
 * DDL of migration 14: which feedback an automated evaluator wrote (`feedback.automated`: 1 for an evaluator's source,
 * 0 for another source, NULL without one; import/mapping.ts sets it from `source`), the cells' count of those, and the
 * update trigger watching the column too.
 */
export const FEEDBACK_AUTOMATED_COLUMNS: ReadonlyArray<[table: string, ddl: string]> = [
  ['feedback', 'automated INTEGER'],
  ['feedback_summaries', 'automated INTEGER NOT NULL DEFAULT 0'],
  ['feedback_summaries_day', 'automated INTEGER NOT NULL DEFAULT 0'],
];
/** The trigger of migration 14 (see {@link FEEDBACK_AUTOMATED_COLUMNS}). */
export const FEEDBACK_AUTOMATED_SQL = `
DROP TRIGGER feedback_summary_update;
CREATE TRIGGER feedback_summary_update AFTER UPDATE OF request_id, ts, kind, value, scale, automated ON feedback
BEGIN
  UPDATE feedback_summary_state SET changes = changes + 1;
END;
`;

/**
 * DDL of migration 15: what a rating measures when its source says it is no satisfaction answer (`feedback.measure`:
 * 'ces' for a customer effort score, 'enps' for an employee NPS; NULL for every other row, which the CSAT rule
 * reads as satisfaction on a 1-5 scale), and the update trigger watching the column too.
 */
export const FEEDBACK_MEASURE_COLUMN = 'measure TEXT';
/** The trigger of migration 15 (see {@link FEEDBACK_MEASURE_COLUMN}). */
export const FEEDBACK_MEASURE_SQL = `
DROP TRIGGER feedback_summary_update;
CREATE TRIGGER feedback_summary_update AFTER UPDATE OF request_id, ts, kind, value, scale, automated, measure ON feedback
BEGIN
  UPDATE feedback_summary_state SET changes = changes + 1;
END;
`;
