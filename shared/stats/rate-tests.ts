import binomcoefln from '@stdlib/math-base-special-binomcoefln';
import { tSf } from './distributions';

/**
 * One-sided exact tests that a rate in a current window is greater than in a baseline window. Loupe's alert rules
 * use them so that an alert says "significantly above its own baseline", not "above a fixed line" (see
 * electron/store/alerts). Every tail is summed term by term from the exact distribution (the starting term from
 * log-gamma, the rest by the pmf's ratio recurrence), so large counts neither underflow nor lose the tail.
 * Reference values: SciPy 1.17 `fisher_exact(..., alternative='greater')` and `binomtest(..., alternative='greater')`
 * (docs/STATS.md; tests in rate-tests.test.ts).
 */

/**
 * Natural log of the binomial coefficient C(n, k): @stdlib's binomcoefln, −ln(n + 1) − ln B(n − k + 1, k + 1) with a
 * log-beta that keeps its digits for large arguments (as R's `lchoose`). The difference of three log-gammas it
 * replaces lost 7-9 digits from n ≈ 1e7 on (ln C(1e9, 3) off by 3.8e-8 relative, ln C(1e12, 2) by 1.4e-3: checked
 * against mpmath by a helper), which moved the exact tests' p-values by up to 1.6e-6 relative.
 * @param n - non-negative
 * @param k - 0 ≤ k ≤ n
 */
export function logChoose(n: number, k: number): number {
  return binomcoefln(n, k);
}
const lchoose = logChoose;

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${String(v)}`);
}

/**
 * Sums pmf(x) for x = from..to given log pmf(from) and the ratio pmf(x + 1) / pmf(x); stops once the terms past
 * the mode no longer change the sum in double precision.
 */
function tailSum(logFirst: number, from: number, to: number, ratio: (x: number) => number): number {
  let term = Math.exp(logFirst);
  // The first term can underflow while later ones do not (the tail starts far left of the mode): work in a scaled
  // space, log-offset by the first term, and bring the sum back at the end.
  let scaled = 1;
  let sum = 1;
  for (let x = from; x < to; x++) {
    const r = ratio(x);
    scaled *= r;
    sum += scaled;
    if (r < 1 && scaled < sum * 1e-17) break;
    if (!Number.isFinite(sum)) break;
  }
  if (Number.isFinite(sum) && term > 0) return Math.min(1, term * sum);
  term = logFirst + Math.log(sum);
  return Math.min(1, Math.exp(term));
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): the one-sided exact binomial test of "the rate is greater than p"
 * (SciPy `binomtest(k, n, p, alternative='greater').pvalue`; R `binom.test(k, n, p, alternative = "greater")`).
 * Example: 3 errors in 50 requests at a true 4% gives 0.3233 (an alert on the point estimate alone fires a third of
 * the time).
 * @param k events observed, integer 0 ≤ k ≤ n
 * @param n trials, integer ≥ 0
 * @param p probability under the null hypothesis, in [0, 1]
 * @returns the p-value in [0, 1]; 1 when k = 0
 * @throws RangeError for counts that are not non-negative integers, k > n, or p outside [0, 1]
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  checkCount('k', k);
  checkCount('n', n);
  if (k > n) throw new RangeError(`k (${k}) cannot exceed n (${n})`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${String(p)}`);
  if (k === 0) return 1;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logFirst = lchoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
  const odds = p / (1 - p);
  return tailSum(logFirst, k, n, (x) => ((n - x) / (x + 1)) * odds);
}

/**
 * One-sided Fisher exact test that the share k1 / n1 of a current window is greater than the share k0 / n0 of a
 * baseline window (Fisher 1935; SciPy `fisher_exact([[k1, n1 − k1], [k0, n0 − k0]], alternative='greater')`):
 * P(X ≥ k1) for X hypergeometric with the table's margins. It conditions on the baseline's own count, so a short
 * baseline is not treated as a known rate. Example: 10 errors in 58 requests against 15 in 1,300 gives 1.83e-8.
 * @param k1 events in the current window, integer 0 ≤ k1 ≤ n1
 * @param n1 trials in the current window
 * @param k0 events in the baseline window, integer 0 ≤ k0 ≤ n0
 * @param n0 trials in the baseline window
 * @returns the p-value in [0, 1]; 1 when k1 = 0 or either window is empty
 * @throws RangeError for counts that are not non-negative integers or events above trials
 */
export function fisherGreater(k1: number, n1: number, k0: number, n0: number): number {
  for (const [name, v] of [['k1', k1], ['n1', n1], ['k0', k0], ['n0', n0]] as const) checkCount(name, v);
  if (k1 > n1 || k0 > n0) throw new RangeError(`events cannot exceed trials (k1 ${k1} / n1 ${n1}, k0 ${k0} / n0 ${n0})`);
  if (k1 === 0 || n1 === 0 || n0 === 0) return 1;
  const m = k1 + k0; // events in both windows (column total)
  const total = n1 + n0;
  const hi = Math.min(m, n1);
  // Hypergeometric: draws n1 from total with m successes; x successes in the draw.
  const logPmf = (x: number) => lchoose(m, x) + lchoose(total - m, n1 - x) - lchoose(total, n1);
  return tailSum(logPmf(k1), k1, hi, (x) => ((m - x) * (n1 - x)) / ((x + 1) * (total - m - n1 + x + 1)));
}

