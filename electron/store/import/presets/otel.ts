/**
 * OpenTelemetry GenAI spans in OTLP JSON (the `ExportTraceServiceRequest` shape written by the OTLP file exporter
 * and collector `file` exporters): `resourceSpans[].scopeSpans[].spans[]`, attributes as `{key, value: {stringValue |
 * intValue | doubleValue | boolValue | arrayValue}}`. Attribute names follow the GenAI semantic conventions
 * (gen_ai.request.model, gen_ai.usage.input_tokens, ...), with the older prompt/completion_tokens names accepted.
 * Spans without any gen_ai.* attribute (HTTP, database spans of the same trace) are not requests and are skipped.
 */
import { share, type Preset, type SubRecord } from './common';

type Json = Record<string, unknown>;

function anyValue(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const o = v as Json;
  if ('stringValue' in o) return o.stringValue;
  if ('intValue' in o) return o.intValue;
  if ('doubleValue' in o) return o.doubleValue;
  if ('boolValue' in o) return o.boolValue;
  if ('arrayValue' in o) return ((o.arrayValue as Json | undefined)?.values as unknown[] | undefined ?? []).map(anyValue);
  if ('kvlistValue' in o) return attrs((o.kvlistValue as Json | undefined)?.values);
  if ('bytesValue' in o) return o.bytesValue;
  return undefined;
}

/** OTLP attribute list → nested object (`gen_ai.usage.input_tokens` → {gen_ai: {usage: {input_tokens}}}). */
function attrs(list: unknown): Json {
  const out: Json = {};
  if (!Array.isArray(list)) return out;
  for (const a of list) {
    if (!a || typeof a !== 'object') continue;
    const key = String((a as Json).key ?? '');
    if (!key) continue;
    const parts = key.split('.');
    let cur = out;
    let ok = true;
    for (const p of parts.slice(0, -1)) {
      const next = cur[p];
      if (next === undefined) cur[p] = {};
      else if (next === null || typeof next !== 'object' || Array.isArray(next)) { ok = false; break; }
      cur = cur[p] as Json;
    }
    // A key that is both a value and a prefix of other keys keeps its dotted name, so nothing is lost.
    if (ok && !(parts[parts.length - 1]! in cur)) cur[parts[parts.length - 1]!] = anyValue((a as Json).value);
    else out[key] = anyValue((a as Json).value);
  }
  return out;
}

function durationMs(start: unknown, end: unknown): number | null {
  try {
    if (start === undefined || end === undefined || start === null || end === null) return null;
    const d = BigInt(String(end)) - BigInt(String(start));
    return Number(d) / 1e6;
  } catch {
    return null;
  }
}

function statusText(code: unknown): string | null {
  if (code === undefined || code === null) return null;
  const s = String(code);
  if (s === '2' || s === 'STATUS_CODE_ERROR') return 'error';
  if (s === '1' || s === 'STATUS_CODE_OK') return 'ok';
  if (s === '0' || s === 'STATUS_CODE_UNSET') return 'unset';
  return s;
}

function flattenSpan(span: Json, resource: Json, scope: Json): Json | null {
  const a = attrs(span.attributes);
  if (!('gen_ai' in a) && !Object.keys(a).some((k) => k.startsWith('gen_ai.'))) return null;
  const status = (span.status ?? {}) as Json;
  const st = statusText(status.code);
  const rest: Json = { ...span };
  delete rest.attributes;
  delete rest.status;
  return {
    ...rest,
    attributes: a,
    resource,
    scope,
    status: st,
    status_message: status.message ?? null,
    error: st === 'error' ? (status.message || (a.error as Json | undefined)?.type || 'error') : null,
    duration_ms: durationMs(span.startTimeUnixNano, span.endTimeUnixNano),
  };
}

/** Spans of one OTLP JSON record (an export batch), or the record itself when it is a bare span. */
export function otelSpans(record: Json): Json[] {
  const out: Json[] = [];
  if (Array.isArray(record.resourceSpans)) {
    for (const rs of record.resourceSpans as Json[]) {
      const resource = attrs((rs.resource as Json | undefined)?.attributes);
      for (const ss of (rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []) as Json[]) {
        const scope = (ss.scope ?? ss.instrumentationLibrary ?? {}) as Json;
        for (const span of (ss.spans ?? []) as Json[]) {
          const f = flattenSpan(span, resource, { name: scope.name ?? null, version: scope.version ?? null });
          if (f) out.push(f);
        }
      }
    }
  } else if (typeof record.spanId === 'string' && Array.isArray(record.attributes)) {
    const f = flattenSpan(record, {}, {});
    if (f) out.push(f);
  }
  return out;
}

export const otelGenai: Preset = {
  name: 'otel-genai',
  label: 'OpenTelemetry GenAI spans (OTLP JSON)',
  kind: 'requests',
  detect(sample) {
    return share(sample, (r) => Array.isArray(r.resourceSpans) || (typeof r.spanId === 'string' && Array.isArray(r.attributes)
      && (r.attributes as Json[]).some((a) => String(a?.key ?? '').startsWith('gen_ai.'))));
  },
  expand(record): SubRecord[] {
    return otelSpans(record).map((s) => ({ kind: 'requests', record: s }));
  },
  kinds: {
    requests: {
      autoDetect: false,
      fields: {
        id: 'spanId',
        ts: { path: 'startTimeUnixNano', unit: 'ns' },
        latency_ms: { path: 'duration_ms', unit: 'ms' },
        session_id: ['attributes.gen_ai.conversation.id', 'attributes.session.id'],
        user_id: ['attributes.user.id', 'attributes.enduser.id'],
        model: ['attributes.gen_ai.request.model', 'attributes.gen_ai.response.model'],
        model_version: 'attributes.gen_ai.response.model',
        feature: ['resource.service.name', 'attributes.gen_ai.operation.name'],
        input: ['attributes.gen_ai.input.messages', 'attributes.gen_ai.prompt.0.content', 'attributes.gen_ai.prompt'],
        output: ['attributes.gen_ai.output.messages', 'attributes.gen_ai.completion.0.content', 'attributes.gen_ai.completion'],
        tokens_in: ['attributes.gen_ai.usage.input_tokens', 'attributes.gen_ai.usage.prompt_tokens'],
        tokens_out: ['attributes.gen_ai.usage.output_tokens', 'attributes.gen_ai.usage.completion_tokens'],
        status: 'status',
        error: 'error',
        // OpenTelemetry geo attributes (semantic conventions, "Geo"): the user's country, else region.
        region: ['attributes.geo.country.iso_code', 'resource.geo.country.iso_code', 'attributes.geo.region.iso_code', 'resource.geo.region.iso_code'],
      },
    },
  },
  notes: ['latency_ms: endTimeUnixNano − startTimeUnixNano (nanoseconds, exact integer arithmetic)', 'spans without gen_ai.* attributes are not requests and are skipped'],
};
