/**
 * Adapter for the report's feedback section: thumbs-up rate (whole traffic and per feature), CSAT (top-2-box of
 * 1-5 ratings) and NPS of the week and the week before, each with its interval and the change. The thumbs, CSAT and
 * NPS counts are the Metrics screen's (`metrics.series` buckets: feedback counted in the week it was given).
 * The terms of negative comments come from the Feedback screen's analysis (feedback/terms.ts, "Fightin' Words"),
 * the NPS interval from Loupe's one NPS-interval function (shared/stats/rates.ts, docs/STATS.md).
 */
import type { MetricsBucket } from '../../../../shared/contract-metrics';
import { feedbackTermsSchema } from '../../../../shared/contract-feedback';
import { npsInterval } from '../../../../shared/stats/rates';
import { feedbackTerms } from '../../feedback/terms';
import { countChange, wilsonShare } from '../compare';
import type { ReportContext } from '../context';
import type { Change, FeedbackWeek, Section } from '../model';
import { bucketOf, weeklySeries } from './series';

const NPS_METHOD = 'NPS = % promoters (9-10) − % detractors (0-6); normal interval with the multinomial variance (p + d − (p − d)²) / n (docs/STATS.md)';

function nps(b: MetricsBucket | null): FeedbackWeek['nps']['this_week'] {
  const n = b?.nps ?? { nps: null, promoters: 0, passives: 0, detractors: 0, n: 0 };
  const iv = npsInterval(n.promoters, n.detractors, n.n);
  return { nps: n.nps, low: iv?.low ?? null, high: iv?.high ?? null, promoters: n.promoters, passives: n.passives, detractors: n.detractors, n: n.n };
}

function npsChange(a: FeedbackWeek['nps']['this_week'], b: FeedbackWeek['nps']['this_week']): Change | null {
  const ia = npsInterval(a.promoters, a.detractors, a.n);
  const ib = npsInterval(b.promoters, b.detractors, b.n);
  if (!ia || !ib) return null;
  const d = ia.estimate - ib.estimate;
  const se = Math.sqrt(ia.se ** 2 + ib.se ** 2);
  const z = 1.959963984540054;
  const low = d - z * se;
  const high = d + z * se;
  return { difference: d, low, high, significant: low > 0 || high < 0, p_value: null, method: 'difference of two independent NPS, normal interval with the sum of the variances' };
}

/** Terms a report lists: at most this many, each significantly over-represented in negative comments (z > 1.96). */
const MAX_TERMS = 10;
const Z_95 = 1.959963984540054;

/**
 * Words and two-word phrases that distinguish the week's negative comments (thumbs-down, NPS detractors, CSAT 1-2,
 * rejected preferences) from its other comments: the Feedback screen's analysis (log-odds ratio with an informative
 * Dirichlet prior, Monroe, Colaresi & Quinn 2008), keeping the terms whose z-score passes 1.96.
 * @returns the terms, or the reason there are none (no comments, no negative comment, none significant)
 */
export function negativeTerms(ctx: ReportContext): FeedbackWeek['negative_terms'] {
  const t = feedbackTerms(ctx.ws.db, feedbackTermsSchema.parse({ week: ctx.week }), ctx.zone);
  if (t.negative.comments === 0) {
    return { available: false, reason: `No negative comment in ${ctx.week} (${t.other.comments} other comment${t.other.comments === 1 ? '' : 's'}).` };
  }
  const terms = t.terms.filter((x) => x.z > Z_95).slice(0, MAX_TERMS).map((x) => ({ term: x.term, z: x.z, negative: x.negative_count, other: x.other_count }));
  if (terms.length === 0) {
    return { available: false, reason: `No word or phrase distinguishes the week's ${t.negative.comments} negative comment${t.negative.comments === 1 ? '' : 's'} from its ${t.other.comments} other${t.other.comments === 1 ? '' : 's'} at z > 1.96.` };
  }
  return { available: true, data: terms };
}

/**
 * The feedback section of the report's week.
 * @returns `available: false` with the reason when neither week has thumbs, ratings or NPS answers
 */
export function feedbackSection(ctx: ReportContext): Section<FeedbackWeek> {
  const s = weeklySeries(ctx);
  const cur = bucketOf(s, ctx.week);
  const prev = bucketOf(s, ctx.previous.week);
  const any = (b: MetricsBucket | null) => !!b && (b.thumbs.n > 0 || b.csat.n > 0 || b.nps.n > 0);
  if (!any(cur) && !any(prev)) return { available: false, reason: `No thumbs, ratings or NPS answers in ${ctx.week} or ${ctx.previous.week}.` };
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
      negative_terms: negativeTerms(ctx),
    },
  };
}
