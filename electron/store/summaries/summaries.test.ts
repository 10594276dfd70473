/**
 * The request summaries against the rows they summarise, on the demo workspace (data/samples: 18,000 requests over
 * 12 ISO weeks): every cell, every day and ISO week (UTC and a zone with DST), every metrics.series figure with and
 * without a breakdown or filter, every alert aggregate and the slice panel's weekly points. Counts, sums and error
 * rates must be exact; percentiles exact where the set holds ≤ 100 values and within the sketch's stated relative
 * error (1%) otherwise. Then the ways summaries change: a failed import leaves them as they were; an UPDATE (a price
 * re-derive) or a DELETE marks hours stale and the next read is right; a workspace from before migration 8 builds
 * them at migration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { quantileSorted } from '../../../shared/stats';
import { Db, loadSqlJs } from '../db';
import { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { metricsSeries, type SeriesInput } from '../metrics/series';
import { metricsDrift } from '../metrics/drift';
import { dimensionOptions } from '../metrics/options';
import { sqlAlertSource } from '../alerts/source';
import { Aggregates, dayStarts } from '../alerts/aggregate';
import { sliceContext } from '../alerts/slice';
import { migrate } from '../migrations';
import { dayCellsFor, DIST_COLUMNS, HOUR_MS, SLICE_DIMS, hourOf, summariesPending } from './build';
import { Dist, EXACT_MAX, SKETCH_RELATIVE_ACCURACY } from './dist';
import { eachCell, setSummariesEnabled } from './read';
import { feedbackTraits } from '../feedback/traits';
import { ticketRates } from '../tickets/analysis';
import { feedbackTraitsSchema, TRAIT_DIMENSIONS } from '../../../shared/contract-feedback';
import type { MetricsSeries } from '../../../shared/contract-metrics';

const repo = path.resolve(__dirname, '../../..');
const samples = path.join(repo, 'data/samples');
const NOW = Date.UTC(2026, 10, 29);
const PS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-summaries-')); dirs.push(d); return d; };
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

interface RawRow { ts: number; slice: Array<string | null>; is_error: number; vals: Array<number | null> }

function rawRows(db: Db): RawRow[] {
  return db.all<Record<string, number | string | null>>(`SELECT ts, ${SLICE_DIMS.join(', ')}, is_error, ${DIST_COLUMNS.join(', ')} FROM requests WHERE ts IS NOT NULL`)
    .map((r) => ({ ts: r.ts as number, slice: SLICE_DIMS.map((d) => r[d] as string | null), is_error: r.is_error as number, vals: DIST_COLUMNS.map((c) => r[c] as number | null) }));
}

/** Exact type-7 quantile of values. */
const exactQ = (vals: number[], p: number) => quantileSorted(Float64Array.from(vals).sort(), p);

