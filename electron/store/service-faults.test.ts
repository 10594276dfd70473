/**
 * Faults the store service and its client survive: the background save on a full disk is reported and retried (the
 * worker keeps answering), a dead worker is restarted with the workspace reopened (or a blocking error after
 * repeated deaths), and the fair scheduler keeps one caller's flood of calls from holding up another caller.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../shared/contract';
import type { LoupeError } from '../../shared/errors';
import { StoreClient } from './client';
import { StoreService } from './handlers';
import { journalPath } from './journal';
import { FairQueue, HALF_LIFE_MS } from './scheduler';
import { useTempWorkspaces } from './testing/temp';
import { saveIo, Workspace } from './workspace';

const { tmpDir } = useTempWorkspaces('loupe-faults-');
const realWrite = saveIo.write;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  saveIo.write = realWrite;
  while (cleanups.length) await cleanups.pop()!();
});

describe('the background save on a full disk', () => {
  it('is shown (workspace.saveStatus with DISK_FULL), logged and retried; the store keeps answering; decisions stay in the journal', async () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    const events: Array<EventMap['workspace.saveStatus']> = [];
    const logs: string[] = [];
    const svc = new StoreService((event, payload) => { if (event === 'workspace.saveStatus') events.push(payload as EventMap['workspace.saveStatus']); },
      { checkpointIdleMs: 10, saveRetryMs: [20, 40], log: (_l, m) => logs.push(m) });
    cleanups.push(() => svc.close());
    await svc.dispatch('internal.open', { path: file });
    let full = true;
    saveIo.write = (fd, data, off, len) => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return realWrite(fd, data, off, len);
    };
    await svc.dispatch('review.setReviewer', { name: 'Ada' });
    while (events.length < 2) await new Promise((r) => setTimeout(r, 5));
    const first = events[0]!;
    expect(first.ok).toBe(false);
    if (!first.ok) {
      expect(first.error.code).toBe('DISK_FULL');
      expect(first.error.message).toMatch(/^The workspace could not be saved: the disk holding .* is full \(ENOSPC\)\. Nothing confirmed was lost/);
      expect(first.error.action).toBe('Free some space on that disk; Loupe retries the save by itself.');
      expect(first.retry_in_ms).toBe(20);
    }
    expect(events[1]).toMatchObject({ ok: false, attempts: 2, retry_in_ms: 40 });
    expect(logs[0]).toMatch(/^background save of .* failed \(attempt 1, retrying in 0.02 s\)/);
    // The store still answers and still confirms decisions (to the journal).
    expect((await svc.dispatch('review.getReviewer', {})).reviewer).toBe('Ada');
    await svc.dispatch('tags.create', { name: 'still-works' });
    expect(fs.readFileSync(journalPath(file), 'utf8')).toContain('still-works');
    // Space comes back: the next retry saves and says so.
    full = false;
    while (!events.some((e) => e.ok)) await new Promise((r) => setTimeout(r, 5));
    expect(events.at(-1)).toMatchObject({ ok: true });
    expect(fs.existsSync(journalPath(file))).toBe(false);
  });
});

describe('a store worker that dies', () => {
  it('is restarted: the running call fails with STORE_RESTARTED, the workspace is reopened from file and journal, store.status says so', async () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    const client = StoreClient.start({ log: () => undefined });
    cleanups.push(() => client.kill());
    const status: Array<EventMap['store.status']> = [];
    client.on('store.status', (s) => status.push(s));
    await client.call('internal.open', { path: file, create: true });
    await client.call('review.setReviewer', { name: 'Ada' });
    const pending = client.call('workspace.info', {});
    await client.crashForTest();
    const e = await pending.then(() => null, (x: unknown) => x as LoupeError);
    expect(e?.code).toBe('STORE_RESTARTED');
    expect(e?.message).toMatch(/^The store stopped unexpectedly \(it exited with code 1\) and was restarted\. This action did not complete; everything confirmed before it is kept\.$/);
    // The next call waits for the reopen and sees the journaled decision.
    expect((await client.call('review.getReviewer', {})).reviewer).toBe('Ada');
    expect(status).toEqual([expect.objectContaining({ state: 'restarted', restarts: 1 })]);
  });

  it('after more than 3 deaths in a minute the client stops restarting and reports failed (the app shows a blocking screen)', async () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    const client = StoreClient.start({ log: () => undefined });
    cleanups.push(() => client.kill());
    const status: Array<EventMap['store.status']> = [];
    client.on('store.status', (s) => status.push(s));
    await client.call('internal.open', { path: file, create: true });
    for (let i = 0; i < 4; i++) {
      await client.call('workspace.info', {});
      await client.crashForTest();
    }
    const e = await client.call('workspace.info', {}).then(() => null, (x: unknown) => x as LoupeError);
    expect(e?.code).toBe('STORE_RESTARTED');
    expect(e?.message).toMatch(/^The store stopped 4 times within a minute/);
    expect(status.at(-1)).toMatchObject({ state: 'failed', restarts: 4 });
  });
});

describe('the fair scheduler', () => {
  it('serves a caller that asks now and then before a caller that keeps the worker busy, in order within each caller', () => {
    let now = 0;
    const q = new FairQueue<string>(() => now);
    // A script has used the worker for 500 ms recently; the screen for 3 ms.
    q.charge('script', 500);
    q.charge('ui', 3);
    for (let i = 0; i < 50; i++) q.push('script', `s${i}`);
    q.push('ui', 'u0');
    q.push('ui', 'u1');
    expect(q.shift()).toEqual({ caller: 'ui', item: 'u0' });
    q.charge('ui', 3);
    expect(q.shift()).toEqual({ caller: 'ui', item: 'u1' });
    expect(q.shift()).toEqual({ caller: 'script', item: 's0' });
    // Charges decay with a half-life: after twenty of them the heavy user's charge is all but gone.
    now += 20 * HALF_LIFE_MS;
    expect(q.charged('script')).toBeLessThan(0.001);
    expect(q.charged('script')).toBeCloseTo(500 * 0.5 ** 20, 9);
    q.push('ui', 'u2');
    expect(q.shift()).toEqual({ caller: 'ui', item: 'u2' });
    expect(q.shift()).toEqual({ caller: 'script', item: 's1' });
    expect(q.length).toBe(48);
  });

  it('shares the worker evenly between equally busy callers', () => {
    const q = new FairQueue<number>(() => 0);
    for (let i = 0; i < 10; i++) { q.push('a', i); q.push('b', i); }
    const order: string[] = [];
    for (let i = 0; i < 20; i++) {
      const n = q.shift()!;
      order.push(n.caller);
      q.charge(n.caller, 5);
    }
    expect(order.join('')).toBe('ab'.repeat(10));
  });
});
