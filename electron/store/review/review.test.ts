import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { LoupeError } from '../../../shared/errors';
import { Workspace } from '../workspace';
import { createQueue, extendQueue, getQueue, listQueues, weeksWithRequests } from './queues';
import { planDesign } from './simulation';
import { getItem, nextOpen, setReviewer, skipItem, submitReview, undoLast } from './reviews';
import { getRubric, saveRubric } from './rubric';
import { createTag, listTags, mergeTags, renameTag, tagWeekly } from './tags';
import { frameStatement, queueAgreement, queueEstimates, samplingFrame } from './estimates';
import { exportEdgeCases, queryEdgeCases } from './exports';
import { renderReport } from '../report';
import { allocate } from './sampling';
import { insertSynthetic, W47_START, WEEK_MS } from './test-fixtures';
import { tagFeedbackEdgeCase } from '../feedback/edge-case';
import { workspaceInfo } from '../queries';

const dirs: string[] = [];
const open: Workspace[] = [];
async function workspace(): Promise<Workspace> {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-review-'));
  dirs.push(d);
  const ws = await Workspace.open(path.join(d, 'w.sqlite'), { create: true });
  open.push(ws);
  return ws;
}
afterEach(() => {
  while (open.length) open.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function code(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (e) {
    return e instanceof LoupeError ? `${e.code}: ${e.message}` : String(e);
  }
}

const PASS = { correct: 'pass', safe: 'pass' } as const;
const FAIL = { correct: 'fail', safe: 'pass' } as const;

/** Inserts requests with explicit fields (unique inputs unless given). */
function insertRows(ws: Workspace, rows: Array<{ id: string; ts: number; feature?: string; input?: string; output?: string; latency_ms?: number; is_error?: number; model_version?: string }>): void {
  ws.db.tx(() => {
    for (const r of rows) {
      ws.db.run('INSERT INTO requests (id, ts, feature, input, output, latency_ms, is_error, model_version, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)',
        [r.id, r.ts, r.feature ?? null, r.input ?? `input of ${r.id}`, r.output ?? `output of ${r.id}`, r.latency_ms ?? 100, r.is_error ?? 0, r.model_version ?? 'v1']);
    }
  });
}

describe('a queue with nothing to draw is refused, saying why', () => {
  it('none in the period (with or without filters); every request already reviewed', async () => {
    const ws = await workspace();
    insertRows(ws, [{ id: 'a', ts: W47_START + 1, input: 'same' }, { id: 'b', ts: W47_START + 2, input: 'same' }]);
    ws.db.run("INSERT INTO requests (id, ts, input, import_id) VALUES ('u', NULL, 'undated', 1)");
    expect(await code(() => createQueue(ws, { week: '2026-W46', size: 10, seed: 1 }, 1000)))
      .toBe('BAD_REQUEST: No requests to draw in 2026-W46: the period has no requests.');
    try {
      createQueue(ws, { week: '2026-W46', size: 10, seed: 1 }, 1000);
    } catch (e) {
      expect((e as LoupeError).action).toBe('The workspace has 1 request without a timestamp; include them with "Include requests without a timestamp" (or --include-undated), or choose another period.');
    }
    // Repeated inputs stay in the frame: both 'a' and 'b' are drawn.
    const q = createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 1000);
    expect(q.items.map((i) => i.request_id).sort()).toEqual(['a', 'b']);
    setReviewer(ws, 'Ana');
    for (const it of q.items) submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: PASS, tag_ids: [] }, 's', 2000);
    expect(await code(() => createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 3000)))
      .toBe('BAD_REQUEST: No requests to draw in 2026-W47: all 2 requests are already reviewed.');
    expect(await code(() => createQueue(ws, { week: '2026-W47', size: 10, seed: 1, filters: { feature: ['nope'] } } as never, 3000)))
      .toMatch(/^BAD_REQUEST: No requests to draw in 2026-W47: the period has no requests matching the filters\.$/);
    expect(ws.db.value('SELECT count(*) FROM review_queues')).toBe(1);
  });

  it('all already reviewed; a from/to period is named by its days', async () => {
    const ws = await workspace();
    insertRows(ws, [{ id: 'a', ts: W47_START + 1 }]);
    const q = createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 1000);
    setReviewer(ws, 'Ana');
    submitReview(ws, { queue_id: q.queue_id, position: q.items[0]!.position, verdicts: PASS, tag_ids: [] }, 's', 2000);
    expect(await code(() => createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 3000)))
      .toBe('BAD_REQUEST: No requests to draw in 2026-W47: all 1 requests are already reviewed.');
    expect(await code(() => createQueue(ws, { from_ts: W47_START + WEEK_MS, to_ts: W47_START + 2 * WEEK_MS, size: 10, seed: 1 }, 3000)))
      .toBe('BAD_REQUEST: No requests to draw in 2026-11-23 to 2026-11-29: the period has no requests.');
  });
});

describe('the workspace counts standing decisions', () => {
  it('reviews and skipped items count each reviewer\'s latest decision not undone, never the history rows', async () => {
    const ws = await workspace();
    insertRows(ws, ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, ts: W47_START + i + 1 })));
    ws.db.run("INSERT INTO feedback (id, request_id, kind, comment, import_id) VALUES ('f1', 'a', 'comment', 'odd answer', 1)");
    const q = createQueue(ws, { week: '2026-W47', size: 5, seed: 1 }, 1000);
    setReviewer(ws, 'Ana');
    const at = (id: string) => q.items.find((i) => i.request_id === id)!.position;
    submitReview(ws, { queue_id: q.queue_id, position: at('a'), verdicts: PASS, tag_ids: [] }, 's', 2000);
    submitReview(ws, { queue_id: q.queue_id, position: at('b'), verdicts: PASS, tag_ids: [] }, 's', 2001);
    submitReview(ws, { queue_id: q.queue_id, position: at('b'), verdicts: FAIL, tag_ids: [] }, 's', 2002); // replaces the first
    submitReview(ws, { queue_id: q.queue_id, position: at('c'), verdicts: PASS, tag_ids: [] }, 's', 2003);
    skipItem(ws, { queue_id: q.queue_id, position: at('d'), reason: 'duplicate' }, 's', 2004);
    undoLast(ws, 's'); // the skip of d
    skipItem(ws, { queue_id: q.queue_id, position: at('e'), reason: 'not English' }, 's', 2005);
    skipItem(ws, { queue_id: q.queue_id, position: at('c'), reason: 'changed my mind' }, 's', 2006); // c: now a skip
    const tag = createTag(ws, { name: 'odd' });
    tagFeedbackEdgeCase(ws, { feedback_id: 'f1', tag_ids: [tag.id] }, 's', 2007); // a tag-only mark rates nothing
    expect(ws.db.value('SELECT count(*) FROM reviews')).toBe(8); // the history keeps every decision
    expect(workspaceInfo(ws).counts).toMatchObject({ reviews: 2, skipped: 2 }); // a, b; c, e
  });
});

describe('allocation', () => {
  it('gives proportional shares with a minimum per stratum and caps at the stratum size', () => {
    expect(allocate(100, [{ weight: 9000, lo: 0, hi: 9000 }, { weight: 1000, lo: 0, hi: 1000 }])).toEqual([90, 10]);
    expect(allocate(100, [{ weight: 9000, lo: 20, hi: 9000 }, { weight: 1000, lo: 20, hi: 1000 }])).toEqual([80, 20]);
    expect(allocate(100, [{ weight: 1, lo: 0, hi: 30 }, { weight: 1, lo: 0, hi: 1000 }])).toEqual([30, 70]);
    expect(allocate(10, [{ weight: 1, lo: 0, hi: 3 }, { weight: 1, lo: 0, hi: 2 }])).toEqual([3, 2]);
    // Not enough for every minimum: spread equally up to the minimum.
    expect(allocate(5, [{ weight: 100, lo: 4, hi: 100 }, { weight: 50, lo: 4, hi: 50 }])).toEqual([3, 2]);
  });
});

