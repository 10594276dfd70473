/**
 * A workspace: one SQLite 3 file on disk, held in memory by sql.js inside the store worker.
 *
 * Durability (see README, "How a workspace is kept safe"):
 * - The file on disk is never half-written: a save writes a temp file in chunks beside the real file, fsyncs it,
 *   renames it over the file and fsyncs the folder. A symlinked workspace is saved through to its target (the link
 *   stays a link); the file's mode and owner are kept. A read-only file (no write bit, or a read-only disk) is
 *   refused for writing and never rewritten.
 * - Small decisions (reviews, skips, undos, settings) are made durable within milliseconds without rewriting the
 *   file: each is appended to the journal (journal.ts) and fdatasynced before its transaction commits in memory.
 *   Opening replays every journal entry newer than the `journal_seq` stored in the file; a save empties the journal.
 *   A `kill -9` at any moment loses nothing that was confirmed.
 * - One process writes a workspace at a time (lock.ts), keyed on the real path.
 *
 * How a long import and small decisions are ordered. sql.js is one connection, so while an import's transaction is
 * open every statement runs inside it, decisions included. Decisions therefore never depend on the import's
 * transaction for their durability, and no outcome of the import can remove or renumber one:
 * - a decision made while an import runs is journaled and fsynced like any other (confirmed on return) and applied
 *   in memory inside a SAVEPOINT of the import's transaction, so the screens see it at once;
 * - if the import fails or is cancelled, its transaction rolls back and the decisions made meanwhile are applied
 *   again, in journal order, from their journal entries: memory then equals what a restart would rebuild (the file
 *   as it was, plus the journal). The entries carry their ids, so every decision keeps its id;
 * - if the import commits but its save fails (a full disk), memory is reloaded from the file and the journal, so
 *   the refused import leaves the workspace as it was and every decision stays;
 * - ids are allocated by {@link Workspace.nextId}, one above both the largest id present and the largest this
 *   process ever handed out, so a rolled-back id is never handed out again;
 * - decisions that read what the import is adding (drawing a review queue) are refused while it runs
 *   (handlers.ts), so no decision refers to rows a rollback may remove.
 * The import's own insert work is done once (no staging copy), so imports stay as fast as one transaction allows.
 * - Node reads and writes at most 2 GiB per call, so files are read and written in chunks.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { Db, loadSqlJs } from './db';
import { LATEST_VERSION, migrate } from './migrations';
import { LoupeError } from '../../shared/errors';
import { asWriteError, errnoOf } from './io-errors';
import { journalPath, JournalWriter, readJournal, type JournalEntry, type JournalLine, type JournalStmt } from './journal';
import { acquireLock, pidAlive, type HeldLock } from './lock';
import { hook } from './test-hooks';
import { capacityFor, DbImage, readInto } from './dbfile/image';
import { touchPagesElsewhere, type PageToucher } from './dbfile/prefault';
import { LazyImage } from './dbfile/lazy';

export { journalPath, type JournalStmt };

/** Bytes per read/write call; well under Node's 2 GiB limit. */
const IO_CHUNK = 64 * 1024 * 1024;
/**
 * The largest workspace Loupe lets an import create. sql.js keeps the database in one buffer capped at 4 GiB and
 * stalls near 3.5 GB (TOOLCHAIN.md); a save also needs a second copy of the file in memory.
 */
export const MAX_WORKSPACE_BYTES = 3 * 1024 ** 3;
/** Bytes the background loader reads per turn of the event loop (a few ms on the bench machine). */
const LOAD_STEP_BYTES = 2 * 1024 * 1024;
/** How long no call must have run before the background loader reads on, in ms. */
const LOAD_IDLE_MS = 150;
/** Free space kept beyond the file's size before an import commits: the save writes a whole new copy first. */
const SAVE_SPACE_MARGIN = 1024 * 1024;

const SQLITE_MAGIC = 'SQLite format 3\u0000';
/** Set on every connection: the rollback journal and temporary tables live in memory (the file is saved whole). */
const PRAGMAS = 'PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY;';
/** Pages an import will write are faulted in on another thread only past this many bytes (Workspace.reserve). */
export const TOUCH_MIN_BYTES = 64 * 1024 * 1024;

/** Tables whose ids the store allocates itself (see {@link Workspace.nextId}). */
export type AllocatedTable = 'reviews' | 'tags' | 'review_queues';

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

/** The write call saves use; tests swap in faults (a full disk after N bytes). */
export const saveIo = {
  write: (fd: number, data: Uint8Array, off: number, len: number): number => fs.writeSync(fd, data, off, len),
};

/**
 * Writes bytes to `file` atomically: temp file in the same folder, chunked writes, fsync, rename, fsync of the folder.
 * A crash at any point leaves either the old file or the new one, never a mix. An existing file's mode (and, when
 * run as root, its owner) is kept. `file` must be the real path: renaming over a symlink would replace the link.
 * @returns the new file's stat, taken before the rename (the rename keeps its device, inode, size and mtime)
 * @throws the fs error of the failing step (the temp file is removed)
 */
