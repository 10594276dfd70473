/**
 * The summary at the top of the report: the three to five findings that matter this week, each with its number and
 * where it comes from. Every section proposes findings with a weight; changes that a test finds (an interval of the
 * difference that excludes 0, a drift test rejected after Benjamini–Hochberg) and new alerts weigh most. The five
 * heaviest of weight ≥ 50 are kept; when fewer than three reach that, the week's headline numbers fill up to three.
 */
import type {
  AlertsWeek, Change, DriftWeek, FeedbackWeek, Finding, MetricsWeek, ReportAlert, ReviewWeek, Section, TicketsWeek, WeeklyReport,
} from './model';
import { changeText, int, ms, num, pct, pctShare, pval, shareText, times, usd } from './format';
import { benjaminiHochberg } from '../../../shared/stats';

const MAX = 5;
const MIN = 3;
/** Findings at or above this weight are "changes that matter"; below it, headline numbers that fill the summary. */
const IMPORTANT = 50;

const COLUMN_NAMES: Record<string, string> = {
  input_chars: 'input length', output_chars: 'output length', latency_ms: 'latency', tokens_in: 'input tokens', tokens_out: 'output tokens',
  cost_usd: 'cost', lang: 'language mix', model: 'model mix', model_version: 'model version mix', feature: 'feature mix', status: 'status mix',
};

function reviewFindings(r: ReviewWeek, week: string): Finding[] {
  const out: Finding[] = [];
  // An unfinished queue is said up front: a lead who reads only the summary must not take the week as reviewed.
  const c = r.section.coverage;
  const decided = c.reviewed + c.skipped;
  if (c.queued > 0 && decided < c.queued) {
    const share = decided / c.queued;
    const q = r.section.seen;
    out.push({
      id: 'review:progress', section: 'review', value: c.reviewed, unit: 'count', weight: share < 0.5 ? 90 : share < 0.9 ? 60 : 30,
      text: `The review of ${week} is unfinished: ${int(c.reviewed)} of ${int(c.queued)} queued items reviewed${c.skipped ? ` and ${int(c.skipped)} skipped` : ''} (${q.queue_failures} failure${q.queue_failures === 1 ? '' : 's'} among them); ${c.strata_covered} of ${c.strata_total} strata have a reviewed item, and every review estimate below rests on these items alone.`,
      source: `review queue #${r.section.queue.id}: items with a decision`,
    });
  }
  const f = r.failure;
  const t = f.this_week;
  const ci = t.low !== null && t.high !== null ? `95% CI ${pct(t.low)} – ${pct(t.high)}; ` : '';
  if (f.change?.significant && f.last_week) {
    out.push({
      id: 'review:failure-change', section: 'review', value: t.estimate, unit: 'share', weight: 95,
      text: `Estimated failure rate ${f.change.difference! > 0 ? 'rose' : 'fell'} to ${pct(t.estimate)} (${ci}${t.failures} failure${t.failures === 1 ? '' : 's'} in ${t.reviewed} reviewed) from ${pct(f.last_week.estimate)} in ${f.last_week.week}: ${changeText(f.change)}.`,
      source: `review queues #${t.queue_id} and #${f.last_week.queue_id}, stratified estimates; difference by MOVER from each week's design-based interval`,
    });
  } else if (t.estimate !== null && t.covered_share < 1) {
    // Only some strata have a reviewed item: the figure is of those strata, never the week's rate.
    out.push({
      id: 'review:failure', section: 'review', value: t.estimate, unit: 'share', weight: 40,
      text: `No estimate of ${week}'s failure rate yet: the reviews cover strata holding ${pctShare(t.covered_share)} of its requests (in those strata, ${pct(t.estimate)}; ${ci}${t.failures} failure${t.failures === 1 ? '' : 's'} in ${t.reviewed} reviewed). Review items of the other strata to estimate the week.`,
      source: `review queue #${t.queue_id}, stratified estimate (${t.method}) of the covered strata`,
    });
  } else if (t.estimate !== null) {
    out.push({
      id: 'review:failure', section: 'review', value: t.estimate, unit: 'share', weight: 40,
      text: `Estimated failure rate for ${week}: ${pct(t.estimate)} (${ci}${t.failures} failure${t.failures === 1 ? '' : 's'} in ${t.reviewed} reviewed)${f.change && f.last_week ? `, not significantly different from ${f.last_week.week} (${changeText(f.change)})` : ''}.`,
      source: `review queue #${t.queue_id}, stratified estimate (${t.method})`,
    });
  }
  const g = r.regression;
  if (g.reviewed > 0) {
    out.push({
      id: 'review:regression', section: 'review', value: g.failed_again, unit: 'count', weight: g.failed_again > 0 ? 75 : 45,
      text: `Regression check: ${g.failed_again} of ${g.reviewed} reviewed requests repeating an earlier edge case failed again (${int(g.matching_requests)} such requests this week).`,
      source: 'edge-case repeats (signal edge_case_repeat) among the queue\'s reviewed items',
    });
  }
  for (const tag of r.tags_rose.filter((x) => x.change.significant).slice(0, 2)) {
    out.push({
      id: `review:tag:${tag.tag}`, section: 'review', value: tag.this_week.estimate, unit: 'share', weight: 65,
      text: `Items tagged "${tag.tag}" rose to an estimated ${pct(tag.this_week.estimate)} from ${pct(tag.last_week.estimate)}: ${changeText(tag.change)}.`,
      source: 'tag rates of this week\'s and last week\'s review queues (stratified estimates, MOVER difference)',
    });
  }
  return out;
}

