/**
 * One numeric distribution of a summary cell (latency, tokens, cost or a length): the exact values while there are
 * few of them, a mergeable DDSketch (@datadog/sketches-js, relative accuracy 1%) once there are more. Quantiles are
 * type 7 (Hyndman & Fan 1996; shared/stats quantileSorted) on the exact values; on a sketch they interpolate, as
 * type 7 does, between the sketch's values at ranks floor(h) and floor(h) + 1 (h = (n − 1) p), each of which is
 * within the sketch's relative accuracy of that order statistic (Masson, Rim & Lee, "DDSketch", VLDB 2019), so the
 * interpolated value is within the same relative error of the exact type-7 quantile (for values of one sign).
 *
 * Stored form (a BLOB): byte 0 = 1 then little-endian float64 values (exact); byte 0 = 3 then the sketch's bins
 * compacted ({@link encodeCompactSketch}); byte 0 = 2 then the sketch's protobuf bytes (DDSketch.toProto: what
 * workspaces before migration 13 stored, still read).
 */
import { DDSketch } from '@datadog/sketches-js';
import { quantileSorted } from '../../../shared/stats';

/**
 * @datadog/sketches-js 2.1.1 re-centres a store's bins on every range growth (a merge of a cell reaching past the
 * bucket's keys, each decoded bin past the store's end) with `slice` + `unshift.apply(new Array(n).fill(0))`: about
 * 40% of the first weekly metrics view at 1M requests went there (profile: DenseStore._shiftBins 201 of 467 ms).
 * This does the same shift in one pass and leaves exactly the same bins, offset and length (so the same encoded
 * bytes: summaries/dist.test.ts compares them with the library's own shift).
 * @param shift - bins to move right (negative: left); the offset moves by −shift
 */
export function shiftBins(this: { bins: number[]; offset: number }, shift: number): void {
  const bins = this.bins;
  const len = bins.length;
  const s = Math.abs(shift);
  const kept = Math.max(0, len - s);
  const out = new Array<number>(kept + s);
  if (shift > 0) {
    for (let i = 0; i < s; i++) out[i] = 0;
    for (let i = 0; i < kept; i++) out[s + i] = bins[i]!;
  } else {
    for (let i = 0; i < kept; i++) out[i] = bins[s + i]!;
    for (let i = kept; i < kept + s; i++) out[i] = 0;
  }
  this.bins = out;
  this.offset -= shift;
}
/** DenseStore's prototype (the package exports DDSketch only: reached through a sketch's store). */
export const denseStorePrototype = Object.getPrototypeOf(new DDSketch().store) as { _shiftBins: typeof shiftBins };
/** The library's own shift, kept for the test that compares the two. */
export const libraryShiftBins = denseStorePrototype._shiftBins;
denseStorePrototype._shiftBins = shiftBins;

/** Relative accuracy of every sketch: a quantile read from a sketch is within ±1% of the exact one. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;
/** Largest set kept as exact values; a larger one (in a cell or merged across cells) becomes a sketch. */
export const EXACT_MAX = 100;

const TAG_EXACT = 1;
const TAG_SKETCH = 2;
const TAG_COMPACT = 3;

/** The store of one sign of a sketch: bins from `offset`, each key's count (DenseStore of @datadog/sketches-js). */
interface BinStore { bins: number[]; offset: number; count: number; minKey: number; maxKey: number }

/** Appends v (a whole number, 0 ≤ v < 2^53) as an unsigned LEB128 varint. */
function pushVarint(out: number[], v: number): void {
  while (v >= 128) { out.push((v % 128) + 128); v = Math.floor(v / 128); }
  out.push(v);
}

/** Appends a store: its key range's length (0 for an empty store), its first key (zigzag varint), each count (varint). */
function pushStore(out: number[], st: BinStore): void {
  if (st.count === 0 || st.maxKey < st.minKey) { out.push(0); return; }
  pushVarint(out, st.maxKey - st.minKey + 1);
  pushVarint(out, st.minKey >= 0 ? 2 * st.minKey : -2 * st.minKey - 1);
  for (let k = st.minKey; k <= st.maxKey; k++) pushVarint(out, st.bins[k - st.offset] ?? 0);
}

/** Whether every count of a sketch is a whole number (what {@link encodeCompactSketch} can store). */
function wholeCounts(s: Sketch): boolean {
  if (!Number.isInteger(s.zeroCount)) return false;
  for (const st of [s.store, s.negativeStore] as BinStore[]) {
    for (let k = st.minKey; k <= st.maxKey; k++) if (!Number.isInteger(st.bins[k - st.offset] ?? 0)) return false;
  }
  return true;
}

/**
 * The compact stored form of a sketch with whole counts (every Dist's: each value is added with weight 1): after the
 * tag, the zero count, then the positive and the negative store, each as the length of its key range, its first key
 * and one count per key, all LEB128 varints (the key zigzag-encoded). The mapping is not stored: every sketch here is
 * `new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY })`'s logarithmic mapping. The protobuf form stores every
 * bin of the store's padded array as a float64 (a day's latencies in one slice: 2,087 bytes on average at 1M
 * requests); this one stores the bins between the lowest and highest key, most in one byte.
 */
