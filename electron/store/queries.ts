/**
 * Read queries behind the records grids and detail panels. Paging, sorting and filtering happen in SQL; the grids
 * never see whole tables.
 */
import { statusKnownSql } from './summaries/build';
import type { z } from 'zod';
import type {
  Facets, Page, RequestDetail, RequestGridRow, requestQuerySchema, TicketDetail, TicketGridRow, ticketQuerySchema,
} from '../../shared/contract';
import { LoupeError } from '../../shared/errors';
import type { FeedbackRecord, ImportHistoryEntry, RequestRecord, TicketLink, TicketRecord, WorkspaceInfo } from '../../shared/types';
import type { Db, Params } from './db';
import type { Workspace } from './workspace';
import { commentMatch } from './feedback/fts';
import { ticketFacet, ticketSpellingsOf } from './tickets/values';
import { ratedReview } from './review/reviews';
import { dimensionOptions, distinctByIndex } from './metrics/options';
import { isSliceDim, summarisedRequestCount } from './summaries/read';
import type { SliceDim } from './summaries/build';
import path from 'node:path';

/** Characters of input/output shown in a grid cell; the detail panel shows the whole text. */
const PREVIEW_CHARS = 200;

type RequestQueryParams = z.output<typeof requestQuerySchema>;
type TicketQueryParams = z.output<typeof ticketQuerySchema>;

function inList(col: string, values: string[] | undefined, where: string[], params: Params & unknown[]): void {
  if (!values || values.length === 0) return;
  where.push(`${col} IN (${values.map(() => '?').join(', ')})`);
  params.push(...values);
}

/** Escapes LIKE wildcards so a search for `50%` finds the text `50%`. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A page of requests for the grid.
 * @returns rows (input/output cut to {@link PREVIEW_CHARS}) and the total matching the filter
 */
