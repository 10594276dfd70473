import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures';

/** Newest modification time (ms) of any file under `dirs`, skipping tests. */
function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) if (fs.existsSync(path.join(repoRoot, d))) walk(path.join(repoRoot, d));
  return newest;
}

function builtAt(file: string): number {
  try { return fs.statSync(path.join(repoRoot, file)).mtimeMs; } catch { return 0; }
}

/**
 * Builds what `loupe serve` runs (node bundles and the renderer) when their sources are newer than the build, so
 * the tests exercise the current code without rebuilding (and emptying dist/web) on every run.
 * Screenshots in test-results/screens/ are overwritten by name on each run.
 */
export default function globalSetup(): void {
  const shared = newestSource(['shared']);
  if (Math.max(shared, newestSource(['electron', 'scripts', 'data/samples'])) > builtAt('dist/node/cli.js')) {
    execFileSync(process.execPath, ['scripts/build-node.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  }
  if (Math.max(shared, newestSource(['renderer']), builtAt('vite.config.ts')) > builtAt('dist/web/index.html')) {
    execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  }
}
