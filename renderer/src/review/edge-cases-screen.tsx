/**
 * The edge-case library: every tagged item across weeks (edgeCases.query), filtered by tag, ISO week and model
 * version, with the item's input and output as safe text; exported as JSONL (an evaluation set: input, output,
 * tags, notes, verdicts, rubric version, source ids) or CSV (edgeCases.export), saved through a download.
 */
import { useMemo, useState } from 'react';
import type { EdgeCase } from '../../../shared/review-types';
import type { LoupeErrorData } from '../../../shared/errors';
import { asErrorData } from '../api';
import { useApp, useStoredState, useStoreQuery } from '../app-context';
import { ErrorNote, MultiSelect } from '../controls';
import { fmtInt, fmtTs } from '../format';
import { SafeText } from '../safe-text';
import { downloadFile, TagChip } from './common';
import { fmtVerdict } from './review-format';

/** The Edge cases screen. */
export function EdgeCasesScreen() {
  const { client, info } = useApp();
  const tags = useStoreQuery('tags.list', {}, ['tags', 'reviews']);
  const weekly = useStoreQuery('tags.weekly', {}, ['tags', 'reviews']);
  const [tagNames, setTagNames] = useState<string[]>([]);
  const [week, setWeek] = useState('');
  const [versions, setVersions] = useState<string[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [markdown, setMarkdown] = useStoredState('loupe.markdown', false);
  const [exportError, setExportError] = useState<LoupeErrorData | null>(null);
  const [exported, setExported] = useState<string | null>(null);

  const tagIds = useMemo(() => (tags.data ?? []).filter((t) => tagNames.includes(t.name)).map((t) => t.id), [tags.data, tagNames]);
  const filter = useMemo(() => ({
    ...(tagIds.length ? { tag_ids: tagIds } : {}), ...(week ? { week } : {}), ...(versions.length ? { model_version: versions } : {}),
  }), [tagIds, week, versions]);
  const all = useStoreQuery('edgeCases.query', {}, ['reviews', 'tags', 'requests']);
  const cases = useStoreQuery('edgeCases.query', filter, ['reviews', 'tags', 'requests']);
  const weeks = useMemo(() => [...new Set((weekly.data ?? []).map((w) => w.week))].sort().reverse(), [weekly.data]);
  const versionOptions = useMemo(() => [...new Set((all.data ?? []).map((c) => c.model_version ?? '').filter(Boolean))].sort(), [all.data]);
  const list = cases.data ?? [];

  const doExport = async (format: 'jsonl' | 'csv') => {
    try {
      const f = await client.call('edgeCases.export', { filter, format });
      downloadFile(f);
      setExported(`Saved ${f.file_name}: ${fmtInt(f.count ?? list.length)} item${(f.count ?? list.length) === 1 ? '' : 's'}.`);
      setExportError(null);
    } catch (e) { setExportError(asErrorData(e)); }
  };

  return (
    <div className="screen split" data-testid="edge-cases">
      <section className="main-col">
        <div className="filter-bar" role="search" aria-label="Filter edge cases">
          <MultiSelect label="Tag" options={(tags.data ?? []).map((t) => t.name)} value={tagNames} onChange={setTagNames} />
          <label className="inline-label">Week
            <select value={week} onChange={(e) => setWeek(e.target.value)} aria-label="Week">
              <option value="">Any</option>
              {weeks.map((w) => <option key={w} value={w}>{w}</option>)}
            </select>
          </label>
          <MultiSelect label="Model version" options={versionOptions} value={versions} onChange={setVersions} />
          <span className="grow" />
          <span className="muted small" data-testid="edge-count">{fmtInt(list.length)} item{list.length === 1 ? '' : 's'}</span>
          <button type="button" className="btn sm" onClick={() => void doExport('jsonl')} disabled={list.length === 0}>Export JSONL</button>
          <button type="button" className="btn sm" onClick={() => void doExport('csv')} disabled={list.length === 0}>Export CSV</button>
        </div>
        {(exportError || cases.error) && <ErrorNote error={(exportError ?? cases.error)!} />}
        {exported && <p className="small pad-x" role="status">{exported}</p>}
        <div className="edge-scroll">
          {list.length === 0 && !cases.loading && <p className="grid-empty">No tagged items{tagNames.length || week || versions.length ? ' match these filters' : ' yet: tag items while reviewing and they collect here'}.</p>}
          {list.length > 0 && (
            <table className="table edge-table" data-testid="edge-table">
              <thead><tr><th>Time</th><th>Week</th><th>Request</th><th>Model version</th><th>Tags</th><th>Verdicts</th><th>Notes</th><th className="num">Rubric</th></tr></thead>
              <tbody>
                {list.map((c) => (
                  <EdgeRow key={c.request_id} c={c} zone={info.time_zone} open={open === c.request_id} onToggle={() => setOpen(open === c.request_id ? null : c.request_id)}
                    markdown={markdown} setMarkdown={setMarkdown} />
                ))}
              </tbody>
            </table>
          )}
        </div>
      </section>
    </div>
  );
}

function EdgeRow({ c, zone, open, onToggle, markdown, setMarkdown }: { c: EdgeCase; zone: string; open: boolean; onToggle: () => void; markdown: boolean; setMarkdown: (v: boolean) => void }) {
  return (
    <>
      <tr className={`click-row${open ? ' selected' : ''}`} data-testid="edge-row" data-request-id={c.request_id} onClick={onToggle}>
        <td className="mono nowrap small">{fmtTs(c.ts, zone)}</td>
        <td className="nowrap">{c.week ?? '—'}</td>
        <td><button type="button" className="btn link mono small" aria-expanded={open} onClick={(e) => { e.stopPropagation(); onToggle(); }}>{c.request_id}</button></td>
        <td>{c.model_version ?? '—'}</td>
        <td><span className="tags">{c.tags.map((t) => <TagChip key={t.id} name={t.name} colour={t.colour} />)}</span></td>
        <td className="small">
          {c.failed ? <span className="badge bad">failure</span> : <span className="badge ok">pass</span>}
          <div className="muted verdict-line">{Object.entries(c.verdicts).map(([k, v]) => `${k} ${fmtVerdict(v, typeof v === 'number' ? 'scale' : 'pass_fail')}`).join(' · ')}</div>
        </td>
        <td className="wrap small">{c.notes.map((n) => n.note).join(' / ')}</td>
        <td className="num small">v{c.rubric_version}</td>
      </tr>
      {open && (
        <tr className="sub-row">
          <td colSpan={8}>
            <div className="edge-detail">
              <div className="row-gap">
                <span className="muted small">{c.model ?? ''} {c.feature ? `· ${c.feature}` : ''} · reviewed by {c.reviewers.join(', ')} · queue{c.queue_ids.length === 1 ? '' : 's'} {c.queue_ids.map((q) => `#${q}`).join(', ')}</span>
                <label className="check small"><input type="checkbox" checked={markdown} onChange={(e) => setMarkdown(e.target.checked)} /> Render markdown</label>
              </div>
              <div className="edge-io">
                <div><h3>Input</h3><SafeText text={c.input} markdown={markdown} label="Input" /></div>
                <div><h3>Output</h3><SafeText text={c.output} markdown={markdown} label="Output" /></div>
              </div>
              {c.notes.length > 0 && <ul className="notes">{c.notes.map((n, i) => <li key={i}><b>{n.reviewer}</b>: {n.note}</li>)}</ul>}
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
