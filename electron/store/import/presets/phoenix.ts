/**
 * Arize Phoenix span exports and span annotations.
 *
 * Spans: the spans dataframe (`px.Client().get_spans_dataframe()`, written with pandas to Parquet, CSV or JSON) and
 * the REST API's spans (`GET /v1/projects/{id}/spans`). Columns follow Phoenix's dataframe (Arize-ai/phoenix,
 * src/phoenix/trace/dsl: `context.span_id`, `context.trace_id`, `parent_id`, `name`, `span_kind`, `start_time`,
 * `end_time`, `status_code`, `status_message`, `events`) with the OpenInference attributes flattened under
 * `attributes.` (Arize-ai/openinference, spec/semantic_conventions.md: `openinference.span.kind`, `llm.model_name`,
 * `llm.token_count.prompt|completion`, `llm.token_count.prompt_details.cache_read|cache_write`, `llm.cost.total`, `llm.input_messages` / `llm.output_messages` as lists of
 * `message.role` / `message.content`, `input.value`, `output.value`, `session.id`, `user.id`). The REST shape nests
 * `context` and `attributes` as objects; both are read (a dotted path finds either).
 * Spans of kind LLM are requests; CHAIN, TOOL, RETRIEVER, AGENT, EMBEDDING and other kinds are skipped and counted.
 *
 * Span annotations (`px.Client().spans.get_span_annotations_dataframe()`; REST `/v1/projects/{id}/span_annotations`):
 * `span_id`, `name`, `annotator_kind` (HUMAN | LLM | CODE), `result.label`, `result.score`, `result.explanation`,
 * `created_at`, `user_id` → feedback linked to the span's request.
 */
import { chatText, first, getPath, hasKeys, jsonish, msBetween, scaleOfScore, share, sourceText, utcText, type Preset } from './common';

type Json = Record<string, unknown>;

function spanKind(r: Json): string | null {
  const k = first(r, 'span_kind', 'attributes.openinference.span.kind', 'spanKind');
  return typeof k === 'string' && k !== '' ? k.toUpperCase() : null;
}

/** OpenInference messages (`[{message.role, message.content}]`, or nested `{message: {role, content}}`) as text. */
function oiMessages(v: unknown): string | null {
  const list = jsonish(v);
  if (!Array.isArray(list) || list.length === 0) return null;
  const msgs = list.map((m) => {
    const o = (m ?? {}) as Json;
    const role = getPath(o, 'message.role') ?? o.role ?? 'user';
    const content = getPath(o, 'message.content') ?? o.content ?? '';
    const calls = getPath(o, 'message.tool_calls') ?? o.tool_calls;
    return { role, content, ...(Array.isArray(calls) ? { tool_calls: calls.map((c) => getPath(c, 'tool_call') ?? c) } : {}) };
  });
  return chatText(msgs);
}

function inputText(r: Json): string | null {
  return oiMessages(first(r, 'attributes.llm.input_messages')) ?? textOf(first(r, 'attributes.input.value'));
}

function outputText(r: Json): string | null {
  return oiMessages(first(r, 'attributes.llm.output_messages')) ?? textOf(first(r, 'attributes.output.value'));
}

function textOf(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  return chatText(jsonish(v));
}

function isSpan(r: Json): boolean {
  return (hasKeys(r, 'context.span_id') || typeof getPath(r, 'context.span_id') === 'string') && (hasKeys(r, 'span_kind') || getPath(r, 'attributes.openinference.span.kind') !== undefined);
}

