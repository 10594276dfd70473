/**
 * Dist (summaries/dist.ts) against exact type-7 quantiles: exact up to 100 values, within the DDSketch's stated
 * relative accuracy (1%) beyond, through encoding and merging, with zeros and negative values too.
 */
import { describe, expect, it } from 'vitest';
import { quantileSorted } from '../../../shared/stats';
import { Prng } from '../../../shared/prng';
import { DDSketch } from '@datadog/sketches-js';
import { decodeCompactSketch, Dist, EXACT_MAX, SKETCH_RELATIVE_ACCURACY } from './dist';

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

  it('made from a stored form, encodes to the same bytes undecoded and reads and merges as the decoded form', () => {
    const rng = new Prng(5);
    for (const n of [0, 1, 37, 100, 101, 400]) {
      const vals = Array.from({ length: n }, () => (rng.next() - 0.2) * 900);
      const d = new Dist();
      vals.forEach((v) => d.add(v));
      const blob = d.encode();
      const lazy = Dist.fromEncoded(blob);
      expect(lazy.encode()).toBe(blob);
      if (n > 0) check(Dist.fromEncoded(blob), vals);
      // added to and merged into as a decoded distribution would be
      const grown = Dist.fromEncoded(blob);
      grown.add(42);
      const other = new Dist();
      other.mergeEncoded(blob);
      other.add(42);
      expect(grown.encode()).toEqual(other.encode());
      const into = new Dist();
      into.add(-3);
      into.merge(Dist.fromEncoded(blob));
      expect(into.n).toBe(n + 1);
      const again = Dist.fromEncoded(blob);
      again.mergeEncoded(blob);
      expect(again.n).toBe(2 * n);
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

describe('the compact stored form of a sketch (migration 13)', () => {
  /**
   * A sketch's bins from its lowest to its highest key holding a value, per sign, and its zero count (the protobuf
   * form's decoder also keeps the empty bins of the padded array around them).
   */
  const binsOf = (d: DDSketch) => [d.store, d.negativeStore].map((st) => {
    const s = st as unknown as { bins: number[]; offset: number; minKey: number; maxKey: number; count: number };
    let lo = s.minKey;
    let hi = s.maxKey;
    while (lo <= hi && !s.bins[lo - s.offset]) lo++;
    while (hi >= lo && !s.bins[hi - s.offset]) hi--;
    const out: number[] = [];
    for (let k = lo; k <= hi; k++) out.push(s.bins[k - s.offset] ?? 0);
    return { min: out.length ? lo : null, count: s.count, bins: out };
  }).concat([{ min: null, count: d.zeroCount, bins: [] }]);

  it('reads back the same bins and counts as the protobuf form, and the same quantiles, for every sign and scale', () => {
    const rng = new Prng(23);
    const sets: Array<[string, number[]]> = [
      ['latencies', Array.from({ length: 5000 }, () => Math.exp(4 + rng.next() * 5))],
      ['costs in USD (keys below zero)', Array.from({ length: 800 }, () => 1e-6 * Math.exp(rng.next() * 9))],
      ['zeros and negatives', Array.from({ length: 900 }, (_, i) => (i % 7 === 0 ? 0 : (rng.next() - 0.6) * 3000))],
      ['one value repeated', Array.from({ length: 300 }, () => 1234)],
      ['only negatives', Array.from({ length: 150 }, () => -Math.exp(rng.next() * 6))],
    ];
    for (const [name, values] of sets) {
      const d = new Dist();
      values.forEach((v) => d.add(v));
      const blob = d.encode()!;
      expect(blob[0], name).toBe(3);
      const compact = decodeCompactSketch(blob);
      const sketch = DDSketch.fromProto((d as unknown as { sketch: DDSketch }).sketch.toProto());
      expect(binsOf(compact), name).toEqual(binsOf(sketch));
      expect(compact.count, name).toBe(values.length);
      const back = new Dist();
      back.mergeEncoded(blob);
      check(back, values, 'sketch');
      const legacy = new Dist();
      legacy.mergeEncoded(Uint8Array.from([2, ...sketch.toProto()]));
      for (const p of PS) expect(back.quantile(p), `${name} p ${p}`).toBe(legacy.quantile(p));
    }
  });

  it('merges compact, protobuf and exact forms into one distribution', () => {
    const rng = new Prng(5);
    const parts = [400, 30, 250].map((n) => Array.from({ length: n }, () => Math.exp(rng.next() * 7)));
    const merged = new Dist();
    parts.forEach((part, i) => {
      const d = new Dist();
      part.forEach((v) => d.add(v));
      const blob = d.encode()!;
      const s = (d as unknown as { sketch: DDSketch | null }).sketch;
      merged.mergeEncoded(i === 2 && s ? Uint8Array.from([2, ...s.toProto()]) : blob);
    });
    check(merged, parts.flat(), 'sketch');
  });

  it('is a fraction of the protobuf form for a day of latencies', () => {
    const rng = new Prng(3);
    const d = new Dist();
    for (let i = 0; i < 1500; i++) d.add(Math.exp(5 + rng.next() * 3));
    const proto = (d as unknown as { sketch: DDSketch }).sketch.toProto().length + 1;
    expect(d.encode()!.length).toBeLessThan(proto / 3);
  });

  it('refuses bytes that end early', () => {
    const d = new Dist();
    for (let i = 0; i < 500; i++) d.add(100 + i);
    const blob = d.encode()!;
    expect(() => decodeCompactSketch(blob.subarray(0, blob.length - 3))).toThrow(RangeError);
  });
});
