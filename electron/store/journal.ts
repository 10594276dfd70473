/**
 * The journal of a workspace, `<real path>.loupe-journal`: one line per confirmed small change (a review, a skip, an
 * undo, a setting), appended and fdatasynced before the change is confirmed, replayed on open, emptied by a save.
 *
 * A line is the JSON object `{"seq":N,"ws":"<workspace id>","stmts":[[sql, params], …],"sum":"<crc32>"}`, where `sum`
 * is the CRC-32 of the line up to `,"sum"` (with the closing brace), so a damaged byte is caught before anything is
 * applied, and `ws` names the workspace the entry belongs to (a journal is never applied to another workspace put
 * in its file's place). Lines written by earlier versions have no `sum` or `ws` and are accepted as they are.
 *
 * A failed append (ENOSPC, EIO) is cut back off the file with ftruncate before the error is reported, so the journal
 * never holds a torn line followed by good ones. Should the cut itself fail, the next append starts on a new line,
 * and reading still recovers everything after the torn part ({@link readJournal}).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Params } from './db';
import { hook } from './test-hooks';

/** A statement and its parameters, as journaled. */
export type JournalStmt = [sql: string, params: Params | null];

/** One confirmed change. */
export interface JournalEntry {
  seq: number;
  /**
   * The workspace the entry was written for: its `created_at` (meta, UTC ms as text), the same in every copy of one
   * workspace and different between workspaces. Absent in lines of earlier versions.
   */
  ws?: string;
  stmts: JournalStmt[];
}

/** The journal's path for a workspace file. Not `-journal`: SQLite itself would take that for a hot rollback journal. */
export function journalPath(file: string): string {
  return `${file}.loupe-journal`;
}

const SUM_KEY = ',"sum":"';

function crc(text: string): string {
  return (zlib.crc32(text) >>> 0).toString(16).padStart(8, '0');
}

/** The line for an entry, with its checksum and the line feed. */
export function encodeEntry(entry: JournalEntry): string {
  const body = JSON.stringify(entry.ws === undefined ? { seq: entry.seq, stmts: entry.stmts } : { seq: entry.seq, ws: entry.ws, stmts: entry.stmts });
  return `${body.slice(0, -1)}${SUM_KEY}${crc(body)}"}\n`;
}

/** Writes with the file-system calls the journal uses; tests swap in faults (a full disk after N bytes). */
export const journalIo = {
  write: (fd: number, buf: Buffer, off: number, len: number): number => fs.writeSync(fd, buf, off, len),
  sync: (fd: number): void => fs.fdatasyncSync(fd),
  truncate: (fd: number, len: number): void => fs.ftruncateSync(fd, len),
};

/** Appends entries to one journal file. */
export class JournalWriter {
  private fd: number | null = null;
  private size = 0;
  /** A failed append could not be cut back: the next one starts on a fresh line. */
  private torn = false;
  /** Entries appended since the journal was last emptied. */
  entries = 0;

  constructor(readonly file: string) {}

  /**
   * Appends one entry and makes it durable (fdatasync). On any failure the bytes written are cut back off, so a
   * failed append leaves nothing behind.
   * @throws the fs error of the write or the sync
   */
  append(entry: JournalEntry): void {
    if (this.fd === null) {
      this.fd = fs.openSync(this.file, 'a');
      this.size = fs.fstatSync(this.fd).size;
      this.torn = this.size > 0 && !endsWithNewline(this.fd, this.size);
    }
    const fd = this.fd;
    const line = Buffer.from(`${this.torn ? '\n' : ''}${encodeEntry(entry)}`, 'utf8');
    const before = this.size;
    try {
      let off = 0;
      while (off < line.length) off += journalIo.write(fd, line, off, line.length - off);
      hook('journal.written', { file: this.file });
      journalIo.sync(fd);
    } catch (e) {
      try {
        journalIo.truncate(fd, before);
        journalIo.sync(fd);
      } catch {
        this.torn = true;
      }
      throw e;
    }
    this.size = before + line.length;
    this.torn = false;
    this.entries++;
  }

