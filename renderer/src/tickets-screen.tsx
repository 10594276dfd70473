/**
 * Tickets: the tickets grid (tickets.query, paged/sorted/filtered in SQL) and the ticket detail panel (tickets.get)
 * with the requests linked to the ticket and how each link was made.
 */
import type { ColumnDef, PaginationState, SortingState } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import type { Page, TicketGridRow, TicketQuery } from '../../shared/contract';
import { type TableName, useApp, useDebounced, useStoredState, useStoreQuery } from './app-context';
import { ErrorNote, MultiSelect, SearchBox, TriState } from './controls';
import { DataGrid, type GridColumnMeta } from './data-grid';
import { DetailPanel, Fields, stepId } from './detail-panel';
import { EmptyWorkspace } from './empty-state';
import { dayStartMs, fmtInt, fmtTs, parseTags, prettyJson } from './format';
import { EMPTY_FACETS, LinkHow, refocusGrid, StatusBadge } from './records-screen';
import { SafeText } from './safe-text';

type SortColumn = NonNullable<TicketQuery['sort']>['column'];
const SORTABLE = new Set<string>(['created_ts', 'status', 'priority', 'channel', 'csat', 'subject', 'id', 'resolved_ts']);

interface Filters {
  from: string; to: string; status: string[]; priority: string[]; channel: string[]; linked: boolean | undefined; text: string;
}
const NO_FILTERS: Filters = { from: '', to: '', status: [], priority: [], channel: [], linked: undefined, text: '' };

function ticketColumns(zone: string): ColumnDef<TicketGridRow, unknown>[] {
  const m = (label: string, extra: Partial<GridColumnMeta> = {}): GridColumnMeta => ({ label, ...extra });
  const text = (v: unknown) => <span className="ellipsis" title={String(v ?? '')}>{String(v ?? '—')}</span>;
  return [
    { id: 'created_ts', accessorKey: 'created_ts', header: 'Created', size: 158, meta: m('Created'), cell: (c) => <span className="mono">{fmtTs(c.getValue() as number | null, zone)}</span> },
    { id: 'id', accessorKey: 'id', header: 'ID', size: 90, meta: m('ID'), cell: (c) => <span className="mono">{String(c.getValue())}</span> },
    { id: 'subject', accessorKey: 'subject', header: 'Subject', size: 220, meta: m('Subject', { grow: true }), cell: (c) => text(c.getValue()) },
    { id: 'status', accessorKey: 'status', header: 'Status', size: 180, meta: m('Status'), cell: (c) => <StatusBadge status={c.getValue() as string | null} /> },
    { id: 'priority', accessorKey: 'priority', header: 'Priority', size: 90, meta: m('Priority'), cell: (c) => text(c.getValue()) },
    { id: 'channel', accessorKey: 'channel', header: 'Channel', size: 100, meta: m('Channel'), cell: (c) => text(c.getValue()) },
    { id: 'csat', accessorKey: 'csat', header: 'CSAT', size: 64, meta: m('CSAT', { align: 'right' }), cell: (c) => (c.getValue() === null ? '—' : String(c.getValue())) },
    { id: 'requester', accessorKey: 'requester', header: 'Requester', size: 140, enableSorting: false, meta: m('Requester'), cell: (c) => text(c.getValue()) },
    { id: 'body_preview', accessorKey: 'body_preview', header: 'Body', size: 220, enableSorting: false, meta: m('Body', { grow: true }), cell: (c) => text(c.getValue()) },
    { id: 'resolved_ts', accessorKey: 'resolved_ts', header: 'Resolved', size: 158, meta: m('Resolved'), cell: (c) => <span className="mono">{fmtTs(c.getValue() as number | null, zone)}</span> },
    { id: 'link_count', accessorKey: 'link_count', header: 'Requests', size: 88, enableSorting: false, meta: m('Linked requests', { align: 'right' }), cell: (c) => (c.getValue() ? fmtInt(c.getValue() as number) : '') },
  ];
}

/** The tables whose changes refresh the tickets grid and its detail panel. */
const TICKET_TABLES: TableName[] = ['tickets', 'links', 'requests'];
const EMPTY_TICKET_PAGE: Page<TicketGridRow> = { rows: [], total: 0 };

