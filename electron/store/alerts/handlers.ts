/**
 * Dispatch of the alerts methods (shared/contract-alerts.ts) inside the store. StoreService.dispatch hands every
 * `alerts.*` and `monitoring.*` method here; params arrive already validated by the contract.
 */
import { LoupeError } from '../../../shared/errors';
import type { AlertRuleId, AlertSettings, AlertsListParams, AlertState, Runbook, SliceContextParams } from '../../../shared/contract-alerts';
import type { Workspace } from '../workspace';
import { workspaceZone } from '../review/queues';
import { listAlerts } from './alerts';
import { getSettings, setRunbook, setSettings } from './settings';
import { checkStep, setAlertState } from './state';
import { sliceContext } from './slice';

/** True for a method this module handles. */
export function isAlertsMethod(method: string): boolean {
  return method.startsWith('alerts.') || method.startsWith('monitoring.');
}

/**
 * Runs one alerts method.
 * @param ws the open workspace
 * @param method an `alerts.*` or `monitoring.*` method name
 * @param params its validated params
 * @param committed called after a journaled write, so the service schedules its checkpoint and tells open views
 * @returns the method's result (see the contract)
 * @throws LoupeError BAD_REQUEST for an unknown method; whatever the method throws
 */
export function dispatchAlerts(ws: Workspace, method: string, params: unknown, committed: () => void): unknown {
  const zone = workspaceZone(ws);
  const wrote = <T>(r: T): T => { committed(); return r; };
  switch (method) {
    case 'alerts.list': return listAlerts(ws, zone, params as AlertsListParams);
    case 'alerts.openCount': {
      const a = listAlerts(ws, zone, { state: ['open', 'acknowledged'] }).alerts;
      return { open: a.filter((x) => x.state === 'open').length, acknowledged: a.filter((x) => x.state === 'acknowledged').length };
    }
    case 'alerts.settings.get': return getSettings(ws);
    case 'alerts.settings.set': return wrote(setSettings(ws, params as AlertSettings));
    case 'alerts.runbook.set': { const p = params as { rule: AlertRuleId; runbook: Runbook }; return wrote(setRunbook(ws, p.rule, p.runbook)); }
    case 'alerts.setState': { const p = params as { key: string; state: AlertState; note?: string }; return wrote(setAlertState(ws, zone, p.key, p.state, p.note)); }
    case 'alerts.check': { const p = params as { key: string; step: number; done: boolean }; return wrote(checkStep(ws, zone, p.key, p.step, p.done)); }
    case 'monitoring.slice': return sliceContext(ws, zone, params as Required<SliceContextParams>);
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
