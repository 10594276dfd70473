import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { metricsSeries } from './series';
import { metricsDrift } from './drift';
import { metricsRanking } from './ranking';
import { queryRequests } from '../queries';
import { weekWindow } from './common';
import { percentiles } from '../../../shared/stats';
import { parseParams } from '../../../shared/contract';

const repo = path.resolve(__dirname, '../../..');
const samples = path.join(repo, 'data/samples');
const NOW = Date.UTC(2026, 10, 29);
const PSI = { psi_max: 0.25 };
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-metrics-')); dirs.push(d); return d; };
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

describe('metrics on the demo data (data/samples)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(path.join(tmp(), 'demo.sqlite'), { create: true });
    for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv']) await runImport(ws, path.join(samples, f), {});
  }, 120_000);
  afterAll(() => ws.close());

  it('W40: search-answer error rate ≈ 6.0% against ~1.1% in the other weeks', () => {
    const s = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }, NOW);
    expect(s.buckets.map((b) => b.label)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-W${36 + i}`));
    expect(s.buckets.reduce((n, b) => n + b.requests, 0)).toBe(18000);
    expect(s.buckets[0]!.requests).toBe(1335);
    expect(s.buckets[11]!.requests).toBe(1665);
    const sa = s.breakdown!.groups.find((g) => g.key === 'search-answer')!;
    const w40 = sa.points.find((p) => p.label === '2026-W40')!;
    expect(w40.error_rate!).toBeCloseTo(0.06, 2);
    const others = sa.points.filter((p) => p.label !== '2026-W40');
    const otherRate = others.reduce((n, p) => n + p.errors, 0) / others.reduce((n, p) => n + p.requests, 0);
    expect(otherRate).toBeCloseTo(0.011, 3);
    // All traffic: 182 errors in 18,000 requests; no week of the whole traffic reaches 2%.
    expect(s.buckets.reduce((n, b) => n + b.errors, 0)).toBe(182);
    expect(s.buckets.every((b) => b.error_rate.rate! < 0.02)).toBe(true);
    expect(s.undated_requests).toBe(0);
  });

  it('summarize p95 latency rises about ×1.6 from W43 on; support-chat does not', () => {
    const s = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: { feature: 'summarize' }, breakdown: 'none' }, NOW);
    const p95 = (w: number) => s.buckets.find((b) => b.label === `2026-W${w}`)!.latency.p95!;
    const before = [36, 37, 38, 39, 40, 41, 42].map(p95);
    const after = [44, 45, 46, 47].map(p95);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(after) / mean(before);
    expect(ratio).toBeGreaterThan(1.5);
    expect(ratio).toBeLessThan(1.7);
    // The breach shows per feature in the breakdown of the whole traffic.
    const all = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }, NOW);
    const sum = all.breakdown!.groups.find((g) => g.key === 'summarize')!;
    expect(sum.points.filter((p) => p.p95_ms! > 3000).map((p) => p.label)).toEqual(['2026-W43', '2026-W44', '2026-W45', '2026-W46', '2026-W47']);
    const chat = all.breakdown!.groups.find((g) => g.key === 'support-chat')!;
    const c = (w: string) => chat.points.find((p) => p.label === w)!.p95_ms!;
    expect(c('2026-W45') / c('2026-W41')).toBeGreaterThan(0.8);
    expect(c('2026-W45') / c('2026-W41')).toBeLessThan(1.25);
  });

  it('thumbs, CSAT and NPS follow the README: support-chat thumbs-up falls in W45, NPS only in the survey weeks', () => {
    const s = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }, NOW);
    const thumbs = s.buckets.reduce((n, b) => n + b.thumbs.n, 0);
    expect(thumbs).toBe(1407);
    const nps = s.buckets.filter((b) => b.nps.n > 0).map((b) => [b.label, b.nps.n, Math.round(b.nps.nps! * 10) / 10]);
    expect(nps).toEqual([['2026-W38', 118, 10.2], ['2026-W46', 126, 19.8]]);
    const ratings = s.buckets.reduce((n, b) => n + b.csat.n, 0);
    const satisfied = s.buckets.reduce((n, b) => n + b.csat.satisfied, 0);
    expect(ratings).toBeGreaterThan(850);
    expect(satisfied / ratings).toBeCloseTo(0.699, 2);
    const chat = s.breakdown!.groups.find((g) => g.key === 'support-chat')!.points.find((p) => p.label === '2026-W45')!;
    expect(chat.thumbs_up_rate!).toBeLessThan(0.6);
  });

  it('drift: W45 vs W41-W44 on support-chat flags input length (KS, PSI) and language (chi-square) after BH', () => {
    const d = metricsDrift(ws.db, 'UTC', { current: { week: '2026-W45' }, feature: 'support-chat', alpha: 0.05 }, PSI, NOW);
    expect(d.reference.label).toBe('2026-W41 – 2026-W44');
    expect(d.reference.from_ts).toBe(weekWindow('2026-W41', 'UTC').from_ts);
    expect(d.reference.to_ts).toBe(weekWindow('2026-W45', 'UTC').from_ts);
    const row = (c: string) => d.rows.find((r) => r.column === c)!;
    const input = row('input_chars');
    expect(input.test).toBe('ks');
    expect(input.p_adjusted!).toBeLessThan(0.05);
    expect(input.rejected).toBe(true);
    expect(input.psi!).toBeGreaterThan(0.25);
    expect(input.psi_flag).toBe(true);
    expect(input.mean_current! / input.mean_reference!).toBeGreaterThan(1.6);
    const lang = row('lang');
    expect(lang.test).toBe('chi-square');
    expect(lang.dof).toBe(3);
    expect(lang.p_adjusted!).toBeLessThan(0.05);
    expect(lang.rejected).toBe(true);
    expect(row('feature').insufficient).toBe(true);
    expect(row('feature').p_adjusted).toBeNull();
    // Flagged rows come first.
    const firstUnflagged = d.rows.findIndex((r) => !r.rejected && !r.psi_flag);
    expect(d.rows.slice(firstUnflagged).some((r) => r.rejected || r.psi_flag)).toBe(false);
  });

  it('drift: a quiet week (W42 vs W38-W41) flags nothing for language at 0.05', () => {
    const d = metricsDrift(ws.db, 'UTC', { current: { week: '2026-W42' }, feature: 'support-chat', alpha: 0.05 }, PSI, NOW);
    const lang = d.rows.find((r) => r.column === 'lang')!;
    expect(lang.insufficient).toBe(false);
    expect(lang.rejected).toBe(false);
    expect(lang.p_adjusted!).toBeGreaterThan(0.05);
    expect(d.rows.find((r) => r.column === 'input_chars')!.rejected).toBe(false);
  });

  it('drift defaults to the latest complete week vs the 4 weeks before it', () => {
    const d = metricsDrift(ws.db, 'UTC', { alpha: 0.05 }, PSI, NOW);
    expect(d.current.label).toBe('2026-W47');
    expect(d.current.requests).toBe(1665);
    expect(d.reference.label).toBe('2026-W43 – 2026-W46');
    // While W47 is still running, W46 is the latest complete week.
    const during = metricsDrift(ws.db, 'UTC', { alpha: 0.05 }, PSI, Date.UTC(2026, 10, 20));
    expect(during.current.label).toBe('2026-W46');
  });
});

describe('metrics contract', () => {
  it('validates params and applies defaults', () => {
    expect(parseParams('metrics.series', {}).params).toEqual({ bucket: 'week', filter: {}, breakdown: 'feature' });
    expect(() => parseParams('metrics.series', { bucket: 'month' })).toThrow(/metrics.series payload at bucket/);
    expect(() => parseParams('metrics.series', { filter: { country: 'DE' } })).toThrow(/metrics.series payload at filter/);
    expect(() => parseParams('metrics.drift', { current: { week: '2026-W54' } })).toThrow(/expected an ISO week/);
    expect(parseParams('metrics.ranking', { dim: 'user_id' }).params).toEqual({ dim: 'user_id', filter: {}, top: 10 });
    // The records grid refuses an unknown filter by name instead of ignoring it; user_id is a real filter.
    expect(() => parseParams('requests.query', { filter: { country: ['DE'] } })).toThrow(/requests.query payload at filter/);
    expect((parseParams('requests.query', { filter: { user_id: ['u0004'] } }).params as { filter: unknown }).filter).toEqual({ user_id: ['u0004'] });
    expect(parseParams('metrics.drift', {}).params).toEqual({ alpha: 0.05, source: 'auto' });
    expect(() => parseParams('metrics.drift', { source: 'summaries' })).toThrow(/metrics.drift payload at source/);
  });
});

describe('metrics on a tiny hand-made workspace', () => {
  let ws: Workspace;
  const DAY = 86_400_000;
  const T0 = Date.UTC(2026, 10, 16); // Monday, 2026-W47
  beforeAll(async () => {
    ws = await Workspace.open(path.join(tmp(), 'tiny.sqlite'), { create: true });
    const lat = [120, 135, 150, 180, 200, 220, 250, 300, 450, 1200];
    ws.db.tx(() => {
      lat.forEach((l, i) => ws.db.run(`INSERT INTO requests (id, ts, feature, model, latency_ms, tokens_in, tokens_out, cost_usd, is_error, status)
        VALUES (?, ?, 'chat', 'm1', ?, ?, ?, ?, ?, ?)`, [`r${i}`, T0 + i * 3600_000, l, 100 + i, 10 * i, i < 8 ? 0.001 : null, i === 9 ? 1 : 0, i === 9 ? 'error' : 'ok']));
      ws.db.run("INSERT INTO requests (id, ts, feature, model, latency_ms, is_error) VALUES ('d2', ?, 'chat', 'm1', 500, 0)", [T0 + DAY + 1000]);
      [1, 1, 1, -1].forEach((v, i) => ws.db.run("INSERT INTO feedback (id, request_id, ts, kind, value) VALUES (?, ?, ?, 'thumb', ?)", [`t${i}`, `r${i}`, T0 + 5000 + i, v]));
      [5, 4, 3, 5, 2, 4, 5, 1, 4, 5].forEach((v, i) => ws.db.run("INSERT INTO feedback (id, ts, kind, value, scale) VALUES (?, ?, 'rating', ?, 5)", [`c${i}`, T0 + 6000 + i, v]));
      [10, 9, 8, 7, 6, 0, 10, 9, 3, 9, 10, 5].forEach((v, i) => ws.db.run("INSERT INTO feedback (id, ts, kind, value, scale) VALUES (?, ?, 'nps', ?, 10)", [`n${i}`, T0 + 7000 + i, v]));
    });
  });
  afterAll(() => ws.close());

  it('day buckets: type-7 p50/p95/p99, error rate with Wilson, CSAT top-2-box, NPS', () => {
    const s = metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: {}, breakdown: 'none' }, NOW);
    expect(s.buckets.map((b) => b.label)).toEqual(['2026-11-16', '2026-11-17']);
    const b = s.buckets[0]!;
    expect(b.requests).toBe(10);
    // The same type-7 values shared/stats gives (862.5 up to rounding of 1200 − 450 times 0.55).
    expect(b.latency).toEqual({ ...percentiles([120, 135, 150, 180, 200, 220, 250, 300, 450, 1200]), method: 'exact', relative_error: 0 });
    expect(b.latency.p50).toBe(210);
    expect(b.latency.p95).toBeCloseTo(862.5, 9);
    expect(b.latency.p99).toBeCloseTo(1132.5, 9);
    expect(b.errors).toBe(1);
    expect(b.error_rate.rate).toBe(0.1);
    expect(b.error_rate.low).toBeCloseTo(0.0178762131, 9);
    expect(b.error_rate.high).toBeCloseTo(0.4041500268, 9);
    expect(b.tokens_in_mean).toBe(104.5);
    expect([b.tokens_in_n, b.tokens_out_n]).toEqual([10, 10]);
    // Day 2's only request has no token count: its mean is null and the count says why (0 of 1 request).
    // Its cost is unknown, not $0: the total is null, as the mean is (a script summing totals would read $0 spent).
    expect(s.buckets[1]!).toMatchObject({ requests: 1, tokens_in_mean: null, tokens_in_n: 0, tokens_out_n: 0, cost_n: 0, cost_total_usd: null, cost_mean_usd: null });
    const byModel = metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: {}, breakdown: 'model' }, NOW).breakdown!.groups[0]!;
    expect(byModel.points.map((p) => p.cost_usd)).toEqual([expect.closeTo(0.008, 12), null]);
    expect(b.cost_total_usd).toBeCloseTo(0.008, 12);
    expect(b.cost_n).toBe(8);
    expect(b.cost_mean_usd).toBeCloseTo(0.001, 12);
    expect(b.thumbs).toMatchObject({ up: 3, down: 1, n: 4, rate: 0.75 });
    expect(b.csat).toMatchObject({ csat: 0.7, satisfied: 7, n: 10 });
    expect(b.nps).toMatchObject({ promoters: 6, detractors: 4, passives: 2, n: 12 });
    expect(b.nps.nps!).toBeCloseTo(50 / 3, 12);
    expect(s.buckets[1]!.latency).toEqual({ p50: 500, p95: 500, p99: 500, n: 1, method: 'exact', relative_error: 0 });
  });

  it('a repeated series comes from the cache until requests or feedback change', () => {
    const q = { bucket: 'day' as const, filter: {}, breakdown: 'feature' as const };
    const first = metricsSeries(ws.db, 'UTC', q, NOW);
    expect(first.cached).toBe(false);
    const again = metricsSeries(ws.db, 'UTC', q, NOW);
    expect(again.cached).toBe(true);
    expect(again.buckets).toBe(first.buckets);
    ws.db.run("INSERT INTO requests (id, ts, feature, latency_ms, is_error) VALUES ('d3', ?, 'chat', 700, 1)", [T0 + DAY + 2000]);
    const after = metricsSeries(ws.db, 'UTC', q, NOW);
    expect(after.cached).toBe(false);
    expect(after.buckets[1]!).toMatchObject({ requests: 2, errors: 1, latency: { p50: 600, n: 2 } });
    ws.db.run("INSERT INTO feedback (id, request_id, ts, kind, value) VALUES ('t9', 'd3', ?, 'thumb', -1)", [T0 + DAY + 3000]);
    expect(metricsSeries(ws.db, 'UTC', q, NOW).buckets[1]!.thumbs).toMatchObject({ up: 0, down: 1 });
    ws.db.run("DELETE FROM feedback WHERE id = 't9'");
    ws.db.run("DELETE FROM requests WHERE id = 'd3'");
  });

  it('drift with too few values on a side is reported but never tested', () => {
    const d = metricsDrift(ws.db, 'UTC', { reference: { from_ts: T0, to_ts: T0 + DAY }, current: { from_ts: T0 + DAY, to_ts: T0 + 2 * DAY }, alpha: 0.05 }, PSI, NOW);
    expect(d.rows.every((r) => r.insufficient && !r.rejected && r.p_adjusted === null)).toBe(true);
    expect(d.rows.find((r) => r.column === 'latency_ms')!.note).toContain('at least 30 needed on each side');
    expect(() => metricsDrift(ws.db, 'UTC', { reference: { week: '2026-W47' }, current: { week: '2026-W47' }, alpha: 0.05 }, PSI, NOW)).toThrow(/overlaps/);
  });
});

describe('every dimension: filters, breakdowns with "(other)", hours, undated requests, rankings', () => {
  let ws: Workspace;
  const T0 = Date.UTC(2026, 10, 16); // Monday
  beforeAll(async () => {
    ws = await Workspace.open(path.join(tmp(), 'dims.sqlite'), { create: true });
    ws.db.tx(() => {
      // 15 users u00..u14: user k makes k + 1 requests at hour k; region DE for even users, US for odd; u14 is costly.
      let id = 0;
      for (let k = 0; k < 15; k++) {
        for (let j = 0; j <= k; j++) {
          ws.db.run(`INSERT INTO requests (id, ts, user_id, segment, region, lang, feature, model, model_version, latency_ms, cost_usd, is_error, status)
            VALUES (?, ?, ?, ?, ?, 'en', ?, 'm', 'v1', ?, ?, ?, CASE WHEN ?9 THEN 'error' ELSE 'ok' END)`,
          [`q${id++}`, T0 + k * 3_600_000 + j, `u${String(k).padStart(2, '0')}`, k < 5 ? 'free' : 'pro', k % 2 ? 'US' : 'DE', k % 3 ? 'chat' : 'search', 100 + k, k === 14 ? 1 : 0.01, j === 0 && k % 4 === 0 ? 1 : 0]);
        }
      }
      ws.db.run("INSERT INTO requests (id, ts, user_id, feature) VALUES ('undated1', NULL, 'u00', 'chat'), ('undated2', NULL, 'u01', 'chat')");
      ws.db.run("INSERT INTO feedback (id, request_id, ts, kind, value) VALUES ('f1', 'q119', ?, 'thumb', -1), ('f2', 'q118', ?, 'thumb', 1)", [T0 + 20 * 3_600_000, T0 + 20 * 3_600_000]);
    });
  });
  afterAll(() => ws.close());

  it('filters by segment, region, language and user; says how many requests have no time', () => {
    const q = (filter: Record<string, string>) => metricsSeries(ws.db, 'UTC', { bucket: 'day', filter, breakdown: 'none' }, NOW);
    expect(q({}).buckets[0]!.requests).toBe(120);
    expect(q({}).undated_requests).toBe(2);
    expect(q({ segment: 'free' }).buckets[0]!.requests).toBe(1 + 2 + 3 + 4 + 5);
    expect(q({ region: 'US' }).buckets[0]!.requests).toBe(2 + 4 + 6 + 8 + 10 + 12 + 14);
    expect(q({ user_id: 'u03' }).buckets[0]!.requests).toBe(4);
    expect(q({ user_id: 'u00' }).undated_requests).toBe(1);
    expect(q({ lang: 'de' }).buckets).toEqual([]);
    // Drift leaves them out too, and says so: both are chat requests.
    const d = (feature?: string) => metricsDrift(ws.db, 'UTC', { current: { from_ts: T0, to_ts: T0 + 86_400_000 }, ...(feature ? { feature } : {}), alpha: 0.05 }, { psi_max: 0.25 }, NOW).undated_requests;
    expect([d(), d('chat'), d('search')]).toEqual([2, 2, 0]);
  });

  it('drift counts requests without a value in a numeric column (n without value) instead of dropping them silently', () => {
    const d = metricsDrift(ws.db, 'UTC', { reference: { from_ts: T0 - 86_400_000, to_ts: T0 }, current: { from_ts: T0, to_ts: T0 + 86_400_000 }, alpha: 0.05 }, { psi_max: 0.25 }, NOW);
    const row = (c: string) => d.rows.find((r) => r.column === c)!;
    // Every dated request of the day has a latency and a cost; none has a token count.
    expect([row('latency_ms').n_current, row('latency_ms').n_without_value_current]).toEqual([120, 0]);
    expect([row('tokens_in').n_current, row('tokens_in').n_without_value_current]).toEqual([0, 120]);
    // Categorical columns keep a missing value as the category "(none)": nothing is left out there.
    expect(row('lang').n_without_value_current).toBe(0);
    expect(row('lang').n_current).toBe(120);
    ws.db.run("INSERT INTO requests (id, ts, user_id, feature, lang, latency_ms) VALUES ('nolat1', ?, 'u00', 'chat', 'en', NULL), ('nolat2', ?, 'u00', 'chat', 'en', NULL)", [T0 + 5, T0 + 6]);
    try {
      const d2 = metricsDrift(ws.db, 'UTC', { reference: { from_ts: T0 - 86_400_000, to_ts: T0 }, current: { from_ts: T0, to_ts: T0 + 86_400_000 }, alpha: 0.05 }, { psi_max: 0.25 }, NOW);
      const lat = d2.rows.find((r) => r.column === 'latency_ms')!;
      expect([lat.n_current, lat.n_without_value_current, d2.current.requests]).toEqual([120, 2, 122]);
    } finally {
      ws.db.run("DELETE FROM requests WHERE id IN ('nolat1', 'nolat2')");
    }
  });

  it('feedback without a time counts at its request\'s time; without either it is counted as left out', () => {
    const before = metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: {}, breakdown: 'none' }, NOW);
    expect(before.undated_feedback).toEqual({ thumbs: 0, ratings: 0, nps: 0 });
    ws.db.run("INSERT INTO feedback (id, request_id, ts, kind, value) VALUES ('nt1', 'q0', NULL, 'thumb', 1), ('nt2', 'undated1', NULL, 'thumb', -1), ('nt3', NULL, NULL, 'nps', 9)");
    try {
      const s = metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: {}, breakdown: 'none' }, NOW);
      expect(s.buckets[0]!.thumbs.n).toBe(before.buckets[0]!.thumbs.n + 1);
      expect(s.buckets[0]!.thumbs.up).toBe(before.buckets[0]!.thumbs.up + 1);
      expect(s.undated_feedback).toEqual({ thumbs: 1, ratings: 0, nps: 1 });
      // With a filter, only feedback on matching requests: undated1 is u00's.
      expect(metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: { user_id: 'u00' }, breakdown: 'none' }, NOW).undated_feedback).toEqual({ thumbs: 1, ratings: 0, nps: 0 });
      expect(metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: { user_id: 'u01' }, breakdown: 'none' }, NOW).undated_feedback).toEqual({ thumbs: 0, ratings: 0, nps: 0 });
    } finally {
      ws.db.run("DELETE FROM feedback WHERE id IN ('nt1', 'nt2', 'nt3')");
    }
  });

  it('breaks down by user: the 12 busiest users, then "(other)" with the rest, adding up to the totals', () => {
    const s = metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: {}, breakdown: 'user_id' }, NOW);
    const g = s.breakdown!;
    expect(g.by).toBe('user_id');
    expect(g.groups.map((x) => x.key)).toEqual(['u14', 'u13', 'u12', 'u11', 'u10', 'u09', 'u08', 'u07', 'u06', 'u05', 'u04', 'u03', '(other)']);
    expect(g.other_values).toBe(3);
    expect(g.groups.find((x) => x.key === '(other)')!.points[0]!.requests).toBe(1 + 2 + 3);
    expect(g.groups.reduce((n, x) => n + x.points[0]!.requests, 0)).toBe(120);
    expect(g.groups.reduce((n, x) => n + (x.points[0]!.cost_usd ?? 0), 0)).toBeCloseTo(s.buckets[0]!.cost_total_usd!, 9);
    expect(g.groups.find((x) => x.key === 'u14')!.points[0]!.thumbs_n).toBe(2);
    const region = metricsSeries(ws.db, 'UTC', { bucket: 'day', filter: {}, breakdown: 'region' }, NOW).breakdown!;
    expect(region.groups.map((x) => [x.key, x.points[0]!.requests])).toEqual([['US', 56], ['DE', 64]].sort((a, b) => (b[1] as number) - (a[1] as number)));
  });

  it('the records grid filters by user, region, segment, language, model version and error (a user filter was ignored before)', () => {
    const q = (filter: Record<string, unknown>) => queryRequests(ws.db, parseParams('requests.query', { limit: 1000, filter }).params as never);
    expect(q({ user_id: ['u03'] }).rows.map((r) => r.user_id)).toEqual(['u03', 'u03', 'u03', 'u03']);
    expect(q({ user_id: ['u03'] }).total).toBe(4);
    expect(q({ region: ['US'], segment: ['free'] }).total).toBe(2 + 4);
    expect(q({ lang: ['en'], model_version: ['v1'] }).total).toBe(120);
    expect(q({ is_error: true }).rows.map((r) => r.user_id).sort()).toEqual(['u00', 'u04', 'u08', 'u12']);
    expect(q({ region: ['US'] }).rows[0]!.region).toBe('US');
  });

  it('throughput per hour', () => {
    const s = metricsSeries(ws.db, 'UTC', { bucket: 'hour', filter: {}, breakdown: 'none', from_ts: T0, to_ts: T0 + 86_400_000 }, NOW);
    expect(s.buckets).toHaveLength(24);
    expect(s.buckets[0]!.label).toBe('2026-11-16 00:00');
    expect(s.buckets.slice(0, 16).map((b) => b.requests)).toEqual([...Array.from({ length: 15 }, (_, k) => k + 1), 0]);
    expect(() => metricsSeries(ws.db, 'UTC', { bucket: 'hour', filter: {}, breakdown: 'none', from_ts: T0, to_ts: T0 + 60 * 86_400_000 }, NOW)).toThrow(/more than 1000 hour buckets/);
  });

  it('ranks users by volume and cost, features by error rate, with per-user cost and "(other)"', () => {
    const r = metricsRanking(ws.db, { dim: 'user_id', filter: {}, top: 3 });
    expect(r.values).toBe(15);
    expect(r.total.requests).toBe(122);
    expect(r.by_volume.map((x) => [x.key, x.requests])).toEqual([['u14', 15], ['u13', 14], ['u12', 13], ['(other) (12)', 80]]);
    expect(r.by_cost[0]).toMatchObject({ key: 'u14', cost_usd: 15 });
    expect(r.by_cost[0]!.cost_per_request_usd).toBe(1);
    expect(r.cost_per_value.mean).toBeCloseTo((15 + 0.01 * (120 - 15)) / 15, 12);
    expect(r.cost_per_value.median).toBeCloseTo(0.08, 12);
    const f = metricsRanking(ws.db, { dim: 'feature', filter: {}, top: 5, from_ts: T0, to_ts: T0 + 86_400_000 });
    expect(f.by_volume.map((x) => x.key)).toEqual(['chat', 'search']);
    const search = f.by_volume.find((x) => x.key === 'search')!;
    expect(search.requests).toBe(1 + 4 + 7 + 10 + 13);
    expect(search.errors).toBe(2); // users 0 and 12
    expect(f.by_error_rate[0]!.key).toBe('search');
    expect(search.users).toBe(5);
  });

  it('the thumbs-down list holds only values with thumbs: empty when the range has none, not an "(other)" of 0/0', () => {
    // Hours 0-9 hold no thumb (the two are on u14's requests at hour 14).
    const none = metricsRanking(ws.db, { dim: 'feature', filter: {}, top: 8, from_ts: T0, to_ts: T0 + 10 * 3_600_000 });
    expect(none.total.thumbs).toBe(0);
    expect(none.by_thumbs_down).toEqual([]);
    // The error-rate list is unchanged: chat 2 errors in 33 requests, search 1 in 22, both at least 20.
    expect(none.by_error_rate.map((x) => [x.key, x.errors, x.requests])).toEqual([['chat', 2, 33], ['search', 1, 22]]);
    // The whole day: chat's 2 thumbs (1 down) are below the 20 a rate needs, so they are summed in "(other)", and
    // search, with no thumb, is not counted among its values.
    const day = metricsRanking(ws.db, { dim: 'feature', filter: {}, top: 8, from_ts: T0, to_ts: T0 + 86_400_000 });
    expect(day.by_thumbs_down.map((x) => [x.key, x.thumbs, x.thumbs_down, x.thumbs_down_rate])).toEqual([['(other) (1)', 2, 1, 0.5]]);
  });
});
