import { execFileSync } from 'node:child_process';

/** Builds the node-side bundles once (store worker, CLI) so tests that spawn them run the real code. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { stdio: 'inherit' });
}
