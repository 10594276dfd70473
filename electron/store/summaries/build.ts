/**
 * Keeps the request summaries (migration 8) in step with the requests table.
 *
 * A cell is one UTC hour × one slice (feature, model, model version, segment, region, language: the request
 * dimensions the metrics and alerts group and filter by, user ids aside) holding counts, errors, token and cost sums,
 * one distribution ({@link Dist}) per numeric column, and its requests per status (status is no slice dimension; the
 * drift's status row reads these counts). Three ways a cell changes:
 * - an import: its new rows (rowid above the summarised watermark) are aggregated in one pass in JS and merged into
 *   their cells, inside the import's transaction ({@link refreshSummaries}), so a failed import leaves them as they were;
 * - any UPDATE or DELETE of a request (a price re-derive, a scrub, a delete; an upsert that changed a row) fires the
 *   triggers of migration 8, which mark the old and new hours stale in `summary_dirty_hours`; the next read (or
 *   import) rebuilds those hours from their rows first;
 * - a workspace created before migration 8 builds every cell once, at migration ({@link rebuildAllSummaries}).
 * Every change to hour cells also rebuilds the day cells (`request_summaries_day`, local days of the workspace time
 * zone) of the days holding those hours, merged from the hour cells.
 */
import { DateTime } from 'luxon';
import type { Db } from '../db';
import { Dist } from './dist';

/** One hour in ms; cells start at multiples of it (UTC). */
export const HOUR_MS = 3_600_000;
/** The request columns a cell is keyed by, in the order of `summary_slices`. */
export const SLICE_DIMS = ['feature', 'model', 'model_version', 'segment', 'region', 'lang'] as const;
export type SliceDim = (typeof SLICE_DIMS)[number];
/** The numeric columns with a distribution per cell, in the order of the cell's BLOB columns. */
export const DIST_COLUMNS = ['latency_ms', 'tokens_in', 'tokens_out', 'cost_usd', 'input_chars', 'output_chars'] as const;
export type DistColumn = (typeof DIST_COLUMNS)[number];

/** Start (UTC ms) of the hour holding ts; floors negative times too. */
export function hourOf(ts: number): number {
  return ts - (((ts % HOUR_MS) + HOUR_MS) % HOUR_MS);
}

/** The counts and sums every cell holds (built or read): requests, errors, token sums and counts, cost in USD. */
export interface CellTotals {
  n: number;
  errors: number;
  /**
   * Requests whose outcome is known: with a status or an error message (migration 10). The error rate is errors over
   * these; a request with neither says nothing either way and is not counted as a success.
   */
  statusN: number;
  tokensInSum: number;
  tokensInN: number;
  tokensOutSum: number;
  tokensOutN: number;
  /** USD. */
  cost: number;
  costSq: number;
  costN: number;
}

/** A cell being built. */
export interface CellAcc extends CellTotals {
  hour: number;
  slice: Array<string | null>;
  dists: Dist[];
  /** Requests per status (null: none), every request of the cell (migration 13). */
  statuses: Map<string | null, number>;
}

function newCell(hour: number, slice: Array<string | null>): CellAcc {
  return { hour, slice, n: 0, errors: 0, statusN: 0, tokensInSum: 0, tokensInN: 0, tokensOutSum: 0, tokensOutN: 0, cost: 0, costSq: 0, costN: 0, dists: DIST_COLUMNS.map(() => new Dist()), statuses: new Map() };
}

/**
 * A cell's requests per status as stored in `status_counts` (migration 13): a JSON array of `[status, count]` pairs,
 * status null for requests without one, ordered by status (null first) so equal counts store equal text.
 * @returns the text, or null for a cell without requests
 */
export function encodeStatusCounts(m: ReadonlyMap<string | null, number>): string | null {
  if (m.size === 0) return null;
  const pairs = [...m].filter(([, n]) => n > 0);
  pairs.sort((a, b) => (a[0] === b[0] ? 0 : a[0] === null ? -1 : b[0] === null ? 1 : a[0] < b[0] ? -1 : 1));
  return JSON.stringify(pairs);
}

