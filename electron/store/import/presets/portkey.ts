/**
 * Portkey logs exports (JSONL), as documented at docs.portkey.ai/docs/product/observability/logs-export ("Exported
 * Data"): created_at, request.body, response.body (the provider's JSON payloads as Portkey logs them), is_success
 * (1 success, 0 failure), ai_org (provider), ai_model, req_units / res_units / total_units (tokens), **cost: "Cost of
 * the request in cents (USD)"**, cost_currency, request_url, request_method, response_status_code, response_time (ms),
 * cache_status, cache_type, stream_mode, retry_success_count, trace_id, metadata (Portkey's `_user` key is the user),
 * prompt_slug. The columns are the ones the export was asked for, so any may be missing; the documented keys may be
 * written dotted (`request.body`) or nested (getPath reads both).
 *
 * Without this preset the generic one read `cost` as USD (100× every cost figure), took the finish reason as the
 * status and left the answer out (a breaker's finding).
 */
import { chatText, responseBodyText, first, hasKeys, jsonish, share, utcText, type Preset } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

function body(r: Json, which: 'request' | 'response'): Json {
  return obj(first(r, `${which}.body`));
}

/** USD from Portkey's cost in cents; anything not a number is passed on for the mapping to refuse. */
function costUsd(r: Json): unknown {
  const c = first(r, 'cost');
  const n = typeof c === 'string' && c.trim() !== '' ? Number(c) : c;
  return typeof n === 'number' && Number.isFinite(n) ? n / 100 : c;
}

function inputText(r: Json): string | null {
  const b = body(r, 'request');
  if (b.messages !== undefined) return chatText(b.messages);
  if (b.input !== undefined) return chatText(b.input);
  if (typeof b.prompt === 'string') return b.prompt;
  return null;
}

function outputText(r: Json): string | null {
  return responseBodyText(body(r, 'response'));
}

/** Failed when is_success is 0 or the HTTP status is 400 or more: the provider's message, or the status. */
function errorText(r: Json): string | null {
  const ok = first(r, 'is_success');
  const code = Number(first(r, 'response_status_code'));
  const failed = ok === 0 || ok === '0' || ok === false || code >= 400;
  if (!failed) return ok === undefined && !Number.isFinite(code) ? null : '';
  const err = obj(body(r, 'response').error);
  if (typeof err.message === 'string' && err.message !== '') return err.message;
  return Number.isFinite(code) ? `HTTP ${code}` : 'failed (is_success 0)';
}

function statusText(r: Json): string | undefined {
  const code = first(r, 'response_status_code');
  if (code !== undefined) return String(code);
  const ok = first(r, 'is_success');
  if (ok === undefined) return undefined;
  return ok === 1 || ok === '1' || ok === true ? 'success' : 'error';
}

export const portkey: Preset = {
  name: 'portkey',
  label: 'Portkey logs export',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => (hasKeys(r, 'ai_model') || hasKeys(r, 'ai_org')) && (hasKeys(r, 'req_units') || hasKeys(r, 'res_units') || hasKeys(r, 'cost_currency') || hasKeys(r, 'response_time')));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: { compute: (r) => first(r, 'id', 'request_id', 'response.body.id'), uses: ['id', 'request_id'], describe: 'id | response.body.id' },
        ts: { compute: (r) => utcText(first(r, 'created_at')), uses: ['created_at'], describe: 'created_at' },
        user_id: { compute: (r) => first(r, 'metadata._user', 'metadata.user_id', 'metadata.user'), uses: [], describe: 'metadata._user' },
        session_id: { compute: (r) => first(r, 'metadata.session_id', 'metadata._session_id'), uses: [], describe: 'metadata.session_id' },
        feature: { compute: (r) => first(r, 'metadata.feature', 'prompt_slug'), uses: ['prompt_slug'], describe: 'metadata.feature | prompt_slug' },
        model: ['ai_model', 'request.body.model', 'response.body.model'],
        input: { compute: inputText, uses: ['request.body', 'request'], describe: 'request.body.messages' },
        output: { compute: outputText, uses: ['response.body', 'response'], describe: 'response.body.choices.0.message.content' },
        latency_ms: { path: 'response_time', unit: 'ms' },
        tokens_in: ['req_units', 'response.body.usage.prompt_tokens'],
        tokens_out: ['res_units', 'response.body.usage.completion_tokens'],
        cost_usd: { compute: costUsd, uses: ['cost', 'cost_currency'], describe: 'cost (cents) / 100' },
        status: { compute: statusText, uses: ['response_status_code', 'is_success'], describe: 'response_status_code | is_success' },
        error: { compute: errorText, uses: [], describe: 'response.body.error.message when is_success is 0 or the status ≥ 400' },
        trace_id: 'trace_id',
      },
    },
  },
  notes: ['cost_usd: Portkey\'s cost is in cents (USD), divided by 100; latency_ms: response_time (ms); tokens: req_units and res_units'],
};
