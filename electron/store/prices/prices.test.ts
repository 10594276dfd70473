/**
 * Prices in the store: migration 006 on a populated older workspace, costs derived at import (batch, cached and
 * Anthropic cache tokens) with the row and tier kept, and the price behind a request after the row is edited.
 */
import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { MIGRATIONS, migrate } from '../migrations';
import { StoreService } from '../handlers';
import { runImport } from '../import/pipeline';
import { refusal, useTempWorkspaces } from '../testing/temp';

const { write, newWorkspace, tmpDir } = useTempWorkspaces('loupe-prices-');

describe('migration 006', () => {
  it('keeps old price rows, adds the defaults, and records the row each derived cost used (cost unchanged)', async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    migrate(db, 3);
    db.run("INSERT INTO prices (model, input_usd_per_mtok, output_usd_per_mtok, as_of, source) VALUES ('gpt-4o', 2.5, 10, '2026-11-01', 'default price table'), ('gpt-4o-mini', 0.15, 0.6, '2026-11-01', 'default price table')");
    db.run(`INSERT INTO requests (id, model, tokens_in, tokens_out, cost_usd, cost_source) VALUES
      ('a', 'gpt-4o-mini-2024-07-18', 1000, 500, 0.00045, 'price_table'), ('b', 'gpt-4o', 1, 1, 9, 'source'), ('c', 'unknown', 1, 1, NULL, NULL)`);
    expect(migrate(db)).toEqual(MIGRATIONS.filter((m) => m.version > 3).map((m) => m.version));
    expect(db.all('SELECT id, cost_usd, price_model, price_as_of, price_tier FROM requests ORDER BY id')).toEqual([
      { id: 'a', cost_usd: 0.00045, price_model: 'gpt-4o-mini', price_as_of: '2026-11-01', price_tier: 'standard' },
      { id: 'b', cost_usd: 9, price_model: null, price_as_of: null, price_tier: null },
      { id: 'c', cost_usd: null, price_model: null, price_as_of: null, price_tier: null },
    ]);
    expect(db.get("SELECT input_usd_per_mtok, source FROM prices WHERE model = 'gpt-4o-mini' AND as_of = '2026-11-01'")).toEqual({ input_usd_per_mtok: 0.15, source: 'default price table' });
    expect(db.value("SELECT count(*) FROM prices WHERE provider = 'anthropic'")).toBeGreaterThan(10);
    expect(db.value("SELECT scrub FROM imports LIMIT 1")).toBeUndefined();
  });
});

describe('costs derived at import', () => {
  it('OpenAI chat completions: cached prompt tokens at the cached rate; the row and tier are kept', async () => {
    const ws = await newWorkspace();
    const f = write('chat.jsonl', `${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1771927200, model: 'gpt-4o-2024-08-06', service_tier: 'default',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10_000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 8000 } } })}\n`);
    await runImport(ws, f, {});
    // 2,000 × $2.50 + 8,000 × $1.25 + 200 × $10 per million = $0.017
    const r = ws.db.get<Record<string, unknown>>('SELECT cost_usd, cost_source, tokens_in, tokens_cached_in, service_tier, price_model, price_tier FROM requests');
    expect(r).toMatchObject({ cost_source: 'price_table', tokens_in: 10_000, tokens_cached_in: 8000, service_tier: 'default', price_model: 'gpt-4o', price_tier: 'standard+cached' });
    expect(r!.cost_usd as number).toBeCloseTo(0.017, 12);
  });

  it('OpenAI Batch output: batch prices and cached tokens together', async () => {
    const ws = await newWorkspace();
    const f = write('batch.jsonl', `${JSON.stringify({ id: 'batch_req_1', custom_id: 'q1', response: { status_code: 200, body: { created: 1771927200, model: 'gpt-4o-2024-08-06',
      choices: [{ message: { role: 'assistant', content: 'x' } }], usage: { prompt_tokens: 10_000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 8000 } } } }, error: null })}\n`);
    await runImport(ws, f, {});
    const r = ws.db.get<Record<string, unknown>>('SELECT cost_usd, service_tier, price_tier FROM requests');
    expect(r).toMatchObject({ service_tier: 'batch', price_tier: 'batch+cached' });
    expect(r!.cost_usd as number).toBeCloseTo(0.0085, 12);
  });

  it('Anthropic usage: cache reads and writes are added to input_tokens and priced at their rates', async () => {
    const ws = await newWorkspace();
    const f = write('claude.jsonl', `${JSON.stringify({ id: 'msg_1', timestamp: '2026-11-20T10:00:00Z', model: 'claude-sonnet-4-5-20250929', input: 'hi', output: 'yo',
      usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 3000, cache_creation_input_tokens: 2000 } })}\n`);
    const s = await runImport(ws, f, {});
    expect(s.notes.some((n) => n.startsWith('tokens_in: input_tokens + cache_read_input_tokens'))).toBe(true);
    const r = ws.db.get<Record<string, unknown>>('SELECT tokens_in, tokens_cached_in, tokens_cache_write_in, cost_usd, price_model FROM requests');
    expect(r).toMatchObject({ tokens_in: 6000, tokens_cached_in: 3000, tokens_cache_write_in: 2000, price_model: 'claude-sonnet-4-5' });
    expect(r!.cost_usd as number).toBeCloseTo(0.0129, 12);
  });

  it('Anthropic 1-hour cache writes (usage.cache_creation.ephemeral_1h_input_tokens) cost 2× input, 5-minute ones 1.25×', async () => {
    // Sonnet 4.5: input $3, output $15, cache hits $0.30, 5-minute writes $3.75 per MTok; 1-hour writes 2 × $3 = $6.
    // 1,000 × 3 + 3,000 × 0.3 + 500 × 3.75 + 1,500 × 6 + 100 × 15 = 16,275 → $0.016275 (all writes at 5 minutes read $0.0129).
    const usage = { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 3000, cache_creation_input_tokens: 2000, cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1500 } };
    const ws = await newWorkspace();
    await runImport(ws, write('claude.jsonl', `${JSON.stringify({ id: 'msg_1', timestamp: '2026-11-20T10:00:00Z', model: 'claude-sonnet-4-5-20250929', input: 'hi', output: 'yo', usage })}\n`), {});
    const r = ws.db.get<Record<string, unknown>>('SELECT tokens_in, tokens_cache_write_in, tokens_cache_write_1h_in, cost_usd FROM requests')!;
    expect(r).toMatchObject({ tokens_in: 6000, tokens_cache_write_in: 2000, tokens_cache_write_1h_in: 1500 });
    expect(r.cost_usd as number).toBeCloseTo(0.016275, 12);
    // Message Batches: the batch discount (50%) applies to every rate, the 1-hour writes' too.
    const b = await newWorkspace();
    const line = { custom_id: 'c1', result: { type: 'succeeded', message: { id: 'msg_b', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: [{ type: 'text', text: 'ok' }], stop_reason: 'end_turn', usage } } };
    await runImport(b, write('batch.jsonl', `${JSON.stringify(line)}\n`), { preset: 'anthropic-batch' });
    const rb = b.db.get<Record<string, unknown>>('SELECT tokens_cache_write_1h_in, cost_usd, price_tier FROM requests')!;
    expect(rb.tokens_cache_write_1h_in).toBe(1500);
    expect(rb.cost_usd as number).toBeCloseTo(0.016275 / 2, 12);
  });
});

