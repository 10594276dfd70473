/**
 * The 95% interval Loupe gives for a rate (failures, passes, tags) estimated from a stratified review sample:
 * strata of very unequal size, oversampled signal strata with large inclusion probabilities, rare events, and
 * strata with one or no reviewed item.
 *
 * Method ("Clopper–Pearson interval at the effective sample size", Korn & Graubard's interval with a variance floor):
 * 1. Estimate p̂ = Σ W_h p_h with W_h = N_h / N and p_h = k_h / n_h (Cochran 1977, §5.8).
 * 2. Design variance v_d: Cochran's stratified variance with a finite population correction, written as the
 *    linearisation Σ_g (1 − f_g) n_g/(n_g − 1) Σ_{i∈g} (u_i − ū_g)² / N², u_i = w_i (y_i − p̂), w_i = N_h / n_h, which
 *    is exactly Cochran's Σ W_h² (1 − f_h) p_h (1 − p_h)/(n_h − 1) when every variance group g is one stratum.
 *    A stratum with a single reviewed item has no variance of its own: it is collapsed with the stratum of the same
 *    kind whose inclusion probability is closest, and the pair is treated as one stratum (the collapsed-strata
 *    estimator: Cochran 1977, §5A.12; Wolter, Introduction to Variance Estimation, 2nd ed. 2007, §2.5). It is
 *    conservative: the difference between the two strata adds to the variance.
 * 3. Variance under the iid model (every stratum has the same rate p̂): v_iid = p̂ (1 − p̂) Σ W_h² (1 − f_h)/n_h, the
 *    model Kott & Liu (2009, "One-sided coverage intervals for a proportion estimated from a stratified simple random
 *    sample", International Statistical Review 77:251–265) use for small and rare proportions; Σ W_h²(1 − f_h)/n_h
 *    is the reciprocal of Kish's effective sample size for unequal weights. Unlike v_d it does not vanish when the
 *    heavy strata show no event, which is where Cochran's variance alone under-covers (the issue measured 37–86%).
 * 4. Effective sample size n* = p̂ (1 − p̂) / max(v_d, v_iid) (1 / Σ W_h²(1 − f_h)/n_h when p̂ is 0 or 1), times
 *    Korn & Graubard's degrees-of-freedom factor (t_{n−1} / t_df)² with df = n − (variance groups), exactly as
 *    R's `survey::svyciprop(method = "beta")` computes it (Korn & Graubard 1998, Survey Methodology 24:193–201).
 * 5. Clopper–Pearson interval at x* = p̂ n*, n*: [Beta⁻¹(α/2; x*, n* − x* + 1), Beta⁻¹(1 − α/2; x* + 1, n* − x*)],
 *    with the lower end 0 at x* = 0 and the upper end 1 at x* = n* (Clopper & Pearson 1934; at the effective size,
 *    Korn & Graubard 1998, as `svyciprop(method = "beta")`).
 *
 * Why Clopper–Pearson and not Jeffreys (which Loupe used before, and which Franco, Little, Louis & Slud 2019 find
 * better calibrated on average): a weekly estimate must hold at the rate the week happens to have, not on average
 * over rates. Jeffreys' coverage oscillates with the true rate and dips far below 95% between the rates a grid
 * happens to test: with a simple random sample it is 88.5% at p = 4.9% for 50 items, 88.1% at p = 2.5% for 100
 * items (exact binomial coverage; Brown, Cai & DasGupta 2001, Fig. 5). Clopper–Pearson's never falls below 95% for a
 * simple random sample, at the price of wider intervals (mean coverage 96–98%). Measured exactly over a dense grid of
 * rates in stratified-interval.test.ts.
 *
 * Validated by simulation through Loupe's own sampler and this estimator over the issue's grid (true rates 0.5–30%,
 * 50–200 items, 1–8 strata, a 2% signal oversampled at 0–30%, 1,000 seeds per design): coverage ≥ 93% in every
 * cell (electron/store/review/coverage-grid.test.ts; the full table in docs/coverage-grid.md).
 *
 * Strata with no reviewed item: a field stratum (or the single stratum of a simple random sample) is collapsed with
 * the other field strata that have reviewed items (its requests are counted at their combined rate); a signal
 * stratum or the stratum of earlier reviews cannot stand in for anything else and is reported as `uncovered`, with
 * the estimate covering the rest of the frame (`coveredShare` < 1). Nothing is dropped without being listed.
 */
