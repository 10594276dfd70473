/**
 * The Metrics screen (step 3 of the weekly job): throughput, error rate, p50/p95/p99 latency, tokens, cost,
 * thumbs-up rate with its Wilson interval, CSAT and NPS per ISO week or day, with the workspace thresholds drawn in
 * and breaches marked; a per-feature (or per-model-version) breakdown; the alerts list; and the drift table of the
 * latest complete week against the four before it. All numbers come from the store (metrics.series, metrics.drift).
 */
import { useMemo, useState } from 'react';
import type { AlertMetric, MetricsBucket, MetricsSeries, MetricThresholds } from '../../../shared/contract-metrics';
import { asErrorData } from '../api';
import { useApp, useStoredState, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { dayStartMs, fmtInt, fmtUsd } from '../format';

import type { LoupeErrorData } from '../../../shared/errors';
import { MetricChart, type Series } from './charts';
import { DriftPanel } from './drift-panel';
import { fmtMetric, fmtNps, fmtPct, METRIC_LABEL } from './metrics-format';

const pct = (v: number | null) => (v === null ? null : v * 100);

function breachPoints(buckets: MetricsBucket[], metric: AlertMetric, value: (b: MetricsBucket) => number | null) {
  return buckets.flatMap((b, index) => (b.breaches.includes(metric) && value(b) !== null ? [{ index, value: value(b)! }] : []));
}

/** The Metrics screen. */
export function MetricsScreen() {
  const { info } = useApp();
  const [bucket, setBucket] = useStoredState<'week' | 'day'>('metrics.bucket', 'week');
  const [breakdown, setBreakdown] = useStoredState<'feature' | 'model_version'>('metrics.breakdown', 'feature');
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [feature, setFeature] = useState('');
  const [model, setModel] = useState('');
  const [version, setVersion] = useState('');
  const zone = info.time_zone;
  const from = dayStartMs(fromDay, zone);
  const to = dayStartMs(toDay, zone, true);
  const params = {
    bucket, breakdown,
    ...(from !== null ? { from_ts: from } : {}), ...(to !== null ? { to_ts: to } : {}),
    filter: { ...(feature ? { feature } : {}), ...(model ? { model } : {}), ...(version ? { model_version: version } : {}) },
  };
  const badRange = from !== null && to !== null && to <= from;
  const q = useStoreQuery('metrics.series', badRange ? null : params, ['requests', 'feedback', 'meta']);
  const s = q.data;
  return (
    <div className="screen scroll metrics-screen" data-testid="metrics-screen">
      <div className="filter-bar metrics-filters" aria-label="Metrics filters">
        <div className="seg" role="radiogroup" aria-label="Bucket">
          {(['week', 'day'] as const).map((b) => (
            <label key={b} className={`seg-item${bucket === b ? ' on' : ''}`}>
              <input type="radio" name="metrics-bucket" value={b} checked={bucket === b} onChange={() => setBucket(b)} /> {b === 'week' ? 'ISO weeks' : 'Days'}
            </label>
          ))}
        </div>
        <label className="inline-label">From <input type="date" value={fromDay} onChange={(e) => setFromDay(e.target.value)} aria-label="From date" /></label>
        <label className="inline-label">To <input type="date" value={toDay} onChange={(e) => setToDay(e.target.value)} aria-label="To date" /></label>
        <Pick label="Feature" value={feature} options={s?.options.feature ?? []} onChange={setFeature} />
        <Pick label="Model" value={model} options={s?.options.model ?? []} onChange={setModel} />
        <Pick label="Version" value={version} options={s?.options.model_version ?? []} onChange={setVersion} />
        <label className="inline-label">Breakdown
          <select value={breakdown} onChange={(e) => setBreakdown(e.target.value as 'feature' | 'model_version')} aria-label="Breakdown">
            <option value="feature">by feature</option>
            <option value="model_version">by model version</option>
          </select>
        </label>
        {(fromDay || toDay || feature || model || version) && (
          <button type="button" className="btn sm ghost" onClick={() => { setFromDay(''); setToDay(''); setFeature(''); setModel(''); setVersion(''); }}>Clear</button>
        )}
        <span className="metrics-status muted small" aria-live="polite">
          {badRange ? 'The To date is before the From date.' : q.loading ? 'Computing…' : s ? `${s.buckets.length} ${s.bucket === 'week' ? 'weeks' : 'days'} · ${zone} · ${s.cached ? 'cached' : `${fmtInt(Math.round(s.elapsed_ms))} ms`}` : ''}
        </span>
        {s && <ThresholdsEditor value={s.thresholds} />}
      </div>
      {q.error && <div className="metrics-body"><ErrorNote error={q.error} /></div>}
      {s && s.buckets.length === 0 && <div className="metrics-body"><p className="muted">No dated requests match these filters.</p></div>}
      {s && s.buckets.length > 0 && (
        <div className="metrics-body">
          <AlertsList series={s} />
          <h3>Traffic and quality{bucket === 'week' ? ' per ISO week' : ' per day'}</h3>
          <SeriesCharts s={s} />
          {s.breakdown && s.breakdown.groups.length > 1 && <BreakdownCharts s={s} />}
          <DriftPanel weeks={s.options.weeks} features={s.options.feature} psiMax={s.thresholds.psi_max} />
        </div>
      )}
    </div>
  );
}

function Pick({ label, value, options, onChange }: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label className="inline-label">{label}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={`${label} filter`}>
        <option value="">All</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
}

const bucketWord = (unit: 'day' | 'week', n: number) => (unit === 'week' ? (n === 1 ? 'week' : 'weeks') : n === 1 ? 'day' : 'days');

function SeriesCharts({ s }: { s: MetricsSeries }) {
  const b = s.buckets;
  const labels = b.map((x) => x.label);
  const t = s.thresholds;
  const totalReq = b.reduce((n, x) => n + x.requests, 0);
  const totalCost = b.reduce((n, x) => n + x.cost_total_usd, 0);
  const thumbsN = b.reduce((n, x) => n + x.thumbs.n, 0);
  const csatN = b.reduce((n, x) => n + x.csat.n, 0);
  const npsN = b.reduce((n, x) => n + x.nps.n, 0);
  return (
    <div className="metric-grid">
      <MetricChart testId="chart-throughput" title="Throughput" unit=" req" zero labels={labels} note={`${fmtInt(totalReq)} requests`}
        series={[{ label: 'Requests', values: b.map((x) => x.requests) }, { label: 'Errors', values: b.map((x) => x.errors) }]} />
      <MetricChart testId="chart-error-rate" title="Error rate" unit="%" zero labels={labels} note="Wilson 95% band"
        series={[{ label: 'Error rate', values: b.map((x) => pct(x.error_rate.rate)) }]}
        band={{ label: '95% interval', low: b.map((x) => pct(x.error_rate.low)), high: b.map((x) => pct(x.error_rate.high)) }}
        threshold={{ value: t.error_rate_max * 100, label: `Threshold ${fmtPct(t.error_rate_max)}` }}
        breaches={breachPoints(b, 'error_rate', (x) => pct(x.error_rate.rate))} />
      <MetricChart testId="chart-latency" title="Latency" unit=" ms" zero labels={labels} note="type-7 percentiles"
        series={[
          { label: 'p50', values: b.map((x) => x.latency.p50) },
          { label: 'p95', values: b.map((x) => x.latency.p95) },
          { label: 'p99', values: b.map((x) => x.latency.p99), dashed: true },
        ]}
        threshold={{ value: t.p95_latency_ms_max, label: `p95 threshold ${fmtInt(t.p95_latency_ms_max)} ms` }}
        breaches={breachPoints(b, 'p95_latency_ms', (x) => x.latency.p95)} />
      <MetricChart testId="chart-tokens" title="Tokens per request" unit=" tok" zero labels={labels} note="mean"
        series={[{ label: 'Tokens in', values: b.map((x) => x.tokens_in_mean) }, { label: 'Tokens out', values: b.map((x) => x.tokens_out_mean) }]} />
      <MetricChart testId="chart-cost" title="Cost" unit="$" zero labels={labels} note={`${fmtUsd(totalCost)} total`}
        series={[{ label: 'Total USD', values: b.map((x) => (x.cost_n > 0 ? x.cost_total_usd : null)) }]} />
      <MetricChart testId="chart-thumbs" title="Thumbs-up rate" unit="%" labels={labels} note={`${fmtInt(thumbsN)} thumbs · Wilson 95% band`}
        series={[{ label: 'Thumbs-up rate', values: b.map((x) => pct(x.thumbs.rate)) }]}
        band={{ label: '95% interval', low: b.map((x) => pct(x.thumbs.low)), high: b.map((x) => pct(x.thumbs.high)) }}
        threshold={{ value: t.thumbs_up_rate_min * 100, label: `Threshold ${fmtPct(t.thumbs_up_rate_min)}` }}
        breaches={breachPoints(b, 'thumbs_up_rate', (x) => pct(x.thumbs.rate))} />
      <MetricChart testId="chart-csat" title="CSAT" unit="%" labels={labels} note={`top-2-box of 1-5 ratings · ${fmtInt(csatN)} ratings`}
        series={[{ label: 'CSAT', values: b.map((x) => pct(x.csat.csat)) }]}
        band={{ label: '95% interval', low: b.map((x) => pct(x.csat.low)), high: b.map((x) => pct(x.csat.high)) }} />
      <MetricChart testId="chart-nps" title="NPS" unit=" pts" labels={labels} note={`${fmtInt(npsN)} answers in ${b.filter((x) => x.nps.n > 0).length} ${bucketWord(s.bucket, b.filter((x) => x.nps.n > 0).length)}`}
        series={[{ label: 'NPS', values: b.map((x) => x.nps.nps), points: true }]}
        footer={b.filter((x) => x.nps.n > 0).map((x) => `${x.label} ${fmtNps(x.nps.nps)} (n ${fmtInt(x.nps.n)})`).join(' · ') || 'No survey answers in this range.'} />
    </div>
  );
}

function BreakdownCharts({ s }: { s: MetricsSeries }) {
  const bd = s.breakdown!;
  const labels = s.buckets.map((x) => x.label);
  const t = s.thresholds;
  const by = bd.by === 'feature' ? 'feature' : 'model version';
  const mk = (value: (p: (typeof bd.groups)[number]['points'][number]) => number | null): Series[] => bd.groups.map((g) => ({ label: g.key, values: g.points.map(value) }));
  const br = (metric: AlertMetric, value: (p: (typeof bd.groups)[number]['points'][number]) => number | null) =>
    bd.groups.flatMap((g) => g.points.flatMap((p, index) => (p.breaches.includes(metric) && value(p) !== null ? [{ index, value: value(p)! }] : [])));
  return (
    <>
      <h3>By {by}</h3>
      <div className="metric-grid">
        <MetricChart testId="chart-breakdown-p95" title={`p95 latency by ${by}`} unit=" ms" zero labels={labels} series={mk((p) => p.p95_ms)}
          threshold={{ value: t.p95_latency_ms_max, label: `Threshold ${fmtInt(t.p95_latency_ms_max)} ms` }} breaches={br('p95_latency_ms', (p) => p.p95_ms)} />
        <MetricChart testId="chart-breakdown-errors" title={`Error rate by ${by}`} unit="%" zero labels={labels} series={mk((p) => pct(p.error_rate))}
          threshold={{ value: t.error_rate_max * 100, label: `Threshold ${fmtPct(t.error_rate_max)}` }} breaches={br('error_rate', (p) => pct(p.error_rate))} />
        <MetricChart testId="chart-breakdown-thumbs" title={`Thumbs-up rate by ${by}`} unit="%" labels={labels} series={mk((p) => pct(p.thumbs_up_rate))}
          note={`judged from ${t.min_thumbs} thumbs per bucket`}
          threshold={{ value: t.thumbs_up_rate_min * 100, label: `Threshold ${fmtPct(t.thumbs_up_rate_min)}` }} breaches={br('thumbs_up_rate', (p) => pct(p.thumbs_up_rate))} />
      </div>
    </>
  );
}

function AlertsList({ series }: { series: MetricsSeries }) {
  // Error-rate alerts first (outages), then latency, then thumbs; newest bucket first within each.
  const order: Record<AlertMetric, number> = { error_rate: 0, p95_latency_ms: 1, thumbs_up_rate: 2 };
  const a = [...series.alerts].sort((x, y) => order[x.metric] - order[y.metric] || y.start_ts - x.start_ts || (x.group ?? '').localeCompare(y.group ?? ''));
  const t = series.thresholds;
  return (
    <section className="card alerts" aria-labelledby="alerts-title" data-testid="alerts">
      <div className="card-head">
        <h2 id="alerts-title">Alerts <span className="count">{a.length}</span></h2>
        <span className="muted small">
          error rate &gt; {fmtPct(t.error_rate_max)} · p95 &gt; {fmtInt(t.p95_latency_ms_max)} ms (from {t.min_requests} requests) · thumbs-up &lt; {fmtPct(t.thumbs_up_rate_min)} (from {t.min_thumbs} thumbs)
        </span>
      </div>
      {a.length === 0 ? <p className="muted small">No bucket breaches a threshold.</p> : (
        <div className="table-scroll alerts-scroll"><table className="table compact alerts-table">
          <thead><tr><th>Bucket</th><th>Scope</th><th>Metric</th><th className="num">Value</th><th className="num">Threshold</th><th className="num">n</th></tr></thead>
          <tbody>
            {a.map((x) => (
              <tr key={`${x.metric}-${x.group ?? ''}-${x.bucket}`} data-testid="alert-row">
                <td className="mono">{x.bucket}</td>
                <td>{x.group === null ? <span className="muted">all traffic</span> : <span className="badge">{x.group}</span>}</td>
                <td>{METRIC_LABEL[x.metric]}</td>
                <td className="num"><span className="alert-value">{x.direction === 'above' ? '▲' : '▼'} {fmtMetric(x.metric, x.value)}</span></td>
                <td className="num muted">{x.direction === 'above' ? '>' : '<'} {fmtMetric(x.metric, x.threshold)}</td>
                <td className="num muted">{fmtInt(x.n)} {x.metric === 'thumbs_up_rate' ? 'thumbs' : 'req'}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </section>
  );
}

function ThresholdsEditor({ value }: { value: MetricThresholds }) {
  const { client } = useApp();
  const [draft, setDraft] = useState<Record<keyof MetricThresholds, string> | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const fields = useMemo<Array<[keyof MetricThresholds, string, number]>>(() => [
    ['error_rate_max', 'Error rate above (%)', 100], ['p95_latency_ms_max', 'p95 latency above (ms)', 1], ['thumbs_up_rate_min', 'Thumbs-up rate below (%)', 100],
    ['psi_max', 'PSI above (guidance only)', 1], ['min_requests', 'Judge buckets from (requests)', 1], ['min_thumbs', 'Judge thumbs from (thumbs)', 1],
  ], []);
  const open = () => setDraft(Object.fromEntries(fields.map(([k, , f]) => [k, String(Math.round(value[k] * f * 1000) / 1000)])) as Record<keyof MetricThresholds, string>);
  const save = async () => {
    if (!draft) return;
    try {
      const next = Object.fromEntries(fields.map(([k, , f]) => [k, Number(draft[k]) / f])) as MetricThresholds;
      await client.call('metrics.thresholds.set', next);
      setDraft(null);
      setError(null);
    } catch (e) { setError(asErrorData(e)); }
  };
  return (
    <details className="popover thresholds" open={draft !== null} onToggle={(e) => { if ((e.currentTarget as HTMLDetailsElement).open && !draft) open(); }}>
      <summary className="btn sm" onClick={(e) => { e.preventDefault(); if (draft) setDraft(null); else open(); }}>Thresholds</summary>
      {draft && (
        <form className="popover-body thresholds-form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          {fields.map(([k, label]) => (
            <label key={k}>{label}<input type="number" step="any" min="0" value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} /></label>
          ))}
          {error && <span className="err-text small" role="alert">{error.message}</span>}
          <div className="thresholds-actions">
            <button type="button" className="btn sm ghost" onClick={() => setDraft(null)}>Cancel</button>
            <button type="submit" className="btn sm primary">Save</button>
          </div>
        </form>
      )}
    </details>
  );
}
