import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ImportOptions } from '../../../shared/contract';
import { LoupeError } from '../../../shared/errors';
import { DEFAULT_PRICES } from '../../../shared/prices';
import type { RejectedRow } from '../../../shared/types';
import { otlpSpans } from './otlp';
import { buildMapper, choosePreset, expectedReason, getPath, listPaths, type MappedRow } from './mapping';
import { detectSource, readRecords } from './read';

const repoRoot = path.resolve(__dirname, '../../..');
const casesDir = path.resolve(repoRoot, '../shared/cases/import');
const haveCases = fs.existsSync(casesDir);

type Row = Record<string, string | number | null>;

/** Maps records the way the pipeline does: choose a preset, build the mapper on the sample, map every record. */
function run(records: Record<string, unknown>[], options: ImportOptions = {}, timeZone = 'UTC') {
  const { candidates, chosen } = choosePreset(records, options);
  const mapper = buildMapper(chosen, records, options, { fileName: 'test.jsonl', timeZone, prices: DEFAULT_PRICES.models });
  const rows: MappedRow[] = [];
  const rejects: RejectedRow[] = [];
  records.forEach((record, i) => {
    const m = mapper.map({ line: i + 1, record });
    rows.push(...m.rows);
    rejects.push(...m.rejects);
  });
  const of = (kind: string): Row[] => rows.filter((r) => r.kind === kind).map((r) => r.row);
  return { chosen, candidates, mapper, rows, rejects, requests: of('requests'), feedback: of('feedback'), tickets: of('tickets') };
}

async function readCase(name: string): Promise<Record<string, unknown>[]> {
  const file = path.join(casesDir, name);
  const src = await detectSource(file, {});
  const out: Record<string, unknown>[] = [];
  for await (const b of readRecords(file, src)) out.push(...b.records.map((r) => r.record));
  return out;
}

const T = (iso: string) => Date.parse(iso);

describe('getPath and listPaths', () => {
  test('dotted paths index arrays and stop at a null parent without throwing', () => {
    const rec = { a: { b: [{ c: 1 }, { c: 2 }] }, n: null, 'gen_ai.request.model': 'gpt-4o' };
    expect(getPath(rec, 'a.b.1.c')).toBe(2);
    expect(getPath(rec, 'a.b.5.c')).toBeUndefined();
    expect(getPath(rec, 'n.x.y')).toBeUndefined();
    expect(getPath(rec, 'gen_ai.request.model')).toBe('gpt-4o');
    expect(getPath(null, 'a')).toBeUndefined();
  });
  test('listPaths lists leaves, arrays of objects by index, arrays of scalars as one field', () => {
    expect(listPaths([{ a: { b: [{ c: 1 }, { c: 2 }] }, d: [1, 2] }, { e: null }])).toEqual(['a.b.0.c', 'a.b.1.c', 'd', 'e']);
  });
});