/**
 * Adds the counts of a stored `status_counts` text (see {@link encodeStatusCounts}) to `into`.
 * @throws SyntaxError when the text is not such an array (a damaged cell)
 */
export function addStatusCounts(into: Map<string | null, number>, text: string | null): void {
  if (text === null) return;
  for (const [s, n] of JSON.parse(text) as Array<[string | null, number]>) into.set(s, (into.get(s) ?? 0) + n);
}

/**
 * SQL that is 1 when a request's outcome is known: it failed, or has a status, or an error field (a message, or ''
 * where the record's error field was present and empty: no error; import/mapping.ts convert) (see
 * CellTotals.statusN), else 0.
 * @param alias the requests table's alias with its dot (`r.`), or '' for none
 */
export function statusKnownSql(alias = ''): string {
  return `(${alias}is_error = 1 OR ${alias}status IS NOT NULL OR ${alias}error IS NOT NULL)`;
}
const SELECT_ROW = `SELECT ts, ${SLICE_DIMS.join(', ')}, is_error, ${DIST_COLUMNS.join(', ')}, ${statusKnownSql()}, status FROM requests`;
const NS = SLICE_DIMS.length;
/** Where {@link SELECT_ROW}'s distribution columns are. */
const DIST_AT = DIST_COLUMNS.map((_, j) => 2 + NS + j);

/**
 * Adds one request to its hour's cell in `cells` (made when new): the one rule both the rows read back
 * ({@link aggregate}) and an import's stream of stored rows (summaries/stream.ts) use, so both build the same cells.
 * @param hour - the request's hour ({@link hourOf} of its ts)
 * @param slice - its {@link SLICE_DIMS} values, in order (kept by a new cell: not reused by the caller)
 * @param vals - its values; those of {@link DIST_COLUMNS} at `distAt` (in that order); a value that is not a finite
 *   number adds nothing
 * @param known - its outcome is known (see {@link statusKnownSql})
 */
export function addToCells(cells: Map<string, CellAcc>, hour: number, slice: Array<string | null>, isError: boolean,
  vals: ArrayLike<unknown>, distAt: readonly number[], known: boolean, status: string | null): void {
  const key = `${hour}\u0000${JSON.stringify(slice)}`;
  let c = cells.get(key);
  if (!c) cells.set(key, (c = newCell(hour, slice)));
  c.n++;
  if (isError) c.errors++;
  if (known) c.statusN++;
  c.statuses.set(status, (c.statuses.get(status) ?? 0) + 1);
  for (let j = 0; j < DIST_COLUMNS.length; j++) {
    const v = vals[distAt[j]!];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    c.dists[j]!.add(v);
    if (j === 1) { c.tokensInSum += v; c.tokensInN++; }
    else if (j === 2) { c.tokensOutSum += v; c.tokensOutN++; }
    else if (j === 3) { c.cost += v; c.costSq += v * v; c.costN++; }
  }
}

/** Aggregates the rows a query over {@link SELECT_ROW} returns (one pass), skipping undated rows and `skipHours`. */
function aggregate(db: Db, where: string, params: number[], skipHours: ReadonlySet<number> | null): Map<string, CellAcc> {
  const cells = new Map<string, CellAcc>();
  db.each(`${SELECT_ROW} WHERE ${where}`, params, (r) => {
    const ts = r[0];
    if (typeof ts !== 'number') return;
    const hour = hourOf(ts);
    if (skipHours?.has(hour)) return;
    addToCells(cells, hour, r.slice(1, 1 + NS) as Array<string | null>, r[1 + NS] === 1, r, DIST_AT,
      r[2 + NS + DIST_COLUMNS.length] === 1, r[3 + NS + DIST_COLUMNS.length] as string | null);
  });
  return cells;
}

