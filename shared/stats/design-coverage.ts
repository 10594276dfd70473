/**
 * Coverage of {@link stratifiedRateInterval} for one stratified design, by simulation: each stratum h holds K_h =
 * round(p_h N_h) events among its N_h requests, the n_h reviewed items are a simple random sample of it (so the
 * events seen, k_h, are hypergeometric), and the interval is computed from each simulated draw. This is the design's
 * own sampling distribution (a stratified simple random sample), so no sampler is needed here; the full simulation
 * through Loupe's sampler (electron/store/review/simulation.ts) validates the same interval end to end.
 *
 * Used to decide the small-sample note: an estimate says its interval may not hold when, and only when, this
 * simulation at rates like the observed ones gives coverage below 93%.
 */
import { Prng } from '../prng';
import { logChoose } from './rate-tests';
import { stratifiedCovers, type RateStratum } from './stratified-interval';

/** Cumulative probabilities of Hypergeometric(N, K, n) from its lowest possible value, for inverse-CDF draws. */
function hypergeometricCdf(N: number, K: number, n: number): { min: number; cdf: Float64Array } {
  const min = Math.max(0, n - (N - K));
  const max = Math.min(n, K);
  const cdf = new Float64Array(max - min + 1);
  const logC = logChoose;
  const denom = logC(N, n);
  let acc = 0;
  for (let x = min; x <= max; x++) {
    acc += Math.exp(logC(K, x) + logC(N - K, n - x) - denom);
    cdf[x - min] = acc;
  }
  for (let i = 0; i < cdf.length; i++) cdf[i] = cdf[i]! / acc;
  return { min, cdf };
}

function drawFrom(t: { min: number; cdf: Float64Array }, u: number): number {
  let lo = 0;
  let hi = t.cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.cdf[mid]! < u) lo = mid + 1; else hi = mid;
  }
  return t.min + lo;
}

/** Result of {@link designCoverage}. */
export interface DesignCoverage {
  /** Share of draws whose interval held the true rate. */
  coverage: number;
  /** Share of draws whose interval lay wholly below / above the true rate. */
  below: number;
  above: number;
  /** The true rate of the covered strata (Σ K_h / Σ N_h). */
  truth: number;
  reps: number;
}

/**
 * Simulated coverage of the 95% interval for a design.
 * @param strata - N_h, n_h (reviewed items) and kind per stratum (k_h is ignored)
 * @param rates - the true event rate p_h per stratum, same order
 * @param opts.reps - draws (default 400); opts.seed - PRNG seed (default 1), so the answer is reproducible
 * @returns coverage, the shares of misses on each side, and the true rate
 */
export function designCoverage(strata: ReadonlyArray<Omit<RateStratum, 'k'>>, rates: readonly number[], opts: { reps?: number; seed?: number; confidence?: number } = {}): DesignCoverage {
  const reps = opts.reps ?? 400;
  const rng = new Prng(opts.seed ?? 1);
  const K = strata.map((s, i) => Math.round(Math.min(1, Math.max(0, rates[i] ?? 0)) * s.N));
  // The estimate claims the covered strata: those with reviewed items, plus empty field strata counted with them.
  const hasFieldReviewed = strata.some((s) => s.n > 0 && (s.kind === 'field' || s.kind === 'all'));
  const inTruth = strata.map((s) => s.N > 0 && (s.n > 0 || (hasFieldReviewed && (s.kind === 'field' || s.kind === 'all'))));
  const truthN = strata.reduce((a, s, i) => a + (inTruth[i] ? s.N : 0), 0);
  const truth = truthN > 0 ? strata.reduce((a, _, i) => a + (inTruth[i] ? K[i]! : 0), 0) / truthN : 0;
  const tables = strata.map((s, i) => (s.n > 0 ? hypergeometricCdf(s.N, K[i]!, s.n) : null));
  const draw: RateStratum[] = strata.map((s) => ({ key: s.key, kind: s.kind, N: s.N, n: s.n, k: 0 }));
  let covered = 0;
  let below = 0;
  let above = 0;
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < draw.length; i++) {
      const t = tables[i];
      draw[i]!.k = t ? drawFrom(t, rng.next()) : 0;
    }
    const where = stratifiedCovers(draw, truth, opts.confidence ?? 0.95);
    if (where === 'below') below++;
    else if (where === 'above') above++;
    else if (where === 'covered') covered++;
  }
  return { coverage: covered / reps, below: below / reps, above: above / reps, truth, reps };
}
