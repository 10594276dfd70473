/**
 * The week's review report: reviewers and rubric version, coverage, estimates with intervals beside the plain
 * sample rate, top tags with example items, notable notes, and agreement where items were reviewed twice.
 * Rendered as Markdown, one self-contained HTML file (inline CSS, no scripts, every value escaped: model outputs
 * are untrusted), CSV (formula cells escaped) or JSON.
 */
import { DateTime } from 'luxon';
import type { Workspace } from '../workspace';
import type { Db } from '../db';
import type { QueueAgreement, RateEstimate, RenderedFile, WeekEstimates } from '../../../shared/review-types';
import { frameStatement, queueAgreement, queueEstimates, primaryReviews } from './estimates';
import { queueForWeek, workspaceZone } from './queues';
import { getRubric } from './rubric';
import { toCsv } from './exports';
import { alertsCsv, alertsHtml, alertsMd, reportAlerts, type ReportAlert } from '../alerts/report-section';

/**
 * Every small-sample finding of the estimates, each once (rows share most of them), capitalised, in first-seen order.
 * The Flag column shows only each row's short `reason`.
 */
export function smallSampleReasons(metrics: readonly RateEstimate[]): string[] {
  const seen = new Set<string>();
  for (const m of metrics) if (m.small_sample) for (const r of m.reasons) seen.add(r.charAt(0).toUpperCase() + r.slice(1));
  return [...seen];
}

/** Characters of input/output shown per example item. */
const EXCERPT = 240;

export interface ReportExample { position: number; request_id: string; input: string; output: string; failed: boolean; note: string | null }

/** Everything a report shows; the JSON format is this object. */
export interface ReportData {
  title: string;
  generated_at: string;
  workspace: string;
  time_zone: string;
  week: string | null;
  period: { from: string; to: string };
  queue: { id: number; name: string; design: unknown };
  reviewers: string[];
  rubric_versions: number[];
  rubric: { version: number; criteria: Array<{ id: string; label: string; kind: string }> };
  coverage: {
    queued: number; reviewed: number; skipped: number; population: number;
    strata_covered: number; strata_total: number;
    strata: Array<{ key: string; population: number; queued: number; reviewed: number; failures: number }>;
    strata_without_reviews: string[];
  };
  /** The requests the estimates are for (see WeekEstimates.frame). */
  frame: WeekEstimates['frame'];
  estimates: RateEstimate[];
  estimate_notes: string[];
  top_tags: Array<{ tag_id: number; tag: string; colour: string; items: number; examples: ReportExample[] }>;
  notes: ReportExample[];
  agreement: QueueAgreement | null;
  /** Alerts whose bucket starts in the period, with their state and note. */
  alerts: ReportAlert[];
}

const excerpt = (s: string | null) => {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > EXCERPT ? `${t.slice(0, EXCERPT - 1)}…` : t;
};

/**
 * Gathers a report's data for a queue.
 * @param now - the generation time shown in the report (UTC ms)
 */