import { betaCdf, betaQuantile, tQuantile } from './distributions';

/** What a stratum is, which decides how it may be collapsed. */
export type RateStratumKind = 'signal' | 'field' | 'all' | 'certainty';

/** One stratum of a stratified sample with a binary outcome. */
export interface RateStratum {
  /** Stable name, e.g. "feature=chat" or "signal:thumbs_down". */
  key: string;
  kind: RateStratumKind;
  /** Population size N_h (requests in the stratum), a non-negative integer. */
  N: number;
  /** Items with an outcome n_h, 0 ≤ n_h ≤ N_h. */
  n: number;
  /** Events among them k_h, 0 ≤ k_h ≤ n_h. */
  k: number;
}

/** A stratum merged into others, and why. */
export interface CollapsedStratum {
  key: string;
  /** The strata it was merged with. */
  into: string[];
  population: number;
  /** `no_reviewed_item`: counted at the rate of `into`; `one_reviewed_item`: merged for the variance only. */
  reason: 'no_reviewed_item' | 'one_reviewed_item';
}

/** The estimate with its interval and everything it rests on. */
export interface StratifiedRateInterval {
  /** p̂ for the covered strata; null when no stratum has a reviewed item. */
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** Design standard error √v_d (√v_iid where v_d cannot be formed); 0 for a census. */
  se: number | null;
  /** The effective sample size n* the interval is computed at (after the degrees-of-freedom factor). */
  effectiveN: number | null;
  /** Degrees of freedom: reviewed items minus variance groups. */
  df: number;
  /** Reviewed items and events over the covered strata. */
  n: number;
  k: number;
  /**
   * Requests the estimate stands for (the strata with a reviewed item, and the field strata without one counted at
   * their rate), and of all strata.
   */
  coveredN: number;
  /** Requests of the strata with a reviewed item alone (at most coveredN). */
  reviewedN: number;
  frameN: number;
  /** `clopper_pearson_effective` (the method above), `census` (every covered stratum fully reviewed), `none` (nothing reviewed). */
  method: 'clopper_pearson_effective' | 'census' | 'none';
  collapsed: CollapsedStratum[];
  /** Strata with requests but no reviewed item that nothing could stand in for. */
  uncovered: Array<{ key: string; population: number }>;
  confidence: number;
}


const tCache = new Map<string, number>();
/**
 * Quantile of Student's t with `df` degrees of freedom (SciPy `t.ppf`, R `qt`), from ./distributions; cached, since
 * the simulations ask for few distinct values.
 * @throws RangeError when p is outside [0, 1] or df is not positive
 */
function tQuantileCached(p: number, df: number): number {
  const key = `${p}:${df}`;
  let v = tCache.get(key);
  if (v === undefined) {
    v = tQuantile(p, df);
    if (tCache.size > 10_000) tCache.clear();
    tCache.set(key, v);
  }
  return v;
}

/**
 * Jeffreys interval for a binomial proportion at a possibly fractional count: the equal-tailed interval of the
 * Beta(x + ½, n − x + ½) posterior, with the lower end 0 at x = 0 and the upper end 1 at x = n (Brown, Cai &
 * DasGupta 2001, §4.1.2). At integer x it is statsmodels' `proportion_confint(x, n, method="jeffreys")`.
 * @param x - events (effective count, 0 ≤ x ≤ n)
 * @param n - trials (effective sample size, > 0)
 * @returns [low, high] in [0, 1]
 * @throws RangeError when n ≤ 0 or x is outside [0, n]
 */
