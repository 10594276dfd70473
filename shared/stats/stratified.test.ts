import { describe, expect, it } from 'vitest';
import { stratifiedProportion, weightedProportion, type WeightedItem } from './stratified';

// Reference values: docs/STATS.md "Stratified estimate of a rate".
const TOL = 1e-9;
const stratsMd = [
  { N: 9000, n: 50, k: 5 },
  { N: 1000, n: 50, k: 20 },
];

/** Expands stratum counts into reviewed items with π = n_h / N_h, as a plain stratified queue records them. */
function itemsFromStrata(strata: ReadonlyArray<{ N: number; n: number; k: number }>): WeightedItem[] {
  return strata.flatMap((s, h) =>
    Array.from({ length: s.n }, (_, i): WeightedItem => ({ y: i < s.k ? 1 : 0, pi: s.n / s.N, stratum: `h${h}` })),
  );
}

describe('stratifiedProportion (Cochran 1977, ch. 5)', () => {
  it('STATS.md example: estimate 0.13, se 0.0390643112, 95% interval [0.0534353570, 0.2065646430]', () => {
    const r = stratifiedProportion(stratsMd);
    expect(Math.abs(r.estimate - 0.13)).toBeLessThan(TOL);
    expect(Math.abs(r.se - 0.0390643112)).toBeLessThan(TOL);
    expect(Math.abs(r.low - 0.053435357)).toBeLessThan(TOL);
    expect(Math.abs(r.high - 0.206564643)).toBeLessThan(TOL);
    expect(r.confidence).toBe(0.95);
  });

  it('reports the plain sample rate 25/100 = 0.25 that an unweighted queue would wrongly show', () => {
    const r = stratifiedProportion(stratsMd);
    expect(r.sampleRate).toBe(0.25);
    expect(r.n).toBe(100);
    expect(r.failures).toBe(25);
    expect(r.N).toBe(10000);
    expect(r.samplingFraction).toBe(0.01);
    expect(r.smallSample).toBe(false);
    expect(r.reason).toBeNull();
  });

  it('a census stratum contributes no variance; N_h = 0 strata are ignored', () => {
    const r = stratifiedProportion([{ N: 100, n: 100, k: 10 }, { N: 0, n: 0, k: 0 }]);
    expect(r.estimate).toBeCloseTo(0.1, 15);
    expect(r.se).toBe(0);
  });

  it('flags small samples with every reason', () => {
    const r = stratifiedProportion([{ N: 500, n: 1, k: 0, label: 'model=small' }, { N: 500, n: 20, k: 2, label: 'model=large' }]);
    expect(r.smallSample).toBe(true);
    expect(r.se).toBeNaN();
    expect(r.reason).toBe(
      'stratum "model=small" has only 1 reviewed item; its variance needs at least 2; only 21 reviewed items (fewer than 30); ' +
        'fewer than 5 failures among reviewed items; the normal interval is unreliable',
    );
  });

  it('a stratum with no reviewed items leaves the rate unknown (NaN), with a reason', () => {
    const r = stratifiedProportion([{ N: 500, n: 0, k: 0 }, { N: 500, n: 40, k: 10 }]);
    expect(r.estimate).toBeNaN();
    expect(r.smallSample).toBe(true);
    expect(r.reason).toContain('stratum #0 (500 items) has no reviewed items, so its failure rate is unknown');
  });

  it('rejects impossible counts naming the stratum and field', () => {
    expect(() => stratifiedProportion([{ N: 10, n: 11, k: 0 }])).toThrow('stratum #0: reviewed n = 11 exceeds population N = 10');
    expect(() => stratifiedProportion([{ N: 10, n: 5, k: 6, label: 'x' }])).toThrow('stratum "x": failures k = 6 exceed reviewed n = 5');
    expect(() => stratifiedProportion([{ N: 10.5, n: 5, k: 1 }])).toThrow('stratum #0: field N must be a non-negative integer, got 10.5');
  });
});

