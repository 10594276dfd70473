/**
 * Records: the requests grid (requests.query, paged/sorted/filtered in SQL) and the request detail panel
 * (requests.get): input and output as safe text with an optional sanitised-markdown view, metadata, feedback,
 * linked tickets and the unmapped source fields.
 */
import type { ColumnDef, PaginationState, SortingState } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import type { Facets, Page, RequestGridRow, RequestQuery } from '../../shared/contract';
import { type TableName, useApp, useDebounced, useStoredState, useStoreQuery } from './app-context';
import { ErrorNote, MultiSelect, SearchBox, TriState } from './controls';
import { DataGrid, type GridColumnMeta } from './data-grid';
import { DetailPanel, Fields, stepId } from './detail-panel';
import { EmptyWorkspace } from './empty-state';
import { dayStartMs, fmtFeedbackValue, fmtGap, fmtInt, fmtMs, fmtTs, fmtUsd, prettyJson } from './format';
import { SafeText } from './safe-text';
import { SliceBar, type SliceRequest } from './monitoring/slice-bar';

type SortColumn = NonNullable<RequestQuery['sort']>['column'];
const SORTABLE = new Set<string>(['ts', 'model', 'model_version', 'feature', 'status', 'latency_ms', 'tokens_in', 'tokens_out', 'cost_usd', 'user_id', 'id']);

interface Filters {
  from: string; to: string; model: string[]; feature: string[]; status: string[];
  model_version: string[]; segment: string[]; region: string[]; lang: string[]; user: string;
  has_feedback: boolean | undefined; has_ticket: boolean | undefined; text: string;
  /** An exact time range from a drill-down (an alert's bucket, a chart point); replaces From/To until cleared. */
  range: { from_ts: number; to_ts: number; label: string } | null;
}
const NO_FILTERS: Filters = {
  from: '', to: '', model: [], feature: [], status: [], model_version: [], segment: [], region: [], lang: [], user: '',
  has_feedback: undefined, has_ticket: undefined, text: '', range: null,
};

/** The tables whose changes refresh the requests grid and its detail panel. */
const GRID_TABLES: TableName[] = ['requests', 'feedback', 'tickets', 'links'];
const EMPTY_PAGE: Page<RequestGridRow> = { rows: [], total: 0 };

export const EMPTY_FACETS: Facets = { model: [], feature: [], status: [], ticket_status: [], ticket_priority: [], ticket_channel: [], model_version: [], segment: [], region: [], lang: [] };

/** A status cell: errors stand out, everything else is quiet. */
export function StatusBadge({ status, isError }: { status: string | null; isError?: boolean }) {
  if (!status) return <span className="muted">—</span>;
  return <span className={`badge${isError ? ' bad' : ''}`}>{status}</span>;
}

function requestColumns(zone: string): ColumnDef<RequestGridRow, unknown>[] {
  const m = (label: string, extra: Partial<GridColumnMeta> = {}): GridColumnMeta => ({ label, ...extra });
  return [
    { id: 'ts', accessorKey: 'ts', header: 'Time', size: 150, meta: m('Time'), cell: (c) => <span className="mono">{fmtTs(c.getValue() as number | null, zone)}</span> },
    { id: 'id', accessorKey: 'id', header: 'ID', size: 150, meta: m('ID'), cell: (c) => <span className="mono ellipsis" title={String(c.getValue())}>{String(c.getValue())}</span> },
    { id: 'model', accessorKey: 'model', header: 'Model', size: 140, meta: m('Model'), cell: (c) => <span className="ellipsis" title={String(c.getValue() ?? '')}>{String(c.getValue() ?? '—')}</span> },
    { id: 'model_version', accessorKey: 'model_version', header: 'Version', size: 110, meta: m('Version'), cell: (c) => String(c.getValue() ?? '—') },
    { id: 'feature', accessorKey: 'feature', header: 'Feature', size: 110, meta: m('Feature'), cell: (c) => <span className="ellipsis">{String(c.getValue() ?? '—')}</span> },
    { id: 'status', accessorKey: 'status', header: 'Status', size: 116, meta: m('Status'), cell: (c) => <StatusBadge status={c.row.original.status} isError={c.row.original.is_error === 1} /> },
    { id: 'input_preview', accessorKey: 'input_preview', header: 'Input', size: 180, enableSorting: false, meta: m('Input', { grow: true }), cell: (c) => <span className="ellipsis">{String(c.getValue() ?? '')}</span> },
    { id: 'latency_ms', accessorKey: 'latency_ms', header: 'Latency', size: 104, meta: m('Latency', { align: 'right' }), cell: (c) => fmtMs(c.getValue() as number | null) },
    { id: 'tokens_in', accessorKey: 'tokens_in', header: 'Tokens in', size: 90, meta: m('Tokens in', { align: 'right' }), cell: (c) => fmtInt(c.getValue() as number | null) },
    { id: 'tokens_out', accessorKey: 'tokens_out', header: 'Tokens out', size: 96, meta: m('Tokens out', { align: 'right' }), cell: (c) => fmtInt(c.getValue() as number | null) },
    { id: 'cost_usd', accessorKey: 'cost_usd', header: 'Cost', size: 90, meta: m('Cost (USD)', { align: 'right' }), cell: (c) => fmtUsd(c.getValue() as number | null) },
    { id: 'output_preview', accessorKey: 'output_preview', header: 'Output', size: 220, enableSorting: false, meta: m('Output', { grow: true }), cell: (c) => <span className="ellipsis">{String(c.getValue() ?? '')}</span> },
    { id: 'feedback_count', accessorKey: 'feedback_count', header: 'Feedback', size: 88, enableSorting: false, meta: m('Feedback', { align: 'right' }), cell: (c) => (c.getValue() ? fmtInt(c.getValue() as number) : '') },
    { id: 'ticket_count', accessorKey: 'ticket_count', header: 'Tickets', size: 72, enableSorting: false, meta: m('Tickets', { align: 'right' }), cell: (c) => (c.getValue() ? fmtInt(c.getValue() as number) : '') },
    { id: 'user_id', accessorKey: 'user_id', header: 'User', size: 120, meta: m('User'), cell: (c) => <span className="ellipsis">{String(c.getValue() ?? '—')}</span> },
    { id: 'region', accessorKey: 'region', header: 'Region', size: 80, enableSorting: false, meta: m('Region'), cell: (c) => String(c.getValue() ?? '—') },
  ];
}

