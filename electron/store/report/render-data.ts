/**
 * The report's data formats: JSON (the model itself) and CSV (every number of the report, one per row, for a team's
 * own dashboards: `section,key,label,value,low,high,n,k,unit,detail`). CSV cells a spreadsheet would run as a
 * formula are escaped (review/exports.ts toCsv).
 */
import { toCsv } from '../review/exports';
import { wilsonShare } from './compare';
import { fixed } from './format';
import type { Change, Share, WeeklyReport } from './model';
import { frameStatement } from './sources/review';

type Row = [string, string, string, number | string | null, number | null, number | null, number | null, number | null, string, string];

export const CSV_FIELDS = ['section', 'key', 'label', 'value', 'low', 'high', 'n', 'k', 'unit', 'detail'];

/** The report model as pretty-printed JSON (timings left out: they describe the run, not the week). */
export function renderJson(r: WeeklyReport): string {
  const { timings: _t, ...rest } = r;
  return `${JSON.stringify(rest, null, 2)}\n`;
}

/** Every number of the report as CSV rows. */
export function renderCsv(r: WeeklyReport): string {
  const rows: Row[] = [];
  const add = (section: string, key: string, label: string, value: number | string | null, low: number | null = null, high: number | null = null, n: number | null = null, k: number | null = null, unit = '', detail = '') =>
    rows.push([section, key, label, value, low, high, n, k, unit, detail]);
  const share = (section: string, key: string, label: string, s: Share, detail = '') => add(section, key, label, s.rate, s.low, s.high, s.n, s.k, 'share', detail || s.method);
  const change = (section: string, key: string, label: string, c: Change | null, unit = 'share') => {
    if (c) add(section, key, label, c.difference, c.low, c.high, null, null, unit, `${c.significant ? 'significant' : 'not significant'}${c.p_value === null ? '' : `; p=${c.p_value}`}; ${c.method}`);
  };
  add('report', 'week', 'Week', r.week, null, null, null, null, '', `${r.period.first_day} to ${r.period.last_day} (${r.period.time_zone})`);
  add('report', 'previous_week', 'Compared with', r.previous_week);
  r.summary.forEach((f, i) => add('summary', `${i + 1}:${f.id}`, f.text, f.value, null, null, null, null, f.unit, f.source));
  if (r.review.available) {
    const { section: s, failure, tags_rose: rose, regression: g, skip_reasons: skips } = r.review.data;
    add('review', 'queue', 'Queue', s.queue.id, null, null, null, null, '', s.queue.name);
    add('review', 'reviewed', 'Reviewed of queued', s.coverage.reviewed, null, null, s.coverage.queued, null, 'count', `${s.coverage.skipped} skipped; population ${s.coverage.population}`);
    add('review', 'sampling_frame', 'Requests the estimates are for', s.frame.requests, null, null, s.frame.requests_in_period, null, 'count', frameStatement(s.frame));
    add('review', 'reviewed_earlier', 'Requests reviewed before the queue (take-all stratum)', s.frame.reviewed_earlier, null, null, s.frame.requests, null, 'count', s.design);
    add('review', 'failures_seen', 'Failures seen among reviewed items', s.seen.failures, null, null, s.seen.reviewed, s.seen.failures, 'count', `this queue: ${s.seen.queue_failures} of ${s.seen.queue_reviewed}`);
    add('review', 'interval_method', '95% interval method', s.method.name, null, null, null, null, '', s.method.reference);
    for (const x of s.coverage.strata) add('review_stratum', x.key, x.key, x.reviewed, null, null, x.queued, x.failures, 'count', `population ${x.population}`);
    for (const m of s.estimates) add('review_estimate', m.key, m.label, m.estimate, m.low, m.high, m.n, m.k, 'share', `${m.method_name}${m.effective_n === null ? '' : ` (effective n ${Math.round(m.effective_n * 10) / 10})`}${m.small_sample ? `; small sample: ${m.reasons.join('; ')}` : ''}${m.notes.length ? `; ${m.notes.join('; ')}` : ''}; sample rate ${m.sample_rate ?? ''}`);
    if (failure.last_week) add('review_wow', 'failure_last_week', `Failure rate ${failure.last_week.week}`, failure.last_week.estimate, failure.last_week.low, failure.last_week.high, failure.last_week.reviewed, failure.last_week.failures, 'share', failure.last_week.method);
    change('review_wow', 'failure_change', 'Failure rate change', failure.change);
    for (const t of rose) change('review_wow', `tag_rose:${t.tag}`, `Tagged "${t.tag}" change`, t.change);
    add('review_regression', 'matching_requests', 'Requests repeating an earlier edge case', g.matching_requests, null, null, null, null, 'count', `${g.edge_cases_before} earlier edge cases`);
    add('review_regression', 'reviewed', 'Repeats reviewed', g.reviewed, null, null, g.in_queue, null, 'count');
    add('review_regression', 'failed_again', 'Repeats that failed again', g.failed_again, null, null, g.reviewed, null, 'count');
    for (const t of s.top_tags) add('review_tag', `tag:${t.tag_id}`, t.tag, t.items, null, null, null, null, 'count');
    for (const x of skips) add('review_skip', x.reason, x.reason, x.items, null, null, null, null, 'count');
    if (s.agreement) for (const a of s.agreement.criteria) add('review_agreement', a.criterion, a.label, a.kappa, null, null, a.n, null, 'kappa', a.weighted_kappa === null ? '' : `weighted kappa (linear) ${a.weighted_kappa}`);
  } else add('review', 'missing', 'Review', null, null, null, null, null, '', r.review.reason);
  if (r.feedback.available) {
    const f = r.feedback.data;
    share('feedback', 'thumbs_up_rate', 'Thumbs-up rate', f.thumbs.this_week);
    share('feedback', 'thumbs_up_rate_last_week', `Thumbs-up rate ${r.previous_week}`, f.thumbs.last_week);
    change('feedback', 'thumbs_up_rate_change', 'Thumbs-up rate change', f.thumbs.change);
    for (const g of f.thumbs_by_feature) {
      share('feedback_feature', `thumbs_up_rate:${g.feature}`, `${g.feature} thumbs-up rate`, g.this_week);
      share('feedback_feature', `thumbs_up_rate_last_week:${g.feature}`, `${g.feature} thumbs-up rate ${r.previous_week}`, g.last_week);
      change('feedback_feature', `thumbs_up_rate_change:${g.feature}`, `${g.feature} thumbs-up rate change`, g.change);
    }
    share('feedback', 'csat', 'CSAT (top-2-box)', f.csat.this_week);
    share('feedback', 'csat_last_week', `CSAT ${r.previous_week}`, f.csat.last_week);
    change('feedback', 'csat_change', 'CSAT change', f.csat.change);
    add('feedback', 'nps', 'NPS', f.nps.this_week.nps, f.nps.this_week.low, f.nps.this_week.high, f.nps.this_week.n, f.nps.this_week.promoters, 'points', `${f.nps.this_week.detractors} detractors; ${f.nps.method}`);
    if (f.nps.compared_week) add('feedback', 'nps_previous', `NPS ${f.nps.compared_week}`, f.nps.last_week.nps, f.nps.last_week.low, f.nps.last_week.high, f.nps.last_week.n, f.nps.last_week.promoters, 'points');
    change('feedback', 'nps_change', 'NPS change', f.nps.change, 'points');
    for (const g of f.other_ratings) {
      share('feedback', `low_rating_share:1-${g.scale}`, `Ratings of 1-${g.scale} at or below ${0.4 * g.scale} (mean ${fixed(g.this_week.mean)})`, g.this_week.low);
      share('feedback', `low_rating_share_last_week:1-${g.scale}`, `Ratings of 1-${g.scale} at or below ${0.4 * g.scale} ${r.previous_week} (mean ${fixed(g.last_week.mean)})`, g.last_week.low);
    }
    add('feedback', 'automated_scores', 'Scores (thumbs, ratings, NPS) from automated evaluators such as LLM judges (in none of the figures above)', f.automated.this_week, null, null, null, null, 'count', `${r.previous_week}: ${f.automated.last_week}`);
    for (const g of f.automated.ratings) {
      share('feedback', `evaluator_low_rating_share:1-${g.scale}`, `Automated evaluators' ratings of 1-${g.scale} at or below ${0.4 * g.scale} (mean ${fixed(g.this_week.mean)})`, g.this_week.low);
      share('feedback', `evaluator_low_rating_share_last_week:1-${g.scale}`, `Automated evaluators' ratings of 1-${g.scale} at or below ${0.4 * g.scale} ${r.previous_week} (mean ${fixed(g.last_week.mean)})`, g.last_week.low);
    }
    const m = f.missing_requests;
    if (m.rows > 0) {
      add('feedback_missing_request', 'rows', 'Feedback on requests not in the workspace (counted in the figures above)', m.rows, null, null, m.week_rows, m.rows, 'count', `${m.requests} request ids`);
      if (m.thumbs.n > 0) share('feedback_missing_request', 'thumbs_up_rate', 'Thumbs-up rate on requests not in the workspace', wilsonShare(m.thumbs.up, m.thumbs.n));
      if (m.csat.n > 0) share('feedback_missing_request', 'csat', 'CSAT on requests not in the workspace', wilsonShare(m.csat.satisfied, m.csat.n));
      for (const g of m.other_ratings) share('feedback_missing_request', `low_rating_share:1-${g.scale}`, `Ratings of 1-${g.scale} at or below ${0.4 * g.scale} on requests not in the workspace (mean ${g.n ? fixed(g.sum / g.n) : '–'})`, wilsonShare(g.low, g.n));
    }
    add('feedback', 'negative_comments', 'Negative comments', f.comments.negative, null, null, f.comments.negative + f.comments.other, f.comments.negative, 'count', 'thumbs-down, NPS detractors, ratings ≤ 0.4 × scale, rejected preferences');
    if (f.negative_terms.available) for (const t of f.negative_terms.data) add('feedback_terms', t.term, t.term, t.z, null, null, t.negative, t.other, 'z');
  } else add('feedback', 'missing', 'Feedback', null, null, null, null, null, '', r.feedback.reason);
  if (r.tickets.available) {
    const t = r.tickets.data;
    add('tickets', 'rate_per_1000', 'Tickets per 1,000 requests', t.rate_per_1000.rate, t.rate_per_1000.low, t.rate_per_1000.high, t.requests, t.tickets, 'per_1000', t.method);
    add('tickets', 'rate_per_1000_last_week', `Tickets per 1,000 requests ${r.previous_week}`, t.last_week.rate, t.last_week.low, t.last_week.high, t.last_week.requests, t.last_week.tickets, 'per_1000');
    change('tickets', 'rate_change', 'Ticket rate change', t.change, 'per_1000');
    add('tickets', 'linked', 'Tickets linked to a request', t.linked, null, null, t.tickets, null, 'count');
    for (const c of t.top_categories) add('tickets_category', c.category, c.category, c.tickets, null, null, null, null, 'count', `${r.previous_week}: ${c.last_week}`);
    for (const c of t.by_priority) add('tickets_priority', c.priority, c.priority, c.tickets, null, null, null, null, 'count');
    for (const c of t.by_channel) add('tickets_channel', c.channel, c.channel, c.tickets, null, null, null, null, 'count');
  } else add('tickets', 'missing', 'Tickets', null, null, null, null, null, '', r.tickets.reason);
  if (r.metrics.available) {
    const m = r.metrics.data;
    add('metrics', 'requests', 'Requests', m.requests, null, null, null, null, 'count');
    add('metrics', 'requests_last_week', `Requests ${r.previous_week}`, m.last_week_requests, null, null, null, null, 'count');
    share('metrics', 'error_rate', 'Error rate', m.error_rate);
    share('metrics', 'error_rate_last_week', `Error rate ${r.previous_week}`, m.last_week_error_rate);
    change('metrics', 'error_rate_change', 'Error rate change', m.error_change);
    for (const q of ['p50', 'p95', 'p99'] as const) {
      add('metrics', `latency_${q}`, `Latency ${q}`, m.latency[q], null, null, m.latency.n, null, 'ms', m.quantile_method);
      add('metrics', `latency_${q}_last_week`, `Latency ${q} ${r.previous_week}`, m.last_week_latency[q], null, null, m.last_week_latency.n, null, 'ms');
    }
    add('metrics', 'tokens_in_mean', 'Tokens in, mean', m.tokens.in_mean, null, null, m.tokens.in_n, null, 'tokens');
    add('metrics', 'tokens_out_mean', 'Tokens out, mean', m.tokens.out_mean, null, null, m.tokens.out_n, null, 'tokens');
    add('metrics', 'tokens_in_total', 'Tokens in, total', m.tokens.in_total, null, null, null, null, 'tokens');
    add('metrics', 'tokens_out_total', 'Tokens out, total', m.tokens.out_total, null, null, null, null, 'tokens');
    add('metrics', 'cost_total', 'Cost', m.cost.total_usd, null, null, m.cost.with_cost, null, 'usd');
    add('metrics', 'cost_total_last_week', `Cost ${r.previous_week}`, m.cost.last_week_total_usd, null, null, null, null, 'usd');
    for (const f of m.by_feature) {
      add('metrics_feature', `requests:${f.feature}`, `${f.feature} requests`, f.requests, null, null, null, null, 'count');
      // n: the requests with a status or an error (the rate's denominator), not all requests.
      add('metrics_feature', `error_rate:${f.feature}`, `${f.feature} error rate`, f.error_rate, null, null, f.with_status, f.errors, 'share');
      add('metrics_feature', `p95:${f.feature}`, `${f.feature} p95 latency`, f.p95_ms, null, null, null, null, 'ms');
      change('metrics_feature', `error_rate_change:${f.feature}`, `${f.feature} error rate change`, f.error_change);
    }
    for (const f of m.top_features_by_cost) add('metrics_cost_feature', f.feature, f.feature, f.cost_usd, null, null, f.requests, null, 'usd');
    for (const u of m.top_users_by_cost) add('metrics_cost_user', u.user_id, u.user_id, u.cost_usd, null, null, u.requests, null, 'usd');
    for (const t of m.trend) {
      add('trend', `requests:${t.week}`, `Requests ${t.week}`, t.requests, null, null, null, null, 'count');
      add('trend', `error_rate:${t.week}`, `Error rate ${t.week}`, t.error_rate, t.error_low, t.error_high, t.with_status, null, 'share');
      add('trend', `p95:${t.week}`, `p95 latency ${t.week}`, t.p95, null, null, null, null, 'ms');
      add('trend', `thumbs_up_rate:${t.week}`, `Thumbs-up rate ${t.week}`, t.thumbs_up_rate, t.thumbs_low, t.thumbs_high, t.thumbs_n, null, 'share');
      add('trend', `cost:${t.week}`, `Cost ${t.week}`, t.cost_usd, null, null, null, null, 'usd');
    }
  } else add('metrics', 'missing', 'Metrics', null, null, null, null, null, '', r.metrics.reason);
  if (r.alerts.available) {
    for (const a of r.alerts.data.alerts) {
      const unit = a.metric === 'p95_latency_ms' ? 'ms' : a.metric === 'cost_usd' ? 'usd' : a.metric === 'tickets' ? 'count' : 'share';
      add('alert', a.key, `${a.metric} ${a.scope} ${a.bucket}`, a.value, null, null, a.n, null, unit,
        `${a.summary} Baseline ${a.baseline ?? ''}, threshold ${a.threshold}; ${a.status}; state ${a.state}${a.note ? ` (note: ${a.note})` : ''}; runbook ${a.runbook.title}, ${a.runbook.checked.length} of ${a.runbook.steps.length} steps done`);
    }
  } else add('alerts', 'missing', 'Alerts', null, null, null, null, null, '', r.alerts.reason);
  if (r.drift.available) {
    for (const d of r.drift.data.findings) add('drift', `${d.scope}:${d.column}`, `${d.scope} ${d.column}`, d.statistic, null, null, null, null, d.test, `BH p ${d.p_adjusted ?? ''}; PSI ${d.psi ?? ''}; ${d.new_this_week === false ? 'ongoing' : 'new'}`);
  } else add('drift', 'missing', 'Drift', null, null, null, null, null, '', r.drift.reason);
  return toCsv(CSV_FIELDS, rows);
}
