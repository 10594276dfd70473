/**
 * Browser mode, monitoring beside the review queue and drill-down, on the demo workspace:
 * 1. Reviewing with the monitoring panel open: the panel shows the item's slice (feature × model version) for the
 *    queue's week against the weeks before it; its charts are checked by their data against figures computed here
 *    from data/samples directly (not through Loupe's store); its alerts and drift flags; `c` hides and shows it and
 *    the choice survives a reload; moving to the next item stays under 50 ms with the panel open (median over the
 *    moves, within one slice and across slices).
 * 2. An alert → its records (the same bucket and group, filtered in the grid) → "Review this slice" → a queue over
 *    exactly those requests → a review.
 * 3. A chart point, a drift row and a ranking row open their records (the same bucket and filters).
 * Screenshots at 1,440 and 1,024 px go to test-results/screens/monitoring*.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import type { Locator } from '@playwright/test';
import { StoreClient } from '../electron/store/client';
import { buildDemo, expect, repoRoot, serve, shot, test } from './fixtures';
import { median, reviewOne, setReviewerByKeyboard } from './review-helpers';

interface Req { request_id: string; timestamp: string; feature: string; model: string; model_version: string; latency_ms: number; status: string; cost_usd?: number; prompt_tokens: number | null; completion_tokens: number | null }
interface Fb { type: string; request_id?: string; timestamp: string; value?: string | number }

const samples = path.join(repoRoot, 'data/samples');
const readJsonl = <T,>(f: string): T[] => gunzipSync(fs.readFileSync(path.join(samples, f))).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as T);
const manifest = JSON.parse(fs.readFileSync(path.join(samples, 'manifest.json'), 'utf8')) as { prices_usd_per_million_tokens: Record<string, { input: number; output: number }> };
const week = (ts: string) => { const d = DateTime.fromISO(ts, { zone: 'utc' }); return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`; };
/** Type-7 quantile (R's default), written here independently of shared/stats. */
const q7 = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); const h = (s.length - 1) * p; const lo = Math.floor(h); return s[lo]! + (h - lo) * (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!); };

function demo(dir: string): string {
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  return ws;
}

const values = async (loc: Locator) => JSON.parse((await loc.getAttribute('data-values'))!) as Array<number | null>;

