import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportFileError, detectSource, guessDelimiter, headerNames, readRecords, type DetectedSource, type RawRecord, type RawReject, type ReadOptions } from './read';
import { detectTimestampUnit, parseNumber, parseTimestamp, toIdText } from './values';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const casesDir = path.resolve(repoRoot, '../shared/cases/import');
const realDir = path.resolve(repoRoot, '../shared/data/real');
const hasCases = existsSync(casesDir);
const hasReal = existsSync(realDir);
if (!hasCases) console.warn(`skipping import case tests: ${casesDir} is absent`);
if (!hasReal) console.warn(`skipping real-file tests: ${realDir} is absent`);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'loupe-read-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const p = path.join(tmp, name);
  await writeFile(p, content);
  return p;
}

interface ReadAll {
  src: DetectedSource;
  records: RawRecord[];
  rejects: RawReject[];
  batches: number;
  /** Most records in one batch. */
  maxBatch: number;
  bytesRead: number;
}

async function readAll(file: string, opts: ReadOptions & { src?: DetectedSource } = {}): Promise<ReadAll> {
  const src = opts.src ?? (await detectSource(file));
  const records: RawRecord[] = [];
  const rejects: RawReject[] = [];
  let batches = 0;
  let maxBatch = 0;
  let bytesRead = 0;
  for await (const b of readRecords(file, src, opts)) {
    maxBatch = Math.max(maxBatch, b.records.length);
    for (const x of b.records) records.push(x);
    rejects.push(...b.rejects);
    batches++;
    expect(b.bytesRead).toBeGreaterThanOrEqual(bytesRead);
    bytesRead = b.bytesRead;
  }
  return { src, records, rejects, batches, maxBatch, bytesRead };
}

/** Runs `fn` and returns the ImportFileError it throws (fails when it throws nothing or something else). */
async function fileError(fn: () => Promise<unknown>): Promise<ImportFileError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportFileError);
    return err as ImportFileError;
  }
  throw new Error('expected an ImportFileError, nothing was thrown');
}

const c = (f: string): string => path.join(casesDir, f);

