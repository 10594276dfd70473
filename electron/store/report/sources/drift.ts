/**
 * Adapter for the report's drift section: the tests of `metrics.drift` (KS test and PSI for numeric columns,
 * chi-square test and PSI for categorical ones; electron/store/metrics/drift.ts builds every row) of the week
 * against the four weeks before it, per feature (a drift confined to one feature, such as one feature's language
 * mix, is diluted in the whole traffic; the whole traffic is compared when the week has one feature or none).
 * Benjamini–Hochberg runs across every test of every feature at once, so testing several features does not inflate
 * false findings. A flagged row is marked `new_this_week` unless last week's own comparison (last week against the
 * four weeks before it) flagged the same column: then the change is ongoing.
 *
 * Speed: the six weeks involved are read from SQLite once and split by week and feature in memory, instead of one
 * scan of five weeks per feature and comparison (on 1M requests that is one pass over ~500k rows instead of ~12).
 *
 * Each row is built by the Metrics screen's own functions (numericRow / categoricalRow of ../../metrics/drift.ts, which
 * the Metrics drift table and the review panel's drift flags also use), and PSI is flagged above the workspace's
 * `psi_max` (the alert settings). Requests without a timestamp are in neither window; they are counted and said.
 */
import { DateTime } from 'luxon';
import { benjaminiHochberg } from '../../../../shared/stats';
import type { DriftColumn, DriftRow } from '../../../../shared/contract-metrics';
import { CATEGORICAL_COLUMNS, DEFAULT_REFERENCE_WEEKS, NUMERIC_COLUMNS, categoricalRow, numericRow } from '../../metrics/drift';
import { isoWeekLabel } from '../../metrics/common';
import type { ReportContext } from '../context';
import type { DriftWeek, Section } from '../model';

/** Most features compared one by one (the busiest of the week). */
export const MAX_FEATURES = 8;

type Values = Record<DriftColumn, Array<number | string>>;
const COLS = [...NUMERIC_COLUMNS, ...CATEGORICAL_COLUMNS];
const empty = (): Values => Object.fromEntries(COLS.map((c) => [c, []])) as unknown as Values;

/** Rows of one comparison, from the values of its two windows (all columns, or only `only`). */
function compare(ref: Values, cur: Values, only?: ReadonlySet<DriftColumn>): DriftRow[] {
  return [
    // Every request pushes one value to each categorical column, so their length is the window's request count.
    ...NUMERIC_COLUMNS.filter((c) => !only || only.has(c)).map((c) => numericRow(c, ref[c] as number[], cur[c] as number[], { reference: ref.status.length, current: cur.status.length })),
    ...CATEGORICAL_COLUMNS.filter((c) => !only || only.has(c)).map((c) => categoricalRow(c, ref[c] as string[], cur[c] as string[])),
  ];
}

/** Concatenates several weeks' values. */
function join(parts: Values[]): Values {
  const out = empty();
  for (const p of parts) for (const c of COLS) for (const v of p[c]) out[c].push(v);
  return out;
}

/**
 * The drift section of the report's week.
 * @returns `available: false` with the reason when the week or its reference weeks have no requests
 */
