/**
 * Browser mode, the Report screen on the demo workspace: the weekly report of 2026-W45 previews as HTML with its
 * summary (the support-chat drift and thumbs-down rise), charts drawn as inline SVG, and downloads in every format
 * (the PDF on A4 and Letter). Screenshots at 1,440 and 1,024 px go to test-results/screens/report-*.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildDemo, expect, serve, shot, test } from './fixtures';
import { downloadText } from './review-helpers';

test('demo workspace: the weekly report of 2026-W45, previewed and downloaded in every format', async ({ page, dir }) => {
  test.setTimeout(180_000);
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  const server = await serve(ws);
  try {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    await page.locator('body').click();
    await page.keyboard.press('g');
    await page.keyboard.press('w');
    const report = page.getByTestId('report-screen');
    // No queue yet: the default is the last complete week of the data.
    await expect(report.getByLabel('Report week')).toHaveValue('week:2026-W47');
    await report.getByLabel('Report week').selectOption('week:2026-W45');
    await report.getByText('HTML', { exact: true }).click();
    const preview = report.getByTestId('report-html');
    await expect(preview.locator('h1')).toHaveText('Weekly report: 2026-W45');
    await expect(preview).toContainText('Mon 2 Nov – Sun 8 Nov 2026 (UTC)');
    const summary = preview.locator('ol').first();
    await expect(summary).toContainText('support-chat traffic drifted');
    await expect(summary).toContainText('de 17.5%');
    await expect(summary).toContainText('mean input length 104 characters vs 58.5 characters');
    await expect(summary).toContainText('support-chat thumbs-down share rose to 43.8% (28 of 64 thumbs)');
    await expect(preview).toContainText('No review queue for 2026-W45');
    await expect(preview.locator('svg[role="img"]')).toHaveCount(4); // requests, error rate, latency, thumbs-up (no queue: no failure chart)
    expect(await preview.innerHTML()).not.toMatch(/<script|<style|style=|href=/i);
    await shot(page, 'report-1440');
    await preview.locator('h2', { hasText: 'Metrics' }).scrollIntoViewIfNeeded();
    await shot(page, 'report-1440-charts');
    await page.setViewportSize({ width: 1024, height: 800 });
    await preview.locator('h1').scrollIntoViewIfNeeded();
    await shot(page, 'report-1024');
    await preview.locator('h2', { hasText: 'Metrics' }).scrollIntoViewIfNeeded();
    await shot(page, 'report-1024-charts');
    await page.setViewportSize({ width: 1440, height: 1000 });

    const html = await downloadText(page, () => report.getByRole('button', { name: 'Download' }).click());
    expect(html.name).toBe('loupe-report-2026-W45.html');
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.text).not.toMatch(/<script/i);

    await report.getByText('Markdown', { exact: true }).click();
    await expect(report.getByTestId('report-text')).toContainText('## Summary: what changed');
    const md = await downloadText(page, () => report.getByRole('button', { name: 'Download' }).click());
    expect(md.name).toBe('loupe-report-2026-W45.md');
    expect(md.text).toContain('support-chat thumbs-down share rose to 43.8% (28 of 64 thumbs)');

    for (const [label, name] of [['CSV', 'loupe-report-2026-W45.csv'], ['JSON', 'loupe-report-2026-W45.json']]) {
      await report.getByText(label!, { exact: true }).click();
      await expect(report.getByTestId('report-file')).toContainText(name!);
      const f = await downloadText(page, () => report.getByRole('button', { name: 'Download' }).click());
      expect(f.name).toBe(name);
      if (label === 'JSON') expect((JSON.parse(f.text) as { week: string }).week).toBe('2026-W45');
      else expect(f.text.split('\r\n')[0]).toBe('section,key,label,value,low,high,n,k,unit,detail');
    }

    // PDF: previewed as the same HTML, downloaded as a PDF of several pages, A4 then Letter.
    await report.getByText('PDF', { exact: true }).click();
    await expect(report.getByTestId('report-file')).toContainText(/loupe-report-2026-W45\.pdf · .* · \d+ pages/);
    await expect(report.getByTestId('report-html').locator('h1')).toHaveText('Weekly report: 2026-W45');
    for (const [paper, name, size] of [['a4', 'loupe-report-2026-W45.pdf', /595\.2\d x 841\.8\d pts \(A4\)/], ['letter', 'loupe-report-2026-W45-letter.pdf', /612 x 792 pts \(letter\)/]] as const) {
      await report.getByLabel('Paper size').selectOption(paper);
      await expect(report.getByTestId('report-file')).toContainText(name);
      const [dl] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Download' }).click()]);
      expect(dl.suggestedFilename()).toBe(name);
      const file = path.join(dir, name);
      fs.copyFileSync(await dl.path(), file);
      expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
      expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(size);
      expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('support-chat thumbs-down share rose to 43.8%');
    }
    await expect(report.getByRole('button', { name: 'Print' })).toBeEnabled();
  } finally {
    await server.stop();
  }
});
