/**
 * Adapter for the report's feedback section: thumbs-up rate (whole traffic and per feature), CSAT (top-2-box of
 * 1-5 ratings) and NPS of the week and the week before, each with its interval and the change. The thumbs, CSAT and
 * NPS counts are the Metrics screen's (`metrics.series` buckets: feedback counted in the week it was given).
 * The terms of negative comments come from the Feedback screen's analysis (feedback/terms.ts, "Fightin' Words"),
 * the NPS interval from Loupe's one NPS-interval function (shared/stats/rates.ts).
 */
import type { MetricsBucket } from '../../../../shared/contract-metrics';
import { feedbackTermsSchema } from '../../../../shared/contract-feedback';
import { npsInterval } from '../../../../shared/stats/rates';
import { feedbackTerms } from '../../feedback/terms';
import { byUserSql } from '../../feedback/automated';
import { csatRowSql, npsRowSql } from '../../summaries/feedback';
import { countChange, wilsonShare } from '../compare';
import type { ReportContext } from '../context';
import type { Change, FeedbackWeek, MissingRequestFeedback, OtherRatings, Section } from '../model';
import { bucketOf, weeklySeries } from './series';

const NPS_METHOD = 'NPS = % promoters (9-10) − % detractors (0-6); normal interval with the multinomial variance (p + d − (p − d)²) / n (Rocks 2016, The American Statistician 70:365–372), rough below 30 answers';

function nps(b: MetricsBucket | null): FeedbackWeek['nps']['this_week'] {
  const n = b?.nps ?? { nps: null, promoters: 0, passives: 0, detractors: 0, n: 0 };
  const iv = npsInterval(n.promoters, n.detractors, n.n);
  return { nps: n.nps, low: iv?.low ?? null, high: iv?.high ?? null, promoters: n.promoters, passives: n.passives, detractors: n.detractors, n: n.n };
}

/** Fewest NPS answers in each week before a change is called significant (the report says "small n" below it). */
export const NPS_MIN_N = 30;

function npsChange(a: FeedbackWeek['nps']['this_week'], b: FeedbackWeek['nps']['this_week']): Change | null {
  const ia = npsInterval(a.promoters, a.detractors, a.n);
  const ib = npsInterval(b.promoters, b.detractors, b.n);
  if (!ia || !ib) return null;
  const d = ia.estimate - ib.estimate;
  const se = Math.sqrt(ia.se ** 2 + ib.se ** 2);
  const z = 1.959963984540054;
  const low = d - z * se;
  const high = d + z * se;
  // Below 30 answers in either week the normal interval is rough (Rocks 2016) and a side of all promoters has no
  // variance at all: 2 promoters against last week's 50 answers read "significant". Not called a change there.
  const enough = a.n >= NPS_MIN_N && b.n >= NPS_MIN_N;
  return { difference: d, low, high, significant: enough && (low > 0 || high < 0), p_value: null, method: `difference of two independent NPS, normal interval with the sum of the variances; not called significant when either week has fewer than ${NPS_MIN_N} answers` };
}

/** Terms a report lists: at most this many, each significantly over-represented in negative comments (z > 1.96). */
const MAX_TERMS = 10;
const Z_95 = 1.959963984540054;

/**
 * Words and two-word phrases that distinguish the week's negative comments (thumbs-down, NPS detractors, ratings of
 * 0.4 × their scale or lower, rejected preferences) from its other comments: the Feedback screen's analysis (log-odds ratio with an informative
 * Dirichlet prior, Monroe, Colaresi & Quinn 2008), keeping the terms whose z-score passes 1.96.
 * @returns the terms, or the reason there are none (no comments, no negative comment, none significant)
 */
export function negativeTerms(ctx: ReportContext): Pick<FeedbackWeek, 'negative_terms' | 'comments'> {
  const t = feedbackTerms(ctx.ws.db, feedbackTermsSchema.parse({ week: ctx.week }), ctx.zone);
  const comments = { negative: t.negative.comments, other: t.other.comments, negative_missing_request: t.negative.missing_request, other_missing_request: t.other.missing_request };
  return { comments, negative_terms: termsOf(t, ctx.week) };
}

function termsOf(t: ReturnType<typeof feedbackTerms>, week: string): FeedbackWeek['negative_terms'] {
  if (t.negative.comments === 0) {
    return { available: false, reason: `No negative comment in ${week} (${t.other.comments} other comment${t.other.comments === 1 ? '' : 's'}).` };
  }
  const terms = t.terms.filter((x) => x.z > Z_95).slice(0, MAX_TERMS).map((x) => ({ term: x.term, z: x.z, negative: x.negative_count, other: x.other_count }));
  if (terms.length === 0) {
    return { available: false, reason: `No word or phrase distinguishes the week's ${t.negative.comments} negative comment${t.negative.comments === 1 ? '' : 's'} from its ${t.other.comments} other${t.other.comments === 1 ? '' : 's'} at z > 1.96.` };
  }
  return { available: true, data: terms };
}

