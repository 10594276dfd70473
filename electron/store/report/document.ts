/**
 * The report laid out once as a sequence of blocks (headings, paragraphs, lists, tables, charts, quoted model text),
 * from the report model. The Markdown, HTML and PDF renderers each draw these same blocks, so the three formats say
 * the same things in the same order. Text in blocks is plain (untrusted text included); each renderer escapes it for
 * its own format.
 */
import type { OtherRatings, WeeklyReport } from './model';
import type { Chart } from './charts';
import { failureChart, trendCharts } from './charts';
import { wilsonShare } from './compare';
import { changeText, fixed, int, interval, ms, num, pct, pval, shareText, times, usd } from './format';
import { frameStatement, seenText, smallSampleReasons } from './sources/review';
import { NPS_MIN_N } from './sources/feedback';

/** NPS answers below which the report calls the normal interval rough (its coverage falls well short of 95%). */

/** Inline content: plain text, an id or other code (shown in monospace, never escaped inside), or strong text. */
export type Inline = string | { code: string } | { strong: string };

export type Block =
  | { kind: 'h'; level: 1 | 2 | 3; text: string }
  | { kind: 'p'; parts: Inline[]; muted?: boolean }
  | { kind: 'list'; items: Inline[][]; ordered?: boolean }
  | { kind: 'table'; head: string[]; align: Array<'l' | 'r'>; rows: Inline[][][] }
  | { kind: 'chart'; chart: Chart }
  | { kind: 'quote'; label: string; text: string };

const h = (level: 1 | 2 | 3, text: string): Block => ({ kind: 'h', level, text });
const p = (...parts: Inline[]): Block => ({ kind: 'p', parts });
const muted = (...parts: Inline[]): Block => ({ kind: 'p', parts, muted: true });
const cell = (...parts: Inline[]): Inline[] => parts;
const code = (s: string): Inline => ({ code: s });

/** Plain text of inline parts (for PDF measuring and tests). */
export function plain(parts: readonly Inline[]): string {
  return parts.map((x) => (typeof x === 'string' ? x : 'code' in x ? x.code : x.strong)).join('');
}


/** The estimate's interval method in a table cell: the full name and reference are said once above the table. */
function methodShort(m: { method: string; effective_n: number | null }): string {
  if (m.method === 'clopper_pearson_effective') return m.effective_n === null ? 'Clopper–Pearson' : `Clopper–Pearson, effective n ${num(m.effective_n, 1)}`;
  return m.method === 'census' ? 'census (all reviewed)' : '–';
}

