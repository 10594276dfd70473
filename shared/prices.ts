/**
 * The price table used to derive a request's cost when its source has none, and the rules that pick a row and price
 * a request. Prices are USD per million tokens (MTok). Each workspace keeps its own copy (table `prices`, editable in
 * the app and with `loupe prices`); this file holds the defaults a new workspace starts from.
 *
 * A row is dated: `as_of` is the day (UTC, YYYY-MM-DD) from which its prices apply, or the day they were read. A
 * model may have several rows; a request is priced with the latest row dated on or before the request's day, else
 * (a request older than every row, or one without a time) the row closest in time. Every derived cost keeps the model
 * key, the as-of date and the tier of the row it used (request columns price_model, price_as_of, price_tier).
 *
 * Cost of one request (Loupe's token convention: tokens_in counts every input token, cache reads and writes
 * included, as OpenAI's prompt_tokens and OTel's gen_ai.usage.input_tokens do):
 *   cost = (tokens_in − cached − cache_write) × input + cached × cached_input
 *          + (cache_write − cache_write_1h) × cache_write_input + cache_write_1h × 2 × input
 *          + tokens_out × output                                                    (each in USD / 1e6 tokens)
 * cache_write_1h is the part of the writes to Anthropic's 1-hour cache, billed at 2× base input (5-minute writes at
 * 1.25×, the rows' cache_write rate): platform.claude.com/docs/en/about-claude/pricing, "Prompt caching".
 * The batch tier uses batch_input and batch_output, and scales the cached and cache-write rates by the same discount
 * (batch_input / input): OpenAI and Anthropic both document that the Batch discount and prompt caching stack. A row
 * with no cached (or cache-write) rate prices those tokens at its input rate, and the tier says so (no `+cached`).
 *
 * Sources (read 2026-12-05 from stored copies of the pages; each row's `source` says which figures were confirmed on
 * the vendor's own page and which come from elsewhere):
 * - OpenAI: https://developers.openai.com/api/docs/pricing (Batch API: 50% off input and output).
 * - Anthropic: https://platform.claude.com/docs/en/about-claude/pricing and the model overview pages
 *   (https://platform.claude.com/docs/en/models/…/overview): base input, 5-minute cache writes, cache hits, output;
 *   Message Batches: 50% off input and output.
 * - Google: https://ai.google.dev/gemini-api/docs/pricing (prompts up to 200k tokens; Batch and Flex: 50% off,
 *   https://ai.google.dev/gemini-api/docs/optimization).
 * - Mistral: https://mistral.ai/pricing and https://docs.mistral.ai/deployment/laplateforme/pricing (batch: 50% off;
 *   no cached-input price is published, so Mistral rows have none).
 */

/** The tier a cost was derived at: the service tier, and `+cached` when cache reads were priced at the cached rate. */
export type PriceTier = 'standard' | 'batch' | 'standard+cached' | 'batch+cached';

/** One dated row of the price table. Prices are USD per million tokens; null means the vendor publishes none. */
export interface ModelPrice {
  /** The model key, lower case, without a date or version suffix (`gpt-4o`, `claude-sonnet-4-5`). */
  model: string;
  provider: string;
  /** YYYY-MM-DD (UTC): the day from which these prices apply, or the day they were read. */
  as_of: string;
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  /** Input tokens read from the prompt cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens). */
  cached_input_usd_per_mtok?: number | null;
  /** Input tokens written to the prompt cache (Anthropic cache_creation_input_tokens, 5-minute cache). */
  cache_write_usd_per_mtok?: number | null;
  batch_input_usd_per_mtok?: number | null;
  batch_output_usd_per_mtok?: number | null;
  /** Where the figures come from, and which of them could not be confirmed on the vendor's page. */
  source?: string;
}

