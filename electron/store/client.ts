/**
 * The client side of the store worker: spawns `dist/node/store-worker.js` in a worker thread and sends it calls.
 * Used by Electron main, the browser-mode server, the CLI and tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventMap, EventName } from '../../shared/contract';
import { fromErrorData } from '../../shared/errors';
import type { AnyMethod, AnyParams, AnyResult, FromWorker } from './protocol';

/** Finds the built worker next to this bundle, or in the repository's dist/ when running from source (tests). */
export function workerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'store-worker.js'), path.resolve(here, '../../dist/node/store-worker.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`The store worker is not built (looked for ${candidates.join(', ')}). Run "npm run build:node".`);
  return found;
}

type Listener = (payload: never) => void;

/** Where a client sends the worker's log messages (slow-call warnings). */
export type StoreLog = (level: 'info' | 'warn', message: string) => void;

/** The default log: warnings become Node process warnings (shown by Electron main and the server). */
const emitWarnings: StoreLog = (level, message) => {
  if (level === 'warn') process.emitWarning(message);
};

/** A typed connection to one store worker. */
export class StoreClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private exited: Error | null = null;

  private constructor(private readonly worker: Worker, private readonly log: StoreLog) {
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (e) => this.failAll(e));
    worker.on('exit', (code) => this.failAll(new Error(`The store worker exited (code ${code}).`)));
  }

  /**
   * Starts a worker.
   * @param opts.script - the worker bundle (default: {@link workerScript})
   * @param opts.log - where the worker's log messages go (default: process warnings); the CLI drops them unless
   *   LOUPE_DEBUG is set, so they never mix with a command's output
   */
  static start(opts: { script?: string; log?: StoreLog } = {}): StoreClient {
    return new StoreClient(new Worker(opts.script ?? workerScript()), opts.log ?? emitWarnings);
  }

  /**
   * Calls a method.
   * @returns the method's result
   * @throws LoupeError rebuilt from the worker's error data (stable `code`)
   */
  call<M extends AnyMethod>(method: M, params: AnyParams<M>): Promise<AnyResult<M>> {
    if (this.exited) return Promise.reject(this.exited);
    const seq = ++this.seq;
    return new Promise<AnyResult<M>>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ type: 'call', seq, method, params });
    });
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
      await this.worker.terminate();
    }
  }

  /** Stops the worker at once without a checkpoint, as a crash would (tests). */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'result') {
      const p = this.pending.get(m.seq);
      if (!p) return;
      this.pending.delete(m.seq);
      if (m.ok) p.resolve(m.result);
      else p.reject(fromErrorData(m.error));
    } else if (m.type === 'event') {
      for (const cb of this.listeners.get(m.event) ?? []) (cb as (p: unknown) => void)(m.payload);
    } else if (m.type === 'log') {
      this.log(m.level, m.message);
    }
  }

  private failAll(e: Error): void {
    this.exited = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
