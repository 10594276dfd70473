/**
 * The weekly report part of the contract, merged into the `contract` object of ./contract with one spread. Params
 * are zod schemas (validated at every boundary); results are typed only. Errors: BAD_REQUEST (invalid params, a
 * week the year does not have), NOT_FOUND (an unknown queue).
 */
import { z } from 'zod';
import { isoWeekSchema } from './contract-review';

/** Declares a method: its params schema and its result type (a local copy of contract.ts's helper, avoiding an import cycle). */
function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

export const REPORT_FORMATS = ['md', 'html', 'pdf', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A rendered report file. Text formats travel as UTF-8 text; the PDF as base64 (`encoding`). */
export interface ReportFile {
  /** Suggested file name, e.g. loupe-report-2026-W45.pdf. */
  file_name: string;
  mime: string;
  encoding: 'utf8' | 'base64';
  /** The file: its text (utf8) or its bytes in base64. */
  text: string;
  /** Size of the file in bytes. */
  bytes: number;
  /** Pages of a PDF; null for the other formats. */
  pages: number | null;
  /** The ISO week the report is for. */
  week: string;
}

export const reportWeeklySchema = z.object({
  week: isoWeekSchema.optional(),
  queue_id: z.number().int().positive().optional(),
  format: z.enum(REPORT_FORMATS),
  paper: z.enum(['a4', 'letter']).default('a4'),
}).refine((p) => p.week !== undefined || p.queue_id !== undefined, { message: 'give week or queue_id' });

export const reportAllSchema = z.object({
  week: isoWeekSchema.optional(),
  queue_id: z.number().int().positive().optional(),
  paper: z.enum(['a4', 'letter']).default('a4'),
}).refine((p) => p.week !== undefined || p.queue_id !== undefined, { message: 'give week or queue_id' });

export const reportMethods = {
  /**
   * The weekly report of an ISO week (its newest review queue) or of a queue: summary of what changed, review with
   * week-over-week and the regression check, feedback, tickets, metrics, alerts, drift; as Markdown, self-contained
   * HTML, PDF (A4 or Letter), CSV or JSON.
   */
  'report.weekly': method<typeof reportWeeklySchema, ReportFile>(reportWeeklySchema),
  /**
   * The same report in every format from one build (the weekly run writes them all): md, html, pdf, csv, json, plus
   * the summary's findings as text.
   */
  'report.weeklyAll': method<typeof reportAllSchema, { week: string; files: ReportFile[]; findings: string[] }>(reportAllSchema),
};
