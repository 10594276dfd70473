/**
 * Browser mode, the weekly review on the demo workspace: create a queue for 2026-W47 by keyboard, review ten items
 * by keyboard only (verdict keys, scale and category digits, tags, note, submit; one undo, one skip), tag two as
 * edge cases with a new tag created on the review screen, restart the server, find every decision again (queue
 * list, review screen), then export the report (md, html) and the edge-case JSONL and check their contents. Also
 * the rubric editor, tags, estimates, and the next-item latency measured in the page.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { buildDemo, expect, serve, shot, test, type Served } from './fixtures';
import { createQueueByKeyboard, current, downloadText, dropSandboxNotices, median, reviewOne, rubricKeys, setReviewerByKeyboard, setTagDescription, type Entered } from './review-helpers';

const TAG = 'invented-fact';

test('demo workspace: a keyboard-only weekly review survives a restart and reaches the report and the edge-case export', async ({ page, dir, errors }) => {
  test.setTimeout(240_000);
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  let server: Served = await serve(ws);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');

    // 1. A queue for 2026-W47 (the default: the latest ISO week of the demo data that has requests), stratified by feature.
    await createQueueByKeyboard(page, { week: '2026-W47', size: 30, strataDowns: 1, strataValue: 'feature' });
    const strata = page.getByTestId('queue-created').getByTestId('strata-table');
    await expect(strata).toContainText('signal: thumbs_down');
    await expect(strata).toContainText('feature = summarize');
    await expect(strata.locator('tfoot')).toContainText('30');
    await shot(page, 'review-queue-created');
    await page.keyboard.press('Enter');
    await setReviewerByKeyboard(page, 'Dana Reviewer');

    // 2. Ten reviews by keyboard; the first two tagged as edge cases with a tag created here.
    const entered: Entered[] = [];
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '1');
    for (let i = 0; i < 10; i++) {
      const tag = i < 2 ? TAG : undefined;
      entered.push(await reviewOne(page, i, { ...(tag ? { tag } : {}), ...(i === 0 ? { createTag: { description: 'States a fact that is not in the input' } } : {}) }));
      if (i === 0) await shot(page, 'review-item-after-first');
    }
    expect(entered.map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // Undo (u) reverts the tenth review and brings it back; it is reviewed again the same way.
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '11');
    await page.keyboard.press('u');
    await expect(page.getByTestId('save-status')).toHaveText('Undid the decision on #10.');
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '10');
    await expect(page.locator('[data-testid="rail-item"][data-position="10"]')).toHaveAttribute('data-status', 'open');
    entered[9] = await reviewOne(page, 9, {});

    // Skip (s) with a reason: a decision, but not a review.
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '11');
    await page.keyboard.press('s');
    await expect(page.getByLabel('Skip reason')).toBeFocused();
    await page.keyboard.type('duplicate of an item already reviewed');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('save-status')).toContainText('Skipped #11');
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '12');
    await expect(page.locator('[data-testid="rail-item"][data-status="reviewed"]')).toHaveCount(10);
    await expect(page.locator('[data-testid="rail-item"][data-status="skipped"]')).toHaveCount(1);
    await expect(page.getByTestId('rail-progress')).toHaveText('11 of 30 decided');

    // The next item appears from the prefetch cache: time from key press to the painted frame, in the page.
    const timings = await page.evaluate(() => window.__loupeReviewTimings ?? []);
    const moves = timings.slice(1); // the first entry is the initial load of the screen
    console.log(`review: next-item render after a key press, ms: median ${median(moves).toFixed(1)}, max ${Math.max(...moves).toFixed(1)} (n=${moves.length}): ${moves.map((m) => m.toFixed(1)).join(' ')}`);
    expect(moves.length).toBeGreaterThanOrEqual(12);
    // A guard against the next item waiting on the store (a round trip, a re-render of the queue: hundreds of ms),
    // not a speed measurement: under a busy CI machine the painted frame alone moved the median from 36 to 52 ms and
    // failed a 50 ms bound. Speed is measured by `npm run bench` (next_item_ms), not here.
    expect(median(moves)).toBeLessThan(150);

    // The cheat sheet lists every key.
    await page.keyboard.press('?');
    const sheet = page.getByTestId('review-cheat-sheet');
    await expect(sheet).toBeVisible();
    for (const k of ['Submit and go to the next open item', 'Undo the last decision of this session', 'Skip with a reason', 'Write a note', 'Add an edge-case tag']) await expect(sheet).toContainText(k);
    await shot(page, 'review-cheat-sheet');
    await page.keyboard.press('Escape');
    await expect(sheet).toHaveCount(0);

    // 3. Restart: every decision is still there. The page leaves first, so it does not log the server going away.
    await page.goto('about:blank');
    await server.stop();
    server = await serve(ws);
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    await page.keyboard.press('Alt+4');
    const row = page.getByTestId('queue-row').first();
    await expect(row.getByTestId('queue-progress')).toHaveText('10 reviewed · 1 skipped · 19 open');
    await expect(row.getByTestId('queue-reviewers')).toHaveText('Dana Reviewer 10 reviewed, 1 skipped');
    await shot(page, 'review-queues');
    await row.getByRole('button', { name: 'Review' }).click();
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '12');
    await expect(page.locator('[data-testid="rail-item"][data-status="reviewed"]')).toHaveCount(10);
    for (let p = 11; p >= 1; p--) {
      await page.keyboard.press('k');
      await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', String(p));
      if (p === 11) { await expect(page.getByTestId('my-decision')).toContainText('You skipped this item: duplicate of an item already reviewed'); continue; }
      const e = entered[p - 1]!;
      expect((await current(page)).requestId).toBe(e.requestId);
      await expect(page.getByTestId('my-decision')).toContainText('Your review is saved');
      await expect(page.getByTestId('criterion-correct')).toHaveAttribute('data-value', e.verdicts.correct);
      await expect(page.getByTestId('criterion-helpful')).toHaveAttribute('data-value', String(e.verdicts.helpful));
      await expect(page.getByTestId('criterion-tone')).toHaveAttribute('data-value', e.verdicts.tone);
      await expect(page.getByTestId('criterion-safe')).toHaveAttribute('data-value', e.verdicts.safe);
      await expect(page.getByLabel('Note')).toHaveValue(e.note);
      await expect(page.getByTestId('tag-picker').getByTestId('tag-chip')).toHaveCount(e.tag ? 1 : 0);
    }
    await shot(page, 'review-item');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'review-item-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // 4. Estimates for the week: ten reviews, failures weighted by 1/π, the plain sample rate beside.
    await page.keyboard.press('g');
    await page.keyboard.press('q');
    await page.getByRole('tab', { name: 'Estimates' }).click();
    const est = page.getByTestId('estimates');
    await expect(est.getByTestId('est-reviewed')).toHaveText('10');
    const failures = entered.filter((e) => e.verdicts.correct === 'fail' || e.verdicts.safe === 'fail').length;
    await expect(est.locator('[data-key="failure"]')).toContainText(`${failures} / 10`);
    await expect(est.locator(`[data-key^="tag:"]`)).toContainText(`Tagged "${TAG}"`);
    await expect(est.locator(`[data-key^="tag:"]`)).toContainText('2 / 10');
    // A row carries a "small sample" badge only when simulation of this design shows its interval under 93% coverage.
    // The Clopper–Pearson interval at the effective size holds with 10 reviewed items (it is wide instead: the tag
    // seen on 2 of 10 reads 0.0-59.8%), so no row is flagged (review.test.ts covers a design that is).
    await expect(est.getByTestId('small-sample')).toHaveCount(0);
    await expect(est.getByTestId('small-sample-caveats')).toHaveCount(0);
    await expect(est.locator('[data-key="failure"] td.num').nth(3)).toHaveCSS('white-space', 'nowrap');
    await shot(page, 'review-estimates');
    await shot(page, 'fix-estimates');

    // Tags: the new tag with its two items in 2026-W47.
    await page.getByRole('tab', { name: 'Tags' }).click();
    const tagRow = page.locator(`[data-testid="tag-row"][data-tag="${TAG}"]`);
    await setTagDescription(page, TAG, 'States a fact that is not in the input');
    await expect(page.getByTestId('tags-table').locator('thead')).toContainText('2026-W47');
    await expect(tagRow.locator('td.num.strong')).toHaveText('2');
    await shot(page, 'review-tags');

    // Rubric: a new version through the editor; the earlier reviews keep version 1.
    await page.getByRole('tab', { name: 'Rubric' }).click();
    await expect(page.getByTestId('rubric-row')).toHaveCount(4);
    await page.getByRole('button', { name: '+ Add criterion' }).click();
    await page.getByLabel('Criterion 5 label').fill('Follows instructions');
    await page.getByLabel('Criterion 5 guidance').fill('Pass when the output does what the input asked, in the asked format.');
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await expect(page.getByRole('status')).toHaveText('Saved as version 2. New reviews use it; earlier reviews keep their version.');
    await expect(page.getByTestId('rubric-versions').getByRole('button')).toHaveCount(2);
    await expect(page.getByTestId('rubric-row').nth(4)).toContainText('follows_instructions');
    await shot(page, 'review-rubric');

    // 5. The edge-case library and its JSONL export.
    await page.keyboard.press('g');
    await page.keyboard.press('e');
    const lib = page.getByTestId('edge-cases');
    await expect(lib.getByTestId('edge-row')).toHaveCount(2);
    const tagged = entered.filter((e) => e.tag);
    for (const t of tagged) await expect(lib.locator(`[data-request-id="${t.requestId}"]`)).toContainText(TAG);
    await lib.getByTestId('edge-row').first().click();
    await expect(lib.getByLabel('Input')).toBeVisible();
    await shot(page, 'review-edge-cases');
    const jsonl = await downloadText(page, () => lib.getByRole('button', { name: 'Export JSONL' }).click());
    expect(jsonl.name).toBe('loupe-edge-cases.jsonl');
    const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as { request_id: string; tags: string[]; rubric_version: number; notes: Array<{ reviewer: string; note: string }>; verdicts: Record<string, unknown>; input: string; output: string });
    expect(lines.map((l) => l.request_id).sort()).toEqual(tagged.map((t) => t.requestId).sort());
    for (const l of lines) {
      const e = tagged.find((t) => t.requestId === l.request_id)!;
      expect(l.tags).toEqual([TAG]);
      expect(l.rubric_version).toBe(1);
      expect(l.notes).toEqual([{ reviewer: 'Dana Reviewer', note: e.note }]);
      expect(l.verdicts).toEqual(e.verdicts);
      expect(typeof l.input).toBe('string');
    }
    const csv = await downloadText(page, () => lib.getByRole('button', { name: 'Export CSV' }).click());
    expect(csv.name).toBe('loupe-edge-cases.csv');
    expect(csv.text.split('\r\n')[0]).toBe('request_id,import_id,ts,week,model,model_version,feature,tags,failed,verdicts,rubric_version,reviewers,notes,input,output');

    // 6. The report: Markdown and self-contained HTML, previewed and downloaded.
    await page.keyboard.press('g');
    await page.keyboard.press('w');
    const report = page.getByTestId('report-screen');
    await expect(report.getByLabel('Report week')).toHaveValue('week:2026-W47');
    await expect(report.getByTestId('report-text')).toContainText('10 of 30 queued items reviewed (1 skipped)');
    await shot(page, 'review-report-md');
    const md = await downloadText(page, () => report.getByRole('button', { name: 'Download' }).click());
    expect(md.name).toBe('loupe-report-2026-W47.md');
    expect(md.text).toContain('## Review');
    expect(md.text).toContain('## Summary: what changed');
    expect(md.text).toContain('10 of 30 queued items reviewed (1 skipped)');
    expect(md.text).toContain('Dana Reviewer');
    expect(md.text).toMatch(new RegExp(TAG.replace('-', '\\\\?-'))); // older reports escaped the hyphen
    await report.getByText('HTML', { exact: true }).click();
    // The HTML previews in the page, styled by the app's stylesheet (the report's own <style> is refused by the CSP).
    const preview = report.getByTestId('report-html');
    await expect(preview).toContainText('10 of 30 queued items reviewed (1 skipped)');
    expect(await preview.innerHTML()).not.toMatch(/<script|<style|style=/i);
    await expect(preview.locator('th').first()).toHaveCSS('font-weight', '600');
    await expect(preview.locator('td.n').first()).toHaveCSS('text-align', 'right');
    // The charts are inline SVG, drawn in the preview too.
    await expect(preview.locator('svg[role="img"]').first()).toBeVisible();
    await shot(page, 'fix-report-html');
    await shot(page, 'review-report-html');
    const html = await downloadText(page, () => report.getByRole('button', { name: 'Download' }).click());
    expect(html.name).toBe('loupe-report-2026-W47.html');
    expect(html.text).toMatch(/^<!doctype html>/i);
    expect(html.text).toContain('10 of 30 queued items reviewed (1 skipped)');
    expect(html.text).not.toMatch(/<script/i);
    dropSandboxNotices(errors);
  } finally {
    await server.stop();
  }
});

/** Creates a new tag on the review screen by keyboard and adds it to the item's draft. */
async function reviewTag(page: Page, name: string): Promise<void> {
  await page.keyboard.press('t');
  await page.keyboard.type(name);
  await expect(page.getByRole('option', { name: new RegExp(`Create tag.*${name}`) })).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tag-picker').getByTestId('tag-chip')).toHaveText([new RegExp(name)]);
  await page.keyboard.press('Escape');
}

