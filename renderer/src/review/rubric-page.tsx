/**
 * The rubric editor: the current version's criteria with their guidance; add, remove and reorder criteria, change
 * a criterion's kind, options and guidance, then save — which makes a new version (rubric.save). Earlier reviews
 * keep the version they were made under; the versions are listed beside the editor and can be viewed.
 */
import { useEffect, useState } from 'react';
import type { LoupeErrorData } from '../../../shared/errors';
import type { Rubric, RubricCriterion } from '../../../shared/review-types';
import { asErrorData } from '../api';
import { useApp, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtTs } from '../format';

import { criterionId } from './review-format';

interface Row { id: string; label: string; kind: RubricCriterion['kind']; options: string; guidance: string; required: boolean; fresh: boolean }

const toRows = (r: Rubric): Row[] => r.criteria.map((c) => ({
  id: c.id, label: c.label, kind: c.kind, options: (c.options ?? []).join('\n'), guidance: c.guidance, required: c.required, fresh: false,
}));

/** The Rubric tab. */
export function RubricPage() {
  const { client, info } = useApp();
  const versions = useStoreQuery('rubric.versions', {}, ['rubrics']);
  const [viewing, setViewing] = useState<number | null>(null);
  const latest = versions.data?.reduce<Rubric | null>((a, r) => (a === null || r.version > a.version ? r : a), null) ?? null;
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (latest && rows === null) setRows(toRows(latest)); }, [latest, rows]);

  const shown = viewing === null ? null : versions.data?.find((v) => v.version === viewing) ?? null;
  const dirty = !!latest && !!rows && JSON.stringify(toRows(latest).map(({ fresh: _f, ...r }) => r)) !== JSON.stringify(rows.map(({ fresh: _f, ...r }) => r));

  const update = (i: number, patch: Partial<Row>) => setRows((rs) => rs!.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const move = (i: number, d: -1 | 1) => setRows((rs) => {
    const a = [...rs!];
    const j = i + d;
    if (j < 0 || j >= a.length) return a;
    [a[i], a[j]] = [a[j]!, a[i]!];
    return a;
  });

  const save = async () => {
    if (!rows) return;
    const criteria: RubricCriterion[] = [];
    for (const [i, r] of rows.entries()) {
      const label = r.label.trim();
      if (!label) { setError({ code: 'BAD_REQUEST', message: `Criterion ${i + 1}: give it a label.` }); return; }
      const options = r.options.split('\n').map((o) => o.trim()).filter(Boolean);
      if (r.kind === 'category' && options.length < 2) { setError({ code: 'BAD_REQUEST', message: `Criterion “${label}”: a category needs at least two options, one per line.` }); return; }
      criteria.push({ id: r.id, label, kind: r.kind, guidance: r.guidance.trim(), required: r.kind === 'pass_fail' ? true : r.required, ...(r.kind === 'category' ? { options } : {}) });
    }
    setBusy(true);
    try {
      const v = await client.call('rubric.save', { criteria });
      setRows(toRows(v));
      setSaved(`Saved as version ${v.version}. New reviews use it; earlier reviews keep their version.`);
      setError(null);
    } catch (e) { setError(asErrorData(e)); } finally { setBusy(false); }
  };

  return (
    <div className="review-cols">
      <div className="review-col-main">
        <section className="card" aria-label="Rubric editor" data-testid="rubric-editor">
          <div className="card-head">
            <h2>Rubric {latest ? `v${latest.version}` : ''} <span className="muted small">{latest && latest.created_at ? `saved ${fmtTs(latest.created_at, info.time_zone)}` : 'the default rubric'}</span></h2>
            <div className="row-gap">
              {dirty && <span className="small warn-text">Unsaved changes</span>}
              <button type="button" className="btn sm" disabled={!dirty} onClick={() => { if (latest) setRows(toRows(latest)); setError(null); }}>Discard</button>
              <button type="button" className="btn sm primary" disabled={!dirty || busy} onClick={() => void save()}>Save as version {latest ? latest.version + 1 : ''}</button>
            </div>
          </div>
          <p className="muted small">Failure, in the estimates, means any pass/fail criterion failed. Scales and categories describe an item without making it a failure. Guidance is shown beside each criterion while reviewing.</p>
          {versions.error && <ErrorNote error={versions.error} />}
          {error && <ErrorNote error={error} />}
          {saved && <p className="small" role="status">{saved}</p>}
          <ol className="rubric-rows">
            {(rows ?? []).map((r, i) => (
              <li key={`${r.id}-${i}`} className="rubric-row" data-testid="rubric-row">
                <div className="rubric-row-head">
                  <span className="muted small mono">{r.id}</span>
                  <div className="btn-group">
                    <button type="button" className="btn sm ghost" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`Move ${r.label} up`}>↑</button>
                    <button type="button" className="btn sm ghost" onClick={() => move(i, 1)} disabled={i === rows!.length - 1} aria-label={`Move ${r.label} down`}>↓</button>
                    <button type="button" className="btn sm ghost danger-text" onClick={() => setRows(rows!.filter((_, j) => j !== i))} disabled={rows!.length <= 1} aria-label={`Remove ${r.label}`}>Remove</button>
                  </div>
                </div>
                <div className="rubric-grid">
                  <label className="stack-label">Label
                    <input value={r.label} maxLength={100} aria-label={`Criterion ${i + 1} label`}
                      onChange={(e) => update(i, { label: e.target.value, ...(r.fresh ? { id: criterionId(e.target.value || 'criterion', rows!.filter((_, j) => j !== i).map((x) => x.id)) } : {}) })} />
                  </label>
                  <label className="stack-label">Kind
                    <select value={r.kind} onChange={(e) => update(i, { kind: e.target.value as Row['kind'] })} aria-label={`Criterion ${i + 1} kind`}>
                      <option value="pass_fail">Pass / fail</option>
                      <option value="scale">Scale 1–5</option>
                      <option value="category">Category</option>
                    </select>
                  </label>
                  <label className="check top-pad">
                    <input type="checkbox" checked={r.kind === 'pass_fail' || r.required} disabled={r.kind === 'pass_fail'} onChange={(e) => update(i, { required: e.target.checked })} />
                    Required
                  </label>
                </div>
                {r.kind === 'category' && (
                  <label className="stack-label">Options, one per line (keys 1–9 pick them in this order)
                    <textarea rows={Math.max(2, r.options.split('\n').length)} value={r.options} onChange={(e) => update(i, { options: e.target.value })} aria-label={`Criterion ${i + 1} options`} />
                  </label>
                )}
                <label className="stack-label">Guidance
                  <textarea rows={2} value={r.guidance} maxLength={4000} onChange={(e) => update(i, { guidance: e.target.value })} aria-label={`Criterion ${i + 1} guidance`} />
                </label>
              </li>
            ))}
          </ol>
          <button type="button" className="btn sm" onClick={() => setRows([...(rows ?? []), { id: criterionId('New criterion', (rows ?? []).map((r) => r.id)), label: 'New criterion', kind: 'pass_fail', options: '', guidance: '', required: true, fresh: true }])}>
            + Add criterion
          </button>
        </section>
      </div>
      <aside className="review-col-side">
        <section className="card" aria-label="Rubric versions">
          <div className="card-head"><h2>Versions</h2></div>
          <ul className="version-list" data-testid="rubric-versions">
            {(versions.data ?? []).slice().sort((a, b) => b.version - a.version).map((v) => (
              <li key={v.version}>
                <button type="button" className={`version${viewing === v.version ? ' on' : ''}`} onClick={() => setViewing(viewing === v.version ? null : v.version)}>
                  <b>v{v.version}</b> <span className="muted small">{v.created_at ? fmtTs(v.created_at, info.time_zone) : 'default'} · {v.criteria.length} criteria</span>
                </button>
              </li>
            ))}
          </ul>
          {shown && (
            <div className="version-view">
              <h3>Version {shown.version}</h3>
              <ol className="plain-list">
                {shown.criteria.map((c) => (
                  <li key={c.id}><b>{c.label}</b> <span className="muted small">{c.kind === 'pass_fail' ? 'pass / fail' : c.kind === 'scale' ? '1–5' : `category: ${(c.options ?? []).join(', ')}`}</span>
                    {c.guidance && <p className="muted small">{c.guidance}</p>}</li>
                ))}
              </ol>
            </div>
          )}
        </section>
      </aside>
    </div>
  );
}