function reviewBlocks(r: WeeklyReport): Block[] {
  const out: Block[] = [h(2, 'Review')];
  if (!r.review.available) return [...out, p(r.review.reason)];
  const { section: s, failure, tags_rose: rose, regression: g, skip_reasons: skips } = r.review.data;
  out.push(p(`Queue #${s.queue.id} ${s.queue.name}. Reviewers: ${s.reviewers.length ? s.reviewers.join(', ') : 'none yet'}. Rubric version${s.rubric_versions.length === 1 ? '' : 's'}: ${s.rubric_versions.length ? s.rubric_versions.join(', ') : `${s.rubric.version} (current)`}.`));
  const c = s.coverage;
  out.push(p(`${c.reviewed} of ${c.queued} queued items reviewed (${c.skipped} skipped), drawn from ${int(c.population)} eligible requests. Strata covered: ${c.strata_covered} of ${c.strata_total}.`));
  if (c.strata_without_reviews.length) out.push(p(`Strata with nothing reviewed: ${c.strata_without_reviews.join(', ')}.`));
  out.push(p(seenText(s.seen)));
  out.push(h(3, 'Estimates for the sampling frame'));
  // The estimates' own frame sentence (it says when the estimate covers only part of the frame so far).
  const frameText = s.estimate_notes.find((n) => n.startsWith('Estimates are for')) ?? frameStatement(s.frame);
  out.push(p(frameText));
  out.push(p(s.design));
  out.push(muted(`95% intervals: ${s.method.name} (${s.method.reference}). Reviewed: items with an outcome; Seen: events among them; the plain sample rate shows what an unweighted count would say.`));
  out.push({
    kind: 'table', head: ['Measure', 'Estimate', '95% interval', 'Reviewed', 'Seen', 'Sample rate', 'Method', 'Flag'], align: ['l', 'r', 'l', 'r', 'r', 'r', 'l', 'l'],
    rows: s.estimates.map((m) => [cell(m.label), cell(pct(m.estimate)), cell(interval(m.low, m.high)), cell(int(m.n)), cell(int(m.k)), cell(pct(m.sample_rate)), cell(methodShort(m)),
      cell([m.estimate !== null && m.reviewed_share < 1 ? `reviewed strata ${pct(m.reviewed_share)} of the frame${m.covered_share > m.reviewed_share ? ` (${pct(m.covered_share)} with collapsed strata)` : ''}: not yet the week's rate` : '', m.small_sample ? `small sample: ${m.reason ?? ''}` : ''].filter(Boolean).join('; '))]),
  });
  const caveats = smallSampleReasons(s.estimates);
  if (caveats.length) out.push(p('Small-sample reasons:'), { kind: 'list', items: caveats.map((x) => [x]) });
  for (const n of s.estimate_notes.filter((x) => x !== frameText)) out.push(muted(`Note: ${n}`));
  const fc = failureChart(r.review.data);
  if (fc) out.push({ kind: 'chart', chart: fc });

  out.push(h(3, 'Week over week'));
  if (failure.last_week && failure.change) {
    const t = failure.this_week;
    const l = failure.last_week;
    out.push(p(`Failure rate ${pct(t.estimate)} (${interval(t.low, t.high)}; ${t.failures} of ${t.reviewed} reviewed) against ${pct(l.estimate)} in ${l.week} (${interval(l.low, l.high)}; ${l.failures} of ${l.reviewed}): difference `,
      { strong: changeText(failure.change) }, `, ${failure.change.significant ? 'significant' : 'not significant'} at the 5% level.`));
    out.push(muted(`Method: ${failure.change.method}.`));
  } else out.push(p(failure.note ?? 'No comparison.'));
  if (rose.length) {
    out.push(p('Tags that rose:'));
    out.push({
      kind: 'table', head: ['Tag', 'This week', 'Last week', 'Change'], align: ['l', 'r', 'r', 'l'],
      rows: rose.map((t) => [cell(t.tag), cell(`${pct(t.this_week.estimate)} (${t.this_week.k} of ${t.this_week.n})`), cell(`${pct(t.last_week.estimate)} (${t.last_week.k} of ${t.last_week.n})`), cell(`${changeText(t.change)}${t.change.significant ? '' : ', not significant'}`)]),
    });
  } else if (failure.last_week) out.push(p('No tag rose from last week.'));
  out.push(h(3, 'Regression check'));
  if (g.edge_cases_before === 0) out.push(p('No edge case was tagged before this week, so nothing could repeat.'));
  else {
    out.push(p(`${int(g.matching_requests)} request${g.matching_requests === 1 ? '' : 's'} this week repeat one of ${int(g.edge_cases_before)} edge cases tagged in earlier weeks; ${g.in_queue} ${g.in_queue === 1 ? 'is' : 'are'} in the queue${g.own_stratum ? ' (their own stratum, signal edge_case_repeat)' : ' (the queue did not oversample edge_case_repeat)'}, `,
      { strong: `${g.reviewed} reviewed, ${g.failed_again} failed again` }, '.'));
    if (g.examples.length) {
      out.push({
        kind: 'table', head: ['Item', 'Request', 'Repeats', 'Earlier tags', 'Outcome'], align: ['r', 'l', 'l', 'l', 'l'],
        rows: g.examples.map((e) => [cell(e.position === null ? '–' : `#${e.position}`), cell(code(e.request_id)), cell(code(e.earlier_request_id), e.earlier_week ? ` (${e.earlier_week})` : ''), cell(e.tags.join(', ')), cell(e.failed === null ? '–' : e.failed ? 'failed again' : 'passed')]),
      });
    }
    out.push(muted(`Matching: ${g.method}.`));
  }
  out.push(h(3, 'Strata'));
  out.push({
    kind: 'table', head: ['Stratum', 'Population', 'Queued', 'Reviewed', 'Failures'], align: ['l', 'r', 'r', 'r', 'r'],
    rows: c.strata.map((x) => [cell(code(x.key)), cell(int(x.population)), cell(int(x.queued)), cell(int(x.reviewed)), cell(int(x.failures))]),
  });
  out.push(h(3, 'Top tags'));
  if (s.top_tags.length === 0) out.push(p('No item was tagged.'));
  for (const t of s.top_tags) {
    out.push(p({ strong: t.tag }, ` (${t.items} item${t.items === 1 ? '' : 's'})`));
    for (const x of t.examples) {
      out.push(p(`#${x.position} `, code(x.request_id), x.failed ? ' (failed)' : '', x.note ? `; note: ${x.note}` : ''));
      out.push({ kind: 'quote', label: 'Input', text: x.input }, { kind: 'quote', label: 'Output', text: x.output });
    }
  }
  out.push(h(3, 'Notable notes'));
  if (s.notes.length === 0) out.push(p('No notes.'));
  else out.push({ kind: 'list', items: s.notes.map((x) => [`#${x.position} `, code(x.request_id), x.failed ? ' (failed)' : '', `: ${x.note ?? ''}`]) });
  out.push(h(3, 'Skip reasons'));
  if (skips.length === 0) out.push(p('No item was skipped.'));
  else out.push({ kind: 'list', items: skips.map((x) => [`${x.reason}: ${x.items} item${x.items === 1 ? '' : 's'}`]) });
  out.push(h(3, 'Agreement'));
  if (!s.agreement) out.push(p('No item was reviewed by two reviewers.'));
  else {
    out.push(p(`${s.agreement.items_with_two_reviews} items reviewed twice (${s.agreement.pairs.map((x) => `${x.reviewer_a} and ${x.reviewer_b}: ${x.items}`).join('; ')}).`));
    out.push({
      kind: 'table', head: ['Criterion', 'Items', 'Agreement', "Cohen's kappa", 'Weighted kappa (linear)'], align: ['l', 'r', 'r', 'r', 'r'],
      rows: s.agreement.criteria.map((a) => [cell(a.label), cell(int(a.n)), cell(a.percent_agreement === null ? '–' : `${a.percent_agreement.toFixed(1)}%`), cell(a.kappa === null ? '–' : a.kappa.toFixed(3)), cell(a.weighted_kappa === null ? '–' : a.weighted_kappa.toFixed(3))]),
    });
    if (s.agreement.disagreements.length) {
      out.push(p('Disagreements to adjudicate:'));
      out.push({ kind: 'list', items: s.agreement.disagreements.map((d) => [`#${d.position} ${d.criterion}: ${d.reviewer_a} ${String(d.value_a)}, ${d.reviewer_b} ${String(d.value_b)}`]) });
    }
  }
  return out;
}