/** Feedback rows (any kind) of [from, to), attributed by their own time, else their request's (as metrics.series). */
function feedbackCount(ctx: ReportContext, from: number, to: number): number {
  return ctx.ws.db.value<number>(
    `SELECT count(*) FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
      WHERE coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ?`, [from, to]) ?? 0;
}

/**
 * Users' ratings on scales other than 1-5 in both weeks, per scale (the CSAT row holds the 1-5 ones), or with
 * `from` evaluators, automated evaluators' ratings on every scale (in no figure of the report but this).
 * @param from - `users` (default) or `evaluators`
 * "Low" is the Feedback screen's negative rating, value ≤ 0.4 × scale (feedback/terms.ts `csat_low`).
 */
export function otherRatings(ctx: ReportContext, from: 'users' | 'evaluators' = 'users'): FeedbackWeek['other_ratings'] {
  // Users' ratings on scales other than 1-5; an evaluator's on every scale (none of them is in the CSAT row).
  const which = from === 'users' ? `f.scale <> 5 AND ${byUserSql()}` : 'f.automated = 1';
  const rows = ctx.ws.db.all<{ scale: number; wk: number; n: number; mean: number; low: number }>(
    `SELECT coalesce(f.scale, 5) AS scale, CASE WHEN coalesce(f.ts, r.ts) >= ? THEN 1 ELSE 0 END AS wk, count(*) AS n, avg(f.value) AS mean,
            sum(CASE WHEN f.value <= 0.4 * coalesce(f.scale, 5) THEN 1 ELSE 0 END) AS low
       FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
      WHERE f.kind = 'rating' AND f.value IS NOT NULL AND ${from === 'users' ? 'f.scale IS NOT NULL AND ' : ''}${which}
        AND coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ?
      GROUP BY 1, 2 ORDER BY 1`, [ctx.from_ts, ctx.previous.from_ts, ctx.to_ts]);
  const empty: OtherRatings = { n: 0, mean: null, low: wilsonShare(0, 0) };
  const of = (x: { n: number; mean: number; low: number } | undefined): OtherRatings => (x ? { n: x.n, mean: x.mean, low: wilsonShare(x.low, x.n) } : empty);
  return [...new Set(rows.map((r) => r.scale))].map((scale) => ({
    scale,
    this_week: of(rows.find((r) => r.scale === scale && r.wk === 1)),
    last_week: of(rows.find((r) => r.scale === scale && r.wk === 0)),
  }));
}

/**
 * Thumbs, ratings and NPS answers automated evaluators wrote (feedback/automated.ts) this week and last, attributed as
 * {@link otherRatings} attributes ratings: left out of every feedback figure, counted to be said.
 */
export function automatedFeedback(ctx: ReportContext): FeedbackWeek['automated'] {
  const r = ctx.ws.db.get<{ this_week: number | null; last_week: number | null }>(
    `SELECT sum(coalesce(f.ts, r.ts) >= ?) AS this_week, sum(coalesce(f.ts, r.ts) < ?) AS last_week
       FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
      WHERE f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL AND f.automated = 1
        AND coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ?`, [ctx.from_ts, ctx.from_ts, ctx.previous.from_ts, ctx.to_ts]);
  return { this_week: r?.this_week ?? 0, last_week: r?.last_week ?? 0, ratings: otherRatings(ctx, 'evaluators') };
}

/**
 * The week's feedback whose request id names no request of the workspace, counted per kind as metrics.series counts
 * them (thumbs up: value > 0; CSAT: ratings 1-5 on scale 5 or none, satisfied 4-5; NPS: whole answers 0-10; other
 * ratings: value ≤ 0.4 × scale is low). Dated by the feedback's own time: it has no stored request to take one from.
 */
