/**
 * Arize Phoenix, from fixtures shaped like Phoenix's spans dataframe (context.span_id, span_kind, start_time, and
 * OpenInference attributes flattened under `attributes.`) as Parquet, CSV and pandas JSON (`to_json(orient='records')`,
 * times as epoch ms), the REST API's nested span JSON, and the span annotations dataframe.
 */
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../workspace';
import { writeParquet } from '../../testing/parquet';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { tmpDir, write, newWorkspace } = useTempWorkspaces('loupe-phoenix-');
const T = Date.UTC(2026, 2, 3, 14, 0, 0);

/** Rows of the spans dataframe: an LLM span with messages, an errored LLM span with input.value only, a CHAIN and a RETRIEVER span. */
const spans: Array<Record<string, unknown>> = [
  { 'context.span_id': 'a1b2c3d4e5f60001', 'context.trace_id': 'f0e0d0c0b0a09080706050403020100f', parent_id: 'a1b2c3d4e5f60000', name: 'ChatCompletion',
    span_kind: 'LLM', start_time: new Date(T), end_time: new Date(T + 1820), status_code: 'OK', status_message: '',
    'attributes.openinference.span.kind': 'LLM', 'attributes.llm.model_name': 'gpt-4o-2024-08-06', 'attributes.llm.token_count.prompt': 310,
    'attributes.llm.token_count.completion': 42, 'attributes.llm.cost.total': 0.001195,
    'attributes.llm.input_messages': [{ 'message.role': 'system', 'message.content': 'You help with invoices.' }, { 'message.role': 'user', 'message.content': 'Why was I charged twice?' }],
    'attributes.llm.output_messages': [{ 'message.role': 'assistant', 'message.content': 'One charge is a pending hold.' }],
    'attributes.session.id': 'sess-9', 'attributes.user.id': 'cust-4' },
  { 'context.span_id': 'a1b2c3d4e5f60002', 'context.trace_id': 'f0e0d0c0b0a09080706050403020100e', parent_id: null, name: 'ChatCompletion',
    span_kind: 'LLM', start_time: new Date(T + 60_000), end_time: new Date(T + 60_000 + 30_000), status_code: 'ERROR', status_message: 'APITimeoutError',
    'attributes.openinference.span.kind': 'LLM', 'attributes.llm.model_name': 'gpt-4o-mini', 'attributes.input.value': 'Cancel my plan',
    'attributes.llm.token_count.prompt': 12, 'attributes.llm.token_count.completion': null, 'attributes.session.id': 'sess-10', 'attributes.user.id': 'cust-5' },
  { 'context.span_id': 'a1b2c3d4e5f60000', 'context.trace_id': 'f0e0d0c0b0a09080706050403020100f', parent_id: null, name: 'query', span_kind: 'CHAIN',
    start_time: new Date(T - 100), end_time: new Date(T + 2000), status_code: 'OK', 'attributes.openinference.span.kind': 'CHAIN', 'attributes.input.value': 'Why was I charged twice?' },
  { 'context.span_id': 'a1b2c3d4e5f60003', 'context.trace_id': 'f0e0d0c0b0a09080706050403020100f', parent_id: 'a1b2c3d4e5f60000', name: 'retrieve', span_kind: 'RETRIEVER',
    start_time: new Date(T - 50), end_time: new Date(T - 10), status_code: 'OK', 'attributes.openinference.span.kind': 'RETRIEVER' },
];

const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;

function expectSpans(ws: Workspace, s: Awaited<ReturnType<typeof runImport>>): void {
  expect(s).toMatchObject({ preset: 'phoenix-spans', record_unit: 'spans', records_read: 4, inserted: 2, skipped: 2, rejected: 0 });
  expect(s.skipped_reasons.map((x) => x.reason).sort()).toEqual(['CHAIN span (not an LLM call)', 'RETRIEVER span (not an LLM call)']);
  expect(row(ws, 'a1b2c3d4e5f60001')).toMatchObject({
    trace_id: 'f0e0d0c0b0a09080706050403020100f', ts: T, latency_ms: 1820, model: 'gpt-4o-2024-08-06', input: 'Why was I charged twice?',
    output: 'One charge is a pending hold.', tokens_in: 310, tokens_out: 42, cost_usd: 0.001195, cost_source: 'source', status: 'OK', is_error: 0,
    user_id: 'cust-4', session_id: 'sess-9',
  });
  expect(row(ws, 'a1b2c3d4e5f60002')).toMatchObject({ ts: T + 60_000, latency_ms: 30_000, input: 'Cancel my plan', output: null, tokens_in: 12, tokens_out: null, error: 'APITimeoutError', is_error: 1 });
}