/**
 * The week's feedback on requests that are not in the workspace, said apart: how many rows, and each figure of the
 * section over all the week's feedback, over the feedback on the workspace's requests (and on none), and over the rest.
 */
function missingRequestBlocks(r: WeeklyReport): Block[] {
  if (!r.feedback.available) return [];
  const f = r.feedback.data;
  const m = f.missing_requests;
  if (m.rows === 0) return [];
  const rows: ReturnType<typeof cell>[][] = [];
  const share = (label: string, k: number, n: number, mk: number, mn: number) => {
    if (mn > 0) rows.push([cell(label), cell(shareText(wilsonShare(k, n))), cell(shareText(wilsonShare(k - mk, n - mn))), cell(shareText(wilsonShare(mk, mn)))]);
  };
  share('Thumbs-up rate', f.thumbs.this_week.k, f.thumbs.this_week.n, m.thumbs.up, m.thumbs.n);
  share('CSAT (ratings of 4-5 of 1-5)', f.csat.this_week.k, f.csat.this_week.n, m.csat.satisfied, m.csat.n);
  if (m.nps.n > 0) {
    const t = f.nps.this_week;
    const npsOf = (pro: number, det: number, n: number) => (n === 0 ? 'no answers' : `${num((100 * (pro - det)) / n)} (${int(n)} answers)`);
    rows.push([cell('NPS (points)'), cell(npsOf(t.promoters, t.detractors, t.n)), cell(npsOf(t.promoters - m.nps.promoters, t.detractors - m.nps.detractors, t.n - m.nps.n)), cell(npsOf(m.nps.promoters, m.nps.detractors, m.nps.n))]);
  }
  for (const o of m.other_ratings) {
    const all = f.other_ratings.find((g) => g.scale === o.scale)?.this_week;
    if (!all || o.n === 0) continue;
    const rt = (n: number, sum: number, low: number) => (n === 0 ? 'none' : `${int(n)} ratings, mean ${fixed(sum / n, 2)}; rated ${num(0.4 * o.scale)} or lower: ${shareText(wilsonShare(low, n))}`);
    const allSum = (all.mean ?? 0) * all.n;
    rows.push([cell(`Ratings 1-${num(o.scale)}`), cell(rt(all.n, allSum, all.low.k)), cell(rt(all.n - o.n, allSum - o.sum, all.low.k - o.low)), cell(rt(o.n, o.sum, o.low))]);
  }
  const users = m.rows - m.automated;
  const counted = m.automated === 0 ? `The figures above count ${m.rows === 1 ? 'it' : 'them'}, as the Metrics screen does; here they are apart:`
    : users === 0 ? `${m.rows === 1 ? 'It was' : 'All were'} written by automated evaluators, in no figure above.`
      : `${int(m.automated)} of them ${m.automated === 1 ? 'was' : 'were'} written by automated evaluators, in no figure above; the figures above count the other ${int(users)}, as the Metrics screen does; here they are apart:`;
  const out: Block[] = [p(`${int(m.rows)} of ${r.week}'s feedback row${m.rows === 1 ? '' : 's'} name${m.rows === 1 ? 's' : ''} ${m.requests === 1 ? 'a request' : `${int(m.requests)} requests`} that ${m.requests === 1 ? 'is' : 'are'} not in this workspace (not imported). ${counted}`)];
  if (rows.length) out.push({ kind: 'table', head: ['Measure', `All of ${r.week}`, 'On this workspace\'s requests, or on none', 'On requests not in the workspace'], align: ['l', 'l', 'l', 'l'], rows });
  return out;
}

