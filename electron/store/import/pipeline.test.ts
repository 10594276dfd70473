import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ImportOptions } from '../../../shared/contract';
import type { Workspace } from '../workspace';
import { refusal, useTempWorkspaces } from '../testing/temp';
import { previewImport, runImport } from './pipeline';

const repo = path.resolve(__dirname, '../../..');
const cases = path.resolve(repo, '../shared/cases/import');
const real = path.resolve(repo, '../shared/data/real');
const haveCases = fs.existsSync(cases);
const haveReal = fs.existsSync(real);

const { tmpDir, write, newWorkspace } = useTempWorkspaces('loupe-pipe-');
const count = (ws: Workspace, t: string) => ws.db.value<number>(`SELECT count(*) FROM ${t}`);
const iso = (ms: unknown) => new Date(ms as number).toISOString();
const failure = refusal;

describe.skipIf(!haveCases)('import cases (../shared/cases/import) through the whole pipeline', () => {
  const c = (f: string) => path.join(cases, f);

  it('05: importing the same file again adds nothing and says so', async () => {
    const ws = await newWorkspace();
    const first = await runImport(ws, c('05-reimport.jsonl'), {});
    expect(first).toMatchObject({ inserted: 3, duplicates: 0, rejected: 0 });
    const second = await runImport(ws, c('05-reimport.jsonl'), {});
    expect(second).toMatchObject({ inserted: 0, updated: 0, duplicates: 3, rejected: 0 });
    expect(second.notes).toContain('0 new, 3 already present');
    expect(count(ws, 'requests')).toBe(3);
    expect(count(ws, 'imports')).toBe(2);
  });

  it('16: a duplicate id inside one file is reported with its line and the rule (last wins)', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, c('16-duplicate-ids-in-file.jsonl'), {});
    expect(count(ws, 'requests')).toBe(2);
    // The repeat is stored (last wins), so it is a duplicate row, not a rejected one, and the counts add up.
    expect(s).toMatchObject({ records_read: 3, inserted: 2, updated: 0, duplicates: 0, duplicates_in_file: 1, rejected: 0, rejects: [] });
    expect(s.duplicate_rows).toEqual([{ line: 3, id: 'd-1', first_line: 1 }]);
    expect(s.notes).toContain('1 row(s) repeat an id from earlier in the file; rule: the last occurrence wins (listed as duplicate rows, not rejected)');
    const hist = ws.db.get<{ duplicates_in_file: number; duplicate_rows: string; rejected: number; rejects: string }>('SELECT duplicates_in_file, duplicate_rows, rejected, rejects FROM imports');
    expect(hist).toEqual({ duplicates_in_file: 1, duplicate_rows: '[{"line":3,"id":"d-1","first_line":1}]', rejected: 0, rejects: '[]' });
    const extra = JSON.parse(ws.db.value<string>("SELECT extra FROM requests WHERE id = 'd-1'")!) as Record<string, unknown>;
    expect(extra.score).toBe(9);
  });

  it('07: offsets, a space instead of T and fractional seconds', async () => {
    const ws = await newWorkspace();
    await runImport(ws, c('07-offsets-and-space.csv'), { kind: 'requests' });
    const ts = Object.fromEntries(ws.db.all<{ id: string; ts: number }>('SELECT id, ts FROM requests').map((r) => [r.id, iso(r.ts)]));
    expect(ts).toEqual({ r1: '2026-08-20T08:00:00.000Z', r2: '2026-08-20T10:00:00.000Z', r3: '2026-08-20T08:00:00.000Z' });
    const ws2 = await newWorkspace();
    await runImport(ws2, c('07-offsets-and-space.csv'), { kind: 'requests', time_zone: 'Europe/Berlin' });
    expect(iso(ws2.db.value("SELECT ts FROM requests WHERE id = 'r2'"))).toBe('2026-08-20T08:00:00.000Z');
  });

  it('08: epoch seconds, ms, µs and fractional seconds all land on 2026-02-24T10:00Z, and the unit is reported', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, c('08-epoch-units.jsonl'), {});
    const ts = Object.fromEntries(ws.db.all<{ id: string; ts: number }>('SELECT id, ts FROM requests').map((r) => [r.id, iso(r.ts)]));
    expect(ts).toEqual({ s: '2026-02-24T10:00:00.000Z', ms: '2026-02-24T10:00:00.000Z', us: '2026-02-24T10:00:00.000Z', frac: '2026-02-24T10:00:00.500Z' });
    expect(s.notes.join('\n')).toMatch(/epoch/i);
  });

  it('09: offsets that change across daylight-saving time stay one time column', async () => {
    const ws = await newWorkspace();
    await runImport(ws, c('09-dst-mixed-offsets.csv'), { kind: 'requests' });
    const ts = ws.db.all<{ id: string; ts: number }>('SELECT id, ts FROM requests ORDER BY ts').map((r) => iso(r.ts));
    expect(ts).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-10-25T01:30:00.000Z']);
  });

  it('10: Excel serial dates in a ticket date column', async () => {
    const ws = await newWorkspace();
    await runImport(ws, c('10-excel-serial-dates.csv'), { kind: 'tickets' });
    const ts = ws.db.all<{ id: string; created_ts: number }>('SELECT id, created_ts FROM tickets ORDER BY id').map((r) => iso(r.created_ts));
    expect(ts).toEqual(['2026-03-01T12:00:00.000Z', '2026-03-02T06:00:00.000Z']);
  });

  it('12: empty, NaN and N/A numbers are NULL; 0 stays 0', async () => {
    const ws = await newWorkspace();
    await runImport(ws, c('12-empty-and-nan-numbers.csv'), { kind: 'requests' });
    const rows = ws.db.all('SELECT id, latency_ms, cost_usd, tokens_out FROM requests ORDER BY id');
    expect(rows).toEqual([
      { id: 'r-1', latency_ms: null, cost_usd: null, tokens_out: 12 },
      { id: 'r-2', latency_ms: 450, cost_usd: 0.002, tokens_out: null },
      { id: 'r-3', latency_ms: null, cost_usd: null, tokens_out: 0 },
    ]);
  });

  it('13: ids above 2^53 and with leading zeros are kept exactly as text', async () => {
    const ws = await newWorkspace();
    await runImport(ws, c('13-large-numeric-ids.csv'), { kind: 'requests' });
    expect(ws.db.all('SELECT id, user_id FROM requests ORDER BY user_id DESC')).toEqual([
      { id: '9007199254740993', user_id: '0012345' },
      { id: '1234567890123456789', user_id: '0000001' },
    ]);
  });

  it('14: a mapped nested path whose parent is null gives NULL tokens, no reject', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, c('14-nested-null-parent.jsonl'), {
      kind: 'requests', mapping: { id: 'id', tokens_in: 'response.body.usage.prompt_tokens', tokens_out: 'response.body.usage.completion_tokens' },
    });
    expect(s.rejected).toBe(0);
    expect(ws.db.all('SELECT id, tokens_in, tokens_out FROM requests ORDER BY id')).toEqual([
      { id: 'n1', tokens_in: 10, tokens_out: 5 },
      { id: 'n2', tokens_in: null, tokens_out: null },
      { id: 'n3', tokens_in: null, tokens_out: null },
    ]);
  });

  it('01, 03, 04, 06, 11, 15: CSV quirks store the right text', async () => {
    const ws = await newWorkspace();
    for (const f of ['01-bom-quoted-header.csv', '03-comma-in-quotes.csv', '04-quoted-newlines.csv', '06-long-field.csv', '11-windows-1252.csv', '15-trailing-empty-rows.csv']) {
      const s = await runImport(ws, c(f), {});
      expect(s.rejected, f).toBe(0);
    }
    const texts = ws.db.all<{ t: string }>("SELECT coalesce(body, '') || ' ' || coalesce(subject, '') || ' ' || coalesce(extra, '') AS t FROM tickets").map((r) => r.t).join('\n')
      + ws.db.all<{ t: string }>("SELECT coalesce(input, '') || ' ' || coalesce(output, '') || ' ' || coalesce(extra, '') AS t FROM requests").map((r) => r.t).join('\n')
      + ws.db.all<{ t: string }>("SELECT coalesce(comment, '') || ' ' || coalesce(extra, '') AS t FROM feedback").map((r) => r.t).join('\n');
    expect(texts).toContain('END-OF-FIELD');
    expect(texts).not.toContain('\uFFFD');
    expect(texts).toMatch(/café crème/);
    expect(texts).toMatch(/naïve/);
    const long = ws.db.value<number>("SELECT max(max(length(coalesce(body,''))), max(length(coalesce(extra,'')))) FROM tickets") ?? 0;
    const longR = ws.db.value<number>("SELECT max(max(length(coalesce(input,''))), max(length(coalesce(output,''))), max(length(coalesce(extra,'')))) FROM requests") ?? 0;
    expect(Math.max(long, longR)).toBeGreaterThanOrEqual(200_000);
  });
});