/**
 * The Records screen. `openId` opens a request's detail directly (e.g. from a ticket's linked requests); `slice`
 * filters the grid to the requests behind an alert, a drift row or a chart point.
 */
export function RecordsScreen({ onImport, openId, slice = null }: { onImport: () => void; openId: string | null; slice?: SliceRequest | null }) {
  const { info } = useApp();
  const zone = info.time_zone;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const text = useDebounced(filters.text, 300);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'ts', desc: true }]);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 100 });
  const [visibility, setVisibility] = useStoredState<Record<string, boolean>>('loupe.requests.columns', { id: false, model_version: false, output_preview: false, user_id: false, region: false });
  const [selected, setSelected] = useState<string | null>(openId);
  useEffect(() => { if (openId) setSelected(openId); }, [openId]);
  useEffect(() => {
    if (!slice) return;
    const f = slice.slice.filter;
    setFilters({ ...NO_FILTERS, model: f.model ?? [], feature: f.feature ?? [], status: f.status ?? [], model_version: f.model_version ?? [],
      segment: f.segment ?? [], region: f.region ?? [], lang: f.lang ?? [], user: f.user_id?.[0] ?? '',
      range: { from_ts: slice.slice.from_ts, to_ts: slice.slice.to_ts, label: slice.slice.label } });
    setPagination((p) => ({ ...p, pageIndex: 0 }));
  }, [slice]);
  const user = useDebounced(filters.user, 300);

  const columns = useMemo(() => requestColumns(zone), [zone]);

  const facets = useStoreQuery('records.facets', {}, GRID_TABLES).data ?? EMPTY_FACETS;

  const query = useMemo<RequestQuery>(() => {
    const filter: NonNullable<RequestQuery['filter']> = {};
    const from = filters.range ? filters.range.from_ts : dayStartMs(filters.from, zone);
    const to = filters.range ? filters.range.to_ts : dayStartMs(filters.to, zone, true);
    if (from !== null) filter.from_ts = from;
    if (to !== null) filter.to_ts = to;
    if (filters.model.length) filter.model = filters.model;
    if (filters.feature.length) filter.feature = filters.feature;
    if (filters.status.length) filter.status = filters.status;
    if (filters.model_version.length) filter.model_version = filters.model_version;
    if (filters.segment.length) filter.segment = filters.segment;
    if (filters.region.length) filter.region = filters.region;
    if (filters.lang.length) filter.lang = filters.lang;
    if (user.trim()) filter.user_id = [user.trim()];
    if (filters.has_feedback !== undefined) filter.has_feedback = filters.has_feedback;
    if (filters.has_ticket !== undefined) filter.has_ticket = filters.has_ticket;
    if (text.trim()) filter.text = text.trim();
    const s = sorting[0];
    return {
      offset: pagination.pageIndex * pagination.pageSize,
      limit: pagination.pageSize,
      ...(s && SORTABLE.has(s.id) ? { sort: { column: s.id as SortColumn, desc: s.desc } } : {}),
      filter,
    };
  }, [filters.from, filters.to, filters.range, filters.model, filters.feature, filters.status, filters.model_version, filters.segment, filters.region, filters.lang, user, filters.has_feedback, filters.has_ticket, text, sorting, pagination, zone]);

  const { data, error, loading } = useStoreQuery('requests.query', query, GRID_TABLES);
  const page = data ?? EMPTY_PAGE;

  const setFilter = <K extends keyof Filters>(k: K, v: Filters[K]) => {
    setFilters((f) => ({ ...f, [k]: v }));
    setPagination((p) => ({ ...p, pageIndex: 0 }));
  };
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  if (info.counts.requests === 0) return <EmptyWorkspace what="requests" onImport={onImport} />;

  return (
    <div className="screen split" onKeyDown={(e) => { if (e.key === 'Escape' && selected) setSelected(null); }}>
      <section className="main-col" aria-label="Requests">
        <div className="filter-bar" role="search" aria-label="Filter requests">
          <SearchBox id="requests-search" value={filters.text} onChange={(v) => setFilter('text', v)} placeholder="Search input, output or id" />
          {filters.range ? (
            <span className="range-chip" data-testid="records-range">{filters.range.label}
              <button type="button" className="btn sm link" aria-label="Clear the time range" onClick={() => setFilter('range', null)}>✕</button></span>
          ) : (
            <>
              <label className="inline-label">From <input type="date" value={filters.from} onChange={(e) => setFilter('from', e.target.value)} aria-label="From date" /></label>
              <label className="inline-label">To <input type="date" value={filters.to} onChange={(e) => setFilter('to', e.target.value)} aria-label="To date" /></label>
            </>
          )}
          <MultiSelect label="Model" options={facets.model} value={filters.model} onChange={(v) => setFilter('model', v)} />
          <MultiSelect label="Version" options={facets.model_version} value={filters.model_version} onChange={(v) => setFilter('model_version', v)} />
          <MultiSelect label="Feature" options={facets.feature} value={filters.feature} onChange={(v) => setFilter('feature', v)} />
          <MultiSelect label="Status" options={facets.status} value={filters.status} onChange={(v) => setFilter('status', v)} />
          <MultiSelect label="Segment" options={facets.segment} value={filters.segment} onChange={(v) => setFilter('segment', v)} />
          {facets.region.length > 0 && <MultiSelect label="Region" options={facets.region} value={filters.region} onChange={(v) => setFilter('region', v)} />}
          <MultiSelect label="Language" options={facets.lang} value={filters.lang} onChange={(v) => setFilter('lang', v)} />
          <input type="search" className="search user-filter" value={filters.user} placeholder="User id" aria-label="User id" onChange={(e) => setFilter('user', e.target.value)} />
          <TriState label="Feedback" value={filters.has_feedback} onChange={(v) => setFilter('has_feedback', v)} />
          <TriState label="Ticket" value={filters.has_ticket} onChange={(v) => setFilter('has_ticket', v)} />
          {filtered && <button type="button" className="btn sm link" onClick={() => { setFilters(NO_FILTERS); setPagination((p) => ({ ...p, pageIndex: 0 })); }}>Clear filters</button>}
        </div>
        {error && <ErrorNote error={error} />}
        <SliceBar filter={query.filter ?? {}} total={page.total} label={filters.range?.label ?? null}
          unsupported={[filters.has_feedback !== undefined && 'Feedback', filters.has_ticket !== undefined && 'Ticket', text.trim() && 'search text'].filter((x): x is string => !!x)} />
        <DataGrid<RequestGridRow>
          label="Requests" columns={columns} data={page.rows} total={page.total} loading={loading}
          sorting={sorting} onSortingChange={(u) => { setSorting(u); setPagination((p) => ({ ...p, pageIndex: 0 })); }}
          pagination={pagination} onPaginationChange={setPagination}
          columnVisibility={visibility} onColumnVisibilityChange={setVisibility}
          getRowId={(r) => r.id} selectedId={selected} onOpen={(r) => setSelected(r.id)}
          empty={filtered ? 'No requests match these filters.' : 'No requests.'} />
      </section>
      {selected && <RequestPanel id={selected} onClose={() => { setSelected(null); refocusGrid(); }}
        onStep={(d) => setSelected(stepId(page.rows.map((r) => r.id), selected, d))} />}
    </div>
  );
}

