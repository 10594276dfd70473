/**
 * MLflow traces from `mlflow.search_traces()` written as JSON lines (MLflow 3 TraceInfo columns; MLflow 2's names
 * too): a trace is a request by its trace_id, so next week's export of an overlapping window updates it instead of
 * storing it again (the generic preset stored 6 requests for 5 traces); latency from execution_duration; state ERROR an
 * error; assessments are feedback, a judge's marked automated; the trace schema version is no model version.
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-mlflow-');

const T0 = Date.UTC(2026, 10, 16, 9);
const trace = (i: number, o: { state?: string; assessments?: unknown[] } = {}) => ({
  trace_id: `tr-${i}`, client_request_id: null, state: o.state ?? 'OK', request_time: T0 + i * 60_000, execution_duration: 1000 + i,
  request: { messages: [{ role: 'user', content: `Question ${i}` }] },
  response: o.state === 'ERROR' ? null : { choices: [{ message: { role: 'assistant', content: `Answer ${i}` } }] },
  trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.trace.user': `u${i}`, 'mlflow.trace.session': `s${i}` },
  tags: { 'mlflow.traceName': 'chat_app' }, assessments: o.assessments ?? [],
});
const human = (i: number, value: boolean) => ({ assessment_id: `a-${i}`, assessment_name: 'user_feedback', trace_id: `tr-${i}`, source: { source_type: 'HUMAN', source_id: `u${i}` },
  create_time_ms: T0 + 3_600_000, last_update_time_ms: T0 + 3_600_000, feedback: { value } });
const judge = (i: number) => ({ assessment_id: `j-${i}`, assessment_name: 'relevance', trace_id: `tr-${i}`, source: { source_type: 'LLM_JUDGE', source_id: 'gpt-4o-judge' },
  create_time_ms: T0 + 3_700_000, feedback: { value: 4 }, rationale: 'mostly relevant' });
const lines = (traces: unknown[]) => traces.map((t) => JSON.stringify(t)).join('\n') + '\n';

describe('MLflow search_traces export', () => {
  it('stores each trace once by its trace_id across overlapping exports, with latency, errors and its assessments', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('week1.jsonl', lines([trace(1, { assessments: [human(1, true), judge(1)] }), trace(2), trace(3, { state: 'ERROR' })])), {});
    const s = await runImport(ws, write('week2.jsonl', lines([trace(2, { assessments: [human(2, false)] }), trace(3, { state: 'ERROR' }), trace(4)])), {});
    expect(s).toMatchObject({ preset: 'mlflow-traces', rejected: 0 });
    expect(ws.db.all('SELECT id, user_id, session_id, feature, model_version, latency_ms, status, is_error, input, output FROM requests ORDER BY ts')).toEqual([
      { id: 'tr-1', user_id: 'u1', session_id: 's1', feature: 'chat_app', model_version: null, latency_ms: 1001, status: 'OK', is_error: 0, input: 'Question 1', output: 'Answer 1' },
      { id: 'tr-2', user_id: 'u2', session_id: 's2', feature: 'chat_app', model_version: null, latency_ms: 1002, status: 'OK', is_error: 0, input: 'Question 2', output: 'Answer 2' },
      { id: 'tr-3', user_id: 'u3', session_id: 's3', feature: 'chat_app', model_version: null, latency_ms: 1003, status: 'ERROR', is_error: 1, input: 'Question 3', output: null },
      { id: 'tr-4', user_id: 'u4', session_id: 's4', feature: 'chat_app', model_version: null, latency_ms: 1004, status: 'OK', is_error: 0, input: 'Question 4', output: 'Answer 4' },
    ]);
    expect(ws.db.all('SELECT id, request_id, kind, value, scale, source, automated, ts FROM feedback ORDER BY id')).toEqual([
      { id: 'a-1', request_id: 'tr-1', kind: 'thumb', value: 1, scale: null, source: 'human', automated: 0, ts: T0 + 3_600_000 },
      { id: 'a-2', request_id: 'tr-2', kind: 'thumb', value: -1, scale: null, source: 'human', automated: 0, ts: T0 + 3_600_000 },
      { id: 'j-1', request_id: 'tr-1', kind: 'rating', value: 4, scale: 5, source: 'llm_judge', automated: 1, ts: T0 + 3_700_000 },
    ]);
  });

  it('reads MLflow 2\'s column names (request_id, timestamp_ms, status, execution_time_ms, request_metadata)', async () => {
    const ws = await newWorkspace();
    const old = { request_id: 'tr-9', timestamp_ms: T0, status: 'OK', execution_time_ms: 777, request: '{"question": "Hi?"}', response: '"Hello"',
      request_metadata: { 'mlflow.trace_schema.version': '2', 'mlflow.trace.user': 'u9' }, tags: {} };
    const s = await runImport(ws, write('old.jsonl', lines([old])), {});
    expect(s).toMatchObject({ preset: 'mlflow-traces', inserted: 1 });
    expect(ws.db.get('SELECT id, ts, latency_ms, user_id, input, output, model_version FROM requests')).toEqual({ id: 'tr-9', ts: T0, latency_ms: 777, user_id: 'u9', input: 'Hi?', output: 'Hello', model_version: null });
  });
});
