/**
 * Stress fixture (scripts/stress.ts, full-disk part): commits decisions of about 1 KB each to a workspace on a small
 * disk that the parent has filled up, printing `confirmed <n>` when a commit returns and `refused <n> <code>` when it
 * is refused. After five refusals it deletes the filler file (space comes back) and goes on; every 25 decisions it
 * saves, printing `save-failed <code>` when the save is refused. The parent may kill it with SIGKILL at any moment.
 * Args: workspace, filler file, decisions.
 */
import fs from 'node:fs';
import { LoupeError } from '../../../shared/errors';
import { Workspace } from '../workspace';

const [file, filler, countArg] = process.argv.slice(2);
const count = Number(countArg ?? '300');
const ws = await Workspace.open(file!, {});
let refused = 0;
const note = 'n'.repeat(1000);
for (let n = 1; n <= count; n++) {
  try {
    ws.commit([['INSERT INTO meta (key, value) VALUES (?, ?)', [`disk-${n}`, note]]]);
    process.stdout.write(`confirmed ${n}\n`);
  } catch (e) {
    if (!(e instanceof LoupeError)) throw e;
    process.stdout.write(`refused ${n} ${e.code}\n`);
    if (++refused === 5) {
      fs.rmSync(filler!, { force: true });
      process.stdout.write('freed\n');
    }
  }
  if (n % 25 === 0) {
    try { ws.checkpoint(); } catch (e) { process.stdout.write(`save-failed ${e instanceof LoupeError ? e.code : String(e)}\n`); }
  }
}
try { ws.close(); } catch (e) { process.stdout.write(`close-failed ${e instanceof LoupeError ? e.code : String(e)}\n`); }
process.stdout.write('done\n');
