/**
 * Browser mode, Prices and PII scrubbing: a price row edited in the Prices screen (and the request detail saying which
 * row, as-of day and tier costed the request), and an import whose preview shows the scrubbing's before/after and
 * counts, after which no scrubbed value is in the workspace file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, shot, test } from './fixtures';

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${name}`) });

test('prices: edit a row, add a row, and read which price costed a request', async ({ page, server, dir }) => {
  const f = path.join(dir, 'requests.jsonl');
  fs.writeFileSync(f, [
    { id: 'q1', timestamp: '2026-11-20T10:00:00Z', model: 'gpt-4o-mini-2024-07-18', prompt: 'Where is my order?', response: 'Shipped.', usage: { input_tokens: 1000, output_tokens: 500 } },
    { id: 'q2', timestamp: '2026-11-20T11:00:00Z', model: 'claude-sonnet-4-5-20250929', prompt: 'Hi', response: 'Hello', usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 3000 } },
  ].map((r) => JSON.stringify(r)).join('\n'));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(server.url);
  await nav(page, 'Import').click();
  await page.getByTestId('file-input').setInputFiles(f);
  const card = page.getByRole('region', { name: 'Import of requests.jsonl' });
  await expect(card.getByTestId('preview')).toBeVisible();
  await card.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(card.getByTestId('result-inserted')).toHaveText('2');

  await nav(page, 'Prices').click();
  const grid = page.getByRole('grid', { name: 'Prices' });
  await expect(grid.getByTestId('grid-row').first()).toBeVisible();
  await shot(page, 'prices-1440');
  await page.getByPlaceholder('Search model or provider').fill('gpt-4o-mini');
  const row = grid.getByTestId('grid-row').filter({ hasText: 'gpt-4o-mini' });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('$0.15');
  await expect(row).toContainText('$0.075');
  await row.click();
  const editor = page.getByTestId('price-editor');
  await expect(editor).toContainText('1 stored request(s) were priced with this row');
  await editor.getByLabel('Input', { exact: true }).fill('0.2');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByRole('status')).toHaveText('Saved.');
  await expect(row).toContainText('$0.20');
  // A bad value is refused with the field named, nothing saved.
  await editor.getByLabel('Output', { exact: true }).fill('abc');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByRole('alert')).toContainText('Output: expected a price in USD per million tokens');

  await page.getByRole('button', { name: 'Add price' }).click();
  const add = page.getByTestId('price-editor');
  await add.getByLabel('Model').fill('my-finetune');
  await add.getByLabel('As of (UTC day)').fill('2026-10-01');
  await add.getByLabel('Input', { exact: true }).fill('3');
  await add.getByLabel('Output', { exact: true }).fill('12');
  await add.getByRole('button', { name: 'Add row' }).click();
  await page.getByPlaceholder('Search model or provider').fill('my-finetune');
  await expect(grid.getByTestId('grid-row')).toHaveCount(1);
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, 'prices-edit-1024');

  await nav(page, 'Records').click();
  await page.getByRole('grid', { name: 'Requests' }).getByTestId('grid-row').filter({ hasText: 'Where is my order?' }).click();
  await expect(page.getByTestId('request-detail').getByTestId('request-cost')).toContainText('$0.00045');
  const how = page.getByTestId('request-cost-how');
  await expect(how).toContainText('Cost derived with the price row gpt-4o-mini as of 2026-12-05, standard prices');
  await expect(how).toContainText('the row was edited after this request was priced');
  await page.getByRole('grid', { name: 'Requests' }).getByTestId('grid-row').filter({ hasText: 'Hi' }).click();
  // Anthropic: 1,000 fresh × $3 + 3,000 cache reads × $0.30 + 100 out × $15 per million = $0.0054
  await expect(page.getByTestId('request-cost-how')).toContainText('claude-sonnet-4-5 as of 2026-12-05, standard prices, cached input at the cached rate; 3,000 of 4,000 input tokens read from the cache');
  await expect(page.getByTestId('request-cost')).toContainText('$0.005400');
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, 'request-cost-1440');
});

const PII = ['jane.doe@example.com', '4111 1111 1111 1111', '+44 20 7946 0958', 'sk-proj-abcDEF1234567890abcdefGHIJklmn', 'ORD-99812'];

test('scrub: the preview shows before/after and counts per detector; the stored workspace holds none of it', async ({ page, server, dir }) => {
  const f = path.join(dir, 'chats.jsonl');
  const lines = [];
  for (let i = 0; i < 12; i++) {
    lines.push(JSON.stringify({ id: `c${i}`, timestamp: '2026-11-20T10:00:00Z', user_id: i % 3 === 0 ? PII[0] : `u${i}`, model: 'gpt-4o',
      prompt: `My card ${PII[1]} was charged twice, order ${PII[4]}. Call ${PII[2]}.`, response: `Use key ${PII[3]} to check.`, tokens_in: 20, tokens_out: 10 }));
  }
  fs.writeFileSync(f, `${lines.join('\n')}\n`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(server.url);
  await nav(page, 'Import').click();
  await page.getByTestId('file-input').setInputFiles(f);
  const card = page.getByRole('region', { name: 'Import of chats.jsonl' });
  const panel = card.getByTestId('scrub-panel');
  await expect(panel).toContainText('Nothing is scrubbed');
  for (const d of ['email', 'phone', 'card', 'secret']) await panel.getByTestId(`scrub-${d}`).check();
  await panel.getByTestId('scrub-patterns').fill('ORD-\\d+');
  await panel.getByRole('button', { name: 'Apply patterns' }).click();
  await expect(panel.getByTestId('scrub-summary')).toContainText('email 4 · phone 12 · card 12 · secret 12 · pattern 1 (ORD-\\d+) 12');
  const diff = panel.getByTestId('scrub-diff');
  const input = diff.getByRole('row').filter({ hasText: 'My card' }).first();
  await expect(input).toContainText(`My card ${PII[1]} was charged twice`);
  await expect(input).toContainText('My card [CARD] was charged twice, order [REDACTED]. Call [PHONE].');
  await expect(diff.getByRole('row').filter({ hasText: 'user_id' }).first()).toContainText(/jane\.doe@example\.comemail:[0-9a-f]{12}/);
  await expect(card.getByTestId('mapped-sample')).not.toContainText('4111');
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'scrub-preview-1440');
  await page.setViewportSize({ width: 1024, height: 768 });
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'scrub-preview-1024');

  // A pattern RE2 cannot run is refused by name; the preview says why.
  await panel.getByTestId('scrub-patterns').fill('(a)\\1');
  await panel.getByRole('button', { name: 'Apply patterns' }).click();
  await expect(card.getByRole('alert').first()).toContainText('Scrub pattern 1 "(a)\\\\1" cannot be used');
  await card.getByTestId('scrub-patterns').fill('ORD-\\d+');
  await card.getByRole('button', { name: 'Apply patterns' }).click();
  await expect(card.getByTestId('scrub-summary')).toBeVisible();

  await card.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(card.getByTestId('scrub-report')).toContainText('Scrubbed before storage: email 4 · phone 12 · card 12 · secret 12 · pattern 1 (ORD-\\d+) 12 in 12 rows');
  await nav(page, 'Records').click();
  await page.getByRole('grid', { name: 'Requests' }).getByTestId('grid-row').first().click();
  await expect(page.getByTestId('request-detail')).toContainText('My card [CARD] was charged twice');
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, 'scrub-stored-1440');

  // The next file's preview starts from the remembered choice.
  await nav(page, 'Import').click();
  const f2 = path.join(dir, 'more.jsonl');
  fs.writeFileSync(f2, lines.map((l) => l.replace(/"c(\d+)"/, '"d$1"')).join('\n'));
  await page.getByTestId('file-input').setInputFiles(f2);
  const card2 = page.getByRole('region', { name: 'Import of more.jsonl' });
  await expect(card2.getByTestId('scrub-email')).toBeChecked();
  await expect(card2.getByTestId('scrub-ip')).not.toBeChecked();
  await expect(card2.getByTestId('scrub-patterns')).toHaveValue('ORD-\\d+');

  await page.close();
  await server.stop();
  const bytes = fs.readFileSync(server.workspace);
  for (const s of PII) expect(bytes.includes(Buffer.from(s)), s).toBe(false);
  expect(bytes.includes(Buffer.from('[CARD]'))).toBe(true);
});