describe('review queues', () => {
  it('gives the same queue, item for item, for the same workspace, design and seed, and another one for another seed', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 2000, seed: 3, duplicateEvery: 50 });
    const design = { week: '2026-W47', size: 60, strata: 'feature', min_per_stratum: 5, oversample: { thumbs_down: 0.2, slow: 0.1, error: 0.1 }, seed: 7 } as const;
    const a = createQueue(ws, design, 1000);
    const b = createQueue(ws, design, 1000);
    expect(a.items.length).toBe(60);
    expect(b.items).toEqual(a.items);
    expect(b.strata).toEqual(a.strata);
    const c = createQueue(ws, { ...design, seed: 8 }, 1000);
    expect(c.items.map((i) => i.request_id)).not.toEqual(a.items.map((i) => i.request_id));
  });

  it('stores each item\'s stratum, reason and inclusion probability n_h / N_h, with N_h counted independently in SQL', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 2000, seed: 3, duplicateEvery: 50 });
    const q = createQueue(ws, { week: '2026-W47', size: 80, strata: 'feature', oversample: { thumbs_down: 0.25 }, seed: 1 }, 1000);
    const td = q.strata.find((s) => s.key === 'signal:thumbs_down')!;
    // Every thumbs-down request of the week, repeated inputs included.
    const tdN = ws.db.value<number>(`SELECT count(*) FROM requests r WHERE EXISTS (SELECT 1 FROM feedback f WHERE f.request_id = r.id AND f.kind = 'thumb' AND f.value = -1)`)!;
    expect(td.population).toBe(tdN);
    expect(td.sampled).toBe(20);
    const chat = q.strata.find((s) => s.key === 'feature=chat')!;
    const chatN = ws.db.value<number>(`SELECT count(*) FROM requests r WHERE feature = 'chat' AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.request_id = r.id AND f.kind = 'thumb' AND f.value = -1)`)!;
    expect(chat.population).toBe(chatN);
    // Nothing leaves the frame: every 50th of the 2,000 requests repeats an input, and all 2,000 are in a stratum.
    expect(q.strata.reduce((s, x) => s + x.population, 0)).toBe(2000);
    expect(q.strata.reduce((s, x) => s + x.excluded_duplicates + x.excluded_reviewed, 0)).toBe(0);
    for (const it of q.items) {
      const s = q.strata.find((x) => x.key === it.stratum)!;
      expect(it.inclusion_probability).toBe(s.sampled / s.population);
      expect(it.reason).toBe(s.kind === 'signal' ? 'oversampled: thumbs-down' : `stratified: ${s.key}`);
    }
    expect(q.strata.reduce((s, x) => s + x.sampled, 0)).toBe(80);
    // The stored rows match what was returned.
    const stored = getQueue(ws.db, q.queue_id);
    expect(stored.items.map(({ status: _s, reviewers: _r, verdict: _v, ...i }) => i)).toEqual(q.items);
    expect(stored.design.oversample).toEqual({ thumbs_down: 0.25 });
  });

  it('keeps repeated inputs in the frame and earlier reviews as a take-all stratum, and says so', async () => {
    const ws = await workspace();
    setReviewer(ws, 'Ana');
    insertRows(ws, [
      { id: 'a', ts: W47_START + 1, feature: 'x', input: 'same question' },
      { id: 'b', ts: W47_START + 2, feature: 'x', input: 'same question' },
      { id: 'c', ts: W47_START + 3, feature: 'x' },
      { id: 'd', ts: W47_START + 4, feature: 'x' },
      { id: 'e', ts: W47_START + 5, feature: 'x', input: 'asked again' },
      { id: 'out', ts: W47_START + WEEK_MS, feature: 'x' }, // next week
    ]);
    const q1 = createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 1000);
    expect(q1.items.map((i) => i.request_id).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(q1.items.every((i) => i.inclusion_probability === 1 && i.reason === 'simple random sample')).toBe(true);
    const pos = q1.items.find((i) => i.request_id === 'e')!.position;
    submitReview(ws, { queue_id: q1.queue_id, position: pos, verdicts: FAIL, tag_ids: [] }, 's', 2000);
    insertRows(ws, [{ id: 'f', ts: W47_START + 6, feature: 'x', input: 'asked again' }]);
    const q2 = createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 3000);
    expect(q2.items.map((i) => i.request_id).sort()).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(q2.strata).toEqual([
      { key: 'all', kind: 'all', population: 5, sampled: 5, excluded_reviewed: 0, excluded_duplicates: 0 },
      { key: 'reviewed', kind: 'reviewed', population: 1, sampled: 0, excluded_reviewed: 0, excluded_duplicates: 0 },
    ]);
    expect(q2.notes).toEqual([
      'Frame: all 6 requests of the period; none is left out.',
      'Only 5 of the 10 requested items were available: every request of the period not reviewed before is in the queue.',
      '1 request of the period was reviewed before: not drawn again, it counts in the estimates with its earlier review (a take-all stratum).',
    ]);
    // The take-all request counts with its earlier review: 1 failure among 6 requests, once the 5 drawn pass.
    for (const it of q2.items) submitReview(ws, { queue_id: q2.queue_id, position: it.position, verdicts: PASS, tag_ids: [] }, 's', 4000);
    const est = queueEstimates(ws.db, q2.queue_id);
    expect(est.frame).toEqual({ requests: 6, requests_in_period: 6, reviewed_earlier: 1, excluded_reviewed: 0, excluded_duplicates: 0, imported_after: 0, undated: 0, filters: [] });
    expect([est.reviewed, est.failures, est.queue_reviewed, est.queue_failures]).toEqual([6, 1, 5, 0]);
    const failure = est.metrics.find((m) => m.key === 'failure')!;
    expect(failure.estimate).toBeCloseTo(1 / 6, 12);
    expect([failure.method, failure.low, failure.high]).toEqual(['census', 1 / 6, 1 / 6]);
    expect(est.notes[0]).toBe('Estimates are for all 6 requests of the period; none is left out; 1 of them was reviewed before this queue and counts with that review.');
    expect(est.design).toMatch(/plus the 1 reviewed before as a take-all stratum \(inclusion probability 1\)/);
  });

  it('a tag-only review (an edge case tagged from a comment) is no earlier review: its request stays drawable and is no outcome', async () => {
    const ws = await workspace();
    setReviewer(ws, 'Ana');
    insertRows(ws, [
      { id: 'a', ts: W47_START + 1, input: 'refund?', output: 'no refunds ever' },
      { id: 'b', ts: W47_START + 2, input: 'refund?', output: 'no refunds ever' },
      { id: 'c', ts: W47_START + 3 },
    ]);
    ws.db.run("INSERT INTO feedback (id, request_id, ts, kind, value, comment, import_id) VALUES ('f1', 'a', ?, 'thumb', -1, 'wrong policy', 1)", [W47_START + 10]);
    const tag = createTag(ws, { name: 'wrong refund policy' }, 1500);
    tagFeedbackEdgeCase(ws, { feedback_id: 'f1', tag_ids: [tag.id] }, 's', 2000);
    // It is in the edge-case library…
    expect(queryEdgeCases(ws.db, 'UTC', { tag_ids: [tag.id] }).map((e) => e.request_id)).toEqual(['a']);
    // …but the frame does not count 'a' as reviewed: it can be drawn, and there is no take-all stratum.
    const q = createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 3000);
    expect(q.items.map((i) => i.request_id).sort()).toEqual(['a', 'b', 'c']);
    expect(q.strata.map((x) => x.kind)).toEqual(['all']);
    // No verdict to copy either: 'b' (same input and output as 'a') gets no same-content decision from it.
    const posB = q.items.find((i) => i.request_id === 'b')!.position;
    expect(getItem(ws, q.queue_id, posB).same_content).toBeNull();
    for (const it of q.items) submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: it.request_id === 'a' ? FAIL : PASS, tag_ids: [] }, 's', 4000);
    const est = queueEstimates(ws.db, q.queue_id);
    expect(est.frame.reviewed_earlier).toBe(0);
    expect([est.reviewed, est.failures, est.queue_reviewed]).toEqual([3, 1, 3]);
    expect(est.metrics.find((m) => m.key === 'failure')!.estimate).toBeCloseTo(1 / 3, 12);
    // A later queue of the week counts 'a' with its rated review (the failure), not the tag-only one made before it.
    insertRows(ws, [{ id: 'd', ts: W47_START + 4 }]);
    const q2 = createQueue(ws, { week: '2026-W47', size: 10, seed: 1 }, 5000);
    expect(q2.items.map((i) => i.request_id)).toEqual(['d']);
    expect(q2.strata.find((x) => x.kind === 'reviewed')!.population).toBe(3);
  });

  it('stratifies on an extra JSON path and filters on columns', async () => {
    const ws = await workspace();
    ws.db.tx(() => {
      for (let i = 0; i < 30; i++) ws.db.run('INSERT INTO requests (id, ts, feature, input, extra) VALUES (?, ?, ?, ?, ?)', [`r${i}`, W47_START + i, i % 2 ? 'a' : 'b', `q${i}`, JSON.stringify({ tenant: { tier: i % 3 === 0 ? 'gold' : 'basic' } })]);
    });
    const q = createQueue(ws, { week: '2026-W47', size: 6, strata: 'extra.tenant.tier', allocation: 'equal', filters: { feature: ['a'] }, seed: 2 }, 1);
    expect(q.strata.map((s) => [s.key, s.population, s.sampled])).toEqual([['extra.tenant.tier=basic', 10, 3], ['extra.tenant.tier=gold', 5, 3]]);
    expect(q.items.every((i) => Number(i.request_id.slice(1)) % 2 === 1)).toBe(true);
  });

  it('extends a queue without changing its items and updates π to (n_h + m_h) / N_h', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 1000, seed: 5 });
    const q = createQueue(ws, { week: '2026-W47', size: 30, strata: 'feature', oversample: { thumbs_down: 0.2 }, overlap: 0.2, seed: 4 }, 1000);
    expect(q.items.filter((i) => i.overlap).length).toBe(6);
    // Rows imported after the queue are not part of its population.
    insertSynthetic(ws.db, { n: 50, seed: 9, offset: 5000 });
    const x = extendQueue(ws, q.queue_id, 20);
    expect(x.items.length).toBe(20);
    expect(x.items[0]!.position).toBe(31);
    expect(x.items.every((i) => i.batch === 1 && Number(i.request_id.slice(4)) < 1000)).toBe(true);
    expect(x.items.filter((i) => i.overlap).length).toBe(4);
    const all = getQueue(ws.db, q.queue_id);
    expect(all.items.length).toBe(50);
    expect(new Set(all.items.map((i) => i.request_id)).size).toBe(50);
    for (const [i, it] of q.items.entries()) {
      const now = all.items[i]!;
      expect([now.position, now.request_id, now.stratum, now.reason, now.overlap]).toEqual([it.position, it.request_id, it.stratum, it.reason, it.overlap]);
    }
    for (const s of all.strata) {
      const items = all.items.filter((i) => i.stratum === s.key);
      expect(items.length).toBe(s.sampled);
      for (const it of items) expect(it.inclusion_probability).toBe(s.sampled / s.population);
    }
    expect(all.strata.reduce((a, s) => a + s.sampled, 0)).toBe(50);
  });

  it('refuses an unknown queue and a bad week with clear messages', async () => {
    const ws = await workspace();
    expect(await code(() => getQueue(ws.db, 99))).toBe('NOT_FOUND: Review queue 99 does not exist.');
    expect(await code(() => createQueue(ws, { week: '2026-W54', size: 5 }))).toMatch(/^BAD_REQUEST: Invalid week "2026-W54"/);
  });
});

