import { normalQuantile } from './distributions';

/** Two-sided 95% normal quantile, Φ⁻¹(0.975), to full double precision (the value SciPy and R use). */
export const Z_95 = 1.959963984540054;

/** A proportion with its confidence interval; all three are shares in [0, 1]. */
export interface ProportionInterval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Two-sided standard normal quantile for a confidence level, z = Φ⁻¹(1 − (1 − confidence) / 2).
 * 0.95 returns the exact constant {@link Z_95} so that the reference intervals match to the last digit;
 * other levels come from {@link normalQuantile} (./distributions).
 * @param confidence level in (0, 1), e.g. 0.95.
 * @throws RangeError when confidence is not strictly between 0 and 1.
 */
export function zForConfidence(confidence = 0.95): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
  }
  if (confidence === 0.95) return Z_95;
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Wilson score interval for a binomial proportion k / n (Wilson 1927, "Probable inference, the law of
 * succession, and statistical inference", JASA 22:209-212; the same as SciPy's
 * `binomtest(k, n).proportion_ci(method='wilson')`, no continuity correction):
 *
 *   centre = (k + z²/2) / (n + z²),  half-width = z √(k (n − k) / n + z²/4) / (n + z²).
 *
 * Used for error rates, thumbs-up rates and any other share Loupe shows, because unlike the Wald
 * interval it stays inside [0, 1] and keeps its coverage at 0/n and n/n.
 *
 * @param k number of events (failures, thumbs-up, ...), an integer 0 ≤ k ≤ n.
 * @param n number of trials, a non-negative integer.
 * @param confidence two-sided level in (0, 1); default 0.95 (z = 1.959963984540054).
 * @returns `{ estimate: k/n, low, high }` as shares in [0, 1]; **`null` when n = 0**, since no data
 *   means no estimate (callers show "no data" rather than a made-up interval).
 * @throws RangeError when k or n is not a non-negative integer or k > n.
 */
export function wilsonInterval(k: number, n: number, confidence = 0.95): ProportionInterval | null {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`k must be an integer between 0 and n = ${n}, got ${k}`);
  }
  if (n === 0) return null;
  const z = zForConfidence(confidence);
  const z2 = z * z;
  const denom = n + z2;
  const centre = (k + z2 / 2) / denom;
  const half = (z * Math.sqrt((k * (n - k)) / n + z2 / 4)) / denom;
  // At k = 0 and k = n the bound is exactly 0 or 1 in theory; pin it so rounding cannot leave -1e-17.
  const low = k === 0 ? 0 : Math.max(0, centre - half);
  const high = k === n ? 1 : Math.min(1, centre + half);
  return { estimate: k / n, low, high };
}
