import { zForConfidence } from './wilson';

/** One stratum of a stratified review sample. */
export interface Stratum {
  /** Population size N_h: requests in the stratum during the period (non-negative integer). */
  N: number;
  /** Reviewed items n_h drawn by simple random sampling from the stratum, 0 ≤ n_h ≤ N_h. */
  n: number;
  /** Reviewed items judged failures k_h, 0 ≤ k_h ≤ n_h. */
  k: number;
  /** Optional name used in messages (e.g. "model=gpt-4o"); defaults to the stratum's index. */
  label?: string;
}

/** Estimated population failure rate from a stratified (or otherwise weighted) review sample. */
export interface StratifiedEstimate {
  /** Estimated population share of failures in [0, 1]; NaN when some stratum has no reviewed items. */
  estimate: number;
  /** Standard error of the estimate; NaN when a stratum's variance cannot be estimated (n_h = 1). */
  se: number;
  /** Lower end of the normal interval estimate ± z·se, clamped to [0, 1]. */
  low: number;
  /** Upper end of the normal interval, clamped to [0, 1]. */
  high: number;
  /** Plain (unweighted) share of failures among reviewed items, k / n: what an unweighted queue would report. */
  sampleRate: number;
  /** Reviewed items n and their failures k, summed over strata. */
  n: number;
  failures: number;
  /** Population size N (for item input: Σ 1/π, the estimated population size). */
  N: number;
  /** Share of the population reviewed, n / N. */
  samplingFraction: number;
  /** Confidence level of [low, high]. */
  confidence: number;
  /** True when the interval should not be trusted as stated; `reason` says why. */
  smallSample: boolean;
  /** Every reason found, joined with "; ", or null when none. */
  reason: string | null;
}

/** Options shared by the estimators. */
export interface EstimateOptions {
  /** Two-sided confidence level for [low, high]; default 0.95. */
  confidence?: number;
  /** Fewer reviewed items than this in total sets `smallSample`; default 30. */
  minTotal?: number;
}

const MIN_EVENTS = 5;

interface StratumMoments {
  label: string;
  /** Population (or estimated population) size of the stratum. */
  N: number;
  n: number;
  /** Σ over the stratum of w·y, i.e. the stratum's estimated number of failures. */
  weightedFailures: number;
  /** Variance contribution before dividing by N²; NaN when it cannot be estimated. */
  varianceTerm: number;
  failures: number;
}

function finish(strata: StratumMoments[], options: EstimateOptions): StratifiedEstimate {
  const confidence = options.confidence ?? 0.95;
  const minTotal = options.minTotal ?? 30;
  const z = zForConfidence(confidence);
  const reasons: string[] = [];
  let N = 0;
  let n = 0;
  let failures = 0;
  let weighted = 0;
  let varianceSum = 0;
  for (const s of strata) {
    N += s.N;
    n += s.n;
    failures += s.failures;
    weighted += s.weightedFailures;
    varianceSum += s.varianceTerm;
    if (s.N > 0 && s.n === 0) {
      reasons.push(`stratum ${s.label} (${s.N} items) has no reviewed items, so its failure rate is unknown`);
    } else if (s.n === 1 && s.N > 1) {
      reasons.push(`stratum ${s.label} has only 1 reviewed item; its variance needs at least 2`);
    }
  }
  if (n < minTotal) reasons.push(`only ${n} reviewed item${n === 1 ? '' : 's'} (fewer than ${minTotal})`);
  if (n > 0 && (failures < MIN_EVENTS || n - failures < MIN_EVENTS)) {
    reasons.push(`fewer than ${MIN_EVENTS} ${failures < MIN_EVENTS ? 'failures' : 'non-failures'} among reviewed items; the normal interval is unreliable`);
  }
  const missingStratum = strata.some((s) => s.N > 0 && s.n === 0);
  const estimate = N > 0 && !missingStratum ? weighted / N : Number.NaN;
  const se = Number.isNaN(estimate) ? Number.NaN : Math.sqrt(varianceSum) / N;
  const low = Number.isNaN(se) ? Number.NaN : Math.max(0, estimate - z * se);
  const high = Number.isNaN(se) ? Number.NaN : Math.min(1, estimate + z * se);
  return {
    estimate,
    se,
    low,
    high,
    sampleRate: n > 0 ? failures / n : Number.NaN,
    n,
    failures,
    N,
    samplingFraction: N > 0 ? n / N : Number.NaN,
    confidence,
    smallSample: reasons.length > 0,
    reason: reasons.length > 0 ? reasons.join('; ') : null,
  };
}

