/**
 * The metrics part of the contract (time series of throughput, error rate, latency, tokens, cost and feedback, broken
 * down by any request dimension; rankings of features, users and other dimensions; drift tests between two
 * windows), merged into the `contract` object of ./contract with one spread. Alerts are in ./contract-alerts.
 * Params are zod schemas (validated at every boundary); results are typed only. Units: times are UTC epoch ms,
 * latencies ms, costs USD, rates and shares are in [0, 1]; NPS is in points from −100 to 100. A statistic that has
 * no data is `null` (JSON has no NaN). Errors: BAD_REQUEST (invalid params, an ISO week luxon cannot read, too many
 * buckets, an empty window).
 */
import { z } from 'zod';
import { isoWeekSchema } from './contract-review';

/** Declares a method: its params schema and its result type (a local copy of contract.ts's helper, avoiding an import cycle). */
function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

const label = z.string().min(1).max(500);

/** Request columns metrics can filter and break down by. */
export const METRIC_DIMS = ['feature', 'model', 'model_version', 'segment', 'region', 'lang', 'user_id'] as const;
export type MetricDim = (typeof METRIC_DIMS)[number];

/** Which requests a series or drift comparison looks at; each field is an exact match on the request column. */
export const metricsFilterSchema = z.object({
  feature: label.optional(), model: label.optional(), model_version: label.optional(), segment: label.optional(),
  region: label.optional(), lang: label.optional(), user_id: label.optional(),
}).strict();
export type MetricsFilter = z.infer<typeof metricsFilterSchema>;

export const metricsSeriesSchema = z.object({
  from_ts: z.number().int().optional(),
  to_ts: z.number().int().optional(),
  /** Hours are for short ranges (at most 1,000 buckets). */
  bucket: z.enum(['hour', 'day', 'week']).default('week'),
  filter: metricsFilterSchema.default({}),
  /** Per-bucket p95 latency, error rate, thumbs-up rate and cost per value of this column (top 12 and "other"). Default: feature. */
  breakdown: z.enum([...METRIC_DIMS, 'none']).default('feature'),
}).strict().refine((d) => d.from_ts === undefined || d.to_ts === undefined || d.to_ts > d.from_ts, { message: 'to_ts must be after from_ts' });
export type MetricsSeriesParams = z.input<typeof metricsSeriesSchema>;

/** A comparison window: an ISO week in the workspace time zone, or a half-open range [from_ts, to_ts) of UTC ms. */
export const driftWindowSchema = z.union([
  z.object({ week: isoWeekSchema }).strict(),
  z.object({ from_ts: z.number().int(), to_ts: z.number().int() }).strict()
    .refine((d) => d.to_ts > d.from_ts, { message: 'to_ts must be after from_ts' }),
]);
export type DriftWindowInput = z.infer<typeof driftWindowSchema>;

export const metricsDriftSchema = z.object({
  /** Default: the four ISO weeks before the current window. */
  reference: driftWindowSchema.optional(),
  /** Default: the latest complete ISO week that has requests. */
  current: driftWindowSchema.optional(),
  feature: label.optional(),
  alpha: z.number().gt(0).lt(1).default(0.05),
  /**
   * `requests`: read every value from the rows (exact KS and PSI; slower on large windows). Default `auto`: the rows
   * while both windows together hold at most 50,000 requests, else the summaries (values within ±1%, said per row).
   */
  source: z.enum(['auto', 'requests']).default('auto'),
});
export type MetricsDriftParams = z.input<typeof metricsDriftSchema>;

/** A share with its Wilson 95% interval. */
export interface RateWithInterval { rate: number | null; low: number | null; high: number | null; k: number; n: number }

/** One time bucket of {@link MetricsSeries}. */
export interface MetricsBucket {
  /** ISO week (`2026-W40`), date (`2026-09-30`) or hour (`2026-09-30 14:00`) in the workspace time zone. */
  label: string;
  start_ts: number;
  end_ts: number;
  /** False when the bucket is cut by the requested range or extends past the last request. */
  complete: boolean;
  requests: number;
  errors: number;
  /**
   * Errors over the requests whose outcome is known (`n`: those with a status or an error message); a request with
   * neither is not counted as a success. `rate` is null when no request of the bucket has a status or an error.
   */
  error_rate: RateWithInterval;
  /**
   * Latency percentiles (ms, type 7). `method` says how they were computed: `exact` on every value, or `sketch` (a
   * DDSketch merged from the hourly summaries, used once the bucket holds more than 100 latencies) within
   * `relative_error` (0.01 = ±1%) of the exact figure; `relative_error` is 0 when exact.
   */
  latency: { p50: number | null; p95: number | null; p99: number | null; n: number; method: 'exact' | 'sketch'; relative_error: number };
  /** Mean tokens over the bucket's requests that have a count; `tokens_in_n` / `tokens_out_n` say how many do. */
  tokens_in_mean: number | null;
  tokens_out_mean: number | null;
  tokens_in_n: number;
  tokens_out_n: number;
  /** USD over the bucket's requests that have a cost; null when none has one (no cost known is not $0 spent). */
  cost_total_usd: number | null;
  cost_mean_usd: number | null;
  /** Requests that have a cost (source or price table). */
  cost_n: number;
  thumbs: RateWithInterval & { up: number; down: number };
  /** Top-2-box share of 1-5 ratings. */
  csat: { csat: number | null; satisfied: number; n: number; low: number | null; high: number | null };
  nps: { nps: number | null; promoters: number; passives: number; detractors: number; n: number };
}

