/**
 * Pages faulted in on another thread (dbfile/prefault.ts): the bytes already there never change, the range is
 * clamped to the buffer, and a database adopted over the shared buffer (Workspace.reserve with pages to touch) writes,
 * saves and reopens as any other.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../workspace';
import { touchPagesElsewhere } from './prefault';

const dirs: string[] = [];
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

describe('touchPagesElsewhere', () => {
  it('leaves every byte as it was, those written while it runs too', async () => {
    const shared = new SharedArrayBuffer(32 * 1024 * 1024);
    const a = new Uint8Array(shared);
    for (let i = 0; i < a.length; i += 997) a[i] = (i % 251) + 1;
    const t = touchPagesElsewhere(shared, 3000, 1e12);
    // written on this thread while the other touches the same pages
    for (let i = 1; i < a.length; i += 4093) a[i] = 7;
    await t.done;
    let wrong = 0;
    for (let i = 0; i < a.length; i++) {
      const want = i % 4093 === 1 ? 7 : i % 997 === 0 ? (i % 251) + 1 : 0;
      if (a[i] !== want) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('does nothing for an empty range', async () => {
    const t = touchPagesElsewhere(new SharedArrayBuffer(8192), 8192, 4096);
    await expect(t.done).resolves.toBeUndefined();
  });
});

describe('a workspace reserved with pages to touch', () => {
  it('stores, saves and reopens its rows from the shared image', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-touch-'));
    dirs.push(dir);
    const file = path.join(dir, 'w.sqlite');
    const ws = await Workspace.open(file, { create: true });
    try {
      ws.reserve(300 * 1024 * 1024, 200 * 1024 * 1024);
      ws.db.tx(() => {
        ws.db.run(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)
          INSERT INTO requests (id, ts, latency_ms, output) SELECT 'r' || i, 1700000000000 + i, i * 0.5, hex(randomblob(400)) FROM c`);
      });
      ws.checkpoint();
    } finally {
      ws.close();
    }
    const again = await Workspace.open(file);
    try {
      expect(again.db.get('SELECT count(*) AS n, sum(latency_ms) AS s, sum(length(output)) AS len FROM requests')).toEqual({ n: 20000, s: (20000 * 20001) / 4, len: 20000 * 800 });
    } finally {
      again.close();
    }
  }, 60_000);
});
