/**
 * Reads a price file for `loupe prices import FILE` and the Prices screen: CSV (a header row naming the columns of
 * {@link PRICE_COLUMNS}, `model,as_of,input_usd_per_mtok,output_usd_per_mtok` at least) or JSON (an array of rows, or
 * `{ "models": [...] }` as shared/prices.ts's DEFAULT_PRICES is written). Empty cells are missing values.
 */
import Papa from 'papaparse';
import { priceInputSchema, type PriceInput } from './contract-prices';

/** The columns a price file may have. */
export const PRICE_COLUMNS = ['model', 'as_of', 'provider', 'input_usd_per_mtok', 'output_usd_per_mtok', 'cached_input_usd_per_mtok',
  'cache_write_usd_per_mtok', 'batch_input_usd_per_mtok', 'batch_output_usd_per_mtok', 'source'] as const;
const NUMERIC = new Set<string>(PRICE_COLUMNS.filter((c) => c.endsWith('_per_mtok')));

/** A row of a price file that cannot be used: its line (1-based; CSV header is line 1), field and why. */
export interface PriceFileError { line: number; field: string | null; reason: string }

function cell(col: string, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return NUMERIC.has(col) ? null : undefined;
    if (NUMERIC.has(col)) return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : t;
    return t;
  }
  return v;
}

/**
 * Parses a price file's text.
 * @param name - the file name (its extension chooses JSON or CSV; text starting with `[` or `{` is JSON)
 * @returns the rows ready for `prices.import`, and one error per unusable row (nothing is dropped silently)
 */
export function parsePriceFile(name: string, text: string): { rows: PriceInput[]; errors: PriceFileError[] } {
  const body = text.replace(/^\uFEFF/, '');
  const json = /\.json$/i.test(name) || /^\s*[[{]/.test(body);
  let records: Array<{ line: number; rec: Record<string, unknown> }>;
  const errors: PriceFileError[] = [];
  if (json) {
    let parsed: unknown;
    try { parsed = JSON.parse(body); } catch (e) {
      return { rows: [], errors: [{ line: 1, field: null, reason: `not valid JSON: ${(e as Error).message}` }] };
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { models?: unknown })?.models;
    if (!Array.isArray(list)) return { rows: [], errors: [{ line: 1, field: null, reason: 'expected a JSON array of price rows, or an object with a "models" array' }] };
    const asOf = Array.isArray(parsed) ? undefined : (parsed as { as_of?: unknown }).as_of;
    records = list.map((r, i) => ({ line: i + 1, rec: { ...(typeof asOf === 'string' ? { as_of: asOf } : {}), ...(r as Record<string, unknown>) } }));
  } else {
    const out = Papa.parse<Record<string, string>>(body, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim().toLowerCase() });
    const unknown = (out.meta.fields ?? []).filter((f) => !(PRICE_COLUMNS as readonly string[]).includes(f));
    if (unknown.length) errors.push({ line: 1, field: unknown[0]!, reason: `unknown column(s) ${unknown.join(', ')}; expected ${PRICE_COLUMNS.join(', ')}` });
    records = out.data.map((r, i) => ({ line: i + 2, rec: r }));
  }
  const rows: PriceInput[] = [];
  for (const { line, rec } of records) {
    if (!rec || typeof rec !== 'object') { errors.push({ line, field: null, reason: 'expected an object' }); continue; }
    const candidate: Record<string, unknown> = {};
    for (const c of PRICE_COLUMNS) {
      const v = cell(c, rec[c]);
      if (v !== undefined) candidate[c] = v;
    }
    const r = priceInputSchema.safeParse(candidate);
    if (r.success) rows.push(candidate as PriceInput);
    else {
      const first = r.error.issues[0]!;
      const field = first.path.length ? String(first.path[0]) : null;
      const shown = field && field in candidate ? ` (found ${JSON.stringify(candidate[field])})` : '';
      errors.push({ line, field, reason: `${field ?? 'row'}: ${first.message}${shown}` });
    }
  }
  return { rows, errors };
}
