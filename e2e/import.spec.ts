/**
 * Browser mode, Import: a new workspace's empty state, real public files imported through the UI with their counts,
 * and a bad file whose rejected rows are listed with line, field and reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, hasRealData, importThroughUi, realDir, shot, test } from './fixtures';

test('a new workspace says what to do first', async ({ page, server }) => {
  await page.goto(server.url);
  const empty = page.getByTestId('empty-state');
  await expect(empty.getByRole('heading', { name: 'No requests yet' })).toBeVisible();
  await expect(empty).toContainText('JSON Lines (.jsonl, .ndjson)');
  await expect(empty).toContainText('CSV and TSV');
  await expect(page.getByTestId('count-requests')).toHaveText('0');
  // The token is taken from the fragment and removed from the address bar.
  expect(page.url()).not.toContain('token');
  await shot(page, 'empty-workspace');
  await empty.getByRole('button', { name: 'Import files…' }).click();
  await expect(page.getByRole('heading', { name: 'Import', level: 1 })).toBeVisible();
});

test.describe('real files', () => {
  test.skip(!hasRealData, `real data folder ${realDir} is absent`);

  test('imports tickets, requests and conversation trees with the right counts', async ({ page, server }) => {
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();

    // Preview first: the CSV's format, delimiter and kind are detected before anything is written.
    await page.getByTestId('file-input').setInputFiles(path.join(realDir, 'tickets-customer-support.csv'));
    const tickets = page.getByRole('region', { name: 'Import of tickets-customer-support.csv' });
    await expect(tickets.getByTestId('pv-format')).toHaveText('csv');
    await expect(tickets.getByLabel('Kind')).toHaveValue('tickets');
    await expect(tickets.getByLabel('Delimiter')).toHaveValue(',');
    await expect(tickets.getByTestId('mapped-sample')).toBeVisible();
    await shot(page, 'import-preview');
    await tickets.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(tickets.getByTestId('result-inserted')).toHaveText('8,469', { timeout: 90_000 });
    await expect(tickets.getByTestId('result-records_read')).toHaveText('8,469');
    await expect(tickets.getByTestId('result-rejected')).toHaveText('0');
    await expect(page.getByTestId('count-tickets')).toHaveText('8,469');
    await shot(page, 'import-result');

    await importThroughUi(page, [path.join(realDir, 'llmperf-bedrock-70b-requests.json')]);
    const llm = page.getByRole('region', { name: 'Import of llmperf-bedrock-70b-requests.json' });
    await expect(llm.getByTestId('result-inserted')).toHaveText('150');
    await expect(page.getByTestId('count-requests')).toHaveText('150');
    // llmperf has no timestamps: the header says the requests are undated, not only "no dated requests".
    await expect(page.getByTestId('ws-range')).toHaveText('no dated requests · 150 undated');

    // Re-importing the same file adds nothing: every row is already present.
    await llm.getByRole('button', { name: 'Close' }).click();
    await importThroughUi(page, [path.join(realDir, 'llmperf-bedrock-70b-requests.json')]);
    await expect(llm.getByTestId('result-inserted')).toHaveText('0');
    await expect(llm.getByTestId('result-duplicates')).toHaveText('150');
    await expect(page.getByTestId('count-requests')).toHaveText('150');

    await importThroughUi(page, [path.join(realDir, 'oasst-message-trees.jsonl')]);
    const oasst = page.getByRole('region', { name: 'Import of oasst-message-trees.jsonl' });
    await expect(oasst.getByTestId('result-records_read')).toHaveText('100');
    const inserted = Number((await oasst.getByTestId('result-inserted').textContent())!.replace(/,/g, ''));
    const requests = Number((await page.getByTestId('count-requests').textContent())!.replace(/,/g, ''));
    const feedback = Number((await page.getByTestId('count-feedback').textContent())!.replace(/,/g, ''));
    // Every inserted row of the conversation trees is a request or a thumb (feedback).
    expect(requests - 150 + feedback).toBe(inserted);
    expect(feedback).toBeGreaterThan(0);

    const history = page.getByTestId('import-history');
    await expect(history.getByRole('row')).toHaveCount(5); // header + 4 imports
    await expect(history.getByRole('row').nth(1)).toContainText('oasst-message-trees.jsonl');
    await expect(history.getByRole('row').nth(4)).toContainText('8,469');
    await page.getByRole('region', { name: 'Import history' }).scrollIntoViewIfNeeded();
    await shot(page, 'import-history');

    // A conversation with thumbs: its feedback shows in the request's detail.
    await page.keyboard.press('Alt+1');
    await page.getByRole('combobox', { name: 'Feedback' }).selectOption('yes');
    await expect(page.getByTestId('grid-range')).toHaveText(/of [\d,]+$/);
    await page.getByRole('grid', { name: 'Requests' }).getByTestId('grid-row').first().click();
    const detail = page.getByTestId('request-detail');
    await expect(detail.getByRole('table').first()).toContainText('thumb');
    await shot(page, 'request-feedback');
  });
});

test('every record read is in one of the result figures: a repeated id is counted as repeated in the file, there and in the history', async ({ page, server, dir }) => {
  const file = path.join(dir, 'repeats.jsonl');
  fs.writeFileSync(file, ['{"id":"a","ts":"2026-03-02T10:00:00Z","input":"q","output":"one"}', '{"id":"b","ts":"2026-03-02T10:01:00Z","input":"q","output":"x"}',
    '{"id":"a","ts":"2026-03-02T10:00:00Z","input":"q","output":"two"}'].join('\n') + '\n');
  await page.goto(server.url);
  await importThroughUi(page, [file]);
  const card = page.getByRole('region', { name: 'Import of repeats.jsonl' });
  await expect(card.getByTestId('result-records_read')).toHaveText('3');
  await expect(card.getByTestId('result-inserted')).toHaveText('2');
  await expect(card.getByTestId('result-duplicates_in_file')).toHaveText('1');
  const history = page.getByTestId('import-history');
  await expect(history.locator('thead')).toContainText('Not inserted');
  await expect(history.locator('tbody tr').first().getByTestId('history-other')).toHaveText('1 repeated in the file');
});

test('a bad file: the broken line and the unparsable timestamp are rejected with line, field and reason', async ({ page, server, dir }) => {
  const file = path.join(dir, 'bad-requests.jsonl');
  fs.writeFileSync(file, [
    '{"id":"r1","ts":"2026-03-02T10:00:00Z","input":"hi","output":"hello","model":"m1"}',
    '{"id":"r2","ts":"2026-03-02T11:00:00Z", "input": broken',
    '{"id":"r3","ts":"not a time","input":"x","output":"y","model":"m1"}',
    '{"id":"r4","ts":"2026-03-02T12:00:00Z","input":"a","output":"b","model":"m1"}',
  ].join('\n') + '\n');
  await page.goto(server.url);
  await importThroughUi(page, [file]);
  const card = page.getByRole('region', { name: 'Import of bad-requests.jsonl' });
  await expect(card.getByTestId('result-inserted')).toHaveText('2');
  await expect(card.getByTestId('result-rejected')).toHaveText('2');
  const rows = card.getByTestId('rejects').getByRole('row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1).getByRole('cell').nth(0)).toHaveText('2');
  await expect(rows.nth(1).getByRole('cell').nth(2)).toContainText('invalid JSON');
  await expect(rows.nth(2).getByRole('cell').nth(0)).toHaveText('3');
  await expect(rows.nth(2).getByRole('cell').nth(1)).toHaveText('ts');
  await expect(rows.nth(2).getByRole('cell').nth(2)).toContainText('"not a time"');
  await expect(page.getByTestId('count-requests')).toHaveText('2');
  await shot(page, 'import-rejects');
});

test('a file with no recognisable fields is refused inline, then mapped by hand and imported', async ({ page, server, dir }) => {
  const file = path.join(dir, 'notes.jsonl');
  fs.writeFileSync(file, '{"colour":"red"}\n{"colour":"blue"}\n');
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
  await page.getByTestId('file-input').setInputFiles(file);
  const card = page.getByRole('region', { name: 'Import of notes.jsonl' });
  const alert = card.getByRole('alert');
  await expect(alert).toContainText('notes.jsonl');
  await expect(alert.getByRole('button', { name: 'Choose another file' })).toBeVisible();
  await expect(card.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
  await shot(page, 'import-error');

  // The way out the message names: map a field by hand, preview again, import.
  const manual = card.getByTestId('manual-mapping');
  await manual.getByLabel('Source for input').fill('colour');
  await manual.getByRole('button', { name: 'Preview with this mapping' }).click();
  await expect(card.getByTestId('mapped-sample')).toContainText('red');
  await card.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(card.getByTestId('result-inserted')).toHaveText('2');
  await expect(page.getByTestId('count-requests')).toHaveText('2');
});

test('several files: Import on each while one runs queues them, and they all import one after another', async ({ page, server, dir }) => {
  // The first file is large enough that its import is still running when the other two are clicked.
  const line = (i: number, p: string) => JSON.stringify({ id: `${p}${i}`, ts: `2026-03-02T10:${String(i % 60).padStart(2, '0')}:00Z`,
    input: `question ${i} ${'x'.repeat(200)}`, output: `answer ${i} ${'y'.repeat(400)}`, model: 'm1', latency_ms: 100 + (i % 50) });
  const files = [['big.jsonl', 'a', 40_000], ['small-b.jsonl', 'b', 30], ['small-c.jsonl', 'c', 20]] as const;
  for (const [name, p, n] of files) fs.writeFileSync(path.join(dir, name), Array.from({ length: n }, (_, i) => line(i, p)).join('\n') + '\n');

  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
  await page.getByTestId('file-input').setInputFiles(files.map(([name]) => path.join(dir, name)));
  const cards = files.map(([name]) => page.getByRole('region', { name: `Import of ${name}` }));
  for (const card of cards) await expect(card.getByTestId('preview')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import all (3)' })).toBeVisible();

  for (const card of cards) await card.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(cards[0]!.getByTestId('import-progress')).toBeVisible();
  await expect(cards[2]!.getByTestId('import-queued')).toHaveText('Queued');
  await expect(cards[2]!).toContainText('starts when big.jsonl has finished');
  await shot(page, 'fix-import-queued');

  await expect(cards[0]!.getByTestId('result-inserted')).toHaveText('40,000', { timeout: 90_000 });
  await expect(cards[1]!.getByTestId('result-inserted')).toHaveText('30', { timeout: 30_000 });
  await expect(cards[2]!.getByTestId('result-inserted')).toHaveText('20', { timeout: 30_000 });
  await expect(page.getByTestId('count-requests')).toHaveText('40,050');
  await expect(page.getByText('Another import is running')).toHaveCount(0);

  // "Import all" queues every previewed file at once.
  for (const card of cards) await card.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('file-input').setInputFiles([path.join(dir, 'small-b.jsonl'), path.join(dir, 'small-c.jsonl')]);
  await page.getByRole('button', { name: 'Import all (2)' }).click();
  await expect(cards[1]!.getByTestId('result-duplicates')).toHaveText('30', { timeout: 30_000 });
  await expect(cards[2]!.getByTestId('result-duplicates')).toHaveText('20', { timeout: 30_000 });
  await expect(page.getByTestId('import-all-bar')).toHaveCount(0);
});

test.describe('exports from other tools', () => {
  const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
  const T = Date.UTC(2026, 2, 2, 9, 0);
  const ns = (ms: number) => `${ms}000000`;

  test('an OTLP traces document: previewed as spans, LLM spans imported, the others skipped and counted', async ({ page, server, dir }) => {
    const llm = (i: number) => ({ traceId: `${'0'.repeat(31)}${i}`, spanId: `${'a'.repeat(15)}${i}`, name: 'chat', startTimeUnixNano: ns(T + i * 60_000), endTimeUnixNano: ns(T + i * 60_000 + 1250),
      attributes: [attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.prompt.0.role', 'user'), attr('gen_ai.prompt.0.content', `Where is order ${i}?`),
        attr('gen_ai.completion.0.content', `Order ${i} ships today.`), attr('gen_ai.usage.input_tokens', 120 + i), attr('gen_ai.usage.output_tokens', 9), attr('app.feature', 'orders')],
      status: { code: 1 } });
    const http = (i: number) => ({ traceId: `${'0'.repeat(31)}${i}`, spanId: `${'b'.repeat(15)}${i}`, name: 'GET /orders', startTimeUnixNano: ns(T + i * 60_000 - 5), endTimeUnixNano: ns(T + i * 60_000 + 1400), attributes: [attr('http.request.method', 'GET')] });
    const doc = { resourceSpans: [{ resource: { attributes: [attr('service.name', 'shop-assistant')] }, scopeSpans: [{ scope: { name: 'openllmetry' }, spans: [1, 2, 3, 4, 5, 6].flatMap((i) => [llm(i), http(i)]) }] }] };
    const file = path.join(dir, 'traces.json');
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
    await page.getByTestId('file-input').setInputFiles(file);
    const card = page.getByRole('region', { name: 'Import of traces.json' });
    await expect(card.getByLabel('Preset')).toHaveValue('otel-genai');
    await expect(card.getByRole('list', { name: 'Detection notes' })).toContainText('OTLP JSON traces document (12 spans in 1 resource group)');
    await expect(card.getByRole('list', { name: 'Detection notes' })).toContainText('in the first 12 spans: 6 would be skipped (non-LLM span');
    await expect(card.getByTestId('mapped-sample')).toContainText('Order 3 ships today.');
    await shot(page, 'import-preview-otlp');
    await page.setViewportSize({ width: 1024, height: 800 });
    await shot(page, 'import-preview-otlp-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await card.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(card.getByTestId('result-records_read')).toHaveText('12');
    await expect(card.getByText('Spans read')).toBeVisible();
    await expect(card.getByTestId('result-inserted')).toHaveText('6');
    await expect(card.getByTestId('result-skipped')).toHaveText('6');
    await expect(card.getByTestId('import-result')).toContainText('6 skipped: non-LLM span (no gen_ai.* attributes or events)');
    await expect(page.getByTestId('count-requests')).toHaveText('6');
  });

  test('a refused file gets preset and kind choosers on its error card, and imports when read as tickets', async ({ page, server, dir }) => {
    const file = path.join(dir, 'issues.csv');
    fs.writeFileSync(file, 'Key,Title,Assignee\nOPS-1,Printer on fire,ann\nOPS-2,VPN drops,bo\n');
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
    await page.getByTestId('file-input').setInputFiles(file);
    const card = page.getByRole('region', { name: 'Import of issues.csv' });
    await expect(card.getByRole('alert')).toContainText('issues.csv: no field could be mapped to requests');
    const chooser = card.getByTestId('read-as');
    await expect(chooser.getByLabel('Preset for this file')).toContainText('Langfuse observations / traces');
    await shot(page, 'import-refused-choosers');
    await page.setViewportSize({ width: 1024, height: 800 });
    await shot(page, 'import-refused-choosers-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await chooser.getByLabel('Kind for this file').selectOption('tickets');
    await chooser.getByRole('button', { name: 'Preview again' }).click();
    await expect(card.getByTestId('mapped-sample')).toContainText('Printer on fire');
    await expect(card.getByTestId('pv-kind')).toHaveValue('tickets');
    await card.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(card.getByTestId('result-inserted')).toHaveText('2');
    await expect(page.getByTestId('count-tickets')).toHaveText('2');
  });

  test('numbers in the preview print as people write them', async ({ page, server, dir }) => {
    const file = path.join(dir, 'costs.jsonl');
    fs.writeFileSync(file, '{"request_id":"c1","prompt":"a","output":"b","cost_usd":0.0007180499999999999,"latency_ms":812.5}\n');
    await page.goto(server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
    await page.getByTestId('file-input').setInputFiles(file);
    const card = page.getByRole('region', { name: 'Import of costs.jsonl' });
    await expect(card.getByTestId('mapped-sample')).toContainText('0.00071805');
    await expect(card.getByTestId('mapped-sample')).not.toContainText('0.000718049999');
    await expect(card.getByTestId('mapped-sample')).toContainText('812.5');
  });
});

test('legacy Turkish: letters no one language writes pick windows-1254; a short file chardet reads as windows-1252 is switched with Encoding', async ({ page, server, dir }) => {
  const dec = new TextDecoder('windows-1254');
  const table = new Map<string, number>();
  for (let b = 255; b >= 0; b--) table.set(dec.decode(new Uint8Array([b])), b);
  const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, Uint8Array.from([...text].map((ch) => table.get(ch)!))); return f; };
  // Read as windows-1252 (chardet's first guess), this uses ç, ü, ý and þ together, which no language writes.
  const sentences = write('turkish.csv', 'request_id,timestamp,input,output,model\nt1,2026-03-02T10:00:00Z,Sipariş nerede,Yanıt çok yardımcı oldu,m1\nt2,2026-03-02T11:00:00Z,Teşekkürler,Rica ederim,m1\n');
  // Read as windows-1252, this has only ý and þ, which Icelandic writes: nothing tells the readings apart.
  const short = write('short.csv', 'request_id,timestamp,input,output,model\ns1,2026-03-02T10:00:00Z,Sipariş nerede,Yanıt yardımcı oldu,m1\ns2,2026-03-02T11:00:00Z,Sipariş iptal,Rica ederim,m1\n');

  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Import/ }).click();
  await page.getByTestId('file-input').setInputFiles(sentences);
  const card = page.getByRole('region', { name: 'Import of turkish.csv' });
  await expect(card.getByTestId('pv-encoding').locator('option:checked')).toHaveText('Detect (windows-1254)');
  await expect(card.getByRole('list', { name: 'Detection notes' })).toContainText('windows-1252 (confidence 22%) was ranked higher but its letters ç ü ý þ belong to no one language, while windows-1254 reads letters that tr, az write (ç ü ı ş), e.g. "Sipariş" for "Sipariþ"');
  await expect(card.getByTestId('mapped-sample')).toContainText('Yanıt çok yardımcı oldu');
  await card.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(card.getByTestId('result-inserted')).toHaveText('2');

  await page.getByTestId('file-input').setInputFiles(short);
  const card2 = page.getByRole('region', { name: 'Import of short.csv' });
  const encoding = card2.getByTestId('pv-encoding');
  await expect(encoding.locator('option:checked')).toHaveText('Detect (windows-1252)');
  await expect(card2.getByTestId('mapped-sample')).toContainText('Yanýt');
  await encoding.selectOption('windows-1254');
  await expect(card2.getByTestId('mapped-sample')).toContainText('Yanıt yardımcı oldu');
  await expect(card2.getByTestId('mapped-sample')).toContainText('Sipariş nerede');
  await shot(page, 'import-encoding');
  await card2.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(card2.getByTestId('result-inserted')).toHaveText('2');
  await expect(card2.getByRole('list').filter({ hasText: 'encoding chosen: windows-1254' })).toBeVisible();
});
