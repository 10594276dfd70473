/**
 * What negative feedback says: the words and two-word phrases that distinguish a week's negative comments from its
 * other comments (feedback.terms: log-odds ratio with an informative Dirichlet prior, Monroe et al. 2008). A term
 * opens the negative comments that contain it in the feedback grid.
 */
import { useMemo } from 'react';
import type { TermScore } from '../../../shared/contract-feedback';
import { useApp, useStoredState, useStoreQuery } from '../app-context';
import { lastCompleteWeek } from '../review/review-format';
import { ErrorNote } from '../controls';
import type { FilterValues } from '../server-grid';
import { FEEDBACK_TABLES } from './feedback-screen';

/** The distinguishing-terms view. */
export function TermsView({ onOpenComments }: { onOpenComments: (f: FilterValues) => void }) {
  const { info } = useApp();
  const facets = useStoreQuery('feedback.facets', {}, FEEDBACK_TABLES).data;
  // The week last looked at in this workspace; at first the latest complete week of requests (as the review does).
  // The default is derived, never written by an effect: an effect that stores it could land after the reader's own
  // choice and overwrite it (seen when the Week select was changed the moment its options appeared).
  const [picked, setWeek] = useStoredState(`loupe.feedback.termsWeek:${info.path}`, '');
  const week = useMemo(() => {
    if (!facets) return '';
    if (picked && facets.weeks.includes(picked)) return picked;
    const w = lastCompleteWeek(info.first_ts, info.last_ts, info.time_zone);
    return w && facets.weeks.includes(w) ? w : facets.weeks[0] ?? '';
  }, [facets, picked, info.first_ts, info.last_ts, info.time_zone]);
  const { data, error, loading } = useStoreQuery('feedback.terms', week ? { week } : null, FEEDBACK_TABLES);
  const max = Math.max(1, ...(data?.terms ?? []).map((t) => t.z));
  const open = (t: TermScore, negative: boolean) => onOpenComments({ text: t.term, week, ...(negative ? { value: 'negative' } : {}), has_comment: true });
  return (
    <div className="page wide-page">
      <div className="card">
        <div className="card-head">
          <h2>What negative feedback says</h2>
          <label className="inline-label">Week
            <select value={week} onChange={(e) => setWeek(e.target.value)} aria-label="Week">
              {(facets?.weeks ?? []).map((w) => <option key={w} value={w}>{w}</option>)}
            </select>
          </label>
        </div>
        <p className="muted small">
          Words and two-word phrases of the week's negative comments (thumbs-down, NPS detractors, ratings of 0.4 × their
          scale or lower, such as CSAT 1-2 or 1-4 of 10, rejected preferences) against its other comments, ranked by z-score. Click a term to read the comments.
        </p>
        {error && <ErrorNote error={error} />}
        {data && (
          <>
            <p className="small" data-testid="terms-summary">
              {data.negative.comments} negative and {data.other.comments} other comments
              {data.languages.length > 0 && <> · languages: {data.languages.map((l) => `${l.lang} ${l.comments}`).join(', ')}</>}
              {loading && <span className="muted"> · updating…</span>}
            </p>
            {data.notes.map((n) => <p key={n} className="muted small">{n}</p>)}
            {(data.terms.length > 0 || data.other_terms.length > 0) && <div className="terms-cols">
              <TermTable title="More frequent in negative comments" terms={data.terms} max={max} onOpen={(t) => open(t, true)} testId="negative-terms" />
              <TermTable title="More frequent in the other comments" terms={data.other_terms} max={Math.max(1, ...data.other_terms.map((t) => -t.z))} onOpen={(t) => open(t, false)} testId="other-terms" />
            </div>}
            <p className="muted small">{data.method} Computed in {Math.round(data.elapsed_ms)} ms.</p>
          </>
        )}
      </div>
    </div>
  );
}

function TermTable({ title, terms, max, onOpen, testId }: { title: string; terms: TermScore[]; max: number; onOpen: (t: TermScore) => void; testId: string }) {
  return (
    <div className="terms-table">
      <h3>{title}</h3>
      {terms.length === 0 ? <p className="muted small">None.</p> : (
        <table className="table compact" data-testid={testId}>
          <thead><tr><th>Term</th><th className="num" title="z-score of the log-odds ratio; above 1.96: significant">z</th><th className="num" title="Occurrences in negative / other comments">Neg / other</th><th className="num">Comments</th></tr></thead>
          <tbody>
            {terms.map((t) => (
              <tr key={t.term}>
                <td><button type="button" className="btn sm link term-btn" onClick={() => onOpen(t)} title={`Show the comments with "${t.term}"`}>
                  <span className="term-bar" style={{ width: `${Math.round((60 * Math.abs(t.z)) / max)}px` }} aria-hidden />{t.term}</button></td>
                <td className={`num${Math.abs(t.z) > 1.96 ? ' strong' : ''}`}>{t.z.toFixed(2)}</td>
                <td className="num">{t.negative_count} / {t.other_count}</td>
                <td className="num">{t.negative_comments + t.other_comments}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
