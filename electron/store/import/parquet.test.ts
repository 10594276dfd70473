/**
 * Parquet in general (hyparquet): types made plain, row groups and slices, a truncated file refused; and exact JSON
 * integers beyond 2^53 (lossless-json).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeParquet } from '../testing/parquet';
import { refusal, useTempWorkspaces } from '../testing/temp';
import { parseJsonExact } from './json';
import { parquetSlices } from './parquet';
import { previewImport, runImport } from './pipeline';

const { tmpDir, write, newWorkspace } = useTempWorkspaces('loupe-parquet-');
const T = Date.UTC(2026, 2, 6, 8, 30, 15, 250);

function requestsFile(dir: string, rowGroupSize?: number): string {
  return writeParquet(path.join(dir, 'requests.parquet'), [
    { name: 'request_id', type: 'INT64', data: [9007199254740993n, 2n, 3n, 4n, 5n] },
    { name: 'timestamp', type: 'TIMESTAMP', data: [0, 1, 2, 3, 4].map((k) => new Date(T + k * 1000)) },
    { name: 'model', type: 'STRING', data: ['gpt-4o-mini', 'gpt-4o-mini', null, 'gpt-4o', 'gpt-4o'] },
    { name: 'prompt', type: 'STRING', data: ['Grüße 👋', 'two', 'three', 'four', 'five'] },
    { name: 'response', type: 'STRING', data: ['Hallo', null, 'c', 'd', 'e'] },
    { name: 'latency_ms', type: 'DOUBLE', data: [812.5, 90, null, 1200, 33] },
    { name: 'prompt_tokens', type: 'INT32', data: [10, 20, 30, null, 50] },
    { name: 'completion_tokens', type: 'INT64', data: [1n, 2n, 3n, 4n, null] },
    { name: 'ok', type: 'BOOLEAN', data: [true, false, true, true, true] },
  ], rowGroupSize);
}

describe('Parquet', () => {
  it('imports a requests file with INT64 ids beyond 2^53 exact, timestamps to the ms, nulls and unicode', async () => {
    const ws = await newWorkspace();
    const file = requestsFile(tmpDir(), 2);
    const p = await previewImport(ws, file, {});
    expect(p.format).toBe('parquet');
    expect(p.notes[0]).toMatch(/^format: Parquet \(5 rows in 3 row groups, 9 columns, snappy, written by hyparquet/);
    const s = await runImport(ws, file, {});
    expect(s).toMatchObject({ kind: 'requests', records_read: 5, inserted: 5, rejected: 0 });
    expect(ws.db.get('SELECT id, ts, model, input, output, latency_ms, tokens_in, tokens_out FROM requests WHERE id = ?', ['9007199254740993'])).toEqual({
      id: '9007199254740993', ts: T, model: 'gpt-4o-mini', input: 'Grüße 👋', output: 'Hallo', latency_ms: 812.5, tokens_in: 10, tokens_out: 1,
    });
    expect(ws.db.get("SELECT ts, model, output, latency_ms, tokens_in FROM requests WHERE id = '3'")).toEqual({ ts: T + 2000, model: null, output: 'c', latency_ms: null, tokens_in: 30 });
    expect(JSON.parse(String(ws.db.value("SELECT extra FROM requests WHERE id = '2'")))).toEqual({ ok: false });
    // Re-import: nothing new; the hash was taken in a second pass (Parquet is read by random access).
    expect(await runImport(ws, file, {})).toMatchObject({ inserted: 0, duplicates: 5 });
  });

  it('reads every row once and in order; a row group without an offset index is one slice', async () => {
    const file = requestsFile(tmpDir(), 2);
    const firsts: number[] = [];
    const ids: unknown[] = [];
    for await (const slice of parquetSlices(file, undefined, 1)) {
      firsts.push(slice.firstRow);
      ids.push(...slice.rows.map((r) => r.request_id));
    }
    expect(ids).toEqual(['9007199254740993', 2, 3, 4, 5]);
    // Groups of 2, 2 and 1 rows, each a single page (no offset index): one slice per group, whatever the slice size.
    expect(firsts).toEqual([1, 3, 5]);
  });

  it('a truncated Parquet file is refused with the reason, and the workspace is unchanged', async () => {
    const ws = await newWorkspace();
    const full = fs.readFileSync(requestsFile(tmpDir()));
    const cut = write('cut.parquet', full.subarray(0, Math.floor(full.length * 0.6)));
    const e = await refusal(runImport(ws, cut, {}));
    expect(e.code).toBe('IMPORT_TRUNCATED');
    expect(e.message).toMatch(/^cut\.parquet starts like a Parquet file but its footer cannot be read .*: the file is truncated or corrupt$/);
    expect(ws.db.value('SELECT count(*) FROM imports')).toBe(0);
  });
});

describe('exact JSON integers', () => {
  it('parseJsonExact keeps integers beyond 2^53 as their text, everything else as JSON.parse does', () => {
    expect(parseJsonExact('{"id": 9007199254740993, "n": 12, "x": 0.1, "s": "9007199254740993", "big": -123456789012345678901}'))
      .toEqual({ id: '9007199254740993', n: 12, x: 0.1, s: '9007199254740993', big: '-123456789012345678901' });
    expect(parseJsonExact('{"id": 9007199254740991}')).toEqual({ id: 9007199254740991 });
    expect(() => parseJsonExact('{"id": 90071992547409931,}')).toThrow(/JSON/);
  });

  it('a JSONL id 9007199254740993 and a JSON-array id are stored exactly', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('r.jsonl', '{"request_id": 9007199254740993, "prompt": "a"}\n{"request_id": 9007199254740995, "prompt": "b"}\n'), {});
    await runImport(ws, write('f.json', '[{"feedback_id": 18446744073709551615, "request_id": 9007199254740993, "thumb": "up"}]'), {});
    expect(ws.db.all('SELECT id FROM requests ORDER BY id')).toEqual([{ id: '9007199254740993' }, { id: '9007199254740995' }]);
    expect(ws.db.get('SELECT id, request_id, link_method FROM feedback')).toEqual({ id: '18446744073709551615', request_id: '9007199254740993', link_method: 'explicit' });
  });
});
