/**
 * Values that broke imports, each now a reject of its own row with line and reason (never a whole-file refusal or
 * INTERNAL): Python's bare NaN, nesting 10,000 levels deep, lone UTF-16 surrogates, NUL anywhere in the file; and
 * the file-level faults that must refuse: a file cut inside a quoted field, a gzip bomb (in seconds, with figures).
 * Also: seconds past 9999 are not read as milliseconds, a time column of bad text gives rejects (not a silently
 * empty column), and `__proto__` fields are kept with the unmapped fields.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace';
import { refusal, useTempWorkspaces } from '../testing/temp';
import { writeParquet } from '../testing/parquet';
import { runImport } from './pipeline';
import { BOMB_MIN_BYTES, detectSource, readRecords } from './read';
import { detectTimestampUnit } from './values';

const { write, newWorkspace, tmpDir } = useTempWorkspaces('loupe-badval-');
const ids = (ws: Workspace) => ws.db.all<{ id: string }>('SELECT id FROM requests ORDER BY id').map((r) => r.id);
/** The day a year from now, as the implausible-time message names it (electron/store/import/plausible.ts). */
const yearAhead = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
const PLAUSIBLE_HINT = 'a placeholder date or a wrong unit? Loupe takes times from 1990-01-01 to a year from today; a date that stands for "no date" can be given as a missing-value marker';
const req = (id: string, extra = '') => `{"request_id":"${id}","timestamp":"2026-11-20T10:00:00Z","input":"q","output":"a"${extra}}`;