export function buildReport(ws: Workspace, queueId: number, now = Date.now()): ReportData {
  const db = ws.db;
  const zone = workspaceZone(ws);
  const est: WeekEstimates = queueEstimates(db, queueId);
  const design = db.value<string>('SELECT design FROM review_queues WHERE id = ?', [queueId])!;
  const { items } = primaryReviews(db, queueId);
  const texts = requestTexts(db, items.map((i) => i.request_id));
  const example = (i: (typeof items)[number]): ReportExample => {
    const t = texts.get(i.request_id);
    return { position: i.position, request_id: i.request_id, input: excerpt(t?.input ?? null), output: excerpt(t?.output ?? null), failed: i.failed, note: i.note };
  };
  const tagCount = new Map<number, number>();
  for (const i of items) for (const t of i.tag_ids) tagCount.set(t, (tagCount.get(t) ?? 0) + 1);
  const tagInfo = new Map(db.all<{ id: number; name: string; colour: string }>('SELECT id, name, colour FROM tags').map((t) => [t.id, t]));
  const topTags = [...tagCount].sort((a, b) => b[1] - a[1] || (tagInfo.get(a[0])?.name ?? '').localeCompare(tagInfo.get(b[0])?.name ?? '')).slice(0, 10)
    .map(([id, n]) => ({ tag_id: id, tag: tagInfo.get(id)?.name ?? String(id), colour: tagInfo.get(id)?.colour ?? '#495057', items: n, examples: items.filter((i) => i.tag_ids.includes(id)).slice(0, 3).map(example) }));
  // Notable notes: failures first, then the longest notes (they usually explain the most), at most 10.
  const notes = items.filter((i) => i.note).sort((a, b) => Number(b.failed) - Number(a.failed) || (b.note!.length - a.note!.length) || a.position - b.position).slice(0, 10).map(example);
  const agreement = queueAgreement(db, queueId);
  const rubric = getRubric(db);
  const uncovered = est.strata.filter((s) => s.population > 0 && s.reviewed === 0).map((s) => s.key);
  const fmt = (ms: number) => DateTime.fromMillis(ms, { zone }).toISO() ?? new Date(ms).toISOString();
  return {
    title: `Loupe review report: ${est.week ?? est.queue_name}`,
    generated_at: new Date(now).toISOString(),
    workspace: ws.file.split(/[\\/]/).pop() ?? ws.file,
    time_zone: zone,
    week: est.week,
    period: { from: fmt(est.from_ts), to: fmt(est.to_ts) },
    queue: { id: est.queue_id, name: est.queue_name, design: JSON.parse(design) as unknown },
    reviewers: est.reviewers,
    rubric_versions: est.rubric_versions,
    rubric: { version: rubric.version, criteria: rubric.criteria.map((c) => ({ id: c.id, label: c.label, kind: c.kind })) },
    coverage: {
      queued: est.queued, reviewed: est.reviewed, skipped: est.skipped, population: est.population,
      strata_covered: est.strata.filter((s) => s.reviewed > 0).length, strata_total: est.strata.filter((s) => s.population > 0).length,
      strata: est.strata, strata_without_reviews: uncovered,
    },
    frame: est.frame,
    estimates: est.metrics,
    estimate_notes: est.notes,
    top_tags: topTags,
    notes,
    agreement: agreement.items_with_two_reviews > 0 ? agreement : null,
    alerts: reportAlerts(ws, zone, est.from_ts, est.to_ts, now),
  };
}

