/**
 * The review part of the contract (queues, rubric, reviews, tags, estimates; the report is in ./contract-report), merged into the `contract`
 * object of ./contract. Kept in its own file so the review work grows without touching the core declarations.
 * Params are zod schemas (validated at every boundary); results are typed only. Errors: BAD_REQUEST (invalid
 * params, unknown criterion or tag, no reviewer name set), NOT_FOUND (queue, position, tag), CONFLICT (the period's
 * data changed since a queue was made).
 */
import { z } from 'zod';
import type {
  DecisionResult, DesignPlan, EdgeCase, PeriodWeeks, QueueAgreement, QueueCreated, QueueDetail, QueueSummary, RenderedFile, ReviewItem,
  ReviewTag, Rubric, SimulationResult, TagWeekCount, UndoResult, WeekEstimates,
} from './review-types';
import { REVIEW_SIGNALS } from './review-types';

/** Declares a method: its params schema and its result type (a local copy of contract.ts's helper, avoiding an import cycle). */
function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

/** An ISO week label, e.g. 2026-W47 (weeks 01-53). */
/**
 * ISO weeks in a year (ISO 8601): 53 when 1 January is a Thursday, or a Wednesday in a leap year; else 52.
 * @param year - the ISO week-numbering year
 */
export function isoWeeksInYear(year: number): 52 | 53 {
  const jan1 = new Date(Date.UTC(year, 0, 1)).getUTCDay();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 4 || (leap && jan1 === 3) ? 53 : 52;
}
/** An ISO week `YYYY-Www` that exists: W53 only in years that have one (2025-W53 does not). */
export const isoWeekSchema = z.string().regex(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/, 'expected an ISO week such as 2026-W47')
  .refine((w) => Number(w.slice(6)) <= isoWeeksInYear(Number(w.slice(0, 4))), 'expected an ISO week that exists (that year has 52 ISO weeks, no W53)');
/** A stratification field: a request column or `extra.<dotted path>`. */
export const strataFieldSchema = z.string().max(200).regex(/^(feature|model|model_version|segment|lang|status|user_id|session_id|cost_source|extra\.[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*)$/,
  'expected a request column (feature, model, model_version, segment, lang, status, user_id, session_id, cost_source) or extra.<path>');

const values = z.array(z.string().max(500)).max(200);
const share = z.number().min(0).max(1);
const queueId = z.number().int().positive();
const position = z.number().int().min(1);

export const queueFiltersSchema = z.object({
  model: values.optional(), model_version: values.optional(), feature: values.optional(), segment: values.optional(),
  lang: values.optional(), status: values.optional(), is_error: z.boolean().optional(),
  region: values.optional(), user_id: values.optional(),
}).strict();

/** A queue design as a caller gives it; defaults are applied by the store and the full design is stored. */
export const queueDesignSchema = z.object({
  name: z.string().max(200).optional(),
  week: isoWeekSchema.optional(),
  from_ts: z.number().int().optional(),
  to_ts: z.number().int().optional(),
  /** Also sample requests without a timestamp (benchmark logs and conversation dumps often have none). */
  include_undated: z.boolean().default(false),
  size: z.number().int().min(1).max(20000),
  strata: strataFieldSchema.nullable().optional(),
  allocation: z.enum(['proportional', 'equal']).default('proportional'),
  /** At least this many items per field stratum (default 2: a stratum needs two items for a variance of its own). */
  min_per_stratum: z.number().int().min(0).max(10000).default(2),
  filters: queueFiltersSchema.default({}),
  oversample: z.partialRecord(z.enum(REVIEW_SIGNALS), share).default({}),
  overlap: share.default(0),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
}).refine((d) => (d.week !== undefined) !== (d.from_ts !== undefined || d.to_ts !== undefined), { message: 'give either week or from_ts and to_ts' })
  .refine((d) => d.week !== undefined || (d.from_ts !== undefined && d.to_ts !== undefined && d.to_ts > d.from_ts), { message: 'to_ts must be after from_ts' })
  .refine((d) => Object.values(d.oversample).reduce((s: number, v) => s + (v ?? 0), 0) <= 1 + 1e-9, { message: 'oversample shares must sum to at most 1' });
export type QueueDesignInput = z.input<typeof queueDesignSchema>;

const verdict = z.union([z.enum(['pass', 'fail']), z.number().int().min(1).max(5), z.string().max(200)]);

export const rubricCriterionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected a lower-case id such as "correct"'),
  label: z.string().min(1).max(100),
  kind: z.enum(['pass_fail', 'scale', 'category']),
  options: z.array(z.string().min(1).max(100)).min(2).max(20).optional(),
  guidance: z.string().max(4000).default(''),
  required: z.boolean().optional(),
});

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour such as #d9480f');
const tagName = z.string().trim().min(1).max(80);

