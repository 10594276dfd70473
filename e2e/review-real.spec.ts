/**
 * Browser mode, the weekly review on a workspace built only from the real public files in ../shared/data/real:
 * requests from the OASST trees, the llmperf log and the MT-Bench answers; thumbs from the OASST emoji counts;
 * judge scores from the MT-Bench judgments. A queue stratified by model, ten reviews by keyboard, two tagged with a
 * new tag, a restart, and the report and edge-case JSONL checked.
 *
 * Only the MT-Bench answers carry timestamps (2024-06-14); the OASST and llmperf requests have none, and a queue's
 * population is the requests whose time falls in its period, so undated requests cannot be sampled (see
 * electron/store/review/sampling.ts, periodWhere). The test states that: the queue's population is the 160 dated
 * requests, one model stratum.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, hasRealData, realDir, repoRoot, serve, shot, test, type Served } from './fixtures';
import { createQueueByKeyboard, current, downloadText, dropSandboxNotices, reviewOne, setReviewerByKeyboard, type Entered } from './review-helpers';

const TAG = 'judge-would-disagree';
const MODEL = 'meta-llama/Meta-Llama-3-8B-Instruct-Normal';

test.describe('real files', () => {
  test.skip(!hasRealData, `the real data folder ${realDir} is absent`);

  test('a keyboard review of a model-stratified queue over the real files survives a restart and reaches the exports', async ({ page, dir, errors }) => {
    test.setTimeout(240_000);
    const ws = path.join(dir, 'real.sqlite');
    const files = ['oasst-message-trees.jsonl', 'llmperf-bedrock-70b-requests.json', 'mtbench-llama3-8b-answers.jsonl', 'mtbench-gpt4-judgments.jsonl'].map((f) => path.join(realDir, f));
    execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), 'import', ...files, '--workspace', ws], { cwd: repoRoot, stdio: 'pipe' });
    let server: Served = await serve(ws);
    try {
      await page.goto(server.url);
      // 820 + 17 OASST requests, 150 llmperf, 160 MT-Bench turns; OASST thumbs and MT-Bench judge scores as feedback.
      await expect(page.getByTestId('count-requests')).toHaveText('997');

      // No request has a feature: the form proposes the first column with two values or more (model), not feature.
      await page.keyboard.press('g');
      await page.keyboard.press('v');
      await expect(page.getByLabel('Strata field')).toHaveValue('model');
      await createQueueByKeyboard(page, { week: '2024-W24', size: 20, strataDowns: 2, strataValue: 'model', lowScore: 25 });
      const created = page.getByTestId('queue-created');
      const strata = created.getByTestId('strata-table');
      await expect(strata).toContainText(`model = ${MODEL}`);
      await expect(strata).toContainText('signal: low_score');
      // Only the 160 dated MT-Bench requests are in the period; the undated OASST and llmperf requests are not.
      await expect(strata.locator('tfoot td').nth(1)).toHaveText('160');
      await expect(strata.locator('tfoot td').nth(2)).toHaveText('20');
      await expect(created).toContainText('No request of the period shows thumbs_down');
      await shot(page, 'review-real-queue-created');
      await page.keyboard.press('Enter');
      await setReviewerByKeyboard(page, 'Real Data Reviewer');

      const entered: Entered[] = [];
      for (let i = 0; i < 10; i++) {
        if (i === 0) {
          // Judge scores reach the review screen as feedback on the MT-Bench turn.
          await expect(page.getByTestId('item-feedback')).toContainText('/ 10');
          await expect(page.getByTestId('item-feedback')).toContainText('rating');
        }
        const tag = i === 3 || i === 6 ? TAG : undefined;
        entered.push(await reviewOne(page, i, { ...(tag ? { tag } : {}), ...(i === 3 ? { createTag: { description: 'A judge score far from this review' } } : {}) }));
      }
      await shot(page, 'review-real-item');

      await page.goto('about:blank');
      await server.stop();
      server = await serve(ws);
      await page.goto(server.url);
      await expect(page.getByTestId('count-requests')).toHaveText('997');
      await page.keyboard.press('Alt+4');
      const row = page.getByTestId('queue-row').first();
      await expect(row.getByTestId('queue-progress')).toHaveText('10 reviewed · 0 skipped · 10 open');
      await expect(row.getByTestId('queue-reviewers')).toHaveText('Real Data Reviewer 10 reviewed');
      await row.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '11');
      for (let p = 10; p >= 1; p--) {
        await page.keyboard.press('k');
        await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', String(p));
        const e = entered[p - 1]!;
        expect((await current(page)).requestId).toBe(e.requestId);
        await expect(page.getByTestId('criterion-correct')).toHaveAttribute('data-value', e.verdicts.correct);
        await expect(page.getByTestId('criterion-helpful')).toHaveAttribute('data-value', String(e.verdicts.helpful));
        await expect(page.getByTestId('criterion-tone')).toHaveAttribute('data-value', e.verdicts.tone);
        await expect(page.getByTestId('criterion-safe')).toHaveAttribute('data-value', e.verdicts.safe);
        await expect(page.getByLabel('Note')).toHaveValue(e.note);
        await expect(page.getByTestId('tag-picker').getByTestId('tag-chip')).toHaveCount(e.tag ? 1 : 0);
      }

      await page.keyboard.press('g');
      await page.keyboard.press('q');
      await page.getByRole('tab', { name: 'Estimates' }).click();
      await expect(page.getByTestId('est-reviewed')).toHaveText('10');
      await expect(page.getByTestId('coverage-table')).toContainText(`model = ${MODEL}`);
      await shot(page, 'review-real-estimates');

      await page.keyboard.press('g');
      await page.keyboard.press('e');
      const lib = page.getByTestId('edge-cases');
      await expect(lib.getByTestId('edge-row')).toHaveCount(2);
      const jsonl = await downloadText(page, () => lib.getByRole('button', { name: 'Export JSONL' }).click());
      const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as { request_id: string; tags: string[]; rubric_version: number; model: string; import_id: number });
      const tagged = entered.filter((e) => e.tag);
      expect(lines.map((l) => l.request_id).sort()).toEqual(tagged.map((t) => t.requestId).sort());
      for (const l of lines) {
        expect(l.tags).toEqual([TAG]);
        expect(l.rubric_version).toBe(1);
        expect(l.model).toBe(MODEL);
        expect(l.request_id).toMatch(/^mtbench:/);
      }

      await page.keyboard.press('g');
      await page.keyboard.press('w');
      const report = page.getByTestId('report-screen');
      await expect(report.getByLabel('Report week')).toHaveValue('week:2024-W24');
      await expect(report.getByTestId('report-text')).toContainText('10 of 20 queued items reviewed (0 skipped)');
      const md = await downloadText(page, () => report.getByRole('button', { name: 'Download' }).click());
      expect(md.name).toBe('loupe-report-2024-W24.md');
      expect(md.text).toContain('10 of 20 queued items reviewed (0 skipped)');
      expect(md.text).toContain('Real Data Reviewer');
      await report.getByText('HTML', { exact: true }).click();
      await expect(report.getByTestId('report-html')).toContainText('10 of 20 queued items reviewed');
      const html = await downloadText(page, () => report.getByRole('button', { name: 'Download' }).click());
      expect(html.name).toBe('loupe-report-2024-W24.html');
      expect(html.text).toContain('10 of 20 queued items reviewed (0 skipped)');
      await shot(page, 'review-real-report-html');
      dropSandboxNotices(errors);
    } finally {
      await server.stop();
    }
  });
});