/** The Tickets screen. `onOpenRequest` jumps to a linked request on the Records screen. */
export function TicketsScreen({ onImport, onOpenRequest }: { onImport: () => void; onOpenRequest: (id: string) => void }) {
  const { info } = useApp();
  const zone = info.time_zone;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const text = useDebounced(filters.text, 300);
  const [sorting, setSorting] = useState<SortingState>([{ id: 'created_ts', desc: true }]);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 100 });
  const [visibility, setVisibility] = useStoredState<Record<string, boolean>>('loupe.tickets.columns', { requester: false, resolved_ts: false });
  const [selected, setSelected] = useState<string | null>(null);
  const columns = useMemo(() => ticketColumns(zone), [zone]);

  const facets = useStoreQuery('records.facets', {}, TICKET_TABLES).data ?? EMPTY_FACETS;

  const query = useMemo<TicketQuery>(() => {
    const filter: NonNullable<TicketQuery['filter']> = {};
    const from = dayStartMs(filters.from, zone);
    const to = dayStartMs(filters.to, zone, true);
    if (from !== null) filter.from_ts = from;
    if (to !== null) filter.to_ts = to;
    if (filters.status.length) filter.status = filters.status;
    if (filters.priority.length) filter.priority = filters.priority;
    if (filters.channel.length) filter.channel = filters.channel;
    if (filters.linked !== undefined) filter.linked = filters.linked;
    if (text.trim()) filter.text = text.trim();
    const s = sorting[0];
    return {
      offset: pagination.pageIndex * pagination.pageSize,
      limit: pagination.pageSize,
      ...(s && SORTABLE.has(s.id) ? { sort: { column: s.id as SortColumn, desc: s.desc } } : {}),
      filter,
    };
  }, [filters.from, filters.to, filters.status, filters.priority, filters.channel, filters.linked, text, sorting, pagination, zone]);

  const { data, error, loading } = useStoreQuery('tickets.query', query, TICKET_TABLES);
  const page = data ?? EMPTY_TICKET_PAGE;

  const setFilter = <K extends keyof Filters>(k: K, v: Filters[K]) => {
    setFilters((f) => ({ ...f, [k]: v }));
    setPagination((p) => ({ ...p, pageIndex: 0 }));
  };
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  if (info.counts.tickets === 0) return <EmptyWorkspace what="tickets" onImport={onImport} />;

  return (
    <div className="screen split" onKeyDown={(e) => { if (e.key === 'Escape' && selected) setSelected(null); }}>
      <section className="main-col" aria-label="Tickets">
        <div className="filter-bar" role="search" aria-label="Filter tickets">
          <SearchBox id="tickets-search" value={filters.text} onChange={(v) => setFilter('text', v)} placeholder="Search subject, body or id" />
          <label className="inline-label">From <input type="date" value={filters.from} onChange={(e) => setFilter('from', e.target.value)} aria-label="From date" /></label>
          <label className="inline-label">To <input type="date" value={filters.to} onChange={(e) => setFilter('to', e.target.value)} aria-label="To date" /></label>
          <MultiSelect label="Status" options={facets.ticket_status} value={filters.status} onChange={(v) => setFilter('status', v)} />
          <MultiSelect label="Priority" options={facets.ticket_priority} value={filters.priority} onChange={(v) => setFilter('priority', v)} />
          <MultiSelect label="Channel" options={facets.ticket_channel} value={filters.channel} onChange={(v) => setFilter('channel', v)} />
          <TriState label="Linked" value={filters.linked} onChange={(v) => setFilter('linked', v)} />
          {filtered && <button type="button" className="btn sm link" onClick={() => { setFilters(NO_FILTERS); setPagination((p) => ({ ...p, pageIndex: 0 })); }}>Clear filters</button>}
        </div>
        {error && <ErrorNote error={error} />}
        <DataGrid<TicketGridRow>
          label="Tickets" columns={columns} data={page.rows} total={page.total} loading={loading}
          sorting={sorting} onSortingChange={(u) => { setSorting(u); setPagination((p) => ({ ...p, pageIndex: 0 })); }}
          pagination={pagination} onPaginationChange={setPagination}
          columnVisibility={visibility} onColumnVisibilityChange={setVisibility}
          getRowId={(r) => r.id} selectedId={selected} onOpen={(r) => setSelected(r.id)}
          empty={filtered ? 'No tickets match these filters.' : 'No tickets.'} />
      </section>
      {selected && <TicketPanel id={selected} onClose={() => { setSelected(null); refocusGrid(); }} onOpenRequest={onOpenRequest}
        onStep={(d) => setSelected(stepId(page.rows.map((r) => r.id), selected, d))} />}
    </div>
  );
}