const OPENAI = 'OpenAI pricing page (developers.openai.com/api/docs/pricing); Batch 50% off';
const OPENAI_QUOTED = 'OpenAI pricing page as quoted by third-party copies (the vendor page itself was not among the stored copies read 2026-12-05); Batch 50% off per OpenAI';
const ANTHROPIC = 'Anthropic pricing page (platform.claude.com/docs/en/about-claude/pricing); Message Batches 50% off';
const GOOGLE = 'Google Gemini API pricing (ai.google.dev/gemini-api/docs/pricing), prompts up to 200k tokens; Batch 50% off (ai.google.dev/gemini-api/docs/optimization)';
const MISTRAL = 'Mistral pricing (mistral.ai/pricing); no cached-input price published; batch 50% off';

type Row = [model: string, input: number, output: number, cached: number | null, cacheWrite: number | null, source: string];

/** Standard rows; batch prices are half of input and output (all four vendors document a 50% batch discount). */
function rows(provider: string, asOf: string, list: Row[], batch = 0.5): ModelPrice[] {
  const r = (n: number) => Math.round(n * 1e6) / 1e6;
  return list.map(([model, input, output, cached, cacheWrite, source]) => ({
    model, provider, as_of: asOf, input_usd_per_mtok: input, output_usd_per_mtok: output,
    cached_input_usd_per_mtok: cached, cache_write_usd_per_mtok: cacheWrite,
    batch_input_usd_per_mtok: r(input * batch), batch_output_usd_per_mtok: r(output * batch), source,
  }));
}

const READ = '2026-12-05';

