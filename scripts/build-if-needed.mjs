// `npm run serve` / `npm start`: runs the full build (`npm run build`: type-check, node bundles, renderer) only when
// a source has changed since the last successful build, so a start with unchanged sources costs a directory walk
// (tens of ms) instead of a type-check and two bundles (4 s idle, over a minute on a busy machine).
//
// The fingerprint covers every file that can change what the build produces: the TypeScript sources and tests
// (the type-check covers them), the build scripts and configs, package.json and package-lock.json. It hashes each
// file's path, size and modification time; the stamp is written only after the build succeeded, so a failed build
// is retried on the next start. `--force` builds regardless.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(repoRoot, 'dist', '.build-stamp');
const DIRS = ['shared', 'electron', 'renderer', 'scripts', 'data/samples', 'e2e'];
const FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.base.json', 'tsconfig.node.json',
  'tsconfig.shared.json', 'tsconfig.web.json', 'vite.config.ts', 'eslint.config.js'];
const SOURCE = /\.(ts|tsx|mts|cts|mjs|js|json|css|html|svg|png)$/;
/** What the build writes; a missing output means a build is needed whatever the stamp says. */
const OUTPUTS = ['dist/node/cli.js', 'dist/node/store-worker.js', 'dist/web/index.html'];

/** The sources' fingerprint: a SHA-1 over (relative path, size, mtime) of every input file, in a stable order. */
export function fingerprint(root = repoRoot) {
  const entries = [];
  const add = (abs) => {
    const st = fs.statSync(abs);
    entries.push(`${path.relative(root, abs)}\0${st.size}\0${st.mtimeMs}`);
  };
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (SOURCE.test(e.name)) add(p);
    }
  };
  for (const d of DIRS) if (fs.existsSync(path.join(root, d))) walk(path.join(root, d));
  for (const f of FILES) if (fs.existsSync(path.join(root, f))) add(path.join(root, f));
  entries.sort();
  return crypto.createHash('sha1').update(entries.join('\n')).digest('hex');
}

const force = process.argv.includes('--force');
const current = fingerprint();
const stamp = fs.existsSync(STAMP) ? fs.readFileSync(STAMP, 'utf8').trim() : '';
const built = OUTPUTS.every((f) => fs.existsSync(path.join(repoRoot, f)));
if (!force && built && stamp === current) process.exit(0);

process.stdout.write(stamp ? 'Sources changed since the last build: building…\n' : 'Building…\n');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const r = spawnSync(npm, ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
fs.mkdirSync(path.dirname(STAMP), { recursive: true });
fs.writeFileSync(STAMP, `${current}\n`);
