/**
 * Edge-case tags on the review screen: chips of the chosen tags and an input with autocomplete (tags.list by
 * prefix). Keyboard: type, ↓/↑ pick a suggestion, Enter adds it; Enter on "Create tag" creates the tag at once
 * (tags.create, with a default colour; colour and description are edited later on the Tags tab) and adds it.
 * Backspace in an empty input removes the last chip; Escape clears the typed text and leaves (the caller moves focus
 * back to the review). The caller remounts the picker per item (`key`), so typed text never carries over.
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

/** What the review form may ask the picker: focus it, or read text typed but not yet added as a tag. */
export interface TagPickerHandle { focus: () => void; pending: () => string }

/** The tag input of the review form. `onLeave` is called on Escape so focus returns to the review. */
export const TagPicker = forwardRef<TagPickerHandle, { value: ChosenTag[]; onChange: (v: ChosenTag[]) => void; onLeave: () => void }>(
  function TagPicker({ value, onChange, onLeave }, ref) {
    const { client } = useApp();
    const [text, setText] = useState('');
    const [open, setOpen] = useState(false);
    const [options, setOptions] = useState<ReviewTag[]>([]);
    // The text the options were listed for: until the list for the current text arrives, Enter looks it up first
    // (a pasted or quickly typed new tag attached the tag highlighted in the list of the text before).
    const [optionsFor, setOptionsFor] = useState<string | null>(null);
    const [hi, setHi] = useState(0);
    const [creating, setCreating] = useState(false);
    const [error, setError] = useState<LoupeErrorData | null>(null);
    const inputRef = useRef<HTMLInputElement>(null);
    const listId = useId();
    const textRef = useRef(text);
    useEffect(() => { textRef.current = text; }, [text]);
    useImperativeHandle(ref, () => ({ focus: () => { inputRef.current?.focus(); setOpen(true); }, pending: () => textRef.current.trim() }), []);

    useEffect(() => {
      if (!open) return;
      let live = true;
      const q = text.trim();
      client.call('tags.list', q ? { prefix: q } : {}).then((t) => { if (live) { setOptions(t); setOptionsFor(q); setHi(0); } }, () => undefined);
      return () => { live = false; };
    }, [client, text, open]);

    const chosen = new Set(value.map((t) => t.id));
    const shown = options.filter((o) => !chosen.has(o.id)).slice(0, 8);
    const exact = options.some((o) => o.name.toLowerCase() === text.trim().toLowerCase());
    const createRow = text.trim() !== '' && !exact;
    const rows = shown.length + (createRow ? 1 : 0);

    const add = (t: ChosenTag) => { onChange([...value, { id: t.id, name: t.name, colour: t.colour }]); setText(''); setHi(0); setError(null); };
    /** Enter before the list for the current text arrived: the same choice, made on that list (its first row, else a new tag). */
    const enterFresh = async (q: string) => {
      try {
        const fresh = await client.call('tags.list', q ? { prefix: q } : {});
        const first = fresh.filter((o) => !chosen.has(o.id))[0];
        if (first) add(first);
        else if (q) void create();
      } catch (e) { setError(asErrorData(e)); }
    };
    const create = async () => {
      const name = text.trim();
      if (!name || creating) return;
      setCreating(true);
      try {
        const t = await client.call('tags.create', { name, colour: COLOURS[(options.length + value.length) % COLOURS.length]!, description: '' });
        add(t);
      } catch (e) { setError(asErrorData(e)); } finally { setCreating(false); }
    };

    return (
      <div className="tag-picker" data-testid="tag-picker" data-own-escape>
        {value.length > 0 && (
          <div className="tags chosen-tags">{value.map((t) => <TagChip key={t.id} name={t.name} colour={t.colour} onRemove={() => onChange(value.filter((x) => x.id !== t.id))} />)}</div>
        )}
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
                if (optionsFor !== text.trim()) void enterFresh(text.trim());
                else if (hi < shown.length) add(shown[hi]!);
                else if (createRow) void create();
              } else if (e.key === 'Backspace' && text === '' && value.length > 0) {
                onChange(value.slice(0, -1));
              } else if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setOpen(false);
                setText('');
                setError(null);
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
                  onMouseDown={(e) => { e.preventDefault(); void create(); }}>
                  <span className="muted">Create tag</span> <b className="ellipsis">“{text.trim()}”</b>
                </li>
              )}
            </ul>
          )}
        </div>
        {error && <p className="err-text small" role="alert">{error.message}</p>}
      </div>
    );
  });
