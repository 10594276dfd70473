import { describe, expect, it } from 'vitest';
import { csat, nps, thumbsUpRate } from './survey';
import { wilsonInterval } from './wilson';

// Reference values: docs/STATS.md "Survey aggregates".
const TOL = 1e-9;

describe('csat', () => {
  it('top-2-box share of [5,4,3,5,2,4,5,1,4,5] is 0.7', () => {
    const r = csat([5, 4, 3, 5, 2, 4, 5, 1, 4, 5]);
    expect(Math.abs(r.csat - 0.7)).toBeLessThan(TOL);
    expect(r.satisfied).toBe(7);
    expect(r.n).toBe(10);
    expect(r.mean).toBeCloseTo(3.8, 15);
    expect(r.interval).toEqual(wilsonInterval(7, 10));
  });

  it('is NaN with a null interval when there are no ratings, and rejects out-of-scale ratings', () => {
    const r = csat([]);
    expect(r.csat).toBeNaN();
    expect(r.interval).toBeNull();
    expect(() => csat([5, 0])).toThrow('rating at index 1 must be an integer from 1 to 5, got 0');
    expect(() => csat([4.5])).toThrow('rating at index 0 must be an integer from 1 to 5, got 4.5');
  });
});

describe('nps', () => {
  it('[10,9,8,7,6,0,10,9,3,9,10,5]: 6 promoters, 4 detractors, NPS = 16.67', () => {
    const r = nps([10, 9, 8, 7, 6, 0, 10, 9, 3, 9, 10, 5]);
    expect(r.promoters).toBe(6);
    expect(r.detractors).toBe(4);
    expect(r.passives).toBe(2);
    expect(r.n).toBe(12);
    expect(Math.abs(r.nps - 50 / 3)).toBeLessThan(TOL);
    expect(r.nps.toFixed(2)).toBe('16.67');
  });

  it('spans −100 to 100 and rejects scores outside 0-10', () => {
    expect(nps([0, 3, 6]).nps).toBe(-100);
    expect(nps([9, 10]).nps).toBe(100);
    expect(nps([]).nps).toBeNaN();
    expect(() => nps([11])).toThrow('NPS score at index 0 must be an integer from 0 to 10, got 11');
  });
});

describe('thumbsUpRate', () => {
  it('is up / (up + down) with the Wilson interval of STATS.md (81 of 263)', () => {
    const r = thumbsUpRate(81, 182);
    expect(r.rate).toBe(81 / 263);
    expect(r.n).toBe(263);
    expect(Math.abs(r.interval!.low - 0.2552885199)).toBeLessThan(TOL);
    expect(Math.abs(r.interval!.high - 0.366209577)).toBeLessThan(TOL);
  });

  it('has no rate and no interval without feedback, and rejects bad counts', () => {
    expect(thumbsUpRate(0, 0).rate).toBeNaN();
    expect(thumbsUpRate(0, 0).interval).toBeNull();
    expect(() => thumbsUpRate(-1, 3)).toThrow('thumbs-up count must be a non-negative integer, got -1');
  });
});
