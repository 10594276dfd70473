/**
 * Small pieces the review screens share: the file download, tag chips, and the reviewer-name form.
 */
import { useEffect, useRef, useState } from 'react';
import type { RenderedFile } from '../../../shared/review-types';
import type { LoupeErrorData } from '../../../shared/errors';
import { asErrorData } from '../api';
import { useApp } from '../app-context';

/**
 * Saves a rendered file (report, export) through a Blob and an `<a download>`: the browser's download in browser
 * mode, Electron's save handling in the desktop app. Text arrives as UTF-8; binary files (the report's PDF) arrive
 * base64-encoded (`encoding: 'base64'`) and are saved as their bytes.
 */
export function downloadFile(f: Pick<RenderedFile, 'text' | 'mime' | 'file_name'> & { encoding?: 'utf8' | 'base64' }): void {
  const binary = f.encoding === 'base64';
  const data = binary ? Uint8Array.from(atob(f.text), (c) => c.charCodeAt(0)) : f.text;
  const blob = new Blob([data], { type: binary ? f.mime : `${f.mime};charset=utf-8` });
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
