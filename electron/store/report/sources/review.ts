/**
 * Adapter for the report's review section: the week's queue as the review store sees it (reviewers and rubric
 * version, coverage, the sampling frame, estimates with intervals beside the plain sample rate, top tags with
 * example items, notable notes, agreement where items were reviewed twice, skip reasons). This was the whole review
 * report before the weekly report; its shape only grows (new fields are added, none removed or renamed), so the
 * estimates work can add fields here in parallel.
 *
 * This is the one place the report reads review estimates (`queueEstimates`, `queueAgreement`, `primaryReviews` of
 * ../../review/estimates): the frame (size, earlier reviews, anything left out), the design sentence, the reviewed
 * items and failures seen, the skip reasons and the interval method all come from the estimates result
 * (WeekEstimates), so the report says what the Estimates tab says.
 */
import { DateTime } from 'luxon';
import type { Workspace } from '../../workspace';
import type { Db } from '../../db';
import type { QueueAgreement, RateEstimate, WeekEstimates } from '../../../../shared/review-types';
import { frameStatement, queueAgreement, queueEstimates, primaryReviews } from '../../review/estimates';
import { workspaceZone } from '../../review/queues';
import { getRubric } from '../../review/rubric';

export { frameStatement };

/**
 * Every small-sample finding of the estimates, each once (rows share most of them), capitalised, in first-seen order.
 * The Flag column shows only each row's short `reason`.
 */
export function smallSampleReasons(metrics: readonly RateEstimate[]): string[] {
  const seen = new Set<string>();
  for (const m of metrics) if (m.small_sample) for (const r of m.reasons) seen.add(r.charAt(0).toUpperCase() + r.slice(1));
  return [...seen];
}

/** Characters of input/output shown per example item. */
const EXCERPT = 240;

export interface ReportExample { position: number; request_id: string; input: string; output: string; failed: boolean; note: string | null }

/** The review section's data (the JSON of the report's `review.data.section`). */
export interface ReviewSection {
  title: string;
  generated_at: string;
  workspace: string;
  time_zone: string;
  week: string | null;
  period: { from: string; to: string };
  queue: { id: number; name: string; design: unknown };
  reviewers: string[];
  rubric_versions: number[];
  rubric: { version: number; criteria: Array<{ id: string; label: string; kind: string }> };
  coverage: {
    queued: number; reviewed: number; skipped: number; population: number;
    strata_covered: number; strata_total: number;
    strata: Array<{ key: string; population: number; queued: number; reviewed: number; failures: number }>;
    strata_without_reviews: string[];
  };
  /** The requests the estimates are for (see WeekEstimates.frame): frame size, earlier reviews, any exclusion. */
  frame: WeekEstimates['frame'];
  /** How the queue and earlier reviews combine into the estimate (WeekEstimates.design). */
  design: string;
  /** Reviewed items the estimates rest on and failures seen among them (all, and this queue's own). */
  seen: { reviewed: number; failures: number; queue_reviewed: number; queue_failures: number };
  /** The interval method of every estimate: id, name and reference (WeekEstimates.method). */
  method: WeekEstimates['method'];
  estimates: RateEstimate[];
  estimate_notes: string[];
  top_tags: Array<{ tag_id: number; tag: string; colour: string; items: number; examples: ReportExample[] }>;
  notes: ReportExample[];
  agreement: QueueAgreement | null;
  /** Skipped items by reason (the reviewer's words), most frequent first (WeekEstimates.skip_reasons). */
  skip_reasons: Array<{ reason: string; items: number }>;
}

/** The earlier name of {@link ReviewSection}. */
export type ReportData = ReviewSection;

const excerpt = (s: string | null) => {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > EXCERPT ? `${t.slice(0, EXCERPT - 1)}…` : t;
};

/**
 * Gathers the review section of a queue.
 * @param queueId - the queue (the week's newest queue, see queueForWeek)
 * @param now - the generation time shown in the report (UTC ms)
 * @throws LoupeError NOT_FOUND when the queue does not exist
 */
