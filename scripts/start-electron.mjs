// `npm start` (after the build): launches the Electron shell on the built app. The demo workspace is built first
// when it is missing, and opened when no workspace was open last time (--default-workspace). Extra arguments are
// passed to Electron, e.g. `npm start -- --workspace ~/weekly.sqlite`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = path.join(repoRoot, 'data', 'demo.sqlite');
const ELECTRON_VERSION = JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

/** The Electron binary's path, or null with the reason when it was never downloaded. */
function electronBinary() {
  try {
    // The electron package's main export is the binary's path; it throws when install.js never fetched the binary.
    const p = createRequire(import.meta.url)('electron');
    return typeof p === 'string' && fs.existsSync(p) ? { path: p } : { path: null, reason: `${p} does not exist` };
  } catch (e) {
    return { path: null, reason: e instanceof Error ? e.message : String(e) };
  }
}

const electron = electronBinary();
if (!electron.path) {
  process.stderr.write([
    'Loupe cannot start its desktop window: the Electron binary is not installed.',
    `  Why: ${electron.reason}`,
    '  This happens when dependencies were installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without network access.',
    '  To fetch it into node_modules (needs internet access to github.com):',
    '    node node_modules/electron/install.js',
    `  To check that the download works at all: npx electron@${ELECTRON_VERSION} --version`,
    '  Meanwhile, the same app runs in your browser:',
    '    npm run serve',
    '',
  ].join('\n'));
  process.exit(1);
}

for (const built of ['dist/node/electron-main.js', 'dist/node/preload.cjs', 'dist/node/store-worker.js', 'dist/web/index.html']) {
  if (!fs.existsSync(path.join(repoRoot, built))) {
    process.stderr.write(`Loupe is not built (${built} is missing). Run "npm run build" (npm start does it for you).\n`);
    process.exit(1);
  }
}

if (!fs.existsSync(demo)) {
  process.stderr.write(`Building the demo workspace ${path.relative(repoRoot, demo)}…\n`);
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'loupe.js'), 'demo', '--workspace', demo], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('The demo workspace could not be built; Loupe starts anyway and you can create or open a workspace from the File menu.\n');
  }
}

const args = [repoRoot, ...(fs.existsSync(demo) ? ['--default-workspace', demo] : []), ...process.argv.slice(2)];
const child = spawn(electron.path, args, { cwd: process.cwd(), stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (e) => {
  process.stderr.write(`Could not launch Electron (${electron.path}): ${e.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
