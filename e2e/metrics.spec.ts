/**
 * Browser mode, the Metrics screen on the demo workspace: charts render, the W40 search-answer error spike is in the
 * alerts list, and the drift table of W45 vs the four weeks before it (support-chat) flags language and input length.
 * Screenshots in light and dark themes go to test-results/screens/metrics*.png.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, repoRoot, serve, shot, test } from './fixtures';

test('demo workspace: metrics charts, the W40 breach and the W45 drift', async ({ page, dir, errors }) => {
  test.setTimeout(120_000);
  const ws = path.join(dir, 'demo.sqlite');
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'demo', '--workspace', ws], { cwd: repoRoot, stdio: 'pipe' });
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    await page.locator('body').click();
    await page.keyboard.press('g');
    await page.keyboard.press('m');
    const screen = page.getByTestId('metrics-screen');
    await expect(screen).toBeVisible();
    for (const id of ['throughput', 'error-rate', 'latency', 'tokens', 'cost', 'thumbs', 'csat', 'nps', 'breakdown-p95', 'breakdown-errors']) {
      await expect(page.getByTestId(`chart-${id}`).locator('canvas')).toHaveCount(1);
    }
    await expect(page.getByTestId('chart-throughput')).toContainText('18,000 requests');
    await expect(page.getByTestId('chart-nps-foot')).toHaveText('2026-W38 +10.2 (n 118) · 2026-W46 +19.8 (n 126)');

    // The W40 spike: search-answer error rate 6.0% against the 5% threshold.
    const w40 = page.getByTestId('alert-row').filter({ hasText: '2026-W40' }).filter({ hasText: 'search-answer' });
    await expect(w40).toHaveCount(1);
    await expect(w40).toContainText('Error rate');
    await expect(w40).toContainText('6.0%');
    await expect(w40).toContainText('> 5.0%');
    // Summarize p95 over 3,000 ms from W43 on.
    await expect(page.getByTestId('alert-row').filter({ hasText: 'summarize' }).filter({ hasText: 'p95 latency' })).toHaveCount(5);
    await shot(page, 'metrics');
    await page.getByTestId('chart-csat').scrollIntoViewIfNeeded();
    await shot(page, 'metrics-breakdown');

    // Drift: default is the latest complete week (W47) vs W43-W46.
    const drift = page.getByTestId('drift');
    await expect(page.getByTestId('drift-windows')).toContainText('2026-W47');
    await drift.getByLabel('Current week').selectOption('2026-W45');
    await drift.getByLabel('Drift feature').selectOption('support-chat');
    await expect(page.getByTestId('drift-windows')).toContainText('2026-W45');
    await expect(page.getByTestId('drift-windows')).toContainText('2026-W41 – 2026-W44');
    const row = (c: string) => page.locator(`[data-testid="drift-row"][data-column="${c}"]`);
    await expect(row('lang')).toHaveAttribute('data-flagged', 'true');
    await expect(row('lang')).toContainText('drift');
    await expect(row('input_chars')).toHaveAttribute('data-flagged', 'true');
    await expect(row('input_chars')).toContainText('KS');
    await expect(row('feature')).toContainText('no verdict');
    // Flagged rows come first.
    const flags = await page.getByTestId('drift-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-flagged')));
    expect(flags.indexOf('false')).toBeGreaterThan(0);
    expect(flags.slice(flags.indexOf('false'))).not.toContain('true');
    await expect(drift).toContainText('guidance only');
    await drift.scrollIntoViewIfNeeded();
    await shot(page, 'metrics-drift');

    // Days: 84 buckets from Mon 2026-08-31 to Sun 2026-11-22; a feature filter narrows every chart.
    await page.getByTestId('metrics-screen').evaluate((el) => el.scrollTo(0, 0));
    await page.getByText('Days', { exact: true }).click();
    await expect(page.locator('.metrics-status')).toContainText('84 days');
    await page.getByLabel('Feature filter').selectOption('summarize');
    await expect(page.getByTestId('chart-throughput')).toContainText('4,582 requests');
    await page.getByText('ISO weeks', { exact: true }).click();
    await page.getByLabel('Feature filter').selectOption('');
    await expect(page.locator('.metrics-status')).toContainText('12 weeks');

    // Thresholds: an error-rate limit of 1.5% makes W40 of the whole traffic (1.8%) an alert too; stored in the workspace.
    await page.getByText('Thresholds', { exact: true }).click();
    await page.getByLabel('Error rate above (%)').fill('1.5');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('alert-row').filter({ hasText: '2026-W40' }).filter({ hasText: 'all traffic' })).toContainText('> 1.5%');
    await page.getByText('Thresholds', { exact: true }).click();
    await page.getByLabel('Error rate above (%)').fill('5');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('alert-row').filter({ hasText: 'all traffic' }).filter({ hasText: 'Error rate' })).toHaveCount(0);

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('metrics-screen').evaluate((el) => el.scrollTo(0, 0));
    await expect(page.getByTestId('chart-latency').locator('canvas')).toHaveCount(1);
    await page.waitForTimeout(300);
    await shot(page, 'metrics-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    await shot(page, 'metrics-narrow');
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});
