/**
 * Faults in the pages of a file image on another thread before the store thread writes them.
 *
 * The first write to a page of a new buffer costs a page fault (the kernel zeroes and maps it): 2.7 ms per MB on these
 * machines (512 MB in 1.35-1.43 s), paid by whichever thread touches the page first. An import writes every page of
 * its new rows into the workspace's image (dbfile/image.ts) on the store thread, which sets the import's pace: at 1M
 * requests that was about 1.7 s of its time. Here a short-lived thread touches those pages first, on the other core,
 * while the store thread reads its first batches and inserts: measured with 512 MB, writing 4 KiB pages into touched
 * memory took 35 ms, into fresh memory 1,606 ms.
 *
 * Each page is touched with an atomic add of 0 (`Atomics.add`): the value never changes, so the store thread may
 * write the same page at the same time without anything being lost. The image must live in a SharedArrayBuffer for
 * another thread to reach it.
 */
import { Worker } from 'node:worker_threads';

/** Bytes per page touched: the usual page size (a larger one is touched once per 4 KiB, harmlessly more often). */
const PAGE = 4096;

const SCRIPT = `
const { workerData } = require('node:worker_threads');
const a = new Int32Array(workerData.shared);
const end = workerData.to >> 2;
for (let i = workerData.from >> 2; i < end; i += ${PAGE >> 2}) Atomics.add(a, i, 0);
`;

/** A thread touching pages; {@link stop} ends it early (when the image is dropped, or the workspace closed). */
export interface PageToucher {
  /** Resolves when every page was touched, or the thread was stopped or failed (touching is only a speed-up). */
  readonly done: Promise<void>;
  stop(): void;
}

/**
 * Starts a thread that touches each page of bytes [from, to) of `shared`.
 * @param shared - the file image's buffer
 * @param from - first byte (rounded down to a page)
 * @param to - end (exclusive; clamped to the buffer)
 * @returns the thread's handle; a thread that cannot start is no error (the pages fault where they are written)
 */
export function touchPagesElsewhere(shared: SharedArrayBuffer, from: number, to: number): PageToucher {
  const start = Math.floor(Math.max(0, from) / PAGE) * PAGE;
  const end = Math.min(shared.byteLength, Math.max(start, to));
  if (end - start < PAGE) return { done: Promise.resolve(), stop: () => undefined };
  let worker: Worker | null = null;
  const done = new Promise<void>((resolve) => {
    try {
      worker = new Worker(SCRIPT, { eval: true, workerData: { shared, from: start, to: end } });
    } catch {
      resolve();
      return;
    }
    worker.unref();
    worker.once('exit', () => resolve());
    worker.once('error', () => resolve());
  });
  return {
    done,
    stop: () => { void (worker as Worker | null)?.terminate(); },
  };
}
