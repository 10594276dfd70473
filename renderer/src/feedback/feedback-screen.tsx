/**
 * The Feedback screen: every feedback row in the one grid component (server-side paging, sorting, filters, keyboard,
 * column chooser) with full-text search over comments; what negative feedback says (distinguishing terms); feedback
 * by trait; and ticket analysis. A term or a finding opens the comments behind it in the grid; a comment's panel
 * opens its request in Records or tags it into the edge-case library.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import type { FeedbackGridRow } from '../../../shared/contract-feedback';
import { FEEDBACK_KINDS } from '../../../shared/types';
import type { LoupeErrorData } from '../../../shared/errors';
import { asErrorData } from '../api';
import { type TableName, useApp, useStoredState, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import type { GridColumnMeta } from '../data-grid';
import { DetailPanel, Fields } from '../detail-panel';
import { EmptyWorkspace } from '../empty-state';
import { fmtTs } from '../format';
import { TagChip, ReviewerForm } from '../review/common';
import { TagPicker, type ChosenTag } from '../review/tag-picker';
import { SafeText } from '../safe-text';
import { ServerGrid, type FilterSpec, type FilterValues } from '../server-grid';
import { TermsView } from './terms-view';
import { TicketsView } from './tickets-view';
import { TraitsView } from './traits-view';

/** Tables whose changes refresh the feedback views. */
export const FEEDBACK_TABLES: TableName[] = ['feedback', 'requests', 'reviews', 'tags', 'links', 'tickets'];
const SORTABLE: ReadonlySet<string> = new Set(['ts', 'kind', 'value', 'id', 'feature', 'model_version', 'segment']);
const VALUE_OPTIONS = [
  { value: 'negative', label: 'Negative (any kind)' }, { value: 'positive', label: 'Positive (any kind)' },
  { value: 'thumbs_down', label: 'Thumbs down' }, { value: 'thumbs_up', label: 'Thumbs up' },
  { value: 'csat_low', label: 'CSAT 1-2' }, { value: 'csat_high', label: 'CSAT 4-5' },
  { value: 'detractor', label: 'NPS detractors (0-6)' }, { value: 'passive', label: 'NPS passives (7-8)' }, { value: 'promoter', label: 'NPS promoters (9-10)' },
];

type Tab = 'grid' | 'terms' | 'traits' | 'tickets';
const TABS: Array<[Tab, string]> = [['grid', 'All feedback'], ['terms', 'What negative feedback says'], ['traits', 'By trait'], ['tickets', 'Tickets']];

/** A value with its polarity colour. */
export function ValueBadge({ row }: { row: Pick<FeedbackGridRow, 'value_text' | 'polarity'> }) {
  const cls = row.polarity === 'negative' ? ' bad' : row.polarity === 'positive' ? ' ok' : '';
  return <span className={`badge${cls}`}>{row.value_text}</span>;
}

function columns(zone: string): ColumnDef<FeedbackGridRow, unknown>[] {
  const m = (label: string, extra: Partial<GridColumnMeta> = {}): GridColumnMeta => ({ label, ...extra });
  const text = (v: unknown) => <span className="ellipsis" title={String(v ?? '')}>{String(v ?? '—')}</span>;
  return [
    { id: 'ts', accessorKey: 'ts', header: 'Time', size: 150, meta: m('Time'), cell: (c) => <span className="mono">{fmtTs(c.getValue() as number | null, zone)}</span> },
    { id: 'kind', accessorKey: 'kind', header: 'Kind', size: 130, meta: m('Kind'), cell: (c) => <KindCell row={c.row.original} /> },
    { id: 'value', accessorKey: 'value_text', header: 'Value', size: 150, meta: m('Value'), cell: (c) => <ValueBadge row={c.row.original} /> },
    { id: 'comment', accessorKey: 'comment', header: 'Comment', size: 260, enableSorting: false, meta: m('Comment', { grow: true }), cell: (c) => text(c.getValue()) },
    { id: 'feature', accessorKey: 'feature', header: 'Feature', size: 110, meta: m('Feature'), cell: (c) => text(c.getValue()) },
    { id: 'model_version', accessorKey: 'model_version', header: 'Version', size: 100, meta: m('Model version'), cell: (c) => text(c.getValue()) },
    { id: 'segment', accessorKey: 'segment', header: 'Segment', size: 96, meta: m('Segment'), cell: (c) => text(c.getValue()) },
    { id: 'input_preview', accessorKey: 'input_preview', header: 'Request input', size: 200, enableSorting: false, meta: m('Request input', { grow: true }), cell: (c) => text(c.getValue()) },
    { id: 'review', accessorKey: 'review_failed', header: 'Review', size: 120, enableSorting: false, meta: m('Review'), cell: (c) => <ReviewCell row={c.row.original} /> },
    { id: 'id', accessorKey: 'id', header: 'ID', size: 140, meta: m('ID'), cell: (c) => <span className="mono ellipsis">{String(c.getValue())}</span> },
    { id: 'request_id', accessorKey: 'request_id', header: 'Request', size: 150, enableSorting: false, meta: m('Request'), cell: (c) => <span className="mono ellipsis">{String(c.getValue() ?? '—')}</span> },
  ];
}

