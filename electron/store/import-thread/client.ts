/**
 * The store thread's side of the import's reading thread (worker.ts): starts it for one import and hands its mapped
 * batches to the pipeline as an async iterator, with backpressure (at most {@link MAX_IN_FLIGHT} batches posted and
 * not yet taken) and cancel (an aborted signal ends the thread at once).
 *
 * Batches are received with `receiveMessageOnPort` when the thread's tick arrives, so the time spent receiving them
 * (the structured clone of their rows) is measured apart from the time spent waiting for them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { fromErrorData } from '../../../shared/errors';
import { hook } from '../test-hooks';
import { ImportFileError } from '../import/read';
import type { PhaseClock } from '../import/timings';
import type { FromReader, MappedBatch, ReaderError, ReaderStart, ToReader } from './protocol';
import type { PackedBatch } from '../import/packed';
import type { WireCells } from '../summaries/stream';

/** Batches the reading thread may post before the store thread takes one: about 2 × 2,000 records queued. */
export const MAX_IN_FLIGHT = 2;

/**
 * The reading thread's young generation, in MB. It allocates a parsed object, a mapped row and their strings for
 * every record, nearly all dead by the next batch; with V8's default young generation (16 MB semi-spaces) it spent
 * about a quarter of its time collecting and promoted rows that were about to die. 128 MB measured on the bench's 1M
 * JSONL requests, three runs each alternating with the default: the reader's map 10.7 / 10.8 / 9.1 s against
 * 13.7 / 16.7 / 14.5 s, the store thread's wait for it 3.5 s against 5.5-7.3 s, peak RSS unchanged (1,013 MB).
 * `LOUPE_READER_YOUNG_MB` overrides it (0: V8's default), to measure both with one build.
 */
export function readerYoungGenerationMb(): number | undefined {
  const env = process.env.LOUPE_READER_YOUNG_MB;
  if (env !== undefined && /^\d+$/.test(env)) return Number(env) === 0 ? undefined : Number(env);
  return 128;
}

/**
 * The built reading thread next to this bundle (dist/node/import-reader.js beside store-worker.js), or in the
 * repository's dist/node when running from source (tests; built by the vitest global setup).
 * @returns the script's path, or null when it is not built
 */
export function readerThreadScript(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'import-reader.js'), path.resolve(here, '../../../dist/node/import-reader.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

/** The reading thread's result once its last batch is taken. */
export interface ReaderEnd {
  /** The mapper's notes after the last record. */
  notes: string[];
  /** SHA-256 (hex) of the bytes read from disk and their count (less than the file's size when reading stopped early). */
  sha256: string;
  hashedBytes: number;
  /** The summary cells the reading thread built (summaries/stream.ts), or null. */
  cells: WireCells | null;
}

/** A started reading thread: its batches, then its end; `close` ends the thread (always call it). */
export interface ReaderThread {
  batches: AsyncIterator<MappedBatch | PackedBatch, ReaderEnd>;
  close(): Promise<void>;
}

/**
 * The reading thread failed before it sent anything (its script could not be loaded, the thread could not be
 * created): nothing of the file was handed over, so the import can read on the store thread instead.
 */
export class ReaderStartError extends Error {
  constructor(readonly reason: string, opts?: { cause?: unknown }) {
    super(`The import's reading thread did not start: ${reason}`, opts);
    this.name = 'ReaderStartError';
  }
}

function fromReaderError(e: ReaderError, file: string, name: string): Error {
  if (e.kind === 'import-file') {
    return new ImportFileError(e.code, { path: file, name }, e.message, { ...(e.line !== undefined ? { line: e.line } : {}), ...(e.action !== undefined ? { action: e.action } : {}) });
  }
  if (e.kind === 'loupe') return fromErrorData(e.data);
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

function abortError(): Error {
  return new DOMException('The import was cancelled.', 'AbortError');
}

/**
 * Starts the reading thread for one import.
 * @param script - path of the built thread ({@link readerThreadScript})
 * @param start - what it reads and how it maps (the port is added here)
 * @param clock - charged with `wait` (idle until a batch comes) and `transfer` (receiving a batch); the thread's own
 *   figures are set as `clock.reader` when it ends
 * @param signal - aborting it ends the thread; the pending or next `next()` rejects with an AbortError
 * @throws ReaderStartError when the thread cannot be created; from `batches.next()`: a ReaderStartError when it
 *   failed before sending anything (its script did not load), the reader's ImportFileError (with the file's display name and line), a LoupeError,
 *   an AbortError, or an Error when the thread stops on its own
 */
export function startReaderThread(script: string, start: Omit<ReaderStart, 'port' | 'maxInFlight'>, clock: PhaseClock, signal?: AbortSignal): ReaderThread {
  const { port1, port2 } = new MessageChannel();
  const at = { script };
  hook('import.readerStart', at);
  let worker: Worker;
  try {
    const young = readerYoungGenerationMb();
    worker = new Worker(at.script, young === undefined ? {} : { resourceLimits: { maxYoungGenerationSizeMb: young } });
  } catch (e) {
    port1.close();
    port2.close();
    throw new ReaderStartError(e instanceof Error ? e.message : String(e), { cause: e });
  }
  let failure: Error | null = null;
  let finished = false;
  let taken = 0;
  /** Whether the thread sent anything yet: a failure before that is a failure to start (ReaderStartError). */
  let heard = false;
  const early = (e: Error): Error => (heard ? e : new ReaderStartError(e.message, { cause: e }));
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', poke);
  worker.on('error', (e) => {
    failure ??= early(e);
    poke();
  });
  worker.on('exit', (code) => {
    if (!finished) failure ??= early(new Error(`the import's reading thread stopped (exit code ${code}) before the end of ${start.src.displayName ?? path.basename(start.file)}`));
    poke();
  });
  const onAbort = () => {
    failure ??= abortError();
    void worker.terminate();
    poke();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const full: ReaderStart = { ...start, maxInFlight: MAX_IN_FLIGHT, port: port2 };
  worker.postMessage(full, [port2]);

  const name = start.src.displayName ?? path.basename(start.file);
  const batches: AsyncIterator<MappedBatch | PackedBatch, ReaderEnd> = {
    async next(): Promise<IteratorResult<MappedBatch | PackedBatch, ReaderEnd>> {
      // The batch handed out before is taken: the thread may post one more.
      if (taken > 0) {
        port1.postMessage({ type: 'credit' } satisfies ToReader);
        taken--;
      }
      for (;;) {
        if (failure) throw failure;
        const t = performance.now();
        const got = receiveMessageOnPort(port1);
        if (got) {
          heard = true;
          clock.add('transfer', performance.now() - t);
          const msg = got.message as FromReader;
          if (msg.type === 'batch') {
            taken++;
            return { done: false, value: { bytesRead: msg.bytesRead, rejects: msg.rejects, records: msg.records } };
          }
          if (msg.type === 'packed') {
            taken++;
            return { done: false, value: msg.batch };
          }
          if (msg.type === 'error') {
            finished = true;
            failure = fromReaderError(msg.error, start.file, name);
            throw failure;
          }
          finished = true;
          clock.reader = msg.timings;
          return { done: true, value: { notes: msg.notes, sha256: msg.sha256, hashedBytes: msg.hashedBytes, cells: msg.cells } };
        }
        const tw = performance.now();
        await new Promise<void>((resolve) => { wake = resolve; });
        clock.add('wait', performance.now() - tw);
      }
    },
  };
  return {
    batches,
    async close() {
      signal?.removeEventListener('abort', onAbort);
      finished = true;
      port1.close();
      await worker.terminate();
    },
  };
}
