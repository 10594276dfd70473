/**
 * Seeded pseudo-random numbers, the same on every platform: review sampling (each stratum draws from its own
 * stream, derived from the queue seed and the stratum key, so adding or removing one stratum never changes the
 * items drawn in another) and the demo data generator (one seed gives byte-identical files) use this one generator.
 */

/**
 * FNV-1a 32-bit hash of a label mixed with a seed, finished with murmur3's fmix32 so nearby labels give unrelated
 * streams. @returns an unsigned 32-bit integer
 */
export function streamSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 (Tommy Ettinger, public domain): period 2^32, identical on every platform. Not cryptographic. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A generator for one named stream of a seed. */
  static stream(seed: number, label: string): Prng {
    return new Prng(streamSeed(seed, label));
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * A simple random sample without replacement of `k` values from `values` (partial Fisher-Yates), in draw order.
   * Every k-subset is equally likely, so each value's inclusion probability is k / values.length. For small k the
   * swaps are kept in a map instead of a copy of `values` (the same draws, the same result, without copying a
   * large stratum for every queue).
   * @throws RangeError when k is negative or larger than the number of values
   */
  sample<T>(values: readonly T[], k: number): T[] {
    const n = values.length;
    if (k < 0 || k > n) throw new RangeError(`cannot draw ${k} of ${n} values`);
    if (k * 8 >= n) {
      const a = values.slice();
      for (let i = 0; i < k; i++) {
        const j = i + this.below(n - i);
        const t = a[i] as T;
        a[i] = a[j] as T;
        a[j] = t;
      }
      return a.slice(0, k);
    }
    // Sparse: `moved` maps a position to the index of the value now there (positions not in it hold their own).
    const moved = new Map<number, number>();
    const out = new Array<T>(k);
    for (let i = 0; i < k; i++) {
      const j = i + this.below(n - i);
      const atJ = moved.get(j) ?? j;
      out[i] = values[atJ] as T;
      moved.set(j, moved.get(i) ?? i);
    }
    return out;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(values: readonly T[]): T[] {
    return this.sample(values, values.length);
  }
}
