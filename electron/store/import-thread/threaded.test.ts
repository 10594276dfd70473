/**
 * The import's reading thread (import-thread/) against the in-thread path: the same stored rows, summaries, import
 * history and summary (counts, rejects with their lines, skip reasons, duplicates), the same errors, and a cancel
 * that leaves the workspace as it was. Needs dist/node/import-reader.js (built by the vitest global setup).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportOptions } from '../../../shared/contract';
import type { ImportSummary } from '../../../shared/types';
import { writeParquet } from '../testing/parquet';
import { refusal, useTempWorkspaces } from '../testing/temp';
import type { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { lastImportTimings } from '../import/timings';
import { readerThreadScript } from './client';
import { clearTestHooks, setTestHook } from '../test-hooks';

const repo = path.resolve(__dirname, '../../..');
const cases = path.resolve(repo, '../shared/cases/import');
const real = path.resolve(repo, '../shared/data/real');
const { write, newWorkspace } = useTempWorkspaces('loupe-thread-');

/** Every table an import writes, row by row in insert order, with the values' types kept (JSON tells 1 from '1'). */
const TABLES = ['requests', 'feedback', 'tickets', 'ticket_links', 'request_summaries', 'request_summaries_day', 'summary_slices', 'summary_dirty_hours',
  'feedback_summaries', 'feedback_summaries_day', 'feedback_summary_state'];
function stored(ws: Workspace): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of TABLES) {
    // Tables WITHOUT ROWID have none: their scan order is their key's.
    const withoutRowid = /WITHOUT ROWID/i.test(ws.db.value<string>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [t]) ?? '');
    out[t] = JSON.stringify(ws.db.all(withoutRowid ? `SELECT * FROM ${t}` : `SELECT rowid AS row_id, * FROM ${t} ORDER BY rowid`));
  }
  out.imports = JSON.stringify(ws.db.all('SELECT * FROM imports ORDER BY id').map((r) => ({ ...r, started_at: 0, finished_at: 0 })));
  return out;
}
const timeless = (s: ImportSummary) => ({ ...s, started_at: 0, finished_at: 0 });

/** Imports `file` into two new workspaces, on the reading thread and on the store thread, and returns both. */
async function both(file: string, options: ImportOptions = {}, fileName?: string) {
  const a = await newWorkspace();
  const inThread = await runImport(a, file, options, { readerThread: false }, fileName);
  const b = await newWorkspace();
  const threaded = await runImport(b, file, options, { readerThread: true }, fileName);
  const t = lastImportTimings()!;
  return { inThread, threaded, storedIn: stored(a), storedThreaded: stored(b), timings: t };
}

