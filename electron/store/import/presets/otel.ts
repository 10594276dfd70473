/**
 * OpenTelemetry GenAI spans. The reader (otlp.ts) turns OTLP JSON documents and Collector JSON lines into one flat
 * record per span; this preset maps the spans that are model calls and skips the others with a counted reason.
 *
 * Attribute names follow the OpenTelemetry semantic conventions for generative AI
 * (open-telemetry/semantic-conventions, docs/gen-ai/gen-ai-spans.md and docs/gen-ai/gen-ai-events.md; registry
 * docs/registry/attributes/gen-ai.md): gen_ai.request.model, gen_ai.response.model, gen_ai.usage.input_tokens /
 * output_tokens (before v1.27: prompt_tokens / completion_tokens), gen_ai.conversation.id, gen_ai.operation.name.
 * Prompt and completion text is read in all three generations seen in the field:
 *   1. flattened attributes `gen_ai.prompt.N.role|content` and `gen_ai.completion.N.role|content` (OpenLLMetry,
 *      traceloop/openllmetry semantic-conventions-ai), and the one-string `gen_ai.prompt` / `gen_ai.completion`;
 *   2. span events: `gen_ai.content.prompt` / `gen_ai.content.completion` carrying `gen_ai.prompt` /
 *      `gen_ai.completion` (semconv v1.26-1.27), and the per-message events `gen_ai.system.message`,
 *      `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`, `gen_ai.choice` (v1.28-1.36);
 *   3. `gen_ai.input.messages` / `gen_ai.output.messages` (v1.37+), JSON text or structured values of
 *      `{role, parts: [{type: 'text', content}]}`, on the span or on a `gen_ai.client.inference.operation.details`
 *      event, with `gen_ai.system_instructions` left to the transcript.
 * Resource attributes are mapping paths too (`resource.service.name`, `resource.deployment.environment`).
 */
import { chatText, getPath, share, type Preset } from './common';
import { parseJsonExact } from '../json';

type Json = Record<string, unknown>;

/** Operations of GenAI agent frameworks that are not model calls (their child spans are). */
const NOT_MODEL_CALLS = new Set(['execute_tool', 'invoke_agent', 'create_agent', 'invoke_workflow']);

function isObj(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function attrs(span: Json): Json {
  return isObj(span.attributes) ? span.attributes : {};
}

function events(span: Json): Json[] {
  return Array.isArray(span.events) ? (span.events as Json[]).filter(isObj) : [];
}

/** A value that may be JSON text of a structured value (GenAI attributes are often written as JSON strings). */
function structured(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try { return parseJsonExact(v); } catch { return v; }
  }
  return v;
}

/** Messages written as indexed attributes `{0: {role, content}, 1: {...}}`, in index order; null when none. */
function indexedMessages(v: unknown): Json[] | null {
  if (!isObj(v)) return null;
  const keys = Object.keys(v).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  const msgs = keys.map((k) => v[k]).filter(isObj).filter((m) => m.content !== undefined && m.content !== null);
  return msgs.length ? msgs.map((m) => ({ role: m.role ?? 'user', content: m.content })) : null;
}

const ROLE_OF_EVENT: Record<string, string> = {
  'gen_ai.system.message': 'system', 'gen_ai.user.message': 'user', 'gen_ai.assistant.message': 'assistant', 'gen_ai.tool.message': 'tool',
};

function text(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  const t = chatText(structured(v));
  return t === '' ? null : t;
}

/** The prompt of a GenAI span (see the module doc for the three generations), as a reviewer reads it. */
export function genaiInput(span: Json): string | null {
  const a = attrs(span);
  const direct = getPath(a, 'gen_ai.input.messages');
  if (direct !== undefined && direct !== null && direct !== '') return text(direct);
  const indexed = indexedMessages(getPath(a, 'gen_ai.prompt'));
  if (indexed) return chatText(indexed);
  const flat = getPath(a, 'gen_ai.prompt');
  if (typeof flat === 'string' && flat !== '') return text(flat);
  const msgs: Json[] = [];
  for (const e of events(span)) {
    const name = String(e.name ?? '');
    const ea = isObj(e.attributes) ? e.attributes : {};
    if (name === 'gen_ai.content.prompt') { const t = text(getPath(ea, 'gen_ai.prompt')); if (t !== null) return t; }
    if (name === 'gen_ai.client.inference.operation.details') { const t = text(getPath(ea, 'gen_ai.input.messages')); if (t !== null) return t; }
    const role = ROLE_OF_EVENT[name];
    if (role) {
      const content = structured(ea.content ?? getPath(ea, 'gen_ai.content') ?? ea.message);
      if (content !== undefined && content !== null) msgs.push({ role: typeof ea.role === 'string' ? ea.role : role, content: isObj(content) && 'content' in content ? content.content : content });
    }
  }
  return msgs.length ? chatText(msgs) : null;
}

