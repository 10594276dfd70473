/**
 * Migration 11: the feedback summaries also count the ratings that are not CSAT (a 1–10 judge score, a rating that is
 * not a whole 1–5) and the NPS answers that are not a whole 0–10 (`rating_other`, `nps_other`; summaries/feedback.ts),
 * so the CSAT and NPS charts say how many they leave out instead of reading "no ratings" over 320 judge scores.
 * The feedback cells are counted by migration 14, which always runs with this one (its count writes a column this
 * one does not add; migration 10 leaves the counting to these).
 */
import type { Db } from '../db';
import { FEEDBACK_OTHER_COUNTS_SQL } from '../summaries/feedback';

/** Adds the columns; migration 14 counts the feedback already stored. */
export function up(db: Db): void {
  db.exec(FEEDBACK_OTHER_COUNTS_SQL);
}
