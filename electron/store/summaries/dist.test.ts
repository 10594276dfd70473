/**
 * Dist (summaries/dist.ts) against exact type-7 quantiles: exact up to 100 values, within the DDSketch's stated
 * relative accuracy (1%) beyond, through encoding and merging, with zeros and negative values too.
 */
import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../../shared/stats';
import { Prng } from '../../../shared/prng';
import { Dist, EXACT_MAX, SKETCH_RELATIVE_ACCURACY } from './dist';

const PS = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

function check(d: Dist, values: number[], method: 'exact' | 'sketch' = values.length <= EXACT_MAX ? 'exact' : 'sketch'): void {
  const sorted = Float64Array.from(values).sort();
  expect(d.n).toBe(values.length);
  expect(d.method).toBe(method);
  if (values.length === 0) { expect(d.quantile(0.5)).toBeNull(); return; }
  for (const p of PS) {
    const exact = quantileSorted(sorted, p);
    const got = d.quantile(p)!;
    if (d.method === 'exact') expect(got).toBe(exact);
    else expect(Math.abs(got - exact), `p ${p}: ${got} vs ${exact}`).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY * Math.abs(exact) + 1e-12);
  }
  for (const x of [sorted[0]!, quantileSorted(sorted, 0.5) * 1.5, sorted[sorted.length - 1]!]) {
    const exact = values.filter((v) => v > x).length;
    // On a sketch only values within 1% of x may be counted on the other side.
    const near = d.method === 'exact' ? 0 : values.filter((v) => Math.abs(v - x) <= 0.011 * Math.abs(x)).length;
    expect(Math.abs(d.countAbove(x) - exact)).toBeLessThanOrEqual(near);
  }
  const expanded = d.expand();
  expect(expanded.length).toBe(values.length);
  expanded.forEach((v, i) => expect(Math.abs(v - sorted[i]!)).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY * Math.abs(sorted[i]!) + 1e-12));
}

describe('Dist', () => {
  it('keeps ≤ 100 values exact and switches to a sketch past them, through encode and merge', () => {
    const rng = new Prng(7);
    const parts = [40, 60, 1, 250, 0, 99].map((n) => Array.from({ length: n }, () => Math.exp(rng.next() * 8)));
    const all: number[] = [];
    const merged = new Dist();
    for (const part of parts) {
      const d = new Dist();
      for (const v of part) d.add(v);
      check(d, part);
      const back = new Dist();
      back.mergeEncoded(d.encode());
      if (part.length) check(back, part);
      merged.merge(back);
      all.push(...part);
      check(merged, all);
    }
  });

  it('merges sketches holding zeros and negative values (the library\'s merge drops negatives; Dist adds them)', () => {
    const rng = new Prng(11);
    const a = Array.from({ length: 300 }, () => (rng.next() - 0.3) * 1000);
    const b = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 0 : (rng.next() - 0.7) * 50));
    const da = new Dist();
    const db = new Dist();
    a.forEach((v) => da.add(v));
    b.forEach((v) => db.add(v));
    const m = new Dist();
    m.mergeEncoded(da.encode());
    m.mergeEncoded(db.encode());
    check(m, [...a, ...b]);
  });

  it('Infinity keeps every value exact (the raw-row path)', () => {
    const d = new Dist(Infinity);
    const vals = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 1000);
    vals.forEach((v) => d.add(v));
    check(d, vals, 'exact');
  });
});

describe("DenseStore's bin shift (replaced in dist.ts)", () => {
  it('leaves the same bins, offset and length as the library, shift by shift and through merges (same encoded bytes)', async () => {
    const { shiftBins, libraryShiftBins, denseStorePrototype } = await import('./dist');
    expect(typeof libraryShiftBins).toBe('function');
    expect(libraryShiftBins).not.toBe(shiftBins);
    for (const len of [0, 1, 5, 128]) {
      for (const shift of [-200, -128, -5, -1, 0, 1, 5, 127, 128, 300]) {
        const bins = Array.from({ length: len }, (_, i) => (i * 7) % 5);
        const a = { bins: [...bins], offset: 40 };
        const b = { bins: [...bins], offset: 40 };
        libraryShiftBins.call(a, shift);
        shiftBins.call(b, shift);
        expect(b, `len ${len} shift ${shift}`).toEqual(a);
      }
    }
    // Cells merged into a bucket, as the metrics views do: the same bytes with either shift.
    const rng = new Prng(11);
    const cells = Array.from({ length: 60 }, (_, c) => {
      const d = new Dist();
      for (let i = 0; i < 150 + c * 3; i++) d.add((c % 7 === 0 ? -1 : 1) * Math.exp(2 + 3 * rng.next() + c / 10));
      return d.encode()!;
    });
    const mergeAll = () => { const d = new Dist(); for (const c of cells) d.mergeEncoded(c); return d; };
    const patched = mergeAll();
    const proto = denseStorePrototype;
    proto._shiftBins = libraryShiftBins;
    let original: Dist;
    try { original = mergeAll(); } finally { proto._shiftBins = shiftBins; }
    expect(Buffer.from(patched.encode()!).equals(Buffer.from(original.encode()!))).toBe(true);
    expect(patched.expand()).toEqual(original.expand());
  });
});