export function writeFileAtomic(file: string, data: Uint8Array): fs.BigIntStats {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  let old: fs.Stats | null = null;
  try { old = fs.statSync(file); } catch { old = null; }
  const fd = fs.openSync(tmp, 'w', old ? old.mode & 0o7777 : 0o644);
  let written: fs.BigIntStats;
  try {
    if (old) {
      fs.fchmodSync(fd, old.mode & 0o7777);
      if (process.getuid?.() === 0 && (old.uid !== 0 || old.gid !== 0)) {
        try { fs.fchownSync(fd, old.uid, old.gid); } catch { /* best effort: some file systems have no owners */ }
      }
    }
    let off = 0;
    while (off < data.length) off += saveIo.write(fd, data, off, Math.min(IO_CHUNK, data.length - off));
    fs.fsyncSync(fd);
    written = fs.fstatSync(fd, { bigint: true });
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  hook('save.tempWritten', { file });
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  } catch {
    // Some platforms (Windows) cannot fsync a folder; the rename is still atomic there.
  }
  return written;
}

/**
 * What identifies the file at a workspace's path: device, inode, size and modification time (ns). Another program
 * renaming a file over the path changes the inode; one writing it in place changes the size or the modification
 * time. The change time is left out: Loupe's own rename and a `chmod` move it without changing the bytes.
 */
export function diskIdentity(st: fs.BigIntStats): string {
  return `${st.dev}/${st.ino}/${st.size}/${st.mtimeNs}`;
}

/**
 * The real path of a workspace file: symlinks followed (even a link whose target does not exist yet, so a new
 * workspace is created at the target, not over the link) and the folder's own links resolved.
 */
export function resolveWorkspaceTarget(abs: string): string {
  let p = abs;
  for (let hops = 0; hops < 40; hops++) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      break;
    }
    if (!st.isSymbolicLink()) break;
    p = path.resolve(path.dirname(p), fs.readlinkSync(p));
  }
  try {
    return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
  } catch {
    return p;
  }
}

/**
 * Refuses, with a message naming the path, a workspace path that is a folder, or (when creating) one whose folder
 * does not exist, before any lock file is written beside it.
 * @throws LoupeError WORKSPACE_NOT_OPEN (a folder), WORKSPACE_MISSING (no such folder)
 */
function checkWorkspacePath(abs: string, target: string, create: boolean): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(target);
  } catch (e) {
    const code = errnoOf(e);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fsOpenError(e, abs);
  }
  if (st?.isDirectory()) {
    throw new LoupeError('WORKSPACE_NOT_OPEN', `${abs} is a folder, not a workspace file.`, { action: 'Choose a workspace file (for example a .sqlite file inside that folder).' });
  }
  if (st && !st.isFile()) {
    throw new LoupeError('WORKSPACE_NOT_OPEN', `${abs} is not a regular file (it is a named pipe, socket or device).`, { action: 'Choose a workspace file.' });
  }
  const dir = path.dirname(target);
  if (!st && create && !(fs.existsSync(dir) && fs.statSync(dir).isDirectory())) {
    throw new LoupeError('WORKSPACE_MISSING', `Cannot create ${abs}: the folder ${dir} does not exist.`, { action: 'Create the folder first, or choose another path.' });
  }
}

/**
 * Refuses to write a read-only workspace file: no write bit for anyone (e.g. `chmod 444`, which root would otherwise
 * write through), or a file on a read-only disk. Such a file is never rewritten.
 * @throws LoupeError READ_ONLY with the way out (make it writable, or read it with `loupe info`)
 */
function refuseReadOnlyFile(abs: string, target: string, when: 'open' | 'save' = 'open'): void {
  let st: fs.Stats;
  try { st = fs.statSync(target); } catch { return; }
  const readOnlyBits = (st.mode & 0o222) === 0;
  let rofs = false;
  if (!readOnlyBits) {
    try { fs.accessSync(target, fs.constants.W_OK); } catch (e) { rofs = errnoOf(e) === 'EROFS'; }
  }
  if (!readOnlyBits && !rofs) return;
  const why = readOnlyBits ? `is read-only (mode ${(st.mode & 0o777).toString(8)})` : 'is on a read-only disk';
  const what = when === 'open'
    ? 'Loupe opens it only to read and will not change it.'
    : 'Loupe will not rewrite it; the changes since the last save are kept in the journal beside it.';
  throw new LoupeError('READ_ONLY', `${abs} ${why}: ${what}`, {
    action: when === 'save'
      ? (readOnlyBits ? `Make it writable again (chmod u+w "${abs}"); Loupe retries the save by itself.` : 'Free the disk for writing again; Loupe retries the save by itself.')
      : readOnlyBits
        ? `To review or import into it, make it writable (chmod u+w "${abs}") and open it again; \`loupe info --workspace "${abs}"\` reads it without writing.`
        : 'Copy the workspace to a disk you can write and open the copy.',
    details: { file: abs, mode: st.mode & 0o777 },
  });
}

