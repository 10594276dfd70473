import { describe, expect, it } from 'vitest';
import { designCoverage } from './design-coverage';
import { clopperPearsonInterval, jeffreysInterval, kornGraubardInterval, stratifiedCovers, stratifiedRateInterval, type RateStratum } from './stratified-interval';
import { Prng } from '../prng';

// Reference values computed with SciPy 1.17.1 (`scipy.stats.beta.ppf`, `scipy.stats.t.ppf`) from the formulas cited in
// stratified-interval.ts. The quantiles come from ./distributions (stdlib), which agrees with SciPy to ~1e-14
// relative (jStat, used before, only to ~1e-7), so intervals are compared at 1e-11 relative; estimates and variances at 1e-12.
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const REL = 1e-11;

const field = (key: string, N: number, n: number, k: number): RateStratum => ({ key, kind: 'field', N, n, k });

describe('jeffreysInterval (Brown, Cai & DasGupta 2001)', () => {
  it.each([
    [0, 10, 0, 0.21719626750921053],
    [1, 10, 0.011011673763161133, 0.3813147710666164],
    [5, 10, 0.22352867025270517, 0.7764713297472947],
    [10, 10, 0.7828037324907894, 1],
    [3, 100, 0.00852028310740358, 0.07788756942640256],
    [81, 263, 0.2545219349910236, 0.36564749917408246],
    [2.5, 73.25, 0.008527004513294871, 0.09517488709060175],
  ])('%s / %s matches SciPy beta.ppf(0.025 / 0.975, x + ½, n − x + ½)', (x, n, low, high) => {
    const [l, h] = jeffreysInterval(x, n);
    if (low === 0) expect(l).toBe(0); else expect(rel(l, low)).toBeLessThan(REL);
    if (high === 1) expect(h).toBe(1); else expect(rel(h, high)).toBeLessThan(REL);
  });

  it('refuses counts outside [0, n]', () => {
    expect(() => jeffreysInterval(3, 2)).toThrow('Jeffreys interval needs 0 ≤ x ≤ n and n > 0, got x = 3, n = 2');
    expect(() => jeffreysInterval(0, 0)).toThrow(RangeError);
  });
});

describe('clopperPearsonInterval (Clopper & Pearson 1934)', () => {
  it.each([
    [0, 10, 0, 0.30849710781876294],
    [1, 10, 0.0025285785444625728, 0.44501611702819543],
    [5, 10, 0.1870860284474045, 0.8129139715525955],
    [10, 10, 0.6915028921812371, 1],
    [3, 100, 0.006229971538306227, 0.08517605297428028],
    [81, 263, 0.25273674558504267, 0.36762192260134746],
    [2.5, 73.25, 0.005716359889281374, 0.10526501071003129],
  ])('%s / %s matches SciPy binomtest(x, n).proportion_ci("exact") (beta.ppf at a fractional x)', (x, n, low, high) => {
    const [l, h] = clopperPearsonInterval(x, n);
    if (low === 0) expect(l).toBe(0); else expect(rel(l, low)).toBeLessThan(REL);
    if (high === 1) expect(h).toBe(1); else expect(rel(h, high)).toBeLessThan(REL);
  });

  it('refuses counts outside [0, n]', () => {
    expect(() => clopperPearsonInterval(3, 2)).toThrow('Clopper–Pearson interval needs 0 ≤ x ≤ n and n > 0, got x = 3, n = 2');
  });
});

/**
 * Exact coverage of the interval for a simple random sample of n from a week so large that sampling is binomial:
 * Σ_k Binom(k; n, p) · [p ∈ interval(k)], over a dense grid of true rates (not only the rates a simulation grid picks).
 */
