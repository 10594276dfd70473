/**
 * The client side of the store worker: spawns `dist/node/store-worker.js` in a worker thread and sends it calls.
 * Used by Electron main, the browser-mode server, the CLI and tests.
 *
 * A worker that stops unexpectedly is restarted: the calls it was running fail with STORE_RESTARTED (they may be
 * retried), a new worker reopens the workspace from its file and journal (so nothing confirmed is lost), and the
 * `store.status` event tells every view. After {@link MAX_RESTARTS} stops within a minute, or when the workspace no
 * longer opens, the client gives up and sends `store.status` `failed`, which the app shows as a blocking screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventMap, EventName } from '../../shared/contract';
import { fromErrorData, LoupeError, toErrorData } from '../../shared/errors';
import type { AnyMethod, AnyParams, AnyResult, FromWorker, InternalMethods } from './protocol';

/** Finds the built worker next to this bundle, or in the repository's dist/ when running from source (tests). */
export function workerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'store-worker.js'), path.resolve(here, '../../dist/node/store-worker.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`The store worker is not built (looked for ${candidates.join(', ')}). Run "npm run build:node".`);
  return found;
}

type Listener = (payload: never) => void;

/** Where a client sends the worker's log messages (slow-call warnings, a failure's reason). */
export type StoreLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** The default log: warnings and errors become Node process warnings (shown by Electron main and the server). */
const emitWarnings: StoreLog = (level, message) => {
  if (level !== 'info') process.emitWarning(message);
};

/** Stops within {@link RESTART_WINDOW_MS} after which the client gives up restarting the worker. */
export const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

/** Options of one call. */
export interface CallOptions {
  /**
   * Who is asking: 'ui' for the app's own window, `page:<id>` for a browser page, `script` for API callers without
   * an id. The worker serves the caller that has used it least first (scheduler.ts). Default 'internal'.
   */
  client?: string;
}

/** A typed connection to one store worker (restarted when it dies). */
export class StoreClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; method: string }>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private exited: Error | null = null;
  private closing = false;
  private worker: Worker;
  /** What to open again after a restart: the last workspace opened successfully. */
  private lastOpen: InternalMethods['internal.open']['params'] | null = null;
  /** Calls wait for this while a restarted worker reopens the workspace. */
  private ready: Promise<void> = Promise.resolve();
  private readonly stops: number[] = [];
  private lastFailure = '';

  private constructor(private readonly script: string, private readonly log: StoreLog) {
    this.worker = this.spawn();
  }

  /**
   * Starts a worker.
   * @param opts.script - the worker bundle (default: {@link workerScript})
   * @param opts.log - where the worker's log messages go (default: process warnings); the CLI drops them unless
   *   LOUPE_DEBUG is set, so they never mix with a command's output
   */
  static start(opts: { script?: string; log?: StoreLog } = {}): StoreClient {
    return new StoreClient(opts.script ?? workerScript(), opts.log ?? emitWarnings);
  }

  private spawn(): Worker {
    const w = new Worker(this.script);
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (e) => this.onStop(w, `it failed: ${e.message}`));
    w.on('exit', (code) => this.onStop(w, `it exited with code ${code}`));
    return w;
  }

  /**
   * Calls a method.
   * @returns the method's result
   * @throws LoupeError rebuilt from the worker's error data (stable `code`); STORE_RESTARTED when the worker
   *   stopped while the call ran
   */
  async call<M extends AnyMethod>(method: M, params: AnyParams<M>, opts: CallOptions = {}): Promise<AnyResult<M>> {
    if (method !== 'internal.open') await this.ready;
    if (this.exited) throw this.exited;
    const seq = ++this.seq;
    const result = await new Promise<AnyResult<M>>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject, method });
      this.worker.postMessage({ type: 'call', seq, method, params, ...(opts.client ? { client: opts.client } : {}) });
    });
    if (method === 'internal.open') {
      const p = params as InternalMethods['internal.open']['params'];
      this.lastOpen = { path: p.path, create: false, ...(p.read_only ? { read_only: true } : {}) };
    } else if (method === 'internal.close') {
      this.lastOpen = null;
    }
    return result;
  }

  /** Subscribes to an event. @returns unsubscribe */
  on<E extends EventName>(event: E, cb: (payload: EventMap[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb as Listener);
    return () => set.delete(cb as Listener);
  }

  /** Closes the workspace (checkpointing it) and stops the worker. */
  async close(): Promise<void> {
    if (this.exited) return;
    try {
      await this.call('internal.close', {});
    } finally {
      this.closing = true;
      await this.worker.terminate();
    }
  }

  /** Stops the worker at once without a checkpoint, as a crash would (tests). No restart follows. */
  async kill(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }

  /** Ends the worker as if it had crashed, so the restart runs (tests). */
  async crashForTest(): Promise<void> {
    await this.worker.terminate();
  }

  private emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const cb of this.listeners.get(event) ?? []) (cb as (p: unknown) => void)(payload);
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'result') {
      const p = this.pending.get(m.seq);
      if (!p) return;
      this.pending.delete(m.seq);
      if (m.ok) p.resolve(m.result);
      else p.reject(fromErrorData(m.error));
    } else if (m.type === 'event') {
      this.emit(m.event, m.payload as never);
    } else if (m.type === 'log') {
      if (m.level === 'error') this.lastFailure = m.message.split('\n')[0] ?? '';
      this.log(m.level, m.message);
    }
  }

  /** The worker stopped: expected (close, kill) or not (then restart, or give up). */
  private onStop(w: Worker, how: string): void {
    if (w !== this.worker || this.exited) return;
    if (this.closing) {
      this.failAll(new Error(`The store worker exited (${how}).`));
      this.exited = new LoupeError('WORKSPACE_NOT_OPEN', 'The store is closed.');
      return;
    }
    const reason = this.lastFailure ? `${how} (${this.lastFailure.replace(/^store worker failed: /, '')})` : how;
    this.lastFailure = '';
    this.log('error', `The store worker stopped unexpectedly: ${reason}.`);
    const now = Date.now();
    this.stops.push(now);
    while (this.stops.length && now - this.stops[0]! > RESTART_WINDOW_MS) this.stops.shift();
    const interrupted = new LoupeError('STORE_RESTARTED',
      `The store stopped unexpectedly (${reason}) and was restarted. This action did not complete; everything confirmed before it is kept.`,
      { action: 'Try the action again.' });
    this.failAll(interrupted);
    if (this.stops.length > MAX_RESTARTS) {
      this.giveUp(new LoupeError('STORE_RESTARTED',
        `The store stopped ${this.stops.length} times within a minute (last: ${reason}); Loupe stopped restarting it. Every confirmed decision is in the workspace file or its journal.`,
        { action: 'Copy the error, then restart Loupe. If it happens again, open the workspace with `npx loupe info --workspace <file>` to check it.' }));
      return;
    }
    this.worker = this.spawn();
    const reopen = this.lastOpen;
    this.ready = (async () => {
      if (!reopen) return;
      try {
        await this.call('internal.open', reopen);
        this.emit('store.status', { state: 'restarted', error: interrupted.toData(), restarts: this.stops.length });
      } catch (e) {
        const d = toErrorData(e);
        this.giveUp(new LoupeError('STORE_RESTARTED', `The store stopped (${reason}) and the workspace did not open again: ${d.message}`, { action: d.action ?? 'Restart Loupe.', details: d }));
      }
    })();
  }

  private giveUp(err: LoupeError): void {
    this.exited = err;
    this.failAll(err);
    this.emit('store.status', { state: 'failed', error: err.toData(), restarts: this.stops.length });
    void this.worker.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
