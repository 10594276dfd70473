import { describe, expect, test } from 'vitest';
import { logOddsDirichlet } from './log-odds';
import { npsInterval, poissonRateInterval } from './rates';
import { nps } from './survey';

describe('log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)', () => {
  test('matches the hand-computed example of docs/STATS.md (eq. 22, background = both groups, α₀ = 10)', () => {
    const i = new Map(Object.entries({ wrong: 8, slow: 3, great: 1, language: 4, answer: 6 }));
    const j = new Map(Object.entries({ wrong: 1, slow: 2, great: 9, language: 1, answer: 7 }));
    const bg = new Map([...i].map(([w, c]) => [w, c + (j.get(w) ?? 0)]));
    const s = logOddsDirichlet(i, j, bg, 10);
    const by = Object.fromEntries(s.map((x) => [x.term, x]));
    const want: Array<[string, number, number, number]> = [
      ['wrong', 2.1428571429, 1.3776414651205129, 2.1339597637882295],
      ['language', 1.1904761905, 0.8993278404285854, 1.1161812078290927],
      ['slow', 1.1904761905, 0.2360228403987037, 0.31765615408166653],
      ['answer', 3.0952380952, -0.24469868420638752, -0.5352467977791354],
      ['great', 2.3809523810, -1.6436710494400368, -2.6537043502701043],
    ];
    for (const [w, alpha, delta, z] of want) {
      expect(by[w]!.alpha).toBeCloseTo(alpha, 9);
      expect(by[w]!.delta).toBeCloseTo(delta, 12);
      expect(by[w]!.z).toBeCloseTo(z, 12);
    }
    expect(s.map((x) => x.term)).toEqual(['wrong', 'language', 'slow', 'answer', 'great']);
    expect(() => logOddsDirichlet(i, j, bg, 0)).toThrow(RangeError);
  });
});

describe('NPS interval from the multinomial variance', () => {
  test('matches the reference computation of docs/STATS.md', () => {
    const r = nps([10, 9, 8, 7, 6, 0, 10, 9, 3, 9, 10, 5]);
    const ci = npsInterval(r.promoters, r.detractors, r.n)!;
    expect(ci.estimate).toBeCloseTo(50 / 3, 12);
    expect(ci.se).toBeCloseTo(25.909386258580042, 12);
    expect(ci.low).toBeCloseTo(50 / 3 - 1.959963984540054 * 25.909386258580042, 12);
    expect(ci.high).toBeCloseTo(50 / 3 + 1.959963984540054 * 25.909386258580042, 12);
    expect(npsInterval(0, 0, 0)).toBeNull();
    // All promoters: se 0, the interval collapses (callers flag the small n).
    expect(npsInterval(5, 0, 5)).toMatchObject({ estimate: 100, se: 0, low: 100, high: 100 });
    expect(() => npsInterval(3, 3, 5)).toThrow(RangeError);
  });
});

describe('tickets per 1,000 requests: exact Poisson (Garwood) interval', () => {
  test('matches R poisson.test / SciPy chi2.ppf', () => {
    // scipy.stats.chi2.ppf(0.025, 2k)/2 and chi2.ppf(0.975, 2k+2)/2, per 1,000 of the exposure.
    const cases: Array<[number, number, number, number, number]> = [
      [5, 1000, 5, 1.6234863901184207, 11.66833207932267],
      [0, 1000, 0, 0, 3.6888794541139354],
      [12, 1545, 7.766990291262136, 4.013317222473927, 13.567368963221332],
      [47, 6999, 6.715245035005001, 4.934109468076262, 8.929852313280035],
      // 942 tickets: where stdlib's chi-square quantile alone gave 1004.2934 for the upper end.
      [942, 1000, 942, 882.7974313630954, 1004.1286539930298],
    ];
    for (const [k, n, est, lo, hi] of cases) {
      const r = poissonRateInterval(k, n)!;
      expect(r.estimate).toBeCloseTo(est, 12);
      expect(r.low).toBeCloseTo(lo, 6);
      expect(r.high).toBeCloseTo(hi, 6);
    }
    expect(poissonRateInterval(3, 0)).toBeNull();
    expect(() => poissonRateInterval(1.5, 10)).toThrow(RangeError);
  });
});

describe('logOddsDirichlet: a background of one word', () => {
  test('has no finite log-odds for it (every word of a group): skipped, never NaN', () => {
    const one = new Map([['w', 1]]);
    expect(logOddsDirichlet(one, one, one, 1e6)).toEqual([]);
    // With a second background word the same counts score finitely (δ = 0: the groups do not differ).
    const r = logOddsDirichlet(one, one, new Map([['w', 1], ['v', 1]]), 1);
    expect(r.map((x) => [x.term, Number.isFinite(x.z)])).toEqual([['v', true], ['w', true]]);
    expect(r.every((x) => x.delta === 0)).toBe(true);
  });
});