function exactSrsCoverage(n: number, p: number): number {
  let cov = 0;
  let pmf = (1 - p) ** n; // k = 0
  for (let k = 0; k <= n; k++) {
    if (k > 0) pmf *= ((n - k + 1) / k) * (p / (1 - p));
    const r = stratifiedRateInterval([{ key: 'all', kind: 'all', N: 1e9, n, k }]);
    if (r.low! <= p && p <= r.high!) cov += pmf;
  }
  return cov;
}

describe('exact coverage over every true rate, simple random samples', () => {
  it('never falls below 94.5% for 20 to 200 items at any rate from 0.3% to 50% (Jeffreys fell to 88.1%)', () => {
    const rates = Array.from({ length: 400 }, (_, i) => 0.003 + (i * (0.5 - 0.003)) / 399);
    for (const n of [20, 50, 100, 200]) {
      const cov = rates.map((p) => exactSrsCoverage(n, p));
      const min = Math.min(...cov);
      console.info(`SRS n=${n}: exact coverage min ${(min * 100).toFixed(2)}% at p=${(rates[cov.indexOf(min)]! * 100).toFixed(2)}%, mean ${(cov.reduce((a, c) => a + c, 0) / cov.length * 100).toFixed(2)}%`);
      expect(min, `n = ${n}`).toBeGreaterThanOrEqual(0.945);
    }
    // The Jeffreys interval at the same effective size, for the record: 88.5% at p = 4.9% with 50 items.
    const jeff = (n: number, p: number) => {
      let cov = 0;
      for (let k = 0, pmf = (1 - p) ** n; k <= n; k++, pmf *= ((n - k + 1) / k) * (p / (1 - p))) {
        const [l, h] = jeffreysInterval(k, n);
        if (l <= p && p <= h) cov += pmf;
      }
      return cov;
    };
    expect(jeff(50, 0.049)).toBeLessThan(0.89);
  });
});

describe('kornGraubardInterval: R survey::svyciprop(method = "beta")', () => {
  it('uses (t_{n−1} / t_df)², not (z / t_df)², on the STATS.md stratified example', () => {
    // p̂ = 0.13, v = 0.0015260204081632657 (se 0.0390643112), 100 items, df = 98.
    const ci = kornGraubardInterval(0.13, 0.0015260204081632657, 100, 98)!;
    expect(rel(ci[0], 0.0631060142265172)).toBeLessThan(REL);
    expect(rel(ci[1], 0.22832465571857202)).toBeLessThan(REL);
  });

  it('gives no interval where R gives NaN: no variance, or p̂ at 0 or 1', () => {
    expect(kornGraubardInterval(0, 0, 100, 98)).toBeNull();
    expect(kornGraubardInterval(0.1, 0, 100, 98)).toBeNull();
    expect(kornGraubardInterval(1, 0.001, 100, 98)).toBeNull();
  });
});

