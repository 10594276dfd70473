import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoupeError } from '../../shared/errors';
import { Db, loadSqlJs } from './db';
import { LATEST_VERSION, migrate, type Migration } from './migrations';
import { journalPath, readFileChunked, Workspace, writeFileAtomic } from './workspace';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-ws-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof LoupeError ? e.code : String(e);
  }
}

describe('workspace file', () => {
  it('creates a plain SQLite 3 file with the latest schema, UTC zone and the price table', async () => {
    const f = path.join(tmp(), 'w.sqlite');
    const ws = await Workspace.open(f, { create: true });
    ws.close();
    const head = fs.readFileSync(f).subarray(0, 16).toString('latin1');
    expect(head).toBe('SQLite format 3\u0000');
    const ws2 = await Workspace.open(f);
    expect(ws2.schemaVersion).toBe(LATEST_VERSION);
    expect(ws2.meta('time_zone')).toBe('UTC');
    expect(ws2.db.value<number>('SELECT count(*) FROM prices')).toBeGreaterThan(3);
    ws2.close();
  });

  it('refuses a missing file unless asked to create it', async () => {
    expect(await code(Workspace.open(path.join(tmp(), 'nope.sqlite')))).toBe('WORKSPACE_MISSING');
  });

  it('refuses a file that is not SQLite, naming it, and leaves it untouched', async () => {
    const f = path.join(tmp(), 'garbage.sqlite');
    fs.writeFileSync(f, 'this is not a database, just some text that is long enough');
    const before = fs.readFileSync(f);
    const err = await Workspace.open(f).catch((e: unknown) => e as LoupeError);
    expect(err).toBeInstanceOf(LoupeError);
    expect((err as LoupeError).code).toBe('WORKSPACE_CORRUPT');
    expect((err as LoupeError).message).toContain('garbage.sqlite');
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });

  it('refuses a workspace written by a newer Loupe', async () => {
    const f = path.join(tmp(), 'new.sqlite');
    const ws = await Workspace.open(f, { create: true });
    ws.db.exec(`PRAGMA user_version = ${LATEST_VERSION + 1}`);
    ws.checkpoint();
    ws.close();
    const err = await Workspace.open(f).catch((e: unknown) => e as LoupeError);
    expect((err as LoupeError).code).toBe('WORKSPACE_TOO_NEW');
    expect((err as LoupeError).message).toMatch(new RegExp(`schema ${LATEST_VERSION + 1}`));
  });

  it('refuses a second writer while the first process holds the lock, and takes over a stale lock', async () => {
    const f = path.join(tmp(), 'w.sqlite');
    const ws = await Workspace.open(f, { create: true });
    // Same process: the lock records our pid, so simulate another live process with pid 1 (init, always alive).
    ws.close();
    fs.writeFileSync(`${f}.loupe-lock`, '1');
    expect(await code(Workspace.open(f))).toBe('CONFLICT');
    fs.writeFileSync(`${f}.loupe-lock`, '999999999');
    const again = await Workspace.open(f);
    again.close();
  });

  it('opens to read only beside a live writer: journal replayed in memory, nothing written, writes refused', async () => {
    const f = path.join(tmp(), 'w.sqlite');
    const ws = await Workspace.open(f, { create: true });
    ws.commit([["INSERT INTO meta (key, value) VALUES ('reviewer', 'Ada')", null]]);
    ws.db.close(); // the writer still has it open: its journal is not checkpointed
    fs.writeFileSync(`${f}.loupe-lock`, '1'); // another live process (pid 1) holds the lock
    const files = [f, journalPath(f), `${f}.loupe-lock`];
    const before = files.map((x) => fs.readFileSync(x));
    const ro = await Workspace.open(f, { readOnly: true });
    expect(ro.meta('reviewer')).toBe('Ada');
    expect(await code((async () => ro.commit([["INSERT INTO meta (key, value) VALUES ('x', '1')", null]]))())).toBe('CONFLICT');
    expect(() => ro.checkpoint()).toThrow(/open to read only/);
    ro.close();
    expect(files.map((x) => fs.readFileSync(x).equals(before[files.indexOf(x)]!))).toEqual([true, true, true]);
    expect(fs.readdirSync(path.dirname(f)).sort()).toEqual(['w.sqlite', 'w.sqlite.loupe-journal', 'w.sqlite.loupe-lock']);
    expect(await code(Workspace.open(path.join(path.dirname(f), 'new.sqlite'), { readOnly: true, create: true }))).toBe('BAD_REQUEST');
  });

  it('makes a journaled commit durable without saving the file, and replays it on open', async () => {
    const f = path.join(tmp(), 'w.sqlite');
    const ws = await Workspace.open(f, { create: true });
    const sizeBefore = fs.statSync(f).mtimeMs;
    ws.commit([["INSERT INTO meta (key, value) VALUES ('reviewer', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", ['Ada']]]);
    expect(fs.statSync(f).mtimeMs).toBe(sizeBefore); // the file was not rewritten
    expect(fs.readFileSync(journalPath(f), 'utf8')).toContain('Ada');
    // Drop the in-memory copy without a checkpoint, as a crash would.
    ws.db.close();
    fs.rmSync(`${f}.loupe-lock`);
    const ws2 = await Workspace.open(f);
    expect(ws2.meta('reviewer')).toBe('Ada');
    expect(fs.existsSync(journalPath(f))).toBe(false); // replay checkpointed and emptied the journal
    ws2.close();
  });

  it('ignores a torn last journal line (a crash mid-append) but keeps the confirmed entries', async () => {
    const f = path.join(tmp(), 'w.sqlite');
    const ws = await Workspace.open(f, { create: true });
    ws.commit([["INSERT INTO meta (key, value) VALUES ('a', '1')", null]]);
    ws.db.close();
    fs.rmSync(`${f}.loupe-lock`);
    fs.appendFileSync(journalPath(f), '{"seq":2,"stmts":[["INSERT INTO meta (key, va');
    const ws2 = await Workspace.open(f);
    expect(ws2.meta('a')).toBe('1');
    ws2.close();
  });

  it('rolls back a failed bulk change: memory and file unchanged', async () => {
    const f = path.join(tmp(), 'w.sqlite');
    const ws = await Workspace.open(f, { create: true });
    const bytes = fs.readFileSync(f);
    await expect(ws.bulk(async (db) => {
      db.run("INSERT INTO requests (id) VALUES ('r1')");
      await Promise.resolve();
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(ws.db.value<number>('SELECT count(*) FROM requests')).toBe(0);
    expect(fs.readFileSync(f).equals(bytes)).toBe(true);
    ws.close();
  });
});

describe('chunked file IO', () => {
  it('writes and reads back bytes larger than one chunk exactly, leaving no temp file', () => {
    const d = tmp();
    const f = path.join(d, 'big.bin');
    const data = new Uint8Array(70 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
    writeFileAtomic(f, data);
    const back = readFileChunked(f);
    expect(back.length).toBe(data.length);
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    expect(fs.readdirSync(d)).toEqual(['big.bin']);
  });
});

describe('migrations', () => {
  it('migrates a populated older file forward in one transaction, keeping its rows', async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    const v2: Migration = { version: 2, name: 'test-add-column', up: 'ALTER TABLE requests ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 0' };
    const all = [{ version: 1, name: 'core', up: (await import('./migrations/001-core')).sql }, v2];
    expect(migrate(db, 1, all)).toEqual([1]);
    db.run("INSERT INTO requests (id, ts, model) VALUES ('r1', 1000, 'm')");
    expect(migrate(db, 2, all)).toEqual([2]);
    expect(db.get('SELECT id, ts, model, reviewed FROM requests')).toEqual({ id: 'r1', ts: 1000, model: 'm', reviewed: 0 });
    expect(db.value('PRAGMA user_version')).toBe(2);
  });

  it('leaves the file at its old version when a migration fails', async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    const bad: Migration = { version: 2, name: 'bad', up: 'ALTER TABLE nope ADD COLUMN x INTEGER' };
    const all = [{ version: 1, name: 'core', up: (await import('./migrations/001-core')).sql }, bad];
    migrate(db, 1, all);
    expect(() => migrate(db, 2, all)).toThrow();
    expect(db.value('PRAGMA user_version')).toBe(1);
  });
});

describe('crash safety', () => {
  let child: string;
  beforeAll(async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-crash-build-'));
    child = path.join(d, 'crash-child.mjs');
    await build({ entryPoints: [path.join(__dirname, 'testing/crash-child.ts')], outfile: child, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
    // packages stay external; resolve them from the repository's node_modules
    fs.symlinkSync(path.resolve(__dirname, '../../node_modules'), path.join(d, 'node_modules'));
  });

  for (const killAfter of [7, 49, 50, 51, 133]) {
    it(`kill -9 after ${killAfter} confirmed decisions loses none of them`, async () => {
      const f = path.join(tmp(), 'crash.sqlite');
      const proc = spawn(process.execPath, [child, f, '100000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let confirmed = 0;
      let buf = '';
      await new Promise<void>((resolve) => {
        proc.stdout.on('data', (c: Buffer) => {
          buf += c.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) {
            const n = Number(l.split(' ')[1]);
            if (n > confirmed) confirmed = n;
          }
          if (confirmed >= killAfter && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
        });
        proc.on('exit', () => resolve());
      });
      expect(confirmed).toBeGreaterThanOrEqual(killAfter);
      const ws = await Workspace.open(f);
      const max = ws.db.value<number>('SELECT max(n) FROM decisions') ?? 0;
      const count = ws.db.value<number>('SELECT count(*) FROM decisions') ?? 0;
      ws.close();
      // Every confirmed decision is there, with no gaps; one more may have landed before the kill arrived.
      expect(max).toBeGreaterThanOrEqual(confirmed);
      expect(count).toBe(max);
    });
  }
});