test('overlap items are blind to the second reviewer, and agreement lists the disagreement for adjudication', async ({ page, dir }) => {
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  const server = await serve(ws);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    await page.keyboard.press('Alt+4');
    const form = page.getByTestId('new-queue-form');
    await form.getByLabel('Size').fill('4');
    await form.getByLabel('Strata field').selectOption('');
    for (const s of ['thumbs-down', 'linked ticket', 'error']) await form.getByLabel(`Share for ${s} (%)`).fill('0');
    await form.getByLabel('Overlap share (%)').fill('100');
    await form.getByRole('button', { name: 'Create queue' }).click();
    await expect(page.getByTestId('queue-created').getByTestId('strata-table')).toContainText('all');
    await page.getByRole('button', { name: /Start reviewing/ }).click();
    await setReviewerByKeyboard(page, 'Ann');
    // Ann: items 1 and 2 pass.
    for (const pos of ['1', '2']) {
      await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', pos);
      for (const k of rubricKeys('p', '4', '1', 'p')) await page.keyboard.press(k);
      if (pos === '1') await reviewTag(page, 'alpha');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('save-status')).toContainText(`Saved review of #${pos}`);
    }
    const first = (await page.locator('[data-testid="rail-item"][data-position="1"]').getAttribute('title'))!;
    expect(first).toMatch(/^req_\w+ · all · simple random sample · π = 0\.00240$/); // 4 of the week's 1,665 requests (all of them in the frame)
    // One stratum ("all") for every item: the rail shows the part of each request id that differs, not "all" four times.
    const railLabels = await page.locator('[data-testid="rail-request"]').allTextContents();
    expect(railLabels).toHaveLength(4);
    expect(new Set(railLabels).size).toBe(4);
    expect(first).toContain(railLabels[0]!.replace('…', ''));

    // Ben takes over: the overlap items Ann reviewed are open to him, and blind.
    await page.getByRole('button', { name: '← Queues' }).click();
    await page.getByRole('button', { name: 'Change' }).click();
    await page.getByRole('textbox', { name: 'Reviewer name' }).fill('Ben');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('area-reviewer')).toHaveText('Ben');
    await page.getByTestId('queue-row').first().getByRole('button', { name: 'Review' }).click();
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '1');
    await expect(page.getByTestId('blind-note')).toContainText('1 earlier review is shown after your decision');
    await expect(page.getByTestId('earlier-reviews')).toHaveCount(0);
    await expect(page.getByTestId('review-item')).not.toContainText('Ann');
    // To Ben the item is open, though Ann has reviewed it.
    await expect(page.getByTestId('item-status')).toHaveText('open');
    await expect(page.locator('[data-testid="rail-item"][data-status="open"]')).toHaveCount(4);
    await shot(page, 'review-blind');
    for (const k of rubricKeys('f', '2', '1', 'p')) await page.keyboard.press(k);
    await reviewTag(page, 'beta');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('save-status')).toContainText('Saved review of #1 (failure)');
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '2');
    for (const k of [...rubricKeys('p', '4', '1', 'p'), 'Enter']) await page.keyboard.press(k);
    await expect(page.getByTestId('save-status')).toContainText('Saved review of #2');
    // After his decision, Ann's review of item 1 shows.
    await page.keyboard.press('k');
    await page.keyboard.press('k');
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '1');
    await expect(page.getByTestId('earlier-reviews')).toContainText('Ann');
    await expect(page.getByTestId('earlier-reviews')).toContainText('correct: pass');

    await page.keyboard.press('g');
    await page.keyboard.press('q');
    await page.getByRole('tab', { name: 'Estimates' }).click();
    const agreement = page.getByTestId('agreement');
    await expect(agreement).toContainText('2 items reviewed by two reviewers');
    await expect(agreement).toContainText('Ann & Ben (2)');
    const dis = agreement.getByTestId('disagreements');
    await expect(dis.locator('tbody tr')).toHaveCount(3); // failure, correct and helpful on item 1
    await expect(dis).toContainText('Ann: pass');
    await expect(dis).toContainText('Ben: fail');
    await agreement.scrollIntoViewIfNeeded();
    await shot(page, 'review-agreement');
    // Open goes to the item for adjudication.
    await dis.getByRole('button', { name: 'Open' }).first().click();
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '1');

    // Tags: merge "beta" into "alpha" (both on item 1: one item), then rename "alpha" with a colour and description.
    await page.getByRole('button', { name: '← Queues' }).click();
    await page.getByRole('tab', { name: 'Tags' }).click();
    const beta = page.locator('[data-testid="tag-row"][data-tag="beta"]');
    await beta.getByRole('button', { name: 'Merge…' }).click();
    await page.getByLabel('Merge into').selectOption({ label: 'alpha' });
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    await expect(page.getByTestId('tag-row')).toHaveCount(1);
    const alpha = page.locator('[data-testid="tag-row"][data-tag="alpha"]');
    await expect(alpha.locator('td.num.strong')).toHaveText('1');
    await alpha.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Tag name').fill('wrong-plan-steps');
    await page.getByLabel('Tag description').fill('Steps that do not match the product');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('[data-testid="tag-row"][data-tag="wrong-plan-steps"]')).toContainText('Steps that do not match the product');

    // Extend the queue: two more items at the end, the first four unchanged.
    await page.getByRole('tab', { name: 'Queues' }).click();
    const qrow = page.getByTestId('queue-row').first();
    await qrow.getByRole('button', { name: 'Strata' }).click();
    await page.getByLabel('Items to add').fill('2');
    await page.getByRole('button', { name: 'Extend queue' }).click();
    await expect(page.getByTestId('queue-detail').getByRole('status')).toContainText('Added 2 items at the end of the queue');
    await expect(qrow.locator('td.num')).toHaveText('6');
    await expect(qrow.getByTestId('queue-progress')).toHaveText('2 reviewed · 0 skipped · 4 open');
  } finally {
    await server.stop();
  }
});

