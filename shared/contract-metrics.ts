/**
 * The metrics part of the contract (time series of throughput, error rate, latency, tokens, cost and feedback; drift
 * tests between two windows; alert thresholds), merged into the `contract` object of ./contract with one spread.
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

/** Which requests a series or drift comparison looks at; each field is an exact match on the request column. */
export const metricsFilterSchema = z.object({ feature: label.optional(), model: label.optional(), model_version: label.optional() }).strict();
export type MetricsFilter = z.infer<typeof metricsFilterSchema>;

export const metricsSeriesSchema = z.object({
  from_ts: z.number().int().optional(),
  to_ts: z.number().int().optional(),
  bucket: z.enum(['day', 'week']).default('week'),
  filter: metricsFilterSchema.default({}),
  /** Per-bucket p95 latency, error rate and thumbs-up rate per value of this column. Default: feature. */
  breakdown: z.enum(['feature', 'model_version', 'none']).default('feature'),
}).refine((d) => d.from_ts === undefined || d.to_ts === undefined || d.to_ts > d.from_ts, { message: 'to_ts must be after from_ts' });
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
});
export type MetricsDriftParams = z.input<typeof metricsDriftSchema>;

/** Alert thresholds of a workspace (meta key `metric_thresholds`). A breach needs enough data (the `min_*` fields). */
export const metricThresholdsSchema = z.object({
  /** Breach when errors / requests is above this share (default 0.05). */
  error_rate_max: z.number().min(0).max(1),
  /** Breach when the bucket's p95 latency is above this many ms (default 3000). */
  p95_latency_ms_max: z.number().min(0),
  /** Breach when thumbs-up / (up + down) is below this share (default 0.7). */
  thumbs_up_rate_min: z.number().min(0).max(1),
  /** Drift rows with PSI above this are marked (default 0.25; guidance only, PSI is not a test). */
  psi_max: z.number().min(0),
  /** Buckets with fewer requests are not judged on error rate or latency (default 50). */
  min_requests: z.number().int().min(1),
  /** Buckets with fewer thumbs are not judged on thumbs-up rate (default 20). */
  min_thumbs: z.number().int().min(1),
}).strict();
export type MetricThresholds = z.infer<typeof metricThresholdsSchema>;

/** A share with its Wilson 95% interval. */
export interface RateWithInterval { rate: number | null; low: number | null; high: number | null; k: number; n: number }

/** The metric a threshold applies to. */
export type AlertMetric = 'error_rate' | 'p95_latency_ms' | 'thumbs_up_rate';

/** One bucket that breaches one threshold. */
export interface MetricAlert {
  metric: AlertMetric;
  bucket: string;
  start_ts: number;
  /** null for the whole traffic (after the filter), else the breakdown value, e.g. `search-answer`. */
  group: string | null;
  /** The observed value in the metric's unit (share or ms) and the threshold it crossed. */
  value: number;
  threshold: number;
  direction: 'above' | 'below';
  /** Requests (error rate, latency) or thumbs (thumbs-up rate) the value rests on. */
  n: number;
}

/** One time bucket of {@link MetricsSeries}. */
export interface MetricsBucket {
  /** ISO week (`2026-W40`) or date (`2026-09-30`) in the workspace time zone. */
  label: string;
  start_ts: number;
  end_ts: number;
  /** False when the bucket is cut by the requested range or extends past the last request. */
  complete: boolean;
  requests: number;
  errors: number;
  error_rate: RateWithInterval;
  latency: { p50: number | null; p95: number | null; p99: number | null; n: number };
  tokens_in_mean: number | null;
  tokens_out_mean: number | null;
  cost_total_usd: number;
  cost_mean_usd: number | null;
  /** Requests that have a cost (source or price table). */
  cost_n: number;
  thumbs: RateWithInterval & { up: number; down: number };
  /** Top-2-box share of 1-5 ratings. */
  csat: { csat: number | null; satisfied: number; n: number; low: number | null; high: number | null };
  nps: { nps: number | null; promoters: number; passives: number; detractors: number; n: number };
  breaches: AlertMetric[];
}

/** Per-bucket figures of one breakdown value. */
export interface BreakdownPoint {
  label: string;
  requests: number;
  errors: number;
  error_rate: number | null;
  p95_ms: number | null;
  thumbs_up_rate: number | null;
  thumbs_n: number;
  breaches: AlertMetric[];
}

export interface MetricsSeries {
  bucket: 'day' | 'week';
  time_zone: string;
  from_ts: number | null;
  to_ts: number | null;
  filter: MetricsFilter;
  buckets: MetricsBucket[];
  breakdown: { by: 'feature' | 'model_version'; groups: Array<{ key: string; points: BreakdownPoint[] }> } | null;
  thresholds: MetricThresholds;
  /** Every breach, whole traffic first, then by group; in time order within each. */
  alerts: MetricAlert[];
  /** Distinct values for the filters. */
  options: { feature: string[]; model: string[]; model_version: string[]; weeks: string[] };
  elapsed_ms: number;
  /** True when the result was computed earlier for the same data and params (elapsed_ms is then the lookup). */
  cached: boolean;
}

export type DriftColumn = 'input_chars' | 'output_chars' | 'latency_ms' | 'tokens_in' | 'tokens_out' | 'cost_usd'
  | 'lang' | 'model' | 'model_version' | 'feature' | 'status';

/** One test of a drift comparison. */
export interface DriftRow {
  column: DriftColumn;
  kind: 'numeric' | 'categorical';
  test: 'ks' | 'chi-square';
  n_reference: number;
  n_current: number;
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
  /** Categorical: the top categories' shares in each window (descending by current share). */
  shares: Array<{ category: string; reference: number; current: number }> | null;
  /** Categorical: categories that occur in only one window. */
  single_window: Array<{ category: string; window: 'reference' | 'current'; count: number }>;
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
  time_zone: string;
  elapsed_ms: number;
}

export const metricsMethods = {
  /** Per-bucket throughput, error rate, p50/p95/p99 latency, tokens, cost, thumbs, CSAT and NPS, with breaches. */
  'metrics.series': method<typeof metricsSeriesSchema, MetricsSeries>(metricsSeriesSchema),
  /** KS / chi-square tests and PSI between two windows, Benjamini–Hochberg across the comparison. */
  'metrics.drift': method<typeof metricsDriftSchema, MetricsDrift>(metricsDriftSchema),
  /** The workspace's alert thresholds (defaults when none were saved). */
  'metrics.thresholds.get': method<z.ZodObject<Record<string, never>>, MetricThresholds>(z.object({})),
  /** Saves the alert thresholds (journaled); returns what was stored. */
  'metrics.thresholds.set': method<typeof metricThresholdsSchema, MetricThresholds>(metricThresholdsSchema),
};