/**
 * Which of several per-feature changes hold after Benjamini–Hochberg across the features (testing every feature
 * each week would otherwise find a "change" by chance most weeks): the interval must exclude 0 and the adjusted p
 * must be below 0.05.
 */
function holdsAcrossFeatures<T>(items: T[], change: (x: T) => Change | null): Set<T> {
  const tested = items.filter((x) => change(x)?.p_value !== null && change(x)?.p_value !== undefined);
  const bh = benjaminiHochberg(tested.map((x) => change(x)!.p_value!), 0.05);
  return new Set(tested.filter((x, i) => bh.rejected[i] && change(x)!.significant));
}

function feedbackFindings(f: FeedbackWeek, week: string, prev: string): Finding[] {
  const out: Finding[] = [];
  const holds = holdsAcrossFeatures(f.thumbs_by_feature, (g) => g.change);
  const th = f.thumbs;
  if (th.change?.significant) {
    const down = (s: typeof th.this_week) => (s.n ? s.down / s.n : null);
    out.push({
      id: 'feedback:thumbs', section: 'feedback', value: down(th.this_week), unit: 'share', weight: 72,
      text: `Thumbs-down share ${th.change.difference! < 0 ? 'rose' : 'fell'} to ${pct(down(th.this_week))} (${int(th.this_week.down)} of ${int(th.this_week.n)} thumbs) from ${pct(down(th.last_week))} (${int(th.last_week.down)} of ${int(th.last_week.n)}) in ${prev}.`,
      source: `metrics.series thumbs of ${week} and ${prev}; Newcombe interval of the thumbs-up difference ${changeText(th.change)}`,
    });
  }
  for (const g of f.thumbs_by_feature) {
    if (!g.change || !holds.has(g)) continue;
    const a = g.this_week;
    const b = g.last_week;
    const downA = a.n - a.k;
    const downB = b.n - b.k;
    const neg = { ...g.change, difference: -g.change.difference!, low: g.change.high === null ? null : -g.change.high, high: g.change.low === null ? null : -g.change.low };
    out.push({
      id: `feedback:thumbs:${g.feature}`, section: 'feedback', value: a.n ? downA / a.n : null, unit: 'share', weight: 78,
      text: `${g.feature} thumbs-down share ${g.change.difference! < 0 ? 'rose' : 'fell'} to ${pct(a.n ? downA / a.n : null)} (${downA} of ${a.n} thumbs) from ${pct(b.n ? downB / b.n : null)} (${downB} of ${b.n}) in ${prev}: ${changeText(neg)}.`,
      source: 'metrics.series thumbs by feature; Newcombe interval of the difference, Benjamini–Hochberg across features',
    });
  }
  if (f.csat.change?.significant) {
    out.push({
      id: 'feedback:csat', section: 'feedback', value: f.csat.this_week.rate, unit: 'share', weight: 60,
      text: `CSAT (top-2-box) ${f.csat.change.difference! > 0 ? 'rose' : 'fell'} to ${shareText(f.csat.this_week)} from ${pct(f.csat.last_week.rate)}: ${changeText(f.csat.change)}.`,
      source: 'metrics.series CSAT ratings (1-5, 4 and 5 satisfied); Newcombe interval',
    });
  }
  const m = f.missing_requests;
  // Feedback on requests that are not in the workspace moves every figure above without being about the requests
  // reviewed: said as a finding when it is a material part (a tenth or more) of the week's feedback.
  if (m.rows > 0 && m.rows >= 0.1 * m.week_rows) {
    out.push({
      id: 'feedback:missing-requests', section: 'feedback', value: m.rows / m.week_rows, unit: 'share', weight: 65,
      text: `${int(m.rows)} of ${week}'s ${int(m.week_rows)} feedback rows (${pct(m.rows / m.week_rows)}) are on requests that are not in this workspace; ${m.automated === m.rows ? 'all were written by automated evaluators (in no feedback figure)' : m.automated > 0 ? `the feedback figures count the ${int(m.rows - m.automated)} users' answers among them` : 'the feedback figures count them'}, and the Feedback section gives them apart.`,
      source: 'feedback rows whose request id names no stored request, by their own time',
    });
  }
  if (f.nps.change?.significant && f.nps.compared_week) {
    out.push({
      id: 'feedback:nps', section: 'feedback', value: f.nps.this_week.nps, unit: 'points', weight: 55,
      text: `NPS ${f.nps.change.difference! > 0 ? 'rose' : 'fell'} to ${num(f.nps.this_week.nps)} (${f.nps.this_week.n} answers) from ${num(f.nps.last_week.nps)} in ${f.nps.compared_week}: ${changeText(f.nps.change, 'points')}.`,
      source: f.nps.method,
    });
  }
  return out;
}

