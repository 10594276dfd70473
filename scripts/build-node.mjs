// Bundles the node-side entry points (CLI, store worker, browser-mode server, Electron main and preload,
// bench) with esbuild. Packages stay external: they are loaded from node_modules at run time.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = {
  'cli': 'electron/cli/main.ts',
  'store-worker': 'electron/store/worker.ts',
  // The import's reading thread, started by the store worker for one import (electron/store/import-thread).
  'import-reader': 'electron/store/import-thread/worker.ts',
  'electron-main': 'electron/main/main.ts',
  'bench': 'scripts/bench.ts',
  // The year-of-traffic figures behind docs/scale.md (npm run bench:scale).
  'bench-scale': 'scripts/bench-scale.ts',
  // The summaries' cost and the first view from summaries vs raw rows (npm run bench:summaries).
  'bench-summaries': 'scripts/bench-summaries.ts',
  'coverage-grid': 'scripts/coverage-grid.ts',
  'generate-samples': 'data/samples/generate.ts',
  // Durability stress (npm run stress) and load (npm run load) scripts and the child processes they drive.
  'stress': 'scripts/stress.ts',
  'load': 'scripts/load.ts',
  'stress-writer': 'electron/store/testing/writer-child.ts',
  'stress-import': 'electron/store/testing/import-child.ts',
  'stress-disk': 'electron/store/testing/disk-child.ts',
};
const present = Object.fromEntries(Object.entries(entries).filter(([, p]) => existsSync(p) && p !== entries['store-worker']));
const banner = { js: "import { createRequire as __loupeCreateRequire } from 'node:module'; const require = __loupeCreateRequire(import.meta.url);" };

await build({
  entryPoints: present,
  outdir: 'dist/node',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  banner,
});

// The store worker starts with every workspace open, so its packages are bundled in: loading them from
// node_modules file by file (zod, the @stdlib distributions, hyparquet, …) cost about 0.4 s of the 1M open.
// sql.js finds its .wasm beside itself, and pdfkit (loaded only for a PDF) reads its data files beside itself:
// those stay in node_modules, as do the packages the code loads itself with createRequire (fonts, phone numbers,
// stop words).
await build({
  entryPoints: { 'store-worker': entries['store-worker'] },
  outdir: 'dist/node',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['sql.js', 'pdfkit', 'svg-to-pdfkit'],
  sourcemap: true,
  logLevel: 'warning',
  banner,
});

if (existsSync('electron/preload/preload.ts')) {
  await build({
    entryPoints: { preload: 'electron/preload/preload.ts' },
    outdir: 'dist/node',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
  });
}
