/**
 * Loupe's one module of probability distributions: every CDF, survival function (upper tail) and quantile the
 * statistics use comes from here, and everything here comes from the stdlib project's `@stdlib/*` packages (pinned
 * exact versions in package.json), except the chi-square tail above 400 degrees of freedom: stdlib's gammainc is up to
 * 2.5% off there, so it is a finite sum of stdlib's gammaln terms (chiSquareSfBySum). Nothing else in
 * shared/stats imports a distribution library.
 *
 * Upper tails are computed as upper tails, never as `1 − cdf`: 1 − cdf loses every digit once the p-value falls below
 * about 1e-16 (a chi-square of 100 on 3 dof is 1.55e-21, and `1 − cdf` says 0). Symmetric distributions take the
 * lower tail at −x; chi-square and beta use the upper regularized incomplete gamma and beta functions.
 *
 * Reference values in distributions.test.ts come from SciPy (`scipy.stats.norm/chi2/t/beta`, `scipy.special.gammaln`),
 * including far tails.
 */
import betaCdfStd from '@stdlib/stats-base-dists-beta-cdf';
import betaQuantileStd from '@stdlib/stats-base-dists-beta-quantile';
import chiSquareQuantileStd from '@stdlib/stats-base-dists-chisquare-quantile';
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import tCdfStd from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';
import betainc from '@stdlib/math-base-special-betainc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import gammainc from '@stdlib/math-base-special-gammainc';
import gammalnStd from '@stdlib/math-base-special-gammaln';

function checkProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${what}: probability must be in [0, 1], got ${String(p)}`);
}
function checkPositive(v: number, what: string): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${what} must be a positive finite number, got ${String(v)}`);
}

/** Standard normal CDF Φ(x) (SciPy `norm.cdf`). */
export function normalCdf(x: number): number {
  return normalCdfStd(x, 0, 1);
}

/** Standard normal upper tail P(Z > x) = Φ(−x) (SciPy `norm.sf`), accurate far into the tail (Φ(−37.5) ≈ 4.6e-308). */
export function normalSf(x: number): number {
  return normalCdfStd(-x, 0, 1);
}

/**
 * Standard normal quantile Φ⁻¹(p) (SciPy `norm.ppf`), as −√2 erfc⁻¹(2p) below the median and √2 erfc⁻¹(2(1 − p))
 * above it. Not `@stdlib/stats-base-dists-normal-quantile`: it evaluates erf⁻¹(2p − 1), and 2p − 1 rounds away the
 * digits of a small p (it gives −6.3613408897 at p = 1e-10 where SciPy gives −6.3613409024, and −∞ at 1e-300).
 * @throws RangeError when p is outside [0, 1]
 */
export function normalQuantile(p: number): number {
  checkProbability(p, 'normalQuantile');
  // 1 − p is exact for p ≥ 0.5 (Sterbenz), so both branches keep every digit of the tail they work in.
  return p < 0.5 ? -Math.SQRT2 * erfcinv(2 * p) : Math.SQRT2 * erfcinv(2 * (1 - p));
}

/**
 * Chi-square upper tail P(χ²_dof ≥ x) = Q(dof/2, x/2), the upper regularized incomplete gamma function
 * (SciPy `chi2.sf`). 1 for x ≤ 0, 0 for +∞, NaN for NaN (as SciPy).
 * @param x - the statistic
 * @param dof - degrees of freedom, > 0
 * @throws RangeError when dof is not positive
 */
export function chiSquareSf(x: number, dof: number): number {
  checkPositive(dof, 'chiSquareSf: dof');
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 0;
  if (!(x > 0)) return 1;
  if (dof > LARGE_DOF) return chiSquareSfBySum(x, dof);
  return gammainc(x / 2, dof / 2, true, true);
}

/**
 * From this many degrees of freedom on, chiSquareSf takes {@link chiSquareSfBySum}: stdlib's gammainc (0.2.x)
 * switches to an asymptotic expansion for large shapes that is off by up to 2.5% near the centre (chi2.sf(2100, 2100)
 * is 0.495896 in SciPy, 0.508207 from gammainc; 2100.5 dof alike), found by checking against SciPy on inputs chosen
 * at random.
 */
const LARGE_DOF = 400;

/**
 * Q(a, y), a = dof/2 > 200, as a finite sum of positive terms (no cancellation, so every term's ~1e-13 relative error
 * stays that): with a = f + m, m = ⌊a⌋, f ∈ [0, 1), Q(a, y) = Q(f, y) + Σ_{j<m} e^{−y} y^{f+j} / Γ(f + j + 1) (the
 * recurrence Q(s + 1, y) = Q(s, y) + e^{−y} y^s / Γ(s + 1), A&S 6.5.21; Q(0, y) = 0, so for even dof it is the Poisson
 * CDF of A&S 6.5.13), with Q(f, y) from gammainc, exact at such small shapes. The terms, a Poisson-like bump in j
 * around y with spread √y, are summed from the top of the range down and stop once past the bump they fall below
 * 1e-17 of the sum; terms more than 40√y above the bump (each below e^{−800} of it) are not visited, so any dof costs
 * at most about 80√y + 40 terms. Checked against SciPy chi2.sf in distributions.test.ts (whole and fractional dof,
 * up to 10⁷).
 */
