/**
 * The weekly report as one typed object: every section's numbers, built once (./build.ts) and rendered to Markdown,
 * HTML, PDF, CSV and JSON from this same object (./render-*.ts). The JSON format is this object.
 *
 * Units: times are UTC epoch ms (`*_ts`) plus dates in the workspace time zone for reading; rates and shares are in
 * [0, 1]; latencies ms; costs USD; tokens are tokens; NPS is in points from −100 to 100. A statistic that cannot be
 * computed is `null` (JSON has no NaN). Every interval is a 95% interval.
 */
import type { Alert, AlertRuleId } from '../../../shared/contract-alerts';
import type { ReviewSection } from './sources/review';

/** A section the workspace has data for, or one line saying why it has none. */
export type Section<T> = { available: true; data: T } | { available: false; reason: string };

/** A share with its 95% interval and the counts it rests on (k events of n). */
export interface Share {
  rate: number | null;
  low: number | null;
  high: number | null;
  k: number;
  n: number;
  /** How the interval was computed, e.g. "Wilson score". */
  method: string;
}

/**
 * A change between last week and this week: the difference (this − last), its 95% interval and whether the
 * interval excludes 0 (the test at the 5% level).
 */
export interface Change {
  /** this − last, in the measure's unit (a share's difference is in [−1, 1]; NPS in points). */
  difference: number | null;
  low: number | null;
  high: number | null;
  /** True when the 95% interval of the difference excludes 0. */
  significant: boolean;
  /** Two-sided p-value of the difference (normal approximation), when one can be computed. */
  p_value: number | null;
  method: string;
}

/** One of the three to five findings at the top of the report. */
export interface Finding {
  /** Stable id, e.g. "drift:support-chat", "alert:error_rate:search-answer". */
  id: string;
  /** The section it comes from. */
  section: 'review' | 'feedback' | 'tickets' | 'metrics' | 'alerts' | 'drift';
  /** One sentence with its number(s), e.g. "support-chat thumbs-down share rose to 43.8% (28 of 64) from 10.3% (4 of 39)". */
  text: string;
  /** The headline number in `unit`. */
  value: number | null;
  /** `p_value`: a drift finding's headline is its Benjamini–Hochberg adjusted p (no share of anything). */
  unit: 'share' | 'ms' | 'usd' | 'chars' | 'points' | 'count' | 'per_1000' | 'p_value';
  /** Where it comes from: the data and the method, e.g. "metrics.drift, chi-square test vs 2026-W41 – 2026-W44, BH-adjusted p < 0.001". */
  source: string;
  /** Larger is more important; used to order and pick the findings. */
  weight: number;
}

/** The failure rate of this week against last week's, each from its own queue and design. */
/** One week's failure-rate estimate, from its review queue. */
export interface FailureSide {
  week: string; queue_id: number; estimate: number | null; low: number | null; high: number | null; se: number | null; reviewed: number; failures: number; method: string;
  /** Share (0-1) of the frame's requests in strata with at least one reviewed item: below 1 the estimate is of those
   * strata only, not of the week. */
  covered_share: number;
}

export interface FailureComparison {
  this_week: FailureSide;
  last_week: FailureSide | null;
  change: Change | null;
  /** Why there is no comparison, when `change` is null. */
  note: string | null;
}

/** A tag whose estimated rate rose from last week. */
export interface TagRise {
  tag: string;
  this_week: Share & { estimate: number | null };
  last_week: Share & { estimate: number | null };
  change: Change;
}

/** Requests of the week whose input repeats a tagged edge case of an earlier week. */
export interface RegressionCheck {
  /** Tagged edge cases before this week (distinct normalised inputs). */
  edge_cases_before: number;
  /** Requests of the week whose normalised input matches one of them. */
  matching_requests: number;
  /** Of those, items in the week's queue (any stratum). */
  in_queue: number;
  reviewed: number;
  failed_again: number;
  /** Whether the queue oversampled the `edge_case_repeat` signal (its own stratum). */
  own_stratum: boolean;
  /** Up to 10 matches that were reviewed, with the earlier case's tags. */
  examples: Array<{ request_id: string; earlier_request_id: string; earlier_week: string | null; tags: string[]; failed: boolean | null; position: number | null }>;
  method: string;
}

export interface ReviewWeek {
  section: ReviewSection;
  failure: FailureComparison;
  tags_rose: TagRise[];
  regression: RegressionCheck;
  /** Skip reasons with their counts, most frequent first. */
  skip_reasons: Array<{ reason: string; items: number }>;
}

/** Ratings of one scale in one week: how many, their mean, and the share rated low (≤ 0.4 × scale) with its Wilson interval. */
export interface OtherRatings {
  n: number;
  mean: number | null;
  low: Share;
}