describe('weightedProportion (Hájek / Horvitz–Thompson with stratified variance)', () => {
  it('reduces exactly to the stratified formula when π = n_h / N_h (STATS.md example)', () => {
    const r = weightedProportion(itemsFromStrata(stratsMd));
    expect(Math.abs(r.estimate - 0.13)).toBeLessThan(TOL);
    expect(Math.abs(r.se - 0.0390643112)).toBeLessThan(TOL);
    expect(Math.abs(r.low - 0.053435357)).toBeLessThan(TOL);
    expect(Math.abs(r.high - 0.206564643)).toBeLessThan(TOL);
    expect(r.sampleRate).toBe(0.25);
    expect(Math.abs(r.N - 10000)).toBeLessThan(1e-6);
  });

  it('agrees with stratifiedProportion on an uneven three-stratum design', () => {
    const strata = [{ N: 12000, n: 37, k: 2 }, { N: 5000, n: 81, k: 17 }, { N: 300, n: 45, k: 30 }];
    const a = stratifiedProportion(strata);
    const b = weightedProportion(itemsFromStrata(strata));
    expect(Math.abs(a.estimate - b.estimate)).toBeLessThan(1e-12);
    expect(Math.abs(a.se - b.se)).toBeLessThan(1e-12);
  });

  it('weights by 1/π when π varies within a stratum (linearisation variance, hand-checked with NumPy)', () => {
    const r = weightedProportion([
      { y: 1, pi: 0.5, stratum: 'a' },
      { y: 0, pi: 0.25, stratum: 'a' },
      { y: 0, pi: 0.5, stratum: 'a' },
      { y: 1, pi: 0.1, stratum: 'b' },
      { y: 1, pi: 0.1, stratum: 'b' },
    ], { minTotal: 1 });
    expect(Math.abs(r.estimate - 22 / 28)).toBeLessThan(1e-12);
    expect(Math.abs(r.se - 0.08753755069782392)).toBeLessThan(1e-12);
    expect(r.N).toBe(28);
    expect(r.sampleRate).toBe(0.6);
  });

  it('uses given stratum sizes when the inclusion probabilities are rounded', () => {
    const items = itemsFromStrata(stratsMd).map((it) => ({ ...it, pi: Number(it.pi.toFixed(3)) }));
    const r = weightedProportion(items, { stratumSizes: { h0: 9000, h1: 1000 } });
    expect(Math.abs(r.estimate - 0.13)).toBeLessThan(TOL);
    expect(Math.abs(r.se - 0.0390643112)).toBeLessThan(TOL);
  });

  it('rejects invalid outcomes and inclusion probabilities naming the item', () => {
    expect(() => weightedProportion([{ y: 1, pi: 0, stratum: 'a' }])).toThrow('item 0: inclusion probability pi must be in (0, 1], got 0');
    expect(() => weightedProportion([{ y: 2 as 1, pi: 0.5, stratum: 'a' }])).toThrow('item 0: y must be 0 or 1, got 2');
    expect(() => weightedProportion(itemsFromStrata(stratsMd), { stratumSizes: { h0: 10 } })).toThrow('stratum "h0": size 10 must be a number ≥ its 50 reviewed items');
  });
});

