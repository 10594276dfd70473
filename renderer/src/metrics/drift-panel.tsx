/**
 * The drift table of the Metrics screen: the current window (default: the latest complete ISO week) against a
 * reference (default: the four weeks before it), per column a KS or chi-square test, its Benjamini–Hochberg adjusted
 * p-value, and PSI with its guidance band. Flagged rows (rejected at the FDR level, or PSI above the threshold)
 * come first, as the store sorts them. A row opens the two distributions side by side (a histogram over the
 * reference's PSI bins for numbers, bars for categories) with the test's figures, and the records of the current
 * window.
 */
import { Fragment, useState } from 'react';
import type { DriftRow, MetricsDrift, MetricsDriftParams } from '../../../shared/contract-metrics';
import { ErrorNote } from '../controls';
import { fmtInt } from '../format';
import { useDrill } from '../monitoring/drill';
import { DistributionChart } from './charts';
import { COLUMN_LABEL, COLUMN_UNIT, fmtMean, fmtP, fmtPct, fmtStat } from './metrics-format';
import { useStoreQuery } from '../app-context';

/** The week before `week` in the list of weeks with data, or null. */
function previous(weeks: string[], week: string): string | null {
  const i = weeks.indexOf(week);
  return i > 0 ? weeks[i - 1]! : null;
}

