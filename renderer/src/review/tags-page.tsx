/**
 * Edge-case tags: every tag with its use count and its items per ISO week (tags.weekly), renaming with colour and
 * description (tags.rename), and merging one tag into another (tags.merge: the reviews keep their items, the merged
 * tag goes away).
 */
import { useMemo, useState } from 'react';
import type { LoupeErrorData } from '../../../shared/errors';
import type { ReviewTag } from '../../../shared/review-types';
import { asErrorData } from '../api';
import { useApp, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtInt } from '../format';
import { TagChip } from './common';

const WEEKS_SHOWN = 8;

/** The Tags tab. */
export function TagsPage() {
  const tags = useStoreQuery('tags.list', {}, ['tags', 'reviews']);
  const weekly = useStoreQuery('tags.weekly', {}, ['tags', 'reviews']);
  const [editing, setEditing] = useState<number | null>(null);
  const [merging, setMerging] = useState<number | null>(null);
  const weeks = useMemo(() => [...new Set((weekly.data ?? []).map((w) => w.week))].sort().slice(-WEEKS_SHOWN), [weekly.data]);
  const counts = useMemo(() => new Map((weekly.data ?? []).map((w) => [`${w.tag_id} ${w.week}`, w.items])), [weekly.data]);
  const list = tags.data ?? [];
  return (
    <div className="page wide-page">
      <section className="card" aria-label="Tags" data-testid="tags-page">
        <div className="card-head">
          <h2>Edge-case tags</h2>
          <span className="muted small">Items per ISO week, by the request’s time{weeks.length ? ` (last ${weeks.length} week${weeks.length === 1 ? '' : 's'} with tags)` : ''}. New tags are made while reviewing (<kbd>t</kbd>).</span>
        </div>
        {tags.error && <ErrorNote error={tags.error} />}
        {list.length === 0 && !tags.loading && <p className="muted">No tags yet. Tag an item on the review screen to start the edge-case library.</p>}
        {list.length > 0 && (
          <div className="table-scroll tall">
            <table className="table compact" data-testid="tags-table">
              <thead>
                <tr><th>Tag</th><th>Description</th><th className="num">Items</th>{weeks.map((w) => <th key={w} className="num nowrap">{w}</th>)}<th /></tr>
              </thead>
              <tbody>
                {list.map((t) => (
                  <TagRow key={t.id} t={t} weeks={weeks} counts={counts} others={list.filter((o) => o.id !== t.id)}
                    editing={editing === t.id} merging={merging === t.id}
                    onEdit={() => { setEditing(editing === t.id ? null : t.id); setMerging(null); }}
                    onMerge={() => { setMerging(merging === t.id ? null : t.id); setEditing(null); }}
                    onDone={() => { setEditing(null); setMerging(null); }} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function TagRow({ t, weeks, counts, others, editing, merging, onEdit, onMerge, onDone }: {
  t: ReviewTag; weeks: string[]; counts: Map<string, number>; others: ReviewTag[]; editing: boolean; merging: boolean;
  onEdit: () => void; onMerge: () => void; onDone: () => void;
}) {
  const { client } = useApp();
  const [name, setName] = useState(t.name);
  const [colour, setColour] = useState(t.colour);
  const [description, setDescription] = useState(t.description);
  const [into, setInto] = useState<number | ''>('');
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const span = weeks.length + 4;
  const rename = async () => {
    try {
      await client.call('tags.rename', { tag_id: t.id, name, colour, description });
      setError(null);
      onDone();
    } catch (e) { setError(asErrorData(e)); }
  };
  const merge = async () => {
    if (into === '') { setError({ code: 'BAD_REQUEST', message: 'Pick the tag to merge into.' }); return; }
    try {
      await client.call('tags.merge', { from: t.id, into });
      setError(null);
      onDone();
    } catch (e) { setError(asErrorData(e)); }
  };
  return (
    <>
      <tr data-testid="tag-row" data-tag={t.name}>
        <td><TagChip name={t.name} colour={t.colour} /></td>
        <td className="wrap small muted">{t.description}</td>
        <td className="num strong">{fmtInt(t.uses)}</td>
        {weeks.map((w) => <td key={w} className="num">{counts.get(`${t.id} ${w}`) ? fmtInt(counts.get(`${t.id} ${w}`)!) : <span className="muted">·</span>}</td>)}
        <td className="row-actions">
          <button type="button" className="btn sm ghost" aria-expanded={editing} onClick={onEdit}>Edit</button>
          <button type="button" className="btn sm ghost" aria-expanded={merging} onClick={onMerge} disabled={others.length === 0}>Merge…</button>
        </td>
      </tr>
      {editing && (
        <tr className="sub-row"><td colSpan={span}>
          <form className="row-gap" onSubmit={(e) => { e.preventDefault(); void rename(); }}>
            <label className="inline-label">Name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} aria-label="Tag name" /></label>
            <label className="inline-label">Colour <input type="color" className="colour-input" value={colour} onChange={(e) => setColour(e.target.value)} aria-label="Tag colour" /></label>
            <label className="inline-label grow">Description <input className="grow" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} aria-label="Tag description" /></label>
            <button type="submit" className="btn sm primary">Save</button>
            <button type="button" className="btn sm ghost" onClick={onDone}>Cancel</button>
          </form>
          {error && <ErrorNote error={error} />}
        </td></tr>
      )}
      {merging && (
        <tr className="sub-row"><td colSpan={span}>
          <form className="row-gap" onSubmit={(e) => { e.preventDefault(); void merge(); }}>
            <span>Merge <b>{t.name}</b> ({fmtInt(t.uses)} items) into</span>
            <select value={into} onChange={(e) => setInto(e.target.value === '' ? '' : Number(e.target.value))} aria-label="Merge into">
              <option value="">Pick a tag…</option>
              {others.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
            </select>
            <button type="submit" className="btn sm danger">Merge</button>
            <button type="button" className="btn sm ghost" onClick={onDone}>Cancel</button>
            <span className="muted small">Every review tagged “{t.name}” gets the other tag; “{t.name}” is deleted.</span>
          </form>
          {error && <ErrorNote error={error} />}
        </td></tr>
      )}
    </>
  );
}
