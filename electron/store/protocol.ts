/**
 * The message protocol between the store worker and its clients (Electron main, the browser-mode server, the CLI,
 * tests). Calls are matched by sequence number (as Signal Desktop's worker protocol does); events are pushed.
 * Besides the contract's methods the worker takes internal methods that only trusted callers (never the renderer)
 * use: they carry file-system paths.
 */
import type { EventMap, EventName, ImportOptions, ImportPreview, MethodName, ParamsOf, ResultOf } from '../../shared/contract';
import type { LoupeErrorData } from '../../shared/errors';
import type { ImportSummary, WorkspaceInfo } from '../../shared/types';
import type { ImportTimings } from './import/timings';

/** Methods only trusted node-side callers may send. */
export interface InternalMethods {
  /**
   * `read_only`: no lock, nothing written (journal replayed in memory); for `loupe info` beside a running app.
   * `keep_valid_journal`: open even with damaged journal entries, keeping every valid one (`loupe repair`).
   */
  'internal.open': { params: { path: string; create?: boolean; read_only?: boolean; keep_valid_journal?: boolean }; result: WorkspaceInfo };
  'internal.close': { params: Record<string, never>; result: { closed: boolean } };
  'internal.checkpoint': { params: Record<string, never>; result: { file_bytes: number } };
  'internal.previewFile': { params: { path: string; file_name?: string; options: ImportOptions }; result: ImportPreview };
  /** Starts an import of a file on disk; returns at once with the job id. */
  'internal.importFile': { params: { path: string; file_name?: string; options: ImportOptions }; result: { job_id: string } };
  /** Runs an import to completion and returns its summary (CLI, tests). */
  'internal.importFileWait': { params: { path: string; file_name?: string; options: ImportOptions }; result: ImportSummary };
  /** Registers a file chosen in a trusted shell (dialog, drop, upload) and returns the opaque id the renderer uses. */
  'internal.registerFile': { params: { path: string; name: string; delete_after?: boolean }; result: { file_id: string; name: string; bytes: number } };
  'internal.exec': { params: { sql: string; params?: unknown[] }; result: Array<Record<string, unknown>> };
  /** Where the worker's last import spent its time, ms per phase (import/timings.ts); null before the first (bench). */
  'internal.lastImportTimings': { params: Record<string, never>; result: ImportTimings | null };
}
export type InternalName = keyof InternalMethods;
export type AnyMethod = MethodName | InternalName;
export type AnyParams<M extends AnyMethod> = M extends MethodName ? ParamsOf<M> : M extends InternalName ? InternalMethods[M]['params'] : never;
export type AnyResult<M extends AnyMethod> = M extends MethodName ? ResultOf<M> : M extends InternalName ? InternalMethods[M]['result'] : never;

/**
 * A call. `client` names who asked (the app's own window, a browser page, a script, the CLI): the worker serves the
 * client that has used it least recently first (see worker.ts), so one client's stream of reads cannot hold up
 * another's screen.
 */
export type ToWorker = { type: 'call'; seq: number; method: string; params: unknown; client?: string };
export type FromWorker =
  | { type: 'result'; seq: number; ok: true; result: unknown }
  | { type: 'result'; seq: number; ok: false; error: LoupeErrorData }
  | { type: 'event'; event: EventName; payload: EventMap[EventName] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** Calls slower than this are logged as a warning by the worker (contract methods only). */
export const SLOW_CALL_MS = 1000;

/**
 * The warning for a slow store call, or null when there is none to give. Internal methods (open, close, checkpoint,
 * imports) are expected to take seconds on a large workspace, so only contract methods (queries, review actions)
 * are reported: those are what keeps the app responsive.
 * @param method - the method called
 * @param ms - how long it took, milliseconds
 */
export function slowCallWarning(method: string, ms: number): string | null {
  if (ms <= SLOW_CALL_MS || method.startsWith('internal.')) return null;
  return `slow store call ${method}: ${ms.toFixed(0)} ms`;
}
