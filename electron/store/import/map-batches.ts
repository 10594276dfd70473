/**
 * The read-and-map loop both import paths share: on the store thread (pipeline.ts, small files or one core) and on
 * the import's reading thread (import-thread/worker.ts), which posts each batch to the store thread.
 */
import type { Mapper, MapResult } from './mapping';
import { readRecords, type DetectedSource, type RawReject } from './read';
import type { PhaseClock } from './timings';

/** One source record as mapped: its line (as the reader numbers it) and what became of it. */
export interface MappedRecord {
  line: number;
  m: MapResult;
}

/** A batch of mapped records, in file order. `bytesRead` is cumulative (as readRecords reports it). */
export interface MappedBatch {
  bytesRead: number;
  /** Records the reader could not read (bad JSON, a CSV row with the wrong fields), not yet scrubbed. */
  rejects: RawReject[];
  records: MappedRecord[];
}

/**
 * Reads `file` batch by batch (import/read.ts `readRecords`) and maps every record with `mapper`, in file order.
 * Charges `read` (waiting on the reader, less what it charged to decode, parse and hash meanwhile) and `map` to
 * `clock`. Closes the file when the consumer stops early (an error, a cancel).
 * @param opts.onDiskBytes - sees every chunk read from disk (the import hashes the file with it)
 * @param opts.signal - aborting it stops the reader
 * @returns a generator of mapped batches that returns null at the end of the file
 * @throws the reader's ImportFileError (file, line, what was expected) and the mapper's errors
 */
export async function* mapBatches(file: string, src: DetectedSource, mapper: Mapper, clock: PhaseClock,
  opts: { onDiskBytes?: (chunk: Buffer) => void; signal?: AbortSignal } = {}): AsyncGenerator<MappedBatch, null> {
  const batches = readRecords(file, src, { clock, ...opts })[Symbol.asyncIterator]();
  const inReader = () => clock.ms.decode + clock.ms.parse + clock.ms.hash;
  try {
    for (;;) {
      const tw = performance.now();
      const before = inReader();
      const next = await batches.next();
      clock.add('read', performance.now() - tw - (inReader() - before));
      if (next.done) return null;
      const t = performance.now();
      const records = next.value.records.map((rec) => ({ line: rec.line, m: mapper.map(rec) }));
      clock.add('map', performance.now() - t);
      yield { bytesRead: next.value.bytesRead, rejects: next.value.rejects, records };
    }
  } finally {
    await batches.return?.(undefined);
  }
}