/** The kind, marked when an automated evaluator wrote the row (its score is in none of the users' figures). */
function KindCell({ row }: { row: FeedbackGridRow }) {
  return row.automated
    ? <span className="ellipsis" title={`Written by an automated evaluator (source ${row.source ?? '?'}): not in the thumbs, CSAT, NPS or rating figures`}>{row.kind} <span className="muted small">· evaluator</span></span>
    : <>{row.kind}</>;
}

function ReviewCell({ row }: { row: FeedbackGridRow }) {
  const verdict = row.reviewed ? <span className={`badge ${row.review_failed ? 'bad' : 'ok'}`}>{row.review_failed ? 'failed' : 'passed'}</span> : null;
  const tags = row.tags.length ? <span className="muted small"> {row.tags.map((t) => t.name).join(', ')}</span> : null;
  return verdict || tags ? <span className="ellipsis">{verdict}{tags}</span> : <span className="muted">—</span>;
}

/** The Feedback route. `onOpenRequest` shows a request on the Records screen. */
export function FeedbackScreen({ onImport, onOpenRequest }: { onImport: () => void; onOpenRequest: (id: string) => void }) {
  const { info } = useApp();
  const [tab, setTab] = useStoredState<Tab>('loupe.feedback.tab', 'grid');
  const [preset, setPreset] = useState<FilterValues | null>(null);
  if (info.counts.feedback === 0 && info.counts.tickets === 0) return <EmptyWorkspace what="feedback" onImport={onImport} />;
  // Tickets without any feedback: the ticket analysis is all there is to show (it was hidden behind "No feedback yet").
  const onlyTickets = info.counts.feedback === 0;
  const tabs = onlyTickets ? TABS.filter(([t]) => t === 'tickets') : TABS;
  const shown: Tab = onlyTickets ? 'tickets' : tab;
  const openComments = (values: FilterValues) => { setPreset({ ...values }); setTab('grid'); };
  return (
    <div className="review-area">
      <div className="area-head">
        <div className="tabs area-tabs" role="tablist" aria-label="Feedback">
          {tabs.map(([t, l]) => <button key={t} type="button" role="tab" aria-selected={shown === t} className={`tab${shown === t ? ' on' : ''}`} onClick={() => setTab(t)}>{l}</button>)}
        </div>
        {onlyTickets && <span className="muted small" data-testid="no-feedback-note">No feedback yet: import thumbs, ratings, surveys or comments for the other views.</span>}
      </div>
      <div className="area-body feedback-body" role="tabpanel" aria-label={tabs.find(([t]) => t === shown)?.[1]}>
        {shown === 'grid' && <FeedbackGrid preset={preset} onOpenRequest={onOpenRequest} />}
        {shown === 'terms' && <TermsView onOpenComments={openComments} />}
        {shown === 'traits' && <TraitsView onOpenComments={openComments} />}
        {shown === 'tickets' && <TicketsView />}
      </div>
    </div>
  );
}

function FeedbackGrid({ preset, onOpenRequest }: { preset: FilterValues | null; onOpenRequest: (id: string) => void }) {
  const { info } = useApp();
  const zone = info.time_zone;
  const cols = useMemo(() => columns(zone), [zone]);
  const facets = useStoreQuery('feedback.facets', {}, FEEDBACK_TABLES).data;
  const filters = useMemo<FilterSpec[]>(() => [
    { kind: 'text', key: 'text', placeholder: 'Search comments' },
    { kind: 'multi', key: 'kind', label: 'Kind', options: [...FEEDBACK_KINDS] },
    { kind: 'select', key: 'value', label: 'Value', options: VALUE_OPTIONS },
    { kind: 'select', key: 'week', label: 'Week', options: (facets?.weeks ?? []).map((w) => ({ value: w, label: w })) },
    { kind: 'multi', key: 'feature', label: 'Feature', options: facets?.feature ?? [] },
    { kind: 'multi', key: 'model_version', label: 'Version', options: facets?.model_version ?? [] },
    { kind: 'multi', key: 'segment', label: 'Segment', options: facets?.segment ?? [] },
    ...(facets?.region.length ? [{ kind: 'multi' as const, key: 'region', label: 'Region', options: facets.region }] : []),
    { kind: 'multi', key: 'lang', label: 'Language', options: facets?.lang ?? [] },
    { kind: 'tri', key: 'has_comment', label: 'Comment' },
    { kind: 'tri', key: 'linked', label: 'Linked' },
    { kind: 'select', key: 'from', label: 'From', options: [{ value: 'users', label: 'Users' }, { value: 'evaluators', label: 'Evaluators' }] },
  ], [facets]);
  return (
    <ServerGrid<FeedbackGridRow>
      label="Feedback" method="feedback.query" tables={FEEDBACK_TABLES} columns={cols} filters={filters}
      sortable={SORTABLE} defaultSort={{ id: 'ts', desc: true }} preset={preset}
      columnsKey="loupe.feedback.columns" defaultHidden={{ id: false, request_id: false, segment: false }}
      getRowId={(r) => r.id}
      panel={(id, ctl) => <FeedbackPanel id={id} onClose={ctl.close} onStep={ctl.step} onOpenRequest={onOpenRequest} />}
      empty={{ filtered: 'No feedback matches these filters.', none: 'No feedback.' }} />
  );
}

