/**
 * Result types of the weekly review: review queues, the rubric, reviews, edge-case tags, estimates, agreement,
 * the edge-case library and the review report. Times are UTC epoch ms; shares are in [0, 1]; statistics that cannot
 * be computed are `null` (never NaN, which JSON cannot carry).
 */
import type { FeedbackRecord, RequestRecord, TicketLink, TicketRecord } from './types';

/** Signals a queue can oversample, in the fixed priority order that decides an item's signal stratum. */
export const REVIEW_SIGNALS = ['thumbs_down', 'low_score', 'ticket', 'error', 'slow'] as const;
export type ReviewSignal = (typeof REVIEW_SIGNALS)[number];

/** Human wording of each signal, used in item reasons ("oversampled: thumbs-down"). */
export const SIGNAL_LABELS: Record<ReviewSignal, string> = {
  thumbs_down: 'thumbs-down',
  low_score: 'low score',
  ticket: 'linked ticket',
  error: 'error',
  slow: 'latency above the week\'s p95',
};

/** Request columns a queue may stratify on (besides `extra.<path>`). */
export const STRATA_COLUMNS = ['feature', 'model', 'model_version', 'segment', 'lang', 'status', 'user_id', 'session_id', 'cost_source'] as const;

/** Filters narrowing a queue's population: each listed column must take one of the values. */
export interface QueueFilters {
  model?: string[];
  model_version?: string[];
  feature?: string[];
  segment?: string[];
  lang?: string[];
  status?: string[];
  is_error?: boolean;
  region?: string[];
  user_id?: string[];
}

/** The whole design of a review queue, stored with it (after defaults are applied). */
export interface QueueDesign {
  name: string;
  /** ISO week label such as 2026-W47 (in the workspace time zone), or null for an explicit range. */
  week: string | null;
  /** Start (inclusive) and end (exclusive) of the period, UTC epoch ms. */
  from_ts: number;
  to_ts: number;
  /** Whether requests without a timestamp belong to the population too (false in designs stored before it existed). */
  include_undated?: boolean;
  time_zone: string;
  /** Requested queue size N (the queue is smaller only when fewer items are eligible). */
  size: number;
  /** Request column or `extra.<json path>` to stratify on; null: one stratum for the rest. */
  strata: string | null;
  allocation: 'proportional' | 'equal';
  /** Minimum items per field stratum (capped by the stratum's size). */
  min_per_stratum: number;
  filters: QueueFilters;
  /** Share of `size` drawn from each oversampled signal's stratum; the shares sum to at most 1. */
  oversample: Partial<Record<ReviewSignal, number>>;
  /** Share of the queue also assigned, blind, to a second reviewer. */
  overlap: number;
  seed: number;
}

/** One stratum of a queue: its population, queued count and why it exists. */
export interface QueueStratum {
  /** Stable key, e.g. "signal:thumbs_down" or "feature=summarize". */
  key: string;
  kind: 'signal' | 'field' | 'all';
  /** Eligible population N_h (distinct inputs, not yet reviewed) in the period. */
  population: number;
  /** Items drawn n_h; every item's inclusion probability is n_h / N_h. */
  sampled: number;
  /** Requests of the stratum left out before sampling because they were already reviewed. */
  excluded_reviewed: number;
  /** Requests left out because their input text duplicates an earlier request's. */
  excluded_duplicates: number;
}

/** What a queue froze at creation so an extension draws from the very same population. */
export interface QueueFrame {
  /** Highest requests rowid included; later imports are not part of the queue's population. */
  max_rowid: number;
  /** Reviews created at or before this time excluded their requests. */
  reviews_before: number;
  /** p95 latency (ms) of the period's eligible requests, when `slow` is oversampled (type-7 quantile). */
  p95_latency_ms: number | null;
  /** Requests in the period after filters, before exclusions. */
  requests_in_period: number;
}