/** The completion of a GenAI span (all three generations), as a reviewer reads it. */
export function genaiOutput(span: Json): string | null {
  const a = attrs(span);
  const direct = getPath(a, 'gen_ai.output.messages');
  if (direct !== undefined && direct !== null && direct !== '') return text(direct);
  const indexed = indexedMessages(getPath(a, 'gen_ai.completion'));
  if (indexed) return indexed.length === 1 ? chatText(indexed[0]!.content) : chatText(indexed);
  const flat = getPath(a, 'gen_ai.completion');
  if (typeof flat === 'string' && flat !== '') return text(flat);
  const choices: string[] = [];
  for (const e of events(span)) {
    const name = String(e.name ?? '');
    const ea = isObj(e.attributes) ? e.attributes : {};
    if (name === 'gen_ai.content.completion') { const t = text(getPath(ea, 'gen_ai.completion')); if (t !== null) return t; }
    if (name === 'gen_ai.client.inference.operation.details') { const t = text(getPath(ea, 'gen_ai.output.messages')); if (t !== null) return t; }
    if (name === 'gen_ai.choice') {
      const msg = structured(ea.message ?? getPath(ea, 'gen_ai.message'));
      const content = isObj(msg) ? msg.content ?? msg : structured(ea.content ?? msg);
      const t = text(content);
      if (t !== null) choices.push(t);
    }
  }
  return choices.length ? choices.join('\n\n') : null;
}

function hasGenAi(v: unknown): boolean {
  return isObj(v) && (isObj(v.gen_ai) || Object.keys(v).some((k) => k.startsWith('gen_ai.')));
}

/** Why a span is not imported as a request, or null when it is a model call. */
export function otelSkipReason(span: Json): string | null {
  const a = attrs(span);
  const genaiEvent = events(span).some((e) => String(e.name ?? '').startsWith('gen_ai.'));
  if (!hasGenAi(a) && !genaiEvent) return 'non-LLM span (no gen_ai.* attributes or events)';
  const op = getPath(a, 'gen_ai.operation.name');
  if (typeof op === 'string' && NOT_MODEL_CALLS.has(op)) return `GenAI span that is not a model call (gen_ai.operation.name ${op})`;
  return null;
}

function isSpan(r: Json): boolean {
  return typeof r.spanId === 'string' && 'startTimeUnixNano' in r && isObj(r.attributes);
}

/** The error text of a span with status ERROR: its status message, else error.type, else its exception event. */
function spanError(span: Json): string | null {
  if (span.status !== 'error') return null;
  if (typeof span.status_message === 'string' && span.status_message !== '') return span.status_message;
  const type = getPath(attrs(span), 'error.type');
  if (typeof type === 'string' && type !== '') return type;
  const exc = events(span).find((e) => e.name === 'exception');
  const msg = exc && isObj(exc.attributes) ? getPath(exc.attributes, 'exception.message') : undefined;
  return typeof msg === 'string' && msg !== '' ? msg : 'error';
}

export const otelGenai: Preset = {
  name: 'otel-genai',
  label: 'OpenTelemetry GenAI spans (OTLP JSON)',
  kind: 'requests',
  unit: 'spans',
  detect(sample) {
    return share(sample, isSpan);
  },
  skip(record) {
    return otelSkipReason(record);
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'spanId',
        trace_id: 'traceId',
        ts: { path: 'startTimeUnixNano', unit: 'ns' },
        latency_ms: { path: 'duration_ms', unit: 'ms' },
        session_id: ['attributes.gen_ai.conversation.id', 'attributes.session.id', 'resource.session.id'],
        user_id: ['attributes.user.id', 'attributes.enduser.id', 'resource.user.id'],
        model: ['attributes.gen_ai.request.model', 'attributes.gen_ai.response.model'],
        model_version: 'attributes.gen_ai.response.model',
        feature: ['attributes.app.feature', 'resource.app.feature', 'attributes.feature', 'resource.service.name', 'attributes.gen_ai.operation.name'],
        input: { compute: genaiInput, uses: ['attributes.gen_ai.input.messages', 'attributes.gen_ai.prompt', 'attributes.gen_ai.system_instructions', 'events'], describe: 'gen_ai.input.messages | gen_ai.prompt.N.content | prompt events' },
        output: { compute: genaiOutput, uses: ['attributes.gen_ai.output.messages', 'attributes.gen_ai.completion'], describe: 'gen_ai.output.messages | gen_ai.completion.N.content | completion events' },
        tokens_in: ['attributes.gen_ai.usage.input_tokens', 'attributes.gen_ai.usage.prompt_tokens'],
        // gen_ai.usage.input_tokens includes the cache buckets (registry: "SHOULD include all types of input tokens").
        // OpenLLMetry (traceloop semantic-conventions-ai: LLM_USAGE_CACHE_READ_INPUT_TOKENS and
        // LLM_USAGE_CACHE_CREATION_INPUT_TOKENS) writes them with underscores; its prompt_tokens include both.
        tokens_cached_in: ['attributes.gen_ai.usage.cache_read.input_tokens', 'attributes.gen_ai.usage.cache_read_input_tokens'],
        tokens_cache_write_in: ['attributes.gen_ai.usage.cache_creation.input_tokens', 'attributes.gen_ai.usage.cache_creation_input_tokens'],
        tokens_out: ['attributes.gen_ai.usage.output_tokens', 'attributes.gen_ai.usage.completion_tokens'],
        cost_usd: ['attributes.gen_ai.usage.cost'],
        service_tier: ['attributes.gen_ai.openai.response.service_tier', 'attributes.openai.response.service_tier'],
        status: 'status',
        error: { compute: spanError, uses: ['status_message'], describe: 'status message | error.type | exception event' },
        // OpenTelemetry geo attributes (semantic conventions, "Geo"): the user's country, else region.
        region: ['attributes.geo.country.iso_code', 'resource.geo.country.iso_code', 'attributes.geo.region.iso_code', 'resource.geo.region.iso_code'],
      },
    },
  },
  notes: [
    'latency_ms: endTimeUnixNano − startTimeUnixNano (nanoseconds, exact integer arithmetic)',
    'spans that are not model calls (no gen_ai.* attributes or events; agent and tool spans) are skipped and counted',
  ],
};