/**
 * Stratified estimate of a population failure rate from a stratified random sample (Cochran,
 * Sampling Techniques, 3rd ed. 1977, ch. 5, §5.8 "stratified sampling for proportions"):
 *
 *   p̂ = Σ W_h p_h,  W_h = N_h / N,  p_h = k_h / n_h,
 *   v(p̂) = Σ W_h² p_h (1 − p_h) / (n_h − 1) · (1 − n_h / N_h)   (finite population correction per stratum),
 *
 * with a normal interval p̂ ± z·√v clamped to [0, 1]. The review queue samples strata at different rates,
 * so the plain share of failures among reviewed items (`sampleRate`) is biased; this is the figure to show.
 * Example: N = [9000, 1000], n = [50, 50], k = [5, 20] gives 0.13 (se 0.0390643112), not 0.25.
 *
 * Strata with N_h = 0 are ignored. A stratum reviewed in full (n_h = N_h) contributes no variance.
 * The normal interval is the one Cochran gives; like any Wald interval it undercovers a little when the
 * strata that carry most of the weight have only a handful of failures (measured: about 93.5% instead of
 * 95% when the heaviest cells expect ~3-6 failures; 94-95.5% with ≥ 6 expected failures per heavy cell).
 *
 * `smallSample` is set (with a reason) when fewer than `minTotal` (30) items were reviewed, a stratum
 * has n_h < 2 (se is then NaN unless it was a census), a stratum has no reviewed items (estimate NaN),
 * or there are fewer than 5 failures or non-failures.
 * @param strata population size, reviewed count and failures per stratum.
 * @throws RangeError when a count is not a non-negative integer or n_h > N_h or k_h > n_h (naming the stratum and field).
 */
export function stratifiedProportion(strata: readonly Stratum[], options: EstimateOptions = {}): StratifiedEstimate {
  const moments = strata.map((s, i): StratumMoments => {
    const label = s.label !== undefined ? JSON.stringify(s.label) : `#${i}`;
    for (const field of ['N', 'n', 'k'] as const) {
      const v = s[field];
      if (!Number.isInteger(v) || v < 0) {
        throw new RangeError(`stratum ${label}: field ${field} must be a non-negative integer, got ${String(v)}`);
      }
    }
    if (s.n > s.N) throw new RangeError(`stratum ${label}: reviewed n = ${s.n} exceeds population N = ${s.N}`);
    if (s.k > s.n) throw new RangeError(`stratum ${label}: failures k = ${s.k} exceed reviewed n = ${s.n}`);
    const p = s.n > 0 ? s.k / s.n : 0;
    let varianceTerm = 0;
    if (s.n < s.N) {
      // N_h² p(1−p)/(n_h−1)·(1 − n_h/N_h); dividing by N² later turns N_h² into W_h².
      varianceTerm = s.n >= 2 ? (s.N * s.N * p * (1 - p) * (1 - s.n / s.N)) / (s.n - 1) : s.n === 1 ? Number.NaN : 0;
    }
    return { label, N: s.N, n: s.n, weightedFailures: s.N * p, varianceTerm, failures: s.k };
  });
  return finish(moments, options);
}

/** One reviewed item of a review queue drawn with known inclusion probabilities. */
export interface WeightedItem {
  /** 1 when the reviewer judged the item a failure, else 0. */
  y: 0 | 1;
  /** Inclusion probability π in (0, 1]: the chance this item had of entering the review queue. */
  pi: number;
  /**
   * Sampling stratum: the group within which a fixed number of items was drawn by simple random sampling
   * (for a queue that oversamples signals, the stratum × signal cell the item was drawn from).
   */
  stratum: string | number;
}

/** Options for {@link weightedProportion}. */
export interface WeightedEstimateOptions extends EstimateOptions {
  /**
   * Known population size per stratum (key: `String(stratum)`). When absent, N_h is estimated as Σ 1/π
   * over the stratum's reviewed items, which is exact when π = n_h / N_h.
   */
  stratumSizes?: Readonly<Record<string, number>>;
}

