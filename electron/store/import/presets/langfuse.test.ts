/**
 * Langfuse exports, from fixtures written to Langfuse's documented export schema (LEGACY_OBSERVATION_EXPORT_FIELDS
 * and the blob-storage score export; ClickHouse prints times as naive UTC `YYYY-MM-DD hh:mm:ss.fff`): observations as
 * JSONL, CSV and Parquet with GENERATION observations as requests and others skipped, level ERROR as an error, and
 * scores as feedback linked by observation id, else by trace.
 */
import path from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../workspace';
import { writeParquet } from '../../testing/parquet';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { tmpDir, write, newWorkspace } = useTempWorkspaces('loupe-langfuse-');

/** Observations as the blob-storage export writes them (snake_case, usage/cost maps, latency in seconds). */
const observations: Array<Record<string, unknown>> = [
  { id: 'obs-g1', trace_id: 'tr-1', project_id: 'p1', environment: 'production', type: 'GENERATION', parent_observation_id: 'obs-s1',
    start_time: '2026-03-02 09:00:00.125', end_time: '2026-03-02 09:00:02.625', name: 'answer-question', metadata: { tenant: 'acme' },
    level: 'DEFAULT', status_message: null, version: 'v7', input: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Where is my parcel?' }],
    output: { role: 'assistant', content: 'It arrives Friday.' }, provided_model_name: 'gpt-4o-2024-08-06', model_parameters: { temperature: 0 },
    usage_details: { input: 1200, output: 80, total: 1280 }, cost_details: { input: 0.003, output: 0.0008, total: 0.0038 },
    completion_start_time: '2026-03-02 09:00:00.525', prompt_name: 'support', prompt_version: 3, total_cost: 0.0038, latency: 2.5,
    time_to_first_token: 0.4, model_id: 'm1', created_at: '2026-03-02 09:00:03.000', updated_at: '2026-03-02 09:00:03.000' },
  { id: 'obs-s1', trace_id: 'tr-1', project_id: 'p1', environment: 'production', type: 'SPAN', parent_observation_id: null,
    start_time: '2026-03-02 09:00:00.000', end_time: '2026-03-02 09:00:03.000', name: 'handle-request', level: 'DEFAULT', latency: 3 },
  { id: 'obs-g2', trace_id: 'tr-2', project_id: 'p1', environment: 'production', type: 'GENERATION', parent_observation_id: null,
    start_time: '2026-03-02 10:15:00.000', end_time: null, name: 'summarise', level: 'ERROR', status_message: 'Request timed out',
    version: null, input: 'Summarise the ticket', output: null, provided_model_name: 'claude-3-5-haiku-20241022',
    usage_details: { input: 900, output: 0, total: 900 }, cost_details: {}, completion_start_time: null, total_cost: null, latency: 30.0 },
  { id: 'obs-e1', trace_id: 'tr-2', project_id: 'p1', type: 'EVENT', start_time: '2026-03-02 10:15:30.000', name: 'retry', level: 'WARNING', status_message: 'retrying' },
  { id: 'obs-g3', trace_id: 'tr-3', project_id: 'p1', type: 'GENERATION', start_time: '2026-03-02 11:00:00.000', end_time: '2026-03-02 11:00:00.750',
    name: 'classify', level: 'WARNING', status_message: 'truncated context', input: 'Is this spam?', output: 'No',
    provided_model_name: 'gpt-4o-mini', usage_details: { input: 40, output: 1, total: 41 }, total_cost: null, latency: 0.75 },
];

const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;

