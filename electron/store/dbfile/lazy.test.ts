import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSqlJs } from '../db';
import { writeFileAtomic, Workspace } from '../workspace';
import { capacityFor, DbImage } from './image';
import { LAZY_CHUNK, LazyImage } from './lazy';

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-lazy-')); dirs.push(d); return d; };
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

/** A database file of about 12 MB: table t (i, b) with 12,000 rows of 1,000 random bytes, and an index on i. */
async function seededFile(rows = 12000): Promise<{ file: string; sum: string }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.exec(`PRAGMA journal_mode = MEMORY; CREATE TABLE t (i INTEGER, b BLOB);
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows}) INSERT INTO t SELECT i, randomblob(1000) FROM c;
    CREATE INDEX t_i ON t (i);`);
  const file = path.join(tmp(), 'w.sqlite');
  fs.writeFileSync(file, db.export());
  const sum = digest(db);
  db.close();
  return { file, sum };
}

/** A digest of every row of t, in order. */
function digest(db: { exec(sql: string): Array<{ values: unknown[][] }> }): string {
  const h = crypto.createHash('sha256');
  for (const [i, b] of db.exec('SELECT i, b FROM t ORDER BY i')[0]!.values) h.update(String(i)).update(b as Uint8Array);
  return h.digest('hex');
}

