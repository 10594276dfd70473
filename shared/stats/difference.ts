import { normalSf } from './distributions';
import { wilsonInterval } from './wilson';

/** Upper tail of the standard normal, P(Z > z), as the tail itself (not 1 − cdf, which reads 0 below 1e-16). */
const normalSurvival = normalSf;

/** The difference of two independent estimates (this − last) with its interval. */
export interface DifferenceInterval {
  /** p1 − p0 in the estimates' unit. */
  difference: number;
  low: number;
  high: number;
  /** True when [low, high] excludes 0: the difference is significant at 1 − confidence. */
  significant: boolean;
}

/**
 * Interval for the difference of two independent estimates from each one's own confidence interval: the MOVER
 * ("method of variance estimates recovery", Zou & Donner 2008, "Construction of confidence limits about effect
 * measures: a general approach", Statistics in Medicine 27:1693-1702):
 *
 *   d = p1 − p0,  low = d − √((p1 − l1)² + (u0 − p0)²),  high = d + √((u1 − p1)² + (p0 − l0)²).
 *
 * With Wilson intervals on both sides this is Newcombe's hybrid score interval (Newcombe 1998, "Interval
 * estimation for the difference between independent proportions: comparison of eleven methods", Statistics in
 * Medicine 17:873-890, method 10). Because each side brings its own interval, each side's design is respected: a
 * stratified review estimate brings its design-based interval (Korn-Graubard), a full count its Wilson interval.
 * Unlike the Wald difference it stays sensible when one side has no event (its interval is then [0, u]).
 * @param p1 - this week's estimate, with [l1, u1] its interval
 * @param p0 - last week's estimate, with [l0, u0] its interval
 * @returns the difference and its interval (same confidence as the inputs' intervals)
 */
export function moverDifference(p1: number, l1: number, u1: number, p0: number, l0: number, u0: number): DifferenceInterval {
  const d = p1 - p0;
  const low = d - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2);
  const high = d + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2);
  return { difference: d, low, high, significant: low > 0 || high < 0 };
}

/**
 * Newcombe's hybrid score interval for p1 − p0 of two independent binomial proportions k1/n1 and k0/n0 (Newcombe
 * 1998, method 10): {@link moverDifference} with Wilson score intervals. Reference values (Newcombe's Table II):
 * 56/70 − 48/80 gives [0.0524, 0.3339]; 9/10 − 3/10 gives [0.1705, 0.8090]; 5/56 − 0/29 gives [−0.0381, 0.1926].
 * @returns null when either n is 0
 * @throws RangeError for counts that are not integers with 0 ≤ k ≤ n (from wilsonInterval)
 */
export function newcombeDifference(k1: number, n1: number, k0: number, n0: number, confidence = 0.95): DifferenceInterval | null {
  const a = wilsonInterval(k1, n1, confidence);
  const b = wilsonInterval(k0, n0, confidence);
  if (!a || !b) return null;
  return moverDifference(a.estimate, a.low, a.high, b.estimate, b.low, b.high);
}

/** Throws unless 0 ≤ k ≤ n, both whole numbers. */
function checkCounts(k: number, n: number, what: string): void {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && k <= n)) throw new RangeError(`${what} must be a whole number from 0 to its n (${String(n)}), got ${String(k)}`);
}

/**
 * Two-sided p-value of the pooled two-proportion z-test (equal to Pearson's chi-square test of a 2×2 table without
 * Yates' correction): z = (p1 − p0) / √(p̄(1 − p̄)(1/n1 + 1/n0)), p̄ = (k1 + k0) / (n1 + n0).
 * @returns null when either n is 0, or when no side has an event or every item is an event (nothing to test)
 * @throws RangeError when a count is negative, not whole, or above its n (12 events of 10 read p = 3.4e-6)
 */
export function twoProportionP(k1: number, n1: number, k0: number, n0: number): number | null {
  checkCounts(k1, n1, 'twoProportionP: k1');
  checkCounts(k0, n0, 'twoProportionP: k0');
  if (n1 === 0 || n0 === 0) return null;
  const pooled = (k1 + k0) / (n1 + n0);
  if (pooled === 0 || pooled === 1) return null;
  const z = (k1 / n1 - k0 / n0) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0));
  return Math.min(1, 2 * normalSurvival(Math.abs(z)));
}

/**
 * Two-sided p-value of the Wald test of a difference between two independent estimates with standard errors se1
 * and se0 (each from its own design): z = (p1 − p0) / √(se1² + se0²) (Kish 1965, Survey Sampling, §12.10: the
 * variance of a difference of independent samples is the sum of their variances).
 * @returns null when the combined standard error is 0 or not finite
 */
export function waldDifferenceP(p1: number, se1: number, p0: number, se0: number): number | null {
  const se = Math.sqrt(se1 * se1 + se0 * se0);
  if (!(se > 0) || !Number.isFinite(se)) return null;
  return Math.min(1, 2 * normalSurvival(Math.abs((p1 - p0) / se)));
}

/**
 * Two-sided p-value of the score test that two independent groups of NPS answers share one NPS: the difference of
 * their NPS over its standard error under that null, from the pooled promoter and detractor shares p̄, d̄ (as the
 * pooled two-proportion z-test pools p̄): z = (NPS1 − NPS0) / (100 √((p̄ + d̄ − (p̄ − d̄)²)(1/n1 + 1/n0))), the variance
 * of the multinomial difference p − d (the one npsInterval uses). The Wald form, with each side's own variance, has a
 * variance of 0 for a side whose answers are all promoters (or all detractors): one promoter against 200 answers
 * read p = 1.2e-51.
 * @returns null when either n is 0 or the pooled variance is 0 (every answer a passive, or all of one kind)
 * @throws RangeError when promoters and detractors together exceed their n, or a count is negative or not whole
 */
export function npsDifferenceP(promoters1: number, detractors1: number, n1: number, promoters0: number, detractors0: number, n0: number): number | null {
  checkCounts(promoters1 + detractors1, n1, 'npsDifferenceP: promoters1 + detractors1');
  checkCounts(promoters0 + detractors0, n0, 'npsDifferenceP: promoters0 + detractors0');
  if (promoters1 < 0 || detractors1 < 0 || promoters0 < 0 || detractors0 < 0) throw new RangeError('npsDifferenceP: promoters and detractors must not be negative');
  if (n1 <= 0 || n0 <= 0) return null;
  const p = (promoters1 + promoters0) / (n1 + n0);
  const d = (detractors1 + detractors0) / (n1 + n0);
  const v = (p + d - (p - d) ** 2) * (1 / n1 + 1 / n0);
  if (!(v > 0)) return null;
  const diff = (promoters1 - detractors1) / n1 - (promoters0 - detractors0) / n0;
  return Math.min(1, 2 * normalSf(Math.abs(diff) / Math.sqrt(v)));
}
