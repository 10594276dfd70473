/**
 * The store's method handlers: one function per contract method plus the internal ones. They run in the store
 * worker (or in-process in tests) against the single open workspace.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { parseParams, type EventMap, type EventName, type ImportOptions } from '../../shared/contract';
import { LoupeError, toErrorData } from '../../shared/errors';
import type { ImportSummary } from '../../shared/types';
import { previewImport, runImport } from './import/pipeline';
import { PRESETS } from './import/presets';
import { lastImportTimings } from './import/timings';
import type { AnyMethod, AnyResult, InternalMethods } from './protocol';
import { facets, getRequest, getTicket, importHistory, queryRequests, queryTickets, workspaceInfo } from './queries';
import { Workspace } from './workspace';
import { dispatchReview, reviewContext } from './review/handlers';
import { dispatchMetrics, isMetricsMethod } from './metrics/handlers';
import { dispatchPrices, isPricesMethod } from './prices/handlers';
import { scrubDefaults } from './scrub/import-hook';
import { dispatchFeedback, isFeedbackMethod } from './feedback/handlers';
import { dispatchReport, isReportMethod } from './report/handlers';
import { dispatchAlerts, isAlertsMethod } from './alerts/handlers';

type Emit = <E extends EventName>(event: E, payload: EventMap[E]) => void;
type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Methods that draw from the requests an import is adding, refused while one runs (see workspace.ts). */
const REFUSED_DURING_IMPORT = new Set(['queues.create', 'queues.extend']);
/** Waits before retrying a failed background save, in ms: 5 s, then doubling up to a minute. */
export const SAVE_RETRY_MS = [5_000, 10_000, 20_000, 40_000, 60_000];

interface RegisteredFile { path: string; name: string; deleteAfter: boolean }

/** Holds the open workspace, registered files and running import; dispatches calls. */
export class StoreService {
  private ws: Workspace | null = null;
  private readonly files = new Map<string, RegisteredFile>();
  private job: { id: string; controller: AbortController; done: Promise<ImportSummary>; committing: boolean } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** The background save's failures since it last succeeded (0: saving works). */
  private saveFailures = 0;
  private unsavedSince = 0;

  /**
   * @param emit - sends an event to every client
   * @param opts.checkpointIdleMs - quiet time after the last journaled write before the background save (default 30 s)
   * @param opts.saveRetryMs - waits between retries of a failed background save (default {@link SAVE_RETRY_MS})
   * @param opts.log - where failures are logged (the worker posts them to its client)
   */
  constructor(private readonly emit: Emit, private readonly opts: { checkpointIdleMs?: number; saveRetryMs?: number[]; log?: Log } = {}) {}

  /** The open workspace. @throws LoupeError WORKSPACE_NOT_OPEN */
  get workspace(): Workspace {
    if (!this.ws) throw new LoupeError('WORKSPACE_NOT_OPEN', 'No workspace is open.', { action: 'Open or create a workspace.' });
    return this.ws;
  }

  /**
   * Validates and runs one call. Contract methods are validated with their zod schema; internal methods come only
   * from trusted node-side callers (the relays never forward them from a renderer).
   */
  async dispatch<M extends AnyMethod>(method: M, params: unknown): Promise<AnyResult<M>> {
    // The background read of the workspace file waits while calls come in (Workspace.loadInBackground).
    this.ws?.noteActivity();
    try {
      return await this.run(method, params);
    } finally {
      this.ws?.noteActivity();
    }
  }

