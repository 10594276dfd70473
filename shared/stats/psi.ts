import { finiteSortedCopy, quantileSorted } from './quantile';

/** Smallest share a bin is given before PSI's logarithm: empty bins count as 0.01% (see {@link psi}). */
export const PSI_MIN_SHARE = 1e-4;

/** Guidance band for a PSI value; folklore thresholds without sample-size correction, never a test. */
export type PsiBand = 'stable' | 'moderate' | 'large';

/** Result of a population stability index computation. */
export interface PsiResult {
  /** PSI = Σ (a_i − e_i) ln(a_i / e_i) over bins, with shares clipped to at least `minShare`. */
  value: number;
  /** 'stable' below 0.1, 'moderate' from 0.1 to 0.25, 'large' above 0.25. Guidance only. */
  band: PsiBand;
  /** Always true: reminds the UI to label the band as guidance, not as a significance verdict. */
  guidanceOnly: true;
  /** Reference (expected) and current (actual) shares per bin, before clipping. */
  referenceShares: number[];
  currentShares: number[];
  /** Each bin's contribution (a_i − e_i) ln(a_i / e_i) after clipping; they sum to `value`. */
  contributions: number[];
}

/**
 * Guidance band for a PSI value: below 0.1 'stable', 0.1 to 0.25 (inclusive) 'moderate', above 0.25
 * 'large' (Siddiqi 2006, Credit Risk Scorecards, ch. 8; industry convention). These cut-offs ignore
 * sample size, so they are shown as guidance only.
 * @throws RangeError for NaN (it was read as 'large')
 */
export function psiBand(value: number): PsiBand {
  if (Number.isNaN(value)) throw new RangeError('psiBand: the PSI is not a number');
  if (value < 0.1) return 'stable';
  if (value <= 0.25) return 'moderate';
  return 'large';
}

