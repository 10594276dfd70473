/**
 * Distinct values of the request dimensions, for filter pickers (metrics.options, records.facets): from the request
 * summaries' slices (plus undated requests), else from the rows. Cached per database until the requests change
 * (largest rowid, summaries' generation): model_version, segment, region and lang have no index, and scanning 1M
 * requests for them costs about a second.
 */
import type { Db } from '../db';
import { isSliceDim, summariesReady } from '../summaries/read';

/** Distinct values of each dimension (at most 200 each, sorted). */
export interface DimensionOptions { feature: string[]; model: string[]; model_version: string[]; segment: string[]; region: string[]; lang: string[] }

const cache = new WeakMap<Db, { key: string; value: DimensionOptions }>();

function distinct(db: Db, col: string, fromSummaries: boolean): string[] {
  if (fromSummaries && isSliceDim(col)) {
    // The slices that still have a cell (dated requests), plus the values of undated requests (in no cell).
    return db.all<{ v: string }>(`SELECT v FROM (
        SELECT s.${col} AS v FROM summary_slices s WHERE s.id IN (SELECT slice_id FROM request_summaries) AND s.${col} IS NOT NULL
        UNION SELECT ${col} AS v FROM requests WHERE ts IS NULL AND ${col} IS NOT NULL)
      ORDER BY v LIMIT 200`).map((r) => r.v);
  }
  return db.all<{ v: string }>(`SELECT DISTINCT ${col} AS v FROM requests WHERE ${col} IS NOT NULL ORDER BY v LIMIT 200`).map((r) => r.v);
}

/**
 * Distinct values of columns without an index, from one scan of the table (the distinct combinations, which are few)
 * instead of one scan per column. Falls back to a scan per column when the combinations are many (free-text values).
 */
function unindexed<C extends string>(db: Db, cols: readonly C[]): Record<C, string[]> {
  const sets = cols.map(() => new Set<string>());
  const limit = 20_000;
  const rows = db.all<Record<string, string | null>>(`SELECT DISTINCT ${cols.join(', ')} FROM requests LIMIT ${limit + 1}`);
  if (rows.length > limit) return Object.fromEntries(cols.map((c) => [c, distinct(db, c, false)])) as Record<C, string[]>;
  for (const r of rows) cols.forEach((c, i) => { const v = r[c]; if (v !== null && v !== undefined) sets[i]!.add(v); });
  // Sorted as SQLite's ORDER BY sorts text (BINARY: by UTF-8 bytes, which is code point order).
  const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
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
  const value = {
    feature: distinct(db, 'feature', on), model: distinct(db, 'model', on),
    ...(on
      ? { model_version: distinct(db, 'model_version', on), segment: distinct(db, 'segment', on), region: distinct(db, 'region', on), lang: distinct(db, 'lang', on) }
      : unindexed(db, ['model_version', 'segment', 'region', 'lang'] as const)),
  };
  cache.set(db, { key, value });
  return value;
}