function ticketFindings(t: TicketsWeek, prev: string): Finding[] {
  if (!t.change?.significant) return [];
  // The category that grew most relative to last week (add-one ratio, at least 3 tickets): a new cause, not a big bucket.
  const rose = [...t.top_categories].filter((c) => c.tickets >= 3).sort((a, b) => (b.tickets + 1) / (b.last_week + 1) - (a.tickets + 1) / (a.last_week + 1))[0];
  return [{
    id: 'tickets:rate', section: 'tickets', value: t.rate_per_1000.rate, unit: 'per_1000', weight: 58,
    text: `Support tickets ${t.change.difference! > 0 ? 'rose' : 'fell'} to ${num(t.rate_per_1000.rate)} per 1,000 requests (${t.tickets} tickets) from ${num(t.last_week.rate)} (${t.last_week.tickets}) in ${prev}${rose && rose.tickets > rose.last_week ? `; category "${rose.category}" rose most (${rose.tickets}, was ${rose.last_week})` : ''}.`,
    source: t.method,
  }];
}

/**
 * The week's error rate as the summary says it: over the requests with a status or an error, and said so when some
 * have neither; "unknown" when none has one (a request with neither is not counted as a success).
 */
function errorRateText(m: MetricsWeek): string {
  const n = m.error_rate.n;
  if (n === 0) return 'unknown (no request has a status or an error)';
  return n < m.requests ? `${pct(m.error_rate.rate)} (of the ${int(n)} requests with a status or an error)` : pct(m.error_rate.rate);
}