describe.skipIf(!hasCases)('import cases (CASES.md) — reading', () => {
  it('01 BOM before a quoted header: first column named exactly ticket_id, 2 rows', async () => {
    const r = await readAll(c('01-bom-quoted-header.csv'));
    expect(r.src.format).toBe('csv');
    expect(r.src.header).toEqual(['ticket_id', 'created_at', 'csat']);
    expect(r.src.bomLength).toBe(3);
    expect(r.src.notes).toContain('UTF-8 byte-order mark removed');
    expect(r.records).toHaveLength(2);
    expect(Object.keys(r.records[0]!.record)[0]).toBe('ticket_id');
    expect(r.records.map((x) => x.record.ticket_id)).toEqual(['T-1', 'T-2']);
    expect(r.records.map((x) => x.line)).toEqual([2, 3]);
  });

  it('02 semicolon delimiter detected; 2 rows of 3 fields; ; inside quotes stays text', async () => {
    const r = await readAll(c('02-semicolon.csv'));
    expect(r.src.delimiter).toBe(';');
    expect(r.src.notes).toContain('delimiter detected: ;');
    expect(r.records.map((x) => x.record)).toEqual([
      { request_id: 'q-1', thumb: 'up', comment: 'Where is my order?' },
      { request_id: 'q-2', thumb: 'down', comment: 'It ships tomorrow; maybe' },
    ]);
    expect(r.rejects).toEqual([]);
  });

  it('03 commas and doubled quotes inside a quoted field (RFC 4180)', async () => {
    const r = await readAll(c('03-comma-in-quotes.csv'));
    expect(r.src.delimiter).toBe(',');
    expect(r.records.map((x) => x.record.comment)).toEqual(['a,b,c', 'said "hi", then left']);
  });

  it('04 newlines inside a quoted field: 2 records, the body keeps its two line breaks', async () => {
    const r = await readAll(c('04-quoted-newlines.csv'));
    expect(r.records).toHaveLength(2);
    expect(r.records[0]!.record.body).toBe('line one\nline two\nline three');
    expect(r.records[1]!.record).toEqual({ ticket_id: 'T-11', subject: 'Login', body: 'single line' });
    // T-11 starts on physical line 5: the header is line 1 and T-10 spans lines 2-4.
    expect(r.records.map((x) => x.line)).toEqual([2, 5]);
  });

  it('05 and 16 JSONL read in full (duplicates are the mapping layer’s concern)', async () => {
    const a = await readAll(c('05-reimport.jsonl'));
    expect(a.src.format).toBe('jsonl');
    expect(a.records.map((x) => x.record.request_id)).toEqual(['r-0', 'r-1', 'r-2']);
    const b = await readAll(c('16-duplicate-ids-in-file.jsonl'));
    expect(b.records.map((x) => [x.line, x.record.request_id, x.record.score])).toEqual([
      [1, 'd-1', 7],
      [2, 'd-2', 8],
      [3, 'd-1', 9],
    ]);
  });

  it('06 a 200,000-character field is read whole and ends with END-OF-FIELD', async () => {
    const r = await readAll(c('06-long-field.csv'));
    expect(r.records).toHaveLength(1);
    const out = r.records[0]!.record.output as string;
    // The field as written: 199,990 'x' then END-OF-FIELD (200,002 characters), whole.
    expect(out).toBe(`${'x'.repeat(199_990)}END-OF-FIELD`);
    expect(out.endsWith('END-OF-FIELD')).toBe(true);
    // The same with chunks far smaller than the field.
    const small = await readAll(c('06-long-field.csv'), { chunkBytes: 4096 });
    expect(small.records[0]!.record.output).toBe(out);
  });

  it('07 offsets, a space instead of T and fractional seconds: r1 = r3 = 08:00Z; r2 naive in the chosen zone', async () => {
    const r = await readAll(c('07-offsets-and-space.csv'));
    const at = (id: string, zone: string): string => {
      const v = r.records.find((x) => x.record.request_id === id)!.record.created_at;
      const t = parseTimestamp(v, { timeZone: zone });
      if (!t.ok || t.ms === null) throw new Error(`not parsed: ${JSON.stringify(t)}`);
      return new Date(t.ms).toISOString();
    };
    expect(at('r1', 'UTC')).toBe('2026-08-20T08:00:00.000Z');
    expect(at('r3', 'UTC')).toBe('2026-08-20T08:00:00.000Z');
    expect(at('r2', 'UTC')).toBe('2026-08-20T10:00:00.000Z');
    // The workspace zone only changes the naive r2.
    expect(at('r1', 'Europe/Berlin')).toBe('2026-08-20T08:00:00.000Z');
    expect(at('r2', 'Europe/Berlin')).toBe('2026-08-20T08:00:00.000Z');
    expect(at('r2', 'America/New_York')).toBe('2026-08-20T14:00:00.000Z');
  });

  it('08 epoch seconds, ms, µs and fractional seconds are all 2026-02-24T10:00:00Z, unit detected and reported', async () => {
    const r = await readAll(c('08-epoch-units.jsonl'));
    const ts = r.records.map((x) => x.record.ts);
    const det = detectTimestampUnit(ts, 'ts');
    expect(det.unit).toBe('auto');
    expect(det.note).toBe('ts: mixed forms detected (2 in seconds, 1 in milliseconds, 1 in microseconds); each value is read by its own magnitude');
    const got = r.records.map((x) => {
      const t = parseTimestamp(x.record.ts, { timeZone: 'UTC', unit: det.unit ?? 'auto' });
      if (!t.ok || t.ms === null) throw new Error('not parsed');
      return [x.record.request_id, new Date(t.ms).toISOString(), t.unit];
    });
    expect(got).toEqual([
      ['s', '2026-02-24T10:00:00.000Z', 's'],
      ['ms', '2026-02-24T10:00:00.000Z', 'ms'],
      ['us', '2026-02-24T10:00:00.000Z', 'us'],
      ['frac', '2026-02-24T10:00:00.500Z', 's'],
    ]);
  });

  it('09 offsets changing across DST in one column: one time column', async () => {
    const r = await readAll(c('09-dst-mixed-offsets.csv'));
    const values = r.records.map((x) => x.record.created_at);
    expect(detectTimestampUnit(values, 'created_at').unit).toBe('iso');
    const got = values.map((v) => {
      const t = parseTimestamp(v, { timeZone: 'UTC' });
      return t.ok && t.ms !== null ? new Date(t.ms).toISOString() : t;
    });
    expect(got).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-10-25T01:30:00.000Z']);
  });

  it('10 Excel serial dates in a date column: detected, 2026-03-01T12:00Z and 2026-03-02T06:00Z, never 1970', async () => {
    const r = await readAll(c('10-excel-serial-dates.csv'));
    const values = r.records.map((x) => x.record.created);
    expect(values).toEqual(['46082.5', '46083.25']);
    const det = detectTimestampUnit(values, 'created');
    expect(det.unit).toBe('excel');
    expect(det.note).toMatch(/^created: Excel serial dates detected/);
    const got = values.map((v) => {
      const t = parseTimestamp(v, { timeZone: 'UTC', unit: 'excel' });
      return t.ok && t.ms !== null ? new Date(t.ms).toISOString() : t;
    });
    expect(got).toEqual(['2026-03-01T12:00:00.000Z', '2026-03-02T06:00:00.000Z']);
    // Left to magnitude rules the numbers are refused, not read as seconds in 1970.
    const auto = parseTimestamp('46082.5', { timeZone: 'UTC' });
    expect(auto.ok).toBe(false);
    if (!auto.ok) expect(auto.reason).toContain("choose 'excel'");
  });

  it('11 Windows-1252: detected and decoded to café crème and naïve, no replacement characters', async () => {
    const r = await readAll(c('11-windows-1252.csv'));
    expect(r.src.encoding).toBe('windows-1252');
    expect(r.src.notes.some((n) => n.startsWith('encoding detected: windows-1252'))).toBe(true);
    expect(r.records.map((x) => x.record.comment)).toEqual(['café crème', 'naïve']);
    expect(JSON.stringify(r.records)).not.toContain('\uFFFD');
  });

  it('11 forced to UTF-8: refused with the encoding problem and the first bad byte’s line', async () => {
    const e = await fileError(() => detectSource(c('11-windows-1252.csv'), { encoding: 'utf-8' }));
    expect(e.code).toBe('ENCODING');
    expect(e.line).toBe(2);
    expect(e.file).toBe(c('11-windows-1252.csv'));
    expect(e.message).toBe('11-windows-1252.csv: the file is not valid utf-8: byte 0xE9 at line 2 (byte offset 26)');
    // Reading with a UTF-8 description (as if detection had been skipped) refuses the same way while streaming.
    const src = await detectSource(c('11-windows-1252.csv'));
    const e2 = await fileError(() => readAll(c('11-windows-1252.csv'), { src: { ...src, encoding: 'utf-8' } }));
    expect(e2.code).toBe('ENCODING');
    expect(e2.line).toBe(2);
    expect(e2.message).toContain('byte 0xE9 at line 2 (byte offset 26)');
  });

  it('12 empty cells, NaN and N/A in number columns are NULL, not 0; 0 stays 0', async () => {
    const r = await readAll(c('12-empty-and-nan-numbers.csv'));
    const rows = r.records.map((x) => [x.record.request_id, parseNumber(x.record.latency_ms), parseNumber(x.record.cost_usd), parseNumber(x.record.tokens_out)]);
    expect(rows).toEqual([
      ['r-1', null, null, 12],
      ['r-2', 450, 0.002, null],
      ['r-3', null, null, 0],
    ]);
  });

  it('13 ids above 2^53 and with leading zeros are kept exactly as text', async () => {
    const r = await readAll(c('13-large-numeric-ids.csv'));
    expect(r.records.map((x) => [toIdText(x.record.request_id), toIdText(x.record.user_id)])).toEqual([
      ['9007199254740993', '0012345'],
      ['1234567890123456789', '0000001'],
    ]);
  });

  it('14 nested null parents are read as JSON null, without rejects', async () => {
    const r = await readAll(c('14-nested-null-parent.jsonl'));
    expect(r.rejects).toEqual([]);
    expect(r.records.map((x) => x.record.response)).toEqual([{ body: { usage: { prompt_tokens: 10, completion_tokens: 5 } } }, null, { body: null }]);
  });

  it('15 trailing rows of empty cells are skipped, not counted: 2 tickets', async () => {
    const r = await readAll(c('15-trailing-empty-rows.csv'));
    expect(r.src.lineBreak).toBe('\r\n');
    expect(r.records.map((x) => [x.line, x.record])).toEqual([
      [2, { ticket_id: 'T-1', subject: 'A' }],
      [3, { ticket_id: 'T-2', subject: 'B' }],
    ]);
    expect(r.rejects).toEqual([]);
  });
});