export function jeffreysInterval(x: number, n: number, confidence = 0.95): [number, number] {
  if (!(n > 0) || !(x >= -1e-12 && x <= n + 1e-12)) throw new RangeError(`Jeffreys interval needs 0 ≤ x ≤ n and n > 0, got x = ${x}, n = ${n}`);
  const a = (1 - confidence) / 2;
  const low = x <= 1e-12 ? 0 : betaQuantile(a, x + 0.5, n - x + 0.5);
  const high = x >= n - 1e-12 ? 1 : betaQuantile(1 - a, x + 0.5, n - x + 0.5);
  return [Math.max(0, low), Math.min(1, high)];
}

/**
 * Clopper–Pearson ("exact") interval for a binomial proportion at a possibly fractional count:
 * [Beta⁻¹(α/2; x, n − x + 1), Beta⁻¹(1 − α/2; x + 1, n − x)], with the lower end 0 at x = 0 and the upper end 1 at
 * x = n (Clopper & Pearson 1934). At integer x it is statsmodels' `proportion_confint(x, n, method="beta")` and
 * SciPy's `binomtest(x, n).proportion_ci(method="exact")`.
 * @param x - events (effective count, 0 ≤ x ≤ n)
 * @param n - trials (effective sample size, > 0)
 * @returns [low, high] in [0, 1]
 * @throws RangeError when n ≤ 0 or x is outside [0, n]
 */
export function clopperPearsonInterval(x: number, n: number, confidence = 0.95): [number, number] {
  if (!(n > 0) || !(x >= -1e-12 && x <= n + 1e-12)) throw new RangeError(`Clopper–Pearson interval needs 0 ≤ x ≤ n and n > 0, got x = ${x}, n = ${n}`);
  const a = (1 - confidence) / 2;
  const low = x <= 1e-12 ? 0 : betaQuantile(a, x, n - x + 1);
  const high = x >= n - 1e-12 ? 1 : betaQuantile(1 - a, x + 1, n - x);
  return [Math.max(0, low), Math.min(1, high)];
}

/**
 * Korn & Graubard's interval as R's `survey::svyciprop(method = "beta")` computes it (survey 4.5, R/svyttest.R):
 *   n.eff = p̂(1 − p̂)/v · (qt(α/2, n − 1) / qt(α/2, df))²,
 *   [qbeta(α/2, n.eff p̂, n.eff (1 − p̂) + 1), qbeta(1 − α/2, n.eff p̂ + 1, n.eff (1 − p̂))].
 * Kept to compare with the method Loupe uses (this one over-covers with rare events; see the module comment).
 * @param p - the estimate p̂
 * @param variance - its estimated variance v(p̂)
 * @param n - rows of the design (reviewed items)
 * @param df - the design's degrees of freedom (items minus strata)
 * @returns [low, high], or null where R gives NaN (v = 0, p̂ = 0 or 1)
 */
export function kornGraubardInterval(p: number, variance: number, n: number, df: number, confidence = 0.95): [number, number] | null {
  if (!(variance > 0) || !(p > 0 && p < 1) || !(n > 1) || !(df > 0)) return null;
  const a = (1 - confidence) / 2;
  const nEff = ((p * (1 - p)) / variance) * (tQuantileCached(a, n - 1) / tQuantileCached(a, df)) ** 2;
  return [betaQuantile(a, nEff * p, nEff * (1 - p) + 1), betaQuantile(1 - a, nEff * p + 1, nEff * (1 - p))];
}

function check(s: RateStratum): void {
  for (const f of ['N', 'n', 'k'] as const) {
    if (!Number.isInteger(s[f]) || s[f] < 0) throw new RangeError(`stratum ${JSON.stringify(s.key)}: ${f} must be a non-negative integer, got ${String(s[f])}`);
  }
  if (s.n > s.N) throw new RangeError(`stratum ${JSON.stringify(s.key)}: reviewed n = ${s.n} exceeds population N = ${s.N}`);
  if (s.k > s.n) throw new RangeError(`stratum ${JSON.stringify(s.key)}: events k = ${s.k} exceed reviewed n = ${s.n}`);
}

/** Strata of these kinds may stand in for one another when one has no reviewed item. */
export const isField = (k: RateStratumKind): boolean => k === 'field' || k === 'all';

