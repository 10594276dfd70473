/**
 * The report's charts as inline SVG, drawn from the report model's numbers (the trend is the Metrics screen's
 * `metrics.series` buckets). No script, no style attribute or element (presentation attributes only, so the app's
 * CSP lets the preview show them), no external font or image. Each chart is a self-contained light card: its own
 * white background and dark text, so it reads the same on paper, on a dark page, and in a mail client that inverts
 * colours (background and text invert together). Series are told apart by colour and by dash pattern, so they
 * survive grey-scale printing. The PDF draws the very same SVG as vectors (svg-to-pdfkit).
 */
import type { MetricsWeek, ReviewWeek } from './model';
import { int, pct } from './format';

/** One drawn chart: its SVG and the sentence that says what it shows (alt text, figure caption). */
export interface Chart { id: string; title: string; svg: string; caption: string }

const W = 640;
const H = 210;
const PAD = { l: 58, r: 16, t: 30, b: 34 };
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const INK = '#212529';
const MUTED = '#6c757d';
const GRID = '#dee2e6';
/** Distinct in colour and in luminance (grey-scale print), readable on white. */
const COLOURS = ['#1864ab', '#d9480f', '#2b8a3e', '#862e9c'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** A "nice" upper bound and tick step for values up to `max` (1, 2, 2.5, 5 × 10^k). */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

interface Series { name: string; values: Array<number | null>; band?: { low: Array<number | null>; high: Array<number | null> } }

/**
 * A line (or bar) chart over weeks.
 * @param labels - x labels (ISO weeks), oldest first; the last is the report's week and is shaded
 * @param yFmt - formats a y value for the axis
 */
function chart(id: string, title: string, caption: string, labels: string[], series: Series[], yFmt: (v: number) => string, kind: 'line' | 'bar' = 'line', empty?: string): Chart {
  const n = labels.length;
  const pw = W - PAD.l - PAD.r;
  const ph = H - PAD.t - PAD.b;
  const all = series.flatMap((s) => [...s.values, ...(s.band?.high ?? [])]).filter((v): v is number => v !== null && Number.isFinite(v));
  const { top, step } = niceScale(Math.max(0, ...all));
  const slot = pw / Math.max(1, n);
  const x = (i: number) => PAD.l + slot * (i + 0.5);
  const y = (v: number) => PAD.t + ph - (v / top) * ph;
  const P: string[] = [];
  P.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-t ${id}-d" font-family="${FONT}" font-size="11">`);
  P.push(`<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(caption)}</desc>`);
  P.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff" stroke="${GRID}"/>`);
  P.push(`<text x="${PAD.l}" y="18" fill="${INK}" font-size="12" font-weight="bold">${esc(title)}</text>`);
  // Nothing to draw: say so instead of an axis scaled to nothing (its rounded ticks would read as values).
  if (all.length === 0) {
    P.push(`<text x="${W / 2}" y="${f1(PAD.t + ph / 2)}" fill="${MUTED}" text-anchor="middle">${esc(empty ?? `No values in ${n === 1 ? 'this week' : 'these weeks'}.`)}</text></svg>`);
    return { id, title, svg: P.join(''), caption };
  }
  // The report's week.
  if (n > 0) P.push(`<rect x="${f1(x(n - 1) - slot / 2)}" y="${PAD.t}" width="${f1(slot)}" height="${ph}" fill="#fff3bf"/>`);
  for (let v = 0; v <= top + 1e-9; v += step) {
    P.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="${GRID}" stroke-width="1"/>`);
    P.push(`<text x="${PAD.l - 6}" y="${f1(y(v) + 4)}" fill="${MUTED}" text-anchor="end">${esc(yFmt(v))}</text>`);
  }
  const every = n > 8 ? 2 : 1;
  labels.forEach((l, i) => {
    if ((n - 1 - i) % every === 0) P.push(`<text x="${f1(x(i))}" y="${H - PAD.b + 16}" fill="${i === n - 1 ? INK : MUTED}" text-anchor="middle"${i === n - 1 ? ' font-weight="bold"' : ''}>${esc(l.replace(/^\d{4}-/, ''))}</text>`);
  });
  series.forEach((s, k) => {
    const c = COLOURS[k % COLOURS.length]!;
    if (kind === 'bar') {
      const bw = Math.max(2, slot * 0.6);
      s.values.forEach((v, i) => { if (v !== null) P.push(`<rect x="${f1(x(i) - bw / 2)}" y="${f1(y(v))}" width="${f1(bw)}" height="${f1(PAD.t + ph - y(v))}" fill="${c}"/>`); });
      return;
    }
    if (s.band) {
      // The 95% interval as whiskers at each point (a band would hide gaps where a week has no data).
      s.values.forEach((_, i) => {
        const lo = s.band!.low[i];
        const hi = s.band!.high[i];
        if (lo === null || lo === undefined || hi === null || hi === undefined) return;
        P.push(`<line x1="${f1(x(i))}" x2="${f1(x(i))}" y1="${f1(y(lo))}" y2="${f1(y(hi))}" stroke="${c}" stroke-opacity="0.45" stroke-width="3"/>`);
      });
    }
    // Lines break where a week has no value.
    let d = '';
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) { d += ' '; return; }
      const prev = i > 0 ? s.values[i - 1] : null;
      d += `${prev === null || prev === undefined || d.endsWith(' ') || d === '' ? 'M' : 'L'}${f1(x(i))},${f1(y(v))}`;
    });
    if (d.trim()) P.push(`<path d="${d.trim().replace(/\s+/g, ' ')}" fill="none" stroke="${c}" stroke-width="2"${DASHES[k % DASHES.length] ? ` stroke-dasharray="${DASHES[k % DASHES.length]}"` : ''}/>`);
    s.values.forEach((v, i) => { if (v !== null && Number.isFinite(v)) P.push(`<circle cx="${f1(x(i))}" cy="${f1(y(v))}" r="2.6" fill="${c}"/>`); });
  });
  if (series.length > 1 || kind === 'line') {
    let lx = W - PAD.r;
    for (let k = series.length - 1; k >= 0; k--) {
      const name = series[k]!.name;
      const w = name.length * 6.2 + 26;
      lx -= w;
      P.push(`<line x1="${f1(lx)}" x2="${f1(lx + 16)}" y1="14" y2="14" stroke="${COLOURS[k % COLOURS.length]}" stroke-width="2"${DASHES[k % DASHES.length] ? ` stroke-dasharray="${DASHES[k % DASHES.length]}"` : ''}/>`);
      P.push(`<text x="${f1(lx + 20)}" y="18" fill="${INK}">${esc(name)}</text>`);
    }
  }
  P.push('</svg>');
  return { id, title, svg: P.join(''), caption };
}

/** The weekly trend charts of the metrics section: requests, error rate, latency quantiles, thumbs-up rate. */
export function trendCharts(m: MetricsWeek): Chart[] {
  const labels = m.trend.map((t) => t.week);
  const first = labels[0] ?? '';
  const last = labels[labels.length - 1] ?? '';
  const span = `${first} to ${last}`;
  return [
    chart('c-requests', 'Requests per week', `Requests per ISO week, ${span}; ${last}: ${int(m.requests)}.`, labels,
      [{ name: 'requests', values: m.trend.map((t) => t.requests) }], (v) => int(v), 'bar'),
    chart('c-errors', 'Error rate (95% interval)', `Share of the requests with a status or an error that failed, per week, with Wilson 95% intervals; ${last}: ${m.error_rate.n === 0 ? 'unknown (no request has a status or an error)' : pct(m.error_rate.rate)}.`, labels,
      [{ name: 'error rate', values: m.trend.map((t) => t.error_rate), band: { low: m.trend.map((t) => t.error_low), high: m.trend.map((t) => t.error_high) } }], (v) => pct(v, 0), 'line',
      'Error rate unknown: no request has a status or an error.'),
    chart('c-latency', 'Latency p50 / p95 / p99 (ms)', `Latency quantiles per week (type 7${m.quantile_method.startsWith('from the hourly') ? '; from the summaries\' sketch, ±1%' : ''}); ${last}: ${m.latency.p50 === null ? 'no request has a latency' : `p50 ${int(m.latency.p50)} ms, p95 ${int(m.latency.p95 ?? 0)} ms, p99 ${int(m.latency.p99 ?? 0)} ms`}.`, labels,
      [{ name: 'p50', values: m.trend.map((t) => t.p50) }, { name: 'p95', values: m.trend.map((t) => t.p95) }, { name: 'p99', values: m.trend.map((t) => t.p99) }], (v) => int(v)),
    chart('c-thumbs', 'Thumbs-up rate (95% interval)', `Thumbs-up share of thumbs given each week, with Wilson 95% intervals; ${last}: ${pct(m.trend[m.trend.length - 1]?.thumbs_up_rate ?? null)}.`, labels,
      [{ name: 'thumbs-up rate', values: m.trend.map((t) => t.thumbs_up_rate), band: { low: m.trend.map((t) => t.thumbs_low), high: m.trend.map((t) => t.thumbs_high) } }], (v) => pct(v, 0)),
  ];
}

/** This week's and last week's estimated failure rate with their intervals, as dots and whiskers. */
export function failureChart(r: ReviewWeek): Chart | null {
  const f = r.failure;
  const rows = [f.last_week, f.this_week].filter((x): x is NonNullable<typeof x> => !!x && x.estimate !== null);
  if (rows.length === 0) return null;
  const h = 40 + rows.length * 34;
  const pl = 110;
  const pw = W - pl - 70;
  const top = niceScale(Math.max(...rows.map((x) => x.high ?? x.estimate!)), 5);
  const x = (v: number) => pl + (v / top.top) * pw;
  const P: string[] = [];
  // A week whose reviews miss some strata has an estimate of the covered strata only: said in the caption and the label.
  const partial = (x: (typeof rows)[number]) => x.covered_share < 1;
  const caption = rows.map((x) => `${x.week}: ${pct(x.estimate)} (${x.low !== null ? `${pct(x.low)} – ${pct(x.high)}, ` : ''}${x.failures} of ${x.reviewed} reviewed${partial(x) ? `; covered strata only, ${pct(x.covered_share)} of the week's requests` : ''})`).join('; ');
  P.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-labelledby="c-failure-t c-failure-d" font-family="${FONT}" font-size="11">`);
  P.push(`<title id="c-failure-t">Estimated failure rate, 95% interval</title><desc id="c-failure-d">${esc(caption)}</desc>`);
  P.push(`<rect x="0" y="0" width="${W}" height="${h}" fill="#ffffff" stroke="${GRID}"/>`);
  P.push(`<text x="12" y="18" fill="${INK}" font-size="12" font-weight="bold">Estimated failure rate, 95% interval</text>`);
  for (let v = 0; v <= top.top + 1e-9; v += top.step) {
    P.push(`<line x1="${f1(x(v))}" x2="${f1(x(v))}" y1="28" y2="${h - 16}" stroke="${GRID}"/>`);
    P.push(`<text x="${f1(x(v))}" y="${h - 4}" fill="${MUTED}" text-anchor="middle">${esc(pct(v, 0))}</text>`);
  }
  rows.forEach((r, i) => {
    const cy = 44 + i * 34;
    const c = i === rows.length - 1 ? COLOURS[0]! : MUTED;
    P.push(`<text x="12" y="${cy + 4}" fill="${INK}">${esc(r.week)}</text>`);
    if (r.low !== null && r.high !== null) P.push(`<line x1="${f1(x(r.low))}" x2="${f1(x(r.high))}" y1="${cy}" y2="${cy}" stroke="${c}" stroke-width="3"/>`);
    P.push(`<circle cx="${f1(x(r.estimate!))}" cy="${cy}" r="5" fill="${c}"/>`);
    P.push(`<text x="${f1(Math.min(W - 8, x(r.high ?? r.estimate!) + 8))}" y="${cy + 4}" fill="${INK}"${x(r.high ?? r.estimate!) + 60 > W ? ' text-anchor="end"' : ''}>${esc(`${pct(r.estimate)} (n = ${r.reviewed}${partial(r) ? `; covered strata only, ${pct(r.covered_share, 0)}` : ''})`)}</text>`);
  });
  P.push('</svg>');
  return { id: 'c-failure', title: 'Estimated failure rate, 95% interval', svg: P.join(''), caption };
}
