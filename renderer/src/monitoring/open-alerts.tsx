/** The open alerts in the workspace header: how many alerts nobody has acknowledged or resolved yet; opens Metrics. */
import { useEffect, useState } from 'react';
import { useStoreQuery } from '../app-context';

/**
 * How long after the shell appears the count is asked for (ms). The store answers one call at a time and the count
 * judges every rule over all the data (seconds on a million requests, cached after), so the screen the user opened
 * gets its first page before it.
 */
const DEFER_MS = 1200;

/** Renders nothing while there are none. */
export function OpenAlertsBadge({ onOpen }: { onOpen: () => void }) {
  const [ready, setReady] = useState(false);
  useEffect(() => { const t = setTimeout(() => setReady(true), DEFER_MS); return () => clearTimeout(t); }, []);
  const q = useStoreQuery('alerts.openCount', ready ? {} : null, ['requests', 'feedback', 'tickets', 'links', 'meta']);
  const n = q.data;
  if (!n || n.open + n.acknowledged === 0) return null;
  return (
    <button type="button" className={`btn sm alert-badge${n.open > 0 ? ' open' : ''}`} data-testid="open-alerts" onClick={onOpen}
      title={`${n.open} open, ${n.acknowledged} acknowledged alerts of the baseline rules (Metrics screen)`} aria-label={`${n.open} open alerts, ${n.acknowledged} acknowledged`}>
      <span aria-hidden>▲</span> {n.open}<span className="alert-badge-words"> open alert{n.open === 1 ? '' : 's'}{n.acknowledged > 0 ? ` · ${n.acknowledged} acknowledged` : ''}</span>
    </button>
  );
}
