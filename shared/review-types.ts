/**
 * Result types of the weekly review: review queues, the rubric, reviews, edge-case tags, estimates, agreement,
 * the edge-case library and the review report. Times are UTC epoch ms; shares are in [0, 1]; statistics that cannot
 * be computed are `null` (never NaN, which JSON cannot carry).
 */
import type { FeedbackRecord, RequestRecord, TicketLink, TicketRecord } from './types';

/** Signals a queue can oversample, in the fixed priority order that decides an item's signal stratum. */
export const REVIEW_SIGNALS = ['edge_case_repeat', 'thumbs_down', 'low_score', 'ticket', 'error', 'slow'] as const;
export type ReviewSignal = (typeof REVIEW_SIGNALS)[number];

/** Human wording of each signal, used in item reasons ("oversampled: thumbs-down"). */
export const SIGNAL_LABELS: Record<ReviewSignal, string> = {
  /** The input repeats a tagged edge case of an earlier week (the regression check; electron/store/review/edge-case-repeat.ts). */
  edge_case_repeat: 'repeats an earlier edge case',
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
  /** Stable key, e.g. "signal:thumbs_down", "feature=summarize", "all", or "reviewed" (the take-all stratum). */
  key: string;
  /** `reviewed`: the requests of the period reviewed before the queue was made; not drawn again, their reviews count
   * with inclusion probability 1. */
  kind: 'signal' | 'field' | 'all' | 'reviewed';
  /** Requests of the stratum N_h. */
  population: number;
  /** Items drawn n_h; every item's inclusion probability is n_h / N_h (0 for the `reviewed` stratum). */
  sampled: number;
  /** Requests left out before sampling as already reviewed: only in queues made before every request stayed in the
   * frame (0 since). */
  excluded_reviewed: number;
  /** Requests left out as repeating an earlier request's input: only in queues made before repeated inputs stayed in
   * the frame (0 since). */
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
  /** Requests in the period after filters (the frame). */
  requests_in_period: number;
  /** Requests of the frame without a timestamp (only when the design includes them). */
  undated: number;
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
  /** `verdict`: the primary review's pass or fail (on an overlap item, only the viewer's own); null when none. */
  items: Array<QueueItem & { status: 'open' | 'reviewed' | 'skipped'; reviewers: string[]; verdict: 'pass' | 'fail' | null }>;
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
  /**
   * An item with the same input and output already reviewed in this queue (or in another queue under the current
   * rubric version), whose decision the review screen pre-fills for one-key confirmation; null when there is none.
   * On an overlap item only the current reviewer's own reviews are considered (the second review stays blind).
   */
  same_content: SameContent | null;
}

