/**
 * Adapter for the report's metrics section: volume, error rate, p50/p95/p99 latency, tokens and cost of the week
 * and the week before, per feature, the top features and users by cost, and the weekly trend the charts draw.
 * Reads `metrics.series` (../metrics/series.ts) and `metrics.ranking` (../metrics/ranking.ts), the Metrics screen's
 * own numbers, plus the token totals they do not carry.
 */
import type { MetricsBucket } from '../../../../shared/contract-metrics';
import { countChange, wilsonShare } from '../compare';
import type { ReportContext } from '../context';
import type { MetricsWeek, Section } from '../model';
import { metricsRanking } from '../../metrics/ranking';
import { bucketOf, weeklySeries } from './series';

const TOP = 5;

const latency = (b: MetricsBucket | null) => (b ? { ...b.latency } : { p50: null, p95: null, p99: null, n: 0 });

/**
 * The metrics section of the report's week.
 * @returns `available: false` with the reason when the week has no requests
 */
export function metricsSection(ctx: ReportContext): Section<MetricsWeek> {
  const s = weeklySeries(ctx);
  const cur = bucketOf(s, ctx.week);
  const prev = bucketOf(s, ctx.previous.week);
  if (!cur || cur.requests === 0) return { available: false, reason: `No requests in ${ctx.week}.` };
  const db = ctx.ws.db;
  const totals = db.get<{ ti: number | null; tout: number | null }>('SELECT sum(tokens_in) AS ti, sum(tokens_out) AS tout FROM requests WHERE ts >= ? AND ts < ?', [ctx.from_ts, ctx.to_ts])!;
  // The Metrics screen's rankings of the week; its "(other)" row is not a feature or user, and a value without cost is no top spender.
  const byCost = (dim: 'feature' | 'user_id') => metricsRanking(db, { from_ts: ctx.from_ts, to_ts: ctx.to_ts, filter: {}, dim, top: TOP }).by_cost
    .filter((r) => !r.key.startsWith('(other)') && r.cost_usd > 0);
  const groups = s.breakdown?.groups ?? [];
  const byFeature = groups.map((g) => {
    const p = g.points.find((x) => x.label === ctx.week);
    const q = g.points.find((x) => x.label === ctx.previous.week);
    return {
      feature: g.key, requests: p?.requests ?? 0, errors: p?.errors ?? 0, with_status: p?.with_status ?? 0, error_rate: p?.error_rate ?? null, p95_ms: p?.p95_ms ?? null,
      last_week: { requests: q?.requests ?? 0, errors: q?.errors ?? 0, with_status: q?.with_status ?? 0, error_rate: q?.error_rate ?? null, p95_ms: q?.p95_ms ?? null },
      error_change: p && q ? countChange(p.errors, p.with_status, q.errors, q.with_status) : null,
    };
  }).filter((f) => f.requests > 0 || f.last_week.requests > 0).sort((a, b) => b.requests - a.requests || a.feature.localeCompare(b.feature));
  return {
    available: true,
    data: {
      requests: cur.requests,
      last_week_requests: prev?.requests ?? 0,
      // Error rates over the requests with a status or an error (MetricsBucket.error_rate.n): one with neither is no success.
      error_rate: wilsonShare(cur.errors, cur.error_rate.n),
      last_week_error_rate: wilsonShare(prev?.errors ?? 0, prev?.error_rate.n ?? 0),
      error_change: prev ? countChange(cur.errors, cur.error_rate.n, prev.errors, prev.error_rate.n) : null,
      latency: latency(cur),
      last_week_latency: latency(prev),
      tokens: { in_mean: cur.tokens_in_mean, out_mean: cur.tokens_out_mean, in_total: totals.ti ?? 0, out_total: totals.tout ?? 0, in_n: cur.tokens_in_n, out_n: cur.tokens_out_n },
      cost: { total_usd: cur.cost_total_usd, mean_usd: cur.cost_mean_usd, with_cost: cur.cost_n, last_week_total_usd: prev?.cost_total_usd ?? null },
      by_feature: byFeature,
      top_features_by_cost: byCost('feature').map((r) => ({ feature: r.key, cost_usd: r.cost_usd, requests: r.requests })),
      top_users_by_cost: byCost('user_id').map((r) => ({ user_id: r.key, cost_usd: r.cost_usd, requests: r.requests })),
      // Weeks before the workspace's first request are left out of the trend.
      trend: s.buckets.slice(Math.max(0, s.buckets.findIndex((b) => b.requests > 0))).map((b) => ({
        week: b.label, requests: b.requests, with_status: b.error_rate.n, error_rate: b.error_rate.rate, error_low: b.error_rate.low, error_high: b.error_rate.high,
        p50: b.latency.p50, p95: b.latency.p95, p99: b.latency.p99, cost_usd: b.cost_total_usd,
        thumbs_up_rate: b.thumbs.rate, thumbs_low: b.thumbs.low, thumbs_high: b.thumbs.high, thumbs_n: b.thumbs.n,
      })),
      // Said as computed: a week of more than 100 latencies is read from the summaries' DDSketch (±1%), as on Metrics.
      quantile_method: cur.latency.method === 'sketch'
        ? `from the hourly summaries' DDSketch, within ±${+(cur.latency.relative_error * 100).toFixed(2)}% of the exact type-7 value (linear interpolation at (n − 1)p), over every request with a latency (errors included)`
        : 'linear interpolation at (n − 1)p (R type 7), exact, over every request with a latency (errors included)',
    },
  };
}