export function encodeCompactSketch(s: Sketch): Uint8Array {
  const out: number[] = [TAG_COMPACT];
  pushVarint(out, s.zeroCount);
  pushStore(out, s.store as unknown as BinStore);
  pushStore(out, s.negativeStore as unknown as BinStore);
  return Uint8Array.from(out);
}

/**
 * Reads {@link encodeCompactSketch}'s form back into a sketch with the same bins, counts and mapping.
 * @throws RangeError when the bytes end early (a damaged cell)
 */
export function decodeCompactSketch(b: Uint8Array): Sketch {
  let at = 1;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (at >= b.length) throw new RangeError('summary sketch: the stored bytes end early');
      const x = b[at++]!;
      v += (x & 127) * mul;
      if (x < 128) return v;
      mul *= 128;
    }
  };
  const s = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  const zero = varint();
  const readStore = (st: BinStore): void => {
    const len = varint();
    if (len === 0) return;
    const z = varint();
    const min = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const bins = new Array<number>(len);
    let count = 0;
    for (let i = 0; i < len; i++) { const c = varint(); bins[i] = c; count += c; }
    st.bins = bins;
    st.offset = min;
    st.minKey = min;
    st.maxKey = min + len - 1;
    st.count = count;
  };
  readStore(s.store as unknown as BinStore);
  readStore(s.negativeStore as unknown as BinStore);
  s.zeroCount = zero;
  s.count = zero + s.store.count + s.negativeStore.count;
  return s;
}

type Sketch = DDSketch;

/** How a quantile was computed: exact type 7 on every value, or from a sketch within its relative error. */
export type QuantileMethod = 'exact' | 'sketch';

/** Value of a sketch at a 0-based rank (the library's getValueAtQuantile at rank q (n − 1), without the float round trip). */
function valueAtRank(s: Sketch, rank: number): number {
  const neg = s.negativeStore.count;
  if (rank < neg) return -s.mapping.value(s.negativeStore.keyAtRank(neg - rank - 1, false));
  if (rank < neg + s.zeroCount) return 0;
  return s.mapping.value(s.store.keyAtRank(rank - s.zeroCount - neg));
}

/** A distribution being accumulated (cells built from rows, or cells merged into a bucket). */
export class Dist {
  private exact: number[] | null = [];
  private sketch: Sketch | null = null;
  private sortedCache: Float64Array | null = null;
  /** The stored form this was made from ({@link fromEncoded}), decoded when first needed; null once decoded. */
  private frozen: Uint8Array | null = null;

  /** @param exactMax the largest set kept exact (Infinity keeps every value: the raw-row path of the alert simulation) */
  constructor(private readonly exactMax = EXACT_MAX) {}

  /**
   * A distribution of a stored form ({@link encode}), kept as those bytes until it is read or changed: a cell that
   * is only written back (an import's new cell built on its reading thread) costs no decode and encodes to the same
   * bytes. Null or empty bytes give an empty distribution.
   */
  static fromEncoded(blob: Uint8Array | null): Dist {
    const d = new Dist();
    if (blob && blob.length > 0) d.frozen = blob;
    return d;
  }

  /** Decodes the stored form this was made from, if any (before any read or change). */
  private thaw(): void {
    const b = this.frozen;
    if (b === null) return;
    this.frozen = null;
    this.mergeEncoded(b);
  }

  /** Number of values. */
  get n(): number {
    this.thaw();
    return this.sketch ? this.sketch.count : this.exact!.length;
  }

  /** Whether quantiles are exact. */
  get method(): QuantileMethod {
    this.thaw();
    return this.sketch ? 'sketch' : 'exact';
  }

  /** Relative error bound of its quantiles: 0 when exact, else the sketch's relative accuracy. */
  get relativeError(): number {
    this.thaw();
    return this.sketch ? SKETCH_RELATIVE_ACCURACY : 0;
  }

  private toSketch(): Sketch {
    if (!this.sketch) {
      const s = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
      for (const v of this.exact!) s.accept(v);
      this.sketch = s;
      this.exact = null;
    }
    return this.sketch;
  }

  /** Adds one value (finite numbers only; the caller skips nulls). */
  add(v: number): void {
    this.thaw();
    this.sortedCache = null;
    if (this.sketch) { this.sketch.accept(v); return; }
    this.exact!.push(v);
    if (this.exact!.length > this.exactMax) this.toSketch();
  }

  /**
   * Merges a sketch into this one. @datadog/sketches-js 2.1.1's merge adds the other sketch's negative values to the
   * count but not to the negative store once this sketch holds values; they are merged here (summaries/dist.test.ts).
   */
  private mergeSketch(o: Sketch): void {
    const s = this.toSketch();
    const had = s.count > 0;
    s.merge(o);
    if (had) s.negativeStore.merge(o.negativeStore);
  }

  /** Adds every value of another distribution. */
  merge(o: Dist): void {
    this.thaw();
    if (o.n === 0) return;
    this.sortedCache = null;
    if (o.sketch) { this.mergeSketch(o.sketch); return; }
    for (const v of o.exact!) this.add(v);
  }

