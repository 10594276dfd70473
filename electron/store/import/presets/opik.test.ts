/**
 * Opik trace and span exports, from fixtures written to the documented Trace and Span schemas (comet-ml/opik
 * sdks/python/src/opik/rest_api/types/trace_public.py, span_public.py): the REST page shape ({content: [...]}) of
 * traces with feedback scores and comments, and JSONL spans of a trace (a general root, a tool span, an LLM span).
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-opik-');
const P = '0195a000-0000-7000-8000-000000000000';

describe('Opik', () => {
  it('traces: one request each, with duration, usage, cost and error; feedback scores and comments are feedback linked to them', async () => {
    const ws = await newWorkspace();
    const traces = { page: 1, size: 2, total: 2, content: [
      { id: 't-1', project_id: P, name: 'support', start_time: '2026-03-04T12:00:00.000Z', end_time: '2026-03-04T12:00:02.543Z', duration: 2543.0,
        input: { messages: [{ role: 'user', content: 'Where is my order?' }] }, output: { output: 'It ships tomorrow.' }, metadata: { user_id: 'u-1', model: 'gpt-4o' },
        tags: ['prod'], usage: { prompt_tokens: 245, completion_tokens: 87, total_tokens: 332 }, total_estimated_cost: 0.000664, thread_id: 'th-1',
        created_at: '2026-03-04T12:00:02.600Z', last_updated_at: '2026-03-04T12:05:00.000Z',
        feedback_scores: [
          { name: 'user_feedback', value: 1.0, reason: 'helpful', source: 'sdk', created_at: '2026-03-04T12:01:00Z' },
          { name: 'quality', category_name: 'poor', value: 1, reason: 'vague', source: 'ui', created_at: '2026-03-04T12:02:00Z' },
        ],
        comments: [{ id: 'c-1', text: 'Check the carrier link', created_at: '2026-03-04T12:03:00Z', created_by: 'rev-1' }] },
      { id: 't-2', project_id: P, name: 'support', start_time: '2026-03-04T12:10:00Z', end_time: '2026-03-04T12:10:30Z', input: 'Refund please', output: null,
        error_info: { exception_type: 'TimeoutError', message: 'upstream timed out', traceback: '...' }, usage: { prompt_tokens: 120, completion_tokens: 0 },
        total_estimated_cost: 0.0003, created_at: '2026-03-04T12:10:31Z', last_updated_at: '2026-03-04T12:10:31Z',
        feedback_scores: [{ name: 'user_feedback', value: 0, reason: 'never answered', source: 'ui', created_at: '2026-03-04T12:11:00Z' }, { name: 'quality', value: 4, source: 'ui' }] },
    ] };
    const s = await runImport(ws, write('opik-traces.json', JSON.stringify(traces)), {});
    expect(s).toMatchObject({ preset: 'opik', inserted: 7, rejected: 0, skipped: 0 });
    expect(ws.db.all('SELECT id, ts, latency_ms, model, user_id, session_id, tokens_in, tokens_out, cost_usd, error, is_error, input, output FROM requests ORDER BY id')).toEqual([
      { id: 't-1', ts: Date.UTC(2026, 2, 4, 12), latency_ms: 2543, model: 'gpt-4o', user_id: 'u-1', session_id: 'th-1', tokens_in: 245, tokens_out: 87, cost_usd: 0.000664, error: '', is_error: 0, input: expect.stringContaining('Where is my order?'), output: 'It ships tomorrow.' },
      { id: 't-2', ts: Date.UTC(2026, 2, 4, 12, 10), latency_ms: 30000, model: null, user_id: null, session_id: null, tokens_in: 120, tokens_out: 0, cost_usd: 0.0003, error: 'upstream timed out', is_error: 1, input: 'Refund please', output: null },
    ]);
    expect(ws.db.all('SELECT id, request_id, kind, value, scale, label, comment, source, user_id FROM feedback ORDER BY id')).toEqual([
      { id: 't-1:comment:c-1', request_id: 't-1', kind: 'comment', value: null, scale: null, label: 'comment', comment: 'Check the carrier link', source: 'opik', user_id: 'rev-1' },
      // quality 1 and 4: one name, one scale (1 of 5).
      { id: 't-1:quality', request_id: 't-1', kind: 'rating', value: 1, scale: 5, label: 'quality', comment: 'poor — vague', source: 'ui', user_id: null },
      { id: 't-1:user_feedback', request_id: 't-1', kind: 'thumb', value: 1, scale: null, label: 'user_feedback', comment: 'helpful', source: 'sdk', user_id: null },
      { id: 't-2:quality', request_id: 't-2', kind: 'rating', value: 4, scale: 5, label: 'quality', comment: null, source: 'ui', user_id: null },
      { id: 't-2:user_feedback', request_id: 't-2', kind: 'thumb', value: -1, scale: null, label: 'user_feedback', comment: 'never answered', source: 'ui', user_id: null },
    ]);
  });

  it('spans: llm spans are requests, general and tool spans are skipped and counted (not read as Langfuse observations and refused)', async () => {
    const ws = await newWorkspace();
    const T = 'tr-1';
    const span = (id: string, type: string, parent: string | null, extra: Record<string, unknown> = {}) => ({ id, project_id: P, trace_id: T, parent_span_id: parent, name: type, type,
      start_time: '2026-03-04T12:00:00.700Z', end_time: '2026-03-04T12:00:02.500Z', input: { q: 1 }, output: { a: 1 }, metadata: {}, tags: [], created_at: '2026-03-04T12:00:03Z',
      last_updated_at: '2026-03-04T12:00:03Z', feedback_scores: [], ...extra });
    const file = [
      span('s-root', 'general', null, { feedback_scores: [{ name: 'user_feedback', value: 0, source: 'ui', created_at: '2026-03-04T12:05:00Z' }] }),
      span('s-tool', 'tool', 's-root'),
      span('s-llm', 'llm', 's-root', { model: 'gpt-4o-2024-08-06', provider: 'openai', usage: { prompt_tokens: 245, completion_tokens: 87 }, duration: 1800,
        input: { messages: [{ role: 'user', content: 'Where is my order?' }] }, output: { choices: [{ message: { role: 'assistant', content: 'It ships tomorrow.' } }] } }),
    ].map((r) => JSON.stringify(r)).join('\n');
    const s = await runImport(ws, write('opik-spans.jsonl', file), {});
    expect(s).toMatchObject({ preset: 'opik', inserted: 2, rejected: 0, skipped: 2 });
    expect(s.skipped_reasons).toEqual([
      { reason: 'general span (not an LLM call; llm spans are the requests)', count: 1 },
      { reason: 'tool span (not an LLM call; llm spans are the requests)', count: 1 },
    ]);
    expect(ws.db.all('SELECT id, trace_id, model, latency_ms, tokens_in, output FROM requests')).toEqual([
      { id: 's-llm', trace_id: T, model: 'gpt-4o-2024-08-06', latency_ms: 1800, tokens_in: 245, output: expect.stringContaining('It ships tomorrow.') },
    ]);
    // The root span's thumb goes to the trace's call.
    expect(ws.db.all('SELECT request_id, link_method, kind, value FROM feedback')).toEqual([{ request_id: 's-llm', link_method: 'trace', kind: 'thumb', value: -1 }]);
  });
});

describe('Opik scores written by an automated evaluator', () => {
  it('are marked and said to be left out of the users\' figures, with the first line', async () => {
    const ws = await newWorkspace();
    const trace = (id: string, source: string) => ({ id, project_id: P, name: 'chat', start_time: '2026-03-04T12:00:00Z', end_time: '2026-03-04T12:00:01Z', input: 'q', output: 'a',
      last_updated_at: '2026-03-04T12:00:02Z', feedback_scores: [{ name: 'hallucination', value: 0, source, created_at: '2026-03-04T12:01:00Z' }] });
    const s = await runImport(ws, write('opik-eval.json', JSON.stringify([trace('u-1', 'ui'), trace('e-1', 'online_scoring'), trace('e-2', 'online_scoring')])), {});
    expect(s).toMatchObject({ preset: 'opik', inserted: 6, rejected: 0 });
    expect(s.notes).toContain('2 feedback row(s) come from automated evaluators, not users (their source names an LLM judge or a scoring rule, such as eval, llm, model, judge, auto_eval, online_scoring or code; first on line 2): they are kept and shown, and left out of the thumbs-up rate, CSAT, NPS and rating figures, which count them apart');
    expect(ws.db.all('SELECT source, automated FROM feedback ORDER BY automated, source')).toEqual([{ source: 'ui', automated: 0 }, { source: 'online_scoring', automated: 1 }, { source: 'online_scoring', automated: 1 }]);
  });
});

describe('Opik traces and their spans in one workspace', () => {
  it('say that each trace stored with its LLM spans counts its calls twice (no note for either alone)', async () => {
    // A breaker's finding: 4 traces and their 4 llm spans gave 8 requests, twice the cost, with no word of it.
    const ws = await newWorkspace();
    const traces = { content: [1, 2].map((i) => ({ id: `t-${i}`, project_id: P, name: 'support', start_time: `2026-03-04T12:0${i}:00Z`, end_time: `2026-03-04T12:0${i}:01.5Z`,
      input: 'q', output: 'a', usage: { prompt_tokens: 100, completion_tokens: 20 }, total_estimated_cost: 0.001 })) };
    const spans = [1, 2].map((i) => JSON.stringify({ id: `s-${i}`, trace_id: `t-${i}`, project_id: P, type: 'llm', name: 'chat', model: 'gpt-4o',
      start_time: `2026-03-04T12:0${i}:00.1Z`, end_time: `2026-03-04T12:0${i}:01.4Z`, usage: { prompt_tokens: 100, completion_tokens: 20 }, total_estimated_cost: 0.001 })).join('\n');
    const a = await runImport(ws, write('traces.json', JSON.stringify(traces)), {});
    expect(a.notes.some((n) => n.includes('stored twice'))).toBe(false);
    const b = await runImport(ws, write('spans.jsonl', spans), {});
    expect(b).toMatchObject({ preset: 'opik', inserted: 2 });
    expect(b.notes).toContain('2 Opik traces are stored twice: as a trace row and as the rows of their spans, so their model calls count twice in volume, cost and latency. A trace is the container of its spans (Opik data model): import the spans (one row per model call) or the traces, not both, into one workspace');
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(4);
  });
});
