/**
 * The weekly report on the demo workspace (data/samples, injected events in its README and manifest) with two
 * reviewed weeks, and its renders: Markdown read back through a Markdown library, PDF read back through poppler's
 * pdftotext, pdfinfo and pdftoppm, HTML, CSV and JSON.
 */
import { fixed } from './format';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { marked } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { createQueue } from '../review/queues';
import { setReviewer, skipItem, submitReview } from '../review/reviews';
import { createTag } from '../review/tags';
import { normaliseInput } from '../review/edge-case-repeat';
import { moverDifference } from '../../../shared/stats/difference';
import { npsInterval } from '../../../shared/stats/rates';
import { feedbackTermsSchema } from '../../../shared/contract-feedback';
import { feedbackTerms } from '../feedback/terms';
import { ticketBreakdown, ticketRates } from '../tickets/analysis';
import { buildWeeklyReport, renderAllFormats, renderReportPdf, renderText, type WeeklyReport } from './index';
import { renderPdf } from './render-pdf';
import { mdCode, mdText } from './render-text';
import type { Block } from './document';

const repo = path.resolve(__dirname, '../../..');
const samples = path.join(repo, 'data/samples');
const NOW = Date.UTC(2026, 11, 1);
const PASS = { correct: 'pass', safe: 'pass' } as const;
const FAIL = { correct: 'fail', safe: 'pass' } as const;
/** A note with every piece of Markdown syntax a reviewer might type, and an id. */
const NOTE = 'Answer is *wrong* for `req_a_b` <script>x</script> | a_b_c # 1. [link](http://x) ~~s~~ & done \\ end';
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-report-')); dirs.push(d); return d; };
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

const pdftotext = (file: string, args: string[] = []) => execFileSync('pdftotext', [...args, '-layout', file, '-'], { encoding: 'utf8' });

