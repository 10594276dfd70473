/**
 * Browser mode, layout at the narrowest supported window (1,024 px) on the demo workspace: no screen runs off the
 * window sideways. A grid or a wide table may scroll inside its own box; the page itself (header, tabs, forms) must
 * not, or the workspace header's time-zone picker and the right-hand buttons end up past the window's edge.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { buildDemo, expect, hasRealData, realDir, repoRoot, serve, test } from './fixtures';

const SCREENS = ['Records', 'Tickets', 'Import', 'Review', 'Edge cases', 'Report', 'Metrics', 'Feedback', 'Prices'];

test('no screen of the demo workspace is wider than a 1,024 px window', async ({ page, dir }) => {
  // A name as teams give them: the header must hold it beside six-digit counts and the alert badge.
  const ws = path.join(dir, 'support-assistant-weekly-review.sqlite');
  buildDemo(ws);
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const widths: Record<string, number> = {};
    for (const s of SCREENS) {
      await nav.getByRole('button', { name: new RegExp(`^${s}`) }).click();
      await expect(nav.getByRole('button', { name: new RegExp(`^${s}`) })).toHaveAttribute('aria-current', 'page');
      await page.waitForTimeout(300); // the screen's first data arrives
      widths[s] = await page.evaluate(() => document.documentElement.scrollWidth);
    }
    expect(widths).toEqual(Object.fromEntries(SCREENS.map((s) => [s, 1024])));
    // The header's last control, the time-zone picker, ends inside the window.
    const zone = await page.getByLabel('Workspace time zone').boundingBox();
    expect(zone!.x + zone!.width).toBeLessThanOrEqual(1024);
  } finally {
    await page.goto('about:blank');
    await server.stop();
  }
});

test('at 1,024 px the header\'s count of undated requests stays clear of the time-zone picker', async ({ page, dir }) => {
  // llmperf's requests have no timestamp: the header adds "150 undated" after the date range. Beside the end date it
  // ran under the zone picker at this width.
  test.skip(!hasRealData, `the real data folder ${realDir} is absent`);
  const ws = buildDemo(path.join(dir, 'undated.sqlite'));
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'import', path.join(realDir, 'llmperf-bedrock-70b-requests.json'), '--workspace', ws], { cwd: repoRoot, stdio: 'pipe' });
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(server.url);
    await expect(page.getByTestId('ws-undated')).toHaveText(/150 undated/);
    const undated = (await page.getByTestId('ws-undated').boundingBox())!;
    const zone = (await page.getByLabel('Workspace time zone').boundingBox())!;
    expect(undated.x + undated.width).toBeLessThanOrEqual(zone.x);
    const header = (await page.getByRole('banner', { name: 'Workspace' }).or(page.locator('header.ws-head')).first().boundingBox())!;
    expect(undated.y + undated.height).toBeLessThanOrEqual(header.y + header.height);
  } finally {
    await page.goto('about:blank');
    await server.stop();
  }
});