describe('failed imports leave the workspace exactly as it was', () => {
  async function seeded(): Promise<{ ws: Workspace; bytes: Buffer }> {
    const ws = await newWorkspace();
    await runImport(ws, write('seed.jsonl', '{"request_id":"keep","timestamp":"2026-01-01T00:00:00Z","input":"q","output":"a"}\n'), {});
    return { ws, bytes: fs.readFileSync(ws.file) };
  }

  it('a truncated gzip is refused with IMPORT_TRUNCATED naming the file', async () => {
    const { ws, bytes } = await seeded();
    const gz = zlib.gzipSync(Buffer.from(Array.from({ length: 2000 }, (_, i) => `{"request_id":"r${i}","input":"x"}`).join('\n')));
    const f = write('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const e = await failure(runImport(ws, f, {}));
    expect(e.code).toBe('IMPORT_TRUNCATED');
    expect(e.message).toContain('cut.jsonl.gz');
    expect(count(ws, 'requests')).toBe(1);
    expect(count(ws, 'imports')).toBe(1);
    expect(fs.readFileSync(ws.file).equals(bytes)).toBe(true);
  });

  it('an upload read from a temporary path is named by its display name in every message', async () => {
    const { ws, bytes } = await seeded();
    const uuid = '84a8afde-953e-47df-95c7-f5a43c8529b8';
    const upload = (name: string, data: string | Buffer) => write(`${uuid}-${name}`, data);
    const refused = async (f: string, name: string, preview = false) => {
      const e = await failure(preview ? previewImport(ws, f, {}, name) : runImport(ws, f, {}, {}, name));
      expect(e.message).not.toContain(uuid);
      return e;
    };
    // Found while detecting the format.
    const bin = await refused(upload('bin.jsonl', Buffer.from([0x7b, 0, 1, 2, 0, 0x7d, 0x0a])), 'bin.jsonl');
    expect(bin.message).toBe('bin.jsonl looks like a binary file (it contains NUL bytes), not JSONL, JSON or CSV');
    expect((await refused(upload('bin.jsonl', Buffer.from([0x7b, 0, 1, 2, 0, 0x7d, 0x0a])), 'bin.jsonl', true)).message)
      .toBe('bin.jsonl looks like a binary file (it contains NUL bytes), not JSONL, JSON or CSV');
    // Found while reading the records: a byte that is not UTF-8 far past the detection sample.
    const late = Buffer.concat([
      Buffer.from(Array.from({ length: 50000 }, (_, i) => `{"request_id":"r${i}","input":"x"}\n`).join('')),
      Buffer.from([0x7b, 0x22, 0x69, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a]),
    ]);
    const enc = await refused(upload('late.jsonl', late), 'late.jsonl');
    expect(enc.code).toBe('IMPORT_ENCODING');
    expect(enc.message).toMatch(/^late\.jsonl is not valid utf-8: .* at line 50001 /);
    // A JSON document that ends early, read whole.
    const cut = await refused(upload('cut.json', '[{"request_id":"a","input":"x"},\n{"request_id":"b",'), 'cut.json');
    expect(cut.message).toMatch(/^cut\.json: /);
    // No record could be read.
    const none = await refused(upload('none.jsonl', '{"request_id":"a",\n{"request_id":"b",\n'), 'none.jsonl');
    expect(none.message).toBe('none.jsonl: invalid JSON at line 2, column 1: Expected double-quoted property name');
    expect(fs.readFileSync(ws.file).equals(bytes)).toBe(true);
  });

  it('a file with no mappable fields is refused with IMPORT_NOT_RECOGNISED', async () => {
    const { ws, bytes } = await seeded();
    const e = await failure(runImport(ws, write('odd.jsonl', '{"foo":1,"bar":2}\n{"foo":3,"bar":4}\n'), {}));
    expect(e.code).toBe('IMPORT_NOT_RECOGNISED');
    expect(count(ws, 'requests')).toBe(1);
    expect(fs.readFileSync(ws.file).equals(bytes)).toBe(true);
  });

  it('an empty file is refused with IMPORT_EMPTY', async () => {
    const { ws } = await seeded();
    const e = await failure(runImport(ws, write('empty.jsonl', ''), {}));
    expect(['IMPORT_EMPTY', 'IMPORT_NOT_RECOGNISED']).toContain(e.code);
    expect(count(ws, 'requests')).toBe(1);
  });

  it('a missing file is refused with IMPORT_UNREADABLE', async () => {
    const { ws } = await seeded();
    const e = await failure(runImport(ws, path.join(tmpDir(), 'nope.jsonl'), {}));
    expect(e.code).toBe('IMPORT_UNREADABLE');
  });

  it('a cancelled import rolls back every row and leaves the file untouched', async () => {
    const { ws, bytes } = await seeded();
    const lines = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ request_id: `c${i}`, timestamp: '2026-01-02T00:00:00Z', input: `question ${i} `.repeat(8), output: 'answer '.repeat(20) }));
    const f = write('big.jsonl', `${lines.join('\n')}\n`);
    const ac = new AbortController();
    let progressSeen = 0;
    const e = await failure(runImport(ws, f, {}, { signal: ac.signal, progressEveryMs: 0, onProgress: (p) => { progressSeen = p.records; if (p.records > 0) ac.abort(); } }));
    expect(e.code).toBe('IMPORT_CANCELLED');
    expect(progressSeen).toBeGreaterThan(0);
    expect(count(ws, 'requests')).toBe(1);
    expect(count(ws, 'imports')).toBe(1);
    expect(fs.readFileSync(ws.file).equals(bytes)).toBe(true);
  });

  it('an import that would pass the size ceiling is refused before it starts, with the figures', async () => {
    const { ws } = await seeded();
    const f = write('huge.jsonl', '{"request_id":"h1","input":"q","output":"a"}\n');
    fs.truncateSync(f, 3.5e9); // sparse: no disk used
    const e = await failure(runImport(ws, f, {}));
    expect(e.code).toBe('WORKSPACE_TOO_LARGE');
    expect(e.message).toMatch(/3\.50 GB/);
    expect(e.message).toMatch(/ceiling of 3\.22 GB/);
    expect(count(ws, 'requests')).toBe(1);
  });
});

