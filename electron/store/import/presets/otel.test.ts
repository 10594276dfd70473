/**
 * OpenTelemetry GenAI spans, from fixtures written to the OTLP/JSON encoding of opentelemetry-proto (trace/v1,
 * common/v1) and the GenAI semantic conventions: a whole OTLP document (what an SDK file exporter writes), the
 * Collector file exporter's JSON lines, the three generations of prompt/completion attributes, non-LLM spans skipped
 * and counted, and resource attributes as mapping paths.
 */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../workspace';
import { refusal, useTempWorkspaces } from '../../testing/temp';
import { previewImport, runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-otel-');

type Attr = { key: string; value: Record<string, unknown> };
const s = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });
const i = (key: string, v: number): Attr => ({ key, value: { intValue: String(v) } });
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0); // 2026-03-02T09:00:00Z
const ns = (ms: number, extraNs = 0) => (BigInt(ms) * 1_000_000n + BigInt(extraNs)).toString();
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');

/** A chat span of generation 1: flattened gen_ai.prompt.N / gen_ai.completion.N attributes (OpenLLMetry). */
function gen1(n: number): Record<string, unknown> {
  return {
    traceId: hex(n, 32), spanId: hex(0x1000 + n, 16), parentSpanId: hex(0x9000 + n, 16), name: 'openai.chat', kind: 3,
    startTimeUnixNano: ns(T0 + n * 60_000), endTimeUnixNano: ns(T0 + n * 60_000 + 1234, 567_000),
    attributes: [
      s('gen_ai.system', 'openai'), s('gen_ai.request.model', 'gpt-4o-mini'), s('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'),
      s('gen_ai.prompt.0.role', 'system'), s('gen_ai.prompt.0.content', 'You are terse.'),
      s('gen_ai.prompt.1.role', 'user'), s('gen_ai.prompt.1.content', `Question ${n}?`),
      s('gen_ai.completion.0.role', 'assistant'), s('gen_ai.completion.0.content', `Answer ${n}.`),
      i('gen_ai.usage.prompt_tokens', 100 + n), i('gen_ai.usage.completion_tokens', 20 + n),
      s('app.feature', 'search'), s('user.id', `u-${n % 3}`), s('session.id', `s-${n}`),
    ],
    status: { code: 1 },
  };
}

/** A chat span of generation 2: prompt and completion in span events (gen_ai.content.prompt / .completion). */
function gen2(n: number): Record<string, unknown> {
  return {
    traceId: hex(n, 32), spanId: hex(0x2000 + n, 16), name: 'chat claude-3-5-haiku', kind: 3,
    startTimeUnixNano: ns(T0 + n * 60_000 + 5000), endTimeUnixNano: ns(T0 + n * 60_000 + 5800),
    attributes: [
      s('gen_ai.operation.name', 'chat'), s('gen_ai.request.model', 'claude-3-5-haiku'),
      i('gen_ai.usage.input_tokens', 50), i('gen_ai.usage.output_tokens', 7), s('gen_ai.conversation.id', `conv-${n}`),
    ],
    events: [
      { timeUnixNano: ns(T0 + n * 60_000 + 5000), name: 'gen_ai.content.prompt', attributes: [s('gen_ai.prompt', JSON.stringify([{ role: 'user', content: `Summarise ${n}` }]))] },
      { timeUnixNano: ns(T0 + n * 60_000 + 5800), name: 'gen_ai.content.completion', attributes: [s('gen_ai.completion', JSON.stringify([{ role: 'assistant', content: `Summary ${n}` }]))] },
    ],
    status: { code: 2, message: n % 2 ? 'rate limited' : '' },
  };
}

