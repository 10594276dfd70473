/**
 * The summary cells of an import's new requests, built while the import stores them instead of read back from the
 * table afterwards (summaries/build.ts `aggregate`): reading the new rows back through sql.js was a serial step after
 * the last insert. At 1M requests the "summaries" phase went from 4.5-4.9 s to 3.3-4.3 s (`npm run bench` and single
 * imports with LOUPE_SUMMARY_STREAM=0 to compare, issue 13); the cells are held while the import runs (about 110 MB
 * of peak RSS at 1M).
 *
 * Two threads can build them, by one rule ({@link CellBuilder}):
 * - the store thread, from the rows it stores (rows mapped on the store thread, or batches sent unpacked);
 * - the import's reading thread, from the rows it packs (import/packed.ts), while the store thread inserts the batch
 *   before: the store thread then only counts, per batch, the rows it stored as new, and takes the reading thread's
 *   cells at the end ({@link SummaryStream.result} with {@link WireCells}). This moved about 0.5 s per 200k rows off
 *   the store thread, which sets an import's pace.
 *
 * The cells built are used only when they provably are those `aggregate` would build from the rows above the
 * summaries' watermark (`refreshSummaries` checks the rowid range):
 * - a batch's rows count only when the table's largest rowid grew by exactly their number (each was a new row, none
 *   an update of a stored one); otherwise the stream stops for the rest of the import, which then reads its rows back
 *   as before. Rows built on the store thread are those whose upsert changed a row; rows built on the reading thread
 *   are every request row it packed, so one the store did not store as new (unchanged, refused) stops the stream;
 * - a value is taken only as SQLite stores it unchanged: slice columns and status as text or null, numbers as numbers.
 *   A value SQLite would convert (a number in a text column, numeric text in a number column) stops the stream;
 * - a new row changed later in the same import (a repeated id, linking) is changed by an UPDATE that names its
 *   summarised columns, whose trigger marks the old and new hours stale: those hours are rebuilt from their rows.
 */
import type { Db } from '../db';
import { addToCells, DIST_COLUMNS, hourOf, SLICE_DIMS, type CellAcc, type StreamedCells } from './build';
import { Dist } from './dist';

/** A row's values, in the order of the columns a {@link CellBuilder} was made for. */
type RowValues = ArrayLike<string | number | boolean | null>;

/**
 * Adds rows to hour cells as {@link addToCells} does for rows read back, from rows given as values (the one rule for
 * the store and the reading thread).
 */
export class CellBuilder {
  readonly cells = new Map<string, CellAcc>();
  /** Rows given to {@link add}, undated ones included. */
  rows = 0;
  /** A row held a value SQLite would store converted: the cells stand for nothing and are dropped. */
  broken = false;
  private readonly at: { ts: number; slice: number[]; dists: number[]; isError: number; status: number; error: number };

  /**
   * @param columns - the order of the values each row is given in (import/packed.ts COLUMNS.requests)
   * @throws Error when `columns` lacks a summarised column
   */
  constructor(columns: readonly string[]) {
    const col = (c: string): number => {
      const i = columns.indexOf(c);
      if (i < 0) throw new Error(`CellBuilder: no column ${c}`);
      return i;
    };
    this.at = { ts: col('ts'), slice: SLICE_DIMS.map(col), dists: DIST_COLUMNS.map(col), isError: col('is_error'), status: col('status'), error: col('error') };
  }

  /** Adds one row (an undated one to no cell); a value SQLite would convert marks the builder {@link broken}. */
  add(r: RowValues): void {
    if (this.broken) return;
    this.rows++;
    const { ts: tsAt, slice: sliceAt, dists, isError, status: statusAt, error } = this.at;
    const ts = r[tsAt];
    if (ts === null) return;
    if (typeof ts !== 'number' || !Number.isFinite(ts)) return this.break();
    const slice: Array<string | null> = [];
    for (const i of sliceAt) {
      const v = r[i];
      if (v !== null && typeof v !== 'string') return this.break();
      slice.push(v);
    }
    for (const i of dists) {
      const v = r[i];
      if (v !== null && typeof v !== 'number') return this.break();
    }
    const status = r[statusAt];
    if (status !== null && typeof status !== 'string') return this.break();
    const e = r[isError];
    const failed = e === 1 || e === true;
    if (!failed && e !== 0 && e !== false && e !== null) return this.break();
    addToCells(this.cells, hourOf(ts), slice, failed, r, dists, failed || status !== null || r[error] !== null, status);
  }

