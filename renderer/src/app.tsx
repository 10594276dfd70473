/**
 * The app: startup (does the workspace open?), then the shell — left navigation, workspace header, the screen, the
 * keyboard shortcuts and their help overlay, and file drops anywhere on the window.
 */
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LoupeErrorData } from '../../shared/errors';
import type { WorkspaceInfo } from '../../shared/types';
import { asErrorData, type AppClient } from './api';
import { AppProvider, useApp } from './app-context';
import { ErrorBoundary, ErrorScreen } from './error-screen';
import { fmtBytes, fmtDateRange, fmtInt } from './format';
import { ImportScreen, type Incoming } from './import-screen';
import { MetricsScreen } from './metrics/metrics-screen';
import { PricesScreen } from './prices/prices-screen';
import { FeedbackScreen } from './feedback/feedback-screen';
import { RecordsScreen } from './records-screen';
import { EdgeCasesScreen } from './review/edge-cases-screen';
import { ReportScreen } from './report/report-screen';
import { ReviewArea } from './review/review-area';
import { TicketsScreen } from './tickets-screen';
import { TimeZoneSelect } from './time-zone-select';
import { DurabilityBanner } from './durability/status-banner';
import { DrillProvider, type Drill, type SliceRequest } from './monitoring/drill';
import { OpenAlertsBadge } from './monitoring/open-alerts';
import { SLICE_PANEL_KEY } from './monitoring/slice-panel';

type Route = 'records' | 'tickets' | 'import' | 'review' | 'edge-cases' | 'report' | 'metrics' | 'feedback' | 'prices';
/**
 * The screens, in nav order, with their keys: `g` then a letter, and Alt+1 … Alt+9. The key handler and the help
 * overlay (`?`) both read this list, so a screen's keys are declared once and each key opens one screen.
 * `screenKeys`: single keys that work on that screen only and that the shell's help lists too (the screen's own
 * cheat sheet lists the rest); none of them is `g`, `?` or `/`, the shell's keys.
 */
const NAV: Array<{ route: Route; label: string; key: string; alt: string; help?: string; screenKeys?: Array<{ key: string; help: string }> }> = [
  { route: 'records', label: 'Records', key: 'g r', alt: 'Alt+1' },
  { route: 'tickets', label: 'Tickets', key: 'g t', alt: 'Alt+2' },
  { route: 'import', label: 'Import', key: 'g i', alt: 'Alt+3' },
  { route: 'review', label: 'Review', key: 'g v', alt: 'Alt+4', help: 'Review (queues, estimates, rubric, tags; ? there lists the review keys)',
    screenKeys: [SLICE_PANEL_KEY] },
  { route: 'edge-cases', label: 'Edge cases', key: 'g e', alt: 'Alt+5' },
  { route: 'report', label: 'Report', key: 'g w', alt: 'Alt+6' },
  { route: 'metrics', label: 'Metrics', key: 'g m', alt: 'Alt+7', help: 'Metrics (charts, alerts, drift)' },
  { route: 'feedback', label: 'Feedback', key: 'g f', alt: 'Alt+8', help: 'Feedback (comments, terms, traits, ticket analysis)' },
  { route: 'prices', label: 'Prices', key: 'g p', alt: 'Alt+9', help: 'Prices (the price table that costs requests)' },
];

/** Startup, then either the blocking error screen or the app shell. */
export function App({ client }: { client: AppClient }) {
  const [state, setState] = useState<{ workspace: WorkspaceInfo | null; error: LoupeErrorData | null } | null>(null);
  useEffect(() => {
    client.startup().then((s) => setState({ workspace: s.workspace, error: s.error }), (e: unknown) => setState({ workspace: null, error: asErrorData(e) }));
    // Electron: File ▸ New / Open replace the workspace (or report why it failed to open).
    const offShell = client.onShell('shell.workspaceChanged', (s) => setState({ workspace: s.workspace, error: s.error }));
    // A store that could not be kept running: nothing works any more, so the blocking screen says what to do.
    const offStore = client.on('store.status', (s) => { if (s.state === 'failed') setState({ workspace: null, error: s.error }); });
    return () => { offShell(); offStore(); };
  }, [client]);
  const openAnother = client.openAnother ? () => { void client.openAnother?.(); } : null;
  const keepValid = () => client.keepValidJournal().then((s) => setState({ workspace: s.workspace, error: s.error }), (e: unknown) => setState({ workspace: null, error: asErrorData(e) }));

  if (!state) return <div className="boot" aria-busy="true">Opening workspace…</div>;
  if (state.error || !state.workspace) {
    const error = state.error ?? { code: 'WORKSPACE_NOT_OPEN' as const, message: 'No workspace is open.', action: 'Start Loupe with --workspace <file>.' };
    return <ErrorScreen error={error} mode={client.mode} onOpenAnother={openAnother} onKeepValidJournal={error.code === 'JOURNAL_DAMAGED' ? keepValid : null} />;
  }
  return (
    <ErrorBoundary mode={client.mode}>
      <AppProvider key={state.workspace.path} client={client} initial={state.workspace}>
        <Shell />
      </AppProvider>
    </ErrorBoundary>
  );
}

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