function feedbackBlocks(r: WeeklyReport, thumbsChart: Chart | undefined): Block[] {
  const out: Block[] = [h(2, 'Feedback')];
  if (!r.feedback.available) return [...out, p(r.feedback.reason)];
  const f = r.feedback.data;
  // Below 30 answers the normal interval's coverage falls well short of 95% (Rocks 2016): said beside it, as the
  // Feedback screen's traits flag small n.
  const npsText = (x: typeof f.nps.this_week) => (x.n === 0 ? 'no answers' : `${num(x.nps)} (${x.low !== null ? `95% CI ${num(x.low)} to ${num(x.high)}; ` : ''}${x.promoters} promoters, ${x.detractors} detractors of ${x.n}${x.n < NPS_MIN_N && x.low !== null ? `; small n: with fewer than ${NPS_MIN_N} answers the interval is rough` : ''})`);
  const core = f.thumbs.this_week.n + f.thumbs.last_week.n + f.csat.this_week.n + f.csat.last_week.n + f.nps.this_week.n + f.nps.last_week.n;
  if (core === 0) out.push(p(`No thumbs, CSAT ratings (1-5) or NPS answers in ${r.week} or ${r.previous_week}.`));
  else out.push({
    kind: 'table', head: ['Measure', r.week, f.nps.compared_week && f.nps.compared_week !== r.previous_week ? `${r.previous_week} (NPS: ${f.nps.compared_week})` : r.previous_week, 'Change'], align: ['l', 'l', 'l', 'l'],
    rows: [
      [cell('Thumbs-up rate'), cell(shareText(f.thumbs.this_week)), cell(shareText(f.thumbs.last_week)), cell(changeText(f.thumbs.change))],
      [cell('CSAT (ratings of 4-5 of 1-5)'), cell(shareText(f.csat.this_week)), cell(shareText(f.csat.last_week)), cell(changeText(f.csat.change))],
      [cell('NPS (points)'), cell(npsText(f.nps.this_week)), cell(f.nps.compared_week ? npsText(f.nps.last_week) : 'no survey in the trend window'), cell(changeText(f.nps.change, 'points'))],
    ],
  });
  if (f.thumbs_by_feature.length) {
    out.push(p('Thumbs-up rate by feature:'));
    out.push({
      kind: 'table', head: ['Feature', r.week, r.previous_week, 'Change'], align: ['l', 'l', 'l', 'l'],
      rows: f.thumbs_by_feature.map((g) => [cell(g.feature), cell(shareText(g.this_week)), cell(shareText(g.last_week)), cell(changeText(g.change))]),
    });
  }
  if (f.other_ratings.length) {
    const rt = (x: OtherRatings, scale: number) => (x.n === 0 ? 'none' : `${int(x.n)} ratings, mean ${fixed(x.mean, 2)}; rated ${num(0.4 * scale)} or lower: ${shareText(x.low)}`);
    out.push(p('Ratings on other scales (not CSAT, which is defined on 1-5):'));
    out.push({
      kind: 'table', head: ['Scale', r.week, r.previous_week], align: ['l', 'l', 'l'],
      rows: f.other_ratings.map((g) => [cell(`1-${num(g.scale)}`), cell(rt(g.this_week, g.scale)), cell(rt(g.last_week, g.scale))]),
    });
  }
  if (f.automated.this_week + f.automated.last_week > 0) {
    out.push(p(`Not in any figure above: ${int(f.automated.this_week)} score${f.automated.this_week === 1 ? '' : 's'} (thumbs, ratings, NPS) in ${r.week} and ${int(f.automated.last_week)} in ${r.previous_week} from automated evaluators such as LLM judges, which are no user's answers; Loupe's Feedback screen lists them.`));
    if (f.automated.ratings.length) {
      const rt = (x: OtherRatings, scale: number) => (x.n === 0 ? 'none' : `${int(x.n)} ratings, mean ${fixed(x.mean, 2)}; rated ${num(0.4 * scale)} or lower: ${shareText(x.low)}`);
      out.push(p('Automated evaluators\' ratings:'));
      out.push({
        kind: 'table', head: ['Scale', r.week, r.previous_week], align: ['l', 'l', 'l'],
        rows: f.automated.ratings.map((g) => [cell(`1-${num(g.scale)}`), cell(rt(g.this_week, g.scale)), cell(rt(g.last_week, g.scale))]),
      });
    }
  }
  out.push(...missingRequestBlocks(r));
  if (thumbsChart) out.push({ kind: 'chart', chart: thumbsChart });
  out.push(h(3, 'Terms in negative comments'));
  const onMissing = f.comments.negative_missing_request + f.comments.other_missing_request;
  out.push(p(`${int(f.comments.negative)} negative and ${int(f.comments.other)} other comment${f.comments.other === 1 ? '' : 's'} in ${r.week} (negative: thumbs-down, NPS detractors, ratings of 0.4 × the scale or lower, rejected preferences).${onMissing ? ` ${int(f.comments.negative_missing_request)} of the negative and ${int(f.comments.other_missing_request)} of the other comments are on requests that are not in this workspace.` : ''}`));
  if (!f.negative_terms.available) out.push(p(f.negative_terms.reason));
  else {
    out.push({
      kind: 'table', head: ['Term', 'z', 'In negative', 'In others'], align: ['l', 'r', 'r', 'r'],
      rows: f.negative_terms.data.map((t) => [cell(code(t.term)), cell(num(t.z, 2)), cell(int(t.negative)), cell(int(t.other))]),
    });
    out.push(muted('Words and two-word phrases of the week\'s negative comments (thumbs-down, NPS detractors, ratings of 0.4 × the scale or lower, rejected preferences) against its other comments: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), terms with z above 1.96; counts are occurrences.'));
  }
  // The changes' method as the JSON and CSV give it (compare.ts NEWCOMBE: Fisher's exact p), not a test named apart.
  out.push(muted(`Intervals: Wilson for shares, ${f.nps.method}; changes of shares: Newcombe's interval of the difference (method 10), p from Fisher's exact test (two-sided); NPS change: the difference of two NPS with a normal interval, no p.`));
  return out;
}

