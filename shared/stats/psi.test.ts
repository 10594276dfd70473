import { describe, expect, it } from 'vitest';
import { jensenShannonDistance, psi, psiBand, psiCategorical, psiNumeric, wassersteinDistance } from './psi';

// Reference values: docs/STATS.md "Population stability index", "Jensen-Shannon distance", "Wasserstein distance".
const TOL = 1e-9;

describe('psi matches every STATS.md row', () => {
  it.each([
    ['[0.5, 0.3, 0.2] vs [0.4, 0.3, 0.3]', [0.5, 0.3, 0.2], [0.4, 0.3, 0.3], 0.06286086594223739],
    ['[0.3, 0.7] vs [0.7, 0.3]', [0.3, 0.7], [0.7, 0.3], 0.6778382883097629],
    ['ten x 0.1 vs [.05,.05,.1,.1,.1,.1,.1,.1,.15,.15]', new Array<number>(10).fill(0.1), [0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15], 0.10986122886681095],
    ['[0.25]x4 vs [0.1, 0.2, 0.3, 0.4]', [0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4], 0.22821740957339182],
    ['[0.5, 0.5] vs [1.0, 0.0], shares clipped to at least 1e-4', [0.5, 0.5], [1.0, 0.0], 4.60431846666895],
  ])('%s', (_name, reference, current, expected) => {
    expect(Math.abs(psi(reference, current).value - expected)).toBeLessThan(TOL);
  });

  it('without the floor the empty bin makes PSI infinite (why the rule exists)', () => {
    expect(psi([0.5, 0.5], [1.0, 0.0], 0).value).toBe(Infinity);
    // a bin empty on both sides adds nothing (it made the sum NaN); a negative floor and NaN are refused
    expect(psi([0.5, 0.5, 0], [0.4, 0.6, 0], 0).value).toBeCloseTo(0.1 * Math.log(0.6 / 0.5) - 0.1 * Math.log(0.4 / 0.5), 15);
    expect(() => psi([1, 1], [1, 2], -0.1)).toThrow(RangeError);
    expect(() => psiBand(NaN)).toThrow(RangeError);
  });

  it('accepts counts as well as shares and gives per-bin contributions that sum to the value', () => {
    const r = psi([50, 30, 20], [40, 30, 30]);
    expect(Math.abs(r.value - 0.06286086594223739)).toBeLessThan(TOL);
    expect(r.referenceShares).toEqual([0.5, 0.3, 0.2]);
    expect(r.contributions.reduce((s, v) => s + v, 0)).toBeCloseTo(r.value, 15);
    expect(r.contributions[1]).toBe(0);
  });

  it('labels guidance bands, never more than guidance', () => {
    expect(psi([0.5, 0.3, 0.2], [0.4, 0.3, 0.3]).band).toBe('stable');
    expect(psi(new Array<number>(10).fill(0.1), [0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.15, 0.15]).band).toBe('moderate');
    expect(psi([0.3, 0.7], [0.7, 0.3]).band).toBe('large');
    expect(psi([0.3, 0.7], [0.7, 0.3]).guidanceOnly).toBe(true);
    expect([psiBand(0.0999), psiBand(0.1), psiBand(0.25), psiBand(0.2501)]).toEqual(['stable', 'moderate', 'moderate', 'large']);
  });

  it('rejects mismatched bins and invalid shares', () => {
    expect(() => psi([0.5, 0.5], [1])).toThrow('reference has 2 bins but current has 1');
    expect(() => psi([0.5, -0.5], [0.5, 0.5])).toThrow('reference at bin 1 must be a non-negative number, got -0.5');
    expect(() => psi([0, 0], [0.5, 0.5])).toThrow('reference must not be all zero');
  });
});

