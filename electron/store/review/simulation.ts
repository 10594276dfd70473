/**
 * Simulation of a queue design through the real sampler and estimator, on a period's real frame with synthetic
 * outcomes: what `loupe simulate` prints, what the new-queue form's planner shows, and how the interval's coverage is
 * validated (coverage-grid.test.ts, scripts/coverage-grid.ts).
 *
 * 1. The frame and the allocation come from buildFrame and allocateQueue for the design, as `queues.create` draws them.
 * 2. Synthetic outcomes make a fixed finite population: every request belongs to a cell (the first named signal it
 *    shows, in the signals' priority order, else its field stratum, e.g. `feature=chat`, or `all`); a cell with rate
 *    r and N_c requests gets exactly round(r N_c) failures, placed by a seeded simple random sample. The true rate is
 *    the frame's share of failures. Cells are independent of the design, so designs with and without oversampling
 *    are compared on the same population.
 * 3. For each seed (seed, seed + 1, …) drawItems draws the queue, every item is "reviewed" with its synthetic
 *    outcome (requests reviewed before the queue, the take-all stratum, count with theirs), and estimateRate gives
 *    the estimate and its 95% interval. Coverage is the share of seeds whose interval holds the true rate.
 */
import type { Db } from '../db';
import { LoupeError } from '../../../shared/errors';
import { Prng } from '../../../shared/prng';
import type { QueueDesignInput } from '../../../shared/contract-review';
import { REVIEW_SIGNALS, type DesignPlan, type QueueDesign, type ReviewSignal, type SimulatedDesign, type SimulationResult } from '../../../shared/review-types';
import type { RateStratum } from '../../../shared/stats';
import { estimateRate } from './estimates';
import { allocateQueue, buildFrame, drawItems, resolveDesign, type Frame } from './sampling';

/** Failure rates of a simulation: one for every request, and/or one per cell key (field stratum key or signal). */
export interface RateSpec {
  /** The rate of every request not in a named cell. */
  rate?: number;
  /** Per cell: a field stratum key (`feature=chat`, `all`) or a signal (`thumbs_down`, also `signal:thumbs_down`). */
  rates?: Record<string, number>;
}

/** Another interval computed on the same per-stratum counts, for comparison (e.g. the previous method). */
export type CompareInterval = (strata: readonly RateStratum[]) => [number, number] | null;

/** A prepared simulation: the design, its frame and allocation, and the cells of every request. */
export interface PreparedDesign {
  design: QueueDesign;
  frame: Frame;
  alloc: Map<string, number>;
}

/**
 * Resolves a design and builds its frame once (the frame does not depend on the seed, the size or the shares).
 * @param signals - signals named in the rates, so each request's cell can be told
 */
export function prepareDesign(db: Db, input: QueueDesignInput, zone: string, now: number, signals: readonly ReviewSignal[] = []): PreparedDesign {
  const design = resolveDesign(input, zone);
  const frame = buildFrame(db, design, null, now, { cells: signals });
  return { design, frame, alloc: allocateQueue(design, frame.strata, design.size) };
}

/** The signal a rate key names (`thumbs_down` or `signal:thumbs_down`), or null. */
function signalOf(key: string): ReviewSignal | null {
  const k = key.startsWith('signal:') ? key.slice(7) : key;
  return (REVIEW_SIGNALS as readonly string[]).includes(k) ? (k as ReviewSignal) : null;
}

/** Signals named in a rate spec. */
export function namedSignals(spec: RateSpec): ReviewSignal[] {
  return Object.keys(spec.rates ?? {}).map(signalOf).filter((s): s is ReviewSignal => s !== null);
}

/**
 * Synthetic failure labels (step 2): a byte per rowid, 1 for a failure.
 * @throws LoupeError BAD_REQUEST when a request's cell has no rate, naming the cells that need one
 */
