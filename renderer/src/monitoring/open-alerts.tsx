/** The open alerts in the workspace header: how many alerts nobody has acknowledged or resolved yet; opens Metrics. */
import { useStoreQuery } from '../app-context';

/** Renders nothing while there are none. */
export function OpenAlertsBadge({ onOpen }: { onOpen: () => void }) {
  const q = useStoreQuery('alerts.openCount', {}, ['requests', 'feedback', 'tickets', 'links', 'meta']);
  const n = q.data;
  if (!n || n.open + n.acknowledged === 0) return null;
  return (
    <button type="button" className={`btn sm alert-badge${n.open > 0 ? ' open' : ''}`} data-testid="open-alerts" onClick={onOpen}
      title={`${n.open} open, ${n.acknowledged} acknowledged alerts of the baseline rules (Metrics screen)`} aria-label={`${n.open} open alerts, ${n.acknowledged} acknowledged`}>
      <span aria-hidden>▲</span> {n.open}<span className="alert-badge-words"> open alert{n.open === 1 ? '' : 's'}{n.acknowledged > 0 ? ` · ${n.acknowledged} acknowledged` : ''}</span>
    </button>
  );
}