describe('a request older than every price row of its model', () => {
  it('is priced with the earliest row, and the import says so with the row and the day (a fresh user read it as the price of its day)', async () => {
    const ws = await newWorkspace();
    const line = (id: string, day: string) => JSON.stringify({ request_id: id, timestamp: `${day}T10:00:00Z`, model: 'gpt-4o-mini', prompt_tokens: 1000, completion_tokens: 100 });
    const s = await runImport(ws, write('old.jsonl', [line('a', '2026-11-16'), line('b', '2026-11-17')].join('\n') + '\n'), {});
    const rows = ws.db.all<{ price_as_of: string }>('SELECT price_as_of FROM requests ORDER BY id');
    expect(rows.every((r) => r.price_as_of > '2026-11-17')).toBe(true);
    expect(s.notes).toContain(`cost_usd: 2 request(s) were priced with a price row dated after them (e.g. gpt-4o-mini as of ${rows[0]!.price_as_of} for requests from 2026-11-16): the table has no earlier row for their model, and the prices of their day may have differed. Add rows dated on or before their days (Prices screen, or loupe prices set) and import again`);
    const recent = await runImport(ws, write('new.jsonl', line('c', '2027-01-04') + '\n'), {});
    expect(recent.notes.join('\n')).not.toMatch(/dated after them/);
  });
});

describe('prices.* methods', () => {
  it('set, list, forRequest (edited after pricing), delete; a bad row is refused naming its field', async () => {
    const dir = tmpDir();
    const svc = new StoreService(() => undefined, { checkpointIdleMs: 60_000 });
    await svc.dispatch('internal.open', { path: `${dir}/w.sqlite`, create: true });
    const f = write('r.jsonl', `${JSON.stringify({ id: 'r1', timestamp: '2026-11-20T10:00:00Z', model: 'gpt-4o-mini', prompt: 'a', tokens_in: 1000, tokens_out: 500 })}\n`);
    await svc.dispatch('internal.importFileWait', { path: f, options: {} });
    let p = await svc.dispatch('prices.forRequest', { id: 'r1' });
    expect(p).toMatchObject({ cost_source: 'price_table', price_model: 'gpt-4o-mini', price_as_of: '2026-12-05', tier: 'standard', edited_since: false });
    expect(p.row!.requests).toBe(1);
    await new Promise((r) => setTimeout(r, 5));
    await svc.dispatch('prices.set', { row: { model: 'gpt-4o-mini', as_of: '2026-12-05', provider: 'openai', input_usd_per_mtok: 0.2, output_usd_per_mtok: 0.8 } });
    p = await svc.dispatch('prices.forRequest', { id: 'r1' });
    expect(p.edited_since).toBe(true);
    expect(p.row!.input_usd_per_mtok).toBe(0.2);
    const list = await svc.dispatch('prices.delete', { model: 'gpt-4o-mini', as_of: '2026-12-05' });
    expect(list.some((r) => r.model === 'gpt-4o-mini' && r.as_of === '2026-12-05')).toBe(false);
    expect((await svc.dispatch('prices.forRequest', { id: 'r1' })).row).toBeNull();
    const e = await refusal(svc.dispatch('prices.set', { row: { model: 'x', as_of: '2026-02-30', input_usd_per_mtok: 1, output_usd_per_mtok: 1 } }));
    expect(e).toMatchObject({ code: 'BAD_REQUEST' });
    expect(e.message).toContain('row.as_of');
    const imp = await svc.dispatch('prices.import', { rows: [{ model: 'new-model', as_of: '2026-01-01', input_usd_per_mtok: 1, output_usd_per_mtok: 2 }, { model: 'gpt-4o', as_of: '2026-12-05', input_usd_per_mtok: 2.5, output_usd_per_mtok: 10 }] });
    expect([imp.added, imp.replaced]).toEqual([1, 1]);
    svc.close();
  });
});
