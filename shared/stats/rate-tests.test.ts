import { describe, expect, it } from 'vitest';
import { binomialUpperTail, fisherGreater, fisherTwoSided, logChoose, poissonRateGreater, poissonRateTwoSided, studentTUpperTail } from './rate-tests';

// Reference values: SciPy 1.17.1, fisher_exact(..., alternative='greater') and binomtest(..., alternative='greater').
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('one-sided exact rate tests against SciPy', () => {
  it('binomial upper tail', () => {
    const cases: Array<[number, number, number, number]> = [
      [10, 58, 0.012, 1.910551622886921e-09],
      [3, 50, 0.04, 0.3232859959034066],
      [0, 10, 0.1, 1],
      [9, 20, 0.3, 0.11333146287697826],
      [1, 1000, 0.0001, 0.09516710644145375],
    ];
    for (const [k, n, p, ref] of cases) expect(rel(binomialUpperTail(k, n, p), ref), `${k}/${n} at ${p}`).toBeLessThan(1e-9);
  });

  it('Fisher exact, greater', () => {
    const cases: Array<[number, number, number, number, number]> = [
      [3, 50, 20, 1000, 0.09199856446642567],
      [10, 58, 15, 1300, 1.828543504463733e-08],
      [0, 10, 5, 100, 1],
      [5, 10, 2, 40, 0.0020531734685296198],
      [19, 117, 40, 3300, 1.4710746491077515e-14],
      [43, 145, 100, 560, 0.0016161181286508156],
    ];
    for (const [k1, n1, k0, n0, ref] of cases) expect(rel(fisherGreater(k1, n1, k0, n0), ref), `${k1}/${n1} vs ${k0}/${n0}`).toBeLessThan(1e-9);
    // Large counts (a day of 1M-request traffic against four weeks): log-gamma start, ratio recurrence after it.
    expect(rel(fisherGreater(120, 12000, 3300, 330000), 0.5129716621831385)).toBeLessThan(1e-7);
  });

  it('Poisson rates, conditional (R poisson.test two-sample)', () => {
    const cases: Array<[number, number, number, number, number]> = [
      [15, 1, 40, 4, 0.12095515828922361],
      [8, 1, 10, 4, 0.016280140768346132],
      [0, 1, 3, 4, 1],
      [30, 2, 20, 8, 6.936746603338707e-10],
    ];
    for (const [k1, t1, k0, t0, ref] of cases) expect(rel(poissonRateGreater(k1, t1, k0, t0), ref)).toBeLessThan(1e-9);
  });

  it('Student t upper tail (the daily-cost test): closed forms for 1 and 2 degrees of freedom, R pt() for 10', () => {
    for (const t of [-1.5, 0, 0.7, 1, 3.2, 12]) {
      expect(rel(studentTUpperTail(t, 1), 0.5 - Math.atan(t) / Math.PI)).toBeLessThan(1e-13);
      expect(rel(studentTUpperTail(t, 2), 0.5 - t / (2 * Math.sqrt(t * t + 2)))).toBeLessThan(1e-13);
    }
    // R 4.4: pt(2, 10, lower.tail = FALSE) = 0.03669402
    expect(studentTUpperTail(2, 10)).toBeCloseTo(0.03669402, 7);
  });

  it('Student t upper tail keeps its digits far in the tail (1 − cdf read these as 0 or noise)', () => {
    // SciPy 1.17.1: stats.t.sf(40, 10), stats.t.sf(8, 30), stats.t.sf(25, 60)
    expect(rel(studentTUpperTail(40, 10), 1.1404288715428768e-12)).toBeLessThan(1e-12);
    expect(rel(studentTUpperTail(8, 30), 3.1329112378503795e-9)).toBeLessThan(1e-12);
    expect(rel(studentTUpperTail(25, 60), 1.0071186528976274e-33)).toBeLessThan(1e-11);
  });

  it('log binomial coefficient', () => {
    expect(Math.exp(logChoose(50, 3))).toBeCloseTo(19600, 6);
    expect(logChoose(10, 0)).toBe(0);
    expect(logChoose(1e6, 2)).toBeCloseTo(Math.log(1e6 * (1e6 - 1) / 2), 6);
  });

  it('refuses impossible counts', () => {
    expect(() => binomialUpperTail(5, 4, 0.1)).toThrow(/cannot exceed/);
    expect(() => fisherGreater(1.5, 4, 0, 4)).toThrow(/non-negative integer/);
    expect(() => poissonRateGreater(1, 0, 1, 1)).toThrow(/positive/);
    // An infinite exposure is no exposure: it read p = 0 ("significant") for the two-sided test.
    expect(() => poissonRateTwoSided(1, 1, 1, Infinity)).toThrow(/positive and finite/);
    expect(() => poissonRateGreater(1, Infinity, 1, 1)).toThrow(/positive and finite/);
  });
});