/** A chat span of generation 3: gen_ai.input.messages / gen_ai.output.messages (parts), one as JSON text. */
function gen3(n: number): Record<string, unknown> {
  return {
    traceId: hex(n, 32), spanId: hex(0x3000 + n, 16), name: 'chat gpt-4.1', kind: 3,
    startTimeUnixNano: ns(T0 + n * 60_000 + 9000), endTimeUnixNano: ns(T0 + n * 60_000 + 9250),
    attributes: [
      s('gen_ai.operation.name', 'chat'), s('gen_ai.request.model', 'gpt-4.1'),
      s('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Translate ${n}` }] }])),
      { key: 'gen_ai.output.messages', value: { arrayValue: { values: [{ kvlistValue: { values: [
        s('role', 'assistant'),
        { key: 'parts', value: { arrayValue: { values: [{ kvlistValue: { values: [s('type', 'text'), s('content', `Übersetzt ${n}`)] } }] } } },
        s('finish_reason', 'stop'),
      ] } }] } } },
      i('gen_ai.usage.input_tokens', 30), i('gen_ai.usage.output_tokens', 12),
    ],
    status: {},
  };
}

/** An HTTP span and a database span of the same traces: not model calls. */
function other(n: number): Record<string, unknown> {
  return {
    traceId: hex(n, 32), spanId: hex(0x9000 + n, 16), name: n % 2 ? 'GET /search' : 'SELECT orders', kind: 2,
    startTimeUnixNano: ns(T0 + n * 60_000 - 10), endTimeUnixNano: ns(T0 + n * 60_000 + 2000),
    attributes: n % 2 ? [s('http.request.method', 'GET'), i('http.response.status_code', 200)] : [s('db.system', 'postgresql')],
  };
}

/** An OTLP traces document: 10 gen1 + 10 gen2 + 8 gen3 chat spans and 12 other spans = 40 spans. */
function document(): Record<string, unknown> {
  const spans1 = [...Array.from({ length: 10 }, (_, k) => gen1(k)), ...Array.from({ length: 6 }, (_, k) => other(k))];
  const spans2 = [...Array.from({ length: 10 }, (_, k) => gen2(k)), ...Array.from({ length: 8 }, (_, k) => gen3(k)), ...Array.from({ length: 6 }, (_, k) => other(k + 6))];
  return {
    resourceSpans: [
      { resource: { attributes: [s('service.name', 'support-bot'), s('deployment.environment', 'prod'), s('cloud.region', 'eu-west-1')] },
        scopeSpans: [{ scope: { name: 'opentelemetry.instrumentation.openai', version: '0.40.0' }, spans: spans1 }] },
      { resource: { attributes: [s('service.name', 'summariser')] },
        scopeSpans: [{ scope: { name: 'genai' }, spans: spans2 }] },
    ],
  };
}

const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;

describe('OpenTelemetry: the region of a span', () => {
  it('comes from the geo attributes (semantic conventions, "Geo"): the span\'s country, else its resource\'s; never cloud.region', async () => {
    const ws = await newWorkspace();
    const span = (n: number, attrs: Attr[]) => ({ ...gen1(n), attributes: [...(gen1(n).attributes as Attr[]), ...attrs] });
    const doc = { resourceSpans: [
      { resource: { attributes: [s('service.name', 'eu-bot'), s('geo.country.iso_code', 'FR'), s('cloud.region', 'eu-west-1')] },
        scopeSpans: [{ scope: { name: 'x' }, spans: [span(1, []), span(2, [s('geo.country.iso_code', 'IT')]), span(3, [s('geo.region.iso_code', 'ES-CT')])] }] },
      { resource: { attributes: [s('service.name', 'us-bot'), s('cloud.region', 'us-east-1')] },
        scopeSpans: [{ scope: { name: 'x' }, spans: [span(4, []), span(5, [s('geo.region.iso_code', 'US-CA')])] }] },
    ] };
    const r = await runImport(ws, write('geo.json', JSON.stringify(doc)), {});
    expect(r).toMatchObject({ preset: 'otel-genai', inserted: 5 });
    const region = (n: number) => row(ws, hex(0x1000 + n, 16)).region;
    // A span's own country first, then its resource's country, then a region code; cloud.region is the server's, not the user's.
    expect([1, 2, 3, 4, 5].map(region)).toEqual(['FR', 'IT', 'FR', null, 'US-CA']);
  });
});

describe('OpenTelemetry: cache tokens as OpenLLMetry writes them', () => {
  it('gen_ai.usage.cache_read_input_tokens / cache_creation_input_tokens are read, and not added again to prompt_tokens, which includes them', async () => {
    const ws = await newWorkspace();
    // OpenLLMetry's Anthropic instrumentation: prompt_tokens 1,300 = 100 input + 1,000 cache reads + 200 cache writes.
    const span = { ...gen1(1), attributes: [s('gen_ai.system', 'anthropic'), s('gen_ai.request.model', 'claude-3-5-sonnet-20241022'), s('gen_ai.response.model', 'claude-3-5-sonnet-20241022'),
      s('gen_ai.prompt.0.role', 'user'), s('gen_ai.prompt.0.content', 'Hi'), s('gen_ai.completion.0.role', 'assistant'), s('gen_ai.completion.0.content', 'Hello'),
      i('gen_ai.usage.prompt_tokens', 1300), i('gen_ai.usage.completion_tokens', 20), i('gen_ai.usage.cache_read_input_tokens', 1000), i('gen_ai.usage.cache_creation_input_tokens', 200)] };
    await runImport(ws, write('cache.json', JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'x' }, spans: [span] }] }] })), {});
    const r = row(ws, hex(0x1001, 16));
    expect(r).toMatchObject({ tokens_in: 1300, tokens_cached_in: 1000, tokens_cache_write_in: 200, tokens_out: 20, price_tier: 'standard+cached' });
    // The workspace's claude-3-5-sonnet prices (USD per million): 100 × 3 + 1,000 × 0.30 + 200 × 3.75 + 20 × 15.
    expect(r.cost_usd as number).toBeCloseTo((100 * 3 + 1000 * 0.3 + 200 * 3.75 + 20 * 15) / 1e6, 12);
  });
});

