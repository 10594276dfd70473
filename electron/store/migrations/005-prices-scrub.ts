/**
 * Migration 5: dated prices with batch and cached-input rates, the price row each derived cost used, cached-token
 * counts, and the PII scrubbing record of each import.
 *
 * - `prices` is rebuilt with the key (model, as_of) and the columns provider, cached_input, cache_write, batch_input,
 *   batch_output (USD per million tokens; NULL where a vendor publishes none) and updated_at (UTC ms, 0 for rows
 *   copied here). Existing rows are kept as they were; the defaults of shared/prices.ts are added beside them.
 * - `requests` gains tokens_cached_in and tokens_cache_write_in (input tokens read from / written to the prompt
 *   cache, part of tokens_in) and price_model,
 *   price_as_of, price_tier: the price row a derived cost came from. Requests costed from the price table before this
 *   migration get the row the old matching rule chose (the rule is copied below, frozen), at tier `standard`; their
 *   cost is not recomputed. The pricing reads `requests.service_tier` (as the source says: `batch`, `default`,
 *   `flex`…), which migration 4 (import-accounting) adds: one column, shared by the presets that set it and the
 *   price lookup.
 * - `imports` gains `scrub`: JSON of the detectors and patterns applied and the replacements per detector.
 */
import type { Db } from '../db';
import { DEFAULT_PRICES } from '../../../shared/prices';

export const sql = `
CREATE TABLE prices_v5 (
  model TEXT NOT NULL,
  as_of TEXT NOT NULL CHECK (as_of GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
  provider TEXT NOT NULL DEFAULT '',
  input_usd_per_mtok REAL NOT NULL CHECK (input_usd_per_mtok >= 0),
  output_usd_per_mtok REAL NOT NULL CHECK (output_usd_per_mtok >= 0),
  cached_input_usd_per_mtok REAL CHECK (cached_input_usd_per_mtok >= 0),
  cache_write_usd_per_mtok REAL CHECK (cache_write_usd_per_mtok >= 0),
  batch_input_usd_per_mtok REAL CHECK (batch_input_usd_per_mtok >= 0),
  batch_output_usd_per_mtok REAL CHECK (batch_output_usd_per_mtok >= 0),
  source TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (model, as_of)
) STRICT;
ALTER TABLE requests ADD COLUMN tokens_cached_in INTEGER;
ALTER TABLE requests ADD COLUMN tokens_cache_write_in INTEGER;
ALTER TABLE requests ADD COLUMN price_model TEXT;
ALTER TABLE requests ADD COLUMN price_as_of TEXT;
ALTER TABLE requests ADD COLUMN price_tier TEXT CHECK (price_tier IN ('standard', 'batch', 'standard+cached', 'batch+cached'));
ALTER TABLE imports ADD COLUMN scrub TEXT NOT NULL DEFAULT '{}';
`;

interface OldPrice { model: string; input_usd_per_mtok: number; output_usd_per_mtok: number; as_of: string; source: string }

/** The matching rule of schema 1-4 (exact, else the longest key the name starts or ends with), frozen here. */
function oldFindPrice(model: string, table: readonly OldPrice[]): OldPrice | undefined {
  const m = model.toLowerCase();
  let best: OldPrice | undefined;
  for (const p of table) {
    const k = p.model.toLowerCase();
    if (k === m) return p;
    if ((m.startsWith(k) || m.endsWith(k) || m.endsWith(`/${k}`)) && (!best || k.length > best.model.length)) best = p;
  }
  return best;
}

/** Moves the schema to version 5 (see the module doc). */
export function up(db: Db): void {
  const old = db.all<OldPrice>('SELECT model, input_usd_per_mtok, output_usd_per_mtok, as_of, source FROM prices');
  db.exec(sql);
  const models = db.all<{ model: string }>("SELECT DISTINCT model FROM requests WHERE cost_source = 'price_table' AND model IS NOT NULL");
  for (const { model } of models) {
    const p = oldFindPrice(model, old);
    if (p) {
      db.run("UPDATE requests SET price_model = ?, price_as_of = ?, price_tier = 'standard' WHERE cost_source = 'price_table' AND model = ?", [p.model, p.as_of, model]);
    }
  }
  for (const p of old) {
    db.run('INSERT INTO prices_v5 (model, as_of, input_usd_per_mtok, output_usd_per_mtok, source) VALUES (?, ?, ?, ?, ?)',
      [p.model, p.as_of, p.input_usd_per_mtok, p.output_usd_per_mtok, p.source]);
  }
  for (const p of DEFAULT_PRICES.models) {
    db.run(`INSERT OR IGNORE INTO prices_v5 (model, as_of, provider, input_usd_per_mtok, output_usd_per_mtok, cached_input_usd_per_mtok,
        cache_write_usd_per_mtok, batch_input_usd_per_mtok, batch_output_usd_per_mtok, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [p.model, p.as_of, p.provider, p.input_usd_per_mtok, p.output_usd_per_mtok, p.cached_input_usd_per_mtok ?? null,
      p.cache_write_usd_per_mtok ?? null, p.batch_input_usd_per_mtok ?? null, p.batch_output_usd_per_mtok ?? null, p.source ?? '']);
  }
  db.exec('DROP TABLE prices; ALTER TABLE prices_v5 RENAME TO prices;');
}
