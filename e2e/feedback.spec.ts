/**
 * Browser mode, the Feedback screen on the demo workspace: search a comment, open its request in Records, tag it as
 * an edge case (and find it in the library); the W45 distinguishing terms and a term opening its comments; the
 * by-trait view; the ticket-rate chart by model version; the Records Feedback column and global search reaching
 * comments. Screenshots at 1,440 and 1,024 px go to test-results/screens/feedback*.png.
 */
import path from 'node:path';
import { buildDemo, expect, repoRoot, serve, shot, test } from './fixtures';

test('demo workspace: comment search → request → edge case; terms; traits; ticket rate by model version', async ({ page, dir }) => {
  test.setTimeout(180_000);
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(server.url);
    await expect(page.getByTestId('count-feedback')).toHaveText('2,639');
    await page.keyboard.press('Alt+8');
    await page.getByRole('tab', { name: 'All feedback' }).click();

    // Search a comment: the 13 comments holding the phrase.
    const range = page.getByTestId('grid-range');
    await expect(range).toHaveText('1–100 of 2,639');
    await page.getByRole('searchbox', { name: 'Search comments' }).fill('slow in the afternoon');
    await expect(range).toHaveText('1–13 of 13');
    const grid = page.getByRole('grid', { name: 'Feedback' });
    await expect(grid.getByTestId('grid-row').first()).toContainText('slow in the afternoon');
    await shot(page, 'feedback-search');
    await grid.getByTestId('grid-row').first().click();
    const detail = page.getByTestId('feedback-detail');
    await expect(detail.getByLabel('Comment')).toContainText('slow in the afternoon');
    await shot(page, 'feedback-detail');

    // Tag it as an edge case: the reviewer name first, then a new tag.
    await detail.getByLabel('Reviewer name').fill('Ada');
    await detail.getByRole('button', { name: 'Save name' }).click();
    const picker = detail.getByRole('combobox');
    await picker.fill('afternoon latency');
    await picker.press('Enter');
    await expect(detail.getByTestId('tag-chip').filter({ hasText: 'afternoon latency' })).toBeVisible();
    await detail.getByRole('button', { name: 'Add to edge cases' }).click();
    await expect(detail.getByRole('status')).toContainText('Added to the edge-case library');
    await expect(detail.getByText('Edge-case tags')).toBeVisible();

    // Open its request in Records: the request panel lists the comment.
    await detail.getByRole('button', { name: 'Open request in Records' }).click();
    const req = page.getByTestId('request-detail');
    await expect(req).toContainText('slow in the afternoon');
    await shot(page, 'feedback-request');

    // The library has it.
    await page.keyboard.press('Alt+5');
    await expect(page.getByTestId('edge-count')).toHaveText('1 item');
    await expect(page.getByTestId('edge-row')).toContainText('afternoon latency');

    // Records: global search reaches comments, the Feedback column shows values.
    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: 'Close details' }).click();
    await page.getByRole('searchbox', { name: 'Search input, output, id or comments' }).fill('slow in the afternoon');
    await expect(page.getByTestId('grid-range')).toHaveText(/of [1-9]\d*$/);
    await expect(page.getByTestId('feedback-cell').first()).toContainText('comment');
    await page.getByRole('searchbox', { name: 'Search input, output, id or comments' }).fill('');
    await expect(page.getByTestId('feedback-cell').filter({ hasText: /\b(up|down)\b|CSAT \d\/5/ }).first()).toBeVisible();

    // What negative feedback says, W45: the German and French complaints lead.
    await page.keyboard.press('Alt+8');
    await page.getByRole('tab', { name: 'What negative feedback says' }).click();
    await page.getByLabel('Week').selectOption('2026-W45');
    const terms = page.getByTestId('negative-terms');
    await expect(terms).toContainText('antwort');
    await expect(terms).toContainText('deutsch');
    await expect(terms).toContainText('anglais');
    await shot(page, 'feedback-terms');
    // The chosen week is kept for this workspace: after a reload the view opens on W45, not the default week.
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Feedback/ }).click();
    await page.getByRole('tab', { name: 'What negative feedback says' }).click();
    await expect(page.getByLabel('Week')).toHaveValue('2026-W45');
    await expect(terms).toContainText('anglais');
    await terms.getByRole('button', { name: /deutsch/ }).click();
    await expect(page.getByRole('tab', { name: 'All feedback' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('grid-range')).toHaveText(/of [1-9]$/);
    await expect(grid.getByTestId('grid-row').first()).toContainText(/Deutsch/i);

    // By trait: NPS by segment names the free-plan detractors.
    await page.getByRole('tab', { name: 'By trait' }).click();
    await page.getByLabel('Dimension').selectOption('segment');
    await expect(page.getByTestId('trait-findings')).toContainText('free: NPS');
    await shot(page, 'feedback-traits');

    // Tickets: the rate by model version shows the switch (old and new gpt-4o-mini versions side by side).
    await page.getByRole('tab', { name: 'Tickets' }).click();
    const chart = page.getByTestId('ticket-rate-version');
    await expect(chart.locator('canvas')).toHaveCount(1);
    const table = page.getByTestId('ticket-rate-table');
    await expect(table.getByRole('row')).toHaveCount(4);
    await expect(table.getByRole('row').filter({ hasText: '2026-07-18' })).toContainText('4.7');
    await expect(table.getByRole('row').filter({ hasText: '2026-10-01' })).toContainText('6.8');
    await expect(page.getByTestId('ticket-rate-weekly').locator('canvas')).toHaveCount(1);
    await shot(page, 'feedback-tickets');

    // Narrow window.
    await page.setViewportSize({ width: 1024, height: 800 });
    await shot(page, 'feedback-tickets-1024');
    await page.getByRole('tab', { name: 'What negative feedback says' }).click();
    await shot(page, 'feedback-terms-1024');
    await page.getByRole('tab', { name: 'All feedback' }).click();
    await shot(page, 'feedback-grid-1024');
  } finally {
    await page.close();
    await server.stop();
  }
});

test('a workspace of tickets without feedback shows the ticket analysis, not "No feedback yet"', async ({ page, dir }) => {
  const { execFileSync } = await import('node:child_process');
  const ws = path.join(dir, 'tickets-only.sqlite');
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'import', '--workspace', ws, path.join(repoRoot, 'data/samples/tickets.csv')], { cwd: repoRoot, stdio: 'pipe' });
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(server.url);
    await expect(page.getByTestId('count-feedback')).toHaveText('0');
    await page.keyboard.press('Alt+8');
    await expect(page.getByRole('tab', { name: 'Tickets' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tab', { name: 'All feedback' })).toHaveCount(0);
    await expect(page.getByTestId('no-feedback-note')).toContainText('No feedback yet');
    await expect(page.getByText('By priority', { exact: true })).toBeVisible();
    await shot(page, 'feedback-tickets-only');
  } finally {
    await server.stop();
  }
});