  private async run<M extends AnyMethod>(method: M, params: unknown): Promise<AnyResult<M>> {
    // Another program wrote the open file in place: only opening a workspace (again) or closing it may run.
    const changed = this.ws?.changedOnDisk;
    if (changed && method !== 'internal.open' && method !== 'internal.close') throw changed;
    if (method.startsWith('internal.')) return this.internal(method as keyof InternalMethods, params as never) as Promise<AnyResult<M>>;
    const p = parseParams(method, params);
    const ws = this.workspace;
    const db = ws.db;
    if (REFUSED_DURING_IMPORT.has(p.method) && ws.bulkRunning) {
      throw new LoupeError('IMPORT_BUSY', 'A review queue cannot be drawn while an import is running: it would sample requests the import may still take back.',
        { action: 'Wait for the import to finish (or cancel it), then create the queue.' });
    }
    switch (p.method) {
      case 'workspace.info': return workspaceInfo(ws) as AnyResult<M>;
      case 'workspace.setTimeZone': {
        const tz = (p.params as { time_zone: string }).time_zone;
        if (!IANAZone.isValidZone(tz)) throw new LoupeError('BAD_REQUEST', `Unknown time zone "${tz}": expected an IANA zone such as Europe/Berlin or UTC.`);
        ws.commit([["INSERT INTO meta (key, value) VALUES ('time_zone', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [tz]]]);
        this.afterCommit();
        this.emit('tables.changed', { tables: ['meta'] });
        return workspaceInfo(ws) as AnyResult<M>;
      }
      case 'import.preview': {
        const { file_id, options } = p.params as { file_id: string; options: ImportOptions };
        const f = this.file(file_id);
        return await previewImport(ws, f.path, options, f.name) as AnyResult<M>;
      }
      case 'import.start': {
        const { file_id, options } = p.params as { file_id: string; options: ImportOptions };
        const f = this.file(file_id);
        return this.startImport(f.path, f.name, options, f.deleteAfter ? file_id : null) as AnyResult<M>;
      }
      case 'import.cancel': {
        // Once reading is done the import is being written (linking, saving): too late to cancel, it finishes.
        const { job_id } = p.params as { job_id: string };
        if (!this.job || this.job.id !== job_id || this.job.committing) return { cancelled: false } as AnyResult<M>;
        this.job.controller.abort();
        return { cancelled: true } as AnyResult<M>;
      }
      case 'import.history': return importHistory(db) as AnyResult<M>;
      case 'import.presets': return PRESETS.map((x) => ({ name: x.name, label: x.label, kind: x.kind })) as AnyResult<M>;
      case 'requests.query': return queryRequests(db, p.params as never) as AnyResult<M>;
      case 'requests.get': return getRequest(db, (p.params as { id: string }).id) as AnyResult<M>;
      case 'tickets.query': return queryTickets(db, p.params as never) as AnyResult<M>;
      case 'tickets.get': return getTicket(db, (p.params as { id: string }).id) as AnyResult<M>;
      case 'records.facets': return facets(db) as AnyResult<M>;
      case 'scrub.defaults': return scrubDefaults(ws) as AnyResult<M>;
      default:
        if (isPricesMethod(p.method)) return dispatchPrices(ws, p.method, p.params, () => { this.afterCommit(); this.emit('tables.changed', { tables: ['prices'] }); }) as AnyResult<M>;
        if (isFeedbackMethod(p.method)) {
          return dispatchFeedback(ws, p.method, p.params, (tables) => { this.afterCommit(); this.emit('tables.changed', { tables }); }) as AnyResult<M>;
        }
        if (isReportMethod(p.method)) return await dispatchReport(ws, p.method, p.params) as AnyResult<M>;
        if (isMetricsMethod(p.method)) return dispatchMetrics(ws, p.method, p.params) as AnyResult<M>;
        if (isAlertsMethod(p.method)) {
          return dispatchAlerts(ws, p.method, p.params, () => { this.afterCommit(); this.emit('tables.changed', { tables: ['meta'] }); }) as AnyResult<M>;
        }
        return dispatchReview(reviewContext(ws, (tables) => this.emit('tables.changed', { tables }), () => this.afterCommit()), p.method, p.params) as AnyResult<M>;
    }
  }

  private async internal<K extends keyof InternalMethods>(method: K, params: InternalMethods[K]['params']): Promise<InternalMethods[K]['result']> {
    switch (method) {
      case 'internal.open': {
        const { path: file, create, read_only: readOnly, keep_valid_journal: keepValid } = params as InternalMethods['internal.open']['params'];
        if (this.ws) this.close();
        this.ws = await Workspace.open(file, { create: !!create, readOnly: !!readOnly, keepValidJournalEntries: !!keepValid });
        // Opening read only the pages it needed; the rest of the file is read between the first screen's calls.
        this.ws.loadInBackground();
        return workspaceInfo(this.ws);
      }
      case 'internal.close': return { closed: this.close() };
      case 'internal.checkpoint': {
        this.save();
        return { file_bytes: this.workspace.fileBytes() };
      }
      case 'internal.registerFile': {
        const { path: file, name, delete_after } = params as InternalMethods['internal.registerFile']['params'];
        let st: fs.Stats;
        try { st = fs.statSync(file); } catch { throw new LoupeError('IMPORT_UNREADABLE', `Cannot read ${name}: the file does not exist.`, { action: 'Choose another file.' }); }
        if (!st.isFile()) throw new LoupeError('IMPORT_UNREADABLE', `Cannot read ${name}: it is not a regular file.`, { action: 'Choose a file.' });
        const id = crypto.randomUUID();
        this.files.set(id, { path: path.resolve(file), name, deleteAfter: !!delete_after });
        return { file_id: id, name, bytes: st.size };
      }
      case 'internal.previewFile': {
        const { path: file, file_name, options } = params as InternalMethods['internal.previewFile']['params'];
        return previewImport(this.workspace, file, options, file_name ?? path.basename(file));
      }
      case 'internal.importFile': {
        const { path: file, file_name, options } = params as InternalMethods['internal.importFile']['params'];
        return this.startImport(file, file_name ?? path.basename(file), options, null);
      }
      case 'internal.importFileWait': {
        const { path: file, file_name, options } = params as InternalMethods['internal.importFileWait']['params'];
        this.startImport(file, file_name ?? path.basename(file), options, null);
        return this.job!.done;
      }
      case 'internal.exec': {
        const { sql, params: ps } = params as InternalMethods['internal.exec']['params'];
        return this.workspace.db.all(sql, ps as never);
      }
      case 'internal.lastImportTimings': return lastImportTimings();
      default: throw new LoupeError('BAD_REQUEST', `Unknown method ${String(method)}`);
    }
  }

  private file(fileId: string): RegisteredFile {
    const f = this.files.get(fileId);
    if (!f) throw new LoupeError('NOT_FOUND', 'That file is no longer available.', { action: 'Choose the file again.' });
    return f;
  }

  private startImport(file: string, name: string, options: ImportOptions, uploadId: string | null): { job_id: string } {
    const ws = this.workspace;
    if (this.job) throw new LoupeError('IMPORT_BUSY', 'Another import is running.', { action: 'Wait for it to finish or cancel it.' });
    const id = crypto.randomUUID();
    const controller = new AbortController();
    const job = { id, controller, done: null as unknown as Promise<ImportSummary>, committing: false };
    job.done = runImport(ws, file, options, {
      signal: controller.signal, jobId: id, onProgress: (pr) => this.emit('import.progress', pr),
      onCommitting: () => { job.committing = true; },
    }, name);
    this.job = job;
    const done = job.done;
    done.then((summary) => {
      this.emit('import.finished', { job_id: id, ok: true, summary });
      this.emit('tables.changed', { tables: ['requests', 'feedback', 'tickets', 'links', 'imports'] });
      this.savedAfterFailure();
    }, (e: unknown) => {
      this.emit('import.finished', { job_id: id, ok: false, error: toErrorData(e), file: name });
      // The views may have shown the import's rows while it ran; they are gone now.
      this.emit('tables.changed', { tables: ['requests', 'feedback', 'tickets', 'links', 'imports'] });
      // Decisions made during the import are in the journal; save them when writes go quiet.
      if (this.ws?.dirty) this.afterCommit();
    }).finally(() => {
      this.job = null;
      if (uploadId) {
        const f = this.files.get(uploadId);
        if (f?.deleteAfter) fs.rmSync(f.path, { force: true });
        this.files.delete(uploadId);
      }
    });
    // The caller gets the job id; failures arrive as events (and through `done` for importFileWait).
    done.catch(() => undefined);
    return { job_id: id };
  }

  /** Schedules a background checkpoint once journaled writes go quiet, so the journal stays short. */
  afterCommit(): void {
    if (this.saveFailures > 0) return; // a retry is already scheduled
    this.schedule(this.opts.checkpointIdleMs ?? 30_000);
  }

  private schedule(ms: number): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.backgroundSave();
    }, ms);
    this.idleTimer.unref?.();
  }

