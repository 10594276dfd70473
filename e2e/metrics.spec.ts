/**
 * Browser mode, the Metrics screen on the demo workspace: charts render without lines across empty buckets and with
 * rate axes inside 0-100%; the alerts of the baseline rules (each on an injected event of the demo) with their
 * runbooks, acknowledged and resolved with a note; the Alert rules popover (saved through the store, closed by Esc);
 * rankings; the drift table of W45 vs the four weeks before it (support-chat) with a row's distributions; days and
 * filters. Screenshots at 1,440 and 1,024 px, light and dark, go to test-results/screens/metrics*.png.
 */
import path from 'node:path';
import { buildDemo, expect, serve, shot, test } from './fixtures';

test('demo workspace: metrics charts, alerts with runbooks, rules, rankings and drift', async ({ page, dir, errors }) => {
  test.setTimeout(180_000);
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    // Open alerts show in the header: the 12 alerts of the demo's injected events.
    await expect(page.getByTestId('open-alerts')).toContainText('12 open alerts');
    await page.getByTestId('open-alerts').click();
    const screen = page.getByTestId('metrics-screen');
    await expect(screen).toBeVisible();
    for (const id of ['throughput', 'error-rate', 'latency', 'tokens', 'cost', 'thumbs', 'csat', 'nps', 'breakdown-p95', 'breakdown-errors', 'breakdown-cost']) {
      await expect(page.getByTestId(`chart-${id}`).locator('canvas')).toHaveCount(1);
    }
    await expect(page.getByTestId('chart-throughput')).toContainText('18,000 requests');
    await expect(page.getByTestId('chart-nps-foot')).toHaveText('2026-W38 +10.2 (n 118) · 2026-W46 +19.8 (n 126)');
    // Requests without a token count are said under the tokens chart, not silently left out of its mean.
    await expect(page.getByTestId('chart-tokens-foot')).toContainText(/^[\d,]+ requests? without input tokens.*: left out of this chart\.$/);
    // Per ISO week: the W40 error rate of the whole traffic is a rate (%), never above 100.
    const errorValues = JSON.parse((await page.getByTestId('chart-error-rate').getAttribute('data-values'))!) as Array<Array<number | null>>;
    expect(errorValues[0]!.every((v) => v !== null && v >= 0 && v < 100)).toBe(true);

    // The alerts: 12, each rule on its event; the head says how many tests ran and what chance alone would give.
    await expect(page.getByTestId('alerts-count')).toHaveText('12');
    // Every row is on the page: no inner scroll area hides some of them.
    await expect(page.getByTestId('alert-row')).toHaveCount(12);
    expect(await page.locator('[data-testid="alerts"] .alerts-scroll').evaluate((e) => e.scrollHeight - e.clientHeight)).toBeLessThanOrEqual(1);
    await expect(page.getByTestId('alerts-tests')).toContainText('bucket × group tests');
    const row = (rule: string, bucket: string, scope: string) => page.locator(`[data-testid="alert-row"][data-rule="${rule}"][data-bucket="${bucket}"]`).filter({ hasText: scope });
    await expect(row('error_rate', '2026-09-30', 'feature search-answer')).toContainText('17.9%');
    await expect(row('p95_latency', '2026-09-17', 'feature support-chat')).toHaveCount(1);
    await expect(row('negative_feedback', '2026-W46', 'feature summarize')).toContainText('65.2%');
    const cost = row('daily_cost', '2026-10-27', 'all traffic');
    await expect(cost).toContainText('$0.8800');
    await shot(page, 'metrics');

    // The cost alert's runbook, its sources, acknowledge, tick a step, resolve with a note.
    await cost.getByRole('button', { name: 'Runbook' }).click();
    const detail = page.getByTestId('alert-detail');
    await expect(detail).toContainText('Cost $0.8800 against');
    await expect(detail.getByTestId('cost-sources')).toContainText('u0004');
    await expect(detail.getByTestId('cost-sources')).toContainText('email-draft');
    await expect(detail.getByTestId('runbook')).toContainText('Rate-limit the source if needed.');
    await detail.scrollIntoViewIfNeeded();
    await shot(page, 'metrics-alert-runbook');
    await detail.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(cost).toHaveAttribute('data-state', 'acknowledged');
    await expect(page.getByTestId('open-alerts')).toContainText('11 open alerts · 1 acknowledged');
    await detail.getByTestId('runbook').getByRole('checkbox').first().check();
    await expect(detail.getByTestId('runbook').getByRole('checkbox').first()).toBeChecked();
    await detail.getByRole('button', { name: 'Resolve' }).click();
    await expect(detail).toContainText('resolving an alert needs a note');
    await detail.getByLabel('Note').fill('u0004 pasted mailbox exports through the email integration; key rate-limited.');
    await detail.getByRole('button', { name: 'Resolve' }).click();
    await expect(page.locator('[data-testid="alert-row"][data-rule="daily_cost"]')).toHaveCount(0);
    await page.getByLabel('Show resolved').check();
    await expect(cost).toHaveAttribute('data-state', 'resolved');
    await shot(page, 'metrics-alert');

    // Alert rules: a floor below the minimum is refused by name; Esc closes without saving; a saved change applies.
    await page.getByTestId('rules-button').click();
    const form = page.getByRole('form', { name: 'Alert rules' });
    await form.getByLabel('Error rate: Judge from (requests)').fill('3');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toContainText('min_requests');
    await page.keyboard.press('Escape');
    await expect(form).toHaveCount(0);
    await page.getByTestId('rules-button').click();
    await page.getByRole('form', { name: 'Alert rules' }).getByLabel('Cost: Cost above baseline by (%)').fill('2000');
    await page.getByRole('form', { name: 'Alert rules' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('form', { name: 'Alert rules' })).toHaveCount(0);
    await expect(page.locator('[data-testid="alert-row"][data-rule="daily_cost"]')).toHaveCount(0);
    await page.getByTestId('rules-button').click();
    await page.getByRole('form', { name: 'Alert rules' }).getByLabel('Cost: Cost above baseline by (%)').fill('20');
    await page.getByRole('form', { name: 'Alert rules' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('[data-testid="alert-row"][data-rule="daily_cost"]')).toHaveCount(1);

    // Rankings: features by volume and cost; users by cost with the cost per user.
    await expect(page.getByTestId('rank-feature-volume')).toContainText('support-chat');
    await expect(page.getByTestId('rank-feature-volume').locator('tr').first()).toContainText('6,999');
    await expect(page.getByTestId('rank-feature-cost').locator('tr').first()).toContainText('email-draft');
    await expect(page.getByTestId('per-user-cost')).toContainText('400 users');
    await page.getByTestId('chart-csat').scrollIntoViewIfNeeded();
    await shot(page, 'metrics-breakdown');

    // Drift: W45 vs W41-W44 on support-chat; a row opens its distributions.
    const drift = page.getByTestId('drift');
    await expect(page.getByTestId('drift-windows')).toContainText('2026-W47');
    await drift.getByLabel('Current week').selectOption('2026-W45');
    await drift.getByLabel('Drift feature').selectOption('support-chat');
    await expect(page.getByTestId('drift-windows')).toContainText('2026-W41 – 2026-W44');
    const drow = (c: string) => page.locator(`[data-testid="drift-row"][data-column="${c}"]`);
    await expect(drow('lang')).toHaveAttribute('data-flagged', 'true');
    await expect(drow('lang')).toContainText('drift');
    await expect(drow('input_chars')).toHaveAttribute('data-flagged', 'true');
    await expect(drow('feature')).toContainText('no verdict');
    // Requests without a token count are counted beside n, not dropped silently (22 in the reference weeks, 3 in W45).
    await expect(drow('tokens_in').getByTestId('drift-without-value')).toHaveText('+22 / +3 no value');
    await expect(drow('latency_ms').getByTestId('drift-without-value')).toHaveCount(0);
    const flags = await page.getByTestId('drift-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-flagged')));
    expect(flags.indexOf('false')).toBeGreaterThan(0);
    expect(flags.slice(flags.indexOf('false'))).not.toContain('true');
    await drow('lang').click();
    const dist = page.getByTestId('drift-distributions');
    await expect(dist).toContainText('chi-square test of homogeneity');
    const cur = JSON.parse((await dist.getByTestId('drift-chart').getAttribute('data-current'))!) as number[];
    expect(cur.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    await expect(dist.getByTestId('drift-chart').locator('canvas')).toHaveCount(1);
    await drow('input_chars').click();
    await expect(page.getByTestId('drift-distributions')).toContainText('bins: deciles of the reference');
    await drift.scrollIntoViewIfNeeded();
    await shot(page, 'metrics-drift');

    // Days: 84 buckets; a feature filter narrows every chart; hours for one day.
    await page.getByTestId('metrics-screen').evaluate((el) => el.scrollTo(0, 0));
    await page.getByText('Days', { exact: true }).click();
    await expect(page.locator('.metrics-status')).toContainText('84 days');
    await page.getByLabel('Feature filter').selectOption('summarize');
    await expect(page.getByTestId('chart-throughput')).toContainText('4,582 requests');
    await expect(page.getByTestId('metrics-scope')).toContainText('feature summarize');
    // Broken down by the feature it is filtered to: one group, no charts, and a line that says why.
    await expect(page.getByTestId('breakdown-one-group')).toHaveText('No breakdown by feature: every request in this range has the same feature, summarize.');
    await expect(page.getByTestId('chart-breakdown-p95')).toHaveCount(0);
    await page.getByLabel('Feature filter').selectOption('');
    await expect(page.getByTestId('breakdown-one-group')).toHaveCount(0);
    await page.getByLabel('From date').fill('2026-09-30');
    await page.getByLabel('To date').fill('2026-09-30');
    await page.getByText('Hours', { exact: true }).click();
    await expect(page.locator('.metrics-status')).toContainText('24 hours');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('ISO weeks', { exact: true }).click();
    await expect(page.locator('.metrics-status')).toContainText('12 weeks');

    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.getByTestId('chart-latency').locator('canvas')).toHaveCount(1);
    await page.waitForTimeout(300);
    await shot(page, 'metrics-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    await shot(page, 'metrics-narrow');
    await drift.scrollIntoViewIfNeeded();
    // At 1,024 px the drift table keeps its Verdict column inside the card.
    const box = await drift.boundingBox();
    const verdict = await drow('lang').locator('td.verdict').boundingBox();
    expect(verdict!.x + verdict!.width).toBeLessThanOrEqual(box!.x + box!.width + 1);
    await shot(page, 'metrics-drift-narrow');
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});

test('an empty workspace: the Metrics screen offers Import', async ({ page, server }) => {
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Metrics/ }).click();
  await expect(page.getByTestId('empty-state')).toContainText('No requests yet');
  await page.getByRole('button', { name: 'Import files…' }).click();
  await expect(page.getByTestId('file-input')).toBeAttached();
});