describe('requests without a timestamp', () => {
  it('are counted in a note that says how to include them in a review queue', async () => {
    const ws = await newWorkspace();
    const f = write('undated.jsonl', [
      '{"request_id":"a","input":"q","output":"x"}',
      '{"request_id":"b","input":"q2","output":"y"}',
      '{"request_id":"c","timestamp":"2026-01-01T00:00:00Z","input":"q3","output":"z"}',
    ].join('\n'));
    const s = await runImport(ws, f, {});
    expect(s.notes).toContain('2 requests have no timestamp: they belong to no ISO week; include them in a review queue with "Include requests without a timestamp" (or --include-undated)');
    const dated = await runImport(ws, write('dated.jsonl', '{"request_id":"d","timestamp":"2026-01-01T00:00:00Z","input":"q","output":"x"}\n'), {});
    expect(dated.notes.filter((n) => n.includes('no timestamp'))).toEqual([]);
  });

  it.skipIf(!haveReal)('llmperf logs have none: every request is named', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, path.join(real, 'llmperf-bedrock-70b-requests.json'), {});
    expect(s.notes).toContain('150 requests have no timestamp: they belong to no ISO week; include them in a review queue with "Include requests without a timestamp" (or --include-undated)');
  });
});

describe('bad rows are rejected with line, field and reason; the rest imports', () => {
  it('counts add up: read = new + updated + already present + repeated in file + rejected; rejects sorted by line', async () => {
    const ws = await newWorkspace();
    const row = (id: string, ts: string, out = 'x') => `{"request_id":"${id}","timestamp":"${ts}","input":"q","output":"${out}"}`;
    await runImport(ws, write('first.jsonl', [row('a', '2026-01-01T00:00:00Z'), row('b', '2026-01-01T00:00:00Z')].join('\n')), {});
    const s = await runImport(ws, write('second.jsonl', [
      row('a', '2026-01-01T00:00:00Z'), // already present: unchanged here, but changed by its repeat below
      row('b', '2026-01-01T00:00:00Z', 'changed'), // updated
      row('c', '2026-01-02T00:00:00Z'), // new
      row('c', '2026-01-02T00:00:00Z', 'again'), // repeat in file (last wins)
      '{"request_id":"d","timestamp":"2026-01-0', // broken JSON
      row('e', 'never'), // bad timestamp
      '{}', // every field empty: skipped like a blank line
      row('a', '2026-01-01T00:00:00Z', 'later'), // repeat in file of an id already present: a is updated (preimage.ts)
    ].join('\n')), {});
    expect(s).toMatchObject({ records_read: 7, inserted: 1, updated: 2, duplicates: 0, duplicates_in_file: 2, rejected: 2 });
    expect(s.inserted + s.updated + s.duplicates + s.duplicates_in_file + s.rejected).toBe(s.records_read);
    expect(s.rejects.map((r) => r.line)).toEqual([5, 6]);
    expect(s.duplicate_rows).toEqual([{ line: 4, id: 'c', first_line: 3 }, { line: 8, id: 'a', first_line: 1 }]);
    expect(s.per_kind).toEqual({ requests: { inserted: 1, updated: 2, duplicates: 0, duplicates_in_file: 2 } });
    expect(s.notes).toContain('1 record(s) with every field empty were skipped');
    expect(ws.db.value("SELECT output FROM requests WHERE id = 'a'")).toBe('later');
    expect(ws.db.value("SELECT output FROM requests WHERE id = 'c'")).toBe('again');
  });

  it('a broken JSON line and an unparsable timestamp', async () => {
    const ws = await newWorkspace();
    const f = write('mixed.jsonl', [
      '{"request_id":"a","timestamp":"2026-01-01T00:00:00Z","input":"q","output":"x"}',
      '{"request_id":"b","timestamp":"2026-01-01T00:00:0',
      '{"request_id":"c","timestamp":"not a date","input":"q","output":"x"}',
      '{"request_id":"d","timestamp":"2026-01-03T00:00:00Z","input":"q","output":"x"}',
    ].join('\n'));
    const s = await runImport(ws, f, {});
    expect(s.records_read).toBe(4);
    expect(s.inserted).toBe(2);
    expect(s.rejected).toBe(2);
    const byLine = Object.fromEntries(s.rejects.map((r) => [r.line, r]));
    expect(byLine[2]?.reason).toMatch(/JSON/i);
    expect(byLine[3]?.field).toBe('timestamp');
    expect(byLine[3]?.reason).toMatch(/not a date/);
    const hist = ws.db.get<{ rejected: number; rejects: string }>('SELECT rejected, rejects FROM imports');
    expect(hist?.rejected).toBe(2);
    expect(JSON.parse(hist!.rejects)).toHaveLength(2);
  });
});

