/**
 * How a request's cost was reached, for the request detail: the cost with its origin (in the metadata fields), and
 * for a derived cost a line naming the price row used (model key, as-of day), the tier (standard or batch, cached
 * input at the cached rate) and the cached tokens, with a warning when the row was edited after the request was
 * priced or has been deleted.
 */
import type { RequestRecord } from '../../../shared/types';
import { useStoreQuery } from '../app-context';
import { fmtInt, fmtUsd } from '../format';

const TIER: Record<string, string> = {
  standard: 'standard prices', batch: 'batch prices', 'standard+cached': 'standard prices, cached input at the cached rate',
  'batch+cached': 'batch prices, cached input at the cached rate',
};

/** The cost and where it came from (for the metadata fields). */
export function CostValue({ request: r }: { request: RequestRecord }) {
  if (r.cost_usd === null) return null;
  return (
    <span data-testid="request-cost">
      {fmtUsd(r.cost_usd)}{' '}
      <span className="muted small">{r.cost_source === 'price_table' ? 'from the price table' : r.cost_source === 'source' ? 'from the source file' : ''}</span>
    </span>
  );
}

/** The line under the metadata that says which price row and tier costed a request (derived costs only). */
export function CostHow({ request: r }: { request: RequestRecord }) {
  const derived = r.cost_source === 'price_table';
  const { data: p } = useStoreQuery('prices.forRequest', derived ? { id: r.id } : null, ['prices', 'requests']);
  if (!derived) return null;
  return (
    <p className="small cost-how" data-testid="request-cost-how">
      <span className="muted">Cost derived with the price row </span>
      <span className="mono">{r.price_model ?? p?.price_model ?? '?'}</span>
      <span className="muted"> as of </span><span className="mono">{r.price_as_of ?? p?.price_as_of ?? '?'}</span>
      <span className="muted">, {TIER[r.price_tier ?? p?.tier ?? ''] ?? 'tier not recorded'}</span>
      {(r.tokens_cached_in ?? 0) > 0 && <span className="muted">; {fmtInt(r.tokens_cached_in ?? 0)} of {fmtInt(r.tokens_in)} input tokens read from the cache</span>}
      {(r.tokens_cache_write_in ?? 0) > 0 && <span className="muted">; {fmtInt(r.tokens_cache_write_in ?? 0)} written to the cache{(r.tokens_cache_write_1h_in ?? 0) > 0 ? ` (${fmtInt(r.tokens_cache_write_1h_in ?? 0)} for 1 hour, at 2× the input price)` : ''}</span>}
      {r.service_tier && <span className="muted">; service tier “{r.service_tier}”</span>}
      {p?.edited_since && <span className="warn-text"> · the row was edited after this request was priced</span>}
      {r.ts !== null && (r.price_as_of ?? p?.price_as_of ?? '') > new Date(r.ts).toISOString().slice(0, 10) && (
        <span className="warn-text" data-testid="price-row-later"> · the row is dated after this request (the table has no earlier one): the price of its day may have differed</span>
      )}
      {p && !p.row && r.price_model && <span className="warn-text"> · the row has since been deleted</span>}
    </p>
  );
}
