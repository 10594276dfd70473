/**
 * Line charts of the Metrics screen (chart.js 4 through react-chartjs-2). Only the chart.js parts used here are
 * registered. Colours come from the CSS variables of styles.css, read again when the system theme changes, so the
 * charts follow light and dark like the rest of the app. chart.js styles its canvas through the CSSOM, which the
 * Content-Security-Policy allows without 'unsafe-inline'.
 */
import { useEffect, useState } from 'react';
import {
  BarElement, CategoryScale, Chart as ChartJS, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip,
  type ChartData, type ChartDataset, type ChartOptions,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import { rateAxisMax } from './metrics-format';

ChartJS.register(CategoryScale, LinearScale, PointElement, LineElement, BarElement, Filler, Tooltip, Legend);

/** The theme colours charts use, resolved from CSS variables. */
export interface ChartTheme {
  text: string; text2: string; text3: string; border: string; panel: string;
  series: string[]; bad: string; warn: string; ok: string; accentSoft: string;
}

function readTheme(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1c1d21'), text2: v('--text-2', '#5c5f69'), text3: v('--text-3', '#8a8d96'), border: v('--border', '#e3e4e8'),
    panel: v('--panel', '#ffffff'), bad: v('--bad', '#c22f2f'), warn: v('--warn', '#9a5b00'), ok: v('--ok', '#1f7a4d'),
    accentSoft: v('--accent-soft', '#eceefd'),
    // Neighbouring series get distinct hues (accent blue-violet, green, amber, then the rest).
    series: [v('--accent', '#4f5bd5'), v('--ok', '#1f7a4d'), v('--warn', '#9a5b00'), v('--info', '#2b6cb0'), v('--text-3', '#8a8d96'), v('--bad', '#c22f2f')],
  };
}

/** The chart theme, re-read when `prefers-color-scheme` flips. */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState<ChartTheme>(readTheme);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const on = () => setTheme(readTheme());
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  return theme;
}

/** A colour with alpha, from a `#rrggbb` variable value (other forms are returned unchanged). */
export function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** One plotted line. Values are in display units (%, ms, USD, points); null leaves a gap. */
export interface Series {
  label: string;
  values: Array<number | null>;
  dashed?: boolean;
  /** Points only, no connecting line (e.g. NPS, which exists only in survey weeks). */
  points?: boolean;
}

export interface MetricChartProps {
  title: string;
  /** Unit appended to ticks and tooltips, e.g. "%", " ms"; `$` is a prefix. */
  unit: string;
  labels: string[];
  series: Series[];
  /** A shaded band (e.g. a Wilson interval), drawn behind the first series. */
  band?: { low: Array<number | null>; high: Array<number | null>; label: string };
  /** Horizontal threshold line, with its direction for the legend. */
  threshold?: { value: number; label: string };
  /** Buckets with an alert (bucket index and plotted value), marked with a red triangle. */
  breaches?: Array<{ index: number; value: number }>;
  /** y axis starts at zero (counts, rates). */
  zero?: boolean;
  /** A rate in % : the axis stays within 0-100%. */
  rate?: boolean;
  /** Opens what is behind a bucket (the records of that bucket), when a point is clicked. */
  onPick?: (index: number) => void;
  /** Extra text beside the title (n, definitions). */
  note?: string;
  /** A line of text under the chart (e.g. the values of a sparse series). */
  footer?: string;
  /** Said in place of the chart when no series has a value: empty axes would look like zeros. */
  empty?: string;
  testId?: string;
}