describe.skipIf(!hasReal)('real files (shared/data/real)', () => {
  const real = (f: string): string => path.join(realDir, f);

  it('tickets CSV: 8,469 rows, 17 columns, quoted newlines, physical line numbers', async () => {
    const r = await readAll(real('tickets-customer-support.csv'));
    expect(r.src.format).toBe('csv');
    expect(r.src.delimiter).toBe(',');
    expect(r.src.header).toHaveLength(17);
    expect(r.src.header![0]).toBe('Ticket ID');
    expect(r.records).toHaveLength(8469);
    expect(r.rejects).toEqual([]);
    // Python's csv module agrees: records start on lines 2, 9, 16 … and the last on line 29806.
    expect(r.records.slice(0, 3).map((x) => x.line)).toEqual([2, 9, 16]);
    expect(r.records.at(-1)!.line).toBe(29806);
    expect(r.records[0]!.record['Ticket ID']).toBe('1');
    expect(r.records.at(-1)!.record['Ticket ID']).toBe('8469');
    expect(r.records.filter((x) => String(x.record['Ticket Description']).includes('\n')).length).toBeGreaterThan(0);
    expect(r.bytesRead).toBe(r.src.totalBytes);
  });

  it('oasst message trees: JSONL, 100 lines', async () => {
    const r = await readAll(real('oasst-message-trees.jsonl'));
    expect(r.src.format).toBe('jsonl');
    expect(r.records).toHaveLength(100);
    expect(r.rejects).toEqual([]);
  });

  it('llmperf: a JSON array of 150 items, positions as record numbers', async () => {
    const r = await readAll(real('llmperf-bedrock-70b-requests.json'));
    expect(r.src.format).toBe('json-array');
    expect(r.src.notes.some((n) => n.includes('1-based record numbers'))).toBe(true);
    expect(r.records).toHaveLength(150);
    expect(r.records.at(-1)!.line).toBe(150);
    expect(r.records.filter((x) => x.record.error_code === -100)).toHaveLength(49);
  });

  it('mtbench judgments: 330 lines; the two lines that already contain U+FFFD import as they are', async () => {
    const r = await readAll(real('mtbench-gpt4-judgments.jsonl'));
    expect(r.src.encoding).toBe('utf-8');
    expect(r.records).toHaveLength(330);
    expect(r.records.filter((x) => JSON.stringify(x.record).includes('\uFFFD'))).toHaveLength(2);
  });

  it('mtbench answers: 80 lines', async () => {
    const r = await readAll(real('mtbench-llama3-8b-answers.jsonl'));
    expect(r.records).toHaveLength(80);
  });

  it('hh-rlhf: gzip recognised by magic bytes, 2,312 records', async () => {
    const r = await readAll(real('hh-rlhf-harmless-test.jsonl.gz'));
    expect(r.src.compression).toBe('gzip');
    expect(r.src.format).toBe('jsonl');
    expect(r.records).toHaveLength(2312);
    expect(r.records.at(-1)!.line).toBe(2312);
    expect(r.bytesRead).toBe(r.src.totalBytes);
  });

  it('dices: 350 records found under instances', async () => {
    const r = await readAll(real('dices-350-ratings.json'));
    expect(r.src.format).toBe('json-path');
    expect(r.src.recordPath).toBe('instances');
    expect(r.src.notes[0]).toBe('records found under "instances" (350 items, the largest array of objects); other arrays: annotations (1)');
    expect(r.records).toHaveLength(350);
    expect(r.records[0]!.record.instance).toHaveProperty('user_prompt');
  });
});

