/**
 * The single-writer lock of a workspace: `<real path of the file>.loupe-lock`, so two paths to one file (symlinks,
 * `..`) share one lock.
 *
 * Acquisition is atomic and the lock is complete when it appears: the owner record (pid, a random token, host, boot
 * id, process start time) is written and fsynced to a private temp file, then hard-linked into place with link(2),
 * which fails with EEXIST when a lock exists. Nobody ever sees an empty or half-written lock, so nobody mistakes a
 * lock being taken for a stale one.
 *
 * A stale lock (its owner is dead: no such pid, another boot, or the pid reused by a process started at another
 * time) is removed without a race. Removing "the lock I read" must not remove a lock someone else has taken since:
 * the remover first takes an exclusive claim named after the exact content it read
 * (`<lock>.claim-<digest>`, again by link(2)); only the claim holder may remove that lock, and it does so only if
 * the lock still holds that content. The content carries a random token, so a lock taken since can never match.
 * A claim left by a remover that died is itself stale and removed the same way. After removal everyone retries
 * the atomic link, and exactly one wins.
 *
 * File systems without hard links (FAT, some network shares) fall back to O_EXCL creation with the record written
 * right after; a young empty lock is then treated as held, never as stale.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoupeError } from '../../shared/errors';
import { writeError } from './io-errors';
import { hook } from './test-hooks';

/** Who holds a lock. Written as one JSON line. */
export interface LockOwner {
  app: 'loupe';
  pid: number;
  /** Random per acquisition: two locks never have the same content. */
  token: string;
  host: string;
  /** Linux boot id: a lock from before a reboot is stale whatever its pid. */
  boot: string | null;
  /** Start time of the owning process (ms, from /proc), so a reused pid is not taken for the owner. */
  start: number | null;
}

/** How long an empty or unreadable lock (a non-linking file system, or an old Loupe) is presumed being written. */
const YOUNG_EMPTY_MS = 5_000;
/** Attempts to take a lock before giving up (each after a short wait when someone else is busy with it). */
const MAX_ATTEMPTS = 200;

/** Tokens of the locks this process holds, so a second open in the same process is refused, not taken over. */
const heldTokens = new Set<string>();
/** Tokens of acquisitions under way in this process: their claims are live, never stale. */
const pendingTokens = new Set<string>();

/** The lock file of a workspace (given its real path). */
export function lockPathOf(realFile: string): string {
  return `${realFile}.loupe-lock`;
}

function readOnce(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    return readErrno(e) === 'ENOENT' ? null : rethrow(e);
  }
}

function readErrno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function rethrow(e: unknown): never {
  throw e;
}

let bootIdCache: string | null | undefined;
function bootId(): string | null {
  if (bootIdCache === undefined) {
    try { bootIdCache = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null; } catch { bootIdCache = null; }
  }
  return bootIdCache;
}

let btimeCache: number | null | undefined;
/** Start time of a process in ms since the epoch (Linux /proc), or null where unknown. */
export function processStartMs(pid: number): number | null {
  try {
    if (btimeCache === undefined) {
      const m = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
      btimeCache = m ? Number(m[1]) * 1000 : null;
    }
    if (btimeCache === null) return null;
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime, clock ticks since boot) counted after the command name, which may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? btimeCache + ticks * 10 : null; // USER_HZ is 100 on every Linux Node runs on
  } catch {
    return null;
  }
}

/** Whether a process with this pid runs (EPERM: it runs as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return readErrno(e) === 'EPERM';
  }
}

/** A fresh owner record for this process. */
export function newOwner(): LockOwner {
  return { app: 'loupe', pid: process.pid, token: crypto.randomBytes(16).toString('hex'), host: os.hostname(), boot: bootId(), start: processStartMs(process.pid) };
}

/** Parses a lock's content: a JSON owner record, or an old Loupe's bare pid. */
function parseOwner(text: string): Partial<LockOwner> | null {
  const t = text.trim();
  if (/^\d+$/.test(t)) return { pid: Number(t) };
  try {
    const o = JSON.parse(t) as Partial<LockOwner>;
    return o && typeof o === 'object' && typeof o.pid === 'number' ? o : null;
  } catch {
    return null;
  }
}

type OwnerState = { alive: true; why: string } | { alive: false };

/**
 * Whether the owner of a lock (or claim) with this content still runs.
 * @param file - the lock or claim file (its age decides for content that is not a record yet)
 */
