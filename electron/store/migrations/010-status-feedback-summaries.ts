/**
 * Migration 10: what the error rate is over, and feedback summaries.
 * - `request_summaries.status_n` and `request_summaries_day.status_n`: requests whose outcome is known (a status or
 *   an error message). The error rate is errors over these: a request with neither says nothing either way, and was
 *   counted as a success before (real exports without a status read "error rate 0.0%"). The cells are rebuilt, and
 *   the update trigger also watches `status` and `error` (a status filled in later changes what is known).
 * - `feedback_summaries` / `feedback_summaries_day` and `feedback_summary_state` (electron/store/summaries/feedback.ts):
 *   thumbs, CSAT and NPS counts per hour (and local day) × slice of the linked request, so the Metrics screen and the
 *   alert rules read cells instead of joining every feedback row to its request.
 * - `status_counts` on both: requests per status (migration 13 says why). Added here too, as this migration rebuilds
 *   the cells with the current code, which writes it; migration 13 adds it to workspaces already past this one.
 * A workspace with requests rebuilds its request cells here; migration 14 counts its feedback, once.
 */
import type { Db } from '../db';
import { rebuildAllSummaries } from '../summaries/build';
import { FEEDBACK_SUMMARIES_SQL } from '../summaries/feedback';
import { mark } from './008-summaries';

export const sql = `
ALTER TABLE request_summaries ADD COLUMN status_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE request_summaries_day ADD COLUMN status_n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE request_summaries ADD COLUMN status_counts TEXT;
ALTER TABLE request_summaries_day ADD COLUMN status_counts TEXT;

DROP TRIGGER requests_summary_update;
CREATE TRIGGER requests_summary_update AFTER UPDATE OF ts, feature, model, model_version, segment, region, lang, is_error,
  status, error, latency_ms, tokens_in, tokens_out, cost_usd, input_chars, output_chars ON requests
BEGIN
  ${mark('OLD')}
  ${mark('NEW')}
END;
`;

/**
 * Adds the columns and tables and rebuilds the request cells. The feedback cells are counted by migration 14, which
 * always runs with this one (it and migration 11 add count columns; counting here first would fail).
 */
export function up(db: Db): void {
  db.exec(sql);
  rebuildAllSummaries(db);
  db.exec(FEEDBACK_SUMMARIES_SQL);
}
