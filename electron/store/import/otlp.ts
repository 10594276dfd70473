/**
 * OTLP JSON traces → one record per span. Both shapes that OpenTelemetry writes are read: a single OTLP JSON document
 * (`{"resourceSpans": [...]}`, an `ExportTraceServiceRequest`, as an SDK's file exporter writes it) and the
 * Collector file exporter's JSON lines (one such object per line). Each span becomes a flat record, so import counts
 * are counts of spans, not of documents:
 *
 * `{traceId, spanId, parentSpanId, name, kind, startTimeUnixNano, endTimeUnixNano, duration_ms, attributes, events,
 *   status, status_message, resource, scope}` where `attributes` and `resource` are the OTLP key-value lists turned
 * into nested objects (`gen_ai.usage.input_tokens` → `{gen_ai: {usage: {input_tokens}}}`, so both the dotted name and
 * the nested path work as mapping paths), `events` is `[{name, timeUnixNano, attributes}]` and `status` is
 * 'ok' | 'error' | 'unset'.
 *
 * Schema: opentelemetry-proto, opentelemetry/proto/trace/v1/trace.proto and common/v1/common.proto (AnyValue,
 * KeyValue), in the OTLP/JSON encoding of the OTLP specification (docs/specification.md, "JSON Protobuf Encoding":
 * lowerCamelCase field names, 64-bit integers as decimal strings, trace and span ids as hex strings, enums as
 * integers). The older `instrumentationLibrarySpans` name of `scopeSpans` is read too.
 */

type Json = Record<string, unknown>;

/** An OTLP AnyValue as a plain value: string, number, boolean, array, nested object, or the bytes' base64 text. */
export function anyValue(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const o = v as Json;
  if ('stringValue' in o) return o.stringValue;
  if ('intValue' in o) return typeof o.intValue === 'string' && /^-?\d{1,15}$/.test(o.intValue) ? Number(o.intValue) : o.intValue;
  if ('doubleValue' in o) return o.doubleValue;
  if ('boolValue' in o) return o.boolValue;
  if ('arrayValue' in o) return (((o.arrayValue as Json | undefined)?.values as unknown[] | undefined) ?? []).map(anyValue);
  if ('kvlistValue' in o) return attributes((o.kvlistValue as Json | undefined)?.values);
  if ('bytesValue' in o) return o.bytesValue;
  return undefined;
}

/**
 * An OTLP attribute list as a nested object: `gen_ai.usage.input_tokens` → `{gen_ai: {usage: {input_tokens}}}`. A
 * key that is both a value and a prefix of other keys (`gen_ai.prompt` and `gen_ai.prompt.0.content`) keeps its
 * dotted name at the top level, so nothing is lost.
 */
export function attributes(list: unknown): Json {
  const out: Json = {};
  if (!Array.isArray(list)) return out;
  for (const a of list) {
    if (!a || typeof a !== 'object') continue;
    const key = String((a as Json).key ?? '');
    if (!key) continue;
    const value = anyValue((a as Json).value);
    const parts = key.split('.');
    let cur = out;
    let ok = true;
    for (const p of parts.slice(0, -1)) {
      const next = cur[p];
      if (next === undefined) cur[p] = {};
      else if (next === null || typeof next !== 'object' || Array.isArray(next)) { ok = false; break; }
      cur = cur[p] as Json;
    }
    const last = parts[parts.length - 1]!;
    if (ok && !(last in cur)) cur[last] = value;
    else out[key] = value;
  }
  return out;
}

/** end − start of two nanosecond times (decimal strings or numbers), in ms, exact integer arithmetic; null if unknown. */
export function durationMs(start: unknown, end: unknown): number | null {
  if (start === undefined || end === undefined || start === null || end === null || start === '' || end === '') return null;
  try {
    const d = BigInt(String(end)) - BigInt(String(start));
    return d < 0n ? null : Number(d) / 1e6;
  } catch {
    return null;
  }
}

/** OTLP StatusCode; an absent code (OTLP/JSON omits default values) is STATUS_CODE_UNSET. */
function statusText(code: unknown): 'ok' | 'error' | 'unset' | null {
  if (code === undefined || code === null) return 'unset';
  const s = String(code);
  if (s === '2' || s === 'STATUS_CODE_ERROR') return 'error';
  if (s === '1' || s === 'STATUS_CODE_OK') return 'ok';
  if (s === '0' || s === 'STATUS_CODE_UNSET') return 'unset';
  return null;
}

/** One span as a flat record with its resource and scope (see the module doc). */
export function flattenSpan(span: Json, resource: Json, scope: Json): Json {
  const status = (span.status ?? {}) as Json;
  const events = Array.isArray(span.events)
    ? (span.events as Json[]).map((e) => ({ name: e?.name ?? null, timeUnixNano: e?.timeUnixNano ?? null, attributes: attributes(e?.attributes) }))
    : [];
  const out: Json = {
    traceId: span.traceId ?? null,
    spanId: span.spanId ?? null,
    parentSpanId: span.parentSpanId || null,
    name: span.name ?? null,
    kind: span.kind ?? null,
    startTimeUnixNano: span.startTimeUnixNano ?? null,
    endTimeUnixNano: span.endTimeUnixNano ?? null,
    duration_ms: durationMs(span.startTimeUnixNano, span.endTimeUnixNano),
    attributes: attributes(span.attributes),
    events,
    status: statusText(status.code),
    status_message: status.message || null,
    resource,
    scope,
  };
  if (Array.isArray(span.links) && span.links.length) out.links = span.links;
  return out;
}

/** True when a parsed JSON value is an OTLP traces document (`resourceSpans` array). */
export function isOtlpTraces(v: unknown): v is { resourceSpans: unknown[] } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as Json).resourceSpans);
}

/** An OTLP document whose structure is not the protocol's: `field` is its path (`resourceSpans[0].scopeSpans`). */
export class OtlpShapeError extends Error {
  constructor(readonly field: string, readonly expected: string, found: unknown) {
    super(`${field}: expected ${expected}, found ${found === null ? 'null' : Array.isArray(found) ? 'an array' : typeof found === 'object' ? 'an object' : `a ${typeof found}`} (OTLP JSON: resourceSpans[].scopeSpans[].spans[])`);
  }
}

/**
 * Every span of an OTLP traces document, flattened (see {@link flattenSpan}), in document order.
 * @throws OtlpShapeError when `scopeSpans` (or the older `instrumentationLibrarySpans`) or `spans` is present but not
 *   an array, naming where
 */
export function otlpSpans(doc: { resourceSpans: unknown[] }): Json[] {
  const out: Json[] = [];
  const list = (v: unknown, field: string): Json[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new OtlpShapeError(field, 'an array', v);
    return v as Json[];
  };
  (doc.resourceSpans as Json[]).forEach((rs, i) => {
    if (!rs || typeof rs !== 'object') return;
    const resource = attributes((rs.resource as Json | undefined)?.attributes);
    const key = rs.scopeSpans !== undefined ? 'scopeSpans' : 'instrumentationLibrarySpans';
    list(rs[key], `resourceSpans[${i}].${key}`).forEach((ss, j) => {
      if (!ss || typeof ss !== 'object') return;
      const sc = (ss.scope ?? ss.instrumentationLibrary ?? {}) as Json;
      const scope = { name: sc.name ?? null, version: sc.version ?? null };
      for (const span of list(ss.spans, `resourceSpans[${i}].${key}[${j}].spans`)) {
        if (span && typeof span === 'object') out.push(flattenSpan(span, resource, scope));
      }
    });
  });
  return out;
}
