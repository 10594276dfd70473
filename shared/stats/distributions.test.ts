import { describe, expect, it } from 'vitest';
import { betaCdf, betaQuantile, betaSf, chiSquareQuantile, chiSquareSf, gammaln, normalCdf, normalQuantile, normalSf, tCdf, tQuantile, tSf } from './distributions';

// Every expected value below was printed by /usr/bin/python3 (SciPy 1.17.1), e.g.
//   python3 -c "from scipy import stats; print(repr(float(stats.chi2.sf(100, 3))))"
// Far tails are included on purpose: a `1 − cdf` implementation reads 0 there.

/** |actual − expected| ≤ rel · |expected| (relative agreement). */
function close(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe('normal distribution (scipy.stats.norm)', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.9, 1.2815515655446004],
    [0.5, 0],
    [1e-10, -6.361340902404056],
    [1e-300, -37.0470962993612],
    [1 - 1e-12, 7.0344869100478356],
  ])('ppf(%s) = %s', (p, q) => {
    close(normalQuantile(p), q, 1e-13);
  });
  it.each([
    [1.96, 0.024997895148220435],
    [5, 2.866515718791933e-7],
    [10, 7.61985302416047e-24],
    [20, 2.7536241186061556e-89],
    [37.5, 4.605353009581954e-308],
    [-3, 0.9986501019683699],
  ])('sf(%s) = %s', (x, p) => {
    close(normalSf(x), p, 1e-12);
  });
  it('cdf', () => {
    close(normalCdf(0.3), 0.6179114221889526, 1e-14);
    close(normalCdf(-10), 7.61985302416047e-24, 1e-12);
  });
  it('rejects a probability outside [0, 1]', () => {
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
});

describe('chi-square distribution (scipy.stats.chi2)', () => {
  it.each([
    [2.7777777777777777, 2, 0.24935220877729622],
    [30.070149095754672, 2, 2.9535891832117595e-7],
    [50, 1, 1.537459794428033e-12],
    [100, 3, 1.5541594313896026e-21],
    [300, 2, 7.175095973164448e-66],
    [0.5, 1, 0.47950012218695337],
    [1e-3, 4, 0.9999998750416589],
  ])('sf(%s, %s) = %s', (x, k, p) => {
    close(chiSquareSf(x, k), p, 1e-12);
  });
  it('sf far beyond double range is (sub)normal-small, and 1 at x ≤ 0', () => {
    // SciPy gives 0.0 for chi2.sf(1500, 10); the exact value e^-750 Σ_{j<5} 750^j/j! ≈ 2.5e-316 is subnormal.
    expect(chiSquareSf(1500, 10)).toBeLessThan(1e-300);
    expect(chiSquareSf(0, 3)).toBe(1);
  });
  it.each([
    [0.025, 10, 3.2469727802368413],
    [0.975, 12, 23.33666415864534],
    [1e-10, 2, 2.0000000000999938e-10],
    [0.999999, 4, 33.37684158165888],
    [0.025, 2, 0.05063561596857975],
  ])('ppf(%s, %s) = %s', (p, k, q) => {
    close(chiSquareQuantile(p, k), q, 1e-13);
  });
  // Large degrees of freedom, where stdlib's gammainc is off by up to 2.5% near the centre (0.508207 for the first).
  it.each([
    [2100, 2100, 0.4958961029787101],
    [3000, 3000, 0.49656643883965135],
    [5000, 4900, 0.1562274137489366],
    [2101, 2101, 0.4958970797585046],
    [1800, 1885, 0.9184666603939897],
    [2500, 2300, 0.0020060073712331516],
    [60000, 60001, 0.5003838838456245],
  ])('sf(%s, %s) = %s (large dof, SciPy chi2.sf)', (x, k, p) => {
    close(chiSquareSf(x, k), p, 1e-10);
  });
  it.each([
    [0.975, 1886, 2008.2573079860597],
    [0.025, 1886, 1767.5310148017384],
    [0.975, 2002, 2127.904272032604],
    [0.975, 5001, 5198.903371282235],
    [0.5, 10000, 9999.333341235144],
    // The far lower tail, where Newton steps on the upper tail cancelled (5.95e98 for the first).
    [1e-10, 224420, 220184.462124287],
    [1e-10, 1e6, 991029.9997743246],
    [1e-10, 20000, 18753.923364088776],
    [1e-6, 5000, 4538.970225153806],
    [1 - 1e-10, 224420, 228708.15984989746],
  ])('ppf(%s, %s) = %s (large dof, SciPy chi2.ppf)', (p, k, q) => {
    close(chiSquareQuantile(p, k), q, 1e-12);
  });
});

