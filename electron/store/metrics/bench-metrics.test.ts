/**
 * Timing of metrics.series and metrics.drift on 1M synthetic requests over 12 ISO weeks (the scale TOOLCHAIN.md
 * measured). Slow (≈1 min to build the workspace), so it runs only with LOUPE_BENCH=1:
 *   LOUPE_BENCH=1 npx vitest run electron/store/metrics/bench-metrics.test.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../workspace';
import { insertSynthetic, W47_START, WEEK_MS } from '../review/test-fixtures';
import { metricsSeries } from './series';
import { metricsDrift } from './drift';

const N = 1_000_000;

describe.skipIf(!process.env.LOUPE_BENCH)('metrics on 1M requests (LOUPE_BENCH=1)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-metrics-bench-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('series by week and by day, and drift, stay interactive', async () => {
    const ws = await Workspace.open(path.join(dir, 'bench.sqlite'), { create: true });
    try {
      const t0 = performance.now();
      insertSynthetic(ws.db, { n: N, seed: 7, start: W47_START - 11 * WEEK_MS, span: 12 * WEEK_MS });
      const insertMs = performance.now() - t0;
      const plan = ws.db.all<{ detail: string }>('EXPLAIN QUERY PLAN SELECT latency_ms FROM requests r WHERE r.ts >= ? AND r.ts < ? AND +latency_ms IS NOT NULL ORDER BY +latency_ms LIMIT 2 OFFSET ?', [0, 1, 0]).map((r) => r.detail);
      const time = <T>(f: () => T): [T, number] => { const s = performance.now(); const r = f(); return [r, performance.now() - s]; };
      const [week, weekMs] = time(() => metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }));
      const [, weekBdMs] = time(() => metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }));
      const [day, dayMs] = time(() => metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: {}, breakdown: 'none' }));
      const [, featMs] = time(() => metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: { feature: 'chat' }, breakdown: 'none' }));
      const [, cachedMs] = time(() => metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }));
      const [, driftMs] = time(() => metricsDrift(ws.db, 'UTC', { current: { week: '2026-W47' }, alpha: 0.05 }, { psi_max: 0.25 }));
      console.log(JSON.stringify({ insertMs: Math.round(insertMs), plan, weekMs: Math.round(weekMs), weekWithBreakdownMs: Math.round(weekBdMs), dayMs: Math.round(dayMs), cachedMs: Math.round(cachedMs), featureFilterMs: Math.round(featMs), driftMs: Math.round(driftMs) }));
      expect(week.buckets.reduce((n, b) => n + b.requests, 0)).toBe(N);
      expect(day.buckets).toHaveLength(84);
      expect(plan.join(' ')).toContain('requests_ts');
      expect(cachedMs).toBeLessThan(100);
    } finally {
      ws.close();
    }
  }, 600_000);
});
