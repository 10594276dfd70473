/**
 * Opik (Comet) trace and span exports: the REST API's `GET /v1/private/traces` and `/v1/private/spans` pages (their
 * `content` list) and the Python SDK's `search_traces` / `search_spans` written as JSON or JSONL (the `Trace` and
 * `Span` schemas of comet-ml/opik, sdks/python/src/opik/rest_api/types/trace_public.py and span_public.py):
 * id, project_id, trace_id and parent_span_id (spans), name, type (spans: general | tool | llm | guardrail),
 * start_time, end_time, duration (ms), input, output, metadata, model and provider (spans), tags, usage
 * {prompt_tokens, completion_tokens, total_tokens}, error_info {exception_type, message, traceback},
 * total_estimated_cost (USD), thread_id (traces), feedback_scores [{name, category_name, value, reason, source:
 * ui | sdk | online_scoring, created_at}], comments [{id, text, created_at, created_by}].
 *
 * A trace is one request (an application call, as Langfuse traces are read); a span of type llm is a request and
 * spans of other types are skipped and counted. Each feedback score becomes a feedback row linked to its trace or
 * span: a 0/1 score under a thumbs-like name (user_feedback, thumbs, helpful, like) is a thumb; a name with NPS an
 * NPS answer; other scores ratings on one scale per name; the category name and the reason lead the comment; the
 * source (ui, sdk, online_scoring) is kept so an evaluator's score can be told from a user's. Each comment is a
 * comment row. Times without an offset are UTC.
 */
import { chatText, first, hasKeys, jsonish, msBetween, scaleOfScore, share, THUMB_SCORE_NAME, utcText, type Preset, type SkippedPart, type SubRecord } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

function isSpan(r: Json): boolean {
  return hasKeys(r, 'trace_id') || hasKeys(r, 'parent_span_id');
}

/** The prompt: chat messages, else a prompt or question, else the input as JSON. */
function inputText(r: Json): string | null {
  const input = jsonish(r.input);
  if (typeof input === 'string') return input;
  const o = obj(input);
  if (o.messages !== undefined) return chatText(o.messages);
  for (const k of ['prompt', 'question', 'input', 'query', 'text']) if (typeof o[k] === 'string') return o[k] as string;
  return Object.keys(o).length ? JSON.stringify(o) : null;
}

/** The completion: an OpenAI-style choice, else output/content/answer text, else the output as JSON. */
function outputText(r: Json): string | null {
  const output = jsonish(r.output);
  if (typeof output === 'string') return output;
  const o = obj(output);
  const choice = Array.isArray(o.choices) ? obj(o.choices[0]) : null;
  if (choice) return chatText(choice.message ?? choice.text ?? null);
  for (const k of ['output', 'content', 'answer', 'response', 'text', 'completion']) if (typeof o[k] === 'string') return o[k] as string;
  return Object.keys(o).length ? JSON.stringify(o) : null;
}

function errorText(r: Json): string | null {
  const e = obj(r.error_info);
  const msg = e.message ?? e.exception_type;
  return typeof msg === 'string' && msg !== '' ? msg : null;
}

function scoreKind(name: string, value: number | null): string {
  if (value === null) return 'comment';
  if (/\bnps\b|net[ _-]?promoter/i.test(name)) return 'nps';
  if ((value === 0 || value === 1) && THUMB_SCORE_NAME.test(name)) return 'thumb';
  return 'rating';
}

