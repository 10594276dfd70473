/**
 * Feedback an automated evaluator wrote: an LLM judge's score, an online scoring rule's, a code check's. Peers keep
 * them beside users' thumbs and ratings and say who wrote each in a source field: Langfuse scores' `source` (API,
 * ANNOTATION, EVAL), LangSmith feedback's `feedback_source.type` (api, app, model), Phoenix annotations'
 * `annotator_kind` (HUMAN, LLM, CODE), Opik feedback scores' `source` (ui, sdk, online_scoring), LangSmith's online
 * evaluators' `auto_eval` (AutoEvalFeedbackSource); the MT-Bench preset stores GPT-4's single-answer judgments with
 * the source `judge`. They are no user's answer, so the thumbs-up rate, CSAT, NPS and rating figures leave them
 * out and count them apart (migration 14).
 */

/** Sources, normalised ({@link normSource}), that name an automated evaluator. */
export const AUTOMATED_SOURCES: ReadonlySet<string> = new Set(['online_scoring', 'eval', 'evaluator', 'evaluation', 'auto_eval', 'autoeval', 'automated',
  'llm', 'model', 'code', 'judge', 'llm_judge', 'llm_as_judge', 'llm_as_a_judge']);

/**
 * Sources that name only the tool an export came from: some presets write them when a record has no source of its
 * own (a Langfuse score without `source`), so they say nothing of who wrote it (null), and a re-import that lacks the
 * field keeps what a stored row's own source said.
 */
const TOOL_NAMES: ReadonlySet<string> = new Set(['langfuse', 'langsmith', 'phoenix', 'arize', 'opik', 'helicone', 'braintrust']);

/** A source as compared: trimmed (any white space), lower-cased, runs of spaces and hyphens as one underscore. */
export function normSource(source: string): string {
  return source.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/**
 * Whether a feedback row's source names an automated evaluator, as stored in `feedback.automated`.
 * @param source - the row's source as stored (any case), or null
 * @returns 1 for an evaluator's source, 0 for another source, null without one (a later file's source can still say)
 */
export function automatedOf(source: unknown): 0 | 1 | null {
  if (typeof source !== 'string') return null;
  const s = normSource(source);
  if (s === '' || TOOL_NAMES.has(s)) return null;
  return AUTOMATED_SOURCES.has(s) ? 1 : 0;
}

/**
 * SQL that is true for a user's answer (a feedback row no automated evaluator wrote).
 * @param alias - the feedback table's alias with its dot (`f.`), or '' for none
 */
export function byUserSql(alias = 'f.'): string {
  return `coalesce(${alias}automated, 0) = 0`;
}
