/**
 * The alerts section of the weekly review report: every alert whose bucket starts in the report's period, with its
 * state and note, rendered for each report format. Kept here so the report file only calls it.
 */
import type { Workspace } from '../workspace';
import { listAlerts } from './alerts';

/** One alert as the report lists it. */
export interface ReportAlert {
  bucket: string;
  rule: string;
  scope: string;
  summary: string;
  state: string;
  note: string | null;
  runbook: string;
}

/**
 * Alerts of a period, open ones first.
 * @param from UTC ms, inclusive (bucket start)
 * @param to UTC ms, exclusive
 */
export function reportAlerts(ws: Workspace, zone: string, from: number, to: number, now = Date.now()): ReportAlert[] {
  return listAlerts(ws, zone, { from_ts: from, to_ts: to }, now).alerts.map((a) => ({
    bucket: a.bucket, rule: a.rule, scope: a.group === null ? 'all traffic' : Object.entries(a.group).map(([k, v]) => `${k} ${v}`).join(', '),
    summary: a.summary, state: a.state, note: a.note, runbook: a.runbook.title,
  }));
}

/** Markdown lines of the section (`e` escapes Markdown). */
export function alertsMd(alerts: readonly ReportAlert[], e: (s: string) => string): string[] {
  const L = ['', '## Alerts in this period', ''];
  if (alerts.length === 0) return [...L, 'No alert rule fired in this period.'];
  L.push(`${alerts.filter((a) => a.state === 'open').length} open, ${alerts.filter((a) => a.state === 'acknowledged').length} acknowledged, ${alerts.filter((a) => a.state === 'resolved').length} resolved.`, '');
  L.push('| Bucket | Scope | What | State | Note | Runbook |', '|---|---|---|---|---|---|');
  for (const a of alerts) L.push(`| ${e(a.bucket)} | ${e(a.scope)} | ${e(a.summary)} | ${a.state} | ${e(a.note ?? '')} | ${e(a.runbook)} |`);
  return L;
}

/** HTML of the section (`h` escapes HTML). */
export function alertsHtml(alerts: readonly ReportAlert[], h: (s: string) => string): string[] {
  const P = ['<h2>Alerts in this period</h2>'];
  if (alerts.length === 0) return [...P, '<p>No alert rule fired in this period.</p>'];
  P.push('<table><thead><tr><th>Bucket</th><th>Scope</th><th>What</th><th>State</th><th>Note</th><th>Runbook</th></tr></thead><tbody>');
  for (const a of alerts) P.push(`<tr><td>${h(a.bucket)}</td><td>${h(a.scope)}</td><td>${h(a.summary)}</td><td${a.state === 'open' ? ' class="flag"' : ''}>${a.state}</td><td>${h(a.note ?? '')}</td><td>${h(a.runbook)}</td></tr>`);
  P.push('</tbody></table>');
  return P;
}

/** CSV rows of the section, in the report's columns (section, key, label, value, low, high, sample_rate, n, k, flag, detail). */
export function alertsCsv(alerts: readonly ReportAlert[]): unknown[][] {
  return alerts.map((a) => ['alert', `${a.rule}:${a.bucket}:${a.scope}`, a.rule, a.state, null, null, null, null, null, a.state === 'open' ? 'open' : '', `${a.summary}${a.note ? ` Note: ${a.note}` : ''}`]);
}