describe('OpenTelemetry: a whole OTLP JSON document', () => {
  it('imports each LLM span as a request, counts spans (not the document) and skips the 12 non-LLM spans with a reason', async () => {
    const ws = await newWorkspace();
    const file = write('traces.json', JSON.stringify(document(), null, 2));
    const s1 = await runImport(ws, file, {});
    expect(s1).toMatchObject({ preset: 'otel-genai', kind: 'requests', record_unit: 'spans', records_read: 40, inserted: 28, rejected: 0, skipped: 12 });
    expect(s1.skipped_reasons).toEqual([{ reason: 'non-LLM span (no gen_ai.* attributes or events)', count: 12 }]);
    expect(s1.notes).toContain('12 skipped: non-LLM span (no gen_ai.* attributes or events)');
    expect(s1.inserted + s1.updated + s1.duplicates + s1.duplicates_in_file + s1.rejected + s1.skipped).toBe(s1.records_read);

    // Generation 1: flattened attributes; app.feature wins over service.name; exact ns arithmetic for latency.
    expect(row(ws, hex(0x1003, 16))).toMatchObject({
      trace_id: hex(3, 32), ts: T0 + 3 * 60_000, latency_ms: 1234.567, model: 'gpt-4o-mini', model_version: 'gpt-4o-mini-2024-07-18',
      feature: 'search', user_id: 'u-0', session_id: 's-3', input: 'Question 3?', output: 'Answer 3.', tokens_in: 103, tokens_out: 23,
      cost_usd: (103 * 0.15 + 23 * 0.6) / 1e6, cost_source: 'price_table', status: 'ok', is_error: 0,
    });
    // Resource attributes stay available (region, environment) in extra.
    const extra = JSON.parse(String(row(ws, hex(0x1003, 16)).extra)) as { resource: Record<string, unknown> };
    expect(extra.resource).toMatchObject({ cloud: { region: 'eu-west-1' }, deployment: { environment: 'prod' } });

    // Generation 2: span events; status ERROR with its message is an error.
    expect(row(ws, hex(0x2005, 16))).toMatchObject({
      ts: T0 + 5 * 60_000 + 5000, latency_ms: 800, model: 'claude-3-5-haiku', feature: 'summariser', session_id: 'conv-5',
      input: 'Summarise 5', output: 'Summary 5', tokens_in: 50, tokens_out: 7, status: 'error', error: 'rate limited', is_error: 1,
    });
    expect(row(ws, hex(0x2004, 16))).toMatchObject({ error: 'error', is_error: 1 });

    // Generation 3: gen_ai.input.messages as JSON text, gen_ai.output.messages as a structured value.
    expect(row(ws, hex(0x3007, 16))).toMatchObject({ input: 'Translate 7', output: 'Übersetzt 7', tokens_in: 30, tokens_out: 12, model: 'gpt-4.1', latency_ms: 250, status: 'unset', is_error: 0 });
  });

  it('a document whose scopeSpans or spans is not an array is refused naming the field; in Collector JSON lines it is that line\'s reject', async () => {
    const ws = await newWorkspace();
    const rs = (document() as { resourceSpans: Array<Record<string, unknown>> }).resourceSpans[0]!;
    const bad = { resourceSpans: [{ ...rs, scopeSpans: { scope: { name: 'x' }, spans: [] } }] };
    const e = await refusal(runImport(ws, write('bad.json', JSON.stringify(bad)), {}));
    expect(e.code).toBe('IMPORT_UNREADABLE');
    expect(e.message).toBe('bad.json: not an OTLP traces document as the protocol writes it: resourceSpans[0].scopeSpans: expected an array, found an object (OTLP JSON: resourceSpans[].scopeSpans[].spans[])');
    const ss = (rs.scopeSpans as Array<Record<string, unknown>>)[0]!;
    const badSpans = { resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: { not: 'a list' } }] }] };
    expect((await refusal(runImport(ws, write('bad2.json', JSON.stringify(badSpans)), {}))).message).toContain('resourceSpans[0].scopeSpans[0].spans: expected an array, found an object');
    // Collector lines: the good lines import, the bad one is a counted reject naming its line and field.
    const s = await runImport(ws, write('lines.jsonl', [JSON.stringify({ resourceSpans: [rs] }), JSON.stringify(bad)].join('\n')), {});
    expect(s.rejected).toBe(1);
    expect(s.rejects[0]).toMatchObject({ line: 2, field: 'resourceSpans[0].scopeSpans' });
    expect(s.inserted).toBeGreaterThan(0);
  });

  it('the same spans as Collector file-exporter JSON lines import the same rows; a resource attribute maps by path', async () => {
    const doc = document() as { resourceSpans: unknown[] };
    const lines = doc.resourceSpans.map((rs) => JSON.stringify({ resourceSpans: [rs] })).join('\n');
    const ws = await newWorkspace();
    const s1 = await runImport(ws, write('otel.jsonl', `${lines}\n`), { mapping: { segment: 'resource.deployment.environment' } });
    expect(s1).toMatchObject({ records_read: 40, inserted: 28, skipped: 12, record_unit: 'spans' });
    expect(row(ws, hex(0x1001, 16))).toMatchObject({ segment: 'prod', input: 'Question 1?' });
    expect(row(ws, hex(0x3001, 16)).segment).toBeNull();
    // Re-importing adds nothing and says so in spans.
    const s2 = await runImport(ws, write('otel.jsonl', `${lines}\n`), { mapping: { segment: 'resource.deployment.environment' } });
    expect(s2).toMatchObject({ inserted: 0, duplicates: 28, skipped: 12 });
  });

  it('a file of spans none of which is a model call is refused (exit 1), never reported as a success', async () => {
    const ws = await newWorkspace();
    const doc = { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: Array.from({ length: 5 }, (_, k) => other(k)) }] }] };
    const e = await refusal(runImport(ws, write('http.json', JSON.stringify(doc)), {}));
    expect(e.code).toBe('IMPORT_EMPTY');
    expect(e.message).toBe('http.json: 5 spans read and nothing stored; 5 skipped: non-LLM span (no gen_ai.* attributes or events).');
    expect(ws.db.value('SELECT count(*) FROM imports')).toBe(0);
  });

  it('agent and tool spans carrying gen_ai attributes are skipped as not model calls', async () => {
    const ws = await newWorkspace();
    const tool = { ...gen3(1), spanId: 'aaaa000000000001', attributes: [s('gen_ai.operation.name', 'execute_tool'), s('gen_ai.tool.name', 'search')] };
    const doc = { resourceSpans: [{ resource: {}, scopeSpans: [{ spans: [gen3(2), tool] }] }] };
    const r = await runImport(ws, write('agent.json', JSON.stringify(doc)), {});
    expect(r).toMatchObject({ records_read: 2, inserted: 1, skipped: 1 });
    expect(r.skipped_reasons[0]!.reason).toBe('GenAI span that is not a model call (gen_ai.operation.name execute_tool)');
  });

  it('the preview detects the document and says what it holds', async () => {
    const ws = await newWorkspace();
    const p = await previewImport(ws, write('traces.json', JSON.stringify(document())), {});
    expect(p.preset).toBe('otel-genai');
    expect(p.notes).toContain('format: OTLP JSON traces document (40 spans in 2 resource groups); each span is a record, positions are span numbers');
    expect(p.mapped.length).toBe(20);
    expect(p.notes).toContain('in the first 40 spans: 12 would be skipped (non-LLM span (no gen_ai.* attributes or events))');
  });
});