export const edgeCaseFilterSchema = z.object({
  tag_ids: z.array(z.number().int().positive()).max(100).optional(),
  week: isoWeekSchema.optional(),
  model_version: values.optional(),
});

const weekOrQueue = z.object({ week: isoWeekSchema.optional(), queue_id: queueId.optional() })
  .refine((p) => p.week !== undefined || p.queue_id !== undefined, { message: 'give week or queue_id' });

const queueExtendSchema = z.object({ queue_id: queueId, add: z.number().int().min(1).max(20000) });
const queueListSchema = z.object({ week: isoWeekSchema.optional() });
const queueRef = z.object({ queue_id: queueId });
const itemRef = z.object({ queue_id: queueId, position });
const nextOpenSchema = z.object({ queue_id: queueId, from: position.default(1) });
const sessionId = z.string().min(1).max(100);
export const submitSchema = z.object({
  queue_id: queueId, position, verdicts: z.record(z.string().max(40), verdict),
  tag_ids: z.array(z.number().int().positive()).max(50).default([]), note: z.string().max(10000).nullable().optional(),
  session_id: sessionId.optional(),
});
const skipSchema = z.object({ queue_id: queueId, position, reason: z.string().trim().min(1).max(1000), session_id: sessionId.optional() });
const undoSchema = z.object({ session_id: sessionId.optional() });
const reviewerSchema = z.object({ name: z.string().trim().min(1).max(100) });
const empty = z.object({});
const rubricGetSchema = z.object({ version: z.number().int().positive().optional() });
const rubricSaveSchema = z.object({ criteria: z.array(rubricCriterionSchema).min(1).max(30) });
const tagListSchema = z.object({ prefix: z.string().max(80).optional() });
const tagCreateSchema = z.object({ name: tagName, colour: colour.optional(), description: z.string().max(2000).default('') });
const tagRenameSchema = z.object({ tag_id: z.number().int().positive(), name: tagName, colour: colour.optional(), description: z.string().max(2000).optional() });
const tagMergeSchema = z.object({ from: z.number().int().positive(), into: z.number().int().positive() });
const edgeExportSchema = z.object({ filter: edgeCaseFilterSchema.default({}), format: z.enum(['jsonl', 'csv']) });

const rate = z.number().min(0).max(1);
/** A design to simulate: the queue design plus the synthetic failure rates and the number of seeds. */
export const simulateSchema = z.object({
  design: queueDesignSchema,
  /** Queues drawn (seeds design.seed, design.seed + 1, …). */
  seeds: z.number().int().min(10).max(100_000).default(1000),
  /** Failure rate of every request not in a named cell. */
  failure_rate: rate.optional(),
  /** Failure rate per cell: a field stratum key (feature=chat, all) or a signal (thumbs_down). */
  failure_rates: z.record(z.string().min(1).max(300), rate).optional(),
  /** Also find the queue size whose mean 95% half-width is at most this (a share, e.g. 0.02). */
  half_width: z.number().gt(0).max(0.5).optional(),
});
export type SimulateInput = z.input<typeof simulateSchema>;

/** The planner of the new-queue form: the design's half-width at plausible rates and the size for a precision. */
export const planSchema = z.object({
  design: queueDesignSchema,
  seeds: z.number().int().min(10).max(5000).default(300),
  /** Target half-width (share) at `target_rate`, for the size needed. */
  half_width: z.number().gt(0).max(0.5).optional(),
  target_rate: rate.optional(),
});
export type PlanInput = z.input<typeof planSchema>;