export function syntheticOutcomes(p: PreparedDesign, spec: RateSpec, seed: number): { failed: Uint8Array; truth: number } {
  const cells = p.frame.cells;
  if (!cells) throw new Error('syntheticOutcomes needs a frame built with cells');
  const named = new Map<string, number>();
  for (const [k, v] of Object.entries(spec.rates ?? {})) named.set(signalOf(k) ?? k, v);
  const byCell = new Map<string, number[]>();
  const missing = new Set<string>();
  for (let i = 0; i < cells.rowids.length; i++) {
    const sig = cells.signal[i];
    const key = sig && named.has(sig) ? sig : cells.field[i]!;
    if (!named.has(key) && spec.rate === undefined) missing.add(key);
    let l = byCell.get(key);
    if (!l) byCell.set(key, (l = []));
    l.push(cells.rowids[i]!);
  }
  if (missing.size > 0) {
    throw new LoupeError('BAD_REQUEST', `No failure rate for ${[...missing].sort().join(', ')}.`, {
      action: `Give one per stratum (e.g. --failure-rates ${[...missing][0]}=0.02), or --failure-rate P for the rest. Strata of this design: ${[...new Set(cells.field)].sort().join(', ')}.`,
    });
  }
  const max = cells.rowids.reduce((a, r) => Math.max(a, r), 0);
  const failed = new Uint8Array(max + 1);
  let total = 0;
  for (const key of [...byCell.keys()].sort()) {
    const rows = byCell.get(key)!;
    const rate = named.get(key) ?? spec.rate!;
    const k = Math.round(Math.min(1, Math.max(0, rate)) * rows.length);
    for (const r of Prng.stream(seed, `outcomes:${key}`).sample(rows, k)) failed[r] = 1;
    total += k;
  }
  return { failed, truth: cells.rowids.length > 0 ? total / cells.rowids.length : 0 };
}

/**
 * Simulates a prepared design at several sets of rates on the same draws (step 3).
 * @param seeds - number of queues drawn (seeds design.seed, design.seed + 1, …)
 * @param specs - sets of failure rates; each gives one {@link SimulatedDesign}
 * @param compare - other intervals to compute on the same counts (by name)
 */
export function simulatePrepared(p: PreparedDesign, seeds: number, specs: readonly RateSpec[], compare: Record<string, CompareInterval> = {}): SimulatedDesign[] {
  const { design, frame, alloc } = p;
  const strata = frame.strata.map((s) => ({ key: s.key, kind: s.kind, population: s.rowids.length }));
  const outcomes = specs.map((spec) => syntheticOutcomes(p, spec, design.seed));
  const reviewedStratum = frame.strata.find((s) => s.kind === 'reviewed');
  const acc = specs.map(() => ({ covered: 0, below: 0, above: 0, est: 0, half: 0, cmp: Object.fromEntries(Object.keys(compare).map((k) => [k, { covered: 0, half: 0, n: 0 }])) }));
  for (let s = 0; s < seeds; s++) {
    const drawn = drawItems({ ...design, seed: design.seed + s }, frame, alloc, 0);
    specs.forEach((_, j) => {
      const { failed, truth } = outcomes[j]!;
      const items: Array<{ stratum: string; y: 0 | 1 }> = drawn.map((d) => ({ stratum: d.stratum, y: failed[d.rowid] === 1 ? 1 : 0 }));
      if (reviewedStratum) for (const r of reviewedStratum.rowids) items.push({ stratum: reviewedStratum.key, y: failed[r] === 1 ? 1 : 0 });
      const est = estimateRate('failure', 'Failure rate', 'failure_rate', strata, items, { checkCoverage: false });
      const a = acc[j]!;
      if (est.low !== null && est.high !== null && est.estimate !== null) {
        if (est.high < truth - 1e-12) a.below++;
        else if (est.low > truth + 1e-12) a.above++;
        else a.covered++;
        a.est += est.estimate;
        a.half += (est.high - est.low) / 2;
      }
      if (Object.keys(compare).length > 0) {
        const per = new Map<string, { n: number; k: number }>();
        for (const it of items) {
          const c = per.get(it.stratum) ?? { n: 0, k: 0 };
          c.n++;
          c.k += it.y;
          per.set(it.stratum, c);
        }
        const rs: RateStratum[] = strata.map((x) => ({ key: x.key, kind: x.kind === 'reviewed' ? 'certainty' : x.kind, N: x.population, n: per.get(x.key)?.n ?? 0, k: per.get(x.key)?.k ?? 0 }));
        for (const [name, f] of Object.entries(compare)) {
          const ci = f(rs);
          const c = a.cmp[name]!;
          c.n++;
          if (ci && ci[0] <= truth + 1e-12 && truth <= ci[1] + 1e-12) c.covered++;
          if (ci) c.half += (ci[1] - ci[0]) / 2;
        }
      }
    });
  }
  return specs.map((spec, j) => {
    const a = acc[j]!;
    const { failed, truth } = outcomes[j]!;
    const mean = a.est / seeds;
    return {
      size: design.size, strata: design.strata, oversample: design.oversample, min_per_stratum: design.min_per_stratum,
      failure_rate: spec.rate ?? null, failure_rates: spec.rates ?? {},
      true_rate: truth, coverage: a.covered / seeds, below: a.below / seeds, above: a.above / seeds,
      mean_estimate: mean, relative_bias: truth > 0 ? (mean - truth) / truth : null, mean_half_width: a.half / seeds,
      compare: Object.fromEntries(Object.entries(a.cmp).map(([k, c]) => [k, { coverage: c.covered / Math.max(1, c.n), mean_half_width: c.half / Math.max(1, c.n) }])),
      seeds,
      frame: frame.strata.map((st) => ({
        key: st.key, kind: st.kind, population: st.rowids.length, sampled: alloc.get(st.key) ?? 0,
        failures: st.rowids.reduce((x, r) => x + failed[r]!, 0),
      })),
    };
  });
}