function requestTexts(db: Db, ids: readonly string[]): Map<string, { input: string | null; output: string | null }> {
  const out = new Map<string, { input: string | null; output: string | null }>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const r of db.all<{ id: string; input: string | null; output: string | null }>(`SELECT id, input, output FROM requests WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk)) out.set(r.id, r);
  }
  return out;
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const interval = (m: RateEstimate) => (m.low === null || m.high === null ? '–' : `${pct(m.low)} – ${pct(m.high)}`);
const kappaText = (v: number | null) => (v === null ? '–' : v.toFixed(3));

/**
 * Escapes text for Markdown: HTML-significant characters become entities; inline syntax (code, emphasis, links,
 * table pipes, strikethrough) is backslashed anywhere; block syntax (headings, lists, quotes) only where it could
 * act, at the start of the text (newlines become spaces). Dates and ids such as 2026-W47 stay readable.
 */
export function escapeMd(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r?\n/g, ' ')
    .replace(/^(\s*)([#+\-=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function renderMd(r: ReportData): string {
  const L: string[] = [];
  const e = escapeMd;
  L.push(`# ${e(r.title)}`, '');
  L.push(`- Period: ${e(r.period.from)} to ${e(r.period.to)} (${e(r.time_zone)})`);
  L.push(`- Queue: #${r.queue.id} ${e(r.queue.name)}`);
  L.push(`- Reviewers: ${r.reviewers.length ? r.reviewers.map(e).join(', ') : 'none yet'}`);
  L.push(`- Rubric version${r.rubric_versions.length === 1 ? '' : 's'}: ${r.rubric_versions.length ? r.rubric_versions.join(', ') : `${r.rubric.version} (current)`}`);
  L.push(`- Generated: ${e(r.generated_at)}`, '');
  const c = r.coverage;
  L.push('## Coverage', '', `${c.reviewed} of ${c.queued} queued items reviewed (${c.skipped} skipped), drawn from ${c.population} eligible requests. Strata covered: ${c.strata_covered} of ${c.strata_total}.`, '');
  if (c.strata_without_reviews.length) L.push(`Strata with nothing reviewed: ${c.strata_without_reviews.map(e).join(', ')}.`, '');
  L.push('| Stratum | Population | Queued | Reviewed | Failures |', '|---|---:|---:|---:|---:|');
  for (const s of c.strata) L.push(`| ${e(s.key)} | ${s.population} | ${s.queued} | ${s.reviewed} | ${s.failures} |`);
  L.push('', '## Estimates for the sampling frame', '', e(frameStatement(r.frame)), '', 'Weighted by inverse inclusion probability (stratified estimate, 95% interval); the plain sample rate shows what an unweighted count would say.', '');
  L.push('| Measure | Estimate | 95% interval | Sample rate | Reviewed | Method | Flag |', '|---|---:|---|---:|---:|---|---|');
  for (const m of r.estimates) L.push(`| ${e(m.label)} | ${pct(m.estimate)} | ${interval(m)} | ${pct(m.sample_rate)} (${m.k}/${m.n}) | ${m.n} | ${m.method} | ${m.small_sample ? `small sample: ${e(m.reason ?? '')}` : ''} |`);
  const caveats = smallSampleReasons(r.estimates);
  if (caveats.length) L.push('', 'Small-sample reasons:', '', ...caveats.map((c) => `- ${e(c)}`));
  for (const n of r.estimate_notes.filter((x) => x !== frameStatement(r.frame))) L.push('', `Note: ${e(n)}`);
  L.push(...alertsMd(r.alerts, e));
  L.push('', '## Top tags', '');
  if (r.top_tags.length === 0) L.push('No item was tagged.');
  for (const t of r.top_tags) {
    L.push(`### ${e(t.tag)} (${t.items} item${t.items === 1 ? '' : 's'})`, '');
    for (const x of t.examples) L.push(`- #${x.position} \`${e(x.request_id)}\`${x.failed ? ' (failed)' : ''}: input “${e(x.input)}” → output “${e(x.output)}”${x.note ? `; note: ${e(x.note)}` : ''}`);
    L.push('');
  }
  L.push('## Notable notes', '');
  if (r.notes.length === 0) L.push('No notes.');
  for (const x of r.notes) L.push(`- #${x.position} \`${e(x.request_id)}\`${x.failed ? ' (failed)' : ''}: ${e(x.note ?? '')}`);
  L.push('', '## Agreement', '');
  if (!r.agreement) L.push('No item was reviewed by two reviewers.');
  else {
    L.push(`${r.agreement.items_with_two_reviews} items reviewed twice (${r.agreement.pairs.map((p) => `${e(p.reviewer_a)} and ${e(p.reviewer_b)}: ${p.items}`).join('; ')}).`, '');
    L.push('| Criterion | Items | Agreement | Cohen\'s kappa | Weighted kappa (linear) |', '|---|---:|---:|---:|---:|');
    for (const a of r.agreement.criteria) L.push(`| ${e(a.label)} | ${a.n} | ${a.percent_agreement === null ? '–' : `${a.percent_agreement.toFixed(1)}%`} | ${kappaText(a.kappa)} | ${kappaText(a.weighted_kappa)} |`);
    if (r.agreement.disagreements.length) {
      L.push('', 'Disagreements to adjudicate:', '');
      for (const d of r.agreement.disagreements) L.push(`- #${d.position} ${e(d.criterion)}: ${e(d.reviewer_a)} ${e(String(d.value_a))}, ${e(d.reviewer_b)} ${e(String(d.value_b))}`);
    }
  }
  return `${L.join('\n')}\n`;
}

const CSS = `body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#212529;max-width:980px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #dee2e6;padding-bottom:.25rem}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #dee2e6;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}.flag{color:#c92a2a}.muted{color:#6c757d}.tag{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em}
blockquote{margin:.25rem 0;padding:.25rem .75rem;border-left:3px solid #ced4da;white-space:pre-wrap;word-break:break-word}`;

function renderHtml(r: ReportData): string {
  const h = escapeHtml;
  const P: string[] = [];
  P.push('<!doctype html>', '<html lang="en"><head><meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No scripts, no remote loads: the file stands alone and a model output cannot run anything.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    `<title>${h(r.title)}</title><style>${CSS}</style></head><body>`);
  P.push(`<h1>${h(r.title)}</h1>`);
  P.push('<ul>', `<li>Period: ${h(r.period.from)} to ${h(r.period.to)} (${h(r.time_zone)})</li>`, `<li>Queue: #${r.queue.id} ${h(r.queue.name)}</li>`,
    `<li>Reviewers: ${r.reviewers.length ? r.reviewers.map(h).join(', ') : 'none yet'}</li>`,
    `<li>Rubric version${r.rubric_versions.length === 1 ? '' : 's'}: ${r.rubric_versions.length ? r.rubric_versions.join(', ') : `${r.rubric.version} (current)`}</li>`,
    `<li class="muted">Generated ${h(r.generated_at)} from ${h(r.workspace)}</li>`, '</ul>');
  const c = r.coverage;
  P.push('<h2>Coverage</h2>', `<p>${c.reviewed} of ${c.queued} queued items reviewed (${c.skipped} skipped), drawn from ${c.population} eligible requests. Strata covered: ${c.strata_covered} of ${c.strata_total}.</p>`);
  if (c.strata_without_reviews.length) P.push(`<p class="flag">Strata with nothing reviewed: ${c.strata_without_reviews.map(h).join(', ')}.</p>`);
  P.push('<table><thead><tr><th>Stratum</th><th>Population</th><th>Queued</th><th>Reviewed</th><th>Failures</th></tr></thead><tbody>');
  for (const s of c.strata) P.push(`<tr><td>${h(s.key)}</td><td class="n">${s.population}</td><td class="n">${s.queued}</td><td class="n">${s.reviewed}</td><td class="n">${s.failures}</td></tr>`);
  P.push('</tbody></table>');
  P.push('<h2>Estimates for the sampling frame</h2>', `<p>${h(frameStatement(r.frame))}</p>`, '<p class="muted">Weighted by inverse inclusion probability (stratified estimate, 95% interval); the plain sample rate shows what an unweighted count would say.</p>');
  P.push('<table><thead><tr><th>Measure</th><th>Estimate</th><th>95% interval</th><th>Sample rate</th><th>Method</th><th>Flag</th></tr></thead><tbody>');
  for (const m of r.estimates) P.push(`<tr><td>${h(m.label)}</td><td class="n">${pct(m.estimate)}</td><td>${h(interval(m))}</td><td class="n">${pct(m.sample_rate)} (${m.k}/${m.n})</td><td>${m.method}</td><td class="flag">${m.small_sample ? `small sample: ${h(m.reason ?? '')}` : ''}</td></tr>`);
  P.push('</tbody></table>');
  const caveats = smallSampleReasons(r.estimates);
  if (caveats.length) P.push('<p>Small-sample reasons:</p><ul>', ...caveats.map((c) => `<li>${h(c)}</li>`), '</ul>');
  for (const n of r.estimate_notes.filter((x) => x !== frameStatement(r.frame))) P.push(`<p class="muted">${h(n)}</p>`);
  P.push(...alertsHtml(r.alerts, h));
  P.push('<h2>Top tags</h2>');
  if (r.top_tags.length === 0) P.push('<p>No item was tagged.</p>');
  for (const t of r.top_tags) {
    const colour = /^#[0-9a-f]{6}$/i.test(t.colour) ? t.colour : '#495057';
    P.push(`<h3><span class="tag" style="background:${colour}"></span>${h(t.tag)} <span class="muted">(${t.items} item${t.items === 1 ? '' : 's'})</span></h3>`);
    for (const x of t.examples) {
      P.push(`<p>#${x.position} <code>${h(x.request_id)}</code>${x.failed ? ' <span class="flag">failed</span>' : ''}</p>`,
        `<blockquote><strong>Input:</strong> ${h(x.input)}</blockquote>`, `<blockquote><strong>Output:</strong> ${h(x.output)}</blockquote>`);
      if (x.note) P.push(`<p><em>Note:</em> ${h(x.note)}</p>`);
    }
  }
  P.push('<h2>Notable notes</h2>');
  if (r.notes.length === 0) P.push('<p>No notes.</p>');
  else {
    P.push('<ul>');
    for (const x of r.notes) P.push(`<li>#${x.position} <code>${h(x.request_id)}</code>${x.failed ? ' <span class="flag">failed</span>' : ''}: ${h(x.note ?? '')}</li>`);
    P.push('</ul>');
  }
  P.push('<h2>Agreement</h2>');
  if (!r.agreement) P.push('<p>No item was reviewed by two reviewers.</p>');
  else {
    P.push(`<p>${r.agreement.items_with_two_reviews} items reviewed twice (${r.agreement.pairs.map((p) => `${h(p.reviewer_a)} and ${h(p.reviewer_b)}: ${p.items}`).join('; ')}).</p>`);
    P.push('<table><thead><tr><th>Criterion</th><th>Items</th><th>Agreement</th><th>Cohen\'s kappa</th><th>Weighted kappa (linear)</th></tr></thead><tbody>');
    for (const a of r.agreement.criteria) P.push(`<tr><td>${h(a.label)}</td><td class="n">${a.n}</td><td class="n">${a.percent_agreement === null ? '–' : `${a.percent_agreement.toFixed(1)}%`}</td><td class="n">${kappaText(a.kappa)}</td><td class="n">${kappaText(a.weighted_kappa)}</td></tr>`);
    P.push('</tbody></table>');
    if (r.agreement.disagreements.length) {
      P.push('<p>Disagreements to adjudicate:</p><ul>');
      for (const d of r.agreement.disagreements) P.push(`<li>#${d.position} ${h(d.criterion)}: ${h(d.reviewer_a)} ${h(String(d.value_a))}, ${h(d.reviewer_b)} ${h(String(d.value_b))}</li>`);
      P.push('</ul>');
    }
  }
  P.push('</body></html>');
  return `${P.join('\n')}\n`;
}

function renderCsv(r: ReportData): string {
  const fields = ['section', 'key', 'label', 'value', 'low', 'high', 'sample_rate', 'n', 'k', 'flag', 'detail'];
  const rows: unknown[][] = [];
  rows.push(['report', 'week', 'Week', r.week ?? '', null, null, null, null, null, '', `${r.period.from} to ${r.period.to} (${r.time_zone})`]);
  rows.push(['report', 'queue', 'Queue', r.queue.id, null, null, null, null, null, '', r.queue.name]);
  rows.push(['report', 'reviewers', 'Reviewers', r.reviewers.join('; '), null, null, null, null, null, '', '']);
  rows.push(['report', 'rubric_versions', 'Rubric versions', r.rubric_versions.join('; '), null, null, null, null, null, '', '']);
  rows.push(['coverage', 'reviewed', 'Reviewed of queued', r.coverage.reviewed, null, null, null, r.coverage.queued, null, '', `${r.coverage.skipped} skipped; population ${r.coverage.population}`]);
  for (const s of r.coverage.strata) rows.push(['stratum', s.key, s.key, s.reviewed, null, null, null, s.queued, s.failures, s.population > 0 && s.reviewed === 0 ? 'nothing reviewed' : '', `population ${s.population}`]);
  rows.push(['frame', 'sampling_frame', 'Requests the estimates are for', r.frame.requests, null, null, null, r.frame.requests_in_period, null, '', frameStatement(r.frame)]);
  for (const m of r.estimates) rows.push(['estimate', m.key, m.label, m.estimate, m.low, m.high, m.sample_rate, m.n, m.k, m.small_sample ? 'small sample' : '', m.small_sample ? m.reasons.join('; ') : m.method]);
  rows.push(...alertsCsv(r.alerts));
  for (const t of r.top_tags) {
    rows.push(['tag', `tag:${t.tag_id}`, t.tag, t.items, null, null, null, null, null, '', '']);
    for (const x of t.examples) rows.push(['tag_example', x.request_id, t.tag, x.position, null, null, null, null, null, x.failed ? 'failed' : '', `input: ${x.input}\noutput: ${x.output}${x.note ? `\nnote: ${x.note}` : ''}`]);
  }
  for (const x of r.notes) rows.push(['note', x.request_id, `#${x.position}`, x.note ?? '', null, null, null, null, null, x.failed ? 'failed' : '', x.output]);
  if (r.agreement) {
    for (const a of r.agreement.criteria) rows.push(['agreement', a.criterion, a.label, a.kappa, null, null, a.percent_agreement === null ? null : a.percent_agreement / 100, a.n, null, '', a.weighted_kappa === null ? '' : `weighted kappa (linear) ${a.weighted_kappa}`]);
    for (const d of r.agreement.disagreements) rows.push(['disagreement', d.request_id, d.criterion, `#${d.position}`, null, null, null, null, null, '', `${d.reviewer_a}: ${String(d.value_a)}; ${d.reviewer_b}: ${String(d.value_b)}`]);
  }
  return toCsv(fields, rows);
}

/**
 * Renders the review report of a week (its newest queue) or of a queue.
 * @param opts.week - ISO week, e.g. 2026-W47; or opts.queue_id
 * @param opts.format - md | html | csv | json
 * @returns the text, a suggested file name (loupe-review-2026-W47.md) and MIME type
 * @throws LoupeError NOT_FOUND when the week has no queue or the queue does not exist
 */
export function renderReport(ws: Workspace, opts: { week?: string; queue_id?: number; format: 'md' | 'html' | 'csv' | 'json' }, now = Date.now()): RenderedFile {
  const queueId = opts.queue_id ?? queueForWeek(ws.db, opts.week!);
  const data = buildReport(ws, queueId, now);
  const base = `loupe-review-${data.week ?? `queue-${queueId}`}`;
  switch (opts.format) {
    case 'md': return { text: renderMd(data), file_name: `${base}.md`, mime: 'text/markdown' };
    case 'html': return { text: renderHtml(data), file_name: `${base}.html`, mime: 'text/html' };
    case 'csv': return { text: renderCsv(data), file_name: `${base}.csv`, mime: 'text/csv' };
    case 'json': return { text: `${JSON.stringify(data, null, 2)}\n`, file_name: `${base}.json`, mime: 'application/json' };
  }
}