/** Id of each slice (created when new). */
function sliceIds(db: Db, cells: Iterable<CellAcc>): (slice: Array<string | null>) => number {
  const ids = new Map<string, number>();
  for (const r of db.all<{ id: number; key: string }>('SELECT id, key FROM summary_slices')) ids.set(r.key, r.id);
  const pending = new Set<string>();
  for (const c of cells) { const k = JSON.stringify(c.slice); if (!ids.has(k)) pending.add(k); }
  for (const k of pending) {
    const vals = JSON.parse(k) as Array<string | null>;
    db.run(`INSERT INTO summary_slices (key, ${SLICE_DIMS.join(', ')}) VALUES (?, ${SLICE_DIMS.map(() => '?').join(', ')})`, [k, ...vals]);
    ids.set(k, db.value<number>('SELECT last_insert_rowid()')!);
  }
  return (slice) => ids.get(JSON.stringify(slice))!;
}

const CELL_COLS = `hour, slice_id, n, errors, tokens_in_sum, tokens_in_n, tokens_out_sum, tokens_out_n, cost_sum, cost_sq, cost_n, ${DIST_COLUMNS.join(', ')}, status_n, status_counts`;

/**
 * Writes cells: `merge` adds them to the stored cells of the same hour and slice (new rows), `replace` stores them
 * as they are (the caller has deleted the hours first).
 */
function writeCells(db: Db, cells: Map<string, CellAcc>, mode: 'merge' | 'replace'): void {
  if (cells.size === 0) return;
  const idOf = sliceIds(db, cells.values());
  const ins = db.stmt(`INSERT OR REPLACE INTO request_summaries (${CELL_COLS}) VALUES (${CELL_COLS.split(',').map(() => '?').join(', ')})`);
  const old = mode === 'merge' ? db.stmt(`SELECT ${CELL_COLS} FROM request_summaries WHERE hour = ? AND slice_id = ?`) : null;
  try {
    for (const c of cells.values()) {
      const id = idOf(c.slice);
      if (old) {
        old.bind([c.hour, id]);
        if (old.step()) {
          const r = old.get();
          c.n += r[2] as number; c.errors += r[3] as number;
          c.tokensInSum += r[4] as number; c.tokensInN += r[5] as number; c.tokensOutSum += r[6] as number; c.tokensOutN += r[7] as number;
          c.cost += r[8] as number; c.costSq += r[9] as number; c.costN += r[10] as number;
          DIST_COLUMNS.forEach((_, j) => c.dists[j]!.mergeEncoded(r[11 + j] as Uint8Array | null));
          c.statusN += r[11 + DIST_COLUMNS.length] as number;
          addStatusCounts(c.statuses, r[12 + DIST_COLUMNS.length] as string | null);
        }
        old.reset();
      }
      ins.run([c.hour, id, c.n, c.errors, c.tokensInSum, c.tokensInN, c.tokensOutSum, c.tokensOutN, c.cost, c.costSq, c.costN, ...c.dists.map((d) => d.encode()), c.statusN, encodeStatusCounts(c.statuses)]);
    }
  } finally {
    // Cached statements (db.stmt): reset, never freed.
    ins.reset();
    old?.reset();
  }
}

/** Rebuilds the given hours from their rows (cells of those hours are replaced; an hour without rows loses its cells). */
function rebuildHours(db: Db, hours: readonly number[]): void {
  if (hours.length === 0) return;
  const sorted = [...hours].sort((a, b) => a - b);
  // Contiguous hours are read as one range through the ts index.
  const ranges: Array<[number, number]> = [];
  for (const h of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === h) last[1] = h + HOUR_MS; else ranges.push([h, h + HOUR_MS]);
  }
  for (const [lo, hi] of ranges) {
    db.run('DELETE FROM request_summaries WHERE hour >= ? AND hour < ?', [lo, hi]);
    writeCells(db, aggregate(db, 'ts >= ? AND ts < ?', [lo, hi], null), 'replace');
  }
}

/** Whether anything is waiting to be summarised: stale hours, or rows above the watermark. */
export function summariesPending(db: Db): boolean {
  const s = db.get<{ dirty: number; mark: number; top: number | null }>(
    'SELECT EXISTS (SELECT 1 FROM summary_dirty_hours) AS dirty, (SELECT max_rowid FROM summary_state) AS mark, (SELECT max(rowid) FROM requests) AS top')!;
  return s.dirty === 1 || (s.top ?? 0) > s.mark;
}

