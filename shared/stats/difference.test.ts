import { describe, expect, it } from 'vitest';
import { moverDifference, newcombeDifference, npsDifferenceP, twoProportionP, waldDifferenceP } from './difference';
import { wilsonInterval } from './wilson';

describe("Newcombe's hybrid score interval (1998, method 10) — Table II of the paper", () => {
  // Newcombe, Statistics in Medicine 17:873-890 (1998), Table II, method 10, to 4 decimals.
  const cases: Array<[number, number, number, number, number, number]> = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.8090],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0000],
  ];
  it.each(cases)('%i/%i − %i/%i', (k1, n1, k0, n0, low, high) => {
    const d = newcombeDifference(k1, n1, k0, n0)!;
    expect(d.difference).toBeCloseTo(k1 / n1 - k0 / n0, 12);
    expect(d.low).toBeCloseTo(low, 4);
    expect(d.high).toBeCloseTo(high, 4);
    expect(d.significant).toBe(low > 0 || high < 0);
  });

  it('is the MOVER of the two Wilson intervals, and null without data', () => {
    const a = wilsonInterval(81, 263)!;
    const b = wilsonInterval(3, 100)!;
    const m = moverDifference(a.estimate, a.low, a.high, b.estimate, b.low, b.high);
    expect(newcombeDifference(81, 263, 3, 100)).toEqual(m);
    expect(newcombeDifference(1, 0 + 1, 0, 0)).toBeNull();
  });
});

describe('p-values of a difference', () => {
  it('pooled two-proportion z-test equals chi-square without Yates on the 2×2 table (SciPy reference)', () => {
    // [[176, 230], [21035, 21018]] without correction: p = 0.007467611213568741 (docs/STATS.md).
    expect(twoProportionP(176, 176 + 21035, 230, 230 + 21018)).toBeCloseTo(0.007467611213568741, 9);
    expect(twoProportionP(0, 10, 0, 20)).toBeNull();
    expect(twoProportionP(0, 0, 0, 20)).toBeNull();
    // more events than items is refused (12 of 10 read p = 3.4e-6)
    expect(() => twoProportionP(12, 10, 3, 10)).toThrow(RangeError);
    expect(() => twoProportionP(1, 0, 0, 20)).toThrow(RangeError);
    expect(() => npsDifferenceP(8, 5, 10, 3, 3, 10)).toThrow(RangeError);
  });

  it('Wald test with two design standard errors', () => {
    // z = 0.05 / sqrt(0.02² + 0.015²) = 2 → p = 0.04550026389635842.
    expect(waldDifferenceP(0.15, 0.02, 0.10, 0.015)).toBeCloseTo(0.04550026389635842, 9);
    expect(waldDifferenceP(0.1, 0, 0.1, 0)).toBeNull();
  });
});

describe('far tails of the two-sided normal p-values (SciPy 1.17.1)', () => {
  it('twoProportionP equals chi2_contingency without correction, also at 1e-24', () => {
    // scipy.stats.chi2_contingency([[100, 100], [10, 190]], correction=False).pvalue
    const p = twoProportionP(100, 200, 10, 200)!;
    expect(Math.abs(p - 6.907281704956435e-24) / 6.907281704956435e-24).toBeLessThan(1e-10);
  });
  it('waldDifferenceP at z = 9 is 2·norm.sf(9), not 0', () => {
    // 2 * scipy.stats.norm.sf(9) = 2.2571768119076647e-19
    const p = waldDifferenceP(0.9, 0.06, 0, 0.08)!;
    expect(Math.abs(p - 2.2571768119076647e-19) / 2.2571768119076647e-19).toBeLessThan(1e-12);
  });
});

describe('npsDifferenceP: the pooled score test of two NPS', () => {
  it('equals 2·norm.sf(|Δ| / √((p̄ + d̄ − (p̄ − d̄)²)(1/n1 + 1/n0))) (SciPy 1.17.1 on the same formula)', () => {
    expect(npsDifferenceP(1, 0, 1, 80, 40, 200)).toBeCloseTo(0.2864152118309349, 12);
    expect(npsDifferenceP(25, 10, 60, 30, 25, 90)).toBeCloseTo(0.12626888167895303, 12);
    expect(npsDifferenceP(2, 0, 2, 25, 10, 50)).toBeCloseTo(0.21189821015150068, 12);
  });

  it('gives one promoter against 200 answers no certainty: the Wald form read p = 1.2e-51 (a side of all promoters has no variance of its own)', () => {
    const se = (p: number, d: number, n: number) => 100 * Math.sqrt((p / n + d / n - (p / n - d / n) ** 2) / n);
    expect(waldDifferenceP(100, se(1, 0, 1), 20, se(80, 40, 200))!).toBeLessThan(1e-50);
    expect(npsDifferenceP(1, 0, 1, 80, 40, 200)!).toBeGreaterThan(0.2);
    // Nothing to test when every answer is a passive, or either group is empty.
    expect(npsDifferenceP(0, 0, 5, 0, 0, 9)).toBeNull();
    expect(npsDifferenceP(0, 0, 0, 3, 1, 9)).toBeNull();
  });
});
