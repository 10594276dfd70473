/**
 * The one `metrics.series` call the report's metrics and feedback adapters share: ISO weeks over the trend window,
 * broken down by feature. It is the same function and the same buckets as the Metrics screen's charts, so the
 * report's numbers and charts match the app's. metricsSeries caches its result per database, so the adapters pay for
 * one computation. (Alerts come from the alert rules, electron/store/alerts, through ./alerts.ts.)
 */
import type { MetricsBucket, MetricsSeries } from '../../../../shared/contract-metrics';
import { metricsSeries } from '../../metrics/series';
import type { ReportContext } from '../context';

/**
 * The weekly series of the trend window ending with the report's week.
 * @returns the series; `buckets` run oldest first and end with the report's week
 */
export function weeklySeries(ctx: ReportContext): MetricsSeries {
  return metricsSeries(ctx.ws.db, ctx.zone, { from_ts: ctx.trend_from_ts, to_ts: ctx.to_ts, bucket: 'week', filter: {}, breakdown: 'feature' }, ctx.now);
}

/** The bucket of a week, or null when the series does not reach it. */
export function bucketOf(s: MetricsSeries, week: string): MetricsBucket | null {
  return s.buckets.find((b) => b.label === week) ?? null;
}