describe('fisherTwoSided', () => {
  it('matches scipy.stats.fisher_exact(alternative="two-sided") (SciPy 1.17.1)', () => {
    const ref: Array<[number, number, number, number, number]> = [
      [1, 10, 0, 60, 0.14285714285714282],
      [400, 400, 59, 60, 0.13043478260869565],
      [35, 50, 9, 20, 0.06067509572801695],
      [3, 7, 10, 12, 0.12874097007223945],
      [0, 5, 0, 9, 1],
      [120, 5000, 95, 5100, 0.06292440402649319],
      [7, 21, 2, 30, 0.02343203846245439],
      [50, 100, 50, 100, 1],
    ];
    // Relative 1e-9: the sum runs over log-gamma terms (the 5,000-row table is 1.2e-11 off).
    for (const [k1, n1, k0, n0, p] of ref) expect(Math.abs(fisherTwoSided(k1, n1, k0, n0) - p) / p, `${k1}/${n1} vs ${k0}/${n0}`).toBeLessThan(1e-9);
    // Symmetric in the two rows.
    expect(fisherTwoSided(0, 60, 1, 10)).toBeCloseTo(fisherTwoSided(1, 10, 0, 60), 14);
    expect(() => fisherTwoSided(3, 2, 0, 5)).toThrow(RangeError);
  });
});

describe('poissonRateTwoSided', () => {
  it('matches scipy.stats.binomtest(k1, k1 + k0, t1 / (t1 + t0)).pvalue (two-sided, SciPy 1.17.1)', () => {
    const ref: Array<[number, number, number, number, number]> = [
      [2, 200, 12, 10000, 0.029919968526989457],
      [30, 5000, 25, 5100, 0.5013054885377374],
      [0, 100, 5, 100, 0.0625],
      [9, 1000, 30, 4000, 0.6880375356780402],
      [14, 1, 3, 1, 0.012725830078125],
    ];
    for (const [k1, t1, k0, t0, p] of ref) expect(Math.abs(poissonRateTwoSided(k1, t1, k0, t0) - p) / p, `${k1}/${t1} vs ${k0}/${t0}`).toBeLessThan(1e-9);
    expect(poissonRateTwoSided(0, 5, 0, 9)).toBe(1);
  });
});

describe('large counts keep their digits (references: mpmath, SciPy 1.17.1; a helper checked them on inputs it chose)', () => {
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  it('logChoose at n up to 1e12', () => {
    // mpmath.log(mpmath.binomial(n, k))
    expect(rel(logChoose(1e8, 1), 18.420680743952367)).toBeLessThan(1e-13);
    expect(rel(logChoose(1e9, 3), 60.37803803861118)).toBeLessThan(1e-13);
    expect(rel(logChoose(1e12, 2), 54.56889505129615)).toBeLessThan(1e-13);
    expect(logChoose(10, 3)).toBeCloseTo(Math.log(120), 14);
  });
  it('the exact tests built on it', () => {
    // binom.sf(1079, 10**9, 1e-6); fisher_exact([[520, 9999480], [4000, 99996000]], alternative='greater')
    expect(rel(binomialUpperTail(1080, 1e9, 1e-6), 6.441956222203509e-3)).toBeLessThan(1e-9);
    expect(rel(binomialUpperTail(1, 1e9, 1e-12), 9.995001666255078e-4)).toBeLessThan(1e-9);
    expect(rel(fisherGreater(520, 1e7, 4000, 1e8), 2.9021137828485787e-8)).toBeLessThan(1e-8);
    expect(rel(fisherGreater(1, 1e6, 0, 1e6), 0.5000000001415239)).toBeLessThan(1e-9);
  });
});
