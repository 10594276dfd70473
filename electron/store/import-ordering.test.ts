/**
 * Reviews never share an import's fate: decisions made while an import runs survive its failure, its cancellation
 * and its success, keep their ids, are never handed out twice, and are found again after kill -9 at every point of
 * the import and its save. A refused save (a full disk) leaves the workspace as it was, decisions included.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LoupeError } from '../../shared/errors';
import { StoreService } from './handlers';
import { journalPath, readJournal } from './journal';
import { clearTestHooks, setTestHook } from './test-hooks';
import { buildFixture, runChild } from './testing/child';
import { useTempWorkspaces } from './testing/temp';
import { saveIo, Workspace } from './workspace';
import { insertSynthetic } from './review/test-fixtures';

const { tmpDir } = useTempWorkspaces('loupe-order-');
const services: StoreService[] = [];
afterEach(() => {
  clearTestHooks();
  saveIo.write = (fd, data, off, len) => fs.writeSync(fd, data, off, len);
  while (services.length) services.pop()!.close();
});

const BASE_REQUESTS = 400;

/** A workspace with 400 requests, a reviewer and a 120-item queue (id 1), saved. */
async function prepare(dir: string): Promise<string> {
  const file = path.join(dir, 'w.sqlite');
  const ws = await Workspace.open(file, { create: true });
  insertSynthetic(ws.db, { n: BASE_REQUESTS, seed: 4 });
  ws.checkpoint();
  ws.close();
  const svc = new StoreService(() => undefined, { checkpointIdleMs: 3_600_000 });
  await svc.dispatch('internal.open', { path: file });
  await svc.dispatch('review.setReviewer', { name: 'Ada' });
  await svc.dispatch('queues.create', { week: '2026-W47', size: 120, seed: 1 });
  svc.close();
  return file;
}

/** A JSONL file of `n` new requests (several batches of 2,000). */
function requestsFile(dir: string, n: number, name = 'new.jsonl'): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ id: `imp-${i}`, ts: '2026-11-18T10:00:00Z', model: 'gpt-test', input: `q ${i}`, output: `a ${i}` }));
  const f = path.join(dir, name);
  fs.writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

/** The same requests gzipped and cut short: the reader fails with IMPORT_TRUNCATED after all but the last batch. */
function truncatedGzip(dir: string, n: number): string {
  const gz = zlib.gzipSync(fs.readFileSync(requestsFile(dir, n, 'src.jsonl')));
  const f = path.join(dir, 'cut.jsonl.gz');
  fs.writeFileSync(f, gz.subarray(0, gz.length - 64));
  return f;
}

interface Decision { id: number; position: number; undone: boolean }

/** Opens a copy of what is on disk now (file + journal), as a kill -9 would leave it, and reads its reviews. */
async function reopenCopy(file: string, dir: string): Promise<{ requests: number; reviews: Array<{ id: number; position: number; undone: number; note: string }> }> {
  const copy = path.join(dir, `copy-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite`);
  fs.copyFileSync(file, copy);
  if (fs.existsSync(journalPath(file))) fs.copyFileSync(journalPath(file), journalPath(copy));
  const ws = await Workspace.open(copy, {});
  try {
    return {
      requests: ws.db.value<number>('SELECT count(*) FROM requests')!,
      reviews: ws.db.all<{ id: number; position: number; undone: number; note: string }>(
        'SELECT v.id, qi.position, v.undone, v.note FROM reviews v JOIN queue_items qi ON qi.queue_id = v.queue_id AND qi.request_id = v.request_id ORDER BY v.id'),
    };
  } finally {
    ws.close();
  }
}