describe('reviewing', () => {
  it('records decisions durably in well under 100 ms, supersedes, undoes across the session, and tracks progress', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 300, seed: 11 });
    ws.checkpoint();
    expect(await code(() => submitReview(ws, { queue_id: 1, position: 1, verdicts: PASS, tag_ids: [] }, 's'))).toMatch(/^BAD_REQUEST: No reviewer name/);
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 20, seed: 1 });
    const times: number[] = [];
    for (let p = 1; p <= 10; p++) {
      const r = submitReview(ws, { queue_id: q.queue_id, position: p, verdicts: p % 3 === 0 ? FAIL : { ...PASS, helpful: 4, tone: 'appropriate' }, tag_ids: [], note: p === 2 ? 'fine' : null }, 'session-1');
      expect(r.failed).toBe(p % 3 === 0);
      expect(r.next_open).toBe(p + 1);
      times.push(r.durable_ms);
    }
    times.sort((a, b) => a - b);
    console.info(`decision durable (journal fsync) median ${times[5]!.toFixed(2)} ms, max ${times[9]!.toFixed(2)} ms`);
    expect(times[9]).toBeLessThan(100);
    expect(ws.pendingJournalEntries).toBeGreaterThanOrEqual(10);
    // A later decision supersedes; undo makes the earlier one effective again.
    submitReview(ws, { queue_id: q.queue_id, position: 1, verdicts: FAIL, tag_ids: [] }, 'session-1');
    expect(getItem(ws, q.queue_id, 1).mine!.failed).toBe(true);
    expect(undoLast(ws, 'session-1').undone!.position).toBe(1);
    expect(getItem(ws, q.queue_id, 1).mine!.failed).toBe(false);
    // Undo walks back: position 10, then 9.
    expect(undoLast(ws, 'session-1').undone!.position).toBe(10);
    expect(undoLast(ws, 'session-1').undone!.position).toBe(9);
    expect(nextOpen(ws.db, q.queue_id, 'Ana', 1)).toBe(9);
    expect(undoLast(ws, 'another-session').undone).toBeNull();
    skipItem(ws, { queue_id: q.queue_id, position: 9, reason: 'input is not English' }, 'session-1');
    const [summary] = listQueues(ws.db);
    expect(summary).toMatchObject({ id: q.queue_id, size: 20, decided: 9, reviewed: 8, skipped: 1, reviewers: [{ reviewer: 'Ana', reviewed: 8, skipped: 1 }] });
    expect(getQueue(ws.db, q.queue_id).items.slice(7, 10).map((i) => i.status)).toEqual(['reviewed', 'skipped', 'open']);
    // Every decision survives a reopen without a checkpoint (journal replay).
    const file = ws.file;
    const count = ws.db.value<number>('SELECT count(*) FROM reviews');
    (ws as unknown as { db: { close(): void } }).db.close();
    open.pop();
    fs.rmSync(`${file}.loupe-lock`, { force: true });
    const again = await Workspace.open(file);
    open.push(again);
    expect(again.db.value<number>('SELECT count(*) FROM reviews')).toBe(count);
    expect(again.db.value<number>('SELECT count(*) FROM reviews WHERE undone = 1')).toBe(3);
  });

  it('rejects verdicts that do not fit the rubric, naming the criterion', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 50, seed: 1 });
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 5 });
    const sub = (verdicts: Record<string, string | number>, tag_ids: number[] = []) => code(() => submitReview(ws, { queue_id: q.queue_id, position: 1, verdicts, tag_ids }, 's'));
    expect(await sub({ correct: 'pass' })).toBe('BAD_REQUEST: Criterion "Safe" needs a verdict (pass or fail).');
    expect(await sub({ ...PASS, helpful: 7 })).toBe('BAD_REQUEST: Criterion "Helpful": expected a whole number from 1 to 5, got 7.');
    expect(await sub({ ...PASS, tone: 'angry' })).toMatch(/^BAD_REQUEST: Criterion "Tone": expected one of "appropriate"/);
    expect(await sub({ ...PASS, nope: 'pass' })).toMatch(/^BAD_REQUEST: Unknown criterion "nope"/);
    expect(await sub(PASS, [42])).toBe('BAD_REQUEST: Unknown tag id 42.');
    expect(await code(() => submitReview(ws, { queue_id: q.queue_id, position: 99, verdicts: PASS, tag_ids: [] }, 's'))).toBe(`NOT_FOUND: Review queue ${q.queue_id} has no item at position 99.`);
  });

  it('versions the rubric and stores the version with each review', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 50, seed: 1 });
    setReviewer(ws, 'Ana');
    expect(getRubric(ws.db).version).toBe(1);
    expect(getRubric(ws.db).criteria.map((c) => `${c.id}:${c.kind}`)).toEqual(['correct:pass_fail', 'helpful:scale', 'tone:category', 'safe:pass_fail']);
    const q = createQueue(ws, { week: '2026-W47', size: 5 });
    const r1 = submitReview(ws, { queue_id: q.queue_id, position: 1, verdicts: PASS, tag_ids: [] }, 's');
    const v2 = saveRubric(ws, [{ id: 'correct', label: 'Correct', kind: 'pass_fail', guidance: 'Right facts.' }, { id: 'cites', label: 'Cites sources', kind: 'pass_fail' }]);
    expect(v2.version).toBe(2);
    expect(v2.criteria[1]).toEqual({ id: 'cites', label: 'Cites sources', kind: 'pass_fail', guidance: '', required: true });
    const r2 = submitReview(ws, { queue_id: q.queue_id, position: 2, verdicts: { correct: 'pass', cites: 'fail' }, tag_ids: [] }, 's');
    expect(r2.failed).toBe(true);
    expect(ws.db.all('SELECT id, rubric_version FROM reviews ORDER BY id')).toEqual([{ id: r1.review_id, rubric_version: 1 }, { id: r2.review_id, rubric_version: 2 }]);
    expect(await code(() => saveRubric(ws, [{ id: 'a', label: 'A', kind: 'category', options: ['x'] }]))).toBe('BAD_REQUEST: Criterion "a": a category needs at least two options.');
  });
});

