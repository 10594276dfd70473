/**
 * The store worker: the one owner of the sql.js database. Electron main, the browser-mode server and the CLI start
 * it with {@link StoreClient} and talk to it by messages only.
 */
import { parentPort } from 'node:worker_threads';
import { Settings } from 'luxon';
import { toErrorData } from '../../shared/errors';
import { StoreService } from './handlers';
import { slowCallWarning, type FromWorker, type ToWorker } from './protocol';
import { FairQueue } from './scheduler';

if (!parentPort) throw new Error('store-worker must run in a worker thread');
const port = parentPort;
// Dates the store writes (ISO week labels, the report's "Mon 16 Nov") are English like the rest of its text. Without
// a default, luxon asks Intl for the system locale on the first DateTime, which loads ICU's locale data: about 60 ms
// of the first metrics view (metrics.series) in a cold process.
Settings.defaultLocale = 'en-US';
const post = (m: FromWorker) => port.postMessage(m);

// LOUPE_CHECKPOINT_IDLE_MS shortens the quiet time before the background save (end-to-end tests of its failure).
const idleMs = Number(process.env.LOUPE_CHECKPOINT_IDLE_MS);
const service = new StoreService((event, payload) => post({ type: 'event', event, payload }), {
  log: (level, message) => post({ type: 'log', level, message }),
  ...(Number.isFinite(idleMs) && idleMs > 0 ? { checkpointIdleMs: idleMs } : {}),
});

// Calls are queued per caller and served one at a time by least recent use (scheduler.ts). Between two calls the
// worker yields to the event loop (setImmediate runs after pending messages are read), so a call that arrives while
// others wait is queued before the next one is chosen. A call that awaits (an import, a file preview) frees the
// worker at each await, so queries still interleave with it.
const queue = new FairQueue<ToWorker>();
// Pure FIFO, as before the scheduler, for measuring what it changes (scripts/load.ts).
const fifo = process.env.LOUPE_SCHEDULER === 'fifo';
let draining = false;

function runNext(): void {
  const next = queue.shift();
  if (!next) {
    draining = false;
    return;
  }
  const { caller, item: msg } = next;
  const t0 = performance.now();
  const done = service.dispatch(msg.method as never, msg.params);
  queue.charge(fifo ? 'all' : caller, performance.now() - t0);
  done.then(
    (result) => post({ type: 'result', seq: msg.seq, ok: true, result }),
    (err: unknown) => post({ type: 'result', seq: msg.seq, ok: false, error: toErrorData(err) }),
  ).finally(() => {
    const warning = slowCallWarning(msg.method, performance.now() - t0);
    if (warning) post({ type: 'log', level: 'warn', message: warning });
  });
  setImmediate(runNext);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type !== 'call') return;
  queue.push(fifo ? 'all' : (msg.client ?? 'internal'), msg);
  if (!draining) {
    draining = true;
    setImmediate(runNext);
  }
});

// An error that escapes every handler ends the worker; say what it was first, so the client's log and its restart
// message carry the reason.
process.on('uncaughtException', (e) => {
  post({ type: 'log', level: 'error', message: `store worker failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}` });
  process.exit(1);
});

function shutdown(): void {
  try { service.close(); } catch { /* closing is best effort at exit; the journal already holds every commit */ }
}
process.on('exit', shutdown);
