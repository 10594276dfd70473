/**
 * Dispatch of the metrics methods (shared/contract-metrics.ts) inside the store. StoreService.dispatch hands every
 * `metrics.*` method here; params arrive already validated by the contract.
 */
import { LoupeError } from '../../../shared/errors';
import type { Workspace } from '../workspace';
import { workspaceZone } from '../review/queues';
import { getSettings } from '../alerts/settings';
import { metricsDrift, type DriftInput } from './drift';
import { metricsRanking, type RankingInput } from './ranking';
import { metricsSeries, type SeriesInput } from './series';
import { dimensionOptions } from './options';

/** True for a method this module handles. */
export function isMetricsMethod(method: string): boolean {
  return method.startsWith('metrics.');
}

/**
 * Runs one metrics method (all of them only read).
 * @param ws the open workspace
 * @param method a `metrics.*` method name
 * @param params its validated params
 * @returns the method's result (see the contract)
 * @throws LoupeError BAD_REQUEST for an unknown method; whatever the method throws
 */
export function dispatchMetrics(ws: Workspace, method: string, params: unknown): unknown {
  switch (method) {
    case 'metrics.series': return metricsSeries(ws.db, workspaceZone(ws), params as SeriesInput);
    case 'metrics.drift': return metricsDrift(ws.db, workspaceZone(ws), params as DriftInput, { psi_max: getSettings(ws).psi_max });
    case 'metrics.options': return dimensionOptions(ws.db);
    case 'metrics.ranking': return metricsRanking(ws.db, params as RankingInput);
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
