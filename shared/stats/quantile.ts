/**
 * Quantiles as Loupe computes them **everywhere** (latency percentiles, PSI bin edges, report tables):
 * linear interpolation between order statistics at position h = (n − 1) p of the sorted values
 * (0-based), i.e. Hyndman & Fan (1996) type 7 — R's default `quantile(type = 7)`, NumPy's default
 * `np.quantile(method='linear')`, d3-array's `quantile`. For 1..100 it gives p95 = 95.05 and
 * p99 = 99.01 (nearest-rank would give 95 and 99).
 *
 * @param sorted values sorted ascending (not checked here; use {@link quantile} for unsorted input).
 * @param p probability in [0, 1].
 * @returns the quantile in the values' own unit (e.g. ms); NaN when `sorted` is empty.
 * @throws RangeError when p is outside [0, 1] or not a number.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile probability must be in [0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo >= n - 1) return a;
  const b = sorted[lo + 1] as number;
  const frac = h - lo;
  return frac === 0 ? a : a + (b - a) * frac;
}

/** Copies, validates and sorts values ascending; shared by the quantile helpers. */
function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new RangeError(`value at index ${i} must be a finite number, got ${v}`);
    out[i] = v;
  }
  return out.sort();
}

/**
 * Type-7 quantile (see {@link quantileSorted}) of unsorted values.
 * @param values finite numbers in any order (not modified).
 * @param p probability in [0, 1].
 * @returns the quantile; NaN when `values` is empty.
 * @throws RangeError when a value is not finite (naming its index) or p is outside [0, 1].
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(values), p);
}

/**
 * Several type-7 quantiles of the same values, sorting once.
 * @returns one quantile per entry of `ps`, in the same order; NaNs when `values` is empty.
 * @throws RangeError as {@link quantile}.
 */
export function quantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  const sorted = sortedCopy(values);
  return ps.map((p) => quantileSorted(sorted, p));
}

/** p50/p95/p99 of a latency (or any) distribution, in the input's unit (ms for latencies). */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  /** Number of values the percentiles were computed from. */
  n: number;
}

/**
 * p50, p95 and p99 with type-7 interpolation (the one quantile definition Loupe uses).
 * Example: latencies [120,135,150,180,200,220,250,300,450,1200] ms give p50 = 210, p95 = 862.5,
 * p99 = 1132.5 ms.
 * @param values finite numbers, e.g. latencies in ms.
 * @returns `{ p50, p95, p99, n }`; the percentiles are NaN when there are no values.
 * @throws RangeError when a value is not finite.
 */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = sortedCopy(values);
  return {
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    n: sorted.length,
  };
}

/**
 * The values copied and sorted ascending, after checking each is finite. Values that arrive sorted (a summary's
 * distribution expanded bin by bin) are not sorted again.
 * @param side - named in the error ("reference", "x", …)
 * @throws RangeError naming the index of the first value that is not a finite number
 */
export function finiteSortedCopy(values: readonly number[], side: string): Float64Array {
  const out = new Float64Array(values.length);
  let ascending = true;
  let prev = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`${side} value at index ${i} must be a finite number, got ${String(v)}`);
    if (v < prev) ascending = false;
    prev = v;
    out[i] = v;
  }
  return ascending ? out : out.sort();
}