test('reviewing with the monitoring panel open: the slice\'s charts hold the right figures, alerts and drift; c toggles it', async ({ page, dir, errors }) => {
  test.setTimeout(240_000);
  const ws = demo(dir);
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'queue', 'create', '--workspace', ws, '--week', '2026-W45', '--size', '12', '--seed', '5', '--filter', 'feature=support-chat', '--name', 'W45 support-chat'],
    { cwd: repoRoot, stdio: 'pipe' });
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'queue', 'create', '--workspace', ws, '--week', '2026-W45', '--size', '16', '--seed', '9', '--strata', 'feature', '--name', 'W45 all features'],
    { cwd: repoRoot, stdio: 'pipe' });
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Review/ }).click();
    await page.getByTestId('queue-row').filter({ hasText: 'W45 support-chat' }).getByRole('button', { name: 'Review' }).click();
    await setReviewerByKeyboard(page, 'Mo Reviewer');
    const panel = page.getByTestId('slice-panel');
    await expect(panel).toHaveAttribute('data-loading', 'false');
    await expect(panel).toHaveAttribute('data-feature', 'support-chat');
    await expect(panel).toHaveAttribute('data-version', '2026-10-01');
    // Wide enough for the queue list, the item, the rubric and the panel side by side.
    await expect(page.getByTestId('slice-narrow-note')).toBeHidden();
    await expect(page.getByRole('navigation', { name: 'Queue positions' })).toBeVisible();

    // The figures, computed here from the sample files: support-chat on 2026-10-01, W37-W45 (W45 marked).
    const labels = JSON.parse((await panel.getByTestId('slice-chart-volume').getAttribute('data-labels'))!) as string[];
    expect(labels).toEqual(['2026-W37', '2026-W38', '2026-W39', '2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44', '2026-W45']);
    const reqs = readJsonl<Req>('requests.jsonl.gz').filter((r) => r.feature === 'support-chat' && r.model_version === '2026-10-01');
    const byWeek = new Map(labels.map((l) => [l, reqs.filter((r) => week(r.timestamp) === l)]));
    const price = (r: Req) => manifest.prices_usd_per_million_tokens[r.model]!;
    const cost = (r: Req) => r.cost_usd ?? (r.status === 'error' ? 0 : (r.prompt_tokens! * price(r).input + r.completion_tokens! * price(r).output) / 1e6);
    const ids = new Map(reqs.map((r) => [r.request_id, r]));
    const thumbs = readJsonl<Fb>('feedback.jsonl.gz').filter((f) => f.type === 'thumb' && f.request_id !== undefined && ids.has(f.request_id));
    expect(await values(panel.getByTestId('slice-chart-volume'))).toEqual(labels.map((l) => byWeek.get(l)!.length));
    const errs = await values(panel.getByTestId('slice-chart-errors'));
    labels.forEach((l, i) => {
      const xs = byWeek.get(l)!;
      if (xs.length === 0) expect(errs[i]).toBeNull(); // no requests that week: a gap, not 0%
      else expect(errs[i]).toBeCloseTo((100 * xs.filter((r) => r.status === 'error').length) / xs.length, 9);
    });
    expect(errs.slice(0, 5)).toEqual([null, null, null, null, null]); // the version did not exist before W43
    const p95 = await values(panel.getByTestId('slice-chart-p95'));
    // p95 from the request summaries: exact type 7 up to 100 latencies in a week, else from a DDSketch within its
    // stated ±1% (the chart's note says so).
    labels.forEach((l, i) => {
      const xs = byWeek.get(l)!;
      if (!xs.length) return;
      const exact = q7(xs.map((r) => r.latency_ms), 0.95);
      if (xs.length <= 100) expect(p95[i]).toBeCloseTo(exact, 6);
      else expect(Math.abs(p95[i]! - exact)).toBeLessThanOrEqual(0.01 * exact + 1e-9);
    });
    if (labels.some((l) => byWeek.get(l)!.length > 100)) await expect(panel.getByTestId('slice-chart-p95')).toContainText('±1% (sketch)');
    const up = await values(panel.getByTestId('slice-chart-thumbs'));
    labels.forEach((l, i) => {
      const ts = thumbs.filter((f) => week(f.timestamp) === l);
      if (ts.length) expect(up[i]).toBeCloseTo((100 * ts.filter((f) => f.value === 'up').length) / ts.length, 9);
      else expect(up[i]).toBeNull();
    });
    const costs = await values(panel.getByTestId('slice-chart-cost'));
    labels.forEach((l, i) => {
      if (byWeek.get(l)!.length === 0) expect(costs[i]).toBeNull(); // no requests that week: no bar, not $0
      else expect(costs[i]).toBeCloseTo(byWeek.get(l)!.reduce((s, r) => s + cost(r), 0), 9);
    });
    // W45's thumbs-up rate is the lowest of the slice: the quality drop of the drift week.
    expect(up[8]).toBeLessThan(Math.min(...(up.slice(6, 8) as number[])));
    // The slice's open alerts in the period (the W45 negative-feedback surge) and its drift flags.
    await expect(panel.getByTestId('slice-alert')).toHaveCount(3);
    await expect(panel.getByTestId('slice-alerts')).toContainText('Thumbs-down share 43.8%');
    await expect(panel.getByTestId('slice-drift').locator('[data-column="lang"]')).toContainText('drift');
    await expect(panel.getByTestId('slice-drift').locator('[data-column="input_chars"]')).toHaveCount(1);
    await shot(page, 'monitoring-review-panel');

    // Review with the panel open; moving to the next item stays under 50 ms.
    await page.evaluate(() => { window.__loupeReviewTimings = []; });
    for (let i = 0; i < 4; i++) await reviewOne(page, i, {});
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('j');
      await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', String(6 + i));
    }
    const moves = await page.evaluate(() => window.__loupeReviewTimings ?? []);
    console.log(`review with the monitoring panel: next item in ms, median ${median(moves).toFixed(1)}, max ${Math.max(...moves).toFixed(1)} (n=${moves.length})`);
    expect(moves.length).toBeGreaterThanOrEqual(8);
    expect(median(moves)).toBeLessThan(50);
    await expect(panel).toHaveAttribute('data-loading', 'false');

    // Across slices: a queue stratified by feature. The panel follows each item's slice after the item has painted;
    // moves land while it is idle, while it waits to follow, and while it loads and draws the next slice.
    await page.getByRole('button', { name: '← Queues' }).click();
    await page.getByTestId('queue-row').filter({ hasText: 'W45 all features' }).getByRole('button', { name: 'Review' }).click();
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '1');
    await expect(panel).toHaveAttribute('data-loading', 'false');
    await page.getByTestId('review-screen').focus();
    await page.evaluate(() => { window.__loupeReviewTimings = []; });
    const slices = new Set<string>();
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('j');
      await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', String(2 + i));
      await page.waitForTimeout([0, 120, 200, 400][i % 4]!);
      slices.add(`${await panel.getAttribute('data-feature')}|${await panel.getAttribute('data-version')}`);
    }
    const across = await page.evaluate(() => window.__loupeReviewTimings ?? []);
    console.log(`review across slices with the monitoring panel: next item in ms, median ${median(across).toFixed(1)}, max ${Math.max(...across).toFixed(1)} (n=${across.length}, ${slices.size} slices)`);
    expect(slices.size).toBeGreaterThan(2);
    expect(across.length).toBeGreaterThanOrEqual(15);
    expect(median(across)).toBeLessThan(50);

    // `c` hides it, the choice is remembered over a reload, `c` shows it again.
    await page.getByTestId('review-screen').focus();
    await page.keyboard.press('c');
    await expect(panel).toHaveCount(0);
    // The button that shows it again sits in the item's header, beside "Render markdown", never over the item's text.
    await expect(page.getByTestId('review-item').locator('.item-head').getByTestId('slice-panel-show')).toBeVisible();
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Review/ }).click();
    await expect(page.getByTestId('review-screen')).toBeVisible();
    await expect(page.getByTestId('slice-panel-show')).toBeVisible();
    await expect(page.getByTestId('slice-panel')).toHaveCount(0);
    await page.getByTestId('review-screen').focus();
    await page.keyboard.press('c');
    await expect(page.getByTestId('slice-panel')).toHaveAttribute('data-loading', 'false');

    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    await shot(page, 'monitoring-review-panel-narrow');
    // At 1,024 px the panel takes the queue list's place (and says so); the item and the rubric stay usable.
    await expect(page.getByTestId('slice-narrow-note')).toBeVisible();
    await expect(page.getByTestId('review-item')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Submit/ })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});