function toShares(values: readonly number[], what: string): number[] {
  values.forEach((v, i) => {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${what} at bin ${i} must be a non-negative number, got ${String(v)}`);
  });
  const total = values.reduce((s, v) => s + v, 0);
  if (!(total > 0)) throw new RangeError(`${what} must not be all zero`);
  return values.map((v) => v / total);
}

/**
 * Population stability index between a reference and a current distribution over the same bins
 * (Karakoulas 2004; Siddiqi 2006): PSI = Σ (a_i − e_i) ln(a_i / e_i), a = current, e = reference shares.
 *
 * Empty-bin rule: a share of 0 makes PSI infinite, so every share is clipped to at least `minShare`
 * (default 1e-4, i.e. 0.01%) before the sum, without renormalising. [0.5, 0.5] vs [1, 0] then gives
 * 4.60431846666895 instead of ∞. Inputs may be counts or shares; each side is normalised to sum 1 first.
 *
 * @param reference reference counts or shares per bin (bins fixed on the reference window).
 * @param current current-window counts or shares over the same bins.
 * @param minShare floor for shares, default {@link PSI_MIN_SHARE}.
 * @throws RangeError when the bin counts differ, a value is negative or not finite, a side is all zero, or minShare
 *   is not in [0, 1) (0: no floor; a bin empty on both sides then adds 0, where it gave NaN).
 */
export function psi(reference: readonly number[], current: readonly number[], minShare = PSI_MIN_SHARE): PsiResult {
  if (!(minShare >= 0 && minShare < 1)) throw new RangeError(`minShare must be in [0, 1), got ${String(minShare)}`);
  if (reference.length !== current.length) {
    throw new RangeError(`reference has ${reference.length} bins but current has ${current.length}`);
  }
  const e = toShares(reference, 'reference');
  const a = toShares(current, 'current');
  const contributions = e.map((ei, i) => {
    const ec = Math.max(ei, minShare);
    const ac = Math.max(a[i] as number, minShare);
    // A bin empty on both sides (possible with no floor) adds nothing; 0 · ln(0/0) would make the sum NaN.
    return ac === ec ? 0 : (ac - ec) * Math.log(ac / ec);
  });
  const value = contributions.reduce((s, v) => s + v, 0);
  return { value, band: psiBand(value), guidanceOnly: true, referenceShares: e, currentShares: a, contributions };
}

/**
 * One bin of {@link psiNumeric}: the values v with low < v < high, where each end is included when its flag says so;
 * `low` null means −∞, `high` null means +∞. A bin with low = high (both included) holds one tied value.
 */
export interface NumericPsiBin {
  low: number | null;
  high: number | null;
  includesLow: boolean;
  includesHigh: boolean;
}

/** PSI of a numeric column with the bins that were used. */
export interface NumericPsiResult extends PsiResult {
  /** The distinct cut points, ascending: the reference's type-7 quantiles at 1/bins, …, (bins − 1)/bins. */
  edges: number[];
  /** Cut points where the reference has a tie heavy enough that two or more quantiles fell on it: each is a bin of its own. */
  tiedValues: number[];
  /** The bins, ascending, in the order of the shares and contributions. */
  bins: NumericPsiBin[];
}

/**
 * Bins for {@link psiNumeric} from the sorted reference: distinct cut points at the type-7 quantiles j/bins, each bin
 * right-closed, (previous cut, cut]; a cut on which two or more quantiles fell (a heavy tie: a constant column, 80%
 * zeros) instead splits into (previous cut, cut) and [cut, cut], and the last bin is (last cut, ∞) even when the
 * reference has nothing above it. So a window whose values move off a tied value, up or down, always lands in a bin
 * the reference left empty: a constant reference of 100 against a window at 200 (or at 50) gives PSI
 * 2 (1 − 1e-4) ln(1e4) = 18.4188 with the 1e-4 floor, never 0 as when the tie swallowed every bin.
 */
function numericBins(ref: Float64Array, bins: number): { edges: number[]; tiedValues: number[]; bins: NumericPsiBin[] } {
  const quantiles: number[] = [];
  for (let b = 1; b < bins; b++) quantiles.push(quantileSorted(ref, b / bins));
  const edges: number[] = [];
  const tied = new Set<number>();
  for (const q of quantiles) {
    if (edges.length > 0 && q === edges[edges.length - 1]) tied.add(q);
    else edges.push(q);
  }
  const out: NumericPsiBin[] = [];
  let low: number | null = null;
  for (const c of edges) {
    if (tied.has(c)) {
      out.push({ low, high: c, includesLow: false, includesHigh: false });
      out.push({ low: c, high: c, includesLow: true, includesHigh: true });
    } else {
      out.push({ low, high: c, includesLow: false, includesHigh: true });
    }
    low = c;
  }
  out.push({ low, high: null, includesLow: false, includesHigh: false });
  return { edges, tiedValues: edges.filter((c) => tied.has(c)), bins: out };
}

/** Counts of sorted values per bin (bins ascending and contiguous, as {@link numericBins} makes them). */
function countInBins(sorted: Float64Array, bins: readonly NumericPsiBin[]): number[] {
  const counts = new Array<number>(bins.length).fill(0);
  const inside = (v: number, b: NumericPsiBin): boolean =>
    b.high === null || v < b.high || (b.includesHigh && v === b.high);
  let at = 0;
  for (const v of sorted) {
    while (at < bins.length - 1 && !inside(v, bins[at] as NumericPsiBin)) at++;
    counts[at] = (counts[at] as number) + 1;
  }
  return counts;
}

/**
 * PSI of a numeric column (e.g. latency in ms, tokens): bins are the reference window's quantiles at
 * 1/bins, 2/bins, …, fixed on the reference and reused for the current window (re-binning the current
 * window by its own quantiles would always give PSI ≈ 0). Bins are right-closed, (lo, hi]; repeated quantiles
 * (heavy ties) give one cut point, and that tied value becomes a bin of its own with an open bin below it, so that
 * values moving off the tie in either direction are seen (see {@link numericBins}); there may be fewer or more bins
 * than asked for. The same bins and the same rule for a value equal to a cut serve both windows.
 * @param reference reference-window values (finite numbers).
 * @param current current-window values (finite numbers).
 * @param bins number of quantile bins, default 10.
 * @param minShare floor for shares (empty-bin rule of {@link psi}), default 1e-4.
 * @throws RangeError when a side is empty, a value is not finite (naming side and index), or bins < 2.
 */
export function psiNumeric(reference: readonly number[], current: readonly number[], bins = 10, minShare = PSI_MIN_SHARE): NumericPsiResult {
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`bins must be an integer ≥ 2, got ${bins}`);
  const check = (values: readonly number[], side: string): Float64Array => {
    if (values.length === 0) throw new RangeError(`${side} window has no values`);
    return finiteSortedCopy(values, side);
  };
  const ref = check(reference, 'reference');
  const cur = check(current, 'current');
  const b = numericBins(ref, bins);
  return { ...psi(countInBins(ref, b.bins), countInBins(cur, b.bins), minShare), ...b };
}

/** PSI of a categorical column with the categories used as bins. */
export interface CategoricalPsiResult extends PsiResult {
  /** Reference categories in order of first appearance; bins follow this order. */
  categories: string[];
  /** Current-window categories never seen in the reference; pooled in one extra last bin when present. */
  newCategories: string[];
}

/**
 * PSI of a categorical column (e.g. model, route, error code): one bin per category seen in the
 * reference window; categories that only appear in the current window share one extra bin whose
 * reference share is 0 (and so is clipped to `minShare`), which makes a new category visible in PSI.
 * @param reference reference-window category values.
 * @param current current-window category values.
 * @param minShare floor for shares (empty-bin rule of {@link psi}), default 1e-4.
 * @throws RangeError when a side is empty.
 */
export function psiCategorical(reference: readonly string[], current: readonly string[], minShare = PSI_MIN_SHARE): CategoricalPsiResult {
  if (reference.length === 0) throw new RangeError('reference window has no values');
  if (current.length === 0) throw new RangeError('current window has no values');
  const index = new Map<string, number>();
  for (const v of reference) if (!index.has(v)) index.set(v, index.size);
  const categories = [...index.keys()];
  const refCounts = new Array<number>(categories.length).fill(0);
  for (const v of reference) refCounts[index.get(v) as number] = (refCounts[index.get(v) as number] as number) + 1;
  const curCounts = new Array<number>(categories.length).fill(0);
  const newCategories = new Set<string>();
  let unseen = 0;
  for (const v of current) {
    const at = index.get(v);
    if (at === undefined) {
      unseen++;
      newCategories.add(v);
    } else curCounts[at] = (curCounts[at] as number) + 1;
  }
  if (unseen > 0) {
    refCounts.push(0);
    curCounts.push(unseen);
  }
  return { ...psi(refCounts, curCounts, minShare), categories, newCategories: [...newCategories] };
}

/**
 * Jensen–Shannon distance between two discrete distributions, as `scipy.spatial.distance.jensenshannon`
 * (Lin 1991, IEEE Trans. Inf. Theory 37:145-151; Endres & Schindelin 2003 for the metric):
 * √((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q)/2, after normalising p and q to sum 1.
 * The value depends on the logarithm base: in [0, √ln 2 ≈ 0.8326] for natural log, in [0, 1] for
 * base 2. Always state the base next to a threshold.
 * @param p counts or shares per bin.
 * @param q counts or shares per bin, same bins.
 * @param base logarithm base, default e (natural log); pass 2 for a distance in [0, 1].
 * @throws RangeError when lengths differ, a value is negative or not finite, or a side is all zero.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[], base: number = Math.E): number {
  if (p.length !== q.length) throw new RangeError(`p has ${p.length} bins but q has ${q.length}`);
  if (!(base > 0 && base !== 1)) throw new RangeError(`log base must be positive and not 1, got ${base}`);
  const ps = toShares(p, 'p');
  const qs = toShares(q, 'q');
  let js = 0;
  for (let i = 0; i < ps.length; i++) {
    const a = ps[i] as number;
    const b = qs[i] as number;
    const m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  if (base !== Math.E) js /= Math.log(base);
  return Math.sqrt(Math.max(0, js) / 2);
}

/**
 * First Wasserstein (earth mover's) distance between two 1-D distributions, as
 * `scipy.stats.wasserstein_distance(u, v, uWeights, vWeights)`: ∫ |F_u(x) − F_v(x)| dx over the
 * pooled support (Ramdas, García Trillos & Cuturi 2017, eq. for p = 1). In the values' unit (e.g. ms):
 * [0,1,3] vs [5,6,8] gives 5.
 * @param u values of the first distribution.
 * @param v values of the second distribution.
 * @param uWeights optional non-negative weights for u (default all 1); normalised to sum 1.
 * @param vWeights optional weights for v.
 * @throws RangeError when a side is empty, lengths of values and weights differ, a value is not finite,
 *   or a weight is negative or all weights are zero.
 */
export function wassersteinDistance(
  u: readonly number[],
  v: readonly number[],
  uWeights?: readonly number[],
  vWeights?: readonly number[],
): number {
  const prepare = (values: readonly number[], weights: readonly number[] | undefined, side: string): { x: number[]; cdf: number[] } => {
    if (values.length === 0) throw new RangeError(`${side} has no values`);
    if (weights && weights.length !== values.length) {
      throw new RangeError(`${side} has ${values.length} values but ${weights.length} weights`);
    }
    values.forEach((x, i) => {
      if (!Number.isFinite(x)) throw new RangeError(`${side} value at index ${i} must be a finite number, got ${String(x)}`);
    });
    const w = toShares(weights ?? values.map(() => 1), `${side} weights`);
    const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
    const x = order.map((i) => values[i] as number);
    let acc = 0;
    const cdf = order.map((i) => (acc += w[i] as number));
    return { x, cdf };
  };
  const U = prepare(u, uWeights, 'u');
  const V = prepare(v, vWeights, 'v');
  const all = [...U.x, ...V.x].sort((a, b) => a - b);
  // ECDF at t: cumulative weight of values ≤ t (index found by a moving pointer over the sorted values).
  let iu = 0;
  let iv = 0;
  let distance = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const t = all[k] as number;
    while (iu < U.x.length && (U.x[iu] as number) <= t) iu++;
    while (iv < V.x.length && (V.x[iv] as number) <= t) iv++;
    const fu = iu === 0 ? 0 : (U.cdf[iu - 1] as number);
    const fv = iv === 0 ? 0 : (V.cdf[iv - 1] as number);
    distance += Math.abs(fu - fv) * ((all[k + 1] as number) - t);
  }
  return distance;
}