  private break(): void {
    this.broken = true;
    this.cells.clear();
  }
}

/** The totals of a wire cell, in this order, one float64 each ({@link WireCells.totals}). */
const TOTALS = ['hour', 'n', 'errors', 'statusN', 'tokensInSum', 'tokensInN', 'tokensOutSum', 'tokensOutN', 'cost', 'costSq', 'costN'] as const;
/** Float64s per cell in {@link WireCells.totals}: the totals, the slice's index, where its status pairs start and end. */
const PER_CELL = TOTALS.length + 3;

/**
 * The cells a reading thread built from the request rows it packed, flat in a few buffers that are transferred, not
 * copied ({@link wireTransferables}): at 1M requests about 24,000 cells holding 145,000 encoded distributions
 * (48 MB), whose structured clone as one small array each cost the store thread about 0.2 s per 200k rows.
 */
export interface WireCells {
  /** Request rows packed (undated ones included): the store thread checks it stored exactly these. */
  rows: number;
  /** Per cell, {@link PER_CELL} float64s: the {@link TOTALS}, the index of its slice in `slices`, its status pairs' range in `statusPairs`. */
  totals: Float64Array;
  /** Each cell's slice (its {@link SLICE_DIMS} values) as JSON, once per slice. */
  slices: string[];
  /** Per cell, per {@link DIST_COLUMNS} column: the byte offset and length in `bytes` of its {@link Dist.encode} (length 0: null). */
  distAt: Float64Array;
  bytes: Uint8Array;
  /** Status pairs of every cell: the status's index in `statuses`, then its count. */
  statusPairs: Float64Array;
  statuses: Array<string | null>;
}

/** The buffers of a {@link WireCells} to transfer when it is posted. */
export function wireTransferables(w: WireCells): ArrayBuffer[] {
  return [w.totals.buffer, w.distAt.buffer, w.bytes.buffer, w.statusPairs.buffer] as ArrayBuffer[];
}

/** A builder's cells for the store thread, or null when it is {@link CellBuilder.broken}. */
export function toWire(b: CellBuilder): WireCells | null {
  if (b.broken) return null;
  const cells = [...b.cells.values()];
  const totals = new Float64Array(cells.length * PER_CELL);
  const distAt = new Float64Array(cells.length * DIST_COLUMNS.length * 2);
  const blobs: Uint8Array[] = [];
  let bytes = 0;
  const sliceIndex = new Map<string, number>();
  const statusIndex = new Map<string | null, number>();
  const pairs: number[] = [];
  cells.forEach((c, i) => {
    const t = i * PER_CELL;
    TOTALS.forEach((k, j) => { totals[t + j] = c[k]; });
    const key = JSON.stringify(c.slice);
    let si = sliceIndex.get(key);
    if (si === undefined) sliceIndex.set(key, (si = sliceIndex.size));
    totals[t + TOTALS.length] = si;
    totals[t + TOTALS.length + 1] = pairs.length;
    for (const [s, n] of c.statuses) {
      let k = statusIndex.get(s);
      if (k === undefined) statusIndex.set(s, (k = statusIndex.size));
      pairs.push(k, n);
    }
    totals[t + TOTALS.length + 2] = pairs.length;
    c.dists.forEach((d, j) => {
      const blob = d.encode();
      const at = (i * DIST_COLUMNS.length + j) * 2;
      distAt[at] = bytes;
      distAt[at + 1] = blob ? blob.length : 0;
      if (blob) { blobs.push(blob); bytes += blob.length; }
    });
  });
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const blob of blobs) { all.set(blob, at); at += blob.length; }
  return { rows: b.rows, totals, slices: [...sliceIndex.keys()], distAt, bytes: all, statusPairs: Float64Array.from(pairs), statuses: [...statusIndex.keys()] };
}