describe.skipIf(!haveCases)('import cases through the mapper', () => {
  test('case 12: empty, NaN and N/A numbers are NULL; 0 stays 0', async () => {
    const r = run(await readCase('12-empty-and-nan-numbers.csv'));
    expect(r.chosen).toBe('generic');
    expect(r.rejects).toEqual([]);
    expect(r.requests.map((x) => [x.id, x.latency_ms, x.cost_usd, x.tokens_out, x.cost_source])).toEqual([
      ['r-1', null, null, 12, null],
      ['r-2', 450, 0.002, null, 'source'],
      ['r-3', null, null, 0, null],
    ]);
  });

  test('case 13: ids kept exactly as text', async () => {
    const r = run(await readCase('13-large-numeric-ids.csv'));
    expect(r.requests.map((x) => [x.id, x.user_id])).toEqual([['9007199254740993', '0012345'], ['1234567890123456789', '0000001']]);
  });

  test('case 14: a null parent gives NULL tokens, no reject', async () => {
    const r = run(await readCase('14-nested-null-parent.jsonl'));
    expect(r.mapper.mapping.tokens_in).toBe('response.body.usage.prompt_tokens');
    expect(r.mapper.mapping.output).toBeUndefined();
    expect(r.rejects).toEqual([]);
    expect(r.requests.map((x) => [x.id, x.tokens_in, x.tokens_out])).toEqual([['n1', 10, 5], ['n2', null, null], ['n3', null, null]]);
  });

  test('case 14 with an explicit mapping override gives the same result', async () => {
    const r = run(await readCase('14-nested-null-parent.jsonl'), { mapping: { tokens_in: 'response.body.usage.prompt_tokens', tokens_out: 'response.body.usage.completion_tokens' } });
    expect(r.requests.map((x) => x.tokens_in)).toEqual([10, null, null]);
  });

  test('case 07: offsets, space instead of T, naive time in the workspace time zone', async () => {
    const recs = await readCase('07-offsets-and-space.csv');
    expect(run(recs).requests.map((x) => x.ts)).toEqual([T('2026-08-20T08:00:00Z'), T('2026-08-20T10:00:00Z'), T('2026-08-20T08:00:00Z')]);
    expect(run(recs, {}, 'Europe/Berlin').requests.map((x) => x.ts)).toEqual([T('2026-08-20T08:00:00Z'), T('2026-08-20T08:00:00Z'), T('2026-08-20T08:00:00Z')]);
  });

  test('case 08: epoch s, ms, µs and fractional s all land on 2026-02-24T10:00Z', async () => {
    const r = run(await readCase('08-epoch-units.jsonl'));
    const base = T('2026-02-24T10:00:00Z');
    expect(r.requests.map((x) => x.ts)).toEqual([base, base, base, base + 500]);
    expect(r.mapper.notes.some((n) => n.startsWith('ts ← ts: mixed forms detected'))).toBe(true);
  });

  test('case 09: offsets across DST', async () => {
    const r = run(await readCase('09-dst-mixed-offsets.csv'));
    expect(r.requests.map((x) => x.ts)).toEqual([T('2026-03-29T00:30:00Z'), T('2026-03-29T01:30:00Z'), T('2026-10-25T01:30:00Z')]);
  });

  test('case 10: Excel serial dates in a ticket column', async () => {
    const r = run(await readCase('10-excel-serial-dates.csv'));
    expect(r.mapper.kind).toBe('tickets');
    expect(r.tickets.map((x) => [x.id, x.created_ts])).toEqual([['T-1', T('2026-03-01T12:00:00Z')], ['T-2', T('2026-03-02T06:00:00Z')]]);
  });

  test('case 01: BOM + quoted header → tickets with CSAT', async () => {
    const r = run(await readCase('01-bom-quoted-header.csv'));
    expect(r.tickets.map((x) => [x.id, x.created_ts, x.csat])).toEqual([['T-1', T('2026-03-01T10:00:00Z'), 4], ['T-2', T('2026-03-02T11:30:00Z'), 5]]);
  });

  test('case 02: thumbs in a semicolon file are feedback linked explicitly', async () => {
    const r = run(await readCase('02-semicolon.csv'));
    expect(r.mapper.kind).toBe('feedback');
    expect(r.feedback.map((x) => [x.request_id, x.kind, x.value, x.label, x.comment, x.link_method])).toEqual([
      ['q-1', 'thumb', 1, 'up', 'Where is my order?', 'explicit'],
      ['q-2', 'thumb', -1, 'down', 'It ships tomorrow; maybe', 'explicit'],
    ]);
    expect(r.feedback[0]!.id).toMatch(/^h:[0-9a-f]{40}$/);
  });

  test('case 05 and 16: ids from request_id; in-file duplicates keep their id (the pipeline reports them)', async () => {
    expect(run(await readCase('05-reimport.jsonl')).requests.map((x) => [x.id, x.input, x.output])).toEqual([['r-0', 'q0', 'a0'], ['r-1', 'q1', 'a1'], ['r-2', 'q2', 'a2']]);
    const r = run(await readCase('16-duplicate-ids-in-file.jsonl'));
    expect(r.requests.map((x) => x.id)).toEqual(['d-1', 'd-2', 'd-1']);
    expect(JSON.parse(String(r.requests[2]!.extra))).toEqual({ score: 9 });
  });

  test('case 15: trailing empty rows are skipped, not rejected', async () => {
    const r = run(await readCase('15-trailing-empty-rows.csv').then((x) => [...x, { ticket_id: '', subject: '' }]));
    expect(r.tickets.map((x) => x.id)).toEqual(['T-1', 'T-2']);
    expect(r.rejects).toEqual([]);
  });
});

