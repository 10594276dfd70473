/**
 * An import's summary cells built as it stores its rows (summaries/stream.ts) against the same import reading its
 * rows back (LOUPE_SUMMARY_STREAM=0): every stored cell, day cell, slice and state byte for byte, over sequences of
 * imports that use the stream (new rows, into an empty and a populated workspace, through the reading thread, undated
 * rows, errors without a status) and that must not (a repeated id, an update of stored rows, values SQLite converts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db';
import { Workspace } from '../workspace';
import { runImport, type RunImportHooks } from '../import/pipeline';
import { COLUMNS } from '../import/packed';
import type { StreamedCells } from './build';
import { CellBuilder, SummaryStream, toWire, type WireCells } from './stream';

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-stream-')); dirs.push(d); return d; };
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });
afterEach(() => { delete process.env.LOUPE_SUMMARY_STREAM; vi.restoreAllMocks(); });

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 16, 5);

/** Every summary row (blobs as hex), the slices and the state. */
function snapshot(db: Db): unknown {
  return {
    cells: db.all('SELECT *, hex(latency_ms) l, hex(tokens_in) ti, hex(tokens_out) t, hex(cost_usd) c, hex(input_chars) i, hex(output_chars) o FROM request_summaries ORDER BY hour, slice_id'),
    days: db.all('SELECT *, hex(latency_ms) l, hex(tokens_in) ti, hex(tokens_out) t, hex(cost_usd) c, hex(input_chars) i, hex(output_chars) o FROM request_summaries_day ORDER BY day, slice_id'),
    slices: db.all('SELECT * FROM summary_slices ORDER BY id'),
    state: db.all('SELECT * FROM summary_state'),
    dirty: db.all('SELECT * FROM summary_dirty_hours'),
  };
}

/** Requests `from`..`from + n - 1` over `hours` hours: six slice columns, nulls, undated rows, errors without status. */
function lines(n: number, from: number, hours: number, over: (o: Record<string, unknown>, i: number) => void = () => undefined): string {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const o: Record<string, unknown> = {
      request_id: `r${i}`,
      timestamp: i % 97 === 5 ? null : new Date(T0 + (i % hours) * H + 997 * i).toISOString(),
      feature: ['chat', 'search', 'summarise'][i % 3], model: i % 5 ? 'gpt-4o-mini' : 'claude-3-5-haiku', model_version: i % 4 ? '2026-07' : null,
      segment: i % 2 ? 'free' : 'pro', region: i % 7 ? 'eu' : null, lang: ['en', 'de', 'fr', null][i % 4],
      latency_ms: i % 13 === 0 ? null : 80 + ((i * 7919) % 4000) + (i % 3) / 7, prompt_tokens: 10 + (i % 300), completion_tokens: i % 17 ? 5 + (i % 90) : null,
      cost_usd: i % 19 ? 0.00001 * (1 + (i % 23)) : null, input: 'q'.repeat(i % 40), output: i % 29 ? 'a'.repeat(i % 300) : null,
      status: i % 11 === 0 ? 'error' : i % 31 === 0 ? null : 'ok', error: i % 31 === 0 ? 'timeout' : null,
    };
    over(o, i);
    return JSON.stringify(o);
  }).join('\n') + '\n';
}

/**
 * Imports the files in turn into two new workspaces, with the stream and reading rows back, and returns both
 * snapshots and whether the stream's cells were used for each import.
 */
async function both(files: Array<[name: string, text: string]>, hooks: RunImportHooks = {}): Promise<{ streamed: unknown; readBack: unknown; used: boolean[] }> {
  const dir = tmp();
  for (const [name, text] of files) fs.writeFileSync(path.join(dir, name), text);
  const out: unknown[] = [];
  const used: boolean[] = [];
  for (const mode of ['stream', 'read-back'] as const) {
    if (mode === 'read-back') process.env.LOUPE_SUMMARY_STREAM = '0';
    const spy = vi.spyOn(SummaryStream.prototype, 'result');
    const ws = await Workspace.open(path.join(dir, `${mode}.sqlite`), { create: true });
    try {
      for (const [name] of files) {
        spy.mockClear();
        await runImport(ws, path.join(dir, name), {}, hooks);
        if (mode === 'stream') used.push(spy.mock.results.some((r) => r.value !== null));
      }
      out.push(snapshot(ws.db));
    } finally {
      ws.close();
      spy.mockRestore();
    }
  }
  return { streamed: out[0], readBack: out[1], used };
}

