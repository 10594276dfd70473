/**
 * LangSmith feedback exports: one feedback object per record, as the SDK's `Client.list_feedback()` returns them and
 * the REST API's `GET /api/v1/feedback` lists them (the `Feedback` schema in langchain-ai/langsmith-sdk
 * python/langsmith/schemas.py; docs.langchain.com/langsmith "Log user feedback"): id, created_at, modified_at,
 * run_id, trace_id, key, score (number or boolean), value (number, boolean, text or object), comment, correction,
 * feedback_source {type: api | model | app, metadata, user_id}, session_id (the tracing project, not a
 * conversation), comparative_experiment_id, feedback_group_id, extra.
 *
 * A record becomes one feedback row linked to the run it names: to that run when it is a child of its trace (an LLM
 * run inside a chain), else, when it names the trace's root (feedback usually sits on the root run), to the latest
 * request of the trace, as the runs preset links feedback_stats. Its kind comes from its score and key:
 * a boolean score, or a 0/1 score under a thumbs-like key (thumbs, user_score, helpful, vote, like), is a thumb;
 * a key naming NPS is an NPS answer; any other number (score, else a numeric value) is a rating on one scale per key;
 * a text value alone is kept as the row's text (categorical feedback, never read as a rating). A correction is kept
 * after the comment. Times without an offset are UTC.
 */
import { first, hasKeys, scaleOfScore, share, sourceText, THUMB_SCORE_NAME, utcText, type Preset } from './common';

type Json = Record<string, unknown>;

const THUMB_WORD = /^(up|down|thumbs?[ _-]?(up|down)|good|bad|helpful|not[ _-]?helpful|positive|negative|true|false|yes|no)$/i;

function numeric(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The row's kind: thumb, nps, rating or comment (see the module doc). */
function feedbackKind(r: Json): string {
  const key = String(first(r, 'key') ?? '');
  const score = first(r, 'score');
  const value = first(r, 'value');
  if (typeof score === 'boolean' || (score == null && typeof value === 'boolean')) return 'thumb';
  const n = numeric(score) ?? numeric(value);
  if (n !== null) {
    if (/\bnps\b|net[ _-]?promoter/i.test(key)) return 'nps';
    if ((n === 0 || n === 1) && THUMB_SCORE_NAME.test(key)) return 'thumb';
    return 'rating';
  }
  if (typeof value === 'string' && THUMB_WORD.test(value.trim())) return 'thumb';
  return 'comment';
}

function feedbackValue(r: Json): unknown {
  const kind = feedbackKind(r);
  if (kind === 'comment') return null;
  const score = first(r, 'score');
  const value = first(r, 'value');
  if (kind === 'thumb') {
    const v = score ?? value;
    return typeof v === 'boolean' ? (v ? 'up' : 'down') : v;
  }
  return numeric(score) ?? numeric(value);
}

function feedbackScale(r: Json): number | null {
  if (feedbackKind(r) !== 'rating') return null;
  const v = numeric(first(r, 'score')) ?? numeric(first(r, 'value'));
  if (v === null) return null;
  return scaleOfScore(v);
}

/** A categorical value, then the comment, then the correction: "incorrect — Should greet by name; correction: …". */
function feedbackText(r: Json): string | null {
  const value = first(r, 'value');
  const parts: string[] = [];
  if (typeof value === 'string' && value.trim() !== '' && feedbackKind(r) !== 'thumb') parts.push(value.trim());
  else if (value && typeof value === 'object') parts.push(JSON.stringify(value));
  const comment = first(r, 'comment');
  if (typeof comment === 'string' && comment.trim() !== '') parts.push(comment.trim());
  let text = parts.join(' — ');
  const correction = first(r, 'correction');
  if (correction !== undefined && correction !== null && correction !== '') {
    text += `${text ? '; ' : ''}correction: ${typeof correction === 'string' ? correction : JSON.stringify(correction)}`;
  }
  return text || null;
}

/** The run the feedback names when it is a child run; null when it names the trace's root (linked by trace). */
function runOf(r: Json): unknown {
  const run = first(r, 'run_id');
  const trace = first(r, 'trace_id');
  return trace !== undefined && trace !== null && String(trace) === String(run) ? null : run;
}

export const langsmithFeedback: Preset = {
  name: 'langsmith-feedback',
  label: 'LangSmith feedback',
  kind: 'feedback',
  unit: 'feedback records',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'run_id', 'key') && (hasKeys(r, 'score') || hasKeys(r, 'value'))
      && (hasKeys(r, 'feedback_source') || hasKeys(r, 'correction') || hasKeys(r, 'modified_at')));
  },
  kinds: {
    feedback: {
      autoDetect: false,
      fields: {
        id: 'id',
        request_id: { compute: runOf, uses: ['run_id'], describe: 'run_id (a child run), else the trace (feedback on the root run)' },
        trace_id: 'trace_id',
        ts: { compute: (r) => utcText(first(r, 'created_at', 'modified_at')), uses: ['created_at', 'modified_at'], describe: 'created_at (UTC)' },
        kind: { compute: feedbackKind, uses: ['score', 'value'], describe: 'boolean or 0/1 under a thumbs key → thumb; NPS key → nps; number → rating; text → comment' },
        value: { compute: feedbackValue, uses: [], describe: 'score | value' },
        scale: { compute: feedbackScale, uses: [], describe: 'one scale per key (0-1 → 1, else 5, 10 or 100)' },
        label: ['key'],
        comment: { compute: feedbackText, uses: ['comment', 'correction'], describe: 'value (text) — comment; correction' },
        user_id: ['feedback_source.user_id'],
        // No source type of its own: none (not the tool's name), so a re-import without it keeps a stored `model`.
        source: { compute: (r) => sourceText(first(r, 'feedback_source.type')), uses: ['feedback_source'], describe: 'feedback_source.type (api, model, app, auto_eval)' },
      },
    },
  },
  notes: [
    'feedback links to the run it names when that is a child run, else to the latest request of its trace',
    'a boolean score, or 0/1 under a thumbs-like key, is a thumb; other numbers are ratings on one scale per key; a text value alone is kept as text, not a rating; feedback_source.type (api, model, app) is the source, so model (LLM-as-judge) feedback can be told from users\'',
  ],
};
