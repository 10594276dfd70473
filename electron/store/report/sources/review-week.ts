/**
 * The review part of the weekly report: the week's queue (./review.ts), its failure rate against last week's queue,
 * the tags whose rate rose, and the regression check (requests of the week repeating a tagged edge case of an
 * earlier week: how many were reviewed, how many failed again).
 *
 * The week-over-week failure rate compares two independent samples, each drawn and estimated under its own design
 * (strata, allocation, oversampling). Each side therefore brings its own design-based interval and standard error,
 * and the difference's interval is their MOVER combination (Zou & Donner 2008; with Wilson intervals this is
 * Newcombe 1998, method 10); the test is whether it excludes 0. Pooling the two weeks' items into one 2×2 table
 * would ignore both designs' weights.
 */
import { LoupeError } from '../../../../shared/errors';
import type { QueueDesign, RateEstimate } from '../../../../shared/review-types';
import { wilsonInterval } from '../../../../shared/stats';
import { edgeCaseRepeats } from '../../review/edge-case-repeat';
import { primaryReviews, queueEstimates } from '../../review/estimates';
import { queueForWeek, queueRow } from '../../review/queues';
import { isoWeekLabel } from '../../metrics/common';
import { estimateChange } from '../compare';
import { pctShare } from '../format';
import type { ReportContext } from '../context';
import type { FailureComparison, RegressionCheck, ReviewWeek, Section, TagRise } from '../model';
import { buildReviewSection } from './review';

const REGRESSION_METHOD = 'a request matches an earlier edge case when its input equals the tagged item\'s input after Unicode NFKC, lower case, digit runs read as one digit, whitespace collapsed and surrounding punctuation dropped';

/** The newest queue of a week, or null when it has none. */
export function weekQueue(ctx: ReportContext, week: string): number | null {
  try {
    return queueForWeek(ctx.ws.db, week);
  } catch (e) {
    if (e instanceof LoupeError && e.code === 'NOT_FOUND') return null;
    throw e;
  }
}

const side = (week: string, queueId: number, m: RateEstimate) => ({
  week, queue_id: queueId, estimate: m.estimate, low: m.low, high: m.high, se: m.se, reviewed: m.n, failures: m.k, method: m.method_name,
  covered_share: m.covered_share,
});

function failureComparison(ctx: ReportContext, queueId: number, metrics: RateEstimate[]): FailureComparison {
  const cur = metrics.find((m) => m.key === 'failure')!;
  const thisWeek = side(ctx.week, queueId, cur);
  const prevId = weekQueue(ctx, ctx.previous.week);
  if (prevId === null) return { this_week: thisWeek, last_week: null, change: null, note: `No review queue for ${ctx.previous.week}: nothing to compare with.` };
  const prev = queueEstimates(ctx.ws.db, prevId).metrics.find((m) => m.key === 'failure')!;
  const lastWeek = side(ctx.previous.week, prevId, prev);
  // A week whose reviews cover only some strata has no estimate of the week's rate: nothing to compare.
  const partial = [thisWeek, lastWeek].find((w) => w.estimate !== null && w.covered_share < 1);
  if (partial) {
    return { this_week: thisWeek, last_week: lastWeek, change: null,
      note: `${partial.week}'s reviews cover strata holding ${pctShare(partial.covered_share)} of its requests, so there is no estimate of that week's rate to compare.` };
  }
  const change = estimateChange(cur, prev);
  return {
    this_week: thisWeek, last_week: lastWeek, change,
    note: change ? null : `No interval for ${cur.estimate === null || cur.low === null ? ctx.week : ctx.previous.week}'s failure rate, so the difference has none either.`,
  };
}