export function driftSection(ctx: ReportContext): Section<DriftWeek> {
  const db = ctx.ws.db;
  const alpha = 0.05;
  const start = DateTime.fromMillis(ctx.from_ts, { zone: ctx.zone });
  // Weeks −5 … 0 (0 is the report's week): this week against −4…−1, last week against −5…−2.
  const bounds = Array.from({ length: DEFAULT_REFERENCE_WEEKS + 3 }, (_, i) => start.plus({ weeks: i - DEFAULT_REFERENCE_WEEKS - 1 }).toMillis());
  const features = db.all<{ f: string }>('SELECT feature AS f, count(*) AS n FROM requests WHERE ts >= ? AND ts < ? AND feature IS NOT NULL GROUP BY feature ORDER BY n DESC, feature LIMIT ?',
    [ctx.from_ts, ctx.to_ts, MAX_FEATURES]).map((r) => r.f);
  const perFeature = features.length > 1;
  const scopes = perFeature ? features : ['all traffic'];
  // values[scope][week index 0..5] (week index 5 is the report's week)
  const values = new Map(scopes.map((s) => [s, Array.from({ length: bounds.length - 1 }, empty)]));
  const counts = new Map(scopes.map((s) => [s, new Array<number>(bounds.length - 1).fill(0)]));
  // Requests of the compared weeks outside every scope (no feature, or a feature beyond the MAX_FEATURES busiest):
  // in no comparison, so counted per week and said.
  const outside = new Array<number>(bounds.length - 1).fill(0);
  const st = db.stmt(`SELECT ts, feature, ${COLS.join(', ')} FROM requests WHERE ts >= ? AND ts < ?`);
  try {
    st.bind([bounds[0]!, bounds[bounds.length - 1]!]);
    while (st.step()) {
      const row = st.get();
      const ts = row[0] as number;
      let w = 0;
      while (w < bounds.length - 2 && ts >= bounds[w + 1]!) w++;
      const scope = perFeature ? (row[1] as string | null) : 'all traffic';
      const v = scope === null ? undefined : values.get(scope)?.[w];
      if (!v) { outside[w]!++; continue; }
      counts.get(scope!)![w]!++;
      for (let i = 0; i < NUMERIC_COLUMNS.length; i++) {
        const x = row[2 + i];
        if (typeof x === 'number' && Number.isFinite(x)) v[NUMERIC_COLUMNS[i]!].push(x);
      }
      for (let i = 0; i < CATEGORICAL_COLUMNS.length; i++) {
        const x = row[2 + NUMERIC_COLUMNS.length + i];
        // A missing language / version is a category of its own: a sudden rise of unknowns is drift too.
        v[CATEGORICAL_COLUMNS[i]!].push(x === null || x === undefined || x === '' ? '(none)' : String(x));
      }
    }
  } finally {
    st.reset();
  }
  const undated = db.value<number>('SELECT count(*) FROM requests WHERE ts IS NULL') ?? 0;
  const last = bounds.length - 2;
  const refLabel = `${isoWeekLabel(bounds[1]!, ctx.zone)} – ${isoWeekLabel(bounds[last - 1]!, ctx.zone)}`;
  const current = [...counts.values()].reduce((n, c) => n + c[last]!, 0);
  const reference = [...counts.values()].reduce((n, c) => n + c.slice(1, last).reduce((a, b) => a + b, 0), 0);
  if (current === 0) return { available: false, reason: `No requests in ${ctx.week} to compare.` };
  if (reference === 0) return { available: false, reason: `No requests in the four weeks before ${ctx.week} (${refLabel}) to compare with.` };
  const runs = scopes.map((scope) => {
    const v = values.get(scope)!;
    const rows = compare(join(v.slice(1, last)), v[last]!).filter((r) => !(perFeature && r.column === 'feature'));
    return { scope, rows, v, c: counts.get(scope)! };
  });
  // One Benjamini–Hochberg across all features' tests.
  const tested = runs.flatMap((r) => r.rows.filter((x) => !x.insufficient && x.p_value !== null));
  const bh = benjaminiHochberg(tested.map((x) => x.p_value!), alpha);
  tested.forEach((x, i) => { x.p_adjusted = bh.adjusted[i]!; x.rejected = bh.rejected[i]!; });
  for (const r of runs) for (const x of r.rows) x.psi_flag = x.psi !== null && x.psi > ctx.psi_max;
  const findings: DriftWeek['findings'] = [];
  for (const { scope, rows, v } of runs) {
    const flagged = rows.filter((r) => r.rejected || r.psi_flag);
    if (flagged.length === 0) continue;
    // Last week's own comparison (its own Benjamini–Hochberg, as its own report would have run it).
    // Only this week's flagged columns are recomputed for last week. Adjusting among fewer tests rejects at least as
    // many, so a change is called "new" only when last week's comparison clearly did not find it.
    const lw = compare(join(v.slice(0, last - 1)), v[last - 1]!, new Set(flagged.map((r) => r.column)));
    const lwTested = lw.filter((x) => !x.insufficient && x.p_value !== null);
    const lwBh = benjaminiHochberg(lwTested.map((x) => x.p_value!), alpha);
    lwTested.forEach((x, i) => { x.rejected = lwBh.rejected[i]!; });
    for (const x of lw) x.psi_flag = x.psi !== null && x.psi > ctx.psi_max;
    flagged.sort((a, b) => Number(b.rejected) - Number(a.rejected) || (a.p_adjusted ?? 2) - (b.p_adjusted ?? 2));
    for (const r of flagged) {
      const before = lw.find((x) => x.column === r.column);
      findings.push({
        scope, column: r.column, test: r.test, statistic: r.statistic, p_adjusted: r.p_adjusted, psi: r.psi, rejected: r.rejected, psi_flag: r.psi_flag,
        mean_reference: r.mean_reference, mean_current: r.mean_current, shares: r.shares,
        n_without_value: { reference: r.n_without_value_reference, current: r.n_without_value_current },
        new_this_week: before ? !(before.rejected || before.psi_flag) : null,
      });
    }
  }
  return {
    available: true,
    data: {
      reference: { label: refLabel, from_ts: bounds[1]!, to_ts: bounds[last]!, requests: reference },
      current: { label: ctx.week, requests: current },
      findings,
      scopes: runs.map(({ scope, rows, c }) => ({
        scope, tested: rows.filter((r) => !r.insufficient && r.p_value !== null).length, flagged: rows.filter((r) => r.rejected || r.psi_flag).length,
        requests_reference: c.slice(1, last).reduce((a, b) => a + b, 0), requests_current: c[last]!,
      })),
      alpha,
      undated_requests: undated,
      not_compared: {
        reference: outside.slice(1, last).reduce((a, b) => a + b, 0), current: outside[last]!,
        reason: `requests without a feature or of a feature beyond the ${MAX_FEATURES} busiest of the week: in no per-feature comparison`,
      },
      method: `KS test (numeric columns) and chi-square test (categorical) of ${ctx.week} against ${refLabel}${perFeature ? ', per feature' : ''}, Benjamini–Hochberg at ${alpha} across all ${tested.length} tests; PSI above ${ctx.psi_max} flagged as guidance; "new" unless ${ctx.previous.week}'s own comparison flagged the same column`,
    },
  };
}