export function missingRequestFeedback(ctx: ReportContext): MissingRequestFeedback {
  const where = `f.request_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = f.request_id) AND f.ts >= ? AND f.ts < ?`;
  // Rows and requests count every such row; the measures users' answers only, as the figures above do.
  const u = byUserSql();
  const params = [ctx.from_ts, ctx.to_ts];
  const c = ctx.ws.db.get<Record<string, number | null>>(
    `SELECT count(*) AS rows_n, count(DISTINCT f.request_id) AS requests, sum(f.automated = 1) AS automated_n,
            sum(${u} AND f.kind = 'thumb' AND f.value IS NOT NULL) AS thumbs_n, sum(${u} AND f.kind = 'thumb' AND f.value > 0) AS thumbs_up,
            sum(${u} AND ${csatRowSql('f.')}) AS csat_n,
            sum(${u} AND ${csatRowSql('f.')} AND f.value IN (4, 5)) AS csat_sat,
            sum(${u} AND ${npsRowSql('f.')}) AS nps_n,
            sum(${u} AND f.kind = 'nps' AND f.value IN (9, 10)) AS nps_pro, sum(${u} AND f.kind = 'nps' AND f.value IN (0, 1, 2, 3, 4, 5, 6)) AS nps_det
       FROM feedback f WHERE ${where}`, params) ?? {};
  const other = ctx.ws.db.all<{ scale: number; n: number; sum: number; low: number }>(
    `SELECT f.scale AS scale, count(*) AS n, sum(f.value) AS sum, sum(f.value <= 0.4 * f.scale) AS low
       FROM feedback f WHERE ${where} AND ${u} AND f.kind = 'rating' AND f.value IS NOT NULL AND f.scale IS NOT NULL AND f.scale <> 5
      GROUP BY 1 ORDER BY 1`, params);
  const n = (k: string) => Number(c[k] ?? 0);
  return {
    rows: n('rows_n'), week_rows: feedbackCount(ctx, ctx.from_ts, ctx.to_ts), requests: n('requests'), automated: n('automated_n'),
    thumbs: { n: n('thumbs_n'), up: n('thumbs_up') },
    csat: { n: n('csat_n'), satisfied: n('csat_sat') },
    nps: { n: n('nps_n'), promoters: n('nps_pro'), detractors: n('nps_det') },
    other_ratings: other,
  };
}

/**
 * The feedback section of the report's week.
 * @returns `available: false` with the reason when neither week has any feedback (thumbs, ratings of any scale, NPS
 * answers, comments or preferences)
 */
export function feedbackSection(ctx: ReportContext): Section<FeedbackWeek> {
  const s = weeklySeries(ctx);
  const cur = bucketOf(s, ctx.week);
  const prev = bucketOf(s, ctx.previous.week);
  if (feedbackCount(ctx, ctx.previous.from_ts, ctx.to_ts) === 0) return { available: false, reason: `No feedback (thumbs, ratings, NPS answers, comments or preferences) in ${ctx.week} or ${ctx.previous.week}.` };
  const th = (b: MetricsBucket | null) => ({ ...wilsonShare(b?.thumbs.up ?? 0, b?.thumbs.n ?? 0), up: b?.thumbs.up ?? 0, down: b?.thumbs.down ?? 0 });
  const thisThumbs = th(cur);
  const lastThumbs = th(prev);
  const cs = (b: MetricsBucket | null) => wilsonShare(b?.csat.satisfied ?? 0, b?.csat.n ?? 0);
  const thisCsat = cs(cur);
  const lastCsat = cs(prev);
  const thisNps = nps(cur);
  // NPS surveys go out every few weeks: compare with the latest earlier week that has answers.
  const idx = s.buckets.findIndex((b) => b.label === ctx.week);
  const npsPrev = [...s.buckets.slice(0, Math.max(0, idx))].reverse().find((b) => b.nps.n > 0) ?? null;
  const lastNps = nps(npsPrev);
  const byFeature = (s.breakdown?.groups ?? []).map((g) => {
    const p = g.points.find((x) => x.label === ctx.week);
    const q = g.points.find((x) => x.label === ctx.previous.week);
    // The breakdown carries the rate and its n; the up count is rate × n (exact: both come from integer counts).
    const up = (r: number | null | undefined, n: number) => (r === null || r === undefined ? 0 : Math.round(r * n));
    const a = wilsonShare(up(p?.thumbs_up_rate, p?.thumbs_n ?? 0), p?.thumbs_n ?? 0);
    const b = wilsonShare(up(q?.thumbs_up_rate, q?.thumbs_n ?? 0), q?.thumbs_n ?? 0);
    return { feature: g.key, this_week: a, last_week: b, change: countChange(a.k, a.n, b.k, b.n) };
  }).filter((f) => f.this_week.n > 0 || f.last_week.n > 0);
  return {
    available: true,
    data: {
      thumbs: { this_week: thisThumbs, last_week: lastThumbs, change: countChange(thisThumbs.k, thisThumbs.n, lastThumbs.k, lastThumbs.n) },
      thumbs_by_feature: byFeature,
      csat: { this_week: thisCsat, last_week: lastCsat, change: countChange(thisCsat.k, thisCsat.n, lastCsat.k, lastCsat.n) },
      nps: { this_week: thisNps, last_week: lastNps, compared_week: npsPrev?.label ?? null, change: npsChange(thisNps, lastNps), method: NPS_METHOD },
      other_ratings: otherRatings(ctx),
      automated: automatedFeedback(ctx),
      missing_requests: missingRequestFeedback(ctx),
      ...negativeTerms(ctx),
    },
  };
}