  /** Deletes the journal file (after a save holds everything in it). */
  reset(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
    this.entries = 0;
  }

  /** Closes the file descriptor. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.size = 0;
  }
}

function endsWithNewline(fd: number, size: number): boolean {
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, size - 1);
  return b[0] === 10;
}

/** A line of the journal as read. */
export type JournalLine =
  | { line: number; kind: 'entry'; entry: JournalEntry; recovered?: true }
  | { line: number; kind: 'torn'; text: string }
  | { line: number; kind: 'damaged'; reason: string };

/** Checks the shape of a parsed entry; returns the reason it is not one, or null. */
function shapeProblem(v: unknown): string | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a journal entry (expected an object with seq and stmts)';
  const e = v as { seq?: unknown; ws?: unknown; stmts?: unknown };
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) return 'its seq is not a positive whole number';
  if (e.ws !== undefined && typeof e.ws !== 'string') return 'its workspace id is not text';
  if (!Array.isArray(e.stmts)) return 'its stmts is not a list of statements';
  for (const [i, s] of e.stmts.entries()) {
    if (!Array.isArray(s) || typeof s[0] !== 'string' || (s[1] !== null && s[1] !== undefined && typeof s[1] !== 'object')) {
      return `statement ${i + 1} is not [sql, params]`;
    }
  }
  return null;
}

/** Parses one line: an entry, a torn write (not JSON), or a damaged entry (JSON, but wrong checksum or shape). */
function parseLine(text: string, line: number): JournalLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { line, kind: 'torn', text };
  }
  const problem = shapeProblem(v);
  if (problem) return { line, kind: 'damaged', reason: problem };
  const sum = (v as { sum?: unknown }).sum;
  if (sum !== undefined) {
    const at = text.lastIndexOf(SUM_KEY);
    if (at < 0 || typeof sum !== 'string' || crc(`${text.slice(0, at)}}`) !== sum) {
      return { line, kind: 'damaged', reason: 'its checksum does not match its content (the line was altered on disk)' };
    }
  }
  const e = v as JournalEntry;
  return { line, kind: 'entry', entry: { seq: e.seq, ...(e.ws !== undefined ? { ws: e.ws } : {}), stmts: e.stmts } };
}

/**
 * A torn line may carry a whole entry after its torn part: an append that failed mid-way, cut back neither by this
 * version nor (in older versions) at all, followed by the next append on the same line. Entries start with `{"seq":`
 * and that text cannot occur unescaped inside a JSON string, so the last such start that parses is that entry.
 */
function recoverTail(text: string, line: number): JournalLine | null {
  for (let at = text.lastIndexOf('{"seq":'); at > 0; at = text.lastIndexOf('{"seq":', at - 1)) {
    const p = parseLine(text.slice(at), line);
    if (p.kind === 'entry') return { ...p, recovered: true };
  }
  return null;
}

/** What reading a journal found. */
export interface JournalRead {
  /** Every non-blank line in order, classified. */
  lines: JournalLine[];
  /** The last line was torn and nothing follows it: an append that never returned (never confirmed). */
  tornTail: boolean;
}

/**
 * Reads and classifies every line of a journal (a missing file reads as empty). Nothing is applied here.
 * @throws fs errors other than ENOENT
 */
export function readJournal(file: string): JournalRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], tornTail: false };
    throw e;
  }
  const raw = text.split('\n');
  const lines: JournalLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i]!.trim();
    if (!t) continue;
    const p = parseLine(t, i + 1);
    lines.push(p.kind === 'torn' ? (recoverTail(t, i + 1) ?? p) : p);
  }
  const last = lines[lines.length - 1];
  return { lines, tornTail: last?.kind === 'torn' };
}