describe('bad values are rejects of their own row', () => {
  it("Python's bare NaN in half the first lines: those rows are rejected with line and field, the others imported", async () => {
    const ws = await newWorkspace();
    const lines: string[] = [];
    for (let i = 1; i <= 20; i++) lines.push(req(`r${i}`, i % 2 === 0 ? ',"latency_ms":NaN' : ',"latency_ms":120'));
    lines.push(req('r21', ',"latency_ms":-Infinity,"tokens_in":Infinity'));
    const s = await runImport(ws, write('py.jsonl', `${lines.join('\n')}\n`), {});
    expect(s).toMatchObject({ inserted: 10, rejected: 11, records_read: 21 });
    expect(s.rejects[0]).toEqual({ line: 2, field: 'latency_ms', reason: "latency_ms: bare NaN is not valid JSON (Python's json.dumps writes it for float('nan')): write null for a missing number" });
    expect(s.rejects[10]).toEqual({ line: 21, field: 'latency_ms', reason: "latency_ms: bare -Infinity is not valid JSON (Python's json.dumps writes it for float('-inf')); 2 such values in this record (latency_ms, tokens_in): write null for a missing number" });
    // The same in a JSON array file.
    const arr = await runImport(ws, write('py.json', `[${req('a1', ',"latency_ms":NaN')},${req('a2')}]`), {});
    expect(arr).toMatchObject({ inserted: 1, rejected: 1 });
    expect(arr.rejects[0]).toMatchObject({ line: 1, field: 'latency_ms' });
  });

  it('a row nested 10,000 levels deep is rejected (JSONL and JSON array); the rest is imported', async () => {
    const ws = await newWorkspace();
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const s = await runImport(ws, write('deep.jsonl', `${req('ok1')}\n${req('deep', `,"meta":${deep}`)}\n${req('ok2')}\n`), {});
    expect(s).toMatchObject({ inserted: 2, rejected: 1 });
    expect(s.rejects).toEqual([{ line: 2, field: null, reason: 'the record is nested more than 100 levels deep; Loupe reads records nested up to 100 levels' }]);
    const arr = await runImport(ws, write('deep.json', `[${req('ok3')},${req('deep2', `,"meta":${deep}`)}]`), {});
    expect(arr).toMatchObject({ inserted: 1, rejected: 1 });
    expect(arr.rejects[0]!.line).toBe(2);
    // 100 levels is fine.
    const ok = await runImport(ws, write('ok.jsonl', `${req('ok4', `,"meta":${'['.repeat(98)}1${']'.repeat(98)}`)}\n`), {});
    expect(ok).toMatchObject({ inserted: 1, rejected: 0 });
    expect(ids(ws)).toEqual(['ok1', 'ok2', 'ok3', 'ok4']);
  });

  it('a lone UTF-16 surrogate in a value or a key is rejected, so every stored request opens and keeps its id', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('sur.jsonl', [
      req('s1'),
      '{"request_id":"s2\\ud800","timestamp":"2026-11-20T10:00:00Z","input":"q","output":"a"}',
      req('s3', ',"output2":"half \\udc00 char"'),
      req('s4', ',"\\ud83d":"key"'),
      req('s5', ',"emoji":"\\ud83d\\ude00 whole pair"'),
    ].join('\n')), {});
    expect(s).toMatchObject({ inserted: 2, rejected: 3 });
    expect(s.rejects).toEqual([
      { line: 2, field: 'request_id', reason: 'request_id: the text contains a lone UTF-16 surrogate (\\uD800) at position 3: half of a character, not text that can be stored' },
      { line: 3, field: 'output2', reason: 'output2: the text contains a lone UTF-16 surrogate (\\uDC00) at position 6: half of a character, not text that can be stored' },
      { line: 4, field: '\ud83d', reason: '\ud83d: a field name contains a lone UTF-16 surrogate (\\uD83D) at position 1: half of a character, not text that can be stored' },
    ]);
    expect(ids(ws)).toEqual(['s1', 's5']);
    expect(JSON.parse(ws.db.value<string>("SELECT extra FROM requests WHERE id = 's5'")!)).toEqual({ emoji: '😀 whole pair' });
  });

  it('NUL anywhere (first megabyte or later, raw or escaped, JSONL or CSV) rejects its row; a binary file is still refused', async () => {
    const ws = await newWorkspace();
    const filler = Array.from({ length: 9000 }, (_, i) => req(`f${i}`, `,"pad":"${'x'.repeat(120)}"`));
    const early = `${req('n1')}\n{"request_id":"n2","input":"a\u0000b"}\n${req('n3', ',"note":"esc\\u0000aped"')}\n`;
    const late = `{"request_id":"n4","input":"late\u0000nul"}\n`;
    const file = write('nul.jsonl', `${early}${filler.join('\n')}\n${late}`);
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024);
    const s = await runImport(ws, file, {});
    expect(s.rejected).toBe(3);
    expect(s.rejects.map((r) => [r.line, r.field])).toEqual([[2, null], [3, 'note'], [9004, null]]);
    expect(s.rejects[0]!.reason).toBe('the line contains a NUL byte (U+0000) at column 30: not text (a binary fragment or a corrupt export)');
    expect(s.rejects[1]!.reason).toBe('note: the text contains a NUL character (U+0000) at position 4: not text (a binary fragment or a corrupt export)');
    expect(ws.db.value<number>("SELECT count(*) FROM requests WHERE instr(input, char(0)) > 0 OR instr(extra, char(0)) > 0 OR instr(extra, '\\u0000') > 0")).toBe(0);
    const csv = await runImport(ws, write('nul.csv', 'id,prompt,response,timestamp\nc1,p,r,2026-11-20T10:00:00Z\nc2,p\u0000x,r,2026-11-20T10:00:00Z\n'), {});
    expect(csv).toMatchObject({ inserted: 1, rejected: 1 });
    expect(csv.rejects[0]).toEqual({ line: 3, field: 'prompt', reason: 'prompt: contains a NUL byte (U+0000) at position 2: not text (a binary fragment or a corrupt export)' });
    const bin = await refusal(runImport(ws, write('bin.jsonl', Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7, 8, 9, 0, 0, 0, 1])), {}));
    expect(bin.code).toBe('IMPORT_NOT_RECOGNISED');
  });

  it('the checks hold around the lossless parser: a line with an id past 2^53 keeps it exactly, and is still rejected for NaN, a lone surrogate, NUL or depth', async () => {
    const ws = await newWorkspace();
    const big = (id: string, extra = '') => `{"request_id":${id},"timestamp":"2026-11-20T10:00:00Z","input":"q","output":"a"${extra}}`;
    const lines = [
      big('9007199254740993'),
      big('9007199254740995', ',"latency_ms":NaN'),
      big('9007199254740997', ',"output2":"half \\ud800 char"'),
      big('9007199254740999', ',"note":"nul \\u0000 here"'),
      big('9007199254741001', `,"meta":${'['.repeat(101)}1${']'.repeat(101)}`),
    ];
    const s = await runImport(ws, write('big.jsonl', `${lines.join('\n')}\n`), {});
    expect(s).toMatchObject({ inserted: 1, rejected: 4 });
    expect(s.rejects.map((r) => [r.line, r.field])).toEqual([[2, 'latency_ms'], [3, 'output2'], [4, 'note'], [5, null]]);
    expect(s.rejects[1]!.reason).toMatch(/lone UTF-16 surrogate/);
    expect(s.rejects[2]!.reason).toMatch(/NUL character/);
    expect(s.rejects[3]!.reason).toMatch(/more than 100 levels/);
    // The same in a JSON array (the whole-document parse).
    const arr = await runImport(ws, write('big.json', `[${big('9007199254741003')},${big('9007199254741005', ',"latency_ms":Infinity')},${big('9007199254741007', ',"x":"\\udc00"')}]`), {});
    expect(arr).toMatchObject({ inserted: 1, rejected: 2 });
    expect(arr.rejects.map((r) => [r.line, r.field])).toEqual([[2, 'latency_ms'], [3, 'x']]);
    expect(ids(ws)).toEqual(['9007199254740993', '9007199254741003']);
  });
});