describe.skipIf(!haveReal)('real files (../shared/data/real)', () => {
  const r = (f: string) => path.join(real, f);
  const expectations: Array<[string, ImportOptions, (ws: Workspace) => void]> = [
    ['tickets-customer-support.csv', {}, (ws) => expect(count(ws, 'tickets')).toBe(8469)],
    ['llmperf-bedrock-70b-requests.json', {}, (ws) => {
      expect(count(ws, 'requests')).toBe(150);
      expect(ws.db.value('SELECT count(*) FROM requests WHERE is_error = 1')).toBe(49);
      // seconds in the source, ms in the store
      const lat = ws.db.value<number>('SELECT max(latency_ms) FROM requests')!;
      expect(lat).toBeGreaterThan(1000);
    }],
    ['mtbench-llama3-8b-answers.jsonl', {}, (ws) => expect(count(ws, 'requests')).toBe(160)],
    ['dices-350-ratings.json', {}, (ws) => expect(count(ws, 'requests')).toBe(350)],
    ['hh-rlhf-harmless-test.jsonl.gz', {}, (ws) => expect(count(ws, 'requests')).toBeGreaterThanOrEqual(2312)],
    ['oasst-message-trees.jsonl', {}, (ws) => {
      expect(count(ws, 'requests')).toBeGreaterThan(100);
      expect(ws.db.value("SELECT count(*) FROM feedback WHERE kind = 'thumb'")).toBeGreaterThan(0);
    }],
  ];
  for (const [file, options, check] of expectations) {
    it(`${file} imports with the right counts, and again adds nothing`, async () => {
      const ws = await newWorkspace();
      const s = await runImport(ws, r(file), options);
      check(ws);
      const again = await runImport(ws, r(file), options);
      expect(again.inserted).toBe(0);
      expect(again.updated).toBe(0);
      check(ws);
      expect(s.rejects.every((x) => typeof x.line === 'number' && x.reason.length > 0)).toBe(true);
      // Records that gave several rows say so (the counts are of rows); one row per record says nothing.
      const rows = s.inserted + s.updated + s.duplicates + s.duplicates_in_file;
      const gave = s.notes.find((n) => / gave [\d,]+ rows /.test(n));
      if (rows > s.records_read) expect(gave).toBe(`${s.records_read.toLocaleString('en-US')} ${s.record_unit} gave ${rows.toLocaleString('en-US')} rows (a record can hold several: turns of a conversation, a request with its feedback); the counts are of rows`);
      else expect(gave).toBeUndefined();
      if (file.startsWith('mtbench')) expect(gave).toBe('80 records gave 160 rows (a record can hold several: turns of a conversation, a request with its feedback); the counts are of rows');
    });
  }

  it('MT-Bench judgments link to the answers as judge ratings', async () => {
    const ws = await newWorkspace();
    await runImport(ws, r('mtbench-llama3-8b-answers.jsonl'), {});
    const s = await runImport(ws, r('mtbench-gpt4-judgments.jsonl'), {});
    expect(s.records_read).toBe(330);
    // 10 (judge, model, question, turn) keys repeat: stored once each (last wins), listed apart from the rejects.
    expect(s).toMatchObject({ inserted: 320, updated: 0, duplicates: 0, duplicates_in_file: 10, rejected: 0, rejects: [] });
    expect(s.duplicate_rows).toHaveLength(10);
    expect(s.duplicate_rows.every((d, i, a) => d.first_line < d.line && (i === 0 || a[i - 1]!.line < d.line))).toBe(true);
    expect(s.inserted + s.updated + s.duplicates + s.duplicates_in_file + s.rejected).toBe(s.records_read);
    expect(ws.db.value("SELECT count(*) FROM feedback WHERE source = 'judge'")).toBeGreaterThan(0);
    expect(ws.db.value("SELECT count(*) FROM feedback WHERE value = -1")).toBe(0);
    expect(ws.db.value('SELECT count(*) FROM feedback f JOIN requests r ON r.id = f.request_id')).toBeGreaterThan(0);
  });

  it('preview shows the detected format, preset and mapped rows without writing', async () => {
    const ws = await newWorkspace();
    const p = await previewImport(ws, r('llmperf-bedrock-70b-requests.json'), {});
    expect(p.format).toBe('json-array');
    expect(p.preset).toBe('llmperf');
    expect(p.mapped.length).toBeGreaterThan(0);
    expect(count(ws, 'requests')).toBe(0);
  });
});

