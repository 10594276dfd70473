/**
 * The summary cells of an import's new requests, built while the import stores them instead of read back from the
 * table afterwards (summaries/build.ts `aggregate`): reading the new rows back through sql.js was a serial step after
 * the last insert. At 1M requests the "summaries" phase went from 4.5-4.9 s to 3.3-4.3 s (`npm run bench` and single
 * imports with LOUPE_SUMMARY_STREAM=0 to compare, issue 13); the cells are held while the import runs (about 110 MB
 * of peak RSS at 1M).
 *
 * The cells built here are used only when they provably are those `aggregate` would build from the rows above the
 * summaries' watermark (`refreshSummaries` checks the rowid range):
 * - a row is added when its upsert changed a row, and a batch's rows only when the table's largest rowid grew by
 *   exactly their number (each was a new row, none an update of a stored one); otherwise the stream stops for the
 *   rest of the import, which then reads its rows back as before;
 * - a value is taken only as SQLite stores it unchanged: slice columns and status as text or null, numbers as numbers.
 *   A value SQLite would convert (a number in a text column, numeric text in a number column) stops the stream;
 * - a new row changed later in the same import (a repeated id, linking) is changed by an UPDATE that names its
 *   summarised columns, whose trigger marks the old and new hours stale: those hours are rebuilt from their rows.
 */
import type { Db } from '../db';
import { addToCells, DIST_COLUMNS, hourOf, SLICE_DIMS, type CellAcc, type StreamedCells } from './build';

/** Builds the cells of an import's new requests as they are stored; see the module comment. */
export class SummaryStream {
  private readonly cells = new Map<string, CellAcc>();
  private pending: ReadonlyArray<string | number | boolean | null>[] = [];
  private readonly from: number;
  private top: number;
  private stopped: boolean;
  private readonly at: { ts: number; slice: number[]; dists: number[]; isError: number; status: number; error: number };
  /** The columns (indexes in the constructor's order) this reads of a stored row; the others may be given as null. */
  readonly columns: readonly number[];

  /**
   * Starts at the workspace's current rows. The stream does nothing when rows are waiting to be summarised
   * (the watermark is below the largest rowid): the import reads its rows back then.
   * @param db - the workspace, inside the import's transaction
   * @param columns - the order of the values each stored row is given in (import/packed.ts COLUMNS.requests)
   * @throws Error when `columns` lacks a summarised column
   */
  constructor(db: Db, columns: readonly string[]) {
    const col = (c: string): number => {
      const i = columns.indexOf(c);
      if (i < 0) throw new Error(`SummaryStream: no column ${c}`);
      return i;
    };
    this.at = { ts: col('ts'), slice: SLICE_DIMS.map(col), dists: DIST_COLUMNS.map(col), isError: col('is_error'), status: col('status'), error: col('error') };
    this.columns = [this.at.ts, ...this.at.slice, ...this.at.dists, this.at.isError, this.at.status, this.at.error];
    this.from = db.value<number>('SELECT max_rowid FROM summary_state') ?? 0;
    this.top = db.value<number>('SELECT coalesce(max(rowid), 0) FROM requests') ?? 0;
    this.stopped = this.top !== this.from;
  }

  /** A row the import's upsert has just stored or changed (values in the constructor's column order). */
  stored(vals: ReadonlyArray<string | number | boolean | null>): void {
    if (!this.stopped) this.pending.push(vals);
  }

  /**
   * Ends a batch: its rows join the cells when each was a new row; else the stream stops.
   * @param db - the workspace, inside the import's transaction
   */
  endBatch(db: Db): void {
    if (this.stopped) return;
    const rows = this.pending;
    this.pending = [];
    const top = db.value<number>('SELECT coalesce(max(rowid), 0) FROM requests') ?? 0;
    if (top - this.top !== rows.length) {
      this.stop();
      return;
    }
    this.top = top;
    const { ts: tsAt, slice: sliceAt, dists, isError, status: statusAt, error } = this.at;
    for (const r of rows) {
      const ts = r[tsAt];
      if (ts === null) continue;
      if (typeof ts !== 'number') return this.stop();
      const slice: Array<string | null> = [];
      for (const i of sliceAt) {
        const v = r[i];
        if (v !== null && typeof v !== 'string') return this.stop();
        slice.push(v);
      }
      for (const i of dists) {
        const v = r[i];
        if (v !== null && typeof v !== 'number') return this.stop();
      }
      const status = r[statusAt];
      if (status !== null && typeof status !== 'string') return this.stop();
      const e = r[isError];
      const failed = e === 1 || e === true;
      if (!failed && e !== 0 && e !== false && e !== null) return this.stop();
      addToCells(this.cells, hourOf(ts), slice, failed, r, dists, failed || status !== null || r[error] !== null, status);
    }
  }

  private stop(): void {
    this.stopped = true;
    this.pending = [];
    this.cells.clear();
  }

  /**
   * The cells of the rows in (watermark at start, largest rowid after the last batch], or null once stopped.
   * Call after the last {@link endBatch}.
   */
  result(): StreamedCells | null {
    return this.stopped ? null : { from: this.from, to: this.top, cells: this.cells };
  }
}