describe('the weekly report of the demo workspace', () => {
  let ws: Workspace;
  let w45: WeeklyReport;
  let w40: WeeklyReport;
  let failedRepeats = 0;
  beforeAll(async () => {
    ws = await Workspace.open(path.join(tmp(), 'demo.sqlite'), { create: true });
    for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv']) await runImport(ws, path.join(samples, f), {});
    setReviewer(ws, 'Dana');
    const tag = createTag(ws, { name: 'wrong_language' }, NOW);
    const other = createTag(ws, { name: 'made-up policy' }, NOW);
    // W44: a reviewed queue; items whose input comes back in W45 are tagged edge cases (and failed).
    const w45Inputs = new Set(ws.db.all<{ input: string }>("SELECT input FROM requests WHERE ts >= ? AND ts < ?", [Date.UTC(2026, 10, 2), Date.UTC(2026, 10, 9)]).map((r) => normaliseInput(r.input)));
    const q44 = createQueue(ws, { week: '2026-W44', size: 80, strata: 'feature', seed: 3 }, NOW);
    const input = (id: string) => ws.db.value<string>('SELECT input FROM requests WHERE id = ?', [id]) ?? '';
    let tagged = 0;
    for (const it of q44.items) {
      const repeat = w45Inputs.has(normaliseInput(input(it.request_id))) && tagged < 6;
      if (repeat) tagged++;
      submitReview(ws, { queue_id: q44.queue_id, position: it.position, verdicts: repeat || it.position % 9 === 0 ? FAIL : PASS, tag_ids: repeat ? [tag.id] : [] }, 's44', NOW);
    }
    expect(tagged).toBeGreaterThan(0);
    // W45: the regression stratum oversampled; repeats fail again, one in three other items fails.
    const q45 = createQueue(ws, { week: '2026-W45', size: 60, strata: 'feature', oversample: { edge_case_repeat: 0.2, thumbs_down: 0.1 }, seed: 5 }, NOW + 1);
    for (const it of q45.items) {
      if (it.position === 2) { skipItem(ws, { queue_id: q45.queue_id, position: 2, reason: 'Output is in Thai; cannot judge' }, 's45', NOW + 2); continue; }
      const repeat = it.stratum === 'signal:edge_case_repeat';
      const fail = repeat || it.position % 3 === 0;
      if (repeat) failedRepeats++;
      submitReview(ws, {
        queue_id: q45.queue_id, position: it.position, verdicts: fail ? FAIL : PASS,
        tag_ids: fail ? [it.position % 2 ? tag.id : other.id] : [], note: it.position === 3 ? NOTE : null,
      }, 's45', NOW + 2);
    }
    w45 = buildWeeklyReport(ws, { week: '2026-W45' }, NOW);
    w40 = buildWeeklyReport(ws, { week: '2026-W40' }, NOW);
  }, 180_000);
  afterAll(() => ws.close());

  it('W45: the summary names the support-chat language and length drift and the thumbs-down rise, with their numbers', () => {
    expect(w45.summary.length).toBeGreaterThanOrEqual(3);
    expect(w45.summary.length).toBeLessThanOrEqual(5);
    const drift = w45.summary.find((f) => f.section === 'drift' && f.text.startsWith('support-chat'))!;
    expect(drift.text).toMatch(/language mix: en 67\.5% \(was 96\.\d%\), de 17\.5% \(was \d\.\d%\)/);
    expect(drift.text).toMatch(/mean input length 104 characters vs 58\.5 characters \(×1\.78/);
    expect(drift.source).toMatch(/metrics\.drift of support-chat, 2026-W45 against 2026-W41 – 2026-W44/);
    // Its headline number is the adjusted p of its strongest row, said as a p-value (a script formatting 'share' read 0.0%).
    expect(drift.unit).toBe('p_value');
    expect(drift.value).toBeLessThan(0.05);
    for (const f of w45.summary) if (f.section === 'drift') expect(f.unit).toBe('p_value');
    const thumbs = w45.summary.find((f) => f.id === 'feedback:thumbs:support-chat')!;
    expect(thumbs.text).toContain('support-chat thumbs-down share rose to 43.8% (28 of 64 thumbs) from 10.3% (4 of 39) in 2026-W44');
    expect(thumbs.value).toBeCloseTo(28 / 64, 12);
    for (const f of w45.summary) expect(f.source.length).toBeGreaterThan(10);
  });

  it('says what it leaves out: requests in no drift scope, requests without a value, undated tickets', () => {
    if (!w45.drift.available || !w45.tickets.available) throw new Error('drift and tickets sections expected');
    const d = w45.drift.data;
    // The demo's requests all have a feature and there are at most 8: every dated request of the six weeks is compared.
    expect(d.not_compared).toEqual({ reference: 0, current: 0, reason: expect.stringContaining('in no per-feature comparison') as string });
    expect(d.scopes.reduce((n, s) => n + s.requests_current, 0)).toBe(d.current.requests);
    for (const f of d.findings) expect(f.n_without_value.reference).toBeGreaterThanOrEqual(0);
    expect(w45.tickets.data.undated_tickets).toBe(0);
    if (!w45.metrics.available) throw new Error('metrics section expected');
    const m = w45.metrics.data;
    expect(m.tokens.in_n).toBeLessThanOrEqual(m.requests);
    expect(m.latency.n).toBeLessThanOrEqual(m.requests);
    const md = renderText(w45, 'md').text;
    expect(md).toContain(`${m.tokens.in_n.toLocaleString('en-US')} of ${m.requests.toLocaleString('en-US')} requests with a count`);
    expect(md).toContain('Requests with a latency');
    // ~1,500 latencies in the week: read from the summaries' sketch, and the report says so (not "exact type 7").
    expect(m.quantile_method).toMatch(/^from the hourly summaries' DDSketch, within ±1% of the exact type-7 value/);
    expect(md).toContain("Quantiles: from the hourly summaries' DDSketch, within ±1%");
    const day = Date.UTC(2026, 10, 4, 12); // Wednesday of 2026-W45
    ws.db.run("INSERT INTO requests (id, ts, feature, latency_ms) VALUES ('nofeat1', ?, NULL, 100), ('nofeat2', ?, NULL, 120)", [day, day + 1]);
    ws.db.run("INSERT INTO tickets (id, created_ts) VALUES ('undated-t1', NULL)");
    try {
      const r = buildWeeklyReport(ws, { week: '2026-W45' }, NOW);
      if (!r.drift.available || !r.tickets.available) throw new Error('drift and tickets sections expected');
      expect(r.drift.data.not_compared.current).toBe(2);
      expect(r.tickets.data.undated_tickets).toBe(1);
      const text = renderText(r, 'md').text;
      expect(text).toContain('0 reference and 2 current requests are requests without a feature');
      expect(text).toContain('1 ticket without a creation time is in no week and left out.');
    } finally {
      ws.db.run("DELETE FROM requests WHERE id IN ('nofeat1', 'nofeat2')");
      ws.db.run("DELETE FROM tickets WHERE id = 'undated-t1'");
    }
  });

  it('W40: the summary names the search-answer error spike, as the error-rate rule raised it (one finding for its four alerts)', () => {
    const spike = w40.summary[0]!;
    expect(spike.id).toBe('alert:error_rate:search-answer');
    expect(spike.text).toMatch(/^High error rate alert on feature search-answer, 2026-09-30: Error rate 17\.9% \(10 of 56 requests with a status or an error\) against 1\.\d% in the 28 days before \(p < 0\.0001\); the same day also on all traffic and model version 2026-07-18; also feature search-answer on 2026-10-01 \(new this week; open\)\.$/);
    expect(spike.value).toBeCloseTo(10 / 56, 12);
    expect(w40.summary.filter((f) => f.section === 'alerts')).toHaveLength(1);
    // The section lists every alert of the week with its state and runbook.
    if (!w40.alerts.available) throw new Error(w40.alerts.reason);
    expect(w40.alerts.data.alerts.map((a) => `${a.bucket} ${a.scope}`).sort()).toEqual([
      '2026-09-30 all traffic', '2026-09-30 feature search-answer', '2026-09-30 model version 2026-07-18', '2026-10-01 feature search-answer',
    ]);
    expect(w40.alerts.data.alerts.every((a) => a.state === 'open' && a.runbook.title === 'High error rate' && a.status === 'new')).toBe(true);
  });

  it('week over week: the failure-rate difference comes from both weeks\' own design-based intervals', () => {
    expect(w45.review.available).toBe(true);
    if (!w45.review.available) return;
    const f = w45.review.data.failure;
    expect(f.last_week?.week).toBe('2026-W44');
    const mine = w45.review.data.section.estimates.find((m) => m.key === 'failure')!;
    expect(f.this_week).toMatchObject({ estimate: mine.estimate, low: mine.low, high: mine.high, reviewed: mine.n, failures: mine.k });
    const d = moverDifference(f.this_week.estimate!, f.this_week.low!, f.this_week.high!, f.last_week!.estimate!, f.last_week!.low!, f.last_week!.high!);
    expect(f.change).toMatchObject({ difference: d.difference, low: d.low, high: d.high, significant: d.significant });
    expect(f.change!.method).toMatch(/MOVER/);
    // One in three items failed this week against one in nine last week: the tags that rose include wrong_language.
    expect(w45.review.data.tags_rose.map((t) => t.tag)).toContain('made-up policy');
    expect(w45.review.data.skip_reasons).toEqual([{ reason: 'Output is in Thai; cannot judge', items: 1 }]);
  });

  it('regression check: repeats of earlier edge cases are their own stratum; reviewed and failed again are counted', () => {
    if (!w45.review.available) throw new Error('no review');
    const g = w45.review.data.regression;
    expect(g.own_stratum).toBe(true);
    expect(g.edge_cases_before).toBeGreaterThan(0);
    expect(g.matching_requests).toBeGreaterThanOrEqual(g.in_queue);
    expect(g.reviewed).toBeGreaterThan(0);
    expect(g.failed_again).toBeGreaterThanOrEqual(failedRepeats);
    expect(g.examples.every((e) => e.tags.includes('wrong_language') && e.earlier_week === '2026-W44')).toBe(true);
  });

  it('tickets and negative comments come from the Feedback screen\'s analyses (same figures in the app and the report)', () => {
    const zone = 'UTC';
    const rows = new Map(ticketRates(ws.db, { by: 'week' }, zone).rows.map((r) => [r.group, r]));
    const t = w45.tickets.available ? w45.tickets.data : null;
    expect(t).not.toBeNull();
    const r45 = rows.get('2026-W45')!;
    expect(t!.rate_per_1000).toEqual({ rate: r45.per_1000, low: r45.low, high: r45.high });
    expect([t!.tickets, t!.requests]).toEqual([r45.tickets, r45.requests]);
    const cats = ticketBreakdown(ws.db, { from_ts: Date.UTC(2026, 10, 2), to_ts: Date.UTC(2026, 10, 9) }).by_tag;
    expect(t!.top_categories.map((c) => [c.category, c.tickets])).toEqual(cats.slice(0, 8).map((c) => [c.value, c.tickets]));
    expect(t!.method).toContain('exact Poisson');
    // The week's distinguishing terms: those of feedback.terms with z above 1.96, in its order.
    const f = w45.feedback.available ? w45.feedback.data : null;
    const terms = feedbackTerms(ws.db, feedbackTermsSchema.parse({ week: '2026-W45' }), zone).terms.filter((x) => x.z > 1.959963984540054);
    expect(terms.length).toBeGreaterThan(0);
    expect(f!.negative_terms).toEqual({ available: true, data: terms.slice(0, 10).map((x) => ({ term: x.term, z: x.z, negative: x.negative_count, other: x.other_count })) });
    // NPS: Loupe's one NPS interval (shared/stats/rates.ts).
    const n = f!.nps.this_week;
    if (n.n > 0) expect([n.low, n.high]).toEqual([npsInterval(n.promoters, n.detractors, n.n)!.low, npsInterval(n.promoters, n.detractors, n.n)!.high]);
  });

  it('a workspace without data says so in one line per section', async () => {
    const empty = await Workspace.open(path.join(tmp(), 'empty.sqlite'), { create: true });
    try {
      const r = buildWeeklyReport(empty, { week: '2026-W45' }, NOW);
      for (const s of [r.review, r.feedback, r.tickets, r.metrics, r.alerts, r.drift]) expect(s.available).toBe(false);
      const md = renderText(r, 'md').text;
      expect(md).toContain('No review queue for 2026-W45');
      expect(md).toContain('The workspace has no support tickets.');
      expect(md).toContain('No requests in 2026-W45.');
      expect(md).toContain('Nothing to report');
    } finally {
      empty.close();
    }
  });

  it('Markdown: rendered by a Markdown library, ids and code read as themselves and untrusted text stays text', () => {
    const md = renderText(w45, 'md').text;
    // The feedback changes' footnote names the test whose p is printed (the JSON's method), not another one.
    expect((w45.feedback as { data: { thumbs: { change: { method: string } } } }).data.thumbs.change.method).toContain("p from Fisher's exact test, two-sided");
    expect(md).toContain("changes of shares: Newcombe's interval of the difference (method 10), p from Fisher's exact test (two-sided)");
    expect(md).not.toContain('z-test');
    const html = marked.parse(md, { async: false });
    const text = html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    // Ids in code spans: exactly the id, no backslash.
    if (!w45.review.available) throw new Error('no review');
    const ids = w45.review.data.section.coverage.strata.map((s) => s.key);
    for (const id of ids) expect(html).toContain(`<code>${id.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code>`);
    for (const e of w45.review.data.regression.examples) expect(html).toContain(`<code>${e.request_id}</code>`);
    for (const m of html.matchAll(/<code>([^<]*)<\/code>/g)) expect(m[1]).not.toContain('\\'); // no backslash inside any code span
    // The reviewer's note renders as exactly its text: no emphasis, link, heading or HTML made from it.
    expect(text).toContain(NOTE);
    expect(html).not.toMatch(/<script|<em>wrong|<a href|<del>/);
    // Periods print as dates in the workspace's zone.
    expect(text).toContain('Mon 2 Nov – Sun 8 Nov 2026 (UTC)');
    expect(md).not.toMatch(/T00:00:00\.000Z/);
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdText('1. item', true)).toBe('1\\. item');
    expect(mdText('1. item')).toBe('1. item');
    // No backslash where the character cannot act: the preview reads as written, and renders to the same text.
    for (const plain of ['BH p < 0.001', 'Korn & Graubard', 'a -> b', '3 < 4 & 5 > 2']) {
      expect(mdText(plain)).toBe(plain);
      expect(marked.parseInline(mdText(plain)) as string).toBe(plain.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    }
    for (const risky of ['<script>x</script>', '&amp; stays', '&#60;b&#62;', '> quote']) expect(marked.parse(mdText(risky, true)) as string).not.toMatch(/<script|<blockquote|&amp; stays|<b>/);
  });

  it('HTML: self-contained, no script, inline SVG charts drawn from the metrics series', () => {
    const html = renderText(w45, 'html').text;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\shref=|\ssrc=/);
    expect(html).toContain("default-src 'none'");
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(5);
    for (const s of svgs) {
      expect(s).not.toMatch(/style=|<script|on\w+=/);
      expect(s).toContain('fill="#ffffff"'); // its own light card: readable in dark mode and print
    }
    if (!w45.metrics.available) throw new Error('no metrics');
    const m = w45.metrics.data;
    expect(m.trend.at(-1)).toMatchObject({ week: '2026-W45', requests: 1605 });
    expect(html).toContain(`2026-W45: p50 ${m.latency.p50!.toLocaleString('en-US', { maximumFractionDigits: 0 })} ms`);
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });

  it('CSV holds every section\'s numbers; JSON is the model', async () => {
    const files = await renderAllFormats(w45);
    expect(files.map((f) => f.file_name)).toEqual(['md', 'html', 'csv', 'json', 'pdf'].map((e) => `loupe-report-2026-W45.${e}`));
    const csv = files.find((f) => f.format === 'csv')!.bytes.toString('utf8');
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    const get = (section: string, key: string) => rows.find((r) => r.section === section && r.key === key);
    expect(get('metrics', 'requests')!.value).toBe('1605');
    expect(Number(get('feedback_feature', 'thumbs_up_rate:support-chat')!.value)).toBeCloseTo(36 / 64, 12);
    expect(get('review_regression', 'failed_again')).toBeDefined();
    expect(new Set(rows.map((r) => r.section))).toEqual(expect.objectContaining({}));
    for (const s of ['summary', 'review_estimate', 'review_wow', 'feedback', 'tickets', 'metrics', 'alert', 'drift', 'trend']) expect(rows.some((r) => r.section === s)).toBe(true);
    const json = JSON.parse(files.find((f) => f.format === 'json')!.bytes.toString('utf8')) as WeeklyReport;
    expect(json.summary).toEqual(w45.summary);
    expect(json.week).toBe('2026-W45');
  });

  it('PDF: text selectable (pdftotext), A4 and Letter, footer with the period and page numbers, pages drawn inside the margins', async () => {
    const dir = tmp();
    for (const paper of ['a4', 'letter'] as const) {
      const pdf = await renderReportPdf(w45, paper);
      const file = path.join(dir, pdf.file_name);
      fs.writeFileSync(file, pdf.bytes);
      const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
      expect(info).toMatch(paper === 'a4' ? /Page size:\s+595\.2\d x 841\.8\d pts \(A4\)/ : /Page size:\s+612 x 792 pts \(letter\)/);
      expect(info).toMatch(new RegExp(`Pages:\\s+${pdf.pages}\\n`));
      const text = pdftotext(file);
      expect(text).toContain('Weekly report: 2026-W45');
      expect(text).toContain('support-chat thumbs-down share rose to 43.8%');
      expect(text).toMatch(/Summary: what changed/);
      // The week's alerts with their state and runbook (electron/store/alerts; alerts.test.ts checks notes and ticked steps).
      expect(text).toContain('3 alerts in 2026-W45: 3 open, 0 acknowledged, 0 resolved.');
      expect(text).toContain('Runbook: Negative feedback rise');
      expect(text).toMatch(/Thumbs-down share 43\.8%/);
      for (let p = 1; p <= pdf.pages; p++) {
        const page = pdftotext(file, ['-f', String(p), '-l', String(p)]);
        expect(page).toContain('Loupe weekly report 2026-W45 · Mon 2 Nov – Sun 8 Nov 2026 (UTC)');
        expect(page).toContain(`Page ${p} of ${pdf.pages}`);
      }
      // Page images: every page has ink, and nothing is drawn in the right margin (charts and tables fit).
      execFileSync('pdftoppm', ['-r', '36', '-gray', file, path.join(dir, `${paper}-page`)]);
      const pages = fs.readdirSync(dir).filter((f) => f.startsWith(`${paper}-page`) && f.endsWith('.pgm'));
      expect(pages.length).toBe(pdf.pages);
      for (const pg of pages) {
        const { width, height, pixels } = readPgm(path.join(dir, pg));
        let ink = 0;
        let marginInk = 0;
        const margin = Math.floor(width * (30 / 595));
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const v = pixels[y * width + x]!;
            if (v < 200) { ink++; if (x >= width - margin) marginInk++; }
          }
        }
        expect(ink / (width * height)).toBeGreaterThan(0.003);
        expect(marginInk).toBe(0);
      }
    }
  });
});

