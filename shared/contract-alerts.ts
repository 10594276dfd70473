/**
 * The alerts part of the contract: baseline alert rules (error rate, p95 latency, daily cost, negative feedback,
 * tickets), the alerts they raise over a time range, each alert's runbook as a checklist, and its state
 * (acknowledged / resolved, with a note). Merged into `contract` (./contract) with one spread.
 *
 * Units: times are UTC epoch ms; latencies ms; costs USD; rates and shares are in [0, 1]; ticket counts are tickets
 * per bucket. Buckets are local days or ISO weeks of the workspace time zone. Errors: BAD_REQUEST (invalid params,
 * a rule value outside its allowed range, too many buckets), NOT_FOUND (an alert key that names no alert).
 */
import { z } from 'zod';

/** Declares a method: its params schema and its result type (a local copy of contract.ts's helper, avoiding an import cycle). */
function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

export const ALERT_RULE_IDS = ['error_rate', 'p95_latency', 'daily_cost', 'negative_feedback', 'ticket_surge'] as const;
export type AlertRuleId = (typeof ALERT_RULE_IDS)[number];

/** What an alert measured: the rule's metric (negative feedback has three). */
export type AlertMetricName = 'error_rate' | 'p95_latency_ms' | 'cost_usd' | 'thumbs_down_rate' | 'low_csat_share' | 'detractor_share' | 'tickets';

/** Dimensions whose values get their own alert groups beside the whole traffic. */
export const ALERT_GROUP_DIMS = ['feature', 'model_version'] as const;
export type AlertGroupDim = (typeof ALERT_GROUP_DIMS)[number];
/** null for the whole traffic, else one dimension and its value, e.g. `{ feature: 'search-answer' }`. */
export type AlertGroup = Partial<Record<AlertGroupDim, string>> | null;

const bucket = z.enum(['day', 'week']);
/** Per-test false-alarm level: at most 0.05, at least 1e-6. */
const alpha = z.number().min(1e-6).max(0.05);
/** Trailing baseline in days (7 to 91, whole weeks). */
const baselineDays = z.number().int().min(7).max(91).refine((d) => d % 7 === 0, { message: 'expected whole weeks (7, 14, 28, …)' });

/**
 * Rule settings. Minimum samples have floors a user cannot go below (20 requests, 10 feedback answers, 3 tickets):
 * a rule judged on three requests only makes noise.
 */
export const errorRateParamsSchema = z.object({
  bucket, baseline_days: baselineDays, alpha,
  /** Absolute floor: the bucket's error rate must be above this (playbook: 5%). */
  floor: z.number().min(0).max(1),
  min_requests: z.number().int().min(20).max(1_000_000),
}).strict();
export const p95LatencyParamsSchema = z.object({
  bucket, baseline_days: baselineDays, alpha,
  /** The bucket's p95 must be above this multiple of normal (playbook: 3×). Normal = median p95 of the baseline buckets. */
  multiplier: z.number().min(1.2).max(100),
  min_requests: z.number().int().min(20).max(1_000_000),
}).strict();
export const dailyCostParamsSchema = z.object({
  bucket, baseline_days: baselineDays, alpha,
  /** The bucket's cost must be this share above the baseline (playbook: 20%). */
  increase: z.number().min(0.05).max(100),
  /** A group's increase must be at least this share of the whole traffic's cost in the bucket (0.05 = 5%). */
  min_share_of_total: z.number().min(0).max(1),
  min_requests: z.number().int().min(20).max(1_000_000),
}).strict();
export const negativeFeedbackParamsSchema = z.object({
  bucket, baseline_days: baselineDays,
  /** Level for the rule as a whole; split evenly (Bonferroni) over thumbs-down, low CSAT and detractor share. */
  alpha,
  /** The share must be at least this many points (as a share, 0.05 = 5 points) above the baseline share. */
  min_increase: z.number().min(0).max(1),
  min_feedback: z.number().int().min(10).max(1_000_000),
}).strict();
export const ticketSurgeParamsSchema = z.object({
  bucket, baseline_days: baselineDays, alpha,
  /** Tickets must be this share above what the baseline's tickets per request predict (0.5 = 50% more). */
  increase: z.number().min(0.1).max(100),
  min_tickets: z.number().int().min(3).max(1_000_000),
}).strict();

export type ErrorRateParams = z.infer<typeof errorRateParamsSchema>;
export type P95LatencyParams = z.infer<typeof p95LatencyParamsSchema>;
export type DailyCostParams = z.infer<typeof dailyCostParamsSchema>;
export type NegativeFeedbackParams = z.infer<typeof negativeFeedbackParamsSchema>;
export type TicketSurgeParams = z.infer<typeof ticketSurgeParamsSchema>;

export interface AlertParamsById {
  error_rate: ErrorRateParams;
  p95_latency: P95LatencyParams;
  daily_cost: DailyCostParams;
  negative_feedback: NegativeFeedbackParams;
  ticket_surge: TicketSurgeParams;
}

