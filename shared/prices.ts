/**
 * The default price table used to derive a request's cost when its source has none:
 * cost_usd = tokens_in × input price + tokens_out × output price, prices in USD per million tokens.
 * Each workspace copies this table on creation (table `prices`), where it can be edited; `as_of` says when these
 * list prices were taken, so a reader knows how stale a derived cost may be.
 */
export interface ModelPrice { model: string; input_usd_per_mtok: number; output_usd_per_mtok: number }

export const DEFAULT_PRICES: { as_of: string; models: readonly ModelPrice[] } = {
  as_of: '2026-11-01',
  models: [
    { model: 'gpt-4o', input_usd_per_mtok: 2.5, output_usd_per_mtok: 10 },
    { model: 'gpt-4o-mini', input_usd_per_mtok: 0.15, output_usd_per_mtok: 0.6 },
    { model: 'gpt-4.1', input_usd_per_mtok: 2, output_usd_per_mtok: 8 },
    { model: 'gpt-4.1-mini', input_usd_per_mtok: 0.4, output_usd_per_mtok: 1.6 },
    { model: 'gpt-3.5-turbo', input_usd_per_mtok: 0.5, output_usd_per_mtok: 1.5 },
    { model: 'claude-3-5-sonnet', input_usd_per_mtok: 3, output_usd_per_mtok: 15 },
    { model: 'claude-3-5-haiku', input_usd_per_mtok: 0.8, output_usd_per_mtok: 4 },
    { model: 'meta.llama2-70b-chat-v1', input_usd_per_mtok: 1.95, output_usd_per_mtok: 2.56 },
    { model: 'meta-llama-3-8b-instruct', input_usd_per_mtok: 0.05, output_usd_per_mtok: 0.25 },
  ],
};

/**
 * Finds the price for a model name: exact match first, then the longest table entry the name starts with or ends
 * with (so `bedrock/meta.llama2-70b-chat-v1` and `gpt-4o-mini-2024-07-18` find their base model).
 * @returns the price or undefined when the model is not in the table
 */
export function findPrice(model: string, table: readonly ModelPrice[]): ModelPrice | undefined {
  const m = model.toLowerCase();
  let best: ModelPrice | undefined;
  for (const p of table) {
    const k = p.model.toLowerCase();
    if (k === m) return p;
    if ((m.startsWith(k) || m.endsWith(k) || m.endsWith(`/${k}`)) && (!best || k.length > best.model.length)) best = p;
  }
  return best;
}

/** Cost in USD of a request from its token counts and a price (USD per million tokens). */
export function costUsd(tokensIn: number, tokensOut: number, p: ModelPrice): number {
  return (tokensIn * p.input_usd_per_mtok + tokensOut * p.output_usd_per_mtok) / 1_000_000;
}
