/**
 * A workspace: one SQLite 3 file on disk, held in memory by sql.js inside the store worker.
 *
 * Durability (see README, "How a workspace is kept safe"):
 * - The file on disk is never half-written: a save writes a temp file in chunks, fsyncs it, renames it over the
 *   workspace and fsyncs the folder.
 * - Small decisions (reviews, settings) are made durable within milliseconds without rewriting the file: each one is
 *   appended to `<file>.loupe-journal` and fsynced before its transaction commits in memory. Opening replays every
 *   journal entry newer than the `journal_seq` stored in the file; a checkpoint (a save) then empties the journal.
 *   A `kill -9` at any moment loses nothing that was confirmed.
 * - Large changes (imports) commit in memory and are then saved with a checkpoint before they are reported done.
 * - Node reads and writes at most 2 GiB per call, so files are read and written in chunks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Db, loadSqlJs, type Params } from './db';
import { LATEST_VERSION, migrate } from './migrations';
import { LoupeError } from '../../shared/errors';

/** Bytes per read/write call; well under Node's 2 GiB limit. */
const IO_CHUNK = 64 * 1024 * 1024;
/**
 * The largest workspace Loupe lets an import create. sql.js keeps the database in one buffer capped at 4 GiB and
 * stalls near 3.5 GB (TOOLCHAIN.md); a save also needs a second copy of the file in memory.
 */
export const MAX_WORKSPACE_BYTES = 3 * 1024 ** 3;

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** A statement and its parameters, as journaled. */
export type JournalStmt = [sql: string, params: Params | null];

/** Reads a whole file of any size with chunked reads. @throws the fs error for a missing or unreadable file */
export function readFileChunked(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buf = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = fs.readSync(fd, buf, off, Math.min(IO_CHUNK, size - off), off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? buf : buf.subarray(0, off);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes bytes to `file` atomically: temp file in the same folder, chunked writes, fsync, rename, fsync of the folder.
 * A crash at any point leaves either the old file or the new one, never a mix.
 */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, Math.min(IO_CHUNK, data.length - off));
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  } catch {
    // Some platforms (Windows) cannot fsync a folder; the rename is still atomic there.
  }
}