describe('decisions made while an import runs', () => {
  for (const outcome of ['fails', 'is cancelled', 'succeeds', 'cannot be saved (disk full)'] as const) {
    it(`are all kept, with their ids, when the import ${outcome}`, async () => {
      const dir = tmpDir();
      const file = await prepare(dir);
      let jobId = '';
      const svc = new StoreService((event, payload) => {
        if (event === 'import.progress') jobId = (payload as { job_id: string }).job_id;
      }, { checkpointIdleMs: 3_600_000 });
      services.push(svc);
      await svc.dispatch('internal.open', { path: file });
      const importFile = outcome === 'fails' ? truncatedGzip(dir, 30000) : requestsFile(dir, 9000);
      const made: Decision[] = [];
      let position = 1;
      let batch = 0;
      let tagId = 0;
      setTestHook('import.batch', async () => {
        batch++;
        for (let i = 0; i < 4; i++) {
          const r = await svc.dispatch('review.submit', { queue_id: 1, position, verdicts: { correct: 'pass', safe: 'pass', helpful: 3 }, note: `n${position}` });
          made.push({ id: r.review_id, position, undone: false });
          position++;
        }
        if (batch === 2) {
          // An undo and a new tag inside the import's transaction, too.
          const u = await svc.dispatch('review.undo', {});
          made.find((d) => d.id === u.undone!.review_id)!.undone = true;
          tagId = (await svc.dispatch('tags.create', { name: 'during-import' })).id;
          // Drawing a queue would sample the import's own rows: refused while it runs.
          await expect(svc.dispatch('queues.create', { week: '2026-W47', size: 5, seed: 9 })).rejects.toMatchObject({ code: 'IMPORT_BUSY' });
        }
        if (outcome === 'is cancelled' && batch === 3) await svc.dispatch('import.cancel', { job_id: jobId });
        if (outcome === 'cannot be saved (disk full)' && batch === 4) {
          saveIo.write = () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); };
        }
      });
      const outcomeErr = await svc.dispatch('internal.importFileWait', { path: importFile, options: {} }).then(() => null, (e: unknown) => e as LoupeError);
      const expectCode = { fails: 'IMPORT_TRUNCATED', 'is cancelled': 'IMPORT_CANCELLED', succeeds: null, 'cannot be saved (disk full)': 'DISK_FULL' }[outcome];
      expect(outcomeErr === null ? null : outcomeErr.code).toBe(expectCode);
      expect(made.length).toBeGreaterThanOrEqual(outcome === 'is cancelled' ? 12 : 16);
      saveIo.write = (fd, data, off, len) => fs.writeSync(fd, data, off, len);

      // In memory: every decision, with the id it was confirmed with, exactly once; the tag too.
      const ws = svc.workspace;
      const rows = ws.db.all<{ id: number; undone: number }>('SELECT id, undone FROM reviews ORDER BY id');
      expect(rows).toEqual(made.map((d) => ({ id: d.id, undone: d.undone ? 1 : 0 })).sort((a, b) => a.id - b.id));
      expect(ws.db.value('SELECT name FROM tags WHERE id = ?', [tagId])).toBe('during-import');
      expect(ws.db.value<number>('SELECT count(*) FROM requests')).toBe(outcome === 'succeeds' ? BASE_REQUESTS + 9000 : BASE_REQUESTS);
      // A decision after the import gets a new id, never one handed out before.
      const after = await svc.dispatch('review.submit', { queue_id: 1, position, verdicts: { correct: 'fail', safe: 'pass', helpful: 2 }, note: 'after' });
      expect(after.review_id).toBeGreaterThan(Math.max(...made.map((d) => d.id)));
      made.push({ id: after.review_id, position, undone: false });
      // The journal holds no seq twice and no review id twice.
      const entries = readJournal(journalPath(ws.target)).lines.filter((l) => l.kind === 'entry');
      const seqs = entries.map((l) => (l.kind === 'entry' ? l.entry.seq : 0));
      expect(new Set(seqs).size).toBe(seqs.length);

      // On disk, as a kill -9 now would leave it: every decision again.
      const back = await reopenCopy(file, dir);
      expect(back.reviews.map((r) => ({ id: r.id, undone: r.undone === 1 }))).toEqual(made.map((d) => ({ id: d.id, undone: d.undone })).sort((a, b) => a.id - b.id));
      expect(back.requests).toBe(outcome === 'succeeds' ? BASE_REQUESTS + 9000 : BASE_REQUESTS);
    });
  }
});

describe('kill -9 at every point of an import with reviews running', () => {
  let child: { file: string; cleanup: () => void };
  beforeAll(async () => { child = await buildFixture('import-child.ts'); });
  afterAll(() => child.cleanup());

  const points: Array<{ at: string; file: 'ok' | 'cut'; mode?: 'cancel'; imported: boolean | null }> = [
    { at: 'import.batch:3', file: 'ok', imported: false },
    { at: 'import.linking', file: 'ok', imported: false },
    { at: 'bulk.committed', file: 'ok', imported: false },
    { at: 'save.tempWritten', file: 'ok', imported: false },
    { at: 'save.renamed', file: 'ok', imported: true },
    { at: 'bulk.rolledBack', file: 'cut', imported: false },
    { at: 'bulk.rolledBack', file: 'ok', mode: 'cancel', imported: false },
    { at: 'journal.written:7', file: 'ok', imported: false },
    { at: 'none', file: 'cut', imported: false },
  ];
  for (const p of points) {
    it(`finds every confirmed decision after a kill at ${p.at} (${p.file === 'cut' ? 'failing' : p.mode === 'cancel' ? 'cancelled' : 'succeeding'} import)`, async () => {
      const dir = tmpDir();
      const file = await prepare(dir);
      const importFile = p.file === 'cut' ? truncatedGzip(dir, 30000) : requestsFile(dir, 9000);
      const kid = runChild(child.file, [file, importFile, '1', '1', p.mode ?? ''], p.at === 'none' ? {} : { LOUPE_TEST_KILL_AT: p.at });
      const end = await kid.exited;
      if (p.at === 'none') expect(end.code, kid.stderr.join('')).toBe(0);
      else expect(end.signal, kid.stderr.join('')).toBe('SIGKILL');
      const confirmed = kid.lines.filter((l) => l.startsWith('confirmed ')).map((l) => Number(l.split(' ')[1]));
      if (p.at !== 'import.batch:3' && p.at !== 'journal.written:7') expect(confirmed.length).toBeGreaterThan(0);
      const ws = await Workspace.open(file, {});
      try {
        const ids = ws.db.all<{ id: number }>('SELECT id FROM reviews').map((r) => r.id);
        for (const id of confirmed) expect(ids).toContain(id);
        expect(new Set(ids).size).toBe(ids.length);
        const requests = ws.db.value<number>('SELECT count(*) FROM requests');
        expect(requests).toBe(p.imported ? BASE_REQUESTS + 9000 : BASE_REQUESTS);
      } finally {
        ws.close();
      }
    }, 60_000);
  }
});
