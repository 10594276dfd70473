import { describe, expect, it } from 'vitest';
import { finiteSortedCopy, percentiles, quantile, quantiles, quantileSorted } from './quantile';

// Reference values: docs/STATS.md "Quantiles" (linear interpolation at (n-1)p: NumPy default, R type 7).
const TOL = 1e-9;
const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
const latenciesMs = [120, 135, 150, 180, 200, 220, 250, 300, 450, 1200];

describe('quantile (type 7)', () => {
  it('1..100: p95 = 95.05 and p99 = 99.01 (not the nearest-rank 95 and 99)', () => {
    expect(Math.abs(quantile(oneToHundred, 0.95) - 95.05)).toBeLessThan(TOL);
    expect(Math.abs(quantile(oneToHundred, 0.99) - 99.01)).toBeLessThan(TOL);
  });

  it('differs from nearest-rank, which gives 95 and 99 on 1..100 (Loupe does not use it)', () => {
    const nearestRank = (sorted: number[], p: number): number => sorted[Math.ceil(p * sorted.length) - 1] as number;
    expect(nearestRank(oneToHundred, 0.95)).toBe(95);
    expect(nearestRank(oneToHundred, 0.99)).toBe(99);
    expect(quantile(oneToHundred, 0.95)).not.toBe(95);
    expect(quantile(oneToHundred, 0.99)).not.toBe(99);
  });

  it('latencies: p50 = 210, p95 = 862.5, p99 = 1132.5 ms', () => {
    const p = percentiles(latenciesMs);
    expect(Math.abs(p.p50 - 210)).toBeLessThan(TOL);
    expect(Math.abs(p.p95 - 862.5)).toBeLessThan(TOL);
    expect(Math.abs(p.p99 - 1132.5)).toBeLessThan(TOL);
    expect(p.n).toBe(10);
  });

  it('does not depend on input order and does not modify the input', () => {
    const shuffled = [1200, 120, 450, 135, 300, 150, 250, 180, 220, 200];
    const copy = [...shuffled];
    expect(quantiles(shuffled, [0.5, 0.95, 0.99])).toEqual([percentiles(latenciesMs).p50, percentiles(latenciesMs).p95, percentiles(latenciesMs).p99]);
    expect(shuffled).toEqual(copy);
  });

  it('returns min and max at p = 0 and 1, the single value for n = 1, NaN when empty', () => {
    expect(quantile(latenciesMs, 0)).toBe(120);
    expect(quantile(latenciesMs, 1)).toBe(1200);
    expect(quantile([42], 0.99)).toBe(42);
    expect(quantile([], 0.5)).toBeNaN();
    expect(percentiles([]).p95).toBeNaN();
    expect(quantileSorted([1, 2], 0.5)).toBe(1.5);
  });

  it('rejects bad input with the index or the probability', () => {
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow('value at index 1 must be a finite number, got NaN');
    expect(() => quantile([1], 1.5)).toThrow('quantile probability must be in [0, 1], got 1.5');
  });
});

describe('finiteSortedCopy', () => {
  it('sorts values that arrive in any order, and copies sorted ones as they are', () => {
    expect([...finiteSortedCopy([3, 1, 2, 2, -5], 'x')]).toEqual([-5, 1, 2, 2, 3]);
    expect([...finiteSortedCopy([-1, 0, 0, 4.5, 9], 'x')]).toEqual([-1, 0, 0, 4.5, 9]);
    // Out of order only at the end.
    expect([...finiteSortedCopy([1, 2, 3, 4, 0], 'x')]).toEqual([0, 1, 2, 3, 4]);
    const input = [5, 4];
    finiteSortedCopy(input, 'x');
    expect(input).toEqual([5, 4]);
  });

  it('names the side and index of a value that is not finite, sorted or not', () => {
    expect(() => finiteSortedCopy([1, 2, NaN], 'reference')).toThrow('reference value at index 2 must be a finite number, got NaN');
    expect(() => finiteSortedCopy([3, Infinity, 1], 'current')).toThrow('current value at index 1 must be a finite number, got Infinity');
  });
});