/**
 * The cells of the rows with rowid in (`from`, `to`], built as an import stored them (summaries/stream.ts): the same
 * cells {@link aggregate} builds from those rows.
 */
export interface StreamedCells {
  from: number;
  to: number;
  cells: Map<string, CellAcc>;
}

/** The cells not in `hours` (the map itself when no hour is left out). */
function withoutHours(cells: Map<string, CellAcc>, hours: ReadonlySet<number>): Map<string, CellAcc> {
  if (hours.size === 0) return cells;
  const kept = new Map<string, CellAcc>();
  for (const [k, c] of cells) if (!hours.has(c.hour)) kept.set(k, c);
  return kept;
}

/**
 * Brings the summaries up to date: merges the rows added since the last refresh (rowid above the watermark) into
 * their cells and rebuilds the stale hours, in one transaction (the caller's when it has one: an import calls this
 * inside its own, so a failed import leaves the summaries as they were).
 * @param streamed - an import's cells of its new rows, used instead of reading those rows back when they cover
 *   exactly the rows above the watermark (else ignored)
 * @returns what was done: new rows merged and stale hours rebuilt
 */
export function refreshSummaries(db: Db, streamed: StreamedCells | null = null): { rows: number; hours: number } {
  return db.tx(() => {
    const mark = db.value<number>('SELECT max_rowid FROM summary_state') ?? 0;
    const top = db.value<number | null>('SELECT max(rowid) FROM requests') ?? 0;
    const dirty = db.all<{ hour: number }>('SELECT hour FROM summary_dirty_hours').map((r) => r.hour);
    const stale = new Set(dirty);
    let rows = 0;
    const touched = new Set(dirty);
    if (top > mark) {
      // An import's cells built as it stored its rows (summaries/stream.ts) stand for reading those rows back, when
      // they are exactly the rows above the watermark; hours made stale since are rebuilt from their rows below.
      const cells = streamed && streamed.from === mark && streamed.to === top ? withoutHours(streamed.cells, stale) : aggregate(db, 'rowid > ?', [mark], stale);
      for (const c of cells.values()) { rows += c.n; touched.add(c.hour); }
      writeCells(db, cells, 'merge');
    }
    rebuildHours(db, dirty);
    db.run('DELETE FROM summary_dirty_hours');
    const zone = db.value<string | null>('SELECT day_zone FROM summary_state') ?? null;
    if (zone !== null && !rebuildDays(db, zone, [...touched])) db.run('UPDATE summary_state SET day_zone = NULL');
    db.run('UPDATE summary_state SET max_rowid = ?, generation = generation + 1', [top]);
    return { rows, hours: dirty.length };
  });
}

/** Rebuilds every cell from the requests (migration 8 on a populated workspace; a repair). */
export function rebuildAllSummaries(db: Db): void {
  db.tx(() => {
    db.run('DELETE FROM request_summaries');
    db.run('DELETE FROM summary_dirty_hours');
    writeCells(db, aggregate(db, 'ts IS NOT NULL', [], null), 'replace');
    db.run('UPDATE summary_state SET max_rowid = (SELECT coalesce(max(rowid), 0) FROM requests), generation = generation + 1');
    const zone = db.value<string | null>("SELECT value FROM meta WHERE key = 'time_zone'") ?? 'UTC';
    db.run('UPDATE summary_state SET day_zone = ?', [rebuildDays(db, zone, null) ? zone : null]);
  });
}

/** Local midnight (UTC ms) of the day holding ts in the zone. */
function dayStart(ts: number, zone: string): number {
  return DateTime.fromMillis(ts, { zone }).startOf('day').toMillis();
}

/**
 * Rebuilds the day cells of the local days (in `zone`) holding the given hours, or of every day (`null`), by merging
 * their hour cells per slice.
 * @returns false when a day of the zone does not start on a whole UTC hour (a half-hour zone): day cells cannot be
 *   merged from hour cells there, and are all deleted
 */
