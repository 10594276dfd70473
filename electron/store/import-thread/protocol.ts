/**
 * Messages between the store thread and the import's reading thread (import-thread/worker.ts). Everything here is
 * plain data that survives the structured clone: the reading thread rebuilds its own mapper from the same inputs the
 * store thread built its mapper from, so both agree on the preset, kind and mapping.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ImportOptions } from '../../../shared/contract';
import type { LoupeErrorData } from '../../../shared/errors';
import type { MappedBatch } from '../import/map-batches';
import type { PackedBatch } from '../import/packed';
import type { MapContext } from '../import/mapping';
import type { DetectedSource, ImportFileErrorCode } from '../import/read';
import type { ReaderTimings } from '../import/timings';
import type { WireCells } from '../summaries/stream';

export type { MappedBatch, MappedRecord } from '../import/map-batches';

/** The one message the store thread sends to start the reading thread (posted with `port` transferred). */
export interface ReaderStart {
  /** Path of the file on disk (plain or gzip). */
  file: string;
  /** What detectSource found (with the user's overrides), as the store thread will report it. */
  src: DetectedSource;
  /** Chosen preset name, the sample records it was chosen from, the options and the mapper's context. */
  preset: string;
  sample: Record<string, unknown>[];
  options: ImportOptions;
  ctx: MapContext;
  /** Post batches packed (import/packed.ts: flat values, cheaper to clone); false when the store scrubs mapped rows. */
  pack?: boolean;
  /**
   * Build the summary cells of the request rows packed and send them with `done` (summaries/stream.ts): the store
   * thread's stream of this import stands (only with `pack`).
   */
  summaryCells?: boolean;
  /** Batches posted and not yet taken back by a credit: at most this many are in flight. */
  maxInFlight: number;
  /** The port the reading thread posts {@link FromReader} messages on and receives {@link ToReader} credits from. */
  port: MessagePort;
}

/** A fault of the reading thread, in a form the store thread turns back into the error the in-thread path throws. */
export type ReaderError =
  | { kind: 'import-file'; code: ImportFileErrorCode; message: string; line?: number; action?: string }
  | { kind: 'loupe'; data: LoupeErrorData }
  | { kind: 'other'; name: string; message: string; stack?: string };

/** What the reading thread posts on the port. */
export type FromReader =
  | ({ type: 'batch' } & MappedBatch)
  | { type: 'packed'; batch: PackedBatch }
  | {
    type: 'done';
    /** The summary cells of the request rows packed (when asked by {@link ReaderStart.summaryCells}; null: none, or unusable). */
    cells: WireCells | null;
    /** The mapper's notes after the last record (data-quality findings are added while mapping). */
    notes: string[];
    /** SHA-256 (hex) of the bytes read from disk, and how many there were. */
    sha256: string;
    hashedBytes: number;
    /** The reading thread's ms per phase, its wall time and its CPU time. */
    timings: ReaderTimings;
  }
  | { type: 'error'; error: ReaderError };

/** What the store thread posts on the port: a credit for one more batch (it took one). */
export type ToReader = { type: 'credit' };