function metricsFindings(m: MetricsWeek, alerted: Set<string>, week: string, prev: string): Finding[] {
  const out: Finding[] = [];
  out.push({
    id: 'metrics:volume', section: 'metrics', value: m.requests, unit: 'count', weight: m.last_week_requests && Math.abs(m.requests / m.last_week_requests - 1) > 0.3 ? 52 : 20,
    text: `${int(m.requests)} requests in ${week} (${m.last_week_requests ? `${times(m.requests, m.last_week_requests)} ${prev}'s ${int(m.last_week_requests)}` : 'none the week before'}), error rate ${errorRateText(m)}, p95 latency ${ms(m.latency.p95)}, cost ${m.cost.with_cost > 0 ? `${usd(m.cost.total_usd)}${m.cost.with_cost < m.requests ? ` (${int(m.cost.with_cost)} of the requests have a cost)` : ''}` : '– (no request has a cost)'}.`,
    source: 'metrics.series weekly bucket',
  });
  const holds = holdsAcrossFeatures(m.by_feature, (f) => f.error_change);
  for (const f of m.by_feature) {
    if (f.error_change && holds.has(f) && f.error_change.difference! > 0 && !alerted.has(`error_rate:${f.feature}`)) {
      out.push({
        id: `metrics:errors:${f.feature}`, section: 'metrics', value: f.error_rate, unit: 'share', weight: 66,
        text: `${f.feature} error rate rose to ${pct(f.error_rate)} (${f.errors} of ${int(f.with_status)}${f.with_status < f.requests ? ` requests with a status or an error; ${int(f.requests)} in all` : ''}) from ${pct(f.last_week.error_rate)} (${f.last_week.errors} of ${int(f.last_week.with_status)}) in ${prev}: ${changeText(f.error_change)}.`,
        source: 'metrics.series breakdown by feature; Newcombe interval, Benjamini–Hochberg across features',
      });
    }
    if (f.p95_ms !== null && f.last_week.p95_ms && f.requests >= 50 && f.last_week.requests >= 50 && f.p95_ms / f.last_week.p95_ms >= 1.25 && !alerted.has(`p95_latency_ms:${f.feature}`)) {
      out.push({
        id: `metrics:p95:${f.feature}`, section: 'metrics', value: f.p95_ms, unit: 'ms', weight: 54,
        text: `${f.feature} p95 latency rose to ${ms(f.p95_ms)} from ${ms(f.last_week.p95_ms)} in ${prev} (${times(f.p95_ms, f.last_week.p95_ms)}).`,
        source: 'metrics.series breakdown by feature (type-7 quantile)',
      });
    }
  }
  return out;
}

/** Of one rule's alerts, the one that says most: a feature's (it names where), else the whole traffic's, smallest p first. */
function headline(list: readonly ReportAlert[]): ReportAlert {
  const rank = (x: ReportAlert) => (x.group?.feature !== undefined ? 0 : x.group === null ? 1 : 2);
  return [...list].sort((a, b) => rank(a) - rank(b) || (a.p_value ?? 1) - (b.p_value ?? 1) || b.value - a.value)[0]!;
}

const ALERT_UNIT: Record<ReportAlert['metric'], Finding['unit']> = {
  error_rate: 'share', p95_latency_ms: 'ms', cost_usd: 'usd', thumbs_down_rate: 'share', low_csat_share: 'share', detractor_share: 'share', tickets: 'count',
};

/**
 * One finding per rule and metric of the week (a spike raises alerts for its feature, the whole traffic and the
 * model version at once, and often on two days: one event, one finding), told by its headline alert, with the
 * other scopes and days named and the runbook's state.
 */
function alertFindings(a: AlertsWeek): Finding[] {
  const byRule = new Map<string, ReportAlert[]>();
  for (const x of a.alerts) byRule.set(`${x.rule}:${x.metric}`, [...(byRule.get(`${x.rule}:${x.metric}`) ?? []), x]);
  return [...byRule.values()].map((list) => {
    const x = headline(list);
    const same = list.filter((o) => o !== x && o.bucket === x.bucket).map((o) => o.scope);
    const later = list.filter((o) => o.bucket !== x.bucket).map((o) => `${o.scope} on ${o.bucket}`);
    const isNew = list.some((o) => o.status === 'new');
    const open = list.filter((o) => o.state === 'open').length;
    const state = open === list.length ? 'open' : open > 0 ? `${open} of ${list.length} open` : list.every((o) => o.state === 'resolved') ? 'resolved' : 'acknowledged';
    const where = x.group?.feature ?? (x.group === null ? 'all' : `${Object.keys(x.group)[0]}=${Object.values(x.group)[0]}`);
    return {
      id: `alert:${x.metric}:${where}`, section: 'alerts' as const, value: x.value, unit: ALERT_UNIT[x.metric],
      weight: isNew ? (x.metric === 'error_rate' ? 88 : 82) : 35,
      text: `${x.runbook.title} alert on ${x.scope}, ${x.bucket}: ${x.summary.replace(/\.$/, '')}${same.length ? `; the same ${x.bucket_unit} also on ${same.join(' and ')}` : ''}${later.length ? `; also ${later.join(', ')}` : ''} (${isNew ? 'new this week' : 'ongoing since the week before'}; ${state}).`,
      source: `alert rule ${x.rule} (${x.bucket_unit} buckets against the group's trailing baseline); ${a.source}`,
    };
  });
}