export const phoenixSpans: Preset = {
  name: 'phoenix-spans',
  label: 'Arize Phoenix spans',
  kind: 'requests',
  unit: 'spans',
  detect(sample) {
    return share(sample, isSpan);
  },
  skip(r) {
    const k = spanKind(r);
    return k === null || k === 'LLM' ? null : `${k} span (not an LLM call)`;
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'context.span_id',
        trace_id: 'context.trace_id',
        ts: { compute: (r) => utcText(first(r, 'start_time')), uses: ['start_time'], describe: 'start_time' },
        latency_ms: { compute: (r) => msBetween(first(r, 'start_time'), first(r, 'end_time')), uses: ['end_time'], describe: 'end_time − start_time', unit: 'ms' },
        model: ['attributes.llm.model_name', 'attributes.gen_ai.request.model'],
        user_id: 'attributes.user.id',
        session_id: 'attributes.session.id',
        feature: ['attributes.metadata.feature', 'attributes.app.feature'],
        input: { compute: inputText, uses: ['attributes.llm.input_messages', 'attributes.input.value'], describe: 'attributes.llm.input_messages | attributes.input.value' },
        output: { compute: outputText, uses: ['attributes.llm.output_messages', 'attributes.output.value'], describe: 'attributes.llm.output_messages | attributes.output.value' },
        tokens_in: 'attributes.llm.token_count.prompt',
        // OpenInference: prompt_details break llm.token_count.prompt down (cache reads and writes are part of it).
        tokens_cached_in: 'attributes.llm.token_count.prompt_details.cache_read',
        tokens_cache_write_in: 'attributes.llm.token_count.prompt_details.cache_write',
        tokens_out: 'attributes.llm.token_count.completion',
        cost_usd: 'attributes.llm.cost.total',
        status: 'status_code',
        error: { compute: (r) => (String(first(r, 'status_code') ?? '').toUpperCase() === 'ERROR' ? first(r, 'status_message') ?? 'ERROR' : null), uses: ['status_message'], describe: 'status_message when status_code is ERROR' },
      },
    },
  },
  notes: ['LLM spans are requests; CHAIN, TOOL, RETRIEVER, AGENT and other spans are skipped and counted', 'latency_ms: end_time − start_time'],
};

function annotationKind(r: Json): string {
  const score = first(r, 'result.score', 'score');
  const label = String(first(r, 'result.label', 'label') ?? '').trim().toLowerCase();
  if ((score === undefined || score === null) && /^(up|down|thumbs?[ _-]?(up|down)|good|bad|helpful|not[ _-]?helpful|correct|incorrect|positive|negative)$/.test(label)) return 'thumb';
  if (score === undefined || score === null) return 'comment';
  return 'rating';
}

function annotationValue(r: Json): unknown {
  const kind = annotationKind(r);
  if (kind === 'thumb') {
    const l = String(first(r, 'result.label', 'label')).trim().toLowerCase();
    return /^(up|thumbs?[ _-]?up|good|helpful|correct|positive)$/.test(l) ? 'up' : 'down';
  }
  return first(r, 'result.score', 'score');
}

/** An annotation's category before its explanation: "poor — cites the wrong clause". */
function annotationComment(r: Json): string | null {
  const category = first(r, 'result.label', 'label');
  const why = first(r, 'result.explanation', 'explanation');
  return [category, why].filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()).join(' — ') || null;
}

export const phoenixAnnotations: Preset = {
  name: 'phoenix-annotations',
  label: 'Arize Phoenix span annotations',
  kind: 'feedback',
  unit: 'annotations',
  detect(sample) {
    return share(sample, (r) => (hasKeys(r, 'span_id') || hasKeys(r, 'context.span_id')) && hasKeys(r, 'name')
      && (hasKeys(r, 'annotator_kind') || hasKeys(r, 'result.label') || hasKeys(r, 'result.score') || typeof r.result === 'object'));
  },
  kinds: {
    feedback: {
      autoDetect: false,
      fields: {
        id: ['id', 'annotation_id'],
        request_id: ['span_id', 'context.span_id'],
        user_id: 'user_id',
        ts: { compute: (r) => utcText(first(r, 'created_at', 'updated_at')), uses: ['created_at'], describe: 'created_at' },
        kind: { compute: annotationKind, uses: [], describe: 'score → rating; label only → thumb or comment' },
        value: { compute: annotationValue, uses: ['result.score', 'score'], describe: 'result.score | result.label' },
        scale: { compute: (r) => { const v = Number(first(r, 'result.score', 'score')); return Number.isFinite(v) ? scaleOfScore(v) : null; }, uses: [], describe: 'from the score (0-1 → 1)' },
        // The annotation's name is the label, so one name keeps one rating scale however its scores fall in the first
        // records (a "quality" of 1 labelled "poor" was read as 1 of 1 beside "good" 4 of 5); the category goes first in
        // the comment, as Langfuse's categorical scores do.
        label: ['name'],
        comment: { compute: annotationComment, uses: ['result.label', 'label', 'result.explanation', 'explanation'], describe: 'result.label — result.explanation' },
        // No annotator_kind: no source (not the tool's name), so a re-import without it keeps a stored LLM.
        source: { compute: (r) => sourceText(first(r, 'annotator_kind')), uses: ['annotator_kind'], describe: 'annotator_kind' },
      },
    },
  },
  notes: ['annotations link to the request of their span; a score is a rating on one scale per annotation name (1 when its scores in the first records lie from 0 to 1, else 5, 10 or 100), a label alone a thumb or a comment; the label is the annotation name and its category leads the comment'],
};
