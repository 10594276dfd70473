/**
 * Helicone request exports, from fixtures shaped like `@helicone/export` output (HeliconeRequest rows): JSONL with
 * bodies and feedback, and the tool's CSV (its 12 columns, nested values as JSON text).
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../workspace';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-helicone-');
const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;

const rows = [
  { response_id: 'r-1', response_created_at: '2026-03-04T08:00:01.900Z', response_status: 200, response_model: 'gpt-4o-mini-2024-07-18',
    request_id: '6f1c2f9e-1', request_created_at: '2026-03-04T08:00:00.250Z', request_path: '/v1/chat/completions', request_user_id: 'alice@example.com',
    request_properties: { 'Helicone-Session-Id': 'sess-a', feature: 'faq' }, request_model: 'gpt-4o-mini', model: 'gpt-4o-mini',
    request_body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Opening hours?' }] },
    response_body: { choices: [{ message: { role: 'assistant', content: '9 to 5.' } }] },
    delay_ms: 1650, time_to_first_token: 420, prompt_tokens: 11, completion_tokens: 4, cost: 0.0000041, country_code: 'DE',
    feedback_rating: true, feedback_id: 'fb-1', feedback_created_at: '2026-03-04T08:01:00.000Z', provider: 'OPENAI' },
  { response_id: 'r-2', response_created_at: '2026-03-04T09:00:30.000Z', response_status: 429, request_id: '6f1c2f9e-2',
    request_created_at: '2026-03-04T09:00:00.000Z', request_user_id: 'bob@example.com', request_properties: {}, model: 'gpt-4o',
    request_body: { model: 'gpt-4o', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'Hi' }] },
    response_body: { error: { message: 'Rate limit reached', type: 'requests' } }, delay_ms: 30000, prompt_tokens: null, completion_tokens: null, cost: null,
    country_code: 'US', feedback_rating: null, provider: 'OPENAI' },
];

function expectRows(ws: Workspace): void {
  expect(row(ws, '6f1c2f9e-1')).toMatchObject({
    ts: Date.UTC(2026, 2, 4, 8, 0, 0, 250), latency_ms: 1650, ttft_ms: 420, user_id: 'alice@example.com', session_id: 'sess-a', feature: 'faq',
    model: 'gpt-4o-mini', input: 'Opening hours?', output: '9 to 5.', tokens_in: 11, tokens_out: 4, cost_usd: 0.0000041, cost_source: 'source', status: '200', is_error: 0,
    region: 'DE',
  });
  // country_code is the request's region (a mapped field), so it is no longer kept among the unmapped fields.
  expect(JSON.parse(String(row(ws, '6f1c2f9e-1').extra ?? '{}'))).not.toHaveProperty('country_code');
  expect(row(ws, '6f1c2f9e-2').region).toBe('US');
  expect(row(ws, '6f1c2f9e-2')).toMatchObject({ input: 'Hi', output: null, status: '429', error: 'Rate limit reached', is_error: 1, latency_ms: 30000 });
}

describe('Helicone', () => {
  it('JSONL export with bodies: requests, and feedback_rating as a thumb linked to its request', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('helicone.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')), {});
    expect(s).toMatchObject({ preset: 'helicone', records_read: 2, rejected: 0, per_kind: { requests: { inserted: 2 }, feedback: { inserted: 1 } } });
    expectRows(ws);
    expect(ws.db.get('SELECT id, request_id, kind, value, ts, link_method, source FROM feedback')).toEqual({
      id: 'fb-1', request_id: '6f1c2f9e-1', kind: 'thumb', value: 1, ts: Date.UTC(2026, 2, 4, 8, 1), link_method: 'explicit', source: 'helicone',
    });
  });

  it('the export tool\'s CSV (its columns, nested values as JSON text)', async () => {
    const cols = ['response_id', 'response_created_at', 'response_status', 'request_created_at', 'request_body', 'request_properties', 'request_user_id', 'model', 'prompt_tokens', 'completion_tokens', 'latency', 'cost'];
    const csv = Papa.unparse(rows.map((r) => Object.fromEntries(cols.map((c) => {
      const v = c === 'latency' ? r.delay_ms : (r as Record<string, unknown>)[c];
      return [c, v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v];
    }))), { columns: cols, quotes: true });
    const ws = await newWorkspace();
    const s = await runImport(ws, write('output.csv', csv), {});
    expect(s).toMatchObject({ preset: 'helicone', records_read: 2, inserted: 2, rejected: 0 });
    expect(row(ws, 'r-1')).toMatchObject({ ts: Date.UTC(2026, 2, 4, 8, 0, 0, 250), latency_ms: 1650, input: 'Opening hours?', tokens_in: 11, cost_usd: 0.0000041, session_id: 'sess-a', status: '200' });
    expect(row(ws, 'r-2')).toMatchObject({ status: '429', is_error: 1, error: 'HTTP 429' });
    // The export tool's own convertToCSVRow doubles the quotes of an object cell before quoting it: the cells hold
    // {""model"":…}. Read after undoing the second doubling: the same input and session.
    const twice = Papa.unparse(rows.map((r) => Object.fromEntries(cols.map((c) => {
      const v = c === 'latency' ? r.delay_ms : (r as Record<string, unknown>)[c];
      return [c, v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v).replace(/"/g, '""') : v];
    }))), { columns: cols, quotes: true });
    const ws2 = await newWorkspace();
    await runImport(ws2, write('tool.csv', twice), {});
    expect(row(ws2, 'r-1')).toMatchObject({ input: 'Opening hours?', session_id: 'sess-a' });
  });
});

describe('Helicone cache tokens (prompt_cache_read_tokens, prompt_cache_write_tokens)', () => {
  it('are stored as cached and cache-write input, so the derived cost prices them as cache reads and writes', async () => {
    const ws = await newWorkspace();
    const base = { request_created_at: '2026-03-06T10:00:00.000Z', response_status: 200, provider: 'ANTHROPIC', model: 'claude-3-5-sonnet-20241022', completion_tokens: 2, cost: null };
    const file = [
      // prompt_tokens counts the cache reads: 20 uncached + 5,000 read.
      { ...base, request_id: 'h-1', prompt_tokens: 5020, prompt_cache_read_tokens: 5000, prompt_cache_write_tokens: 0 },
      // A row whose parts exceed prompt_tokens wrote only the uncached input there: 20 + 1,000 written + 4,000 read.
      { ...base, request_id: 'h-2', prompt_tokens: 20, prompt_cache_read_tokens: 4000, prompt_cache_write_tokens: 1000 },
    ].map((r) => JSON.stringify(r)).join('\n');
    const s = await runImport(ws, write('helicone-cache.jsonl', file), { preset: 'helicone' });
    expect(s).toMatchObject({ inserted: 2, rejected: 0 });
    const a = row(ws, 'h-1');
    const b = row(ws, 'h-2');
    expect([a.tokens_in, a.tokens_cached_in, a.tokens_cache_write_in]).toEqual([5020, 5000, 0]);
    expect([b.tokens_in, b.tokens_cached_in, b.tokens_cache_write_in]).toEqual([5020, 4000, 1000]);
    // Claude 3.5 Sonnet: $3/M input, $0.30/M cache reads, $3.75/M cache writes, $15/M output.
    expect(a.cost_usd as number).toBeCloseTo((20 * 3 + 5000 * 0.3 + 2 * 15) / 1e6, 12);
    expect(b.cost_usd as number).toBeCloseTo((20 * 3 + 4000 * 0.3 + 1000 * 3.75 + 2 * 15) / 1e6, 12);
  });
});
