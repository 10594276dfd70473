/**
 * Adapter for the report's alerts section: the alerts the workspace's alert rules raised in the week (the same
 * `listAlerts` as the Metrics screen, the header's open count and `loupe alerts`: baselines, complete buckets only,
 * one-sided exact tests; electron/store/alerts/), each with its state, note, runbook and the runbook steps ticked,
 * marked new or ongoing (the same rule raised one for the same metric and group in the week before).
 */
import type { Alert, AlertGroup, AlertRule, AlertsResult } from '../../../../shared/contract-alerts';
import { listAlerts } from '../../alerts/alerts';
import { getSettings } from '../../alerts/settings';
import type { ReportContext } from '../context';
import type { AlertsWeek, ReportAlert, Section } from '../model';

/** The group in words: "all traffic", "feature search-answer", "model version 2026-07-18". */
export function scopeText(g: AlertGroup): string {
  if (g === null) return 'all traffic';
  return Object.entries(g).map(([k, v]) => `${k === 'model_version' ? 'model version' : k} ${v}`).join(', ');
}

const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;
const per = (r: AlertRule) => `per ${r.params.bucket}, against the ${r.params.baseline_days} days before`;

/** One enabled rule in words, from its settings. */
function ruleText(r: AlertRule): string {
  switch (r.id) {
    case 'error_rate': return `error rate above ${pct(r.params.floor)} and above its baseline (one-sided Fisher exact test, α ${r.params.alpha}), ${per(r)}, buckets of at least ${r.params.min_requests} requests`;
    case 'p95_latency': return `p95 latency above ${r.params.multiplier}× normal (the median p95 of the baseline buckets; Fisher exact test on the share slower than that, α ${r.params.alpha}), ${per(r)}, at least ${r.params.min_requests} requests`;
    case 'daily_cost': return `cost more than ${pct(r.params.increase)} above the baseline's average (same weekday for days; one-sided t-test on log cost, α ${r.params.alpha}), ${per(r)}; a feature or model version only when its increase is at least ${pct(r.params.min_share_of_total)} of the day's total`;
    case 'negative_feedback': return `thumbs-down, low-CSAT (1-3 of 5) or NPS-detractor share at least ${Math.round(r.params.min_increase * 100)} points above its baseline (Fisher exact, α ${r.params.alpha} split over the three), ${per(r)}, at least ${r.params.min_feedback} answers`;
    case 'ticket_surge': return `tickets more than ${pct(r.params.increase)} above what the baseline's tickets per request predict (conditional Poisson test, α ${r.params.alpha}), ${per(r)}, at least ${r.params.min_tickets} tickets`;
  }
}

const sameSeries = (a: Pick<Alert, 'rule' | 'metric' | 'group'>) => `${a.rule}\u0000${a.metric}\u0000${JSON.stringify(a.group)}`;

/**
 * The alerts section of the report's week (available when the week has dated requests; an empty list says no rule
 * fired). The week's and the week before's alerts are two `listAlerts` calls, each cached like the app's.
 */
export function alertsSection(ctx: ReportContext): Section<AlertsWeek> {
  const has = ctx.ws.db.value<number>('SELECT EXISTS (SELECT 1 FROM requests WHERE ts >= ? AND ts < ?)', [ctx.from_ts, ctx.to_ts]) ?? 0;
  if (!has) return { available: false, reason: `No requests in ${ctx.week}, so no alert rule could judge it.` };
  const week: AlertsResult = listAlerts(ctx.ws, ctx.zone, { from_ts: ctx.from_ts, to_ts: ctx.to_ts }, ctx.now);
  const before = new Set(listAlerts(ctx.ws, ctx.zone, { from_ts: ctx.previous.from_ts, to_ts: ctx.previous.to_ts }, ctx.now).alerts.map(sameSeries));
  const rules = getSettings(ctx.ws).rules.filter((r) => r.enabled);
  const alerts: ReportAlert[] = week.alerts.map((a) => ({
    key: a.key, rule: a.rule, metric: a.metric, bucket_unit: a.bucket_unit, bucket: a.bucket, bucket_start: a.bucket_start,
    group: a.group, scope: scopeText(a.group), value: a.value, baseline: a.baseline, threshold: a.threshold, p_value: a.p_value, n: a.n,
    summary: a.summary,
    sources: a.sources ? { user: a.sources.user.map((s) => s.key), feature: a.sources.feature.map((s) => s.key), model: a.sources.model.map((s) => s.key) } : null,
    status: before.has(sameSeries(a)) ? 'ongoing' : 'new',
    state: a.state, note: a.note,
    runbook: { title: a.runbook.title, steps: [...a.runbook.steps], checked: [...a.checked] },
  }));
  const count = (s: ReportAlert['state']) => alerts.filter((a) => a.state === s).length;
  return {
    available: true,
    data: {
      alerts,
      counts: { open: count('open'), acknowledged: count('acknowledged'), resolved: count('resolved') },
      rules: rules.map((r) => ({ rule: r.id, title: r.runbook.title, text: ruleText(r) })),
      tests: {
        judged: week.tests.reduce((n, t) => n + t.judged, 0),
        expected_false_alerts: week.tests.reduce((n, t) => n + t.expected_false_alerts, 0),
      },
      undated_requests: week.undated_requests,
      source: `alerts.list over ${ctx.week} (the Metrics screen's alerts; complete buckets only, each group against its own trailing baseline)`,
    },
  };
}
