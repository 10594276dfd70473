/**
 * MLflow traces as `mlflow.search_traces()` returns them (a pandas DataFrame, written with `to_json(orient="records",
 * lines=True)` or to CSV/Parquet). MLflow 3 columns (mlflow.org/docs/latest/genai/tracing, "Search traces"; the
 * TraceInfo schema): trace_id, client_request_id, state (OK / ERROR / IN_PROGRESS), request_time (epoch ms),
 * execution_duration (ms), request, response (the root span's inputs and outputs), trace_metadata (`mlflow.trace.user`,
 * `mlflow.trace.session`, `mlflow.trace_schema.version`, …), tags (`mlflow.traceName`, …), assessments (each with
 * assessment_id, assessment_name, source.source_type HUMAN / LLM_JUDGE / CODE, source.source_id, create_time_ms,
 * feedback.value or expectation.value, rationale). MLflow 2 wrote request_id, timestamp_ms, status, execution_time_ms
 * and request_metadata instead; both are read.
 *
 * Without this preset the generic one gave each trace a content hash as its id (a trace with a late assessment was
 * stored again by the next export: 6 requests for 5), took the trace schema version "3" as every model version, read
 * no latency and dropped the assessments (a breaker's finding). A trace is one request; its assessments are feedback
 * linked to it, an LLM judge's and a code check's marked as automated by their source.
 */
import { chatText, first, hasKeys, jsonish, scaleOfScore, share, THUMB_SCORE_NAME, type Preset, type SubRecord } from './common';

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  const p = jsonish(v);
  return p && typeof p === 'object' && !Array.isArray(p) ? (p as Json) : {};
}

/** A span's inputs or outputs: MLflow serialises them as JSON text, so a string may be a JSON string ("\"Hello\""). */
function decoded(v: unknown): unknown {
  const p = jsonish(v);
  if (typeof p === 'string' && /^\s*"/.test(p)) {
    try { return JSON.parse(p) as unknown; } catch { return p; }
  }
  return p;
}

function traceId(r: Json): unknown {
  return first(r, 'trace_id', 'request_id');
}

/** A root span's inputs: chat messages, else a prompt or question, else the JSON. */
function inputText(r: Json): string | null {
  const v = decoded(r.request);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  const o = obj(v);
  if (o.messages !== undefined) return chatText(o.messages);
  for (const k of ['prompt', 'question', 'query', 'input', 'text']) if (typeof o[k] === 'string') return o[k] as string;
  return JSON.stringify(v);
}

/** A root span's outputs: an OpenAI-style choice, else an answer text, else the JSON. */
function outputText(r: Json): string | null {
  const v = decoded(r.response);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  const o = obj(v);
  const choice = Array.isArray(o.choices) ? obj(o.choices[0]) : null;
  if (choice) return chatText(choice.message ?? choice.text ?? null);
  for (const k of ['output', 'content', 'answer', 'response', 'text']) if (typeof o[k] === 'string') return o[k] as string;
  return JSON.stringify(v);
}

function meta(r: Json, key: string): unknown {
  const m = obj(r.trace_metadata ?? r.request_metadata);
  const v = m[key];
  return v === undefined || v === null || v === '' ? undefined : v;
}

