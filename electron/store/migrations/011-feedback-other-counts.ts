/**
 * Migration 11: the feedback summaries also count the ratings that are not CSAT (a 1–10 judge score, a rating that is
 * not a whole 1–5) and the NPS answers that are not a whole 0–10 (`rating_other`, `nps_other`; summaries/feedback.ts),
 * so the CSAT and NPS charts say how many they leave out instead of reading "no ratings" over 320 judge scores.
 * The feedback cells are rebuilt once (one pass over the feedback rows; migration 10 leaves that to this one).
 */
import type { Db } from '../db';
import { FEEDBACK_OTHER_COUNTS_SQL, rebuildFeedbackSummaries } from '../summaries/feedback';

/** Adds the columns and counts the feedback already stored. */
export function up(db: Db): void {
  db.exec(FEEDBACK_OTHER_COUNTS_SQL);
  rebuildFeedbackSummaries(db);
}
