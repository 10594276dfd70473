/**
 * Dispatch of the prices methods (shared/contract-prices.ts) inside the store. StoreService.dispatch hands every
 * `prices.*` method here; params arrive already validated by the contract.
 */
import { LoupeError } from '../../../shared/errors';
import type { PriceInput } from '../../../shared/contract-prices';
import type { Workspace } from '../workspace';
import { deletePrice, importPrices, listPrices, requestPrice, setPrice } from './table';

/** True for a method this module handles. */
export function isPricesMethod(method: string): boolean {
  return method.startsWith('prices.');
}

/**
 * Runs one prices method.
 * @param committed - called after a write, so the service schedules its checkpoint and tells open views
 * @returns the method's result (see the contract)
 * @throws LoupeError BAD_REQUEST for an unknown method; NOT_FOUND from delete and forRequest
 */
export function dispatchPrices(ws: Workspace, method: string, params: unknown, committed: () => void): unknown {
  switch (method) {
    case 'prices.list': return listPrices(ws.db);
    case 'prices.forRequest': return requestPrice(ws.db, (params as { id: string }).id);
    case 'prices.set': { const r = setPrice(ws, (params as { row: PriceInput }).row); committed(); return r; }
    case 'prices.delete': { const p = params as { model: string; as_of: string }; const r = deletePrice(ws, p.model, p.as_of); committed(); return r; }
    case 'prices.import': { const r = importPrices(ws, (params as { rows: PriceInput[] }).rows); committed(); return r; }
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
