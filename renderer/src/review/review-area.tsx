/**
 * The Review area of the app: tabs for Queues, Estimates, Rubric and Tags, the reviewer's name (set once per
 * workspace, changeable here), and the review screen of one queue when the reviewer opens it.
 */
import { useEffect, useState } from 'react';
import { useApp, useStoredState, useStoreQuery } from '../app-context';
import { ReviewerForm } from './common';
import { EstimatesPage } from './estimates-page';
import { QueuesPage } from './queues-page';
import { ReviewPage } from './review-page';
import { RubricPage } from './rubric-page';
import { TagsPage } from './tags-page';

type Tab = 'queues' | 'estimates' | 'rubric' | 'tags';
const TABS: Array<[Tab, string]> = [['queues', 'Queues'], ['estimates', 'Estimates'], ['rubric', 'Rubric'], ['tags', 'Tags']];

/** What the Review area shows: a tab, or one queue's review screen (optionally at a position). */
interface View { tab: Tab; reviewing: number | null; at: number | null; estimatesQueue: number | null }

/** The last `open` request acted on: coming back to Review later does not reopen that queue. */
let handledOpen = 0;

/** The Review route. `open` asks it to open a queue's review screen (a drill-down's "Review this slice"). */
export function ReviewArea({ open = null }: { open?: { queueId: number; nonce: number } | null }) {
  const { info } = useApp();
  // Remembered per workspace for this browser profile, so coming back to Review returns to the same queue.
  const [view, setView] = useStoredState<View>(`loupe.review.view:${info.path}`, { tab: 'queues', reviewing: null, at: null, estimatesQueue: null });
  const reviewer = useStoreQuery('review.getReviewer', {}, ['meta']);
  const [changing, setChanging] = useState(false);
  useEffect(() => {
    if (!open || open.nonce === handledOpen) return;
    handledOpen = open.nonce;
    setView({ ...view, reviewing: open.queueId, at: null });
  }, [open]); // eslint-disable-line react-hooks/exhaustive-deps

  if (view.reviewing !== null) {
    return <ReviewPage key={`${view.reviewing}:${view.at ?? ''}`} queueId={view.reviewing} start={view.at} onBack={() => setView({ ...view, reviewing: null, at: null, tab: 'queues' })} />;
  }
  const name = reviewer.data?.reviewer ?? null;
  return (
    <div className="review-area">
      <div className="area-head">
        <div className="tabs area-tabs" role="tablist" aria-label="Review">
          {TABS.map(([t, l]) => (
            <button key={t} type="button" role="tab" aria-selected={view.tab === t} className={`tab${view.tab === t ? ' on' : ''}`} onClick={() => setView({ ...view, tab: t })}>{l}</button>
          ))}
        </div>
        <div className="reviewer-chip">
          {changing ? (
            <ReviewerForm current={name} onSaved={() => { setChanging(false); reviewer.reload(); }} onCancel={() => setChanging(false)} />
          ) : (
            <>
              <span className="muted small">Reviewer</span> <b data-testid="area-reviewer">{name ?? 'not set'}</b>
              <button type="button" className="btn sm link" onClick={() => setChanging(true)}>{name ? 'Change' : 'Set name'}</button>
            </>
          )}
        </div>
      </div>
      <div className="area-body" role="tabpanel">
        {view.tab === 'queues' && <QueuesPage onReview={(id) => setView({ ...view, reviewing: id, at: null })} onEstimates={(id) => setView({ ...view, tab: 'estimates', estimatesQueue: id })} />}
        {view.tab === 'estimates' && (
          <EstimatesPage queueId={view.estimatesQueue} onQueue={(id) => setView({ ...view, estimatesQueue: id })}
            onOpenItem={(q, p) => setView({ ...view, reviewing: q, at: p })} />
        )}
        {view.tab === 'rubric' && <RubricPage />}
        {view.tab === 'tags' && <TagsPage />}
      </div>
    </div>
  );
}
