/**
 * Test fixture: drives the real store worker (dist/node/store-worker.js) through contract calls, as the app does
 * during a review session, printing `confirmed <position>` after each review.submit resolves. The crash test
 * kills this process (and with it the worker thread) with SIGKILL at a random moment.
 * Args: workspace file, worker script, number of decisions.
 */
import { StoreClient } from '../../client';

const [file, script, countArg] = process.argv.slice(2);
const count = Number(countArg ?? '300');
const client = StoreClient.start({ script: script! });
await client.call('internal.open', { path: file!, create: false });
await client.call('review.setReviewer', { name: 'Crash Tester' });
const q = await client.call('queues.create', { week: '2026-W47', size: count, strata: 'feature', seed: 3 });
process.stdout.write(`queue ${q.queue_id}\n`);
for (let p = 1; p <= q.items.length; p++) {
  await client.call('review.submit', { queue_id: q.queue_id, position: p, verdicts: { correct: p % 4 === 0 ? 'fail' : 'pass', safe: 'pass', helpful: 1 + (p % 5) }, note: `decision ${p}` });
  process.stdout.write(`confirmed ${p}\n`);
  // Checkpoint now and then, so kills also land during and around a save.
  if (p % 40 === 0) await client.call('internal.checkpoint', {});
}
await client.close();
