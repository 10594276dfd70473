/**
 * Distinct values of the request dimensions, for filter pickers (metrics.options, records.facets): from the request
 * summaries' slices (plus undated requests), else from the rows. Cached per database until the requests change
 * (largest rowid, summaries' generation): model_version, segment, region and lang have no index, and scanning 1M
 * requests for them costs about a second.
 */
import type { Db } from '../db';
import { summariesReady } from '../summaries/read';

/** Distinct values of each dimension (at most 200 each, sorted). */
export interface DimensionOptions { feature: string[]; model: string[]; model_version: string[]; segment: string[]; region: string[]; lang: string[] }

const cache = new WeakMap<Db, { key: string; value: DimensionOptions }>();

/**
 * Distinct non-null values of a column that leads an index, in SQLite's BINARY order (what `SELECT DISTINCT col …
 * ORDER BY col` gives), found by skipping through the index: one `min(col) WHERE col > previous` look-up per value,
 * so a column with a handful of values costs a handful of index seeks instead of a scan of every row (DISTINCT
 * over an index still visits every entry: 140–270 ms at 1M requests cold, and 1.2 s over the table without one).
 * @param table - `requests`; `col` must lead one of its indexes (feature, model, status) or every look-up scans
 * @param limit - the most values returned (the pickers show 200)
 * @returns up to `limit` values, sorted
 */
export function distinctByIndex(db: Db, table: 'requests', col: 'feature' | 'model' | 'status', limit = 200): string[] {
  const out: string[] = [];
  let v = db.value<string>(`SELECT min(${col}) FROM ${table} WHERE ${col} IS NOT NULL`);
  while (v !== undefined && v !== null && out.length < limit) {
    out.push(v);
    v = db.value<string>(`SELECT min(${col}) FROM ${table} WHERE ${col} > ?`, [v]);
  }
  return out;
}

function distinct(db: Db, col: string): string[] {
  return db.all<{ v: string }>(`SELECT DISTINCT ${col} AS v FROM requests WHERE ${col} IS NOT NULL ORDER BY v LIMIT 200`).map((r) => r.v);
}

const SLICE_COLS = ['feature', 'model', 'model_version', 'segment', 'region', 'lang'] as const satisfies ReadonlyArray<keyof DimensionOptions>;

/**
 * The dimensions' values from the request summaries: the slices that still have a cell (dated requests), plus the
 * values of undated requests (in no cell). The slices with a cell are found once for all six dimensions, from the
 * day cells when they are current (about 1,000 rows at 1M requests) else from the hour cells (about 24,000 rows of
 * sketches, 80 MB): one subquery per dimension read the hour cells six times, about a second cold at 1M requests.
 */
function fromSlices(db: Db): DimensionOptions {
  const daysCurrent = db.value<string | null>('SELECT day_zone FROM summary_state') != null;
  const live = new Set(db.all<{ id: number }>(`SELECT DISTINCT slice_id AS id FROM ${daysCurrent ? 'request_summaries_day' : 'request_summaries'}`).map((r) => r.id));
  const sets = SLICE_COLS.map(() => new Set<string>());
  for (const s of db.all<Record<string, string | number | null>>(`SELECT id, ${SLICE_COLS.join(', ')} FROM summary_slices`)) {
    if (!live.has(s.id as number)) continue;
    SLICE_COLS.forEach((c, i) => { const v = s[c]; if (typeof v === 'string') sets[i]!.add(v); });
  }
  // Undated requests: the ts index finds them without a scan.
  for (const r of db.all<Record<string, string | null>>(`SELECT ${SLICE_COLS.join(', ')} FROM requests WHERE ts IS NULL`)) {
    SLICE_COLS.forEach((c, i) => { const v = r[c]; if (typeof v === 'string') sets[i]!.add(v); });
  }
  return Object.fromEntries(SLICE_COLS.map((c, i) => [c, [...sets[i]!].sort(byBytes).slice(0, 200)])) as unknown as DimensionOptions;
}

/** Orders text as SQLite's ORDER BY does (BINARY: by UTF-8 bytes, which is code point order). */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Distinct values of columns without an index, from one scan of the table (the distinct combinations, which are few)
 * instead of one scan per column. Falls back to a scan per column when the combinations are many (free-text values).
 */
function unindexed<C extends string>(db: Db, cols: readonly C[]): Record<C, string[]> {
  const sets = cols.map(() => new Set<string>());
  const limit = 20_000;
  const rows = db.all<Record<string, string | null>>(`SELECT DISTINCT ${cols.join(', ')} FROM requests LIMIT ${limit + 1}`);
  if (rows.length > limit) return Object.fromEntries(cols.map((c) => [c, distinct(db, c)])) as Record<C, string[]>;
  for (const r of rows) cols.forEach((c, i) => { const v = r[c]; if (v !== null && v !== undefined) sets[i]!.add(v); });
  return Object.fromEntries(cols.map((c, i) => [c, [...sets[i]!].sort(byBytes).slice(0, 200)])) as Record<C, string[]>;
}

/**
 * The options, from the cache when the requests are unchanged.
 * @returns up to 200 values per dimension, sorted; user ids are not listed (too many; typed instead)
 */
export function dimensionOptions(db: Db): DimensionOptions {
  // The largest rowid and the summaries' generation (counted up by every refresh and delete) change with the
  // requests; a count of 1M rows costs ~250 ms cold.
  const on = summariesReady(db);
  const k = db.get<{ m: number | null; g: number | null }>('SELECT (SELECT max(rowid) FROM requests) AS m, (SELECT generation FROM summary_state) AS g')!;
  const key = `${k.m ?? 0}:${k.g ?? 0}:${on ? 1 : 0}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit.value;
  const value = on
    ? fromSlices(db)
    : { feature: distinctByIndex(db, 'requests', 'feature'), model: distinctByIndex(db, 'requests', 'model'), ...unindexed(db, ['model_version', 'segment', 'region', 'lang'] as const) };
  cache.set(db, { key, value });
  return value;
}
