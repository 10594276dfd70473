import { chiSquareQuantile } from './distributions';
import { zForConfidence } from './wilson';

/** An estimate with its interval, in the estimate's own unit. */
export interface EstimateInterval { estimate: number; low: number; high: number }

/**
 * Net Promoter Score with its normal-approximation interval from the multinomial variance of promoters and
 * detractors: NPS = 100 (p − d) with p, d the promoter and detractor shares of n answers;
 * var(p − d) = (p + d − (p − d)²) / n, so se = 100 √var NPS points, interval NPS ± z se, clipped to [−100, 100].
 * Reference (docs/STATS.md): [10,9,8,7,6,0,10,9,3,9,10,5] gives NPS 16.67 with se 25.909386258580042.
 * With few answers the normal form is rough, and when every answer is alike (all promoters, all detractors, all
 * passives) p + d − (p − d)² is 0: the interval has no width ("100 [100, 100]" for one promoter). That is the
 * formula's answer, not certainty; callers flag small n (the report's "small n" under NPS_MIN_N answers, the traits'
 * minimum per value). Rocks (2016, The American Statistician 70(4)) compares better-covering variants (adjusted Wald:
 * add 3 to n and ¾ to promoters and detractors); Loupe keeps the reference's Wald form. This is Loupe's one NPS
 * interval: the Feedback screen's traits and the weekly report both use it. Differences and their p-values are in
 * ./difference.ts (two-proportion test, Wald difference of two design estimates, MOVER/Newcombe intervals).
 * @param promoters - answers of 9-10; detractors - answers of 0-6; n - all answers (promoters + passives + detractors)
 * @returns NPS points with se and interval, or null when n = 0
 * @throws RangeError for counts that are not non-negative integers or exceed n
 */
export function npsInterval(promoters: number, detractors: number, n: number, confidence = 0.95): (EstimateInterval & { se: number }) | null {
  for (const [k, v] of [['promoters', promoters], ['detractors', detractors], ['n', n]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${k} must be a non-negative integer, got ${v}`);
  }
  if (promoters + detractors > n) throw new RangeError(`promoters + detractors (${promoters + detractors}) exceed n = ${n}`);
  if (n === 0) return null;
  const p = promoters / n;
  const d = detractors / n;
  const se = 100 * Math.sqrt((p + d - (p - d) ** 2) / n);
  const z = zForConfidence(confidence);
  const nps = 100 * (p - d);
  return { estimate: nps, se, low: Math.max(-100, nps - z * se), high: Math.min(100, nps + z * se) };
}

/**
 * Events per `per` units of exposure with the exact Poisson interval (Garwood 1936, "Fiducial limits for the Poisson
 * distribution", Biometrika 28:437-442; the interval of R's `poisson.test`): for k events,
 * low = χ²(α/2; 2k) / 2, high = χ²(1 − α/2; 2k + 2) / 2 (low = 0 when k = 0), each divided by the exposure.
 * Used for tickets per 1,000 requests: R `poisson.test(5, 1000)` gives 1.6234863901 to 11.6683320793 per 1,000.
 * @param events - a non-negative integer count (tickets)
 * @param exposure - the exposure (requests), > 0
 * @param per - the unit of the rate (1000: per 1,000 requests)
 * @returns the rate and its interval, or null when exposure is 0
 * @throws RangeError for a negative or fractional count, or a negative exposure
 */
export function poissonRateInterval(events: number, exposure: number, per = 1000, confidence = 0.95): EstimateInterval | null {
  if (!Number.isInteger(events) || events < 0) throw new RangeError(`events must be a non-negative integer, got ${events}`);
  if (!(exposure >= 0)) throw new RangeError(`exposure must be non-negative, got ${exposure}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}`);
  if (exposure === 0) return null;
  const a = 1 - confidence;
  const low = events === 0 ? 0 : chiSquareQuantile(a / 2, 2 * events) / 2;
  const high = chiSquareQuantile(1 - a / 2, 2 * events + 2) / 2;
  return { estimate: (per * events) / exposure, low: (per * low) / exposure, high: (per * high) / exposure };
}