describe("Student's t distribution (scipy.stats.t)", () => {
  it.each([
    [2, 5, 0.050969739414929174],
    [10, 3, 0.0010641995292070751],
    [40, 10, 1.1404288715428768e-12],
    [100, 2, 4.999250124978129e-5],
    [8, 30, 3.1329112378503795e-9],
    [-1, 4, 0.8130495168499705],
    [1000, 1, 0.0003183097800805589],
  ])('sf(%s, %s) = %s', (t, df, p) => {
    close(tSf(t, df), p, 1e-12);
    close(tCdf(-t, df), p, 1e-12);
  });
  it.each([
    [0.025, 9, -2.2621571627982053],
    [0.975, 1, 12.706204736174694],
    [0.025, 2.5, -3.5746548420036834],
    [1e-8, 5, -62.4045061109673],
    [0.025, 1000, -1.9623390808264085],
  ])('ppf(%s, %s) = %s', (p, df, q) => {
    close(tQuantile(p, df), q, 1e-13);
  });
});

describe('beta distribution (scipy.stats.beta; incomplete beta of exact binomial and Jeffreys intervals)', () => {
  it.each([
    [0.3, 2, 5, 0.5798250000000003],
    [1e-6, 0.5, 50.5, 0.007998685364922528],
    [0.999, 30, 2, 0.9995438962809783],
    [0.02, 1.5, 200, 0.9558351379405602],
  ])('cdf(%s; %s, %s) = %s', (x, a, b, p) => {
    close(betaCdf(x, a, b), p, 1e-13);
  });
  it.each([
    [0.9, 2, 50, 4.599999999999949e-49],
    [0.5, 0.5, 300.5, 1.5944327220904552e-92],
  ])('sf(%s; %s, %s) = %s', (x, a, b, p) => {
    close(betaSf(x, a, b), p, 1e-12);
  });
  it.each([
    [0.025, 0.5, 100.5, 4.898073104397486e-6],
    [0.975, 0.5, 100.5, 0.02474527001526989],
    [0.025, 3.5, 997.5, 0.0008456348018298346],
    [1e-9, 2, 3, 1.291005560032202e-5],
    [0.975, 50.7, 0.3, 0.9999999367302624],
  ])('ppf(%s; %s, %s) = %s', (p, a, b, q) => {
    close(betaQuantile(p, a, b), q, 1e-12);
  });
});

describe('log-gamma (scipy.special.gammaln)', () => {
  it.each([
    [0.5, 0.5723649429247],
    [1e-5, 11.512919692895826],
    [1000.5, 5908.674175848678],
    [1e6, 12815504.569147611],
    [3, 0.6931471805599453],
  ])('gammaln(%s) = %s', (x, v) => {
    close(gammaln(x), v, 1e-14);
  });
});

describe('chi-square above 400 degrees of freedom, whole or fractional, up to 10⁷ (SciPy 1.17 chi2.sf / chi2.ppf)', () => {
  const rel = (a: number, b: number) => Math.abs(a / b - 1);
  it.each([
    [2100.5, 2100.5, 0.4958965914558],
    [2.1e6, 2.1e6, 0.499870224065798],
    [2.103e6, 2.1e6, 0.07166819434240207],
    [1e7, 1e7, 0.4999405291960622],
    [1.0005e7, 1e7, 0.13178418663816366],
    [495.22, 450.2, 0.07009403244341439],
    [3000, 2100, 4.673396747160257e-35],
    [2100, 2100, 0.4958961029787101],
    [401, 401, 0.4906083149078626],
  ])('chiSquareSf(%d, %d) = %d', (x, k, ref) => {
    // Each term's exponent carries gammaln's relative error of ~1e-16 on values near 7e7 at 10⁷ dof: 5e-9 there.
    expect(rel(chiSquareSf(x, k), ref)).toBeLessThan(k > 5e6 ? 1e-8 : 1e-9);
  });
  it('is 1 far below the centre and 0 far above it, without walking every term', () => {
    expect(chiSquareSf(1500, 2100)).toBeCloseTo(1, 12);
    expect(chiSquareSf(300, 800.5)).toBeCloseTo(1, 12);
    expect(chiSquareSf(5000, 401)).toBe(0);
    expect(chiSquareSf(2.5e6, 2000001)).toBe(0);
  });
  it.each([
    [0.975, 2100.5, 2229.4188698959388],
    [0.5, 1000000.5, 999999.8333334123],
    [0.975, 2000002, 2003923.8238908644],
    [0.999, 1e7, 10013825.638891771],
  ])('chiSquareQuantile(%d, %d) = %d', (p, k, ref) => {
    expect(rel(chiSquareQuantile(p, k), ref)).toBeLessThan(1e-10);
  });
});

describe('a statistic that is not a number gives no p-value (SciPy returns nan; these returned 1)', () => {
  it('chi-square, beta and Kolmogorov tails of NaN are NaN; the chi-square tail of +∞ is 0', () => {
    expect(chiSquareSf(NaN, 3)).toBeNaN();
    expect(chiSquareSf(Infinity, 3)).toBe(0);
    expect(betaSf(NaN, 2, 3)).toBeNaN();
  });
});