function ticketBlocks(r: WeeklyReport): Block[] {
  const out: Block[] = [h(2, 'Tickets')];
  if (!r.tickets.available) return [...out, p(r.tickets.reason)];
  const t = r.tickets.data;
  const rate = (x: { rate: number | null; low: number | null; high: number | null }) => (x.rate === null ? '–' : `${num(x.rate)} per 1,000 requests${x.low !== null ? ` (95% CI ${num(x.low)} to ${num(x.high)})` : ''}`);
  out.push(p(`${int(t.tickets)} ticket${t.tickets === 1 ? '' : 's'} opened against ${int(t.requests)} requests: `, { strong: rate(t.rate_per_1000) },
    `; ${r.previous_week}: ${int(t.last_week.tickets)} tickets, ${rate(t.last_week)}. Change ${changeText(t.change, 'per_1000')}. ${int(t.linked)} linked to a request.`));
  if (t.top_categories.length) {
    out.push({
      kind: 'table', head: ['Category (ticket tag)', r.week, r.previous_week], align: ['l', 'r', 'r'],
      rows: t.top_categories.map((c) => [cell(c.category), cell(int(c.tickets)), cell(int(c.last_week))]),
    });
  }
  if (t.by_priority.length) out.push(p(`By priority: ${t.by_priority.map((x) => `${x.priority} ${x.tickets}`).join(', ')}.`));
  if (t.by_channel.length) out.push(p(`By channel: ${t.by_channel.map((x) => `${x.channel} ${x.tickets}`).join(', ')}.`));
  out.push(muted(`Method: ${t.method}.${t.undated_tickets ? ` ${int(t.undated_tickets)} ticket${t.undated_tickets === 1 ? '' : 's'} without a creation time ${t.undated_tickets === 1 ? 'is' : 'are'} in no week and left out.` : ''}`));
  return out;
}

