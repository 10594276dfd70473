/**
 * Adapter for the report's alerts section: the alerts that fired in the week (a metric of the whole traffic or of
 * one feature crossing the workspace threshold, from `metrics.series`), each marked new or ongoing (it also fired
 * the week before), with its runbook state.
 *
 * Merge note (monitoring work, issue 12): alert rules with baselines, runbooks and alert state live in
 * electron/store/alerts/ there. Point {@link alertsSection} at them: each alert's `runbook` is then
 * `{ title, state, url }` instead of null. This is the one function that reads alerts.
 */
import type { MetricAlert } from '../../../../shared/contract-metrics';
import type { ReportContext } from '../context';
import type { AlertsWeek, Section } from '../model';
import { weeklySeries } from './series';

const key = (a: MetricAlert) => `${a.metric}\u0000${a.group ?? ''}`;

/**
 * The alerts section of the report's week (always available when the week has requests; an empty list says no
 * threshold was crossed).
 */
export function alertsSection(ctx: ReportContext): Section<AlertsWeek> {
  const s = weeklySeries(ctx);
  if (!s.buckets.some((b) => b.label === ctx.week && b.requests > 0)) return { available: false, reason: `No requests in ${ctx.week}, so no alert could fire.` };
  const last = new Set(s.alerts.filter((a) => a.bucket === ctx.previous.week).map(key));
  const t = s.thresholds;
  return {
    available: true,
    data: {
      alerts: s.alerts.filter((a) => a.bucket === ctx.week).map((a) => ({
        metric: a.metric, group: a.group, value: a.value, threshold: a.threshold, direction: a.direction, n: a.n,
        status: last.has(key(a)) ? 'ongoing' as const : 'new' as const,
        runbook: null,
      })),
      thresholds: { error_rate_max: t.error_rate_max, p95_latency_ms_max: t.p95_latency_ms_max, thumbs_up_rate_min: t.thumbs_up_rate_min, min_requests: t.min_requests, min_thumbs: t.min_thumbs },
      source: 'metrics.series weekly buckets against the workspace thresholds (Metrics screen); no runbooks are recorded for these threshold alerts',
    },
  };
}
