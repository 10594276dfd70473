/**
 * Feedback on requests that are not in the workspace (a judgments file rating two models when only one model's
 * answers were imported): the import says so, and the report counts it in its figures as the Metrics screen does but
 * gives it apart, with the figures over the workspace's own requests, and a finding when it is a tenth or more.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedbackTermsSchema, feedbackTraitsSchema } from '../../../shared/contract-feedback';
import { feedbackTerms } from '../feedback/terms';
import { feedbackTraits } from '../feedback/traits';
import { runImport } from '../import/pipeline';
import { useTempWorkspaces } from '../testing/temp';
import { buildWeeklyReport, renderText } from './index';

const { tmpDir, newWorkspace } = useTempWorkspaces('loupe-report-missing-');
const NOW = Date.UTC(2026, 11, 1);
/** Monday 2026-11-16 10:00 UTC: ISO week 2026-W47. */
const T0 = Date.UTC(2026, 10, 16, 10);
const iso = (ms: number) => new Date(ms).toISOString();

describe('feedback on requests that are not in the workspace', () => {
  it('is noted at import, counted in the week\'s figures and given apart in the report', async () => {
    const ws = await newWorkspace();
    const dir = tmpDir();
    const file = (name: string, lines: unknown[]) => { const p = path.join(dir, name); fs.writeFileSync(p, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`); return p; };
    // 20 requests of the week; feedback on them and on 12 other ids that no file brings.
    await runImport(ws, file('requests.jsonl', Array.from({ length: 20 }, (_, i) => ({ request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000), model: 'm', input: `question ${i}`, output: `answer ${i}` }))), {});
    const fb: unknown[] = [];
    // Ratings 1-10: on the workspace's requests 8, 9, 3, 8, 9, 3, … (20 rows); on the missing ones 2, 2, 9 (12 rows).
    for (let i = 0; i < 20; i++) fb.push({ feedback_id: `ra${i}`, request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000 + 60_000), type: 'rating', value: [8, 9, 3][i % 3], scale: 10, comment: i % 3 === 2 ? 'wrong unit conversion again' : 'clear and correct answer' });
    for (let i = 0; i < 12; i++) fb.push({ feedback_id: `rb${i}`, request_id: `b${i}`, timestamp: iso(T0 + i * 3600_000 + 60_000), type: 'rating', value: [2, 2, 9][i % 3], scale: 10, comment: i % 3 === 2 ? 'clear and correct answer' : 'rambling off topic reply' });
    // Thumbs: 10 on the workspace's requests (8 up), 6 on the missing ones (1 up); an NPS answer linked to nothing.
    for (let i = 0; i < 10; i++) fb.push({ feedback_id: `ta${i}`, request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000 + 120_000), type: 'thumb', value: i < 8 ? 'up' : 'down' });
    for (let i = 0; i < 6; i++) fb.push({ feedback_id: `tb${i}`, request_id: `b${i}`, timestamp: iso(T0 + i * 3600_000 + 120_000), type: 'thumb', value: i < 1 ? 'up' : 'down' });
    fb.push({ feedback_id: 'n1', timestamp: iso(T0 + 7200_000), type: 'nps', value: 9 });
    const imp = await runImport(ws, file('feedback.jsonl', fb), {});
    expect(imp.notes.find((n) => n.includes('not in this workspace'))).toMatch(/^18 feedback rows name 12 requests that are not in this workspace \(e\.g\. b\d+, b\d+, b\d+\): kept, and linked when those requests are imported/);

    const r = buildWeeklyReport(ws, { week: '2026-W47' }, NOW);
    expect(r.feedback.available).toBe(true);
    if (!r.feedback.available) return;
    const f = r.feedback.data;
    // Every figure counts all of the week's feedback (as metrics.series does) …
    expect([f.thumbs.this_week.k, f.thumbs.this_week.n]).toEqual([9, 16]);
    expect(f.other_ratings.map((o) => [o.scale, o.this_week.n, o.this_week.low.k])).toEqual([[10, 32, 6 + 8]]);
    // … and the rows on missing requests are given apart, exactly.
    expect(f.missing_requests).toEqual({
      rows: 18, week_rows: 20 + 12 + 10 + 6 + 1, requests: 12, automated: 0,
      thumbs: { n: 6, up: 1 }, csat: { n: 0, satisfied: 0 }, nps: { n: 0, promoters: 0, detractors: 0 },
      other_ratings: [{ scale: 10, n: 12, sum: 4 * (2 + 2 + 9), low: 8 }],
    });
    expect([f.comments.negative, f.comments.negative_missing_request, f.comments.other, f.comments.other_missing_request]).toEqual([14, 8, 18, 4]);

    const md = renderText(r, 'md').text;
    expect(md).toContain('18 of 2026-W47\'s feedback rows name 12 requests that are not in this workspace');
    // Thumbs: 9 of 16 in all, 8 of 10 on the workspace's requests, 1 of 6 on the missing ones.
    expect(md).toMatch(/\| Thumbs-up rate \| 56\.3% \([^)]*9 of 16\) \| 80\.0% \([^)]*8 of 10\) \| 16\.7% \([^)]*1 of 6\) \|/);
    // Ratings: the workspace's 20 have mean (7 × 8 + 7 × 9 + 6 × 3) / 20 = 6.85; the missing 12 mean 13 / 3 = 4.33.
    expect(md).toMatch(/\| Ratings 1-10 \| 32 ratings, mean 5\.91;[^|]*\| 20 ratings, mean 6\.85; rated 4 or lower: 30\.0% \([^)]*6 of 20\) \| 12 ratings, mean 4\.33; rated 4 or lower: 66\.7% \([^)]*8 of 12\) \|/);
    expect(md).toContain('8 of the negative and 4 of the other comments are on requests that are not in this workspace');
    const csv = renderText(r, 'csv').text;
    expect(csv).toMatch(/feedback_missing_request,rows,.*,18,.*,49,18,count/);
    expect(csv).toMatch(/feedback_missing_request,thumbs_up_rate,Thumbs-up rate on requests not in the workspace,0\.1666/);
    const finding = r.summary.find((x) => x.id === 'feedback:missing-requests');
    expect(finding?.text).toBe("18 of 2026-W47's 49 feedback rows (36.7%) are on requests that are not in this workspace; the feedback figures count them, and the Feedback section gives them apart.");

    // The Feedback screen's terms say it too.
    const t = feedbackTerms(ws.db, feedbackTermsSchema.parse({ week: '2026-W47' }), 'UTC');
    expect(t.notes).toContain('8 of the 14 negative comments and 4 of the 18 others are on requests that are not in this workspace (their request ids name no imported request): they are compared here, but say nothing about the requests you review.');

    // Feedback by trait counts them in the overall figures only, and its note names only what it holds (it read
    // "16 thumbs and 0 ratings" (no request here has a feature), where "ratings" meant CSAT answers and 32 ratings on 1-10 were in the workspace).
    const traits = feedbackTraits(ws.db, feedbackTraitsSchema.parse({ dimension: 'feature', week: '2026-W47' }), 'UTC');
    expect(traits.notes.filter((n) => n.includes('no linked request'))).toEqual(['16 thumbs have no linked request with a feature: they count in the overall figures only.']);

    // Once those requests are imported, the feedback links and nothing is apart any more.
    await runImport(ws, file('more.jsonl', Array.from({ length: 12 }, (_, i) => ({ request_id: `b${i}`, timestamp: iso(T0 + i * 3600_000), model: 'm2', input: `q ${i}`, output: `a ${i}` }))), {});
    const after = buildWeeklyReport(ws, { week: '2026-W47' }, NOW);
    expect(after.feedback.available && after.feedback.data.missing_requests.rows).toBe(0);
    expect(renderText(after, 'md').text).not.toContain('not in this workspace');
  }, 60_000);
});
