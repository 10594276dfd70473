/**
 * Browser mode, keeping work safe and untrusted text honest: bidirectional controls shown as `⟨U+202E⟩` in grids,
 * panels and the import history; markdown of a 1 MB output and of marked's slow case shown plain with a note while
 * the page stays responsive; a failing background save shown and then recovered; a workspace whose journal has a
 * damaged entry opened by keeping every valid entry.
 */
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { createWorkspace, expect, importThroughUi, serve, shot, test } from './fixtures';
import { encodeEntry, journalPath } from '../electron/store/journal';

const RLO = '\u202E';

/** How long the page takes to answer a trivial script call, in ms (a frozen main thread answers late). */
async function roundTrip(page: Page): Promise<number> {
  const t0 = Date.now();
  await page.evaluate(() => 1);
  return Date.now() - t0;
}

test('bidirectional controls are visible in the grid, the detail panel and the import history', async ({ page, server, dir }) => {
  const file = path.join(dir, `report${RLO}fdp.exe.jsonl`);
  fs.writeFileSync(file, `${[
    { id: 'bidi-1', ts: '2026-03-02T10:00:00Z', model: 'gpt-4o', feature: `safe${RLO}gnp.exe`, input: `Open safe${RLO}gnp.exe`, output: `Attached: safe${RLO}gnp.exe` },
    { id: 'plain-2', ts: '2026-03-02T11:00:00Z', model: 'gpt-4o', feature: 'chat', input: 'hello', output: 'hi' },
  ].map((r) => JSON.stringify(r)).join('\n')}\n`);
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
  await page.getByTestId('file-input').setInputFiles([file]);
  // The card is named (aria-label) with the control made visible too.
  const card = page.getByRole('region', { name: 'Import of report⟨U+202E⟩fdp.exe.jsonl' });
  await expect(card.getByTestId('preview')).toBeVisible();
  await card.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(card.getByTestId('import-result')).toBeVisible({ timeout: 90_000 });
  await expect(card).toContainText('report⟨U+202E⟩fdp.exe.jsonl');
  await page.keyboard.press('Alt+1');
  const grid = page.getByRole('grid', { name: 'Requests' });
  const row = grid.getByRole('row').filter({ hasText: 'Open safe' });
  await expect(row).toContainText('Open safe⟨U+202E⟩gnp.exe');
  await row.click();
  const detail = page.getByTestId('request-detail');
  await expect(detail.getByLabel('Output')).toHaveText('Attached: safe⟨U+202E⟩gnp.exe');
  await detail.getByLabel('Render markdown').check();
  await expect(detail.getByLabel('Output')).toContainText('Attached: safe⟨U+202E⟩gnp.exe');
  await detail.getByLabel('Render markdown').uncheck();
  // No control character is left anywhere in the page's text or tooltips.
  const leftover = await page.evaluate(() => {
    const text = document.body.innerText;
    const titles = Array.from(document.querySelectorAll('[title]'), (e) => e.getAttribute('title') ?? '').join(' ');
    return /[\u202A-\u202E\u2066-\u2069]/.test(text + titles);
  });
  expect(leftover).toBe(false);
  await shot(page, 'bidi-visible');
});

