import { describe, expect, it } from 'vitest';
import { kolmogorovSurvival, ksTwoSample } from './ks';
import { normalQuantile } from './distributions';

// Reference values: docs/STATS.md "Two-sample Kolmogorov-Smirnov" (scipy.stats.ks_2samp, two-sided, exact).
const TOL = 1e-9;

/** numpy.linspace(start, stop, num): start + i·step, with the last point set to stop exactly. */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step));
}
const rep = (value: number, times: number): number[] => new Array<number>(times).fill(value);

const tiesSmall = [...rep(2, 3), ...rep(3, 4), ...rep(5, 5), ...rep(6, 4)];
const cases: Array<[string, number[], number[], number, number]> = [
  ['[0] vs [1]', [0], [1], 1, 1.0],
  ['[1.01, 2.01] vs [1, 2, 3]', [1.01, 2.01], [1, 2, 3], 1 / 3, 1.0],
  ['[0.99, 1.99] vs [1, 2, 3]', [0.99, 1.99], [1, 2, 3], 2 / 3, 0.6],
  ['[1.01, 2.01] vs [1, 2, 3, 4]', [1.01, 2.01], [1, 2, 3, 4], 0.5, 14 / 15],
  ['[0.99, 1.99] vs [1, 2, 3, 4]', [0.99, 1.99], [1, 2, 3, 4], 0.75, 0.4],
  ['linspace(1,100,100) vs linspace(1,100,110) + 20.1', linspace(1, 100, 100), linspace(1, 100, 110).map((v) => v + 20.1), 232 / 1100, 0.015739183865607353],
  ['linspace(1,100,100) vs linspace(1,100,110) + 19.9', linspace(1, 100, 100), linspace(1, 100, 110).map((v) => v + 19.9), 229 / 1100, 0.017803803861026313],
  ['ties: 2x3, 3x4, 5x5, 6x4 vs same + 1', tiesSmall, tiesSmall.map((v) => v + 1), 5 / 16, 0.4262934613454952],
  ['ties: 2x3, 3x4, 5x10, 6x4 vs 3x10, 4x2, 6x10, 7x4', [...rep(2, 3), ...rep(3, 4), ...rep(5, 10), ...rep(6, 4)], [...rep(3, 10), ...rep(4, 2), ...rep(6, 10), ...rep(7, 4)], 190 / 546, 0.0919245790168125],
];

describe('ksTwoSample matches every STATS.md row', () => {
  it.each(cases)('%s', (_name, x, y, d, p) => {
    const r = ksTwoSample(x, y);
    expect(Math.abs(r.statistic - d)).toBeLessThan(TOL);
    expect(Math.abs(r.pValue - p)).toBeLessThan(TOL);
    expect(r.method).toBe('exact');
  });

  it('is symmetric in its two samples (D and p), with the sign flipped', () => {
    const [, x, y] = cases[8]!;
    const a = ksTwoSample(x, y);
    const b = ksTwoSample(y, x);
    expect(b.statistic).toBe(a.statistic);
    expect(Math.abs(b.pValue - a.pValue)).toBeLessThan(1e-15);
    expect(a.sign).toBe(1);
    expect(b.sign).toBe(-1);
  });

  it('reports where the largest gap is (as SciPy statistic_location)', () => {
    expect(ksTwoSample(tiesSmall, tiesSmall.map((v) => v + 1)).location).toBe(5);
    expect(ksTwoSample([0.99, 1.99], [1, 2, 3]).location).toBe(1.99);
    expect(ksTwoSample(linspace(1, 100, 100), linspace(1, 100, 110).map((v) => v + 20.1)).location).toBe(22);
  });
});