describe('re-importing the demo data adds and updates nothing', () => {
  it('requests, feedback (with session links) and tickets', async () => {
    const ws = await newWorkspace();
    const files = ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv'].map((f) => path.join(repo, 'data/samples', f));
    for (const f of files) await runImport(ws, f, {});
    const links = ws.db.value<number>('SELECT count(*) FROM ticket_links');
    const fbLinked = ws.db.value<number>('SELECT count(*) FROM feedback WHERE request_id IS NOT NULL');
    expect(ws.db.value("SELECT count(*) FROM feedback WHERE link_method = 'session'")).toBeGreaterThan(0);
    for (const f of files) {
      const s = await runImport(ws, f, {});
      expect([path.basename(f), s.inserted, s.updated]).toEqual([path.basename(f), 0, 0]);
    }
    expect(ws.db.value('SELECT count(*) FROM ticket_links')).toBe(links);
    expect(ws.db.value('SELECT count(*) FROM feedback WHERE request_id IS NOT NULL')).toBe(fbLinked);
    // 51 named in the file, 45 inferred; the 27 tickets whose user had several requests in the window and that quote
    // none of them stay unlinked (electron/store/import/linking.ts).
    expect(links).toBe(96);
  });

  it('the tickets file reports resolutions before first response as a finding, not a reject', async () => {
    if (!haveReal) return;
    const ws = await newWorkspace();
    const s = await runImport(ws, path.join(real, 'tickets-customer-support.csv'), {});
    expect(s.rejected).toBe(0);
    expect(s.notes.join('\n')).toMatch(/1,?365 ticket\(s\) resolved before their first response/);
    // The preview reads only the first records: its count says so and never reads as the whole file's.
    const p = await previewImport(ws, path.join(real, 'tickets-customer-support.csv'), {});
    const q = p.notes.filter((n) => n.includes('resolved before their first response'));
    expect(q).toHaveLength(1);
    expect(q[0]).toMatch(/^data quality in the first [\d,]+ records read for this preview: \d+ ticket\(s\) resolved before their first response/);
  });
});

