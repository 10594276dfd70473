import { spawnSync } from 'node:child_process';

/**
 * Builds the node-side bundles once (store worker, CLI) so tests that spawn them run the real code. A failed build
 * is reported but does not stop the pure unit tests; the tests that need the bundles then fail with their own message.
 */
export default function setup(): void {
  const r = spawnSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) console.warn('vitest global setup: building dist/node failed; tests that start the store worker will fail.');
}
