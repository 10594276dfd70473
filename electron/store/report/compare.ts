/**
 * Shares and week-over-week changes as the report states them: a share with its Wilson interval and counts, and a
 * difference (this − last) with its 95% interval (MOVER / Newcombe, shared/stats/difference.ts) and a p-value.
 */
import { wilsonInterval } from '../../../shared/stats';
import { moverDifference, newcombeDifference } from '../../../shared/stats/difference';
import { fisherTwoSided } from '../../../shared/stats/rate-tests';
import type { Change, Share } from './model';

export const WILSON = 'Wilson score interval';
export const NEWCOMBE = "Newcombe's hybrid score interval for a difference of independent proportions (1998, method 10); p from Fisher's exact test, two-sided";
export const MOVER_DESIGN = 'MOVER (Zou & Donner 2008) from each week\'s own design-based interval, so each design is respected; the test at 5% is whether that interval excludes 0';

/** k of n as a share with its Wilson 95% interval (rate and interval null when n = 0). */
export function wilsonShare(k: number, n: number): Share {
  const w = wilsonInterval(k, n);
  return { rate: w?.estimate ?? null, low: w?.low ?? null, high: w?.high ?? null, k, n, method: WILSON };
}

/**
 * The change of a share from last week's k0 of n0 to this week's k1 of n1 (full counts, e.g. errors of all
 * requests, thumbs of all thumbs).
 * @returns null when either week has n = 0
 */
export function countChange(k1: number, n1: number, k0: number, n0: number): Change | null {
  const d = newcombeDifference(k1, n1, k0, n0);
  if (!d) return null;
  return { difference: d.difference, low: d.low, high: d.high, significant: d.significant, p_value: fisherTwoSided(k1, n1, k0, n0), method: NEWCOMBE };
}

/**
 * The change between two estimates from independent samples, each with its own design-based interval (e.g. two
 * weeks' stratified review queues: Korn-Graubard or Wilson). The test is the interval's: significant at 5% when the
 * 95% interval of the difference excludes 0.
 * @returns null when either estimate or interval is missing
 */
export function estimateChange(
  a: { estimate: number | null; low: number | null; high: number | null; se: number | null },
  b: { estimate: number | null; low: number | null; high: number | null; se: number | null },
): Change | null {
  if (a.estimate === null || a.low === null || a.high === null || b.estimate === null || b.low === null || b.high === null) return null;
  const d = moverDifference(a.estimate, a.low, a.high, b.estimate, b.low, b.high);
  // No p-value: a Wald p from the two standard errors can disagree with the (asymmetric, small-sample) intervals the
  // test is read from, and one test stated two ways is a test too many.
  return { difference: d.difference, low: d.low, high: d.high, significant: d.significant, p_value: null, method: MOVER_DESIGN };
}