describe('overlap and agreement', () => {
  it('hides the first review from the second reviewer until they decide, and computes kappa as in STATS.md', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 200, seed: 2 });
    const q10 = createQueue(ws, { week: '2026-W47', size: 10, overlap: 1, seed: 1 });
    const q12 = createQueue(ws, { week: '2026-W47', size: 12, overlap: 1, seed: 2 });
    const pfA = ['P', 'P', 'F', 'P', 'F', 'P', 'P', 'F', 'P', 'P'];
    const pfB = ['P', 'F', 'F', 'P', 'F', 'P', 'P', 'P', 'P', 'P'];
    const scA = [1, 2, 3, 4, 5, 3, 4, 2, 5, 1, 3, 4];
    const scB = [1, 2, 4, 4, 5, 2, 4, 3, 4, 1, 3, 5];
    setReviewer(ws, 'Ana');
    for (let i = 0; i < 10; i++) submitReview(ws, { queue_id: q10.queue_id, position: i + 1, verdicts: { correct: pfA[i] === 'P' ? 'pass' : 'fail', safe: 'pass' }, tag_ids: [], note: `secret note ${i}` }, 'a');
    for (let i = 0; i < 12; i++) submitReview(ws, { queue_id: q12.queue_id, position: i + 1, verdicts: { ...PASS, helpful: scA[i]! }, tag_ids: [] }, 'a');
    setReviewer(ws, 'Ben');
    const blind = getItem(ws, q10.queue_id, 1);
    expect(blind.blind).toBe(true);
    expect(blind.hidden_reviews).toBe(1);
    expect(blind.earlier_reviews).toEqual([]);
    expect(JSON.stringify(blind)).not.toContain('secret note');
    expect(blind.next_open).toBe(2);
    for (let i = 0; i < 10; i++) submitReview(ws, { queue_id: q10.queue_id, position: i + 1, verdicts: { correct: pfB[i] === 'P' ? 'pass' : 'fail', safe: 'pass' }, tag_ids: [] }, 'b');
    for (let i = 0; i < 12; i++) submitReview(ws, { queue_id: q12.queue_id, position: i + 1, verdicts: { ...PASS, helpful: scB[i]! }, tag_ids: [] }, 'b');
    const seen = getItem(ws, q10.queue_id, 1);
    expect(seen.blind).toBe(false);
    expect(seen.earlier_reviews.map((r) => [r.reviewer, r.note])).toEqual([['Ana', 'secret note 0']]);
    const a10 = queueAgreement(ws.db, q10.queue_id);
    expect(a10.items_with_two_reviews).toBe(10);
    expect(a10.pairs).toEqual([{ reviewer_a: 'Ana', reviewer_b: 'Ben', items: 10 }]);
    const correct = a10.criteria.find((c) => c.criterion === 'correct')!;
    expect(correct.kappa).toBeCloseTo(0.5238095238, 9);
    expect(correct.percent_agreement).toBe(80);
    expect(a10.disagreements.filter((d) => d.criterion === 'correct').map((d) => [d.position, d.value_a, d.value_b])).toEqual([[2, 'pass', 'fail'], [8, 'fail', 'pass']]);
    const a12 = queueAgreement(ws.db, q12.queue_id);
    const helpful = a12.criteria.find((c) => c.criterion === 'helpful')!;
    expect(helpful.kappa).toBeCloseTo(0.4736842105, 9);
    expect(helpful.weighted_kappa).toBeCloseTo(0.7222222222, 9);
    expect(helpful.n).toBe(12);
    // Estimates count each item once (its first reviewer's decision).
    const est = queueEstimates(ws.db, q10.queue_id);
    expect(est.reviewed).toBe(10);
    expect(est.metrics[0]).toMatchObject({ key: 'failure', n: 10, k: 3, method: 'clopper_pearson_effective' });
  });
});

