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

describe('LangSmith feedback export (Client.list_feedback; the Feedback schema of langsmith-sdk schemas.py)', () => {
  const T2 = '2ef2a3b4-0000-4000-8000-000000000001';
  const LLM2 = '2ef2a3b4-0000-4000-8000-000000000002';
  const llmRuns = [
    { id: T2, name: 'Agent', run_type: 'chain', start_time: '2026-03-02T10:00:00', end_time: '2026-03-02T10:00:03', trace_id: T2, parent_run_id: null, inputs: {}, outputs: {} },
    { id: LLM2, name: 'ChatOpenAI', run_type: 'llm', start_time: '2026-03-02T10:00:01', end_time: '2026-03-02T10:00:02', trace_id: T2, parent_run_id: T2,
      inputs: { messages: [[human('Hi, I am Ana')]] }, outputs: { generations: [[{ text: 'Hello!' }]] }, extra: { invocation_params: { model: 'gpt-4o' } } },
  ];
  const fb = (i: number, run: string, key: string, score: unknown, extra: Record<string, unknown> = {}) => ({
    id: `fb-${i}`, created_at: `2026-03-02T11:0${i}:00.000000`, modified_at: `2026-03-02T11:0${i}:00.000000`, run_id: run, trace_id: T2, key, score,
    value: null, comment: null, correction: null, feedback_source: { type: 'api', metadata: {}, user_id: null }, session_id: 'proj-1',
    comparative_experiment_id: null, feedback_group_id: null, extra: null, ...extra,
  });
  it('is feedback, not requests: thumbs, ratings on one scale per key, categorical values as text, corrections kept; linked to the run or its trace', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('runs.jsonl', llmRuns.map((r) => JSON.stringify(r)).join('\n')), {});
    const file = [
      fb(1, LLM2, 'user_score', 1, { comment: 'Great answer' }),
      fb(2, T2, 'user_score', 0),
      fb(3, T2, 'thumbs', true),
      fb(4, LLM2, 'quality', 1),
      fb(5, LLM2, 'quality', 4),
      fb(6, T2, 'category', null, { value: 'billing', feedback_source: { type: 'model', metadata: {}, user_id: null } }),
      fb(7, LLM2, 'correctness', 0, { value: 'incorrect', comment: 'Should greet by name', correction: { output: 'Hi Ana!' }, feedback_source: { type: 'app', metadata: {}, user_id: 'rev-1' } }),
    ].map((r) => JSON.stringify(r)).join('\n');
    const s = await runImport(ws, write('feedback.jsonl', file), {});
    expect(s).toMatchObject({ preset: 'langsmith-feedback', kind: 'feedback', inserted: 7, rejected: 0, links: 7 });
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(1);
    expect(ws.db.all('SELECT id, request_id, link_method, kind, value, scale, label, comment, source, user_id, ts FROM feedback ORDER BY id')).toEqual([
      { id: 'fb-1', request_id: LLM2, link_method: 'explicit', kind: 'thumb', value: 1, scale: null, label: 'user_score', comment: 'Great answer', source: 'api', user_id: null, ts: Date.UTC(2026, 2, 2, 11, 1) },
      { id: 'fb-2', request_id: LLM2, link_method: 'trace', kind: 'thumb', value: -1, scale: null, label: 'user_score', comment: null, source: 'api', user_id: null, ts: Date.UTC(2026, 2, 2, 11, 2) },
      { id: 'fb-3', request_id: LLM2, link_method: 'trace', kind: 'thumb', value: 1, scale: null, label: 'thumbs', comment: null, source: 'api', user_id: null, ts: Date.UTC(2026, 2, 2, 11, 3) },
      // quality 1 and 4: one key, one scale (1 of 5, not 1 of 1).
      { id: 'fb-4', request_id: LLM2, link_method: 'explicit', kind: 'rating', value: 1, scale: 5, label: 'quality', comment: null, source: 'api', user_id: null, ts: Date.UTC(2026, 2, 2, 11, 4) },
      { id: 'fb-5', request_id: LLM2, link_method: 'explicit', kind: 'rating', value: 4, scale: 5, label: 'quality', comment: null, source: 'api', user_id: null, ts: Date.UTC(2026, 2, 2, 11, 5) },
      { id: 'fb-6', request_id: LLM2, link_method: 'trace', kind: 'comment', value: null, scale: null, label: 'category', comment: 'billing', source: 'model', user_id: null, ts: Date.UTC(2026, 2, 2, 11, 6) },
      { id: 'fb-7', request_id: LLM2, link_method: 'explicit', kind: 'rating', value: 0, scale: 1, label: 'correctness', comment: 'incorrect — Should greet by name; correction: {"output":"Hi Ana!"}', source: 'app', user_id: 'rev-1', ts: Date.UTC(2026, 2, 2, 11, 7) },
    ]);
  });

  it('feedback_stats of one key share one scale: an average of 1.0 beside 4.5 is 1 of 5, not a perfect 1 of 1', async () => {
    const ws = await newWorkspace();
    const mk = (i: number, avg: number) => ({ id: `30000000-0000-4000-8000-00000000000${i}`, name: 'ChatOpenAI', run_type: 'llm', start_time: `2026-03-02T10:0${i}:00`, end_time: `2026-03-02T10:0${i}:01`,
      trace_id: `30000000-0000-4000-8000-00000000000${i}`, inputs: { prompts: ['q'] }, outputs: { generations: [[{ text: 'a' }]] }, feedback_stats: { quality: { n: 2, avg, values: {} } } });
    await runImport(ws, write('runs2.jsonl', [mk(1, 1.0), mk(2, 4.5)].map((r) => JSON.stringify(r)).join('\n')), {});
    expect(ws.db.all('SELECT value, scale FROM feedback ORDER BY value')).toEqual([{ value: 1, scale: 5 }, { value: 4.5, scale: 5 }]);
  });
});
