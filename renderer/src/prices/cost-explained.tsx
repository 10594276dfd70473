/**
 * The request detail's cost line: where the cost came from, and for a derived cost the price row used (model key,
 * as-of day), the tier (standard or batch, with cached input at the cached rate) and the cached tokens, with a warning
 * when the row was edited after the request was priced.
 */
import type { RequestRecord } from '../../../shared/types';
import { useStoreQuery } from '../app-context';
import { fmtInt, fmtUsd } from '../format';

const TIER: Record<string, string> = {
  standard: 'standard prices', batch: 'batch prices', 'standard+cached': 'standard prices, cached input at the cached rate',
  'batch+cached': 'batch prices, cached input at the cached rate',
};

/** The cost of one request, explained. */
export function CostExplained({ request: r }: { request: RequestRecord }) {
  const derived = r.cost_source === 'price_table';
  const { data: p } = useStoreQuery('prices.forRequest', derived ? { id: r.id } : null, ['prices', 'requests']);
  if (r.cost_usd === null) return null;
  return (
    <span data-testid="request-cost">
      {fmtUsd(r.cost_usd)}{' '}
      {!derived ? <span className="muted small">{r.cost_source === 'source' ? 'from the source file' : ''}</span> : (
        <span className="muted small">
          derived from the price table: <span className="mono" data-testid="price-used">{r.price_model ?? p?.price_model ?? '?'}</span> as of{' '}
          <span className="mono">{r.price_as_of ?? p?.price_as_of ?? '?'}</span>, {TIER[r.price_tier ?? p?.tier ?? ''] ?? 'tier not recorded'}
          {(r.tokens_cached_in ?? 0) > 0 && <>; {fmtInt(r.tokens_cached_in ?? 0)} cached input tokens</>}
          {(r.tokens_cache_write_in ?? 0) > 0 && <>; {fmtInt(r.tokens_cache_write_in ?? 0)} written to the cache</>}
          {r.service_tier && <>; service tier “{r.service_tier}”</>}
          {p?.edited_since && <span className="warn-text"> · the row was edited after this request was priced</span>}
          {p && !p.row && r.price_model && <span className="warn-text"> · the row has since been deleted</span>}
        </span>
      )}
    </span>
  );
}
