/**
 * PII scrubbing: each detector on the labelled corpus (precision and recall printed and held), the parts of a
 * detector one by one (Luhn, IBAN check digits, pattern refusal), and an import whose scrubbed values must not
 * appear anywhere in the bytes of the workspace file, its journal or any export.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journalPath } from '../workspace';
import { refusal, useTempWorkspaces } from '../testing/temp';
import { previewImport, runImport } from '../import/pipeline';
import { StoreService } from '../handlers';
import { findCards, findIbans, luhnValid, phoneFinder } from './detectors';
import { compilePatterns, Scrubber } from './scrubber';
import { evaluateCorpus } from './testing/evaluate';
import { writeParquet } from '../testing/parquet';
import { corpus } from './testing/corpus';

const { write, newWorkspace, tmpDir } = useTempWorkspaces('loupe-scrub-');
const ALL = ['email', 'phone', 'card', 'iban', 'ip', 'secret'] as const;

describe('detectors on the labelled corpus', () => {
  it('every detector keeps precision ≥ 0.95 and recall ≥ 0.85; the figures are printed for the closing note', () => {
    const scores = evaluateCorpus();
    const items = corpus();
    const lines = scores.map((s) => `${s.detector.padEnd(7)} positives ${String(s.tp + s.fn).padStart(2)}  near-misses ${String(items.filter((i) => !i.positive && i.detector === s.detector).length).padStart(2)}  TP ${s.tp} FP ${s.fp} FN ${s.fn}  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}${s.misses.length ? `  missed: ${s.misses.join(' | ')}` : ''}${s.falseFinds.length ? `  false: ${s.falseFinds.join(' | ')}` : ''}`);
    console.log(`PII corpus (${items.length} texts):\n${lines.join('\n')}`);
    for (const s of scores) {
      expect(s.precision, `${s.detector} precision`).toBeGreaterThanOrEqual(0.95);
      expect(s.recall, `${s.detector} recall`).toBeGreaterThanOrEqual(0.85);
    }
    // The known misses stay known: if one starts to be found, the corpus comment is out of date.
    expect(scores.find((s) => s.detector === 'phone')!.misses).toEqual(['4155552671']);
    expect(scores.find((s) => s.detector === 'card')!.misses).toEqual(['4111.1111.1111.1111']);
  });

  it('an internationalised address is replaced whole', () => {
    expect(new Scrubber({ detectors: ['email'] }, 'k').text('to m.müller@exämple.de.')).toBe('to [EMAIL].');
  });

  it('Luhn: the published test numbers pass, a changed digit fails', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('79927398713')).toBe(true); // the ISO/IEC 7812 worked example
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(findCards('pay 4111111111111111 now')).toEqual([{ start: 4, end: 20, label: '[CARD]' }]);
    expect(findCards('4111 1111-1111 1111')).toEqual([]); // mixed separators: not a card layout
  });

  it('IBAN: check digits (mod 97) are checked, and a following word is not swallowed', () => {
    expect(findIbans('to DE89 3704 0044 0532 0130 00 thanks').map((s) => s.end - s.start)).toEqual(['DE89 3704 0044 0532 0130 00'.length]);
    expect(findIbans('DE88 3704 0044 0532 0130 00')).toEqual([]);
  });

  it('phone numbers written nationally are found in the chosen region only', () => {
    expect(phoneFinder('GB')('call 020 7946 0958').length).toBe(1);
    expect(phoneFinder('US')('call 020 7946 0958').length).toBe(0);
  });

  it('a log timestamp is no phone number: a date with its hour, and digits a clock time goes on from', () => {
    // the real tickets file's "[2017.08.11 24:18:54]" became "[[PHONE]:18:54]"
    for (const region of ['US', 'GB', 'DE']) {
      expect(phoneFinder(region)('server log [2017.08.11 24:18:54] error 500')).toEqual([]);
      expect(phoneFinder(region)('at 2024-05-01 13:45:10 the call dropped')).toEqual([]);
      expect(phoneFinder(region)('since 11/08/2017 10:15 nothing works')).toEqual([]);
    }
    // a phone number right beside a time is still found
    expect(phoneFinder('US')('call (415) 555-0132 at 10:30').length).toBe(1);
  });
});

describe('user patterns', () => {
  it('run in linear time: a pattern that backtracks catastrophically in JavaScript finishes at once', () => {
    const s = new Scrubber({ patterns: ['(a+)+b'] }, 'k');
    const t0 = performance.now();
    expect(s.text(`${'a'.repeat(50_000)}c`)).toBe(`${'a'.repeat(50_000)}c`);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(s.text('xaab')).toBe('x[REDACTED]');
  });

  it('a pattern RE2 cannot run, or one that matches empty text, is refused naming it', () => {
    expect(() => compilePatterns(['ok', '(a)\\1'])).toThrow(/Scrub pattern 2 "\(a\)\\\\1" cannot be used: .*backreferences/);
    expect(() => compilePatterns(['x*'])).toThrow(/Scrub pattern 1 "x\*" matches empty text/);
  });
});

describe('rows', () => {
  it('ids holding PII become the same keyed pseudonym everywhere; text gets labels; extra JSON stays JSON', () => {
    const s = new Scrubber({ detectors: [...ALL] }, 'key-1');
    const a: Record<string, string | number | null> = { id: 'r1', user_id: 'jane@example.com', input: 'mail jane@example.com', input_chars: 21, extra: '{"n":"jane@example.com","k":1}', model: 'gpt-4o' };
    const b: Record<string, string | number | null> = { id: 't1', user_id: 'jane@example.com', requester_email: 'jane@example.com' };
    expect(s.row(a).sort()).toEqual(['extra', 'input', 'user_id']);
    s.row(b);
    expect(a.user_id).toMatch(/^email:[0-9a-f]{12}$/);
    expect(b.user_id).toBe(a.user_id);
    expect(b.requester_email).toBe(a.user_id);
    expect(a.input).toBe('mail [EMAIL]');
    expect(a.input_chars).toBe('mail [EMAIL]'.length);
    expect(JSON.parse(a.extra as string)).toEqual({ n: '[EMAIL]', k: 1 });
    expect(new Scrubber({ detectors: ['email'] }, 'key-2').id('jane@example.com')).not.toBe(a.user_id);
  });

  it('codes are not text: the region (a metrics dimension) stays as imported even when a pattern matches it', () => {
    const s = new Scrubber({ detectors: [...ALL], patterns: ['\\b[A-Z]{2}\\b'] }, 'key-1');
    const r: Record<string, string | number | null> = { id: 'r1', region: 'DE', model: 'gpt-4o', input: 'ship to DE please' };
    expect(s.row(r)).toEqual(['input']);
    expect(r).toMatchObject({ region: 'DE', model: 'gpt-4o', input: 'ship to [REDACTED] please' });
  });
});

// Raw values that must never reach the disk once scrubbed.
const PII = ['jane.doe@example.com', '4111 1111 1111 1111', '+44 20 7946 0958', 'sk-proj-abcDEF1234567890abcdefGHIJklmn', '192.168.1.20',
  'DE89 3704 0044 0532 0130 00', 'ORD-99812', 'bob@example.org'];

function fileWithPii(): string {
  const lines = [];
  for (let i = 0; i < 30; i++) {
    lines.push(JSON.stringify({
      id: `r${i}`, timestamp: `2026-11-${String(16 + (i % 5)).padStart(2, '0')}T10:00:00Z`, user_id: i % 2 ? 'jane.doe@example.com' : `u${i}`,
      model: 'gpt-4o-mini', feature: 'support', prompt: `Card ${PII[1]}, call ${PII[2]}, ticket ORD-99812`, response: `Key ${PII[3]} from ${PII[4]}`,
      tokens_in: 100, tokens_out: 20, note: `IBAN ${PII[5]}`, latency_ms: i === 0 ? 'slow for bob@example.org' : 120,
    }));
  }
  return `${lines.join('\n')}\n`;
}

function bytesHold(file: string, needles: string[]): string[] {
  if (!fs.existsSync(file)) return [];
  const buf = fs.readFileSync(file);
  return needles.filter((n) => buf.includes(Buffer.from(n, 'utf8')) || buf.includes(Buffer.from(JSON.stringify(n).slice(1, -1), 'utf8')));
}

describe('an import with scrubbing', () => {
  it('preview shows counts per detector and before/after; nothing is written by it', async () => {
    const ws = await newWorkspace();
    const f = write('pii.jsonl', fileWithPii());
    const p = await previewImport(ws, f, { scrub: { detectors: [...ALL], patterns: ['ORD-\\d+'] } });
    // The preview shows the first 20 stored rows (lines 2-21: line 1 is rejected, its reason quoting bob's address);
    // user ids are addresses on odd lines.
    expect(p.scrub!.counts).toEqual({ email: 11, card: 20, phone: 20, secret: 20, ip: 20, iban: 20, 'pattern:1': 20 });
    expect(p.mapped).toHaveLength(20);
    const d = p.scrub!.diffs.find((x) => x.field === 'input')!;
    expect(d).toMatchObject({ line: 2, kind: 'requests', before: `Card ${PII[1]}, call ${PII[2]}, ticket ORD-99812`, after: 'Card [CARD], call [PHONE], ticket [REDACTED]' });
    expect(JSON.stringify(p.mapped)).not.toContain('jane.doe@example.com');
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(0);
  });

  it('leaves no scrubbed value in the workspace file, its journal, the history or any export (byte scan)', async () => {
    const dir = tmpDir();
    const svc = new StoreService(() => undefined, { checkpointIdleMs: 60_000 });
    const wsFile = `${dir}/w.sqlite`;
    await svc.dispatch('internal.open', { path: wsFile, create: true });
    const f = write('pii.jsonl', fileWithPii());
    const s = await svc.dispatch('internal.importFileWait', { path: f, options: { scrub: { detectors: [...ALL], patterns: ['ORD-\\d+'] } } });
    expect(s.scrub).toMatchObject({ rows_changed: 29, counts: { email: 16, card: 29, phone: 29, secret: 29, ip: 29, iban: 29, 'pattern:1': 29 } });
    // The reject of line 1 quotes the latency value; its reason is scrubbed too.
    expect(s.rejects[0]!.reason).toContain('[EMAIL]');
    const history = await svc.dispatch('import.history', {});
    expect(history[0]!.scrub!.detectors).toEqual(['secret', 'email', 'iban', 'card', 'ip', 'phone']);
    // Journaled writes after the import (a review queue, a price edit) and every export.
    await svc.dispatch('prices.set', { row: { model: 'gpt-4o-mini', as_of: '2026-01-01', input_usd_per_mtok: 1, output_usd_per_mtok: 2 } });
    await svc.dispatch('workspace.setTimeZone', { time_zone: 'Europe/Berlin' });
    const queue = await svc.dispatch('queues.create', { week: '2026-W47', size: 10, seed: 1 });
    const exports: string[] = [];
    for (const format of ['md', 'html', 'csv', 'json'] as const) exports.push((await svc.dispatch('report.weekly', { format, queue_id: queue.queue_id, paper: 'a4' })).text);
    const detail = await svc.dispatch('requests.get', { id: 'r1' }) as { request: { user_id: string } };
    expect(detail.request.user_id).toMatch(/^email:/);
    expect(fs.existsSync(journalPath(wsFile))).toBe(true);
    expect(bytesHold(journalPath(wsFile), PII)).toEqual([]);
    for (const text of exports) expect(PII.filter((n) => text.includes(n))).toEqual([]);
    svc.close();
    expect(bytesHold(wsFile, PII)).toEqual([]);
    expect(bytesHold(wsFile, ['[CARD]', 'email:'])).toEqual(['[CARD]', 'email:']);
  });

  it('the new formats and shapes are scrubbed before anything is written: OTLP spans, Parquet rows, wide feedback, change-history tickets, skip reasons', async () => {
    const ws = await newWorkspace();
    const scrub = { detectors: [...ALL], patterns: [] };
    const mail = 'jane.doe@example.com';
    const phone = '+44 20 7946 0958';
    // OTLP: a GenAI span whose prompt, user and resource attribute hold PII.
    const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
    const span = (id: string, attrs: Array<ReturnType<typeof attr>>) => ({ traceId: 'a'.repeat(31) + id, spanId: 'b'.repeat(15) + id, name: 'chat', kind: 3,
      startTimeUnixNano: '1772442000000000000', endTimeUnixNano: '1772442001000000000', status: { code: 1 }, attributes: attrs });
    const otlp = { resourceSpans: [{ resource: { attributes: [attr('service.name', 'app'), attr('deployment.owner', mail)] }, scopeSpans: [{ scope: { name: 's' }, spans: [
      span('1', [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('user.id', mail),
        attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `call me on ${phone}` }] }]))]),
    ] }] }] };
    const o = await runImport(ws, write('otlp.json', JSON.stringify(otlp)), { scrub });
    expect(o.inserted).toBe(1);
    // LangSmith runs that are not LLM calls are skipped with a reason quoting the run type: scrubbed in the summary,
    // the notes and the history's skip_reasons.
    const run = { id: 'run-llm', run_type: 'llm', start_time: '2026-03-02T09:00:00.000000', end_time: '2026-03-02T09:00:01.000000', trace_id: 't', status: 'success',
      inputs: { messages: [{ role: 'user', content: `mail ${mail}` }] }, extra: { invocation_params: { model: 'gpt-4o-mini' } } };
    const ls = await runImport(ws, write('runs.jsonl', [run, { ...run, id: 'run-odd', run_type: `helper for ${mail}` }].map((r) => JSON.stringify(r)).join('\n')), { preset: 'langsmith', scrub });
    expect(ls.skipped_reasons).toEqual([{ reason: 'helper for [EMAIL] run (not an LLM call)', count: 1 }]);
    // Parquet rows.
    const pq = writeParquet(`${tmpDir()}/requests.parquet`, [
      { name: 'request_id', type: 'STRING', data: ['pq-1', 'pq-2'] },
      { name: 'timestamp', type: 'TIMESTAMP', data: [new Date(Date.UTC(2026, 2, 6)), new Date(Date.UTC(2026, 2, 6, 1))] },
      { name: 'prompt', type: 'STRING', data: [`reach ${mail}`, 'plain'] },
      { name: 'response', type: 'STRING', data: ['ok', `card ${PII[1]}`] },
    ]);
    await runImport(ws, pq, { scrub });
    // A wide feedback file: one row per rating column, the comment scrubbed.
    const T = Date.UTC(2026, 2, 5, 12);
    await runImport(ws, write('survey.csv', `feedback_id,request_id,user_id,created_ms,thumb,nps,comment\nf1,pq-1,${mail},${T},down,3,"call ${phone} or ${mail}"\n`), { scrub });
    expect(ws.db.all<{ id: string; kind: string }>('SELECT id, kind FROM feedback ORDER BY id').map((r) => r.kind)).toEqual(['comment', 'nps', 'thumb']);
    // A change history: several rows per ticket, the latest kept, every state's text scrubbed.
    await runImport(ws, write('history.csv', [
      'ticket_id,subject,body,status,requester_email,updated_at,as_of',
      `T-1,Refund,"first: ${phone}",Open,${mail},2026-03-05T10:00:00Z,2026-03-05T10:00:00Z`,
      `T-1,Refund,"then: ${mail}",Closed,${mail},2026-03-06T10:00:00Z,2026-03-06T10:00:00Z`,
    ].join('\n')), { scrub });
    expect(ws.db.get('SELECT status, body FROM tickets')).toEqual({ status: 'Closed', body: 'then: [EMAIL]' });
    // Nothing raw anywhere in the tables (stored rows, extra JSON, the import history's notes, rejects and skip reasons).
    const tables = ws.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").map((t) => t.name);
    const everything = tables.map((t) => JSON.stringify(ws.db.all(`SELECT * FROM "${t}"`))).join('\n');
    expect([mail, phone, PII[1]!].filter((n) => everything.includes(n) || everything.includes(JSON.stringify(n).slice(1, -1)))).toEqual([]);
    expect(ws.db.value("SELECT count(*) FROM requests WHERE input LIKE '%[PHONE]%' OR input LIKE '%[EMAIL]%'")).toBe(3);
    expect(ws.db.value("SELECT count(*) FROM feedback WHERE comment = 'call [PHONE] or [EMAIL]'")).toBe(1);
    // The comment search index (feedback/fts.ts) holds the scrubbed text only: the address's words find nothing.
    const match = (q: string) => ws.db.value<number>('SELECT count(*) FROM feedback_fts WHERE feedback_fts MATCH ?', [q]);
    expect([match('jane'), match('"example com"'), match('7946')]).toEqual([0, 0, 0]);
    expect(match('"call phone or email"')).toBe(1);
  });

  it('the choice is remembered per workspace and applies when an import names none; a bad pattern refuses before anything is written', async () => {
    const ws = await newWorkspace();
    const f = write('pii.jsonl', fileWithPii());
    const e = await refusal(runImport(ws, f, { scrub: { detectors: ['email'], patterns: ['(?<=x)y'] } }));
    expect(e).toMatchObject({ code: 'BAD_REQUEST' });
    expect(e.message).toMatch(/Scrub pattern 1 "\(\?<=x\)y" cannot be used/);
    expect(ws.db.value('SELECT count(*) FROM imports')).toBe(0);
    expect(ws.meta('scrub_key')).toBeUndefined();
    await runImport(ws, f, { scrub: { detectors: ['email', 'card'], patterns: [] } });
    const again = await runImport(ws, write('more.jsonl', fileWithPii().replace(/"r(\d+)"/g, '"m$1"')), {});
    expect(again.scrub!.detectors).toEqual(['email', 'card']);
    expect(ws.db.value("SELECT count(*) FROM requests WHERE input LIKE '%4111%'")).toBe(0);
  });
});