/** A review of an identical item (same input and output text), see {@link ReviewItem.same_content}. */
export interface SameContent {
  request_id: string;
  queue_id: number | null;
  /** Its position when it is in this queue, else null. */
  position: number | null;
  reviewer: string;
  rubric_version: number;
  verdicts: Record<string, VerdictValue>;
  tags: Array<{ id: number; name: string; colour: string }>;
  failed: boolean;
  created_at: number;
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

/** The interval method every rate estimate uses (see shared/stats/stratified-interval.ts). */
export const INTERVAL_METHOD = {
  id: 'clopper_pearson_effective',
  name: 'Clopper–Pearson interval at the effective sample size (Korn–Graubard degrees of freedom, iid-model variance floor)',
  reference: 'Clopper & Pearson 1934; Korn & Graubard 1998; Kott & Liu 2009; Brown, Cai & DasGupta 2001',
} as const;

/** A stratum merged into others by an estimate, and why (see shared/stats/stratified-interval.ts). */
export interface CollapsedStratumNote {
  key: string;
  into: string[];
  population: number;
  /** `no_reviewed_item`: counted at the rate of `into`; `one_reviewed_item`: merged for the variance only. */
  reason: 'no_reviewed_item' | 'one_reviewed_item';
}

/**
 * One estimated rate for the queue's frame: the period's requests after the queue's filters (see
 * {@link WeekEstimates.frame}).
 */
export interface RateEstimate {
  /** "failure", "criterion:<id>" or "tag:<id>". */
  key: string;
  label: string;
  kind: 'failure_rate' | 'pass_rate' | 'tag_rate';
  /** Estimate for the frame (weights 1/π, take-all stratum at weight 1); null when nothing is reviewed. */
  estimate: number | null;
  /** Design standard error (Cochran's stratified variance, collapsed strata); null with no estimate. */
  se: number | null;
  low: number | null;
  high: number | null;
  /** `clopper_pearson_effective`: {@link INTERVAL_METHOD}; `census`: every covered stratum fully reviewed (no sampling
   * error); `none`: nothing reviewed. */
  method: 'clopper_pearson_effective' | 'census' | 'none';
  /** The method's name as reports print it. */
  method_name: string;
  /** Effective sample size the interval is computed at; null for a census or no estimate. */
  effective_n: number | null;
  /** Plain share among reviewed items (unweighted), to show the effect of oversampling. */
  sample_rate: number | null;
  /** Reviewed items with an outcome for this rate, and events seen among them (failures, passes, tagged items). */
  n: number;
  k: number;
  /** True when, and only when, simulation of this design shows its 95% interval cannot keep coverage of at least
   * 93% (or nothing is reviewed); `reason` and `reasons` say so with the simulated figure. */
  small_sample: boolean;
  /** One short sentence when `small_sample` (the same on many rows); null otherwise. */
  reason: string | null;
  /** Every small-sample finding in full; empty when none. */
  reasons: string[];
  /** Coverage of this design's 95% interval in simulation at rates like the observed ones (lowest of three
   * scenarios, 200 draws each); null when not simulated (no estimate, or a census). */
  simulated_coverage: number | null;
  /** Share of the frame's requests the estimate covers: 1 unless a stratum with requests has no reviewed item and
   * nothing can stand in for it (listed in `uncovered`). */
  covered_share: number;
  /**
   * Share of the frame's requests in strata with a reviewed item (at most covered_share: the field strata with none
   * that are counted at the reviewed ones' rate are in covered_share, not here).
   */
  reviewed_share: number;
  /** Strata merged into others (a field stratum with no reviewed item counted at the other field strata's rate, or a
   * stratum with one reviewed item merged for its variance). */
  collapsed: CollapsedStratumNote[];
  /** Strata with requests but no reviewed item that the estimate cannot cover (signal strata). */
  uncovered: Array<{ key: string; population: number }>;
  /** Every note about collapsed or uncovered strata, in words (shown with the estimate). */
  notes: string[];
}

/** Estimates of one queue (the week's queue). */
export interface WeekEstimates {
  queue_id: number;
  queue_name: string;
  week: string | null;
  from_ts: number;
  to_ts: number;
  /** Requests the estimates hold for (Σ N_h): the frame. */
  population: number;
  /**
   * The frame: every request of the period after the queue's filters (`requests`). `reviewed_earlier` of them were
   * reviewed before the queue was made and count with their reviews (a take-all stratum). `excluded_reviewed` and
   * `excluded_duplicates` are requests that queues made before this rule left out (0 for newer queues);
   * `requests_in_period` = requests + both exclusions.
   */
  frame: {
    requests: number; requests_in_period: number; reviewed_earlier: number; excluded_reviewed: number; excluded_duplicates: number;
    /**
     * Requests of the period (after the queue's filters) imported after the queue was made: in no stratum, so not
     * covered by the estimates; counted in `requests_in_period`.
     */
    imported_after: number;
    /** Requests without a timestamp in the frame (the queue included undated requests). */
    undated: number;
    /** The queue's own filters in words (e.g. "feature is chat or search"); empty when none. */
    filters: string[];
  };
  /** How the estimate combines the queue with earlier reviews of the period, in one sentence. */
  design: string;
  queued: number;
  /** Items with a review counted in the estimates (this queue's primary reviews plus earlier reviews of the period). */
  reviewed: number;
  /** Failures seen among them. */
  failures: number;
  /** This queue's items reviewed, and those of them that failed. */
  queue_reviewed: number;
  queue_failures: number;
  skipped: number;
  /** Skipped items by reason (most frequent first). */
  skip_reasons: Array<{ reason: string; items: number }>;
  /** The interval method of every rate (see {@link INTERVAL_METHOD}). */
  method: { id: string; name: string; reference: string };
  rubric_versions: number[];
  reviewers: string[];
  strata: Array<{ key: string; kind: QueueStratum['kind']; population: number; queued: number; reviewed: number; failures: number }>;
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

/** Weeks the new-queue form can propose (`queues.weeks`). */
export interface PeriodWeeks {
  /** ISO weeks (in the workspace zone) that hold requests, newest first, with their request counts (at most 60). */
  weeks: Array<{ week: string; from_ts: number; to_ts: number; requests: number }>;
  /** Requests without a timestamp (they belong to no week). */
  undated: number;
}

/** One simulated design at one set of failure rates (`queues.simulate`, `loupe simulate`). */
export interface SimulatedDesign {
  size: number;
  strata: string | null;
  oversample: Partial<Record<ReviewSignal, number>>;
  min_per_stratum: number;
  /** The rates as given: `failure_rate` for every request, `failure_rates` per cell (field stratum key or signal). */
  failure_rate: number | null;
  failure_rates: Record<string, number>;
  /** The frame's share of synthetic failures. */
  true_rate: number;
  /** Share of seeds whose 95% interval held the true rate, and whose interval lay wholly below / above it. */
  coverage: number;
  below: number;
  above: number;
  mean_estimate: number;
  /** (mean estimate − true rate) / true rate; null when the true rate is 0. */
  relative_bias: number | null;
  /** Mean of (high − low) / 2, as a share. */
  mean_half_width: number;
  /** Other intervals on the same draws (e.g. the previous method), by name. */
  compare: Record<string, { coverage: number; mean_half_width: number }>;
  seeds: number;
  /** The design's strata: requests N_h, items drawn n_h, synthetic failures. */
  frame: Array<{ key: string; kind: string; population: number; sampled: number; failures: number }>;
}

/** What `loupe simulate --json` prints: every simulated design, and the first one's figures at the top. */
export interface SimulationResult {
  designs: SimulatedDesign[];
  coverage: number;
  mean_estimate: number;
  true_rate: number;
  relative_bias: number | null;
  mean_half_width: number;
  seeds: number;
  /** With a target half-width: the smallest queue size whose mean half-width meets it (null: not even every request). */
  size_for_half_width?: number | null;
}

/** The new-queue form's planner (`queues.plan`). */
export interface DesignPlan {
  /** Requests of the frame, and those that can be drawn (not reviewed before). */
  frame_requests: number;
  drawable: number;
  /** Items per stratum the design would draw. */
  strata: Array<{ key: string; kind: string; population: number; sampled: number }>;
  /** Per plausible failure rate (the same in every stratum): expected half-width and coverage of the 95% interval. */
  rates: Array<{ rate: number; mean_half_width: number; coverage: number }>;
  /** With a target: the queue size for a mean half-width of `half_width` at `rate` (null: not reachable). */
  target: { half_width: number; rate: number; size: number | null } | null;
  seeds: number;
  ms: number;
}
