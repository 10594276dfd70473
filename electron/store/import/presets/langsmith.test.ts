/**
 * LangSmith run exports, from fixtures written to the documented Run data format: a trace of a root chain run, a
 * retriever run, two LLM runs (LangChain-serialised messages, OpenAI-style dict messages) and a tool run, with
 * feedback_stats on the root and on an LLM run; as JSONL and as the bulk export's Parquet (nested fields as JSON text).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../workspace';
import { writeParquet } from '../../testing/parquet';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { tmpDir, write, newWorkspace } = useTempWorkspaces('loupe-langsmith-');

const TRACE = '1ef2a3b4-0000-4000-8000-000000000001';
const human = (content: string) => ({ lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', 'HumanMessage'], kwargs: { content, type: 'human' } });
const system = (content: string) => ({ lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', 'SystemMessage'], kwargs: { content, type: 'system' } });

const runs: Array<Record<string, unknown>> = [
  { id: TRACE, name: 'SupportAgent', run_type: 'chain', start_time: '2026-03-02T09:00:00.000000', end_time: '2026-03-02T09:00:04.000000',
    inputs: { question: 'Can I return shoes?' }, outputs: { answer: 'Yes, within 30 days.' }, error: null, trace_id: TRACE, parent_run_id: null,
    status: 'success', extra: { metadata: { user_id: 'u-7', thread_id: 'th-1', feature: 'returns' } },
    feedback_stats: { user_score: { n: 1, avg: 1.0, values: {} }, correctness: { n: 2, avg: 0.5, values: {} } } },
  { id: '1ef2a3b4-0000-4000-8000-000000000002', name: 'Retriever', run_type: 'retriever', start_time: '2026-03-02T09:00:00.100000',
    end_time: '2026-03-02T09:00:00.300000', inputs: { query: 'returns' }, outputs: { documents: [] }, trace_id: TRACE, parent_run_id: TRACE, status: 'success' },
  { id: '1ef2a3b4-0000-4000-8000-000000000003', name: 'ChatOpenAI', run_type: 'llm', start_time: '2026-03-02T09:00:00.400000',
    end_time: '2026-03-02T09:00:02.150000', first_token_time: '2026-03-02T09:00:00.900000', trace_id: TRACE, parent_run_id: TRACE, status: 'success',
    inputs: { messages: [[system('Answer briefly.'), human('Can I return shoes?')]] },
    outputs: { generations: [[{ text: 'Yes, within 30 days.', generation_info: { finish_reason: 'stop' }, message: { lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', 'AIMessage'], kwargs: { content: 'Yes, within 30 days.' } } }]], llm_output: { token_usage: { prompt_tokens: 512, completion_tokens: 9 } } },
    extra: { invocation_params: { model: 'gpt-4o-mini', temperature: 0 }, metadata: { user_id: 'u-7', thread_id: 'th-1', feature: 'returns', ls_model_name: 'gpt-4o-mini' } },
    prompt_tokens: 512, completion_tokens: 9, total_tokens: 521, total_cost: 0.0000822, error: null,
    feedback_stats: { thumbs: { n: 1, avg: 0, values: {} } } },
  { id: '1ef2a3b4-0000-4000-8000-000000000004', name: 'lookup_order', run_type: 'tool', start_time: '2026-03-02T09:00:02.200000',
    end_time: '2026-03-02T09:00:02.400000', inputs: { order: 'A1' }, outputs: { status: 'shipped' }, trace_id: TRACE, parent_run_id: TRACE },
  { id: '1ef2a3b4-0000-4000-8000-000000000005', name: 'ChatAnthropic', run_type: 'llm', start_time: '2026-03-02T09:00:02.500000',
    end_time: '2026-03-02T09:00:03.900000', trace_id: TRACE, parent_run_id: TRACE, status: 'error', error: 'RateLimitError: 429',
    inputs: { messages: [{ role: 'user', content: 'Summarise the order.' }] }, outputs: null,
    extra: { invocation_params: { model: 'claude-3-5-haiku' }, metadata: { thread_id: 'th-1' } }, prompt_tokens: 40, completion_tokens: 0, total_cost: null },
];

const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;

function expectRuns(ws: Workspace, s: Awaited<ReturnType<typeof runImport>>): void {
  expect(s).toMatchObject({ preset: 'langsmith', record_unit: 'runs', records_read: 5, rejected: 0, skipped: 3 });
  expect(s.skipped_reasons).toEqual([
    { reason: 'chain run (not an LLM call)', count: 1 }, { reason: 'retriever run (not an LLM call)', count: 1 }, { reason: 'tool run (not an LLM call)', count: 1 },
  ]);
  expect(s.per_kind).toMatchObject({ requests: { inserted: 2 }, feedback: { inserted: 3 } });
  expect(ws.db.value('SELECT count(*) FROM requests')).toBe(2);
  expect(row(ws, '1ef2a3b4-0000-4000-8000-000000000003')).toMatchObject({
    trace_id: TRACE, ts: Date.UTC(2026, 2, 2, 9, 0, 0, 400), latency_ms: 1750, ttft_ms: 500, model: 'gpt-4o-mini', user_id: 'u-7', session_id: 'th-1',
    feature: 'returns', input: 'Can I return shoes?', output: 'Yes, within 30 days.', tokens_in: 512, tokens_out: 9, cost_usd: 0.0000822,
    cost_source: 'source', status: 'success', is_error: 0,
  });
  expect(row(ws, '1ef2a3b4-0000-4000-8000-000000000005')).toMatchObject({
    latency_ms: 1400, model: 'claude-3-5-haiku', input: 'Summarise the order.', output: null, error: 'RateLimitError: 429', is_error: 1, tokens_in: 40, tokens_out: 0,
  });
  const fb = Object.fromEntries(ws.db.all<Record<string, unknown>>('SELECT * FROM feedback').map((f) => [f.id, f]));
  // Feedback on the root chain run links to the latest LLM run of the trace; on an LLM run, to that run.
  expect(fb[`${TRACE}:user_score`]).toMatchObject({ kind: 'rating', value: 1, scale: 1, label: 'user_score', request_id: '1ef2a3b4-0000-4000-8000-000000000005', link_method: 'trace', trace_id: TRACE, source: 'langsmith' });
  expect(fb[`${TRACE}:correctness`]).toMatchObject({ value: 0.5, scale: 1, link_method: 'trace' });
  expect(fb['1ef2a3b4-0000-4000-8000-000000000003:thumbs']).toMatchObject({ value: 0, request_id: '1ef2a3b4-0000-4000-8000-000000000003', link_method: 'explicit' });
}

describe('LangSmith runs', () => {
  it('JSONL: LLM runs are requests, chain/retriever/tool runs are counted as skipped, feedback_stats become feedback', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('runs.jsonl', runs.map((r) => JSON.stringify(r)).join('\n')), {});
    expectRuns(ws, s);
  });

  it('categorical feedback_stats (avg null, labels in values) are kept as their labels, never a 0 rating; a key with neither is counted as skipped', async () => {
    const ws = await newWorkspace();
    const llm = { ...runs[2]!, id: 'run-cat', feedback_stats: { sentiment: { n: 3, avg: null, values: { positive: 2, negative: 1 } }, empty: { n: 0, avg: null, values: {} }, score: { n: 1, avg: 0, values: {} } } };
    const s = await runImport(ws, write('cat.jsonl', JSON.stringify(llm)), {});
    expect(s.skipped_reasons).toEqual([{ reason: 'feedback_stats key with neither an average nor labels', count: 1 }]);
    const fb = Object.fromEntries(ws.db.all<Record<string, unknown>>('SELECT * FROM feedback').map((f) => [f.id, f]));
    expect(fb['run-cat:sentiment']).toMatchObject({ kind: 'comment', value: null, scale: null, label: 'sentiment', comment: 'positive ×2, negative ×1', request_id: 'run-cat' });
    expect(fb['run-cat:score']).toMatchObject({ kind: 'rating', value: 0, scale: 1 }); // a real average of 0 stays a rating
    expect(Object.keys(fb)).toHaveLength(2);
  });

  it('bulk export Parquet (nested fields as JSON text) gives the same rows', async () => {
    const ws = await newWorkspace();
    const str = (name: string) => ({ name, type: 'STRING' as const, data: runs.map((r) => (r[name] === undefined || r[name] === null ? null : typeof r[name] === 'object' ? JSON.stringify(r[name]) : String(r[name]))) });
    const int = (name: string) => ({ name, type: 'INT64' as const, data: runs.map((r) => (typeof r[name] === 'number' ? BigInt(r[name] as number) : null)) });
    const file = writeParquet(path.join(tmpDir(), 'runs.parquet'), [
      str('id'), str('name'), str('run_type'), str('start_time'), str('end_time'), str('first_token_time'), str('inputs'), str('outputs'), str('error'),
      str('extra'), str('trace_id'), str('parent_run_id'), str('status'), int('prompt_tokens'), int('completion_tokens'),
      { name: 'total_cost', type: 'DOUBLE' as const, data: runs.map((r) => (r.total_cost ?? null) as number | null) }, str('feedback_stats'),
    ], 2);
    const s = await runImport(ws, file, {});
    expect(s.notes[0]).toMatch(/^format: Parquet \(5 rows in 3 row groups/);
    expectRuns(ws, s);
  });
});