/**
 * The 95% interval of a rate from a stratified sample (method in the module comment).
 * @param strata - N_h, n_h, k_h and kind per stratum; order matters only for ties
 * @param confidence - two-sided level, default 0.95
 * @returns estimate, interval, design se, effective size, collapsed and uncovered strata; never NaN
 * @throws RangeError for counts that are not non-negative integers with k ≤ n ≤ N
 */
export function stratifiedRateInterval(strata: readonly RateStratum[], confidence = 0.95): StratifiedRateInterval {
  const r = effectiveSize(strata, confidence);
  if (r.nStar === null || r.estimate === null) return r.result;
  const p = r.estimate;
  const [low, high] = clopperPearsonInterval(Math.min(r.nStar, Math.max(0, p * r.nStar)), r.nStar, confidence);
  return { ...r.result, low: Math.min(low, p), high: Math.max(high, p) };
}

/**
 * Where `value` lies relative to {@link stratifiedRateInterval}'s interval, without computing the interval: incomplete-
 * beta evaluations instead of inversions (value ≥ low ⟺ I_value(x*, n* − x* + 1) ≥ α/2, and value ≤ high ⟺
 * I_value(x* + 1, n* − x*) ≤ 1 − α/2). The coverage simulations call this thousands of times.
 * @returns 'covered', 'below' (the interval lies wholly below the value), 'above', or null without an estimate
 */
export function stratifiedCovers(strata: readonly RateStratum[], value: number, confidence = 0.95): 'covered' | 'below' | 'above' | null {
  const r = effectiveSize(strata, confidence);
  if (r.estimate === null) return null;
  const p = r.estimate;
  if (r.nStar === null) return value < p - 1e-12 ? 'above' : value > p + 1e-12 ? 'below' : 'covered';
  const n = r.nStar;
  const x = Math.min(n, Math.max(0, p * n));
  const a = (1 - confidence) / 2;
  // The interval always holds p̂ (see stratifiedRateInterval).
  if (value < p && x > 1e-12 && (value <= 0 || betaCdf(value, x, n - x + 1) < a)) return 'above';
  if (value > p && x < n - 1e-12 && (value >= 1 || betaCdf(value, x + 1, n - x) > 1 - a)) return 'below';
  return 'covered';
}

