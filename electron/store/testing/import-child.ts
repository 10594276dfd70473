/**
 * Test fixture (review-during-import kill test, scripts/stress.ts): opens a prepared workspace (a reviewer and a
 * review queue set), starts an import and submits reviews while it runs, 3 after every batch of records, printing
 * `confirmed <review id> <position>` as each returns. Ends with `import ok <inserted>` or `import failed <code>`.
 * The parent arms LOUPE_TEST_KILL_AT to kill it at an exact point, or kills it at random.
 * Args: workspace, import file, queue id, first position, "cancel" to cancel the import after its second batch.
 */
import { toErrorData } from '../../../shared/errors';
import { StoreService } from '../handlers';
import { setTestHook } from '../test-hooks';

const [file, importFile, queueArg, firstArg, mode] = process.argv.slice(2);
const queueId = Number(queueArg);
let position = Number(firstArg ?? '1');
let jobId = '';
const svc = new StoreService((event, payload) => {
  if (event === 'import.progress') jobId = (payload as { job_id: string }).job_id;
}, { checkpointIdleMs: 3_600_000 });
await svc.dispatch('internal.open', { path: file! });
let batches = 0;
setTestHook('import.batch', async () => {
  batches++;
  for (let i = 0; i < 3; i++) {
    const r = await svc.dispatch('review.submit', { queue_id: queueId, position, verdicts: { correct: position % 3 === 0 ? 'fail' : 'pass', safe: 'pass', helpful: 3 }, note: `during import ${position}` });
    process.stdout.write(`confirmed ${r.review_id} ${position}\n`);
    position++;
  }
  if (mode === 'cancel' && batches === 2) await svc.dispatch('import.cancel', { job_id: jobId });
});
try {
  const s = await svc.dispatch('internal.importFileWait', { path: importFile!, options: {} });
  process.stdout.write(`import ok ${s.inserted}\n`);
} catch (e) {
  process.stdout.write(`import failed ${toErrorData(e).code}\n`);
}
// Decisions after the import, on the same queue.
for (let i = 0; i < 3; i++) {
  const r = await svc.dispatch('review.submit', { queue_id: queueId, position, verdicts: { correct: 'pass', safe: 'pass', helpful: 4 }, note: `after import ${position}` });
  process.stdout.write(`confirmed ${r.review_id} ${position}\n`);
  position++;
}
svc.close();
process.stdout.write('closed\n');