export function buildReviewSection(ws: Workspace, queueId: number, now = Date.now()): ReviewSection {
  const db = ws.db;
  const zone = workspaceZone(ws);
  const est: WeekEstimates = queueEstimates(db, queueId);
  const design = db.value<string>('SELECT design FROM review_queues WHERE id = ?', [queueId])!;
  const { items } = primaryReviews(db, queueId);
  const texts = requestTexts(db, items.map((i) => i.request_id));
  const example = (i: (typeof items)[number]): ReportExample => {
    const t = texts.get(i.request_id);
    return { position: i.position, request_id: i.request_id, input: excerpt(t?.input ?? null), output: excerpt(t?.output ?? null), failed: i.failed, note: i.note };
  };
  const tagCount = new Map<number, number>();
  for (const i of items) for (const t of i.tag_ids) tagCount.set(t, (tagCount.get(t) ?? 0) + 1);
  const tagInfo = new Map(db.all<{ id: number; name: string; colour: string }>('SELECT id, name, colour FROM tags').map((t) => [t.id, t]));
  const topTags = [...tagCount].sort((a, b) => b[1] - a[1] || (tagInfo.get(a[0])?.name ?? '').localeCompare(tagInfo.get(b[0])?.name ?? '')).slice(0, 10)
    .map(([id, n]) => ({ tag_id: id, tag: tagInfo.get(id)?.name ?? String(id), colour: tagInfo.get(id)?.colour ?? '#495057', items: n, examples: items.filter((i) => i.tag_ids.includes(id)).slice(0, 3).map(example) }));
  // Notable notes: failures first, then the longest notes (they usually explain the most), at most 10.
  const notes = items.filter((i) => i.note).sort((a, b) => Number(b.failed) - Number(a.failed) || (b.note!.length - a.note!.length) || a.position - b.position).slice(0, 10).map(example);
  const agreement = queueAgreement(db, queueId);
  const rubric = getRubric(db);
  const uncovered = est.strata.filter((s) => s.population > 0 && s.reviewed === 0).map((s) => s.key);
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone }).toISO() ?? new Date(ms).toISOString();
  return {
    title: `Loupe review report: ${est.week ?? est.queue_name}`,
    generated_at: new Date(now).toISOString(),
    workspace: ws.file.split(/[\\/]/).pop() ?? ws.file,
    time_zone: zone,
    week: est.week,
    period: { from: fmt(est.from_ts), to: fmt(est.to_ts) },
    queue: { id: est.queue_id, name: est.queue_name, design: JSON.parse(design) as unknown },
    reviewers: est.reviewers,
    rubric_versions: est.rubric_versions,
    rubric: { version: rubric.version, criteria: rubric.criteria.map((c) => ({ id: c.id, label: c.label, kind: c.kind })) },
    coverage: {
      queued: est.queued, reviewed: est.queue_reviewed, skipped: est.skipped, population: est.population,
      strata_covered: est.strata.filter((s) => s.reviewed > 0).length, strata_total: est.strata.filter((s) => s.population > 0).length,
      strata: est.strata, strata_without_reviews: uncovered,
    },
    frame: est.frame,
    design: est.design,
    seen: { reviewed: est.reviewed, failures: est.failures, queue_reviewed: est.queue_reviewed, queue_failures: est.queue_failures },
    method: est.method,
    estimates: est.metrics,
    estimate_notes: est.notes,
    top_tags: topTags,
    notes,
    agreement: agreement.items_with_two_reviews > 0 ? agreement : null,
    skip_reasons: est.skip_reasons,
  };
}

/** "12 failures seen among 98 reviewed items (this queue: 10 of 90; the rest reviewed before it)." */
export function seenText(s: ReviewSection['seen']): string {
  const own = s.reviewed !== s.queue_reviewed ? ` (this queue: ${s.queue_failures} of ${s.queue_reviewed}; the rest reviewed before it)` : '';
  return `${s.failures} failure${s.failures === 1 ? '' : 's'} seen among ${s.reviewed} reviewed item${s.reviewed === 1 ? '' : 's'}${own}.`;
}

function requestTexts(db: Db, ids: readonly string[]): Map<string, { input: string | null; output: string | null }> {
  const out = new Map<string, { input: string | null; output: string | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const r of db.all<{ id: string; input: string | null; output: string | null }>(`SELECT id, input, output FROM requests WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk)) out.set(r.id, r);
  }
  return out;
}