function expectObservations(ws: Workspace): void {
  expect(row(ws, 'obs-g1')).toMatchObject({
    trace_id: 'tr-1', ts: Date.UTC(2026, 2, 2, 9, 0, 0, 125), latency_ms: 2500, ttft_ms: 400, model: 'gpt-4o-2024-08-06', model_version: 'v7',
    feature: 'answer-question', input: 'Where is my parcel?', output: 'It arrives Friday.', tokens_in: 1200, tokens_out: 80,
    cost_usd: 0.0038, cost_source: 'source', status: 'DEFAULT', error: '', is_error: 0,
  });
  // No end time: latency is the export's own latency, in seconds. Level ERROR is an error with its message.
  expect(row(ws, 'obs-g2')).toMatchObject({
    ts: Date.UTC(2026, 2, 2, 10, 15), latency_ms: 30_000, model: 'claude-3-5-haiku-20241022', input: 'Summarise the ticket', output: null,
    tokens_in: 900, tokens_out: 0, error: 'Request timed out', is_error: 1, status: 'ERROR',
  });
  // A status message at level WARNING is not an error; no source cost, so the price table prices it.
  expect(row(ws, 'obs-g3')).toMatchObject({ error: '', is_error: 0, latency_ms: 750, cost_usd: (40 * 0.15 + 1 * 0.6) / 1e6, cost_source: 'price_table' });
}

describe('Langfuse observations', () => {
  it('JSONL blob export: GENERATIONs are requests, SPAN and EVENT observations skipped and counted', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('observations.jsonl', observations.map((o) => JSON.stringify(o)).join('\n')), {});
    expect(s).toMatchObject({ preset: 'langfuse', record_unit: 'observations', records_read: 5, inserted: 3, skipped: 2, rejected: 0 });
    expect(s.skipped_reasons.map((x) => x.reason).sort()).toEqual([
      'EVENT observation (not a model call; GENERATION observations are the requests)',
      'SPAN observation (not a model call; GENERATION observations are the requests)',
    ]);
    expectObservations(ws);
    // The workspace time zone does not move UTC export times.
    const ws2 = await newWorkspace();
    await runImport(ws2, write('observations.jsonl', observations.map((o) => JSON.stringify(o)).join('\n')), { time_zone: 'America/New_York' });
    expect(row(ws2, 'obs-g1').ts).toBe(Date.UTC(2026, 2, 2, 9, 0, 0, 125));
  });

  it('CSV blob export (nested values as JSON text) gives the same rows', async () => {
    const ws = await newWorkspace();
    const cols = ['id', 'trace_id', 'type', 'start_time', 'end_time', 'name', 'level', 'status_message', 'version', 'input', 'output',
      'provided_model_name', 'usage_details', 'cost_details', 'completion_start_time', 'total_cost', 'latency'];
    const csv = Papa.unparse(observations.map((o) => Object.fromEntries(cols.map((c) => {
      const v = o[c];
      return [c, v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v];
    }))), { columns: cols });
    const s = await runImport(ws, write('observations.csv', csv), {});
    expect(s).toMatchObject({ preset: 'langfuse', records_read: 5, inserted: 3, skipped: 2, rejected: 0 });
    expectObservations(ws);
  });

  it('Parquet blob export gives the same rows', async () => {
    const ws = await newWorkspace();
    const col = (name: string, type?: 'STRING' | 'DOUBLE' | 'JSON') => ({
      name, type: type ?? 'STRING',
      data: observations.map((o) => (o[name] === undefined ? null : type === 'JSON' ? o[name] : type === 'DOUBLE' ? o[name] : o[name] === null ? null : String(o[name]))),
    });
    const file = writeParquet(path.join(tmpDir(), 'observations.parquet'), [
      col('id'), col('trace_id'), col('type'), col('start_time'), col('end_time'), col('name'), col('level'), col('status_message'), col('version'),
      col('input', 'JSON'), col('output', 'JSON'), col('provided_model_name'), col('usage_details', 'JSON'), col('cost_details', 'JSON'),
      col('completion_start_time'), col('total_cost', 'DOUBLE'), col('latency', 'DOUBLE'),
    ]);
    const s = await runImport(ws, file, {});
    expect(s).toMatchObject({ preset: 'langfuse', records_read: 5, inserted: 3, skipped: 2, rejected: 0 });
    expect(s.notes[0]).toMatch(/^format: Parquet \(5 rows in 1 row group, 17 columns/);
    expectObservations(ws);
  });
});

