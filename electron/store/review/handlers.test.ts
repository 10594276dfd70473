/**
 * The review methods through StoreService.dispatch: contract validation, tables.changed events, the default
 * session for undo, and the blind rule as the renderer sees it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../../shared/contract';
import { LoupeError } from '../../../shared/errors';
import { StoreService } from '../handlers';
import { Workspace } from '../workspace';
import { insertSynthetic } from './test-fixtures';

const dirs: string[] = [];
const services: StoreService[] = [];
afterEach(() => {
  while (services.length) services.pop()!.close();
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

async function service(): Promise<{ svc: StoreService; events: Array<EventMap['tables.changed']> }> {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-review-svc-'));
  dirs.push(d);
  const file = path.join(d, 'w.sqlite');
  const ws = await Workspace.open(file, { create: true });
  insertSynthetic(ws.db, { n: 400, seed: 6 });
  ws.checkpoint();
  ws.close();
  const events: Array<EventMap['tables.changed']> = [];
  const svc = new StoreService((event, payload) => { if (event === 'tables.changed') events.push(payload as EventMap['tables.changed']); }, { checkpointIdleMs: 60_000 });
  services.push(svc);
  await svc.dispatch('internal.open', { path: file });
  return { svc, events };
}

async function error(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof LoupeError ? `${e.code}: ${e.message}` : String(e);
  }
}

describe('review methods through the store service', () => {
  it('validates params at the boundary with the field named', async () => {
    const { svc } = await service();
    expect(await error(svc.dispatch('queues.create', { week: '2026-47', size: 10 } as never))).toBe('BAD_REQUEST: Invalid queues.create payload at week: expected an ISO week such as 2026-W47');
    expect(await error(svc.dispatch('queues.create', { week: '2026-W47', size: 10, oversample: { error: 0.8, slow: 0.5 } }))).toBe('BAD_REQUEST: Invalid queues.create payload at (payload): oversample shares must sum to at most 1');
    expect(await error(svc.dispatch('queues.create', { week: '2026-W47', size: 10, strata: 'input' }))).toMatch(/^BAD_REQUEST: Invalid queues.create payload at strata: expected a request column/);
    expect(await error(svc.dispatch('tags.create', { name: 'x', colour: 'red' }))).toBe('BAD_REQUEST: Invalid tags.create payload at colour: expected a colour such as #d9480f');
  });

  it('reviews, undoes in the default session, emits tables.changed, and keeps overlap items blind', async () => {
    const { svc, events } = await service();
    await svc.dispatch('review.setReviewer', { name: 'Ana' });
    const q = await svc.dispatch('queues.create', { week: '2026-W47', size: 8, overlap: 1, seed: 2 });
    expect(events.map((e) => e.tables)).toEqual([['meta'], ['queues']]);
    const tag = await svc.dispatch('tags.create', { name: 'refusal', description: 'Refuses a fair request' });
    const r1 = await svc.dispatch('review.submit', { queue_id: q.queue_id, position: 1, verdicts: { correct: 'fail', safe: 'pass', helpful: 2 }, tag_ids: [tag.id], note: 'A only' });
    await svc.dispatch('review.submit', { queue_id: q.queue_id, position: 2, verdicts: { correct: 'pass', safe: 'pass' } });
    expect(r1.durable_ms).toBeLessThan(100);
    expect(events.at(-1)).toEqual({ tables: ['reviews'] });
    const undo = await svc.dispatch('review.undo', {});
    expect(undo.undone).toMatchObject({ position: 2, queue_id: q.queue_id });
    expect(undo.session_id).toBe(r1.session_id);
    expect((await svc.dispatch('review.nextOpen', { queue_id: q.queue_id, from: 1 })).position).toBe(2);
    await svc.dispatch('review.setReviewer', { name: 'Ben' });
    const blind = await svc.dispatch('review.item', { queue_id: q.queue_id, position: 1 });
    expect(blind).toMatchObject({ blind: true, hidden_reviews: 1, earlier_reviews: [], mine: null, reviewer: 'Ben', next_open: 2 });
    expect(JSON.stringify(blind)).not.toMatch(/A only|refusal|"fail"/);
    expect(blind.request.id).toBe(q.items[0]!.request_id);
    expect(blind.rubric.version).toBe(1);
    const list = await svc.dispatch('queues.list', {});
    expect(list[0]).toMatchObject({ id: q.queue_id, size: 8, reviewed: 1, overlap_items: 8, overlap_done: 0, reviewers: [{ reviewer: 'Ana', reviewed: 1, skipped: 0 }] });
    const exp = await svc.dispatch('edgeCases.export', { format: 'jsonl' });
    expect(exp.count).toBe(1);
    expect(JSON.parse(exp.text.trim())).toMatchObject({ request_id: q.items[0]!.request_id, tags: ['refusal'], notes: [{ reviewer: 'Ana', note: 'A only' }] });
    const rep = await svc.dispatch('report.weekly', { week: '2026-W47', format: 'md' });
    expect(rep.file_name).toBe('loupe-report-2026-W47.md');
    expect(rep.text).toContain('1 of 8 queued items reviewed');
  });
});
