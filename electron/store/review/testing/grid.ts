/**
 * The coverage grid of issue 8, shared by the fast unit test (coverage-grid.test.ts) and the full run
 * (scripts/coverage-grid.ts): synthetic weeks of 10,000 requests with 1, 3, 5 or 8 feature strata of very unequal
 * size and a thumbs-down signal on 2% of requests; failure rates that differ by stratum; queues of 50, 100 and 200
 * items with the signal oversampled at 0, 10% or 30%; simulated through the real sampler and estimator
 * (simulation.ts). Also the interval Loupe used before (for the "old method on the same draws" column).
 */
import type { Db } from '../../db';
import { Prng } from '../../../../shared/prng';
import { betaQuantile, stratifiedProportion, tQuantile, wilsonInterval, Z_95, type RateStratum } from '../../../../shared/stats';
import type { RateSpec } from '../simulation';

/** Monday 2026-11-16 00:00 UTC, the start of ISO week 2026-W47. */
export const GRID_WEEK_START = Date.UTC(2026, 10, 16);
export const GRID_WEEK = '2026-W47';
export const GRID_REQUESTS = 10_000;
/** Share of requests with a thumbs-down (the signal that gets oversampled). */
export const GRID_SIGNAL_SHARE = 0.02;

/** Feature shares per number of strata (the examples). */
export const GRID_STRATA: Readonly<Record<number, readonly number[]>> = {
  1: [1],
  3: [0.8, 0.15, 0.05],
  5: [0.6, 0.25, 0.1, 0.04, 0.01],
  8: [0.5, 0.2, 0.1, 0.08, 0.05, 0.04, 0.02, 0.01],
};
/** The four rates and the rates between them where an interval's coverage oscillates (1%, 5%, 15%). */
export const GRID_RATES = [0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.3] as const;
export const GRID_SIZES = [50, 100, 200] as const;
export const GRID_OVERSAMPLE = [0, 0.1, 0.3] as const;
/** Relative failure risk of the features, largest first: rates differ by stratum, in no monotone order. */
const RISK = [1, 2, 0.5, 3, 0.25, 4, 1.5, 0.75];

function largestRemainder(total: number, shares: readonly number[]): number[] {
  const x = shares.map((s) => s * total);
  const n = x.map(Math.floor);
  let left = total - n.reduce((a, b) => a + b, 0);
  for (const o of x.map((v, i) => ({ i, f: v - n[i]! })).sort((a, b) => b.f - a.f || a.i - b.i)) {
    if (left <= 0) break;
    n[o.i]!++;
    left--;
  }
  return n;
}

/** The feature value of stratum h (0-based, by share). */
export const gridFeature = (h: number) => `f${h + 1}`;

/**
 * Inserts a grid week: GRID_REQUESTS requests in 2026-W47 with features f1…fH in the given shares, in random order,
 * and thumbs-down feedback on exactly 2% of them (chosen at random).
 * @returns requests per feature, and how many of each carry a thumbs-down
 */
export function insertGridWeek(db: Db, strata: number, seed = 11): { perFeature: number[] } {
  const counts = largestRemainder(GRID_REQUESTS, GRID_STRATA[strata]!);
  const rng = new Prng(seed);
  const feats: number[] = [];
  counts.forEach((c, h) => { for (let i = 0; i < c; i++) feats.push(h); });
  const order = rng.shuffle(feats.map((_, i) => i));
  const thumbs = new Set(rng.sample(order, Math.round(GRID_SIGNAL_SHARE * GRID_REQUESTS)));
  db.tx(() => {
    const ins = db.stmt("INSERT INTO requests (id, ts, feature, input, output, is_error, status) VALUES (?, ?, ?, ?, ?, 0, 'ok')");
    const fb = db.stmt("INSERT INTO feedback (id, request_id, ts, kind, value, label, source) VALUES (?, ?, ?, 'thumb', -1, 'down', 'user')");
    order.forEach((i, j) => {
      const ts = GRID_WEEK_START + Math.floor((j * 7 * 86_400_000) / GRID_REQUESTS);
      ins.run([`r${i}`, ts, gridFeature(feats[i]!), `question ${i}`, `answer ${i}`]);
      if (thumbs.has(i)) fb.run([`fb${i}`, `r${i}`, ts + 1000]);
    });
  });
  return { perFeature: counts };
}