/** Counts of one week's feedback on requests that are not in the workspace (FeedbackWeek.missing_requests). */
export interface MissingRequestFeedback {
  /** Feedback rows of any kind. */
  rows: number;
  /** All feedback rows of the week, of any kind (by their own time, else their request's), for the share. */
  week_rows: number;
  /** Distinct request ids they name. */
  requests: number;
  /** Of `rows`, those automated evaluators wrote: in none of the figures (the measures below leave them out). */
  automated: number;
  thumbs: { n: number; up: number };
  /** CSAT answers (ratings 1-5) and those of 4 or 5. */
  csat: { n: number; satisfied: number };
  /** NPS answers 0-10: detractors (0-6) and promoters (9-10). */
  nps: { n: number; promoters: number; detractors: number };
  /** Ratings on other scales, per scale: how many, their sum, and how many are ≤ 0.4 × scale. */
  other_ratings: Array<{ scale: number; n: number; sum: number; low: number }>;
}

export interface FeedbackWeek {
  thumbs: { this_week: Share & { up: number; down: number }; last_week: Share & { up: number; down: number }; change: Change | null };
  /** Thumbs by feature (breakdown of metrics.series), this week and last. */
  thumbs_by_feature: Array<{ feature: string; this_week: Share; last_week: Share; change: Change | null }>;
  csat: { this_week: Share; last_week: Share; change: Change | null };
  nps: {
    this_week: { nps: number | null; low: number | null; high: number | null; promoters: number; passives: number; detractors: number; n: number };
    last_week: { nps: number | null; low: number | null; high: number | null; promoters: number; passives: number; detractors: number; n: number };
    /** The week `last_week` is from: the latest earlier week with NPS answers in the trend window (surveys are
     * periodic), or null when there is none. */
    compared_week: string | null;
    change: Change | null;
    method: string;
  };
  /**
   * Ratings on scales other than 1-5 (e.g. 1-10 judge scores), per scale, this week and last: not CSAT (defined on
   * 1-5 only), so counted here with their mean and the share the Feedback screen reads as negative (value ≤ 0.4 ×
   * scale, feedback/terms.ts). Attributed like the Metrics screen's feedback: by the feedback's own time, else its
   * request's.
   */
  other_ratings: Array<{ scale: number; this_week: OtherRatings; last_week: OtherRatings }>;
  /**
   * Thumbs, ratings and NPS answers automated evaluators wrote (an LLM judge, a scoring rule: feedback/automated.ts),
   * this week and last, attributed as above: no user's answer, so in none of the figures above (other_ratings
   * included), counted here to be said; `ratings`: their ratings per scale (1-5 ones too), as other_ratings gives
   * users' ratings on other scales.
   */
  automated: { this_week: number; last_week: number; ratings: Array<{ scale: number; this_week: OtherRatings; last_week: OtherRatings }> };
  /**
   * The week's feedback whose request id names no request of the workspace (its request was not imported): counted
   * in every figure above, as the Metrics screen counts it, and given apart here so the report can say what the
   * figures are without it. By the feedback's own time (it has no request to take one from).
   */
  missing_requests: MissingRequestFeedback;
  /** The week's comments the negative-terms analysis compared (the Feedback screen's "What negative feedback says");
   * `missing_request`: of them, those on requests not in the workspace. */
  comments: { negative: number; other: number; negative_missing_request: number; other_missing_request: number };
  /** Terms that distinguish negative comments from the rest, where that analysis exists; else the reason. */
  negative_terms: Section<Array<{ term: string; z: number; negative: number; other: number }>>;
}

export interface TicketsWeek {
  tickets: number;
  requests: number;
  /** Tickets per 1,000 requests, with the exact Poisson 95% interval (tickets/analysis.ts `ticketRates`). */
  rate_per_1000: { rate: number | null; low: number | null; high: number | null };
  last_week: { tickets: number; requests: number; rate: number | null; low: number | null; high: number | null };
  change: Change | null;
  linked: number;
  top_categories: Array<{ category: string; tickets: number; last_week: number }>;
  by_priority: Array<{ priority: string; tickets: number }>;
  by_channel: Array<{ channel: string; tickets: number }>;
  /** Tickets of the workspace without a creation time: in no week, so in neither week's figures (said under the section). */
  undated_tickets: number;
  method: string;
}

