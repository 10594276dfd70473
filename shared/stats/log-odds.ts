/**
 * Words that distinguish two groups of texts: the log-odds ratio with an informative Dirichlet prior (Monroe,
 * Colaresi & Quinn 2008, "Fightin' Words: Lexical Feature Selection and Evaluation for Identifying the Content of
 * Political Conflict", Political Analysis 16(4):372-403, eq. 22 and the variance below it).
 *
 * For a word w with counts y_w^i in group i (n^i words in all) and y_w^j in group j, and a prior α_w = α₀ · (share
 * of w in a background corpus):
 *
 *   δ_w = ln((y_w^i + α_w) / (n^i + α₀ − y_w^i − α_w)) − ln((y_w^j + α_w) / (n^j + α₀ − y_w^j − α_w))
 *   var(δ_w) ≈ 1 / (y_w^i + α_w) + 1 / (y_w^j + α_w),   z_w = δ_w / √var(δ_w)
 *
 * A positive z means w is over-represented in group i. The prior shrinks rare words toward the background, so a
 * word seen twice does not outrank one seen forty times (the failure of raw log-odds ratios), and frequent words
 * are not favoured just for being frequent (the failure of raw count differences).
 */

/** One word's score. */
export interface LogOddsScore {
  term: string;
  /** Count in group i and group j. */
  countI: number;
  countJ: number;
  /** Prior pseudo-count α_w. */
  alpha: number;
  /** Log-odds ratio δ_w (natural log). */
  delta: number;
  /** Approximate variance of δ_w. */
  variance: number;
  /** δ_w / √variance. */
  z: number;
}

/**
 * Scores every word of the background (words missing from it get no prior and are skipped; so is a word whose odds
 * are not finite in a group, which happens only when the background holds no other word and the word is all of a
 * group's text: n + α₀ − y − α_w is then 0, and δ would be ∞ − ∞).
 * @param countsI - word counts of group i (e.g. thumbs-down comments)
 * @param countsJ - word counts of group j (e.g. the period's other comments)
 * @param background - word counts of the background corpus that sets the prior (e.g. both groups, or all comments)
 * @param alpha0 - prior strength α₀ (total pseudo-count), > 0
 * @returns scores sorted by z, highest first
 * @throws RangeError when alpha0 is not positive or the background is empty
 */
export function logOddsDirichlet(countsI: ReadonlyMap<string, number>, countsJ: ReadonlyMap<string, number>,
  background: ReadonlyMap<string, number>, alpha0: number): LogOddsScore[] {
  if (!(alpha0 > 0)) throw new RangeError(`alpha0 must be positive, got ${alpha0}`);
  let bgTotal = 0;
  for (const c of background.values()) bgTotal += c;
  if (bgTotal <= 0) throw new RangeError('the background corpus is empty');
  let nI = 0;
  let nJ = 0;
  for (const c of countsI.values()) nI += c;
  for (const c of countsJ.values()) nJ += c;
  const out: LogOddsScore[] = [];
  for (const [term, bg] of background) {
    if (bg <= 0) continue;
    const a = alpha0 * (bg / bgTotal);
    const yi = countsI.get(term) ?? 0;
    const yj = countsJ.get(term) ?? 0;
    const restI = nI + alpha0 - yi - a;
    const restJ = nJ + alpha0 - yj - a;
    if (!(restI > 0 && restJ > 0)) continue;
    const delta = Math.log((yi + a) / restI) - Math.log((yj + a) / restJ);
    const variance = 1 / (yi + a) + 1 / (yj + a);
    out.push({ term, countI: yi, countJ: yj, alpha: a, delta, variance, z: delta / Math.sqrt(variance) });
  }
  return out.sort((x, y) => y.z - x.z || x.term.localeCompare(y.term));
}
