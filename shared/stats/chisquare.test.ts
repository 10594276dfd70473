import { describe, expect, it } from 'vitest';
import { chiSquareHomogeneity, chiSquareSurvival, contingencyTable } from './chisquare';

// Reference values: docs/STATS.md "Chi-square test of homogeneity" (scipy.stats.chi2_contingency).
const TOL = 1e-9;

describe('chiSquareHomogeneity matches every STATS.md row', () => {
  it.each([
    ['[[10,10,20],[20,20,20]], dof 2', [[10, 10, 20], [20, 20, 20]], true, 2.7777777777777777, 0.24935220877729619, 2, false],
    ['[[176,230],[21035,21018]], Yates', [[176, 230], [21035, 21018]], true, 6.892569132546561, 0.008655478161175739, 1, true],
    ['[[176,230],[21035,21018]], no correction', [[176, 230], [21035, 21018]], false, 7.156900855345259, 0.007467611213568741, 1, false],
    ['[[762,327,468],[484,239,477]] (R chisq.test docs)', [[762, 327, 468], [484, 239, 477]], true, 30.070149095754672, 2.9535891832117595e-7, 2, false],
    ['[[12,7],[5,7]] (R docs), Yates', [[12, 7], [5, 7]], true, 0.6411202638950317, 0.42330542432241836, 1, true],
    ['[[1573,3],[4,0]], Yates never larger than |obs − exp|', [[1573, 3], [4, 0]], true, 0, 1, 1, true],
    ['[[100,500],[50,250]] same shares, Yates', [[100, 500], [50, 250]], true, 0, 1, 1, true],
  ] as const)('%s', (_name, table, correction, statistic, p, dof, yates) => {
    const r = chiSquareHomogeneity(table, { correction });
    expect(Math.abs(r.statistic - statistic)).toBeLessThan(TOL);
    expect(Math.abs(r.pValue - p)).toBeLessThan(TOL);
    expect(r.dof).toBe(dof);
    expect(r.yates).toBe(yates);
    expect(r.note).toBeNull();
  });

  it('keeps relative precision on the smallest p-value (2.95e-7)', () => {
    const r = chiSquareHomogeneity([[762, 327, 468], [484, 239, 477]]);
    expect(Math.abs(r.pValue / 2.9535891832117595e-7 - 1)).toBeLessThan(1e-9);
  });

  it('returns expected counts under homogeneity', () => {
    const r = chiSquareHomogeneity([[10, 10, 20], [20, 20, 20]]);
    expect(r.expected[0]).toEqual([12, 12, 16]);
    expect(r.expected[1]).toEqual([18, 18, 24]);
    expect(r.lowExpectedCounts).toBe(false);
    expect(chiSquareHomogeneity([[12, 7], [5, 7]]).lowExpectedCounts).toBe(false);
    expect(chiSquareHomogeneity([[1573, 3], [4, 0]]).lowExpectedCounts).toBe(true);
  });
});

describe('chiSquareHomogeneity edge cases', () => {
  it('drops all-zero rows and columns before testing', () => {
    const withZeros = chiSquareHomogeneity([[10, 0, 10, 20], [0, 0, 0, 0], [20, 0, 20, 20]], { windows: ['W1', 'W2', 'W3'], categories: ['a', 'b', 'c', 'd'] });
    const plain = chiSquareHomogeneity([[10, 10, 20], [20, 20, 20]]);
    expect(withZeros.statistic).toBe(plain.statistic);
    expect(withZeros.pValue).toBe(plain.pValue);
    expect(withZeros.windows).toEqual(['W1', 'W3']);
    expect(withZeros.categories).toEqual(['a', 'c', 'd']);
  });

  it('a single category has nothing to test: p = 1 with a note', () => {
    const r = chiSquareHomogeneity([[40], [55]], { categories: ['gpt-4o'] });
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBe(1);
    expect(r.note).toBe('only one category (gpt-4o) present: nothing to test');
    expect(chiSquareHomogeneity([[3, 4], [0, 0]], { windows: ['W1', 'W2'] }).note).toBe('only one window (W1) has data: nothing to compare');
    expect(chiSquareHomogeneity([[0, 0], [0, 0]]).note).toBe('no counts: nothing to test');
  });

  it('reports categories present in only one window instead of dividing by zero', () => {
    const r = chiSquareHomogeneity([[50, 30, 0], [45, 35, 12]], { windows: ['2024-W01', '2024-W02'], categories: ['ok', 'refusal', 'timeout'] });
    expect(r.singleWindowCategories).toEqual([{ category: 'timeout', window: '2024-W02', count: 12 }]);
    expect(Number.isFinite(r.statistic)).toBe(true);
    expect(r.pValue).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(0.01);
  });

  it('applies Yates only to 2×2 tables', () => {
    expect(chiSquareHomogeneity([[10, 10, 20], [20, 20, 20]], { correction: true }).yates).toBe(false);
  });

  it('rejects ragged tables, negative counts and label mismatches', () => {
    expect(() => chiSquareHomogeneity([[1, 2], [3]])).toThrow('row 1 has 1 counts, expected 2 like row 0');
    expect(() => chiSquareHomogeneity([[1, -2], [3, 4]])).toThrow('row 0, column 1: count must be a non-negative number, got -2');
    expect(() => chiSquareHomogeneity([[1, 2], [3, 4]], { categories: ['a'] })).toThrow('1 category labels given for 2 columns');
  });
});

describe('chiSquareSurvival and contingencyTable', () => {
  it('upper tail of χ² with 2 dof is exp(−x/2)', () => {
    expect(Math.abs(chiSquareSurvival(2.7777777777777777, 2) - Math.exp(-2.7777777777777777 / 2))).toBeLessThan(1e-15);
    expect(chiSquareSurvival(NaN, 2)).toBeNaN();
    expect(chiSquareSurvival(0, 3)).toBe(1);
  });

  it('keeps far-tail p-values (SciPy 1.17.1 chi2.sf), which 1 − cdf read as 0', () => {
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    expect(rel(chiSquareSurvival(100, 3), 1.5541594313896026e-21)).toBeLessThan(1e-12);
    expect(rel(chiSquareSurvival(50, 1), 1.537459794428033e-12)).toBeLessThan(1e-12);
    expect(rel(chiSquareSurvival(300, 2), 7.175095973164448e-66)).toBeLessThan(1e-12);
    // SciPy 1.17.1 chi2_contingency([[500, 100], [100, 500]], correction=False): statistic 533.33333333333, p 5.318244953897286e-118
    const r = chiSquareHomogeneity([[500, 100], [100, 500]], { correction: false });
    expect(rel(r.statistic, 533.3333333333334)).toBeLessThan(1e-12);
    expect(rel(r.pValue, 5.318244953897286e-118)).toBeLessThan(1e-10);
  });

  it('counts categories per window in order of first appearance', () => {
    const { table, categories } = contingencyTable([['a', 'b', 'a'], ['b', 'c']]);
    expect(categories).toEqual(['a', 'b', 'c']);
    expect(table).toEqual([[2, 1, 0], [0, 1, 1]]);
  });
});
