/**
 * A workspace file image read from disk on demand: the buffer sql.js adopts (dbfile/image.ts) starts empty and each
 * 4 KiB chunk (a page) of the file is read into it the first time SQLite reads or writes there, or when the workspace loads
 * the rest in the background (from the end of the file: see {@link LazyImage.loadSome}). Opening a large workspace then reads only the pages the first screen needs instead of
 * the whole file: at 1M requests (625 MB) reading the file is most of the open (about 2 s on the bench machine,
 * where first-touching fresh memory costs about 3 ms per MB).
 *
 * Why this is safe: sql.js's in-memory file system (MEMFS) reaches a file's bytes only through `subarray` (every
 * read, the copy made before it grows or truncates the file, an export) and `set` (every write) of the buffer, both
 * overridden here to read the chunks they touch first. The file descriptor stays open until every chunk is read, so
 * the bytes read later are those of the file as it was opened even when a save has since renamed a new file over
 * the path (the old file lives on until the descriptor closes). A save reads the rest first (it writes
 * `subarray(0, size)`). Loupe's saves write a temp file and rename it, and the lock keeps other Loupe processes from
 * writing it; but another program can write the file in place (`cp` over it, a restore, a sync client). Every read
 * is therefore followed by an fstat of the open file: when its size, modification or change time differ from those
 * at open, the chunk just read may mix two files, so it is not kept and this image refuses every later read (and so
 * every save, which reads the rest first) with WORKSPACE_CHANGED_ON_DISK: the workspace must be opened again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LoupeError } from '../../../shared/errors';

/**
 * Bytes per chunk read on demand: one page of a workspace (page_size 4096), so a look-up reads its pages and no more
 * (64 KiB chunks made the grid's first page read 8 MB: the day cells' pages lie between their overflow pages).
 * Runs of unread chunks are read with one call.
 */
export const LAZY_CHUNK = 4096;

/** Pages read ahead when a page is read right after the one before it (a table or index scan): 256 KiB. */
const READ_AHEAD = 64;
/** Bytes per read call; well under Node's 2 GiB limit. */
const READ_MAX = 64 * 1024 * 1024;

/** A buffer holding a file image whose chunks are read from disk on first use. */
export class LazyImage extends Uint8Array<ArrayBuffer> {
  /** Typed-array methods that make new arrays (subarray's views, slice's copies) make plain ones. */
  static get [Symbol.species](): Uint8ArrayConstructor {
    return Uint8Array;
  }

  private fd: number | null;
  /** 1 per chunk read (or never to be read: past the end of the file). */
  private readonly loaded: Uint8Array;
  private left: number;
  /** The background loader's position: every chunk from here to the end is read (it reads backwards). */
  private cursor: number;