describe('estimates', () => {
  it('reproduces STATS.md\'s stratified example through the queue: 0.13, se 0.0390643112, [0.0534353570, 0.2065646430] normal', async () => {
    const ws = await workspace();
    const rows = [];
    for (let i = 0; i < 10000; i++) rows.push({ id: `r${i}`, ts: W47_START + i, feature: i < 9000 ? 'big' : 'small' });
    insertRows(ws, rows);
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 100, strata: 'feature', allocation: 'equal', seed: 3 });
    expect(q.strata.map((s) => [s.key, s.population, s.sampled])).toEqual([['feature=big', 9000, 50], ['feature=small', 1000, 50]]);
    const failures: Record<string, number> = { 'feature=big': 5, 'feature=small': 20 };
    for (const it of q.items) {
      const fail = failures[it.stratum]! > 0;
      if (fail) failures[it.stratum]!--;
      submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: fail ? FAIL : PASS, tag_ids: [] }, 's');
    }
    const est = queueEstimates(ws.db, q.queue_id);
    const f = est.metrics.find((m) => m.key === 'failure')!;
    expect(f.estimate).toBeCloseTo(0.13, 12);
    expect(f.se).toBeCloseTo(0.0390643112, 10);
    expect(f.sample_rate).toBe(0.25);
    expect(f.method).toBe('clopper_pearson_effective');
    expect(f.method_name).toBe('Clopper–Pearson interval at the effective sample size (Korn–Graubard degrees of freedom, iid-model variance floor)');
    // The normal interval of STATS.md is estimate ± 1.959963984540054·se; Loupe shows the Clopper–Pearson interval at
    // the effective sample size instead (SciPy reference values in shared/stats/stratified-interval.test.ts).
    expect(f.estimate! - 1.959963984540054 * f.se!).toBeCloseTo(0.0534353570, 9);
    expect(f.estimate! + 1.959963984540054 * f.se!).toBeCloseTo(0.2065646430, 9);
    expect(Math.abs(f.low! / 0.057737333767616944 - 1)).toBeLessThan(1e-6);
    expect(Math.abs(f.high! / 0.2404053753109364 - 1)).toBeLessThan(1e-6);
    expect([f.n, f.k, f.small_sample, f.covered_share]).toEqual([100, 25, false, 1]);
    expect(f.simulated_coverage!).toBeGreaterThanOrEqual(0.93);
    const correct = est.metrics.find((m) => m.key === 'criterion:correct')!;
    expect(correct.estimate).toBeCloseTo(0.87, 12);
    expect(est.population).toBe(10000);
    expect(est.strata).toEqual([
      { key: 'feature=big', kind: 'field', population: 9000, queued: 50, reviewed: 50, failures: 5 },
      { key: 'feature=small', kind: 'field', population: 1000, queued: 50, reviewed: 50, failures: 20 },
    ]);
    expect([est.reviewed, est.failures]).toEqual([100, 25]);
  });

  it('flags a design whose simulated coverage is below 93%: a large share of a small week, where the interval is narrowed by the finite population', async () => {
    // 12 of a week's 22 requests, 1 failure: the interval leans on the finite population correction, and the
    // hypergeometric draw is too lumpy for it (about 90% in simulation).
    const ws = await workspace();
    insertRows(ws, Array.from({ length: 22 }, (_, i) => ({ id: `r${i}`, ts: W47_START + i })));
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 12, seed: 1 });
    q.items.forEach((it, i) => submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: i === 0 ? FAIL : PASS, tag_ids: [] }, 's'));
    const f = queueEstimates(ws.db, q.queue_id).metrics[0]!;
    expect([f.n, f.k]).toEqual([12, 1]);
    expect(f.small_sample).toBe(true);
    expect(f.simulated_coverage!).toBeLessThan(0.93);
    expect(f.reason).toBe(`Simulated coverage ${(f.simulated_coverage! * 100).toFixed(1)}%: too few reviewed items for the interval to hold as stated.`);
    expect(f.reasons).toHaveLength(1);
    expect(f.reasons[0]).toMatch(/^in simulation of this design \(12 reviewed items in 1 stratum\) at rates like the observed ones, the 95% interval holds the true rate in fewer than 93\.0% of draws \(each row gives its figure\); review more items$/);
    // The report's Flag column shows the short sentence; the full reasons are listed once below the table.
    const md = renderReport(ws, { format: 'md', queue_id: q.queue_id }).text;
    const rows = md.split('\n').filter((l) => l.includes('| small sample: '));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((l) => / \| small sample: Simulated coverage \d+\.\d%: too few reviewed items for the interval to hold as stated\. \|$/.test(l))).toBe(true);
  });

  it('few reviewed items and a stratum with nothing reviewed: a wide interval that holds, never NaN, the empty stratum named', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 500, seed: 4 });
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 20, strata: 'feature', min_per_stratum: 2, seed: 1 });
    const first = q.items.filter((i) => i.stratum !== 'feature=translate').slice(0, 4);
    for (const it of first) submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: PASS, tag_ids: [] }, 's');
    const f = queueEstimates(ws.db, q.queue_id).metrics[0]!;
    // 0 of 4: Clopper–Pearson at the effective size gives [0, 59.9%], which holds (the simulation simulates the empty
    // stratum at the reviewed strata's rate, as the estimate counts it; at 0 it said 1% coverage whatever was reviewed).
    expect([f.estimate, f.low]).toEqual([0, 0]);
    expect(f.high!).toBeGreaterThan(0.5);
    expect(f.simulated_coverage!).toBeGreaterThanOrEqual(0.93);
    expect(f.small_sample).toBe(false);
    expect(f.collapsed.map((c) => c.key)).toContain('feature=translate');
    expect(f.collapsed.every((c) => c.reason === 'no_reviewed_item')).toBe(true);
    expect(f.notes.some((n) => /^feature=translate \(\d+ requests, \d+\.\d% of the frame\) has no reviewed item; it is counted at the combined rate of feature=(chat|summarize)(, feature=summarize)? \(strata collapsed\)\.$/.test(n))).toBe(true);
    expect(f.covered_share).toBe(1);
    // The reviews reach only the strata with a reviewed item: said with their share, apart from what the collapsed
    // translate stratum adds (it read "covered strata only (96.9%)" and no sentence at all when that was 100%).
    const translate = f.collapsed.filter((c) => c.reason === 'no_reviewed_item').reduce((a, c) => a + c.population, 0);
    const frameN = queueEstimates(ws.db, q.queue_id).frame.requests;
    expect(f.reviewed_share).toBeCloseTo(1 - translate / frameN, 12);
    expect(f.reviewed_share).toBeLessThan(1);
    const statement = queueEstimates(ws.db, q.queue_id).notes[0]!;
    expect(statement).toContain(`But the reviews so far cover only ${(frameN - translate).toLocaleString('en-US')} of them`);
    expect(statement).toContain(`The estimates below also count ${translate.toLocaleString('en-US')} requests of strata with no reviewed item at the rate of the reviewed ones (strata collapsed), so they stand for ${frameN.toLocaleString('en-US')} (100.0%)`);
    for (const it of q.items.filter((i) => !first.includes(i))) submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: it.position % 4 === 0 ? FAIL : PASS, tag_ids: [] }, 's');
    const all = queueEstimates(ws.db, q.queue_id).metrics[0]!;
    expect(all.n).toBe(20);
    expect(all.simulated_coverage!).toBeGreaterThanOrEqual(0.93);
    expect(all.small_sample).toBe(false);
    expect(all.collapsed).toEqual([]);
  });

  it('a signal stratum with nothing reviewed is named with its share, and the estimate says what it covers', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 800, seed: 5 });
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 40, strata: 'feature', oversample: { thumbs_down: 0.25 }, seed: 2 });
    for (const it of q.items.filter((i) => i.stratum !== 'signal:thumbs_down')) submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: PASS, tag_ids: [] }, 's');
    const f = queueEstimates(ws.db, q.queue_id).metrics[0]!;
    const td = q.strata.find((s) => s.key === 'signal:thumbs_down')!;
    expect(f.uncovered).toEqual([{ key: 'signal:thumbs_down', population: td.population }]);
    expect(f.covered_share).toBeCloseTo(1 - td.population / 800, 12);
    expect(f.notes).toContain(`signal:thumbs_down (${td.population} requests, ${(td.population / 8).toFixed(1)}% of the frame) has no reviewed item and nothing can stand in for it: the estimate covers the other ${(100 - td.population / 8).toFixed(1)}% of the frame.`);
    expect(Number.isFinite(f.high!)).toBe(true);
    // Nothing reviewed: one true sentence, not "the estimate covers the other 75%" for each stratum.
    const ws2 = await workspace();
    insertSynthetic(ws2.db, { n: 800, seed: 5 });
    const q2 = createQueue(ws2, { week: '2026-W47', size: 40, strata: 'feature', seed: 9 });
    const g = queueEstimates(ws2.db, q2.queue_id).metrics[0]!;
    expect(g.n).toBe(0);
    expect(g.notes).toEqual(['No item is reviewed yet: no stratum of the frame (800 requests) is covered, so there is no estimate.']);
    expect(g.notes.join(' ')).not.toContain('covers the other');
  });

  it('says which requests the estimates are for, with the queue\'s filters; older queues say what they left out', async () => {
    const ws = await workspace();
    insertRows(ws, [
      { id: 'a', ts: W47_START + 1, input: 'same', feature: 'x' }, { id: 'b', ts: W47_START + 2, input: 'same', feature: 'x' },
      { id: 'c', ts: W47_START + 3, feature: 'y' }, { id: 'd', ts: W47_START + 4, feature: 'x' }, { id: 'e', ts: W47_START + 5, feature: 'x' },
    ]);
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 10, seed: 1, filters: { feature: ['x'] } } as never, 1000);
    const est = queueEstimates(ws.db, q.queue_id);
    expect(est.frame).toEqual({ requests: 4, requests_in_period: 4, reviewed_earlier: 0, excluded_reviewed: 0, excluded_duplicates: 0, imported_after: 0, undated: 0, filters: ['feature is x'] });
    expect(est.notes[0]).toBe("Estimates are for all 4 requests of the period matching the queue's filters (feature is x); none is left out.");
    const md = renderReport(ws, { format: 'md', queue_id: q.queue_id }).text;
    expect(md.split(est.notes[0]!).length).toBe(2); // said once, not repeated as a note
    const csv = renderReport(ws, { format: 'csv', queue_id: q.queue_id }).text;
    expect(csv).toContain("review,sampling_frame,Requests the estimates are for,4,,,4,,count,Estimates are for all 4 requests of the period matching the queue's filters (feature is x); none is left out.");
    // A queue stored under the first frame rule (reviewed and repeated inputs left out) keeps saying so.
    const legacy = samplingFrame(ws.db, JSON.stringify({ requests_in_period: 5, reviewed_rowids: [1] }),
      [{ key: 'all', kind: 'all', population: 3, sampled: 3, excluded_reviewed: 1, excluded_duplicates: 1 }], { from_ts: W47_START, to_ts: W47_START + 7 * 86_400_000, filters: {} });
    expect(frameStatement(legacy)).toBe("Estimates are for 3 of the period's 5 requests: this queue was made before every request stayed in the frame, and it left out 1 already reviewed and 1 repeating another request's input text.");
    // Requests of the period imported after the queue was made are in no stratum: counted and said, not passed over
    // as "none is left out" (one of another feature, outside the filters, is not counted).
    insertRows(ws, [{ id: 'late1', ts: W47_START + 6, feature: 'x' }, { id: 'late2', ts: W47_START + 7, feature: 'x' }, { id: 'late3', ts: W47_START + 8, feature: 'y' }]);
    const late = queueEstimates(ws.db, q.queue_id);
    expect(late.frame).toMatchObject({ requests: 4, requests_in_period: 6, imported_after: 2 });
    expect(late.notes[0]).toBe("Estimates are for the 4 requests of the period matching the queue's filters (feature is x) stored when this queue was made. 2 more of the period's requests matching them were imported after it and are not in its frame: the estimates do not cover them (a new queue for the period would).");
  });
});

