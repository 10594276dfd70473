/** The side panel that shows one record; Escape or the close button closes it and focus returns to the grid. */
import { useEffect, useRef, type ReactNode } from 'react';

/** A labelled region beside the grid. Focus moves into it when `focusKey` changes, so keyboard users land on it. */
export function DetailPanel({ title, onClose, children, focusKey, testId }: {
  title: ReactNode; onClose: () => void; children: ReactNode; focusKey: string; testId: string;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => { ref.current?.focus(); }, [focusKey]);
  return (
    <aside className="detail" ref={ref} tabIndex={-1} aria-label="Details" data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') { e.stopPropagation(); onClose(); }
      }}>
      <header className="detail-head">
        <h2 className="detail-title">{title}</h2>
        <button type="button" className="btn sm ghost" onClick={onClose} aria-label="Close details" title="Close (Esc)">✕</button>
      </header>
      <div className="detail-body">{children}</div>
    </aside>
  );
}

/** A definition list of label/value pairs; empty values show as "—". */
export function Fields({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="fields">
      {items.map(([k, v]) => (
        <div key={k} className="field">
          <dt>{k}</dt>
          <dd>{v === null || v === undefined || v === '' ? <span className="muted">—</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}