function Shell() {
  const { client } = useApp();
  const [route, setRoute] = useState<Route>('records');
  const [help, setHelp] = useState(false);
  const [dropped, setDropped] = useState<Incoming | null>(null);
  const [dragging, setDragging] = useState(false);
  const [openRequest, setOpenRequest] = useState<string | null>(null);
  const [connected, setConnected] = useState(true);
  const [slice, setSlice] = useState<SliceRequest | null>(null);
  const [openQueue, setOpenQueue] = useState<{ queueId: number; nonce: number } | null>(null);
  const mainRef = useRef<HTMLElement>(null);
  const pendingG = useRef(0);

  const go = useCallback((r: Route) => {
    setRoute(r);
    requestAnimationFrame(() => mainRef.current?.focus());
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Alt+1 … Alt+9: the NAV entry of that number (each entry's `alt` says which).
      const byAlt = e.altKey && !e.ctrlKey && !e.metaKey ? NAV.find((n) => n.alt === `Alt+${e.key}`) : undefined;
      if (byAlt) {
        e.preventDefault();
        go(byAlt.route);
        return;
      }
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') { e.preventDefault(); setHelp((h) => !h); return; }
      if (e.key === 'Escape' && help) { setHelp(false); return; }
      if (e.key === '/') {
        const s = document.querySelector<HTMLInputElement>('input[data-search]');
        if (s) { e.preventDefault(); s.focus(); }
        return;
      }
      if (e.key === 'g') { pendingG.current = Date.now(); return; }
      if (Date.now() - pendingG.current < 1500) {
        pendingG.current = 0;
        const r = NAV.find((n) => n.key === `g ${e.key}`)?.route;
        if (r) { e.preventDefault(); go(r); }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, help]);

  // Files dropped anywhere on the window go to the Import screen. The window must accept the drag for drop to fire.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const over = (e: DragEvent) => { if (hasFiles(e)) { e.preventDefault(); setDragging(true); } };
    const leave = (e: DragEvent) => { if (!e.relatedTarget) setDragging(false); };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length) { setDropped({ files }); setRoute('import'); }
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => { window.removeEventListener('dragover', over); window.removeEventListener('dragleave', leave); window.removeEventListener('drop', drop); };
  }, []);

  useEffect(() => client.onConnection(setConnected), [client]);

  // Electron: files chosen from the File menu arrive already registered.
  useEffect(() => client.onShell('shell.filesChosen', ({ files }) => { setDropped({ registered: files }); setRoute('import'); }), [client]);

  const takeDropped = useCallback(() => setDropped(null), []);
  const drill = useMemo<Drill>(() => ({
    openRecords: (sl) => { setSlice({ slice: sl, nonce: Date.now() }); go('records'); },
    openQueue: (queueId) => { setOpenQueue({ queueId, nonce: Date.now() }); go('review'); },
  }), [go]);

  return (
    <DrillProvider value={drill}>
    <div className="shell">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>Skip to content</a>
      <nav className="nav" aria-label="Main">
        <div className="brand"><span className="brand-mark" aria-hidden>◎</span> Loupe</div>
        <ul>
          {NAV.map((n) => (
            <li key={n.route}>
              <button type="button" className={`nav-item${route === n.route ? ' on' : ''}`} aria-current={route === n.route ? 'page' : undefined}
                onClick={() => go(n.route)} title={`${n.label} (${n.key} or ${n.alt})`}>
                <span>{n.label}</span><kbd aria-hidden>{n.key}</kbd>
              </button>
            </li>
          ))}
        </ul>
        <div className="nav-foot">
          <button type="button" className="btn sm ghost" onClick={() => setHelp(true)}>Keyboard shortcuts <kbd>?</kbd></button>
        </div>
      </nav>
      <div className="content">
        <WorkspaceHeader onAlerts={() => go('metrics')} />
        <DurabilityBanner />
        {!connected && (
          <div className="banner" role="alert">
            Loupe is not reachable. Is <code>loupe serve</code> still running? This page reconnects by itself when it is back.
          </div>
        )}
        <main id="main" ref={mainRef} tabIndex={-1} className="main" aria-label={NAV.find((n) => n.route === route)?.label}>
          {route === 'records' && <RecordsScreen onImport={() => go('import')} openId={openRequest} slice={slice} />}
          {route === 'review' && <ReviewArea open={openQueue} />}
          {route === 'edge-cases' && <EdgeCasesScreen />}
          {route === 'report' && <ReportScreen />}
          {route === 'metrics' && <MetricsScreen onImport={() => go('import')} />}
          {route === 'feedback' && <FeedbackScreen onImport={() => go('import')} onOpenRequest={(id) => { setOpenRequest(id); setRoute('records'); }} />}
          {route === 'prices' && <PricesScreen />}
          {route === 'tickets' && <TicketsScreen onImport={() => go('import')} onOpenRequest={(id) => { setOpenRequest(id); setRoute('records'); }} />}
          {/* Import stays mounted so a running import keeps its progress and outcome while the user looks elsewhere. */}
          <div className="screen-slot" hidden={route !== 'import'}><ImportScreen dropped={dropped} onDroppedTaken={takeDropped} /></div>
        </main>
      </div>
      {dragging && <div className="drop-overlay" aria-hidden><div>Drop files to import them</div></div>}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
    </div>
    </DrillProvider>
  );
}