/**
 * A file-system error met while opening a workspace, as a LoupeError naming the path and the fix; LoupeErrors and
 * unknown errors pass through.
 */
function fsOpenError(e: unknown, abs: string): unknown {
  if (e instanceof LoupeError) return e;
  const err = e as NodeJS.ErrnoException;
  const where = err.path && err.path !== abs ? ` (${err.path})` : '';
  if (err.code === 'EACCES' || err.code === 'EPERM') {
    return new LoupeError('PERMISSION_DENIED', `Cannot open ${abs}: permission denied${where}.`, {
      action: 'Loupe needs to read and write the workspace file and to write beside it (a lock file and saves); give it access, or copy the workspace to a folder you can write.',
      details: { errno: err.code, file: err.path ?? abs },
    });
  }
  if (err.code === 'EROFS') {
    return new LoupeError('READ_ONLY', `Cannot open ${abs} for writing: the disk is read-only${where}.`, {
      action: `Copy the workspace to a disk you can write and open the copy; \`loupe info --workspace "${abs}"\` reads it where it is.`,
      details: { errno: err.code, file: err.path ?? abs },
    });
  }
  return e;
}

/**
 * Removes the temp files of saves that a killed process left beside the workspace (`.<name>.<pid>.tmp`, as written
 * by {@link writeFileAtomic}); each can be as large as the workspace. Called with the lock held, so no live Loupe
 * is saving this workspace; files of a process that is still alive are left alone all the same.
 */