test('tag field: typed text stays with its item, Enter on Create adds the tag at once, unadded text blocks submit; undo returns to the item', async ({ page, dir }) => {
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  const server = await serve(ws);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    await page.keyboard.press('Alt+4');
    const form = page.getByTestId('new-queue-form');
    await form.getByLabel('Size').fill('6');
    await form.getByRole('button', { name: 'Create queue' }).click();
    // The strata table shows every row and the total without scrolling inside itself; queue names stay on one line.
    const strataBox = page.getByTestId('queue-created').getByTestId('strata-table').locator('..');
    await expect(strataBox.locator('tfoot')).toContainText('6');
    expect(await strataBox.evaluate((el) => el.scrollHeight <= el.clientHeight)).toBe(true);
    const name = page.getByTestId('queue-row').first().locator('td').first().locator('.strong');
    await expect(name).toHaveText('2026-W47 review by feature');
    expect((await name.boundingBox())!.height).toBeLessThan(24);
    const actions = (await page.getByTestId('queue-row').first().locator('td.row-actions').boundingBox())!;
    const card = (await page.getByRole('region', { name: 'Queues' }).boundingBox())!;
    expect(actions.x + actions.width).toBeLessThanOrEqual(card.x + card.width);
    await shot(page, 'fix-queue-created');
    await page.getByRole('button', { name: /Start reviewing/ }).click();
    await setReviewerByKeyboard(page, 'Tess');
    const item = page.getByTestId('review-item');
    await expect(item).toHaveAttribute('data-position', '1');

    // Typed, then Esc: the text is cleared, and the next item's field starts empty.
    await page.keyboard.press('t');
    await page.keyboard.type('foo-bar');
    await page.keyboard.press('Escape');
    await expect(page.getByLabel('Add tag')).toHaveValue('');
    await page.keyboard.press('t');
    await page.keyboard.type('half-typed');
    await page.getByRole('button', { name: /^Skip/ }).focus();
    await page.getByRole('button', { name: /^Skip/ }).blur();
    await page.keyboard.press('j');
    await expect(item).toHaveAttribute('data-position', '2');
    await expect(page.getByLabel('Add tag')).toHaveValue('');

    // Enter on "Create tag" makes the tag and adds its chip, with no second form.
    for (const k of rubricKeys('p', '4', '1', 'p')) await page.keyboard.press(k);
    await page.keyboard.press('t');
    await page.keyboard.type('brand-new');
    await expect(page.getByRole('option', { name: /Create tag.*brand-new/ })).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('tag-picker').getByTestId('tag-chip')).toHaveText([/brand-new/]);
    await expect(page.getByLabel('Add tag')).toHaveValue('');

    // Text typed but not added blocks the submit with a message, instead of being dropped.
    await page.keyboard.type('not-added');
    await page.getByRole('button', { name: /^Submit/ }).click();
    await expect(page.getByRole('alert')).toContainText('The tag “not-added” is typed but not added');
    await expect(item).toHaveAttribute('data-position', '2');
    await expect(page.getByLabel('Add tag')).toBeFocused();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('save-status')).toContainText('Saved review of #2');
    await expect(item).toHaveAttribute('data-position', '3');
    await shot(page, 'fix-review-tag-created');
    // #3 is in the thumbs-down stratum: its thumb reads as words, not as an emoji that may render as a box.
    await expect(item).toContainText('down (−1)');
    await expect(item).not.toContainText('👎');

    // Undo after the next item has settled: the screen moves back to #2, open again, so it can be redone.
    await page.waitForTimeout(800);
    await page.keyboard.press('u');
    await expect(page.getByTestId('save-status')).toHaveText('Undid the decision on #2.');
    await expect(item).toHaveAttribute('data-position', '2');
    await expect(item.locator('h2')).toContainText('#2');
    await expect(page.locator('[data-testid="rail-item"][data-position="2"]')).toHaveAttribute('data-status', 'open');
    await expect(page.getByTestId('tag-picker').getByTestId('tag-chip')).toHaveCount(0);
    await shot(page, 'fix-review-after-undo');

    // At 1024 px the header keeps one row (the zone picker beside the counts) and the item head keeps the request
    // id and status readable.
    await page.setViewportSize({ width: 1024, height: 700 });
    const head = (await page.getByRole('banner', { name: 'Workspace' }).boundingBox())!;
    expect(head.height).toBeLessThan(60);
    const zone = (await page.getByLabel('Workspace time zone').boundingBox())!;
    expect(zone.y + zone.height).toBeLessThanOrEqual(head.y + head.height);
    expect(zone.x + zone.width).toBeLessThanOrEqual(1024);
    expect((await page.getByTestId('item-request-id').boundingBox())!.width).toBeGreaterThanOrEqual(90);
    const status = page.getByTestId('item-status');
    await expect(status).toHaveText('open');
    expect(await status.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await shot(page, 'fix-narrow-review');
  } finally {
    await server.stop();
  }
});

