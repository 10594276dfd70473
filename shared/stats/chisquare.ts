import { chiSquareSf } from './distributions';

/** A category that occurs in exactly one window (row), e.g. a new model name that appeared this week. */
export interface SingleWindowCategory {
  /** Category label (or its column index as a string when no labels were given). */
  category: string;
  /** Window label (or row index as a string) in which it occurs. */
  window: string;
  /** Count of the category in that window. */
  count: number;
}

/** Result of a chi-square test of homogeneity. */
export interface ChiSquareResult {
  /** Pearson's X² (after Yates' correction when applied). */
  statistic: number;
  /** Upper-tail probability of X² under χ²(dof), in [0, 1]. */
  pValue: number;
  /** Degrees of freedom (r − 1)(c − 1) of the reduced table. */
  dof: number;
  /** Whether Yates' continuity correction was applied (only for a 2×2 table with `correction`). */
  yates: boolean;
  /** Expected counts under homogeneity for the reduced table (rows × columns). */
  expected: number[][];
  /** Window (row) and category (column) labels kept after dropping all-zero rows and columns. */
  windows: string[];
  categories: string[];
  /** Categories present in exactly one window: a real finding to report, not a numerical nuisance. */
  singleWindowCategories: SingleWindowCategory[];
  /** True when some expected count is below 5 (Cochran's rule of thumb): the p-value is approximate. */
  lowExpectedCounts: boolean;
  /** Why there was nothing to test (one category or one window), or null. */
  note: string | null;
}

/** Options for {@link chiSquareHomogeneity}. */
export interface ChiSquareOptions {
  /** Apply Yates' continuity correction when the reduced table is 2×2 (dof 1); default true, as SciPy. */
  correction?: boolean;
  /** Labels of the rows (windows), e.g. ["2024-W01", "2024-W02"]. */
  windows?: readonly string[];
  /** Labels of the columns (categories), e.g. ["gpt-4o", "claude"]. */
  categories?: readonly string[];
}

/**
 * Upper tail of the chi-square distribution, P(χ²_dof ≥ x) (SciPy `chi2.sf`), from {@link chiSquareSf}: the upper
 * incomplete gamma function itself, so tiny p-values keep their digits (X² = 100 on 3 dof gives 1.55e-21, where
 * 1 − cdf gave 0).
 * @param x - the statistic; 1 for x ≤ 0, NaN for NaN (a statistic that could not be computed is no "p = 1")
 * @param dof - degrees of freedom, > 0
 */
export function chiSquareSurvival(x: number, dof: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!(x > 0)) return 1;
  return Math.min(1, Math.max(0, chiSquareSf(x, dof)));
}

/**
 * Chi-square test of homogeneity for an r × c table of counts: do the windows (rows) share the same
 * category distribution (columns)? Computed as `scipy.stats.chi2_contingency(table, correction)`
 * (Pearson 1900; Yates 1934 for the continuity correction):
 *
 *   E_ij = R_i C_j / T,  X² = Σ (|O_ij − E_ij| − c_ij)² / E_ij,  dof = (r − 1)(c − 1),
 *
 * with c_ij = min(0.5, |O_ij − E_ij|) for a 2×2 table with `correction` (never larger than the gap,
 * so a table that matches its expectation exactly gives X² = 0, as SciPy since gh-13875) and 0 otherwise;
 * p = P(χ²_dof ≥ X²) from {@link chiSquareSurvival}.
 *
 * All-zero rows and columns are dropped first (they carry no information and would give zero expected
 * counts). If fewer than two categories or two windows remain there is nothing to test: X² = 0, p = 1
 * and `note` says why. Categories that occur in only one window are listed in `singleWindowCategories`.
 *
 * @param table counts, one row per window, one column per category; non-negative finite numbers.
 * @throws RangeError when rows have different lengths or a count is negative or not finite (naming the
 *   row and column), or label lists do not match the table's shape.
 */
