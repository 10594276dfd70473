/**
 * Langfuse exports: observations, traces and scores, in the blob-storage export (JSON, JSONL, CSV or Parquet files
 * of snake_case rows) and in the camelCase shape of the public API and the UI's export.
 *
 * Schemas (langfuse/langfuse):
 * - observations: packages/shared/src/domain/observation-field-groups.ts (`LEGACY_OBSERVATION_EXPORT_FIELDS`: id,
 *   trace_id, type, start_time, end_time, name, level, status_message, version, input, output,
 *   provided_model_name, usage_details, cost_details, completion_start_time, total_cost, latency and
 *   time_to_first_token in seconds, ...), exported by worker/src/features/blobstorage/
 *   handleBlobStorageIntegrationProjectJob.ts; the enriched (events) export adds user_id and session_id.
 * - scores: `getScoresForBlobStorageExport` in packages/shared/src/server/repositories/scores.ts (id, timestamp,
 *   trace_id, observation_id, session_id, name, value, source, comment, data_type NUMERIC | CATEGORICAL | BOOLEAN,
 *   string_value).
 * - the public API (fern/apis/server/definition/observations.yml, traces.yml, score.yml): the same fields in
 *   camelCase (traceId, startTime, usageDetails, calculatedTotalCost, latency in seconds, dataType, stringValue).
 * Times without an offset (ClickHouse prints `2026-03-02 09:00:00.123`) are UTC.
 */
import { first, getPath, hasKeys, jsonish, msBetween, scaleOfScore, share, sourceText, utcText, type Preset } from './common';

type Json = Record<string, unknown>;

/** Observation types other than GENERATION are not model calls (spans, events, agents, tools, retrievers...). */
function observationType(r: Json): string | null {
  const t = r.type;
  return typeof t === 'string' && t !== '' ? t.toUpperCase() : null;
}

function isObservation(r: Json): boolean {
  // Opik's spans also carry trace_id, start_time and type; their parent is parent_span_id (Langfuse's is
  // parent_observation_id), and they are read by the opik preset.
  if (hasKeys(r, 'parent_span_id')) return false;
  return (hasKeys(r, 'trace_id') || hasKeys(r, 'traceId')) && (hasKeys(r, 'start_time') || hasKeys(r, 'startTime'))
    && (hasKeys(r, 'type') || hasKeys(r, 'provided_model_name') || hasKeys(r, 'model') || hasKeys(r, 'usage_details') || hasKeys(r, 'usageDetails') || hasKeys(r, 'usage'));
}

function isTrace(r: Json): boolean {
  return hasKeys(r, 'id', 'timestamp') && !hasKeys(r, 'trace_id') && !hasKeys(r, 'traceId')
    && (hasKeys(r, 'sessionId') || hasKeys(r, 'userId') || hasKeys(r, 'session_id') || hasKeys(r, 'user_id'))
    && (hasKeys(r, 'totalCost') || hasKeys(r, 'latency') || hasKeys(r, 'projectId') || hasKeys(r, 'project_id') || hasKeys(r, 'htmlPath') || hasKeys(r, 'observations') || hasKeys(r, 'bookmarked'));
}

function seconds(v: unknown): number | null {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n * 1000 : null;
}

/** end − start in ms, else the export's own `latency` in seconds (Langfuse's unit). */
function latencyMs(r: Json): number | null {
  return msBetween(first(r, 'start_time', 'startTime'), first(r, 'end_time', 'endTime')) ?? seconds(first(r, 'latency'));
}

function ttftMs(r: Json): number | null {
  return msBetween(first(r, 'start_time', 'startTime'), first(r, 'completion_start_time', 'completionStartTime'))
    ?? seconds(first(r, 'time_to_first_token', 'timeToFirstToken'));
}

/** Only level ERROR makes an observation an error; a status message at another level is informational. */
function errorText(r: Json): string | null {
  const level = first(r, 'level');
  if (typeof level !== 'string' || level.toUpperCase() !== 'ERROR') return null;
  const msg = first(r, 'status_message', 'statusMessage');
  return typeof msg === 'string' && msg !== '' ? msg : 'ERROR';
}

/** Usage types Langfuse and its integrations write for prompt-cache reads and writes (OpenAI, Anthropic, LangChain). */
const CACHE_READ_TYPES = ['input_cached_tokens', 'input_cache_read', 'cache_read_input_tokens'];
const CACHE_WRITE_TYPES = ['input_cache_creation', 'input_cache_write', 'cache_creation_input_tokens'];
const TOKENS_IN_PATHS = ['usage_details.input', 'usageDetails.input', 'usage.input', 'usage.promptTokens', 'promptTokens', 'inputUsage'];