function ownerState(text: string, file: string): OwnerState {
  const o = parseOwner(text);
  if (!o) {
    let young = false;
    try { young = Date.now() - fs.statSync(file).mtimeMs < YOUNG_EMPTY_MS; } catch { young = false; }
    return young ? { alive: true, why: 'another process is taking it right now' } : { alive: false };
  }
  const pid = o.pid!;
  if (o.host && o.host !== os.hostname()) return { alive: true, why: `Loupe on ${o.host} (pid ${pid})` };
  if (o.boot && bootId() && o.boot !== bootId()) return { alive: false };
  if (pid === process.pid) {
    // Our own pid: held if this process still holds that token, else left by a workspace this process dropped.
    if (o.token && pendingTokens.has(o.token)) return { alive: true, why: 'another process is taking it right now' };
    return o.token && heldTokens.has(o.token) ? { alive: true, why: 'this process already' } : { alive: false };
  }
  if (!pidAlive(pid)) return { alive: false };
  if (typeof o.start === 'number') {
    const now = processStartMs(pid);
    if (now !== null && Math.abs(now - o.start) > 20) return { alive: false }; // the pid was reused
  }
  return { alive: true, why: `another Loupe process (pid ${pid})` };
}

/**
 * Creates `file` holding `content`, complete, or returns false when it exists.
 * @throws fs errors other than EEXIST (after the non-linking fallback)
 */
function createComplete(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    hook('lock.beforeLink', { file });
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = readErrno(e);
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EMLINK') return createExclusive(file, content);
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The fallback for file systems without hard links: O_EXCL, then the record. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (e) {
    if (readErrno(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function digest(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 24);
}

/**
 * Removes `file` if, and only if, it still holds `seen` (content whose owner is dead), racing safely with every
 * other process doing the same. Returns without removing anything when another live process is removing it.
 */
function removeIfStill(file: string, seen: string, mine: string, depth = 0): void {
  const claim = `${file}.claim-${digest(seen)}`;
  if (!createComplete(claim, mine)) {
    if (depth >= 4) return;
    const other = readOnce(claim);
    if (other !== null && !ownerState(other, claim).alive) removeIfStill(claim, other, mine, depth + 1);
    return;
  }
  try {
    hook('lock.claimed', { file });
    if (readOnce(file) === seen) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(claim, { force: true });
  }
}

/** A short synchronous wait between attempts when another process is mid-way through taking or freeing a lock. */
function pause(attempt: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(20, 1 + attempt));
}

/** A lock held by this process; release it once. */
export class HeldLock {
  private released = false;
  constructor(readonly file: string, private readonly content: string, private readonly token: string) {}

  /** Removes the lock if it is still ours (never someone else's). Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    heldTokens.delete(this.token);
    try {
      if (readOnce(this.file) === this.content) fs.rmSync(this.file, { force: true });
    } catch {
      // Leaving a lock behind is harmless: its owner (us) will be dead, and the next open takes it over.
    }
  }
}

/**
 * Takes the single-writer lock of a workspace.
 * @param realFile - the workspace's real path (symlinks resolved)
 * @param owner - who takes it (default: this process with a fresh token; tests pass other owners)
 * @returns the held lock
 * @throws LoupeError CONFLICT naming who holds it (another live process, another host, this process),
 *   PERMISSION_DENIED / READ_ONLY / DISK_FULL when the lock cannot be written
 */
export function acquireLock(realFile: string, owner: LockOwner = newOwner()): HeldLock {
  const file = lockPathOf(realFile);
  const content = `${JSON.stringify(owner)}\n`;
  const name = path.basename(realFile);
  pendingTokens.add(owner.token);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (createComplete(file, content)) {
        heldTokens.add(owner.token);
        cleanLeftovers(file);
        return new HeldLock(file, content, owner.token);
      }
      const seen = readOnce(file);
      if (seen === null) continue; // freed meanwhile: try again at once
      hook('lock.read', { file, seen });
      const state = ownerState(seen, file);
      if (state.alive) {
        if (state.why.startsWith('another process is taking')) { pause(attempt); continue; }
        throw new LoupeError('CONFLICT', `${name} is open in ${state.why}.`, {
          action: state.why.startsWith('Loupe on ')
            ? `Close Loupe on that machine. If it is not running there, delete ${file}.`
            : 'Close the other Loupe window or command, then try again.',
          details: { lock: file },
        });
      }
      removeIfStill(file, seen, content);
      if (attempt > 2) pause(attempt);
    }
  } catch (e) {
    throw writeError(e, file, 'lock');
  } finally {
    pendingTokens.delete(owner.token);
  }
  throw new LoupeError('CONFLICT', `Could not lock ${name}: other processes kept taking it.`, { action: 'Close the other Loupe windows or commands, then try again.' });
}

/** Removes temp and claim files that dead processes left beside a lock (called with the lock held). */
function cleanLeftovers(lockFile: string): void {
  const dir = path.dirname(lockFile);
  const base = path.basename(lockFile);
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return; }
  for (const n of names) {
    if (!n.startsWith(`${base}.`) || n === base) continue;
    const full = path.join(dir, n);
    const tmp = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(n);
    if (tmp) {
      const pid = Number(tmp[1]);
      if (pid !== process.pid && !pidAlive(pid)) fs.rmSync(full, { force: true });
      continue;
    }
    if (n.includes('.claim-')) {
      const c = readOnce(full);
      if (c !== null && !ownerState(c, full).alive) fs.rmSync(full, { force: true });
    }
  }
}
