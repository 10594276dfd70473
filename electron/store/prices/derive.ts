/**
 * Cost of a mapped request row from the workspace's price table, when its source gave none. Called by the import
 * mapper once per request row; the row keeps which price row and tier were used (price_model, price_as_of,
 * price_tier), so the request detail can say how its cost was reached.
 */
import { priceRequest, type ModelPrice, type PriceBook } from '../../../shared/prices';
import type { Db } from '../db';

/** Every price row of the workspace. */
export function priceRows(db: Db): ModelPrice[] {
  return db.all<ModelPrice>(`SELECT model, provider, as_of, input_usd_per_mtok, output_usd_per_mtok, cached_input_usd_per_mtok,
    cache_write_usd_per_mtok, batch_input_usd_per_mtok, batch_output_usd_per_mtok, source FROM prices`);
}

/**
 * The tier a request was billed at, from its `service_tier` (the mapped row's field; the openai-batch preset sets it
 * to `batch`). OpenAI bills `flex` processing at Batch API prices (https://developers.openai.com/api/docs/guides/flex-processing).
 */
export function billedTier(serviceTier: unknown): 'standard' | 'batch' {
  const t = typeof serviceTier === 'string' ? serviceTier.trim().toLowerCase() : '';
  return t === 'batch' || t === 'flex' ? 'batch' : 'standard';
}

/**
 * Sets cost_usd, cost_source and price_* on a request row. A cost from the source is kept (cost_source 'source');
 * else, with a model in the table and both token counts, the cost is derived (cost_source 'price_table');
 * else the cost stays NULL.
 * @param row - a mapped request row: tokens_in counts every input token (cache reads and writes included)
 */
export function deriveCost(row: Record<string, string | number | null>, book: PriceBook): void {
  row.price_model = null;
  row.price_as_of = null;
  row.price_tier = null;
  if (row.cost_usd !== null && row.cost_usd !== undefined) {
    row.cost_source = 'source';
    return;
  }
  row.cost_source = null;
  row.cost_usd = null;
  if (typeof row.model !== 'string' || typeof row.tokens_in !== 'number' || typeof row.tokens_out !== 'number') return;
  const p = book.lookup(row.model, typeof row.ts === 'number' ? row.ts : null);
  if (!p) return;
  const cached = typeof row.tokens_cached_in === 'number' ? row.tokens_cached_in : null;
  const write = typeof row.tokens_cache_write_in === 'number' ? row.tokens_cache_write_in : null;
  const write1h = typeof row.tokens_cache_write_1h_in === 'number' ? row.tokens_cache_write_1h_in : null;
  const r = priceRequest({ tokens_in: row.tokens_in, tokens_out: row.tokens_out, cached, cache_write: write, cache_write_1h: write1h }, p, billedTier(row.service_tier));
  row.cost_usd = r.cost_usd;
  row.cost_source = 'price_table';
  row.price_model = p.model;
  row.price_as_of = p.as_of;
  row.price_tier = r.tier;
}

/** Anthropic's usage names: its input_tokens leaves out cache reads and writes (docs.anthropic.com, prompt caching). */
const ANTHROPIC_CACHE_FIELDS = /(^|\.)(cache_read_input_tokens|cache_creation_input_tokens)$/;

/**
 * Whether the cached-token fields are read from Anthropic's usage names, whose input_tokens excludes them; the mapper
 * then adds them to tokens_in so tokens_in counts every input token, as Loupe stores it.
 * @param fields - the mapper's resolved sources of tokens_cached_in and tokens_cache_write_in
 */
export function usesAnthropicCacheFields(...fields: Array<{ type: string; alts?: Array<{ path: string }> } | undefined>): boolean {
  // OpenTelemetry attributes (gen_ai.usage.*) are not Anthropic's fields even where OpenLLMetry names them alike: its
  // gen_ai.usage.prompt_tokens already includes the cache reads and writes.
  return fields.some((f) => f?.type === 'paths' && !!f.alts?.some((a) => ANTHROPIC_CACHE_FIELDS.test(a.path) && !a.path.includes('gen_ai.usage.')));
}

/** The preview note for {@link usesAnthropicCacheFields}. */
export function anthropicCacheNote(): string {
  return 'tokens_in: input_tokens + cache_read_input_tokens + cache_creation_input_tokens (Anthropic counts cache reads and writes apart from input_tokens; Loupe stores every input token in tokens_in)';
}
