import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Workspace } from '../store/workspace';
import { createQueue } from '../store/review/queues';
import { setReviewer, submitReview } from '../store/review/reviews';
import { insertSynthetic } from '../store/review/test-fixtures';
import { cliStoreLog } from './main';
import { loupe } from './run-cli';

const repo = path.resolve(__dirname, '../..');
const real = path.resolve(repo, '../shared/data/real');
const haveReal = fs.existsSync(real);
const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('loupe CLI', () => {
  it('a file from which nothing is stored exits 1; counts name their unit; info counts updated records as updated', () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    // An OTLP document of HTTP spans only: every span is skipped, so nothing is stored and the import is refused.
    const http = path.join(d, 'http.json');
    fs.writeFileSync(http, JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ spans: [
      { traceId: 't1', spanId: 's1', name: 'GET /', startTimeUnixNano: '1772442000000000000', endTimeUnixNano: '1772442000100000000', attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }] },
      { traceId: 't1', spanId: 's2', name: 'GET /x', startTimeUnixNano: '1772442000000000000', endTimeUnixNano: '1772442000100000000', attributes: [] },
    ] }] }] }));
    const refused = loupe('import', http, '--workspace', w, '--json');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/http\.json: 2 spans read and nothing stored; 2 skipped: non-LLM span/);
    expect(fs.existsSync(w)).toBe(false);

    const f = path.join(d, 'r.jsonl');
    fs.writeFileSync(f, '{"request_id":"a","prompt":"hi","output":"one"}\n{"request_id":"b","prompt":"hi","output":"two"}\n');
    expect(loupe('import', f, '--workspace', w).code).toBe(0);
    fs.writeFileSync(f, '{"request_id":"a","prompt":"hi","output":"changed"}\n{"request_id":"b","prompt":"hi","output":"two"}\n');
    const again = jsonLines(loupe('import', f, '--workspace', w, '--json').stdout)[0];
    expect(again).toMatchObject({ records_read: 2, inserted: 0, updated: 1, duplicates: 1, skipped: 0, skipped_reasons: [], record_unit: 'records' });
    const info = loupe('info', '--workspace', w);
    expect(info.stdout).toMatch(/r\.jsonl \(requests, generic\): 2 records read, 0 new, 1 updated, 1 already present, 0 repeated in the file, 0 rejected, 0 skipped/);
    const infoJson = JSON.parse(loupe('info', '--workspace', w, '--json').stdout) as { imports: Array<Record<string, unknown>> };
    expect(infoJson.imports[0]).toMatchObject({ inserted: 0, updated: 1, duplicates: 1, skipped: 0, record_unit: 'records' });
    // The requests have no timestamp: info says so beside the (empty) dates.
    expect(infoJson).toMatchObject({ first_ts: null, undated_requests: 2 });
    expect(info.stdout).toContain('first -, last - (dated requests only: 2 have no timestamp and are in no week, chart or queue)');
  });

  it('exits 2 on bad usage: unknown command, missing --workspace, bad --map, bad --tz, bad --link-window', () => {
    const w = path.join(tmp(), 'w.sqlite');
    expect(loupe('frobnicate').code).toBe(2);
    const none = loupe();
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('Usage: loupe')]);
    expect(loupe('--help').code).toBe(0);
    expect(loupe('import', 'x.jsonl').code).toBe(2);
    const badMap = loupe('import', 'x.jsonl', '--workspace', w, '--map', 'tokens_in');
    expect(badMap.code).toBe(2);
    expect(badMap.stderr).toMatch(/--map expects FIELD=PATH/);
    const badTz = loupe('import', 'x.jsonl', '--workspace', w, '--tz', 'Mars/Olympus');
    expect(badTz.code).toBe(2);
    expect(badTz.stderr).toMatch(/IANA time zone/);
    for (const bad of ['abc', '-5', '', '9000', 'NaN']) {
      const badWindow = loupe('import', 'x.jsonl', '--workspace', w, '--link-window', bad);
      expect(badWindow.code).toBe(2);
      expect(badWindow.stderr).toContain(`--link-window expects hours from 0 to 8760 (0 turns off linking to the same user's earlier requests), got "${bad}"`);
    }
    // A preset or a mapped field Loupe does not have is bad usage too, said before any workspace is opened.
    const badPreset = loupe('import', 'x.jsonl', '--workspace', w, '--preset', 'nosuch');
    expect([badPreset.code, badPreset.stderr]).toEqual([2, expect.stringContaining('--preset: unknown preset "nosuch". Known presets: openai-batch,')]);
    const badField = loupe('import', 'x.jsonl', '--workspace', w, '--map', 'bogus=x');
    expect([badField.code, badField.stderr]).toEqual([2, expect.stringContaining('--map: "bogus" is not a field of requests, feedback or tickets. Fields: requests: id, ts,')]);
    const wrongKind = loupe('import', 'x.jsonl', '--workspace', w, '--kind', 'tickets', '--map', 'latency_ms=lat');
    expect([wrongKind.code, wrongKind.stderr]).toEqual([2, expect.stringContaining('--map: "latency_ms" is not a field of tickets.')]);
    const wrongPrefix = loupe('import', 'x.jsonl', '--workspace', w, '--map', 'feedback.latency_ms=lat');
    expect(wrongPrefix.code).toBe(2);
    expect(fs.existsSync(w)).toBe(false);
  });

  it('--encoding names the files\' encoding (a Windows-1251 file is read as Cyrillic, not guessed as Latin-1); an unknown label is bad usage', async () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    const f = path.join(d, 'ru.csv');
    // "Привет, как дела?" in Windows-1251, built from its code points (А-я are 0xC0-0xFF there).
    const ru = (t: string) => Buffer.from([...t].map((ch) => { const c = ch.codePointAt(0)!; return c >= 0x410 && c <= 0x44f ? c - 0x410 + 0xc0 : c; }));
    fs.writeFileSync(f, Buffer.concat([Buffer.from('request_id,timestamp,input,output\nr1,2026-01-02T00:00:00Z,"'), ru('Привет, как дела?'), Buffer.from('",ok\n')]));
    expect(loupe('import', f, '--workspace', w, '--encoding', 'nosuch').code).toBe(2);
    expect(loupe('import', f, '--workspace', w, '--encoding', 'nosuch').stderr).toContain('--encoding expects an encoding label such as utf-8, windows-1252');
    const r = loupe('import', f, '--workspace', w, '--encoding', 'windows-1251', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { inserted: number }).inserted).toBe(1);
    const ws = await Workspace.open(w, { readOnly: true });
    try {
      expect(ws.db.value('SELECT input FROM requests')).toBe('Привет, как дела?');
    } finally {
      ws.close();
    }
  });

  it('imports with --json (one object per file), re-imports adding nothing, and exits 1 on a refused file', () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    const good = path.join(d, 'req.jsonl');
    fs.writeFileSync(good, [
      '{"request_id":"a","timestamp":"2026-11-17T10:00:00Z","input":"hi","output":"hello","model":"gpt-4o-mini","prompt_tokens":1000,"completion_tokens":2000}',
      '{"request_id":"b","timestamp":"2026-11-17T11:00:00Z","input":"hi","output":"hello"}',
      '{"request_id":"c","timestamp":"bad","input":"hi","output":"hello"}',
    ].join('\n'));
    const r1 = loupe('import', good, '--workspace', w, '--json');
    expect(r1.code).toBe(0);
    const [o] = jsonLines(r1.stdout);
    expect(Object.keys(o!)).toEqual(expect.arrayContaining(['file', 'kind', 'preset', 'records_read', 'inserted', 'updated', 'duplicates', 'rejected', 'rejects', 'links']));
    expect(o).toMatchObject({ file: 'req.jsonl', kind: 'requests', records_read: 3, inserted: 2, updated: 0, duplicates: 0, rejected: 1 });
    expect((o!.rejects as Array<{ line: number }>)[0]!.line).toBe(3);
    expect(o).toMatchObject({ duplicates_in_file: 0, duplicate_rows: [] });

    const dup = path.join(d, 'dup.jsonl');
    fs.writeFileSync(dup, [
      '{"request_id":"x","timestamp":"2026-11-17T10:00:00Z","input":"hi","output":"one"}',
      '{"request_id":"x","timestamp":"2026-11-17T10:00:00Z","input":"hi","output":"two"}',
    ].join('\n'));
    const rd = jsonLines(loupe('import', dup, '--workspace', w, '--json').stdout)[0];
    expect(rd).toMatchObject({ records_read: 2, inserted: 1, duplicates_in_file: 1, rejected: 0, rejects: [], duplicate_rows: [{ line: 2, id: 'x', first_line: 1 }] });

    const r2 = loupe('import', good, '--workspace', w, '--json');
    expect(jsonLines(r2.stdout)[0]).toMatchObject({ inserted: 0, duplicates: 2 });
    const r2text = loupe('import', good, '--workspace', w);
    expect(r2text.stdout).toMatch(/0 new, 2 already present/);

    // 1,005 bad timestamps: the text lists 20 and says how many --json lists; --json lists the first 1,000 by line
    // and `rejected` gives them all.
    const many = path.join(d, 'many.jsonl');
    fs.writeFileSync(many, ['{"request_id":"m0","timestamp":"2026-11-17T10:00:00Z","input":"i","output":"o"}',
      ...Array.from({ length: 1005 }, (_, k) => `{"request_id":"m${k + 1}","timestamp":"not a time","input":"i","output":"o"}`)].join('\n'));
    const mj = jsonLines(loupe('import', many, '--workspace', path.join(d, 'many.sqlite'), '--json').stdout)[0]!;
    expect(mj).toMatchObject({ records_read: 1006, inserted: 1, rejected: 1005 });
    const listed = mj.rejects as Array<{ line: number }>;
    expect([listed.length, listed[0]!.line, listed[999]!.line]).toEqual([1000, 2, 1001]);
    expect(loupe('import', many, '--workspace', path.join(d, 'many2.sqlite')).stdout).toContain('… 985 more rejected rows (--json lists the first 1,000 by line)');

    const bad = path.join(d, 'bad.jsonl.gz');
    fs.writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]));
    const before = fs.readFileSync(w);
    const r3 = loupe('import', bad, '--workspace', w);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/bad\.jsonl\.gz/);
    expect(r3.stderr).toMatch(/workspace is unchanged/);
    expect(fs.readFileSync(w).equals(before)).toBe(true);

    const info = loupe('info', '--workspace', w, '--json');
    expect(info.code).toBe(0);
    const i = JSON.parse(info.stdout) as Record<string, unknown>;
    expect(i).toMatchObject({ requests: 3, feedback: 0, tickets: 0, links: 0, reviews: 0, first_ts: '2026-11-17T10:00:00.000Z', last_ts: '2026-11-17T11:00:00.000Z', time_zone: 'UTC' });
    expect((i.imports as unknown[]).length).toBe(4);
    // Human text says what the count is (the --json field keeps its name, `links`).
    expect(loupe('info', '--workspace', w).stdout).toContain('tickets 0, ticket links 0, reviews 0');
    const help = loupe('import', '--help').stdout;
    expect(help).toContain('Parquet');
    expect(help).toContain('OTLP');
    // cost derived from the price table: 1000 × 0.15 + 2000 × 0.60 per million tokens
    const cost = spawnSync('sqlite3', [w, "SELECT cost_usd, cost_source FROM requests WHERE id = 'a'"], { encoding: 'utf8' });
    if (cost.status === 0) expect(cost.stdout.trim()).toBe('0.00135|price_table');
  });

  it('a refused import into a workspace that did not exist leaves no workspace, journal or lock behind', () => {
    const d = tmp();
    const w = path.join(d, 'new.sqlite');
    const bad = path.join(d, 'bin.jsonl');
    fs.writeFileSync(bad, Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7, 8, 9, 0, 0, 0, 1]));
    const empty = path.join(d, 'empty.jsonl');
    fs.writeFileSync(empty, '');
    const r = loupe('import', bad, empty, '--workspace', w, '--tz', 'Europe/Berlin');
    expect(r.code).toBe(1);
    expect(r.stderr.match(/The workspace is unchanged\./g)?.length).toBe(2);
    expect(fs.readdirSync(d).sort()).toEqual(['bin.jsonl', 'empty.jsonl']);
    // One good file among refused ones keeps the new workspace.
    const good = path.join(d, 'good.jsonl');
    fs.writeFileSync(good, '{"request_id":"a","timestamp":"2026-11-17T10:00:00Z","input":"q","output":"a"}\n');
    // A file refused after another was imported does not claim the workspace is unchanged.
    const after = loupe('import', good, bad, '--workspace', path.join(d, 'after.sqlite'));
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('Nothing of this file was imported; the file imported before it stays imported.');
    expect(after.stderr).not.toContain('The workspace is unchanged');
    fs.rmSync(path.join(d, 'after.sqlite'));
    expect(loupe('import', bad, good, '--workspace', w).code).toBe(1);
    expect(fs.existsSync(w)).toBe(true);
    expect(JSON.parse(loupe('info', '--workspace', w, '--json').stdout)).toMatchObject({ requests: 1 });
  });

  it('info, report, simulate and prices list read a workspace another live Loupe has open, counting its journaled reviews, and write nothing', async () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    const ws = await Workspace.open(w, { create: true });
    insertSynthetic(ws.db, { n: 50, seed: 3 });
    ws.checkpoint();
    const q = createQueue(ws, { week: '2026-W47', size: 5, seed: 1 }, 1000);
    setReviewer(ws, 'Ana');
    submitReview(ws, { queue_id: q.queue_id, position: q.items[0]!.position, verdicts: { correct: 'pass', safe: 'pass' }, tag_ids: [] }, 's', 2000);
    ws.db.close(); // the app still has it open: reviews are in the journal only
    fs.writeFileSync(`${w}.loupe-lock`, '1');
    const files = [w, `${w}.loupe-journal`, `${w}.loupe-lock`];
    const sha = () => files.map((f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex'));
    const before = sha();
    const r = loupe('info', '--workspace', w, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ requests: 50, reviews: 1 });
    // The report and a simulation read it too, with the journaled review, and write nothing.
    const rep = loupe('report', '--workspace', w, '--week', '2026-W47', '--format', 'json', '--out', '-');
    expect(rep.code, rep.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(rep.stdout))).toMatch(/"reviewed":1\b/);
    const sim = loupe('simulate', '--workspace', w, '--week', '2026-W47', '--size', '10', '--seeds', '50', '--json');
    expect(sim.code, sim.stderr).toBe(0);
    // The price table lists too (it was refused with CONFLICT while the app had the workspace open).
    const pl = loupe('prices', 'list', '--workspace', w, '--json');
    expect(pl.code, pl.stderr).toBe(0);
    expect((JSON.parse(pl.stdout) as unknown[]).length).toBeGreaterThan(0);
    expect(sha()).toEqual(before);
    expect(fs.readdirSync(d).sort()).toEqual(['w.sqlite', 'w.sqlite.loupe-journal', 'w.sqlite.loupe-lock']);
    // A writer is still refused.
    expect(loupe('import', path.join(d, 'none.jsonl'), '--workspace', w).stderr).toMatch(/open in another Loupe process \(pid 1\)/);
  });

  it('info refuses a missing workspace with exit 1 and does not create it', () => {
    const w = path.join(tmp(), 'none.sqlite');
    const r = loupe('info', '--workspace', w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not found/);
    expect(fs.existsSync(w)).toBe(false);
  });

  it.skipIf(!haveReal)('imports real files, sets --tz on a new workspace, and the file opens in the sqlite3 shell', () => {
    const w = path.join(tmp(), 'real.sqlite');
    const r = loupe('import', path.join(real, 'llmperf-bedrock-70b-requests.json'), path.join(real, 'tickets-customer-support.csv'), '--workspace', w, '--tz', 'Europe/Berlin', '--json');
    expect(r.code).toBe(0);
    const [a, b] = jsonLines(r.stdout);
    expect(a).toMatchObject({ kind: 'requests', preset: 'llmperf', inserted: 150 });
    expect(b).toMatchObject({ kind: 'tickets', inserted: 8469 });
    expect(JSON.parse(loupe('info', '--workspace', w, '--json').stdout)).toMatchObject({ time_zone: 'Europe/Berlin', requests: 150, tickets: 8469 });
    const shell = spawnSync('sqlite3', [w, 'SELECT count(*) FROM tickets; PRAGMA integrity_check;'], { encoding: 'utf8' });
    if (shell.status === 0) expect(shell.stdout.trim().split('\n')).toEqual(['8469', 'ok']);
  });

  it('demo builds the demo workspace from data/samples, idempotently', () => {
    const w = path.join(tmp(), 'demo.sqlite');
    expect(loupe('demo', '--workspace', w).code).toBe(0);
    const i1 = JSON.parse(loupe('info', '--workspace', w, '--json').stdout) as Record<string, number>;
    expect(i1.requests).toBe(18000);
    expect(i1.feedback).toBe(2639);
    expect(i1.tickets).toBe(123);
    expect(loupe('demo', '--workspace', w).code).toBe(0);
    const i2 = JSON.parse(loupe('info', '--workspace', w, '--json').stdout) as Record<string, number>;
    expect(i2.requests).toBe(18000);
    // Two demo builds and two info calls in child processes: ~8 s idle, over 60 s on a loaded 2-core machine.
  }, 180_000);
});

describe("the store worker's log in the CLI", () => {
  it('is dropped unless LOUPE_DEBUG is set, then goes to stderr marked as debug output', () => {
    const out: string[] = [];
    cliStoreLog({}, (s) => out.push(s))('warn', 'slow store call requests.query: 1209 ms');
    expect(out).toEqual([]);
    cliStoreLog({ LOUPE_DEBUG: '1' }, (s) => out.push(s))('warn', 'slow store call requests.query: 1209 ms');
    expect(out).toEqual(['loupe (debug): warn: slow store call requests.query: 1209 ms\n']);
  });
});
