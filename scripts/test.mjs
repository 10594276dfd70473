// `npm test`: type-check and build, lint, unit tests (Vitest), e2e tests (Playwright in Debian Chromium), then one
// closing line with the totals of both runners: "tests: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-test-'));
const run = (cmd, args, env = {}) => {
  process.stdout.write(`\n> ${cmd} ${args.join(' ')}\n`);
  return spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
};

let failedStep = null;
if (run('npm', ['run', 'build']) !== 0) failedStep = 'build';
if (!failedStep && run('npm', ['run', 'lint']) !== 0) failedStep = 'lint';

const totals = { passed: 0, failed: 0, skipped: 0 };
if (!failedStep) {
  const unitJson = path.join(out, 'vitest.json');
  const unit = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitJson}`]);
  if (fs.existsSync(unitJson)) {
    const r = JSON.parse(fs.readFileSync(unitJson, 'utf8'));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += r.numFailedTests ?? 0;
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
  if (unit !== 0) failedStep = 'unit tests';

  const e2eJson = path.join(out, 'playwright.json');
  const e2e = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson });
  if (fs.existsSync(e2eJson)) {
    const s = JSON.parse(fs.readFileSync(e2eJson, 'utf8')).stats ?? {};
    totals.passed += (s.expected ?? 0) + (s.flaky ?? 0);
    totals.failed += s.unexpected ?? 0;
    totals.skipped += s.skipped ?? 0;
  }
  if (e2e !== 0 && !failedStep) failedStep = 'e2e tests';
}

if (failedStep) process.stdout.write(`\nnpm test: ${failedStep} failed\n`);
process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failedStep ? 1 : 0);
