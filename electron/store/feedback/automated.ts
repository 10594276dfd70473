/**
 * Feedback an automated evaluator wrote: an LLM judge's score, an online scoring rule's, a code check's. Peers keep
 * them beside users' thumbs and ratings and say who wrote each in a source field: Langfuse scores' `source` (API,
 * ANNOTATION, EVAL), LangSmith feedback's `feedback_source.type` (api, app, model), Phoenix annotations'
 * `annotator_kind` (HUMAN, LLM, CODE), Opik feedback scores' `source` (ui, sdk, online_scoring); the MT-Bench preset
 * stores GPT-4's single-answer judgments with the source `judge`. They are no user's
 * answer, so the thumbs-up rate, CSAT, NPS and rating figures leave them out and count them apart (migration 14).
 */

/** Sources (lower-cased) that name an automated evaluator. */
export const AUTOMATED_SOURCES: ReadonlySet<string> = new Set(['online_scoring', 'eval', 'evaluator', 'llm', 'model', 'code', 'judge', 'llm_judge', 'llm-as-judge']);

/**
 * Whether a feedback row's source names an automated evaluator, as stored in `feedback.automated`.
 * @param source - the row's source as stored (any case), or null
 * @returns 1 for an evaluator's source, 0 for another source, null without one (a later file's source can still say)
 */
export function automatedOf(source: unknown): 0 | 1 | null {
  if (typeof source !== 'string' || source.trim() === '') return null;
  return AUTOMATED_SOURCES.has(source.trim().toLowerCase()) ? 1 : 0;
}

/** SQL for {@link automatedOf} over a `source` column expression. */
export function automatedSql(source: string): string {
  return `CASE WHEN ${source} IS NULL OR trim(${source}) = '' THEN NULL WHEN lower(trim(${source})) IN (${[...AUTOMATED_SOURCES].map((s) => `'${s}'`).join(', ')}) THEN 1 ELSE 0 END`;
}

/**
 * SQL that is true for a user's answer (a feedback row no automated evaluator wrote).
 * @param alias - the feedback table's alias with its dot (`f.`), or '' for none
 */
export function byUserSql(alias = 'f.'): string {
  return `coalesce(${alias}automated, 0) = 0`;
}
