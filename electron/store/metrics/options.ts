/**
 * Distinct values of the request dimensions, for filter pickers (metrics.options, records.facets). Cached per
 * database until the requests change (count and largest rowid): model_version, segment, region and lang have no
 * index, and scanning 1M requests for them costs about a second.
 */
import type { Db } from '../db';

/** Distinct values of each dimension (at most 200 each, sorted). */
export interface DimensionOptions { feature: string[]; model: string[]; model_version: string[]; segment: string[]; region: string[]; lang: string[] }

const cache = new WeakMap<Db, { key: string; value: DimensionOptions }>();

function distinct(db: Db, col: string): string[] {
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
  if (rows.length > limit) return Object.fromEntries(cols.map((c) => [c, distinct(db, c)])) as Record<C, string[]>;
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
  const k = db.get<{ n: number; m: number | null }>('SELECT count(*) AS n, max(rowid) AS m FROM requests')!;
  const key = `${k.n}:${k.m ?? 0}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit.value;
  const value = {
    feature: distinct(db, 'feature'), model: distinct(db, 'model'),
    ...unindexed(db, ['model_version', 'segment', 'region', 'lang'] as const),
  };
  cache.set(db, { key, value });
  return value;
}
