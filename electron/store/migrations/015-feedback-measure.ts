/**
 * Migration 15: a rating can say what it measures when that is not satisfaction (`feedback.measure`: 'ces' for a
 * customer effort score, 'enps' for an employee NPS; import/mapping.ts sets it from a survey type such as Delighted's
 * `survey_type`). Such a rating is no CSAT answer: every CSAT count leaves it out (summaries/feedback.ts
 * addFeedbackValue and csatRowSql). Before, a Delighted export's 1-5 CES answers counted in CSAT.
 * No stored row has a measure yet, so the feedback cells stand as they are; the update trigger now watches the column,
 * so a re-import that gives a stored rating its measure recounts its cell.
 */
import type { Db } from '../db';
import { FEEDBACK_MEASURE_COLUMN, FEEDBACK_MEASURE_SQL } from '../summaries/feedback';

/** Adds the column (unless the table has it: a schema rebuilt by hand) and re-creates the update trigger. */
export function up(db: Db): void {
  const cols = db.all<{ name: string }>('PRAGMA table_info(feedback)').map((c) => c.name);
  if (!cols.includes('measure')) db.exec(`ALTER TABLE feedback ADD COLUMN ${FEEDBACK_MEASURE_COLUMN};`);
  db.exec(FEEDBACK_MEASURE_SQL);
}
