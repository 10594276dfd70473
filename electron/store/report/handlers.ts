/**
 * Dispatch of the report methods (shared/contract-report.ts) inside the store. StoreService.dispatch hands every
 * `report.*` method here; params arrive already validated by the contract.
 */
import { LoupeError } from '../../../shared/errors';
import type { Workspace } from '../workspace';
import { buildWeeklyReport, renderAllFormats, renderReportFile, type Paper } from './index';
import type { ReportFormat } from '../../../shared/contract-report';

const MIME: Record<ReportFormat, string> = { md: 'text/markdown', html: 'text/html', pdf: 'application/pdf', csv: 'text/csv', json: 'application/json' };

/** True for a method this module handles. */
export function isReportMethod(method: string): boolean {
  return method === 'report.weekly' || method === 'report.weeklyAll';
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
    case 'report.weeklyAll': {
      const q = params as { week?: string; queue_id?: number; paper: Paper };
      const r = buildWeeklyReport(ws, q);
      const files = (await renderAllFormats(r, q.paper)).map((f) => ({
        file_name: f.file_name, mime: MIME[f.format], encoding: f.format === 'pdf' ? 'base64' as const : 'utf8' as const,
        text: f.format === 'pdf' ? f.bytes.toString('base64') : f.bytes.toString('utf8'), bytes: f.bytes.length, pages: f.pages ?? null, week: r.week,
      }));
      return { week: r.week, files, findings: r.summary.map((f) => f.text) };
    }
    default: throw new LoupeError('BAD_REQUEST', `Method ${method} has no handler.`);
  }
}
