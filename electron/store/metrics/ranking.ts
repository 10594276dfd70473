/**
 * `metrics.ranking`: the values of one request dimension (features, users, regions, model versions, …) ranked by
 * volume, cost, error rate and thumbs-down rate over a range, each list with an "(other)" row summing what it leaves
 * out, plus the cost per value (per-user cost for the user dimension). Two GROUP BY queries; the ranking is in JS.
 */
import type { MetricDim, MetricsFilter, MetricsRanking, RankingRow } from '../../../shared/contract-metrics';
import type { Db } from '../db';
import { filterSql } from './common';
import { statusKnownSql } from '../summaries/build';
import { byUserSql } from '../feedback/automated';

export interface RankingInput { from_ts?: number | undefined; to_ts?: number | undefined; filter: MetricsFilter; dim: MetricDim; top: number }

/**
 * Rates are ranked only among values with at least this many requests with a status or an error (error rate) or
 * thumbs (thumbs-down rate).
 */
export const MIN_FOR_RATES = 20;
const OTHER = '(other)';

function row(key: string): RankingRow {
  return { key, requests: 0, errors: 0, with_status: 0, error_rate: null, cost_usd: 0, cost_per_request_usd: null, thumbs: 0, thumbs_down: 0, thumbs_down_rate: null, users: 0 };
}

function finish(r: RankingRow & { cost_n?: number }): RankingRow {
  const { cost_n: costN, ...rest } = r;
  return {
    ...rest,
    error_rate: r.with_status > 0 ? r.errors / r.with_status : null,
    cost_per_request_usd: costN ? r.cost_usd / costN : null,
    thumbs_down_rate: r.thumbs > 0 ? r.thumbs_down / r.thumbs : null,
  };
}

function sum(key: string, rows: ReadonlyArray<RankingRow & { cost_n: number }>): RankingRow & { cost_n: number } {
  const o = { ...row(key), cost_n: 0 };
  for (const r of rows) {
    o.requests += r.requests; o.errors += r.errors; o.with_status += r.with_status; o.cost_usd += r.cost_usd; o.cost_n += r.cost_n;
    o.thumbs += r.thumbs; o.thumbs_down += r.thumbs_down; o.users += r.users;
  }
  return o;
}

/**
 * Ranks a dimension's values.
 * @param db the workspace database
 * @param q range (UTC ms, half-open by request time; without one, every request, dated or not), filter, dimension,
 *   rows per list
 * @returns the lists (each ends with an "(other)" row when values were left out; in the thumbs-down list only values
 *   with a users' thumb count, so it is empty when no request in range has one), totals, the thumbs from automated
 *   evaluators left out of the thumbs-down rates (`automated_thumbs`), the number of values
 *   ("(none)", requests without one, not counted) and the mean and median cost per value that has a cost; `users` of "(other)" and the total add up per value, so a user active in two values counts twice
 */
export function metricsRanking(db: Db, q: RankingInput): MetricsRanking {
  const t0 = performance.now();
  const f = filterSql(q.filter);
  const where = `1 = 1${q.from_ts !== undefined ? ' AND r.ts >= ?' : ''}${q.to_ts !== undefined ? ' AND r.ts < ?' : ''}${f.sql}`;
  const params = [...(q.from_ts !== undefined ? [q.from_ts] : []), ...(q.to_ts !== undefined ? [q.to_ts] : []), ...f.params];
  const users = q.dim === 'user_id' ? '0' : 'count(DISTINCT r.user_id)';
  const byKey = new Map<string, RankingRow & { cost_n: number }>();
  for (const r of db.all<{ k: string | null; n: number; e: number | null; sn: number | null; c: number | null; cn: number; u: number }>(
    `SELECT r.${q.dim} AS k, count(*) AS n, sum(r.is_error) AS e, sum(${statusKnownSql('r.')}) AS sn, sum(r.cost_usd) AS c, count(r.cost_usd) AS cn, ${users} AS u
       FROM requests r WHERE ${where} GROUP BY k`, params)) {
    byKey.set(r.k ?? '(none)', { ...row(r.k ?? '(none)'), requests: r.n, errors: r.e ?? 0, with_status: r.sn ?? 0, cost_usd: r.c ?? 0, cost_n: r.cn, users: r.u });
  }
  // Users' thumbs only; evaluators' thumbs (feedback/automated.ts) are counted apart so the screen can say so.
  let automated = 0;
  for (const r of db.all<{ k: string | null; t: number; d: number; a: number }>(
    `SELECT r.${q.dim} AS k, sum(${byUserSql()}) AS t, sum(f.value <= 0 AND ${byUserSql()}) AS d, sum(NOT ${byUserSql()}) AS a
       FROM feedback f JOIN requests r ON r.id = f.request_id
      WHERE f.kind = 'thumb' AND f.value IS NOT NULL AND ${where} GROUP BY k`, params)) {
    automated += r.a;
    const x = byKey.get(r.k ?? '(none)');
    if (x) { x.thumbs = r.t; x.thumbs_down = r.d; }
  }
  const all = [...byKey.values()];
  // The "(other)" row of a rate list sums the values left out that have the rate's denominator: a value without a
  // thumb has no thumbs-down rate, so with no thumbs at all the thumbs-down list is empty (not an "(other)" of 0/0).
  const list = (sorted: Array<RankingRow & { cost_n: number }>, rated: (r: RankingRow) => boolean = () => true): RankingRow[] => {
    const shown = sorted.slice(0, q.top);
    const rest = all.filter((r) => !shown.includes(r) && rated(r));
    return [...shown.map(finish), ...(rest.length ? [finish(sum(`${OTHER} (${rest.length})`, rest))] : [])];
  };
  const rate = (r: RankingRow) => r.errors / Math.max(1, r.with_status);
  const downRate = (r: RankingRow) => r.thumbs_down / Math.max(1, r.thumbs);
  // Per-value cost over the values that have a cost, "(none)" left out (requests without the dimension are no value).
  const costs = all.filter((r) => r.cost_n > 0 && r.key !== '(none)').map((r) => r.cost_usd).sort((a, b) => a - b);
  const mid = costs.length >> 1;
  return {
    dim: q.dim, from_ts: q.from_ts ?? null, to_ts: q.to_ts ?? null, values: all.filter((r) => r.key !== '(none)').length,
    total: finish(sum('total', all)),
    by_volume: list([...all].sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key))),
    by_cost: list([...all].sort((a, b) => b.cost_usd - a.cost_usd || a.key.localeCompare(b.key))),
    by_error_rate: list(all.filter((r) => r.with_status >= MIN_FOR_RATES).sort((a, b) => rate(b) - rate(a) || b.requests - a.requests), (r) => r.with_status > 0),
    by_thumbs_down: list(all.filter((r) => r.thumbs >= MIN_FOR_RATES).sort((a, b) => downRate(b) - downRate(a) || b.thumbs - a.thumbs), (r) => r.thumbs > 0),
    cost_per_value: {
      mean: costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : null,
      median: costs.length ? (costs.length % 2 ? costs[mid]! : (costs[mid - 1]! + costs[mid]!) / 2) : null,
    },
    min_for_rates: MIN_FOR_RATES,
    automated_thumbs: automated,
    elapsed_ms: performance.now() - t0,
  };
}