/** mulberry32: a small seeded PRNG (Tommy Ettinger), uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('simulation: the weighted estimate is unbiased and its 95% interval covers the truth', () => {
  // A fixed population of 20,000 requests in 3 strata (e.g. routes) with different failure rates. In each
  // stratum a "signal" subset (thumbs-down, error) fails far more often and is oversampled by the queue.
  const strata = [
    { size: 12000, signalShare: 0.1, failPlain: 0.04, failSignal: 0.35, nPlain: 150, nSignal: 50 },
    { size: 6000, signalShare: 0.15, failPlain: 0.1, failSignal: 0.45, nPlain: 120, nSignal: 50 },
    { size: 2000, signalShare: 0.2, failPlain: 0.2, failSignal: 0.6, nPlain: 60, nSignal: 50 },
  ];
  const popRng = mulberry32(20240601);
  // Sampling cells: stratum × signal. Each holds the failure flags of its population items.
  const cells: Array<{ key: string; y: Uint8Array; n: number }> = [];
  let failures = 0;
  let population = 0;
  strata.forEach((s, h) => {
    const plain: number[] = [];
    const signal: number[] = [];
    for (let i = 0; i < s.size; i++) {
      const isSignal = popRng() < s.signalShare;
      const y = popRng() < (isSignal ? s.failSignal : s.failPlain) ? 1 : 0;
      (isSignal ? signal : plain).push(y);
      failures += y;
      population++;
    }
    cells.push({ key: `s${h}:plain`, y: Uint8Array.from(plain), n: s.nPlain });
    cells.push({ key: `s${h}:signal`, y: Uint8Array.from(signal), n: s.nSignal });
  });
  const truth = failures / population;
  const runs = 1000;

  function drawQueue(rng: () => number): WeightedItem[] {
    const items: WeightedItem[] = [];
    for (const cell of cells) {
      // Partial Fisher–Yates: a simple random sample of n items without replacement.
      const idx = Uint32Array.from({ length: cell.y.length }, (_, i) => i);
      const pi = cell.n / cell.y.length;
      for (let i = 0; i < cell.n; i++) {
        const j = i + Math.floor(rng() * (idx.length - i));
        const tmp = idx[i] as number;
        idx[i] = idx[j] as number;
        idx[j] = tmp;
        items.push({ y: cell.y[idx[i] as number] === 1 ? 1 : 0, pi, stratum: cell.key });
      }
    }
    return items;
  }

  it(`over ${runs} seeds: mean within its standard error of the truth, coverage 93-97%`, async ({ annotate }) => {
    const started = Date.now();
    const estimates: number[] = [];
    const ses: number[] = [];
    const naive: number[] = [];
    let covered = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const r = weightedProportion(drawQueue(mulberry32(seed)));
      estimates.push(r.estimate);
      ses.push(r.se);
      naive.push(r.sampleRate);
      if (r.low <= truth && truth <= r.high) covered++;
      expect(r.smallSample).toBe(false);
    }
    const mean = estimates.reduce((s, v) => s + v, 0) / runs;
    const sd = Math.sqrt(estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / (runs - 1));
    const meanSe = ses.reduce((s, v) => s + v, 0) / runs;
    const monteCarloSe = sd / Math.sqrt(runs);
    const naiveMean = naive.reduce((s, v) => s + v, 0) / runs;
    const coverage = covered / runs;

    expect(truth).toBeGreaterThan(0.09);
    expect(truth).toBeLessThan(0.13);
    // Unbiased: the mean of the estimates is within its standard error (Monte Carlo, ×2 for a fixed-seed run)
    // of the truth, and far inside one standard error of a single estimate.
    expect(Math.abs(mean - truth)).toBeLessThan(2 * monteCarloSe);
    expect(Math.abs(mean - truth)).toBeLessThan(meanSe / 5);
    // The variance formula is right: the reported se matches the spread of the estimates within 10%.
    expect(Math.abs(meanSe / sd - 1)).toBeLessThan(0.1);
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(coverage).toBeLessThanOrEqual(0.97);
    // The oversampled signals make the unweighted rate useless: more than 5 standard errors off.
    expect(naiveMean - truth).toBeGreaterThan(5 * meanSe);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Shown by the reporter (shared/ has no console in its lib): the figures behind the assertions.
    await annotate(
      `stratified simulation: truth ${truth.toFixed(5)}, mean ${mean.toFixed(5)} (MC se ${monteCarloSe.toExponential(2)}), ` +
        `sd ${sd.toFixed(5)}, mean se ${meanSe.toFixed(5)}, coverage ${(coverage * 100).toFixed(1)}%, naive ${naiveMean.toFixed(4)}, ` +
        `${Date.now() - started} ms`,
    );
  });
});