/** The trace's assessments as feedback rows, linked to the trace's request (expectations are ground truth, not feedback). */
function assessmentRows(r: Json): SubRecord[] {
  const id = String(traceId(r));
  const list = jsonish(r.assessments);
  if (!Array.isArray(list)) return [];
  const out: SubRecord[] = [];
  for (const a of list) {
    const o = obj(a);
    const fb = obj(o.feedback);
    if (!('value' in fb)) continue;
    const name = String(o.assessment_name ?? o.name ?? 'assessment');
    const raw = fb.value;
    const num = typeof raw === 'boolean' ? (raw ? 1 : 0) : typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : null;
    const source = obj(o.source);
    const thumb = typeof raw === 'boolean' || ((num === 0 || num === 1) && THUMB_SCORE_NAME.test(name));
    const kind = num === null ? 'comment' : thumb ? 'thumb' : 'rating';
    const text = [typeof raw === 'string' && num === null ? raw : null, typeof o.rationale === 'string' ? o.rationale : null].filter((x): x is string => !!x && x.trim() !== '').join(' — ') || null;
    out.push({ kind: 'feedback', record: {
      id: String(o.assessment_id ?? `${id}:${name}`), request_id: id, ts: first(o, 'last_update_time_ms', 'create_time_ms'), kind,
      value: kind === 'comment' ? null : kind === 'thumb' ? (num === 1 ? 1 : -1) : num, scale: kind === 'rating' && num !== null ? scaleOfScore(num) : null,
      label: name, text, source: typeof source.source_type === 'string' ? source.source_type.toLowerCase() : 'mlflow', user_id: source.source_id ?? null,
    } });
  }
  return out;
}

export const mlflowTraces: Preset = {
  name: 'mlflow-traces',
  label: 'MLflow traces (search_traces)',
  kind: 'mixed',
  unit: 'traces',
  detect(sample) {
    return share(sample, (r) => (hasKeys(r, 'trace_id', 'request_time') && (hasKeys(r, 'execution_duration') || hasKeys(r, 'trace_metadata') || hasKeys(r, 'state')))
      || (hasKeys(r, 'request_id', 'timestamp_ms') && (hasKeys(r, 'execution_time_ms') || hasKeys(r, 'request_metadata'))));
  },
  expand(r) {
    return [{ kind: 'requests', record: r }, ...assessmentRows(r)];
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: { compute: traceId, uses: ['trace_id', 'request_id'], describe: 'trace_id' },
        trace_id: { compute: traceId, uses: [], describe: 'trace_id' },
        ts: { compute: (r) => first(r, 'request_time', 'timestamp_ms'), uses: ['request_time', 'timestamp_ms'], describe: 'request_time (epoch ms)', unit: 'ms' },
        latency_ms: { compute: (r) => first(r, 'execution_duration', 'execution_time_ms'), uses: ['execution_duration', 'execution_time_ms'], describe: 'execution_duration (ms)', unit: 'ms' },
        user_id: { compute: (r) => meta(r, 'mlflow.trace.user'), uses: [], describe: 'trace_metadata."mlflow.trace.user"' },
        session_id: { compute: (r) => meta(r, 'mlflow.trace.session'), uses: [], describe: 'trace_metadata."mlflow.trace.session"' },
        feature: { compute: (r) => first(obj(r.tags), 'mlflow.traceName'), uses: [], describe: 'tags."mlflow.traceName"' },
        input: { compute: inputText, uses: ['request'], describe: 'request.messages | request' },
        output: { compute: outputText, uses: ['response'], describe: 'response.choices.0.message | response' },
        status: { compute: (r) => first(r, 'state', 'status'), uses: ['state', 'status'], describe: 'state' },
        error: { compute: (r) => { const s = String(first(r, 'state', 'status') ?? '').toUpperCase(); return s === 'ERROR' ? 'ERROR' : s === 'OK' ? '' : null; }, uses: [], describe: 'state ERROR' },
      },
    },
    feedback: {
      autoDetect: false,
      fields: {
        id: 'id', request_id: 'request_id', ts: { path: 'ts', unit: 'ms' }, kind: 'kind', value: 'value', scale: 'scale', label: 'label', comment: 'text', source: 'source', user_id: 'user_id',
      },
    },
  },
  notes: [
    'a trace is a request, by its trace_id (a later export updates it); latency: execution_duration (ms); state ERROR is an error',
    'assessments with a feedback value are feedback linked to the trace: true/false thumbs, numbers ratings, text as a comment; an LLM judge\'s and a code check\'s are marked automated by their source; expectations (ground truth) are not feedback',
  ],
};