  /**
   * The background save. It never throws: a failure (a full disk, a file made read-only) is logged, told to every
   * view with `workspace.saveStatus`, and retried with growing waits; the journal keeps every decision meanwhile.
   */
  private backgroundSave(): void {
    const ws = this.ws;
    if (!ws?.dirty) return;
    if (this.job) {
      // The import saves everything when it ends; look again after it.
      this.schedule(this.opts.checkpointIdleMs ?? 30_000);
      return;
    }
    try {
      this.save();
    } catch (e) {
      const waits = this.opts.saveRetryMs ?? SAVE_RETRY_MS;
      const wait = waits[Math.min(this.saveFailures, waits.length - 1)]!;
      if (this.saveFailures === 0) this.unsavedSince = Date.now();
      this.saveFailures++;
      const error = toErrorData(e);
      this.opts.log?.('error', `background save of ${ws.file} failed (attempt ${this.saveFailures}, retrying in ${wait / 1000} s): ${error.message}`);
      this.emit('workspace.saveStatus', { ok: false, error, retry_in_ms: wait, unsaved_since: this.unsavedSince, attempts: this.saveFailures });
      // A file another program replaced is never saved over: retrying cannot help; the user reopens it.
      if (!ws.changedOnDisk) this.schedule(wait);
    }
  }

  /** Saves now (an explicit checkpoint or the background save) and reports a recovery after failures. */
  private save(): void {
    this.workspace.checkpoint();
    this.savedAfterFailure();
  }

  private savedAfterFailure(): void {
    if (this.saveFailures === 0) return;
    this.saveFailures = 0;
    this.emit('workspace.saveStatus', { ok: true, saved_at: Date.now() });
  }

  /** Checkpoints and closes the open workspace. @returns whether one was open */
  close(): boolean {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.saveFailures = 0;
    this.job?.controller.abort();
    if (!this.ws) return false;
    const ws = this.ws;
    this.ws = null;
    ws.close();
    return true;
  }
}
