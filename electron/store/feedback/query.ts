/**
 * The feedback grid: every feedback row of every kind with its value in words, its comment, and its linked request
 * (input/output preview, feature, model version, segment, language) with that request's review verdict and edge-case
 * tags. Paging, sorting and filtering in SQL; comments searched through the FTS4 index.
 */
import type { z } from 'zod';
import type { FeedbackFacets, FeedbackGridRow, feedbackQuerySchema } from '../../../shared/contract-feedback';
import { feedbackPolarity, feedbackValueText } from '../../../shared/feedback-values';
import type { FeedbackKind } from '../../../shared/types';
import type { Db } from '../db';
import { EFFECTIVE_REVIEWS } from '../review/tags';
import { bucketStarts, isoWeekLabel } from '../metrics/common';
import { feedbackWhere } from './filter';

/** Characters of input/output shown in a grid cell. */
const PREVIEW_CHARS = 200;

type Query = z.output<typeof feedbackQuerySchema>;

const SORT_SQL: Record<NonNullable<Query['sort']>['column'], string> = {
  ts: 'f.ts', kind: 'f.kind', value: 'f.value', id: 'f.id', feature: 'r.feature', model_version: 'r.model_version', segment: 'r.segment',
};

interface Row {
  id: string; kind: FeedbackKind; value: number | null; scale: number | null; label: string | null; comment: string | null;
  ts: number | null; user_id: string | null; source: string | null; automated: number | null; measure: string | null; request_id: string | null; link_method: 'explicit' | 'session' | null;
  rid: string | null; feature: string | null; model_version: string | null; segment: string | null; lang: string | null;
  input_preview: string | null; output_preview: string | null;
}

/**
 * A page of feedback.
 * @param zone - workspace time zone (for the week filter)
 * @returns rows and the total matching the filter
 * @throws LoupeError BAD_REQUEST (invalid week, region on a workspace without one)
 */
export function queryFeedback(db: Db, q: Query, zone: string): { rows: FeedbackGridRow[]; total: number } {
  const { where, params, needsRequest } = feedbackWhere(db, q.filter, zone);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sortCol = SORT_SQL[q.sort?.column ?? 'ts'];
  const dir = q.sort?.desc === false ? 'ASC' : 'DESC';
  const join = 'LEFT JOIN requests r ON r.id = f.request_id';
  const total = db.value<number>(`SELECT count(*) FROM feedback f ${needsRequest ? join : ''} ${w}`, params) ?? 0;
  const rows = db.all<Row>(`
    SELECT f.id, f.kind, f.value, f.scale, f.label, f.comment, f.ts, f.user_id, f.source, f.automated, f.measure, f.request_id, f.link_method,
      r.id AS rid, r.feature, r.model_version, r.segment, r.lang,
      substr(r.input, 1, ${PREVIEW_CHARS}) AS input_preview, substr(r.output, 1, ${PREVIEW_CHARS}) AS output_preview
    FROM feedback f ${join} ${w} ORDER BY ${sortCol} ${dir}, f.rowid ${dir} LIMIT ? OFFSET ?`, [...params, q.limit, q.offset]);
  const reviews = reviewsOf(db, rows.map((r) => r.rid).filter((x): x is string => x !== null));
  return {
    total,
    rows: rows.map(({ rid, ...r }) => {
      const rv = rid ? reviews.get(rid) : undefined;
      return {
        ...r, automated: r.automated === 1, request_found: rid !== null, value_text: feedbackValueText(r), polarity: feedbackPolarity(r),
        reviewed: rv?.reviewed ?? false, review_failed: rv?.failed ?? null, tags: rv?.tags ?? [],
      };
    }),
  };
}

/** The effective reviews of some requests: failed if any reviewer failed it; their tags. */
export function reviewsOf(db: Db, requestIds: string[]): Map<string, { reviewed: boolean; failed: boolean | null; tags: FeedbackGridRow['tags'] }> {
  const out = new Map<string, { reviewed: boolean; failed: boolean | null; tags: FeedbackGridRow['tags'] }>();
  const ids = [...new Set(requestIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const marks = chunk.map(() => '?').join(',');
    for (const v of db.all<{ id: number; request_id: string; failed: number | null }>(
      `SELECT e.id, e.request_id, e.failed FROM (${EFFECTIVE_REVIEWS}) e WHERE e.request_id IN (${marks})`, chunk)) {
      const o = out.get(v.request_id) ?? { reviewed: false, failed: null, tags: [] };
      if (v.failed !== null) {
        o.reviewed = true;
        o.failed = (o.failed ?? false) || v.failed === 1;
      }
      out.set(v.request_id, o);
    }
    for (const t of db.all<{ request_id: string; id: number; name: string; colour: string }>(
      `SELECT DISTINCT e.request_id, t.id, t.name, t.colour FROM (${EFFECTIVE_REVIEWS}) e JOIN review_tags rt ON rt.review_id = e.id
        JOIN tags t ON t.id = rt.tag_id WHERE e.request_id IN (${marks}) ORDER BY t.name COLLATE NOCASE`, chunk)) {
      out.get(t.request_id)?.tags.push({ id: t.id, name: t.name, colour: t.colour });
    }
  }
  return out;
}

/** ISO weeks with feedback (newest first) and the distinct request values the filters offer (at most 200 each). */
export function feedbackFacets(db: Db, zone: string): FeedbackFacets {
  const col = (c: string) => db.all<{ v: string }>(`SELECT DISTINCT ${c} AS v FROM requests WHERE ${c} IS NOT NULL ORDER BY 1 LIMIT 200`).map((r) => r.v);
  const range = db.get<{ lo: number | null; hi: number | null }>('SELECT min(ts) AS lo, max(ts) AS hi FROM feedback');
  // bucketStarts ends with the end boundary: the start of the week after the data, no week of it.
  const weeks = range && range.lo !== null && range.hi !== null ? bucketStarts(range.lo, range.hi + 1, 'week', zone, 5000).slice(0, -1).map((s) => isoWeekLabel(s, zone)).reverse() : [];
  return {
    weeks, feature: col('feature'), model_version: col('model_version'), segment: col('segment'), lang: col('lang'),
    region: col('region'),
  };
}
