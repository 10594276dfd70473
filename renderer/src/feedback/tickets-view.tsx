/**
 * Ticket analysis (tickets.rate, tickets.analysis): tickets per 1,000 requests by model version (bars for the 95%
 * exact Poisson intervals, a point for the rate) and by week × model version or feature (lines, one per group,
 * gaps where a group had no requests); counts by tag, priority and channel; first response and resolution times
 * per week; the ticket rate per failure tag of reviewed requests; and how the tickets were linked.
 */
import { useMemo, useState } from 'react';
import { BarController, BarElement, CategoryScale, Chart as ChartJS, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartData, type ChartOptions } from 'chart.js';
import { Chart } from 'react-chartjs-2';
import type { TicketRateRow } from '../../../shared/contract-feedback';
import { useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtInt } from '../format';
import { MetricChart, useChartTheme, withAlpha } from '../metrics/charts';
import { FEEDBACK_TABLES } from './feedback-screen';

ChartJS.register(BarController, LineController, CategoryScale, LinearScale, BarElement, PointElement, LineElement, Tooltip);

const f1 = (v: number | null) => (v === null ? '—' : v.toFixed(1));
/** A rate's 95% interval, "2.1–5.3", or "—" when there is no rate. */
const ci = (r: { low: number | null; high: number | null }) => (r.low === null || r.high === null ? '—' : `${f1(r.low)}–${f1(r.high)}`);
const hours = (v: number | null) => (v === null ? '—' : v < 48 ? `${v.toFixed(1)} h` : `${(v / 24).toFixed(1)} d`);

/** Rate per group with its interval as a floating bar and the rate as a point. */
function RateIntervalChart({ rows, title, testId }: { rows: TicketRateRow[]; title: string; testId: string }) {
  const t = useChartTheme();
  const data = {
    labels: rows.map((r) => r.group),
    datasets: [
      { type: 'bar' as const, label: '95% interval', data: rows.map((r) => [r.low ?? 0, r.high ?? 0] as [number, number]), backgroundColor: withAlpha(t.series[0]!, 0.22), borderColor: withAlpha(t.series[0]!, 0.5), borderWidth: 1, barPercentage: 0.5 },
      { type: 'line' as const, label: 'Tickets per 1,000 requests', data: rows.map((r) => r.per_1000), showLine: false, pointRadius: 5, borderColor: t.series[0], backgroundColor: t.series[0] },
    ],
  } as unknown as ChartData<'bar'>;
  const options: ChartOptions<'bar'> = {
    responsive: true, maintainAspectRatio: false, animation: false,
    plugins: { legend: { display: false }, tooltip: { callbacks: { label: (c) => {
      const r = rows[c.dataIndex]!;
      return `${f1(r.per_1000)} per 1,000 [${ci(r)}], ${fmtInt(r.tickets)} tickets / ${fmtInt(r.requests)} requests`;
    } } } },
    scales: {
      x: { ticks: { color: t.text3, font: { size: 10 } }, grid: { display: false }, border: { color: t.border } },
      y: { beginAtZero: true, ticks: { color: t.text3, font: { size: 10 }, maxTicksLimit: 5 }, grid: { color: t.border }, border: { display: false }, title: { display: true, text: 'per 1,000 requests', color: t.text3, font: { size: 10 } } },
    },
  };
  return (
    <figure className="metric-chart card" data-testid={testId}>
      <figcaption className="metric-chart-head"><span className="metric-chart-title">{title}</span><span className="muted small">point: rate; bar: 95% interval</span></figcaption>
      {/* No rate anywhere (no ticket could be placed): say so; empty axes would read as zero tickets. */}
      {rows.every((r) => r.per_1000 === null)
        ? <p className="metric-chart-empty muted small" data-testid={`${testId}-empty`}>No ticket rate: no ticket could be placed in a group (what is left out is said below).</p>
        : <div className="metric-chart-canvas"><Chart type="bar" data={data} options={options} aria-label={`${title} chart`} role="img" /></div>}
    </figure>
  );
}