function TicketPanel({ id, onClose, onOpenRequest, onStep }: { id: string; onClose: () => void; onOpenRequest: (id: string) => void; onStep: (delta: 1 | -1) => void }) {
  const { info } = useApp();
  const zone = info.time_zone;
  const { data: detail, error } = useStoreQuery('tickets.get', { id }, TICKET_TABLES);
  const [markdown, setMarkdown] = useStoredState('loupe.markdown', false);

  const t = detail?.ticket.id === id ? detail.ticket : null;
  const tags = t ? parseTags(t.tags) : [];
  return (
    <DetailPanel testId="ticket-detail" focusKey={id} onClose={onClose} onStep={onStep}
      title={<><span className="muted">Ticket</span> <span className="mono">{id}</span></>}>
      {error && <ErrorNote error={error} />}
      {!t && !error && <p className="muted">Loading…</p>}
      {t && detail && (
        <>
          <div className="detail-toolbar">
            <strong className="ticket-subject">{t.subject ?? 'No subject'}</strong>
            <label className="check">
              <input type="checkbox" checked={markdown} onChange={(e) => setMarkdown(e.target.checked)} />
              Render markdown
            </label>
          </div>
          <SafeText text={t.body} markdown={markdown} label="Body" />
          <h3>Details</h3>
          <Fields items={[
            ['Status', t.status],
            ['Priority', t.priority],
            ['Channel', t.channel],
            ['CSAT', t.csat === null ? null : `${t.csat} / 5`],
            ['Created', fmtTs(t.created_ts, zone)],
            ['First response', t.first_response_ts === null ? null : fmtTs(t.first_response_ts, zone)],
            ['Resolved', t.resolved_ts === null ? null : fmtTs(t.resolved_ts, zone)],
            ['Updated', t.updated_ts === null ? null : fmtTs(t.updated_ts, zone)],
            ['Requester', t.requester],
            ['Email', t.requester_email],
            ['User', t.user_id],
            ['Request named', t.request_ref],
            ['Tags', tags.length ? <span className="tags">{tags.map((g) => <span key={g} className="badge">{g}</span>)}</span> : null],
          ]} />
          <h3>Linked requests <span className="count">{detail.requests.length}</span></h3>
          {detail.requests.length === 0 ? <p className="muted">No requests are linked to this ticket.</p> : (
            <table className="table compact linked-requests" data-testid="linked-requests">
              <colgroup><col className="c-request" /><col className="c-model" /><col /><col className="c-how" /></colgroup>
              <thead><tr><th>Request · time</th><th>Model</th><th>Input</th><th>How linked</th></tr></thead>
              <tbody>
                {detail.requests.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <button type="button" className="btn sm link mono ellipsis" onClick={() => onOpenRequest(r.id)} title={`Open ${r.id} in Records`}>{r.id}</button>
                      <div className="mono small muted nowrap">{fmtTs(r.ts, zone)}</div>
                    </td>
                    <td className="ellipsis-cell" title={r.model ?? undefined}>{r.model ?? ''}</td>
                    <td className="ellipsis-cell" title={r.input_preview ?? undefined} data-testid="linked-input">{r.input_preview ?? ''}</td>
                    <td><LinkHow link={r.link} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <details className="extra">
            <summary>Unmapped source fields</summary>
            {t.extra ? <pre className="text-block">{prettyJson(t.extra)}</pre> : <p className="muted">Every source field was mapped.</p>}
          </details>
        </>
      )}
    </DetailPanel>
  );
}