/** Per-bucket figures of one breakdown value. */
export interface BreakdownPoint {
  label: string;
  requests: number;
  errors: number;
  /** The value's requests with a status or an error message (the error rate's denominator). */
  with_status: number;
  /** Errors over {@link BreakdownPoint.with_status}; null when none has either. */
  error_rate: number | null;
  p95_ms: number | null;
  thumbs_up_rate: number | null;
  thumbs_n: number;
  /** USD over the value's requests that have a cost; null when none has one. */
  cost_usd: number | null;
}

export interface MetricsSeries {
  bucket: 'hour' | 'day' | 'week';
  time_zone: string;
  from_ts: number | null;
  to_ts: number | null;
  filter: MetricsFilter;
  buckets: MetricsBucket[];
  /**
   * Groups of the breakdown: the 12 values with most requests, then `(other)` holding the rest (`other_values` of
   * them) so the groups add up to the totals; `(none)` holds requests without a value.
   */
  breakdown: { by: MetricDim; groups: Array<{ key: string; points: BreakdownPoint[] }>; other_values: number } | null;
  /** Requests without a timestamp: in no bucket, so left out of every chart (counted here to be said). */
  undated_requests: number;
  /**
   * Feedback with no time of its own and no dated request (feedback without a time is placed by its request's):
   * thumbs, 1-5 ratings and NPS answers in no bucket, left out of the feedback charts (counted here to be said).
   */
  undated_feedback: { thumbs: number; ratings: number; nps: number };
  /**
   * Ratings that are not CSAT (on another scale, such as 1–10 judge scores, or not a whole 1–5) and NPS answers that
   * are not a whole 0–10, in the range's buckets: in no chart, counted here to be said. `automated`: thumbs, ratings
   * and NPS answers an automated evaluator wrote (an LLM judge, a scoring rule: no user's answer), in no chart.
   */
  feedback_not_charted: { ratings: number; nps: number; automated: number };
  /** ISO weeks from the first to the last dated request (the drift picker); the filters' values: metrics.options. */
  options: { weeks: string[] };
  elapsed_ms: number;
  /** True when the result was computed earlier for the same data and params (elapsed_ms is then the lookup). */
  cached: boolean;
  /**
   * Where the request figures came from and how exact the percentiles (bucket and breakdown p95) are: `summaries`
   * (hour × slice cells; counts, errors, tokens and cost are exact sums) or `requests` (raw rows: a user-id filter or
   * breakdown, or buckets that are not whole UTC hours). `method` is `exact`, `sketch` or `mixed` (some buckets
   * each); `relative_error` is the largest stated relative error of any percentile shown (0 when all are exact).
   */
  quantiles: { source: 'summaries' | 'requests'; method: 'exact' | 'sketch' | 'mixed'; relative_error: number };
}

export type DriftColumn = 'input_chars' | 'output_chars' | 'latency_ms' | 'tokens_in' | 'tokens_out' | 'cost_usd'
  | 'lang' | 'model' | 'model_version' | 'feature' | 'status';

/** One test of a drift comparison. */
export interface DriftRow {
  column: DriftColumn;
  kind: 'numeric' | 'categorical';
  test: 'ks' | 'chi-square';
  /** Values tested in each window (requests with a value in this column). */
  n_reference: number;
  n_current: number;
  /**
   * Requests of each window without a value in this column (null or not a finite number: no latency, no token
   * count…): left out of the test and of PSI, and counted here so the row says so. Always 0 for categorical columns,
   * where a missing value is the category "(none)".
   */
  n_without_value_reference: number;
  n_without_value_current: number;
  /** KS: D in [0, 1]; chi-square: Pearson's X². null when nothing could be computed. */
  statistic: number | null;
  dof: number | null;
  p_value: number | null;
  /** Benjamini–Hochberg adjusted p across the tested rows of this comparison; null for rows not tested. */
  p_adjusted: number | null;
  rejected: boolean;
  /** KS p-value method, or null for chi-square. */
  method: 'exact' | 'asymptotic' | null;
  /** True when a side has fewer than `min_per_side` values, or there was nothing to test: no verdict. */
  insufficient: boolean;
  note: string | null;
  psi: number | null;
  psi_band: 'stable' | 'moderate' | 'large' | null;
  /** PSI above the workspace threshold `psi_max` (guidance only). */
  psi_flag: boolean;
  /** Numeric: mean of each side (column unit). Categorical: null. */
  mean_reference: number | null;
  mean_current: number | null;
  /** Categorical: the categories' shares in each window (top 12, descending by current share). */
  shares: Array<{ category: string; reference: number; current: number }> | null;
  /**
   * Numeric: the two distributions over the PSI bins (deciles of the reference, fixed and reused for the current
   * window): `edges` are the distinct cut points, `bins` the bins in order (`low`/`high` null for ∓∞, each end
   * included when its flag says so; a heavily tied reference value is a bin of its own, low = high), `min`/`max` the
   * smallest and largest value seen on either side.
   */
  histogram: {
    edges: number[];
    bins: Array<{ low: number | null; high: number | null; includes_low: boolean; includes_high: boolean }>;
    reference: number[]; current: number[]; min: number; max: number;
  } | null;
  /** Categorical: categories that occur in only one window. */
  single_window: Array<{ category: string; window: 'reference' | 'current'; count: number }>;
  /**
   * How the figures were approximated, or null when computed on the exact values: a numeric column read from the
   * request summaries past 100 values per window uses each value rounded to its DDSketch bin (within ±1%).
   */
  approximation: string | null;
}