/** The cells of {@link toWire}, keyed as {@link addToCells} keys them; distributions stay encoded until used. */
function fromWire(w: WireCells): Map<string, CellAcc> {
  const out = new Map<string, CellAcc>();
  const slices = w.slices.map((k) => JSON.parse(k) as Array<string | null>);
  const cells = w.totals.length / PER_CELL;
  for (let i = 0; i < cells; i++) {
    const t = i * PER_CELL;
    const si = w.totals[t + TOTALS.length]!;
    const statuses = new Map<string | null, number>();
    for (let p = w.totals[t + TOTALS.length + 1]!; p < w.totals[t + TOTALS.length + 2]!; p += 2) statuses.set(w.statuses[w.statusPairs[p]!]!, w.statusPairs[p + 1]!);
    const dists = DIST_COLUMNS.map((_, j) => {
      const at = (i * DIST_COLUMNS.length + j) * 2;
      const len = w.distAt[at + 1]!;
      return Dist.fromEncoded(len === 0 ? null : w.bytes.subarray(w.distAt[at]!, w.distAt[at]! + len));
    });
    const c: CellAcc = { hour: w.totals[t]!, slice: [...slices[si]!], n: 0, errors: 0, statusN: 0, tokensInSum: 0, tokensInN: 0, tokensOutSum: 0, tokensOutN: 0, cost: 0, costSq: 0, costN: 0, dists, statuses };
    TOTALS.forEach((k, j) => { c[k] = w.totals[t + j]!; });
    out.set(`${c.hour}\u0000${w.slices[si]!}`, c);
  }
  return out;
}

/** Builds the cells of an import's new requests as they are stored; see the module comment. */
export class SummaryStream {
  private readonly built: CellBuilder;
  private pending: RowValues[] = [];
  /** Request rows of the current batch whose cells the reading thread builds. */
  private elsewhere = 0;
  /** Request rows of earlier batches whose cells the reading thread builds. */
  private elsewhereTotal = 0;
  private readonly from: number;
  private top: number;
  private stopped: boolean;

  /**
   * Starts at the workspace's current rows. The stream does nothing when rows are waiting to be summarised
   * (the watermark is below the largest rowid): the import reads its rows back then.
   * @param db - the workspace, inside the import's transaction
   * @param columns - the order of the values each stored row is given in (import/packed.ts COLUMNS.requests)
   * @throws Error when `columns` lacks a summarised column
   */
  constructor(db: Db, columns: readonly string[]) {
    this.built = new CellBuilder(columns);
    this.from = db.value<number>('SELECT max_rowid FROM summary_state') ?? 0;
    this.top = db.value<number>('SELECT coalesce(max(rowid), 0) FROM requests') ?? 0;
    this.stopped = this.top !== this.from;
  }

  /** Whether the stream still stands (the reading thread need not build cells once it has stopped). */
  get active(): boolean {
    return !this.stopped;
  }

  /** A row the import's upsert has just stored or changed (values in the constructor's column order). */
  stored(vals: RowValues): void {
    if (!this.stopped) this.pending.push(vals);
  }

  /**
   * A request row whose cells the reading thread builds ({@link WireCells}), once the store has run its upsert.
   * @param isNew - the upsert stored it as a new row (false: unchanged, changed or refused: the stream stops)
   */
  storedElsewhere(isNew: boolean): void {
    if (this.stopped) return;
    if (!isNew) return this.stop();
    this.elsewhere++;
  }

  /**
   * Ends a batch: its rows join the cells when each was a new row; else the stream stops.
   * @param db - the workspace, inside the import's transaction
   */
  endBatch(db: Db): void {
    if (this.stopped) return;
    const rows = this.pending;
    const elsewhere = this.elsewhere;
    this.pending = [];
    this.elsewhere = 0;
    if (rows.length === 0 && elsewhere === 0) return;
    const top = db.value<number>('SELECT coalesce(max(rowid), 0) FROM requests') ?? 0;
    if (top - this.top !== rows.length + elsewhere) return this.stop();
    this.top = top;
    this.elsewhereTotal += elsewhere;
    for (const r of rows) this.built.add(r);
    if (this.built.broken) this.stop();
  }

  private stop(): void {
    this.stopped = true;
    this.pending = [];
    this.built.cells.clear();
  }

  /**
   * The cells of the rows in (watermark at start, largest rowid after the last batch], or null once stopped.
   * Call after the last {@link endBatch}.
   * @param elsewhere - the reading thread's cells when it built any (null: it built none, or its rows held a value
   *   SQLite converts): used only when they are of exactly the rows counted by {@link storedElsewhere}
   */
  result(elsewhere: WireCells | null = null): StreamedCells | null {
    if (this.stopped) return null;
    if (this.elsewhereTotal === 0) return { from: this.from, to: this.top, cells: this.built.cells };
    // Rows of both kinds in one import (never built so): read back rather than merge two sets of cells.
    if (!elsewhere || elsewhere.rows !== this.elsewhereTotal || this.built.rows > 0) return null;
    return { from: this.from, to: this.top, cells: fromWire(elsewhere) };
  }
}