function usageDetails(r: Json): Json {
  const v = jsonish(first(r, 'usage_details', 'usageDetails'));
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

/** The sum of the usage types present (numbers or numeric text); undefined when none is. */
function usageSum(u: Json, types: readonly string[]): number | undefined {
  let sum: number | undefined;
  for (const t of types) {
    const n = typeof u[t] === 'number' ? u[t] : typeof u[t] === 'string' && u[t] !== '' ? Number(u[t]) : NaN;
    if (Number.isFinite(n)) sum = (sum ?? 0) + (n as number);
  }
  return sum;
}

const TOKENS_OUT_PATHS = ['usage_details.output', 'usageDetails.output', 'usage.output', 'usage.completionTokens', 'completionTokens', 'outputUsage'];

/**
 * Every input (or output) token, as Loupe stores tokens_in and tokens_out. Langfuse's usage types are disjoint: its
 * ingestion splits OpenAI's usage into `input` = prompt_tokens minus each prompt_tokens_details value and `output` =
 * completion_tokens minus each completion_tokens_details value, each detail kept as its own type
 * (`input_cached_tokens`, `input_audio_tokens`, `output_reasoning_tokens`, `output_accepted_prediction_tokens`…;
 * langfuse/langfuse packages/shared/src/server/ingestion/types.ts, OpenAICompletionUsageSchema), and its UI adds
 * every type whose name contains "input" (or "output"). So the side's other types are added back here: an o3 call
 * with 5,000 completion tokens, 4,500 of them reasoning, is 5,000 tokens out, not 500. tokens_cached_in /
 * tokens_cache_write_in keep the cache types apart for the price lookup.
 */
function tokensOf(r: Json, side: 'input' | 'output'): unknown {
  let base: unknown;
  for (const p of side === 'input' ? TOKENS_IN_PATHS : TOKENS_OUT_PATHS) if ((base = getPath(r, p)) !== undefined && base !== null && base !== '') break;
  const n = typeof base === 'number' ? base : typeof base === 'string' && base !== '' ? Number(base) : NaN;
  if (!Number.isFinite(n)) return base;
  const u = usageDetails(r);
  const others = Object.keys(u).filter((k) => k !== side && k.toLowerCase().includes(side));
  return n + (usageSum(u, others) ?? 0);
}
const tokensIn = (r: Json): unknown => tokensOf(r, 'input');
const tokensOut = (r: Json): unknown => tokensOf(r, 'output');

export const langfuse: Preset = {
  name: 'langfuse',
  label: 'Langfuse observations / traces',
  kind: 'requests',
  unit: 'observations',
  detect(sample) {
    return Math.max(share(sample, isObservation), share(sample, isTrace) * 0.95);
  },
  skip(r) {
    const t = observationType(r);
    if (t === null || t === 'GENERATION') return null;
    return `${t} observation (not a model call; GENERATION observations are the requests)`;
  },
  kinds: {
    requests: {
      fields: {
        id: 'id',
        trace_id: { compute: (r) => first(r, 'trace_id', 'traceId') ?? (isTrace(r) ? r.id : undefined), uses: ['trace_id', 'traceId'], describe: 'trace_id | traceId | id of a trace' },
        ts: { compute: (r) => utcText(first(r, 'start_time', 'startTime', 'timestamp')), uses: ['start_time', 'startTime', 'timestamp'], describe: 'start_time | startTime | timestamp (UTC)' },
        user_id: ['user_id', 'userId'],
        session_id: ['session_id', 'sessionId'],
        feature: ['name', 'trace_name', 'traceName'],
        model: ['provided_model_name', 'providedModelName', 'model'],
        model_version: ['version'],
        input: 'input',
        output: 'output',
        latency_ms: { compute: latencyMs, uses: ['end_time', 'endTime', 'latency'], describe: 'end_time − start_time | latency (s)', unit: 'ms' },
        ttft_ms: { compute: ttftMs, uses: ['completion_start_time', 'completionStartTime', 'time_to_first_token', 'timeToFirstToken'], describe: 'completion_start_time − start_time | time_to_first_token (s)', unit: 'ms' },
        tokens_in: { compute: tokensIn, uses: TOKENS_IN_PATHS, describe: 'usage_details.input + every other usage type naming input (cache reads and writes, audio)' },
        tokens_cached_in: { compute: (r) => usageSum(usageDetails(r), CACHE_READ_TYPES), uses: [], describe: `usage_details.${CACHE_READ_TYPES.join(' + ')}` },
        tokens_cache_write_in: { compute: (r) => usageSum(usageDetails(r), CACHE_WRITE_TYPES), uses: [], describe: `usage_details.${CACHE_WRITE_TYPES.join(' + ')}` },
        tokens_out: { compute: tokensOut, uses: TOKENS_OUT_PATHS, describe: 'usage_details.output + every other usage type naming output (reasoning, audio, predictions)' },
        cost_usd: ['total_cost', 'cost_details.total', 'calculatedTotalCost', 'costDetails.total', 'totalCost'],
        status: 'level',
        error: { compute: errorText, uses: ['status_message', 'statusMessage'], describe: 'status_message when level is ERROR' },
      },
    },
  },
  notes: [
    'GENERATION observations are requests; other observation types are skipped and counted',
    'latency_ms: end_time − start_time, else latency (seconds); times without an offset are UTC',
    'an observation is an error only at level ERROR',
  ],
};

/** Langfuse scores → feedback: BOOLEAN as thumbs, NUMERIC as ratings (NPS and CSAT by name), CATEGORICAL with its label. */
function scoreKind(r: Json): string {
  const type = String(first(r, 'data_type', 'dataType') ?? 'NUMERIC').toUpperCase();
  const name = String(first(r, 'name') ?? '').toLowerCase();
  const label = first(r, 'string_value', 'stringValue');
  if (type === 'BOOLEAN') return 'thumb';
  if (type === 'CATEGORICAL') {
    const l = String(label ?? '').trim().toLowerCase();
    // Other categories ("correct", "neutral") are labels, not ratings: without a score config Langfuse writes value 0
    // for them (CategoricalScore: "defaults to 0"), which read as a rating would be the worst score.
    return /^(up|down|thumbs?[ _-]?(up|down)|good|bad|helpful|not[ _-]?helpful|positive|negative|true|false|yes|no)$/.test(l) ? 'thumb' : 'comment';
  }
  if (/\bnps\b|net[ _-]?promoter/.test(name)) return 'nps';
  return 'rating';
}

/** A categorical score's category, before its comment: "correct — cites the right clause". */
function scoreComment(r: Json): unknown {
  const comment = first(r, 'comment');
  if (scoreKind(r) !== 'comment') return comment;
  const category = String(first(r, 'string_value', 'stringValue') ?? '').trim();
  return [category, typeof comment === 'string' ? comment.trim() : ''].filter(Boolean).join(' — ') || null;
}

function scoreValue(r: Json): unknown {
  const kind = scoreKind(r);
  if (kind === 'comment') return null;
  const v = first(r, 'value');
  if (kind === 'thumb') {
    const label = first(r, 'string_value', 'stringValue');
    if (label !== undefined && (v === undefined || typeof label === 'string' && /[a-z]/i.test(label))) return label;
  }
  return v;
}

function scoreScale(r: Json): number | null {
  const kind = scoreKind(r);
  if (kind !== 'rating') return null;
  const name = String(first(r, 'name') ?? '').toLowerCase();
  if (/csat|satisfaction|stars?\b/.test(name)) return 5;
  const v = Number(first(r, 'value'));
  if (!Number.isFinite(v)) return null;
  return scaleOfScore(v);
}

export const langfuseScores: Preset = {
  name: 'langfuse-scores',
  label: 'Langfuse scores',
  kind: 'feedback',
  unit: 'scores',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'name', 'value') && (hasKeys(r, 'data_type') || hasKeys(r, 'dataType'))
      && (hasKeys(r, 'trace_id') || hasKeys(r, 'traceId') || hasKeys(r, 'observation_id') || hasKeys(r, 'observationId')));
  },
  kinds: {
    feedback: {
      autoDetect: false,
      fields: {
        id: 'id',
        request_id: ['observation_id', 'observationId'],
        trace_id: ['trace_id', 'traceId'],
        session_id: ['session_id', 'sessionId'],
        ts: { compute: (r) => utcText(first(r, 'timestamp', 'created_at', 'createdAt')), uses: ['timestamp'], describe: 'timestamp (UTC)' },
        kind: { compute: scoreKind, uses: ['data_type', 'dataType'], describe: 'data_type (BOOLEAN → thumb, NUMERIC → rating or nps, CATEGORICAL → thumb when up/down-like, else its category as text)' },
        value: { compute: scoreValue, uses: ['value', 'string_value', 'stringValue'], describe: 'value | string_value' },
        scale: { compute: scoreScale, uses: [], describe: 'from the score name and value (0-1 → 1, else 5, 10 or 100)' },
        label: ['name'],
        comment: { compute: scoreComment, uses: ['comment'], describe: 'comment (a CATEGORICAL score: its category, then the comment)' },
        // No source of its own: none (not the tool's name), so a re-import without the field keeps a stored EVAL.
        source: { compute: (r) => sourceText(first(r, 'source')), uses: ['source'], describe: 'source (api, annotation, eval)' },
      },
    },
  },
  notes: [
    'a score links to its observation (observation_id) when it has one, else to the latest request of its trace',
    'BOOLEAN scores are thumbs; NUMERIC scores are ratings on one scale per score name (1 when its values in the first records lie from 0 to 1, else 5, 10 or 100); NPS and CSAT by name; CATEGORICAL scores are thumbs when their category reads as up/down, else their category is kept as the row\'s text (not a rating)',
  ],
};