function removeStaleTempFiles(target: string): void {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const pid = Number(n.slice(prefix.length, -'.tmp'.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pidAlive(pid)) continue;
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
  /**
   * Open even though journal entries are damaged: apply every valid entry, set the damaged lines aside in
   * `<journal>.damaged-<time>` (nothing is deleted), save, and say so in {@link Workspace.notices}.
   */
  keepValidJournalEntries?: boolean;
}

/** An open workspace. Owned by one thread; not safe to share. */
export class Workspace {
  private readonly journal: JournalWriter;
  private journalSeq: number;
  private dirtySinceCheckpoint = false;
  private closed = false;
  /** Decisions committed while a bulk change runs, re-applied if it rolls back. Null when none runs. */
  private bulkDecisions: JournalEntry[] | null = null;
  /** The largest id this process handed out per table (see {@link nextId}). */
  private readonly idFloor = new Map<AllocatedTable, number>();
  /** The background loader's next step (see {@link loadInBackground}). */
  private loadTimer: NodeJS.Timeout | null = null;
  /** performance.now() of the last call's start or end (see {@link noteActivity}). */
  private lastActivity = -Infinity;
  /** What opening found and repaired (a torn journal line, entries set aside), for the user. */
  readonly notices: string[] = [];
  /**
   * {@link diskIdentity} of the file this workspace opened or last saved; null before the first save of a new one.
   * Each save compares the path with it first (see {@link checkUnchangedOnDisk}).
   */
  private onDisk: string | null = null;
  /** Migrations applied at open and not saved yet: saved when the background read ends (see {@link loadInBackground}). */
  private upgradeUnsaved = false;
  /** The thread faulting in the pages of a reserved image (dbfile/prefault.ts), while it runs. */
  private toucher: PageToucher | null = null;
  /** Set once a save found the file replaced or rewritten by another program (see {@link changedOnDisk}). */
  private replaced: LoupeError | null = null;

  private constructor(
    /** The path as given, made absolute (may be a symlink): what the user sees. */
    readonly file: string,
    /** The real file every read and write goes to. */
    readonly target: string,
    readonly db: Db,
    private readonly sql: SqlJsStatic,
    private readonly lock: HeldLock | null,
    readonly readOnly = false,
    /** The file image sql.js adopted (dbfile/image.ts): saved from in place, never copied for a save. */
    private image: DbImage = DbImage.none(),
  ) {
    this.journal = new JournalWriter(journalPath(target));
    this.journalSeq = Number(this.meta('journal_seq') ?? '0');
  }

  /**
   * Opens (or creates) a workspace file: reads it in chunks, checks it is SQLite, migrates it, replays the journal.
   * @throws LoupeError WORKSPACE_MISSING (no file, or no folder to create it in), WORKSPACE_CORRUPT, WORKSPACE_TOO_NEW,
   *   WORKSPACE_NOT_OPEN (a folder, a pipe), READ_ONLY (a read-only file or disk), PERMISSION_DENIED, CONFLICT
   *   (locked by another process), JOURNAL_DAMAGED (an entry cannot be applied; see `keepValidJournalEntries`),
   *   DISK_FULL (the first save of a new or replayed workspace)
   */
  static async open(file: string, opts: OpenOptions = {}): Promise<Workspace> {
    const abs = path.resolve(file);
    const target = resolveWorkspaceTarget(abs);
    const SQL = await loadSqlJs();
    const readOnly = !!opts.readOnly;
    if (readOnly && opts.create) throw new LoupeError('BAD_REQUEST', 'A workspace opened to read only cannot be created.');
    checkWorkspacePath(abs, target, !!opts.create);
    const exists = fs.existsSync(target);
    if (!exists && !opts.create) {
      throw new LoupeError('WORKSPACE_MISSING', `Workspace file not found: ${abs}`, { action: 'Create a new workspace or open another file.' });
    }
    if (!readOnly) refuseReadOnlyFile(abs, target);
    let lock: HeldLock | null = null;
    if (opts.lock !== false && !readOnly) {
      try {
        lock = acquireLock(target);
      } catch (e) {
        throw fsOpenError(e, abs);
      }
      removeStaleTempFiles(target);
    }
    try {
      let raw;
      let image = DbImage.none();
      let openedStat: fs.BigIntStats | null = null;
      if (exists) {
        let read: { image: LazyImage; size: number; stat: fs.BigIntStats };
        try {
          // Into a buffer with room to grow, which sql.js then adopts without a copy (dbfile/image.ts); only the
          // header is read now, the rest as SQLite reaches it and in the background (dbfile/lazy.ts).
          read = LazyImage.open(target, (size) => capacityFor(size));
        } catch (e) {
          throw fsOpenError(e, abs);
        }
        if (read.size > 0) {
          const head = Buffer.from(read.image.subarray(0, 16)).toString('latin1');
          if (head !== SQLITE_MAGIC) {
            read.image.close();
            throw new LoupeError('WORKSPACE_CORRUPT', `${path.basename(abs)} is not an SQLite workspace file (its first bytes are not "SQLite format 3").`,
              { action: 'Open another workspace, or create a new one.' });
          }
        }
        openedStat = read.stat;
        ({ raw, image } = DbImage.open(SQL, read.image, read.size));
        if (!image.pending) read.image.close();
      } else {
        raw = new SQL.Database();
      }
      const db = new Db(raw);
      try {
        db.exec(PRAGMAS);
        // Reading the schema touches the header and the first pages; a full integrity check would read every page
        // and cost seconds on a large workspace, so damage further in is reported when a query reaches it.
        if (exists) db.value('SELECT count(*) FROM sqlite_master');
      } catch (e) {
        db.close();
        image.close();
        if (e instanceof LoupeError) throw e;
        throw new LoupeError('WORKSPACE_CORRUPT', `${path.basename(abs)} cannot be read as SQLite: ${(e as Error).message}`, { action: 'Open another workspace, or create a new one.' });
      }
      const fresh = (db.value<number>('PRAGMA user_version') ?? 0) === 0 && !db.hasTable('meta');
      let upgraded: number[] = [];
      try {
        upgraded = migrate(db);
        if (fresh) {
          db.tx(() => {
            const now = Date.now();
            db.run("INSERT INTO meta (key, value) VALUES ('created_at', ?), ('time_zone', 'UTC'), ('journal_seq', '0')", [String(now)]);
          });
        }
      } catch (e) {
        db.close();
        image.close();
        throw e;
      }
      const ws = new Workspace(abs, target, db, SQL, lock, readOnly, image);
      ws.onDisk = openedStat ? diskIdentity(openedStat) : null;
      try {
        ws.replayJournal(!!opts.keepValidJournalEntries);
        if ((fresh || !exists) && !readOnly) ws.checkpoint();
        else if (upgraded.length > 0 && !readOnly && !ws.dirtySinceCheckpoint) {
          // Migrations applied on open live in memory only until saved: saving now would read the whole file first
          // (seconds at 1M requests), so the upgrade is saved once the background read has the file in memory
          // (loadInBackground), or by the next save or close, whichever comes first; until then it is redone at
          // each open.
          ws.dirtySinceCheckpoint = true;
          ws.upgradeUnsaved = true;
        }
      } catch (e) {
        ws.journal.close();
        db.close();
        image.close();
        throw e;
      }
      return ws;
    } catch (e) {
      lock?.release();
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
    try { return fs.statSync(this.target).size; } catch { return 0; }
  }

  /** Estimated size of the database in memory, in bytes (page_count × page_size). */
  memoryBytes(): number {
    return (this.db.value<number>('PRAGMA page_count') ?? 0) * (this.db.value<number>('PRAGMA page_size') ?? 4096);
  }

  /**
   * The next id for a table whose ids the store allocates: one above both the largest id in the table and the
   * largest this process handed out, so no rollback can make an id be handed out twice.
   */
  nextId(table: AllocatedTable): number {
    const inTable = (this.db.value<number>(`SELECT coalesce(max(id), 0) FROM ${table}`) ?? 0) + 1;
    const id = Math.max(inTable, (this.idFloor.get(table) ?? 0) + 1);
    this.idFloor.set(table, id);
    return id;
  }

  /** Whether a bulk change (an import) is running. */
  get bulkRunning(): boolean {
    return this.bulkDecisions !== null;
  }

  /**
   * Commits a small change durably: the statements run in one transaction (a savepoint when an import's transaction
   * is open), are appended to the journal and fsynced, then the transaction commits. Returns after the change is on
   * disk (typically a few ms). While an import runs, the change is also kept to be applied again should the import
   * roll back (see the file's doc comment).
   * @throws whatever the statements throw (nothing is journaled then); DISK_FULL / READ_ONLY / PERMISSION_DENIED
   *   when the journal cannot be written (the change is rolled back, the journal cut back to its last whole entry)
   */
  commit(stmts: JournalStmt[]): void {
    this.assertWritable();
    const id = this.meta('created_at');
    const entry: JournalEntry = { seq: this.journalSeq + 1, ...(id !== null && id !== undefined ? { ws: id } : {}), stmts };
    this.db.tx(() => {
      this.applyStmts(entry);
      try {
        this.journal.append(entry);
      } catch (e) {
        throw asWriteError(e, this.journal.file, 'decision');
      }
    });
    this.journalSeq = entry.seq;
    this.dirtySinceCheckpoint = true;
    this.bulkDecisions?.push(entry);
  }

  private applyStmts(entry: JournalEntry): void {
    for (const [sql, params] of entry.stmts) this.db.run(sql, params ?? undefined);
    this.db.run("INSERT INTO meta (key, value) VALUES ('journal_seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(entry.seq)]);
  }

  /**
   * Runs a large change (an import) in one transaction and saves the whole file when it commits. Nothing of a failed
   * or cancelled change remains, in memory or on disk; decisions committed while it ran remain, with their ids.
   * Before committing, the free space for the save is checked, so a full disk refuses the change instead of
   * committing one that cannot be saved.
   * @throws what `fn` throws; DISK_FULL (no room for the save: nothing imported); IMPORT_BUSY (another one runs)
   */
  async bulk<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    this.assertWritable();
    if (this.bulkDecisions) throw new LoupeError('IMPORT_BUSY', 'Another import is running.', { action: 'Wait for it to finish or cancel it.' });
    this.bulkDecisions = [];
    let result: T;
    try {
      result = await this.db.txAsync(async () => {
        const r = await fn(this.db);
        this.checkSpaceForSave();
        return r;
      });
    } catch (e) {
      const redo = this.bulkDecisions;
      this.bulkDecisions = null;
      hook('bulk.rolledBack', { decisions: redo.length });
      try {
        this.reapply(redo);
      } catch {
        // Should a decision not apply again in memory, rebuild memory the way a restart would: the file plus the
        // journal, which holds every one of them.
        if (!this.closed) this.reloadFromDisk();
      }
      throw e;
    }
    this.bulkDecisions = null;
    hook('bulk.committed');
    try {
      this.checkpoint();
    } catch (e) {
      // The change committed in memory but could not be saved: go back to the file and the journal, so the refused
      // change leaves the workspace as it was, with every confirmed decision. Not when the file was replaced by
      // another program: reading it now would mix the two; the workspace then refuses every call but close.
      if (!this.changedOnDisk) this.reloadFromDisk();
      throw e;
    }
    return result;
  }

  /**
   * Makes room for the file to reach `bytes` without sql.js moving it (a large import): when the adopted buffer is
   * smaller, the image moves once to a larger one. Outside a transaction only.
   * @param bytes - the size the file may reach (bytes)
   * @param touch - the size the file will surely reach (bytes; 0: unknown): when the image moves and this is at least
   *   {@link TOUCH_MIN_BYTES} past its end, the pages up to it are faulted in on another thread
   *   (dbfile/prefault.ts), so the import's writes do not pay for them
   */
  reserve(bytes: number, touch = 0): void {
    this.assertOpen();
    if (this.readOnly || this.db.inTransaction || this.image.capacity >= bytes) return;
    const live = this.image.live(this.db.raw);
    this.adoptCopy(live ?? this.db.raw.export(), bytes, touch);
  }

  /**
   * Copies a file image into a new buffer with room to grow to `want` bytes and opens the database over it; the
   * pages up to `touch` are faulted in on another thread (see {@link reserve}).
   */
  private adoptCopy(bytes: Uint8Array, want: number, touch = 0): void {
    const capacity = capacityFor(bytes.length, want);
    const shared = touch - bytes.length >= TOUCH_MIN_BYTES ? new SharedArrayBuffer(capacity) : null;
    const buffer = shared ? new Uint8Array(shared) : new Uint8Array(capacity);
    buffer.set(bytes);
    this.adopt(buffer, bytes.length);
    if (shared) this.toucher = touchPagesElsewhere(shared, bytes.length, touch);
  }

  /** Replaces the database with one over the first `size` bytes of `buffer` (adopted, not copied). */
  private adopt(buffer: Uint8Array, size: number): void {
    const { raw, image } = DbImage.open(this.sql, buffer, size);
    this.db.replace(raw);
    this.image.close();
    this.toucher?.stop();
    this.toucher = null;
    this.image = image;
    this.db.exec(PRAGMAS);
  }

  /** Applies again, in order, decisions whose effect a rolled-back import took with it. */
  private reapply(entries: JournalEntry[]): void {
    for (const entry of entries) this.db.tx(() => this.applyStmts(entry));
  }

  /**
   * Refuses (DISK_FULL) when the disk cannot hold a new copy of the workspace, so a save cannot fail for space
   * after an import committed. File systems without statfs are not checked.
   */
  private checkSpaceForSave(): void {
    let free: number;
    try {
      const s = fs.statfsSync(path.dirname(this.target));
      free = s.bavail * s.bsize;
    } catch {
      return;
    }
    const need = this.memoryBytes() + SAVE_SPACE_MARGIN;
    if (free >= need) return;
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    throw new LoupeError('DISK_FULL',
      `Not enough disk space to save the workspace with this import: it needs about ${mb(need)} free on ${path.dirname(this.target)}, and ${mb(free)} are free. Nothing was imported; every confirmed decision is kept.`,
      { action: 'Free some space on that disk, then import the file again.', details: { errno: 'ENOSPC', needed_bytes: need, free_bytes: free } });
  }

  /**
   * Replaces the database in memory with the file on disk plus the journal (after a change that could not be
   * saved). Anything not journaled since the last save is dropped; everything confirmed stays.
   */
  private reloadFromDisk(): void {
    // A file another program put in the path is not read into this workspace (the check marks it refused).
    try { this.checkUnchangedOnDisk(); } catch { return; }
    const read = readInto(this.target, (size) => capacityFor(size));
    this.adopt(read.buffer, read.size);
    migrate(this.db);
    const seqInMemory = this.journalSeq;
    this.journalSeq = Number(this.meta('journal_seq') ?? '0');
    const entries = readJournal(this.journal.file).lines;
    for (const l of entries) {
      if (l.kind !== 'entry' || l.entry.seq <= this.journalSeq) continue;
      this.db.tx(() => this.applyStmts(l.entry));
      this.journalSeq = l.entry.seq;
    }
    this.journalSeq = Math.max(this.journalSeq, seqInMemory);
    this.dirtySinceCheckpoint = this.journal.entries > 0 || entries.length > 0;
  }

  /** Number of journal entries since the last checkpoint. */
  get pendingJournalEntries(): number {
    return this.journal.entries;
  }

  /**
   * Saves the whole database to disk atomically and empties the journal. Entries written between the save and the
   * truncation are harmless: they carry seq numbers the file already has, so replay skips them.
   * @throws LoupeError IMPORT_BUSY while an import's transaction is open (it saves when it ends); READ_ONLY when
   *   the file was made read-only meanwhile (it is not rewritten); DISK_FULL / PERMISSION_DENIED from the write
   *   (the file on disk and the journal are untouched)
   */
  checkpoint(): void {
    this.assertWritable();
    if (this.db.inTransaction) {
      throw new LoupeError('IMPORT_BUSY', 'The workspace is saved when the running import ends.', { action: 'Wait for the import to finish.' });
    }
    refuseReadOnlyFile(this.file, this.target, 'save');
    this.checkUnchangedOnDisk();
    // The adopted image is written from where it lies; only when it is not the live file any more (see
    // dbfile/image.ts) is the database exported (a copy) and that copy adopted for the next saves.
    const live = this.image.live(this.db.raw);
    const bytes = live ?? this.db.raw.export();
    try {
      this.onDisk = diskIdentity(writeFileAtomic(this.target, bytes));
    } catch (e) {
      throw asWriteError(e, this.target, 'save');
    }
    if (!live) this.adoptCopy(bytes, 0);
    hook('save.renamed');
    this.journal.reset();
    this.dirtySinceCheckpoint = false;
    this.upgradeUnsaved = false;
  }

  /**
   * The WORKSPACE_CHANGED_ON_DISK error once another program was found to have written the open file in place
   * (dbfile/lazy.ts), else null: from then on nothing may run on this workspace but closing it (which cannot save).
   */
  get changedOnDisk(): Error | null {
    return this.image.failure ?? this.replaced;
  }

  /**
   * Refuses a save over a file that is not the one this workspace opened or last saved: another program renamed a
   * file over the path (a restore, a sync client, `mv`), or wrote it in place once Loupe had read it all (dbfile/lazy.ts
   * catches writes while pages are unread). The other program's file is left as it is; from then on the workspace
   * refuses every call but closing it (see {@link changedOnDisk}), and the journal keeps every confirmed decision.
   * A path with no file any more (deleted or moved away) is saved to as usual: nothing would be overwritten.
   * @throws LoupeError WORKSPACE_CHANGED_ON_DISK naming the file, what changed and what to do
   */
  private checkUnchangedOnDisk(): void {
    if (this.replaced) throw this.replaced;
    if (this.onDisk === null) return;
    let st: fs.BigIntStats;
    try {
      st = fs.statSync(this.target, { bigint: true });
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return;
      throw e;
    }
    const now = diskIdentity(st);
    if (now === this.onDisk) return;
    const [dev0, ino0, size0] = this.onDisk.split('/');
    const how = `${dev0}/${ino0}` !== `${st.dev}/${st.ino}`
      ? 'another file was put in its place'
      : size0 !== String(st.size) ? `it was rewritten in place: ${Number(size0).toLocaleString('en-US')} bytes then, ${Number(st.size).toLocaleString('en-US')} now` : 'it was rewritten in place; its modification time moved';
    const journal = path.basename(this.journal.file);
    this.replaced = new LoupeError('WORKSPACE_CHANGED_ON_DISK',
      `${this.file} was changed on disk by another program since Loupe opened or last saved it (${how}). Loupe did not save over it: that file is kept exactly as it is. Every review and decision you confirmed is kept in the journal ${journal} beside it; changes not yet confirmed there (an import that was being saved) are not saved.`,
      {
        action: `Close the workspace and open it again: Loupe then reads the file now on disk and applies the journal's decisions to it. To open the file now on disk without this session's decisions, move ${journal} out of its folder first.`,
        details: { path: this.file, journal: this.journal.file, opened_or_saved: this.onDisk, now },
      });
    throw this.replaced;
  }

  /** Marks a call to the store as running or just finished: the background read waits for a quiet moment. */
  noteActivity(): void {
    this.lastActivity = performance.now();
  }

  /**
   * Reads the rest of a file image read on demand (dbfile/lazy.ts) in the background, `LOAD_STEP_BYTES` per turn of
   * the event loop, only once no call has run for `LOAD_IDLE_MS` (see {@link noteActivity}), so the first screen's
   * calls and a reviewer's next item never wait behind it, and a later save or scan finds the file in memory. Stops
   * by itself when everything is read or the workspace closes; a read error is left for the call that next needs
   * the chunk to report. When everything is read, migrations applied at open are saved (see {@link saveUpgrade}).
   * @param delayMs - wait before the first step, in ms
   */
  loadInBackground(delayMs = LOAD_IDLE_MS): void {
    if (this.closed || this.loadTimer) return;
    // Already all in memory: an upgrade made at open is saved now (a write, no read).
    if (!this.image.pending) return this.saveUpgrade();
    const schedule = (ms: number): void => {
      this.loadTimer = setTimeout(step, ms);
      this.loadTimer.unref?.();
    };
    const step = (): void => {
      this.loadTimer = null;
      if (this.closed) return;
      const quiet = performance.now() - this.lastActivity;
      if (quiet < LOAD_IDLE_MS) return schedule(LOAD_IDLE_MS - quiet);
      let more: boolean;
      try { more = this.image.loadSome(LOAD_STEP_BYTES); } catch { return; }
      if (more) schedule(0);
      else this.saveUpgrade();
    };
    schedule(delayMs);
  }

  /**
   * Saves the migrations applied at open (see {@link open}) once the file is in memory, so the next open does not
   * apply them again. Not while an import's transaction is open (its own save carries them). A failure is left for
   * the next save or close to report.
   */
  private saveUpgrade(): void {
    if (!this.upgradeUnsaved || this.closed || this.db.inTransaction || !this.dirtySinceCheckpoint) return;
    try { this.checkpoint(); } catch { /* reported by the next save */ }
  }

  /** Whether journaled changes wait for a checkpoint. */
  get dirty(): boolean {
    return this.dirtySinceCheckpoint;
  }

  /**
   * Checkpoints when needed and releases the file. Safe to call twice. With an import's transaction still open the
   * import is abandoned (it rolls back with the closed database) and no save is made: the journal already holds
   * every confirmed decision and the next open replays it.
   * @throws the save's error (the file is released all the same)
   */
  close(): void {
    if (this.closed) return;
    try {
      if (this.dirtySinceCheckpoint && !this.readOnly && !this.db.inTransaction && !this.changedOnDisk) this.checkpoint();
    } finally {
      this.closed = true;
      if (this.loadTimer) clearTimeout(this.loadTimer);
      this.journal.close();
      this.db.close();
      this.image.close();
      this.toucher?.stop();
      this.lock?.release();
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

  /**
   * Applies journal entries newer than the file's journal_seq, then (writable) saves and empties the journal.
   * - A torn last line is an append that never returned: never confirmed, ignored.
   * - A torn line in the middle (an append cut by a full disk, in a version that did not cut it back) whose later
   *   lines are all whole is skipped, and a notice says so; a whole entry written after the torn part on the same
   *   line is recovered.
   * - A damaged entry (altered bytes, wrong shape, statements that fail) refuses the open with JOURNAL_DAMAGED naming
   *   its line and what would be kept, unless `keepValid`: then every valid entry is applied, the journal is copied
   *   aside, and a notice names what was kept and where the damaged lines are.
   */
  /**
   * Whether the journal beside the file belongs to another workspace than the one now in the file's place (a file
   * moved, restored or synced over it): its entries name another workspace id, or its first entry newer than the
   * file does not follow the file's last saved decision (an older copy of this workspace, decisions missing between).
   * Then nothing is applied (the decisions would land on the wrong workspace, or out of order), the journal is set
   * aside beside the file as `<journal>.other-<time>` (read only: left in place) and a notice says so.
   */
  private journalForAnotherFile(lines: readonly JournalLine[]): boolean {
    const entries = lines.flatMap((l) => (l.kind === 'entry' ? [l.entry] : []));
    const id = this.meta('created_at') ?? null;
    const foreign = entries.find((e) => e.ws !== undefined && id !== null && e.ws !== id);
    const newer = entries.filter((e) => e.seq > this.journalSeq);
    const gap = newer.length > 0 && Math.min(...newer.map((e) => e.seq)) > this.journalSeq + 1;
    if (!foreign && !gap) return false;
    const jp = this.journal.file;
    const when = (ms: string | null | undefined) => (ms && Number.isFinite(Number(ms)) ? new Date(Number(ms)).toISOString() : 'unknown');
    const why = foreign
      ? `it was written for another workspace (created ${when(foreign.ws)}) than the file now at ${this.file} (created ${when(id)})`
      : `its decisions start at number ${Math.min(...newer.map((e) => e.seq))}, but the file now at ${this.file} was last saved at decision ${this.journalSeq} (an older copy of it was put in its place; the decisions between are not in the journal)`;
    let kept = path.basename(jp);
    if (!this.readOnly) {
      const aside = `${jp}.other-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.renameSync(jp, aside);
      kept = path.basename(aside);
    }
    this.notices.push(`The journal beside this workspace holds ${entries.length} confirmed decision${entries.length === 1 ? '' : 's'} that were not applied: ${why}. `
      + `It was kept as ${kept}; to apply it, put the workspace it belongs to back at this path, rename the journal to ${path.basename(jp)} beside it and open it.`);
    return true;
  }

  private replayJournal(keepValid: boolean): void {
    const jp = this.journal.file;
    const read = readJournal(jp);
    if (read.lines.length === 0) {
      if (!this.readOnly && fs.existsSync(jp)) this.journal.reset();
      return;
    }
    const body = read.tornTail ? read.lines.slice(0, -1) : read.lines;
    const problems: Array<{ line: number; reason: string }> = [];
    const tornSkipped: number[] = [];
    const startSeq = this.journalSeq;
    if (this.journalForAnotherFile(body)) return;
    for (let i = 0; i < body.length; i++) {
      const l = body[i]!;
      if (l.kind === 'torn') {
        if (body.slice(i + 1).every((x) => x.kind === 'entry')) tornSkipped.push(l.line);
        else problems.push({ line: l.line, reason: 'it is cut off (a torn write) and other damaged lines follow it' });
      } else if (l.kind === 'entry' && l.recovered) {
        tornSkipped.push(l.line);
      }
    }
    let applied = 0;
    for (const l of body) {
      if (l.kind === 'damaged') {
        problems.push({ line: l.line, reason: l.reason });
        continue;
      }
      if (l.kind !== 'entry' || l.entry.seq <= this.journalSeq) continue;
      try {
        this.db.tx(() => this.applyStmts(l.entry));
        this.journalSeq = l.entry.seq;
        applied++;
      } catch (e) {
        problems.push({ line: l.line, reason: `its statements fail: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    problems.sort((a, b) => a.line - b.line);
    const name = path.basename(jp);
    if (problems.length > 0 && !keepValid) {
      const list = problems.slice(0, 5).map((p) => `line ${p.line} (${p.reason})`).join('; ');
      throw new LoupeError('JOURNAL_DAMAGED',
        `The journal ${name} beside the workspace has ${problems.length === 1 ? 'a damaged entry' : `${problems.length} damaged entries`}: ${list}${problems.length > 5 ? '; …' : ''}. ${applied} other entr${applied === 1 ? 'y is' : 'ies are'} valid (decisions newer than the last save).`,
        {
          action: `Keep every valid entry: run \`npx loupe repair --workspace "${this.file}"\`${this.readOnly ? ' after closing the app that has it open' : ' (or choose "Keep the valid entries")'}. The ${applied} valid entr${applied === 1 ? 'y is' : 'ies are'} applied and saved; the journal is kept aside as ${name}.damaged-<time>, not deleted.`,
          details: { journal: jp, damaged: problems, valid_entries: applied, last_saved_seq: startSeq },
        });
    }
    if (tornSkipped.length > 0) {
      this.notices.push(`The journal had a torn write at line ${tornSkipped.join(', ')} (an append cut off when the disk was full or the process stopped; it was never confirmed). It was skipped and every whole entry was kept (${applied} applied).`);
    }
    // Read only: the replayed state lives in memory; the journal belongs to whoever has the file open.
    if (this.readOnly) return;
    if (problems.length > 0) {
      const aside = `${jp}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.copyFileSync(jp, aside);
      this.notices.push(`Kept ${applied} valid journal entr${applied === 1 ? 'y' : 'ies'}; set aside ${problems.length} damaged (${problems.map((p) => `line ${p.line}: ${p.reason}`).join('; ')}). The whole journal was copied to ${path.basename(aside)}.`);
    }
    if (applied > 0 || problems.length > 0 || tornSkipped.length > 0) this.checkpoint();
    else this.journal.reset();
  }
}

export { LATEST_VERSION };
