/**
 * Feedback by trait (feedback.traits): thumbs-up rate and CSAT with Wilson intervals, NPS with its multinomial
 * interval, per slice of one dimension, the small slices flagged and the slices that differ from the rest named
 * (Benjamini-Hochberg). A slice opens its feedback in the grid where the grid can filter on that dimension.
 */
import { useState } from 'react';
import { TRAIT_DIMENSIONS, type SliceNps, type SliceRate, type TraitDimension } from '../../../shared/contract-feedback';
import { useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtInt } from '../format';
import type { FilterValues } from '../server-grid';
import { FEEDBACK_TABLES } from './feedback-screen';

const LABELS: Record<TraitDimension, string> = {
  feature: 'Feature', model_version: 'Model version', segment: 'Segment', region: 'Region', lang: 'Language', input_length: 'Input length', latency: 'Latency',
};
const GRID_FILTERABLE: ReadonlySet<TraitDimension> = new Set(['feature', 'model_version', 'segment', 'region', 'lang']);

function Rate({ r }: { r: SliceRate }) {
  if (r.n === 0) return <span className="muted">—</span>;
  return (
    <span className={r.differs ? 'strong' : ''} title={`${r.k} of ${r.n}${r.q !== null ? `; BH-adjusted p = ${r.q.toPrecision(2)}` : ''}`}>
      {(100 * r.rate!).toFixed(1)}% <span className="muted small">[{(100 * r.low!).toFixed(0)}–{(100 * r.high!).toFixed(0)}] n={fmtInt(r.n)}</span>
      {r.small_n && <> <span className="badge warn" title="Few answers: the interval is wide">small n</span></>}
    </span>
  );
}
function Nps({ r }: { r: SliceNps }) {
  if (r.n === 0 || r.nps === null) return <span className="muted">—</span>;
  return (
    <span className={r.differs ? 'strong' : ''} title={`${r.promoters} promoters, ${r.detractors} detractors of ${r.n}${r.q !== null ? `; BH-adjusted p = ${r.q.toPrecision(2)}` : ''}`}>
      {r.nps.toFixed(1)} <span className="muted small">[{r.low!.toFixed(0)}, {r.high!.toFixed(0)}] n={fmtInt(r.n)}</span>
      {r.small_n && <> <span className="badge warn" title="Few answers: the interval is wide and the normal form rough">small n</span></>}
    </span>
  );
}

/** The by-trait view. */
export function TraitsView({ onOpenComments }: { onOpenComments: (f: FilterValues) => void }) {
  const facets = useStoreQuery('feedback.facets', {}, FEEDBACK_TABLES).data;
  const [dimension, setDimension] = useState<TraitDimension>('feature');
  const [week, setWeek] = useState('');
  const { data, error } = useStoreQuery('feedback.traits', { dimension, ...(week ? { week } : {}) }, FEEDBACK_TABLES);
  const dims = TRAIT_DIMENSIONS.filter((d) => d !== 'region' || (facets?.region.length ?? 0) > 0);
  return (
    <div className="page wide-page">
      <div className="card">
        <div className="card-head">
          <h2>Feedback by trait</h2>
          <div className="row-gap">
            <label className="inline-label">By
              <select value={dimension} onChange={(e) => setDimension(e.target.value as TraitDimension)} aria-label="Dimension">
                {dims.map((d) => <option key={d} value={d}>{LABELS[d]}</option>)}
              </select>
            </label>
            <label className="inline-label">Week
              <select value={week} onChange={(e) => setWeek(e.target.value)} aria-label="Week">
                <option value="">All weeks</option>
                {(facets?.weeks ?? []).map((w) => <option key={w} value={w}>{w}</option>)}
              </select>
            </label>
          </div>
        </div>
        {error && <ErrorNote error={error} />}
        {data && (
          <>
            {data.findings.length > 0 ? (
              <ul className="findings" data-testid="trait-findings">{data.findings.map((f) => <li key={f}>{f}</li>)}</ul>
            ) : <p className="muted small">No slice differs significantly from the rest (Benjamini-Hochberg, FDR 5%).</p>}
            <div className="table-scroll">
              <table className="table compact" data-testid="traits-table">
                <thead><tr><th>{LABELS[dimension]}</th><th className="num">Requests</th><th>Thumbs-up rate</th><th>CSAT (top-2-box)</th><th>NPS</th></tr></thead>
                <tbody>
                  {data.slices.map((s) => (
                    <tr key={s.value}>
                      <td>{GRID_FILTERABLE.has(dimension)
                        ? <button type="button" className="btn sm link" onClick={() => onOpenComments({ [dimension]: [s.value], ...(week ? { week } : {}) })}>{s.value}</button>
                        : s.value}</td>
                      <td className="num">{fmtInt(s.requests)}</td>
                      <td><Rate r={s.thumbs_up} /></td><td><Rate r={s.csat} /></td><td><Nps r={s.nps} /></td>
                    </tr>
                  ))}
                  <tr className="total-row"><td>All</td><td className="num">{fmtInt(data.overall.requests)}</td><td><Rate r={data.overall.thumbs_up} /></td><td><Rate r={data.overall.csat} /></td><td><Nps r={data.overall.nps} /></td></tr>
                </tbody>
              </table>
            </div>
            {data.notes.map((n) => <p key={n} className="muted small">{n}</p>)}
            <p className="muted small">{data.method}</p>
          </>
        )}
      </div>
    </div>
  );
}