describe('Langfuse traces beside their observations', () => {
  it('says when a trace is stored both as a trace row and as its observations\' rows (each call then counts twice); observations alone say nothing', async () => {
    const ws = await newWorkspace();
    const obs = await runImport(ws, write('observations.jsonl', observations.map((o) => JSON.stringify(o)).join('\n')), {});
    expect(obs.notes.some((n) => n.includes('stored twice'))).toBe(false);
    const trace = { id: 'tr-1', timestamp: '2026-03-02T09:00:00.000Z', name: 'chat', userId: 'u-1', sessionId: 's-1', projectId: 'p1', totalCost: 0.0038, latency: 1.2 };
    const s = await runImport(ws, write('traces.jsonl', JSON.stringify(trace)), {});
    expect(s.inserted).toBe(1);
    expect(s.notes).toContain('1 Langfuse trace is stored twice: as a trace row and as the rows of its observations, so its model calls count twice in volume, cost and latency. A trace is the container of its observations (Langfuse data model): import the observations (one row per model call) or the traces, not both, into one workspace');
  });
});

describe('Langfuse usage types', () => {
  it('adds every input and output usage type back (reasoning, audio, predictions, cache), as Langfuse splits OpenAI usage', async () => {
    const ws = await newWorkspace();
    // An o3 call: prompt_tokens 1,000 (900 cached, 10 audio), completion_tokens 5,000 (4,500 reasoning, 400 audio, 60
    // accepted prediction), as Langfuse stores it: `input`/`output` are what is left after each detail.
    const o = { ...observations[0]!, id: 'obs-o3', provided_model_name: 'o3', cost_details: {}, total_cost: null,
      usage_details: { input: 90, input_cached_tokens: 900, input_audio_tokens: 10, output: 40, output_reasoning_tokens: 4500, output_audio_tokens: 400,
        output_accepted_prediction_tokens: 60, total: 6000 } };
    await runImport(ws, write('o3.jsonl', JSON.stringify(o)), {});
    expect(ws.db.get("SELECT tokens_in, tokens_out, tokens_cached_in FROM requests WHERE id = 'obs-o3'")).toEqual({ tokens_in: 1000, tokens_out: 5000, tokens_cached_in: 900 });
  });
});

