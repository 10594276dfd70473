#!/usr/bin/env node
// Entry point of `npx loupe`. Runs the bundled CLI; builds the node bundles first when they are missing
// (e.g. a checkout where `npm install` ran with --ignore-scripts).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/node/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../scripts/build-node.mjs', import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
