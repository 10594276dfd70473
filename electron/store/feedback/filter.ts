/**
 * The SQL condition for a feedback filter (shared by the grid, the distinguishing-terms view and the CLI). Feedback
 * rows are aliased `f`, their linked request `r` (a LEFT JOIN: feedback without a request has NULL request fields).
 */
import type { FeedbackFilter, FeedbackValueFilter } from '../../../shared/contract-feedback';
import type { Db } from '../db';
import { weekWindow } from '../metrics/common';
import { byUserSql } from './automated';
import { commentMatch, ftsPhrase } from './fts';

/** SQL per value filter, on `f`; see FEEDBACK_VALUE_FILTERS for the words. */
export const VALUE_SQL: Record<FeedbackValueFilter, string> = {
  thumbs_down: "(f.kind = 'thumb' AND f.value < 0)",
  thumbs_up: "(f.kind = 'thumb' AND f.value > 0)",
  csat_low: "(f.kind = 'rating' AND coalesce(f.scale, 5) = 5 AND f.measure IS NULL AND f.value <= 2)",
  csat_high: "(f.kind = 'rating' AND coalesce(f.scale, 5) = 5 AND f.measure IS NULL AND f.value >= 4)",
  detractor: "(f.kind = 'nps' AND f.value <= 6)",
  passive: "(f.kind = 'nps' AND f.value > 6 AND f.value < 9)",
  promoter: "(f.kind = 'nps' AND f.value >= 9)",
  negative: "((f.kind IN ('thumb', 'preference') AND f.value < 0) OR (f.kind = 'rating' AND f.value <= 0.4 * coalesce(f.scale, 5)) OR (f.kind = 'nps' AND f.value <= 6))",
  positive: "((f.kind IN ('thumb', 'preference') AND f.value > 0) OR (f.kind = 'rating' AND f.value >= 0.8 * coalesce(f.scale, 5)) OR (f.kind = 'nps' AND f.value >= 9))",
};

/**
 * WHERE parts and parameters for a filter.
 * @param zone - the workspace zone for `week`
 * @returns `needsRequest` when a condition reads the request (the caller joins it)
 * @throws LoupeError BAD_REQUEST for an invalid week
 */
export function feedbackWhere(db: Db, f: FeedbackFilter, zone: string): { where: string[]; params: Array<string | number>; needsRequest: boolean } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  let needsRequest = false;
  const list = (col: string, vs: string[] | undefined, onRequest: boolean) => {
    if (!vs || vs.length === 0) return;
    where.push(`${col} IN (${vs.map(() => '?').join(', ')})`);
    params.push(...vs);
    if (onRequest) needsRequest = true;
  };
  if (f.text && f.text.trim()) {
    // One rowid set (FTS matches plus an exact id), so SQLite looks rows up by rowid instead of scanning feedback.
    const phrase = ftsPhrase(f.text.trim());
    if (phrase === null) {
      const m = commentMatch(f.text.trim());
      where.push(`(${m.sql} OR f.id = ?)`);
      params.push(...m.params, f.text.trim());
    } else {
      where.push('f.rowid IN (SELECT docid FROM feedback_fts WHERE feedback_fts MATCH ? UNION ALL SELECT rowid FROM feedback WHERE id = ?)');
      params.push(phrase, f.text.trim());
    }
  }
  list('f.kind', f.kind, false);
  if (f.value) where.push(VALUE_SQL[f.value]);
  if (f.has_comment !== undefined) where.push(f.has_comment ? "(f.comment IS NOT NULL AND f.comment <> '')" : "(f.comment IS NULL OR f.comment = '')");
  if (f.week) {
    const w = weekWindow(f.week, zone);
    where.push('f.ts >= ? AND f.ts < ?');
    params.push(w.from_ts, w.to_ts);
  }
  if (f.from_ts !== undefined) { where.push('f.ts >= ?'); params.push(f.from_ts); }
  if (f.to_ts !== undefined) { where.push('f.ts < ?'); params.push(f.to_ts); }
  list('r.feature', f.feature, true);
  list('r.model_version', f.model_version, true);
  list('r.segment', f.segment, true);
  list('r.lang', f.lang, true);
  list('r.region', f.region, true);
  if (f.linked !== undefined) {
    where.push(f.linked ? 'r.id IS NOT NULL' : 'r.id IS NULL');
    needsRequest = true;
  }
  if (f.from) where.push(f.from === 'evaluators' ? 'f.automated = 1' : byUserSql());
  if (f.request_id) { where.push('f.request_id = ?'); params.push(f.request_id); }
  if (f.id) { where.push('f.id = ?'); params.push(f.id); }
  return { where, params, needsRequest };
}