export function rebuildDays(db: Db, zone: string, hours: number[] | null): boolean {
  let days: number[];
  if (hours === null) {
    db.run('DELETE FROM request_summaries_day');
    const r = db.get<{ lo: number | null; hi: number | null }>('SELECT min(hour) AS lo, max(hour) AS hi FROM request_summaries')!;
    days = [];
    if (r.lo !== null && r.hi !== null) {
      for (let d = DateTime.fromMillis(r.lo, { zone }).startOf('day'); d.toMillis() <= r.hi; d = d.plus({ days: 1 })) days.push(d.toMillis());
    }
  } else {
    days = [...new Set(hours.map((h) => dayStart(h, zone)))].sort((a, b) => a - b);
  }
  const read = db.stmt(`SELECT slice_id, ${CELL_COLS.split(', ').slice(2).join(', ')} FROM request_summaries WHERE hour >= ? AND hour < ?`);
  const ins = db.stmt(`INSERT INTO request_summaries_day (${CELL_COLS.replace('hour', 'day')}) VALUES (${CELL_COLS.split(',').map(() => '?').join(', ')})`);
  try {
    for (const d of days) {
      const end = DateTime.fromMillis(d, { zone }).plus({ days: 1 }).toMillis();
      if (d % HOUR_MS !== 0 || end % HOUR_MS !== 0) {
        db.run('DELETE FROM request_summaries_day');
        return false;
      }
      db.run('DELETE FROM request_summaries_day WHERE day = ?', [d]);
      const bySlice = new Map<number, CellAcc>();
      read.bind([d, end]);
      while (read.step()) {
        const r = read.get();
        const id = r[0] as number;
        let c = bySlice.get(id);
        if (!c) bySlice.set(id, (c = newCell(d, [])));
        c.n += r[1] as number; c.errors += r[2] as number;
        c.tokensInSum += r[3] as number; c.tokensInN += r[4] as number; c.tokensOutSum += r[5] as number; c.tokensOutN += r[6] as number;
        c.cost += r[7] as number; c.costSq += r[8] as number; c.costN += r[9] as number;
        DIST_COLUMNS.forEach((_, j) => c.dists[j]!.mergeEncoded(r[10 + j] as Uint8Array | null));
        c.statusN += r[10 + DIST_COLUMNS.length] as number;
        addStatusCounts(c.statuses, r[11 + DIST_COLUMNS.length] as string | null);
      }
      read.reset();
      for (const [id, c] of bySlice) {
        ins.run([d, id, c.n, c.errors, c.tokensInSum, c.tokensInN, c.tokensOutSum, c.tokensOutN, c.cost, c.costSq, c.costN, ...c.dists.map((x) => x.encode()), c.statusN, encodeStatusCounts(c.statuses)]);
      }
    }
  } finally {
    read.reset();
    ins.reset();
  }
  return true;
}

/**
 * Whether day cells of `zone` can answer: brings the summaries up to date, and rebuilds the day cells when they
 * were built for another zone (once per zone change).
 * @returns false for a zone whose days are not whole UTC hours
 */
export function dayCellsFor(db: Db, zone: string): boolean {
  ensureSummaries(db);
  const current = db.value<string | null>('SELECT day_zone FROM summary_state') ?? null;
  if (current === zone) return true;
  return db.tx(() => {
    const ok = rebuildDays(db, zone, null);
    db.run('UPDATE summary_state SET day_zone = ?', [ok ? zone : null]);
    return ok;
  });
}

/**
 * Called by every reader before it reads the summaries: rebuilds stale hours and summarises new rows first. A
 * no-op (two indexed look-ups) when nothing is pending.
 */
export function ensureSummaries(db: Db): void {
  if (summariesPending(db)) refreshSummaries(db);
}

/**
 * The summaries' generation after bringing them up to date: a number that changes whenever any cell changed, for
 * result caches (an UPDATE of a request changes neither the row count nor the largest rowid, so those alone miss it).
 */
export function summaryGeneration(db: Db): number {
  ensureSummaries(db);
  return db.value<number>('SELECT generation FROM summary_state') ?? 0;
}
