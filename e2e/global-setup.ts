import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures';

/**
 * Builds what `loupe serve` runs (node bundles and the renderer) so the tests exercise the current code, and clears
 * the screenshots of the previous run.
 */
export default function globalSetup(): void {
  execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  fs.rmSync(path.join(repoRoot, 'test-results', 'screens'), { recursive: true, force: true });
}
