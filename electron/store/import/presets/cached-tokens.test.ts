/**
 * Prompt-cache tokens from every source whose export documents them, so the price lookup (prices/derive.ts) can
 * price cache reads and writes at their own rates. Loupe's tokens_in counts every input token, whatever the source's
 * convention: OpenTelemetry GenAI (gen_ai.usage.input_tokens includes the cache buckets), OpenInference / Phoenix
 * (llm.token_count.prompt_details break llm.token_count.prompt down) and LangChain / LangSmith (input_token_details
 * break input_tokens down) include them; Langfuse's usage types are disjoint (`input` leaves them out) and Anthropic's
 * input_tokens leaves them out too, so those are added.
 */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../workspace';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-cache-tokens-');
const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('cached input tokens by source', () => {
  it('Langfuse: usage_details cache types are added to input and kept apart; the cost uses the cached rate', async () => {
    const ws = await newWorkspace();
    const base = { trace_id: 'tr-1', type: 'GENERATION', start_time: '2026-03-02 09:00:00.000', end_time: '2026-03-02 09:00:01.000', name: 'answer', input: 'q', output: 'a' };
    await runImport(ws, write('observations.jsonl', jsonl([
      { ...base, id: 'lf-openai', provided_model_name: 'gpt-4o-mini', usage_details: { input: 1000, input_cached_tokens: 3000, output: 100, total: 4100 } },
      { ...base, id: 'lf-anthropic', provided_model_name: 'claude-3-5-haiku-20241022',
        usage_details: { input: 200, cache_read_input_tokens: 5000, cache_creation_input_tokens: 800, output: 50 } },
      { ...base, id: 'lf-plain', provided_model_name: 'gpt-4o-mini', usage_details: { input: 40, output: 1 } },
    ])), { preset: 'langfuse' });
    expect(row(ws, 'lf-openai')).toMatchObject({ tokens_in: 4000, tokens_cached_in: 3000, tokens_cache_write_in: null, price_tier: 'standard+cached' });
    // gpt-4o-mini: 1000 × 0.15 + 3000 × 0.075 + 100 × 0.60 = 435 µUSD.
    expect(row(ws, 'lf-openai').cost_usd).toBeCloseTo(0.000435, 12);
    expect(row(ws, 'lf-anthropic')).toMatchObject({ tokens_in: 6000, tokens_cached_in: 5000, tokens_cache_write_in: 800 });
    // claude-3-5-haiku: 200 × 0.80 + 5000 × 0.08 + 800 × 1.00 + 50 × 4 = 1,560 µUSD.
    expect(row(ws, 'lf-anthropic').cost_usd).toBeCloseTo(0.00156, 12);
    expect(row(ws, 'lf-plain')).toMatchObject({ tokens_in: 40, tokens_cached_in: null, price_tier: 'standard' });
  });

  it('LangSmith: prompt_token_details and usage_metadata.input_token_details (part of prompt_tokens)', async () => {
    const ws = await newWorkspace();
    const run = { run_type: 'llm', start_time: '2026-03-02T09:00:00.000000', end_time: '2026-03-02T09:00:01.000000', trace_id: 'tr', status: 'success',
      inputs: { messages: [{ role: 'user', content: 'q' }] }, completion_tokens: 10, extra: { invocation_params: { model: 'gpt-4o-mini' } } };
    await runImport(ws, write('runs.jsonl', jsonl([
      { ...run, id: 'ls-1', prompt_tokens: 2000, prompt_token_details: { cache_read: 1500 } },
      { ...run, id: 'ls-2', prompt_tokens: 900, extra: { invocation_params: { model: 'claude-3-5-haiku' } },
        outputs: { generations: [[{ text: 'a', message: { kwargs: { content: 'a', usage_metadata: { input_tokens: 900, output_tokens: 10,
          input_token_details: { cache_read: 600, cache_creation: 200 } } } } }]] } },
    ])), { preset: 'langsmith' });
    expect(row(ws, 'ls-1')).toMatchObject({ tokens_in: 2000, tokens_cached_in: 1500, price_tier: 'standard+cached' });
    expect(row(ws, 'ls-2')).toMatchObject({ tokens_in: 900, tokens_cached_in: 600, tokens_cache_write_in: 200 });
  });

  it('Phoenix: llm.token_count.prompt_details.cache_read / cache_write', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('spans.jsonl', jsonl([
      { 'context.span_id': 'ph-1', 'context.trace_id': 't1', name: 'ChatCompletion', span_kind: 'LLM', start_time: '2026-03-03T14:00:00Z', end_time: '2026-03-03T14:00:01Z',
        status_code: 'OK', 'attributes.openinference.span.kind': 'LLM', 'attributes.llm.model_name': 'gpt-4o-mini', 'attributes.input.value': 'q',
        'attributes.llm.token_count.prompt': 1200, 'attributes.llm.token_count.completion': 20,
        'attributes.llm.token_count.prompt_details.cache_read': 1024, 'attributes.llm.token_count.prompt_details.cache_write': 0 },
    ])), { preset: 'phoenix-spans' });
    expect(row(ws, 'ph-1')).toMatchObject({ tokens_in: 1200, tokens_cached_in: 1024, tokens_cache_write_in: 0, price_tier: 'standard+cached' });
  });

  it('OpenTelemetry GenAI: gen_ai.usage.cache_read.input_tokens / cache_creation.input_tokens (part of input_tokens)', async () => {
    const ws = await newWorkspace();
    const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
    const doc = { resourceSpans: [{ resource: { attributes: [attr('service.name', 'app')] }, scopeSpans: [{ scope: { name: 's' }, spans: [{
      traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', name: 'chat', kind: 3,
      startTimeUnixNano: '1772442000000000000', endTimeUnixNano: '1772442001000000000', status: { code: 1 },
      attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'claude-3-5-haiku'), attr('gen_ai.usage.input_tokens', 3000),
        attr('gen_ai.usage.output_tokens', 40), attr('gen_ai.usage.cache_read.input_tokens', 2000), attr('gen_ai.usage.cache_creation.input_tokens', 500),
        attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'q' }] }]))],
    }] }] }] };
    await runImport(ws, write('otlp.json', JSON.stringify(doc)), {});
    const r = ws.db.get<Record<string, unknown>>('SELECT * FROM requests')!;
    expect(r).toMatchObject({ tokens_in: 3000, tokens_cached_in: 2000, tokens_cache_write_in: 500, price_model: 'claude-3-5-haiku', price_tier: 'standard+cached' });
    // 500 × 0.80 + 2000 × 0.08 + 500 × 1.00 + 40 × 4 = 1,220 µUSD.
    expect(r.cost_usd).toBeCloseTo(0.00122, 12);
  });
});
