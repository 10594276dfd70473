/**
 * The side panel that shows one record; Escape or the close button closes it and focus returns to the grid.
 * ↑/↓ (or k/j) inside the panel step to the previous/next grid row and show its record (`onStep`).
 */
import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A labelled region beside the grid. Focus moves into it when `focusKey` changes, so keyboard users land on it.
 * `onStep(+1 | -1)` is called for ↓/j and ↑/k pressed anywhere in the panel except in a text field.
 */
export function DetailPanel({ title, onClose, children, focusKey, testId, onStep }: {
  title: ReactNode; onClose: () => void; children: ReactNode; focusKey: string; testId: string; onStep?: (delta: 1 | -1) => void;
}) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => { ref.current?.focus(); }, [focusKey]);
  return (
    <aside className="detail" ref={ref} tabIndex={-1} aria-label="Details" data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === 'Escape') { e.stopPropagation(); onClose(); return; }
        const t = e.target as HTMLElement;
        if (!onStep || e.altKey || e.ctrlKey || e.metaKey || t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
        const delta = e.key === 'ArrowDown' || e.key === 'j' ? 1 : e.key === 'ArrowUp' || e.key === 'k' ? -1 : 0;
        if (delta) { e.preventDefault(); e.stopPropagation(); onStep(delta); }
      }}>
      <header className="detail-head">
        <h2 className="detail-title">{title}</h2>
        <button type="button" className="btn sm ghost" onClick={onClose} aria-label="Close details" title="Close (Esc)">✕</button>
      </header>
      <div className="detail-body">{children}</div>
    </aside>
  );
}

/**
 * The id `delta` rows away from `selected` in `ids` (the grid's current page), or `selected` itself at either end
 * of the page or when it is not on the page.
 */
export function stepId(ids: string[], selected: string, delta: number): string {
  const i = ids.indexOf(selected);
  if (i < 0) return selected;
  return ids[Math.max(0, Math.min(ids.length - 1, i + delta))] ?? selected;
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
