/**
 * Small pieces the review screens share: a store query hook that re-runs when its tables change, the file download,
 * tag chips, and the reviewer-name form.
 */
import { useEffect, useRef, useState } from 'react';
import type { MethodName, ParamsOf, ResultOf } from '../../../shared/contract';
import type { LoupeErrorData } from '../../../shared/errors';
import type { RenderedFile } from '../../../shared/review-types';
import { asErrorData } from '../api';
import { useApp, useTablesVersion } from '../app-context';

type Table = Parameters<typeof useTablesVersion>[number];

/**
 * Calls a store method and keeps its result; re-runs when `params` (compared as JSON) or one of `tables` changes.
 * `params === null` skips the call (e.g. nothing selected yet). The previous result stays visible while a refresh
 * runs, so views do not flicker.
 */
export function useStoreQuery<M extends MethodName>(method: M, params: ParamsOf<M> | null, tables: Table[]): {
  data: ResultOf<M> | null; error: LoupeErrorData | null; loading: boolean; reload: () => void;
} {
  const { client } = useApp();
  const version = useTablesVersion(...tables);
  const [data, setData] = useState<ResultOf<M> | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [loading, setLoading] = useState(params !== null);
  const [tick, setTick] = useState(0);
  const key = params === null ? null : JSON.stringify(params);
  useEffect(() => {
    if (key === null) { setData(null); setLoading(false); return; }
    let live = true;
    setLoading(true);
    client.call(method, JSON.parse(key) as ParamsOf<M>).then((r) => { if (live) { setData(r); setError(null); } },
      (e: unknown) => { if (live) setError(asErrorData(e)); }).finally(() => { if (live) setLoading(false); });
    return () => { live = false; };
  }, [client, method, key, version, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1) };
}

/**
 * Saves a rendered file (report, export) through a Blob and an `<a download>`: the browser's download in browser
 * mode, Electron's save handling in the desktop app.
 */
export function downloadFile(f: RenderedFile): void {
  const blob = new Blob([f.text], { type: `${f.mime};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = f.file_name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click starts the download synchronously; revoke on the next tick so the URL is no longer reachable.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A tag as a coloured chip; `onRemove` adds a remove button (keyboard reachable). */
export function TagChip({ name, colour, onRemove, title }: { name: string; colour: string; onRemove?: () => void; title?: string }) {
  return (
    <span className="tag-chip" title={title ?? name} data-testid="tag-chip">
      <span className="tag-dot" style={{ background: colour }} aria-hidden />
      <span className="tag-name">{name}</span>
      {onRemove && <button type="button" className="tag-x" onClick={onRemove} aria-label={`Remove tag ${name}`}>×</button>}
    </span>
  );
}

/**
 * The reviewer's name: asked once per workspace before the first review, and changeable. Every decision stores it.
 * @param current - the stored name, or null when none is set yet
 */
export function ReviewerForm({ current, onSaved, onCancel }: { current: string | null; onSaved: (name: string) => void; onCancel?: () => void }) {
  const { client } = useApp();
  const [name, setName] = useState(current ?? '');
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => { ref.current?.focus(); ref.current?.select(); }, []);
  const save = async () => {
    if (!name.trim()) { setError({ code: 'BAD_REQUEST', message: 'Enter your name: every review you make is stored with it.' }); return; }
    setBusy(true);
    try {
      const r = await client.call('review.setReviewer', { name: name.trim() });
      onSaved(r.reviewer);
    } catch (e) { setError(asErrorData(e)); } finally { setBusy(false); }
  };
  return (
    <form className="reviewer-form" data-testid="reviewer-form" onSubmit={(e) => { e.preventDefault(); void save(); }}
      onKeyDown={(e) => { if (e.key === 'Escape' && onCancel) { e.stopPropagation(); onCancel(); } }}>
      <label className="stack-label">
        <span>{current ? 'Change the reviewer name' : 'Your name, stored with every review in this workspace'}</span>
        <input ref={ref} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} aria-label="Reviewer name" placeholder="e.g. Dana Smith" />
      </label>
      <div className="row-gap">
        <button type="submit" className="btn primary sm" disabled={busy}>Save name</button>
        {onCancel && <button type="button" className="btn sm ghost" onClick={onCancel}>Cancel</button>}
      </div>
      {error && <p className="err-text small" role="alert">{error.message}</p>}
    </form>
  );
}
