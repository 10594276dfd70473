/**
 * Test fixture: opens a workspace and commits numbered decisions through the journal as fast as it can, printing
 * `confirmed N` after each commit returns. The crash test kills this process with SIGKILL at a random moment.
 */
import { Workspace } from '../workspace';

const [file, countArg] = process.argv.slice(2);
const count = Number(countArg ?? '100000');
const ws = await Workspace.open(file!, { create: true });
ws.db.exec('CREATE TABLE IF NOT EXISTS decisions (n INTEGER PRIMARY KEY, note TEXT)');
ws.checkpoint();
for (let n = 1; n <= count; n++) {
  ws.commit([['INSERT INTO decisions (n, note) VALUES (?, ?)', [n, `decision ${n}`]]]);
  process.stdout.write(`confirmed ${n}\n`);
  // Checkpoint now and then, so kills also land during and around a save.
  if (n % 50 === 0) ws.checkpoint();
}
ws.close();