describe('ksTwoSample gate and edge cases', () => {
  it('clips an exact p that round-off carries past 1, as SciPy does (it is not sent to the asymptotic formula)', () => {
    // scipy.stats.ks_2samp([3,2,5,3,2], [0,5,2,3,5], method='exact'): D = 0.2, p = 1.0.
    const r = ksTwoSample([3, 2, 5, 3, 2], [0, 5, 2, 3, 5]);
    expect(r.statistic).toBeCloseTo(0.2, 12);
    expect([r.pValue, r.method]).toEqual([1, 'exact']);
  });

  it('flags fewer than 5 values on a side as insufficient, still reporting D and p', () => {
    const r = ksTwoSample([1.01, 2.01], [1, 2, 3, 4]);
    expect(r.insufficient).toBe(true);
    expect(r.reason).toBe('too few values to test: reference has 2, current has 4, at least 5 needed on each side');
    expect(ksTwoSample(tiesSmall, tiesSmall.map((v) => v + 1)).insufficient).toBe(false);
    expect(ksTwoSample([1, 2, 3], [4, 5, 6], { minPerSide: 3 }).insufficient).toBe(false);
  });

  it('with 3 values per side no p-value falls below 0.05, even for fully separated samples', () => {
    const r = ksTwoSample([1, 2, 3], [4, 5, 6]);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(0.1, 12); // 2 / C(6, 3)
    expect(r.insufficient).toBe(true);
  });

  it('a 1000-value reference with one extreme current value gives p = 2/1001 ≈ 0.002 (and is gated)', () => {
    const reference = linspace(0, 1, 1000);
    const r = ksTwoSample(reference, [10]);
    expect(r.statistic).toBe(1);
    expect(Math.abs(r.pValue - 2 / 1001)).toBeLessThan(1e-12); // SciPy: 0.0019980019980019967
    expect(r.insufficient).toBe(true);
  });

  it('identical samples give D = 0 and p = 1', () => {
    const r = ksTwoSample([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]);
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('an empty side gives NaN and insufficient instead of throwing', () => {
    const r = ksTwoSample([], [1, 2, 3]);
    expect(r.statistic).toBeNaN();
    expect(r.pValue).toBeNaN();
    expect(r.insufficient).toBe(true);
  });

  it('rejects non-finite values naming side and index', () => {
    expect(() => ksTwoSample([1, 2, Number.NaN], [1])).toThrow('reference value at index 2 must be a finite number, got NaN');
    expect(() => ksTwoSample([1], [Infinity])).toThrow('current value at index 0 must be a finite number, got Infinity');
  });
});

describe('exact p-values at larger sizes, and the asymptotic branch', () => {
  it('10,000 × 9,999 stays exact, matches SciPy and runs fast', () => {
    const x = linspace(0, 1, 10000);
    const y = linspace(0, 1, 9999).map((v) => v ** 1.03);
    const t0 = Date.now();
    const r = ksTwoSample(x, y);
    const ms = Date.now() - t0;
    expect(r.method).toBe('exact');
    expect(Math.abs(r.statistic - 0.01094020402040204)).toBeLessThan(1e-12);
    expect(Math.abs(r.pValue - 0.5822459261717614)).toBeLessThan(1e-9);
    expect(ms).toBeLessThan(3000);
  });

  it('20,000 × 500 is exact by the n1·n2 ≤ 1e7 rule (SciPy method="exact": 0.5299173125881037)', () => {
    const r = ksTwoSample(linspace(0, 1, 20000), linspace(0, 1, 500).map((v) => v ** 1.1));
    expect(r.method).toBe('exact');
    expect(Math.abs(r.statistic - 0.0363)).toBeLessThan(1e-12);
    expect(Math.abs(r.pValue - 0.5299173125881037)).toBeLessThan(1e-9);
  });

  it('12,000 × 15,000 uses the asymptotic formula, within 1% of the exact p (SciPy exact 0.8614815073319544)', () => {
    const r = ksTwoSample(linspace(0, 1, 12000), linspace(0, 1, 15000).map((v) => v ** 1.02));
    expect(r.method).toBe('asymptotic');
    expect(Math.abs(r.statistic - 0.00735)).toBeLessThan(1e-12);
    expect(Math.abs(r.pValue / 0.8614815073319544 - 1)).toBeLessThan(0.01);
  });

  it('forcing the asymptotic formula on the first ties case shows why small samples need the exact one', () => {
    const r = ksTwoSample(tiesSmall, tiesSmall.map((v) => v + 1), { exactMaxN: 0, exactMaxProduct: 0, exactMaxSmallSide: 0 });
    expect(r.method).toBe('asymptotic');
    // Stephens-corrected Kolmogorov limit: Q((√8 + 0.12 + 0.11/√8) · 5/16); SciPy's kstwo gives 0.3418.
    expect(Math.abs(r.pValue - kolmogorovSurvival((Math.sqrt(8) + 0.12 + 0.11 / Math.sqrt(8)) * 0.3125))).toBeLessThan(1e-15);
    expect(Math.abs(r.pValue - 0.4262934613454952)).toBeGreaterThan(0.05);
  });
});

describe('kolmogorovSurvival', () => {
  it.each([
    [0.3, 0.9999906941986655],
    [0.5, 0.9639452436648751],
    [0.8, 0.5441424115741981],
    [1.0, 0.26999967167735456],
    [1.5, 0.022217962616525127],
    [2.0, 0.0006709252557796953],
  ])('Q(%f) matches scipy.stats.kstwobign.sf', (lambda, expected) => {
    expect(Math.abs(kolmogorovSurvival(lambda) - expected)).toBeLessThan(1e-12);
  });

  it('is 1 at 0 and continuous across the series switch at λ = 1', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(Math.abs(kolmogorovSurvival(1 - 1e-12) - kolmogorovSurvival(1))).toBeLessThan(1e-11);
  });
});

describe('ksTwoSample: a small window against a large reference', () => {
  // SciPy 1.17: big = norm.ppf((arange(1e6) + 0.5) / 1e6); ks_2samp(big, small, method='exact').
  const big = Array.from({ length: 1_000_000 }, (_, i) => normalQuantile((i + 0.5) / 1_000_000));
  it('counts exactly for 11 values against 10⁶ (Stephens\' approximation was off by a factor 2)', () => {
    const r = ksTwoSample(big, [0.3, 0.9, 1.1, 1.4, 1.5, 1.7, 2.0, 2.2, 0.1, 1.25, 1.9]);
    expect(r.method).toBe('exact');
    expect(r.statistic).toBeCloseTo(0.6341218181818182, 12);
    expect(r.pValue / 8.071303871097754e-05 - 1).toBeLessThan(1e-6);
    expect(8.071303871097754e-05 / r.pValue - 1).toBeLessThan(1e-6);
  });
  it('counts exactly for 60 values against 10⁶', () => {
    const small = Array.from({ length: 60 }, (_, i) => -0.5 + (3 * i) / 59);
    const r = ksTwoSample(big, small);
    expect(r.method).toBe('exact');
    expect(r.statistic).toBeCloseTo(0.36525833333333335, 12);
    expect(Math.abs(r.pValue / 1.1068943846565464e-07 - 1)).toBeLessThan(1e-6);
  });
});

describe('kolmogorovSurvival of NaN', () => {
  it('is NaN, not 1 (scipy.stats.kstwobign.sf(nan) is nan)', () => {
    expect(kolmogorovSurvival(NaN)).toBeNaN();
    expect(kolmogorovSurvival(0)).toBe(1);
  });
});
