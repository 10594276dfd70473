/**
 * Dispatch of the report methods (shared/contract-report.ts) inside the store. StoreService.dispatch hands every
 * `report.*` method here; params arrive already validated by the contract.
 */
import { LoupeError } from '../../../shared/errors';
import type { Workspace } from '../workspace';
import { renderReportFile, type Paper } from './index';
import type { ReportFormat } from '../../../shared/contract-report';

/** True for a method this module handles. */
export function isReportMethod(method: string): boolean {
  return method === 'report.weekly';
}

/**
 * Runs one report method.
 * @returns the method's result (see the contract)
 * @throws LoupeError BAD_REQUEST for an unknown method; whatever the method throws
 */
export async function dispatchReport(ws: Workspace, method: string, params: unknown): Promise<unknown> {
  switch (method) {
    case 'report.weekly': {
      const q = params as { week?: string; queue_id?: number; format: ReportFormat; paper: Paper };
      return renderReportFile(ws, q);
    }
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