describe('reading and mapping on a second thread', () => {
  it('is built (dist/node/import-reader.js)', () => {
    expect(readerThreadScript()).toMatch(/import-reader\.js$/);
  });

  it('stores text byte for byte on both paths through the bulk binder (bulk-bind/): astral, accents, 700k chars, empty; NUL and lone surrogates refused alike', async () => {
    const texts = ['nul\u0000inside', 'lone \ud800 high', 'lone \udc00 low', 'emoji 😀 ü é', 'x'.repeat(300_000) + 'é'.repeat(400_000), ''];
    const lines = texts.map((t, i) => JSON.stringify({ request_id: `t${i}`, timestamp: '2026-03-02T10:00:00Z', model: 'gpt-4o', input: t, output: `o${i}`, latency_ms: 100 + i }));
    const f = write('texts.jsonl', `${lines.join('\n')}\n`);
    process.env.LOUPE_BULK_BIND = '0';
    const r = await both(f).finally(() => delete process.env.LOUPE_BULK_BIND);
    expect(timeless(r.threaded)).toEqual(timeless(r.inThread));
    expect(r.storedThreaded).toEqual(r.storedIn);
    const ws = await newWorkspace();
    await runImport(ws, f, {}, { readerThread: true });
    // The default (the C-API binder) stores the same cells as sql.js's Statement.run (LOUPE_BULK_BIND=0), row for row.
    expect(stored(ws).requests).toEqual(r.storedIn.requests);
    const hex = ws.db.all<{ id: string; h: string }>('SELECT id, hex(input) h FROM requests ORDER BY id');
    // The mapper refuses NUL and lone surrogates before any bind (so the binder's sql.js fallback is for other
    // callers); the rest is stored as its UTF-8 bytes.
    expect(r.threaded.rejects.map((x) => [x.line, x.field])).toEqual([[1, 'input'], [2, 'input'], [3, 'input']]);
    expect(hex.map((x) => x.id)).toEqual(['t3', 't4', 't5']);
    expect(hex[0]?.h).toBe(Buffer.from('emoji 😀 ü é').toString('hex').toUpperCase());
    expect(hex[2]?.h).toBe('');
    expect(ws.db.value("SELECT typeof(input) FROM requests WHERE id = 't5'")).toBe('null'); // the mapper stores '' as missing
    expect(ws.db.value('SELECT length(input) FROM requests WHERE id = ?', ['t4'])).toBe(700_000);
  });

  it('stores the same rows and gives the same summary on a file with bad lines, duplicates and blank records, across batches', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 9000; i++) {
      const ts = `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`;
      if (i % 997 === 0) lines.push(`{"request_id":"r${i}","timestamp":"2026-03-0`); // broken JSON
      else if (i % 1009 === 0) lines.push(JSON.stringify({ request_id: `r${i}`, timestamp: 'not a date', input: 'q', output: 'a' }));
      else if (i % 1499 === 0) lines.push('{}'); // every field empty: a blank record
      else if (i % 1777 === 0) lines.push(''); // a blank line
      else if (i % 701 === 0) lines.push(JSON.stringify({ request_id: `r${i - 1}`, timestamp: ts, input: 'again', output: 'later wins' })); // repeat
      else lines.push(JSON.stringify({ request_id: `r${i}`, timestamp: ts, model: i % 3 ? 'gpt-4o' : 'gpt-4o-mini', input: `question ${i}`, output: `answer ${i}`, latency_ms: 100 + (i % 900), prompt_tokens: i % 500, completion_tokens: i % 70, feature: `f${i % 5}` }));
    }
    const f = write('mixed.jsonl', `${lines.join('\n')}\n`);
    const r = await both(f);
    expect(timeless(r.threaded)).toEqual(timeless(r.inThread));
    expect(r.storedThreaded).toEqual(r.storedIn);
    // The values that matter, so equal-but-wrong cannot pass.
    expect(r.threaded.rejected).toBe(9 + 8);
    expect(r.threaded.rejects.map((x) => x.line).slice(0, 4)).toEqual([997, 1009, 1994, 2018]);
    expect(r.threaded.rejects.find((x) => x.line === 1009)?.field).toBe('timestamp');
    expect(r.threaded.duplicates_in_file).toBe(12);
    expect(r.threaded.duplicate_rows[0]).toEqual({ line: 701, id: 'r700', first_line: 700 });
    expect(r.threaded.notes).toContain('6 record(s) with every field empty were skipped');
    expect(JSON.parse(r.storedThreaded.requests!).length).toBe(r.threaded.inserted);
    // The store thread only inserted: its read…map phases are empty, it waited, and the thread's figures are apart.
    expect(r.timings.read + r.timings.parse + r.timings.decode).toBe(0);
    expect(r.timings.reader?.parse).toBeGreaterThan(0);
    expect(r.timings.reader?.map).toBeGreaterThan(0);
    expect(r.timings.rows).toBe(r.threaded.inserted + r.threaded.duplicates_in_file);
  });

  it('packed batches (rows as flat values) store what the rows as objects store: a change history keeps each ticket\'s latest state, a mixed file its three kinds', async () => {
    // A Jira change history, newest first, shuffled within each issue so the as-of times (versions) decide.
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const jira = (ms: number) => { const d = new Date(ms); const h = d.getUTCHours() % 12 || 12; return `${String(d.getUTCDate()).padStart(2, '0')}/${mon[d.getUTCMonth()]}/${String(d.getUTCFullYear()).slice(2)} ${h}:${String(d.getUTCMinutes()).padStart(2, '0')} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`; };
    const rows = ['Summary,Issue key,Issue id,Issue Type,Status,Priority,Reporter,Created,Updated,Resolved,Description'];
    const T0 = Date.UTC(2026, 0, 5, 9, 0);
    for (let i = 0; i < 2500; i++) {
      const created = T0 + i * 3_600_000;
      const states = i % 7 === 0 ? ['Open', 'In Progress'] : ['Open', 'In Progress', 'Done'];
      const order = i % 2 ? [...states.keys()].reverse() : [...states.keys()];
      for (const k of order) rows.push(`Issue ${i},SUP-${1000 + i},${20000 + i},Bug,${states[k]},Medium,user${i % 40},${jira(created)},${jira(created + k * 86_400_000)},${states[k] === 'Done' ? jira(created + k * 86_400_000) : ''},Details of ${i}`);
    }
    const r = await both(write('history.csv', `${rows.join('\n')}\n`));
    expect(r.threaded.preset).toBe('jira');
    expect(timeless(r.threaded)).toEqual(timeless(r.inThread));
    expect(r.storedThreaded).toEqual(r.storedIn);
    const tickets = JSON.parse(r.storedThreaded.tickets!) as Array<{ id: string; status: string }>;
    expect(tickets).toHaveLength(2500);
    expect(tickets.filter((t) => t.status === 'Done')).toHaveLength(2500 - Math.ceil(2500 / 7));
    // One record, three kinds (request, feedback, ticket link target): the hh-rlhf-like mixed preset of the demo cases.
    const mixed = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ chosen: `\n\nHuman: q${i}\n\nAssistant: good ${i}`, rejected: `\n\nHuman: q${i}\n\nAssistant: bad ${i}` }));
    const m = await both(write('pairs.jsonl', `${mixed.join('\n')}\n`));
    expect(m.threaded.preset).toBe('hh-rlhf');
    expect(timeless(m.threaded)).toEqual(timeless(m.inThread));
    expect(m.storedThreaded).toEqual(m.storedIn);
    expect(JSON.parse(m.storedThreaded.feedback!).length).toBeGreaterThan(0);
  });

  it('with PII scrubbing on, rows come unpacked and are scrubbed on the store thread: the same rows as in-thread, no e-mail stored', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => JSON.stringify({ request_id: `s${i}`, timestamp: '2026-02-01T10:00:00Z', input: `mail me at user${i}@example.com`, output: 'ok' }));
    const r = await both(write('pii.jsonl', `${lines.join('\n')}\n`), { scrub: { detectors: ['email'], patterns: [] } });
    expect(timeless(r.threaded)).toEqual(timeless(r.inThread));
    expect(r.storedThreaded).toEqual(r.storedIn);
    expect(r.storedThreaded.requests).not.toContain('@example.com');
    expect(JSON.parse(r.storedThreaded.requests!)).toHaveLength(4000);
  });

  it('gives the same result for gzip, CSV (with a bad row), JSON arrays, OTLP spans and Parquet', async () => {
    const gz = write('rows.jsonl.gz', zlib.gzipSync(Buffer.from(Array.from({ length: 3000 }, (_, i) => JSON.stringify({ request_id: `g${i}`, timestamp: '2026-02-01T10:00:00Z', input: 'q', output: 'a' })).join('\n'))));
    const csv = write('rows.csv', ['request_id,timestamp,prompt,response,latency_ms', 'c1,2026-02-01T10:00:00Z,q,a,12', 'c2,2026-02-01T10:00:00Z,q', 'c3,2026-02-01T11:00:00Z,q,a,abc', 'c4,2026-02-01T12:00:00Z,q,a,40'].join('\n'));
    const arr = write('rows.json', JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ request_id: `j${i}`, timestamp: '2026-02-01T10:00:00Z', input: 'q', output: 'a' }))));
    const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
    const otlp = write('spans.otlp.jsonl', JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', { stringValue: 'bot' })] }, scopeSpans: [{ spans: [
      { traceId: 't1', spanId: 's1', name: 'chat', startTimeUnixNano: '1771927200000000000', endTimeUnixNano: '1771927201000000000', attributes: [attr('gen_ai.request.model', { stringValue: 'gpt-4o' })] },
      { traceId: 't1', spanId: 's2', name: 'GET /x', startTimeUnixNano: '1771927200000000000', endTimeUnixNano: '1771927200100000000', attributes: [] },
    ] }] }] }));
    const pq = writeParquet(path.join(path.dirname(csv), 'rows.parquet'), [
      { name: 'request_id', type: 'INT64', data: [9007199254740993n, 2n, 3n] },
      { name: 'timestamp', type: 'TIMESTAMP', data: [0, 1, 2].map((k) => new Date(Date.UTC(2026, 2, 6) + k * 1000)) },
      { name: 'prompt', type: 'STRING', data: ['Grüße', 'two', null] },
      { name: 'response', type: 'STRING', data: ['a', null, 'c'] },
    ]);
    for (const f of [gz, csv, arr, otlp, pq]) {
      const r = await both(f);
      expect(timeless(r.threaded), f).toEqual(timeless(r.inThread));
      expect(r.storedThreaded, f).toEqual(r.storedIn);
      expect(r.timings.reader, f).toBeDefined();
    }
    const c = await both(csv);
    expect(c.threaded.rejects.map((x) => [x.line, x.field])).toEqual([[3, null], [4, 'latency_ms']]);
    expect(c.threaded.rejected).toBe(2);
    const o = await both(otlp);
    expect(o.threaded.skipped).toBe(1);
    expect(o.threaded.skipped_reasons).toEqual(o.inThread.skipped_reasons);
  });

  it.skipIf(!fs.existsSync(cases))('gives the same result on every import case (../shared/cases/import)', async () => {
    for (const name of fs.readdirSync(cases).filter((n) => /\.(csv|jsonl)$/.test(n))) {
      const r = await both(path.join(cases, name));
      expect(timeless(r.threaded), name).toEqual(timeless(r.inThread));
      expect(r.storedThreaded, name).toEqual(r.storedIn);
    }
  });

  it.skipIf(!fs.existsSync(real))('gives the same result on the real files (../shared/data/real)', async () => {
    for (const name of fs.readdirSync(real).filter((n) => !n.endsWith('.md'))) {
      const r = await both(path.join(real, name));
      expect(timeless(r.threaded), name).toEqual(timeless(r.inThread));
      expect(r.storedThreaded, name).toEqual(r.storedIn);
    }
  }, 180_000);

  it('refuses a file with the same error, naming the file by its display name and the line', async () => {
    const late = Buffer.concat([
      Buffer.from(Array.from({ length: 30000 }, (_, i) => `{"request_id":"r${i}","input":"x"}\n`).join('')),
      Buffer.from([0x7b, 0x22, 0x69, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a]),
    ]);
    const f = write('84a8afde-late.jsonl', late);
    const gz = zlib.gzipSync(Buffer.from(Array.from({ length: 20000 }, (_, i) => `{"request_id":"r${i}","input":"x"}`).join('\n')));
    const cut = write('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    for (const [file, name, code] of [[f, 'late.jsonl', 'IMPORT_ENCODING'], [cut, 'cut.jsonl.gz', 'IMPORT_TRUNCATED']] as const) {
      const ws = await newWorkspace();
      const before = fs.readFileSync(ws.file);
      const inThread = await refusal(runImport(ws, file, {}, { readerThread: false }, name));
      const threaded = await refusal(runImport(ws, file, {}, { readerThread: true }, name));
      expect(threaded.code).toBe(code);
      expect(threaded.toData()).toEqual(inThread.toData());
      expect(ws.db.value('SELECT count(*) FROM requests')).toBe(0);
      expect(fs.readFileSync(ws.file).equals(before)).toBe(true);
    }
    const ws = await newWorkspace();
    const e = await refusal(runImport(ws, f, {}, { readerThread: true }, 'late.jsonl'));
    expect(e.message).toMatch(/^late\.jsonl is not valid utf-8: .* at line 30001 /);
  });

  it('a cancel mid-import ends the thread and leaves the workspace unchanged', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('seed.jsonl', '{"request_id":"keep","timestamp":"2026-01-01T00:00:00Z","input":"q","output":"a"}\n'), {});
    const bytes = fs.readFileSync(ws.file);
    const lines = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ request_id: `c${i}`, timestamp: '2026-01-02T00:00:00Z', input: `question ${i} `.repeat(8), output: 'answer '.repeat(20) }));
    const f = write('big.jsonl', `${lines.join('\n')}\n`);
    const ac = new AbortController();
    let seen = 0;
    const e = await refusal(runImport(ws, f, {}, { readerThread: true, signal: ac.signal, progressEveryMs: 0, onProgress: (p) => { seen = p.records; if (p.records > 0) ac.abort(); } }));
    expect(e.code).toBe('IMPORT_CANCELLED');
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(60_000);
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(1);
    expect(ws.db.value('SELECT count(*) FROM imports')).toBe(1);
    expect(fs.readFileSync(ws.file).equals(bytes)).toBe(true);
    // The workspace takes the next import as usual.
    const s = await runImport(ws, write('after.jsonl', '{"request_id":"n1","timestamp":"2026-01-03T00:00:00Z","input":"q","output":"a"}\n'), {}, { readerThread: true });
    expect(s.inserted).toBe(1);
  });

  afterEach(() => clearTestHooks());

  it('refuses a file that shrinks while it is imported (IMPORT_FILE_CHANGED naming it), on both paths, leaving the workspace as it was', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ request_id: `s${i}`, timestamp: '2026-01-02T00:00:00Z', input: `question ${i} `.repeat(4), output: 'answer' }));
    const whole = `${lines.join('\n')}\n`;
    // Cut at a line's end, as a log rotation or a `truncate` does: every line read is whole, so only the size tells.
    const cutAt = Buffer.byteLength(`${lines.slice(0, 20_000).join('\n')}\n`);
    const results = [];
    for (const readerThread of [false, true]) {
      const ws = await newWorkspace();
      await runImport(ws, write('seed.jsonl', '{"request_id":"keep","timestamp":"2026-01-01T00:00:00Z","input":"q","output":"a"}\n'), {});
      const before = fs.readFileSync(ws.file);
      const f = write('shrink.jsonl', whole);
      let cut = false;
      setTestHook('import.batch', () => {
        if (cut) return;
        cut = true;
        fs.truncateSync(f, cutAt);
      });
      const e = await refusal(runImport(ws, f, {}, { readerThread }, 'shrink.jsonl'));
      setTestHook('import.batch', null);
      expect(cut).toBe(true);
      expect(e.code).toBe('IMPORT_FILE_CHANGED');
      expect(e.message).toContain(`shrink.jsonl changed while it was being imported (${Buffer.byteLength(whole).toLocaleString('en-US')} bytes when the import started, ${cutAt.toLocaleString('en-US')} now)`);
      expect(ws.db.value('SELECT count(*) FROM requests')).toBe(1);
      expect(ws.db.value('SELECT count(*) FROM imports')).toBe(1);
      expect(fs.readFileSync(ws.file).equals(before)).toBe(true);
      // How far the reader got when it met the cut depends on timing: bytes_read is left out of the comparison.
      const data = e.toData() as { details?: Record<string, unknown> };
      results.push({ ...data, details: { ...data.details, bytes_read: null } });
      // The file as it is now imports whole, its size and SHA-256 describing the same bytes.
      const s = await runImport(ws, f, {}, { readerThread }, 'shrink.jsonl');
      expect(s.inserted).toBe(20_000);
      const row = ws.db.get<{ file_size: number; sha256: string }>('SELECT file_size, sha256 FROM imports WHERE id = ?', [s.import_id])!;
      expect(row.file_size).toBe(cutAt);
      expect(row.sha256).toBe(crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex'));
    }
    expect(results[1]).toEqual(results[0]);
  });

  it('a gzip file cut while it is read names the change (IMPORT_FILE_CHANGED), not a truncated file, on both paths', async () => {
    // Incompressible text keeps the compressed file large, so the cut lands before the reader reaches the end.
    const lines = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ request_id: `g${i}`, timestamp: '2026-01-02T00:00:00Z', input: crypto.randomBytes(48).toString('base64'), output: 'a' }));
    const gz = zlib.gzipSync(Buffer.from(`${lines.join('\n')}\n`), { level: 1 });
    for (const readerThread of [false, true]) {
      const ws = await newWorkspace();
      await runImport(ws, write('seed.jsonl', '{"request_id":"keep","timestamp":"2026-01-01T00:00:00Z","input":"q","output":"a"}\n'), {});
      const f = path.join(path.dirname(ws.file), `cut-${String(readerThread)}.jsonl.gz`);
      fs.writeFileSync(f, gz);
      let cut = false;
      setTestHook('import.batch', () => { if (!cut) { cut = true; fs.truncateSync(f, Math.floor(gz.length / 2)); } });
      const e = await refusal(runImport(ws, f, {}, { readerThread }, 'cut.jsonl.gz'));
      setTestHook('import.batch', null);
      expect(cut).toBe(true);
      expect(e.code).toBe('IMPORT_FILE_CHANGED');
      expect(e.message).toContain(`cut.jsonl.gz changed while it was being imported (${gz.length.toLocaleString('en-US')} bytes when the import started, ${Math.floor(gz.length / 2).toLocaleString('en-US')} now)`);
      expect(ws.db.value('SELECT count(*) FROM requests')).toBe(1);
    }
  });

  it('reads on the store thread when the reading thread fails to start, and says so in the timings', async () => {
    const f = write('start.jsonl', Array.from({ length: 500 }, (_, i) => JSON.stringify({ request_id: `t${i}`, timestamp: '2026-01-02T00:00:00Z', input: 'q', output: 'a' })).join('\n'));
    // A script that is not there: the real Worker fails to load it.
    setTestHook('import.readerStart', (info) => { (info as { script: string }).script = path.join(path.dirname(f), 'no-such-reader.js'); });
    const ws = await newWorkspace();
    const s = await runImport(ws, f, {}, { readerThread: true });
    expect(s.inserted).toBe(500);
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(500);
    const t = lastImportTimings()!;
    expect(t.reader).toBeUndefined();
    expect(t.reader_fallback).toMatch(/no-such-reader\.js/);
    expect(t.read + t.parse).toBeGreaterThan(0);
    // Without the hook the same import runs on the thread and has no fallback.
    setTestHook('import.readerStart', null);
    await runImport(await newWorkspace(), f, {}, { readerThread: true });
    expect(lastImportTimings()!.reader_fallback).toBeUndefined();
    expect(lastImportTimings()!.reader).toBeDefined();
  });

  it('reports implausible values, every bad field of a record, JSON line/column and a gzip damaged mid-stream the same way', async () => {
    const r = (id: string, extra: string) => `{"request_id":"${id}","timestamp":"2026-11-20T10:00:00Z","input":"q","output":"a"${extra}}`;
    const jsonl = write('implausible.jsonl', [
      r('ok', ',"latency_ms":120'), r('big', ',"latency_ms":1e308'), r('digits', `,"latency_ms":${'9'.repeat(5000)}`),
      r('cost', ',"cost_usd":-1'), r('two', ',"prompt_tokens":[1,2],"completion_tokens":-5'), '{"request_id":"far","timestamp":"9999-12-31T23:59:59Z","input":"q"}',
      r('after', ',"latency_ms":5} x'),
    ].join('\n'));
    const csv = write('implausible.csv', ['request_id,timestamp,prompt,response,latency_ms,cost_usd', 'c1,2026-11-20T10:00:00Z,q,a,12,0.1', 'c2,1985-01-01T00:00:00Z,q,a,-1,-2', `c3,2026-11-20T10:00:00Z,q,a,${'9'.repeat(5000)},`].join('\n'));
    const pq = writeParquet(path.join(path.dirname(csv), 'implausible.parquet'), [
      { name: 'request_id', type: 'STRING', data: ['p1', 'p2'] },
      { name: 'timestamp', type: 'TIMESTAMP', data: [new Date(Date.UTC(2026, 10, 20)), new Date(Date.UTC(9999, 0, 1))] },
      { name: 'prompt', type: 'STRING', data: ['q', 'q'] },
      { name: 'latency_ms', type: 'DOUBLE', data: [120, Number.POSITIVE_INFINITY] },
    ]);
    const expected: Record<string, { rejected: number; lines: number[] }> = {
      [jsonl]: { rejected: 6, lines: [2, 3, 4, 5, 6, 7] }, [csv]: { rejected: 2, lines: [3, 4] }, [pq]: { rejected: 1, lines: [2] },
    };
    for (const f of [jsonl, csv, pq]) {
      const b = await both(f);
      expect(timeless(b.threaded), f).toEqual(timeless(b.inThread));
      expect(b.storedThreaded, f).toEqual(b.storedIn);
      expect(b.threaded.rejected, f).toBe(expected[f]!.rejected);
      expect(b.threaded.rejects.map((x) => x.line), f).toEqual(expected[f]!.lines);
    }
    const j = await both(jsonl);
    expect(j.threaded.rejects[3]!.reason).toBe('prompt_tokens (read as tokens_in): expected a whole number of tokens, found an array; completion_tokens (read as tokens_out): expected a whole number of tokens, found "-5"');
    expect(j.threaded.rejects[5]!.reason).toBe('invalid JSON: data after the end of the JSON object (only whitespace may follow its closing "}") at column 99');
    expect(JSON.parse(j.storedThreaded.requests!).map((x: { id: string }) => x.id)).toEqual(['ok']);
    // Refusals: trailing data after a JSON array, a gzip damaged mid-stream.
    const arr = write('trailing.json', `[\n${r('a1', '')},\n${r('a2', '')}\n]\n  garbage\n`);
    const text = Array.from({ length: 60_000 }, (_, i) => `${JSON.stringify({ request_id: `r${i}`, timestamp: '2026-11-20T10:00:00Z', input: `question ${i} ${'Grüße café — ñ '.repeat(i % 7)}`, output: `answer ${(i * 7919) % 100003}` })}\n`).join('');
    const gz = Buffer.from(zlib.gzipSync(Buffer.from(text)));
    for (let i = gz.length >> 1; i < (gz.length >> 1) + 200; i++) gz[i]! ^= 0x5a;
    const damaged = write('corruptmid.jsonl.gz', gz);
    for (const [file, code, message] of [
      [arr, 'IMPORT_UNREADABLE', 'trailing.json: invalid JSON at line 5, column 3: data after the end of the JSON array (only whitespace may follow its closing "]")'],
      [damaged, 'IMPORT_UNREADABLE', 'corruptmid.jsonl.gz: the gzip data is corrupt (incorrect data check): its text stops being valid utf-8 at line 29,905 (byte offset 5,118,642 of the decompressed text), where the compressed data is damaged; this is not an encoding problem'],
    ] as const) {
      const ws = await newWorkspace();
      const inThread = await refusal(runImport(ws, file, {}, { readerThread: false }));
      const threaded = await refusal(runImport(ws, file, {}, { readerThread: true }));
      expect(threaded.toData()).toEqual(inThread.toData());
      expect(threaded.code).toBe(code);
      expect(threaded.message).toBe(message);
      // The reader's own next step reaches the user, not a generic one.
      expect(threaded.action).toBe(file === damaged ? 'Download or copy the file again; its compressed data is damaged.' : 'Choose another file, or fix the file and import it again.');
    }
  });
});
