/**
 * How the report writes numbers, the same in every format: shares as percentages with one decimal, counts with
 * thousands separators, latencies in ms, costs in USD, p-values with a floor, differences in percentage points.
 */
import type { Change, Share } from './model';

/** 1234567 → "1,234,567". */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 0.1234 → "12.3%"; null → "–". */
export const pct = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`);

/** A share of a whole (e.g. of a week's requests) with one decimal, never rounded to 0% or 100% when it is neither: 0.0004 → "< 0.1%". */
export const pctShare = (x: number): string => {
  const v = 100 * x;
  return `${v > 0 && v < 0.1 ? '< 0.1' : v < 100 && v > 99.9 ? '> 99.9' : v.toFixed(1)}%`;
};

/** A difference of shares in percentage points, signed: 0.021 → "+2.1 pp". */
export const pp = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pp`);

/** Milliseconds, rounded: 2391.7 → "2,392 ms". */
export const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${int(v)} ms`);

/** US dollars: cents above $1, four significant digits below. */
export const usd = (v: number | null | undefined): string => {
  if (v === null || v === undefined) return '–';
  if (Math.abs(v) >= 1) return `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${v.toPrecision(4)}`;
};

/** A plain number with up to `d` decimals. */
export const num = (v: number | null | undefined, d = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: d }));

/** A number with exactly `d` decimals ("2.70", "7.77"), for figures read side by side such as mean ratings. */
export const fixed = (v: number | null | undefined, d = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));

/** p-value: "p < 0.001" below a thousandth, else three decimals. */
export const pval = (p: number | null | undefined): string => (p === null || p === undefined ? '' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** A share's interval: "8.1% – 17.4%", or "–" when there is none. */
export const interval = (low: number | null, high: number | null): string => (low === null || high === null ? '–' : `${pct(low)} – ${pct(high)}`);

/** "12.3% (95% CI 8.1% – 17.4%; 5 of 40)" — the share, its interval whenever one exists, and the counts. */
export function shareText(s: Share, of = 'of'): string {
  if (s.n === 0) return 'no data';
  const ci = s.low !== null && s.high !== null ? `95% CI ${interval(s.low, s.high)}; ` : '';
  return `${pct(s.rate)} (${ci}${int(s.k)} ${of} ${int(s.n)})`;
}

/** "+3.2 pp (95% CI +0.4 pp to +6.0 pp, p = 0.021)" for a change of shares. */
export function changeText(c: Change | null, unit: 'share' | 'points' | 'per_1000' = 'share'): string {
  if (!c || c.difference === null) return '–';
  const f = unit === 'share' ? pp : (v: number | null) => (v === null ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}${unit === 'points' ? ' points' : ''}`);
  const ci = c.low !== null && c.high !== null ? `95% CI ${f(c.low)} to ${f(c.high)}` : '';
  const p = pval(c.p_value);
  return `${f(c.difference)}${ci || p ? ` (${[ci, p].filter(Boolean).join(', ')})` : ''}`;
}

/** A ratio as "×1.57". */
export const times = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? '–' : `×${(a / b).toFixed(2)}`);