/** Rates the planner shows when none is given: rare to common failures. */
export const PLAUSIBLE_RATES = [0.005, 0.02, 0.1, 0.3] as const;

/**
 * Simulates a design on a period's frame.
 * @param input - the queue design (week or range, size, strata, oversample, min per stratum, filters, seed)
 * @param opts.seeds - queues drawn (default 1000)
 * @param opts.rates - the failure rates; without any, one design per {@link PLAUSIBLE_RATES}
 * @param opts.halfWidth - also find the queue size whose mean half-width is at most this (share, e.g. 0.02)
 * @returns per design: true rate, coverage, mean estimate, relative bias, mean half-width; the first at the top
 * @throws LoupeError BAD_REQUEST for a period with nothing to draw, or a cell with no rate
 */
export function simulateDesign(db: Db, input: QueueDesignInput, zone: string, now: number, opts: { seeds?: number; rates?: RateSpec; halfWidth?: number; compare?: Record<string, CompareInterval> } = {}): SimulationResult {
  const seeds = opts.seeds ?? 1000;
  const given = opts.rates && (opts.rates.rate !== undefined || Object.keys(opts.rates.rates ?? {}).length > 0) ? opts.rates : null;
  const specs: RateSpec[] = given ? [given] : PLAUSIBLE_RATES.map((rate) => ({ rate }));
  const p = prepareDesign(db, input, zone, now, given ? namedSignals(given) : []);
  if (p.frame.strata.every((s) => s.kind === 'reviewed' || s.rowids.length === 0)) {
    throw new LoupeError('BAD_REQUEST', `No requests to draw in ${p.design.week ?? 'the period'}: the period has no requests${p.frame.stored.requests_in_period > 0 ? ' that are not already reviewed' : ''}.`, { action: 'Choose another period (loupe info shows the first and last request times).' });
  }
  const designs = simulatePrepared(p, seeds, specs, opts.compare ?? {});
  const first = designs[0]!;
  const out: SimulationResult = {
    designs, coverage: first.coverage, mean_estimate: first.mean_estimate, true_rate: first.true_rate,
    relative_bias: first.relative_bias, mean_half_width: first.mean_half_width, seeds,
  };
  if (opts.halfWidth !== undefined) out.size_for_half_width = sizeForHalfWidth(p, specs[0]!, opts.halfWidth, Math.min(seeds, 200));
  return out;
}