export interface MetricsWeek {
  requests: number;
  last_week_requests: number;
  error_rate: Share;
  last_week_error_rate: Share;
  error_change: Change | null;
  latency: { p50: number | null; p95: number | null; p99: number | null; n: number };
  last_week_latency: { p50: number | null; p95: number | null; p99: number | null; n: number };
  /** Means and totals over the requests that have a count; `in_n` / `out_n` say how many of the week's requests do. */
  tokens: { in_mean: number | null; out_mean: number | null; in_total: number; out_total: number; in_n: number; out_n: number };
  /** USD totals; null when no request of the week has a cost (no cost known is not $0 spent). */
  cost: { total_usd: number | null; mean_usd: number | null; with_cost: number; last_week_total_usd: number | null };
  by_feature: Array<{
    /** `with_status`: the requests with a status or an error message, over which `error_rate` is (errors / with_status). */
    feature: string; requests: number; errors: number; with_status: number; error_rate: number | null; p95_ms: number | null;
    last_week: { requests: number; errors: number; with_status: number; error_rate: number | null; p95_ms: number | null };
    error_change: Change | null;
  }>;
  top_features_by_cost: Array<{ feature: string; cost_usd: number; requests: number }>;
  top_users_by_cost: Array<{ user_id: string; cost_usd: number; requests: number }>;
  /** Weekly trend (the same buckets as the Metrics screen's charts), oldest first, ending with this week. */
  trend: Array<{
    /** `with_status`: the week's requests with a status or an error message (the error rate's denominator). */
    week: string; requests: number; with_status: number; error_rate: number | null; error_low: number | null; error_high: number | null;
    p50: number | null; p95: number | null; p99: number | null; cost_usd: number | null; thumbs_up_rate: number | null;
    thumbs_low: number | null; thumbs_high: number | null; thumbs_n: number;
  }>;
  quantile_method: string;
}

/**
 * One alert of the week, as the alert rules raised it (electron/store/alerts, the Metrics screen's alerts): the
 * fields of `alerts.list`'s Alert (shared/contract-alerts.ts documents them), plus what the report adds.
 */
export interface ReportAlert extends Pick<Alert, 'key' | 'rule' | 'metric' | 'bucket_unit' | 'bucket' | 'bucket_start' | 'group' | 'value'
  | 'baseline' | 'threshold' | 'p_value' | 'n' | 'summary' | 'state' | 'note'> {
  /** The group in words: "all traffic", "feature search-answer", "model version 2026-07-18". */
  scope: string;
  /** Daily cost: the users, features and models whose cost grew most (names only, largest increase first). */
  sources: { user: string[]; feature: string[]; model: string[] } | null;
  /** Ongoing when the same rule raised an alert for the same metric and group in the week before; else new. */
  status: 'new' | 'ongoing';
  /** The rule's runbook (the workspace's checklist) and the steps ticked off for this alert (0-based). */
  runbook: { title: string; steps: string[]; checked: number[] };
}

export interface AlertsWeek {
  /** Open first, then by bucket (newest first), as the Metrics screen lists them. */
  alerts: ReportAlert[];
  counts: { open: number; acknowledged: number; resolved: number };
  /** The enabled rules in words (thresholds, baselines, buckets, levels). */
  rules: Array<{ rule: AlertRuleId; title: string; text: string }>;
  /** Bucket × group tests judged in the week and the false alerts chance alone would raise among them (at most). */
  tests: { judged: number; expected_false_alerts: number };
  /** Requests without a timestamp, in no bucket and so left out of every rule. */
  undated_requests: number;
  source: string;
}

export interface DriftWeek {
  reference: { label: string; from_ts: number; to_ts: number; requests: number };
  current: { label: string; requests: number };
  /** Rows flagged (rejected after Benjamini–Hochberg across all features' tests, or PSI above the threshold). */
  findings: Array<{
    scope: string; column: string; test: string; statistic: number | null; p_adjusted: number | null; psi: number | null;
    rejected: boolean; psi_flag: boolean; mean_reference: number | null; mean_current: number | null;
    shares: Array<{ category: string; reference: number; current: number }> | null;
    /** Requests of each window without a value in this (numeric) column: left out of its test, said in the table. */
    n_without_value: { reference: number; current: number };
    /** False when last week's own comparison (against the four weeks before it) flagged the same column: an
     * ongoing change; null when that comparison has no such row. */
    new_this_week: boolean | null;
  }>;
  /** Scopes compared (whole traffic, then each feature) and how many rows each tested. */
  scopes: Array<{ scope: string; tested: number; flagged: number; requests_reference: number; requests_current: number }>;
  alpha: number;
  /** Requests without a timestamp: in neither window, so in no test (said under the table). */
  undated_requests: number;
  /** Dated requests of the two windows that are in no compared scope (per-feature mode), with the reason (said under the table). */
  not_compared: { reference: number; current: number; reason: string };
  method: string;
}

/** The whole report. */
export interface WeeklyReport {
  format_version: 1;
  title: string;
  week: string;
  previous_week: string;
  period: { from_ts: number; to_ts: number; first_day: string; last_day: string; label: string; time_zone: string };
  generated_at: string;
  workspace: string;
  summary: Finding[];
  review: Section<ReviewWeek>;
  feedback: Section<FeedbackWeek>;
  tickets: Section<TicketsWeek>;
  metrics: Section<MetricsWeek>;
  alerts: Section<AlertsWeek>;
  drift: Section<DriftWeek>;
  /** Time spent building each part, ms (not rendered; for the bench). */
  timings: Record<string, number>;
}