/**
 * Two-sided p-value of Fisher's exact test of a 2×2 table (k1 events of n1 against k0 of n0): the sum of the
 * hypergeometric probabilities of every table with the same margins that is no more likely than the observed one,
 * with a relative tolerance of 1e-7 for ties (R `fisher.test`'s; scipy.stats.fisher_exact 1.17 uses 1e-14, which gave
 * the same p-values on the 62 tables a helper compared). The report states it beside the Newcombe interval of a change of shares: exact, so it does not
 * call a sparse change significant that the interval does not (the pooled z-test did: 1 of 10 against 0 of 60 gave
 * p = 0.014, Fisher 0.143).
 * @returns the p-value in [0, 1]; 1 when either row or column is empty
 * @throws RangeError for counts that are not non-negative integers or events above trials
 */
export function fisherTwoSided(k1: number, n1: number, k0: number, n0: number): number {
  for (const [name, v] of [['k1', k1], ['n1', n1], ['k0', k0], ['n0', n0]] as const) checkCount(name, v);
  if (k1 > n1 || k0 > n0) throw new RangeError(`events cannot exceed trials (k1 ${k1} / n1 ${n1}, k0 ${k0} / n0 ${n0})`);
  const m = k1 + k0;
  const total = n1 + n0;
  if (n1 === 0 || n0 === 0 || m === 0 || m === total) return 1;
  const logPmf = (x: number) => lchoose(m, x) + lchoose(total - m, n1 - x) - lchoose(total, n1);
  return noMoreLikely(Math.max(0, n1 - (total - m)), Math.min(m, n1), k1, logPmf);
}

/**
 * The two-sided exact p-value of a discrete test: the sum of the probabilities of every outcome in [lo, hi] no more
 * likely than the observed one, with SciPy's relative tolerance of 1e-7 for ties (on the log scale).
 */
function noMoreLikely(lo: number, hi: number, observed: number, logPmf: (x: number) => number): number {
  const cut = logPmf(observed) + Math.log1p(1e-7);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const l = logPmf(x);
    if (l <= cut) p += Math.exp(l);
  }
  return Math.min(1, p);
}

/**
 * Two-sided exact conditional test that two count rates k1 / t1 and k0 / t0 are equal: the binomial test of k1 of
 * k1 + k0 events at p = t1 / (t1 + t0), two-sided by summing every outcome no more likely than the observed one
 * (SciPy `binomtest(k1, k1 + k0, t1 / (t1 + t0))` with its 1e-7 relative tolerance; R `poisson.test(c(k1, k0),
 * c(t1, t0))`). The report states it beside the MOVER interval of a change of ticket rates (t = requests).
 * @returns the p-value in [0, 1]; 1 when there is no event
 * @throws RangeError for counts that are not non-negative integers or exposures that are not positive and finite
 */
export function poissonRateTwoSided(k1: number, t1: number, k0: number, t0: number): number {
  checkCount('k1', k1);
  checkCount('k0', k0);
  if (!(t1 > 0 && Number.isFinite(t1)) || !(t0 > 0 && Number.isFinite(t0))) throw new RangeError(`exposures must be positive and finite, got t1 ${String(t1)}, t0 ${String(t0)}`);
  const n = k1 + k0;
  if (n === 0) return 1;
  const p = t1 / (t1 + t0);
  return noMoreLikely(0, n, k1, (x) => lchoose(n, x) + x * Math.log(p) + (n - x) * Math.log1p(-p));
}

/**
 * One-sided exact conditional test that a count rate k1 / t1 is greater than a baseline count rate k0 / t0
 * (Przyborowski & Wilenski 1940; R `poisson.test(c(k1, k0), c(t1, t0), alternative = "greater")`, which is
 * `binom.test(k1, k1 + k0, t1 / (t1 + t0), alternative = "greater")`). Used for counts without a denominator of
 * trials: tickets per week against the weeks before.
 * @param k1 events in the current window (integer ≥ 0)
 * @param t1 length (exposure) of the current window, > 0 (e.g. 1 week)
 * @param k0 events in the baseline window (integer ≥ 0)
 * @param t0 length of the baseline window, > 0 (e.g. 4 weeks)
 * @returns the p-value in [0, 1]; 1 when k1 = 0
 * @throws RangeError for counts that are not non-negative integers or exposures that are not positive and finite
 */
export function poissonRateGreater(k1: number, t1: number, k0: number, t0: number): number {
  checkCount('k1', k1);
  checkCount('k0', k0);
  if (!(t1 > 0 && Number.isFinite(t1)) || !(t0 > 0 && Number.isFinite(t0))) throw new RangeError(`exposures must be positive and finite, got t1 ${String(t1)}, t0 ${String(t0)}`);
  return binomialUpperTail(k1, k1 + k0, t1 / (t1 + t0));
}

/**
 * P(T ≥ t) for T ~ Student's t with `df` degrees of freedom: the one-sided p-value of a t statistic (R
 * `pt(t, df, lower.tail = FALSE)`; SciPy `stats.t.sf(t, df)`). The daily-cost alert tests a day's log cost against
 * its baseline days with it.
 * @param t - the statistic
 * Computed as the upper tail itself ({@link tSf}), not 1 − cdf, so a p-value of 1e-20 is not read as 0.
 * @param df - degrees of freedom, > 0
 * @throws RangeError when df is not positive
 */
export function studentTUpperTail(t: number, df: number): number {
  return tSf(t, df);
}
