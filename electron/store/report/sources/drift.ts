/**
 * Adapter for the report's drift section: `metrics.drift` (KS test and PSI for numeric columns, chi-square test and
 * PSI for categorical ones, Benjamini–Hochberg within each comparison) of the week against the four weeks before
 * it, per feature. Only flagged rows are kept: rejected after BH, or PSI above the threshold.
 *
 * Merge note (monitoring work, issue 12): if drift findings get their own store (electron/store/alerts/ or
 * metrics/), point {@link driftSection} at it.
 */
import { LoupeError } from '../../../../shared/errors';
import { benjaminiHochberg } from '../../../../shared/stats';
import type { MetricsDrift } from '../../../../shared/contract-metrics';
import { metricsDrift } from '../../metrics/drift';
import type { ReportContext } from '../context';
import type { DriftWeek, Section } from '../model';

/** Most features compared one by one (the busiest of the week). */
export const MAX_FEATURES = 8;

/**
 * The drift section of the report's week. The whole traffic is compared when the week has at most one feature;
 * otherwise each feature is (a drift confined to one feature is diluted in the whole traffic, and the features
 * together read the same rows once). Benjamini–Hochberg runs across every test of every feature at once, so testing
 * several features does not inflate false findings. A flagged row is marked `new_this_week` unless last week's own
 * comparison (last week against the four weeks before it) flagged the same column: then the change is ongoing.
 * @returns `available: false` with the reason when the week or its reference weeks have no requests
 */
export function driftSection(ctx: ReportContext): Section<DriftWeek> {
  const db = ctx.ws.db;
  const alpha = 0.05;
  const features = db.all<{ f: string }>('SELECT feature AS f, count(*) AS n FROM requests WHERE ts >= ? AND ts < ? AND feature IS NOT NULL GROUP BY feature ORDER BY n DESC, feature LIMIT ?',
    [ctx.from_ts, ctx.to_ts, MAX_FEATURES]).map((r) => r.f);
  const scopes: Array<string | undefined> = features.length > 1 ? features : [undefined];
  const runs: Array<{ scope: string; feature: string | undefined; d: MetricsDrift }> = [];
  try {
    for (const f of scopes) runs.push({ scope: f ?? 'all traffic', feature: f, d: metricsDrift(db, ctx.zone, { current: { week: ctx.week }, ...(f ? { feature: f } : {}), alpha }, ctx.thresholds, ctx.now) });
  } catch (e) {
    if (e instanceof LoupeError && e.code === 'BAD_REQUEST') return { available: false, reason: `No drift comparison: ${e.message}` };
    throw e;
  }
  const first = runs[0]!.d;
  const current = runs.reduce((n, r) => n + r.d.current.requests, 0);
  const reference = runs.reduce((n, r) => n + r.d.reference.requests, 0);
  if (current === 0) return { available: false, reason: `No requests in ${ctx.week} to compare.` };
  if (reference === 0) return { available: false, reason: `No requests in the four weeks before ${ctx.week} (${first.reference.label}) to compare with.` };
  // One Benjamini–Hochberg across all features' tests (each run's own BH only controls within that feature).
  const tested = runs.flatMap((r) => r.d.rows.filter((x) => !x.insufficient && x.p_value !== null && !(r.feature && x.column === 'feature')));
  const bh = benjaminiHochberg(tested.map((x) => x.p_value!), alpha);
  tested.forEach((x, i) => { x.p_adjusted = bh.adjusted[i]!; x.rejected = bh.rejected[i]!; });
  const findings: DriftWeek['findings'] = [];
  for (const { scope, feature, d } of runs) {
    const flagged = d.rows.filter((r) => (r.rejected || r.psi_flag) && !(feature && r.column === 'feature'));
    if (flagged.length === 0) continue;
    // Last week's own comparison (last week against the four weeks before it): a row it flagged too is ongoing.
    const lastWeek = metricsDrift(db, ctx.zone, { current: { week: ctx.previous.week }, ...(feature ? { feature } : {}), alpha }, ctx.thresholds, ctx.now);
    for (const r of flagged) {
      const lw = lastWeek.rows.find((x) => x.column === r.column);
      findings.push({
        scope, column: r.column, test: r.test, statistic: r.statistic, p_adjusted: r.p_adjusted, psi: r.psi, rejected: r.rejected, psi_flag: r.psi_flag,
        mean_reference: r.mean_reference, mean_current: r.mean_current, shares: r.shares,
        new_this_week: lw ? !(lw.rejected || lw.psi_flag) : null,
      });
    }
  }
  return {
    available: true,
    data: {
      reference: { label: first.reference.label, from_ts: first.reference.from_ts, to_ts: first.reference.to_ts, requests: reference },
      current: { label: first.current.label, requests: current },
      findings,
      scopes: runs.map(({ scope, d }) => ({
        scope, tested: d.rows.filter((r) => !r.insufficient && r.p_value !== null).length, flagged: d.rows.filter((r) => r.rejected || r.psi_flag).length,
        requests_reference: d.reference.requests, requests_current: d.current.requests,
      })),
      alpha,
      method: `KS test (numeric columns) and chi-square test (categorical) of ${first.current.label} against ${first.reference.label}${features.length > 1 ? ', per feature' : ''}, Benjamini–Hochberg at ${alpha} across all ${tested.length} tests; PSI above ${ctx.thresholds.psi_max} flagged as guidance; "new" unless ${ctx.previous.week}'s own comparison flagged the same column`,
    },
  };
}