function fmtValue(v: number, unit: string): string {
  if (unit === '$') return `$${Math.abs(v) < 0.01 && v !== 0 ? v.toFixed(6) : v.toFixed(2)}`;
  const digits = unit === '%' ? 1 : Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: unit === '%' ? 1 : 0 })}${unit}`;
}

/** A titled line chart card with optional threshold line, breach markers and interval band. */
export function MetricChart(p: MetricChartProps) {
  const t = useChartTheme();
  const datasets: Array<ChartDataset<'line', Array<number | null>>> = [];
  if (p.band) {
    datasets.push({ label: `${p.band.label} low`, data: p.band.low, borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: 'transparent', borderColor: 'transparent', spanGaps: false });
    datasets.push({ label: p.band.label, data: p.band.high, borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: withAlpha(t.series[0]!, 0.14), borderColor: 'transparent', spanGaps: false });
  }
  p.series.forEach((s, i) => {
    const c = t.series[i % t.series.length]!;
    datasets.push({
      label: s.label, data: s.values, borderColor: c, backgroundColor: c, borderWidth: i === 0 ? 2 : 1.5,
      // Empty buckets stay gaps: a line drawn across them would invent values that were never measured. Monotone
      // curves never overshoot the points (a rate line never bends above 100% or below 0%).
      pointRadius: p.labels.length > 40 ? 0 : 2, pointHoverRadius: 4, tension: 0.2, cubicInterpolationMode: 'monotone', spanGaps: false,
      ...(s.dashed ? { borderDash: [4, 3] } : {}),
      ...(s.points ? { showLine: false, pointRadius: 4, spanGaps: false } : {}),
    });
  });
  if (p.threshold) {
    datasets.push({ label: p.threshold.label, data: p.labels.map(() => p.threshold!.value), borderColor: t.bad, borderWidth: 1, borderDash: [6, 4], pointRadius: 0, pointHoverRadius: 0, fill: false });
  }
  if (p.breaches?.length) {
    // One marker per bucket: with several breaching series in a bucket, the highest value carries it.
    const marks = p.labels.map(() => null as number | null);
    for (const b of p.breaches) marks[b.index] = Math.max(marks[b.index] ?? -Infinity, b.value);
    datasets.push({ label: 'Alert', data: marks, showLine: false, pointRadius: 5, pointHoverRadius: 6, pointStyle: 'triangle', borderColor: t.bad, backgroundColor: t.bad });
  }
  const data: ChartData<'line', Array<number | null>, string> = { labels: p.labels, datasets };
  const empty = p.series.every((x) => x.values.every((v) => v === null));
  // Rates stay within 0-100%: the top is 10% above the highest plotted value (at least 10%, at most 100%).
  const rateMax = rateAxisMax(datasets.flatMap((d) => d.data), 10);
  const options: ChartOptions<'line'> = {
    responsive: true, maintainAspectRatio: false, animation: false,
    interaction: { mode: 'index', intersect: false },
    ...(p.onPick ? {
      onClick: (_e, els) => { const i = els[0]?.index; if (i !== undefined) p.onPick!(i); },
      onHover: (e, els) => { const c = e.native?.target as HTMLElement | undefined; if (c) c.style.cursor = els.length ? 'pointer' : 'default'; },
    } : {}),
    plugins: {
      legend: {
        display: datasets.length > 1, position: 'bottom', align: 'start',
        labels: { color: t.text2, boxWidth: 10, boxHeight: 2, font: { size: 11 }, filter: (item) => !item.text.endsWith(' low') },
      },
      tooltip: {
        filter: (item) => item.dataset.label !== 'Alert' && !(item.dataset.label ?? '').endsWith(' low'),
        callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${c.parsed.y === null ? '—' : fmtValue(c.parsed.y, p.unit)}` },
      },
    },
    scales: {
      x: { ticks: { color: t.text3, font: { size: 10 }, maxRotation: 0, autoSkipPadding: 8 }, grid: { display: false }, border: { color: t.border } },
      y: {
        beginAtZero: !!p.zero || !!p.rate,
        grace: '8%',
        ...(p.rate ? { min: 0, max: rateMax } : {}),
        ticks: { color: t.text3, font: { size: 10 }, maxTicksLimit: 5, callback: (v) => fmtValue(Number(v), p.unit) },
        grid: { color: t.border }, border: { display: false },
      },
    },
  };
  return (
    <figure className="metric-chart card" data-testid={p.testId} data-values={JSON.stringify(p.series.map((x) => x.values))}>
      <figcaption className="metric-chart-head">
        <span className="metric-chart-title">{p.title}</span>
        {p.note && <span className="muted small">{p.note}</span>}
      </figcaption>
      {empty
        ? <p className="metric-chart-empty muted small" data-testid={p.testId ? `${p.testId}-empty` : undefined}>{p.empty ?? 'No values in this range.'}</p>
        : <div className="metric-chart-canvas"><Line data={data} options={options} aria-label={`${p.title} chart`} role="img" /></div>}
      {p.footer && !empty && <div className="metric-chart-foot muted small" data-testid={p.testId ? `${p.testId}-foot` : undefined}>{p.footer}</div>}
    </figure>
  );
}

/**
 * A small chart for the review side panel: one series as bars or a line, one bucket marked (the week under review).
 * Values are in display units; null leaves a gap. `data-values` carries the plotted values for tests and tools.
 */
