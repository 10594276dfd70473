/**
 * Edge-case tags on the review screen: chips of the chosen tags, an input with autocomplete (tags.list by prefix),
 * and an inline form to create a new tag with a colour and a description (tags.create). Keyboard: type, ↓/↑ pick
 * a suggestion, Enter adds it (or opens "create" when nothing matches), Backspace in an empty input removes the
 * last chip, Escape leaves (the caller moves focus back to the review).
 */
import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState } from 'react';
import type { LoupeErrorData } from '../../../shared/errors';
import type { ReviewTag } from '../../../shared/review-types';
import { asErrorData } from '../api';
import { useApp } from '../app-context';
import { TagChip } from './common';

/** A chosen tag as the review draft keeps it. */
export interface ChosenTag { id: number; name: string; colour: string }

const COLOURS = ['#d9480f', '#1971c2', '#2f9e44', '#ae3ec9', '#e67700', '#0c8599', '#c2255c', '#5f3dc4'];

export interface TagPickerHandle { focus: () => void }

/** The tag input of the review form. `onLeave` is called on Escape so focus returns to the review. */
export const TagPicker = forwardRef<TagPickerHandle, { value: ChosenTag[]; onChange: (v: ChosenTag[]) => void; onLeave: () => void }>(
  function TagPicker({ value, onChange, onLeave }, ref) {
    const { client } = useApp();
    const [text, setText] = useState('');
    const [open, setOpen] = useState(false);
    const [options, setOptions] = useState<ReviewTag[]>([]);
    const [hi, setHi] = useState(0);
    const [creating, setCreating] = useState<{ name: string; colour: string; description: string } | null>(null);
    const [error, setError] = useState<LoupeErrorData | null>(null);
    const inputRef = useRef<HTMLInputElement>(null);
    const createNameRef = useRef<HTMLInputElement>(null);
    const listId = useId();
    useImperativeHandle(ref, () => ({ focus: () => { inputRef.current?.focus(); setOpen(true); } }), []);

    useEffect(() => {
      if (!open) return;
      let live = true;
      client.call('tags.list', text.trim() ? { prefix: text.trim() } : {}).then((t) => { if (live) { setOptions(t); setHi(0); } }, () => undefined);
      return () => { live = false; };
    }, [client, text, open]);
    // Focus follows the form: into the new-tag name when it opens, back to the tag input when it closes.
    const isCreating = creating !== null;
    const wasCreating = useRef(false);
    useEffect(() => {
      if (isCreating) createNameRef.current?.focus();
      else if (wasCreating.current) inputRef.current?.focus();
      wasCreating.current = isCreating;
    }, [isCreating]);

    const chosen = new Set(value.map((t) => t.id));
    const shown = options.filter((o) => !chosen.has(o.id)).slice(0, 8);
    const exact = options.some((o) => o.name.toLowerCase() === text.trim().toLowerCase());
    const createRow = text.trim() !== '' && !exact;
    const rows = shown.length + (createRow ? 1 : 0);

    const add = (t: ChosenTag) => { onChange([...value, { id: t.id, name: t.name, colour: t.colour }]); setText(''); setHi(0); };
    const startCreate = () => {
      setCreating({ name: text.trim(), colour: COLOURS[(options.length + value.length) % COLOURS.length]!, description: '' });
      setOpen(false);
    };
    const create = async () => {
      if (!creating) return;
      try {
        const t = await client.call('tags.create', { name: creating.name, colour: creating.colour, description: creating.description });
        add(t);
        setCreating(null);
        setError(null);
      } catch (e) { setError(asErrorData(e)); }
    };

    return (
      <div className="tag-picker" data-testid="tag-picker" data-own-escape>
        {value.length > 0 && (
          <div className="tags chosen-tags">{value.map((t) => <TagChip key={t.id} name={t.name} colour={t.colour} onRemove={() => onChange(value.filter((x) => x.id !== t.id))} />)}</div>
        )}
        {!creating && (
          <div className="combo">
            <input ref={inputRef} value={text} placeholder="Add an edge-case tag…" aria-label="Add tag" role="combobox"
              aria-expanded={open && rows > 0} aria-controls={listId} aria-autocomplete="list"
              aria-activedescendant={open && rows > 0 ? `${listId}-${hi}` : undefined}
              onFocus={() => setOpen(true)} onBlur={() => setTimeout(() => setOpen(false), 120)}
              onChange={(e) => { setText(e.target.value); setOpen(true); }}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') { e.preventDefault(); setHi((h) => Math.min(rows - 1, h + 1)); }
                else if (e.key === 'ArrowUp') { e.preventDefault(); setHi((h) => Math.max(0, h - 1)); }
                else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
                  if (!text.trim() && shown.length === 0) return;
                  e.preventDefault();
                  e.stopPropagation();
                  if (hi < shown.length) add(shown[hi]!);
                  else if (createRow) startCreate();
                } else if (e.key === 'Backspace' && text === '' && value.length > 0) {
                  onChange(value.slice(0, -1));
                } else if (e.key === 'Escape') {
                  e.preventDefault();
                  e.stopPropagation();
                  setOpen(false);
                  onLeave();
                }
              }} />
            {open && rows > 0 && (
              <ul className="combo-list" id={listId} role="listbox" aria-label="Tags">
                {shown.map((o, i) => (
                  <li key={o.id} id={`${listId}-${i}`} role="option" aria-selected={i === hi} className={i === hi ? 'on' : ''}
                    onMouseDown={(e) => { e.preventDefault(); add(o); }}>
                    <span className="tag-dot" style={{ background: o.colour }} aria-hidden /> <span className="grow ellipsis">{o.name}</span>
                    <span className="muted small">{o.uses} item{o.uses === 1 ? '' : 's'}</span>
                  </li>
                ))}
                {createRow && (
                  <li id={`${listId}-${shown.length}`} role="option" aria-selected={hi === shown.length} className={hi === shown.length ? 'on' : ''}
                    onMouseDown={(e) => { e.preventDefault(); startCreate(); }}>
                    <span className="muted">Create tag</span> <b className="ellipsis">“{text.trim()}”</b>
                  </li>
                )}
              </ul>
            )}
          </div>
        )}
        {creating && (
          <form className="tag-create" aria-label="New tag" data-testid="tag-create"
            onSubmit={(e) => { e.preventDefault(); e.stopPropagation(); void create(); }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); setCreating(null); }
              if (e.key === 'Enter') e.stopPropagation();
            }}>
            <div className="row-gap">
              <input ref={createNameRef} className="grow" value={creating.name} maxLength={80} aria-label="New tag name"
                onChange={(e) => setCreating({ ...creating, name: e.target.value })} />
              <input type="color" value={creating.colour} aria-label="New tag colour" className="colour-input"
                onChange={(e) => setCreating({ ...creating, colour: e.target.value })} />
            </div>
            <input value={creating.description} maxLength={2000} aria-label="New tag description" placeholder="What this tag means (optional)"
              onChange={(e) => setCreating({ ...creating, description: e.target.value })} />
            <div className="row-gap">
              <button type="submit" className="btn sm primary">Create tag <kbd>Enter</kbd></button>
              <button type="button" className="btn sm ghost" onClick={() => setCreating(null)}>Cancel <kbd>Esc</kbd></button>
            </div>
            {error && <p className="err-text small" role="alert">{error.message}</p>}
          </form>
        )}
      </div>
    );
  });