  /**
   * Opens `file` and reads its first chunk (the header); the rest is read on demand. Also returns the open file's
   * stat (the workspace compares the path with it before each save).
   * @param capacityOf - the buffer's size for a file of `size` bytes (room to grow; at least `size`)
   * @throws the fs error for a missing or unreadable file
   */
  static open(file: string, capacityOf: (size: number) => number): { image: LazyImage; size: number; stat: fs.BigIntStats } {
    const fd = fs.openSync(file, 'r');
    try {
      const st = fs.fstatSync(fd, { bigint: true });
      const size = Number(st.size);
      const image = new LazyImage(Math.max(size, capacityOf(size)), fd, size, file, identity(st));
      image.ensure(0, Math.min(size, 1));
      return { image, size, stat: st };
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  /** Set once the file changed on disk while chunks were unread: every later read throws it. */
  private changed: LoupeError | null = null;

  private constructor(capacity: number, fd: number, readonly fileSize: number, private readonly file: string, private readonly opened: string) {
    super(new ArrayBuffer(capacity));
    const chunks = Math.ceil(fileSize / LAZY_CHUNK);
    this.loaded = new Uint8Array(chunks);
    this.left = chunks;
    this.cursor = chunks;
    this.fd = chunks > 0 ? fd : null;
    if (chunks === 0) fs.closeSync(fd);
  }

  /** How many chunks are still to be read. */
  get unreadChunks(): number {
    return this.left;
  }

  /** The WORKSPACE_CHANGED_ON_DISK error once the file was found written in place since open, else null. */
  get failure(): LoupeError | null {
    return this.changed;
  }

  /** Whether chunks are still to be read. */
  get pending(): boolean {
    return this.left > 0;
  }

  /**
   * Reads the chunks covering bytes [start, end) that are not read yet.
   * @throws the fs error of a failed read (the chunk stays unread)
   */
  ensure(start: number, end: number): void {
    if (this.left === 0) return;
    const last = Math.min(end, this.fileSize);
    const stop = Math.ceil(last / LAZY_CHUNK);
    for (let c = Math.floor(Math.max(0, start) / LAZY_CHUNK); c < stop; c++) {
      if (this.loaded[c]) continue;
      let e = c + 1;
      while (e < stop && !this.loaded[e]) e++;
      // A page read right after the one before it (a scan): read ahead the unread pages that follow.
      if (e === stop && c > 0 && this.loaded[c - 1]) {
        const ahead = Math.min(this.loaded.length, e + READ_AHEAD);
        while (e < ahead && !this.loaded[e]) e++;
      }
      this.read(c, e);
      c = e - 1;
    }
  }

  /** Reads every chunk not read yet and closes the file. @throws the fs error of a failed read */
  loadAll(): void {
    this.ensure(0, this.fileSize);
  }

  /**
   * Reads up to `bytes` more, for the background loader: the unread chunks nearest the end of the file first. A
   * workspace's raw rows fill the front of its file (at 1M requests pages 5–96,773 of 155,235) and what the first
   * screens read lies behind them: the secondary indexes (rebuilt after a large import), then the hour and the day
   * summary cells (built last; the day cells are the file's last 2,161 pages). Read from the end, the first
   * metrics view, the drift's counts and the grid's filters find their pages in memory a few steps after open
   * instead of after the whole file.
   * @returns whether chunks are still to be read
   */
  loadSome(bytes: number): boolean {
    let budget = Math.max(1, Math.floor(bytes / LAZY_CHUNK));
    while (this.left > 0 && budget > 0) {
      // Every chunk at or past the cursor is read.
      while (this.cursor > 0 && this.loaded[this.cursor - 1]) this.cursor--;
      if (this.cursor === 0) break;
      let s = this.cursor - 1;
      while (s > 0 && this.cursor - s < budget && !this.loaded[s - 1]) s--;
      budget -= this.cursor - s;
      this.read(s, this.cursor);
    }
    return this.left > 0;
  }

  /** Closes the file if it is still open (the unread chunks are never read). Safe to call twice. */
  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.left = 0;
  }

  override subarray(begin?: number, end?: number): Uint8Array<ArrayBuffer> {
    if (this.left > 0) {
      const b = begin === undefined ? 0 : begin < 0 ? Math.max(0, this.length + begin) : begin;
      const e = end === undefined ? this.length : end < 0 ? Math.max(0, this.length + end) : end;
      this.ensure(b, e);
    }
    return super.subarray(begin, end);
  }

  override set(source: ArrayLike<number>, offset = 0): void {
    if (this.left > 0) this.ensure(offset, offset + source.length);
    super.set(source, offset);
  }

  /** Marks this image as unusable (see the file's comment) and returns the error every later read throws. */
  private changedOnDisk(how: string): LoupeError {
    this.changed = new LoupeError('WORKSPACE_CHANGED_ON_DISK',
      `${path.basename(this.file)} was changed on disk by another program while Loupe had it open (${how}); Loupe stopped reading it so that the two versions are not mixed, and will not save over it.`,
      { action: 'Close the program that wrote it (a sync client, a restore, a copy), then open the workspace again.', details: { path: this.file } });
    return this.changed;
  }

  /** Reads chunks [c, e), all unread, with as few calls as the OS needs. */
  private read(c: number, e: number): void {
    if (this.changed) throw this.changed;
    if (this.fd === null) throw new Error('LazyImage: the workspace file was closed before every chunk was read.');
    const start = c * LAZY_CHUNK;
    const len = Math.min(e * LAZY_CHUNK, this.fileSize) - start;
    let off = 0;
    // A plain view: this one's `subarray`/`set` would come back here.
    const view = new Uint8Array(this.buffer, this.byteOffset + start, len);
    while (off < len) {
      const n = fs.readSync(this.fd, view, off, Math.min(len - off, READ_MAX), start + off);
      if (n === 0) throw this.changedOnDisk(`it now ends at ${start + off} bytes, ${this.fileSize} when opened`);
      off += n;
    }
    // Written in place since open: what was just read may belong to another file, so it is not kept.
    const st = fs.fstatSync(this.fd, { bigint: true });
    const now = identity(st);
    if (!sameBytes(this.opened, now, st.nlink === 0n)) throw this.changedOnDisk(`size, modification and change times when opened ${this.opened}, now ${now}`);
    this.loaded.fill(1, c, e);
    this.left -= e - c;
    if (this.left === 0) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}

/** What identifies the bytes of an open file: its size, and its modification and change times in ns. */
function identity(st: fs.BigIntStats): string {
  return `${st.size}/${st.mtimeNs}/${st.ctimeNs}`;
}

/**
 * Whether an open file still holds the bytes it held at open: the same size and modification time, and the same
 * change time (any write moves it, even one that sets the modification time back, as `cp -p` does) unless the file
 * was unlinked: a save renamed over its path moves the old file's change time but not its bytes.
 */
function sameBytes(opened: string, now: string, unlinked: boolean): boolean {
  if (opened === now) return true;
  const [s0, m0] = opened.split('/');
  const [s1, m1] = now.split('/');
  return unlinked && s0 === s1 && m0 === m1;
}