describe('LazyImage', () => {
  it('reads only the chunks a query reaches, and a full read then gives every row as written', async () => {
    const { file, sum } = await seededFile();
    const SQL = await loadSqlJs();
    const { image, size } = LazyImage.open(file, (n) => capacityFor(n));
    const chunks = Math.ceil(size / LAZY_CHUNK);
    expect(chunks).toBeGreaterThan(10);
    expect(image.unreadChunks).toBe(chunks - 1);
    const { raw, image: adopted } = DbImage.open(SQL, image, size);
    expect(adopted.pending).toBe(true);
    // One row by the index: a few pages (and the read-ahead of a page that follows one read), not the 12 MB file.
    expect(raw.exec('SELECT length(b) FROM t WHERE i = 6000')[0]!.values[0]).toEqual([1000]);
    expect(chunks - image.unreadChunks).toBeLessThan(256);
    expect(digest(raw)).toBe(sum);
    expect(image.unreadChunks).toBe(0);
    raw.close();
  });

  it('keeps the rest of a chunk written before it was read, and saves the whole file (a write, then a save of a half-read file)', async () => {
    const { file } = await seededFile();
    const ws = await Workspace.open(file, { lock: false });
    // An UPDATE in the middle of the file writes pages of chunks nobody has read yet.
    ws.db.run('UPDATE t SET b = zeroblob(10) WHERE i BETWEEN 5000 AND 5010');
    const expected = digest(ws.db.raw);
    ws.checkpoint();
    ws.close();
    const SQL = await loadSqlJs();
    const back = new SQL.Database(fs.readFileSync(file));
    expect(digest(back)).toBe(expected);
    expect(back.exec('SELECT count(*), sum(length(b)) FROM t')[0]!.values[0]).toEqual([12000, 11989 * 1000 + 11 * 10]);
    back.close();
  });

  it('reads the file as it was opened even after a save renamed another file over its path', async () => {
    const { file, sum } = await seededFile();
    const ws = await Workspace.open(file, { readOnly: true });
    expect(ws.db.value('SELECT count(*) FROM t WHERE i = 3')).toBe(1);
    // Another process saves (temp file, rename): a different database now lies at the path.
    const SQL = await loadSqlJs();
    const other = new SQL.Database();
    other.exec('CREATE TABLE t (i INTEGER, b BLOB); INSERT INTO t VALUES (1, x\'00\')');
    writeFileAtomic(file, other.export());
    other.close();
    expect(digest(ws.db.raw)).toBe(sum);
    ws.close();
  });

  it('stops reading, and never saves, once another program wrote the open file in place (no mix of two files)', async () => {
    const { file } = await seededFile();
    // Opened once to become a workspace (its migrations are saved), then again: now read on demand.
    (await Workspace.open(file, { lock: false })).close();
    const ws = await Workspace.open(file, { lock: false });
    expect((ws as unknown as { image: DbImage }).image.pending).toBe(true);
    ws.db.run("UPDATE t SET b = x'01' WHERE i = 3");
    // Another program writes another database through the same inode (as `cp` over it or a restore does).
    const { file: otherFile, sum: otherSum } = await seededFile(13000);
    const otherBytes = fs.readFileSync(otherFile);
    fs.writeFileSync(file, otherBytes);
    const code = (fn: () => unknown) => { try { fn(); return null; } catch (e) { return (e as { code?: string }).code ?? String(e); } };
    expect(code(() => digest(ws.db.raw))).toBe('WORKSPACE_CHANGED_ON_DISK');
    // The workspace says so (the store then refuses every call but open and close), and the save (which reads the
    // rest first) refuses the same way; the other program's file stays.
    expect((ws.changedOnDisk as { code?: string } | null)?.code).toBe('WORKSPACE_CHANGED_ON_DISK');
    expect(code(() => ws.checkpoint())).toBe('WORKSPACE_CHANGED_ON_DISK');
    ws.close();
    expect(fs.readFileSync(file).equals(otherBytes)).toBe(true);
    const SQL = await loadSqlJs();
    const back = new SQL.Database(fs.readFileSync(file));
    expect(digest(back)).toBe(otherSum);
    back.close();
  });

  it('reads the background steps from the end of the file backwards (indexes and summaries lie behind the rows), skipping chunks already read', async () => {
    const { file, sum } = await seededFile();
    const SQL = await loadSqlJs();
    const { image, size } = LazyImage.open(file, (n) => capacityFor(n));
    const chunks = Math.ceil(size / LAZY_CHUNK);
    const loaded = () => (image as unknown as { loaded: Uint8Array }).loaded;
    expect(image.loadSome(8 * LAZY_CHUNK)).toBe(true);
    expect([...loaded().subarray(chunks - 8)].every((x) => x === 1)).toBe(true);
    expect(loaded()[chunks - 9]).toBe(0);
    expect(image.unreadChunks).toBe(chunks - 1 - 8);
    // A chunk read on demand in the way is skipped: the next step reads the 8 unread ones below the cursor.
    image.ensure((chunks - 12) * LAZY_CHUNK, (chunks - 11) * LAZY_CHUNK);
    const left = image.unreadChunks;
    image.loadSome(8 * LAZY_CHUNK);
    expect(image.unreadChunks).toBe(left - 8);
    expect([...loaded().subarray(chunks - 17)].every((x) => x === 1)).toBe(true);
    expect(loaded()[chunks - 18]).toBe(0);
    while (image.loadSome(1 << 20));
    expect(image.unreadChunks).toBe(0);
    const { raw } = DbImage.open(SQL, image, size);
    expect(digest(raw)).toBe(sum);
    raw.close();
  });

  it('loads the rest in the background once opened by the store, and stops when the workspace closes', async () => {
    const { file, sum } = await seededFile();
    const ws = await Workspace.open(file, { lock: false });
    ws.loadInBackground(0);
    const until = Date.now() + 10_000;
    while ((ws as unknown as { image: DbImage }).image.pending && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect((ws as unknown as { image: DbImage }).image.pending).toBe(false);
    expect(digest(ws.db.raw)).toBe(sum);
    ws.close();
    // While calls keep coming (one every 20 ms), it waits; once they stop, it reads the rest.
    const busy = await Workspace.open(file, { lock: false });
    const unread = () => ((busy as unknown as { image: { buffer: LazyImage } }).image.buffer).unreadChunks;
    const before = unread();
    busy.loadInBackground(0);
    for (let i = 0; i < 20; i++) { busy.noteActivity(); await new Promise((r) => setTimeout(r, 20)); }
    expect(unread()).toBe(before);
    const end = Date.now() + 10_000;
    while (unread() > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(unread()).toBe(0);
    expect(digest(busy.db.raw)).toBe(sum);
    busy.close();
    const again = await Workspace.open(file, { lock: false });
    again.loadInBackground(0);
    again.close();
    await new Promise((r) => setTimeout(r, 20));
  });
});
