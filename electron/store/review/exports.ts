/**
 * The edge-case library (every tagged item across weeks) and its exports: JSONL usable as an evaluation set, and
 * CSV. Model inputs and outputs are untrusted text: CSV cells that a spreadsheet would run as a formula are
 * escaped with a leading single quote.
 */
import Papa from 'papaparse';
import { DateTime } from 'luxon';
import type { Db } from '../db';
import type { EdgeCase, RenderedFile, VerdictValue } from '../../../shared/review-types';
import { EFFECTIVE_REVIEWS, isoWeekOf } from './tags';

/**
 * Cells starting with =, +, -, @, tab or CR are formulae to Excel, LibreOffice and Google Sheets (OWASP "CSV
 * injection"). papaparse's own `escapeFormulae: true` uses /^[=+\-@\t\r].*$/, which misses a multi-line cell
 * ("=1+1\n…": `.` stops at the newline), so Loupe passes this anchored pattern instead.
 */
export const CSV_FORMULA = /^[=+\-@\t\r]/;

/**
 * Serialises rows as CSV (RFC 4180 quoting by papaparse, CRLF line ends) with formula escaping on string cells;
 * numbers stay numbers.
 */
export function toCsv(fields: string[], rows: unknown[][]): string {
  return Papa.unparse({ fields, data: rows }, { escapeFormulae: CSV_FORMULA, newline: '\r\n' });
}

export interface EdgeCaseFilter { tag_ids?: number[]; week?: string; model_version?: string[] }

/**
 * Every tagged item (an effective, non-skipped review with at least one tag), one entry per request, newest first.
 * Tags and notes are gathered from all reviewers; verdicts and rubric version come from the first review.
 * @param zone - workspace time zone for ISO weeks
 */
export function queryEdgeCases(db: Db, zone: string, f: EdgeCaseFilter = {}): EdgeCase[] {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (f.week) {
    const start = DateTime.fromISO(f.week, { zone }).startOf('week');
    where.push('r.ts >= ? AND r.ts < ?');
    params.push(start.toMillis(), start.plus({ weeks: 1 }).toMillis());
  }
  if (f.model_version && f.model_version.length > 0) {
    where.push(`r.model_version IN (${f.model_version.map(() => '?').join(',')})`);
    params.push(...f.model_version);
  }
  const tagCond = f.tag_ids && f.tag_ids.length > 0 ? `AND rt.tag_id IN (${f.tag_ids.map(() => '?').join(',')})` : '';
  const rows = db.all<{ id: number; request_id: string; reviewer: string; verdicts: string; failed: number | null; rubric_version: number; note: string | null; queue_id: number | null; ts: number | null }>(`
    SELECT e.id, e.request_id, e.reviewer, e.verdicts, e.failed, e.rubric_version, e.note, e.queue_id, r.ts
    FROM (${EFFECTIVE_REVIEWS}) e JOIN requests r ON r.id = e.request_id
    WHERE EXISTS (SELECT 1 FROM review_tags rt WHERE rt.review_id = e.id ${tagCond}) ${where.length ? `AND ${where.join(' AND ')}` : ''}
    ORDER BY e.id`, [...(f.tag_ids ?? []), ...params]);
  const byRequest = new Map<string, typeof rows>();
  for (const r of rows) {
    let l = byRequest.get(r.request_id);
    if (!l) byRequest.set(r.request_id, (l = []));
    l.push(r);
  }
  const out: EdgeCase[] = [];
  for (const [requestId, reviews] of byRequest) {
    const req = db.get<{ id: string; import_id: number | null; ts: number | null; model: string | null; model_version: string | null; feature: string | null; input: string | null; output: string | null }>(
      'SELECT id, import_id, ts, model, model_version, feature, input, output FROM requests WHERE id = ?', [requestId])!;
    const ids = reviews.map((r) => r.id);
    const tags = db.all<{ id: number; name: string; colour: string }>(`SELECT DISTINCT t.id, t.name, t.colour FROM review_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.review_id IN (${ids.map(() => '?').join(',')}) ORDER BY t.name COLLATE NOCASE`, ids);
    const first = reviews[0]!;
    out.push({
      request_id: requestId, import_id: req.import_id, ts: req.ts, week: req.ts === null ? null : isoWeekOf(req.ts, zone),
      model: req.model, model_version: req.model_version, feature: req.feature, input: req.input, output: req.output,
      tags, notes: reviews.filter((r) => r.note).map((r) => ({ reviewer: r.reviewer, note: r.note! })),
      verdicts: JSON.parse(first.verdicts) as Record<string, VerdictValue>, failed: first.failed === null ? null : first.failed === 1,
      rubric_version: first.rubric_version, reviewers: [...new Set(reviews.map((r) => r.reviewer))], review_ids: ids,
      queue_ids: [...new Set(reviews.map((r) => r.queue_id).filter((q): q is number => q !== null))],
    });
  }
  return out.sort((a, b) => (b.ts ?? -Infinity) - (a.ts ?? -Infinity) || a.request_id.localeCompare(b.request_id));
}

/**
 * Exports the edge-case library.
 * @param format - `jsonl`: one JSON object per line with input, output, tags, notes, verdicts, rubric version and
 *   source ids (request id, import id), ready as an evaluation set; `csv`: the same fields flattened
 * @returns the text, a suggested file name, its MIME type and the number of items
 */
export function exportEdgeCases(db: Db, zone: string, f: EdgeCaseFilter, format: 'jsonl' | 'csv'): RenderedFile {
  const cases = queryEdgeCases(db, zone, f);
  const suffix = f.week ? `-${f.week}` : '';
  if (format === 'jsonl') {
    const text = cases.map((c) => JSON.stringify({
      request_id: c.request_id, import_id: c.import_id, ts: c.ts === null ? null : new Date(c.ts).toISOString(), week: c.week,
      model: c.model, model_version: c.model_version, feature: c.feature, input: c.input, output: c.output,
      tags: c.tags.map((t) => t.name), notes: c.notes, verdicts: c.verdicts, failed: c.failed, rubric_version: c.rubric_version,
      reviewers: c.reviewers, review_ids: c.review_ids, queue_ids: c.queue_ids,
    })).join('\n');
    return { text: text ? `${text}\n` : '', file_name: `loupe-edge-cases${suffix}.jsonl`, mime: 'application/x-ndjson', count: cases.length };
  }
  const fields = ['request_id', 'import_id', 'ts', 'week', 'model', 'model_version', 'feature', 'tags', 'failed', 'verdicts', 'rubric_version', 'reviewers', 'notes', 'input', 'output'];
  const rows = cases.map((c) => [
    c.request_id, c.import_id, c.ts === null ? null : new Date(c.ts).toISOString(), c.week, c.model, c.model_version, c.feature,
    c.tags.map((t) => t.name).join('; '), c.failed === null ? null : c.failed ? 'fail' : 'pass', JSON.stringify(c.verdicts), c.rubric_version,
    c.reviewers.join('; '), c.notes.map((n) => `${n.reviewer}: ${n.note}`).join('\n'), c.input, c.output,
  ]);
  return { text: toCsv(fields, rows), file_name: `loupe-edge-cases${suffix}.csv`, mime: 'text/csv', count: cases.length };
}
