/**
 * Test fixtures for browser mode: every test gets its own temporary folder and a `loupe serve` process on a free
 * port, started with `node bin/loupe.js serve --workspace <dir>/w.sqlite --port 0`. The URL is read from the line the
 * CLI prints; the page fails the test on any console error or uncaught page error.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreClient } from '../electron/store/client';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The real public files the tests import (read-only, outside the repo). */
export const realDir = path.resolve(repoRoot, '../shared/data/real');
export const hasRealData = fs.existsSync(realDir);

/** A running `loupe serve`. */
export interface Served {
  url: string;
  workspace: string;
  proc: ChildProcess;
  /** Stops the server (SIGTERM) and waits for it to exit, so the workspace is saved and closed. */
  stop(): Promise<void>;
}

/**
 * Origins of the servers a test has stopped (or is stopping). A page still open on one of them may log its event
 * stream's refused reconnect or a cut request: that is the test stopping the server, not an error of the page, so
 * the `errors` fixture lets exactly those through (network failures to a stopped origin) and nothing else.
 */
const stoppedOrigins = new Set<string>();

/**
 * Starts `loupe serve` on `workspace` and resolves with the URL it prints.
 * @throws Error with the CLI's stderr when it exits or prints no URL within 30 s
 */
export function serve(workspace: string, env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const proc = spawn(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'serve', '--workspace', workspace, '--port', '0'], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BROWSER: 'none', ...env },
  });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let origin: string | null = null;
  const stop = async () => {
    if (origin) stoppedOrigins.add(origin);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`loupe serve printed no URL in 30 s.\nstdout: ${out}\nstderr: ${err}`)); }, 30_000);
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
      if (m?.[1]) { clearTimeout(timer); origin = new URL(m[1]).origin; resolve({ url: m[1], workspace, proc, stop }); }
    });
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`loupe serve exited with ${code}.\nstdout: ${out}\nstderr: ${err}`)); });
  });
}

/**
 * Creates an empty workspace with the real store worker (the same code `loupe serve` runs), so a test starts from a
 * workspace that exists but holds nothing.
 */
export async function createWorkspace(file: string): Promise<void> {
  const client = StoreClient.start({ script: path.join(repoRoot, 'dist/node/store-worker.js') });
  try {
    await client.call('internal.open', { path: file, create: true });
  } finally {
    await client.close();
  }
}

/** Builds the demo workspace (data/samples) at `file` with the real CLI (`loupe demo`), as README's serve does. */
export function buildDemo(file: string): string {
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'demo', '--workspace', file], { cwd: repoRoot, stdio: 'pipe' });
  return file;
}

/** A fresh temporary folder for one test's workspace and generated files. */
export async function tempDir(prefix = 'loupe-e2e-'): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Saves a full-page screenshot of the current screen to test-results/screens/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(repoRoot, 'test-results', 'screens', `${name}.png`), fullPage: false });
}

/** Console errors and page errors seen during a test; the fixture fails the test when any remain. */
interface Fixtures { dir: string; server: Served; errors: string[] }

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  dir: async ({}, use) => {
    const d = await tempDir();
    await use(d);
    await fs.promises.rm(d, { recursive: true, force: true });
  },
  server: async ({ dir, page }, use) => {
    const file = path.join(dir, 'w.sqlite');
    await createWorkspace(file);
    const s = await serve(file);
    await use(s);
    // Close the page first: a page whose server went away logs its event stream's failed reconnects.
    await page.close();
    await s.stop();
  },
  errors: [async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (/^Failed to load resource: net::ERR_(CONNECTION_REFUSED|EMPTY_RESPONSE|CONNECTION_RESET)/.test(m.text()) && stoppedOrigins.has(originOf(m.location().url))) return;
      errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    await use(errors);
    expect(errors, 'the page logged errors').toEqual([]);
  }, { auto: true }],
});

export { expect };

/**
 * Imports files through the Import screen: sets them on the file input, waits for each preview, clicks Import and
 * waits for the result panel.
 * @returns the result card locator of the last file
 */
export async function importThroughUi(page: Page, files: string[]) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
  await page.getByTestId('file-input').setInputFiles(files);
  for (const f of files) {
    const card = page.getByRole('region', { name: `Import of ${path.basename(f)}` });
    await expect(card.getByTestId('preview')).toBeVisible();
    await card.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(card.getByTestId('import-result')).toBeVisible({ timeout: 90_000 });
  }
}