  /** Adds a stored distribution (see {@link encode}); null adds nothing. */
  mergeEncoded(blob: Uint8Array | null): void {
    if (!blob || blob.length === 0) return;
    this.thaw();
    this.sortedCache = null;
    if (blob[0] === TAG_EXACT) {
      const vals = new Float64Array(blob.slice(1).buffer);
      if (!this.sketch && this.exact!.length + vals.length <= this.exactMax) { for (const v of vals) this.exact!.push(v); return; }
      const s = this.toSketch();
      for (const v of vals) s.accept(v);
      return;
    }
    this.mergeSketch(blob[0] === TAG_COMPACT ? decodeCompactSketch(blob) : DDSketch.fromProto(blob.subarray(1)) as Sketch);
  }

  /** The stored form, or null without values. */
  encode(): Uint8Array | null {
    if (this.frozen !== null) return this.frozen;
    if (this.n === 0) return null;
    if (this.sketch) {
      if (wholeCounts(this.sketch)) return encodeCompactSketch(this.sketch);
      const p = this.sketch.toProto();
      const out = new Uint8Array(p.length + 1);
      out[0] = TAG_SKETCH;
      out.set(p, 1);
      return out;
    }
    // The values are written once, into a buffer whose byte 7 is the tag: the blob is its view from byte 7 (the
    // float64s stay 8-byte aligned, so no second copy is needed to put the tag in front).
    const exact = this.exact!;
    const buf = new ArrayBuffer(8 * (exact.length + 1));
    const vals = new Float64Array(buf, 8);
    for (let i = 0; i < exact.length; i++) vals[i] = exact[i]!;
    const out = new Uint8Array(buf, 7);
    out[0] = TAG_EXACT;
    return out;
  }

  /** Exact values, ascending (exact distributions only). */
  sorted(): Float64Array {
    this.thaw();
    if (this.sketch) throw new Error('Dist.sorted: a sketch has no exact values');
    if (!this.sortedCache) this.sortedCache = Float64Array.from(this.exact!).sort();
    return this.sortedCache;
  }

  /**
   * Type-7 quantile: exact on exact values, else interpolated between the sketch's values at ranks floor(h) and
   * floor(h) + 1 (within {@link SKETCH_RELATIVE_ACCURACY} of the exact figure).
   * @param p probability in [0, 1]
   * @returns the quantile in the values' unit, or null without values
   */
  quantile(p: number): number | null {
    const n = this.n;
    if (n === 0) return null;
    if (!this.sketch) return quantileSorted(this.sorted(), p);
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const a = valueAtRank(this.sketch, lo);
    if (lo + 1 >= n || h === lo) return a;
    const b = valueAtRank(this.sketch, lo + 1);
    return a + (h - lo) * (b - a);
  }

  /**
   * Values strictly greater than `x`: exact on exact values; on a sketch, the values in bins whose representative
   * value is above x (a value within 1% of x may land on either side).
   */
  countAbove(x: number): number {
    this.thaw();
    if (!this.sketch) {
      const s = this.sorted();
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (s[mid]! <= x) lo = mid + 1; else hi = mid;
      }
      return s.length - lo;
    }
    const sk = this.sketch;
    let above = 0;
    const st = sk.store;
    for (let i = 0; i < st.bins.length; i++) {
      const c = st.bins[i]!;
      if (c > 0 && sk.mapping.value(i + st.offset) > x) above += c;
    }
    if (x < 0) {
      if (0 > x) above += sk.zeroCount;
      const ns = sk.negativeStore;
      for (let i = 0; i < ns.bins.length; i++) {
        const c = ns.bins[i]!;
        if (c > 0 && -sk.mapping.value(i + ns.offset) > x) above += c;
      }
    }
    return above;
  }

  /**
   * Every value: the exact values, or for a sketch each bin's representative value repeated by its count (so each
   * is within the sketch's relative accuracy of the value it stands for, and the order is kept). Ascending.
   */
  expand(): number[] {
    this.thaw();
    if (!this.sketch) return [...this.sorted()];
    const sk = this.sketch;
    const ns = sk.negativeStore;
    const st = sk.store;
    // Sized once and filled run by run (pushing value by value cost ~130 ms of a drift at 1M requests).
    let total = Math.round(sk.zeroCount);
    for (const c of ns.bins) if (Math.round(c) > 0) total += Math.round(c);
    for (const c of st.bins) if (Math.round(c) > 0) total += Math.round(c);
    const out = new Array<number>(total);
    let at = 0;
    for (let i = ns.bins.length - 1; i >= 0; i--) {
      const c = Math.round(ns.bins[i]!);
      if (c > 0) { out.fill(-sk.mapping.value(i + ns.offset), at, at + c); at += c; }
    }
    const z = Math.round(sk.zeroCount);
    if (z > 0) { out.fill(0, at, at + z); at += z; }
    for (let i = 0; i < st.bins.length; i++) {
      const c = Math.round(st.bins[i]!);
      if (c > 0) { out.fill(sk.mapping.value(i + st.offset), at, at + c); at += c; }
    }
    return out;
  }
}
