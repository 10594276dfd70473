/**
 * Migration 14: feedback an automated evaluator wrote (an LLM judge, a scoring rule: feedback/automated.ts) is kept
 * apart from users' answers. `feedback.automated` is set from each stored row's source; the feedback cells count those
 * rows in `automated` instead of in the thumbs, CSAT and NPS counts. Before, a Langfuse export's EVAL scores or a
 * Phoenix LLM annotation counted in the thumbs-up rate and CSAT like users' answers (an import note said so).
 * The feedback cells are counted here, once: migration 11 leaves that to this one (counting writes this column).
 */
import type { Db } from '../db';
import { automatedOf } from '../feedback/automated';
import { FEEDBACK_AUTOMATED_COLUMNS, FEEDBACK_AUTOMATED_SQL, rebuildFeedbackSummaries } from '../summaries/feedback';

/**
 * Adds the columns (each unless its table has it: a schema rebuilt by hand, or tests that step back a version), sets
 * `automated` from the stored sources and counts the feedback cells again.
 */
export function up(db: Db): void {
  for (const [table, ddl] of FEEDBACK_AUTOMATED_COLUMNS) {
    const cols = db.all<{ name: string }>(`PRAGMA table_info(${table})`).map((c) => c.name);
    if (!cols.includes('automated')) db.exec(`ALTER TABLE ${table} ADD COLUMN ${ddl};`);
  }
  db.exec(FEEDBACK_AUTOMATED_SQL);
  // Each distinct source read by the import's own rule (automatedOf), so a stored row and a fresh import agree.
  for (const { source } of db.all<{ source: string }>('SELECT DISTINCT source FROM feedback WHERE source IS NOT NULL')) {
    db.run('UPDATE feedback SET automated = ? WHERE source = ?', [automatedOf(source), source]);
  }
  rebuildFeedbackSummaries(db);
}
