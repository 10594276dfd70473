import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueAgreement, WeekEstimates } from '../../shared/review-types';
import { Workspace } from '../store/workspace';
import { queueAgreement, queueEstimates } from '../store/review/estimates';
import { createQueue } from '../store/review/queues';
import { setReviewer, submitReview } from '../store/review/reviews';
import { insertSynthetic } from '../store/review/test-fixtures';
import { loupe } from './run-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-estimates-'));
const w = path.join(dir, 'w.sqlite');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('loupe estimates, queue list and agreement', () => {
  let expected: WeekEstimates;
  let agreement: QueueAgreement;
  beforeAll(async () => {
    const ws = await Workspace.open(w, { create: true });
    insertSynthetic(ws.db, { n: 300, seed: 5 });
    const q = createQueue(ws, { week: '2026-W47', size: 24, seed: 3, overlap: 0.25 }, 1000);
    const items = q.items;
    // Ana reviews 12 items, the first 4 failing "correct"; Ben reviews the overlap items Ana reviewed too.
    setReviewer(ws, 'Ana');
    items.slice(0, 12).forEach((it, i) => submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: { correct: i < 4 ? 'fail' : 'pass', safe: 'pass' }, tag_ids: [] }, 'a', 2000 + i));
    setReviewer(ws, 'Ben');
    items.slice(0, 12).forEach((it, i) => submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: { correct: i < 3 ? 'fail' : 'pass', safe: 'pass' }, tag_ids: [] }, 'b', 3000 + i));
    expected = queueEstimates(ws.db, q.queue_id);
    agreement = queueAgreement(ws.db, q.queue_id);
    ws.close();
  }, 120_000);

  it('estimates --json prints exactly what the store computes for the week\'s latest queue, and for --queue', () => {
    expect(expected.reviewed).toBeGreaterThan(0);
    for (const args of [['--week', '2026-W47'], ['--queue', '1']]) {
      const r = loupe('estimates', '--workspace', w, ...args, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it('estimates prints each rate with its interval and the frame', () => {
    const r = loupe('estimates', '--workspace', w, '--week', '2026-W47');
    expect(r.code).toBe(0);
    const failure = expected.metrics.find((m) => m.key === 'failure')!;
    expect(r.stdout).toContain(`a frame of ${expected.population} requests`);
    const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(r.stdout).toMatch(new RegExp(`${esc(failure.label)}\\s+${(failure.estimate! * 100).toFixed(1)}%\\s+${(failure.low! * 100).toFixed(1)}% – ${(failure.high! * 100).toFixed(1)}%`));
  });

  it('queue list and agreement', () => {
    const l = JSON.parse(loupe('queue', 'list', '--workspace', w, '--json').stdout) as { queues: Array<Record<string, unknown>> };
    expect(l.queues).toHaveLength(1);
    expect(l.queues[0]).toMatchObject({ id: 1, week: '2026-W47', size: 24 });
    expect(Object.keys(l.queues[0]!)).toEqual(['id', 'name', 'week', 'from_ts', 'to_ts', 'created_at', 'size', 'decided', 'reviewed', 'skipped', 'overlap_items', 'overlap_done', 'reviewers']);
    const a = loupe('agreement', '--workspace', w, '--queue', '1', '--json');
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(JSON.stringify(agreement)));
    expect(loupe('agreement', '--workspace', w, '--queue', '1').stdout).toMatch(/Cohen's kappa/);
    // report without --week takes the newest queue's week.
    const rep = loupe('report', '--workspace', w, '--format', 'md', '--out', '-');
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stderr).toBe('loupe: reporting 2026-W47 (the week of queue #1, the newest); --week chooses another.\n');
  });

  it('bad usage exits 2; a week without a queue is refused with exit 1', () => {
    expect(loupe('estimates', '--workspace', w).code).toBe(2);
    expect(loupe('estimates', '--workspace', w, '--week', '2026-47').code).toBe(2);
    expect(loupe('estimates', '--workspace', w, '--week', '2026-W47', '--queue', '1').code).toBe(2);
    expect(loupe('agreement', '--workspace', w, '--queue', 'x').code).toBe(2);
    const none = loupe('estimates', '--workspace', w, '--week', '2026-W30');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('No review queue exists for 2026-W30');
  });
});
