/**
 * The weekly report: built once as one model (./build.ts), rendered to every format from it.
 *
 *   md    Markdown (CommonMark + GFM tables): ids and code in code spans, never backslash-escaped
 *   html  one self-contained file: inline CSS and SVG charts, no script, no remote load
 *   pdf   A4 or Letter, selectable text, vector charts, page footer with the period and page numbers
 *   csv   every number of the report, one per row
 *   json  the model itself
 */
import { exportWithVisibleBidi } from '../../../shared/bidi';
import type { Workspace } from '../workspace';
import type { ReportFile, ReportFormat } from '../../../shared/contract-report';
import { buildWeeklyReport, type ReportTarget } from './build';
import { reportDocument } from './document';
import type { WeeklyReport } from './model';
import { renderCsv, renderJson } from './render-data';
import { renderPdf, type Paper } from './render-pdf';
import { renderHtml, renderMarkdown } from './render-text';

export { buildWeeklyReport } from './build';
export type { WeeklyReport } from './model';
export type { Paper } from './render-pdf';

const MIME: Record<ReportFormat, string> = { md: 'text/markdown', html: 'text/html', pdf: 'application/pdf', csv: 'text/csv', json: 'application/json' };

/** The file name of a report: loupe-report-2026-W45.md (and -letter before .pdf for Letter paper). */
export function reportFileName(r: Pick<WeeklyReport, 'week'>, format: ReportFormat, paper: Paper = 'a4'): string {
  return `loupe-report-${r.week}${format === 'pdf' && paper === 'letter' ? '-letter' : ''}.${format}`;
}

/** A text file ends with a line feed (POSIX; a terminal printing it then starts the next line on its own). */
function withFinalNewline(t: string): string {
  return t.endsWith('\n') ? t : `${t}\n`;
}

/**
 * Renders a built report in one text format. Bidirectional controls in untrusted text (outputs, notes, tags,
 * comments) cannot reorder what a reader sees: Markdown, HTML and CSV show them as ⟨U+202E⟩, JSON keeps the value
 * with the control escaped (shared/bidi.ts).
 * @returns the text, its suggested file name and MIME type
 */

export function renderText(r: WeeklyReport, format: Exclude<ReportFormat, 'pdf'>): { text: string; file_name: string; mime: string } {
  const text = format === 'json' ? renderJson(r) : format === 'csv' ? renderCsv(r)
    : format === 'md' ? withFinalNewline(renderMarkdown(reportDocument(r))) : renderHtml(reportDocument(r), `${r.title} (${r.period.label})`);
  return { text: exportWithVisibleBidi(text, MIME[format]), file_name: reportFileName(r, format), mime: MIME[format] };
}

/**
 * Renders a built report as PDF.
 * @returns the bytes, file name and page count
 */
export async function renderReportPdf(r: WeeklyReport, paper: Paper): Promise<{ bytes: Buffer; file_name: string; mime: string; pages: number }> {
  const { bytes, pages } = await renderPdf(reportDocument(r), {
    paper, title: `${r.title} (${r.period.label})`, created: new Date(r.generated_at),
    footer: `Loupe weekly report ${r.week} · ${r.period.label} (${r.period.time_zone})`,
  });
  return { bytes, file_name: reportFileName(r, 'pdf', paper), mime: MIME.pdf, pages };
}

/**
 * Every format of one report, rendered from a single build (the weekly run and the bench use this).
 * @returns each format's bytes (UTF-8 for the text formats) and its file name
 */
export async function renderAllFormats(r: WeeklyReport, paper: Paper = 'a4'): Promise<Array<{ format: ReportFormat; file_name: string; bytes: Buffer; pages?: number }>> {
  const out: Array<{ format: ReportFormat; file_name: string; bytes: Buffer; pages?: number }> = [];
  for (const f of ['md', 'html', 'csv', 'json'] as const) {
    const t = renderText(r, f);
    out.push({ format: f, file_name: t.file_name, bytes: Buffer.from(t.text, 'utf8') });
  }
  const pdf = await renderReportPdf(r, paper);
  out.push({ format: 'pdf', file_name: pdf.file_name, bytes: pdf.bytes, pages: pdf.pages });
  return out;
}

/**
 * The report of a week (or a queue's week) in a text format, built and rendered in one call.
 * @param opts.week - ISO week, e.g. 2026-W45; or opts.queue_id
 * @param now - generation time, UTC ms
 * @throws LoupeError BAD_REQUEST (week), NOT_FOUND (queue)
 */
export function renderReport(ws: Workspace, opts: ReportTarget & { format: Exclude<ReportFormat, 'pdf'> }, now = Date.now()): { text: string; file_name: string; mime: string } {
  return renderText(buildWeeklyReport(ws, opts, now), opts.format);
}

/**
 * `report.weekly`: the report of a week in any format, as the contract returns it (PDF base64-encoded).
 * @throws LoupeError BAD_REQUEST (week), NOT_FOUND (queue)
 */
export async function renderReportFile(ws: Workspace, opts: ReportTarget & { format: ReportFormat; paper?: Paper }, now = Date.now()): Promise<ReportFile> {
  const r = buildWeeklyReport(ws, opts, now);
  if (opts.format === 'pdf') {
    const pdf = await renderReportPdf(r, opts.paper ?? 'a4');
    return { file_name: pdf.file_name, mime: pdf.mime, encoding: 'base64', text: pdf.bytes.toString('base64'), bytes: pdf.bytes.length, pages: pdf.pages, week: r.week };
  }
  const t = renderText(r, opts.format);
  return { ...t, encoding: 'utf8', bytes: Buffer.byteLength(t.text), pages: null, week: r.week };
}
