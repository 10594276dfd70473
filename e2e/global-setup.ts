import { execFileSync } from 'node:child_process';
import { repoRoot } from './fixtures';

/**
 * Builds what `loupe serve` runs (node bundles and the renderer) so the tests exercise the current code.
 * Screenshots in test-results/screens/ are overwritten by name on each run.
 */
export default function globalSetup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
}
