/**
 * The store worker: the one owner of the sql.js database. Electron main, the browser-mode server and the CLI start
 * it with {@link StoreClient} and talk to it by messages only.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorData } from '../../shared/errors';
import { StoreService } from './handlers';
import { slowCallWarning, type FromWorker, type ToWorker } from './protocol';

if (!parentPort) throw new Error('store-worker must run in a worker thread');
const port = parentPort;
const post = (m: FromWorker) => port.postMessage(m);

const service = new StoreService((event, payload) => post({ type: 'event', event, payload }));

// Calls run one after another: the database is single-threaded, and ordering keeps reads after writes consistent.
// An import awaits between chunks, so queries still interleave with it.
port.on('message', (msg: ToWorker) => {
  if (msg.type !== 'call') return;
  const t0 = performance.now();
  service.dispatch(msg.method as never, msg.params).then(
    (result) => post({ type: 'result', seq: msg.seq, ok: true, result }),
    (err: unknown) => post({ type: 'result', seq: msg.seq, ok: false, error: toErrorData(err) }),
  ).finally(() => {
    const warning = slowCallWarning(msg.method, performance.now() - t0);
    if (warning) post({ type: 'log', level: 'warn', message: warning });
  });
});

function shutdown(): void {
  try { service.close(); } catch { /* closing is best effort at exit; the journal already holds every commit */ }
}
process.on('exit', shutdown);