/** Reads a binary PGM (P5) file as produced by pdftoppm -gray. */
function readPgm(file: string): { width: number; height: number; pixels: Uint8Array } {
  const buf = fs.readFileSync(file);
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 50).toString('latin1'))!;
  return { width: Number(header[1]), height: Number(header[2]), pixels: new Uint8Array(buf.subarray(header[0].length)) };
}

describe('PDF tables', () => {
  it('never split a row across pages, and repeat the header row on each page', async () => {
    const rows = Array.from({ length: 140 }, (_, i) => [[`row${i}-start`], [`${'word '.repeat(10 + (i % 7) * 12)}row${i}-end`], [String(i)]]);
    const blocks: Block[] = [{ kind: 'h', level: 1, text: 'Long table' }, { kind: 'table', head: ['Name', 'Long text', 'N'], align: ['l', 'l', 'r'], rows }];
    const { bytes, pages } = await renderPdf(blocks, { paper: 'a4', footer: 'footer', title: 't', created: new Date(NOW) });
    expect(pages).toBeGreaterThan(3);
    const file = path.join(tmp(), 't.pdf');
    fs.writeFileSync(file, bytes);
    const pageOf = new Map<string, number>();
    for (let p = 1; p <= pages; p++) {
      const text = execFileSync('pdftotext', ['-f', String(p), '-l', String(p), file, '-'], { encoding: 'utf8' });
      expect(text).toContain('Long text'); // the header row on every page
      for (const m of text.matchAll(/row(\d+)-(start|end)/g)) pageOf.set(`${m[1]}-${m[2]}`, p);
    }
    for (let i = 0; i < 140; i++) {
      expect(pageOf.get(`${i}-start`), `row ${i}`).toBeDefined();
      expect(pageOf.get(`${i}-end`), `row ${i}`).toBe(pageOf.get(`${i}-start`));
    }
  });

  it('prints text the font lacks as U+FFFD, not as empty boxes', async () => {
    const blocks: Block[] = [{ kind: 'p', parts: ['Danke 🙏 für ☰ – café ≥ 3'] }];
    const { bytes } = await renderPdf(blocks, { paper: 'letter', footer: 'f', title: 't', created: new Date(NOW) });
    const file = path.join(tmp(), 'u.pdf');
    fs.writeFileSync(file, bytes);
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('Danke \uFFFD für ☰ – café ≥ 3');
  });
});

