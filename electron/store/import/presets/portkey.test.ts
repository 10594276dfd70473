/**
 * Portkey logs exports (docs.portkey.ai logs-export "Exported Data"): the cost is in cents, failures come from
 * is_success and the HTTP status, the answer from response.body; the documented dotted keys (`request.body`) read
 * as nested ones do. The generic preset stored every cost 100× too high (a breaker's finding).
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-portkey-');

const logs = [
  { created_at: '2026-11-16T09:00:00.000Z', request: { body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Reset password?' }] } },
    response: { body: { id: 'chatcmpl-0', choices: [{ message: { role: 'assistant', content: 'Use the link.' }, finish_reason: 'stop' }] } },
    is_success: 1, ai_org: 'openai', ai_model: 'gpt-4o', req_units: 1200, res_units: 300, total_units: 1500, cost: 0.6, cost_currency: 'USD',
    response_status_code: 200, response_time: 1450, cache_status: 'MISS', trace_id: 'trace-0', metadata: { _user: 'cust-1' } },
  // dotted keys, as the documented column names are written
  { created_at: '2026-11-16T09:05:00.000Z', 'request.body': { model: 'gpt-4o', messages: [{ role: 'user', content: 'Refund?' }] },
    'response.body': { error: { message: 'Rate limit reached', type: 'requests' } },
    is_success: 0, ai_org: 'openai', ai_model: 'gpt-4o', req_units: 900, res_units: 0, cost: 0, cost_currency: 'USD',
    response_status_code: 429, response_time: 120, trace_id: 'trace-1', metadata: { _user: 'cust-2' } },
];

describe('Portkey logs export', () => {
  it('reads cost in cents as USD, failures from is_success and the status, and the answer from the response body', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('portkey.jsonl', logs.map((l) => JSON.stringify(l)).join('\n') + '\n'), {});
    expect(s).toMatchObject({ kind: 'requests', preset: 'portkey', inserted: 2, rejected: 0 });
    expect(s.notes.some((n) => n.includes('cents'))).toBe(true);
    const rows = ws.db.all('SELECT id, ts, user_id, model, input, output, latency_ms, tokens_in, tokens_out, cost_usd, cost_source, status, is_error, error FROM requests ORDER BY ts');
    expect(rows[0]).toEqual({ id: 'chatcmpl-0', ts: Date.UTC(2026, 10, 16, 9), user_id: 'cust-1', model: 'gpt-4o', input: 'Reset password?', output: 'Use the link.',
      latency_ms: 1450, tokens_in: 1200, tokens_out: 300, cost_usd: 0.006, cost_source: 'source', status: '200', is_error: 0, error: '' });
    expect(rows[1]).toMatchObject({ user_id: 'cust-2', input: 'Refund?', output: null, cost_usd: 0, status: '429', is_error: 1, error: 'Rate limit reached' });
  });
});