function driftRowText(r: DriftWeek['findings'][number]): string {
  const name = COLUMN_NAMES[r.column] ?? r.column;
  if (r.shares) {
    const moved = [...r.shares].sort((x, y) => Math.abs(y.current - y.reference) - Math.abs(x.current - x.reference)).slice(0, 2)
      .map((s) => `${s.category} ${pct(s.current)} (was ${pct(s.reference)})`).join(', ');
    return `${name}: ${moved} (chi-square, BH ${pval(r.p_adjusted)})`;
  }
  const v = (x: number | null) => (r.column === 'cost_usd' ? usd(x) : r.column === 'latency_ms' ? ms(x) : `${num(x)}${r.column.endsWith('_chars') ? ' characters' : r.column.startsWith('tokens') ? ' tokens' : ''}`);
  return `mean ${name} ${v(r.mean_current)} vs ${v(r.mean_reference)} (${times(r.mean_current, r.mean_reference)}; KS D = ${num(r.statistic, 3)}, BH ${pval(r.p_adjusted)})`;
}

/**
 * Whether a flagged drift row moved enough to matter to a reader: a mean off by 10% or more, a category share moved
 * by 5 points or more, or PSI of 0.25 or more (the usual "large" band). Large weeks make tiny differences significant; the section lists
 * them all, the summary only these.
 */
function driftMatters(r: DriftWeek['findings'][number]): boolean {
  if ((r.psi ?? 0) >= 0.25) return true;
  if (r.shares) return r.shares.some((s) => Math.abs(s.current - s.reference) >= 0.05);
  return r.mean_current !== null && r.mean_reference !== null && r.mean_reference !== 0 && Math.abs(r.mean_current / r.mean_reference - 1) >= 0.1;
}

