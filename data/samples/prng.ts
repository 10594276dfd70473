// Seeded pseudo-random numbers for the demo data generator. Everything the generator draws goes through
// this class so that one seed always yields byte-identical files (no Math.random, no Date.now).

import { Prng, streamSeed } from '../../shared/prng';

/**
 * FNV-1a 32-bit hash of a label mixed with a seed (see shared/prng.ts), used to derive independent sub-streams
 * ("traffic", "text", "feedback", ...) from one seed, so that changing how text is templated does not shift every
 * timestamp. @returns an unsigned 32-bit integer
 */
export const hash32 = streamSeed;

/** The shared mulberry32 generator with the small set of distributions the demo generator needs. */
export class Rng extends Prng {
  /** A new generator seeded from this seed and a label (see {@link hash32}); does not advance this one. */
  static override stream(seed: number, label: string): Rng {
    return new Rng(hash32(seed, label));
  }

  /** Uniform float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** true with probability p (0..1). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array, uniformly. Throws on an empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty array');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /**
   * One value drawn with the given relative weights (need not sum to 1).
   * Throws when the list is empty or all weights are 0.
   */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    if (!(total > 0)) throw new Error('Rng.weighted: no positive weight');
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  }

  /** Standard normal draw (Box-Muller; one of the pair is discarded to keep the stream simple). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) never happens
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal draw with the given median and log-space standard deviation sigma. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** A string of `length` characters from [0-9a-z]. */
  id(length: number): string {
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[Math.floor(this.next() * 36)];
    return s;
  }

  /** Fisher-Yates shuffle of a copy of the array. */
  shuffled<T>(items: readonly T[]): T[] {
    const a = items.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = a[i] as T;
      a[i] = a[j] as T;
      a[j] = tmp;
    }
    return a;
  }
}