function metricsBlocks(r: WeeklyReport, charts: Chart[]): Block[] {
  const out: Block[] = [h(2, 'Metrics')];
  if (!r.metrics.available) return [...out, p(r.metrics.reason)];
  const m = r.metrics.data;
  out.push({
    kind: 'table', head: ['Measure', r.week, r.previous_week, 'Change'], align: ['l', 'l', 'l', 'l'],
    rows: [
      [cell('Requests'), cell(int(m.requests)), cell(int(m.last_week_requests)), cell(times(m.requests, m.last_week_requests))],
      [cell('Error rate'), cell(shareText(m.error_rate)), cell(shareText(m.last_week_error_rate)), cell(changeText(m.error_change))],
      // The error rate is over these: a request with neither a status nor an error is not counted as a success.
      [cell('Requests with a status or an error'), cell(`${int(m.error_rate.n)} of ${int(m.requests)}`), cell(`${int(m.last_week_error_rate.n)} of ${int(m.last_week_requests)}`), cell('')],
      [cell('Latency p50'), cell(ms(m.latency.p50)), cell(ms(m.last_week_latency.p50)), cell(times(m.latency.p50, m.last_week_latency.p50))],
      [cell('Latency p95'), cell(ms(m.latency.p95)), cell(ms(m.last_week_latency.p95)), cell(times(m.latency.p95, m.last_week_latency.p95))],
      [cell('Latency p99'), cell(ms(m.latency.p99)), cell(ms(m.last_week_latency.p99)), cell(times(m.latency.p99, m.last_week_latency.p99))],
      [cell('Requests with a latency'), cell(`${int(m.latency.n)} of ${int(m.requests)}`), cell(`${int(m.last_week_latency.n)} of ${int(m.last_week_requests)}`), cell('')],
      // No count or cost in the data reads "–" (never "0" or "$0.000", which would say there was none).
      [cell('Tokens in (mean / total)'), cell(m.tokens.in_n > 0 ? `${num(m.tokens.in_mean, 0)} / ${int(m.tokens.in_total)} (${int(m.tokens.in_n)} of ${int(m.requests)} requests with a count)` : '– (no request has a token count)'), cell(''), cell('')],
      [cell('Tokens out (mean / total)'), cell(m.tokens.out_n > 0 ? `${num(m.tokens.out_mean, 0)} / ${int(m.tokens.out_total)} (${int(m.tokens.out_n)} of ${int(m.requests)} requests with a count)` : '– (no request has a token count)'), cell(''), cell('')],
      [cell('Cost'), cell(m.cost.with_cost > 0 ? `${usd(m.cost.total_usd)} (${int(m.cost.with_cost)} requests with a cost)` : '– (no request has a cost)'), cell(m.cost.last_week_total_usd !== null && m.cost.last_week_total_usd > 0 ? usd(m.cost.last_week_total_usd) : '–'), cell(m.cost.total_usd !== null && m.cost.last_week_total_usd !== null && m.cost.last_week_total_usd > 0 ? times(m.cost.total_usd, m.cost.last_week_total_usd) : '')],
    ],
  });
  for (const c of charts) out.push({ kind: 'chart', chart: c });
  out.push(h(3, 'By feature'));
  out.push({
    kind: 'table', head: ['Feature', 'Requests', 'Error rate', `Error rate ${r.previous_week}`, 'Change', 'p95', `p95 ${r.previous_week}`], align: ['l', 'r', 'r', 'r', 'l', 'r', 'r'],
    // "4 of 6": errors of the requests with a status or an error, the rate's denominator.
    rows: m.by_feature.map((f) => [cell(f.feature), cell(int(f.requests)), cell(`${pct(f.error_rate)} (${f.errors} of ${int(f.with_status)})`), cell(`${pct(f.last_week.error_rate)} (${f.last_week.errors} of ${int(f.last_week.with_status)})`), cell(changeText(f.error_change)), cell(ms(f.p95_ms)), cell(ms(f.last_week.p95_ms))]),
  });
  out.push(h(3, 'Top features and users by cost'));
  // An empty section says so in one line (no request with a cost, or none with a feature or user).
  if (m.top_features_by_cost.length === 0 && m.top_users_by_cost.length === 0) {
    out.push(p(m.cost.with_cost === 0 ? 'No request of the week has a cost.' : 'No request with a cost names a feature or a user.'));
  } else {
    if (m.top_features_by_cost.length > 0) {
      out.push({
        kind: 'table', head: ['Feature', 'Cost', 'Requests'], align: ['l', 'r', 'r'],
        rows: m.top_features_by_cost.map((x) => [cell(x.feature), cell(usd(x.cost_usd)), cell(int(x.requests))]),
      });
    }
    if (m.top_users_by_cost.length > 0) {
      out.push({
        kind: 'table', head: ['User', 'Cost', 'Requests'], align: ['l', 'r', 'r'],
        rows: m.top_users_by_cost.map((x) => [cell(code(x.user_id)), cell(usd(x.cost_usd)), cell(int(x.requests))]),
      });
    }
  }
  out.push(muted(`Quantiles: ${m.quantile_method}. Error rates with Wilson 95% intervals; changes by Newcombe's interval.`));
  return out;
}