/** Feedback rows of a trace's or span's feedback_scores and comments. */
function feedbackRows(r: Json, byTrace = false): SubRecord[] {
  const id = String(r.id);
  const link = byTrace ? { request_id: null, trace_id: r.trace_id ?? null } : { request_id: id, trace_id: null };
  const out: SubRecord[] = [];
  const scores = jsonish(r.feedback_scores);
  if (Array.isArray(scores)) {
    for (const s of scores) {
      const o = obj(s);
      const name = String(o.name ?? 'score');
      const v = typeof o.value === 'number' ? o.value : typeof o.value === 'string' && o.value.trim() !== '' ? Number(o.value) : null;
      const value = v !== null && Number.isFinite(v) ? v : null;
      const kind = scoreKind(name, value);
      const text = [o.category_name, o.reason].filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()).join(' — ') || null;
      out.push({ kind: 'feedback', record: {
        id: `${id}:${name}`, ...link, ts: utcText(o.created_at ?? r.end_time ?? r.start_time), kind, value: kind === 'comment' ? null : value,
        scale: kind === 'rating' && value !== null ? scaleOfScore(value) : null,
        label: name, text, source: typeof o.source === 'string' ? o.source.toLowerCase() : 'opik', user_id: o.created_by ?? null,
      } });
    }
  }
  const comments = jsonish(r.comments);
  if (Array.isArray(comments)) {
    comments.forEach((c, i) => {
      const o = obj(c);
      if (typeof o.text !== 'string' || o.text.trim() === '') return;
      out.push({ kind: 'feedback', record: {
        id: `${id}:comment:${String(o.id ?? i)}`, ...link, ts: utcText(o.created_at ?? r.end_time ?? r.start_time), kind: 'comment', value: null,
        scale: null, label: 'comment', text: o.text, source: 'opik', user_id: o.created_by ?? null,
      } });
    });
  }
  return out;
}

export const opik: Preset = {
  name: 'opik',
  label: 'Opik traces / spans',
  kind: 'mixed',
  unit: 'traces and spans',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'project_id', 'start_time') && (hasKeys(r, 'feedback_scores') || hasKeys(r, 'error_info')
      || hasKeys(r, 'total_estimated_cost') || hasKeys(r, 'last_updated_at') || hasKeys(r, 'llm_span_count')));
  },
  expand(r): Array<SubRecord | SkippedPart> {
    if (isSpan(r)) {
      const type = String(r.type ?? '').toLowerCase();
      // Scores on a span that is not a call go to the trace's latest request (the call the span belongs to).
      if (type !== 'llm') return [{ skip: `${type || 'untyped'} span (not an LLM call; llm spans are the requests)` }, ...feedbackRows(r, true)];
    }
    return [{ kind: 'requests', record: r }, ...feedbackRows(r)];
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'id',
        trace_id: { compute: (r) => first(r, 'trace_id') ?? r.id, uses: ['trace_id'], describe: 'trace_id | id of a trace' },
        ts: { compute: (r) => utcText(first(r, 'start_time')), uses: ['start_time'], describe: 'start_time (UTC)' },
        latency_ms: { compute: (r) => { const d = first(r, 'duration'); return typeof d === 'number' && Number.isFinite(d) ? d : msBetween(first(r, 'start_time'), first(r, 'end_time')); }, uses: ['duration', 'end_time'], describe: 'duration (ms) | end_time − start_time', unit: 'ms' },
        model: { compute: (r) => first(r, 'model', 'metadata.model', 'metadata.model_name', 'metadata.ls_model_name'), uses: ['model'], describe: 'model | metadata.model' },
        user_id: ['metadata.user_id', 'metadata.userId', 'metadata.user'],
        session_id: ['thread_id', 'metadata.session_id', 'metadata.thread_id'],
        feature: ['metadata.feature', 'name'],
        input: { compute: inputText, uses: ['input'], describe: 'input.messages | input.prompt | input' },
        output: { compute: outputText, uses: ['output'], describe: 'output.choices.0.message | output.output | output' },
        tokens_in: ['usage.prompt_tokens', 'usage.input_tokens'],
        tokens_out: ['usage.completion_tokens', 'usage.output_tokens'],
        cost_usd: ['total_estimated_cost'],
        error: { compute: errorText, uses: ['error_info'], describe: 'error_info.message | error_info.exception_type' },
        tags: ['tags'],
      },
    },
    feedback: {
      autoDetect: false,
      fields: {
        id: 'id', request_id: 'request_id', trace_id: 'trace_id', ts: 'ts', kind: 'kind', value: 'value', scale: 'scale', label: 'label', comment: 'text', source: 'source', user_id: 'user_id',
      },
    },
  },
  notes: [
    'a trace is a request; spans of type llm are requests, spans of other types are skipped and counted',
    'feedback_scores: one feedback row each, linked to its trace or span: 0/1 under a thumbs-like name is a thumb, other scores ratings on one scale per name, their source (ui, sdk, online_scoring) kept; comments are comment rows',
  ],
};