function tagsRose(ctx: ReportContext, metrics: RateEstimate[]): TagRise[] {
  const prevId = weekQueue(ctx, ctx.previous.week);
  if (prevId === null) return [];
  const prev = queueEstimates(ctx.ws.db, prevId).metrics;
  const prevFailure = prev.find((m) => m.key === 'failure')!;
  const out: TagRise[] = [];
  for (const m of metrics) {
    if (m.kind !== 'tag_rate' || m.estimate === null) continue;
    const before = prev.find((p) => p.key === m.key);
    // A tag nobody used last week had 0 of last week's reviewed items; its upper bound is the Wilson bound of 0/n.
    const zero = { estimate: 0, low: 0, high: wilsonInterval(0, prevFailure.n)?.high ?? null, se: 0, n: prevFailure.n, k: 0 };
    const b = before ?? zero;
    if (b.estimate === null || m.estimate <= b.estimate) continue;
    const change = estimateChange(m, b);
    if (!change) continue;
    const tag = m.label.replace(/^Tagged "(.*)"$/, '$1');
    out.push({
      tag,
      this_week: { rate: m.sample_rate, low: m.low, high: m.high, k: m.k, n: m.n, method: m.method, estimate: m.estimate },
      last_week: { rate: b.n ? b.k / b.n : null, low: b.low, high: b.high, k: b.k, n: b.n, method: before ? before.method : 'wilson (tag not used)', estimate: b.estimate },
      change,
    });
  }
  return out.sort((a, b) => (b.change.difference ?? 0) - (a.change.difference ?? 0));
}

/**
 * The regression check of a queue's week: requests of the week whose input repeats an edge case tagged before it.
 * @param queueId - the week's queue (null: counts matches only)
 */
export function regressionCheck(ctx: ReportContext, queueId: number | null): RegressionCheck {
  const db = ctx.ws.db;
  const { edge_cases, matches } = edgeCaseRepeats(db, ctx.from_ts, { sql: 'ts >= ? AND ts < ?', params: [ctx.from_ts, ctx.to_ts] });
  let inQueue = 0;
  let reviewed = 0;
  let failedAgain = 0;
  let ownStratum = false;
  const examples: RegressionCheck['examples'] = [];
  if (queueId !== null && matches.length > 0) {
    const design = JSON.parse(queueRow(db, queueId).design) as QueueDesign;
    ownStratum = (design.oversample.edge_case_repeat ?? 0) > 0;
    const positions = new Map(db.all<{ request_id: string; position: number }>('SELECT request_id, position FROM queue_items WHERE queue_id = ?', [queueId]).map((r) => [r.request_id, r.position]));
    const reviews = new Map(primaryReviews(db, queueId).items.map((i) => [i.request_id, i]));
    for (const m of matches) {
      const pos = positions.get(m.request_id);
      if (pos === undefined) continue;
      inQueue++;
      const r = reviews.get(m.request_id);
      if (!r) continue;
      reviewed++;
      if (r.failed) failedAgain++;
      if (examples.length < 10) {
        examples.push({
          request_id: m.request_id, earlier_request_id: m.earlier.request_id, earlier_week: m.earlier.ts === null ? null : isoWeekLabel(m.earlier.ts, ctx.zone),
          tags: m.earlier.tags, failed: r.failed, position: pos,
        });
      }
    }
  } else if (queueId !== null) {
    const design = JSON.parse(queueRow(db, queueId).design) as QueueDesign;
    ownStratum = (design.oversample.edge_case_repeat ?? 0) > 0;
  }
  return { edge_cases_before: edge_cases, matching_requests: matches.length, in_queue: inQueue, reviewed, failed_again: failedAgain, own_stratum: ownStratum, examples, method: REGRESSION_METHOD };
}

/**
 * The review section of the report's week, with the week-over-week comparison and the regression check.
 * @returns `available: false` with the reason when the week has no review queue
 */
export function reviewWeekSection(ctx: ReportContext): Section<ReviewWeek> {
  if (ctx.queue_id === null) {
    return { available: false, reason: `No review queue for ${ctx.week}: create one (Review screen, loupe queue create, or loupe weekly) to estimate the failure rate.` };
  }
  const section = buildReviewSection(ctx.ws, ctx.queue_id, ctx.now);
  return {
    available: true,
    data: {
      section,
      failure: failureComparison(ctx, ctx.queue_id, section.estimates),
      tags_rose: tagsRose(ctx, section.estimates),
      regression: regressionCheck(ctx, ctx.queue_id),
      skip_reasons: section.skip_reasons,
    },
  };
}