/** Steps 1-4 of the method: the estimate, its design se and the effective sample size (null for a census or none). */
function effectiveSize(strata: readonly RateStratum[], confidence: number): { result: StratifiedRateInterval; estimate: number | null; nStar: number | null } {
  strata.forEach(check);
  const present = strata.filter((s) => s.N > 0);
  const frameN = present.reduce((a, s) => a + s.N, 0);
  const collapsed: CollapsedStratum[] = [];
  const uncovered: Array<{ key: string; population: number }> = [];
  const reviewed = present.filter((s) => s.n > 0);
  const fieldReviewed = reviewed.filter((s) => isField(s.kind));
  const fieldReviewedN = fieldReviewed.reduce((a, s) => a + s.N, 0);
  // Empty field strata are counted at the combined rate of the reviewed field strata: their requests are spread
  // over those strata in proportion to N_h (N'_h below).
  let spread = 0;
  for (const s of present) {
    if (s.n > 0) continue;
    if (isField(s.kind) && fieldReviewed.length > 0) {
      spread += s.N;
      collapsed.push({ key: s.key, into: fieldReviewed.map((f) => f.key), population: s.N, reason: 'no_reviewed_item' });
    } else {
      uncovered.push({ key: s.key, population: s.N });
    }
  }
  const Nadj = reviewed.map((s) => (isField(s.kind) && spread > 0 ? s.N + (spread * s.N) / fieldReviewedN : s.N));
  const coveredN = Nadj.reduce((a, v) => a + v, 0);
  const n = reviewed.reduce((a, s) => a + s.n, 0);
  const k = reviewed.reduce((a, s) => a + s.k, 0);
  const reviewedN = reviewed.reduce((a, s) => a + s.N, 0);
  const base = { df: 0, n, k, coveredN, reviewedN, frameN, collapsed, uncovered, confidence };
  if (reviewed.length === 0) return { result: { ...base, estimate: null, low: null, high: null, se: null, effectiveN: null, method: 'none' }, estimate: null, nStar: null };

  const p = reviewed.reduce((a, s, i) => a + Nadj[i]! * (s.k / s.n), 0) / coveredN;

  // Variance groups: each stratum alone, except a stratum with one reviewed item (and more than one request), which
  // joins the stratum of the same kind with the closest inclusion probability (any kind when it is the only one).
  const group = reviewed.map((_, i) => i);
  const find = (i: number): number => (group[i] === i ? i : (group[i] = find(group[i]!)));
  const pi = reviewed.map((s, i) => s.n / Nadj[i]!);
  reviewed.forEach((s, i) => {
    if (s.n !== 1 || Nadj[i]! <= 1) return;
    let best = -1;
    for (const sameKind of [true, false]) {
      for (let j = 0; j < reviewed.length; j++) {
        if (j === i) continue;
        const o = reviewed[j]!;
        if (sameKind && (isField(o.kind) ? !isField(s.kind) : o.kind !== s.kind)) continue;
        if (best < 0 || Math.abs(pi[j]! - pi[i]!) < Math.abs(pi[best]! - pi[i]!) - 1e-15 || (Math.abs(pi[j]! - pi[i]!) <= Math.abs(pi[best]! - pi[i]!) + 1e-15 && o.n > reviewed[best]!.n)) best = j;
      }
      if (best >= 0) break;
    }
    if (best < 0) return;
    group[find(i)] = find(best);
    collapsed.push({ key: s.key, into: [reviewed[best]!.key], population: s.N, reason: 'one_reviewed_item' });
  });
  const groups = new Map<number, number[]>();
  reviewed.forEach((_, i) => {
    const g = find(i);
    let l = groups.get(g);
    if (!l) groups.set(g, (l = []));
    l.push(i);
  });

  // Design variance (linearisation over the groups; Cochran's formula for single-stratum groups).
  let vd = 0;
  let vdOk = true;
  for (const members of groups.values()) {
    let ng = 0;
    let Ng = 0;
    let su = 0;
    let su2 = 0;
    for (const i of members) {
      const s = reviewed[i]!;
      const w = Nadj[i]! / s.n;
      ng += s.n;
      Ng += Nadj[i]!;
      su += w * (s.k - s.n * p);
      su2 += w * w * (s.k * (1 - p) ** 2 + (s.n - s.k) * p * p);
    }
    const f = Math.min(1, ng / Ng);
    if (f >= 1 - 1e-12) continue; // a census group has no sampling variance
    if (ng < 2) { vdOk = false; continue; }
    const ss = Math.max(0, su2 - (su * su) / ng);
    vd += ((1 - f) * ng * ss) / (ng - 1);
  }
  vd /= coveredN * coveredN;

  // Σ W_h² (1 − f_h) / n_h: the iid model's variance per unit of p(1 − p).
  let d = 0;
  reviewed.forEach((s, i) => {
    const W = Nadj[i]! / coveredN;
    d += (W * W * Math.max(0, 1 - s.n / Nadj[i]!)) / s.n;
  });
  const df = n - groups.size;
  if (d <= 0) {
    return { result: { ...base, df, estimate: p, low: p, high: p, se: 0, effectiveN: null, method: 'census' }, estimate: p, nStar: null };
  }
  const vIid = p * (1 - p) * d;
  const v = vdOk ? Math.max(vd, vIid) : vIid;
  let nStar = p > 0 && p < 1 && v > 0 ? (p * (1 - p)) / v : 1 / d;
  const a = (1 - confidence) / 2;
  if (n >= 2 && df >= 1) nStar *= (tQuantileCached(a, n - 1) / tQuantileCached(a, df)) ** 2;
  return {
    result: { ...base, df, estimate: p, low: null, high: null, se: Math.sqrt(vdOk ? vd : vIid), effectiveN: nStar, method: 'clopper_pearson_effective' },
    estimate: p, nStar,
  };
}