/** How a ticket and a request were linked: explicit or inferred, the rule, and the time between them. */
export function LinkHow({ link }: { link: { method: 'explicit' | 'inferred'; rule: string; gap_ms: number | null } }) {
  return (
    <div className="link-how">
      <span className={`badge ${link.method === 'explicit' ? 'ok' : 'info'}`}>{link.method}</span>
      <div className="small">{link.rule}{link.gap_ms !== null && <span className="muted"> · {fmtGap(link.gap_ms)}</span>}</div>
    </div>
  );
}

/** After the panel closes, keyboard focus goes back to the grid row the user came from. */
export function refocusGrid(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="grid-row"][tabindex="0"]')?.focus());
}

function RequestPanel({ id, onClose, onStep }: { id: string; onClose: () => void; onStep: (delta: 1 | -1) => void }) {
  const { info } = useApp();
  const zone = info.time_zone;
  const { data: detail, error } = useStoreQuery('requests.get', { id }, GRID_TABLES);
  const [markdown, setMarkdown] = useStoredState('loupe.markdown', false);

  const r = detail?.request.id === id ? detail.request : null;
  return (
    <DetailPanel testId="request-detail" focusKey={id} onClose={onClose} onStep={onStep}
      title={<><span className="muted">Request</span> <span className="mono">{id}</span></>}>
      {error && <ErrorNote error={error} />}
      {!r && !error && <p className="muted">Loading…</p>}
      {r && detail && (
        <>
          <div className="detail-toolbar">
            <span className="muted">{r.ts === null ? 'No timestamp' : <>{fmtTs(r.ts, zone)} <span className="small">({zone})</span></>}</span>
            <label className="check">
              <input type="checkbox" checked={markdown} onChange={(e) => setMarkdown(e.target.checked)} />
              Render markdown
            </label>
          </div>
          <h3>Input</h3>
          <SafeText text={r.input} markdown={markdown} label="Input" />
          <h3>Output</h3>
          <SafeText text={r.output} markdown={markdown} label="Output" />
          <h3>Metadata</h3>
          <Fields items={[
            ['Model', r.model],
            ['Version', r.model_version],
            ['Feature', r.feature],
            ['Status', <><StatusBadge status={r.status} isError={r.is_error === 1} />{r.error && <span className="err-text"> {r.error}</span>}</>],
            ['Latency', r.latency_ms === null ? null : fmtMs(r.latency_ms)],
            ['Time to first token', r.ttft_ms === null ? null : fmtMs(r.ttft_ms)],
            ['Tokens in / out', r.tokens_in === null && r.tokens_out === null ? null : `${fmtInt(r.tokens_in)} / ${fmtInt(r.tokens_out)}`],
            ['Cost', r.cost_usd === null ? null : <>{fmtUsd(r.cost_usd)} <span className="muted small">{r.cost_source === 'price_table' ? 'derived from the price table' : r.cost_source === 'source' ? 'from the source file' : ''}</span></>],
            ['User', r.user_id],
            ['Session', r.session_id],
            ['Segment', r.segment],
            ['Language', r.lang],
            ['Characters in / out', r.input_chars === null && r.output_chars === null ? null : `${fmtInt(r.input_chars)} / ${fmtInt(r.output_chars)}`],
          ]} />
          <h3>Feedback <span className="count">{detail.feedback.length}</span></h3>
          {detail.feedback.length === 0 ? <p className="muted">No feedback on this request.</p> : (
            <table className="table compact">
              <thead><tr><th>Kind</th><th className="num">Value</th><th>Label</th><th>Comment</th><th>Source</th><th>Linked by</th><th>Time</th></tr></thead>
              <tbody>
                {detail.feedback.map((f) => (
                  <tr key={f.id}>
                    <td>{f.kind}</td>
                    <td className="num">{fmtFeedbackValue(f)}</td>
                    <td>{f.label ?? ''}</td>
                    <td className="wrap">{f.comment ?? ''}</td>
                    <td>{f.source ?? ''}</td>
                    <td>{f.link_method ?? ''}</td>
                    <td className="mono nowrap">{fmtTs(f.ts, zone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Linked tickets <span className="count">{detail.tickets.length}</span></h3>
          {detail.tickets.length === 0 ? <p className="muted">No tickets are linked to this request.</p> : (
            <table className="table compact">
              <thead><tr><th>Ticket</th><th>Subject</th><th>Status</th><th>How linked</th></tr></thead>
              <tbody>
                {detail.tickets.map((t) => (
                  <tr key={t.id}>
                    <td className="mono">{t.id}</td>
                    <td className="wrap">{t.subject ?? ''}</td>
                    <td>{t.status ?? ''}</td>
                    <td><LinkHow link={t.link} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <details className="extra">
            <summary>Unmapped source fields</summary>
            {r.extra ? <pre className="text-block">{prettyJson(r.extra)}</pre> : <p className="muted">Every source field was mapped.</p>}
          </details>
        </>
      )}
    </DetailPanel>
  );
}