function FeedbackPanel({ id, onClose, onStep, onOpenRequest }: { id: string; onClose: () => void; onStep: (d: 1 | -1) => void; onOpenRequest: (id: string) => void }) {
  const { info } = useApp();
  const { data, error } = useStoreQuery('feedback.query', { limit: 1, filter: { id } }, FEEDBACK_TABLES);
  const f = data?.rows.find((r) => r.id === id) ?? null;
  return (
    <DetailPanel testId="feedback-detail" focusKey={id} onClose={onClose} onStep={onStep}
      title={<><span className="muted">Feedback</span> <span className="mono">{id}</span></>}>
      {error && <ErrorNote error={error} />}
      {!f && !error && <p className="muted">{data ? 'This feedback is no longer in the workspace.' : 'Loading…'}</p>}
      {f && (
        <>
          <div className="detail-toolbar"><ValueBadge row={f} /><span className="muted">{fmtTs(f.ts, info.time_zone)}</span></div>
          <h3>Comment</h3>
          {f.comment ? <SafeText text={f.comment} markdown={false} label="Comment" /> : <p className="muted">No comment.</p>}
          <h3>Details</h3>
          <Fields items={[['Kind', f.kind], ['Value', f.value_text], ['Source label', f.label], ['User', f.user_id], ['Source', f.automated ? `${f.source ?? ''} (an automated evaluator: not in the users' figures)` : f.source],
            ['Linked by', !f.request_id ? null : !f.request_found ? 'not linked: its request id names no request in this workspace'
              : f.link_method === 'session' ? 'its session (latest request before it)' : f.link_method === 'trace' ? 'its trace (latest request of the trace)' : 'request id in the feedback']]} />
          <h3>Request</h3>
          {!f.request_found ? <p className="muted">{f.request_id ? `Request ${f.request_id} is not in this workspace.` : 'Not linked to a request.'}</p> : (
            <>
              <Fields items={[['Feature', f.feature], ['Model version', f.model_version], ['Segment', f.segment], ['Language', f.lang],
                ['Review', f.reviewed ? (f.review_failed ? 'failed' : 'passed') : 'not reviewed'],
                ['Edge-case tags', f.tags.length ? <span className="tags">{f.tags.map((t) => <TagChip key={t.id} name={t.name} colour={t.colour} />)}</span> : null]]} />
              <h4 className="small muted">Input (first 200 characters)</h4>
              <SafeText text={f.input_preview} markdown={false} label="Input (start)" />
              <h4 className="small muted">Output (first 200 characters)</h4>
              <SafeText text={f.output_preview} markdown={false} label="Output (start)" />
              <div className="row-gap">
                <button type="button" className="btn sm" onClick={() => onOpenRequest(f.request_id!)}>Open request in Records</button>
              </div>
              <EdgeCaseForm key={f.id} feedbackId={f.id} />
            </>
          )}
        </>
      )}
    </DetailPanel>
  );
}

/** Tags the comment's request into the edge-case library (feedback.tagEdgeCase), asking for the reviewer name first. */
function EdgeCaseForm({ feedbackId }: { feedbackId: string }) {
  const { client } = useApp();
  const reviewer = useStoreQuery('review.getReviewer', {}, ['meta']);
  const [tags, setTags] = useState<ChosenTag[]>([]);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const r = await client.call('feedback.tagEdgeCase', { feedback_id: feedbackId, tag_ids: tags.map((t) => t.id) });
      setDone(`Added to the edge-case library (review ${r.review_id}).`);
      setTags([]);
      setError(null);
    } catch (e) { setError(asErrorData(e)); } finally { setBusy(false); }
  };
  return (
    <section className="edge-case-form" aria-label="Tag as edge case">
      <h3>Tag as edge case</h3>
      {reviewer.data && reviewer.data.reviewer === null ? (
        <>
          <p className="muted small">Edge cases record who tagged them: set your reviewer name first.</p>
          <ReviewerForm current={null} onSaved={() => reviewer.reload()} />
        </>
      ) : (
        <>
          <TagPicker value={tags} onChange={setTags} onLeave={() => undefined} />
          <div className="row-gap">
            <button type="button" className="btn sm primary" disabled={tags.length === 0 || busy} onClick={() => void save()}>Add to edge cases</button>
            {done && <span className="ok-text small" role="status">{done}</span>}
          </div>
        </>
      )}
      {error && <ErrorNote error={error} />}
    </section>
  );
}