describe('generic auto-detection (demo-style files)', () => {
  test('requests with conventional names', () => {
    const r = run([{
      request_id: 'req-1', timestamp: '2026-02-24T10:00:00Z', user_id: 'u-1', session_id: 's-1', segment: 'pro', model: 'gpt-4o-mini',
      model_version: '2024-07-18', feature: 'search', input: 'Where is my order?', output: 'It ships today.', latency_ms: '1234.5', ttft_ms: '210',
      prompt_tokens: '1000', completion_tokens: '500', cost_usd: '', status: 'ok', error: '', lang: 'en', campaign: 'x',
    }]);
    expect(r.chosen).toBe('generic');
    expect(r.requests[0]).toEqual({
      id: 'req-1', ts: T('2026-02-24T10:00:00Z'), user_id: 'u-1', session_id: 's-1', segment: 'pro', model: 'gpt-4o-mini', model_version: '2024-07-18',
      feature: 'search', lang: 'en', input: 'Where is my order?', output: 'It ships today.', latency_ms: 1234.5, ttft_ms: 210, tokens_in: 1000,
      tokens_out: 500, cost_usd: 0.00045, cost_source: 'price_table', status: 'ok', error: '', is_error: 0, input_chars: 18, output_chars: 15,
      extra: '{"campaign":"x"}', tokens_cached_in: null, tokens_cache_write_in: null, tokens_cache_write_1h_in: null, service_tier: null, trace_id: null, region: null,
      price_model: 'gpt-4o-mini', price_as_of: DEFAULT_PRICES.as_of, price_tier: 'standard',
    });
  });

  test('region from a country column (Helicone-style country_code, a generic file\'s country)', () => {
    const r = run([{ request_id: 'a', timestamp: '2026-02-24T10:00:00Z', input: 'x', output: 'y', country_code: 'DE' }]);
    expect(r.requests[0]!.region).toBe('DE');
    const c = run([{ request_id: 'b', timestamp: '2026-02-24T10:00:00Z', input: 'x', output: 'y', country: 'BR' }]);
    expect(c.requests[0]!.region).toBe('BR');
    // OpenTelemetry's geo attributes: presets/otel.test.ts.
  });

  test('synonyms: prompt/completion, created_at, duration in seconds by name, error status', () => {
    const r = run([{ id: 7, prompt: 'q', completion: 'a', created_at: 1771927200, duration_s: 1.5, input_tokens: 3, output_tokens: 4, status: 'error', tags: ['a'] }]);
    const x = r.requests[0]!;
    expect([x.id, x.input, x.output, x.ts, x.latency_ms, x.tokens_in, x.tokens_out, x.is_error]).toEqual(['7', 'q', 'a', T('2026-02-24T10:00:00Z'), 1500, 3, 4, 1]);
    expect(r.mapper.notes).toContain('latency_ms: duration_s read in seconds (from its name)');
  });

  test('feedback with a type column: thumb, csat, nps, comment', () => {
    const base = { request_id: 'req-1', session_id: 's-1', user_id: 'u-1', timestamp: '2026-02-24T10:00:00Z' };
    const r = run([
      { feedback_id: 'f1', ...base, type: 'thumb', value: 'up', comment: '' },
      { feedback_id: 'f2', ...base, type: 'thumb', value: 'down', comment: 'wrong' },
      { feedback_id: 'f3', ...base, type: 'csat', value: '4', comment: '' },
      { feedback_id: 'f4', ...base, type: 'nps', value: '9', comment: '' },
      { feedback_id: 'f5', ...base, type: 'comment', value: '', comment: 'thanks' },
    ]);
    expect(r.mapper.kind).toBe('feedback');
    expect(r.rejects).toEqual([]);
    expect(r.feedback.map((x) => [x.id, x.request_id, x.kind, x.value, x.scale, x.label, x.comment, x.ts, x.link_method])).toEqual([
      ['f1', 'req-1', 'thumb', 1, null, 'up', null, T('2026-02-24T10:00:00Z'), 'explicit'],
      ['f2', 'req-1', 'thumb', -1, null, 'down', 'wrong', T('2026-02-24T10:00:00Z'), 'explicit'],
      ['f3', 'req-1', 'rating', 4, 5, '4', null, T('2026-02-24T10:00:00Z'), 'explicit'],
      ['f4', 'req-1', 'nps', 9, 10, '9', null, T('2026-02-24T10:00:00Z'), 'explicit'],
      ['f5', 'req-1', 'comment', null, null, null, 'thanks', T('2026-02-24T10:00:00Z'), 'explicit'],
    ]);
  });

  test('demo tickets (Zendesk-style headers)', () => {
    const r = run([{
      'Ticket ID': '9001', Requester: 'Ann Lee', 'Requester Email': 'ann@example.com', Subject: 'Wrong answer', Description: 'The bot said X',
      Status: 'solved', Priority: 'high', Channel: 'web', Tags: 'billing refund_request', 'Created at': '2026-02-24 10:00:00',
      'Updated at': '2026-02-24 12:00:00', 'Solved at': '2026-02-24 11:00:00', 'Satisfaction Score': '4', 'Request ID': 'req-1',
    }]);
    expect(r.chosen).toBe('helpdesk-tickets');
    expect(r.tickets[0]).toEqual({
      id: '9001', created_ts: T('2026-02-24T10:00:00Z'), updated_ts: T('2026-02-24T12:00:00Z'), resolved_ts: T('2026-02-24T11:00:00Z'),
      first_response_ts: null, requester: 'Ann Lee', requester_email: 'ann@example.com', user_id: 'ann@example.com', subject: 'Wrong answer',
      body: 'The bot said X', status: 'solved', priority: 'high', channel: 'web', tags: '["billing","refund_request"]', csat: 4,
      request_ref: 'req-1', session_id: null, extra: null,
    });
    // A requester column of user ids (as request logs key users) is the user id; the email is then only the email.
    const ids = run([{ 'Ticket ID': '40001', Requester: 'u0107', 'Requester Email': 'farid@example.com', Subject: 'x', 'Created at': '2026-08-31 10:09:51' }]);
    expect([ids.tickets[0]!.user_id, ids.tickets[0]!.requester_email]).toEqual(['u0107', 'farid@example.com']);
    expect(ids.mapper.notes).toContain('user_id: Requester holds user ids (e.g. "u0107"), used rather than Requester Email');
    // The generic preset reads the same file the same way.
    expect(run([{ 'Ticket ID': '9001', Subject: 'x', 'Request ID': 'req-1' }], { preset: 'generic' }).tickets[0]!.request_ref).toBe('req-1');
  });

  test('Zendesk API tickets: satisfaction_rating {score: good | bad | offered | unoffered} is the CSAT (good 5, bad 1, no answer none)', () => {
    const t = (id: number, score: string | null) => ({ id, subject: 's', description: 'd', status: 'solved', created_at: '2026-03-02T09:00:00Z', requester_id: 2097,
      ...(score === null ? {} : { satisfaction_rating: { score, comment: score === 'bad' ? 'useless' : null } }) });
    const r = run([t(1, 'bad'), t(2, 'good'), t(3, 'unoffered'), t(4, 'offered'), t(5, null)], { kind: 'tickets' });
    expect(r.mapper.mapping.csat).toBe('satisfaction_rating.score');
    expect(r.tickets.map((x) => x.csat)).toEqual([1, 5, null, null, null]);
  });

  test('Jira and Freshdesk exports map (Jira through its own preset, Freshdesk through the ticket synonyms)', () => {
    const jira = run([{ 'Issue key': 'SUP-12', Summary: 'Bot gave a wrong refund amount', Description: 'details', Status: 'Done', Priority: 'High', Reporter: 'Ann Lee', Created: '2026-03-01 09:30', Resolved: '2026-03-02 10:00', Labels: 'billing ai' }]);
    expect(jira.chosen).toBe('jira');
    expect(jira.tickets.map((x) => [x.id, x.subject, x.requester, x.created_ts, x.resolved_ts, x.tags])).toEqual([
      ['SUP-12', 'Bot gave a wrong refund amount', 'Ann Lee', T('2026-03-01T09:30:00Z'), T('2026-03-02T10:00:00Z'), '["billing","ai"]'],
    ]);
    const fresh = run([{ 'Ticket ID': '77', Subject: 's', Description: 'd', Status: 'Resolved', Priority: 'Low', Source: 'Portal', Type: 'Question', 'Created time': '2026-03-01 09:30:00', 'Initial response time': '2026-03-01 09:45:00', 'Resolved time': '2026-03-01 11:00:00', Tags: '', 'Full name': 'Bo Chen', Email: 'bo@example.com' }]);
    expect(fresh.tickets.map((x) => [x.id, x.channel, x.created_ts, x.first_response_ts, x.resolved_ts, x.requester, x.user_id, x.tags])).toEqual([
      ['77', 'Portal', T('2026-03-01T09:30:00Z'), T('2026-03-01T09:45:00Z'), T('2026-03-01T11:00:00Z'), 'Bo Chen', 'bo@example.com', null],
    ]);
  });

  test('bad values reject the row with field and reason; reading goes on', () => {
    const r = run([
      { request_id: 'a', timestamp: 'yesterday-ish', prompt_tokens: 3 },
      { request_id: 'b', timestamp: '2026-02-24T10:00:00Z', prompt_tokens: 'many' },
      { request_id: 'c', timestamp: '2026-02-24T10:00:00Z', prompt_tokens: 3 },
    ]);
    expect(r.requests.map((x) => x.id)).toEqual(['c']);
    expect(r.rejects.map((x) => [x.line, x.field])).toEqual([[1, 'timestamp'], [2, 'prompt_tokens']]);
    expect(r.rejects[0]!.reason).toContain('"yesterday-ish"');
    expect(r.rejects[0]!.reason).toBe('timestamp (read as ts): expected a date and time (e.g. 2026-08-20T08:00:00Z), found "yesterday-ish"');
    expect(r.rejects[1]!.reason).toBe('prompt_tokens (read as tokens_in): expected a whole number of tokens, found "many"');
  });

  test('missing_sentinels option makes -1 missing in typed fields', () => {
    const r = run([{ request_id: 'a', input: 'q', latency_ms: -1, prompt_tokens: '-1' }], { missing_sentinels: ['-1'] });
    expect([r.requests[0]!.latency_ms, r.requests[0]!.tokens_in]).toEqual([null, null]);
  });

  test('nothing mappable → IMPORT_NOT_RECOGNISED naming the file and fields', () => {
    const recs = [{ foo: 1, bar: { baz: 2 } }];
    const { chosen } = choosePreset(recs, {});
    let err: unknown;
    try { buildMapper(chosen, recs, {}, { fileName: 'odd.jsonl', timeZone: 'UTC', prices: [] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(LoupeError);
    expect((err as LoupeError).code).toBe('IMPORT_NOT_RECOGNISED');
    expect((err as LoupeError).message).toContain('odd.jsonl');
    expect((err as LoupeError).message).toContain('Fields seen: foo, bar.baz');
  });

  test('content-hash ids are stable across runs and key order', () => {
    const a = run([{ prompt: 'q', completion: 'a', latency_ms: 5 }]).requests[0]!.id;
    const b = run([{ latency_ms: 5, completion: 'a', prompt: 'q' }]).requests[0]!.id;
    expect(a).toBe(b);
    expect(a).toMatch(/^h:[0-9a-f]{40}$/);
  });
});

describe('presets on inline samples', () => {
  test('openai-batch', () => {
    const r = run([
      { id: 'batch_req_1', custom_id: 'req-42', response: { status_code: 200, request_id: 'x', body: { id: 'chatcmpl-1', object: 'chat.completion', created: 1771927200, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } } }, error: null },
      { id: 'batch_req_2', custom_id: 'req-43', response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } },
    ]);
    expect(r.chosen).toBe('openai-batch');
    expect(r.rejects).toEqual([]);
    const [a, b] = r.requests;
    expect([a!.id, a!.ts, a!.model, a!.output, a!.tokens_in, a!.tokens_out, a!.cost_usd, a!.cost_source, a!.status, a!.is_error])
      .toEqual(['batch_req_1', T('2026-02-24T10:00:00Z'), 'gpt-4o-mini-2024-07-18', 'Hello!', 1000, 500, 0.000225, 'price_table', '200', 0]);
    // The Batch API bills half: gpt-4o-mini batch prices $0.075 in, $0.30 out per million tokens.
    expect([a!.service_tier, a!.price_model, a!.price_tier]).toEqual(['batch', 'gpt-4o-mini', 'batch']);
    expect([b!.id, b!.ts, b!.error, b!.is_error, b!.cost_usd]).toEqual(['batch_req_2', null, 'This request could not be executed before the completion window expired.', 1, null]);
  });

  test('openai-chat: input from messages, cost from the price table', () => {
    const r = run([{ id: 'chatcmpl-9', object: 'chat.completion', created: 1771927200, model: 'gpt-4o', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 2+2?' }], choices: [{ index: 0, message: { role: 'assistant', content: '4' }, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 1 } }]);
    expect(r.chosen).toBe('openai-chat');
    const x = r.requests[0]!;
    expect([x.id, x.ts, x.input, x.output, x.cost_usd, x.status, x.is_error]).toEqual(['chatcmpl-9', T('2026-02-24T10:00:00Z'), 'What is 2+2?', '4', 0.00006, 'stop', 0]);
  });

  test('otel-genai: spans expanded, ns timestamps, exact latency, non-GenAI spans skipped', () => {
    const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
    // The reader hands the mapper one record per span (otlp.ts).
    const r = run(otlpSpans({
      resourceSpans: [{
        resource: { attributes: [attr('service.name', { stringValue: 'support-bot' })] },
        scopeSpans: [{
          scope: { name: 'openai' },
          spans: [
            { traceId: 't1', spanId: 'b1', name: 'chat gpt-4o', startTimeUnixNano: '1771927200000000000', endTimeUnixNano: '1771927201234567890',
              attributes: [attr('gen_ai.request.model', { stringValue: 'gpt-4o' }), attr('gen_ai.response.model', { stringValue: 'gpt-4o-2024-08-06' }),
                attr('gen_ai.usage.input_tokens', { intValue: '1200' }), attr('gen_ai.usage.output_tokens', { intValue: 300 }),
                attr('gen_ai.conversation.id', { stringValue: 'conv-1' })],
              status: { code: 2, message: 'rate limited' } },
            { traceId: 't1', spanId: 'b2', name: 'GET /x', startTimeUnixNano: '1771927200000000000', endTimeUnixNano: '1771927200100000000', attributes: [attr('http.method', { stringValue: 'GET' })] },
            { traceId: 't2', spanId: 'b3', name: 'chat', startTimeUnixNano: '1771927260000000000', endTimeUnixNano: '1771927260500000000',
              attributes: [attr('gen_ai.request.model', { stringValue: 'gpt-4o-mini' }), attr('gen_ai.input.messages', { stringValue: '[{"role":"user","content":"hi"}]' })], status: { code: 1 } },
          ],
        }],
      }],
    }));
    expect(r.chosen).toBe('otel-genai');
    expect(r.requests.map((x) => [x.id, x.ts, x.latency_ms, x.model, x.model_version, x.tokens_in, x.tokens_out, x.session_id, x.feature, x.status, x.error, x.is_error, x.cost_usd, x.input]))
      .toEqual([
        ['b1', T('2026-02-24T10:00:00Z'), 1234.56789, 'gpt-4o', 'gpt-4o-2024-08-06', 1200, 300, 'conv-1', 'support-bot', 'error', 'rate limited', 1, 0.006, null],
        ['b3', T('2026-02-24T10:01:00Z'), 500, 'gpt-4o-mini', null, null, null, null, 'support-bot', 'ok', '', 0, null, 'hi'],
      ]);
  });

  test('langfuse observation: latency and ttft from times, source cost, ERROR level', () => {
    const r = run([{ id: 'obs-1', traceId: 'tr-1', type: 'GENERATION', name: 'answer-question', startTime: '2026-02-24T10:00:00.000Z', endTime: '2026-02-24T10:00:02.500Z', completionStartTime: '2026-02-24T10:00:00.400Z', model: 'gpt-4o', input: [{ role: 'user', content: 'Hi' }], output: { role: 'assistant', content: 'Hello' }, usageDetails: { input: 10, output: 20, total: 30 }, calculatedTotalCost: 0.0123, level: 'ERROR', statusMessage: 'timeout', userId: 'u-1', sessionId: 's-1' }]);
    expect(r.chosen).toBe('langfuse');
    const x = r.requests[0]!;
    expect([x.id, x.ts, x.latency_ms, x.ttft_ms, x.tokens_in, x.tokens_out, x.cost_usd, x.cost_source, x.feature, x.input, x.output, x.user_id, x.session_id, x.error, x.is_error])
      .toEqual(['obs-1', T('2026-02-24T10:00:00Z'), 2500, 400, 10, 20, 0.0123, 'source', 'answer-question', 'Hi', 'Hello', 'u-1', 's-1', 'timeout', 1]);
  });

  test('langfuse trace: latency in seconds when there is no end time', () => {
    const r = run([{ id: 'tr-9', timestamp: '2026-02-24T10:00:00Z', name: 'chat', userId: 'u-2', sessionId: 's-2', input: 'q', output: 'a', latency: 1.25, totalCost: 0.5, projectId: 'p' }]);
    expect(r.chosen).toBe('langfuse');
    expect([r.requests[0]!.latency_ms, r.requests[0]!.cost_usd, r.requests[0]!.is_error]).toEqual([1250, 0.5, 0]);
  });

  test('llmperf: seconds to ms, error_code → error, content-hash id', () => {
    const recs = [
      { error_code: -100, error_msg: 'Output too few tokens 102', ttft_s: 0.5, end_to_end_latency_s: 5.25, number_input_tokens: 550, number_output_tokens: 102, number_total_tokens: 652, GEN_TEXT: 'x' },
      { error_code: null, error_msg: '', ttft_s: 0.25, end_to_end_latency_s: 6, number_input_tokens: 550, number_output_tokens: 128, number_total_tokens: 678, GEN_TEXT: 'y' },
    ];
    const r = run(recs);
    expect(r.chosen).toBe('llmperf');
    expect(r.requests.map((x) => [x.latency_ms, x.ttft_ms, x.tokens_in, x.tokens_out, x.status, x.error, x.is_error, x.output])).toEqual([
      [5250, 500, 550, 102, 'error -100', 'Output too few tokens 102', 1, 'x'],
      [6000, 250, 550, 128, 'ok', '', 0, 'y'],
    ]);
    expect(run(recs).requests.map((x) => x.id)).toEqual(r.requests.map((x) => x.id));
    expect(JSON.parse(String(r.requests[0]!.extra))).toEqual({ number_total_tokens: 652 });
  });

  test('oasst-trees: prompter + assistant reply = request; one thumb row per vote', () => {
    const r = run([{
      message_id: 'p1', parent_id: null, role: 'prompter', text: 'Q1', lang: 'en', emojis: { '+1': 4 }, replies: [
        { message_id: 'a1', parent_id: 'p1', role: 'assistant', text: 'A1', lang: 'en', emojis: { '+1': 2, '-1': 1, red_flag: 1 }, replies: [
          { message_id: 'p2', parent_id: 'a1', role: 'prompter', text: 'Q2', lang: 'en', emojis: null, replies: [
            { message_id: 'a3', parent_id: 'p2', role: 'assistant', text: 'A3', lang: 'en', emojis: { '+1': 1 }, replies: [] }] }] },
        { message_id: 'a2', parent_id: 'p1', role: 'assistant', text: 'A2', lang: 'en', emojis: null, replies: [] },
      ],
    }]);
    expect(r.chosen).toBe('oasst-trees');
    expect(r.mapper.kind).toBe('mixed');
    expect(r.requests.map((x) => [x.id, x.session_id, x.input, x.output, x.lang])).toEqual([
      ['a1', 'p1', 'Q1', 'A1', 'en'], ['a3', 'p1', 'Q2', 'A3', 'en'], ['a2', 'p1', 'Q1', 'A2', 'en'],
    ]);
    expect(r.feedback.map((x) => [x.id, x.request_id, x.kind, x.value, x.link_method])).toEqual([
      ['a1:+1:1', 'a1', 'thumb', 1, 'explicit'], ['a1:+1:2', 'a1', 'thumb', 1, 'explicit'], ['a1:-1:1', 'a1', 'thumb', -1, 'explicit'],
      ['a3:+1:1', 'a3', 'thumb', 1, 'explicit'],
    ]);
    expect(JSON.parse(String(r.requests[0]!.extra)).assistant.emojis).toEqual({ '+1': 2, '-1': 1, red_flag: 1 });
  });

  test('mtbench answers and judgments join on model + question + turn; -1 is a missing score', () => {
    const answers = run([{ question_id: 81, answer_id: 'x', model_id: 'meta-llama/Llama-X', choices: [{ index: 0, turns: ['t1', 't2'] }], tstamp: 1771927200.25 }]);
    expect(answers.chosen).toBe('mtbench-answers');
    expect(answers.requests.map((x) => [x.id, x.session_id, x.output, x.ts, x.model])).toEqual([
      ['mtbench:Llama-X:81:1', 'mtbench:Llama-X:81', 't1', T('2026-02-24T10:00:00.250Z'), 'meta-llama/Llama-X'],
      ['mtbench:Llama-X:81:2', 'mtbench:Llama-X:81', 't2', T('2026-02-24T10:00:00.250Z'), 'meta-llama/Llama-X'],
    ]);
    const j = run([
      { question_id: 81, model: 'Llama-X', judge: ['gpt-4', 'single-v1'], user_prompt: 'p', judgment: '$ERROR$', score: -1, turn: 1, tstamp: 1771927200.5 },
      { question_id: 81, model: 'Llama-X', judge: ['gpt-4', 'single-v1'], user_prompt: 'p', judgment: 'Good. [[8.5]]', score: 8.5, turn: 1, tstamp: 1771927201 },
    ]);
    expect(j.chosen).toBe('mtbench-judgments');
    expect(j.rejects).toEqual([]);
    expect(j.feedback.map((x) => [x.id, x.request_id, x.kind, x.value, x.scale, x.label, x.source, x.ts])).toEqual([
      ['mtbench-judgment:gpt-4:single-v1:Llama-X:81:1', 'mtbench:Llama-X:81:1', 'rating', null, 10, '-1', 'judge', T('2026-02-24T10:00:00.500Z')],
      ['mtbench-judgment:gpt-4:single-v1:Llama-X:81:1', 'mtbench:Llama-X:81:1', 'rating', 8.5, 10, '8.5', 'judge', T('2026-02-24T10:00:01Z')],
    ]);
  });

  test('hh-rlhf: two requests of one session and preferences +1 / -1', () => {
    const r = run([{ chosen: '\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Tell me a joke\n\nAssistant: Why did the chicken cross the road?', rejected: '\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Tell me a joke\n\nAssistant: No.' }]);
    expect(r.chosen).toBe('hh-rlhf');
    const [c, x] = r.requests;
    expect([c!.input, c!.output, x!.input, x!.output]).toEqual(['Tell me a joke', 'Why did the chicken cross the road?', 'Tell me a joke', 'No.']);
    expect(c!.session_id).toBe(x!.session_id);
    expect(c!.id).toBe(`${String(c!.session_id)}:chosen`);
    expect(JSON.parse(String(c!.extra)).context).toBe('Human: Hi\n\nAssistant: Hello');
    expect(r.feedback.map((f) => [f.request_id, f.kind, f.value, f.label])).toEqual([[c!.id, 'preference', 1, 'chosen'], [x!.id, 'preference', -1, 'rejected']]);
  });

  test('dices: request + majority thumb from raters, per-rater labels in extra', () => {
    const r = run([{ id: 5, instance: { user_prompt: 'USER: hi', response: 'hello' }, annotations: { safety: { majority_human: 'Yes', individual_human_scores: ['Yes', 'No', 'Yes'] } } }]);
    expect(r.chosen).toBe('dices');
    expect(r.requests.map((x) => [x.id, x.input, x.output])).toEqual([['dices:5', 'USER: hi', 'hello']]);
    expect(r.feedback.map((x) => [x.id, x.request_id, x.kind, x.value, x.label, x.source])).toEqual([['dices:5:safety', 'dices:5', 'thumb', 1, 'Yes', 'rater']]);
    expect(JSON.parse(String(r.feedback[0]!.extra)).rater_counts).toEqual({ Yes: 2, No: 1 });
  });

  test('helpdesk-tickets: Kaggle columns, resolution before first response flagged in notes', () => {
    const row = (id: string, fr: string, res: string, csat: string) => ({
      'Ticket ID': id, 'Customer Name': 'A B', 'Customer Email': 'a@example.com', 'Date of Purchase': '2021-03-22', 'Ticket Type': 'Technical issue',
      'Ticket Subject': 'Product setup', 'Ticket Description': 'help', 'Ticket Status': 'Closed', 'Ticket Priority': 'Critical',
      'Ticket Channel': 'Email', 'First Response Time': fr, 'Time to Resolution': res, 'Customer Satisfaction Rating': csat,
    });
    const r = run([row('1', '2023-06-01 12:15:36', '2023-06-01 18:05:38', '3.0'), row('2', '2023-06-01 07:29:40', '2023-06-01 01:57:40', ''), row('3', '', '', '')]);
    expect(r.chosen).toBe('helpdesk-tickets');
    expect(r.tickets.map((x) => [x.id, x.first_response_ts, x.resolved_ts, x.csat, x.tags, x.user_id, x.requester, x.created_ts])).toEqual([
      ['1', T('2023-06-01T12:15:36Z'), T('2023-06-01T18:05:38Z'), 3, '["Technical issue"]', 'a@example.com', 'A B', null],
      ['2', T('2023-06-01T07:29:40Z'), T('2023-06-01T01:57:40Z'), null, '["Technical issue"]', 'a@example.com', 'A B', null],
      ['3', null, null, null, '["Technical issue"]', 'a@example.com', 'A B', null],
    ]);
    expect(r.mapper.notes).toContain('data quality: 1 ticket(s) resolved before their first response (first on line 2); kept as written');
    expect(r.mapper.notes.some((n) => n.startsWith('created_ts: no ticket creation time found'))).toBe(true);
  });

  test('options.preset forces a preset; unknown names are refused', () => {
    expect(choosePreset([{ a: 1 }], { preset: 'llmperf' }).chosen).toBe('llmperf');
    expect(() => choosePreset([{ a: 1 }], { preset: 'nope' })).toThrow(/Unknown preset "nope"/);
  });
});

describe('reject reasons say once what was expected', () => {
  test('a detail that repeats or narrows the expectation is merged; a different one stands alone', () => {
    expect(expectedReason('latency_ms', 'expected a duration in milliseconds', 'expected a duration in milliseconds, found "abc"'))
      .toBe('latency_ms: expected a duration in milliseconds, found "abc"');
    expect(expectedReason('latency_ms', 'expected a duration in milliseconds', 'expected a duration, found "3 fortnights": unknown unit "fortnights"'))
      .toBe('latency_ms: expected a duration in milliseconds, found "3 fortnights": unknown unit "fortnights"');
    expect(expectedReason('latency_ms', 'expected a duration in milliseconds', 'a duration cannot be negative, found -5'))
      .toBe('latency_ms: expected a duration in milliseconds: a duration cannot be negative, found -5');
    expect(expectedReason('ts', 'expected a date-time (ISO 8601, epoch seconds/ms/µs/ns or Excel serial)', "expected date text (ISO 8601), found the number 5; choose an epoch unit or 'excel'"))
      .toBe("ts: expected date text (ISO 8601), found the number 5; choose an epoch unit or 'excel'");
  });

  test('a duration that is not a number, mapped from a request log', () => {
    const recs = [{ request_id: 'a', timestamp: '2026-01-01T00:00:00Z', input: 'q', output: 'a', latency_ms: 'abc' }];
    const m = buildMapper(choosePreset(recs, {}).chosen, recs, {}, { fileName: 'x.jsonl', timeZone: 'UTC', prices: DEFAULT_PRICES.models });
    const r = m.map({ line: 1, record: recs[0]! });
    expect(r.rejects).toEqual([{ line: 1, field: 'latency_ms', reason: 'latency_ms: expected a duration in milliseconds, found "abc"' }]);
  });
});
