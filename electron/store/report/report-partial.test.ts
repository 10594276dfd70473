/**
 * The report never states a number the data cannot give: a second queue for a week does not hide the first one's
 * reviews; reviews that cover only some strata give no estimate of the week; a week with no cost, latency or
 * ticket creation times says so instead of $0, 0 ms or 0 tickets per 1,000.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { createQueue, queueForWeek } from '../review/queues';
import { setReviewer, submitReview } from '../review/reviews';
import { ticketRates } from '../tickets/analysis';
import { failureChart, trendCharts } from './charts';
import { buildWeeklyReport, renderText } from './index';

const NOW = Date.UTC(2026, 11, 1);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-report-partial-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a week with two queues, no costs, no latencies and undated tickets', () => {
  let ws: Workspace;
  let q1 = 0;
  let q2 = 0;
  beforeAll(async () => {
    ws = await Workspace.open(path.join(dir, 'w.sqlite'), { create: true });
    // 40 requests on Wednesday 2026-11-04 (2026-W45), features a and b, no latency, tokens or cost.
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `r${i}`, timestamp: new Date(Date.UTC(2026, 10, 4, 8, i)).toISOString(), feature: i % 2 ? 'a' : 'b', input: `question ${i}`, output: `answer ${i}` }));
    fs.writeFileSync(path.join(dir, 'r.jsonl'), lines.join('\n'));
    await runImport(ws, path.join(dir, 'r.jsonl'), { kind: 'requests' });
    fs.writeFileSync(path.join(dir, 't.csv'), 'Ticket ID,Subject,Status,Priority\n1,Refund,Open,High\n2,Login,Closed,Low\n3,Bug,Open,Low\n');
    await runImport(ws, path.join(dir, 't.csv'), { kind: 'tickets' });
    setReviewer(ws, 'Ann');
    const a = createQueue(ws, { week: '2026-W45', size: 10, strata: 'feature', seed: 1 }, NOW);
    q1 = a.queue_id;
    for (const it of a.items) submitReview(ws, { queue_id: q1, position: it.position, verdicts: { correct: it.position % 3 === 0 ? 'fail' : 'pass', safe: 'pass' }, tag_ids: [] }, 's1', NOW);
    // A second queue for the same week, drawn later, not reviewed yet: its 10 reviewed-before requests are a
    // take-all stratum, the other 30 requests have no review.
    q2 = createQueue(ws, { week: '2026-W45', size: 6, strata: 'feature', seed: 2 }, NOW + 1).queue_id;
  }, 60_000);
  afterAll(() => ws.close());

  it('the week reads the newest queue that has reviews, not a newer empty one', () => {
    expect(q2).toBeGreaterThan(q1);
    expect(queueForWeek(ws.db, '2026-W45')).toBe(q1);
    const r = buildWeeklyReport(ws, { week: '2026-W45' }, NOW);
    const f = r.summary.find((x) => x.id === 'review:failure')!;
    expect(f.text).toMatch(/^Estimated failure rate for 2026-W45: 30\.0% \(95% CI /);
    expect(f.source).toBe(`review queue #${q1}, stratified estimate (${f.source.slice(f.source.indexOf('(') + 1, -1)})`);
  });

  it('a queue whose reviews cover only some strata gives no estimate of the week, and no change against last week', () => {
    const r = buildWeeklyReport(ws, { queue_id: q2 }, NOW);
    // An unfinished queue heads the summary (a lead read a week with 4 of 100 items reviewed as reviewed)
    expect(r.summary[0]!.id).toBe('review:progress');
    expect(r.summary[0]!.text).toMatch(/^The review of 2026-W45 is unfinished: 0 of 6 queued items reviewed \(0 failures among them\); \d of \d strata have a reviewed item, and every review estimate below rests on these items alone\.$/);
    expect(buildWeeklyReport(ws, { queue_id: q1 }, NOW).summary.some((x) => x.id === 'review:progress')).toBe(false);
    const f = r.summary.find((x) => x.id === 'review:failure')!;
    expect(f.text).toBe("No estimate of 2026-W45's failure rate yet: the reviews cover strata holding 25.0% of its requests (in those strata, 30.0%; 95% CI 30.0% – 30.0%; 3 failures in 10 reviewed). Review items of the other strata to estimate the week.");
    if (!r.review.available) throw new Error('review section expected');
    // The frame sentence says the estimate covers only part of the frame so far (not "none is left out" alone).
    expect(r.review.data.section.estimate_notes[0]).toBe('Estimates are for all 40 requests of the period; none is left out; 10 of them were reviewed before this queue and count with those reviews. '
      + 'But the reviews so far cover only 10 of them (25.0%): the strata with a reviewed item. Until every stratum has one, each estimate below is of those strata, not of the whole frame (the notes below name the others).');
    // The estimates table and the failure chart say so on the row and the dot, not only in the summary.
    const md = renderText(r, 'md').text;
    expect(md).toMatch(/\| Failure rate[^|]*\| 30\.0% \|.*reviewed strata 25\.0% of the frame: not yet the week's rate/);
    const chart = failureChart(r.review.data)!;
    expect(chart.caption).toContain('2026-W45: 30.0% (30.0% – 30.0%, 3 of 10 reviewed; covered strata only, 25.0% of the week\'s requests)');
    expect(chart.svg).toContain('covered strata only, 25%');
  });

  it('no cost and no latency read as "–", never $0.000 or 0 ms; an empty chart says it has no values', () => {
    const r = buildWeeklyReport(ws, { week: '2026-W45' }, NOW);
    const v = r.summary.find((x) => x.id === 'metrics:volume')!;
    expect(v.text).toContain('p95 latency –, cost – (no request has a cost).');
    if (!r.metrics.available) throw new Error('metrics section expected');
    const latency = trendCharts(r.metrics.data).find((c) => c.id === 'c-latency')!;
    expect(latency.caption).toMatch(/2026-W45: no request has a latency\.$/);
    expect(latency.svg).toContain('No values in');
    expect(latency.svg).not.toMatch(/text-anchor="end">\d/);
    // The metrics table too: no "$0.000 (0 requests with a cost)", no "– / 0" tokens.
    const md = renderText(r, 'md').text;
    expect(md).toContain('| Cost | – (no request has a cost) |');
    expect(md).toContain('| Tokens in (mean / total) | – (no request has a token count) |');
    expect(md).not.toContain('$0.000');
    // The cost ranking's section says in one line that there is nothing to rank (no empty tables).
    expect(md).toContain('### Top features and users by cost\n\nNo request of the week has a cost.\n');
  });

  it('tickets without a creation time: no ticket rate anywhere, and the report says why', () => {
    const r = buildWeeklyReport(ws, { week: '2026-W45' }, NOW);
    expect(r.tickets).toEqual({ available: false, reason: "None of the workspace's 3 tickets has a creation time, so none can be placed in a week and there is no ticket rate. Import them again with a column mapped to created_ts." });
    const rates = ticketRates(ws.db, { by: 'week' }, 'UTC');
    expect(rates.rows.length).toBeGreaterThan(0);
    for (const row of rates.rows) expect([row.tickets, row.per_1000, row.low, row.high]).toEqual([0, null, null, null]);
    expect(rates.left_out).toMatchObject({ tickets: 3, reason: '3 no creation time (in no week)' });
  });
});

describe('an NPS from a handful of answers', () => {
  it('says its interval is rough below 30 answers (the normal interval covers far less than 95% there)', async () => {
    const ws = await Workspace.open(path.join(dir, 'nps.sqlite'), { create: true });
    try {
      fs.writeFileSync(path.join(dir, 'nps-r.jsonl'), Array.from({ length: 8 }, (_, i) => JSON.stringify({ id: `n${i}`, timestamp: new Date(Date.UTC(2026, 10, 4, 8, i)).toISOString(), input: 'q', output: 'a' })).join('\n'));
      await runImport(ws, path.join(dir, 'nps-r.jsonl'), { kind: 'requests' });
      fs.writeFileSync(path.join(dir, 'nps-f.jsonl'), [10, 9, 8, 3, 10, 6, 9, 2].map((v, i) => JSON.stringify({ feedback_id: `f${i}`, request_id: `n${i}`, timestamp: new Date(Date.UTC(2026, 10, 4, 9, i)).toISOString(), type: 'nps', value: v })).join('\n'));
      await runImport(ws, path.join(dir, 'nps-f.jsonl'), { kind: 'feedback' });
      const md = renderText(buildWeeklyReport(ws, { week: '2026-W45' }, NOW), 'md').text;
      expect(md).toMatch(/4 promoters, 3 detractors of 8; small n: with fewer than 30 answers the interval is rough\)/);
      expect(md).toContain('Rocks 2016');
    } finally {
      ws.close();
    }
  });
});