/** The Tickets tab of the Feedback screen. */
export function TicketsView() {
  const [cross, setCross] = useState<'model_version' | 'feature'>('model_version');
  const byVersion = useStoreQuery('tickets.rate', { by: 'model_version' }, FEEDBACK_TABLES);
  const weekly = useStoreQuery('tickets.rate', { by: 'week', then: cross }, FEEDBACK_TABLES);
  const analysis = useStoreQuery('tickets.analysis', {}, FEEDBACK_TABLES);
  const series = useMemo(() => {
    const rows = weekly.data?.rows ?? [];
    const weeks = [...new Set(rows.map((r) => r.group))].sort();
    const groups = [...new Set(rows.map((r) => r.group2 ?? ''))].sort();
    return {
      labels: weeks,
      series: groups.map((g) => ({ label: g, values: weeks.map((w) => { const r = rows.find((x) => x.group === w && x.group2 === g); return r && r.requests > 0 ? r.per_1000 : null; }) })),
    };
  }, [weekly.data]);
  const a = analysis.data;
  // The store's note that nothing is reviewed yet is said in the failure-tag card; the other notes below the cards.
  const reviewsNote = a?.reviewed_requests === 0 ? a.notes.find((n) => n.startsWith('No reviewed request')) : undefined;
  const otherNotes = a ? a.notes.filter((n) => n !== reviewsNote) : [];
  const err = byVersion.error ?? weekly.error ?? analysis.error;
  return (
    <div className="page wide-page">
      {err && <ErrorNote error={err} />}
      <div className="chart-grid two">
        {byVersion.data && <RateIntervalChart rows={byVersion.data.rows} title="Tickets per 1,000 requests by model version" testId="ticket-rate-version" />}
        <div>
          <div className="row-gap chart-switch">
            <span className="muted small">By week and</span>
            <div className="btn-group" role="group" aria-label="Weekly rate by">
              <button type="button" className={`btn sm${cross === 'model_version' ? ' on' : ''}`} aria-pressed={cross === 'model_version'} onClick={() => setCross('model_version')}>model version</button>
              <button type="button" className={`btn sm${cross === 'feature' ? ' on' : ''}`} aria-pressed={cross === 'feature'} onClick={() => setCross('feature')}>feature</button>
            </div>
          </div>
          {weekly.data && <MetricChart title={`Tickets per 1,000 requests by week and ${cross === 'feature' ? 'feature' : 'model version'}`} unit="" labels={series.labels} series={series.series} zero testId="ticket-rate-weekly"
            note="through each ticket's linked request" />}
        </div>
      </div>
      {byVersion.data && (
        <div className="card">
          <table className="table compact" data-testid="ticket-rate-table">
            <thead><tr><th>Model version</th><th className="num">Tickets</th><th className="num">Requests</th><th className="num">Per 1,000</th><th>95% interval</th></tr></thead>
            <tbody>{byVersion.data.rows.map((r) => <tr key={r.group}><td>{r.group}</td><td className="num">{fmtInt(r.tickets)}</td><td className="num">{fmtInt(r.requests)}</td><td className="num">{f1(r.per_1000)}</td><td>{ci(r)}</td></tr>)}</tbody>
          </table>
          <p className="muted small">{byVersion.data.left_out.tickets > 0 && `${fmtInt(byVersion.data.left_out.tickets)} tickets left out: ${byVersion.data.left_out.reason}. `}Method: {byVersion.data.method}.</p>
        </div>
      )}
      {a && (
        <div className="ticket-cards">
          <Counts title="By tag" rows={a.by_tag} />
          <Counts title="By priority" rows={a.by_priority} />
          <Counts title="By channel" rows={a.by_channel} />
          <div className="card">
            <h3>How tickets were linked</h3>
            <table className="table compact"><tbody>
              {a.by_link_rule.map((r) => <tr key={r.rule}><td>{r.rule}</td><td className="num">{fmtInt(r.tickets)}</td></tr>)}
              <tr><td className="muted">not linked</td><td className="num">{fmtInt(a.tickets - a.linked)}</td></tr>
            </tbody></table>
          </div>
          <div className="card wide">
            <h3>Time to first response and to resolution, per week of creation</h3>
            <table className="table compact">
              <thead><tr><th>Week</th><th className="num">Tickets</th><th className="num">First response p50</th><th className="num">p90</th><th className="num">Resolution p50</th><th className="num">p90</th></tr></thead>
              <tbody>{a.times.map((w) => (
                <tr key={w.week}><td>{w.week}</td><td className="num">{fmtInt(w.tickets)}</td>
                  <td className="num">{hours(w.first_response_p50_h)}</td><td className="num">{hours(w.first_response_p90_h)}</td>
                  <td className="num">{hours(w.resolution_p50_h)}</td><td className="num">{hours(w.resolution_p90_h)}</td></tr>))}</tbody>
            </table>
            {a.times.length === 0 && <p className="muted small">No ticket could be placed in a week (see what is left out below).</p>}
            {a.times.length > 0 && a.times.every((w) => w.first_response_n === 0) && <p className="muted small">The tickets placed in a week carry no first-response time.</p>}
            {a.times_left_out.length > 0 && <p className="muted small" data-testid="ticket-times-left-out">Left out: {a.times_left_out.map((r) => `${fmtInt(r.tickets)} ${r.reason}`).join('; ')}.</p>}
          </div>
          <div className="card wide">
            <h3>Ticket rate per failure tag of reviewed requests</h3>
            {a.linked === 0 && a.by_failure_tag.length > 0 ? <p className="muted small" data-testid="failure-tag-rates-none">No ticket is linked to a request, so no reviewed request has a ticket: a rate per failure tag would read 0 for every tag. Import tickets that name their request (or share its user or conversation) to see these rates.</p>
              : a.by_failure_tag.length === 0 ? <p className="muted small">{reviewsNote ?? 'No reviewed request has a linked ticket or a failure tag yet.'}</p> : (
              <table className="table compact" data-testid="failure-tag-rates">
                <thead><tr><th>Tag</th><th className="num">Reviewed requests</th><th className="num">Tickets</th><th className="num">Per 1,000</th><th>95% interval</th></tr></thead>
                <tbody>{a.by_failure_tag.map((r) => <tr key={r.tag}><td>{r.tag}</td><td className="num">{fmtInt(r.reviewed_requests)}</td><td className="num">{fmtInt(r.tickets)}</td><td className="num">{f1(r.per_1000)}</td><td>{ci(r)}</td></tr>)}</tbody>
              </table>
            )}
          </div>
          {/* The notes below the cards; the one about reviews is said in its card above. */}
          {otherNotes.length > 0 && <div className="muted small">{otherNotes.map((n) => <p key={n}>{n}</p>)}</div>}
        </div>
      )}
    </div>
  );
}

function Counts({ title, rows }: { title: string; rows: Array<{ value: string; tickets: number; share: number }> }) {
  return (
    <div className="card">
      <h3>{title}</h3>
      <table className="table compact"><tbody>
        {rows.slice(0, 12).map((r) => <tr key={r.value}><td>{r.value}</td><td className="num">{fmtInt(r.tickets)}</td><td className="num muted">{(100 * r.share).toFixed(0)}%</td></tr>)}
      </tbody></table>
    </div>
  );
}
