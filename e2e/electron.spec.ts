/**
 * The Electron shell end to end: Playwright launches dist/node/electron-main.js with a temporary workspace and
 * profile, and drives the same flow as the browser tests (import a real file, see the counts), plus the shell's own
 * guarantees: a narrow bridge, no Node in the page, and the blocking screen for a workspace that cannot be opened.
 *
 * Self-contained (no browser fixtures). Where the Electron binary was never downloaded (installs with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no network) every test reports SKIPPED with the reason.
 * Needs `npm run build` first (dist/node and dist/web).
 */
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainBundle = path.join(repoRoot, 'dist/node/electron-main.js');
const realTickets = path.resolve(repoRoot, '../shared/data/real/tickets-customer-support.csv');

/** The Electron binary's path, or null where it was never downloaded (`require('electron')` throws then). */
function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}
const binary = electronBinary();

test.skip(!binary, 'Electron binary not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD): run `node node_modules/electron/install.js` '
  + 'on a machine that can reach github.com; the browser-mode e2e tests cover the same app meanwhile.');
test.skip(!fs.existsSync(mainBundle), 'The app is not built: run `npm run build` first.');

interface Launched { app: ElectronApplication; page: Page; dir: string }

/** Launches Loupe on `workspace` with a private profile folder (recent.json, single-instance lock). */
async function launch(dir: string, workspace: string): Promise<Launched> {
  const app = await electron.launch({
    executablePath: binary!,
    args: [mainBundle, '--workspace', workspace],
    cwd: repoRoot,
    env: { ...process.env, LOUPE_USER_DATA: path.join(dir, 'profile') } as Record<string, string>,
  });
  const page = await app.firstWindow();
  return { app, page, dir };
}

let running: Launched | null = null;
test.afterEach(async () => {
  if (running) {
    await running.app.close();
    fs.rmSync(running.dir, { recursive: true, force: true });
    running = null;
  }
});

test('opens a new workspace, imports a real ticket export through the native file dialog, and shows the counts', async () => {
  test.skip(!fs.existsSync(realTickets), `Real data not found at ${realTickets}.`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-electron-e2e-'));
  running = await launch(dir, path.join(dir, 'weekly.sqlite'));
  const { app, page } = running;

  await expect(page.getByTestId('ws-file')).toHaveText('weekly.sqlite');
  await expect(page.getByTestId('count-tickets')).toHaveText('0');
  expect(page.url()).toMatch(/^app:\/\/loupe\//);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getTitle())).toBe('weekly.sqlite — Loupe');

  // The native dialog cannot be driven from a test: answer it in main with the real file.
  await app.evaluate(({ dialog }, file) => {
    dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [file] })) as typeof dialog.showOpenDialog;
  }, realTickets);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
  await page.getByRole('button', { name: 'Choose files…' }).click();
  const card = page.getByTestId('file-card');
  await expect(card.getByRole('heading', { name: 'tickets-customer-support.csv' })).toBeVisible();
  await expect(card.getByTestId('preview')).toBeVisible();
  await card.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(card.getByTestId('import-result')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('count-tickets')).toHaveText('8,469');

  // The workspace is remembered for the next start.
  const recent = JSON.parse(fs.readFileSync(path.join(dir, 'profile', 'recent.json'), 'utf8')) as { recent: string[] };
  expect(recent.recent[0]).toBe(path.join(dir, 'weekly.sqlite'));
});

test('the page has no Node and one narrow bridge of named functions', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-electron-e2e-'));
  running = await launch(dir, path.join(dir, 'w.sqlite'));
  const { page } = running;
  await expect(page.getByTestId('ws-file')).toHaveText('w.sqlite');

  const seen = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    keys: Object.keys((globalThis as unknown as { loupe: object }).loupe).sort(),
    ipc: 'ipcRenderer' in (globalThis as unknown as { loupe: object }).loupe,
  }));
  expect(seen.require).toBe('undefined');
  expect(seen.process).toBe('undefined');
  expect(seen.ipc).toBe(false);
  for (const k of ['on', 'getStartupState', 'chooseImportFiles', 'filesDropped', 'newWorkspace', 'openWorkspace', 'revealWorkspace', 'workspace.info', 'requests.query']) {
    expect(seen.keys).toContain(k);
  }
  expect(seen.keys.filter((k) => k.startsWith('internal.'))).toEqual([]);

  // Payloads are validated in main, and errors come back as data with the field named.
  const bad = await page.evaluate(() => (globalThis as unknown as { loupe: Record<string, (p: unknown) => Promise<unknown>> }).loupe['requests.query']!({ limit: 'lots' }));
  expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  expect((bad as { error: { message: string } }).error.message).toContain('limit');

  // Dropped items that are not files on disk are refused by main, naming the item.
  const dropped = await page.evaluate(() => (globalThis as unknown as { loupe: { filesDropped(f: unknown[]): Promise<unknown> } }).loupe.filesDropped([new File(['x'], 'x.csv')]));
  expect(dropped).toMatchObject({ ok: false, error: { code: 'IMPORT_UNREADABLE' } });
});

test('a workspace that cannot be opened shows the blocking screen with Copy error and Open another…', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-electron-e2e-'));
  const corrupt = path.join(dir, 'broken.sqlite');
  fs.writeFileSync(corrupt, 'not an SQLite file, just some text long enough to have a header');
  // --workspace creates a missing file but never overwrites an existing one, so the corrupt file is reported.
  running = await launch(dir, corrupt);
  const { page } = running;
  const blocking = page.getByTestId('blocking-error');
  await expect(blocking).toBeVisible();
  await expect(blocking).toContainText('broken.sqlite');
  await expect(blocking.getByRole('button', { name: 'Copy error' })).toBeVisible();
  await expect(blocking.getByRole('button', { name: 'Open another…' })).toBeVisible();
});