test('an alert → its records → a queue over exactly that slice → a review', async ({ page, dir, errors }) => {
  test.setTimeout(240_000);
  const ws = demo(dir);
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Metrics/ }).click();
    const alert = page.locator('[data-testid="alert-row"][data-rule="error_rate"][data-bucket="2026-09-30"]').filter({ hasText: 'feature search-answer' });
    await expect(alert).toContainText('17.9%');
    await alert.getByRole('button', { name: 'Records' }).click();

    // The records behind it: search-answer requests of 2026-09-30, 10 of them errors. An error-rate alert opens on
    // its errors (Error: Yes); Any gives the whole slice.
    await expect(page.getByTestId('records-range')).toContainText('2026-09-30');
    await expect(page.getByLabel('Feature: search-answer')).toBeVisible();
    const grid = page.getByRole('grid', { name: 'Requests' });
    const errorFilter = page.locator('label.inline-label', { hasText: /^Error/ }).locator('select');
    await expect(errorFilter).toHaveValue('yes');
    await expect(page.locator('.grid-foot')).toContainText('of 10');
    await expect(page.getByTestId('slice-bar')).toContainText('feature search-answer · errors only · 10 requests');
    await errorFilter.selectOption('');
    await expect(page.locator('.grid-foot')).toContainText('of 56');
    await expect(page.getByTestId('slice-bar')).toContainText('2026-09-30 · feature search-answer · 56 requests');
    await expect(grid.getByRole('row').nth(1)).toContainText('search-answer');
    await shot(page, 'monitoring-records-slice');
    // The same slice through the store's own filter: status error gives the alert's 10 errors.
    await page.getByLabel('Status: Any').click();
    await page.getByRole('group', { name: 'Status' }).getByLabel('error').check();
    await page.keyboard.press('Escape');
    await expect(page.locator('.grid-foot')).toContainText('of 10');
    await page.getByLabel('Status: error').click();
    await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Clear' }).click();
    await page.keyboard.press('Escape');
    await expect(page.locator('.grid-foot')).toContainText('of 56');

    await page.getByRole('button', { name: 'Review this slice' }).click();
    await setReviewerByKeyboard(page, 'Sam Reviewer');
    await expect(page.getByTestId('rail-progress')).toContainText('0 of');
    const size = Number(/of (\d+) decided/.exec((await page.getByTestId('rail-progress').textContent())!)![1]);
    // Exactly those requests: read the queue back from the workspace (read-only, while the app has it open).
    const expected = readJsonl<Req>('requests.jsonl.gz').filter((r) => r.feature === 'search-answer' && r.timestamp.startsWith('2026-09-30')).map((r) => r.request_id);
    expect(expected).toHaveLength(56);
    const client = StoreClient.start({ script: path.join(repoRoot, 'dist/node/store-worker.js') });
    try {
      await client.call('internal.open', { path: ws, read_only: true });
      const queues = await client.call('queues.list', {});
      const q = await client.call('queues.get', { queue_id: queues[0]!.id });
      const got = q.items.map((i) => i.request_id);
      expect(got.length).toBe(size);
      expect(got.every((id) => expected.includes(id))).toBe(true);
      // Every request of the slice is in the queue except those repeating an earlier input (counted, not hidden).
      const left = q.strata.reduce((n, s) => n + s.excluded_duplicates + s.excluded_reviewed, 0);
      expect(got.length + left).toBe(56);
      expect(q.design.filters).toEqual({ feature: ['search-answer'] });
    } finally {
      await client.close();
    }
    // A review of the first item: the panel beside it shows the slice's feature.
    await expect(page.getByTestId('slice-panel')).toHaveAttribute('data-feature', 'search-answer');
    await reviewOne(page, 0, {});
    await expect(page.getByTestId('rail-progress')).toContainText(`1 of ${size} decided`);
    await shot(page, 'monitoring-slice-review');
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});