describe('files that must be refused whole', () => {
  it('a CSV cut inside a quoted field is refused as truncated and nothing is imported', async () => {
    const ws = await newWorkspace();
    const e = await refusal(runImport(ws, write('cut.csv', 'id,prompt,response,timestamp\nc1,p,r,2026-11-20T10:00:00Z\nc2,"a long answer that was cut'), {}));
    expect(e.code).toBe('IMPORT_TRUNCATED');
    expect(e.message).toBe('cut.csv: the quoted field starting on line 3 is never closed before the end of the file: the file is truncated (or a quote is unbalanced)');
    expect(ids(ws)).toEqual([]);
  });

  it('a gzip bomb is refused within seconds, with the figures, before it is expanded', async () => {
    const d = tmpDir();
    const bomb = path.join(d, 'bomb.jsonl.gz');
    // 150 MB of one repeated valid line, about 1,000:1 (a real bomb goes on to gigabytes; this one is refused long before its end).
    const line = Buffer.from(`${req('same')}\n`);
    const block = Buffer.concat(Array(Math.ceil((8 * 1024 * 1024) / line.length)).fill(line));
    const gz = zlib.createGzip({ level: 6 });
    const out = fs.createWriteStream(bomb);
    gz.pipe(out);
    for (let written = 0; written < 150 * 1024 * 1024; written += block.length) if (!gz.write(block)) await new Promise<void>((r) => gz.once('drain', () => r()));
    gz.end();
    await new Promise<void>((r) => out.on('finish', () => r()));
    const compressed = fs.statSync(bomb).size;
    expect(compressed).toBeLessThan(3 * 1024 * 1024);
    const src = await detectSource(bomb);
    const t0 = performance.now();
    const rss0 = process.memoryUsage.rss();
    let error: Error | null = null;
    try {
      for await (const _ of readRecords(bomb, src, { batchSize: 50_000 })) { /* read until refused */ }
    } catch (e) {
      error = e as Error;
    }
    const seconds = (performance.now() - t0) / 1000;
    expect(error?.message).toMatch(/^bomb\.jsonl\.gz expands to more than \d+ MB from \d+ [KM]?B of gzip data read so far \(\d+:1; log exports compress about 4-15:1\): a decompression bomb, or more text than a workspace can hold\. Refused before expanding it further\.$/);
    expect(seconds).toBeLessThan(15);
    // Memory stays far below the 6.4 GB the bomb once took (the limit is checked from 32 MB of text on).
    expect(process.memoryUsage.rss() - rss0).toBeLessThan(BOMB_MIN_BYTES * 16);
    // Through the pipeline: an IMPORT_UNREADABLE refusal, the workspace unchanged.
    const ws = await newWorkspace();
    expect((await refusal(runImport(ws, bomb, {}))).code).toBe('IMPORT_UNREADABLE');
    expect(ids(ws)).toEqual([]);
  }, 120_000);
});

