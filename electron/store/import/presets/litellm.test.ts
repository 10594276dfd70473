/**
 * LiteLLM spend logs (LiteLLM_SpendLogs rows, GET /spend/logs): the proxy's `spend` is the cost (0 for a cache hit,
 * kept for a model the price table lacks), end_user is the user, TTFT and latency come from the three times, a failure
 * from status and metadata.error_information, and `{}` payloads are no text. The generic preset re-priced the tokens
 * and took the key's owner as every user (a breaker's finding).
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-litellm-');

const log = (id: string, o: Record<string, unknown>) => ({
  request_id: id, call_type: 'acompletion', api_key: '88dc28d0', spend: 0.0045, total_tokens: 1200, prompt_tokens: 1000, completion_tokens: 200,
  startTime: '2026-11-17T10:00:00.000000+00:00', endTime: '2026-11-17T10:00:01.800000+00:00', completionStartTime: '2026-11-17T10:00:00.400000+00:00',
  model: 'gpt-4o-2024-08-06', model_group: 'gpt-4o', custom_llm_provider: 'openai', user: 'default_user_id',
  metadata: { user_api_key_alias: 'prod-app', status: 'success' }, cache_hit: 'False', request_tags: ['prod'], end_user: 'cust-1',
  messages: {}, response: {}, session_id: 'sess-1', status: 'success', ...o,
});

describe('LiteLLM spend logs', () => {
  it('keeps the proxy\'s spend as the cost, end_user as the user, and reads TTFT, latency and failures', async () => {
    const ws = await newWorkspace();
    const rows = [
      log('a1', {}),
      log('a3', { spend: 0, cache_hit: 'True', end_user: 'cust-2', startTime: '2026-11-17T10:02:00.000000+00:00', endTime: '2026-11-17T10:02:00.015000+00:00', completionStartTime: '2026-11-17T10:02:00.015000+00:00' }),
      log('a6', { model: 'my-finetune', model_group: 'my-finetune', spend: 0.0123, end_user: '', startTime: '2026-11-17T10:03:00.000000+00:00', endTime: '2026-11-17T10:03:01.200000+00:00', completionStartTime: '2026-11-17T10:03:00.350000+00:00' }),
      log('f1', { spend: 0, status: 'failure', completion_tokens: 0, startTime: '2026-11-17T10:04:00.000000+00:00', endTime: '2026-11-17T10:04:00.300000+00:00', completionStartTime: null,
        metadata: { status: 'failure', error_information: { error_code: '429', error_class: 'RateLimitError', error_message: 'Rate limit reached' } },
        messages: [{ role: 'user', content: 'Track my order' }] }),
    ];
    const s = await runImport(ws, write('spend.json', JSON.stringify(rows)), {});
    expect(s).toMatchObject({ kind: 'requests', preset: 'litellm', inserted: 4, rejected: 0 });
    expect(ws.db.all('SELECT id, user_id, model, cost_usd, cost_source, latency_ms, ttft_ms, status, is_error, error, input, output FROM requests ORDER BY ts')).toEqual([
      { id: 'a1', user_id: 'cust-1', model: 'gpt-4o-2024-08-06', cost_usd: 0.0045, cost_source: 'source', latency_ms: 1800, ttft_ms: 400, status: 'success', is_error: 0, error: '', input: null, output: null },
      { id: 'a3', user_id: 'cust-2', model: 'gpt-4o-2024-08-06', cost_usd: 0, cost_source: 'source', latency_ms: 15, ttft_ms: 15, status: 'success', is_error: 0, error: '', input: null, output: null },
      { id: 'a6', user_id: 'default_user_id', model: 'my-finetune', cost_usd: 0.0123, cost_source: 'source', latency_ms: 1200, ttft_ms: 350, status: 'success', is_error: 0, error: '', input: null, output: null },
      { id: 'f1', user_id: 'cust-1', model: 'gpt-4o-2024-08-06', cost_usd: 0, cost_source: 'source', latency_ms: 300, ttft_ms: null, status: 'failure', is_error: 1, error: 'Rate limit reached', input: 'Track my order', output: null },
    ]);
    expect(s.notes.join('\n')).not.toMatch(/the file gives none/);
  });
});
