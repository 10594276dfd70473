/**
 * The blocking screen for a workspace that cannot be opened (missing, corrupt, from a newer Loupe) and the
 * last-resort screen for an unexpected renderer error. Both offer "Copy error" so a user can hand the details on.
 */
import { Component, useState, type ErrorInfo, type ReactNode } from 'react';
import type { LoupeErrorData } from '../../shared/errors';

const TITLES: Partial<Record<LoupeErrorData['code'], string>> = {
  WORKSPACE_CORRUPT: 'This workspace file is damaged',
  WORKSPACE_TOO_NEW: 'This workspace was made by a newer Loupe',
  WORKSPACE_MISSING: 'This workspace file does not exist',
  WORKSPACE_CHANGED_ON_DISK: 'Another program changed this workspace file',
  WORKSPACE_NOT_OPEN: 'No workspace is open',
  UNAUTHORIZED: 'This page cannot reach your workspace',
  JOURNAL_DAMAGED: 'The journal of this workspace has damaged entries',
  READ_ONLY: 'This workspace is read-only',
  PERMISSION_DENIED: 'Loupe may not write this workspace',
  DISK_FULL: 'The disk is full',
  STORE_RESTARTED: 'The store keeps stopping',
};

/** The text "Copy error" puts on the clipboard: code, message, next step and details, one per line. */
export function errorReport(e: LoupeErrorData, mode: string): string {
  return [
    `Loupe error ${e.code}`,
    e.message,
    e.action ? `Next step: ${e.action}` : '',
    e.details !== undefined ? `Details: ${JSON.stringify(e.details)}` : '',
    `Mode: ${mode}; ${navigator.userAgent}`,
  ].filter(Boolean).join('\n');
}

/** A full-window screen: nothing else works until the user picks another workspace. */
export function ErrorScreen({ error, mode, onOpenAnother, onKeepValidJournal = null }: {
  error: LoupeErrorData; mode: 'browser' | 'electron'; onOpenAnother: (() => void) | null;
  /** JOURNAL_DAMAGED: reopen keeping every valid journal entry. */
  onKeepValidJournal?: (() => Promise<void>) | null;
}) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const [keeping, setKeeping] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(errorReport(error, mode));
      setCopied('yes');
    } catch { setCopied('failed'); }
  };
  return (
    <main className="blocking" data-testid="blocking-error">
      <div className="blocking-card" role="alertdialog" aria-labelledby="blocking-title" aria-describedby="blocking-message">
        <div className="blocking-code mono">{error.code}</div>
        <h1 id="blocking-title">{TITLES[error.code] ?? 'Loupe cannot continue'}</h1>
        <p id="blocking-message" className="blocking-message">{error.message}</p>
        {error.action && <p className="blocking-action">{error.action}</p>}
        {mode === 'browser' && error.code.startsWith('WORKSPACE_') && (
          <div className="hint">
            <p>To open another workspace, stop <code>loupe serve</code> (Ctrl+C in its terminal) and start it again with another file:</p>
            <pre className="cmd">npx loupe serve --workspace path/to/other.sqlite</pre>
            <p className="muted small">A path that does not exist yet creates a new, empty workspace. The damaged file is left untouched, so you can keep it for
              recovery.</p>
          </div>
        )}
        <div className="row-gap">
          <button type="button" className="btn" onClick={() => void copy()} autoFocus>Copy error</button>
          {onKeepValidJournal && (
            <button type="button" className="btn primary" disabled={keeping} onClick={() => { setKeeping(true); void onKeepValidJournal().finally(() => setKeeping(false)); }}>
              {keeping ? 'Keeping the valid entries…' : 'Keep the valid entries'}
            </button>
          )}
          {onOpenAnother && <button type="button" className="btn primary" onClick={onOpenAnother}>Open another…</button>}
          <span className="muted small" role="status">{copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'The clipboard is not available; select the message above instead.' : ''}</span>
        </div>
      </div>
    </main>
  );
}

/** Catches render errors anywhere below it and shows them with "Copy error" and a reload button. */
export class ErrorBoundary extends Component<{ children: ReactNode; mode: 'browser' | 'electron' }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) { return { error }; }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('Loupe renderer error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    const e: LoupeErrorData = {
      code: 'INTERNAL',
      message: `Something went wrong in this window: ${this.state.error.message}`,
      action: 'Reload the window. Your workspace is saved; nothing you imported is lost.',
    };
    return (
      <>
        <ErrorScreen error={e} mode={this.props.mode} onOpenAnother={null} />
        <div className="reload-bar"><button type="button" className="btn primary" onClick={() => location.reload()}>Reload</button></div>
      </>
    );
  }
}