export const reviewMethods = {
  /** ISO weeks that hold requests, newest first, with their counts; and the undated requests (the form's default week). */
  'queues.weeks': method<typeof empty, PeriodWeeks>(empty),
  /** Simulates a design on the period's frame with synthetic outcomes through the real sampler and estimator
   * (electron/store/review/simulation.ts): coverage, mean estimate, relative bias, mean half-width. */
  'queues.simulate': method<typeof simulateSchema, SimulationResult>(simulateSchema),
  /** What a design will buy before it is created: the expected 95% half-width and coverage at plausible failure rates
   * and, with a target, the queue size needed. */
  'queues.plan': method<typeof planSchema, DesignPlan>(planSchema),
  /** Draws a stratified review queue (design and statistics: electron/store/review/sampling.ts). */
  'queues.create': method<typeof queueDesignSchema, QueueCreated>(queueDesignSchema),
  /** Adds `add` items from the queue's own population without changing the items already there. */
  'queues.extend': method<typeof queueExtendSchema, QueueCreated>(queueExtendSchema),
  /** Queues, newest first, with progress per queue and per reviewer. */
  'queues.list': method<typeof queueListSchema, QueueSummary[]>(queueListSchema),
  /** One queue: design, strata with N_h and n_h, items with status. */
  'queues.get': method<typeof queueRef, QueueDetail>(queueRef),
  /** The item at a queue position with its request, feedback, tickets and earlier reviews (blind where required). */
  'review.item': method<typeof itemRef, ReviewItem>(itemRef),
  /** First position at or after `from` that still needs the current reviewer's decision, or null. */
  'review.nextOpen': method<typeof nextOpenSchema, { position: number | null }>(nextOpenSchema),
  /** Records a review (journaled: durable when this returns). A later decision on the same item supersedes. */
  'review.submit': method<typeof submitSchema, DecisionResult>(submitSchema),
  /** Skips an item with a reason (journaled). */
  'review.skip': method<typeof skipSchema, DecisionResult>(skipSchema),
  /** Reverts the session's most recent decision not yet undone (journaled); call again to go further back. */
  'review.undo': method<typeof undoSchema, UndoResult>(undoSchema),
  /** Sets the reviewer name stored with every decision (kept in the workspace). */
  'review.setReviewer': method<typeof reviewerSchema, { reviewer: string }>(reviewerSchema),
  'review.getReviewer': method<typeof empty, { reviewer: string | null }>(empty),
  /** The rubric: the latest version, or the given one. */
  'rubric.get': method<typeof rubricGetSchema, Rubric>(rubricGetSchema),
  'rubric.versions': method<typeof empty, Rubric[]>(empty),
  /** Saves the criteria as a new rubric version (earlier reviews keep theirs). */
  'rubric.save': method<typeof rubricSaveSchema, Rubric>(rubricSaveSchema),
  /** Tags with their use counts, optionally filtered by a name prefix (autocomplete). */
  'tags.list': method<typeof tagListSchema, ReviewTag[]>(tagListSchema),
  'tags.create': method<typeof tagCreateSchema, ReviewTag>(tagCreateSchema),
  'tags.rename': method<typeof tagRenameSchema, ReviewTag>(tagRenameSchema),
  /** Merges `from` into `into`: every review tagged `from` is tagged `into`, and `from` is deleted. */
  'tags.merge': method<typeof tagMergeSchema, ReviewTag>(tagMergeSchema),
  /** Items per tag per ISO week (by the request's time, in the workspace zone). */
  'tags.weekly': method<typeof empty, TagWeekCount[]>(empty),
  /** Failure rate, criterion pass rates and tag rates for the queue's sampling frame (the period's requests less those
   * already reviewed and those repeating another request's input), with 95% intervals. */
  'estimates.week': method<typeof weekOrQueue, WeekEstimates>(weekOrQueue),
  /** Percent agreement and Cohen's kappa per criterion on overlap items; disagreements for adjudication. */
  'agreement.queue': method<typeof queueRef, QueueAgreement>(queueRef),
  /** Every tagged item across weeks, newest first. */
  'edgeCases.query': method<typeof edgeCaseFilterSchema, EdgeCase[]>(edgeCaseFilterSchema),
  /** The edge-case library as JSONL (an evaluation set) or CSV. */
  'edgeCases.export': method<typeof edgeExportSchema, RenderedFile>(edgeExportSchema),
} satisfies Record<string, { params: z.ZodType; result: unknown }>;