describe('times', () => {
  it('epoch seconds past 9999-12-31 (253402300800) in a seconds column are rejected, not read as milliseconds in 1978', async () => {
    expect(detectTimestampUnit([1771927200, 1771927300, 1771927400, 1771927500, 1771927600, 1771927700, 1771927800, 1771927900, 1771928000, 1771928100, 253402300801], 'ts'))
      .toEqual({ unit: 's', note: 'ts: epoch seconds detected by magnitude (10 of 11 values); the other 1 is read in seconds too and rejected when not a plausible time (from 1990 to a year from now)' });
    const ws = await newWorkspace();
    const lines = Array.from({ length: 20 }, (_, i) => `{"request_id":"e${i}","ts":${1771927200 + i},"input":"q"}`);
    lines.push('{"request_id":"far","ts":253402300801,"input":"q"}', '{"request_id":"edge","ts":253402300799,"input":"q"}');
    const s = await runImport(ws, write('epoch.jsonl', lines.join('\n')), {});
    // 9999-12-31T23:59:59Z can be read, but no log comes from then: rejected as implausible (electron/store/import/plausible.ts).
    expect(s.rejects).toEqual([
      { line: 21, field: 'ts', reason: 'ts: expected a date-time (ISO 8601, epoch seconds/ms/µs/ns or Excel serial): 253402300801 is outside the years 1900-9999' },
      { line: 22, field: 'ts', reason: `ts: "253402300799" is 9999-12-31T23:59:59.000Z, after ${yearAhead()} (a year from today): ${PLAUSIBLE_HINT}` },
    ]);
    expect(ws.db.value("SELECT count(*) FROM requests WHERE id = 'edge'")).toBe(0);
    expect(ws.db.value<number>("SELECT count(*) FROM requests WHERE ts < 946684800000")).toBe(0); // nothing before 2000
  });

  it('a time column whose sampled values are mostly bad text gives per-row rejects, not a silently empty column', async () => {
    const ws = await newWorkspace();
    const rows = ['id,prompt,response,created_at'];
    for (let i = 0; i < 10; i++) rows.push(`t${i},p,r,${i < 7 ? 'sometime last week' : `2026-11-2${i - 7}T10:00:00Z`}`);
    const s = await runImport(ws, write('times.csv', rows.join('\n')), {});
    expect(s.rejected).toBe(7);
    expect(s.rejects[0]).toEqual({ line: 2, field: 'created_at', reason: 'created_at (read as ts): expected a date and time (e.g. 2026-08-20T08:00:00Z), found "sometime last week"' });
    expect(ws.db.all('SELECT id, ts FROM requests ORDER BY id')).toEqual([
      { id: 't7', ts: Date.UTC(2026, 10, 20, 10) }, { id: 't8', ts: Date.UTC(2026, 10, 21, 10) }, { id: 't9', ts: Date.UTC(2026, 10, 22, 10) },
    ]);
    // A column named like a time that holds durations (numbers) is still left unmapped, with a note.
    const d = await runImport(ws, write('dur.csv', 'id,prompt,response,timestamp,time\nd1,p,r,2026-11-20T10:00:00Z,350\nd2,p,r,2026-11-20T10:00:00Z,420\n'), {});
    expect(d).toMatchObject({ inserted: 2, rejected: 0 });
  });
});

