/** Outcome of a multiple-testing procedure over a family of p-values. */
export interface MultipleTestResult {
  /** `rejected[i]` is true when hypothesis i (input order) is rejected at level alpha. */
  rejected: boolean[];
  /** Adjusted p-values in input order (compare with alpha directly), each in [0, 1]. */
  adjusted: number[];
  /** Number of rejected hypotheses. */
  rejectedCount: number;
  /** Largest raw p-value that was rejected, or null when none was. */
  largestRejected: number | null;
  /** Family-wise level used. */
  alpha: number;
}

function checkPValues(pValues: readonly number[], alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p-value at index ${i} must be in [0, 1], got ${p}`);
  });
}

/**
 * Benjamini–Hochberg step-up procedure controlling the false discovery rate (Benjamini & Hochberg 1995,
 * JRSS B 57:289-300): with p(1) ≤ … ≤ p(m), reject the k smallest where k is the largest i with
 * p(i) ≤ i α / m. Adjusted p-values are R's `p.adjust(method = "BH")`: min over j ≥ i of m p(j) / j,
 * capped at 1. Use it when many columns or segments are tested for drift at once.
 * On the paper's 15 p-values at α = 0.05 it rejects 4 (largest 0.0095).
 * @param pValues raw p-values in [0, 1], any order.
 * @param alpha false discovery rate, default 0.05.
 * @throws RangeError when a p-value is outside [0, 1] (naming its index) or alpha is not in (0, 1).
 */
export function benjaminiHochberg(pValues: readonly number[], alpha = 0.05): MultipleTestResult {
  checkPValues(pValues, alpha);
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  let k = 0;
  for (let r = 1; r <= m; r++) {
    if ((pValues[order[r - 1] as number] as number) <= (r * alpha) / m) k = r;
  }
  const adjusted = new Array<number>(m).fill(1);
  let running = 1;
  for (let r = m; r >= 1; r--) {
    const idx = order[r - 1] as number;
    running = Math.min(running, ((pValues[idx] as number) * m) / r);
    adjusted[idx] = Math.min(1, running);
  }
  const rejected = new Array<boolean>(m).fill(false);
  for (let r = 0; r < k; r++) rejected[order[r] as number] = true;
  return {
    rejected,
    adjusted,
    rejectedCount: k,
    largestRejected: k > 0 ? (pValues[order[k - 1] as number] as number) : null,
    alpha,
  };
}

/**
 * Bonferroni correction controlling the family-wise error rate: reject when p ≤ α / m;
 * adjusted p = min(1, m p) (Dunn 1961, JASA 56:52-64). Stricter than {@link benjaminiHochberg}.
 * @param pValues raw p-values in [0, 1], any order.
 * @param alpha family-wise level, default 0.05.
 * @throws RangeError when a p-value is outside [0, 1] (naming its index) or alpha is not in (0, 1).
 */
export function bonferroni(pValues: readonly number[], alpha = 0.05): MultipleTestResult {
  checkPValues(pValues, alpha);
  const m = pValues.length;
  const rejected = pValues.map((p) => p <= alpha / m);
  let largest: number | null = null;
  for (const p of pValues) {
    if (p <= alpha / m && (largest === null || p > largest)) largest = p;
  }
  return {
    rejected,
    adjusted: pValues.map((p) => Math.min(1, p * m)),
    rejectedCount: rejected.filter(Boolean).length,
    largestRejected: largest,
    alpha,
  };
}