test('a new tag pasted and entered at once is created, never the tag highlighted before the list caught up', async ({ page, dir, errors }) => {
  test.setTimeout(120_000);
  const ws = path.join(dir, 'demo.sqlite');
  buildDemo(ws);
  const server = await serve(ws);
  try {
    await page.goto(server.url);
    // The app is up (its keys work) once the header has the workspace's counts.
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    await createQueueByKeyboard(page, { week: '2026-W47', size: 10, strataDowns: 1, strataValue: 'feature' });
    await page.keyboard.press('Enter');
    await setReviewerByKeyboard(page, 'Dana Reviewer');
    // Item 1: an existing tag, created here, so the next item's list opens with it highlighted.
    await reviewOne(page, 0, { tag: 'billing-mixup', createTag: { description: 'Answers a different billing problem' } });
    const pasted = 'wrong language: English reply to German';
    await page.keyboard.press('t');
    await expect(page.getByRole('option', { name: /billing-mixup/ })).toBeVisible();
    // A paste and Enter before the suggestions for the pasted text arrive.
    await page.keyboard.insertText(pasted);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('tag-picker').getByTestId('tag-chip')).toHaveText([new RegExp(pasted)]);
    dropSandboxNotices(errors);
  } finally {
    await server.stop();
  }
});