/** A runbook: the steps to take when the rule fires, as an editable checklist. */
export const runbookSchema = z.object({
  title: z.string().trim().min(1).max(200),
  steps: z.array(z.string().trim().min(1).max(500)).min(1).max(30),
}).strict();
export type Runbook = z.infer<typeof runbookSchema>;

const ruleBase = { enabled: z.boolean(), runbook: runbookSchema };
export const alertRuleSchema = z.discriminatedUnion('id', [
  z.object({ id: z.literal('error_rate'), ...ruleBase, params: errorRateParamsSchema }).strict(),
  z.object({ id: z.literal('p95_latency'), ...ruleBase, params: p95LatencyParamsSchema }).strict(),
  z.object({ id: z.literal('daily_cost'), ...ruleBase, params: dailyCostParamsSchema }).strict(),
  z.object({ id: z.literal('negative_feedback'), ...ruleBase, params: negativeFeedbackParamsSchema }).strict(),
  z.object({ id: z.literal('ticket_surge'), ...ruleBase, params: ticketSurgeParamsSchema }).strict(),
]);
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** Every rule of a workspace plus the drift setting the Metrics screen shares with them. */
export interface AlertSettings {
  rules: AlertRule[];
  /** Drift rows with PSI above this are marked (guidance only; PSI is not a test). */
  psi_max: number;
}
export const alertSettingsSchema = z.object({
  rules: z.array(alertRuleSchema).min(1).max(ALERT_RULE_IDS.length)
    .refine((rs) => new Set(rs.map((r) => r.id)).size === rs.length, { message: 'each rule at most once' }),
  psi_max: z.number().min(0).max(10),
}).strict();

export type AlertState = 'open' | 'acknowledged' | 'resolved';

/** Where a cost increase came from: one user, feature or model, its cost in the bucket and its baseline. */
export interface CostSource { key: string; cost_usd: number; baseline_usd: number; increase_usd: number }

/** One bucket of one group that breaks one rule. */
export interface Alert {
  /** Stable identity: `rule|metric|bucket_start|group`; state and notes are stored under it. */
  key: string;
  rule: AlertRuleId;
  metric: AlertMetricName;
  bucket_unit: 'day' | 'week';
  /** Local date (`2026-09-30`) or ISO week (`2026-W45`) of the workspace zone. */
  bucket: string;
  bucket_start: number;
  bucket_end: number;
  group: AlertGroup;
  /** Observed value in the metric's unit (share, ms, USD, tickets). */
  value: number;
  /** The trailing baseline in the same unit: pooled rate, median p95 ("normal"), mean cost, or tickets expected at the bucket's volume. */
  baseline: number | null;
  /** The value above which the rule fires (the floor, the multiple of normal, or the baseline plus the increase). */
  threshold: number;
  /** One-sided exact p-value against the baseline (Fisher / binomial / conditional Poisson); null when not tested. */
  p_value: number | null;
  /** What the value rests on (requests, feedback answers, tickets) in the bucket, and in the baseline window. */
  n: number;
  baseline_n: number;
  /** One plain sentence: what happened against what. */
  summary: string;
  /**
   * negative_feedback only: scores (thumbs, ratings, NPS) from automated evaluators (LLM judges, scoring rules) in the
   * bucket and group, left out of its shares (they are no user's answers) and said in `summary`.
   */
  automated_feedback?: number;
  /** Daily cost: the users, features and models whose cost grew most. */
  sources: { user: CostSource[]; feature: CostSource[]; model: CostSource[] } | null;
  state: AlertState;
  note: string | null;
  /** Indices of the runbook steps ticked off. */
  checked: number[];
  state_updated_at: number | null;
  state_updated_by: string | null;
  runbook: Runbook;
}

/** How many hypotheses a rule tested: buckets × groups × metrics, at which level. */
export interface AlertTests {
  rule: AlertRuleId;
  bucket_unit: 'day' | 'week';
  buckets: number;
  groups: number;
  metrics: number;
  /** Tests actually run: bucket-group pairs judged (complete, enough data, a baseline), each metric counted. */
  judged: number;
  /** Judged pairs left out and why (e.g. "no baseline: fewer than 3 earlier buckets with 50 requests"). */
  not_judged: Array<{ reason: string; count: number }>;
  /** Level per test (the rule's alpha, split over its metrics). */
  alpha_per_test: number;
  /** Upper bound on false alerts among these tests on stable traffic: judged × alpha_per_test. */
  expected_false_alerts: number;
}

export interface AlertsResult {
  from_ts: number | null;
  to_ts: number | null;
  time_zone: string;
  alerts: Alert[];
  tests: AlertTests[];
  /** Requests without a timestamp: they belong to no bucket and are left out of every rule. */
  undated_requests: number;
  /**
   * Buckets judged for the whole traffic's error rate, and those without an error-rate alert (availability);
   * `success_ratio`: the share of the range's requests with a status or an error that did not fail (null when none
   * has either: a request with neither is not counted as a success).
   */
  availability: { buckets: number; without_alert: number; share: number | null; success_ratio: number | null };
  elapsed_ms: number;
  cached: boolean;
}

const groupSchema = z.union([z.null(), z.object({ feature: z.string().min(1).max(500) }).strict(), z.object({ model_version: z.string().min(1).max(500) }).strict()]);

