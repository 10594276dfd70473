/** Label a reviewer gave to one item: a rubric verdict ("pass"/"fail") or a score on an ordinal scale. */
export type ReviewLabel = string | number;

/** Agreement between two reviewers who labelled the same items. */
export interface KappaResult {
  /** Cohen's kappa (or weighted kappa); NaN when chance agreement is total (see {@link cohensKappa}). */
  kappa: number;
  /** Observed agreement p_o as a share in [0, 1] (for weighted kappa: 1 − mean weighted disagreement). */
  observedAgreement: number;
  /** Agreement expected by chance p_e from the two reviewers' marginal label shares. */
  expectedAgreement: number;
  /** Number of items both reviewers labelled. */
  n: number;
  /** Categories in the order used (given list, or first appearance in a then b). */
  categories: ReviewLabel[];
}

/** Weighting scheme for ordinal disagreement: none (nominal), |i − j|, or (i − j)². */
export type KappaWeights = 'none' | 'linear' | 'quadratic';

interface Confusion {
  counts: number[][];
  categories: ReviewLabel[];
  n: number;
}

function confusion(a: readonly ReviewLabel[], b: readonly ReviewLabel[], categories?: readonly ReviewLabel[]): Confusion {
  if (a.length !== b.length) {
    throw new RangeError(`both reviewers must label the same items: got ${a.length} and ${b.length} labels`);
  }
  const cats: ReviewLabel[] = categories ? [...categories] : [];
  const index = new Map<ReviewLabel, number>();
  cats.forEach((c, i) => {
    if (index.has(c)) throw new RangeError(`category ${JSON.stringify(c)} is listed twice`);
    index.set(c, i);
  });
  const lookup = (label: ReviewLabel, who: string, i: number): number => {
    let at = index.get(label);
    if (at === undefined) {
      if (categories) {
        throw new RangeError(`reviewer ${who}, item ${i}: label ${JSON.stringify(label)} is not one of the categories ${JSON.stringify(categories)}`);
      }
      at = cats.length;
      cats.push(label);
      index.set(label, at);
    }
    return at;
  };
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i++) pairs.push([lookup(a[i] as ReviewLabel, 'A', i), lookup(b[i] as ReviewLabel, 'B', i)]);
  const k = cats.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const [i, j] of pairs) (counts[i] as number[])[j] = ((counts[i] as number[])[j] as number) + 1;
  return { counts, categories: cats, n: a.length };
}

function kappaFromConfusion({ counts, categories, n }: Confusion, weights: KappaWeights): KappaResult {
  const k = categories.length;
  if (n === 0) return { kappa: Number.NaN, observedAgreement: Number.NaN, expectedAgreement: Number.NaN, n, categories };
  const rowShare = counts.map((row) => row.reduce((s, v) => s + v, 0) / n);
  const colShare = categories.map((_, j) => counts.reduce((s, row) => s + (row[j] as number), 0) / n);
  // Disagreement weight in [0, 1]; dividing by (k − 1) only rescales and cancels in the ratio.
  const w = (i: number, j: number): number => {
    if (weights === 'none') return i === j ? 0 : 1;
    const d = k > 1 ? Math.abs(i - j) / (k - 1) : 0;
    return weights === 'linear' ? d : d * d;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const wij = w(i, j);
      observed += (wij * ((counts[i] as number[])[j] as number)) / n;
      expected += wij * (rowShare[i] as number) * (colShare[j] as number);
    }
  }
  // kappa = 1 − observed disagreement / chance disagreement; undefined (NaN) when chance disagreement is 0,
  // i.e. both reviewers used a single and identical category for every item.
  const kappa = expected === 0 ? Number.NaN : 1 - observed / expected;
  return { kappa, observedAgreement: 1 - observed, expectedAgreement: 1 - expected, n, categories };
}

/**
 * Cohen's kappa for two reviewers' nominal labels (Cohen 1960, "A coefficient of agreement for nominal
 * scales", Educ. Psychol. Meas. 20:37-46): κ = (p_o − p_e) / (1 − p_e), p_e = Σ_c p_A(c) p_B(c).
 * Same as scikit-learn's `cohen_kappa_score(a, b)`.
 * @param a labels from reviewer A, one per item.
 * @param b labels from reviewer B for the same items in the same order.
 * @param categories optional full category list; labels outside it are an error.
 * @returns kappa with observed/expected agreement; kappa is NaN when n = 0 or chance agreement is 1.
 * @throws RangeError when lengths differ or a label is not in `categories`.
 */
export function cohensKappa(a: readonly ReviewLabel[], b: readonly ReviewLabel[], categories?: readonly ReviewLabel[]): KappaResult {
  return kappaFromConfusion(confusion(a, b, categories), 'none');
}

/**
 * Weighted kappa for ordinal scales such as 1-5 rubric scores (Cohen 1968, "Weighted kappa", Psychol.
 * Bull. 70:213-220): κ_w = 1 − Σ w_ij O_ij / Σ w_ij E_ij with disagreement weights w_ij = |i − j| / (k − 1)
 * (linear) or ((i − j) / (k − 1))² (quadratic), where i, j are positions in `categories`. Matches
 * scikit-learn's `cohen_kappa_score(a, b, labels=categories, weights=...)`.
 * @param a labels from reviewer A.
 * @param b labels from reviewer B for the same items.
 * @param categories the scale in order, lowest first (e.g. [1, 2, 3, 4, 5]); positions, not values,
 *   define the distance, so the list must contain every possible score even if unused.
 * @param weights 'linear' or 'quadratic' ('none' gives plain Cohen's kappa).
 * @throws RangeError when lengths differ or a label is not in `categories`.
 */
export function weightedKappa(
  a: readonly ReviewLabel[],
  b: readonly ReviewLabel[],
  categories: readonly ReviewLabel[],
  weights: KappaWeights,
): KappaResult {
  return kappaFromConfusion(confusion(a, b, categories), weights);
}

/**
 * Percent agreement: the share of items both reviewers labelled identically, times 100 (0-100).
 * Reported next to kappa because kappa alone hides how often reviewers simply agree.
 * @returns a percentage in [0, 100]; NaN when there are no items.
 * @throws RangeError when the two label lists have different lengths.
 */
export function percentAgreement(a: readonly ReviewLabel[], b: readonly ReviewLabel[]): number {
  if (a.length !== b.length) {
    throw new RangeError(`both reviewers must label the same items: got ${a.length} and ${b.length} labels`);
  }
  if (a.length === 0) return Number.NaN;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return (100 * same) / a.length;
}
