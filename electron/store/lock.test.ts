/**
 * The single-writer lock: atomic acquisition, race-free takeover of a stale lock (the windows of the old lock are
 * widened deterministically with test hooks: a second contender runs to completion right inside the first one's
 * window), the lock keyed on the real path, and many concurrent writer processes with kill -9 among them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoupeError } from '../../shared/errors';
import { acquireLock, lockPathOf, newOwner, type HeldLock, type LockOwner } from './lock';
import { clearTestHooks, setTestHook } from './test-hooks';
import { buildFixture, runChild } from './testing/child';
import { refusal, useTempWorkspaces } from './testing/temp';
import { Workspace } from './workspace';

const { tmpDir } = useTempWorkspaces('loupe-lock-');
afterEach(() => clearTestHooks());

/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 2 ** 22 + 4321;
const staleOwner = (): LockOwner => ({ ...newOwner(), pid: DEAD_PID, start: null });

function tryAcquire(file: string, owner = newOwner()): HeldLock | LoupeError {
  try {
    return acquireLock(file, owner);
  } catch (e) {
    if (e instanceof LoupeError) return e;
    throw e;
  }
}

describe('taking the lock', () => {
  it('writes a complete owner record and removes only its own lock on release', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    const lock = acquireLock(file);
    const rec = JSON.parse(fs.readFileSync(lockPathOf(file), 'utf8')) as LockOwner;
    expect(rec).toMatchObject({ app: 'loupe', pid: process.pid });
    expect(rec.token).toMatch(/^[0-9a-f]{32}$/);
    // A second acquisition in this process is refused while the first holds it.
    const second = tryAcquire(file);
    expect(second).toBeInstanceOf(LoupeError);
    expect((second as LoupeError).code).toBe('CONFLICT');
    expect((second as LoupeError).message).toBe('w.sqlite is open in this process already.');
    lock.release();
    expect(fs.existsSync(lockPathOf(file))).toBe(false);
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });

  it('refuses a lock held by another live process (pid 1), naming it', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    fs.writeFileSync(lockPathOf(file), JSON.stringify({ ...newOwner(), pid: 1, start: null }));
    const e = tryAcquire(file) as LoupeError;
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('w.sqlite is open in another Loupe process (pid 1).');
    // An old Loupe's bare-pid lock counts the same.
    fs.writeFileSync(lockPathOf(file), '1');
    expect((tryAcquire(file) as LoupeError).code).toBe('CONFLICT');
  });

  it('takes over a lock whose owner is dead, from another boot, or whose pid was reused', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    const cases: Array<Partial<LockOwner> | string> = [
      { pid: DEAD_PID },
      { pid: 1, boot: 'another-boot-id' },
      { pid: process.ppid, start: 1 }, // the parent runs, but it started at another time than the lock says
      String(DEAD_PID),
    ];
    for (const c of cases) {
      fs.writeFileSync(lockPathOf(file), typeof c === 'string' ? c : JSON.stringify({ ...newOwner(), start: null, ...c }));
      const lock = tryAcquire(file);
      expect(lock, JSON.stringify(c)).not.toBeInstanceOf(LoupeError);
      (lock as HeldLock).release();
    }
  });

  it('waits on a young empty lock (an old Loupe, or a file system without links, still writing it) instead of deleting it; an old one is stale', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    fs.writeFileSync(lockPathOf(file), '');
    // The writer fills in its pid (an old Loupe's bare pid; pid 1 is alive) right after we first find it empty.
    setTestHook('lock.read', (info) => {
      if ((info as { seen: string }).seen === '') fs.writeFileSync(lockPathOf(file), '1');
    });
    const e = tryAcquire(file) as LoupeError;
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('w.sqlite is open in another Loupe process (pid 1).');
    setTestHook('lock.read', null);
    fs.writeFileSync(lockPathOf(file), '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPathOf(file), old, old);
    (tryAcquire(file) as HeldLock).release();
  });
});

describe('the old lock\'s races, widened with test hooks', () => {
  it('a lock seen empty while it is being taken is never deleted: the record is complete when the lock appears', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    let b: HeldLock | LoupeError | null = null;
    // A has written its temp lock and not linked it yet: B arrives and takes the (free) lock.
    setTestHook('lock.beforeLink', () => {
      setTestHook('lock.beforeLink', null);
      b = tryAcquire(file);
    });
    const a = tryAcquire(file);
    expect(b).not.toBeInstanceOf(LoupeError);
    expect(a).toBeInstanceOf(LoupeError);
    expect((a as LoupeError).code).toBe('CONFLICT');
    expect(fs.readFileSync(lockPathOf(file), 'utf8')).not.toBe('');
    (b as unknown as HeldLock).release();
  });

  it('two processes taking over one stale lock: the later one never deletes the lock the first has just taken', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    fs.writeFileSync(lockPathOf(file), JSON.stringify(staleOwner()));
    let b: HeldLock | LoupeError | null = null;
    // A has read the stale lock and judged it dead; before A removes it, B takes it over completely.
    setTestHook('lock.read', () => {
      setTestHook('lock.read', null);
      b = tryAcquire(file);
    });
    const a = tryAcquire(file);
    expect(b).not.toBeInstanceOf(LoupeError);
    expect(a).toBeInstanceOf(LoupeError);
    expect((a as LoupeError).message).toBe('w.sqlite is open in this process already.');
    // The lock on disk is B's.
    const bRec = JSON.parse(fs.readFileSync(lockPathOf(file), 'utf8')) as LockOwner;
    (b as unknown as HeldLock).release();
    expect(fs.existsSync(lockPathOf(file))).toBe(false);
    expect(bRec.pid).toBe(process.pid);
  });

  it('a second remover of the same stale lock waits on the first one\'s claim instead of removing it twice', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    fs.writeFileSync(lockPathOf(file), JSON.stringify(staleOwner()));
    let b: HeldLock | LoupeError | null = null;
    setTestHook('lock.claimed', () => {
      setTestHook('lock.claimed', null);
      b = tryAcquire(file);
    });
    const a = tryAcquire(file);
    expect(a).not.toBeInstanceOf(LoupeError);
    expect(b).toBeInstanceOf(LoupeError);
    expect((b as unknown as LoupeError).code).toBe('CONFLICT');
    (a as HeldLock).release();
  });

  it('a claim left by a remover that died is itself taken over', () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    const stale = `${JSON.stringify(staleOwner())}\n`;
    fs.writeFileSync(lockPathOf(file), stale);
    // The dead remover's claim, named as a remover names it.
    const digest = crypto.createHash('sha256').update(stale).digest('hex').slice(0, 24);
    fs.writeFileSync(`${lockPathOf(file)}.claim-${digest}`, JSON.stringify(staleOwner()));
    const lock = tryAcquire(file);
    expect(lock).not.toBeInstanceOf(LoupeError);
    (lock as HeldLock).release();
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });
});

describe('the lock is keyed on the real file', () => {
  it('a second symlink (or a path through ..) to the same workspace is refused while the first holds it', async () => {
    const d = tmpDir();
    const real = path.join(d, 'data', 'w.sqlite');
    fs.mkdirSync(path.dirname(real));
    const ws = await Workspace.open(real, { create: true });
    fs.symlinkSync(real, path.join(d, 'link1.sqlite'));
    fs.symlinkSync(path.join(d, 'link1.sqlite'), path.join(d, 'link2.sqlite'));
    fs.symlinkSync(path.join(d, 'data'), path.join(d, 'dir-link'));
    for (const p of [path.join(d, 'link1.sqlite'), path.join(d, 'link2.sqlite'), path.join(d, 'dir-link', 'w.sqlite'), path.join(d, 'data', '..', 'data', 'w.sqlite')]) {
      expect((await refusal(Workspace.open(p, {}))).code, p).toBe('CONFLICT');
    }
    ws.close();
  });
});

describe('many concurrent writer processes (kill -9 among them)', () => {
  let child: { file: string; cleanup: () => void };
  beforeAll(async () => { child = await buildFixture('writer-child.ts'); });
  afterAll(() => child.cleanup());

  it('one writer at a time: every confirmed row of every writer is in the workspace, none twice', async () => {
    const d = tmpDir();
    const file = path.join(d, 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    fs.symlinkSync(file, path.join(d, 'link.sqlite'));
    fs.mkdirSync(path.join(d, 'sub'));
    const paths = [file, path.join(d, 'link.sqlite'), path.join(d, 'sub', '..', 'w.sqlite')];
    const writers = 12;
    const rows = 15;
    const kids = Array.from({ length: writers }, (_, i) => runChild(child.file, [paths[i % paths.length]!, String(i), String(rows)]));
    // Kill three writers the moment they hold the lock: their stale locks must be taken over, their confirmed rows kept.
    const killed = new Set([2, 5, 9]);
    for (const i of killed) {
      void kids[i]!.waitFor(/^confirmed \d+ 3$/).then(() => kids[i]!.proc.kill('SIGKILL'), () => undefined);
    }
    const ends = await Promise.all(kids.map((k) => k.exited));
    const confirmed = new Set<string>();
    kids.forEach((k) => {
      for (const l of k.lines) {
        const m = /^confirmed (\d+) (\d+)$/.exec(l);
        if (m) confirmed.add(`w-${m[1]}-${m[2]}`);
      }
    });
    ends.forEach((e, i) => {
      if (killed.has(i)) expect(e.signal, `writer ${i}`).toBe('SIGKILL');
      else expect(e.code, `writer ${i}: ${kids[i]!.stderr.join('')}`).toBe(0);
    });
    const ws = await Workspace.open(file, {});
    const stored = new Set(ws.db.all<{ key: string }>("SELECT key FROM meta WHERE key LIKE 'w-%'").map((r) => r.key));
    ws.close();
    expect(confirmed.size).toBeGreaterThanOrEqual((writers - killed.size) * rows + killed.size * 3);
    for (const k of confirmed) expect(stored.has(k), k).toBe(true);
    // The workspace is still a regular file, not replaced through the symlink.
    expect(fs.lstatSync(path.join(d, 'link.sqlite')).isSymbolicLink()).toBe(true);
  }, 120_000);
});
