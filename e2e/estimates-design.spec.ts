/**
 * Browser mode, issue 8 as a reviewer meets it: the new-queue form proposes the latest week with requests and shows
 * what the design will buy (the planner, simulated on the week's own requests) and how many requests each
 * oversampled signal can draw from; a 2026-W47 queue on the demo
 * workspace keeps all 1,665 requests in the frame and the thumbs-down stratum gets its share; the rubric keys never
 * land on another criterion (`p`, ↓, `4` is Correct pass, Helpful 4); the queue list shows each verdict; an item with
 * the same content as one already reviewed comes with that decision filled in and Enter confirms it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, repoRoot, serve, shot, test } from './fixtures';
import { rubricKeys, setReviewerByKeyboard } from './review-helpers';

const loupe = (...args: string[]) => execFileSync(process.execPath, [path.join(repoRoot, 'bin/loupe.js'), ...args], { cwd: repoRoot, stdio: 'pipe' }).toString();

test('demo W47: the planner, the whole week in the frame, the thumbs-down share, keys that stay on their criterion, verdicts in the list', async ({ page, dir }) => {
  test.setTimeout(180_000);
  const ws = path.join(dir, 'demo.sqlite');
  loupe('demo', '--workspace', ws);
  const server = await serve(ws);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('18,000');
    await page.keyboard.press('Alt+4');
    const form = page.getByTestId('new-queue-form');
    await expect(form.getByLabel('ISO week')).toHaveValue('2026-W47');
    await expect(form.getByTestId('week-requests')).toHaveText('1,665 requests');
    for (const [s, v] of [['thumbs-down', '20'], ['linked ticket', '0'], ['error', '0']] as const) await form.getByLabel(`Share for ${s} (%)`).fill(v);
    await form.getByLabel('Size').fill('100');
    // The planner: the expected 95% half-width at four plausible failure rates, and the size for ±3 points at 10%.
    const planner = form.getByTestId('planner-table');
    await expect(planner.locator('tbody tr')).toHaveCount(4);
    await expect(planner.locator('tr[data-rate="0.1"]')).toContainText(/±\d+\.\d pts/);
    await expect(form.getByTestId('planner-size')).toHaveText(/^about [\d,]+ items$/);
    // Beside each oversampled signal, the requests its stratum can draw from (26 show thumbs-down, below); a signal
    // with none (no edge case exists yet to repeat) says its share goes to the other strata.
    await expect(form.getByTestId('signal-count-thumbs_down')).toHaveText('· 26 to draw from');
    await expect(form.getByTestId('signal-count-ticket')).toHaveCount(0);
    await form.getByLabel('Share for repeats an earlier edge case (%)').fill('5');
    await expect(form.getByTestId('signal-count-edge_case_repeat')).toHaveText('· none to draw this period: its share goes to the other strata');
    await form.getByLabel('Share for repeats an earlier edge case (%)').fill('0');
    await expect(form.getByTestId('signal-count-edge_case_repeat')).toHaveCount(0);
    await form.getByTestId('planner').scrollIntoViewIfNeeded();
    await shot(page, 'estimates-planner-1440');
    await page.setViewportSize({ width: 1024, height: 768 });
    await shot(page, 'estimates-planner-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    // An empty week says so at once.
    await form.getByLabel('ISO week').fill('2026-W30');
    await expect(form.getByTestId('week-requests')).toHaveText('No requests in this week; the latest with requests is 2026-W47.');
    await form.getByLabel('ISO week').fill('2026-W47');
    await form.getByLabel('Seed').fill('7');
    await form.getByRole('button', { name: 'Create queue' }).click();

    // Every request of the week is in the frame; thumbs-down gets 20 of the 100 items (26 requests show it).
    const strata = page.getByTestId('queue-created').getByTestId('strata-table');
    await expect(strata.locator('tfoot')).toContainText('1,665');
    await expect(strata.locator('tr', { hasText: 'signal: thumbs_down' })).toContainText(/26\s*20/);
    await expect(page.getByTestId('queue-created')).toContainText('Frame: all 1,665 requests of the period; none is left out.');
    await shot(page, 'estimates-queue-created');

    await page.getByRole('button', { name: /Start reviewing/ }).click();
    await setReviewerByKeyboard(page, 'Kim');
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '1');
    await expect(page.getByTestId('key-hint')).toHaveText('Keys go to Correct; ↑/↓ change the criterion.');
    // p, ↓, 4: Correct pass and Helpful 4; Tone stays empty (the old screen put "rude or condescending" there).
    for (const k of ['p', 'ArrowDown', '4']) await page.keyboard.press(k);
    await expect(page.getByTestId('criterion-correct')).toHaveAttribute('data-value', 'pass');
    await expect(page.getByTestId('criterion-helpful')).toHaveAttribute('data-value', '4');
    await expect(page.getByTestId('criterion-tone')).toHaveAttribute('data-value', '');
    // A key the active criterion does not take is announced, and changes nothing.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('4');
    await expect(page.getByTestId('key-hint')).toHaveText('“4” is not a key of Correct (p or f); nothing changed. ↑/↓ move to another criterion.');
    await expect(page.getByTestId('criterion-correct')).toHaveAttribute('data-value', 'pass');
    await shot(page, 'estimates-key-hint');
    for (const k of ['ArrowDown', 'ArrowDown', '1', 'ArrowDown', 'p', '9']) await page.keyboard.press(k);
    await expect(page.getByTestId('key-hint')).toHaveText(/^“9” is not a key of /);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('save-status')).toContainText('Saved review of #1');
    // The next item starts with its own hint, not the last item's warning.
    await expect(page.getByTestId('review-item')).toHaveAttribute('data-position', '2');
    await expect(page.getByTestId('key-hint')).toHaveText('Keys go to Correct; ↑/↓ change the criterion.');
    for (const k of [...rubricKeys('f', '2', '3', 'p'), 'Enter']) await page.keyboard.press(k);
    await expect(page.getByTestId('save-status')).toContainText('Saved review of #2 (failure)');
    // The queue list shows the verdict: ✓ for the pass, ✗ for the fail.
    await expect(page.locator('[data-testid="rail-item"][data-position="1"] .rail-state')).toHaveAttribute('data-verdict', 'pass');
    await expect(page.locator('[data-testid="rail-item"][data-position="2"] .rail-state')).toHaveAttribute('data-verdict', 'fail');
    await expect(page.locator('[data-testid="rail-item"][data-position="2"] .rail-state')).toHaveText('✗');
    await shot(page, 'estimates-rail-verdicts-1440');
    await page.setViewportSize({ width: 1024, height: 768 });
    await shot(page, 'estimates-rail-verdicts-1024');
    await page.setViewportSize({ width: 1440, height: 900 });

    // Estimates: reviewed items, failures seen, the method, and the frame statement.
    await page.keyboard.press('g');
    await page.keyboard.press('q');
    await page.getByRole('tab', { name: 'Estimates' }).click();
    const est = page.getByTestId('estimates');
    await expect(est.getByTestId('est-reviewed')).toHaveText('2');
    await expect(est.getByTestId('est-failures')).toHaveText('1');
    await expect(est.getByTestId('est-method')).toContainText('Clopper–Pearson interval at the effective sample size');
    await expect(est.getByTestId('est-notes')).toContainText('Estimates are for all 1,665 requests of the period; none is left out.');
    await shot(page, 'estimates-page-1440');
    await page.setViewportSize({ width: 1024, height: 768 });
    await shot(page, 'estimates-page-1024');
  } finally {
    await server.stop();
  }
});

test('an item with the same input and output as one already reviewed comes with its decision filled in; Enter confirms it', async ({ page, dir }) => {
  const file = path.join(dir, 'traffic.jsonl');
  const rows = [
    { id: 'greet-1', ts: '2026-11-17T09:00:00Z', feature: 'chat', input: 'hello', output: 'Hi! How can I help you today?' },
    { id: 'greet-2', ts: '2026-11-17T09:05:00Z', feature: 'chat', input: 'hello', output: 'Hi! How can I help you today?' },
    { id: 'greet-3', ts: '2026-11-17T09:06:00Z', feature: 'chat', input: 'hello', output: 'Hello.' },
    { id: 'q-1', ts: '2026-11-18T10:00:00Z', feature: 'chat', input: 'What is 2 + 2?', output: '5' },
  ];
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const ws = path.join(dir, 'w.sqlite');
  loupe('import', file, '--workspace', ws, '--kind', 'requests');
  const server = await serve(ws);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('count-requests')).toHaveText('4');
    await page.keyboard.press('Alt+4');
    const form = page.getByTestId('new-queue-form');
    await expect(form.getByLabel('ISO week')).toHaveValue('2026-W47');
    await form.getByLabel('Size').fill('4');
    await form.getByLabel('Strata field').selectOption('');
    for (const s of ['thumbs-down', 'linked ticket', 'error']) await form.getByLabel(`Share for ${s} (%)`).fill('0');
    await form.getByRole('button', { name: 'Create queue' }).click();
    await page.getByRole('button', { name: /Start reviewing/ }).click();
    await setReviewerByKeyboard(page, 'Ana');
    const item = page.getByTestId('review-item');
    // Review every item in order; the second of the identical greetings arrives pre-filled.
    let confirmed = false;
    let greeted = false;
    for (let i = 0; i < 4; i++) {
      await expect(item).toHaveAttribute('data-position', String(i + 1));
      const id = (await page.getByTestId('item-request-id').textContent())!.trim();
      const identical = id === 'greet-1' || id === 'greet-2';
      if (identical && greeted) {
        const same = page.getByTestId('same-content');
        await expect(same).toContainText('reviewed by Ana: fail');
        await expect(page.getByTestId('criterion-correct')).toHaveAttribute('data-value', 'fail');
        await expect(page.getByTestId('criterion-helpful')).toHaveAttribute('data-value', '2');
        await shot(page, 'estimates-same-content');
        await page.keyboard.press('Enter');
        await expect(page.getByTestId('save-status')).toContainText(`Saved review of #${i + 1} (failure)`);
        confirmed = true;
      } else {
        await expect(page.getByTestId('same-content')).toHaveCount(0);
        for (const k of [...rubricKeys(identical ? 'f' : 'p', '2', '1', 'p'), 'Enter']) await page.keyboard.press(k);
        await expect(page.getByTestId('save-status')).toContainText(`Saved review of #${i + 1}`);
        if (identical) greeted = true;
      }
    }
    expect(confirmed).toBe(true);
  } finally {
    await server.stop();
  }
});
