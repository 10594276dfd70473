import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsDrift, MetricsSeries } from '../../shared/contract-metrics';
import { loupe } from './run-cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-metrics-'));
const ws = path.join(dir, 'w.sqlite');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 8, 28, 9); // Monday of 2026-W40, 09:00 UTC
const H = 3_600_000;

describe('loupe metrics', () => {
  beforeAll(() => {
    // 2026-W40: 10 requests (chat: 6, 2 of them errors; search: 4 without a status); W41: 5 chat requests, all ok.
    const reqs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const chat = i < 6;
      reqs.push(JSON.stringify({ request_id: `a${i}`, timestamp: new Date(T0 + i * H).toISOString(), feature: chat ? 'chat' : 'search', model: 'm', input: 'q', output: 'a',
        latency_ms: 100 * (i + 1), ...(chat ? { status: i < 2 ? 'error' : 'ok' } : {}) }));
    }
    for (let i = 0; i < 5; i++) reqs.push(JSON.stringify({ request_id: `b${i}`, timestamp: new Date(T0 + 7 * 24 * H + i * H).toISOString(), feature: 'chat', model: 'm', input: 'q', output: 'a', latency_ms: 50, status: 'ok' }));
    fs.writeFileSync(path.join(dir, 'req.jsonl'), `${reqs.join('\n')}\n`);
    const fb = [
      { feedback_id: 'f1', request_id: 'a0', type: 'thumb', value: 'up' }, { feedback_id: 'f2', request_id: 'a1', type: 'thumb', value: 'down' },
      { feedback_id: 'f3', request_id: 'a2', type: 'csat', value: 5 }, { feedback_id: 'f4', request_id: 'a3', type: 'rating', value: 7, scale: 10 },
    ];
    fs.writeFileSync(path.join(dir, 'fb.jsonl'), `${fb.map((x) => JSON.stringify(x)).join('\n')}\n`);
    for (const f of ['req.jsonl', 'fb.jsonl']) {
      const r = loupe('import', path.join(dir, f), '--workspace', ws);
      if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
    }
  }, 120_000);

  it('--json prints the series: per ISO week its requests, error rate over requests with a status, latency, feedback, and what is left out', () => {
    const r = loupe('metrics', '--workspace', ws, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as MetricsSeries;
    expect(s).not.toHaveProperty('elapsed_ms');
    expect(s.buckets.map((b) => [b.label, b.requests, b.error_rate.k, b.error_rate.n])).toEqual([['2026-W40', 10, 2, 6], ['2026-W41', 5, 0, 5]]);
    expect(s.buckets[0]!.latency).toMatchObject({ p50: 550, n: 10, method: 'exact' });
    expect(s.buckets[0]!.thumbs).toMatchObject({ up: 1, down: 1, n: 2 });
    expect(s.buckets[0]!.csat).toMatchObject({ n: 1, satisfied: 1 });
    expect(s.feedback_not_charted).toEqual({ ratings: 1, nps: 0, automated: 0 });
    expect(s.breakdown).toBeNull();
  });

  it('filters by a request column, buckets by day, and breaks down by a column', () => {
    const chat = JSON.parse(loupe('metrics', '--workspace', ws, '--feature', 'chat', '--json').stdout) as MetricsSeries;
    expect(chat.filter).toEqual({ feature: 'chat' });
    expect(chat.buckets.map((b) => b.requests)).toEqual([6, 5]);
    const days = JSON.parse(loupe('metrics', '--workspace', ws, '--bucket', 'day', '--from', '2026-09-28', '--to', '2026-09-29', '--breakdown', 'feature', '--json').stdout) as MetricsSeries;
    expect(days.buckets.map((b) => [b.label, b.requests])).toEqual([['2026-09-28', 10]]);
    expect(days.breakdown!.groups.map((g) => [g.key, g.points[0]!.requests, g.points[0]!.with_status])).toEqual([['chat', 6, 6], ['search', 4, 0]]);
  });

  it('prints a table with the error rate unknown where no request has a status, and says what is left out', () => {
    const r = loupe('metrics', '--workspace', ws, '--feature', 'search');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^bucket\s+requests\s+error rate\s+p50 ms/);
    expect(lines[1]).toMatch(/^2026-W40\*?\s+4\s+unknown\s+850\s/);
    const all = loupe('metrics', '--workspace', ws).stdout;
    expect(all).toContain('33.3% (2/6)');
    expect(all).toContain('1 rating is not CSAT (another scale, such as 1-10, or not a whole 1-5): left out.');
  });

  it('drift compares two ISO weeks per column; on 5 and 10 requests every test says it has too few values', () => {
    const r = loupe('drift', '--workspace', ws, '--current', '2026-W41', '--reference', '2026-W40', '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as MetricsDrift;
    expect([d.reference.label, d.reference.requests, d.current.label, d.current.requests]).toEqual(['2026-W40', 10, '2026-W41', 5]);
    expect(d).not.toHaveProperty('elapsed_ms');
    const feature = d.rows.find((x) => x.column === 'feature')!;
    expect(feature).toMatchObject({ test: 'chi-square', n_reference: 10, n_current: 5, insufficient: true, rejected: false });
    const text = loupe('drift', '--workspace', ws, '--current', '2026-W41', '--reference', '2026-W40').stdout;
    expect(text).toContain('Drift of 2026-W41 (5 requests) against 2026-W40 (10)');
    expect(text).toMatch(/^feature\s+chi-square\s.*too few values/m);
    expect(loupe('drift', '--workspace', ws, '--current', 'W41').code).toBe(2);
    expect(loupe('drift', '--workspace', ws, '--alpha', '1.5').code).toBe(2);
  });

  it('bad usage exits 2 before opening the workspace', () => {
    expect(loupe('metrics', '--workspace', ws, '--bucket', 'month').code).toBe(2);
    expect(loupe('metrics', '--workspace', ws, '--from', 'yesterday').code).toBe(2);
    expect(loupe('metrics', '--workspace', ws, '--from', '2026-10-02', '--to', '2026-10-01').code).toBe(2);
    expect(loupe('metrics', '--workspace', ws, '--breakdown', 'colour').code).toBe(2);
    expect(loupe('metrics').code).toBe(2);
  });
});