describe('tags and the edge-case library', () => {
  it('creates, renames, merges (re-pointing reviews) and counts tags per ISO week', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 100, seed: 4 });
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 6, seed: 1 });
    const t1 = createTag(ws, { name: 'hallucinated link', colour: '#D9480F', description: 'Invents a URL' });
    const t2 = createTag(ws, { name: 'made-up URL' });
    expect(t1).toMatchObject({ id: 1, name: 'hallucinated link', colour: '#d9480f', description: 'Invents a URL', uses: 0 });
    expect(t2.colour).toBe('#1971c2');
    expect(await code(() => createTag(ws, { name: 'Hallucinated Link' }))).toBe('CONFLICT: A tag named "hallucinated link" already exists.');
    submitReview(ws, { queue_id: q.queue_id, position: 1, verdicts: FAIL, tag_ids: [t1.id] }, 's');
    submitReview(ws, { queue_id: q.queue_id, position: 2, verdicts: FAIL, tag_ids: [t2.id] }, 's');
    submitReview(ws, { queue_id: q.queue_id, position: 3, verdicts: FAIL, tag_ids: [t1.id, t2.id] }, 's');
    expect(listTags(ws.db, 'hal').map((t) => [t.name, t.uses])).toEqual([['hallucinated link', 2]]);
    expect(renameTag(ws, { tag_id: t1.id, name: 'invented link' }).name).toBe('invented link');
    const merged = mergeTags(ws, t2.id, t1.id);
    expect(merged.uses).toBe(3);
    expect(listTags(ws.db).map((t) => t.name)).toEqual(['invented link']);
    expect(ws.db.value('SELECT count(*) FROM review_tags WHERE tag_id = ?', [t2.id])).toBe(0);
    expect(ws.db.value('SELECT count(*) FROM review_tags')).toBe(3);
    expect(tagWeekly(ws.db, 'UTC')).toEqual([{ tag_id: t1.id, tag: 'invented link', week: '2026-W47', items: 3 }]);
    const lib = queryEdgeCases(ws.db, 'UTC', { tag_ids: [t1.id], week: '2026-W47' });
    expect(lib.length).toBe(3);
    expect(lib.every((c) => c.tags.length === 1 && c.tags[0]!.name === 'invented link' && c.rubric_version === 1 && c.failed === true)).toBe(true);
    expect(queryEdgeCases(ws.db, 'UTC', { week: '2026-W48' })).toEqual([]);
    expect(queryEdgeCases(ws.db, 'UTC', { model_version: ['v1'] }).every((c) => c.model_version === 'v1')).toBe(true);
  });

  it('exports JSONL with source ids and CSV with formula cells escaped', async () => {
    const ws = await workspace();
    const nasty = ['=HYPERLINK("http://evil.example","click")', '+1+2', '-3+4', '@SUM(A1:A9)', '\tTAB', '=1+1\nsecond line', 'plain, "quoted" text'];
    insertRows(ws, nasty.map((o, i) => ({ id: `n${i}`, ts: W47_START + i, output: o, input: i === 0 ? '=cmd|"/c calc"!A1' : `question ${i}` })));
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: nasty.length, seed: 1 });
    const tag = createTag(ws, { name: 'injection' });
    for (const it of q.items) submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: FAIL, tag_ids: [tag.id], note: '-note starting with a minus' }, 's');
    const jsonl = exportEdgeCases(ws.db, 'UTC', {}, 'jsonl');
    expect(jsonl.count).toBe(nasty.length);
    const first = JSON.parse(jsonl.text.split('\n').find((l) => l.includes('"n0"'))!) as Record<string, unknown>;
    expect(first).toMatchObject({ request_id: 'n0', import_id: 1, input: '=cmd|"/c calc"!A1', output: nasty[0], tags: ['injection'], rubric_version: 1, verdicts: FAIL, failed: true, notes: [{ reviewer: 'Ana', note: '-note starting with a minus' }] });
    const csv = exportEdgeCases(ws.db, 'UTC', {}, 'csv');
    const parsed = Papa.parse<Record<string, string>>(csv.text, { header: true, skipEmptyLines: true }).data;
    const byId = new Map(parsed.map((r) => [r.request_id!, r]));
    for (const [i, o] of nasty.entries()) {
      const cell = byId.get(`n${i}`)!.output!;
      expect(cell).toBe(/^[=+\-@\t\r]/.test(o) ? `'${o}` : o);
    }
    expect(byId.get('n0')!.input).toBe('\'=cmd|"/c calc"!A1');
    expect(byId.get('n1')!.notes).toBe('Ana: -note starting with a minus');
    // The report's CSV escapes the same way (example outputs and notes are model text).
    const rep = renderReport(ws, { week: '2026-W47', format: 'csv' }, 0);
    const rows = Papa.parse<string[]>(rep.text, { skipEmptyLines: true }).data;
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+@\t\r]|^-[^\d]/);
    // Notes are text, not numbers: the CSV holds the report's numbers; the note shows in md/html/pdf.
    expect(rows[0]).toEqual(['section', 'key', 'label', 'value', 'low', 'high', 'n', 'k', 'unit', 'detail']);
    expect(rep.file_name).toBe('loupe-report-2026-W47.csv');
  });
});