export function SmallChart({ title, unit, labels, values, current, kind = 'line', rate, testId, note, empty }: {
  title: string; unit: string; labels: string[]; values: Array<number | null>; current: boolean[]; kind?: 'line' | 'bar'; rate?: boolean; testId: string; note?: string;
  /** Said in place of the chart when every value is null (empty axes would read as zeros). */
  empty?: string;
}) {
  const t = useChartTheme();
  const pointColor = current.map((c) => (c ? t.bad : t.series[0]!));
  const opts: ChartOptions<'line' | 'bar'> = {
    responsive: true, maintainAspectRatio: false, animation: false,
    plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => (c.parsed.y === null ? '—' : fmtValue(c.parsed.y, unit)) } } },
    scales: {
      x: { ticks: { color: t.text3, font: { size: 9 }, maxRotation: 0, autoSkipPadding: 6, callback: (_v, i) => labels[i]?.replace(/^\d{4}-/, '') ?? '' }, grid: { display: false }, border: { color: t.border } },
      y: {
        beginAtZero: true, grace: '10%', ticks: { color: t.text3, font: { size: 9 }, maxTicksLimit: 3, callback: (v) => fmtValue(Number(v), unit) },
        grid: { color: t.border }, border: { display: false },
        ...(rate ? { min: 0, max: rateAxisMax(values) } : {}),
      },
    },
  };
  return (
    <figure className="small-chart" data-testid={testId} data-values={JSON.stringify(values)} data-labels={JSON.stringify(labels)}>
      <figcaption><span className="small-chart-title">{title}</span>{note && <span className="muted small"> {note}</span>}</figcaption>
      {values.every((v) => v === null) ? <p className="small-chart-empty muted small">{empty ?? 'No values in these weeks.'}</p> : <div className="small-chart-canvas">
        {kind === 'bar'
          ? <Bar data={{ labels, datasets: [{ data: values, backgroundColor: current.map((c) => (c ? t.bad : withAlpha(t.series[0]!, 0.55))), borderWidth: 0 }] }} options={opts as ChartOptions<'bar'>} aria-label={`${title} chart`} role="img" />
          : <Line data={{ labels, datasets: [{ data: values, borderColor: t.series[0], backgroundColor: pointColor, pointBackgroundColor: pointColor, pointBorderColor: pointColor, pointRadius: current.map((c) => (c ? 4 : 2)), borderWidth: 1.5, spanGaps: false, tension: 0.2, cubicInterpolationMode: 'monotone' }] }} options={opts as ChartOptions<'line'>} aria-label={`${title} chart`} role="img" />}
      </div>}
    </figure>
  );
}

/** Two distributions side by side as bars (reference and current shares per bin or category), for a drift row. */
export function DistributionChart({ labels, reference, current, testId, referenceLabel, currentLabel }: {
  labels: string[]; reference: number[]; current: number[]; testId: string; referenceLabel: string; currentLabel: string;
}) {
  const t = useChartTheme();
  const data: ChartData<'bar', number[], string> = {
    labels,
    datasets: [
      { label: referenceLabel, data: reference.map((v) => v * 100), backgroundColor: withAlpha(t.text3, 0.55), borderWidth: 0 },
      { label: currentLabel, data: current.map((v) => v * 100), backgroundColor: t.series[0], borderWidth: 0 },
    ],
  };
  const opts: ChartOptions<'bar'> = {
    responsive: true, maintainAspectRatio: false, animation: false,
    plugins: {
      legend: { position: 'bottom', align: 'start', labels: { color: t.text2, boxWidth: 10, boxHeight: 10, font: { size: 11 } } },
      tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''}: ${(c.parsed.y ?? 0).toFixed(1)}%` } },
    },
    scales: {
      x: { ticks: { color: t.text3, font: { size: 10 }, maxRotation: 40, autoSkip: false }, grid: { display: false }, border: { color: t.border } },
      y: { beginAtZero: true, ticks: { color: t.text3, font: { size: 10 }, maxTicksLimit: 5, callback: (v) => `${Number(v).toFixed(0)}%` }, grid: { color: t.border }, border: { display: false } },
    },
  };
  return (
    <div className="distribution-chart" data-testid={testId} data-reference={JSON.stringify(reference)} data-current={JSON.stringify(current)}>
      <Bar data={data} options={opts} aria-label="Reference and current distributions" role="img" />
    </div>
  );
}