function chiSquareSfBySum(x: number, dof: number): number {
  const y = x / 2;
  const a = dof / 2;
  const m = Math.floor(a);
  const f = a - m;
  const lnY = Math.log(y);
  const sum = f > 0 ? gammainc(y, f, true, true) : 0;
  const top = Math.min(m - 1, Math.floor(y + 40 * Math.sqrt(y) + 40));
  let tail = 0;
  for (let j = top; j >= 0; j--) {
    const s = f + j; // the term e^{−y} y^s / Γ(s + 1)
    const term = Math.exp(s * lnY - y - gammalnStd(s + 1));
    tail += term;
    if (s < y && term < 1e-17 * (tail + sum)) break;
  }
  return Math.min(1, sum + tail);
}

/**
 * Chi-square quantile (SciPy `chi2.ppf`). Above {@link LARGE_DOF} degrees of freedom stdlib's answer in the upper
 * half (off by up to 9e-4 relative there, from the same gammainc) is refined by Newton steps on {@link chiSquareSf}.
 * The lower half keeps stdlib's answer, which matches SciPy there (1e-13 at p = 1e-10, 224,420 dof): a Newton step
 * on (1 − p) − sf(q) cancels to noise when sf is near 1 and threw q to 6e98.
 * @throws RangeError when p is outside [0, 1] or dof is not positive
 */
export function chiSquareQuantile(p: number, dof: number): number {
  checkProbability(p, 'chiSquareQuantile');
  checkPositive(dof, 'chiSquareQuantile: dof');
  let q = chiSquareQuantileStd(p, dof);
  if (!(dof > LARGE_DOF) || !(p >= 0.5 && p < 1) || !(q > 0)) return q;
  const a = dof / 2;
  for (let i = 0; i < 30; i++) {
    // F(q) − p = (1 − sf) − p, written as (1 − p) − sf so the upper tail keeps its digits.
    const diff = (1 - p) - chiSquareSf(q, dof);
    const pdf = Math.exp((a - 1) * Math.log(q / 2) - q / 2 - gammalnStd(a)) / 2;
    if (!(pdf > 0)) break;
    const step = diff / pdf;
    q -= step;
    if (Math.abs(step) <= 1e-13 * q) break;
  }
  return q;
}

/**
 * Student's t CDF P(T ≤ t) with `df` degrees of freedom (SciPy `t.cdf`).
 * @throws RangeError when df is not positive
 */
export function tCdf(t: number, df: number): number {
  checkPositive(df, 'tCdf: df');
  return tCdfStd(t, df);
}

/**
 * Student's t upper tail P(T ≥ t) = P(T ≤ −t) (SciPy `t.sf`; R `pt(t, df, lower.tail = FALSE)`).
 * @throws RangeError when df is not positive
 */
export function tSf(t: number, df: number): number {
  checkPositive(df, 'tSf: df');
  return tCdfStd(-t, df);
}

/**
 * Student's t quantile (SciPy `t.ppf`; R `qt`).
 * @throws RangeError when p is outside [0, 1] or df is not positive
 */
export function tQuantile(p: number, df: number): number {
  checkProbability(p, 'tQuantile');
  checkPositive(df, 'tQuantile: df');
  return tQuantileStd(p, df);
}

/**
 * Beta(a, b) CDF, the regularized incomplete beta function I_x(a, b) (SciPy `beta.cdf`).
 * @throws RangeError when a or b is not positive
 */
export function betaCdf(x: number, a: number, b: number): number {
  checkPositive(a, 'betaCdf: a');
  checkPositive(b, 'betaCdf: b');
  return betaCdfStd(x, a, b);
}

/**
 * Beta(a, b) upper tail 1 − I_x(a, b), computed as the upper incomplete beta itself (SciPy `beta.sf`); NaN for NaN.
 * @throws RangeError when a or b is not positive
 */
export function betaSf(x: number, a: number, b: number): number {
  checkPositive(a, 'betaSf: a');
  checkPositive(b, 'betaSf: b');
  if (Number.isNaN(x)) return NaN;
  if (!(x > 0)) return 1;
  if (x >= 1) return 0;
  return betainc(x, a, b, true, true);
}

/**
 * Beta(a, b) quantile, the inverse regularized incomplete beta (SciPy `beta.ppf`; R `qbeta`).
 * @throws RangeError when p is outside [0, 1] or a, b are not positive
 */
export function betaQuantile(p: number, a: number, b: number): number {
  checkProbability(p, 'betaQuantile');
  checkPositive(a, 'betaQuantile: a');
  checkPositive(b, 'betaQuantile: b');
  return betaQuantileStd(p, a, b);
}

/** Natural log of the gamma function, ln Γ(x), for x > 0 (SciPy `special.gammaln`). */
export function gammaln(x: number): number {
  return gammalnStd(x);
}