describe('psiNumeric: bins fixed on the reference', () => {
  const reference = Array.from({ length: 1000 }, (_, i) => i + 1);
  const current = reference.map((v) => v * 1.1 + 20);

  it('uses reference deciles as edges and matches NumPy-computed PSI (0.08480708612993292)', () => {
    const r = psiNumeric(reference, current);
    const numpyEdges = [100.9, 200.8, 300.7, 400.6, 500.5, 600.4, 700.3, 800.2, 900.1];
    expect(r.edges).toHaveLength(numpyEdges.length);
    numpyEdges.forEach((edge, i) => expect(r.edges[i]).toBeCloseTo(edge, 10));
    expect(r.referenceShares).toEqual(new Array<number>(10).fill(0.1));
    expect(r.currentShares[9]).toBeCloseTo(0.2, 15);
    expect(Math.abs(r.value - 0.08480708612993292)).toBeLessThan(TOL);
  });

  it('re-binning the current window on its own quantiles would hide the shift; fixed bins do not', () => {
    const own = psiNumeric(current, current);
    expect(own.value).toBe(0);
    expect(psiNumeric(reference, current).value).toBeGreaterThan(0.08);
  });

  it('gives a heavy tie a bin of its own, with an open bin below it', () => {
    const tied = [...new Array<number>(80).fill(0), ...Array.from({ length: 20 }, (_, i) => i + 1)];
    const r = psiNumeric(tied, tied);
    expect(r.edges[0]).toBe(0);
    expect(r.tiedValues).toEqual([0]);
    expect(new Set(r.edges).size).toBe(r.edges.length);
    expect(r.bins[0]).toEqual({ low: null, high: 0, includesLow: false, includesHigh: false });
    expect(r.bins[1]).toEqual({ low: 0, high: 0, includesLow: true, includesHigh: true });
    expect(r.referenceShares[0]).toBe(0);
    expect(r.referenceShares[1]).toBe(0.8);
    expect(r.value).toBe(0);
  });

  // Reference values from NumPy code (NumPy 2.x, numpy.percentile default = type 7): cuts
  // np.unique(np.percentile(ref, [10..90])); a cut repeated by two or more percentiles is its own bin [c, c] with (prev, c)
  // below it; other bins (prev, c]; last (c_last, inf); PSI = sum((a - e) * ln(a / e)) with shares clipped to 1e-4.
  describe('ties (fault: a constant reference against a moved window gave PSI 0)', () => {
    it('constant reference 100 vs a window at 200: 18.41883867587797 (bins <100 | =100 | >100: [0,1,0] vs [0,0,1])', () => {
      const r = psiNumeric(new Array<number>(50).fill(100), new Array<number>(40).fill(200));
      expect(r.referenceShares).toEqual([0, 1, 0]);
      expect(r.currentShares).toEqual([0, 0, 1]);
      expect(Math.abs(r.value - 18.41883867587797)).toBeLessThan(TOL);
      expect(r.band).toBe('large');
    });
    it('constant reference 100 vs a window at 50: the same 18.41883867587797 (a downward move is seen too)', () => {
      const r = psiNumeric(new Array<number>(50).fill(100), new Array<number>(40).fill(50));
      expect(r.currentShares).toEqual([1, 0, 0]);
      expect(Math.abs(r.value - 18.41883867587797)).toBeLessThan(TOL);
    });
    it('constant reference vs the same constant: 0', () => {
      expect(psiNumeric([7, 7, 7], [7, 7]).value).toBe(0);
    });
    it('small tied case by hand: cuts [0, 0.4, 1.3, 2.2, 3.1], counts [0,6,0,1,1,1,1] vs [0,3,0,3,1,0,3], PSI 1.3374738220055429', () => {
      const r = psiNumeric([0, 0, 0, 0, 0, 0, 1, 2, 3, 4], [0, 0, 1, 1, 2, 5, 6, 7, 0.5, 0]);
      [0, 0.4, 1.3, 2.2, 3.1].forEach((c, i) => expect(r.edges[i]).toBeCloseTo(c, 12));
      expect(r.referenceShares.map((s) => s * 10)).toEqual([0, 6, 0, 1, 1, 1, 1]);
      expect(r.currentShares.map((s) => Math.round(s * 10))).toEqual([0, 3, 0, 3, 1, 0, 3]);
      expect(Math.abs(r.value - 1.3374738220055429)).toBeLessThan(TOL);
    });
    it('30% zeros and integer values (values equal to cuts): NumPy counts and PSI 0.47842784265872457', () => {
      const ref = Array.from({ length: 1000 }, (_, i) => (i < 300 ? 0 : (i * 7919) % 997));
      const cur = Array.from({ length: 1000 }, (_, i) => (i < 100 ? 0 : (i * 104729) % 1301));
      const r = psiNumeric(ref, cur);
      expect(r.tiedValues).toEqual([0]);
      expect(r.referenceShares.map((s) => Math.round(s * 1000))).toEqual([0, 301, 99, 100, 100, 100, 100, 100, 100]);
      expect(r.currentShares.map((s) => Math.round(s * 1000))).toEqual([0, 100, 93, 94, 94, 111, 95, 94, 319]);
      expect(Math.abs(r.value - 0.47842784265872457)).toBeLessThan(TOL);
    });
    it('many values equal to cuts, no heavy tie: NumPy counts and PSI 0.28375295995037275', () => {
      const ref = Array.from({ length: 500 }, (_, i) => (i * 37) % 101);
      const cur = Array.from({ length: 400 }, (_, i) => (i * 53) % 131);
      const r = psiNumeric(ref, cur);
      expect(r.tiedValues).toEqual([]);
      expect(r.referenceShares.map((s) => Math.round(s * 500))).toEqual([50, 54, 49, 50, 50, 49, 49, 50, 50, 49]);
      expect(r.currentShares.map((s) => Math.round(s * 400))).toEqual([32, 33, 31, 30, 30, 32, 30, 30, 31, 121]);
      expect(Math.abs(r.value - 0.28375295995037275)).toBeLessThan(TOL);
    });
  });

  it('rejects empty windows and non-finite values', () => {
    expect(() => psiNumeric([], [1])).toThrow('reference window has no values');
    expect(() => psiNumeric([1, 2], [1, Number.NaN])).toThrow('current value at index 1 must be a finite number, got NaN');
  });
});