/** The default price table a new workspace starts from (see the module doc for sources). */
export const DEFAULT_PRICES: { as_of: string; models: readonly ModelPrice[] } = {
  as_of: READ,
  models: [
    ...rows('openai', READ, [
      ['gpt-5', 1.25, 10, 0.125, null, OPENAI_QUOTED],
      ['gpt-5-mini', 0.25, 2, 0.025, null, OPENAI_QUOTED],
      ['gpt-5-nano', 0.05, 0.4, 0.005, null, OPENAI_QUOTED],
      ['gpt-5.2', 1.75, 14, 0.175, null, `${OPENAI_QUOTED} (nicolalazzari.ai, 2026)`],
      ['gpt-5.4', 2.5, 15, 0.25, null, `${OPENAI_QUOTED} (adk-model pricing table, March 2026; deploybase.ai, March 2026)`],
      ['gpt-5.4-mini', 0.75, 4.5, 0.075, null, `${OPENAI_QUOTED} (adk-model pricing table, March 2026)`],
      ['gpt-6.1-sol', 2, 10, 0.1, null, 'NOT CONFIRMED on the vendor page: third-party release notes (codex-token-watch v0.3.3); batch assumed 50% off as for every OpenAI model'],
      ['gpt-6.2-sol', 2, 10, 0.1, null, 'NOT CONFIRMED on the vendor page: third-party release notes (TokenMeter v0.17.0); prompts above 272k tokens cost more and are not modelled'],
      ['gpt-4.1', 2, 8, 0.5, null, OPENAI],
      ['gpt-4.1-mini', 0.4, 1.6, 0.1, null, OPENAI],
      ['gpt-4.1-nano', 0.1, 0.4, 0.025, null, OPENAI],
      ['gpt-4o', 2.5, 10, 1.25, null, OPENAI],
      ['gpt-4o-mini', 0.15, 0.6, 0.075, null, OPENAI],
      ['o3', 2, 8, 0.5, null, OPENAI],
      ['o4-mini', 1.1, 4.4, 0.275, null, OPENAI],
      ['gpt-3.5-turbo', 0.5, 1.5, null, null, `${OPENAI}; no cached-input price`],
    ]),
    ...rows('anthropic', READ, [
      ['claude-fable-5-1', 10, 50, 0.25, 12.5, ANTHROPIC],
      ['claude-fable-5', 10, 50, 1, 12.5, ANTHROPIC],
      ['claude-opus-5-5', 4, 20, 0.2, 5, `${ANTHROPIC}: $4/$20 from the vendor's model comparison; cache read $0.20 from third parties (apidog, synaps), cache write from the documented 1.25× multiplier`],
      ['claude-opus-5', 5, 25, 0.5, 6.25, ANTHROPIC],
      ['claude-opus-4-8', 5, 25, 0.5, 6.25, ANTHROPIC],
      ['claude-opus-4-7', 5, 25, 0.5, 6.25, ANTHROPIC],
      ['claude-opus-4-6', 5, 25, 0.5, 6.25, ANTHROPIC],
      ['claude-opus-4-5', 5, 25, 0.5, 6.25, ANTHROPIC],
      ['claude-opus-4-1', 15, 75, 1.5, 18.75, ANTHROPIC],
      ['claude-opus-4', 15, 75, 1.5, 18.75, ANTHROPIC],
      ['claude-sonnet-5-5', 2, 10, 0.1, 2.5, `${ANTHROPIC}; cache read cut from $0.20 to $0.10 on 2026-10-07 per third-party changelogs (PromptFuel v1.0.23, claudit v1.9.2), NOT CONFIRMED on the vendor page copy (which still lists $0.20)`],
      ['claude-sonnet-5', 2, 10, 0.2, 2.5, ANTHROPIC],
      ['claude-sonnet-4-6', 3, 15, 0.3, 3.75, ANTHROPIC],
      ['claude-sonnet-4-5', 3, 15, 0.3, 3.75, ANTHROPIC],
      ['claude-sonnet-4', 3, 15, 0.3, 3.75, ANTHROPIC],
      ['claude-3-7-sonnet', 3, 15, 0.3, 3.75, ANTHROPIC],
      ['claude-3-5-sonnet', 3, 15, 0.3, 3.75, ANTHROPIC],
      ['claude-haiku-5-5', 0.1, 0.5, 0.01, 0.125, `${ANTHROPIC}: "from $0.10 / $0.50" on the vendor's comparison; cache rates from third-party changelogs (PromptFuel v1.0.23); prompts above 100k tokens cost more and are not modelled`],
      ['claude-haiku-4-5', 1, 5, 0.1, 1.25, ANTHROPIC],
      ['claude-3-5-haiku', 0.8, 4, 0.08, 1, ANTHROPIC],
      ['claude-3-opus', 15, 75, 1.5, 18.75, ANTHROPIC],
      ['claude-3-haiku', 0.25, 1.25, 0.03, 0.3, ANTHROPIC],
    ]),
    ...rows('google', READ, [
      ['gemini-3-pro-preview', 2, 12, 0.2, null, `${GOOGLE}; $2/$12 as quoted by aifreeapi.com (January 2026), cached rate from the documented 90% caching discount; NOT CONFIRMED on the vendor page copy`],
      ['gemini-2.5-pro', 1.25, 10, 0.125, null, `${GOOGLE}; cached rate from the documented 90% caching discount`],
      ['gemini-2.5-flash', 0.3, 2.5, 0.03, null, `${GOOGLE}; cached rate from the documented 90% caching discount`],
      ['gemini-2.5-flash-lite', 0.1, 0.4, 0.01, null, `${GOOGLE}; cached rate from the documented 90% caching discount`],
    ]),
    ...rows('mistral', READ, [
      ['mistral-large', 0.5, 1.5, null, null, `${MISTRAL}; Mistral Large 3 (mistral-large-latest) as quoted by aipromptshub.co and a Mistral cost guide; NOT CONFIRMED on the vendor page copy`],
      ['mistral-large-2411', 2, 6, null, null, `${MISTRAL}; as listed by lava.so's Mistral gateway page`],
      ['mistral-large-2407', 2, 6, null, null, `${MISTRAL}; as listed by lava.so's Mistral gateway page`],
      ['mistral-medium', 0.4, 2, null, null, `${MISTRAL}; Mistral Medium 3 launch price (May 2025)`],
      ['mistral-medium-2312', 2.75, 8.1, null, null, `${MISTRAL}; the 2023 Mistral Medium, as listed by lava.so`],
      ['mistral-small', 0.1, 0.3, null, null, MISTRAL],
      ['codestral', 0.3, 0.9, null, null, MISTRAL],
      ['magistral-medium', 2, 5, null, null, MISTRAL],
      ['magistral-small', 0.5, 1.5, null, null, MISTRAL],
      ['ministral-8b', 0.1, 0.1, null, null, MISTRAL],
      ['pixtral-large', 2, 6, null, null, MISTRAL],
    ]),
    ...rows('meta', READ, [
      ['meta.llama2-70b-chat-v1', 1.95, 2.56, null, null, 'Amazon Bedrock on-demand price carried over from Loupe\'s first price table; NOT CONFIRMED (source not recorded)'],
      ['meta-llama-3-8b-instruct', 0.05, 0.25, null, null, 'Carried over from Loupe\'s first price table; NOT CONFIRMED (source not recorded)'],
    ], 1).map((p) => ({ ...p, batch_input_usd_per_mtok: null, batch_output_usd_per_mtok: null })),
  ],
};