describe('unmapped fields', () => {
  it('keeps a field named __proto__ (JSONL and CSV) with the other unmapped fields', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('proto.jsonl', `${req('p1', ',"__proto__":{"polluted":true},"other":1')}\n`), {});
    expect(JSON.parse(ws.db.value<string>("SELECT extra FROM requests WHERE id = 'p1'")!)).toEqual({ ['__proto__']: { polluted: true }, other: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await runImport(ws, write('proto.csv', 'id,prompt,response,timestamp,__proto__\np2,p,r,2026-11-20T10:00:00Z,kept\n'), {});
    const extra = JSON.parse(ws.db.value<string>("SELECT extra FROM requests WHERE id = 'p2'")!) as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(extra, '__proto__')).toBe(true);
    expect(extra.__proto__).toBe('kept');
  });
});

describe('numbers that cannot be measurements are rejects, the same in JSONL, CSV, Parquet and OTLP (plausible.ts)', () => {
  const nines = '9'.repeat(5000);
  const longNines = `"${'9'.repeat(57)}..."`;
  const finite = (f: string) => `${f}: expected a finite duration, found ${longNines} (beyond ±1.8e308 ms)`;

  it('JSONL: 1e308 and 5,000-digit latencies, negative and huge costs and tokens; every bad field of a record is listed', async () => {
    const ws = await newWorkspace();
    const lines = [
      req('ok', ',"latency_ms":604800000,"ttft_ms":0,"cost_usd":0,"prompt_tokens":1000000000'), // on the bounds: kept
      req('big', ',"latency_ms":1e308'),
      req('digits-text', `,"latency_ms":"${nines}"`),
      req('digits-bare', `,"latency_ms":${nines}`),
      req('neg-cost', ',"cost_usd":-1'),
      req('two', ',"prompt_tokens":[1,2],"completion_tokens":-5'),
      req('three', ',"latency_ms":1e308,"prompt_tokens":1e30,"timestamp":"9999-12-31T23:59:59Z"'),
      req('ttft', ',"ttft_ms":999999999999'),
      req('tokens', ',"completion_tokens":2000000000'),
      req('cost', ',"cost_usd":20000'),
      req('neg-lat', ',"latency_ms":-3'),
    ];
    const s = await runImport(ws, write('nums.jsonl', `${lines.join('\n')}\n`), {});
    // One reject per record, however many of its fields are bad.
    expect(s).toMatchObject({ records_read: 11, inserted: 1, rejected: 10 });
    expect(s.rejects).toEqual([
      { line: 2, field: 'latency_ms', reason: 'latency_ms: expected a duration of at most 7 days (604,800,000 ms), found "1e+308"' },
      { line: 3, field: 'latency_ms', reason: finite('latency_ms') },
      // A bare 5,000-digit number is read losslessly (json.ts) as its digits, then refused the same way: never Infinity.
      { line: 4, field: 'latency_ms', reason: finite('latency_ms') },
      { line: 5, field: 'cost_usd', reason: 'cost_usd: a cost cannot be negative, found "-1"' },
      { line: 6, field: 'prompt_tokens', reason: 'prompt_tokens (read as tokens_in): expected a whole number of tokens, found an array; completion_tokens (read as tokens_out): expected a whole number of tokens, found "-5"' },
      { line: 7, field: 'timestamp', reason: `timestamp (read as ts): "9999-12-31T23:59:59Z" is 9999-12-31T23:59:59.000Z, after ${yearAhead()} (a year from today): ${PLAUSIBLE_HINT}; latency_ms: expected a duration of at most 7 days (604,800,000 ms), found "1e+308"; prompt_tokens (read as tokens_in): expected a whole number of tokens up to 9007199254740991 (2^53 - 1), found "1e+30"` },
      { line: 8, field: 'ttft_ms', reason: 'ttft_ms: expected a duration of at most 7 days (604,800,000 ms), found "999999999999"' },
      { line: 9, field: 'completion_tokens', reason: 'completion_tokens (read as tokens_out): expected at most 1,000,000,000 tokens for one request, found "2000000000"' },
      { line: 10, field: 'cost_usd', reason: 'cost_usd: expected a cost of at most 10,000 USD for one request, found "20000"' },
      { line: 11, field: 'latency_ms', reason: 'latency_ms: expected a duration in milliseconds: a duration cannot be negative, found -3' },
    ]);
    expect(ws.db.all('SELECT id, latency_ms, ttft_ms, cost_usd, tokens_in FROM requests')).toEqual([
      { id: 'ok', latency_ms: 604800000, ttft_ms: 0, cost_usd: 0, tokens_in: 1000000000 },
    ]);
    // Nothing non-finite or negative reached the table.
    expect(ws.db.value('SELECT count(*) FROM requests WHERE latency_ms > 1e10 OR cost_usd < 0')).toBe(0);
  });

  it('CSV: the same values give the same rejects, naming the column as the file does', async () => {
    const ws = await newWorkspace();
    const rows = ['request_id,timestamp,prompt,response,latency_ms,cost_usd,prompt_tokens,completion_tokens',
      'c1,2026-11-20T10:00:00Z,q,a,120,0.01,10,5',
      'c2,2026-11-20T10:00:00Z,q,a,1e308,,,',
      `c3,2026-11-20T10:00:00Z,q,a,${nines},,,`,
      'c4,2026-11-20T10:00:00Z,q,a,,-0.5,,',
      'c5,1985-06-01T00:00:00Z,q,a,-1,,x,-5',
      'c6,2026-11-20T10:00:00Z,q,a,2 min,,,'];
    const s = await runImport(ws, write('nums.csv', rows.join('\n')), {});
    expect(s).toMatchObject({ records_read: 6, inserted: 2, rejected: 4 });
    expect(s.rejects).toEqual([
      { line: 3, field: 'latency_ms', reason: 'latency_ms: expected a duration of at most 7 days (604,800,000 ms), found "1e308"' },
      { line: 4, field: 'latency_ms', reason: finite('latency_ms') },
      { line: 5, field: 'cost_usd', reason: 'cost_usd: a cost cannot be negative, found "-0.5"' },
      { line: 6, field: 'timestamp', reason: `timestamp (read as ts): "1985-06-01T00:00:00Z" is 1985-06-01T00:00:00.000Z, before 1990-01-01: ${PLAUSIBLE_HINT}; latency_ms: expected a duration in milliseconds: a duration cannot be negative, found "-1"; prompt_tokens (read as tokens_in): expected a whole number of tokens, found "x"; completion_tokens (read as tokens_out): expected a whole number of tokens, found "-5"` },
    ]);
    expect(ws.db.all('SELECT id, latency_ms FROM requests ORDER BY id')).toEqual([{ id: 'c1', latency_ms: 120 }, { id: 'c6', latency_ms: 120_000 }]);
  });

  it('Parquet: doubles of 1e308, Infinity and a negative cost, and a time in 9999, are rejects with their row', async () => {
    const ws = await newWorkspace();
    const file = writeParquet(path.join(tmpDir(), 'nums.parquet'), [
      { name: 'request_id', type: 'STRING', data: ['p1', 'p2', 'p3', 'p4'] },
      { name: 'timestamp', type: 'TIMESTAMP', data: [Date.UTC(2026, 10, 20), Date.UTC(2026, 10, 20), Date.UTC(2026, 10, 20), Date.UTC(9999, 0, 1)].map((t) => new Date(t)) },
      { name: 'prompt', type: 'STRING', data: ['q', 'q', 'q', 'q'] },
      { name: 'latency_ms', type: 'DOUBLE', data: [120, 1e308, Number.POSITIVE_INFINITY, 5] },
      { name: 'cost_usd', type: 'DOUBLE', data: [0.5, 0, -2, 0] },
    ]);
    const s = await runImport(ws, file, {});
    expect(s).toMatchObject({ records_read: 4, inserted: 1, rejected: 3 });
    expect(s.rejects).toEqual([
      { line: 2, field: 'latency_ms', reason: 'latency_ms: expected a duration of at most 7 days (604,800,000 ms), found "1e+308"' },
      // Infinity was stored as an empty latency before (parquet.ts turned it into null): now a reject, with the cost.
      { line: 3, field: 'latency_ms', reason: 'latency_ms: expected a finite duration, found Infinity (beyond ±1.8e308); cost_usd: a cost cannot be negative, found "-2"' },
      { line: 4, field: 'timestamp', reason: `timestamp (read as ts): "9999-01-01T00:00:00.000Z" is 9999-01-01T00:00:00.000Z, after ${yearAhead()} (a year from today): ${PLAUSIBLE_HINT}` },
    ]);
    expect(ws.db.all('SELECT id, latency_ms, cost_usd FROM requests')).toEqual([{ id: 'p1', latency_ms: 120, cost_usd: 0.5 }]);
  });
});

