/**
 * The price table's rules: which key a model name prices as, which dated row a request uses, and the cost of a
 * request at standard, batch and cached rates (figures worked by hand from the table).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, PriceBook, modelMatchesKey, priceRequest, type ModelPrice } from './prices';
import { parsePriceFile } from './price-file';

const book = new PriceBook(DEFAULT_PRICES.models);
const row = (model: string) => DEFAULT_PRICES.models.find((p) => p.model === model)!;

describe('which row prices a model', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'], ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'], ['openai/gpt-4.1-nano', 'gpt-4.1-nano'],
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'], ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'], ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet'], ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'claude-3-5-haiku'],
    ['anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1'], ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'], ['mistral-large-latest', 'mistral-large'], ['mistral-large-2411', 'mistral-large-2411'],
    ['mistral-medium-2505', 'mistral-medium'], ['bedrock/meta.llama2-70b-chat-v1', 'meta.llama2-70b-chat-v1'], ['GPT-4O', 'gpt-4o'],
  ])('%s prices as %s', (model, key) => {
    expect(book.keyFor(model)).toBe(key);
  });

  it.each([
    // Another model whose name starts with a key must not take that key's price.
    ['gpt-4o-audio-preview-x', null], ['gpt-4.1-nano', 'gpt-4.1-nano'], ['gpt-5-chat-latest', null], ['o3-pro', null],
    ['gemini-2.5-flash-lite', 'gemini-2.5-flash-lite'], ['claude-sonnet-4-5', 'claude-sonnet-4-5'], ['my-gpt-4o-proxy', null],
  ])('%s is not priced as a shorter key (→ %s)', (model, key) => {
    expect(book.keyFor(model)).toBe(key);
  });

  it('a dated key picks the latest row on or before the request day, else the earliest', () => {
    const rows: ModelPrice[] = [
      { model: 'm', provider: 'x', as_of: '2026-01-01', input_usd_per_mtok: 4, output_usd_per_mtok: 8 },
      { model: 'm', provider: 'x', as_of: '2026-06-01', input_usd_per_mtok: 2, output_usd_per_mtok: 4 },
    ];
    const b = new PriceBook(rows);
    expect(b.lookup('m', Date.parse('2026-05-31T23:59:59Z'))!.as_of).toBe('2026-01-01');
    expect(b.lookup('m', Date.parse('2026-06-01T00:00:00Z'))!.as_of).toBe('2026-06-01');
    expect(b.lookup('m', Date.parse('2025-01-01T00:00:00Z'))!.as_of).toBe('2026-01-01');
    expect(b.lookup('m', null)!.as_of).toBe('2026-06-01');
    expect(modelMatchesKey('m-20260101', 'm')).toBe(true);
  });
});

describe('cost of a request', () => {
  it('standard: 1,000 in and 500 out on gpt-4o-mini is $0.00045', () => {
    expect(priceRequest({ tokens_in: 1000, tokens_out: 500 }, row('gpt-4o-mini'))).toEqual({ cost_usd: 0.00045, tier: 'standard' });
  });

  it('batch halves input and output (OpenAI Batch API): $0.000225', () => {
    expect(priceRequest({ tokens_in: 1000, tokens_out: 500 }, row('gpt-4o-mini'), 'batch').cost_usd).toBeCloseTo(0.000225, 12);
  });

  it('cached input tokens at the cached rate: gpt-4o, 10,000 in of which 8,000 cached, 200 out', () => {
    // 2,000 × $2.50 + 8,000 × $1.25 + 200 × $10 = 5,000 + 10,000 + 2,000 = 17,000 µUSD
    const r = priceRequest({ tokens_in: 10_000, tokens_out: 200, cached: 8000 }, row('gpt-4o'));
    expect(r.tier).toBe('standard+cached');
    expect(r.cost_usd).toBeCloseTo(0.017, 12);
  });

  it('Anthropic cache reads and writes: claude-sonnet-4-5, 1,000 fresh + 3,000 read + 2,000 written in, 100 out', () => {
    // 1,000 × $3 + 3,000 × $0.30 + 2,000 × $3.75 + 100 × $15 = 3,000 + 900 + 7,500 + 1,500 = 12,900 µUSD
    const r = priceRequest({ tokens_in: 6000, tokens_out: 100, cached: 3000, cache_write: 2000 }, row('claude-sonnet-4-5'));
    expect(r.cost_usd).toBeCloseTo(0.0129, 12);
  });

  it('batch and cache discounts stack: half of the cached rate', () => {
    // 2,000 × $1.25 + 8,000 × $0.625 + 200 × $5 = 2,500 + 5,000 + 1,000 = 8,500 µUSD
    const r = priceRequest({ tokens_in: 10_000, tokens_out: 200, cached: 8000 }, row('gpt-4o'), 'batch');
    expect(r).toEqual({ cost_usd: expect.closeTo(0.0085, 12) as unknown as number, tier: 'batch+cached' });
  });

  it('a row without a cached or batch price prices those tokens at the standard input price and says so', () => {
    const r = priceRequest({ tokens_in: 1000, tokens_out: 0, cached: 600 }, row('mistral-small'), 'batch');
    expect(r.tier).toBe('batch'); // Mistral has a batch price but no cached price
    expect(r.cost_usd).toBeCloseTo(1000 * 0.05 / 1e6, 12);
    const llama = priceRequest({ tokens_in: 1000, tokens_out: 0 }, row('meta.llama2-70b-chat-v1'), 'batch');
    expect(llama.tier).toBe('standard');
  });
});

describe('the default table', () => {
  it('covers OpenAI, Anthropic, Google and Mistral, each row dated and sourced, keys unique', () => {
    const providers = new Set(DEFAULT_PRICES.models.map((p) => p.provider));
    for (const p of ['openai', 'anthropic', 'google', 'mistral']) expect(providers.has(p)).toBe(true);
    const keys = DEFAULT_PRICES.models.map((p) => `${p.model}@${p.as_of}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const p of DEFAULT_PRICES.models) {
      expect(p.as_of).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(p.source!.length).toBeGreaterThan(10);
      expect(p.model).toBe(p.model.toLowerCase());
    }
  });
});

describe('price files', () => {
  it('CSV: rows read; a bad row is reported with its line and field, not dropped', () => {
    const r = parsePriceFile('p.csv', 'model,as_of,input_usd_per_mtok,output_usd_per_mtok,cached_input_usd_per_mtok\nGPT-X,2026-01-01,1,2,\nbad,2026-02-30,1,2,\nneg,2026-01-01,-1,2,0.1\n');
    expect(r.rows).toEqual([{ model: 'GPT-X', as_of: '2026-01-01', input_usd_per_mtok: 1, output_usd_per_mtok: 2, cached_input_usd_per_mtok: null }]);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([[3, 'as_of'], [4, 'input_usd_per_mtok']]);
  });

  it('JSON in the shape of DEFAULT_PRICES reads back every row', () => {
    const r = parsePriceFile('p.json', JSON.stringify(DEFAULT_PRICES));
    expect(r.errors).toEqual([]);
    expect(r.rows.length).toBe(DEFAULT_PRICES.models.length);
  });
});