/**
 * Version suffixes a model name may carry after its table key: dates (`-2024-08-06`, `-20241022`, `@20240620`),
 * four- or three-digit versions (`-0125`, `-2411`, `-002`), `-latest`, `-v2:0`, `-preview…`, `-exp…`. Anything else
 * (`-mini`, `-lite`, `.1`) names another model, so `gpt-4o-mini` never takes `gpt-4o`'s price.
 */
const VERSION_PART = /^(?:[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{3}|latest|v\d+(?::\d+)?|preview(?:[-.]\w+)*|exp(?:[-.]\w+)*)|:\d+)*$/;

/** Provider prefixes of hosted model ids: `openai/gpt-4o`, `models/gemini-2.5-pro`, `us.anthropic.claude-…`. */
function candidates(model: string): string[] {
  const m = model.trim().toLowerCase();
  const out = [m];
  const slash = m.slice(m.lastIndexOf('/') + 1);
  if (slash !== m) out.push(slash);
  const bedrock = slash.replace(/^(?:(?:us|eu|apac|global)\.)?(?:anthropic|meta|mistral|amazon|cohere|ai21|openai|google)\./, '');
  if (bedrock !== slash) out.push(bedrock);
  return out;
}

/**
 * Whether `model` (as a source writes it) is the table key `key`: the same name, or the name plus version suffixes
 * (see {@link VERSION_PART}), after dropping a provider prefix.
 */
export function modelMatchesKey(model: string, key: string): boolean {
  const k = key.toLowerCase();
  return candidates(model).some((c) => c === k || (c.startsWith(k) && VERSION_PART.test(c.slice(k.length))));
}

/** The UTC day (YYYY-MM-DD) of an epoch-ms time. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Price rows indexed for fast lookup during an import (one lookup per request; a model name is matched once).
 */
export class PriceBook {
  private readonly byKey = new Map<string, ModelPrice[]>();
  private readonly memo = new Map<string, string | null>();

  constructor(rowsIn: readonly ModelPrice[]) {
    for (const r of rowsIn) {
      const k = r.model.toLowerCase();
      const list = this.byKey.get(k) ?? [];
      list.push(r);
      this.byKey.set(k, list);
    }
    for (const list of this.byKey.values()) list.sort((a, b) => a.as_of.localeCompare(b.as_of));
  }

  /** The table key a model name prices as (the longest matching key), or null. */
  keyFor(model: string): string | null {
    const hit = this.memo.get(model);
    if (hit !== undefined) return hit;
    let best: string | null = null;
    for (const k of this.byKey.keys()) {
      if ((best === null || k.length > best.length) && modelMatchesKey(model, k)) best = k;
    }
    this.memo.set(model, best);
    return best;
  }

