/**
 * Where an import's time goes, phase by phase, for `npm run bench` and profiling. Wall-clock ms measured with
 * `performance.now()` around each phase's work; the phases do not overlap, so their sum is close to the whole import.
 * The figures of the last import of this thread are kept in {@link lastImportTimings} (the store worker serves them
 * through the internal method `internal.lastImportTimings`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

/** The phases of an import, in the order they run for each batch (then once at the end). */
export const IMPORT_PHASES = ['read', 'decode', 'parse', 'map', 'wait', 'transfer', 'insert', 'index', 'link', 'summaries', 'hash', 'save', 'other'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/**
 * Milliseconds per phase of one import, plus the total:
 * - read: bytes from disk (and gunzip), the reader's own line splitting;
 * - decode: UTF-8 validation and bytes → string;
 * - parse: JSON.parse (lossless-json only for lines with long integers) and the per-record safety checks;
 * - map: records → stored rows (mapping plan, values, derived cost);
 * - wait: with the reading thread (import-thread/), the store thread waiting for its next mapped batch; in the
 *   reading thread's own figures, that thread waiting for the store thread to take a batch (backpressure);
 * - transfer: with the reading thread, receiving (store thread) or posting (reading thread) a mapped batch: the
 *   structured clone of its rows;
 * - insert: binding and stepping the upsert statements (SQLite B-tree work included);
 * - index: building the secondary indexes deferred by a large import;
 * - link: linking feedback and tickets to requests, the comment index, the counts of the summary;
 * - summaries: refreshing the request summaries of the hours this import touched (electron/store/summaries);
 * - hash: SHA-256 of the file;
 * - save: writing the workspace file (temp file, fsync, rename);
 * - other: everything else (sample, preset choice, commit, bookkeeping).
 */
export type ImportTimings = Record<ImportPhase, number> & {
  total: number;
  rows: number;
  /**
   * CPU ms (user + system) of the store thread alone during the import, from /proc/thread-self/stat (10 ms ticks);
   * null where that file does not exist (not Linux). Unlike wall time it hardly moves when other work shares the cores.
   */
  cpu_ms: number | null;
  /**
   * When the import read and mapped on a second thread (import-thread/): that thread's own ms per phase (read,
   * decode, parse, map, hash, wait, transfer; the rest 0) and its total. They overlap the store thread's phases, so
   * they are not part of `total`; the store thread's `read`…`map` are then 0 and its `wait` is the time it idled.
   */
  reader?: ReaderTimings;
  /**
   * Set when the import was to read on a second thread but the thread failed to start: why (the thread's error), and
   * the import read and mapped on the store thread instead (its `read`…`map` phases are then the store thread's).
   */
  reader_fallback?: string;
};

/** The reading thread's ms per phase, its wall time (`total`) and its own CPU ms (null where not measurable). */
export type ReaderTimings = Record<ImportPhase, number> & { total: number; cpu_ms: number | null };

/**
 * CPU time of the calling thread (user + system), in ms, from Linux's /proc/thread-self/stat (fields 14 and 15, in
 * clock ticks of 10 ms: USER_HZ is 100 on every Linux Node supports).
 * @returns null where the file cannot be read (macOS, Windows)
 */
export function threadCpuMs(): number | null {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Accumulates ms per phase. */
export class PhaseClock {
  readonly ms: Record<ImportPhase, number> = Object.fromEntries(IMPORT_PHASES.map((p) => [p, 0])) as Record<ImportPhase, number>;
  private readonly t0 = performance.now();
  private readonly cpu0 = threadCpuMs();
  /** The reading thread's figures, when the import had one (see {@link ImportTimings.reader}). */
  reader: ReaderTimings | null = null;
  /** Why the reading thread did not start, when the import fell back to reading here (see {@link ImportTimings.reader_fallback}). */
  readerFallback: string | null = null;

  /** CPU ms of this thread since the clock started; null where not measurable (see {@link threadCpuMs}). */
  cpuMs(): number | null {
    const now = threadCpuMs();
    return now === null || this.cpu0 === null ? null : now - this.cpu0;
  }

  /** Ms since this clock started. */
  elapsed(): number {
    return performance.now() - this.t0;
  }

  /** Adds `ms` to `phase`. */
  add(phase: ImportPhase, ms: number): void {
    this.ms[phase] += ms;
  }

  /** Runs `fn`, charging its time to `phase`. */
  time<T>(phase: ImportPhase, fn: () => T): T {
    const t = performance.now();
    try {
      return fn();
    } finally {
      this.ms[phase] += performance.now() - t;
    }
  }

  /** The figures so far, `other` being the total less the named phases. */
  result(rows: number): ImportTimings {
    const total = performance.now() - this.t0;
    const named = IMPORT_PHASES.filter((p) => p !== 'other').reduce((a, p) => a + this.ms[p], 0);
    const out = { ...this.ms, other: Math.max(0, total - named), total, rows, cpu_ms: this.cpuMs() } as ImportTimings;
    for (const p of IMPORT_PHASES) out[p] = Math.round(out[p]);
    out.total = Math.round(total);
    if (this.reader) {
      const r = { ...this.reader };
      for (const p of IMPORT_PHASES) r[p] = Math.round(r[p]);
      r.total = Math.round(r.total);
      out.reader = r;
    }
    if (this.readerFallback !== null) out.reader_fallback = this.readerFallback;
    return out;
  }
}

let last: ImportTimings | null = null;

/** Records the figures of the import that just ended (successful or not). */
export function setLastImportTimings(t: ImportTimings): void {
  last = t;
}

/** The phase figures of this thread's last import, or null before the first. */
export function lastImportTimings(): ImportTimings | null {
  return last;
}

/**
 * SHA-256 of the file's bytes as the reader reads them from disk (`onDiskBytes`, handed to `readRecords`), the time
 * charged to `clock` as `hash`; `bytes` says how much was hashed (less than the file when reading stopped early).
 */
export function diskHasher(clock: PhaseClock): { onDiskBytes: (chunk: Buffer) => void; readonly bytes: number; hex(): string } {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  return {
    onDiskBytes(chunk: Buffer) {
      const t = performance.now();
      hash.update(chunk);
      bytes += chunk.length;
      clock.add('hash', performance.now() - t);
    },
    get bytes() { return bytes; },
    hex: () => hash.digest('hex'),
  };
}
