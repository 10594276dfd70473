/**
 * Test fixture (lock stress test, scripts/stress.ts): one writer. Opens the workspace through the path it is given
 * (the file, a symlink to it, a path through `..`), retrying while another process holds the lock, commits `rows`
 * journaled rows, saving now and then, and closes. Prints `confirmed <writer> <n>` after each commit returns, and
 * `done <writer>` at the end. The parent may kill it with SIGKILL at any moment.
 * Args: workspace path, writer id, rows.
 */
import { LoupeError } from '../../../shared/errors';
import { Workspace } from '../workspace';

const [file, writer, rowsArg] = process.argv.slice(2);
const rows = Number(rowsArg ?? '20');
const deadline = Date.now() + 60_000;
let ws: Workspace | null = null;
while (!ws) {
  try {
    ws = await Workspace.open(file!, {});
  } catch (e) {
    if (!(e instanceof LoupeError && e.code === 'CONFLICT') || Date.now() > deadline) throw e;
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 10));
  }
}
process.stdout.write(`locked ${writer}\n`);
for (let n = 1; n <= rows; n++) {
  ws.commit([['INSERT INTO meta (key, value) VALUES (?, ?)', [`w-${writer}-${n}`, String(n)]]]);
  process.stdout.write(`confirmed ${writer} ${n}\n`);
  if (n % 7 === 0) ws.checkpoint();
}
ws.close();
process.stdout.write(`done ${writer}\n`);