describe('stratifiedRateInterval: Clopper–Pearson at the effective sample size', () => {
  it('STATS.md example: estimate 0.13, Cochran se 0.0390643112, interval at n* from the iid-model variance', () => {
    const r = stratifiedRateInterval([field('a', 9000, 50, 5), field('b', 1000, 50, 20)]);
    expect(Math.abs(r.estimate! - 0.13)).toBeLessThan(1e-12);
    expect(Math.abs(r.se! - 0.03906431118250091)).toBeLessThan(1e-12);
    // v_iid = 0.00184353 > v_d, so n* = p̂(1 − p̂)/v_iid · (t_99 / t_98)² = 61.33420566325449.
    expect(rel(r.effectiveN!, 61.33420566325449)).toBeLessThan(1e-12);
    expect(rel(r.low!, 0.057737333767616944)).toBeLessThan(REL);
    expect(rel(r.high!, 0.2404053753109364)).toBeLessThan(REL);
    expect(r.method).toBe('clopper_pearson_effective');
    expect(r.df).toBe(98);
    expect([r.n, r.k, r.coveredN, r.frameN]).toEqual([100, 25, 10000, 10000]);
  });

  it('keeps a real interval when the heavy stratum shows no failure (Cochran variance 1.3e-5, iid-model 1.29e-4)', () => {
    const strata = [field('heavy', 8000, 56, 0), field('mid', 1500, 14, 0), { key: 'signal:thumbs_down', kind: 'signal' as const, N: 500, n: 30, k: 6 }];
    const r = stratifiedRateInterval(strata);
    expect(Math.abs(r.estimate! - 0.01)).toBeLessThan(1e-12);
    expect(rel(r.effectiveN!, 76.77135557751672)).toBeLessThan(1e-7);
    expect(rel(r.low!, 9.637159176036248e-05)).toBeLessThan(1e-6); // n* is known to 1e-7 here
    expect(rel(r.high!, 0.0653558203776801)).toBeLessThan(1e-6);
    // Korn–Graubard on Cochran's variance alone claims [0.42%, 1.99%]: it ignores that the heavy stratum may fail.
    const kg = kornGraubardInterval(0.01, 1.2965517241379314e-5, 100, 97)!;
    expect(rel(kg[0], 0.004222856843148371)).toBeLessThan(REL);
    expect(rel(kg[1], 0.019910977645765153)).toBeLessThan(REL);
  });

  it('no event anywhere: lower end 0, upper end from Kish’s effective size, never NaN', () => {
    const r = stratifiedRateInterval([field('a', 9000, 60, 0), field('b', 1000, 40, 0)]);
    expect(r.estimate).toBe(0);
    expect(r.low).toBe(0);
    expect(r.high!).toBeGreaterThan(0.01);
    expect(r.high!).toBeLessThan(0.06);
    expect(Number.isFinite(r.effectiveN!)).toBe(true);
  });

  it('collapses a stratum with one reviewed item into the same-kind stratum with the closest inclusion probability', () => {
    const r = stratifiedRateInterval([field('a', 5000, 40, 2), field('b', 3000, 25, 1), field('c', 200, 1, 1), { key: 'signal:error', kind: 'signal', N: 100, n: 20, k: 10 }]);
    expect(r.collapsed).toEqual([{ key: 'c', into: ['a'], population: 200, reason: 'one_reviewed_item' }]);
    expect(r.df).toBe(86 - 3);
    expect(Number.isFinite(r.se!)).toBe(true);
    expect(r.low!).toBeLessThan(r.estimate!);
    // The pair is one stratum of the linearisation: its variance exceeds a's alone (c's single failure is far from a's rate).
    const alone = stratifiedRateInterval([field('a', 5000, 40, 2), field('b', 3000, 25, 1), { key: 'signal:error', kind: 'signal', N: 100, n: 20, k: 10 }]);
    expect(r.uncovered).toEqual([]);
    expect(r.se!).toBeGreaterThan(alone.se!);
  });

  it('a field stratum with no reviewed item is counted at the other field strata’s rate; a signal stratum is listed as uncovered', () => {
    const r = stratifiedRateInterval([field('a', 6000, 30, 3), field('b', 2000, 10, 1), field('c', 2000, 0, 0), { key: 'signal:thumbs_down', kind: 'signal', N: 200, n: 0, k: 0 }]);
    expect(r.collapsed).toEqual([{ key: 'c', into: ['a', 'b'], population: 2000, reason: 'no_reviewed_item' }]);
    expect(r.uncovered).toEqual([{ key: 'signal:thumbs_down', population: 200 }]);
    expect(r.coveredN).toBe(10000);
    expect(r.frameN).toBe(10200);
    expect(Math.abs(r.estimate! - 0.1)).toBeLessThan(1e-12);
  });

  it('nothing reviewed: no estimate, every stratum uncovered; a full census: a zero-width interval', () => {
    const none = stratifiedRateInterval([field('a', 10, 0, 0), { key: 'signal:error', kind: 'signal', N: 5, n: 0, k: 0 }]);
    expect([none.estimate, none.low, none.high, none.method]).toEqual([null, null, null, 'none']);
    expect(none.uncovered.map((u) => u.key)).toEqual(['a', 'signal:error']);
    const census = stratifiedRateInterval([field('a', 10, 10, 3), { key: 'reviewed', kind: 'certainty', N: 4, n: 4, k: 1 }]);
    expect([census.estimate, census.low, census.high, census.method]).toEqual([4 / 14, 4 / 14, 4 / 14, 'census']);
  });

  it('a single reviewed item of a single stratum still gives an interval (from the iid model)', () => {
    const r = stratifiedRateInterval([{ key: 'all', kind: 'all', N: 900, n: 1, k: 0 }]);
    expect(r.estimate).toBe(0);
    expect(r.low).toBe(0);
    expect(r.high!).toBeGreaterThan(0.5);
  });

  it('refuses impossible counts, naming the stratum', () => {
    expect(() => stratifiedRateInterval([field('x', 10, 11, 0)])).toThrow('stratum "x": reviewed n = 11 exceeds population N = 10');
    expect(() => stratifiedRateInterval([field('x', 10, 5, 6)])).toThrow('stratum "x": events k = 6 exceed reviewed n = 5');
    expect(() => stratifiedRateInterval([field('x', 10.5, 5, 1)])).toThrow('stratum "x": N must be a non-negative integer, got 10.5');
  });
});