describe('faults of the whole file', () => {
  function jsonlLines(n: number, pad = 40): string {
    let s = '';
    for (let i = 1; i <= n; i++) s += `${JSON.stringify({ i, text: `row ${i} ${'x'.repeat(pad)} ${Math.sin(i)}` })}\n`;
    return s;
  }

  it('a truncated gzip that ends inside the detection sample is TRUNCATED, naming the file', async () => {
    const gz = gzipSync(Buffer.from(jsonlLines(2000)));
    const p = await write('cut-small.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const e = await fileError(() => detectSource(p));
    expect(e.code).toBe('TRUNCATED');
    expect(e.file).toBe(p);
    expect(e.message).toMatch(/^cut-small\.jsonl\.gz: the gzip data ends early at line \d+ \(after [\d,]+ bytes of text, from [\d,]+ bytes of the compressed file\) \(the file is truncated\)$/);
    expect(e.line).toBe(Number(/at line (\d+)/.exec(e.message)![1]));
  });

  it('a gzip damaged in the middle is named a corrupt gzip with the line reached, not "not valid utf-8"', async () => {
    // Damage that zlib decodes into bytes (not UTF-8 text) and notices only at the CRC check at the end.
    const text = Array.from({ length: 60_000 }, (_, i) => `${JSON.stringify({ request_id: `r${i}`, timestamp: '2026-11-20T10:00:00Z', input: `question ${i} ${'Grüße café — ñ '.repeat(i % 7)}`, output: `answer ${(i * 7919) % 100003}` })}\n`).join('');
    const gz = Buffer.from(gzipSync(Buffer.from(text)));
    const mid = gz.length >> 1;
    for (let i = mid; i < mid + 200; i++) gz[i]! ^= 0x5a;
    const p = await write('corruptmid.jsonl.gz', gz);
    const e = await fileError(async () => { const src = await detectSource(p); await readAll(p, { src }); });
    expect(e.code).toBe('UNREADABLE');
    expect(e.line).toBe(29_905);
    expect(e.message).toBe('corruptmid.jsonl.gz: the gzip data is corrupt (incorrect data check): its text stops being valid utf-8 at line 29,905 (byte offset 5,118,642 of the decompressed text), where the compressed data is damaged; this is not an encoding problem');
    expect(e.action).toBe('Download or copy the file again; its compressed data is damaged.');
    // Damage that still decodes into text is found at the CRC check at the end: said with the line reached.
    const ascii = Buffer.from(gzipSync(Buffer.from(jsonlLines(60_000))));
    for (let i = ascii.length >> 1; i < (ascii.length >> 1) + 200; i++) ascii[i]! ^= 0x5a;
    const p2 = await write('corruptascii.jsonl.gz', ascii);
    const e2 = await fileError(async () => { const src = await detectSource(p2); await readAll(p2, { src }); });
    expect(e2.code).toBe('UNREADABLE');
    expect(e2.message).toMatch(/^corruptascii\.jsonl\.gz: the gzip data is corrupt \([a-z ]+\) at line [\d,]+ \(after [\d,]+ bytes of text, from [\d,]+ bytes of the compressed file\)$/);
  });

  it('a truncated gzip larger than the sample detects, then stops with TRUNCATED while reading', async () => {
    const gz = gzipSync(Buffer.from(jsonlLines(60_000)));
    const p = await write('cut-large.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.7)));
    const src = await detectSource(p);
    expect(src.compression).toBe('gzip');
    let seen = 0;
    const e = await fileError(async () => {
      for await (const b of readRecords(p, src, { batchSize: 1000 })) seen += b.records.length;
    });
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toContain('cut-large.jsonl.gz');
    expect(seen).toBeGreaterThan(0);
  });

  it('a corrupt gzip is UNREADABLE', async () => {
    const gz = Buffer.from(gzipSync(Buffer.from(jsonlLines(100))));
    gz.fill(0x55, 20, 60);
    const p = await write('corrupt.jsonl.gz', gz);
    const e = await fileError(() => detectSource(p));
    expect(e.code).toBe('UNREADABLE');
    expect(e.message).toMatch(/^corrupt\.jsonl\.gz: the gzip data is corrupt/);
  });

  it('a JSON array that ends mid-way is TRUNCATED (cut inside a value, between values, inside a string)', async () => {
    for (const [i, text] of ['[{"a":1},{"a":2},{"a":', '[\n  {"a": 1},\n  {"a": 2}', '[{"a":1},{"a":"tw'].entries()) {
      const p = await write(`cut-${i}.json`, text);
      const src = await detectSource(p);
      expect(src.format).toBe('json-array');
      const e = await fileError(() => readAll(p, { src }));
      expect(e.code).toBe('TRUNCATED');
      expect(e.message).toMatch(new RegExp(`^cut-${i}\\.json: the JSON ends mid-way at line \\d+ \\(the file is truncated\\)$`));
    }
  });

  it('a JSON object cut mid-way is TRUNCATED at detection', async () => {
    const p = await write('cut-object.json', '{\n  "instances": [\n    {"id": 1},\n    {"id": 2');
    const e = await fileError(() => detectSource(p));
    expect(e.code).toBe('TRUNCATED');
    expect(e.line).toBe(4);
  });

  it('invalid JSON in the middle of a document is UNREADABLE with its line', async () => {
    const p = await write('broken.json', '[\n{"a": 1},\n{"a": 2} {"a": 3}\n]');
    const e = await fileError(() => readAll(p));
    expect(e.code).toBe('UNREADABLE');
    expect(e.line).toBe(3);
    // Line and column, never V8's character "position" (which nobody can find in an editor).
    expect(e.message).toBe("broken.json: invalid JSON at line 3, column 10: Expected ',' or ']' after array element");
  });

  it('data after a JSON array is named as such, by line and column, not by character position', async () => {
    const rows = Array.from({ length: 3 }, (_, i) => JSON.stringify({ request_id: `r${i}`, input: 'q' })).join(',\n');
    const p = await write('arrgarbage.json', `[\n${rows}\n]\n  garbage\n`);
    const e = await fileError(() => detectSource(p).then((src) => readAll(p, { src })));
    expect(e.code).toBe('UNREADABLE');
    expect(e.line).toBe(6);
    expect(e.message).toBe('arrgarbage.json: invalid JSON at line 6, column 3: data after the end of the JSON array (only whitespace may follow its closing "]")');
    // A line of a JSONL file says its column the same way.
    const l = await write('badline.jsonl', '{"request_id":"a"}\n{"request_id":"b"} x\n{"request_id":"c"}\n');
    const r = await readAll(l);
    expect(r.rejects).toEqual([{ line: 2, field: null, reason: 'invalid JSON: data after the end of the JSON object (only whitespace may follow its closing "}") at column 20' }]);
  });

  it('a JSON document above the size limit is refused with a hint to use JSONL', async () => {
    const p = await write('big.json', JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i }))));
    const src = await detectSource(p);
    const e = await fileError(() => readAll(p, { src, maxJsonBytes: 1000 }));
    expect(e.code).toBe('UNREADABLE');
    expect(e.message).toBe('big.json is a single JSON document larger than 1 KB, too large to read whole');
    expect(e.action).toContain('JSONL');
  });

  it('empty and blank files are EMPTY; a missing file is UNREADABLE; a ZIP/xlsx is NOT_RECOGNISED', async () => {
    expect((await fileError(async () => detectSource(await write('empty.csv', '')))).code).toBe('EMPTY');
    expect((await fileError(async () => detectSource(await write('blank.jsonl', '\n  \n\t\n')))).code).toBe('EMPTY');
    expect((await fileError(async () => detectSource(await write('bom-only.csv', '\uFEFF')))).code).toBe('EMPTY');
    const missing = await fileError(() => detectSource(path.join(tmp, 'nope.csv')));
    expect(missing.code).toBe('UNREADABLE');
    expect(missing.message).toMatch(/^nope\.csv: file not found/);
    const zip = await fileError(async () => detectSource(await write('book.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))));
    expect(zip.code).toBe('NOT_RECOGNISED');
    expect(zip.action).toContain('CSV');
  });

  it('a JSON object without any array of records is NOT_RECOGNISED; a wrong recordPath lists the candidates', async () => {
    const p = await write('settings.json', '{\n "a": 1,\n "b": {"c": 2}\n}');
    expect((await fileError(() => detectSource(p))).code).toBe('NOT_RECOGNISED');
    const q = await write('nested.json', JSON.stringify({ meta: { n: 2 }, data: { items: [{ id: 1 }, { id: 2 }], tags: [{ t: 'x' }] } }, null, 1));
    const src = await detectSource(q);
    expect(src.recordPath).toBe('data.items');
    expect((await readAll(q, { src })).records.map((x) => x.record.id)).toEqual([1, 2]);
    const e = await fileError(() => detectSource(q, { recordPath: 'meta' }));
    expect(e.code).toBe('NOT_RECOGNISED');
    expect(e.action).toBe('Choose one of: data.items, data.tags.');
    const chosen = await detectSource(q, { recordPath: 'data.tags' });
    expect((await readAll(q, { src: chosen })).records.map((x) => x.record.t)).toEqual(['x']);
  });

  it('a UTF-8 file with a Latin-1 byte beyond the detection sample is refused while streaming, with line and offset', async () => {
    let text = 'request_id,comment\n';
    let lines = 1;
    while (text.length < 1.3 * 1024 * 1024) {
      text += `r-${lines},fine\n`;
      lines++;
    }
    const head = Buffer.from(text, 'utf8');
    const p = await write('late-latin1.csv', Buffer.concat([head, Buffer.from('r-x,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const src = await detectSource(p);
    expect(src.encoding).toBe('utf-8');
    const e = await fileError(() => readAll(p, { src }));
    expect(e.code).toBe('ENCODING');
    expect(e.line).toBe(lines + 1);
    expect(e.message).toBe(`late-latin1.csv is not valid utf-8: byte 0xE9 at line ${lines + 1} (byte offset ${head.length + 7}) cannot be decoded`);
    // The JSONL reader validates bytes without decoding them; same report.
    const j = await write('late-latin1.jsonl', Buffer.concat([Buffer.from(jsonlLines(20_000)), Buffer.from('{"a":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]));
    const je = await fileError(() => readAll(j));
    expect(je.code).toBe('ENCODING');
    expect(je.line).toBe(20_001);
  });

  it('a UTF-8 file with one Latin-1 line is refused at that line as mixed, not decoded whole as Windows-1252', async () => {
    const p = await write('mixed.csv', Buffer.concat([
      Buffer.from('request_id,comment\nr-1,café crème\nr-2,naïve — déjà vu\n', 'utf8'),
      Buffer.from('r-3,Straße für Müller\n', 'latin1'),
      Buffer.from('r-4,Ünïcödé\n', 'utf8'),
    ]));
    const e = await fileError(() => detectSource(p));
    expect(e.code).toBe('ENCODING');
    expect(e.line).toBe(4);
    expect(e.message).toBe('mixed.csv: the file mixes encodings: 3 lines are UTF-8 text with characters outside ASCII and 1 line holds bytes that are not UTF-8; '
      + 'read as one legacy encoding, its UTF-8 text would be garbled: byte 0xDF at line 4 (byte offset 69)');
    expect(e.action).toBe('Fix the characters of line 4 (and any other line that is not UTF-8) and save the file as UTF-8.');
    // More Latin-1 bytes than UTF-8 characters: still mixed (one UTF-8 line, one that is not).
    const few = await write('few.jsonl', Buffer.concat([Buffer.from('{"id":"u0","input":"Résumé — “final”"}\n{"id":"u1","input":"plain"}\n', 'utf8'),
      Buffer.from('{"id":"u2","input":"Crème brûlée à côté, s\'il vous plaît, très élégant"}\n', 'latin1')]));
    expect((await fileError(() => detectSource(few))).message).toMatch(/^few\.jsonl: the file mixes encodings: 1 line is UTF-8 text with characters outside ASCII and 1 line holds bytes that are not UTF-8; .* at line 3 /);
    // Legacy files whose bytes now and then form a UTF-8 character are not mixed: Windows-1252 quotes around É (C9 94
    // is UTF-8), EUC-KR and Shift_JIS names, ISO-8859-2 capitals, each with ASCII lines.
    for (const [name, bytesOf] of [
      ['cp1252.csv', Buffer.from([...Buffer.from('id,text\n1,plain\n2,Order for the '), 0x93, ...Buffer.from('CAF'), 0xc9, 0x94, ...Buffer.from(' table failed\n3,ok\n')])],
      ['euckr.csv', Buffer.from([...Buffer.from('id,text\n1,plain\n2,Customer '), 0xc8, 0xab, 0xb1, 0xe6, 0xb5, 0xbf, ...Buffer.from(' asked\n')])],
      ['sjis.csv', Buffer.from([...Buffer.from('id,text\n1,plain\n2,Customer '), 0x8c, 0xe3, 0x93, 0xa1, ...Buffer.from(' asked\n')])],
      ['latin2.csv', Buffer.from([...Buffer.from('id,text\n1,plain\n2,'), 0xaf, 0xd3, 0xa3, 0x57, ...Buffer.from('\n')])],
    ] as const) {
      const src = await detectSource(await write(name, bytesOf));
      expect(src.encoding, name).not.toBe('utf-8');
    }
    // The same Latin-1 line alone, and a Latin-1 file with one accidental UTF-8-looking pair (ß followed by »),
    // are still read as Windows-1252.
    const latin = await write('latin.csv', Buffer.from('request_id,comment\nr-1,Straße für Müller\nr-2,Maß»\nr-3,café\n', 'latin1'));
    const src = await detectSource(latin);
    expect(src.encoding).toBe('windows-1252');
    expect((await readAll(latin)).records.map((x) => x.record.comment)).toEqual(['Straße für Müller', 'Maß»', 'café']);
  });

  it('UTF-16 without a byte-order mark (LE and BE) is read as UTF-16, not refused as binary', async () => {
    const text = 'request_id,timestamp,input,output\nr1,2026-01-02T00:00:00Z,café crème,naïve — ok\nr2,2026-01-02T01:00:00Z,Straße,日本語\n';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [name, bytes, enc] of [['le.csv', le, 'utf-16le'], ['be.csv', be, 'utf-16be']] as const) {
      const p = await write(name, bytes);
      const src = await detectSource(p);
      expect(src.encoding, name).toBe(enc);
      expect(src.notes, name).toContain(`encoding detected: ${enc} without a byte-order mark (a zero byte in every other position)`);
      expect((await readAll(p)).records.map((x) => [x.record.input, x.record.output]), name).toEqual([['café crème', 'naïve — ok'], ['Straße', '日本語']]);
    }
    // A binary file with zero bytes in both positions is still refused as binary.
    const bin = await write('bin.csv', Buffer.from(Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 0 : 65 + (i % 7)))));
    expect((await fileError(() => detectSource(bin))).code).toBe('NOT_RECOGNISED');
  });

  it('a UTF-8 file ending inside a character is refused, never completed with U+FFFD', async () => {
    const p = await write('cut-char.jsonl', Buffer.concat([Buffer.from('{"a":"ok"}\n{"a":"caf'), Buffer.from([0xc3])]));
    const e = await fileError(() => detectSource(p, { encoding: 'utf-8' }));
    expect(e.code).toBe('ENCODING');
    expect(e.line).toBe(2);
    const src = await detectSource(p, { encoding: 'windows-1252' });
    const e2 = await fileError(() => readAll(p, { src: { ...src, encoding: 'utf-8' } }));
    expect(e2.code).toBe('ENCODING');
    expect(e2.message).toBe('cut-char.jsonl is not valid utf-8: an unfinished multi-byte character at line 2 (byte offset 20) cannot be decoded');
  });
});

describe('records that cannot be read are rejected, reading goes on', () => {
  it('a bad JSONL line mid-file is rejected with its line and the JSON error; blank lines are skipped', async () => {
    const p = await write('bad-line.jsonl', '{"id":1}\n{"id":2}\n{"id":3,\n\n{"id":4}\n[1,2]\n{"id":5}');
    const r = await readAll(p);
    expect(r.records.map((x) => [x.line, x.record.id])).toEqual([
      [1, 1],
      [2, 2],
      [5, 4],
      [7, 5],
    ]);
    expect(r.rejects).toHaveLength(2);
    expect(r.rejects[0]!.line).toBe(3);
    expect(r.rejects[0]!.field).toBeNull();
    expect(r.rejects[0]!.reason).toMatch(/^invalid JSON: /);
    expect(r.rejects[1]).toEqual({ line: 6, field: null, reason: 'expected a JSON object, found an array' });
  });

  it('a JSONL file whose first line is bad is still JSONL; a pretty-printed object is not', async () => {
    const p = await write('bad-first.jsonl', '{"id":1,,}\n{"id":2}\n{"id":3}\n');
    const r = await readAll(p);
    expect(r.src.format).toBe('jsonl');
    expect(r.records.map((x) => x.line)).toEqual([2, 3]);
    expect(r.rejects.map((x) => x.line)).toEqual([1]);
    const q = await write('pretty.json', '{\n "instances": [\n  {"id": 1},\n  {"id": 2}\n ]\n}\n');
    const pr = await readAll(q);
    expect(pr.src.format).toBe('json-path');
    expect(pr.src.recordPath).toBe('instances');
    expect(pr.records.map((x) => x.record.id)).toEqual([1, 2]);
  });

  it('a JSONL file cut inside its last record (inside a quoted string or between tokens) is refused as truncated', async () => {
    for (const [name, text, line] of [['cut-last.jsonl', '{"id":1}\n{"id":2}\n{"id":', 3], ['cut-string.jsonl', '{"id":1}\n{"id":2,"text":"half a sen', 2]] as const) {
      const e = await fileError(async () => readAll(await write(name, text)));
      expect(e.code).toBe('TRUNCATED');
      expect(e.line).toBe(line);
      expect(e.message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: line ${line} ends mid-record \\(.*\\): the file is truncated$`));
    }
    // A last line without a line break that is whole but bad is a reject, not a truncation.
    const r = await readAll(await write('bad-last.jsonl', '{"id":1}\n{"id":2}\n{"id":3,}'));
    expect(r.records).toHaveLength(2);
    expect(r.rejects[0]!.line).toBe(3);
  });

  it('JSON array items that are not objects are rejected with their record number', async () => {
    const p = await write('mixed.json', '[{"a":1}, 2, {"a":3}, null]');
    const r = await readAll(p);
    expect(r.records.map((x) => x.line)).toEqual([1, 3]);
    expect(r.rejects).toEqual([
      { line: 2, field: null, reason: 'record 2 is a number, expected a JSON object' },
      { line: 4, field: null, reason: 'record 4 is null, expected a JSON object' },
    ]);
  });

  it('CSV rows with the wrong number of fields are rejected; extra empty cells are tolerated', async () => {
    const p = await write('ragged.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\n');
    const r = await readAll(p);
    expect(r.records.map((x) => [x.line, x.record])).toEqual([
      [2, { a: '1', b: '2', c: '3' }],
      [5, { a: '10', b: '11', c: '12' }],
    ]);
    expect(r.rejects).toEqual([
      { line: 3, field: null, reason: 'row has 2 fields, the header has 3 (delimiter ",")' },
      { line: 4, field: null, reason: 'row has 4 fields, the header has 3 (delimiter ",")' },
    ]);
  });

  it('a CSV whose last quoted field is never closed (a cut file) is refused as truncated, naming the line', async () => {
    const e = await fileError(async () => readAll(await write('open-quote.csv', 'id,text\n1,fine\n2,"never closed\nmore\n')));
    expect(e.code).toBe('TRUNCATED');
    expect(e.line).toBe(3);
    expect(e.message).toBe('open-quote.csv: the quoted field starting on line 3 is never closed before the end of the file: the file is truncated (or a quote is unbalanced)');
  });
});

describe('CSV dialects', () => {
  it('tab and pipe delimiters are detected; a forced delimiter wins', async () => {
    const tsv = await readAll(await write('t.tsv', 'id\tname, with comma\n1\ta,b\n'));
    expect(tsv.src.delimiter).toBe('\t');
    expect(tsv.records[0]!.record).toEqual({ id: '1', 'name, with comma': 'a,b' });
    const pipe = await readAll(await write('p.csv', 'id|v\n1|x\n2|y\n'));
    expect(pipe.src.delimiter).toBe('|');
    expect(guessDelimiter('a;b;c\n1;2;3\n').delimiter).toBe(';');
    const forced = await detectSource(await write('f.csv', 'a;b\n1;2\n'), { delimiter: ',' });
    expect(forced.delimiter).toBe(',');
    expect(forced.header).toEqual(['a;b']);
    expect((await fileError(async () => detectSource(await write('g.csv', 'a\n'), { delimiter: ':' }))).code).toBe('NOT_RECOGNISED');
  });

  it('duplicate and empty header names get their own keys, with notes', async () => {
    expect(headerNames(['id', 'score', 'score', '', 'score'])).toEqual({
      names: ['id', 'score', 'score_2', 'column_4', 'score_3'],
      notes: ['column 3 repeats the name "score"; called score_2', 'column 4 has no name; called column_4', 'column 5 repeats the name "score"; called score_3'],
    });
    const r = await readAll(await write('dup.csv', 'id,score,score\n1,4,5\n'));
    expect(r.records[0]!.record).toEqual({ id: '1', score: '4', score_2: '5' });
  });

  it('a UTF-16LE file with a BOM (Excel "Unicode text") is decoded', async () => {
    const text = 'id\tcomment\r\n1\tcafé\r\n2\t日本\r\n';
    const p = await write('u16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const r = await readAll(p);
    expect(r.src.encoding).toBe('utf-16le');
    expect(r.src.delimiter).toBe('\t');
    expect(r.records.map((x) => x.record.comment)).toEqual(['café', '日本']);
  });

  it('a LF file with one CRLF line keeps no stray CR in the last cell', async () => {
    const r = await readAll(await write('mixed-eol.csv', 'a,b\n1,x\r\n2,y\n'));
    expect(r.records.map((x) => [x.line, x.record.b])).toEqual([
      [2, 'x'],
      [3, 'y'],
    ]);
  });
});

describe('streaming across chunk boundaries', () => {
  it('JSONL with CRLF and multi-byte characters reads the same at every chunk size; boundaries do cut CRLF and characters', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 40; i++) lines.push(JSON.stringify({ i, s: `é${'ü'.repeat(i % 5)}€😀 ${i}` }));
    const bytes = Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
    const p = await write('chunks.jsonl', bytes);
    const src = await detectSource(p);
    let cutCrlf = false;
    let cutChar = false;
    for (let size = 16; size <= 64; size++) {
      for (let k = size; k < bytes.length; k += size) {
        if (bytes[k - 1] === 13 && bytes[k] === 10) cutCrlf = true;
        if ((bytes[k]! & 0xc0) === 0x80) cutChar = true;
      }
      const r = await readAll(p, { src, chunkBytes: size, batchSize: 7 });
      expect(r.rejects).toEqual([]);
      expect(r.records.map((x) => x.line)).toEqual(lines.map((_, i) => i + 1));
      expect(r.records.map((x) => JSON.stringify(x.record))).toEqual(lines);
    }
    expect(cutCrlf).toBe(true);
    expect(cutChar).toBe(true);
  });

  it('CSV with CRLF, quoted newlines, doubled quotes and multi-byte characters reads the same at every chunk size', async () => {
    const rows: string[][] = [];
    for (let i = 1; i <= 30; i++) rows.push([`T-${i}`, `naïve "q" ${i}`, i % 3 === 0 ? `two\r\nlines €${i}` : `ok 😀${i}`]);
    const esc = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const text = 'id,subject,body\r\n' + rows.map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n';
    const bytes = Buffer.from(text, 'utf8');
    const p = await write('chunks.csv', bytes);
    const src = await detectSource(p);
    expect(src.lineBreak).toBe('\r\n');
    const expectedLines: number[] = [];
    let line = 2;
    for (const r of rows) {
      expectedLines.push(line);
      line += 1 + (r[2]!.includes('\n') ? 1 : 0);
    }
    let cutCrlf = false;
    let cutChar = false;
    for (let size = 16; size <= 80; size++) {
      for (let k = size; k < bytes.length; k += size) {
        if (bytes[k - 1] === 13 && bytes[k] === 10) cutCrlf = true;
        if ((bytes[k]! & 0xc0) === 0x80) cutChar = true;
      }
      const r = await readAll(p, { src, chunkBytes: size, batchSize: 4 });
      expect(r.rejects).toEqual([]);
      expect(r.records.map((x) => [x.record.id, x.record.subject, x.record.body])).toEqual(rows);
      expect(r.records.map((x) => x.line)).toEqual(expectedLines);
    }
    expect(cutCrlf).toBe(true);
    expect(cutChar).toBe(true);
  });

  it('a Windows-1252 CSV decodes the same with tiny chunks', async () => {
    const body = 'id,comment\n' + Array.from({ length: 50 }, (_, i) => `r-${i},café crème naïve ${i}`).join('\n') + '\n';
    const p = await write('latin.csv', Buffer.from(body, 'latin1'));
    const src = await detectSource(p);
    expect(src.encoding).toBe('windows-1252');
    const r = await readAll(p, { src, chunkBytes: 17 });
    expect(r.records).toHaveLength(50);
    expect(r.records[49]!.record.comment).toBe('café crème naïve 49');
  });

  it('a file of several MB (larger than a chunk) keeps exact line numbers, batches and progress', async () => {
    const n = 60_000;
    let s = '';
    for (let i = 1; i <= n; i++) s += `{"i":${i},"t":"ß€😀 ${'y'.repeat(i % 100)}"}${i % 2 ? '\r\n' : '\n'}`;
    const p = await write('big.jsonl', s);
    const r = await readAll(p, { batchSize: 5000 });
    expect(r.src.totalBytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(r.records).toHaveLength(n);
    expect(r.records.every((x, idx) => x.line === idx + 1 && x.record.i === idx + 1)).toBe(true);
    expect(r.maxBatch).toBe(5000);
    expect(r.batches).toBeGreaterThanOrEqual(12);
    expect(r.bytesRead).toBe(r.src.totalBytes);
    // The same file gzip-compressed: same records.
    const gz = path.join(tmp, 'big.jsonl.gz');
    await writeFile(gz, gzipSync(await readFile(p)));
    const rz = await readAll(gz, { batchSize: 5000 });
    expect(rz.records).toHaveLength(n);
    expect(rz.records[n - 1]!.line).toBe(n);
  });

  it('abort between chunks stops reading with an AbortError', async () => {
    let s = 'id,v\n';
    for (let i = 0; i < 100_000; i++) s += `${i},value ${i}\n`;
    const p = await write('abort.csv', s);
    const src = await detectSource(p);
    const ac = new AbortController();
    let batches = 0;
    let caught: unknown;
    try {
      for await (const b of readRecords(p, src, { signal: ac.signal, batchSize: 1000, chunkBytes: 64 * 1024 })) {
        batches++;
        expect(b.records.length).toBeGreaterThan(0);
        if (batches === 2) ac.abort();
      }
    } catch (err) {
      caught = err;
    }
    expect(batches).toBe(2);
    expect(caught).toBeInstanceOf(DOMException);
    expect((caught as DOMException).name).toBe('AbortError');
    expect((caught as DOMException).message).toBe('Reading abort.csv was cancelled');

    const pre = new AbortController();
    pre.abort();
    await expect(readAll(p, { src, signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
