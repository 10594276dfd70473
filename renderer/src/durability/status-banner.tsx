/**
 * What the user must know about the safety of their work, above every screen: the background save failing (a full
 * disk: what happened, that nothing confirmed is lost, what to do, when Loupe retries), the store having been
 * restarted after a crash (the last action may not have completed), and what opening the workspace repaired (a torn
 * journal line skipped). Failures stay until they are over; notices can be dismissed.
 */
import { useEffect, useState } from 'react';
import type { EventMap } from '../../../shared/contract';
import { useApp } from '../app-context';

type SaveStatus = EventMap['workspace.saveStatus'];

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The banners; renders nothing while all is well. */
export function DurabilityBanner() {
  const { client, info } = useApp();
  const [save, setSave] = useState<SaveStatus | null>(null);
  const [restart, setRestart] = useState<EventMap['store.status'] | null>(null);
  const [dismissed, setDismissed] = useState<string[]>([]);

  useEffect(() => client.on('workspace.saveStatus', (s) => setSave(s)), [client]);
  useEffect(() => client.on('store.status', (s) => { if (s.state === 'restarted') setRestart(s); }), [client]);
  // "Saved again" is shown for a few seconds, then the banner goes.
  useEffect(() => {
    if (!save?.ok) return;
    const t = setTimeout(() => setSave(null), 6000);
    return () => clearTimeout(t);
  }, [save]);

  const notices = (info.notices ?? []).filter((n) => !dismissed.includes(n));
  return (
    <>
      {save && !save.ok && (
        <div className="banner banner-error" role="alert" data-testid="save-failed">
          <strong>Saving failed ({save.error.code}).</strong> {save.error.message}{' '}
          {save.error.action && <span>{save.error.action} </span>}
          <span className="muted">Unsaved since {new Date(save.unsaved_since).toLocaleTimeString()}; attempt {save.attempts}, next in {seconds(save.retry_in_ms)}.</span>
        </div>
      )}
      {save?.ok && <div className="banner banner-ok" role="status" data-testid="save-recovered">Saved again: the workspace file is up to date.</div>}
      {restart && (
        <div className="banner banner-error" role="alert" data-testid="store-restarted">
          <strong>The store was restarted.</strong> {restart.error.message}{' '}
          <button type="button" className="btn sm ghost" onClick={() => setRestart(null)}>Dismiss</button>
        </div>
      )}
      {notices.map((n) => (
        <div key={n} className="banner" role="status" data-testid="workspace-notice">
          <strong>Repaired on opening:</strong> {n}{' '}
          <button type="button" className="btn sm ghost" onClick={() => setDismissed((d) => [...d, n])}>Dismiss</button>
        </div>
      ))}
    </>
  );
}
