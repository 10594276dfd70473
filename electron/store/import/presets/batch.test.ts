/**
 * Batch results, from fixtures written to the providers' documented result files: Anthropic Message Batches results
 * in all four result types, and OpenAI Batch output for the chat completions and responses endpoints and a failed
 * request. Both mark their requests `service_tier = 'batch'` so the price lookup applies batch prices.
 */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../workspace';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-batch-');
const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;
/** The one request whose source record had this custom_id (kept in extra). */
const byCustom = (ws: Workspace, customId: string) => {
  const rows = ws.db.all<Record<string, unknown>>("SELECT * FROM requests WHERE json_extract(extra, '$.custom_id') = ?", [customId]);
  expect(rows).toHaveLength(1);
  return rows[0]!;
};

describe('Anthropic Message Batches results', () => {
  const lines = [
    { custom_id: 'ticket-1001', result: { type: 'succeeded', message: { id: 'msg_014VwiXbi91y3JMjcpyGBHX5', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-20241022',
      content: [{ type: 'text', text: 'Refund approved.' }, { type: 'text', text: 'It takes 5 days.' }], stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: 1180, output_tokens: 14, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024 } } } },
    { custom_id: 'ticket-1002', result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } } } },
    { custom_id: 'ticket-1003', result: { type: 'expired' } },
    { custom_id: 'ticket-1004', result: { type: 'canceled' } },
  ];

  it('all four result types import, with the output text, tokens, errors and the batch tier', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('msgbatch_results.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')), {});
    expect(s).toMatchObject({ preset: 'anthropic-batch', records_read: 4, inserted: 4, rejected: 0, skipped: 0 });
    // tokens_in counts every input token: Anthropic's input_tokens (1180) leaves out the 1,024 read from the cache.
    expect(row(ws, 'msg_014VwiXbi91y3JMjcpyGBHX5')).toMatchObject({
      model: 'claude-3-5-haiku-20241022', output: 'Refund approved.\n\nIt takes 5 days.', tokens_in: 2204, tokens_out: 14, status: 'succeeded',
      error: '', is_error: 0, service_tier: 'batch', ts: null, input: null, tokens_cached_in: 1024, tokens_cache_write_in: 0,
    });
    // Priced at Message Batches prices (claude-3-5-haiku: $0.40 / $2 per MTok, cache reads $0.08 × 0.5):
    // 1180 × 0.40 + 1024 × 0.04 + 14 × 2 = 540.96 µUSD.
    expect(row(ws, 'msg_014VwiXbi91y3JMjcpyGBHX5')).toMatchObject({ cost_source: 'price_table', price_model: 'claude-3-5-haiku', price_tier: 'batch+cached' });
    expect(row(ws, 'msg_014VwiXbi91y3JMjcpyGBHX5').cost_usd).toBeCloseTo(0.00054096, 12);
    expect(byCustom(ws, 'ticket-1002')).toMatchObject({ status: 'errored', error: 'invalid_request_error: max_tokens: Field required', is_error: 1, output: null, service_tier: 'batch' });
    expect(byCustom(ws, 'ticket-1003')).toMatchObject({ status: 'expired', error: 'expired: the batch ended before this request was processed', is_error: 1 });
    expect(byCustom(ws, 'ticket-1004')).toMatchObject({ status: 'canceled', error: 'canceled: the batch was canceled before this request was processed', is_error: 1 });
    expect(s.notes.some((n) => n.startsWith('4 requests have no timestamp'))).toBe(true);
  });

  it('a second batch with the same custom_ids adds its results, errored and expired ones too; a re-import adds nothing', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('batch_a.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')), {});
    const b = [
      { custom_id: 'ticket-1001', result: { type: 'succeeded', message: { ...lines[0]!.result.message!, id: 'msg_01B', usage: { input_tokens: 500, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } } },
      { custom_id: 'ticket-1002', result: { type: 'errored', error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } } },
      { custom_id: 'ticket-1003', result: { type: 'expired' } },
    ];
    const s = await runImport(ws, write('batch_b.jsonl', b.map((l) => JSON.stringify(l)).join('\n')), {});
    expect(s).toMatchObject({ inserted: 3, updated: 0 });
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(7);
    expect(ws.db.value('SELECT sum(is_error) FROM requests')).toBe(5);
    // Input tokens of both batches: 1180 + 1024 (cache reads) and 500.
    expect(ws.db.value('SELECT sum(tokens_in) FROM requests')).toBe(2704);
    expect(ws.db.value("SELECT count(*) FROM requests WHERE id LIKE 'ticket-1003@%'")).toBe(2);
    const again = await runImport(ws, write('batch_b.jsonl', b.map((l) => JSON.stringify(l)).join('\n')), {});
    expect(again).toMatchObject({ inserted: 0, updated: 0 });
  });
});