/** A queue item as `queues.create` and `queues.get` return it. */
export interface QueueItem {
  position: number;
  request_id: string;
  stratum: string;
  reason: string;
  inclusion_probability: number;
  /** Assigned to a second, blind reviewer as well. */
  overlap: boolean;
  /** 0 for the items drawn at creation, 1, 2, ... for each extension. */
  batch: number;
}

/** Progress of one reviewer on a queue. */
export interface ReviewerProgress { reviewer: string; reviewed: number; skipped: number }

/** A queue in the list, with progress. */
export interface QueueSummary {
  id: number;
  name: string;
  week: string | null;
  from_ts: number;
  to_ts: number;
  created_at: number;
  size: number;
  /** Items with a decision (reviewed or skipped) by at least one reviewer. */
  decided: number;
  /** Items reviewed (not skipped) by at least one reviewer. */
  reviewed: number;
  skipped: number;
  overlap_items: number;
  /** Overlap items reviewed by two different reviewers. */
  overlap_done: number;
  reviewers: ReviewerProgress[];
}

/** A queue with its design, strata and items. */
export interface QueueDetail extends QueueSummary {
  design: QueueDesign;
  strata: QueueStratum[];
  frame: QueueFrame;
  items: Array<QueueItem & { status: 'open' | 'reviewed' | 'skipped'; reviewers: string[] }>;
}

/** `queues.create` / `queues.extend` result; `items` are the ones added by this call. */
export interface QueueCreated {
  queue_id: number;
  items: QueueItem[];
  strata: QueueStratum[];
  notes: string[];
}

/** One rubric criterion. */
export interface RubricCriterion {
  /** Stable identifier used in verdicts, e.g. "correct". */
  id: string;
  label: string;
  kind: 'pass_fail' | 'scale' | 'category';
  /** Category options (kind category only). */
  options?: string[];
  /** Guidance shown while reviewing. */
  guidance: string;
  /** Whether a review must give this verdict. Pass/fail criteria are always required. */
  required: boolean;
}

/** One version of the workspace rubric. */
export interface Rubric { version: number; created_at: number; criteria: RubricCriterion[] }

/** A verdict value: "pass" | "fail" for pass/fail, 1-5 for a scale, an option for a category. */
export type VerdictValue = 'pass' | 'fail' | number | string;

/** An edge-case tag. */
export interface ReviewTag { id: number; name: string; colour: string; description: string; created_at: number; uses: number }

/** One decision as stored. */
export interface ReviewRecord {
  id: number;
  queue_id: number | null;
  request_id: string;
  reviewer: string;
  rubric_version: number;
  verdicts: Record<string, VerdictValue>;
  /** Whether any pass/fail criterion failed; null for a skip. */
  failed: boolean | null;
  tags: Array<{ id: number; name: string; colour: string }>;
  note: string | null;
  skipped: boolean;
  skip_reason: string | null;
  created_at: number;
}

/** What the review screen shows for one queue position. */
export interface ReviewItem {
  queue_id: number;
  position: number;
  size: number;
  item: QueueItem;
  request: RequestRecord;
  feedback: FeedbackRecord[];
  tickets: Array<TicketRecord & { link: TicketLink }>;
  /** The current reviewer's own effective decision on this item, if any. */
  mine: ReviewRecord | null;
  /** Other reviewers' effective decisions; empty while the item is blind for this reviewer. */
  earlier_reviews: ReviewRecord[];
  /** True when other reviewers' decisions are withheld (overlap item this reviewer has not decided yet). */
  blind: boolean;
  /** Number of withheld decisions (their content is not sent). */
  hidden_reviews: number;
  reviewer: string | null;
  rubric: Rubric;
  /** Next and previous positions that still need this reviewer's decision (null at either end). */
  next_open: number | null;
  prev_open: number | null;
}

/** Result of a decision. */
export interface DecisionResult {
  review_id: number;
  session_id: string;
  failed: boolean | null;
  /** Time from the call reaching the store to the journal fsync returning, ms. */
  durable_ms: number;
  next_open: number | null;
}

