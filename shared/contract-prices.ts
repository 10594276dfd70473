/**
 * The prices part of the contract: list, set, delete and import rows of the workspace's dated price table, and the
 * price behind one request's derived cost. Merged into the `contract` object of ./contract with one spread. Prices
 * are USD per million tokens; dates are UTC days (YYYY-MM-DD); times UTC epoch ms. Errors: BAD_REQUEST (invalid row,
 * naming the field), NOT_FOUND (no such row or request).
 */
import { z } from 'zod';
import type { ModelPrice, PriceTier } from './prices';

/** Declares a method: its params schema and its result type (a local copy of contract.ts's helper, avoiding an import cycle). */
function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

const usd = z.number().finite().min(0).max(100_000);
/** A UTC day, checked to exist (2026-02-30 is refused). */
export const asOfSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d, 'expected a real calendar date YYYY-MM-DD');

/** One price row as written by a user (app, `loupe prices set`, or a price file). */
export const priceInputSchema = z.object({
  model: z.string().trim().min(1).max(200).transform((s) => s.toLowerCase()),
  as_of: asOfSchema,
  provider: z.string().trim().max(100).default(''),
  input_usd_per_mtok: usd,
  output_usd_per_mtok: usd,
  cached_input_usd_per_mtok: usd.nullable().default(null),
  cache_write_usd_per_mtok: usd.nullable().default(null),
  batch_input_usd_per_mtok: usd.nullable().default(null),
  batch_output_usd_per_mtok: usd.nullable().default(null),
  source: z.string().max(2000).default(''),
}).strict();
export type PriceInput = z.input<typeof priceInputSchema>;

/** A stored row, with when it was last edited (0: shipped or migrated) and how many stored requests it priced. */
export type PriceRow = Required<ModelPrice> & { updated_at: number; requests: number };

/** The price behind one request's derived cost. */
export interface RequestPrice {
  cost_source: 'source' | 'price_table' | null;
  /** The row used (null when the cost came from the source, or the row has since been deleted). */
  row: PriceRow | null;
  price_model: string | null;
  price_as_of: string | null;
  tier: PriceTier | null;
  tokens_cached_in: number | null;
  tokens_cache_write_in: number | null;
  service_tier: string | null;
  /** True when the row was edited after the import that priced this request (its stored cost used the old prices). */
  edited_since: boolean;
}

export const priceKeySchema = z.object({ model: z.string().min(1).max(200), as_of: asOfSchema });

export const pricesMethods = {
  /** Every price row, by provider then model then as_of. */
  'prices.list': method<z.ZodObject<Record<string, never>>, PriceRow[]>(z.object({})),
  /** Adds or replaces the row (model, as_of). Applies to imports from now on; stored costs keep the row they used. */
  'prices.set': method<z.ZodObject<{ row: typeof priceInputSchema }>, PriceRow[]>(z.object({ row: priceInputSchema })),
  /** Deletes the row (model, as_of). @throws NOT_FOUND */
  'prices.delete': method<typeof priceKeySchema, PriceRow[]>(priceKeySchema),
  /** Adds or replaces many rows in one transaction (a price file, parsed by shared/price-file.ts). */
  'prices.import': method<z.ZodObject<{ rows: z.ZodArray<typeof priceInputSchema> }>, { added: number; replaced: number; rows: PriceRow[] }>(
    z.object({ rows: z.array(priceInputSchema).min(1).max(10_000) })),
  /** The price row, tier and cached tokens behind a request's cost. @throws NOT_FOUND */
  'prices.forRequest': method<z.ZodObject<{ id: z.ZodString }>, RequestPrice>(z.object({ id: z.string().min(1).max(4096) })),
};
