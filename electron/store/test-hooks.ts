/**
 * Named points in the store where a test (or scripts/stress.ts) can act deterministically: widen a race window by
 * running a second contender right there, inject a file-system fault, hold an import until released, or kill the
 * process at an exact moment. In a normal run every point is a no-op costing one Map lookup.
 *
 * Two ways to arm a point:
 * - in-process: {@link setTestHook} with a function (sync points call it synchronously; async points await it);
 * - across processes (child processes, the worker thread of a CLI under test): environment variables read once,
 *   `LOUPE_TEST_KILL_AT=<point>[:<n>]` sends SIGKILL to the process the n-th time (default 1st) the point is reached,
 *   and `LOUPE_TEST_GATE_DIR=<dir>` makes each async point write `<dir>/<point>.reached` and wait until
 *   `<dir>/<point>.go` exists (the test creates it once it has done what must happen inside the window).
 */
import fs from 'node:fs';
import path from 'node:path';

/** Every point the store exposes. */
export type HookPoint =
  /** lock.ts: the lock file was found and read, before its owner is judged alive or stale. */
  | 'lock.read'
  /** lock.ts: the claim on a stale lock was taken, before the lock is compared and removed. */
  | 'lock.claimed'
  /** lock.ts: the complete temp lock file is written, before it is linked into place. */
  | 'lock.beforeLink'
  /**
   * import-thread/client.ts: the reading thread is about to start; the info is `{ script }`, which a test may change
   * (a path that does not exist makes the thread fail to start).
   */
  | 'import.readerStart'
  /** pipeline.ts (async): a batch of records was inserted inside the import's transaction. */
  | 'import.batch'
  /** pipeline.ts (async): reading is done and cancellation is no longer honoured; linking starts. */
  | 'import.linking'
  /** workspace.ts: a bulk change (import) committed in memory, before the save. */
  | 'bulk.committed'
  /** workspace.ts: a bulk change rolled back, before the decisions made meanwhile are applied again. */
  | 'bulk.rolledBack'
  /** workspace.ts: a save's temp file is written and fsynced, before the rename. */
  | 'save.tempWritten'
  /** workspace.ts: a save renamed the new file into place, before the journal is emptied. */
  | 'save.renamed'
  /** journal.ts: a journal line was written, before the fsync that confirms it. */
  | 'journal.written';

type SyncHook = (info?: unknown) => void;
type AsyncHook = (info?: unknown) => void | Promise<void>;

const hooks = new Map<HookPoint, SyncHook | AsyncHook>();
const reached = new Map<HookPoint, number>();

/** Arms (or with `null`, disarms) a point in this process. Test-only. */
export function setTestHook(point: HookPoint, fn: SyncHook | AsyncHook | null): void {
  if (fn) hooks.set(point, fn);
  else hooks.delete(point);
}

/** Disarms every point armed with {@link setTestHook}. Test-only. */
export function clearTestHooks(): void {
  hooks.clear();
  reached.clear();
}

function killIfAsked(point: HookPoint): void {
  const spec = process.env.LOUPE_TEST_KILL_AT;
  if (!spec) return;
  const [at, nth] = spec.split(':');
  if (at !== point) return;
  const n = (reached.get(point) ?? 0) + 1;
  reached.set(point, n);
  if (n === Number(nth ?? '1')) process.kill(process.pid, 'SIGKILL');
}

/** A synchronous point: runs its hook, if any, right here. */
export function hook(point: HookPoint, info?: unknown): void {
  killIfAsked(point);
  const fn = hooks.get(point);
  if (fn) fn(info);
}

/** An asynchronous point: awaits its hook, and the file gate when LOUPE_TEST_GATE_DIR is set. */
export async function hookAsync(point: HookPoint, info?: unknown): Promise<void> {
  killIfAsked(point);
  const fn = hooks.get(point);
  if (fn) await fn(info);
  const dir = process.env.LOUPE_TEST_GATE_DIR;
  if (!dir) return;
  const go = path.join(dir, `${point}.go`);
  fs.writeFileSync(path.join(dir, `${point}.reached`), '');
  // Waits for the test's go-ahead; each check yields to the event loop, so calls keep being answered meanwhile.
  while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 5));
}
