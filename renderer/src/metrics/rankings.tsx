/**
 * Rankings of the Metrics screen (metrics.ranking): features by volume, cost, error rate and thumbs-down rate, and
 * users by cost and by volume with the cost per user, over the screen's range and filters. Each list ends with an
 * "(other)" row holding what it leaves out, so nothing is silently dropped. A row opens its records.
 */
import type { MetricDim, MetricsFilter, RankingRow } from '../../../shared/contract-metrics';
import { useApp, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtDate, fmtInt, fmtUsd } from '../format';
import { sliceFilter, useDrill } from '../monitoring/drill';
import { fmtPct } from './metrics-format';

const TABLES = ['requests', 'feedback'] as const;

type Measure = 'requests' | 'cost_usd' | 'error_rate' | 'thumbs_down_rate';

function List({ title, rows, measure, dim, range, filter, testId, empty = 'Nothing to rank.' }: {
  title: string; rows: RankingRow[]; measure: Measure; dim: MetricDim; range: { from: number; to: number } | null; filter: MetricsFilter; testId: string;
  /** What an empty list says. */
  empty?: string;
}) {
  const drill = useDrill();
  const { info } = useApp();
  const rangeLabel = range ? `${fmtDate(range.from, info.time_zone)} – ${fmtDate(range.to - 1, info.time_zone)}` : '';
  const val = (r: RankingRow) => (measure === 'requests' ? fmtInt(r.requests) : measure === 'cost_usd' ? (r.cost_per_request_usd === null ? '—' : fmtUsd(r.cost_usd))
    : measure === 'error_rate' ? `${fmtPct(r.error_rate)} (${fmtInt(r.errors)}/${fmtInt(r.with_status)})` : `${fmtPct(r.thumbs_down_rate)} (${fmtInt(r.thumbs_down)}/${fmtInt(r.thumbs)})`);
  return (
    <div className="ranking" data-testid={testId}>
      <h4>{title}</h4>
      {rows.length === 0 ? <p className="muted small">{empty}</p> : (
        <table className="table compact"><tbody>
          {rows.map((r) => {
            const other = r.key.startsWith('(other)');
            const open = () => {
              if (!range || other) return;
              const f = sliceFilter(filter, null);
              const value = r.key === '(none)' ? null : r.key;
              if (value === null) return;
              f[dim] = [value];
              drill.openRecords({ label: rangeLabel, from_ts: range.from, to_ts: range.to, filter: f });
            };
            return (
              <tr key={r.key} className={other ? 'muted' : undefined}>
                <td className="ellipsis">{other || !range || r.key === '(none)' ? r.key : <button type="button" className="btn link sm" onClick={open}>{r.key}</button>}</td>
                <td className="num nowrap">{val(r)}</td>
              </tr>
            );
          })}
        </tbody></table>
      )}
    </div>
  );
}

/** Features and users ranked over [from, to) with the screen's filter. */
export function Rankings({ from, to, filter }: { from: number | null; to: number | null; filter: MetricsFilter }) {
  const base = { filter, ...(from !== null ? { from_ts: from } : {}), ...(to !== null ? { to_ts: to } : {}) };
  const features = useStoreQuery('metrics.ranking', { ...base, dim: 'feature', top: 8 }, [...TABLES]);
  const users = useStoreQuery('metrics.ranking', { ...base, dim: 'user_id', top: 8 }, [...TABLES]);
  const range = from !== null && to !== null ? { from, to } : null;
  const f = features.data;
  const u = users.data;
  return (
    <section className="card rankings" aria-labelledby="rankings-title" data-testid="rankings">
      <div className="card-head"><h2 id="rankings-title">Features and users</h2>
        {u && <span className="muted small" data-testid="per-user-cost">{u.values === 0 ? 'No user ids in these requests' : `${fmtInt(u.values)} user${u.values === 1 ? '' : 's'}`}
          {u.cost_per_value.mean !== null && ` · cost per user: mean ${fmtUsd(u.cost_per_value.mean)}, median ${fmtUsd(u.cost_per_value.median)}`}</span>}</div>
      {(features.error ?? users.error) && <ErrorNote error={(features.error ?? users.error)!} />}
      {f && (
        <div className="ranking-grid">
          <List testId="rank-feature-volume" title="Features by volume" rows={f.by_volume} measure="requests" dim="feature" range={range} filter={filter} />
          <List testId="rank-feature-cost" title="Features by cost" rows={f.by_cost} measure="cost_usd" dim="feature" range={range} filter={filter} />
          <List testId="rank-feature-errors" title={`Features by error rate (those with ≥ ${f.min_for_rates} requests)`} rows={f.by_error_rate} measure="error_rate" dim="feature" range={range} filter={filter} />
          <List testId="rank-feature-thumbs" title={`Features by thumbs-down (those with ≥ ${f.min_for_rates} thumbs)`} rows={f.by_thumbs_down} measure="thumbs_down_rate" dim="feature" range={range} filter={filter}
            empty="No thumbs from users on these requests." />
        </div>
      )}
      {f && f.automated_thumbs > 0 && (
        <p className="muted small" data-testid="rank-automated">{`${fmtInt(f.automated_thumbs)} thumb${f.automated_thumbs === 1 ? '' : 's'} from automated evaluators (LLM judges, scoring rules) on these requests ${f.automated_thumbs === 1 ? 'is' : 'are'} in no thumbs-down rate: ${f.automated_thumbs === 1 ? 'it is' : 'they are'} no user's vote.`}</p>
      )}
      {u && (
        <div className="ranking-grid two">
          <List testId="rank-user-cost" title="Top users by cost" rows={u.by_cost} measure="cost_usd" dim="user_id" range={range} filter={filter} />
          <List testId="rank-user-volume" title="Top users by volume" rows={u.by_volume} measure="requests" dim="user_id" range={range} filter={filter} />
        </div>
      )}
    </section>
  );
}
