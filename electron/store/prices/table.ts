/**
 * The workspace's price table: read, edit (journaled, so an edit is durable at once), import, and the price behind
 * one request. Rows are keyed by (model, as_of); see shared/prices.ts for how a row is chosen and a cost computed.
 */
import { LoupeError } from '../../../shared/errors';
import { priceInputSchema, type PriceInput, type PriceRow, type RequestPrice } from '../../../shared/contract-prices';
import type { JournalStmt, Workspace } from '../workspace';
import type { Db } from '../db';

const COLS = ['model', 'as_of', 'provider', 'input_usd_per_mtok', 'output_usd_per_mtok', 'cached_input_usd_per_mtok',
  'cache_write_usd_per_mtok', 'batch_input_usd_per_mtok', 'batch_output_usd_per_mtok', 'source', 'updated_at'] as const;

/** Every row with the number of stored requests it priced, by provider, model, as_of. */
export function listPrices(db: Db): PriceRow[] {
  return db.all<PriceRow>(`
    SELECT p.*, coalesce(u.n, 0) AS requests FROM prices p
    LEFT JOIN (SELECT price_model, price_as_of, count(*) AS n FROM requests WHERE price_model IS NOT NULL GROUP BY 1, 2) u
      ON u.price_model = p.model AND u.price_as_of = p.as_of
    ORDER BY p.provider, p.model, p.as_of`);
}

function upsert(row: PriceInput, now: number): JournalStmt {
  const r = priceInputSchema.parse(row);
  const vals = [r.model, r.as_of, r.provider, r.input_usd_per_mtok, r.output_usd_per_mtok, r.cached_input_usd_per_mtok,
    r.cache_write_usd_per_mtok, r.batch_input_usd_per_mtok, r.batch_output_usd_per_mtok, r.source, now];
  return [`INSERT INTO prices (${COLS.join(', ')}) VALUES (${COLS.map(() => '?').join(', ')})
    ON CONFLICT (model, as_of) DO UPDATE SET ${COLS.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')}`, vals];
}

/**
 * Adds or replaces one row, durably (journaled).
 * @returns every row after the change
 */
export function setPrice(ws: Workspace, row: PriceInput): PriceRow[] {
  ws.commit([upsert(row, Date.now())]);
  return listPrices(ws.db);
}

/** Deletes one row. @throws LoupeError NOT_FOUND naming the row */
export function deletePrice(ws: Workspace, model: string, asOf: string): PriceRow[] {
  const key = model.trim().toLowerCase();
  if (!ws.db.value('SELECT 1 FROM prices WHERE model = ? AND as_of = ?', [key, asOf])) {
    throw new LoupeError('NOT_FOUND', `No price row for ${key} as of ${asOf}.`, { action: 'List the rows with "loupe prices list".' });
  }
  ws.commit([['DELETE FROM prices WHERE model = ? AND as_of = ?', [key, asOf]]]);
  return listPrices(ws.db);
}

/**
 * Adds or replaces many rows in one journaled transaction (all or none).
 * @returns how many keys were new and how many replaced, and every row after the change
 */
export function importPrices(ws: Workspace, rows: PriceInput[]): { added: number; replaced: number; rows: PriceRow[] } {
  const now = Date.now();
  const keys = new Set<string>();
  let replaced = 0;
  for (const r of rows) {
    const p = priceInputSchema.parse(r);
    const k = `${p.model}\u0000${p.as_of}`;
    if (keys.has(k)) continue;
    keys.add(k);
    if (ws.db.value('SELECT 1 FROM prices WHERE model = ? AND as_of = ?', [p.model, p.as_of])) replaced++;
  }
  ws.commit(rows.map((r) => upsert(r, now)));
  return { added: keys.size - replaced, replaced, rows: listPrices(ws.db) };
}

/** The price row, tier and cached tokens behind a request's cost. @throws LoupeError NOT_FOUND */
export function requestPrice(db: Db, id: string): RequestPrice {
  const r = db.get<{ cost_source: RequestPrice['cost_source']; price_model: string | null; price_as_of: string | null; price_tier: RequestPrice['tier'];
    tokens_cached_in: number | null; tokens_cache_write_in: number | null; service_tier: string | null; imported_at: number | null }>(`
    SELECT r.cost_source, r.price_model, r.price_as_of, r.price_tier, r.tokens_cached_in, r.tokens_cache_write_in, r.service_tier,
      i.started_at AS imported_at
    FROM requests r LEFT JOIN imports i ON i.id = r.import_id WHERE r.id = ?`, [id]);
  if (!r) throw new LoupeError('NOT_FOUND', `No request with id "${id}".`);
  const row = r.price_model === null || r.price_as_of === null ? null
    : db.get<PriceRow>('SELECT p.*, (SELECT count(*) FROM requests WHERE price_model = p.model AND price_as_of = p.as_of) AS requests FROM prices p WHERE p.model = ? AND p.as_of = ?', [r.price_model, r.price_as_of]) ?? null;
  return {
    cost_source: r.cost_source, row, price_model: r.price_model, price_as_of: r.price_as_of, tier: r.price_tier,
    tokens_cached_in: r.tokens_cached_in, tokens_cache_write_in: r.tokens_cache_write_in, service_tier: r.service_tier,
    edited_since: !!row && row.updated_at > 0 && r.imported_at !== null && row.updated_at > r.imported_at,
  };
}
