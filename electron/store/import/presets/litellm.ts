/**
 * LiteLLM proxy spend logs: rows of the `LiteLLM_SpendLogs` table (BerriAI/litellm, schema.prisma) as `GET
 * /spend/logs` returns them or a table dump writes them: request_id, call_type, api_key (hashed), spend (USD, what
 * the proxy charged: 0 for a cache hit), total_tokens / prompt_tokens / completion_tokens, startTime, endTime,
 * completionStartTime (first token), model (the deployment's model), model_group (the name the app asked for),
 * custom_llm_provider, user (the proxy's internal user owning the key), end_user (the customer the app named),
 * metadata (JSON: user_api_key_alias, error_information for failures), cache_hit, request_tags, team_id, session_id,
 * status (success / failure), messages and response (`{}` unless the proxy stores prompts).
 *
 * Without this preset the generic one ignored `spend` and priced the tokens itself (a cache hit charged $0.009 where
 * the proxy charged $0; a custom model with no cost, said to have none in the file), took the key owner as every
 * request's user, read no TTFT and stored the empty `{}` payloads as two-character texts (a breaker's finding).
 */
import { chatText, first, hasKeys, jsonish, msBetween, share, utcText, type Preset } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

/** A stored payload, or null for none (the `{}` LiteLLM writes when prompts are not stored). */
function payload(v: unknown): unknown {
  const p = jsonish(v);
  if (p === undefined || p === null || p === '') return null;
  if (typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) return null;
  if (Array.isArray(p) && p.length === 0) return null;
  return p;
}

function inputText(r: Json): string | null {
  const m = payload(r.messages);
  if (m === null) return null;
  if (typeof m === 'string') return m;
  const o = m as Json;
  return chatText(Array.isArray(m) ? m : o.messages ?? o.input ?? o.prompt ?? m);
}

function outputText(r: Json): string | null {
  const p = payload(r.response);
  if (p === null) return null;
  if (typeof p === 'string') return p;
  const o = p as Json;
  const choice = Array.isArray(o.choices) ? (o.choices[0] as Json | undefined) : undefined;
  const msg = choice?.message as Json | undefined;
  if (msg && msg.content !== undefined && msg.content !== null) return chatText(msg.content);
  if (typeof choice?.text === 'string') return choice.text;
  return JSON.stringify(p);
}

/** The failure's message (metadata.error_information), '' for a success, null when the row says neither. */
function errorText(r: Json): string | null {
  const status = String(first(r, 'status', 'metadata.status') ?? '').toLowerCase();
  const info = obj(obj(r.metadata).error_information);
  const msg = info.error_message ?? info.error_class ?? info.error_code;
  if (status === 'failure' || (typeof msg === 'string' && msg !== '')) return typeof msg === 'string' && msg !== '' ? msg : 'failure';
  return status === 'success' ? '' : null;
}

export const litellm: Preset = {
  name: 'litellm',
  label: 'LiteLLM spend logs',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'request_id', 'spend', 'startTime') && (hasKeys(r, 'call_type') || hasKeys(r, 'model_group') || hasKeys(r, 'api_key')));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'request_id',
        ts: { compute: (r) => utcText(first(r, 'startTime')), uses: ['startTime'], describe: 'startTime' },
        // end_user is the customer the app named; user is the proxy user who owns the API key (often one for all).
        user_id: ['end_user', 'user'],
        session_id: 'session_id',
        model: ['model', 'model_group'],
        input: { compute: inputText, uses: ['messages'], describe: 'messages (none when LiteLLM stored {})' },
        output: { compute: outputText, uses: ['response'], describe: 'response.choices.0.message.content' },
        latency_ms: { compute: (r) => msBetween(first(r, 'startTime'), first(r, 'endTime')), uses: ['endTime'], describe: 'endTime − startTime', unit: 'ms' },
        ttft_ms: { compute: (r) => msBetween(first(r, 'startTime'), first(r, 'completionStartTime')), uses: ['completionStartTime'], describe: 'completionStartTime − startTime', unit: 'ms' },
        tokens_in: 'prompt_tokens',
        tokens_out: 'completion_tokens',
        cost_usd: 'spend',
        status: 'status',
        error: { compute: errorText, uses: [], describe: 'metadata.error_information.error_message (status failure)' },
      },
    },
  },
  notes: ['cost_usd: spend, what the proxy charged (0 for a cache hit); user_id: end_user (the customer), else the key\'s user; latency and TTFT from startTime, endTime and completionStartTime'],
};
