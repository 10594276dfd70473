/**
 * The drift table of the Metrics screen: the current window (default: the latest complete ISO week) against a
 * reference (default: the four weeks before it), per column a KS or chi-square test, its Benjamini–Hochberg adjusted
 * p-value, and PSI with its guidance band. Flagged rows (rejected at the FDR level, or PSI above the threshold)
 * come first, as the store sorts them.
 */
import { useState } from 'react';
import type { DriftRow, MetricsDriftParams } from '../../../shared/contract-metrics';
import { ErrorNote } from '../controls';
import { fmtInt } from '../format';

import { COLUMN_LABEL, fmtMean, fmtP, fmtPct, fmtStat } from './metrics-format';
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
  const d = q.data;
  const flagged = d?.rows.filter((r) => r.rejected || r.psi_flag).length ?? 0;
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
          </p>
          <div className="table-scroll tall">
            <table className="table compact drift-table" data-testid="drift-table">
              <thead>
                <tr>
                  <th>Column</th><th>Test</th><th className="num">n ref / cur</th><th>Reference</th><th>Current</th>
                  <th className="num">Statistic</th><th className="num">p</th><th className="num">Adj. p</th><th className="num">PSI <span className="muted">(guidance only)</span></th><th>Verdict</th>
                </tr>
              </thead>
              <tbody>{d.rows.map((r) => <DriftTableRow key={r.column} r={r} psiMax={psiMax} />)}</tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function Shares({ r, side }: { r: DriftRow; side: 'reference' | 'current' }) {
  if (r.kind === 'numeric') return <>{fmtMean(side === 'reference' ? r.mean_reference : r.mean_current, r.column)} <span className="muted">mean</span></>;
  const top = (r.shares ?? []).slice(0, 4);
  return <span className="drift-shares">{top.map((s) => `${s.category} ${fmtPct(side === 'reference' ? s.reference : s.current)}`).join(' · ')}</span>;
}

function DriftTableRow({ r, psiMax }: { r: DriftRow; psiMax: number }) {
  const verdict = r.insufficient ? 'no verdict' : r.rejected ? 'drift' : 'no evidence';
  const only = r.single_window.map((s) => `${s.category} only in ${s.window} (${s.count})`).join('; ');
  return (
    <tr className={r.rejected || r.psi_flag ? 'flagged' : undefined} data-testid="drift-row" data-column={r.column} data-flagged={r.rejected || r.psi_flag ? 'true' : 'false'}>
      <td><strong>{COLUMN_LABEL[r.column]}</strong> <span className="muted mono small">{r.column}</span></td>
      <td className="nowrap">{r.test === 'ks' ? `KS${r.method ? ` (${r.method})` : ''}` : `χ²${r.dof !== null ? ` (dof ${r.dof})` : ''}`}</td>
      <td className="num">{fmtInt(r.n_reference)} / {fmtInt(r.n_current)}</td>
      <td className="wrap"><Shares r={r} side="reference" /></td>
      <td className="wrap"><Shares r={r} side="current" />{only && <div className="muted small">{only}</div>}</td>
      <td className="num">{r.test === 'ks' ? `D ${fmtStat(r.statistic)}` : fmtStat(r.statistic)}</td>
      <td className="num">{fmtP(r.p_value)}</td>
      <td className="num"><strong>{fmtP(r.p_adjusted)}</strong></td>
      <td className="num">{fmtStat(r.psi)} {r.psi_band && <span className={`badge${r.psi_band === 'large' ? ' warn' : ''}`} title={`guidance only; threshold ${psiMax}`}>{r.psi_band}</span>}</td>
      <td>
        <span className={`badge${r.rejected ? ' bad' : r.insufficient ? '' : ' ok'}`}>{verdict}</span>
        {r.note && <div className="muted small">{r.note}</div>}
      </td>
    </tr>
  );
}