describe('Arize Phoenix spans', () => {
  it('Parquet spans dataframe', async () => {
    const cols = [...new Set(spans.flatMap((r) => Object.keys(r)))];
    const typeOf = (c: string) => (c.endsWith('_time') ? 'TIMESTAMP' : /token_count|cost/.test(c) ? 'DOUBLE' : /messages$/.test(c) ? 'JSON' : 'STRING');
    const file = writeParquet(path.join(tmpDir(), 'spans.parquet'), cols.map((c) => ({
      name: c, type: typeOf(c) as 'STRING',
      data: spans.map((r) => (r[c] === undefined ? null : r[c])) as never,
    })));
    const ws = await newWorkspace();
    expectSpans(ws, await runImport(ws, file, {}));
  });

  it('CSV (pandas to_csv: ISO times with offset, lists as JSON text)', async () => {
    const cols = [...new Set(spans.flatMap((r) => Object.keys(r)))];
    const csv = Papa.unparse(spans.map((r) => Object.fromEntries(cols.map((c) => {
      const v = r[c];
      return [c, v instanceof Date ? v.toISOString().replace('T', ' ').replace('Z', '+00:00') : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v];
    }))), { columns: cols });
    const ws = await newWorkspace();
    expectSpans(ws, await runImport(ws, write('spans.csv', csv), {}));
  });

  it('pandas JSON records (times as epoch ms) and the REST API shape (nested context)', async () => {
    const ws = await newWorkspace();
    const json = JSON.stringify(spans.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.getTime() : v]))));
    expectSpans(ws, await runImport(ws, write('spans.json', json), {}));
    const rest = spans.map((r) => ({
      name: r.name, context: { trace_id: r['context.trace_id'], span_id: r['context.span_id'] }, span_kind: r.span_kind, parent_id: r.parent_id,
      start_time: (r.start_time as Date).toISOString(), end_time: (r.end_time as Date).toISOString(), status_code: r.status_code, status_message: r.status_message ?? '',
      attributes: Object.fromEntries(Object.entries(r).filter(([k]) => k.startsWith('attributes.')).map(([k, v]) => [k.slice('attributes.'.length), v])),
    }));
    const ws2 = await newWorkspace();
    expectSpans(ws2, await runImport(ws2, write('spans-api.json', JSON.stringify({ data: rest, next_cursor: null })), {}));
  });

  it('pandas JSON lines with times in µs or ns (to_json date_unit="us" / "ns"): the same latencies as in ms', async () => {
    for (const [unit, perMs] of [['us', 1e3], ['ns', 1e6]] as const) {
      const ws = await newWorkspace();
      const lines = spans.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.getTime() * perMs : v])))).join('\n');
      const s = await runImport(ws, write(`spans-${unit}.jsonl`, lines), {});
      expect(s.rejected, unit).toBe(0);
      expectSpans(ws, s);
    }
  });

  it('span annotations become feedback on the span\'s request', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('spans.json', JSON.stringify(spans.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.getTime() : v]))))), {});
    const annotations = [
      { id: 'QW5ub3RhdGlvbjox', span_id: 'a1b2c3d4e5f60001', name: 'correctness', annotator_kind: 'LLM', 'result.label': 'correct', 'result.score': 1, 'result.explanation': 'Matches the policy.', created_at: '2026-03-03T15:00:00+00:00', user_id: null },
      { id: 'QW5ub3RhdGlvbjoy', span_id: 'a1b2c3d4e5f60001', name: 'user_feedback', annotator_kind: 'HUMAN', 'result.label': 'thumbs_down', 'result.score': null, 'result.explanation': null, created_at: '2026-03-03T15:01:00+00:00', user_id: 'reviewer-2' },
      { id: 'QW5ub3RhdGlvbjoz', span_id: 'a1b2c3d4e5f60002', name: 'helpfulness', annotator_kind: 'HUMAN', 'result.label': null, 'result.score': 3, 'result.explanation': 'partial', created_at: '2026-03-03T15:02:00+00:00', user_id: 'reviewer-2' },
    ];
    const s = await runImport(ws, write('annotations.jsonl', annotations.map((a) => JSON.stringify(a)).join('\n')), {});
    expect(s).toMatchObject({ preset: 'phoenix-annotations', kind: 'feedback', records_read: 3, inserted: 3, rejected: 0, links: 3 });
    const fb = Object.fromEntries(ws.db.all<Record<string, unknown>>('SELECT * FROM feedback').map((f) => [f.id, f]));
    expect(fb.QW5ub3RhdGlvbjox).toMatchObject({ request_id: 'a1b2c3d4e5f60001', link_method: 'explicit', kind: 'rating', value: 1, scale: 1, label: 'correctness', comment: 'correct — Matches the policy.', source: 'llm', ts: Date.UTC(2026, 2, 3, 15) });
    expect(fb.QW5ub3RhdGlvbjoy).toMatchObject({ kind: 'thumb', value: -1, user_id: 'reviewer-2', source: 'human' });
    expect(fb.QW5ub3RhdGlvbjoz).toMatchObject({ request_id: 'a1b2c3d4e5f60002', kind: 'rating', value: 3, scale: 5, comment: 'partial' });
  });
});

describe('span annotations of one name share one rating scale', () => {
  it('"quality" 1 labelled poor and 4 labelled good are 1 and 4 of 5; the category leads the comment', async () => {
    const ws = await newWorkspace();
    const a = (i: number, label: string, score: number) => ({ id: `A${i}`, span_id: `s${i}`, name: 'quality', annotator_kind: 'LLM', 'result.label': label, 'result.score': score, 'result.explanation': i === 1 ? 'cites the wrong clause' : null, created_at: '2026-03-03T15:00:00+00:00' });
    const s = await runImport(ws, write('ann2.jsonl', [a(1, 'poor', 1), a(2, 'good', 4)].map((x) => JSON.stringify(x)).join('\n')), {});
    expect(s).toMatchObject({ preset: 'phoenix-annotations', inserted: 2, rejected: 0 });
    expect(ws.db.all('SELECT id, value, scale, label, comment FROM feedback ORDER BY id')).toEqual([
      { id: 'A1', value: 1, scale: 5, label: 'quality', comment: 'poor — cites the wrong clause' },
      { id: 'A2', value: 4, scale: 5, label: 'quality', comment: 'good' },
    ]);
  });
});