/** A percentile from the summaries against the exact one: equal when exact, within the stated relative error else. */
function expectQuantile(got: number | null, exact: number | null, method: 'exact' | 'sketch', relErr: number, what: string): void {
  if (exact === null) { expect(got, what).toBeNull(); return; }
  expect(got, what).not.toBeNull();
  if (method === 'exact') {
    expect(relErr, what).toBe(0);
    expect(got!, what).toBeCloseTo(exact, 9);
  } else {
    expect(relErr, what).toBe(SKETCH_RELATIVE_ACCURACY);
    // The stated bound, plus float rounding.
    expect(Math.abs(got! - exact), `${what}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(relErr * Math.abs(exact) + 1e-9);
  }
}

/** Sums that must be exact up to float addition order. */
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Summary figures of a group of cells against the raw rows of the same group. */
function compareGroup(cells: Dist[] | null, merged: { n: number; errors: number; tiSum: number; tiN: number; toSum: number; toN: number; cost: number; costSq: number; costN: number; dists: Dist[] }, rows: RawRow[], what: string): { sketched: number; exact: number } {
  void cells;
  expect(merged.n, `${what} n`).toBe(rows.length);
  expect(merged.errors, `${what} errors`).toBe(rows.filter((r) => r.is_error === 1).length);
  const col = (j: number) => rows.map((r) => r.vals[j]).filter((v): v is number => typeof v === 'number');
  expect(merged.tiSum, `${what} tokens_in sum`).toBe(col(1).reduce((a, b) => a + b, 0));
  expect(merged.tiN, `${what} tokens_in n`).toBe(col(1).length);
  expect(merged.toSum, `${what} tokens_out sum`).toBe(col(2).reduce((a, b) => a + b, 0));
  expect(merged.toN, `${what} tokens_out n`).toBe(col(2).length);
  expect(close(merged.cost, col(3).reduce((a, b) => a + b, 0)), `${what} cost sum`).toBe(true);
  expect(close(merged.costSq, col(3).reduce((a, b) => a + b * b, 0)), `${what} cost sum of squares`).toBe(true);
  expect(merged.costN, `${what} cost n`).toBe(col(3).length);
  let sketched = 0;
  let exact = 0;
  DIST_COLUMNS.forEach((c, j) => {
    const vals = col(j);
    const d = merged.dists[j]!;
    expect(d.n, `${what} ${c} n`).toBe(vals.length);
    expect(d.method, `${what} ${c} method`).toBe(vals.length <= EXACT_MAX ? 'exact' : 'sketch');
    if (d.method === 'sketch') sketched++; else exact++;
    const sorted = Float64Array.from(vals).sort();
    if (d.method === 'exact') {
      // Exact: the very values, so every type-7 quantile is the one the rows give.
      expect(d.sorted(), `${what} ${c} values`).toEqual(sorted);
      expectQuantile(d.quantile(0.95), vals.length ? quantileSorted(sorted, 0.95) : null, 'exact', d.relativeError, `${what} ${c} p95`);
      return;
    }
    for (const p of PS) expectQuantile(d.quantile(p), vals.length ? quantileSorted(sorted, p) : null, d.method, d.relativeError, `${what} ${c} q${p}`);
  });
  return { sketched, exact };
}

function emptyMerged() {
  return { n: 0, errors: 0, tiSum: 0, tiN: 0, toSum: 0, toN: 0, cost: 0, costSq: 0, costN: 0, dists: DIST_COLUMNS.map(() => new Dist()) };
}

/** Merges the cells of [from, to) matching a slice filter, as a reader does. */
function mergeCells(db: Db, from: number, to: number, filter: Partial<Record<(typeof SLICE_DIMS)[number], string | null>> = {}, level: 'hour' | 'day' = 'hour') {
  const m = emptyMerged();
  eachCell(db, from, to, filter, DIST_COLUMNS, (c) => {
    m.n += c.n; m.errors += c.errors; m.tiSum += c.tokensInSum; m.tiN += c.tokensInN; m.toSum += c.tokensOutSum; m.toN += c.tokensOutN;
    m.cost += c.cost; m.costSq += c.costSq; m.costN += c.costN;
    DIST_COLUMNS.forEach((d, j) => m.dists[j]!.mergeEncoded(c.blobs[d] ?? null));
  }, level);
  return m;
}

/** Every bucket figure of a series from the summaries against the same series from the rows. */
function compareSeries(s: MetricsSeries, r: MetricsSeries, what: string): void {
  expect(s.quantiles.source, what).toBe('summaries');
  expect(r.quantiles.source, what).toBe('requests');
  expect(s.buckets.map((b) => b.label)).toEqual(r.buckets.map((b) => b.label));
  s.buckets.forEach((b, i) => {
    const x = r.buckets[i]!;
    const w = `${what} ${b.label}`;
    expect(b.requests, w).toBe(x.requests);
    expect(b.errors, w).toBe(x.errors);
    expect(b.error_rate, w).toEqual(x.error_rate);
    expect(b.cost_n, w).toBe(x.cost_n);
    expect(b.cost_total_usd === null, `${w} cost known`).toBe(x.cost_total_usd === null);
    expect(close(b.cost_total_usd ?? 0, x.cost_total_usd ?? 0), `${w} cost`).toBe(true);
    expect(close(b.cost_mean_usd ?? 0, x.cost_mean_usd ?? 0), `${w} cost mean`).toBe(true);
    expect(close(b.tokens_in_mean ?? 0, x.tokens_in_mean ?? 0), `${w} tokens in`).toBe(true);
    expect(close(b.tokens_out_mean ?? 0, x.tokens_out_mean ?? 0), `${w} tokens out`).toBe(true);
    expect(b.latency.n, w).toBe(x.latency.n);
    expect(b.latency.method, w).toBe(b.latency.n <= EXACT_MAX ? 'exact' : 'sketch');
    for (const k of ['p50', 'p95', 'p99'] as const) expectQuantile(b.latency[k], x.latency[k], b.latency.method, b.latency.relative_error, `${w} ${k}`);
    expect(b.thumbs, w).toEqual(x.thumbs);
    expect(b.csat, w).toEqual(x.csat);
    expect(b.nps, w).toEqual(x.nps);
  });
  expect(s.breakdown?.groups.map((g) => g.key)).toEqual(r.breakdown?.groups.map((g) => g.key));
  s.breakdown?.groups.forEach((g, gi) => g.points.forEach((p, i) => {
    const x = r.breakdown!.groups[gi]!.points[i]!;
    const w = `${what} ${g.key} ${p.label}`;
    expect(p.requests, w).toBe(x.requests);
    expect(p.errors, w).toBe(x.errors);
    expect(p.error_rate, w).toBe(x.error_rate);
    expect(p.cost_usd === null, `${w} cost known`).toBe(x.cost_usd === null);
    expect(close(p.cost_usd ?? 0, x.cost_usd ?? 0), `${w} cost`).toBe(true);
    expect(p.thumbs_n, w).toBe(x.thumbs_n);
    // The group's p95 is exact while it holds ≤ 100 latencies; the series states the sketch's error otherwise.
    const n = x.requests;
    if (x.p95_ms === null) expect(p.p95_ms, w).toBeNull();
    else if (n <= EXACT_MAX) expect(p.p95_ms!, w).toBeCloseTo(x.p95_ms, 9);
    else expect(Math.abs(p.p95_ms! - x.p95_ms), `${w} p95 ${p.p95_ms} vs ${x.p95_ms}`).toBeLessThanOrEqual(s.quantiles.relative_error * x.p95_ms + 1e-9);
  }));
  expect(s.undated_requests).toBe(r.undated_requests);
}

describe('summaries on the demo workspace match the raw rows', () => {
  let ws: Workspace;
  let rows: RawRow[];
  beforeAll(async () => {
    ws = await Workspace.open(path.join(tmp(), 'demo.sqlite'), { create: true });
    for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv']) await runImport(ws, path.join(samples, f), {});
    rows = rawRows(ws.db);
  }, 180_000);
  afterAll(() => ws.close());

  it('the import summarised every dated request, and nothing is pending', () => {
    expect(rows.length).toBe(18000);
    expect(summariesPending(ws.db)).toBe(false);
    expect(ws.db.value('SELECT sum(n) FROM request_summaries')).toBe(18000);
  });

  it('every cell (hour × slice) equals its rows: counts, errors, sums exact; quantiles exact (≤ 100 values)', () => {
    const byCell = new Map<string, RawRow[]>();
    for (const r of rows) {
      const k = `${hourOf(r.ts)}|${JSON.stringify(r.slice)}`;
      const arr = byCell.get(k) ?? [];
      arr.push(r);
      byCell.set(k, arr);
    }
    let cells = 0;
    eachCell(ws.db, -8.64e15, 8.64e15, {}, DIST_COLUMNS, (c) => {
      cells++;
      const k = `${c.hour}|${JSON.stringify(SLICE_DIMS.map((d) => c.slice[d]))}`;
      const raw = byCell.get(k);
      expect(raw, k).toBeDefined();
      const m = { n: c.n, errors: c.errors, tiSum: c.tokensInSum, tiN: c.tokensInN, toSum: c.tokensOutSum, toN: c.tokensOutN, cost: c.cost, costSq: c.costSq, costN: c.costN,
        dists: DIST_COLUMNS.map((d) => { const x = new Dist(); x.mergeEncoded(c.blobs[d] ?? null); return x; }) };
      compareGroup(null, m, raw!, k);
    });
    expect(cells).toBe(byCell.size);
  });

  it('every UTC day and every ISO week (UTC and Europe/Berlin), whole traffic and each feature, merges to the rows\' figures', () => {
    const lo = Math.min(...rows.map((r) => r.ts));
    const hi = Math.max(...rows.map((r) => r.ts)) + 1;
    let sketched = 0;
    let exact = 0;
    for (const zone of ['UTC', 'Europe/Berlin']) {
      // Day cells of the zone (local days merged from hour cells), and hour cells merged at read time: both.
      expect(dayCellsFor(ws.db, zone)).toBe(true);
      for (const unit of ['day', 'week'] as const) {
        let d = DateTime.fromMillis(lo, { zone }).startOf(unit);
        while (d.toMillis() < hi) {
          const s = d.toMillis();
          const e = d.plus(unit === 'day' ? { days: 1 } : { weeks: 1 }).toMillis();
          const inRange = rows.filter((r) => r.ts >= s && r.ts < e);
          for (const level of ['hour', 'day'] as const) {
            const t = compareGroup(null, mergeCells(ws.db, s, e, {}, level), inRange, `${zone} ${unit} ${d.toISODate()} from ${level} cells`);
            sketched += t.sketched; exact += t.exact;
          }
          if (unit === 'week') {
            for (const f of new Set(inRange.map((r) => r.slice[0]))) {
              const u = compareGroup(null, mergeCells(ws.db, s, e, { feature: f }, 'day'), inRange.filter((r) => r.slice[0] === f), `${zone} week ${d.toISODate()} feature ${f}`);
              sketched += u.sketched; exact += u.exact;
            }
          }
          d = d.plus(unit === 'day' ? { days: 1 } : { weeks: 1 });
        }
      }
    }
    // Both paths were exercised: small sets exact, large ones from the sketch.
    expect(sketched).toBeGreaterThan(100);
    expect(exact).toBeGreaterThan(100);
  });

  it('metrics.series from summaries equals the series from the rows (hour, day, week; breakdowns; filters; a DST zone)', () => {
    const qs: Array<[string, string, SeriesInput]> = [
      ['week all', 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }],
      ['week Berlin', 'Europe/Berlin', { bucket: 'week', filter: {}, breakdown: 'model_version' }],
      ['day segment', 'America/New_York', { bucket: 'day', filter: {}, breakdown: 'segment' }],
      ['day lang filter', 'UTC', { bucket: 'day', filter: { feature: 'support-chat' }, breakdown: 'lang' }],
      ['week model filter', 'UTC', { bucket: 'week', filter: { model: ws.db.value<string>('SELECT model FROM requests WHERE model IS NOT NULL GROUP BY model ORDER BY count(*) DESC')! }, breakdown: 'region' }],
      ['hour', 'UTC', { bucket: 'hour', filter: {}, breakdown: 'model', from_ts: Date.UTC(2026, 9, 5), to_ts: Date.UTC(2026, 9, 7) }],
    ];
    for (const [what, zone, q] of qs) {
      const s = metricsSeries(ws.db, zone, q, NOW);
      const r = metricsSeries(ws.db, zone, { ...q, source: 'requests' }, NOW);
      compareSeries(s, r, what);
      expect(s.buckets.length).toBeGreaterThan(0);
    }
    const week = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, NOW);
    // ~1,500 requests a week: every weekly percentile comes from the sketch, and the series says so.
    expect(week.quantiles).toEqual({ source: 'summaries', method: 'sketch', relative_error: 0.01 });
    expect(week.buckets.every((b) => b.latency.method === 'sketch' && b.latency.relative_error === 0.01)).toBe(true);
    // A user filter is no summary dimension: the rows answer, exactly.
    const user = ws.db.value<string>('SELECT user_id FROM requests WHERE user_id IS NOT NULL LIMIT 1')!;
    expect(metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: { user_id: user }, breakdown: 'none' }, NOW).quantiles).toEqual({ source: 'requests', method: 'exact', relative_error: 0 });
    // A half-hour zone's days are not whole UTC hours: the rows answer.
    expect(metricsSeries(ws.db, 'Asia/Kolkata', { bucket: 'day', filter: {}, breakdown: 'none' }, NOW).quantiles.source).toBe('requests');
  });

  it('alert aggregates from summaries equal those from the rows (counts, errors, cost sums exact; p95 within 1%)', () => {
    const src = sqlAlertSource(ws.db);
    const range = src.range();
    for (const zone of ['UTC', 'Europe/Berlin']) {
      const summ = src.aggregates(range.first!, range.last! + 1, zone, NOW);
      const starts = dayStarts(range.first!, range.last! + 1, zone);
      const raw = new Aggregates(starts, zone, NOW, range.first, range.last);
      for (const r of ws.db.all<{ ts: number; feature: string | null; model_version: string | null; is_error: number; latency_ms: number | null; cost_usd: number | null }>(
        'SELECT ts, feature, model_version, is_error, latency_ms, cost_usd FROM requests WHERE ts IS NOT NULL')) {
        raw.addRequest(r.ts, r.feature, r.model_version, r.is_error === 1, r.latency_ms, r.cost_usd);
      }
      raw.prune(20);
      for (const unit of ['day', 'week'] as const) {
        const a = summ.view(unit);
        const b = raw.view(unit);
        expect([...a.requests.keys()].sort()).toEqual([...b.requests.keys()].sort());
        for (const [k, cells] of a.requests) {
          cells.forEach((c, i) => {
            const x = b.requests.get(k)![i]!;
            const w = `${zone} ${unit} ${k} ${a.grid.labels[i]}`;
            expect([c.n, c.errors, c.costN, c.latencyN], w).toEqual([x.n, x.errors, x.costN, x.latencyN]);
            expect(close(c.cost, x.cost) && close(c.costSq, x.costSq), w).toBe(true);
            expectQuantile(c.p95(), x.p95(), c.lat.method, c.lat.relativeError, `${w} p95`);
            // "Slower than" counts: exact on exact cells; on a sketch only latencies within 1% of the line may move.
            const line = x.p95() ?? 0;
            const near = x.lat.n ? x.lat.sorted().filter((v) => Math.abs(v - line) <= 0.011 * line).length : 0;
            expect(Math.abs(c.slowerThan(line) - x.slowerThan(line)), w).toBeLessThanOrEqual(c.lat.method === 'exact' ? 0 : near);
          });
        }
      }
    }
  });

  it('drift from summaries: categorical rows exact; numeric rows on sketch-rounded values close to the rows\' figures', () => {
    const diffs: Record<string, number> = {};
    for (const [current, feature] of [['2026-W45', 'support-chat'], ['2026-W42', undefined], ['2026-W47', 'summarize']] as const) {
      const q = { current: { week: current }, alpha: 0.05, ...(feature ? { feature } : {}) };
      const s = metricsDrift(ws.db, 'UTC', { ...q, source: 'summaries' }, { psi_max: 0.25 }, NOW);
      const r = metricsDrift(ws.db, 'UTC', { ...q, source: 'requests' }, { psi_max: 0.25 }, NOW);
      // By default windows this small (the demo's) read the rows: exact values.
      expect(metricsDrift(ws.db, 'UTC', q, { psi_max: 0.25 }, NOW)).toMatchObject({ source: 'requests', rows: r.rows });
      expect(s.source).toBe('summaries');
      expect(r.source).toBe('requests');
      expect(s.current.requests).toBe(r.current.requests);
      expect(s.reference.requests).toBe(r.reference.requests);
      for (const row of r.rows) {
        const x = s.rows.find((y) => y.column === row.column)!;
        const w = `${current} ${feature ?? 'all'} ${row.column}`;
        expect([x.n_reference, x.n_current], w).toEqual([row.n_reference, row.n_current]);
        if (row.kind === 'categorical') {
          // Counts are exact: the very same test.
          // (up to float summation order: categories may come in another order)
          const r12 = (o: object) => JSON.parse(JSON.stringify(o, (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(12)) : v))) as unknown;
          expect(r12({ ...x, p_adjusted: null, rejected: false }), w).toEqual(r12({ ...row, p_adjusted: null, rejected: false }));
          continue;
        }
        expect(x.approximation, w).toMatch(/DDSketch bins/);
        expect(Math.abs(x.mean_reference! - row.mean_reference!), w).toBeLessThanOrEqual(0.01 * Math.abs(row.mean_reference!));
        expect(Math.abs(x.mean_current! - row.mean_current!), w).toBeLessThanOrEqual(0.01 * Math.abs(row.mean_current!));
        diffs[`${w} D`] = Math.abs(x.statistic! - row.statistic!);
        diffs[`${w} PSI`] = Math.abs(x.psi! - row.psi!);
        // Rounding to 1% bins ties values, which moves D and p a little: the verdict agrees wherever the exact
        // adjusted p is not near alpha (within a factor of 2 either way).
        const nearAlpha = row.p_adjusted !== null && row.p_adjusted > q.alpha / 2 && row.p_adjusted < q.alpha * 2;
        if (!nearAlpha) expect(x.rejected, `${w}: p_adj ${x.p_adjusted} vs exact ${row.p_adjusted}`).toBe(row.rejected);
      }
    }
    // Observed on the demo data (there is no published bound for KS D or PSI on binned values): largest |ΔD| 0.015,
    // |ΔPSI| 0.29 on tokens_in, whose W45 shift is large either way (PSI 1.28 vs 1.57). Held with a margin.
    const worstD = Math.max(...Object.entries(diffs).filter(([k]) => k.endsWith(' D')).map(([, v]) => v));
    const worstPsi = Math.max(...Object.entries(diffs).filter(([k]) => k.endsWith(' PSI')).map(([, v]) => v));
    console.log(`drift from summaries: largest |ΔD| ${worstD.toFixed(4)}, |ΔPSI| ${worstPsi.toFixed(4)}`);
    expect(worstD).toBeLessThan(0.03);
  });

  it('filter values (metrics.options) from the summaries\' slices equal the distinct values of the rows', () => {
    const s = dimensionOptions(ws.db);
    setSummariesEnabled(false);
    try { expect(s).toEqual(dimensionOptions(ws.db)); } finally { setSummariesEnabled(true); }
    expect(s.feature.length).toBeGreaterThan(2);
    expect(s.segment.length).toBeGreaterThan(1);
  });

  it('feedback by trait and ticket rates count requests from the summaries exactly as from the rows', () => {
    const both = <T>(fn: () => T): [T, T] => {
      const a = fn();
      setSummariesEnabled(false);
      try { return [a, fn()]; } finally { setSummariesEnabled(true); }
    };
    let slices = 0;
    for (const dimension of TRAIT_DIMENSIONS) {
      for (const period of [{}, { week: '2026-W45' }, { from_ts: Date.UTC(2026, 9, 1, 6), to_ts: Date.UTC(2026, 9, 20, 13) }]) {
        const [s, r] = both(() => feedbackTraits(ws.db, feedbackTraitsSchema.parse({ dimension, ...period }), 'Europe/Berlin'));
        expect(s, `${dimension} ${JSON.stringify(period)}`).toEqual(r);
        slices += s.slices.length;
      }
    }
    expect(slices).toBeGreaterThan(20);
    for (const by of ['week', 'model_version', 'feature'] as const) {
      for (const then of [undefined, 'week', 'model_version', 'feature'] as const) {
        const [s, r] = both(() => ticketRates(ws.db, { by, ...(then ? { then } : {}) }, 'Europe/Berlin'));
        expect(s, `${by} × ${then ?? '-'}`).toEqual(r);
        expect(s.rows.reduce((n, x) => n + x.requests, 0)).toBeGreaterThan(0);
      }
    }
  });

  it('the slice panel\'s weekly points from summaries equal the rows\' figures', () => {
    const f = ws.db.get<{ feature: string; model_version: string }>('SELECT feature, model_version FROM requests WHERE feature IS NOT NULL AND model_version IS NOT NULL LIMIT 1')!;
    const from = Date.UTC(2026, 10, 16);
    const ctx = sliceContext(ws, 'UTC', { feature: f.feature, model_version: f.model_version, from_ts: from, to_ts: from + 7 * 86_400_000, weeks_before: 8 }, NOW);
    for (const p of ctx.points) {
      const inWeek = rows.filter((r) => r.ts >= p.start_ts && r.ts < p.end_ts && r.slice[0] === f.feature && r.slice[2] === f.model_version);
      expect(p.requests).toBe(inWeek.length);
      expect(p.errors).toBe(inWeek.filter((r) => r.is_error === 1).length);
      const costs = inWeek.map((r) => r.vals[3]).filter((v): v is number => v !== null);
      expect(p.cost_n).toBe(costs.length);
      expect(close(p.cost_usd, costs.reduce((a, b) => a + b, 0))).toBe(true);
      const lat = inWeek.map((r) => r.vals[0]).filter((v): v is number => v !== null);
      expectQuantile(p.p95_ms, lat.length ? exactQ(lat, 0.95) : null, lat.length <= EXACT_MAX ? 'exact' : 'sketch', p.p95_relative_error, `slice ${p.label}`);
      // Thumbs on the slice's requests, by the feedback's own time else its request's (from the feedback summaries).
      const th = ws.db.get<{ up: number; down: number }>(`SELECT coalesce(sum(f.value > 0), 0) AS up, coalesce(sum(f.value <= 0), 0) AS down FROM feedback f JOIN requests r ON r.id = f.request_id
        WHERE f.kind = 'thumb' AND f.value IS NOT NULL AND coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ? AND r.feature = ? AND r.model_version = ?`, [p.start_ts, p.end_ts, f.feature, f.model_version])!;
      expect([p.thumbs_up, p.thumbs_down], `slice ${p.label} thumbs`).toEqual([th.up, th.down]);
    }
    expect(ctx.points.reduce((n, p) => n + p.thumbs_up + p.thumbs_down, 0)).toBeGreaterThan(0);
  });
});

/** Every stored summary row, blobs as hex, for before/after comparisons. */
function snapshot(db: Db): string {
  return JSON.stringify({
    cells: db.all('SELECT hour, slice_id, n, errors, tokens_in_sum, tokens_out_sum, cost_sum, hex(latency_ms) AS l, hex(cost_usd) AS c, hex(input_chars) AS i FROM request_summaries ORDER BY hour, slice_id'),
    days: db.all('SELECT day, slice_id, n, errors, tokens_in_sum, tokens_out_sum, cost_sum, hex(latency_ms) AS l, hex(cost_usd) AS c, hex(input_chars) AS i FROM request_summaries_day ORDER BY day, slice_id'),
    slices: db.all('SELECT * FROM summary_slices ORDER BY id'),
    state: db.all('SELECT * FROM summary_state'),
    dirty: db.all('SELECT * FROM summary_dirty_hours'),
  });
}

const H = HOUR_MS;
const T0 = Date.UTC(2026, 10, 16);

function requestLines(n: number, offset: number, hours: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({
    request_id: `q${offset + i}`, timestamp: new Date(T0 + ((i % hours) * H) + 1000 * i).toISOString(), feature: i % 2 ? 'chat' : 'search',
    model: 'gpt-4o-mini', latency_ms: 100 + ((i * 37) % 900), prompt_tokens: 10 + i, completion_tokens: 5 + (i % 7), cost_usd: 0.001 * (1 + (i % 3)), status: i % 11 === 0 ? 'error' : 'ok',
  })).join('\n') + '\n';
}

/** Each UTC hour's figures from the summaries and from the rows; the same per day, from the day cells. */
function hourly(ws: Workspace): { summ: MetricsSeries; raw: MetricsSeries } {
  const d: SeriesInput = { bucket: 'day', filter: {}, breakdown: 'feature' };
  compareSeries(metricsSeries(ws.db, 'UTC', d, NOW), metricsSeries(ws.db, 'UTC', { ...d, source: 'requests' }, NOW), 'days');
  const q: SeriesInput = { bucket: 'hour', filter: {}, breakdown: 'feature', from_ts: T0, to_ts: T0 + 48 * H };
  return { summ: metricsSeries(ws.db, 'UTC', q, NOW), raw: metricsSeries(ws.db, 'UTC', { ...q, source: 'requests' }, NOW) };
}

describe('summaries stay in step with changes', () => {
  let ws: Workspace;
  let dir: string;
  beforeAll(async () => {
    dir = tmp();
    ws = await Workspace.open(path.join(dir, 'w.sqlite'), { create: true });
    fs.writeFileSync(path.join(dir, 'a.jsonl'), requestLines(600, 0, 30));
    await runImport(ws, path.join(dir, 'a.jsonl'), {});
  }, 60_000);
  afterAll(() => ws.close());

  it('a failed import leaves the summaries as they were', async () => {
    const before = snapshot(ws.db);
    fs.writeFileSync(path.join(dir, 'b.jsonl'), requestLines(300, 600, 40));
    // The import fails after its summaries were refreshed (while saving): everything rolls back.
    await expect(runImport(ws, path.join(dir, 'b.jsonl'), {}, { onProgress: (p) => { if (p.phase === 'saving') throw new Error('disk full (test)'); } })).rejects.toThrow();
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(600);
    expect(snapshot(ws.db)).toBe(before);
    const { summ, raw } = hourly(ws);
    compareSeries(summ, raw, 'after a failed import');
    // The same file imported for real merges into the existing hours.
    await runImport(ws, path.join(dir, 'b.jsonl'), {});
    expect(ws.db.value('SELECT sum(n) FROM request_summaries')).toBe(900);
    const after = hourly(ws);
    compareSeries(after.summ, after.raw, 'after the import');
  });

  it('a re-import that changes rows already summarised (the upsert updates them) marks their hours and is right', async () => {
    // Same ids, other latencies and costs: the import's upsert updates the rows and the trigger marks their hours
    // (an OR IGNORE in the trigger would be overridden by the upsert's conflict clause; NOT EXISTS holds).
    const changed = requestLines(600, 0, 30).split('\n').filter(Boolean).slice(0, 50)
      .map((l) => { const o = JSON.parse(l) as Record<string, unknown>; o.latency_ms = 5000 + Number(o.latency_ms); o.cost_usd = 0.5; return JSON.stringify(o); }).join('\n');
    fs.writeFileSync(path.join(dir, 'changed.jsonl'), `${changed}\n`);
    const r = await runImport(ws, path.join(dir, 'changed.jsonl'), {});
    expect(r.updated).toBe(50);
    expect(summariesPending(ws.db)).toBe(false);
    const { summ, raw } = hourly(ws);
    compareSeries(summ, raw, 'after a re-import with changed rows');
  });

  it('a price re-derive (UPDATE of cost) and a delete mark hours stale; the next read rebuilds them and is right', () => {
    const touched = ws.db.all<{ ts: number }>("SELECT ts FROM requests WHERE feature = 'chat' AND ts < ?", [T0 + 5 * H]).map((r) => hourOf(r.ts));
    expect(touched.length).toBeGreaterThan(0);
    ws.commit([["UPDATE requests SET cost_usd = cost_usd * 3 WHERE feature = 'chat' AND ts < ?", [T0 + 5 * H]]]);
    expect(ws.db.all<{ hour: number }>('SELECT hour FROM summary_dirty_hours ORDER BY hour').map((r) => r.hour)).toEqual([...new Set(touched)].sort((a, b) => a - b));
    expect(summariesPending(ws.db)).toBe(true);
    let { summ, raw } = hourly(ws);
    compareSeries(summ, raw, 'after a re-derive');
    expect(summariesPending(ws.db)).toBe(false);
    // Moving a request to another hour marks both hours.
    const q1 = hourOf(ws.db.value<number>("SELECT ts FROM requests WHERE id = 'q1'")!);
    ws.commit([['UPDATE requests SET ts = ts + ? WHERE id = ?', [10 * H, 'q1']]]);
    expect(ws.db.all<{ hour: number }>('SELECT hour FROM summary_dirty_hours ORDER BY hour').map((r) => r.hour)).toEqual([q1, q1 + 10 * H]);
    ({ summ, raw } = hourly(ws));
    compareSeries(summ, raw, 'after moving a request');
    // Deleting requests, the newest among them (its rowid may be handed out again).
    const top = ws.db.value<string>('SELECT id FROM requests ORDER BY rowid DESC LIMIT 1')!;
    ws.commit([["DELETE FROM requests WHERE feature = 'search' AND ts < ? OR id = ?", [T0 + 3 * H, top]]]);
    expect(summariesPending(ws.db)).toBe(true);
    ({ summ, raw } = hourly(ws));
    compareSeries(summ, raw, 'after a delete');
    // Filter values follow deletes: 'search' requests before T0 + 3 h are gone, and the options are recomputed.
    const opts = dimensionOptions(ws.db);
    setSummariesEnabled(false);
    try { expect(opts).toEqual(dimensionOptions(ws.db)); } finally { setSummariesEnabled(true); }
    expect(ws.db.value('SELECT sum(n) FROM request_summaries')).toBe(ws.db.value('SELECT count(*) FROM requests WHERE ts IS NOT NULL'));
    // A new row that gets the deleted row's rowid again is summarised as new.
    ws.commit([["INSERT INTO requests (id, ts, feature, model, latency_ms) VALUES ('late', ?, 'chat', 'gpt-4o-mini', 4321)", [T0 + 7 * H + 5]]]);
    ({ summ, raw } = hourly(ws));
    compareSeries(summ, raw, 'after an insert outside an import');
    expect(ws.db.value('SELECT sum(n) FROM request_summaries')).toBe(ws.db.value('SELECT count(*) FROM requests WHERE ts IS NOT NULL'));
  });
});

describe('a workspace from before migration 8', () => {
  it('builds its summaries once, at migration', async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    migrate(db, 7);
    db.tx(() => {
      for (let i = 0; i < 500; i++) {
        db.run('INSERT INTO requests (id, ts, feature, model, lang, latency_ms, tokens_in, cost_usd, is_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [`m${i}`, T0 + (i % 5) * H + i, i % 3 ? 'a' : 'b', 'm', i % 4 ? 'en' : null, 50 + i, i, i % 2 ? 0.01 : null, i % 9 === 0 ? 1 : 0]);
      }
    });
    // Migration 13 builds them (with every column migrations 10 and 13 add).
    expect(migrate(db)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(summariesPending(db)).toBe(false);
    expect(db.value('SELECT day_zone FROM summary_state')).toBe('UTC');
    compareGroup(null, mergeCells(db, T0, T0 + 24 * H, {}, 'day'), rawRows(db), 'the day, from its day cells');
    const rows = rawRows(db);
    for (const h of [0, 1, 2, 3, 4]) {
      compareGroup(null, mergeCells(db, T0 + h * H, T0 + (h + 1) * H), rows.filter((r) => hourOf(r.ts) === T0 + h * H), `hour ${h}`);
      compareGroup(null, mergeCells(db, T0 + h * H, T0 + (h + 1) * H, { lang: null }), rows.filter((r) => hourOf(r.ts) === T0 + h * H && r.slice[5] === null), `hour ${h} no lang`);
    }
    const all = mergeCells(db, T0, T0 + 5 * H);
    expect(all.dists[0]!.method).toBe('sketch');
    compareGroup(null, all, rows, 'all five hours');
    db.close();
  });
});
