/**
 * Helicone request exports: the `@helicone/export` tool's JSON, JSONL and CSV output (Helicone/helicone,
 * examples/export/typescript/index.ts, documented at docs.helicone.ai/tools/export) and the rows of the
 * `POST /v1/request/query-clickhouse` API it pages through (the `HeliconeRequest` type of Helicone's jawn request
 * store): request_id, request_created_at, request_body, response_body, response_status, response_created_at,
 * request_model / response_model / model, request_user_id, request_properties (custom properties, e.g.
 * `Helicone-Session-Id`), delay_ms or latency (ms), time_to_first_token (ms), prompt_tokens, completion_tokens,
 * prompt_cache_read_tokens and prompt_cache_write_tokens (parts of prompt_tokens, priced as cache reads and writes),
 * cost / costUSD (USD), country_code, feedback_rating (true = thumbs up), feedback_id, feedback_created_at.
 * The CSV export writes nested values as JSON text; they are parsed. `country_code` (the caller's country as Helicone
 * records it, a two-letter code) is the request's region.
 */
import { chatText, responseBodyText, first, hasKeys, jsonish, share, utcText, type Preset, type SkippedPart, type SubRecord } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

function count(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** Every input token: prompt_tokens, or with the cache reads and writes added when they exceed it (see tokens_in). */
function promptTokens(r: Json): unknown {
  const p = first(r, 'prompt_tokens');
  const n = count(p);
  if (n === null) return p;
  const cached = (count(first(r, 'prompt_cache_read_tokens')) ?? 0) + (count(first(r, 'prompt_cache_write_tokens')) ?? 0);
  return cached > n ? n + cached : n;
}

function inputText(r: Json): string | null {
  const body = obj(r.request_body);
  if (body.messages !== undefined) return chatText(body.messages);
  if (body.input !== undefined) return chatText(body.input);
  if (typeof body.prompt === 'string') return body.prompt;
  return null;
}

function outputText(r: Json): string | null {
  return responseBodyText(obj(r.response_body));
}

function property(r: Json, ...names: string[]): unknown {
  const props = obj(r.request_properties ?? r.properties);
  for (const n of names) {
    const hit = Object.keys(props).find((k) => k.toLowerCase() === n.toLowerCase());
    if (hit !== undefined && props[hit] !== '' && props[hit] !== null) return props[hit];
  }
  return undefined;
}

function errorText(r: Json): string | null {
  const status = Number(r.response_status);
  if (!(status >= 400)) return null;
  const err = obj(obj(r.response_body).error);
  return typeof err.message === 'string' && err.message !== '' ? err.message : `HTTP ${status}`;
}

export const helicone: Preset = {
  name: 'helicone',
  label: 'Helicone requests',
  kind: 'mixed',
  detect(sample) {
    return share(sample, (r) => (hasKeys(r, 'request_id') || hasKeys(r, 'response_id')) && hasKeys(r, 'request_created_at')
      && (hasKeys(r, 'response_status') || hasKeys(r, 'request_body') || hasKeys(r, 'helicone_user') || hasKeys(r, 'request_properties')));
  },
  expand(r): Array<SubRecord | SkippedPart> {
    const out: Array<SubRecord | SkippedPart> = [{ kind: 'requests', record: r }];
    const rating = first(r, 'feedback_rating');
    if (rating !== undefined) {
      const id = first(r, 'request_id', 'response_id');
      out.push({ kind: 'feedback', record: { id: first(r, 'feedback_id') ?? `${String(id)}:feedback`, request_id: id, rating, ts: utcText(first(r, 'feedback_created_at')) } });
    }
    return out;
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: ['request_id', 'response_id'],
        ts: { compute: (r) => utcText(first(r, 'request_created_at')), uses: ['request_created_at'], describe: 'request_created_at' },
        user_id: ['request_user_id', 'helicone_user', 'user_id'],
        session_id: { compute: (r) => property(r, 'Helicone-Session-Id', 'session_id', 'session'), uses: [], describe: 'request_properties.Helicone-Session-Id' },
        feature: { compute: (r) => property(r, 'Helicone-Session-Name', 'feature', 'app', 'appname'), uses: [], describe: 'request_properties.feature | Helicone-Session-Name' },
        model: ['model', 'response_model', 'request_model', 'model_override'],
        input: { compute: inputText, uses: ['request_body'], describe: 'request_body.messages' },
        output: { compute: outputText, uses: ['response_body'], describe: 'response_body.choices.0.message.content' },
        latency_ms: [{ path: 'delay_ms', unit: 'ms' }, { path: 'latency', unit: 'ms' }],
        ttft_ms: { path: 'time_to_first_token', unit: 'ms' },
        // prompt_tokens counts the cache reads and writes (HeliconeRequest in Helicone/helicone
        // packages/llm-mapper/types.ts; its cost code prices the cached parts apart from the rest of prompt_tokens).
        // A row whose parts exceed it wrote only the uncached input there, as Anthropic's own usage does: then the
        // parts are added.
        tokens_in: { compute: promptTokens, uses: ['prompt_tokens'], describe: 'prompt_tokens (with the cache reads and writes it counts)' },
        tokens_cached_in: { compute: (r) => first(r, 'prompt_cache_read_tokens'), uses: ['prompt_cache_read_tokens'], describe: 'prompt_cache_read_tokens' },
        tokens_cache_write_in: { compute: (r) => first(r, 'prompt_cache_write_tokens'), uses: ['prompt_cache_write_tokens'], describe: 'prompt_cache_write_tokens' },
        tokens_out: 'completion_tokens',
        cost_usd: ['cost', 'costUSD', 'cost_usd'],
        status: 'response_status',
        region: 'country_code',
        error: { compute: errorText, uses: [], describe: 'response_body.error.message when response_status ≥ 400' },
      },
    },
    feedback: {
      autoDetect: false,
      fields: { id: 'id', request_id: 'request_id', ts: 'ts', kind: { const: 'thumb' }, value: 'rating', source: { const: 'helicone' } },
    },
  },
  notes: ['latency_ms: delay_ms (or the export\'s latency), in ms; feedback_rating true/false is a thumb up/down'],
};
