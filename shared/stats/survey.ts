import { wilsonInterval, type ProportionInterval } from './wilson';

function checkIntegerScale(values: readonly number[], min: number, max: number, what: string): void {
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`${what} at index ${i} must be an integer from ${min} to ${max}, got ${String(v)}`);
    }
  });
}

/** CSAT summary of 1-5 satisfaction ratings. */
export interface CsatResult {
  /** Top-2-box share in [0, 1]: ratings of 4 or 5 over all ratings; NaN when there are none. */
  csat: number;
  /** Number of ratings of 4 or 5. */
  satisfied: number;
  /** Number of ratings. */
  n: number;
  /** Mean rating on the 1-5 scale; NaN when there are none. */
  mean: number;
  /** Wilson 95% interval for the top-2-box share; null when there are no ratings. */
  interval: ProportionInterval | null;
}

/**
 * CSAT as the top-2-box share of 1-5 ratings: ratings **4 and 5 count as satisfied**, 1-3 do not
 * (the usual customer-satisfaction convention, e.g. ACSI/Qualtrics "top-2-box"). Also returns the mean
 * rating and a Wilson interval for the share. Example: [5,4,3,5,2,4,5,1,4,5] gives 0.7.
 * @param ratings integer ratings 1-5.
 * @param confidence level for the Wilson interval, default 0.95.
 * @throws RangeError when a rating is not an integer from 1 to 5 (naming its index).
 */
export function csat(ratings: readonly number[], confidence = 0.95): CsatResult {
  checkIntegerScale(ratings, 1, 5, 'rating');
  const n = ratings.length;
  const satisfied = ratings.filter((r) => r >= 4).length;
  const sum = ratings.reduce((s, r) => s + r, 0);
  return {
    csat: n === 0 ? Number.NaN : satisfied / n,
    satisfied,
    n,
    mean: n === 0 ? Number.NaN : sum / n,
    interval: wilsonInterval(satisfied, n, confidence),
  };
}

/** Net Promoter Score summary of 0-10 likelihood-to-recommend answers. */
export interface NpsResult {
  /** % promoters minus % detractors, in percentage points from −100 to 100 (not rounded); NaN when n = 0. */
  nps: number;
  /** Answers of 9 or 10. */
  promoters: number;
  /** Answers of 7 or 8. */
  passives: number;
  /** Answers of 0 to 6. */
  detractors: number;
  n: number;
}

/**
 * Net Promoter Score (Reichheld 2003, "The one number you need to grow", HBR): promoters answer 9-10,
 * detractors 0-6, passives 7-8; NPS = 100 (promoters − detractors) / n. Example:
 * [10,9,8,7,6,0,10,9,3,9,10,5] gives 6 promoters, 4 detractors, NPS = 16.67 (exactly 50/3; round for
 * display only).
 * @param scores integer answers 0-10.
 * @throws RangeError when a score is not an integer from 0 to 10 (naming its index).
 */
export function nps(scores: readonly number[]): NpsResult {
  checkIntegerScale(scores, 0, 10, 'NPS score');
  let promoters = 0;
  let detractors = 0;
  for (const s of scores) {
    if (s >= 9) promoters++;
    else if (s <= 6) detractors++;
  }
  const n = scores.length;
  return {
    nps: n === 0 ? Number.NaN : (100 * (promoters - detractors)) / n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    n,
  };
}

/** Thumbs-up rate with its Wilson interval. */
export interface ThumbsUpResult {
  /** up / (up + down) as a share in [0, 1]; NaN when there is no feedback. */
  rate: number;
  up: number;
  down: number;
  n: number;
  /** Wilson interval for the rate; null when there is no feedback. */
  interval: ProportionInterval | null;
}

/**
 * Thumbs-up rate up / (up + down) with a Wilson score interval (see {@link wilsonInterval}).
 * Requests without feedback are not counted: the rate is among rated requests only.
 * @param up count of thumbs-up, a non-negative integer.
 * @param down count of thumbs-down, a non-negative integer.
 * @param confidence level for the interval, default 0.95.
 * @throws RangeError when a count is not a non-negative integer.
 */
export function thumbsUpRate(up: number, down: number, confidence = 0.95): ThumbsUpResult {
  for (const [name, v] of [['up', up], ['down', down]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`thumbs-${name} count must be a non-negative integer, got ${v}`);
  }
  const n = up + down;
  return { rate: n === 0 ? Number.NaN : up / n, up, down, n, interval: wilsonInterval(up, n, confidence) };
}