describe('implausible values in OTLP spans, feedback and tickets', () => {
  it('OTLP: a span lasting 8 days and a span starting in 9999 are rejects naming the span and field', async () => {
    const ws = await newWorkspace();
    const attr = (key: string, value: Record<string, unknown>) => ({ key, value });
    const start = 1771927200000000000n; // 2026-02-24T10:00:00Z in ns
    const span = (id: string, s: bigint, e: bigint) => ({ traceId: 't1', spanId: id, name: 'chat', startTimeUnixNano: String(s), endTimeUnixNano: String(e), attributes: [attr('gen_ai.request.model', { stringValue: 'gpt-4o' })] });
    const doc = { resourceSpans: [{ resource: { attributes: [attr('service.name', { stringValue: 'bot' })] }, scopeSpans: [{ spans: [
      span('ok', start, start + 1_500_000_000n),
      span('long', start, start + 8n * 86_400_000_000_000n),
      span('far', 253402300000000000000n, 253402300001000000000n),
    ] }] }] };
    const s = await runImport(ws, write('spans.otlp.json', JSON.stringify(doc)), {});
    expect(s).toMatchObject({ inserted: 1, rejected: 2 });
    expect(s.rejects).toEqual([
      { line: 2, field: 'duration_ms', reason: 'duration_ms (read as latency_ms): expected a duration of at most 7 days (604,800,000 ms), found "691200000"' },
      { line: 3, field: 'startTimeUnixNano', reason: `startTimeUnixNano (read as ts): "253402300000000000000" is 9999-12-31T23:46:40.000Z, after ${yearAhead()} (a year from today): ${PLAUSIBLE_HINT}` },
    ]);
    expect(ws.db.all('SELECT latency_ms FROM requests')).toEqual([{ latency_ms: 1500 }]);
  });

  it('feedback: a rating off its scale, a scale of 0 and a time in 9999 are rejects; tickets: a time before 1990', async () => {
    const ws = await newWorkspace();
    const fb = [
      { feedback_id: 'f1', request_id: 'r1', kind: 'rating', value: 4, scale: 5, timestamp: '2026-11-20T10:00:00Z' },
      { feedback_id: 'f2', request_id: 'r1', kind: 'rating', value: 7, scale: 5, timestamp: '2026-11-20T10:00:00Z' },
      { feedback_id: 'f3', request_id: 'r1', kind: 'rating', value: -1, scale: 5, timestamp: '2026-11-20T10:00:00Z' },
      { feedback_id: 'f4', request_id: 'r1', kind: 'rating', value: 3, scale: 0, timestamp: '9999-01-01T00:00:00Z' },
    ].map((r) => JSON.stringify(r)).join('\n');
    const s = await runImport(ws, write('fb.jsonl', fb), { kind: 'feedback' });
    expect(s).toMatchObject({ inserted: 1, rejected: 3 });
    expect(s.rejects).toEqual([
      { line: 2, field: 'value', reason: 'value: expected a rating from 0 to 5 (this row\'s scale), found "7"' },
      { line: 3, field: 'value', reason: 'value: expected a rating from 0 to 5 (this row\'s scale), found "-1"' },
      { line: 4, field: 'timestamp', reason: `timestamp (read as ts): "9999-01-01T00:00:00Z" is 9999-01-01T00:00:00.000Z, after ${yearAhead()} (a year from today): ${PLAUSIBLE_HINT}; scale: expected a rating scale above 0 (the best rating, e.g. 5 or 10), found "0"` },
    ]);
    const t = await runImport(ws, write('t.csv', 'ticket_id,created_at,subject\nt1,2026-11-20T10:00:00Z,a\nt2,1970-01-01T00:00:00Z,b\n'), { kind: 'tickets' });
    expect(t).toMatchObject({ inserted: 1, rejected: 1 });
    expect(t.rejects).toEqual([{ line: 3, field: 'created_at', reason: `created_at (read as created_ts): "1970-01-01T00:00:00Z" is 1970-01-01T00:00:00.000Z, before 1990-01-01: ${PLAUSIBLE_HINT}` }]);
  });
});

