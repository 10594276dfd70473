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
 * The options, from the cache when the requests are unchanged.
 * @returns up to 200 values per dimension, sorted; user ids are not listed (too many; typed instead)
 */
export function dimensionOptions(db: Db): DimensionOptions {
  const k = db.get<{ n: number; m: number | null }>('SELECT count(*) AS n, max(rowid) AS m FROM requests')!;
  const key = `${k.n}:${k.m ?? 0}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit.value;
  const value = {
    feature: distinct(db, 'feature'), model: distinct(db, 'model'), model_version: distinct(db, 'model_version'),
    segment: distinct(db, 'segment'), region: distinct(db, 'region'), lang: distinct(db, 'lang'),
  };
  cache.set(db, { key, value });
  return value;
}
