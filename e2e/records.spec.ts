/**
 * Browser mode, Records and Tickets: the grids, the detail panels, keyboard use, and untrusted model output that
 * must render as inert text (also with markdown on).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, hasRealData, importThroughUi, realDir, shot, test } from './fixtures';

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=1</script>';

function writeRequests(file: string): void {
  const rows = [
    { id: 'req-xss', ts: '2026-03-02T10:00:00Z', model: 'gpt-4o', feature: 'chat', user_id: 'u1', session_id: 's1',
      input: 'Show me an image tag', output: `Here you go: ${IMG} and ${SCRIPT}\n\n**bold** text`,
      latency_ms: 1234, tokens_in: 12, tokens_out: 40, status: 'ok', custom_flag: 'kept-in-extra' },
    { id: 'req-2', ts: '2026-03-03T09:30:00Z', model: 'gpt-4o-mini', feature: 'summarize', user_id: 'u2', session_id: 's2',
      input: 'Summarise this', output: 'A summary.', latency_ms: 800, tokens_in: 100, tokens_out: 20, status: 'ok' },
    { id: 'req-3', ts: '2026-03-04T08:00:00Z', model: 'gpt-4o', feature: 'chat', user_id: 'u3', session_id: 's3',
      input: 'Fail please', output: null, latency_ms: 30000, tokens_in: 5, tokens_out: 0, status: 'error', error: 'timeout' },
  ];
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

test('model output with HTML renders as text, with and without markdown', async ({ page, server, dir }) => {
  const file = path.join(dir, 'requests.jsonl');
  writeRequests(file);
  await page.goto(server.url);
  await importThroughUi(page, [file]);
  await expect(page.getByTestId('count-requests')).toHaveText('3');

  await page.keyboard.press('Alt+1');
  const grid = page.getByRole('grid', { name: 'Requests' });
  await expect(page.getByTestId('grid-range')).toHaveText('1–3 of 3');
  await grid.getByRole('row').filter({ hasText: 'Show me an image tag' }).click();
  const detail = page.getByTestId('request-detail');
  const output = detail.getByLabel('Output');
  await expect(output).toContainText(IMG);
  await expect(output).toContainText(SCRIPT);
  await expect(output.locator('img, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  await expect(detail).toContainText('1,234 ms');
  await expect(detail).toContainText('gpt-4o');
  await detail.getByText('Unmapped source fields').click();
  await expect(detail).toContainText('kept-in-extra');
  await shot(page, 'request-detail');

  await detail.getByLabel('Render markdown').check();
  await expect(output.locator('strong')).toHaveText('bold');
  await expect(output).toContainText(IMG);
  await expect(output).toContainText(SCRIPT);
  await expect(output.locator('img, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
  await shot(page, 'request-detail-markdown');
  await detail.getByLabel('Render markdown').uncheck();
});

test('the grid filters, sorts and pages in SQL and works from the keyboard', async ({ page, server, dir }) => {
  const file = path.join(dir, 'requests.jsonl');
  writeRequests(file);
  await page.goto(server.url);
  await importThroughUi(page, [file]);
  await page.keyboard.press('Alt+1');
  const range = page.getByTestId('grid-range');
  await expect(range).toHaveText('1–3 of 3');

  // Status filter from the facets.
  await page.getByRole('search', { name: 'Filter requests' }).getByText('Status').click();
  await page.getByRole('group', { name: 'Status' }).getByLabel('error').check();
  await expect(range).toHaveText('1–1 of 1');
  await expect(page.getByRole('grid', { name: 'Requests' }).getByRole('row').nth(1)).toContainText('error');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(range).toHaveText('1–3 of 3');

  // Text search (debounced) and a date range in the workspace zone.
  await page.getByRole('searchbox', { name: 'Search input, output, id or comments' }).fill('Summarise');
  await expect(range).toHaveText('1–1 of 1');
  await page.getByRole('searchbox', { name: 'Search input, output, id or comments' }).fill('');
  await expect(range).toHaveText('1–3 of 3');
  await page.getByLabel('From date').fill('2026-03-03');
  await expect(range).toHaveText('1–2 of 2');
  await page.getByLabel('To date').fill('2026-03-03');
  await expect(range).toHaveText('1–1 of 1');
  await page.getByRole('button', { name: 'Clear filters' }).click();

  // Column chooser: ID is hidden by default; showing it adds the column, and the choice outlives a reload.
  const grid = page.getByRole('grid', { name: 'Requests' });
  await expect(grid.getByRole('columnheader', { name: 'ID' })).toHaveCount(0);
  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('group', { name: 'Visible columns' }).getByLabel('ID').check();
  await expect(grid.getByRole('columnheader', { name: 'ID' })).toBeVisible();
  await expect(grid.getByRole('row').filter({ hasText: 'req-xss' })).toHaveCount(1);
  await page.reload();
  await expect(grid.getByRole('columnheader', { name: 'ID' })).toBeVisible();
  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('group', { name: 'Visible columns' }).getByLabel('ID').uncheck();
  await page.getByText('Columns', { exact: true }).click();
  await expect(grid.getByRole('columnheader', { name: 'ID' })).toHaveCount(0);

  // Sorting by latency, ascending then descending.
  const rows = page.getByRole('grid', { name: 'Requests' }).getByTestId('grid-row');
  const latency = page.getByRole('columnheader', { name: 'Latency' });
  await latency.getByRole('button').click();
  await expect(latency).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.first()).toContainText('30,000 ms');
  await latency.getByRole('button').click();
  await expect(latency).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first()).toContainText('800 ms');
  await shot(page, 'records');

  // Keyboard: focus the first row, move down, open with Enter, close with Escape.
  await rows.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('request-detail');
  await expect(detail).toBeVisible();
  await expect(detail).toBeFocused();
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  // With the panel open, ↓/↑ (and j/k) step through the rows and the panel follows, without closing.
  const title = detail.locator('.detail-title');
  const second = await title.textContent();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(2)).toHaveAttribute('aria-selected', 'true');
  await expect(title).not.toHaveText(second!);
  await expect(detail).toBeVisible();
  await shot(page, 'fix-records-step');
  await page.keyboard.press('k');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(title).toHaveText(second!);
  await page.keyboard.press('ArrowUp');
  await expect(rows.nth(0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(rows.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await expect(rows.nth(1)).toBeFocused();

  // Shortcuts: g t, g i, g r and the help overlay.
  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await expect(page.getByRole('heading', { name: 'Import', level: 1 })).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('r');
  await expect(range).toBeVisible();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Alt+2');
  // Each screen has its own keys, and the help says them: Feedback Alt+8 / g f, Prices Alt+9 / g p.
  await expect(help.getByRole('row').filter({ hasText: 'Feedback (' })).toContainText('g f or Alt+8');
  await expect(help.getByRole('row').filter({ hasText: 'Prices (' })).toContainText('g p or Alt+9');
  // A screen's own key the shell lists too, from the same declaration the review screen's handler reads (monitoring.spec presses it).
  const panelRow = help.getByRole('row').filter({ hasText: 'On the review screen: show or hide the monitoring panel' });
  await expect(panelRow.locator('kbd')).toHaveText(['c']);
  await shot(page, 'help');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  const current = page.locator('[aria-current="page"]');
  await page.keyboard.press('Alt+9');
  await expect(current).toHaveText(/^Prices/);
  await expect(page.getByRole('region', { name: 'Prices' })).toBeVisible();
  await page.keyboard.press('Alt+8');
  await expect(current).toHaveText(/^Feedback/);
  await page.keyboard.press('g');
  await page.keyboard.press('p');
  await expect(current).toHaveText(/^Prices/);
  await page.keyboard.press('Alt+1');
  await expect(range).toBeVisible();

  await page.emulateMedia({ colorScheme: 'dark' });
  await rows.first().click();
  await expect(page.getByTestId('request-detail')).toBeVisible();
  await shot(page, 'records-dark');
});

test('changing the workspace time zone re-dates the grid', async ({ page, server, dir }) => {
  const file = path.join(dir, 'requests.jsonl');
  writeRequests(file);
  await page.goto(server.url);
  await importThroughUi(page, [file]);
  await page.keyboard.press('Alt+1');
  const first = page.getByRole('grid', { name: 'Requests' }).getByTestId('grid-row').first();
  await expect(first).toContainText('2026-03-04 08:00:00');
  await page.getByLabel('Workspace time zone').selectOption('Asia/Tokyo');
  await expect(first).toContainText('2026-03-04 17:00:00');
  await expect(page.getByTestId('ws-range')).toHaveText('2 Mar 2026 – 4 Mar 2026');
  // At 1,024 px the range still shows both dates (two short lines), not "2 Mar 2…".
  await page.setViewportSize({ width: 1024, height: 768 });
  const clip = await page.getByTestId('ws-range').evaluate((e) => ({ w: e.scrollWidth - e.clientWidth, lines: Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)) }));
  expect(clip.w).toBeLessThanOrEqual(0);
  expect(clip.lines).toBeLessThanOrEqual(2);
  // The whole header fits: nothing runs past its right edge (the time zone picker stays whole).
  expect(await page.locator('header.ws-head').evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
});

test.describe('tickets', () => {
  test.skip(!hasRealData, `real data folder ${realDir} is absent`);

  test('the tickets grid and detail', async ({ page, server }) => {
    await page.goto(server.url);
    await importThroughUi(page, [path.join(realDir, 'tickets-customer-support.csv')]);
    await page.keyboard.press('Alt+2');
    await expect(page.getByTestId('grid-range')).toHaveText('1–100 of 8,469');
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect(page.getByTestId('grid-range')).toHaveText('101–200 of 8,469');
    await page.getByRole('searchbox', { name: 'Search subject, body or id' }).fill('flickering');
    await expect(page.getByTestId('grid-range')).toHaveText(/^1–\d+ of [\d,]+$/);
    const rows = page.getByRole('grid', { name: 'Tickets' }).getByTestId('grid-row');
    await rows.first().focus();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('ticket-detail');
    await expect(detail.getByLabel('Body')).toContainText('flickering');
    await expect(detail).toContainText('Linked requests');
    await shot(page, 'tickets');
  });
});

test('tickets show their linked requests and how each link was made', async ({ page, server, dir }) => {
  const requests = path.join(dir, 'requests.jsonl');
  fs.writeFileSync(requests, [
    '{"id":"req-a","ts":"2026-03-02T10:00:00Z","user_id":"u1","input":"hello","output":"hi","model":"m"}',
    '{"id":"req-b","ts":"2026-03-02T11:00:00Z","user_id":"u2","input":"refund? I was charged twice for the annual plan and want the second charge back","output":"no","model":"m"}',
  ].join('\n') + '\n');
  const tickets = path.join(dir, 'tickets.csv');
  fs.writeFileSync(tickets, 'ticket_id,created_at,subject,description,status,request_id,user_id\n'
    + 'T-1,2026-03-02T12:00:00Z,Wrong answer,"The bot said no",open,req-b,u2\n'
    + 'T-2,2026-03-03T09:00:00Z,Bot was rude,"It answered hi",open,,u1\n');
  await page.goto(server.url);
  await importThroughUi(page, [requests, tickets]);
  await expect(page.getByTestId('count-links')).toHaveText('2');

  await page.keyboard.press('Alt+2');
  const grid = page.getByRole('grid', { name: 'Tickets' });
  await grid.getByRole('row').filter({ hasText: 'Wrong answer' }).click();
  let detail = page.getByTestId('ticket-detail');
  await expect(detail.getByRole('row').filter({ hasText: 'req-b' })).toContainText('explicit');
  // A long input stays on one line, cut with an ellipsis, the whole text on hover; "How linked" fits in the panel.
  const input = detail.getByTestId('linked-input');
  await expect(input).toHaveAttribute('title', /^refund\? I was charged twice/);
  await expect(input).toHaveCSS('white-space', 'nowrap');
  expect((await input.boundingBox())!.width).toBeGreaterThan(80);
  const how = (await detail.locator('.link-how').boundingBox())!;
  const panel = (await detail.boundingBox())!;
  expect(how.x + how.width).toBeLessThanOrEqual(panel.x + panel.width);
  await shot(page, 'fix-ticket-linked');
  await grid.getByRole('row').filter({ hasText: 'Bot was rude' }).click();
  const inferred = detail.getByRole('row').filter({ hasText: 'req-a' });
  await expect(inferred).toContainText('inferred');
  await expect(inferred).toContainText('23 h 0 min before');
  await shot(page, 'ticket-detail-links');

  // From the ticket to the request, and back: the request lists the same link.
  await inferred.getByRole('button', { name: 'req-a' }).click();
  detail = page.getByTestId('request-detail');
  await expect(detail).toContainText('req-a');
  await expect(detail.getByRole('row').filter({ hasText: 'T-2' })).toContainText('inferred');
});
