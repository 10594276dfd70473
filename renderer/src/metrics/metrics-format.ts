/**
 * Number formatting for the Metrics screen: every figure carries its unit (%, ms, USD, tokens, NPS points).
 * Pure functions, tested in metrics-format.test.ts.
 */
import type { DriftColumn, MetricDim } from '../../../shared/contract-metrics';
import type { AlertGroup, AlertMetricName, AlertRuleId } from '../../../shared/contract-alerts';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A share in [0, 1] as a percentage with one decimal: 0.0602 → "6.0%"; null → "—". */
export function fmtPct(share: number | null | undefined, digits = 1): string {
  return share === null || share === undefined || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(digits)}%`;
}

/** A p-value: "< 0.0001" below that, else 4 significant decimals; null → "—". */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p < 0.0001) return '< 0.0001';
  return p.toFixed(4);
}

/** A test statistic or PSI with 3 decimals (large chi-square values as integers with separators). */
export function fmtStat(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1000 ? int.format(v) : v.toFixed(3);
}

/** NPS points, signed, one decimal: 19.84 → "+19.8"; null → "—". */
export function fmtNps(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${v > 0 ? '+' : ''}${v.toFixed(1)}`;
}

/** Unit of a drift column's values, for the mean columns of the drift table. */
export const COLUMN_UNIT: Record<DriftColumn, string> = {
  input_chars: 'chars', output_chars: 'chars', latency_ms: 'ms', tokens_in: 'tokens', tokens_out: 'tokens', cost_usd: 'USD',
  lang: '', model: '', model_version: '', feature: '', status: '',
};

/** Readable name of a drift column. */
export const COLUMN_LABEL: Record<DriftColumn, string> = {
  input_chars: 'Input length', output_chars: 'Output length', latency_ms: 'Latency', tokens_in: 'Tokens in', tokens_out: 'Tokens out',
  cost_usd: 'Cost', lang: 'Language', model: 'Model', model_version: 'Model version', feature: 'Feature', status: 'Status',
};

/** A numeric column's mean with its unit: 104.02 chars → "104.0 chars", 0.000123 USD → "$0.000123". */
export function fmtMean(v: number | null, column: DriftColumn): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const unit = COLUMN_UNIT[column];
  if (unit === 'USD') return `$${v.toFixed(Math.abs(v) < 0.01 ? 6 : 4)}`;
  return `${v >= 1000 ? int.format(v) : v.toFixed(1)} ${unit}`;
}

/** Name of an alert metric. */
export const METRIC_LABEL: Record<AlertMetricName, string> = {
  error_rate: 'Error rate', p95_latency_ms: 'p95 latency', cost_usd: 'Cost', thumbs_down_rate: 'Thumbs-down share',
  low_csat_share: 'Low CSAT share', detractor_share: 'NPS detractor share', tickets: 'Tickets',
};

/** Name of an alert rule. */
export const RULE_LABEL: Record<AlertRuleId, string> = {
  error_rate: 'Error rate', p95_latency: 'p95 latency', daily_cost: 'Cost', negative_feedback: 'Negative feedback', ticket_surge: 'Ticket surge',
};

/** Name of a request dimension. */
export const DIM_LABEL: Record<MetricDim, string> = {
  feature: 'feature', model: 'model', model_version: 'model version', segment: 'segment', region: 'region', lang: 'language', user_id: 'user',
};

/** An alert's value, baseline or threshold in its metric's unit: shares as %, latency in ms, cost in USD, tickets. */
export function fmtMetric(metric: AlertMetricName, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (metric === 'p95_latency_ms') return `${int.format(Math.round(v))} ms`;
  if (metric === 'cost_usd') return `$${v < 1 ? v.toFixed(4) : v.toFixed(2)}`;
  if (metric === 'tickets') return v % 1 === 0 ? int.format(v) : v.toFixed(1);
  return fmtPct(v);
}

/** "all traffic", or "feature search-answer". */
export function fmtGroup(g: AlertGroup): string {
  if (g === null) return 'all traffic';
  return Object.entries(g).map(([k, v]) => `${k === 'model_version' ? 'version' : k} ${v}`).join(', ');
}

/**
 * Top of a rate axis (in %): a round value above the highest plotted rate with some headroom, never above 100 and
 * never below `min`, so the ticks read 0 / 5 / 10 rather than 0 / 5 / 6, and no rate axis runs past 100%.
 * @param values plotted rates in % (null: gap)
 */
export function rateAxisMax(values: ReadonlyArray<number | null>, min = 5): number {
  const top = Math.max(0, ...values.filter((v): v is number => v !== null && Number.isFinite(v))) * 1.1;
  const nice = [1, 2, 5, 10, 20, 25, 40, 50, 60, 80, 100].find((n) => n >= top && n >= min);
  return nice ?? 100;
}