export function DriftPanel({ weeks, features, psiMax }: { weeks: string[]; features: string[]; psiMax: number }) {
  const [current, setCurrent] = useState('');
  const [reference, setReference] = useState<'four' | 'one'>('four');
  const [feature, setFeature] = useState('');
  const prev = current ? previous(weeks, current) : null;
  const params: MetricsDriftParams = {
    ...(current ? { current: { week: current } } : {}),
    ...(reference === 'one' && current && prev ? { reference: { week: prev } } : {}),
    ...(feature ? { feature } : {}),
  };
  const q = useStoreQuery('metrics.drift', params, ['requests', 'meta']);
  const [openRow, setOpenRow] = useState<string | null>(null);
  const d = q.data;
  const flagged = d?.rows.filter((r) => r.rejected || r.psi_flag).length ?? 0;
  // The sketch-binning note is one sentence for the table (the rows that carry it say so with a short mark).
  const approx = d?.rows.find((r) => r.approximation)?.approximation?.replace(/[.;\s]+$/, '');
  return (
    <section className="card drift" aria-labelledby="drift-title" data-testid="drift">
      <div className="card-head">
        <h2 id="drift-title">Drift {d && <span className="muted small drift-windows" data-testid="drift-windows">{d.current.label} ({fmtInt(d.current.requests)} req) vs {d.reference.label} ({fmtInt(d.reference.requests)} req)</span>}</h2>
        <div className="drift-controls">
          <label className="inline-label">Current week
            <select value={current} onChange={(e) => setCurrent(e.target.value)} aria-label="Current week">
              <option value="">Latest complete</option>
              {[...weeks].reverse().map((w) => <option key={w} value={w}>{w}</option>)}
            </select>
          </label>
          <label className="inline-label">Reference
            <select value={reference} onChange={(e) => setReference(e.target.value as 'four' | 'one')} aria-label="Reference window">
              <option value="four">4 weeks before</option>
              <option value="one" disabled={!current || !prev}>week before</option>
            </select>
          </label>
          <label className="inline-label">Feature
            <select value={feature} onChange={(e) => setFeature(e.target.value)} aria-label="Drift feature">
              <option value="">All</option>
              {features.map((f) => <option key={f} value={f}>{f}</option>)}
            </select>
          </label>
        </div>
      </div>
      {q.error && <ErrorNote error={q.error} />}
      {d && (
        <>
          <p className="muted small drift-legend">
            {flagged} of {d.rows.length} flagged. KS test for numbers, chi-square test of homogeneity for categories; p adjusted by
            Benjamini–Hochberg across this comparison, rejected at {d.alpha}. Rows with fewer than {d.min_per_side} values on a side get no verdict.
            PSI uses bins fixed on the reference; its bands (&lt; 0.1 stable, ≤ 0.25 moderate, above large) are guidance only.
            {approx && <span data-testid="drift-approximation-legend"> Rows marked ≈ sketch bins: {approx}.</span>}
            {d.undated_requests > 0 && <span data-testid="drift-undated"> {fmtInt(d.undated_requests)} request{d.undated_requests === 1 ? '' : 's'} without a timestamp {d.undated_requests === 1 ? 'is' : 'are'} in neither window.</span>}
          </p>
          <div className="table-scroll tall">
            <table className="table compact drift-table" data-testid="drift-table">
              <thead>
                <tr>
                  <th>Column</th><th>Test</th><th className="num">n ref / cur</th><th>Reference → current</th>
                  <th className="num">Adj. p</th><th className="num">PSI</th><th>Verdict</th>
                </tr>
              </thead>
              <tbody>{d.rows.map((r) => (
                <Fragment key={r.column}>
                  <DriftTableRow r={r} psiMax={psiMax} open={openRow === r.column} onToggle={() => setOpenRow(openRow === r.column ? null : r.column)} />
                  {openRow === r.column && <tr className="sub-row"><td colSpan={7}><Distributions r={r} d={d} /></td></tr>}
                </Fragment>
              ))}</tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Shares({ r, side }: { r: DriftRow; side: 'reference' | 'current' }) {
  if (r.kind === 'numeric') return <>{fmtMean(side === 'reference' ? r.mean_reference : r.mean_current, r.column)} <span className="muted">mean</span></>;
  const top = (r.shares ?? []).slice(0, 3);
  return <span className="drift-shares">{top.map((s) => `${s.category} ${fmtPct(side === 'reference' ? s.reference : s.current)}`).join(' · ')}</span>;
}

function DriftTableRow({ r, psiMax, open, onToggle }: { r: DriftRow; psiMax: number; open: boolean; onToggle: () => void }) {
  const verdict = r.insufficient ? 'no verdict' : r.rejected ? 'drift' : 'no evidence';
  const only = r.single_window.map((s) => `${s.category} only in ${s.window} (${s.count})`).join('; ');
  return (
    <tr className={`${r.rejected || r.psi_flag ? 'flagged ' : ''}clickable`} data-testid="drift-row" data-column={r.column} data-flagged={r.rejected || r.psi_flag ? 'true' : 'false'}
      onClick={onToggle} aria-expanded={open}>
      <td><button type="button" className="btn link sm drift-open" aria-expanded={open} onClick={(e) => { e.stopPropagation(); onToggle(); }}>{open ? '▾' : '▸'} <strong>{COLUMN_LABEL[r.column]}</strong></button></td>
      <td className="nowrap">{r.test === 'ks' ? `KS${r.method ? ` (${r.method})` : ''}` : `χ²${r.dof !== null ? ` (dof ${r.dof})` : ''}`}</td>
      <td className="num nowrap">{fmtInt(r.n_reference)} / {fmtInt(r.n_current)}{r.n_without_value_reference + r.n_without_value_current > 0 && (
        <div className="muted small drift-without-value" data-testid="drift-without-value" title="requests without a value in this column, left out of the test and PSI">+{fmtInt(r.n_without_value_reference)} / +{fmtInt(r.n_without_value_current)} no value</div>)}</td>
      <td className="wrap"><Shares r={r} side="reference" /> <span className="muted">→</span> <Shares r={r} side="current" />{only && <div className="muted small">{only}</div>}</td>
      <td className="num nowrap"><strong>{fmtP(r.p_adjusted)}</strong></td>
      <td className="num nowrap">{fmtStat(r.psi)} {r.psi_band && <span className={`badge${r.psi_band === 'large' ? ' warn' : ''}`} title={`guidance only; marked above ${psiMax}`}>{r.psi_band}</span>}</td>
      <td className="verdict">
        <span className={`badge${r.rejected ? ' bad' : r.insufficient ? '' : ' ok'}`}>{verdict}</span>
        {r.note && <div className="muted small">{r.note}</div>}
        {r.approximation && <div className="muted small" data-testid="drift-approximation" title={r.approximation}>≈ sketch bins</div>}
      </td>
    </tr>
  );
}

/** Bin labels of a numeric histogram: "≤ 120", "120–250", …, "> 900", "< 0", "= 0" (a tied value's own bin) in the column's unit. */
function binLabels(r: DriftRow): string[] {
  const h = r.histogram!;
  const whole = [...h.edges, h.min, h.max].every((v) => Number.isInteger(v));
  const f = (v: number) => (whole ? v.toLocaleString('en-US') : fmtMean(v, r.column).replace(` ${COLUMN_UNIT[r.column]}`, ''));
  return h.bins.map((b) => {
    if (b.low === null && b.high === null) return 'all';
    if (b.low === null) return `${b.includes_high ? '≤' : '<'} ${f(b.high!)}`;
    if (b.high === null) return `${b.includes_low ? '≥' : '>'} ${f(b.low)}`;
    if (b.low === b.high) return `= ${f(b.low)}`;
    return `${f(b.low)}–${f(b.high)}${b.includes_high ? '' : ' (excl.)'}`;
  });
}

function Distributions({ r, d }: { r: DriftRow; d: MetricsDrift }) {
  const drill = useDrill();
  const numeric = r.kind === 'numeric' && r.histogram;
  const labels = numeric ? binLabels(r) : (r.shares ?? []).map((s) => s.category);
  const reference = numeric ? r.histogram!.reference : (r.shares ?? []).map((s) => s.reference);
  const current = numeric ? r.histogram!.current : (r.shares ?? []).map((s) => s.current);
  return (
    <div className="distributions" data-testid="drift-distributions" data-column={r.column}>
      <div className="distributions-chart">
        {labels.length ? <DistributionChart testId="drift-chart" labels={labels} reference={reference} current={current}
          referenceLabel={`Reference ${d.reference.label}`} currentLabel={`Current ${d.current.label}`} /> : <p className="muted">No values to show.</p>}
      </div>
      <dl className="test-figures">
        <dt>Test</dt><dd>{r.test === 'ks' ? `two-sample Kolmogorov–Smirnov${r.method ? `, ${r.method} p` : ''}` : `chi-square test of homogeneity${r.dof !== null ? `, ${r.dof} degrees of freedom` : ''}`}</dd>
        <dt>Statistic</dt><dd>{r.test === 'ks' ? `D = ${fmtStat(r.statistic)}` : `X² = ${fmtStat(r.statistic)}`}</dd>
        <dt>p</dt><dd>{fmtP(r.p_value)} <span className="muted">(Benjamini–Hochberg adjusted {fmtP(r.p_adjusted)}, α {d.alpha})</span></dd>
        <dt>PSI</dt><dd>{fmtStat(r.psi)} {r.psi_band && <span className="muted">({r.psi_band}, guidance only)</span>}</dd>
        {r.kind === 'numeric' && <><dt>Mean</dt><dd>{fmtMean(r.mean_reference, r.column)} → {fmtMean(r.mean_current, r.column)}</dd></>}
        <dt>Values</dt><dd>{fmtInt(r.n_reference)} reference, {fmtInt(r.n_current)} current{r.n_without_value_reference + r.n_without_value_current > 0 ? ` (n without value: ${fmtInt(r.n_without_value_reference)} reference, ${fmtInt(r.n_without_value_current)} current, left out)` : ''}{numeric ? ` · bins: deciles of the reference${r.histogram!.bins.some((b) => b.low !== null && b.low === b.high) ? '; a heavily tied value is a bin of its own' : ''}` : r.shares && r.shares.length >= 12 ? ' · top 12 categories' : ''}</dd>
      </dl>
      <button type="button" className="btn sm" onClick={() => drill.openRecords({
        label: d.current.label, from_ts: d.current.from_ts, to_ts: d.current.to_ts,
        filter: d.feature ? { feature: [d.feature] } : {},
      })}>Records of the current window</button>
    </div>
  );
}