export function queryRequests(db: Db, q: RequestQueryParams): Page<RequestGridRow> {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const f = q.filter;
  if (f.from_ts !== undefined) { where.push('r.ts >= ?'); params.push(f.from_ts); }
  if (f.to_ts !== undefined) { where.push('r.ts < ?'); params.push(f.to_ts); }
  inList('r.model', f.model, where, params);
  inList('r.feature', f.feature, where, params);
  inList('r.status', f.status, where, params);
  inList('r.model_version', f.model_version, where, params);
  inList('r.segment', f.segment, where, params);
  inList('r.region', f.region, where, params);
  inList('r.lang', f.lang, where, params);
  inList('r.user_id', f.user_id, where, params);
  // No error: a request whose outcome is known (a status or an error message) and not an error; one with neither is
  // in neither list.
  if (f.is_error !== undefined) where.push(f.is_error ? 'r.is_error = 1' : `r.is_error = 0 AND ${statusKnownSql('r.')}`);
  if (f.has_feedback !== undefined) where.push(`${f.has_feedback ? '' : 'NOT '}EXISTS (SELECT 1 FROM feedback fb WHERE fb.request_id = r.id)`);
  if (f.has_ticket !== undefined) where.push(`${f.has_ticket ? '' : 'NOT '}EXISTS (SELECT 1 FROM ticket_links tl WHERE tl.request_id = r.id)`);
  if (f.text) {
    // Global search: the request's own text, and the comments left on it (FTS index, feedback/fts.ts).
    const c = commentMatch(f.text, 'fc');
    where.push(`(r.input LIKE ? ESCAPE '\\' OR r.output LIKE ? ESCAPE '\\' OR r.id = ? OR r.id IN (SELECT fc.request_id FROM feedback fc WHERE ${c.sql}))`);
    params.push(likePattern(f.text), likePattern(f.text), f.text, ...c.params);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sortCol = q.sort?.column ?? 'ts';
  const dir = q.sort?.desc === false ? 'ASC' : 'DESC';
  // Plain ORDER BY so SQLite can walk an index; NULLs sort last when descending, first when ascending.
  const order = `ORDER BY r.${sortCol} ${dir}, r.rowid ${dir}`;
  // Unfiltered (the grid's first screen) or filtered on slice dimensions only: the summaries' count, not count(*)
  // over an index (~230 ms at 1M unfiltered; a model and a feature read 8 MB of index from disk right after open).
  const sliceOnly = Object.entries(f).every(([k, v]) => v === undefined || (Array.isArray(v) && (v.length === 0 || isSliceDim(k))));
  const total = (sliceOnly ? summarisedRequestCount(db, f as Partial<Record<SliceDim, string[]>>) : null) ?? db.value<number>(`SELECT count(*) FROM requests r ${w}`, params) ?? 0;
  const rows = db.all<RequestGridRow>(`
    SELECT r.id, r.ts, r.user_id, r.session_id, r.segment, r.region, r.model, r.model_version, r.feature, r.lang,
      r.latency_ms, r.ttft_ms, r.tokens_in, r.tokens_out, r.cost_usd, r.cost_source, r.status, r.error, r.is_error,
      r.input_chars, r.output_chars, r.import_id,
      substr(r.input, 1, ${PREVIEW_CHARS}) AS input_preview, substr(r.output, 1, ${PREVIEW_CHARS}) AS output_preview,
      (SELECT count(*) FROM feedback fb WHERE fb.request_id = r.id) AS feedback_count,
      (SELECT json_group_array(json_array(fb.kind, fb.value, fb.scale)) FROM (SELECT kind, value, scale FROM feedback WHERE request_id = r.id ORDER BY ts LIMIT 4) fb) AS feedback_values,
      (SELECT count(*) FROM ticket_links tl WHERE tl.request_id = r.id) AS ticket_count
    FROM requests r ${w} ${order} LIMIT ? OFFSET ?`, [...params, q.limit, q.offset]);
  return { rows, total };
}

/** One request with its feedback and linked tickets. @throws LoupeError NOT_FOUND */
export function getRequest(db: Db, id: string): RequestDetail {
  const request = db.get<RequestRecord>('SELECT * FROM requests WHERE id = ?', [id]);
  if (!request) throw new LoupeError('NOT_FOUND', `No request with id "${id}".`);
  const feedback = db.all<FeedbackRecord>('SELECT * FROM feedback WHERE request_id = ? ORDER BY ts', [id]);
  const tickets = db.all<TicketRecord & TicketLink & { link_rule: string }>(`
    SELECT t.*, tl.method, tl.rule, tl.gap_ms FROM ticket_links tl JOIN tickets t ON t.id = tl.ticket_id
    WHERE tl.request_id = ? ORDER BY t.created_ts`, [id]);
  return {
    request,
    feedback,
    tickets: tickets.map((t) => {
      const { method, rule, gap_ms, ...ticket } = t;
      return { ...(ticket as TicketRecord), link: { ticket_id: t.id, request_id: id, method, rule, gap_ms } };
    }),
  };
}

/** Text columns of the Tickets grid, sorted without regard to case ("high" beside "High", as the filters fold them). */
const TEXT_SORT = new Set(['status', 'priority', 'channel', 'subject', 'id']);

/** A page of tickets for the grid. */
export function queryTickets(db: Db, q: TicketQueryParams): Page<TicketGridRow> {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const f = q.filter;
  if (f.from_ts !== undefined) { where.push('t.created_ts >= ?'); params.push(f.from_ts); }
  if (f.to_ts !== undefined) { where.push('t.created_ts < ?'); params.push(f.to_ts); }
  // A filter on "High" also picks "high" and "HIGH " (tickets/values.ts), as the ticket analysis counts them.
  for (const c of ['status', 'priority', 'channel'] as const) inList(`t.${c}`, f[c]?.length ? ticketSpellingsOf(db, c, f[c]) : undefined, where, params);
  if (f.linked !== undefined) where.push(`${f.linked ? '' : 'NOT '}EXISTS (SELECT 1 FROM ticket_links tl WHERE tl.ticket_id = t.id)`);
  if (f.text) {
    where.push("(t.subject LIKE ? ESCAPE '\\' OR t.body LIKE ? ESCAPE '\\' OR t.id = ?)");
    params.push(likePattern(f.text), likePattern(f.text), f.text);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sortCol = q.sort?.column ?? 'created_ts';
  const dir = q.sort?.desc === false ? 'ASC' : 'DESC';
  // Tickets without the sorted field (no created time, no CSAT) come last either way: an ascending sort by Created
  // opened on a page of blank dates. Tickets are few enough that the extra sort key costs nothing.
  const total = db.value<number>(`SELECT count(*) FROM tickets t ${w}`, params) ?? 0;
  const rows = db.all<TicketGridRow>(`
    SELECT t.id, t.created_ts, t.updated_ts, t.resolved_ts, t.first_response_ts, t.requester, t.requester_email, t.user_id,
      t.subject, t.status, t.priority, t.channel, t.tags, t.csat, t.request_ref, t.import_id,
      substr(t.body, 1, ${PREVIEW_CHARS}) AS body_preview,
      (SELECT count(*) FROM ticket_links tl WHERE tl.ticket_id = t.id) AS link_count
    FROM tickets t ${w} ORDER BY t.${sortCol} IS NULL, t.${sortCol}${TEXT_SORT.has(sortCol) ? ' COLLATE NOCASE' : ''} ${dir}, t.rowid ${dir} LIMIT ? OFFSET ?`, [...params, q.limit, q.offset]);
  return { rows, total };
}

/** One ticket with the requests linked to it. @throws LoupeError NOT_FOUND */
export function getTicket(db: Db, id: string): TicketDetail {
  const ticket = db.get<TicketRecord>('SELECT * FROM tickets WHERE id = ?', [id]);
  if (!ticket) throw new LoupeError('NOT_FOUND', `No ticket with id "${id}".`);
  const reqs = db.all<{ id: string; ts: number | null; model: string | null; feature: string | null; status: string | null; input_chars: number | null; input_preview: string | null; method: 'explicit' | 'inferred'; rule: string; gap_ms: number | null }>(`
    SELECT r.id, r.ts, r.model, r.feature, r.status, r.input_chars, substr(r.input, 1, ${PREVIEW_CHARS}) AS input_preview, tl.method, tl.rule, tl.gap_ms
    FROM ticket_links tl JOIN requests r ON r.id = tl.request_id WHERE tl.ticket_id = ? ORDER BY r.ts DESC`, [id]);
  return {
    ticket,
    requests: reqs.map(({ method, rule, gap_ms, ...r }) => ({ ...r, link: { ticket_id: id, request_id: r.id, method, rule, gap_ms } })),
  };
}

/** Distinct values for the grid filters (at most 200 each). */
export function facets(db: Db): Facets {
  return {
    // Indexed columns: a few index seeks per value (metrics/options.ts), not a scan of every request.
    model: distinctByIndex(db, 'requests', 'model'),
    feature: distinctByIndex(db, 'requests', 'feature'),
    status: distinctByIndex(db, 'requests', 'status'),
    // One entry per value however the files spell it (tickets/values.ts).
    ticket_status: ticketFacet(db, 'status'),
    ticket_priority: ticketFacet(db, 'priority'),
    ticket_channel: ticketFacet(db, 'channel'),
    // Unindexed columns: cached until the requests change (see metrics/options.ts).
    ...(({ model_version, segment, region, lang }) => ({ model_version, segment, region, lang }))(dimensionOptions(db)),
  };
}

/** The import history, newest first. */
export function importHistory(db: Db): ImportHistoryEntry[] {
  return db.all<Record<string, unknown>>('SELECT * FROM imports ORDER BY id DESC').map((r) => ({
    ...(r as unknown as ImportHistoryEntry),
    mapping: JSON.parse(String(r.mapping ?? '{}')) as unknown,
    options: undefined,
    rejects: JSON.parse(String(r.rejects ?? '[]')) as ImportHistoryEntry['rejects'],
    duplicates_in_file: Number(r.duplicates_in_file ?? 0),
    duplicate_rows: JSON.parse(String(r.duplicate_rows ?? '[]')) as ImportHistoryEntry['duplicate_rows'],
    notes: JSON.parse(String(r.notes ?? '[]')) as string[],
    skipped: Number(r.skipped ?? 0),
    skipped_reasons: JSON.parse(String(r.skip_reasons ?? '[]')) as ImportHistoryEntry['skipped_reasons'],
    record_unit: String(r.record_unit ?? 'records'),
    scrub: r.scrub && r.scrub !== '{}' ? JSON.parse(String(r.scrub)) as ImportHistoryEntry['scrub'] : null,
  }));
}

/**
 * Each reviewer's standing decision per queue item (its latest one not undone): how many rate the item (`reviews`)
 * and how many skip it (`skipped`). Undone decisions, decisions a later one replaced and tag-only edge-case marks
 * are not counted; the reviews table keeps them all as its history.
 */
function decisionCounts(db: Db): { reviews: number; skipped: number } {
  if (!db.hasTable('reviews')) return { reviews: 0, skipped: 0 };
  const r = db.get<{ reviews: number | null; skipped: number | null }>(`SELECT
      sum(CASE WHEN v.skipped = 0 AND ${ratedReview('v')} THEN 1 ELSE 0 END) AS reviews, sum(v.skipped) AS skipped
    FROM reviews v WHERE v.undone = 0 AND v.id = (SELECT max(v2.id) FROM reviews v2 WHERE v2.request_id = v.request_id
      AND v2.reviewer = v.reviewer AND v2.queue_id IS v.queue_id AND v2.undone = 0)`);
  return { reviews: r?.reviews ?? 0, skipped: r?.skipped ?? 0 };
}

/** Counts, date range, time zone and import history of the open workspace. */
export function workspaceInfo(ws: Workspace): WorkspaceInfo {
  const db = ws.db;
  const count = (t: string) => (db.hasTable(t) ? db.value<number>(`SELECT count(*) FROM ${t}`) ?? 0 : 0);
  // Two subqueries, each answered from the ts index; `SELECT min(ts), max(ts)` in one query scans the whole table.
  const range = db.get<{ first: number | null; last: number | null }>('SELECT (SELECT min(ts) FROM requests) AS first, (SELECT max(ts) FROM requests) AS last');
  return {
    path: ws.file,
    file_name: path.basename(ws.file),
    time_zone: ws.meta('time_zone') ?? 'UTC',
    schema_version: ws.schemaVersion,
    file_bytes: ws.fileBytes(),
    counts: { requests: summarisedRequestCount(db) ?? count('requests'), feedback: count('feedback'), tickets: count('tickets'), links: count('ticket_links'), ...decisionCounts(db) },
    first_ts: range?.first ?? null,
    last_ts: range?.last ?? null,
    // From the ts index (undated rows sort first in it): as many steps as there are undated requests.
    undated_requests: db.value<number>('SELECT count(*) FROM requests WHERE ts IS NULL') ?? 0,
    imports: importHistory(db),
    ...(ws.notices.length ? { notices: [...ws.notices] } : {}),
  };
}