function WorkspaceHeader({ onAlerts }: { onAlerts: () => void }) {
  const { client, info, setInfo } = useApp();
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [saving, setSaving] = useState(false);
  const setZone = async (tz: string) => {
    setSaving(true);
    try {
      setInfo(await client.call('workspace.setTimeZone', { time_zone: tz }));
      setError(null);
    } catch (e) { setError(asErrorData(e)); } finally { setSaving(false); }
  };
  const c = info.counts;
  return (
    <header className="ws-head" aria-label="Workspace">
      <div className="ws-title">
        <span className="ws-file" title={info.path} data-testid="ws-file">{info.file_name}</span>
        <span className="muted small">{fmtBytes(info.file_bytes)}</span>
      </div>
      <dl className="ws-counts" data-testid="ws-counts">
        <div><dt>Requests</dt><dd data-testid="count-requests">{fmtInt(c.requests)}</dd></div>
        <div><dt>Feedback</dt><dd data-testid="count-feedback">{fmtInt(c.feedback)}</dd></div>
        <div><dt>Tickets</dt><dd data-testid="count-tickets">{fmtInt(c.tickets)}</dd></div>
        <div title="Links between tickets and the requests they are about"><dt>Ticket links</dt><dd data-testid="count-links">{fmtInt(c.links)}</dd></div>
      </dl>
      <OpenAlertsBadge onOpen={onAlerts} />
      <div className="ws-range muted" data-testid="ws-range" title="Dates of the first and last request, in the workspace time zone">
        {/* Each date unbroken: a narrow header breaks only after the dash (two lines, never "31 Aug 2…"). */}
        {info.first_ts === null ? 'no dated requests' : fmtDateRange(info.first_ts, info.last_ts, info.time_zone).split(' – ').map((d, i, all) => (
          <Fragment key={i}><span className="nowrap">{d}{i < all.length - 1 ? ' –' : ''}</span>{i < all.length - 1 ? ' ' : ''}</Fragment>))}
        {info.undated_requests > 0 && (
          <span className="nowrap ws-undated" data-testid="ws-undated" title="Requests without a timestamp are in no week, chart, alert or review queue (a queue can include them on request)">
            <span className="ws-sep">{' · '}</span>{fmtInt(info.undated_requests)} undated
          </span>
        )}
      </div>
      <label className="inline-label ws-zone">
        <span className="ws-zone-word">Time zone</span>
        <TimeZoneSelect value={info.time_zone} onChange={(tz) => void setZone(tz)} label="Workspace time zone" disabled={saving} />
      </label>
      {error && <span className="err-text small" role="alert">{error.message}</span>}
    </header>
  );
}

function HelpOverlay({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { ref.current?.focus(); }, []);
  const rows: Array<[string[], string]> = [
    ...NAV.map((n): [string[], string] => [[n.key, n.alt], n.help ?? n.label]),
    ...NAV.flatMap((n) => (n.screenKeys ?? []).map((k): [string[], string] => [[k.key], `On the ${n.label.toLowerCase()} screen: ${k.help}`])),
    [['/'], 'Search the current grid'],
    [['↑', '↓', 'PgUp', 'PgDn', 'Home', 'End'], 'Move between rows'],
    [['Enter'], 'Open the row’s details'],
    [['Esc'], 'Close the details or this help'],
    [['Tab', 'Shift+Tab'], 'Move between controls'],
    [['?'], 'Show or hide this help'],
  ];
  return (
    <div className="overlay" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" tabIndex={-1} ref={ref}
        onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
        <header className="dialog-head">
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button type="button" className="btn sm ghost" onClick={onClose} aria-label="Close">✕</button>
        </header>
        <table className="table compact shortcuts">
          <tbody>
            {rows.map(([keys, what]) => (
              <tr key={what}>
                <td className="keys">{keys.map((k, i) => <span key={k}>{i > 0 && <span className="muted small">{keys.length === 2 ? ' or ' : ' '}</span>}<kbd>{k}</kbd></span>)}</td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
