import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSqlJs } from '../db';
import { Workspace } from '../workspace';
import { capacityFor, DbImage, pageBytes } from './image';

const fill = (n: number) => `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n}) INSERT INTO t SELECT i, randomblob(1000) FROM c`;

async function seeded(rows: number): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(`PRAGMA journal_mode = MEMORY; CREATE TABLE t (i INTEGER, b BLOB); ${fill(rows)}`);
  const bytes = db.export();
  db.close();
  return bytes;
}

describe('DbImage', () => {
  it('opens over the given buffer without copying it: pages written land in that buffer, and live() is a view of it', async () => {
    const SQL = await loadSqlJs();
    const bytes = await seeded(100);
    const buffer = new Uint8Array(capacityFor(bytes.length));
    buffer.set(bytes);
    const { raw, image } = DbImage.open(SQL, buffer, bytes.length);
    raw.exec(`PRAGMA journal_mode = MEMORY; ${fill(2000)}`);
    const live = image.live(raw)!;
    expect(live).not.toBeNull();
    expect(live.buffer).toBe(buffer.buffer);
    expect(live.length).toBe(pageBytes(raw));
    expect(live.length).toBeGreaterThan(2000 * 1000);
    // The image is a whole database: opened on its own, it holds every row.
    const copy = new SQL.Database(live.slice());
    expect(copy.exec('SELECT count(*), sum(i) FROM t')[0]!.values[0]).toEqual([2100, (100 * 101) / 2 + (2000 * 2001) / 2]);
    copy.close();
    raw.close();
  });

  it('says it is not the live file once MEMFS has moved it (grown past its capacity, truncated by a rollback)', async () => {
    const SQL = await loadSqlJs();
    const bytes = await seeded(10);
    // Grown past the capacity: MEMFS allocates new storage.
    let buffer = new Uint8Array(bytes.length + 65536);
    buffer.set(bytes);
    let o = DbImage.open(SQL, buffer, bytes.length);
    o.raw.exec(`PRAGMA journal_mode = MEMORY; ${fill(1000)}`);
    expect(o.image.live(o.raw)).toBeNull();
    o.raw.close();
    // Grown within the capacity, then rolled back: the truncation replaces the storage too.
    buffer = new Uint8Array(capacityFor(bytes.length, 8 * 1024 * 1024));
    buffer.set(bytes);
    o = DbImage.open(SQL, buffer, bytes.length);
    o.raw.exec(`PRAGMA journal_mode = MEMORY; BEGIN; ${fill(2000)}; ROLLBACK`);
    expect(o.image.live(o.raw)).toBeNull();
    expect(o.raw.exec('SELECT count(*) FROM t')[0]!.values[0]).toEqual([10]);
    o.raw.close();
  });
});

describe('Workspace saves from the adopted image', () => {
  it('saves the right bytes after a rolled-back bulk change moved the image, then adopts the export again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-image-'));
    const file = path.join(dir, 'w.sqlite');
    const ws = await Workspace.open(file, { create: true });
    await ws.bulk(async (db) => { db.exec('CREATE TABLE t (i INTEGER, b BLOB)'); db.exec(fill(500)); });
    await expect(ws.bulk(async (db) => { db.exec(fill(20_000)); throw new Error('refused'); })).rejects.toThrow('refused');
    await ws.bulk(async (db) => { db.exec('INSERT INTO t VALUES (-1, NULL)'); });
    ws.close();
    const again = await Workspace.open(file);
    expect(again.db.get('SELECT count(*) AS n, min(i) AS lo FROM t')).toEqual({ n: 501, lo: -1 });
    expect(again.db.value('PRAGMA integrity_check')).toBe('ok');
    again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