test('markdown of a 1 MB output and of marked\'s slow case is shown plain with a note; the page never freezes', async ({ page, server, dir }) => {
  const file = path.join(dir, 'long.jsonl');
  const huge = 'x'.repeat(1_000_000);
  const slow = 'a_'.repeat(45_000); // 90 KB: under the size limit, but marked takes seconds on it
  fs.writeFileSync(file, `${[
    { id: 'huge', ts: '2026-03-02T10:00:00Z', input: 'huge', output: huge },
    { id: 'slow', ts: '2026-03-02T11:00:00Z', input: 'slow', output: slow },
    { id: 'fine', ts: '2026-03-02T12:00:00Z', input: 'fine', output: '**bold** and a [link](https://example.com)' },
  ].map((r) => JSON.stringify(r)).join('\n')}\n`);
  await page.goto(server.url);
  await importThroughUi(page, [file]);
  await page.keyboard.press('Alt+1');
  const grid = page.getByRole('grid', { name: 'Requests' });
  const detail = page.getByTestId('request-detail');

  await grid.getByRole('row').filter({ hasText: 'fine' }).click();
  await detail.getByLabel('Render markdown').check();
  await expect(detail.getByLabel('Output').locator('strong')).toHaveText('bold');

  await grid.getByRole('row').filter({ hasText: 'huge' }).click();
  await expect(detail.getByTestId('markdown-note')).toHaveText('Shown as plain text: at 1,000 KB it is over the 100 KB limit for markdown.');
  expect(await roundTrip(page)).toBeLessThan(1000);

  await grid.getByRole('row').filter({ hasText: 'slow' }).click();
  // While marked works on it in the worker, the page answers: a freeze guard, not a speed target (marked takes
  // seconds on this text, and is stopped at 1.5 s). A 500 ms bound failed at 660 ms under a full parallel run on
  // 2 cores, and passed alone; 1,000 ms, as the other round trips here, still tells answering from frozen.
  expect(await roundTrip(page)).toBeLessThan(1000);
  await expect(detail.getByTestId('markdown-note')).toHaveText('Shown as plain text: rendering it as markdown took longer than 1.5 s.');
  await expect(detail.getByLabel('Output')).toContainText('a_a_a_');
  await shot(page, 'markdown-too-slow');
  // The setting is remembered, and reopening the app on the huge output does not freeze it either.
  await grid.getByRole('row').filter({ hasText: 'huge' }).click();
  await page.reload();
  await page.keyboard.press('Alt+1');
  await grid.getByRole('row').filter({ hasText: 'huge' }).click();
  await expect(detail.getByTestId('markdown-note')).toBeVisible();
  expect(await roundTrip(page)).toBeLessThan(1000);
});

test('a background save that fails is shown with its code and next step, retried, and the recovery is shown', async ({ page, dir }) => {
  const file = path.join(dir, 'w.sqlite');
  await createWorkspace(file);
  const server = await serve(file, { LOUPE_CHECKPOINT_IDLE_MS: '300' });
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('ws-file')).toHaveText('w.sqlite');
    // The file becomes read-only while the app has it open: the save must not rewrite it.
    fs.chmodSync(file, 0o444);
    const before = fs.readFileSync(file);
    await page.getByLabel('Workspace time zone').selectOption('Europe/Berlin');
    const banner = page.getByTestId('save-failed');
    await expect(banner).toContainText('Saving failed (READ_ONLY).');
    await expect(banner).toContainText('is read-only (mode 444)');
    await expect(banner).toContainText('next in 5 s');
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await shot(page, `save-failed-${width}`);
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    // The change is confirmed all the same (journaled), and once the file is writable again the retry saves it.
    fs.chmodSync(file, 0o644);
    await expect(page.getByTestId('save-recovered')).toBeVisible({ timeout: 30_000 });
    await expect(banner).toHaveCount(0);
    expect(fs.existsSync(journalPath(file))).toBe(false);
  } finally {
    await page.close();
    await server.stop();
  }
});

test('a damaged journal entry blocks with its line and what is kept; "Keep the valid entries" opens the workspace', async ({ page, dir }) => {
  const file = path.join(dir, 'w.sqlite');
  await createWorkspace(file);
  const e = (seq: number, v: string) => encodeEntry({ seq, stmts: [["INSERT INTO meta (key, value) VALUES ('reviewer', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [v]]] });
  fs.writeFileSync(journalPath(file), `${e(1, 'Ada')}${JSON.stringify({ seq: 2, stmts: [['INSERT INTO reviewz (id) VALUES (1)', null]] })}\n${e(3, 'Grace')}`);
  const server = await serve(file);
  try {
    await page.goto(server.url);
    const blocking = page.getByTestId('blocking-error');
    await expect(blocking).toContainText('JOURNAL_DAMAGED');
    await expect(blocking.getByRole('heading')).toHaveText('The journal of this workspace has damaged entries');
    await expect(blocking).toContainText('line 2 (its statements fail: no such table: reviewz)');
    await expect(blocking).toContainText('2 other entries are valid');
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await shot(page, `journal-damaged-${width}`);
    }
    await blocking.getByRole('button', { name: 'Keep the valid entries' }).click();
    await expect(page.getByTestId('ws-file')).toHaveText('w.sqlite');
    const notice = page.getByTestId('workspace-notice');
    await expect(notice).toContainText('Repaired on opening: Kept 2 valid journal entries; set aside 1 damaged (line 2: its statements fail: no such table: reviewz).');
    await shot(page, 'journal-repaired');
    expect(fs.readdirSync(dir).some((n) => n.startsWith('w.sqlite.loupe-journal.damaged-'))).toBe(true);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toHaveCount(0);
  } finally {
    await page.close();
    await server.stop();
  }
});
