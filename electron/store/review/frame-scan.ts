/**
 * The rows of a queue's period, read for its frame (sampling.ts): rowid, stratum value, error flag, latency and
 * whether the time is missing. Two ways, giving the same rows:
 * - the general scan: the period's rows through the ts index, each row read from the table;
 * - the covering scan, when the design needs nothing but the rowid and the feature or model (no error or latency
 *   signal, no filters, no undated requests): the period of each (feature, model) pair is one range of the
 *   `requests_feature_model_ts` index, which holds the feature, the model, the time and the rowid, so no table row is
 *   read. A week of 83k requests at 1M reads ~83k index entries instead of ~83k table rows (≈50 MB of pages); a week
 *   of 700k requests, 700k. The pairs are found by skipping through the index (one seek per distinct value).
 */
import type { SqlValue } from 'sql.js';
import type { Db } from '../db';

/** The period's rows, one entry per request, in the order they were read. */
export interface PeriodRows {
  rowids: number[];
  /** The stratum value (null when missing or empty). */
  values: Array<string | null>;
  /** 1 when the request failed; all 0 when not read (the design needs no error signal). */
  isError: Uint8Array;
  /** Latency in ms, NaN when missing or not read (the design needs no slow signal). */
  latency: Float64Array;
  /** Requests without a time (only with include_undated). */
  undated: number;
  /** Which way the rows were read. */
  via: 'table' | 'covering-index';
}

const COVERING_INDEX = 'requests_feature_model_ts';

/** Whether the workspace has the (feature, model, ts) index (every workspace since schema 1 has). */
function hasCoveringIndex(db: Db): boolean {
  return db.value<number>("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?", [COVERING_INDEX]) === 1;
}

/** Distinct values of `col` (NULL first, then ascending) among index entries matching `prefix`, one seek each. */
function skipDistinct(db: Db, col: 'feature' | 'model', prefix: { sql: string; params: SqlValue[] }): SqlValue[] {
  const out: SqlValue[] = [];
  const from = `FROM requests INDEXED BY ${COVERING_INDEX} WHERE ${prefix.sql}`;
  const nul = db.get(`SELECT 1 AS x ${from} AND ${col} IS NULL LIMIT 1`, prefix.params);
  if (nul) out.push(null);
  let v = db.get<{ v: SqlValue }>(`SELECT ${col} AS v ${from} AND ${col} IS NOT NULL ORDER BY ${col} LIMIT 1`, prefix.params);
  while (v) {
    out.push(v.v);
    v = db.get<{ v: SqlValue }>(`SELECT ${col} AS v ${from} AND ${col} > ? ORDER BY ${col} LIMIT 1`, [...prefix.params, v.v]);
  }
  return out;
}

/**
 * Reads the period's rows.
 * @param where - the period (and filters) on `requests`, from periodWhere
 * @param strataExpr - the stratum expression (a column, NULL, or a json_extract of extra) and its parameters
 * @param need - what the design reads besides the stratum: the error flag, the latency; `simple` when the period
 *   has no filters and no undated requests, so the covering scan can serve it
 */
export function readPeriodRows(db: Db, p: {
  where: { sql: string; params: Array<string | number> }; strataExpr: { expr: string; params: string[] }; strataField: string | null;
  maxRowid: number; fromTs: number; toTs: number; needError: boolean; needLatency: boolean; simple: boolean;
}): PeriodRows {
  const covering = p.simple && !p.needError && !p.needLatency && (p.strataField === null || p.strataField === 'feature' || p.strataField === 'model') && hasCoveringIndex(db);
  if (covering) {
    const rowids: number[] = [];
    const values: Array<string | null> = [];
    const pick = p.strataField;
    for (const feature of skipDistinct(db, 'feature', { sql: '1', params: [] })) {
      for (const model of skipDistinct(db, 'model', { sql: 'feature IS ?', params: [feature] })) {
        const v = pick === 'feature' ? feature : pick === 'model' ? model : null;
        const value = v === null || v === undefined || v === '' ? null : String(v);
        db.each(`SELECT rowid FROM requests INDEXED BY ${COVERING_INDEX} WHERE feature IS ? AND model IS ? AND ts >= ? AND ts < ? AND rowid <= ?`,
          [feature, model, p.fromTs, p.toTs, p.maxRowid], (row) => { rowids.push(row[0] as number); values.push(value); });
      }
    }
    return { rowids, values, isError: new Uint8Array(rowids.length), latency: new Float64Array(rowids.length).fill(Number.NaN), undated: 0, via: 'covering-index' };
  }
  const rowids: number[] = [];
  const values: Array<string | null> = [];
  const isError: number[] = [];
  const latency: number[] = [];
  let undated = 0;
  db.each(`SELECT rowid, ${p.strataExpr.expr}, is_error, latency_ms, ts IS NULL FROM requests WHERE rowid <= ? AND ${p.where.sql}`,
    [...p.strataExpr.params, p.maxRowid, ...p.where.params], (row) => {
      rowids.push(row[0] as number);
      const v = row[1];
      values.push(v === null || v === undefined || v === '' ? null : String(v));
      isError.push(row[2] === 1 ? 1 : 0);
      latency.push(typeof row[3] === 'number' ? row[3] : Number.NaN);
      if (row[4] === 1) undated++;
    });
  return { rowids, values, isError: Uint8Array.from(isError), latency: Float64Array.from(latency), undated, via: 'table' };
}

/**
 * The visiting order that puts `rowids` ascending, or null when they already are: one native sort of
 * rowid × 2^21 + position (exact in a double for rowids below 2^31 and up to 2M positions), no comparator calls.
 */
export function ascendingOrder(rowids: readonly number[]): Int32Array | null {
  const n = rowids.length;
  let sorted = true;
  for (let i = 1; i < n; i++) if (rowids[i]! < rowids[i - 1]!) { sorted = false; break; }
  if (sorted) return null;
  if (n < 1 << 21 && rowids.every((r) => r >= 0 && r < 2 ** 31)) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = rowids[i]! * 2 ** 21 + i;
    keys.sort();
    const order = new Int32Array(n);
    for (let j = 0; j < n; j++) order[j] = keys[j]! % 2 ** 21;
    return order;
  }
  return Int32Array.from({ length: n }, (_, j) => j).sort((a, b) => rowids[a]! - rowids[b]!);
}