/** The journal's path for a workspace file. Not `-journal`: SQLite itself would take that for a hot rollback journal. */
export function journalPath(file: string): string {
  return `${file}.loupe-journal`;
}
function lockPath(file: string): string {
  return `${file}.loupe-lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the single-writer lock for a workspace file; a lock left by a dead process is taken over. */
function acquireLock(file: string): void {
  const lp = lockPath(file);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lp, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(lp, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new LoupeError('CONFLICT', `${path.basename(file)} is open in another Loupe process (pid ${pid}).`,
          { action: 'Close the other Loupe window or command, then try again.' });
      }
      fs.rmSync(lp, { force: true });
    }
  }
  throw new LoupeError('CONFLICT', `Could not lock ${file}.`);
}

/**
 * Refuses, with a message naming the path, a workspace path that is a folder, or (when creating) one whose folder
 * does not exist, before any lock file is written beside it.
 * @throws LoupeError WORKSPACE_NOT_OPEN (a folder), WORKSPACE_MISSING (no such folder)
 */
function checkWorkspacePath(abs: string, create: boolean): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fsOpenError(e, abs);
  }
  if (st?.isDirectory()) {
    throw new LoupeError('WORKSPACE_NOT_OPEN', `${abs} is a folder, not a workspace file.`, { action: 'Choose a workspace file (for example a .sqlite file inside that folder).' });
  }
  if (st && !st.isFile()) {
    throw new LoupeError('WORKSPACE_NOT_OPEN', `${abs} is not a regular file (it is a named pipe, socket or device).`, { action: 'Choose a workspace file.' });
  }
  const dir = path.dirname(abs);
  if (!st && create && !(fs.existsSync(dir) && fs.statSync(dir).isDirectory())) {
    throw new LoupeError('WORKSPACE_MISSING', `Cannot create ${abs}: the folder ${dir} does not exist.`, { action: 'Create the folder first, or choose another path.' });
  }
}

/**
 * A file-system error met while opening a workspace, as a LoupeError naming the path and the fix; LoupeErrors and
 * unknown errors pass through.
 */
function fsOpenError(e: unknown, abs: string): unknown {
  if (e instanceof LoupeError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS') {
    const where = err.path && err.path !== abs ? ` (${err.path})` : '';
    return new LoupeError('WORKSPACE_NOT_OPEN', `Cannot open ${abs}: ${err.code === 'EROFS' ? 'the disk is read-only' : 'permission denied'}${where}.`, {
      action: 'Loupe needs to read and write the workspace file and to write beside it (a lock file and saves); give it access, or copy the workspace to a folder you can write.',
    });
  }
  return e;
}

/**
 * Removes the temp files of saves that a killed process left beside the workspace (`.<name>.<pid>.tmp`, as written
 * by {@link writeFileAtomic}); each can be as large as the workspace. Called with the lock held, so no live Loupe
 * is saving this workspace; files of a process that is still alive are left alone all the same.
 */
function removeStaleTempFiles(abs: string): void {
  const dir = path.dirname(abs);
  const prefix = `.${path.basename(abs)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const pid = Number(n.slice(prefix.length, -'.tmp'.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(path.join(dir, n), { force: true });
  }
}

export interface OpenOptions {
  /** Create the file when it does not exist (default false: a missing file is WORKSPACE_MISSING). */
  create?: boolean;
  /** Take the single-writer lock (default true). */
  lock?: boolean;
  /**
   * Open to read only (`loupe info` while the app has the file open): no lock, no stale-temp cleanup, no save, the
   * journal replayed in memory only (so confirmed reviews are counted) and left as it is. Nothing is written beside
   * the file or to it; every write method throws. Implies `lock: false`; `create` is refused.
   */
  readOnly?: boolean;
}

/** An open workspace. Owned by one thread; not safe to share. */
export class Workspace {
  private journalFd: number | null = null;
  private journalSeq: number;
  private journalEntries = 0;
  private dirtySinceCheckpoint = false;
  private closed = false;

  private constructor(readonly file: string, readonly db: Db, private readonly locked: boolean, readonly readOnly = false) {
    this.journalSeq = Number(this.meta('journal_seq') ?? '0');
  }

  /**
   * Opens (or creates) a workspace file: reads it in chunks, checks it is SQLite, migrates it, replays the journal.
   * @throws LoupeError WORKSPACE_MISSING (no file, or no folder to create it in), WORKSPACE_CORRUPT, WORKSPACE_TOO_NEW,
   *   WORKSPACE_NOT_OPEN (a folder, a pipe, permission denied, read-only disk), CONFLICT (locked by another process)
   */
  static async open(file: string, opts: OpenOptions = {}): Promise<Workspace> {
    const abs = path.resolve(file);
    const SQL = await loadSqlJs();
    const readOnly = !!opts.readOnly;
    if (readOnly && opts.create) throw new LoupeError('BAD_REQUEST', 'A workspace opened to read only cannot be created.');
    checkWorkspacePath(abs, !!opts.create);
    const exists = fs.existsSync(abs);
    if (!exists && !opts.create) {
      throw new LoupeError('WORKSPACE_MISSING', `Workspace file not found: ${abs}`, { action: 'Create a new workspace or open another file.' });
    }
    const lock = opts.lock !== false && !readOnly;
    if (lock) {
      try {
        acquireLock(abs);
      } catch (e) {
        throw fsOpenError(e, abs);
      }
      removeStaleTempFiles(abs);
    }
    try {
      let raw;
      if (exists) {
        let bytes: Uint8Array;
        try {
          bytes = readFileChunked(abs);
        } catch (e) {
          throw fsOpenError(e, abs);
        }
        if (bytes.length > 0) {
          const head = Buffer.from(bytes.subarray(0, 16)).toString('latin1');
          if (head !== SQLITE_MAGIC) {
            throw new LoupeError('WORKSPACE_CORRUPT', `${path.basename(abs)} is not an SQLite workspace file (its first bytes are not "SQLite format 3").`,
              { action: 'Open another workspace, or create a new one.' });
          }
        }
        raw = bytes.length > 0 ? new SQL.Database(bytes) : new SQL.Database();
      } else {
        raw = new SQL.Database();
      }
      const db = new Db(raw);
      try {
        db.exec('PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY;');
        // Reading the schema touches the header and the first pages; a full integrity check would read every page
        // and cost seconds on a large workspace, so damage further in is reported when a query reaches it.
        if (exists) db.value('SELECT count(*) FROM sqlite_master');
      } catch (e) {
        db.close();
        if (e instanceof LoupeError) throw e;
        throw new LoupeError('WORKSPACE_CORRUPT', `${path.basename(abs)} cannot be read as SQLite: ${(e as Error).message}`, { action: 'Open another workspace, or create a new one.' });
      }
      const fresh = (db.value<number>('PRAGMA user_version') ?? 0) === 0 && !db.hasTable('meta');
      migrate(db);
      if (fresh) {
        db.tx(() => {
          const now = Date.now();
          db.run("INSERT INTO meta (key, value) VALUES ('created_at', ?), ('time_zone', 'UTC'), ('journal_seq', '0')", [String(now)]);
        });
      }
      const ws = new Workspace(abs, db, lock, readOnly);
      ws.replayJournal();
      if ((fresh || !exists) && !readOnly) ws.checkpoint();
      return ws;
    } catch (e) {
      if (lock) fs.rmSync(lockPath(abs), { force: true });
      throw e;
    }
  }

  /** A meta value, or undefined. */
  meta(key: string): string | undefined {
    return this.db.value<string>('SELECT value FROM meta WHERE key = ?', [key]) ?? undefined;
  }

  /** Schema version of the open file. */
  get schemaVersion(): number {
    return this.db.value<number>('PRAGMA user_version') ?? 0;
  }

  /** Size of the workspace file on disk, in bytes (0 before the first save). */
  fileBytes(): number {
    try { return fs.statSync(this.file).size; } catch { return 0; }
  }

  /** Estimated size of the database in memory, in bytes (page_count × page_size). */
  memoryBytes(): number {
    return (this.db.value<number>('PRAGMA page_count') ?? 0) * (this.db.value<number>('PRAGMA page_size') ?? 4096);
  }

  /**
   * Commits a small change durably: the statements run in one transaction, are appended to the journal and fsynced,
   * then the transaction commits. Returns after the change is on disk (typically a few ms).
   * @throws whatever the statements throw (nothing is journaled then); fs errors from the journal write (rolled back)
   */
  commit(stmts: JournalStmt[]): void {
    this.assertWritable();
    const seq = this.journalSeq + 1;
    this.db.tx(() => {
      for (const [sql, params] of stmts) this.db.run(sql, params ?? undefined);
      this.db.run("INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(seq)]);
      this.appendJournal({ seq, stmts });
    });
    this.journalSeq = seq;
    this.dirtySinceCheckpoint = true;
  }

  /**
   * Runs a large change (an import) in one transaction and saves the whole file when it commits. Nothing of a failed
   * or cancelled change remains, in memory or on disk.
   */
  async bulk<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    this.assertWritable();
    const result = await this.db.txAsync(() => fn(this.db));
    this.checkpoint();
    return result;
  }

  /** Number of journal entries since the last checkpoint. */
  get pendingJournalEntries(): number {
    return this.journalEntries;
  }

  /**
   * Saves the whole database to disk atomically and empties the journal. Entries written between the save and the
   * truncation are harmless: they carry seq numbers the file already has, so replay skips them.
   */
  checkpoint(): void {
    this.assertWritable();
    const bytes = this.db.raw.export();
    this.db.exec('PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY;');
    writeFileAtomic(this.file, bytes);
    this.truncateJournal();
    this.dirtySinceCheckpoint = false;
  }

  /** Whether journaled changes wait for a checkpoint. */
  get dirty(): boolean {
    return this.dirtySinceCheckpoint;
  }

  /** Checkpoints when needed and releases the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.dirtySinceCheckpoint) this.checkpoint();
    } finally {
      this.closed = true;
      if (this.journalFd !== null) fs.closeSync(this.journalFd);
      this.journalFd = null;
      this.db.close();
      if (this.locked) fs.rmSync(lockPath(this.file), { force: true });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new LoupeError('WORKSPACE_NOT_OPEN', 'The workspace is closed.');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.readOnly) {
      throw new LoupeError('CONFLICT', `${path.basename(this.file)} is open to read only here.`, { action: 'Open it normally (close any other Loupe that has it open) to make changes.' });
    }
  }

  private appendJournal(entry: { seq: number; stmts: JournalStmt[] }): void {
    if (this.journalFd === null) this.journalFd = fs.openSync(journalPath(this.file), 'a');
    const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    let off = 0;
    while (off < line.length) off += fs.writeSync(this.journalFd, line, off, line.length - off);
    fs.fdatasyncSync(this.journalFd);
    this.journalEntries++;
  }

  private truncateJournal(): void {
    if (this.journalFd !== null) {
      fs.closeSync(this.journalFd);
      this.journalFd = null;
    }
    fs.rmSync(journalPath(this.file), { force: true });
    this.journalEntries = 0;
  }

  /** Applies journal entries newer than the file's journal_seq. A torn last line (crash mid-append) was never confirmed and is ignored. */
  private replayJournal(): void {
    const jp = journalPath(this.file);
    if (!fs.existsSync(jp)) return;
    const text = fs.readFileSync(jp, 'utf8');
    const lines = text.split('\n');
    let applied = 0;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (!l.trim()) continue;
      let entry: { seq: number; stmts: JournalStmt[] };
      try {
        entry = JSON.parse(l) as { seq: number; stmts: JournalStmt[] };
      } catch {
        if (i >= lines.length - 2) break; // the torn tail of an append that never returned
        throw new LoupeError('WORKSPACE_CORRUPT', `The journal ${path.basename(jp)} is damaged at line ${i + 1}.`, { action: 'Open another workspace, or move the journal file aside to open the last saved state.' });
      }
      if (entry.seq <= this.journalSeq) continue;
      this.db.tx(() => {
        for (const [sql, params] of entry.stmts) this.db.run(sql, params ?? undefined);
        this.db.run("INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(entry.seq)]);
      });
      this.journalSeq = entry.seq;
      applied++;
    }
    // Read only: the replayed state lives in memory; the journal belongs to whoever has the file open.
    if (this.readOnly) return;
    if (applied > 0) this.checkpoint();
    else this.truncateJournal();
  }
}

export { LATEST_VERSION };