test('a chart point, a drift row and a ranking row each open the records behind them', async ({ page, dir, errors }) => {
  test.setTimeout(240_000);
  const ws = demo(dir);
  const reqs = readJsonl<Req>('requests.jsonl.gz');
  const server = await serve(ws);
  const foot = page.locator('.grid-foot');
  const toMetrics = async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Metrics/ }).click();
    await expect(page.getByTestId('chart-error-rate').locator('canvas')).toHaveCount(1);
  };
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(server.url);
    await toMetrics();

    // A point of the error-rate chart (ISO weeks): its week's requests, whichever week the click lands on.
    const canvas = page.getByTestId('chart-error-rate').locator('canvas');
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width * 0.55, y: box.height * 0.45 } });
    const range = page.getByTestId('records-range');
    await expect(range).toHaveText(/^2026-W\d\d/);
    const wk = /^(2026-W\d\d)/.exec((await range.textContent())!)![1]!;
    const inWeek = reqs.filter((r) => week(r.timestamp) === wk).length;
    expect(inWeek).toBeGreaterThan(1000);
    await expect(foot).toContainText(`of ${inWeek.toLocaleString('en-US')}`);
    await expect(page.getByTestId('slice-bar')).toContainText(`${wk} · all requests · ${inWeek.toLocaleString('en-US')} requests`);

    // A drift row: support-chat, W45 against the four weeks before; its current window's records.
    await toMetrics();
    const drift = page.getByTestId('drift');
    await drift.getByLabel('Current week').selectOption('2026-W45');
    await drift.getByLabel('Drift feature').selectOption('support-chat');
    await expect(page.getByTestId('drift-windows')).toContainText('2026-W41 – 2026-W44');
    await page.locator('[data-testid="drift-row"][data-column="lang"]').click();
    await page.getByTestId('drift-distributions').getByRole('button', { name: 'Records of the current window' }).click();
    await expect(range).toHaveText(/^2026-W45/);
    await expect(page.getByLabel('Feature: support-chat')).toBeVisible();
    const chatW45 = reqs.filter((r) => r.feature === 'support-chat' && week(r.timestamp) === '2026-W45').length;
    await expect(foot).toContainText(`of ${chatW45.toLocaleString('en-US')}`);

    // A ranking row: the feature that cost most over the whole range.
    await toMetrics();
    const top = page.getByTestId('rank-feature-cost').getByRole('button').first();
    await expect(top).toHaveText('email-draft');
    await top.click();
    await expect(page.getByLabel('Feature: email-draft')).toBeVisible();
    await expect(foot).toContainText(`of ${reqs.filter((r) => r.feature === 'email-draft').length.toLocaleString('en-US')}`);
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});