describe('summary cells built while importing', () => {
  it('equal the cells read back from the rows: into an empty and a populated workspace', async () => {
    const r = await both([['a.jsonl', lines(3000, 0, 60)], ['b.jsonl', lines(2000, 3000, 90)]]);
    expect(r.used).toEqual([true, true]);
    expect(r.streamed).toEqual(r.readBack);
    const cells = (r.streamed as { cells: Array<{ n: number }> }).cells;
    // undated rows (every 97th) are in no cell
    expect(cells.reduce((s, c) => s + c.n, 0)).toBe(5000 - Array.from({ length: 5000 }, (_, i) => i).filter((i) => i % 97 === 5).length);
  }, 60_000);

  it('equal them through the reading thread (packed batches)', async () => {
    const r = await both([['big.jsonl', lines(12_000, 0, 200, (o, i) => { o.input = `${'x'.repeat(300)}${i}`; })]], { readerThread: true });
    expect(r.used).toEqual([true]);
    expect(r.streamed).toEqual(r.readBack);
  }, 120_000);

  it('built on the reading thread, equal them into a populated workspace, and give way where a row is not stored as new', async () => {
    // a: new rows (the reading thread's cells used); b: overlaps a (rows 900-999 unchanged: cells not used);
    // c: new rows and one the mapping rejects (never stored, never in the cells); d: new again
    const refused = lines(300, 2000, 20) + JSON.stringify({ request_id: 'bad', timestamp: new Date(T0).toISOString(), latency_ms: 'fast?', status: 'ok' }) + '\n';
    const r = await both([
      ['a.jsonl', lines(1000, 0, 40)],
      ['b.jsonl', lines(300, 900, 40)],
      ['c.jsonl', refused],
      ['d.jsonl', lines(500, 3000, 50)],
    ], { readerThread: true });
    expect(r.used).toEqual([true, false, true, true]);
    expect(r.streamed).toEqual(r.readBack);
  }, 120_000);

  it('built on the reading thread, equal them with numeric statuses', async () => {
    const r = await both([['a.jsonl', lines(400, 0, 20, (o, i) => { o.status = i % 3 ? 200 : 500; })]], { readerThread: true });
    expect(r.streamed).toEqual(r.readBack);
  }, 60_000);

  it('are not used when the file repeats an id or updates stored rows, and the summaries are the same', async () => {
    const repeat = lines(500, 0, 20) + lines(1, 7, 20, (o) => { o.latency_ms = 99_999; });
    const update = lines(300, 100, 20, (o) => { o.latency_ms = 5; }) + lines(300, 500, 20);
    const r = await both([['a.jsonl', repeat], ['b.jsonl', update], ['c.jsonl', lines(200, 800, 30)]]);
    expect(r.used).toEqual([false, false, true]);
    expect(r.streamed).toEqual(r.readBack);
  }, 60_000);

  it('are not used when a value would be stored converted, and the summaries are the same', async () => {
    // A numeric status is stored as text by the STRICT table: the stream stops rather than key the cell by a number.
    const r = await both([['a.jsonl', lines(400, 0, 20, (o, i) => { o.status = i % 3 ? 200 : 500; })]]);
    expect(r.streamed).toEqual(r.readBack);
  }, 60_000);
});

describe('the cells of rows built on another thread', () => {
  const row = (id: string, over: Partial<Record<string, string | number | boolean | null>> = {}): Array<string | number | boolean | null> => {
    const o: Record<string, string | number | boolean | null> = { id, ts: T0 + 5, feature: 'chat', model: 'm', latency_ms: 120, tokens_in: 10, status: 'ok', is_error: 0, ...over };
    return COLUMNS.requests.map((c) => o[c] ?? null);
  };
  const insert = (db: Db, vals: Array<string | number | boolean | null>) => {
    db.run(`INSERT INTO requests (${COLUMNS.requests.join(', ')}) VALUES (${COLUMNS.requests.map(() => '?').join(', ')})`, vals.map((v) => (typeof v === 'boolean' ? Number(v) : v)));
  };

  it('a value SQLite would convert breaks the builder: no cells', () => {
    const b = new CellBuilder(COLUMNS.requests);
    b.add(row('a'));
    expect(b.cells.size).toBe(1);
    b.add(row('b', { model: 7 }));
    expect(b.broken).toBe(true);
    expect(b.cells.size).toBe(0);
    expect(toWire(b)).toBeNull();
    const c = new CellBuilder(COLUMNS.requests);
    c.add(row('c', { latency_ms: '120' }));
    expect(c.broken).toBe(true);
  });

  it('are taken only for exactly the rows stored as new, and write the bytes the store thread would', async () => {
    const ws = await Workspace.open(path.join(tmp(), 'w.sqlite'), { create: true });
    try {
      const db = ws.db;
      const rows = [row('a'), row('b', { latency_ms: 300, is_error: true, status: null }), row('c', { ts: null })];
      const b = new CellBuilder(COLUMNS.requests);
      for (const r of rows) b.add(r);
      const wire = toWire(b)!;
      expect(wire.rows).toBe(3);
      expect([...b.cells.values()].map((c) => [c.n, c.errors, c.statusN])).toEqual([[2, 1, 2]]);
      const run = (how: (s: SummaryStream) => void, w: WireCells | null = wire) => db.tx(() => {
        const s = new SummaryStream(db, COLUMNS.requests);
        for (const r of rows) insert(db, r);
        how(s);
        s.endBatch(db);
        const out = s.result(w);
        throw Object.assign(new Error('undo'), { out });
      });
      const outOf = (how: (s: SummaryStream) => void, w?: WireCells | null) => {
        try { run(how, w); } catch (e) { return (e as { out: StreamedCells | null }).out; }
        return undefined;
      };
      const all = outOf((s) => rows.forEach(() => s.storedElsewhere(true)))!;
      expect(all.from).toBe(0);
      expect(all.to).toBe(3);
      const cell = [...all.cells.values()][0]!;
      const local = [...b.cells.values()][0]!;
      expect({ ...cell, dists: null }).toEqual({ ...local, dists: null });
      // the encoded distributions come back as the same bytes without being decoded
      expect(cell.dists.map((d) => d.encode())).toEqual(local.dists.map((d) => d.encode()));
      expect(cell.dists[0]!.quantile(0.5)).toBe(210);
      // one row not stored as new, a row count that differs from the thread's, no cells from the thread, rowid growth off
      expect(outOf((s) => { s.storedElsewhere(true); s.storedElsewhere(false); s.storedElsewhere(true); })).toBeNull();
      expect(outOf((s) => rows.forEach(() => s.storedElsewhere(true)), { ...wire, rows: 2 })).toBeNull();
      expect(outOf((s) => rows.forEach(() => s.storedElsewhere(true)), null)).toBeNull();
      expect(outOf((s) => { s.storedElsewhere(true); s.storedElsewhere(true); })).toBeNull();
    } finally {
      ws.close();
    }
  });
});
