/**
 * The report's week-over-week changes state one test, not two that disagree: a change of shares gives Fisher's exact
 * p beside its Newcombe interval (the pooled z-test read p = 0.014 beside an interval holding 0), and an NPS change
 * is not called significant from a handful of answers (2 promoters against 50 answers read "significant").
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImport } from '../import/pipeline';
import { useTempWorkspaces } from '../testing/temp';
import { countChange } from './compare';
import { buildWeeklyReport } from './index';

const { tmpDir, newWorkspace } = useTempWorkspaces('loupe-report-changes-');

describe('changes of shares', () => {
  it('give Fisher\'s exact two-sided p (scipy.stats.fisher_exact), which agrees with the interval on sparse counts', () => {
    const c = countChange(1, 10, 0, 60)!;
    expect(c.low!).toBeLessThan(0);
    expect(c.significant).toBe(false);
    expect(c.p_value!).toBeCloseTo(0.14285714285714282, 12);
    expect(countChange(400, 400, 59, 60)!.p_value!).toBeCloseTo(0.13043478260869565, 12);
  });
});

describe('NPS change', () => {
  it('is not called significant when a week has fewer than 30 answers', async () => {
    const ws = await newWorkspace();
    const dir = tmpDir();
    const at = (ms: number) => new Date(ms).toISOString();
    const W47 = Date.UTC(2026, 10, 16, 12);
    const W46 = W47 - 7 * 86_400_000;
    const lines = [
      ...[10, 9].map((v, i) => ({ feedback_id: `a${i}`, timestamp: at(W47 + i * 60_000), type: 'nps', value: v })),
      ...Array.from({ length: 50 }, (_, i) => ({ feedback_id: `b${i}`, timestamp: at(W46 + i * 60_000), type: 'nps', value: i < 25 ? 10 : i < 40 ? 8 : 3 })),
    ];
    const f = path.join(dir, 'nps.jsonl');
    fs.writeFileSync(f, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    await runImport(ws, f, {});
    const r = buildWeeklyReport(ws, { week: '2026-W47' }, Date.UTC(2026, 11, 1));
    expect(r.feedback.available).toBe(true);
    if (!r.feedback.available) return;
    const n = r.feedback.data.nps;
    expect([n.this_week.nps, n.this_week.n, n.last_week.nps, n.last_week.n]).toEqual([100, 2, 30, 50]);
    // The interval of the difference excludes 0 (this week's side has no variance), yet 2 answers settle nothing.
    expect(n.change!.low!).toBeGreaterThan(0);
    expect(n.change!.significant).toBe(false);
    expect(n.change!.method).toContain('not called significant when either week has fewer than 30 answers');
    expect(r.summary.map((x) => x.id)).not.toContain('feedback:nps');
  });
});