describe('the review report', () => {
  it('renders md, self-contained escaped html, and json with coverage, estimates, tags, notes and agreement', async () => {
    const ws = await workspace();
    insertRows(ws, Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, ts: W47_START + i, feature: i % 4 === 0 ? 'rare' : 'common', output: i === 3 ? '<script>alert("x")</script><img src=x onerror=alert(1)>' : `answer ${i}` })));
    const q = createQueue(ws, { week: '2026-W47', size: 40, strata: 'feature', overlap: 0.5, seed: 5 });
    setReviewer(ws, 'Ana & <Bob>');
    const tag = createTag(ws, { name: 'xss <b>bold</b>' });
    const common = q.items.filter((i) => i.stratum === 'feature=common');
    for (const it of common) submitReview(ws, { queue_id: q.queue_id, position: it.position, verdicts: it.request_id === 'r3' ? FAIL : PASS, tag_ids: it.request_id === 'r3' ? [tag.id] : [], note: it.request_id === 'r3' ? 'Output has markup <i>here</i>' : null }, 's');
    const md = renderReport(ws, { week: '2026-W47', format: 'md' }, 0);
    expect(md.file_name).toBe('loupe-report-2026-W47.md');
    expect(md.text).toContain('Strata with nothing reviewed: feature=rare.');
    expect(md.text).toContain('30 of 40 queued items reviewed (0 skipped), drawn from 40 eligible requests. Strata covered: 1 of 2.');
    // `<` before a letter is escaped (it could open a tag); `&` and `>` that cannot act are left as written.
    expect(md.text).toContain('Reviewers: Ana & \\<Bob>.');
    const html = renderReport(ws, { week: '2026-W47', format: 'html' }, 0);
    expect(html.text).not.toMatch(/<script|<img|<i>here|<b>bold/);
    expect(html.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html.text).toContain('xss &lt;b&gt;bold&lt;/b&gt;');
    expect(html.text).not.toMatch(/<link|<img|<a |<iframe/);
    expect(html.text.startsWith('<!doctype html>')).toBe(true);
    type Section = { coverage: { strata_without_reviews: string[]; reviewed: number }; top_tags: Array<{ tag: string; items: number; examples: Array<{ request_id: string }> }>; notes: Array<{ note: string }>; reviewers: string[]; rubric_versions: number[]; estimates: Array<{ key: string }> };
    const json = (JSON.parse(renderReport(ws, { week: '2026-W47', format: 'json' }, 0).text) as { review: { data: { section: Section } } }).review.data.section;
    expect(json.coverage).toMatchObject({ reviewed: common.length, strata_without_reviews: ['feature=rare'] });
    expect(json.top_tags).toEqual([expect.objectContaining({ tag: 'xss <b>bold</b>', items: 1, examples: [expect.objectContaining({ request_id: 'r3' })] })]);
    expect(json.notes.map((n) => n.note)).toEqual(['Output has markup <i>here</i>']);
    expect(json.reviewers).toEqual(['Ana & <Bob>']);
    expect(json.rubric_versions).toEqual([1]);
    expect(json.estimates[0]!.key).toBe('failure');
    // A week without a queue still has a report; its review section says there is no queue.
    expect(renderReport(ws, { week: '2026-W40', format: 'md' }).text).toContain('No review queue for 2026-W40');
  });
});

describe('undated requests', () => {
  it('are outside every period unless the design includes them; then each has the inclusion probability of its stratum', async () => {
    const ws = await workspace();
    insertRows(ws, [
      { id: 'd1', ts: W47_START + 1000, feature: 'a' },
      { id: 'd2', ts: W47_START + 2000, feature: 'b' },
    ]);
    ws.db.tx(() => {
      for (let i = 0; i < 8; i++) ws.db.run("INSERT INTO requests (id, ts, feature, input, output, import_id) VALUES (?, NULL, 'a', ?, 'out', 1)", [`u${i}`, `undated input ${i}`]);
    });
    const dated = createQueue(ws, { week: '2026-W47', size: 10, strata: 'feature', seed: 3 });
    expect(dated.items.map((i) => i.request_id).sort()).toEqual(['d1', 'd2']);
    const all = createQueue(ws, { week: '2026-W47', size: 10, strata: 'feature', seed: 3, include_undated: true });
    expect(all.items).toHaveLength(10);
    expect(new Set(all.items.map((i) => i.inclusion_probability))).toEqual(new Set([1]));
    const half = createQueue(ws, { week: '2026-W47', size: 5, strata: 'feature', seed: 3, include_undated: true });
    const byStratum = Object.fromEntries(half.strata.map((s) => [s.key, s.population]));
    expect(byStratum).toEqual({ 'feature=a': 9, 'feature=b': 1 });
  });
});

describe('Markdown escaping in the report', () => {
  it('keeps dates and ids readable and makes untrusted text inert', async () => {
    const { mdText: escapeMd } = await import('../report/render-text');
    expect(escapeMd('2026-W47 from 2026-11-16 (UTC)')).toBe('2026-W47 from 2026-11-16 (UTC)');
    expect(escapeMd('<img src=x onerror=alert(1)>')).toBe('\\<img src=x onerror=alert(1)>');
    expect(escapeMd('> quoted', true)).toBe('\\> quoted');
    expect(escapeMd('a | b *bold* [link](http://x) `code` ~~s~~ _i_')).toBe('a \\| b \\*bold\\* \\[link\\](http\\://x) \\`code\\` \\~\\~s\\~\\~ \\_i\\_');
    expect(escapeMd('# heading', true)).toBe('\\# heading');
    expect(escapeMd('- item', true)).toBe('\\- item');
    expect(escapeMd('1. item', true)).toBe('1\\. item');
    expect(escapeMd('line one\nline two')).toBe('line one line two');
    expect(escapeMd('=SUM(A1)', true)).toBe('\\=SUM(A1)');
  });
});