  /**
   * The row that prices a request of `model` at time `ts`: the latest row dated on or before the request's UTC day;
   * for an older request the earliest row; for a request without a time the latest row.
   * @returns the row, or undefined when no key matches the model
   */
  lookup(model: string, ts: number | null): ModelPrice | undefined {
    const k = this.keyFor(model);
    if (k === null) return undefined;
    const list = this.byKey.get(k)!;
    if (ts === null || !Number.isFinite(ts)) return list[list.length - 1];
    const day = utcDay(ts);
    let chosen: ModelPrice | undefined;
    for (const r of list) if (r.as_of <= day) chosen = r;
    return chosen ?? list[0];
  }
}

/**
 * Finds the price for a model name (see {@link modelMatchesKey}); with several dated rows, the latest.
 * @returns the price or undefined when the model is not in the table
 */
export function findPrice(model: string, table: readonly ModelPrice[]): ModelPrice | undefined {
  return new PriceBook(table).lookup(model, null);
}

/** Token counts of one request. tokens_in includes cached and cache_write (see the module doc). */
export interface TokenUsage {
  tokens_in: number; tokens_out: number; cached?: number | null; cache_write?: number | null;
  /** Of cache_write, the tokens written to Anthropic's 1-hour cache: 2× the input rate (5-minute writes: the row's
   * cache_write rate, 1.25× input for Anthropic). */
  cache_write_1h?: number | null;
}

/**
 * Cost in USD of one request at a row's prices (formula in the module doc).
 * @param tier - 'batch' uses the batch prices; a row without them prices at its standard prices
 * @returns the cost and the tier actually applied (`+cached` when cache reads got the cached rate)
 */
export function priceRequest(u: TokenUsage, p: ModelPrice, tier: 'standard' | 'batch' = 'standard'): { cost_usd: number; tier: PriceTier } {
  const batch = tier === 'batch' && p.batch_input_usd_per_mtok != null && p.batch_output_usd_per_mtok != null;
  const input = batch ? p.batch_input_usd_per_mtok! : p.input_usd_per_mtok;
  const output = batch ? p.batch_output_usd_per_mtok! : p.output_usd_per_mtok;
  const scale = p.input_usd_per_mtok > 0 ? input / p.input_usd_per_mtok : 1;
  const cachedIn = Math.max(0, Math.min(u.cached ?? 0, u.tokens_in));
  const writeIn = Math.max(0, Math.min(u.cache_write ?? 0, u.tokens_in - cachedIn));
  const cachedRate = p.cached_input_usd_per_mtok != null ? p.cached_input_usd_per_mtok * scale : input;
  const writeRate = p.cache_write_usd_per_mtok != null ? p.cache_write_usd_per_mtok * scale : input;
  const uncached = u.tokens_in - cachedIn - writeIn;
  // 1-hour writes: 2× the (tier's) input rate, Anthropic's published multiplier; the rest of the writes at writeRate.
  const write1h = Math.max(0, Math.min(u.cache_write_1h ?? 0, writeIn));
  const cost = (uncached * input + cachedIn * cachedRate + (writeIn - write1h) * writeRate + write1h * 2 * input + u.tokens_out * output) / 1_000_000;
  const cached = cachedIn > 0 && p.cached_input_usd_per_mtok != null;
  const base = batch ? 'batch' : 'standard';
  return { cost_usd: cost, tier: (cached ? `${base}+cached` : base) as PriceTier };
}

/** Cost in USD of a request from its token counts at a row's standard prices (no cache, no batch). */
export function costUsd(tokensIn: number, tokensOut: number, p: ModelPrice): number {
  return priceRequest({ tokens_in: tokensIn, tokens_out: tokensOut }, p).cost_usd;
}