export const alertsListSchema = z.object({
  /** Alerts whose bucket starts in [from_ts, to_ts); default: the whole dated range. */
  from_ts: z.number().int().optional(),
  to_ts: z.number().int().optional(),
  /** Only alerts of this group (null: the whole traffic); omit for all groups. */
  group: groupSchema.optional(),
  state: z.array(z.enum(['open', 'acknowledged', 'resolved'])).max(3).optional(),
  rule: z.array(z.enum(ALERT_RULE_IDS)).max(ALERT_RULE_IDS.length).optional(),
}).strict().refine((d) => d.from_ts === undefined || d.to_ts === undefined || d.to_ts > d.from_ts, { message: 'to_ts must be after from_ts' });
export type AlertsListParams = z.input<typeof alertsListSchema>;

export const alertKeySchema = z.string().min(1).max(2000);
export const alertStateSchema = z.object({
  key: alertKeySchema,
  state: z.enum(['open', 'acknowledged', 'resolved']),
  /** Required to resolve: what was found and done. */
  note: z.string().trim().max(5000).optional(),
}).strict().refine((d) => d.state !== 'resolved' || (d.note !== undefined && d.note.length > 0), { message: 'resolving an alert needs a note saying what was found and done', path: ['note'] });
export const alertCheckSchema = z.object({ key: alertKeySchema, step: z.number().int().min(0).max(29), done: z.boolean() }).strict();
export const runbookSetSchema = z.object({ rule: z.enum(ALERT_RULE_IDS), runbook: runbookSchema }).strict();

/** Monitoring context of one slice of traffic for the review side panel. */
export const sliceContextSchema = z.object({
  /** The slice: feature and model version of the item under review (either may be null: "none"). */
  feature: z.string().max(500).nullable(),
  model_version: z.string().max(500).nullable(),
  /** The queue's period (UTC ms, half-open); weekly buckets cover it and `weeks_before` weeks before it. */
  from_ts: z.number().int(),
  to_ts: z.number().int(),
  weeks_before: z.number().int().min(1).max(26).default(8),
}).strict().refine((d) => d.to_ts > d.from_ts, { message: 'to_ts must be after from_ts' });
export type SliceContextParams = z.input<typeof sliceContextSchema>;

export interface SlicePoint {
  /** ISO week label. */
  label: string;
  start_ts: number;
  end_ts: number;
  /** True for the week(s) of the queue's period. */
  current: boolean;
  requests: number;
  errors: number;
  error_rate: number | null;
  p95_ms: number | null;
  /** Stated relative error of p95_ms: 0 when exact (≤ 100 latencies), 0.01 when read from a DDSketch (±1%). */
  p95_relative_error: number;
  thumbs_up: number;
  thumbs_down: number;
  thumbs_up_rate: number | null;
  /**
   * Thumbs, ratings and NPS answers automated evaluators wrote on the slice's requests this week (an LLM judge's, by
   * their source): in none of the counts above, counted to be said.
   */
  automated_feedback: number;
  /** Sum over the requests that have a cost (USD); `cost_n` of them. Charts show no value where cost_n is 0. */
  cost_usd: number;
  cost_n: number;
}

export interface SliceContext {
  feature: string | null;
  model_version: string | null;
  time_zone: string;
  points: SlicePoint[];
  /** Requests of the slice without a timestamp: in no week, so left out of the charts (said beside them). */
  undated_requests: number;
  /** Open (and acknowledged) alerts of the slice's feature or model version, or the whole traffic, in the period. */
  alerts: Alert[];
  elapsed_ms: number;
}

export const alertsMethods = {
  /** Alerts of every enabled rule over a range (complete buckets only), with their state and runbook. */
  'alerts.list': method<typeof alertsListSchema, AlertsResult>(alertsListSchema),
  /** Open and acknowledged alerts of the whole dated range: the count the header shows. */
  'alerts.openCount': method<z.ZodObject<Record<string, never>>, { open: number; acknowledged: number }>(z.object({})),
  /** Rule settings and runbooks of the workspace (defaults until saved). */
  'alerts.settings.get': method<z.ZodObject<Record<string, never>>, AlertSettings>(z.object({})),
  /** Saves rule settings (journaled). Values below a floor are refused with BAD_REQUEST naming the field. */
  'alerts.settings.set': method<typeof alertSettingsSchema, AlertSettings>(alertSettingsSchema),
  /** Replaces one rule's runbook checklist (journaled). */
  'alerts.runbook.set': method<typeof runbookSetSchema, AlertSettings>(runbookSetSchema),
  /** Acknowledges, resolves (a note is required) or reopens an alert (journaled). */
  'alerts.setState': method<typeof alertStateSchema, Alert>(alertStateSchema),
  /** Ticks or unticks one runbook step of an alert (journaled). */
  'alerts.check': method<typeof alertCheckSchema, Alert>(alertCheckSchema),
  /** The review side panel: weekly figures of a feature × model-version slice and its alerts (its drift: metrics.drift). */
  'monitoring.slice': method<typeof sliceContextSchema, SliceContext>(sliceContextSchema),
};