function alertBlocks(r: WeeklyReport): Block[] {
  const out: Block[] = [h(2, 'Alerts')];
  if (!r.alerts.available) return [...out, p(r.alerts.reason)];
  const a = r.alerts.data;
  const rules = muted(`Rules: ${a.rules.map((x) => `${x.title}: ${x.text}`).join('; ')}. ${int(a.tests.judged)} bucket tests judged this week; chance alone would raise at most ${num(a.tests.expected_false_alerts, 2)} false alerts among them.${a.undated_requests ? ` ${int(a.undated_requests)} requests without a timestamp are in no bucket and left out.` : ''}`);
  if (a.alerts.length === 0) return [...out, p(`No alert rule fired in ${r.week}.`), rules];
  const c = a.counts;
  out.push(p(`${a.alerts.length} alert${a.alerts.length === 1 ? '' : 's'} in ${r.week}: ${c.open} open, ${c.acknowledged} acknowledged, ${c.resolved} resolved.`));
  out.push({
    kind: 'table', head: ['When', 'Scope', 'What', 'Status', 'State and note', 'Runbook'], align: ['l', 'l', 'l', 'l', 'l', 'l'],
    rows: a.alerts.map((x) => [
      cell(x.bucket), cell(x.scope),
      cell(x.summary, ...(x.sources ? [` Source: users ${x.sources.user.join(', ') || '–'}; features ${x.sources.feature.join(', ') || '–'}; models ${x.sources.model.join(', ') || '–'}.`] : [])),
      cell(x.status === 'new' ? 'new this week' : 'ongoing'),
      cell({ strong: x.state }, ...(x.note ? [`: ${x.note}`] : [])),
      cell(`${x.runbook.title} (${x.runbook.checked.length} of ${x.runbook.steps.length} steps done)`),
    ]),
  });
  // Each runbook once, with its steps: what the team does when the alert fires.
  const seen = new Set<string>();
  for (const x of a.alerts) {
    if (seen.has(x.rule)) continue;
    seen.add(x.rule);
    out.push(h(3, `Runbook: ${x.runbook.title}`));
    out.push({ kind: 'list', ordered: true, items: x.runbook.steps.map((s) => [s]) });
  }
  out.push(rules);
  out.push(muted(`Source: ${a.source}.`));
  return out;
}