/**
 * Failure rate of the whole population from reviewed items that were sampled with unequal inclusion
 * probabilities, weighting each item by w = 1/π: the Hájek (ratio) form of the Horvitz–Thompson
 * estimator (Horvitz & Thompson 1952, JASA 47:663-685; Hájek 1971; Särndal, Swensson & Wretman,
 * Model Assisted Survey Sampling, 1992, §5.7):
 *
 *   p̂ = Σ w_i y_i / Σ w_i.
 *
 * Its variance is the stratified linearisation estimator with a finite population correction per stratum:
 *
 *   v(p̂) = (1 / N̂²) Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_{i∈h} (u_i − ū_h)²,  u_i = w_i (y_i − p̂),
 *   N̂ = Σ w_i,  N̂_h = Σ_{i∈h} w_i (or the given stratum size),  f_h = n_h / N̂_h.
 *
 * When π = n_h / N_h within every stratum (a plain stratified sample) this reduces exactly to
 * {@link stratifiedProportion}: u_i − ū_h = (N_h/n_h)(y_i − p_h), so each stratum contributes
 * N_h² p_h(1 − p_h)/(n_h − 1)·(1 − n_h/N_h) and p̂ = Σ W_h p_h. Within a stratum whose items carry
 * different π (Poisson-style draws) the formula is the usual with-replacement approximation with FPC.
 * The result's `N` is N̂ (or the sum of given stratum sizes).
 *
 * @param items reviewed items with outcome, inclusion probability and sampling stratum.
 * @param options confidence level, small-sample threshold, optional known stratum sizes.
 * @throws RangeError when an item's y is not 0/1 or π is not in (0, 1] (naming the item index), or a given
 *   stratum size is smaller than the stratum's reviewed count.
 */
export function weightedProportion(items: readonly WeightedItem[], options: WeightedEstimateOptions = {}): StratifiedEstimate {
  const groups = new Map<string, { w: number[]; y: number[] }>();
  items.forEach((item, i) => {
    if (item.y !== 0 && item.y !== 1) throw new RangeError(`item ${i}: y must be 0 or 1, got ${String(item.y)}`);
    if (!(item.pi > 0 && item.pi <= 1)) {
      throw new RangeError(`item ${i}: inclusion probability pi must be in (0, 1], got ${String(item.pi)}`);
    }
    const key = String(item.stratum);
    let g = groups.get(key);
    if (!g) {
      g = { w: [], y: [] };
      groups.set(key, g);
    }
    g.w.push(1 / item.pi);
    g.y.push(item.y);
  });
  const sizes = options.stratumSizes ?? {};
  // Per stratum, N_h is the given size or Σ 1/π; weights are rescaled to sum to N_h (a no-op without a
  // given size), so p̂ = Σ N_h p̂_h / Σ N_h in both cases.
  const prepared = [...groups].map(([key, g]) => {
    const nh = g.w.length;
    const wSum = g.w.reduce((s, w) => s + w, 0);
    const given = sizes[key];
    if (given !== undefined && !(Number.isFinite(given) && given >= nh)) {
      throw new RangeError(`stratum ${JSON.stringify(key)}: size ${String(given)} must be a number ≥ its ${nh} reviewed items`);
    }
    const Nh = given ?? wSum;
    const w = given === undefined ? g.w : g.w.map((wi) => (wi * given) / wSum);
    const weightedFailures = w.reduce((s, wi, i) => s + wi * (g.y[i] as number), 0);
    return { key, nh, Nh, w, y: g.y, weightedFailures };
  });
  const N = prepared.reduce((s, p) => s + p.Nh, 0);
  const pHat = N > 0 ? prepared.reduce((s, p) => s + p.weightedFailures, 0) / N : 0;
  const moments = prepared.map(({ key, nh, Nh, w, y, weightedFailures }): StratumMoments => {
    const u = w.map((wi, i) => wi * ((y[i] as number) - pHat));
    const uMean = u.reduce((s, v) => s + v, 0) / nh;
    const ss = u.reduce((s, v) => s + (v - uMean) * (v - uMean), 0);
    const fpc = Math.max(0, 1 - nh / Nh);
    let varianceTerm = 0;
    if (fpc > 0) varianceTerm = nh >= 2 ? (fpc * nh * ss) / (nh - 1) : Number.NaN;
    return { label: JSON.stringify(key), N: Nh, n: nh, weightedFailures, varianceTerm, failures: y.reduce((s, v) => s + v, 0) };
  });
  return finish(moments, options);
}
