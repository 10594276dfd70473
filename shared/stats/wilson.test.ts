import { describe, expect, it } from 'vitest';
import { wilsonInterval, zForConfidence, Z_95 } from './wilson';

// Reference values: docs/STATS.md "Interval for a proportion (Wilson score, 95%)".
const TOL = 1e-9;

describe('wilsonInterval', () => {
  it.each([
    [0, 10, 0, 0.2775327999],
    [1, 10, 0.0178762131, 0.4041500268],
    [5, 10, 0.2365930905, 0.7634069095],
    [10, 10, 0.7224672001, 1],
    [3, 100, 0.010254524, 0.0845193643],
    [81, 263, 0.2552885199, 0.366209577],
  ])('%i / %i matches STATS.md', (k, n, low, high) => {
    const ci = wilsonInterval(k, n);
    expect(ci).not.toBeNull();
    expect(Math.abs(ci!.low - low)).toBeLessThan(TOL);
    expect(Math.abs(ci!.high - high)).toBeLessThan(TOL);
    expect(ci!.estimate).toBe(k / n);
  });

  it('pins the bounds to exactly 0 and 1 at k = 0 and k = n', () => {
    expect(wilsonInterval(0, 10)!.low).toBe(0);
    expect(wilsonInterval(10, 10)!.high).toBe(1);
  });

  it('matches SciPy binomtest(81, 263).proportion_ci(method="wilson") to full precision', () => {
    const ci = wilsonInterval(81, 263)!;
    // SciPy 1.17.1: (0.2552885198782742, 0.36620957698280004)
    expect(ci.low).toBeCloseTo(0.2552885198782742, 13);
    expect(ci.high).toBeCloseTo(0.36620957698280004, 13);
  });

  it('returns null for n = 0 (no data, no interval)', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('widens with the confidence level', () => {
    const ci90 = wilsonInterval(5, 10, 0.9)!;
    const ci99 = wilsonInterval(5, 10, 0.99)!;
    expect(ci90.high - ci90.low).toBeLessThan(ci99.high - ci99.low);
    expect(zForConfidence(0.9)).toBeCloseTo(1.6448536269514722, 9);
    expect(zForConfidence(0.95)).toBe(Z_95);
  });

  it('rejects impossible counts with a clear message', () => {
    expect(() => wilsonInterval(11, 10)).toThrow('k must be an integer between 0 and n = 10, got 11');
    expect(() => wilsonInterval(1.5, 10)).toThrow(/k must be an integer/);
    expect(() => wilsonInterval(0, -1)).toThrow('n must be a non-negative integer, got -1');
    expect(() => wilsonInterval(1, 10, 1)).toThrow(/confidence must be between 0 and 1/);
  });
});

describe('zForConfidence at other levels (SciPy 1.17.1 norm.ppf)', () => {
  it.each([
    [0.999, 3.2905267314919255],
    [0.9, 1.6448536269514722],
    [1 - 1e-12, 7.130494613066504],
  ])('confidence %s gives z = %s', (c, z) => {
    expect(Math.abs(zForConfidence(c) - z) / z).toBeLessThan(1e-13);
  });
});