const COLUMN_NAMES: Record<string, string> = {
  input_chars: 'input length (characters)', output_chars: 'output length (characters)', latency_ms: 'latency (ms)', tokens_in: 'input tokens', tokens_out: 'output tokens',
  cost_usd: 'cost (USD)', lang: 'language', model: 'model', model_version: 'model version', feature: 'feature', status: 'status',
};

function driftBlocks(r: WeeklyReport): Block[] {
  const out: Block[] = [h(2, 'Drift')];
  if (!r.drift.available) return [...out, p(r.drift.reason)];
  const d = r.drift.data;
  out.push(p(`${d.current.label} (${int(d.current.requests)} requests) against ${d.reference.label} (${int(d.reference.requests)} requests), ${d.scopes.map((s) => s.scope).join(', ')}: ${d.findings.length} flagged row${d.findings.length === 1 ? '' : 's'}.`));
  if (d.findings.length === 0) out.push(p('No drift found.'));
  else {
    out.push({
      kind: 'table', head: ['Scope', 'Column', 'Test', 'Statistic', 'BH p', 'PSI', 'Reference → current', 'New'], align: ['l', 'l', 'l', 'r', 'r', 'r', 'l', 'l'],
      rows: d.findings.map((f) => {
        const what = f.shares
          ? [...f.shares].sort((a, b) => Math.abs(b.current - b.reference) - Math.abs(a.current - a.reference)).slice(0, 3).map((s) => `${s.category} ${pct(s.reference)} → ${pct(s.current)}`).join(', ')
          : `mean ${f.column === 'cost_usd' ? usd(f.mean_reference) : num(f.mean_reference)} → ${f.column === 'cost_usd' ? usd(f.mean_current) : num(f.mean_current)} (${times(f.mean_current, f.mean_reference)})${
            f.n_without_value.reference + f.n_without_value.current > 0 ? `; without value: ${int(f.n_without_value.reference)} / ${int(f.n_without_value.current)} requests, left out` : ''}`;
        return [cell(f.scope), cell(COLUMN_NAMES[f.column] ?? f.column), cell(f.test === 'ks' ? 'KS' : 'chi-square'), cell(num(f.statistic, 3)), cell(pval(f.p_adjusted).replace(/^p /, '') || '–'),
          cell(f.psi === null ? '–' : num(f.psi, 3)), cell(what), cell(f.new_this_week === null ? '–' : f.new_this_week ? 'new' : 'ongoing')];
      }),
    });
  }
  const notCompared = d.not_compared.reference + d.not_compared.current > 0
    ? ` ${int(d.not_compared.reference)} reference and ${int(d.not_compared.current)} current requests are ${d.not_compared.reason}.` : '';
  out.push(muted(`Method: ${d.method}. PSI bands are guidance only.${d.undated_requests ? ` ${int(d.undated_requests)} requests without a timestamp are in neither window.` : ''}${notCompared}`));
  return out;
}

/**
 * The report as blocks, in the order the issue gives: summary, review (with week over week and the regression
 * check), feedback, tickets, metrics, alerts, drift.
 */
export function reportDocument(r: WeeklyReport): Block[] {
  const charts = r.metrics.available ? trendCharts(r.metrics.data) : [];
  const thumbs = charts.find((c) => c.id === 'c-thumbs');
  const out: Block[] = [
    h(1, `${r.title}`),
    p({ strong: `${r.period.label}` }, ` (${r.period.time_zone}), compared with ${r.previous_week}. Workspace ${r.workspace}; generated ${r.generated_at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}.`),
    h(2, 'Summary: what changed'),
  ];
  if (r.summary.length === 0) out.push(p('Nothing to report: the workspace has no data for this week.'));
  else out.push({ kind: 'list', ordered: true, items: r.summary.map((f) => [f.text, ` Source: ${f.source}.`]) });
  out.push(...reviewBlocks(r), ...feedbackBlocks(r, thumbs), ...ticketBlocks(r), ...metricsBlocks(r, charts.filter((c) => c !== thumbs)), ...alertBlocks(r), ...driftBlocks(r));
  return out;
}


