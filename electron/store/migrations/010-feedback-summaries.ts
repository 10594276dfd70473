/**
 * Migration 10: feedback summaries (electron/store/summaries/feedback.ts), so the Metrics screen and the alert rules
 * read thumbs, CSAT and NPS counts per hour × slice instead of joining every feedback row to its request.
 * - `feedback_summaries`: one cell per UTC hour × slice of the linked request (slice 0: no stored request), with
 *   counts of thumbs up and down, CSAT ratings 1–5 and NPS answers 0–10.
 * - `feedback_summaries_day`: the same cells merged per local day of the request summaries' day zone.
 * - `feedback_summary_state`: a count of updates and deletes of feedback rows (kept by the two triggers) and the
 *   stamp the cells were built for; a reader or an import rebuilds the cells when the stamp no longer matches.
 * A workspace with feedback builds its cells here, once.
 */
import type { Db } from '../db';
import { FEEDBACK_SUMMARIES_SQL, rebuildFeedbackSummaries } from '../summaries/feedback';

/** Creates the tables and triggers and counts the feedback already stored. */
export function up(db: Db): void {
  db.exec(FEEDBACK_SUMMARIES_SQL);
  rebuildFeedbackSummaries(db);
}
