/**
 * The Metrics screen (step 3 of the weekly job): throughput, error rate, p50/p95/p99 latency, tokens, cost,
 * thumbs-up rate with its Wilson interval, CSAT and NPS per hour, day or ISO week, filtered and broken down by any
 * request dimension (feature, model, model version, segment, region, language, user); the alerts of the baseline
 * rules with their runbooks, marked on the charts; availability; features and users ranked; and the drift table.
 * Every alert, chart point, ranking row and drift row opens the records behind it. All numbers come from the store
 * (metrics.series, alerts.list, metrics.ranking, metrics.drift).
 */
import { useState } from 'react';
import type { AlertGroup, AlertRuleId, AlertsListParams, AlertsResult } from '../../../shared/contract-alerts';
import type { MetricDim, MetricsBucket, MetricsFilter, MetricsSeries } from '../../../shared/contract-metrics';
import { useApp, useStoredState, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { EmptyWorkspace } from '../empty-state';
import { dayStartMs, fmtInt, fmtUsd } from '../format';
import { describeFilter, sliceFilter, useDrill } from '../monitoring/drill';
import { Availability, AlertsPanel } from './alerts-panel';
import { MetricChart, type Series } from './charts';
import { DriftPanel } from './drift-panel';
import { DIM_LABEL, fmtNps } from './metrics-format';
import { Rankings } from './rankings';
import { RulesEditor } from './rules-editor';

const pct = (v: number | null) => (v === null ? null : v * 100);
/** A bucket without requests has no rate or latency: a gap, never a zero. */
const ifAny = <T,>(b: { requests: number }, v: T | null): T | null => (b.requests > 0 ? v : null);
const ALERT_TABLES = ['requests', 'feedback', 'tickets', 'links', 'meta'] as const;
const DIMS: MetricDim[] = ['feature', 'model', 'model_version', 'segment', 'region', 'lang', 'user_id'];

/** Chart buckets holding an alert of `rules` (of the shown group), with the plotted value at each. */
function alertMarks(buckets: MetricsBucket[], alerts: AlertsResult | null, group: AlertGroup, rules: AlertRuleId[], value: (b: MetricsBucket) => number | null) {
  if (!alerts) return [];
  const key = JSON.stringify(group);
  const marked = new Set<number>();
  for (const a of alerts.alerts) {
    if (!rules.includes(a.rule) || JSON.stringify(a.group) !== key) continue;
    const i = buckets.findIndex((b) => b.start_ts <= a.bucket_start && a.bucket_start < b.end_ts);
    if (i >= 0) marked.add(i);
  }
  return [...marked].flatMap((index) => (value(buckets[index]!) !== null ? [{ index, value: value(buckets[index]!)! }] : []));
}

/** The Metrics screen. `onImport` opens the Import screen (offered when the workspace has no requests). */
export function MetricsScreen({ onImport }: { onImport: () => void }) {
  const { info } = useApp();
  const [bucket, setBucket] = useStoredState<'hour' | 'day' | 'week'>('metrics.bucket', 'week');
  const [breakdown, setBreakdown] = useStoredState<MetricDim>('metrics.breakdown.dim', 'feature');
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [filter, setFilterState] = useState<MetricsFilter>({});
  const zone = info.time_zone;
  const from = dayStartMs(fromDay, zone);
  const to = dayStartMs(toDay, zone, true);
  const params = { bucket, breakdown, ...(from !== null ? { from_ts: from } : {}), ...(to !== null ? { to_ts: to } : {}), filter };
  const badRange = from !== null && to !== null && to <= from;
  const q = useStoreQuery('metrics.series', badRange || info.counts.requests === 0 ? null : params, ['requests', 'feedback']);
  const s = q.data;
  // Alerts are judged for the whole traffic, each feature and each model version: without a filter every group's
  // alerts are listed; a filter on a feature or a model version alone lists that group's.
  const keys = Object.keys(filter);
  const group: AlertGroup | undefined = keys.length === 0 ? undefined : keys.length === 1 && (keys[0] === 'feature' || keys[0] === 'model_version') ? { [keys[0]]: filter[keys[0] as 'feature']! } as AlertGroup : undefined;
  const alertsQ = useStoreQuery('alerts.list', badRange || !s || s.from_ts === null ? null : {
    from_ts: s.from_ts, to_ts: s.to_ts!, ...(group !== undefined ? { group: group as AlertsListParams['group'] } : {}),
  }, [...ALERT_TABLES]);
  const settings = useStoreQuery('alerts.settings.get', {}, ['meta']);
  // The pickers' values load beside the charts, never in front of them.
  const opts = useStoreQuery('metrics.options', {}, ['requests']).data;
  const setFilter = (k: keyof MetricsFilter, v: string) => setFilterState((f) => { const n = { ...f }; if (v) n[k] = v; else delete n[k]; return n; });

  if (info.counts.requests === 0) return <EmptyWorkspace what="requests" onImport={onImport} />;

  return (
    <div className="screen scroll metrics-screen" data-testid="metrics-screen">
      <div className="filter-bar metrics-filters" aria-label="Metrics filters">
        <div className="seg" role="radiogroup" aria-label="Bucket">
          {(['week', 'day', 'hour'] as const).map((b) => (
            <label key={b} className={`seg-item${bucket === b ? ' on' : ''}`}>
              <input type="radio" name="metrics-bucket" value={b} checked={bucket === b} onChange={() => setBucket(b)} /> {b === 'week' ? 'ISO weeks' : b === 'day' ? 'Days' : 'Hours'}
            </label>
          ))}
        </div>
        <label className="inline-label">From <input type="date" value={fromDay} onChange={(e) => setFromDay(e.target.value)} aria-label="From date" /></label>
        <label className="inline-label">To <input type="date" value={toDay} onChange={(e) => setToDay(e.target.value)} aria-label="To date" /></label>
        <Pick label="Feature" value={filter.feature ?? ''} options={opts?.feature ?? []} onChange={(v) => setFilter('feature', v)} />
        <Pick label="Model" value={filter.model ?? ''} options={opts?.model ?? []} onChange={(v) => setFilter('model', v)} />
        <Pick label="Version" value={filter.model_version ?? ''} options={opts?.model_version ?? []} onChange={(v) => setFilter('model_version', v)} />
        <Pick label="Segment" value={filter.segment ?? ''} options={opts?.segment ?? []} onChange={(v) => setFilter('segment', v)} />
        {(opts?.region.length ?? 0) > 0 && <Pick label="Region" value={filter.region ?? ''} options={opts!.region} onChange={(v) => setFilter('region', v)} />}
        <Pick label="Language" value={filter.lang ?? ''} options={opts?.lang ?? []} onChange={(v) => setFilter('lang', v)} />
        <input type="search" className="search user-filter" placeholder="User id" aria-label="User filter" value={filter.user_id ?? ''} onChange={(e) => setFilter('user_id', e.target.value.trim())} />
        <label className="inline-label">Breakdown
          <select value={breakdown} onChange={(e) => setBreakdown(e.target.value as MetricDim)} aria-label="Breakdown">
            {DIMS.map((d) => <option key={d} value={d}>by {DIM_LABEL[d]}</option>)}
          </select>
        </label>
        {(fromDay || toDay || keys.length > 0) && (
          <button type="button" className="btn sm ghost" onClick={() => { setFromDay(''); setToDay(''); setFilterState({}); }}>Clear</button>
        )}
        <span className="metrics-status muted small" aria-live="polite">
          {badRange ? 'The To date is before the From date.' : q.loading ? 'Computing…' : s ? `${s.buckets.length} ${s.bucket === 'week' ? 'week' : s.bucket === 'day' ? 'day' : 'hour'}${s.buckets.length === 1 ? '' : 's'} · ${zone} · ${s.cached ? 'cached' : `${fmtInt(Math.round(s.elapsed_ms))} ms`}` : ''}
        </span>
        <RulesEditor />
      </div>
      {q.error && <div className="metrics-body"><ErrorNote error={q.error} /></div>}
      {s && s.buckets.length === 0 && (
        <div className="metrics-body">
          <p className="muted">No dated requests match these filters{s.undated_requests ? ` (${fmtInt(s.undated_requests)} requests have no timestamp and belong to no bucket: no time series, alerts or drift; the rankings below count them)` : ''}.</p>
          {s.undated_requests > 0 && <Rankings from={null} to={null} filter={filter} />}
        </div>
      )}
      {s && s.buckets.length > 0 && (
        <div className="metrics-body">
          <AlertsPanel group={group} data={alertsQ.data} />
          {alertsQ.error && <ErrorNote error={alertsQ.error} />}
          <h3>Traffic and quality {s.bucket === 'week' ? 'per ISO week' : s.bucket === 'day' ? 'per day' : 'per hour'}
            <span className="muted small h-note" data-testid="metrics-scope"> · {describeFilter(sliceFilter(filter))}{s.undated_requests > 0 ? ` · ${fmtInt(s.undated_requests)} requests without a timestamp are in no bucket and left out of these charts` : ''} · click a point for its records</span>
          </h3>
          <Availability data={alertsQ.data} />
          <SeriesCharts s={s} alerts={alertsQ.data} group={group ?? null} filter={filter} />
          {s.breakdown && s.breakdown.groups.length > 1 && <BreakdownCharts s={s} filter={filter} />}
          {s.breakdown && s.breakdown.groups.length <= 1 && <OneGroup s={s} />}
          <Rankings from={s.from_ts} to={s.to_ts} filter={filter} />
          <DriftPanel weeks={s.options.weeks} features={opts?.feature ?? []} psiMax={settings.data?.psi_max ?? 0.25} />
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

const bucketWord = (unit: 'hour' | 'day' | 'week', n: number) => `${unit === 'week' ? 'week' : unit === 'day' ? 'day' : 'hour'}${n === 1 ? '' : 's'}`;

/** Opens the records of chart bucket `i` (with the screen's filters and, for a breakdown, the group's value). */
function usePick(s: MetricsSeries, filter: MetricsFilter) {
  const drill = useDrill();
  return (i: number, extra: Partial<Record<MetricDim, string>> = {}) => {
    const b = s.buckets[i];
    if (!b) return;
    const f = sliceFilter({ ...filter, ...extra });
    drill.openRecords({ label: b.label, from_ts: Math.max(b.start_ts, s.from_ts ?? b.start_ts), to_ts: Math.min(b.end_ts, s.to_ts ?? b.end_ts), filter: f });
  };
}

function SeriesCharts({ s, alerts, group, filter }: { s: MetricsSeries; alerts: AlertsResult | null; group: AlertGroup; filter: MetricsFilter }) {
  const b = s.buckets;
  const labels = b.map((x) => x.label);
  const pick = usePick(s, filter);
  const totalReq = b.reduce((n, x) => n + x.requests, 0);
  const totalCost = b.reduce((n, x) => n + (x.cost_total_usd ?? 0), 0);
  const thumbsN = b.reduce((n, x) => n + x.thumbs.n, 0);
  const csatN = b.reduce((n, x) => n + x.csat.n, 0);
  const npsN = b.reduce((n, x) => n + x.nps.n, 0);
  const costN = b.reduce((n, x) => n + x.cost_n, 0);
  // Requests without the charted value are left out of that chart: say how many (never a silent exclusion).
  const without = (parts: Array<[number, string]>) => {
    const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${fmtInt(n)} request${n === 1 ? '' : 's'} without ${what}`);
    return said.length ? { footer: `${said.join(', ')}: left out of this chart.` } : {};
  };
  const noLatency = totalReq - b.reduce((n, x) => n + x.latency.n, 0);
  const withStatus = b.reduce((n, x) => n + x.error_rate.n, 0);
  const noTokensIn = totalReq - b.reduce((n, x) => n + x.tokens_in_n, 0);
  const noTokensOut = totalReq - b.reduce((n, x) => n + x.tokens_out_n, 0);
  const uf = s.undated_feedback;
  /** "1,226 thumbs have no time (nor a dated request): in no bucket, left out" when some feedback is in no bucket. */
  const left = (n: number, what: string) => (n > 0 ? { footer: `${fmtInt(n)} ${what} ${n === 1 ? 'has' : 'have'} no time (nor a dated request): in no bucket, left out of this chart.` } : {});
  const marks = (rules: AlertRuleId[], v: (x: MetricsBucket) => number | null) => alertMarks(b, alerts, group, rules, v);
  /** Ratings and NPS answers in the range that no chart takes, said under the chart they would be expected in. */
  const notCsat = (n: number) => (n > 0 ? `${fmtInt(n)} rating${n === 1 ? ' is' : 's are'} not CSAT (on another scale, such as 1-10 scores, or not a whole 1-5): left out; Feedback lists them and the report gives their mean.` : null);
  const notNps = (n: number) => (n > 0 ? `${fmtInt(n)} NPS answer${n === 1 ? ' is' : 's are'} not a whole 0-10: left out.` : null);
  /** Scores automated evaluators wrote: said under the thumbs chart (they are in none of the three feedback charts). */
  const automated = s.feedback_not_charted.automated;
  const notUsers = automated > 0 ? `${fmtInt(automated)} score${automated === 1 ? '' : 's'} (thumbs, ratings, NPS) from automated evaluators such as LLM judges ${automated === 1 ? 'is' : 'are'} no user's answer: left out of the thumbs, CSAT and NPS charts; Feedback lists ${automated === 1 ? 'it' : 'them'}.` : null;
  const joined = (...parts: Array<string | null | undefined>) => {
    const said = parts.filter(Boolean).join(' ');
    return said ? { footer: said } : {};
  };
  return (
    <div className="metric-grid">
      <MetricChart testId="chart-throughput" title="Throughput" unit=" req" zero labels={labels} note={`${fmtInt(totalReq)} requests`} onPick={pick}
        series={[{ label: 'Requests', values: b.map((x) => x.requests) }, { label: 'Errors', values: b.map((x) => (x.error_rate.n > 0 ? x.errors : null)) }]}
        breaches={marks(['ticket_surge'], (x) => x.requests)} />
      <MetricChart testId="chart-error-rate" title="Error rate" unit="%" rate labels={labels} note="Wilson 95% band" onPick={pick}
        {...without([[totalReq - withStatus, 'a status or an error']])}
        empty="No request in this range has a status or an error: the error rate is unknown (a request with neither is not counted as a success)."
        series={[{ label: 'Error rate', values: b.map((x) => ifAny(x, pct(x.error_rate.rate))) }]}
        band={{ label: '95% interval', low: b.map((x) => ifAny(x, pct(x.error_rate.low))), high: b.map((x) => ifAny(x, pct(x.error_rate.high))) }}
        breaches={marks(['error_rate'], (x) => ifAny(x, pct(x.error_rate.rate)))} />
      <MetricChart testId="chart-latency" title="Latency" unit=" ms" zero labels={labels} note={`type-7 percentiles${quantileNote(s)}`} onPick={pick} {...without([[noLatency, 'a latency']])} empty="No request in this range has a latency."
        series={[
          { label: 'p50', values: b.map((x) => x.latency.p50) },
          { label: 'p95', values: b.map((x) => x.latency.p95) },
          { label: 'p99', values: b.map((x) => x.latency.p99), dashed: true },
        ]}
        breaches={marks(['p95_latency'], (x) => x.latency.p95)} />
      <MetricChart testId="chart-tokens" title="Tokens per request" unit=" tok" zero labels={labels} note="mean" onPick={pick} {...without([[noTokensIn, 'input tokens'], [noTokensOut, 'output tokens']])} empty="No request in this range has token counts."
        series={[{ label: 'Tokens in', values: b.map((x) => x.tokens_in_mean) }, { label: 'Tokens out', values: b.map((x) => x.tokens_out_mean) }]} />
      <MetricChart testId="chart-cost" title="Cost" unit="$" zero labels={labels} note={costN > 0 ? `${fmtUsd(totalCost)} total` : 'no costs'} {...(costN > 0 ? without([[totalReq - costN, 'a cost']]) : {})} onPick={pick}
        empty="No request in this range has a cost (none in the source, and no price for its model and tokens)."
        series={[{ label: 'Total USD', values: b.map((x) => (x.cost_n > 0 ? x.cost_total_usd : null)) }]}
        breaches={marks(['daily_cost'], (x) => (x.cost_n > 0 ? x.cost_total_usd : null))} />
      <MetricChart testId="chart-thumbs" title="Thumbs-up rate" unit="%" rate labels={labels} note={`${fmtInt(thumbsN)} thumbs · Wilson 95% band`} onPick={pick} {...joined(left(uf.thumbs, 'thumbs').footer, notUsers)}
        empty={[`No thumbs from users in this range${uf.thumbs > 0 ? `; ${fmtInt(uf.thumbs)} have no time (nor a dated request) and are in no bucket` : ''}.`, notUsers].filter(Boolean).join(' ')}
        series={[{ label: 'Thumbs-up rate', values: b.map((x) => pct(x.thumbs.rate)) }]}
        band={{ label: '95% interval', low: b.map((x) => pct(x.thumbs.low)), high: b.map((x) => pct(x.thumbs.high)) }}
        breaches={marks(['negative_feedback'], (x) => pct(x.thumbs.rate))} />
      <MetricChart testId="chart-csat" title="CSAT" unit="%" rate labels={labels} note={`top-2-box of 1-5 ratings · ${fmtInt(csatN)} ratings`} onPick={pick}
        {...joined(left(uf.ratings, 'ratings').footer, notCsat(s.feedback_not_charted.ratings))}
        empty={[`No 1-5 ratings in this range${uf.ratings > 0 ? `; ${fmtInt(uf.ratings)} have no time (nor a dated request) and are in no bucket` : ''}.`, notCsat(s.feedback_not_charted.ratings)].filter(Boolean).join(' ')}
        series={[{ label: 'CSAT', values: b.map((x) => pct(x.csat.csat)) }]}
        band={{ label: '95% interval', low: b.map((x) => pct(x.csat.low)), high: b.map((x) => pct(x.csat.high)) }} />
      <MetricChart testId="chart-nps" title="NPS" unit=" pts" labels={labels} note={`${fmtInt(npsN)} answers in ${b.filter((x) => x.nps.n > 0).length} ${bucketWord(s.bucket, b.filter((x) => x.nps.n > 0).length)}`}
        empty={[`No survey answers in this range${uf.nps > 0 ? `; ${fmtInt(uf.nps)} have no time and are in no bucket` : ''}.`, notNps(s.feedback_not_charted.nps)].filter(Boolean).join(' ')}
        series={[{ label: 'NPS', values: b.map((x) => x.nps.nps), points: true }]}
        footer={[b.filter((x) => x.nps.n > 0).map((x) => `${x.label} ${fmtNps(x.nps.nps)} (n ${fmtInt(x.nps.n)})`).join(' · '), left(uf.nps, 'answers').footer, notNps(s.feedback_not_charted.nps)].filter(Boolean).join(' ')} />
    </div>
  );
}

/**
 * How exact the series' percentiles are, for the latency charts' notes: nothing when every one is exact; else the
 * sketch's stated relative error (`p95 ±1%`), for every bucket or for the buckets past 100 latencies.
 */
function quantileNote(s: MetricsSeries): string {
  const q = s.quantiles;
  if (q.relative_error <= 0) return '';
  const pm = `±${+(q.relative_error * 100).toFixed(2)}%`;
  return q.method === 'mixed' ? ` · p95 ${pm} where a bucket has over 100 latencies (DDSketch), exact elsewhere` : ` · p95 ${pm} (DDSketch)`;
}

/** A breakdown of one group (or none) draws no charts: says why, instead of leaving the choice without effect. */
function OneGroup({ s }: { s: MetricsSeries }) {
  const bd = s.breakdown!;
  const by = DIM_LABEL[bd.by].toLowerCase();
  const key = bd.groups[0]?.key;
  return (
    <p className="muted small" data-testid="breakdown-one-group">
      No breakdown by {by}: {key === undefined ? 'no request in this range to group'
        : key === '(none)' ? `no request in this range has a ${by}` : `every request in this range has the same ${by}, ${key}`}.
    </p>
  );
}

function BreakdownCharts({ s, filter }: { s: MetricsSeries; filter: MetricsFilter }) {
  const bd = s.breakdown!;
  const labels = s.buckets.map((x) => x.label);
  const by = DIM_LABEL[bd.by];
  const pick = usePick(s, filter);
  type P = (typeof bd.groups)[number]['points'][number];
  const mk = (value: (p: P) => number | null): Series[] => bd.groups.map((g) => ({ label: g.key, values: g.points.map((p) => (p.requests > 0 ? value(p) : null)) }));
  const note = bd.other_values > 0 ? `12 largest, then (other): ${fmtInt(bd.other_values)} more` : undefined;
  const p95Note = [note, quantileNote(s).replace(/^ · /, '')].filter(Boolean).join(' · ') || undefined;
  return (
    <>
      <h3>By {by}</h3>
      <div className="metric-grid">
        <MetricChart testId="chart-breakdown-p95" title={`p95 latency by ${by}`} unit=" ms" zero labels={labels} series={mk((p) => p.p95_ms)} onPick={pick} {...(p95Note ? { note: p95Note } : {})} />
        <MetricChart testId="chart-breakdown-errors" title={`Error rate by ${by}`} unit="%" rate labels={labels} series={mk((p) => pct(p.error_rate))} onPick={pick} />
        <MetricChart testId="chart-breakdown-thumbs" title={`Thumbs-up rate by ${by}`} unit="%" rate labels={labels} series={mk((p) => pct(p.thumbs_up_rate))} onPick={pick} />
        <MetricChart testId="chart-breakdown-cost" title={`Cost by ${by}`} unit="$" zero labels={labels} series={mk((p) => p.cost_usd)} onPick={pick} />
      </div>
    </>
  );
}