describe('large imports defer the secondary indexes', () => {
  const indexNames = (ws: Workspace) => ws.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'requests' AND sql IS NOT NULL ORDER BY name").map((r) => r.name);
  function bigFile(): string {
    const pad = 'x'.repeat(300);
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"request_id":"b${i}","timestamp":"2026-01-0${1 + (i % 9)}T00:00:00Z","input":"q${i} ${pad}","output":"a"}`);
    return write('big.jsonl', `${lines.join('\n')}\n`);
  }

  it('rebuilds every index after the import, and keeps them when the import is cancelled', async () => {
    const ws = await newWorkspace();
    const names = indexNames(ws);
    expect(names.length).toBeGreaterThanOrEqual(6);
    const f = bigFile();
    expect(fs.statSync(f).size).toBeGreaterThan(32 * 1024 * 1024);
    const ac = new AbortController();
    const e = await failure(runImport(ws, f, {}, { signal: ac.signal, progressEveryMs: 0, onProgress: (p) => { if (p.records > 1000) ac.abort(); } }));
    expect(e.code).toBe('IMPORT_CANCELLED');
    expect(indexNames(ws)).toEqual(names);
    const s = await runImport(ws, f, {});
    expect(s.inserted).toBe(100_000);
    expect(indexNames(ws)).toEqual(names);
    const plan = ws.db.all<{ detail: string }>('EXPLAIN QUERY PLAN SELECT id FROM requests ORDER BY ts DESC LIMIT 10').map((r) => r.detail).join(' ');
    expect(plan).toMatch(/requests_ts/);
  });
});

describe('the import history records the file\'s SHA-256, hashed in the same read as the import', () => {
  const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  it('for JSONL, CSV, gzip, a JSON array and records under a path', async () => {
    const ws = await newWorkspace();
    const rows = Array.from({ length: 3000 }, (_, i) => ({ request_id: `s${i}`, timestamp: '2026-01-01T00:00:00Z', input: `q${i}`, output: 'a' }));
    const files = [
      write('a.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')),
      write('b.csv', `request_id,timestamp,input,output\n${rows.map((r) => `c${r.request_id},${r.timestamp},${r.input},${r.output}`).join('\n')}\n`),
      write('c.jsonl.gz', zlib.gzipSync(rows.map((r) => JSON.stringify({ ...r, request_id: `g${r.request_id}` })).join('\n'))),
      write('d.json', JSON.stringify(rows.map((r) => ({ ...r, request_id: `j${r.request_id}` })))),
      write('e.json', JSON.stringify({ meta: { n: 3000 }, instances: rows.map((r) => ({ ...r, request_id: `p${r.request_id}` })) })),
    ];
    for (const f of files) {
      const s = await runImport(ws, f, {});
      expect([path.basename(f), s.inserted]).toEqual([path.basename(f), 3000]);
      expect(ws.db.value('SELECT sha256 FROM imports WHERE id = ?', [s.import_id!])).toBe(sha(f));
    }
  });
});

describe('readRecords hands every byte read from disk to onDiskBytes', () => {
  it('whole files, plain and gzip, in order', async () => {
    const { detectSource, readRecords } = await import('./read');
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ request_id: `t${i}`, input: 'x'.repeat(50) })).join('\n');
    for (const f of [write('t.jsonl', lines), write('t.jsonl.gz', zlib.gzipSync(lines)), write('t.json', `[${lines.split('\n').join(',')}]`)]) {
      const src = await detectSource(f);
      const seen: Buffer[] = [];
      for await (const batch of readRecords(f, src, { onDiskBytes: (c) => seen.push(c) })) void batch;
      expect(Buffer.concat(seen).equals(fs.readFileSync(f))).toBe(true);
    }
  });
});