function driftFindings(d: DriftWeek): Finding[] {
  const rows = d.findings.filter((f) => f.rejected && driftMatters(f));
  const scopes = d.scopes.length;
  const out: Finding[] = [];
  const src = (scope: string) => `metrics.drift${scope === 'all traffic' ? '' : ` of ${scope}`}, ${d.current.label} against ${d.reference.label}, Benjamini–Hochberg across all drift tests`;
  // A column that moved in most features at once (a model rollout) is one finding, not one per feature.
  const byColumn = new Map<string, typeof rows>();
  for (const r of rows) byColumn.set(r.column, [...(byColumn.get(r.column) ?? []), r]);
  const used = new Set<(typeof rows)[number]>();
  for (const [column, list] of byColumn) {
    if (list.length < 2 || list.length * 2 <= scopes) continue;
    list.forEach((r) => used.add(r));
    const isNew = list.some((r) => r.new_this_week);
    const best = [...list].sort((a, b) => (a.p_adjusted ?? 1) - (b.p_adjusted ?? 1))[0]!;
    out.push({
      id: `drift:${column}`, section: 'drift', value: best.p_adjusted, unit: 'p_value', weight: isNew ? 70 : 42,
      text: `${COLUMN_NAMES[column] ?? column} changed in ${list.map((r) => r.scope).join(', ')} against ${d.reference.label}${isNew ? '' : ` (ongoing: last week's comparison found it too)`}; e.g. ${best.scope}: ${driftRowText(best)}.`,
      source: src(best.scope),
    });
  }
  const byScope = new Map<string, typeof rows>();
  for (const r of rows) if (!used.has(r)) byScope.set(r.scope, [...(byScope.get(r.scope) ?? []), r]);
  for (const [scope, list] of byScope) {
    list.sort((a, b) => Number(b.new_this_week) - Number(a.new_this_week) || (a.p_adjusted ?? 1) - (b.p_adjusted ?? 1));
    const isNew = list.some((r) => r.new_this_week);
    const whole = scope === 'all traffic';
    // Larger moves first: a share moved by 10 points or a mean by 30% outranks a smaller drift.
    const big = list.some((r) => (r.shares ?? []).some((x) => Math.abs(x.current - x.reference) >= 0.1)
      || (r.mean_current !== null && r.mean_reference ? Math.abs(r.mean_current / r.mean_reference - 1) >= 0.3 : false));
    out.push({
      id: `drift:${scope}`, section: 'drift', value: list[0]!.p_adjusted, unit: 'p_value', weight: !isNew ? 42 : (whole ? 56 : 70) + (big ? 10 : 0) + Math.min(list.length - 1, 2) * 2,
      text: `${whole ? 'All traffic' : `${scope} traffic`} drifted from ${d.reference.label}${isNew ? '' : ' (ongoing: last week\'s comparison found it too)'}: ${list.slice(0, 3).map(driftRowText).join('; ')}.`,
      source: src(scope),
    });
  }
  return out;
}

const data = <T>(s: Section<T>): T | null => (s.available ? s.data : null);

/**
 * Picks the report's findings from its sections.
 * @returns three to five findings, heaviest first (fewer only when the week has hardly any data)
 */
export function summarize(r: Omit<WeeklyReport, 'summary'>): Finding[] {
  const metrics = data(r.metrics);
  const alerts = data(r.alerts);
  // Feature-level changes an alert already names are said once, by the alert.
  const alerted = new Set((alerts?.alerts ?? []).filter((a) => a.group === null || a.group.feature !== undefined).map((a) => `${a.metric}:${a.group?.feature ?? 'all'}`));
  const all: Finding[] = [
    ...(data(r.review) ? reviewFindings(data(r.review)!, r.week) : []),
    ...(alerts ? alertFindings(alerts) : []),
    ...(data(r.drift) ? driftFindings(data(r.drift)!) : []),
    ...(data(r.feedback) ? feedbackFindings(data(r.feedback)!, r.week, r.previous_week) : []),
    ...(data(r.tickets) ? ticketFindings(data(r.tickets)!, r.previous_week) : []),
    ...(metrics ? metricsFindings(metrics, alerted, r.week, r.previous_week) : []),
  ];
  // A thumbs-down alert on a feature whose thumbs-down rise is already a finding is said there, once.
  for (const f of all.filter((x) => x.id.startsWith('alert:thumbs_down_rate:'))) {
    const feature = f.id.slice('alert:thumbs_down_rate:'.length);
    const twin = all.find((x) => x.id === (feature === 'all' ? 'feedback:thumbs' : `feedback:thumbs:${feature}`));
    const x = alerts!.alerts.filter((a) => a.metric === 'thumbs_down_rate' && (a.group?.feature ?? (a.group === null ? 'all' : null)) === feature)[0];
    if (twin && x) {
      const rest = alerts!.alerts.filter((a) => a !== x && a.rule === x.rule && a.metric === x.metric).map((a) => (a.bucket === x.bucket ? a.scope : `${a.scope} on ${a.bucket}`));
      twin.text = `${twin.text.replace(/\.$/, '')}; the negative-feedback alert fired (${pct(x.value)} against a baseline of ${pct(x.baseline)}; ${x.state})${rest.length ? `, and for ${rest.join(' and ')} too` : ''}.`;
      twin.weight = Math.max(twin.weight, f.weight);
      f.weight = -1;
    }
  }
  const sorted = all.filter((f) => f.weight >= 0).sort((a, b) => b.weight - a.weight || a.id.localeCompare(b.id));
  const important = sorted.filter((f) => f.weight >= IMPORTANT).slice(0, MAX);
  if (important.length >= MIN) return important;
  return [...important, ...sorted.filter((f) => f.weight < IMPORTANT).slice(0, MIN - important.length)];
}