/**
 * Failure rates of a grid cell whose frame rate is `p`: the thumbs-down requests fail at min(0.9, 4p + 0.05); the
 * features at c · RISK[h] (at most 0.95), with c chosen so that the frame's rate is p. Rates are returned as exact
 * fractions of each cell (failures / requests), so `loupe simulate --failure-rates` with these numbers puts the very
 * same number of failures in each cell.
 * @param cells - requests per cell key (`feature=f1` … or `all`, and `thumbs_down`)
 */
export function gridRateSpec(cells: ReadonlyMap<string, number>, p: number): RateSpec {
  const total = [...cells.values()].reduce((a, b) => a + b, 0);
  const signalN = cells.get('thumbs_down') ?? 0;
  const signalRate = Math.min(0.9, 4 * p + 0.05);
  const fieldKeys = [...cells.keys()].filter((k) => k !== 'thumbs_down').sort();
  const fieldTarget = p * total - Math.round(signalRate * signalN);
  const riskOf = (k: string) => RISK[k === 'all' ? 0 : Number(k.slice(k.indexOf('=f') + 2)) - 1] ?? 1;
  let lo = 0;
  let hi = 100;
  const mass = (c: number) => fieldKeys.reduce((a, k) => a + Math.round(Math.min(0.95, c * riskOf(k)) * cells.get(k)!), 0);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mass(mid) > fieldTarget) hi = mid; else lo = mid;
  }
  const c = Math.abs(mass(lo) - fieldTarget) <= Math.abs(mass(hi) - fieldTarget) ? lo : hi;
  const rates: Record<string, number> = {};
  for (const k of fieldKeys) rates[k] = Math.round(Math.min(0.95, c * riskOf(k)) * cells.get(k)!) / cells.get(k)!;
  if (signalN > 0) rates.thumbs_down = Math.round(signalRate * signalN) / signalN;
  return { rates };
}

/** Requests per simulation cell of a grid week (thumbs-down first, then the feature of the rest). */
export function gridCells(db: Db, strata: number): Map<string, number> {
  const out = new Map<string, number>();
  const td = db.value<number>("SELECT count(DISTINCT request_id) FROM feedback WHERE kind = 'thumb' AND value = -1") ?? 0;
  out.set('thumbs_down', td);
  for (const r of db.all<{ feature: string; n: number }>(`SELECT feature, count(*) AS n FROM requests r WHERE NOT EXISTS (
      SELECT 1 FROM feedback f WHERE f.request_id = r.id AND f.kind = 'thumb' AND f.value = -1) GROUP BY feature`)) {
    out.set(strata > 1 ? `feature=${r.feature}` : 'all', (strata > 1 ? 0 : out.get('all') ?? 0) + r.n);
  }
  return out;
}

/**
 * The interval Loupe gave before issue 8, kept only to compare on the same draws: strata without a reviewed item
 * left out; Cochran's variance; a Wilson interval for a single stratum; otherwise Clopper–Pearson at
 * n* = p̂(1 − p̂)/v · (z / t_df)² (n* = n when p̂ is 0 or 1 or v is 0); no interval when a stratum has one item.
 */
export function previousInterval(strata: readonly RateStratum[]): [number, number] | null {
  const covered = strata.filter((s) => s.N > 0 && s.n > 0);
  const uncovered = strata.filter((s) => s.N > 0 && s.n === 0);
  if (covered.length === 0) return null;
  const est = stratifiedProportion(covered.map((s) => ({ N: s.N, n: s.n, k: s.k })));
  const n = covered.reduce((a, s) => a + s.n, 0);
  const k = covered.reduce((a, s) => a + s.k, 0);
  if (covered.length === 1 && uncovered.length === 0) {
    const w = wilsonInterval(k, n)!;
    return [w.low, w.high];
  }
  if (!Number.isFinite(est.estimate) || !Number.isFinite(est.se)) return null;
  const p = est.estimate;
  const df = n - covered.length;
  const factor = df > 0 ? (Z_95 / tQuantile(0.975, df)) ** 2 : 1;
  const nEff = p > 0 && p < 1 && est.se > 0 ? ((p * (1 - p)) / (est.se * est.se)) * factor : n;
  const x = p * nEff;
  return [x <= 0 ? 0 : betaQuantile(0.025, x, nEff - x + 1), x >= nEff ? 1 : betaQuantile(0.975, x + 1, nEff - x)];
}