describe('stratifiedCovers', () => {
  it('agrees with the interval itself on 3,000 random designs and values', () => {
    const rng = new Prng(4);
    for (let i = 0; i < 3000; i++) {
      const strata: RateStratum[] = Array.from({ length: 1 + rng.below(4) }, (_, h) => {
        const N = 1 + rng.below(5000);
        const n = rng.below(Math.min(N, 80) + 1);
        return { key: `s${h}`, kind: h === 0 && rng.next() < 0.3 ? 'signal' : 'field', N, n, k: rng.below(n + 1) };
      });
      const r = stratifiedRateInterval(strata);
      const v = rng.next() < 0.5 ? rng.next() * 0.1 : rng.next();
      const expected = r.low === null || r.high === null ? null : v < r.low - 1e-9 ? 'above' : v > r.high + 1e-9 ? 'below' : 'covered';
      if (r.low !== null && (Math.abs(v - r.low) < 1e-7 || Math.abs(v - r.high!) < 1e-7)) continue; // at the edge, rounding decides
      expect(stratifiedCovers(strata, v)).toBe(expected);
    }
  });
});

describe('designCoverage', () => {
  it('an SRS of 100 from 10,000 at p = 10%: close to the exact (hypergeometric) coverage of the interval, 95.67%', () => {
    const c = designCoverage([{ key: 'all', kind: 'all', N: 10000, n: 100 }], [0.1], { reps: 4000, seed: 3 });
    expect(c.truth).toBe(0.1);
    expect(Math.abs(c.coverage - 0.9567)).toBeLessThan(0.012);
    expect(c.below + c.above + c.coverage).toBeCloseTo(1, 12);
  });

  it('the design the issue measured (heavy strata with no sampled failure) keeps its coverage', () => {
    const strata = [{ key: 'a', kind: 'field' as const, N: 7840, n: 56 }, { key: 'b', kind: 'field' as const, N: 1960, n: 14 }, { key: 'signal:thumbs_down', kind: 'signal' as const, N: 200, n: 30 }];
    const c = designCoverage(strata, [0.015, 0.02, 0.13], { reps: 2000, seed: 5 });
    expect(c.coverage).toBeGreaterThanOrEqual(0.93);
  });

  it('is reproducible for a seed', () => {
    const s = [{ key: 'a', kind: 'field' as const, N: 500, n: 20 }];
    expect(designCoverage(s, [0.2], { seed: 9 })).toEqual(designCoverage(s, [0.2], { seed: 9 }));
  });
});