/**
 * The smallest queue size (to about 2%) whose simulated mean 95% half-width is at most `target`, by doubling then
 * bisection over sizes, each simulated with `seeds` draws at the given rates.
 * @returns the size, or null when even every drawable request would not reach it
 */
export function sizeForHalfWidth(p: PreparedDesign, spec: RateSpec, target: number, seeds = 200): number | null {
  const cap = p.frame.strata.reduce((a, s) => a + (s.kind === 'reviewed' ? 0 : s.rowids.length), 0);
  const halfAt = (size: number) => {
    const design = { ...p.design, size };
    return simulatePrepared({ design, frame: p.frame, alloc: allocateQueue(design, p.frame.strata, size) }, seeds, [spec])[0]!.mean_half_width;
  };
  let lo = 0;
  let hi = Math.max(10, Math.min(cap, p.design.size));
  while (halfAt(hi) > target) {
    if (hi >= cap) return null;
    lo = hi;
    hi = Math.min(cap, hi * 2);
  }
  while (hi - lo > Math.max(1, Math.round(hi * 0.02))) {
    const mid = Math.round((lo + hi) / 2);
    if (halfAt(mid) > target) lo = mid; else hi = mid;
  }
  return hi;
}

/**
 * The planner of the new-queue form: the design's expected 95% half-width and coverage at {@link PLAUSIBLE_RATES}
 * (the same rate in every stratum), and with a target the queue size for a chosen precision. The frame of the last
 * few designs is kept (keyed by everything it depends on), so changing the size or the shares does not rescan it.
 * @throws LoupeError BAD_REQUEST for a period with nothing to draw
 */
export function planDesign(db: Db, input: QueueDesignInput, zone: string, now: number, opts: { seeds?: number; halfWidth?: number; targetRate?: number } = {}): DesignPlan {
  const t0 = performance.now();
  const seeds = opts.seeds ?? 300;
  const design = resolveDesign(input, zone);
  const maxRowid = db.value<number>('SELECT max(rowid) FROM requests') ?? 0;
  const reviews = db.value<number>('SELECT count(*) FROM reviews') ?? 0;
  const key = JSON.stringify([design.from_ts, design.to_ts, design.include_undated, design.strata, design.filters, Object.keys(design.oversample).sort(), maxRowid, reviews]);
  let frame = frameCache.get(key);
  if (!frame) {
    frame = buildFrame(db, design, null, now, { cells: [] });
    frameCache.set(key, frame);
    if (frameCache.size > 4) frameCache.delete(frameCache.keys().next().value!);
  }
  const drawable = frame.strata.reduce((a, s) => a + (s.kind === 'reviewed' ? 0 : s.rowids.length), 0);
  if (drawable === 0) throw new LoupeError('BAD_REQUEST', 'The period has no requests to draw.', { action: 'Choose another period.' });
  const alloc = allocateQueue(design, frame.strata, design.size);
  const prepared: PreparedDesign = { design, frame, alloc };
  const sims = simulatePrepared(prepared, seeds, PLAUSIBLE_RATES.map((rate) => ({ rate })));
  let target: DesignPlan['target'] = null;
  if (opts.halfWidth !== undefined) {
    const rate = opts.targetRate ?? 0.02;
    target = { half_width: opts.halfWidth, rate, size: sizeForHalfWidth(prepared, { rate }, opts.halfWidth, Math.min(seeds, 200)) };
  }
  return {
    frame_requests: frame.stored.requests_in_period, drawable,
    strata: frame.strata.map((s) => ({ key: s.key, kind: s.kind, population: s.rowids.length, sampled: alloc.get(s.key) ?? 0 })),
    rates: sims.map((d, i) => ({ rate: PLAUSIBLE_RATES[i]!, mean_half_width: d.mean_half_width, coverage: d.coverage })),
    target, seeds, ms: Math.round(performance.now() - t0),
  };
}
const frameCache = new Map<string, Frame>();