describe('OpenAI Batch output', () => {
  const lines = [
    { id: 'batch_req_wnaDys', custom_id: 'req-1', response: { status_code: 200, request_id: 'req_c187b3', body: {
      id: 'chatcmpl-AF2h', object: 'chat.completion', created: 1772442000, model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 22, completion_tokens: 2, total_tokens: 24 }, service_tier: 'default' } }, error: null },
    { id: 'batch_req_x2', custom_id: 'req-2', response: { status_code: 200, request_id: 'req_2', body: {
      id: 'resp_67cc', object: 'response', created_at: 1772442060, model: 'gpt-4.1-2025-04-14', status: 'completed',
      output: [{ type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'Bonjour.', annotations: [] }] }],
      usage: { input_tokens: 15, output_tokens: 3, total_tokens: 18 } } }, error: null },
    { id: 'batch_req_x3', custom_id: 'req-3', response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } },
  ];

  it('chat and responses bodies and a failed request, all marked service_tier batch', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('batch_output.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')), {});
    expect(s).toMatchObject({ preset: 'openai-batch', records_read: 3, inserted: 3, rejected: 0 });
    expect(row(ws, 'batch_req_wnaDys')).toMatchObject({ ts: 1772442000000, model: 'gpt-4o-mini-2024-07-18', output: 'Paris.', tokens_in: 22, tokens_out: 2, status: '200', is_error: 0, service_tier: 'batch' });
    expect(row(ws, 'batch_req_x2')).toMatchObject({ ts: 1772442060000, model: 'gpt-4.1-2025-04-14', output: 'Bonjour.', tokens_in: 15, tokens_out: 3, service_tier: 'batch' });
    expect(row(ws, 'batch_req_x3')).toMatchObject({ error: 'This request could not be executed before the completion window expired.', is_error: 1, service_tier: 'batch', ts: null });
  });

  it('a later batch that reuses custom_ids adds its requests beside the first batch\'s (custom_id is unique only within a batch); its re-import adds nothing', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('monday.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')), {});
    const tuesday = lines.map((l) => ({ ...l, id: `${l.id}-tue`, response: l.response && { ...l.response, body: { ...l.response.body, created: 1772528400,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Lyon.' }, finish_reason: 'stop' }] } } }));
    const s = await runImport(ws, write('tuesday.jsonl', tuesday.map((l) => JSON.stringify(l)).join('\n')), {});
    expect(s).toMatchObject({ inserted: 3, updated: 0 });
    expect(s.notes.some((n) => n.includes('got a different output'))).toBe(false);
    // Six requests, each batch's answers kept: two errors of six (one expired request per batch).
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(6);
    expect(ws.db.value('SELECT sum(is_error) FROM requests')).toBe(2);
    expect(ws.db.all("SELECT output FROM requests WHERE json_extract(extra, '$.custom_id') = 'req-1' ORDER BY output")).toEqual([{ output: 'Lyon.' }, { output: 'Paris.' }]);
    const again = await runImport(ws, write('tuesday.jsonl', tuesday.map((l) => JSON.stringify(l)).join('\n')), {});
    expect(again).toMatchObject({ inserted: 0, updated: 0 });
    // A file that changes only the status of a stored request replaces no answer.
    const status = await runImport(ws, write('status.csv', 'request_id,status\nbatch_req_wnaDys,error\n'), {});
    expect(status.updated).toBe(1);
    expect(status.notes.some((n) => n.includes('got a different output'))).toBe(false);
  });

  it('cached input tokens of chat (prompt_tokens_details) and responses (input_tokens_details) bodies are priced at batch cached rates', async () => {
    const ws = await newWorkspace();
    const cached = [
      { id: 'batch_req_c1', custom_id: 'c-1', response: { status_code: 200, body: { object: 'chat.completion', created: 1772442000, model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 2048, completion_tokens: 100, total_tokens: 2148, prompt_tokens_details: { cached_tokens: 1024 } } } }, error: null },
      { id: 'batch_req_c2', custom_id: 'c-2', response: { status_code: 200, body: { object: 'response', created_at: 1772442060, model: 'gpt-4.1-2025-04-14', status: 'completed',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'No.' }] }],
        usage: { input_tokens: 4000, output_tokens: 10, total_tokens: 4010, input_tokens_details: { cached_tokens: 3000 } } } }, error: null },
    ];
    await runImport(ws, write('batch_cached.jsonl', cached.map((l) => JSON.stringify(l)).join('\n')), {});
    // OpenAI's prompt/input tokens already include the cached ones: tokens_in is not changed.
    expect(row(ws, 'batch_req_c1')).toMatchObject({ tokens_in: 2048, tokens_cached_in: 1024, service_tier: 'batch', price_model: 'gpt-4o-mini', price_tier: 'batch+cached' });
    // gpt-4o-mini at batch prices: 1024 × 0.075 + 1024 × 0.0375 + 100 × 0.30 = 145.2 µUSD.
    expect(row(ws, 'batch_req_c1').cost_usd).toBeCloseTo(0.0001452, 12);
    expect(row(ws, 'batch_req_c2')).toMatchObject({ tokens_in: 4000, tokens_cached_in: 3000, service_tier: 'batch', price_model: 'gpt-4.1', price_tier: 'batch+cached' });
    // gpt-4.1 at batch prices: 1000 × 1 + 3000 × 0.25 + 10 × 4 = 1,790 µUSD.
    expect(row(ws, 'batch_req_c2').cost_usd).toBeCloseTo(0.00179, 12);
  });
});