describe('a week whose only feedback is 1-10 ratings (MT-bench judge scores, a real file)', () => {
  it('keeps its Feedback section: the ratings with their scale, and the comments and terms the Feedback screen shows', async () => {
    const ws = await Workspace.open(path.join(tmp(), 'mtbench.sqlite'), { create: true });
    try {
      await runImport(ws, path.resolve(repo, '../shared/data/real/mtbench-gpt4-judgments.jsonl'), {});
      const all = ws.db.get<{ n: number; low: number; mean: number }>("SELECT count(*) AS n, sum(value <= 4) AS low, avg(value) AS mean FROM feedback WHERE kind = 'rating' AND scale = 10")!;
      expect(all.n).toBe(320);
      const r = buildWeeklyReport(ws, { week: '2024-W24' }, NOW);
      expect(r.feedback.available).toBe(true);
      const f = r.feedback.available ? r.feedback.data : null;
      // GPT-4's judgments are an automated evaluator's (source judge): in no users' figure, given apart.
      expect(f!.other_ratings).toEqual([]);
      expect(f!.automated).toMatchObject({ this_week: 320, last_week: 0 });
      expect(f!.automated.ratings).toHaveLength(1);
      const g = f!.automated.ratings[0]!;
      expect(g.scale).toBe(10);
      expect(g.this_week.n).toBe(320);
      expect(g.this_week.mean).toBeCloseTo(all.mean, 12);
      expect([g.this_week.low.k, g.this_week.low.n]).toEqual([all.low, 320]);
      expect(g.last_week.n).toBe(0);
      // The Feedback screen's "What negative feedback says" for the same week: same counts and terms.
      const t = feedbackTerms(ws.db, feedbackTermsSchema.parse({ week: '2024-W24' }), 'UTC');
      expect(f!.comments).toEqual({ negative: t.negative.comments, other: t.other.comments, negative_missing_request: t.negative.missing_request, other_missing_request: t.other.missing_request });
      // Only the judgments are imported: every rating is on a request that is not in the workspace, and said so.
      expect(f!.missing_requests).toMatchObject({ rows: 320, week_rows: 320, other_ratings: [] });
      expect(r.summary.map((x) => x.id)).toContain('feedback:missing-requests');
      expect(t.negative.comments).toBe(all.low);
      expect(f!.negative_terms.available).toBe(true);
      const md = renderText(r, 'md').text;
      expect(md).toContain('Not in any figure above: 320 scores (thumbs, ratings, NPS) in 2024-W24');
      expect(md).toContain('Automated evaluators\' ratings:');
      // Means read side by side carry the same two decimals (a mean of 5.20 is not shown as 5.2 beside a 7.77).
      expect(md).toContain(`1-10 | 320 ratings, mean ${all.mean.toFixed(2)};`);
      expect([fixed(2.7), fixed(7.7666), fixed(null)]).toEqual(['2.70', '7.77', '–']);
      expect(md).toContain(`${t.negative.comments} negative and ${t.other.comments} other comments in 2024-W24`);
    } finally {
      ws.close();
    }
  });
});
