/**
 * The workspace's SQLite file image held in a buffer Loupe owns, so opening and saving a large workspace copy it
 * no more than needed.
 *
 * sql.js keeps the database file in an in-memory file system (Emscripten MEMFS). Stock, it copies the bytes it is
 * given on open (`buffer.slice`), grows the file by 1.125× at a time while an import writes pages (each growth a new
 * allocation and a full copy: about 9 copies of the final size over a large import), and `export()` makes one more
 * full copy through SQLite's backup API for every save, which is what doubled peak memory at the end of an import.
 *
 * Here the file image is read from disk straight into a buffer with room to grow (`capacity`), and sql.js is handed
 * a view of it whose `slice` returns that buffer, so MEMFS adopts it (the one copy-free path MEMFS has for a file's
 * first write). Pages then are written in place; the buffer never moves while the file fits in it. A save writes the
 * image from the buffer itself.
 *
 * The buffer is only trusted when it is provably the live file: MEMFS replaces a file's storage when it grows past
 * its capacity or is truncated (a rolled-back import that had grown the file). Before a save, {@link DbImage.live}
 * writes a new value to the header's application id (offset 68, a field Loupe does not otherwise use) and checks that
 * the write landed in this buffer; if not, the caller falls back to `export()` and adopts the result again.
 * Measured at 1M requests (scripts/bench.ts): see docs in the closing note of issue 13.
 */
import fs from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { LazyImage } from './lazy';

/** Bytes per read call; well under Node's 2 GiB limit. */
const IO_CHUNK = 64 * 1024 * 1024;
/** Room kept above the file's size when it is adopted: half its size, at least 64 MiB. */
const MIN_HEADROOM = 64 * 1024 * 1024;
/** Two application ids ("Loup", "Louq") written alternately to prove the buffer is the live file. */
const MARKS = [0x4c6f7570, 0x4c6f7571] as const;
const APP_ID_OFFSET = 68;

/** The capacity to allocate for a file of `size` bytes that should be able to grow to `want` bytes. */
export function capacityFor(size: number, want = 0): number {
  const c = Math.max(want, size + Math.max(MIN_HEADROOM, Math.floor(size / 2)));
  return Math.ceil(c / 65536) * 65536;
}

/**
 * Reads a whole file into the start of a new buffer of `capacity` bytes (chunked: Node reads at most 2 GiB per call).
 * @returns the buffer and the file's size
 * @throws the fs error for a missing or unreadable file
 */
export function readInto(file: string, capacityOf: (size: number) => number): { buffer: Uint8Array<ArrayBuffer>; size: number } {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = new Uint8Array(Math.max(size, capacityOf(size)));
    let off = 0;
    while (off < size) {
      const n = fs.readSync(fd, buffer, off, Math.min(IO_CHUNK, size - off), off);
      if (n === 0) break;
      off += n;
    }
    return { buffer, size: off };
  } finally {
    fs.closeSync(fd);
  }
}

/** A file image adopted by one sql.js database. */
export class DbImage {
  private constructor(private readonly buffer: Uint8Array | null) {}

  /** No adopted image (a new, empty database): saves export, then adopt. */
  static none(): DbImage {
    return new DbImage(null);
  }

  /**
   * Opens a sql.js database over the first `size` bytes of `buffer` without copying them; the rest of the buffer is
   * room for the file to grow. With `size` 0 the database is empty and not adopted (MEMFS has no copy-free path for
   * an empty file): the first save adopts it.
   * @returns the database and its image
   * @throws sql.js's error for bytes it cannot open
   */
  static open(SQL: SqlJsStatic, buffer: Uint8Array, size: number): { raw: Database; image: DbImage } {
    if (size === 0) return { raw: new SQL.Database(), image: new DbImage(null) };
    let adopted = false;
    class Adopt extends Uint8Array {
      override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
        if ((start ?? 0) === 0 && (end ?? this.length) === this.length) {
          adopted = true;
          // A buffer over a SharedArrayBuffer (pages touched by another thread: dbfile/prefault.ts) is adopted the
          // same way: MEMFS only copies pages into it and reads them out with set/subarray.
          return buffer as Uint8Array<ArrayBuffer>;
        }
        // A copy reads the bytes straight from the buffer: a file image read on demand is read whole first.
        if (buffer instanceof LazyImage) buffer.loadAll();
        return Uint8Array.prototype.slice.call(this, start, end);
      }
    }
    const raw = new SQL.Database(new Adopt(buffer.buffer as ArrayBuffer, buffer.byteOffset, size));
    // A sql.js whose MEMFS copied the bytes after all: the image is not adopted and saves use export().
    return { raw, image: new DbImage(adopted ? buffer : null) };
  }

  /**
   * Why the file image can no longer be trusted (WORKSPACE_CHANGED_ON_DISK: another program wrote the file in place
   * while pages were unread, dbfile/lazy.ts), else null. SQLite's in-memory state may be half-way through a read
   * then, so nothing more should run on it.
   */
  get failure(): Error | null {
    return this.buffer instanceof LazyImage ? this.buffer.failure : null;
  }

  /** Whether chunks of a file image read on demand (dbfile/lazy.ts) are still to be read. */
  get pending(): boolean {
    return this.buffer instanceof LazyImage && this.buffer.pending;
  }

  /**
   * Reads up to `bytes` more of a file image read on demand (the background loader's step).
   * @returns whether chunks are still to be read
   * @throws the fs error of a failed read
   */
  loadSome(bytes: number): boolean {
    return this.buffer instanceof LazyImage ? this.buffer.loadSome(bytes) : false;
  }

  /** Releases the file a lazily read image still holds open; the image is not used after. Safe to call twice. */
  close(): void {
    if (this.buffer instanceof LazyImage) this.buffer.close();
  }

  /** Bytes the file may reach without MEMFS moving it (0 when not adopted). */
  get capacity(): number {
    return this.buffer?.length ?? 0;
  }

  /**
   * The file image (`page_count × page_size` bytes, a view of the buffer, not a copy) when the buffer is provably the
   * live file; null when it is not (never adopted, grown past its capacity, truncated). Writes a new application id
   * to the header to prove it, so it must be called outside a transaction, on a writable database.
   */
  live(raw: Database): Uint8Array | null {
    const buf = this.buffer;
    if (!buf) return null;
    // The rest of a file image read on demand, before the header is read here without going through sql.js.
    if (buf instanceof LazyImage) buf.loadAll();
    const bytes = pageBytes(raw);
    if (bytes > buf.length) return null;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    const next = view.getUint32(APP_ID_OFFSET) === MARKS[0] ? MARKS[1] : MARKS[0];
    raw.exec(`PRAGMA application_id = ${next}`);
    if (view.getUint32(APP_ID_OFFSET) !== next) return null;
    return buf.subarray(0, pageBytes(raw));
  }
}

/** The size of the database image, page_count × page_size. */
export function pageBytes(raw: Database): number {
  const r = raw.exec('PRAGMA page_count; PRAGMA page_size');
  return Number(r[0]!.values[0]![0]) * Number(r[1]!.values[0]![0]);
}