describe('lossless numbers in JSON written inside a field', () => {
  it('an id past 2^53 inside a CSV cell of JSON text keeps every digit (presets/common.ts reads it with json.ts)', async () => {
    const ws = await newWorkspace();
    const csv = 'request_id,timestamp,prompt,response,meta\nm1,2026-11-20T10:00:00Z,q,a,"{""trace"":{""id"":12345678901234567891}}"\n';
    const s = await runImport(ws, write('meta.csv', csv), { mapping: { trace_id: 'meta.trace.id' } });
    expect(s).toMatchObject({ inserted: 1, rejected: 0 });
    expect(ws.db.value("SELECT trace_id FROM requests WHERE id = 'm1'")).toBe('12345678901234567891');
  });

  it('a path into a cell of JSON text that does not parse rejects the row with its line and field, not a silent NULL', async () => {
    const ws = await newWorkspace();
    const csv = 'request_id,timestamp,prompt,response,meta\n'
      + 'm1,2026-11-20T10:00:00Z,q,a,"{""trace"":{""id"":""t1""},""lat"":120}"\n'
      + 'm2,2026-11-20T10:01:00Z,q,a,"{""trace"":{""id"":""t2""},""lat"":NaN}"\n'
      + 'm3,2026-11-20T10:02:00Z,q,a,"{""trace"":{""id"":""t3""},""lat"":130,}"\n'
      + 'm4,2026-11-20T10:03:00Z,q,a,"{""other"":1}"\n'
      + 'm5,2026-11-20T10:04:00Z,q,a,plain text\n';
    const s = await runImport(ws, write('meta.csv', csv), { mapping: { trace_id: 'meta.trace.id', latency_ms: 'meta.lat' } });
    expect(s).toMatchObject({ records_read: 5, inserted: 3, rejected: 2 });
    expect(s.rejects.map((r) => [r.line, r.field])).toEqual([[3, 'meta.lat'], [4, 'meta.lat']]);
    expect(s.rejects[0]!.reason).toMatch(/^meta\.lat \(read as latency_ms\): meta holds JSON text that does not parse \(.*NaN.*\), so meta\.lat cannot be read; meta\.trace\.id \(read as trace_id\): meta holds JSON text that does not parse/);
    expect(s.rejects[1]!.reason).toMatch(/^meta\.lat \(read as latency_ms\): meta holds JSON text that does not parse \(.+\), so meta\.lat cannot be read/);
    // A path absent from valid JSON, or a cell that is not JSON at all, is a missing value (NULL), as before.
    expect(ws.db.all('SELECT id, trace_id, latency_ms FROM requests ORDER BY id')).toEqual([
      { id: 'm1', trace_id: 't1', latency_ms: 120 }, { id: 'm4', trace_id: null, latency_ms: null }, { id: 'm5', trace_id: null, latency_ms: null },
    ]);
  });
});