export interface DriftWindow { label: string; from_ts: number; to_ts: number; requests: number }

export interface MetricsDrift {
  reference: DriftWindow;
  current: DriftWindow;
  feature: string | null;
  alpha: number;
  min_per_side: number;
  /** Flagged rows (rejected, then PSI above threshold) first, then by adjusted p. */
  rows: DriftRow[];
  /** Requests (of the feature, when one is given) without a timestamp: in no window, so in neither distribution. */
  undated_requests: number;
  time_zone: string;
  /** Where the windows were read: the request summaries, or the rows (windows that are not whole summary cells). */
  source: 'summaries' | 'requests';
  elapsed_ms: number;
}

/** Ranks the values of a dimension (features, users, regions, …) over a range. */
export const metricsRankingSchema = z.object({
  from_ts: z.number().int().optional(),
  to_ts: z.number().int().optional(),
  filter: metricsFilterSchema.default({}),
  dim: z.enum(METRIC_DIMS),
  /** Rows returned per ranking; the rest are summed into one `(other)` row. */
  top: z.number().int().min(1).max(100).default(10),
}).strict().refine((d) => d.from_ts === undefined || d.to_ts === undefined || d.to_ts > d.from_ts, { message: 'to_ts must be after from_ts' });
export type MetricsRankingParams = z.input<typeof metricsRankingSchema>;

/** One value of a ranked dimension. */
export interface RankingRow {
  key: string;
  requests: number;
  errors: number;
  /** Requests whose outcome is known: with a status or an error message. */
  with_status: number;
  /** Errors over {@link RankingRow.with_status}; null when no request has a status or an error. */
  error_rate: number | null;
  cost_usd: number;
  /** Mean cost of the requests that have one (USD). */
  cost_per_request_usd: number | null;
  thumbs: number;
  thumbs_down: number;
  thumbs_down_rate: number | null;
  /** Distinct users (not for the user dimension). */
  users: number;
}

export interface MetricsRanking {
  dim: MetricDim;
  from_ts: number | null;
  to_ts: number | null;
  /** Values in the range (after the filter); requests without a value ("(none)") are not one. */
  values: number;
  total: RankingRow;
  /** The top values by each measure; `(other)` sums the values not listed. */
  by_volume: RankingRow[];
  by_cost: RankingRow[];
  by_error_rate: RankingRow[];
  by_thumbs_down: RankingRow[];
  /** Cost per value (e.g. per user): mean and median over the values that have a cost (USD); null without any. */
  cost_per_value: { mean: number | null; median: number | null };
  /** Rates are ranked among values with at least this many requests (or thumbs). */
  min_for_rates: number;
  /** Thumbs from automated evaluators (LLM judges, scoring rules) on these requests: in no thumbs-down rate. */
  automated_thumbs: number;
  elapsed_ms: number;
}

export const metricsMethods = {
  /** Per-bucket throughput, error rate, p50/p95/p99 latency, tokens, cost, thumbs, CSAT and NPS, with a breakdown. */
  'metrics.series': method<typeof metricsSeriesSchema, MetricsSeries>(metricsSeriesSchema),
  /** KS / chi-square tests and PSI between two windows, Benjamini–Hochberg across the comparison. */
  'metrics.drift': method<typeof metricsDriftSchema, MetricsDrift>(metricsDriftSchema),
  /** Distinct values of each request dimension for filter pickers (at most 200 each; user ids are typed, not listed). */
  'metrics.options': method<z.ZodObject<Record<string, never>>, Record<Exclude<MetricDim, 'user_id'>, string[]>>(z.object({})),
  /** Values of a dimension ranked by volume, cost, error rate and thumbs-down rate, with per-value cost. */
  'metrics.ranking': method<typeof metricsRankingSchema, MetricsRanking>(metricsRankingSchema),
};
