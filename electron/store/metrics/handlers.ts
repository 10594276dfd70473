/**
 * Dispatch of the metrics methods (shared/contract-metrics.ts) inside the store. StoreService.dispatch hands every
 * `metrics.*` method here; params arrive already validated by the contract.
 */
import { LoupeError } from '../../../shared/errors';
import type { MetricThresholds } from '../../../shared/contract-metrics';
import type { Workspace } from '../workspace';
import { workspaceZone } from '../review/queues';
import { metricsDrift, type DriftInput } from './drift';
import { metricsSeries, type SeriesInput } from './series';
import { getThresholds, setThresholds } from './thresholds';

/** True for a method this module handles. */
export function isMetricsMethod(method: string): boolean {
  return method.startsWith('metrics.');
}

/**
 * Runs one metrics method.
 * @param ws the open workspace
 * @param method a `metrics.*` method name
 * @param params its validated params
 * @param committed called after a write (thresholds), so the service can schedule its checkpoint and events
 * @returns the method's result (see the contract)
 * @throws LoupeError BAD_REQUEST for an unknown method; whatever the method throws
 */
export function dispatchMetrics(ws: Workspace, method: string, params: unknown, committed: () => void): unknown {
  switch (method) {
    case 'metrics.series': return metricsSeries(ws.db, workspaceZone(ws), params as SeriesInput, getThresholds(ws));
    case 'metrics.drift': return metricsDrift(ws.db, workspaceZone(ws), params as DriftInput, getThresholds(ws));
    case 'metrics.thresholds.get': return getThresholds(ws);
    case 'metrics.thresholds.set': {
      const r = setThresholds(ws, params as MetricThresholds);
      committed();
      return r;
    }
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