describe('issue 8: the review flow around the frame', () => {
  it('proposes the weeks that have requests, newest first (a gap week is skipped), with the undated count', async () => {
    const ws = await workspace();
    insertRows(ws, [{ id: 'a', ts: W47_START - 3 * WEEK_MS + 5 }, { id: 'b', ts: W47_START + 5 }, { id: 'c', ts: W47_START + 6 }]);
    ws.db.run("INSERT INTO requests (id, ts, input, import_id) VALUES ('u', NULL, 'undated', 1)");
    const w = weeksWithRequests(ws.db, 'UTC');
    expect(w.weeks.map((x) => [x.week, x.requests])).toEqual([['2026-W47', 2], ['2026-W44', 1]]);
    expect(w.undated).toBe(1);
    expect(w.weeks[0]!.from_ts).toBe(W47_START);
  });

  it('a queue with undated requests says so in its name; one holding only undated requests is not filed under a week', async () => {
    const ws = await workspace();
    insertRows(ws, [{ id: 'a', ts: W47_START + 5 }]);
    ws.db.run("INSERT INTO requests (id, ts, input, import_id) VALUES ('u1', NULL, 'x', 1), ('u2', NULL, 'y', 1)");
    const mixed = createQueue(ws, { week: '2026-W47', size: 10, seed: 1, include_undated: true }, 1000);
    expect(listQueues(ws.db)[0]).toMatchObject({ id: mixed.queue_id, name: '2026-W47 + 2 undated review', week: '2026-W47' });
    const onlyUndated = createQueue(ws, { week: '2026-W30', size: 10, seed: 1, include_undated: true }, 1000);
    expect(listQueues(ws.db)[0]).toMatchObject({ id: onlyUndated.queue_id, name: 'Undated requests review', week: null });
    expect(onlyUndated.items.map((i) => i.request_id).sort()).toEqual(['u1', 'u2']);
  });

  it('points at an identical item already reviewed (same input and output) and keeps overlap items blind', async () => {
    const ws = await workspace();
    insertRows(ws, [
      { id: 'a', ts: W47_START + 1, input: 'hello', output: 'Hi! How can I help?' },
      { id: 'b', ts: W47_START + 2, input: 'hello', output: 'Hi! How can I help?' },
      { id: 'c', ts: W47_START + 3, input: 'hello', output: 'Hello there.' },
    ]);
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 3, seed: 1 }, 1000);
    const pos = (id: string) => q.items.find((i) => i.request_id === id)!.position;
    const tag = createTag(ws, { name: 'greeting' });
    expect(getItem(ws, q.queue_id, pos('b')).same_content).toBeNull();
    submitReview(ws, { queue_id: q.queue_id, position: pos('a'), verdicts: FAIL, tag_ids: [tag.id] }, 's', 2000);
    const b = getItem(ws, q.queue_id, pos('b'));
    expect(b.same_content).toMatchObject({ request_id: 'a', queue_id: q.queue_id, position: pos('a'), reviewer: 'Ana', failed: true, verdicts: FAIL });
    expect(b.same_content!.tags.map((t) => t.name)).toEqual(['greeting']);
    // Another output is not the same content.
    expect(getItem(ws, q.queue_id, pos('c')).same_content).toBeNull();
    // Each request keeps its own item and inclusion probability: b is still open and counts once when reviewed.
    submitReview(ws, { queue_id: q.queue_id, position: pos('b'), verdicts: FAIL, tag_ids: [] }, 's', 3000);
    expect(queueEstimates(ws.db, q.queue_id).metrics[0]!).toMatchObject({ n: 2, k: 2 });
    // A later queue with the same rubric version finds it too; on an overlap item only the viewer's own reviews count.
    insertRows(ws, [{ id: 'd', ts: W47_START + 4, input: 'hello', output: 'Hi! How can I help?' }]);
    const q2 = createQueue(ws, { week: '2026-W47', size: 5, seed: 1, overlap: 1 }, 4000);
    const d = q2.items.find((i) => i.request_id === 'd')!;
    expect(getItem(ws, q2.queue_id, d.position).same_content).toMatchObject({ request_id: 'b', reviewer: 'Ana' });
    setReviewer(ws, 'Ben');
    expect(getItem(ws, q2.queue_id, d.position).same_content).toBeNull();
  });

  it('shows each item\'s verdict in the queue list; an overlap item shows only the viewer\'s own', async () => {
    const ws = await workspace();
    insertRows(ws, [{ id: 'a', ts: W47_START + 1 }, { id: 'b', ts: W47_START + 2 }, { id: 'c', ts: W47_START + 3 }]);
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 3, seed: 1 }, 1000);
    submitReview(ws, { queue_id: q.queue_id, position: 1, verdicts: PASS, tag_ids: [] }, 's', 2000);
    submitReview(ws, { queue_id: q.queue_id, position: 2, verdicts: FAIL, tag_ids: [] }, 's', 2000);
    expect(getQueue(ws.db, q.queue_id, 'Ana').items.map((i) => [i.status, i.verdict])).toEqual([['reviewed', 'pass'], ['reviewed', 'fail'], ['open', null]]);
    const o = createQueue(ws, { week: '2026-W47', size: 1, seed: 2, overlap: 1 }, 3000);
    submitReview(ws, { queue_id: o.queue_id, position: 1, verdicts: FAIL, tag_ids: [] }, 's', 4000);
    expect(getQueue(ws.db, o.queue_id, 'Ana').items[0]!.verdict).toBe('fail');
    expect(getQueue(ws.db, o.queue_id, 'Ben').items[0]!.verdict).toBeNull();
  });

  it('plans a design before it exists: half-widths at plausible rates and the size for a precision', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 3000, seed: 2 });
    const plan = planDesign(ws.db, { week: '2026-W47', size: 100, strata: 'feature', oversample: { thumbs_down: 0.1 }, seed: 1 }, 'UTC', 0, { seeds: 100, halfWidth: 0.05, targetRate: 0.1 });
    expect(plan.frame_requests).toBe(3000);
    expect(plan.rates.map((r) => r.rate)).toEqual([0.005, 0.02, 0.1, 0.3]);
    // Wider intervals at higher rates (up to 50%), all finite.
    const hw = plan.rates.map((r) => r.mean_half_width);
    expect(hw[0]!).toBeLessThan(hw[2]!);
    expect(hw[2]!).toBeLessThan(hw[3]!);
    expect(plan.strata.reduce((a, s) => a + s.sampled, 0)).toBe(100);
    expect(plan.target!.size!).toBeGreaterThan(100);
    expect(plan.target!.size!).toBeLessThan(250);
  });
});

describe('the report\'s review section (issue 8)', () => {
  it('states the frame, the failures seen, the skip reasons and the interval method', async () => {
    const ws = await workspace();
    insertSynthetic(ws.db, { n: 300, seed: 6 });
    setReviewer(ws, 'Ana');
    const q = createQueue(ws, { week: '2026-W47', size: 6, seed: 1 }, 1000);
    submitReview(ws, { queue_id: q.queue_id, position: 1, verdicts: FAIL, tag_ids: [] }, 's', 2000);
    submitReview(ws, { queue_id: q.queue_id, position: 2, verdicts: PASS, tag_ids: [] }, 's', 2000);
    skipItem(ws, { queue_id: q.queue_id, position: 3, reason: 'not English' }, 's', 2000);
    skipItem(ws, { queue_id: q.queue_id, position: 4, reason: 'not English' }, 's', 2000);
    skipItem(ws, { queue_id: q.queue_id, position: 5, reason: 'output missing' }, 's', 2000);
    const md = renderReport(ws, { format: 'md', queue_id: q.queue_id }).text;
    expect(md).toContain('Estimates are for all 300 requests of the period; none is left out.');
    expect(md).toContain('1 failure seen among 2 reviewed items.');
    expect(md).toContain('### Skip reasons\n\n- not English: 2 items\n- output missing: 1 item\n');
    expect(md).toContain('95% intervals: Clopper–Pearson interval at the effective sample size (Korn–Graubard degrees of freedom, iid-model variance floor)');
    // Every estimate has an interval, even from 2 reviewed items (no '–' where the method gives one).
    expect(md).toMatch(/\| Failure rate \(any pass\/fail criterion failed\) \| 50\.0% \| 0\.0% – 100\.0% \| 2 \| 1 \| 50\.0% \| Clopper–Pearson, effective n [\d.]+ \|/);
    const json = (JSON.parse(renderReport(ws, { format: 'json', queue_id: q.queue_id }).text) as { review: { data: { section: { skip_reasons: unknown; seen: unknown; frame: { requests: number }; method: { id: string } } } } }).review.data.section;
    expect(json.skip_reasons).toEqual([{ reason: 'not English', items: 2 }, { reason: 'output missing', items: 1 }]);
    expect(json.seen).toEqual({ reviewed: 2, failures: 1, queue_reviewed: 2, queue_failures: 1 });
    expect(json.frame.requests).toBe(300);
    expect(json.method.id).toBe('clopper_pearson_effective');
    const csv = renderReport(ws, { format: 'csv', queue_id: q.queue_id }).text;
    expect(csv).toContain('review_skip,not English,not English,2,');
    expect(csv).toContain('review,failures_seen,Failures seen among reviewed items,1,,,2,1,count,this queue: 1 of 2');
  });
});
