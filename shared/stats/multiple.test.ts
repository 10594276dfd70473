import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, bonferroni } from './multiple';

// Reference values: docs/STATS.md "Multiple testing (Benjamini-Hochberg 1995 example)".
const p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

describe('multiple testing on the Benjamini–Hochberg (1995) example', () => {
  it('BH rejects 4, the largest being 0.0095', () => {
    const r = benjaminiHochberg(p, 0.05);
    expect(r.rejectedCount).toBe(4);
    expect(r.largestRejected).toBe(0.0095);
    expect(r.rejected).toEqual(p.map((_, i) => i < 4));
  });

  it('Bonferroni rejects 3', () => {
    const r = bonferroni(p, 0.05);
    expect(r.rejectedCount).toBe(3);
    expect(r.largestRejected).toBe(0.0019);
    expect(r.adjusted[0]).toBeCloseTo(0.0015, 15);
    expect(r.adjusted[14]).toBe(1);
  });

  it('uncorrected testing would reject 9', () => {
    expect(p.filter((v) => v <= 0.05).length).toBe(9);
  });

  it('BH-adjusted p-values match R p.adjust(method = "BH") and keep input order', () => {
    const r = benjaminiHochberg(p);
    // R: p.adjust(p, "BH")[1:5] = 0.0015 0.0030 0.0095 0.035625 0.0603
    expect(r.adjusted[0]).toBeCloseTo(0.0015, 12);
    expect(r.adjusted[1]).toBeCloseTo(0.003, 12);
    expect(r.adjusted[2]).toBeCloseTo(0.0095, 12);
    expect(r.adjusted[3]).toBeCloseTo(0.035625, 12);
    expect(r.adjusted[4]).toBeCloseTo(0.0603, 12);
    const reversed = benjaminiHochberg([...p].reverse());
    expect(reversed.adjusted).toEqual([...r.adjusted].reverse());
    expect(reversed.rejected).toEqual([...r.rejected].reverse());
  });

  it('handles an empty family and rejects invalid p-values', () => {
    expect(benjaminiHochberg([]).rejectedCount).toBe(0);
    expect(benjaminiHochberg([]).largestRejected).toBeNull();
    expect(() => benjaminiHochberg([0.1, 1.2])).toThrow('p-value at index 1 must be in [0, 1], got 1.2');
    expect(() => bonferroni([0.1], 0)).toThrow(/alpha must be between 0 and 1/);
  });
});