/** Result of an undo: the decision reverted, or null when the session has nothing left to undo. */
export interface UndoResult { undone: { review_id: number; queue_id: number | null; position: number | null; request_id: string } | null; session_id: string }

/**
 * One estimated rate for the queue's sampling frame: the period's requests less those already reviewed and those
 * repeating another request's input text (see {@link WeekEstimates.frame}).
 */
export interface RateEstimate {
  /** "failure", "criterion:<id>" or "tag:<id>". */
  key: string;
  label: string;
  kind: 'failure_rate' | 'pass_rate' | 'tag_rate';
  /** Population estimate (weights 1/π); null when a stratum with population has no reviewed item. */
  estimate: number | null;
  se: number | null;
  low: number | null;
  high: number | null;
  /** "wilson" for a single-stratum (simple random) sample; "stratified" otherwise: Cochran's stratified variance
   * with FPC for se, and Korn-Graubard's interval (Clopper-Pearson at the effective sample size). */
  method: 'wilson' | 'stratified';
  /** Plain share among reviewed items (unweighted), to show the effect of oversampling. */
  sample_rate: number | null;
  n: number;
  k: number;
  small_sample: boolean;
  /** One short sentence when `small_sample` (the same on many rows); null otherwise. */
  reason: string | null;
  /** Every small-sample finding in full (e.g. "only 7 reviewed items (fewer than 30)"); empty when none. */
  reasons: string[];
}

/** Estimates of one queue (the week's queue). */
export interface WeekEstimates {
  queue_id: number;
  queue_name: string;
  week: string | null;
  from_ts: number;
  to_ts: number;
  /** Population the estimates hold for (Σ N_h): the requests of the sampling frame. */
  population: number;
  /**
   * The sampling frame: `requests` (= population) are the period's `requests_in_period` (after filters) less
   * `excluded_reviewed` (already reviewed) and `excluded_duplicates` (repeating another request's input text).
   */
  frame: { requests: number; requests_in_period: number; excluded_reviewed: number; excluded_duplicates: number };
  queued: number;
  reviewed: number;
  skipped: number;
  rubric_versions: number[];
  reviewers: string[];
  strata: Array<{ key: string; population: number; queued: number; reviewed: number; failures: number }>;
  metrics: RateEstimate[];
  notes: string[];
}

/** Agreement on one criterion between the first two reviewers of overlap items. */
export interface CriterionAgreement {
  criterion: string;
  label: string;
  kind: 'pass_fail' | 'scale' | 'category' | 'failure';
  n: number;
  /** Percent agreement, 0-100. */
  percent_agreement: number | null;
  kappa: number | null;
  /** Linear weighted kappa (scale criteria only). */
  weighted_kappa: number | null;
}

export interface Disagreement {
  position: number;
  request_id: string;
  criterion: string;
  reviewer_a: string;
  value_a: VerdictValue | null;
  reviewer_b: string;
  value_b: VerdictValue | null;
}

export interface QueueAgreement {
  queue_id: number;
  items_with_two_reviews: number;
  pairs: Array<{ reviewer_a: string; reviewer_b: string; items: number }>;
  criteria: CriterionAgreement[];
  disagreements: Disagreement[];
}

/** One tagged item in the edge-case library. */
export interface EdgeCase {
  request_id: string;
  import_id: number | null;
  ts: number | null;
  week: string | null;
  model: string | null;
  model_version: string | null;
  feature: string | null;
  input: string | null;
  output: string | null;
  tags: Array<{ id: number; name: string; colour: string }>;
  notes: Array<{ reviewer: string; note: string }>;
  verdicts: Record<string, VerdictValue>;
  failed: boolean | null;
  rubric_version: number;
  reviewers: string[];
  review_ids: number[];
  queue_ids: number[];
}

/** Counts of one tag per ISO week (by the request's time, in the workspace zone). */
export interface TagWeekCount { tag_id: number; tag: string; week: string; items: number }

/** A rendered text file (report, export) with a suggested file name. */
export interface RenderedFile { text: string; file_name: string; mime: string; count?: number }
