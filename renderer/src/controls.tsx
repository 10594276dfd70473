/** Small form controls shared by the screens: filter pickers and the inline error note. */
import { useEffect, useRef, useState } from 'react';
import type { LoupeErrorData } from '../../shared/errors';

/**
 * A multi-select shown as a button with a popover of checkboxes (a native <details>, so it opens with Enter/Space
 * and closes with Escape). An empty selection means "any".
 */
export function MultiSelect({ label, options, value, onChange }: {
  label: string; options: string[]; value: string[]; onChange: (v: string[]) => void;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: MouseEvent) => {
      if (ref.current?.open && !ref.current.contains(e.target as Node)) ref.current.open = false;
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, []);
  const summary = value.length === 0 ? 'Any' : value.length === 1 ? value[0] : `${value.length} selected`;
  return (
    <details className="popover" ref={ref} onKeyDown={(e) => {
      if (e.key === 'Escape' && ref.current?.open) {
        e.stopPropagation();
        ref.current.open = false;
        ref.current.querySelector('summary')?.focus();
      }
    }}>
      <summary className={`btn sm filter-btn${value.length ? ' on' : ''}`} aria-label={`${label}: ${summary}`}>
        <span className="filter-label">{label}</span> <span className="filter-value">{summary}</span>
      </summary>
      <div className="popover-body" role="group" aria-label={label}>
        {options.length === 0 ? <span className="muted">No values</span> : options.map((o) => (
          <label key={o} className="check">
            <input type="checkbox" checked={value.includes(o)}
              onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((x) => x !== o))} />
            <span className="ellipsis" title={o}>{o}</span>
          </label>
        ))}
        {value.length > 0 && <button type="button" className="btn sm link" onClick={() => onChange([])}>Clear</button>}
      </div>
    </details>
  );
}

/** Any / Yes / No for a boolean filter; undefined means "any". */
export function TriState({ label, value, onChange }: { label: string; value: boolean | undefined; onChange: (v: boolean | undefined) => void }) {
  return (
    <label className="inline-label">
      {label}
      <select value={value === undefined ? '' : value ? 'yes' : 'no'}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'yes')}>
        <option value="">Any</option>
        <option value="yes">Yes</option>
        <option value="no">No</option>
      </select>
    </label>
  );
}

/** A search box whose text the caller debounces. */
export function SearchBox({ value, onChange, placeholder, id }: { value: string; onChange: (v: string) => void; placeholder: string; id: string }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  return (
    <input id={id} type="search" className="search" value={v} placeholder={placeholder} aria-label={placeholder}
      data-search
      onChange={(e) => { setV(e.target.value); onChange(e.target.value); }} />
  );
}

/** An error shown where it happened: the message, the next step, and the buttons the caller offers. */
export function ErrorNote({ error, children }: { error: LoupeErrorData; children?: React.ReactNode }) {
  return (
    <div className="error-note" role="alert">
      <div>
        <strong>{error.message}</strong>
        {error.action && <div className="error-action">{error.action}</div>}
      </div>
      {children && <div className="row-gap">{children}</div>}
    </div>
  );
}