describe('psiCategorical', () => {
  it('bins on reference categories and pools unseen current categories in one extra bin', () => {
    const r = psiCategorical(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'd']);
    expect(r.categories).toEqual(['a', 'b', 'c']);
    expect(r.newCategories).toEqual(['d']);
    expect(r.referenceShares).toEqual([0.5, 0.25, 0.25, 0]);
    expect(r.currentShares).toEqual([0.25, 0.5, 0, 0.25]);
    const expected = psi([0.5, 0.25, 0.25, 0], [0.25, 0.5, 0, 0.25]).value;
    expect(r.value).toBe(expected);
  });

  it('is 0 for identical category mixes', () => {
    expect(psiCategorical(['x', 'y', 'y'], ['y', 'x', 'y']).value).toBe(0);
  });
});

describe('jensenShannonDistance', () => {
  it('[0.5,0.3,0.2] vs [0.4,0.3,0.3]: 0.08841606285541162 (natural log), 0.10619851439230617 (base 2)', () => {
    expect(Math.abs(jensenShannonDistance([0.5, 0.3, 0.2], [0.4, 0.3, 0.3]) - 0.08841606285541162)).toBeLessThan(TOL);
    expect(Math.abs(jensenShannonDistance([0.5, 0.3, 0.2], [0.4, 0.3, 0.3], 2) - 0.10619851439230617)).toBeLessThan(TOL);
  });

  it('[1,0] vs [0,1]: 0.8325546111576977 (natural log), 1.0 (base 2)', () => {
    expect(Math.abs(jensenShannonDistance([1, 0], [0, 1]) - 0.8325546111576977)).toBeLessThan(TOL);
    expect(Math.abs(jensenShannonDistance([1, 0], [0, 1], 2) - 1.0)).toBeLessThan(TOL);
  });

  it('normalises counts like SciPy ([10,20,30] vs [30,20,10]: 0.29531004717204934)', () => {
    expect(Math.abs(jensenShannonDistance([10, 20, 30], [30, 20, 10]) - 0.29531004717204934)).toBeLessThan(TOL);
    expect(jensenShannonDistance([1, 2], [2, 4])).toBe(0);
  });
});

describe('wassersteinDistance', () => {
  it('[0,1,3] vs [5,6,8]: 5.0', () => {
    expect(Math.abs(wassersteinDistance([0, 1, 3], [5, 6, 8]) - 5.0)).toBeLessThan(TOL);
  });

  it('values [0,1] weights [3,1] vs values [0,1] weights [2,2]: 0.25', () => {
    expect(Math.abs(wassersteinDistance([0, 1], [0, 1], [3, 1], [2, 2]) - 0.25)).toBeLessThan(TOL);
  });

  it('matches SciPy on unsorted weighted input (4.078133143804785)', () => {
    expect(Math.abs(wassersteinDistance([3.4, 3.9, 7.5, 7.8], [4.5, 1.4], [1.4, 0.9, 3.1, 7.2], [3.2, 3.5]) - 4.078133143804785)).toBeLessThan(TOL);
  });

  it('rejects empty sides and mismatched weights', () => {
    expect(() => wassersteinDistance([], [1])).toThrow('u has no values');
    expect(() => wassersteinDistance([1, 2], [1], [1])).toThrow('u has 2 values but 1 weights');
  });
});