export function chiSquareHomogeneity(table: readonly (readonly number[])[], options: ChiSquareOptions = {}): ChiSquareResult {
  const correction = options.correction ?? true;
  const cols = table[0]?.length ?? 0;
  table.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`row ${i} has ${row.length} counts, expected ${cols} like row 0`);
    row.forEach((v, j) => {
      if (!(Number.isFinite(v) && v >= 0)) {
        throw new RangeError(`row ${i}, column ${j}: count must be a non-negative number, got ${String(v)}`);
      }
    });
  });
  if (options.windows && options.windows.length !== table.length) {
    throw new RangeError(`${options.windows.length} window labels given for ${table.length} rows`);
  }
  if (options.categories && options.categories.length !== cols) {
    throw new RangeError(`${options.categories.length} category labels given for ${cols} columns`);
  }
  const windowLabel = (i: number): string => options.windows?.[i] ?? String(i);
  const categoryLabel = (j: number): string => options.categories?.[j] ?? String(j);
  const keptRows = table.map((_, i) => i).filter((i) => (table[i] as readonly number[]).some((v) => v > 0));
  const keptCols = Array.from({ length: cols }, (_, j) => j).filter((j) => table.some((row) => (row[j] as number) > 0));
  const obs = keptRows.map((i) => keptCols.map((j) => (table[i] as readonly number[])[j] as number));
  const windows = keptRows.map(windowLabel);
  const categories = keptCols.map(categoryLabel);

  const singleWindowCategories: SingleWindowCategory[] = [];
  if (keptRows.length > 1) {
    keptCols.forEach((_, cj) => {
      const present = obs.map((row, ri) => [ri, row[cj] as number] as const).filter(([, v]) => v > 0);
      if (present.length === 1) {
        const [ri, count] = present[0] as readonly [number, number];
        singleWindowCategories.push({ category: categories[cj] as string, window: windows[ri] as string, count });
      }
    });
  }

  const r = obs.length;
  const c = keptCols.length;
  const rowSums = obs.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = keptCols.map((_, cj) => obs.reduce((s, row) => s + (row[cj] as number), 0));
  const total = rowSums.reduce((s, v) => s + v, 0);
  const expected = obs.map((_, ri) => colSums.map((cs) => ((rowSums[ri] as number) * cs) / total));
  let note: string | null = null;
  if (c < 2) note = c === 0 ? 'no counts: nothing to test' : `only one category (${categories[0] ?? ''}) present: nothing to test`;
  else if (r < 2) note = `only one window (${windows[0] ?? ''}) has data: nothing to compare`;
  const base = { expected, windows, categories, singleWindowCategories };
  if (note !== null) {
    return { statistic: 0, pValue: 1, dof: 0, yates: false, ...base, lowExpectedCounts: false, note };
  }
  const dof = (r - 1) * (c - 1);
  const yates = correction && dof === 1;
  let statistic = 0;
  for (let ri = 0; ri < r; ri++) {
    for (let cj = 0; cj < c; cj++) {
      const o = (obs[ri] as number[])[cj] as number;
      const e = (expected[ri] as number[])[cj] as number;
      let gap = Math.abs(o - e);
      if (yates) gap -= Math.min(0.5, gap);
      statistic += (gap * gap) / e;
    }
  }
  const lowExpectedCounts = expected.some((row) => row.some((e) => e < 5));
  return { statistic, pValue: chiSquareSurvival(statistic, dof), dof, yates, ...base, lowExpectedCounts, note: null };
}

/**
 * Builds a windows × categories count table from raw category values per window, for
 * {@link chiSquareHomogeneity}. Categories are ordered by first appearance.
 * @param windows one array of category values (e.g. model names, error codes) per window.
 * @returns `{ table, categories }` with `table[w][c]` = count of `categories[c]` in window w.
 */
export function contingencyTable(windows: readonly (readonly string[])[]): { table: number[][]; categories: string[] } {
  const index = new Map<string, number>();
  for (const w of windows) for (const v of w) if (!index.has(v)) index.set(v, index.size);
  const table = windows.map((w) => {
    const row = new Array<number>(index.size).fill(0);
    for (const v of w) {
      const at = index.get(v) as number;
      row[at] = (row[at] as number) + 1;
    }
    return row;
  });
  return { table, categories: [...index.keys()] };
}