describe('Langfuse scores', () => {
  const scores = [
    { id: 'sc-1', timestamp: '2026-03-02 09:05:00.000', project_id: 'p1', environment: 'production', trace_id: 'tr-1', observation_id: 'obs-g1', session_id: null, name: 'user-feedback', value: 1, source: 'API', comment: 'spot on', data_type: 'BOOLEAN', string_value: 'True' },
    { id: 'sc-2', timestamp: '2026-03-02 09:06:00.000', project_id: 'p1', trace_id: 'tr-1', observation_id: null, name: 'helpfulness', value: 0.8, source: 'EVAL', comment: null, data_type: 'NUMERIC', string_value: null },
    { id: 'sc-3', timestamp: '2026-03-02 10:20:00.000', project_id: 'p1', trace_id: 'tr-2', observation_id: null, name: 'tone', value: 2, source: 'ANNOTATION', comment: 'curt', data_type: 'CATEGORICAL', string_value: 'neutral' },
    { id: 'sc-4', timestamp: '2026-03-02 10:21:00.000', project_id: 'p1', trace_id: 'tr-2', observation_id: null, name: 'user-feedback', value: 0, source: 'API', comment: null, data_type: 'BOOLEAN', string_value: 'False' },
    { id: 'sc-5', timestamp: '2026-03-02 11:01:00.000', project_id: 'p1', trace_id: 'tr-3', observation_id: 'obs-g3', name: 'csat', value: 4, source: 'API', comment: null, data_type: 'NUMERIC', string_value: null },
    { id: 'sc-6', timestamp: '2026-03-02 11:02:00.000', project_id: 'p1', trace_id: 'tr-3', observation_id: null, name: 'nps', value: 9, source: 'API', comment: null, data_type: 'NUMERIC', string_value: null },
  ];

  it('every score is stored with its kind and scale, linked by observation id, else by trace', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('observations.jsonl', observations.map((o) => JSON.stringify(o)).join('\n')), {});
    const s = await runImport(ws, write('scores.jsonl', scores.map((o) => JSON.stringify(o)).join('\n')), {});
    expect(s).toMatchObject({ preset: 'langfuse-scores', kind: 'feedback', record_unit: 'scores', records_read: 6, inserted: 6, rejected: 0, skipped: 0 });
    const fb = Object.fromEntries(ws.db.all<Record<string, unknown>>('SELECT * FROM feedback ORDER BY id').map((f) => [f.id, f]));
    expect(fb['sc-1']).toMatchObject({ kind: 'thumb', value: 1, scale: null, request_id: 'obs-g1', link_method: 'explicit', trace_id: 'tr-1', ts: Date.UTC(2026, 2, 2, 9, 5), label: 'user-feedback', comment: 'spot on', source: 'api' });
    expect(fb['sc-2']).toMatchObject({ kind: 'rating', value: 0.8, scale: 1, request_id: 'obs-g1', link_method: 'trace', label: 'helpfulness', source: 'eval' });
    // A CATEGORICAL score's value is only the category's number in its config (0 without one): the category is
    // kept as text, never read as a rating.
    expect(fb['sc-3']).toMatchObject({ kind: 'comment', value: null, scale: null, request_id: 'obs-g2', link_method: 'trace', label: 'tone', comment: 'neutral — curt', source: 'annotation' });
    expect(fb['sc-4']).toMatchObject({ kind: 'thumb', value: -1, request_id: 'obs-g2', link_method: 'trace' });
    expect(fb['sc-5']).toMatchObject({ kind: 'rating', value: 4, scale: 5, request_id: 'obs-g3', link_method: 'explicit' });
    expect(fb['sc-6']).toMatchObject({ kind: 'nps', value: 9, scale: 10, request_id: 'obs-g3', link_method: 'trace' });
    expect(s.links).toBe(6);
  });

  it('one scale per score name: a 1, a 4 and a 9 of "helpfulness" are all out of 10 (the row\'s own value made them 1/1, 4/5 and 9/10)', async () => {
    const ws = await newWorkspace();
    const one = (id: string, name: string, value: number) => ({ id, timestamp: '2026-03-02 09:05:00.000', trace_id: 'tr-1', observation_id: null, name, value, source: 'ANNOTATION', comment: null, data_type: 'NUMERIC', string_value: null });
    const s = await runImport(ws, write('named.jsonl', [one('h1', 'helpfulness', 1), one('h2', 'helpfulness', 4), one('h3', 'helpfulness', 9), one('x1', 'hallucination', 0)].map((o) => JSON.stringify(o)).join('\n')), {});
    expect(ws.db.all('SELECT id, value, scale FROM feedback ORDER BY id')).toEqual([
      { id: 'h1', value: 1, scale: 10 }, { id: 'h2', value: 4, scale: 10 }, { id: 'h3', value: 9, scale: 10 }, { id: 'x1', value: 0, scale: 1 }]);
    expect(s.notes).toContain('rating scale per score name, from the largest value of each in the first records: helpfulness 0-10, hallucination 0-1');
  });

  it('scores imported before their observations link when the observations arrive', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('scores.jsonl', scores.map((o) => JSON.stringify(o)).join('\n')), {});
    expect(ws.db.value('SELECT count(*) FROM feedback WHERE link_method = ?', ['trace'])).toBe(0);
    await runImport(ws, write('observations.jsonl', observations.map((o) => JSON.stringify(o)).join('\n')), {});
    expect(ws.db.value("SELECT request_id FROM feedback WHERE id = 'sc-6'")).toBe('obs-g3');
    expect(ws.db.value("SELECT link_method FROM feedback WHERE id = 'sc-6'")).toBe('trace');
  });
});
