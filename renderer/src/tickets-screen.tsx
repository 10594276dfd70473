/**
 * Tickets: the tickets grid (tickets.query, paged/sorted/filtered in SQL) and the ticket detail panel (tickets.get)
 * with the requests linked to the ticket and how each link was made.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import type { TicketGridRow } from '../../shared/contract';
import { type TableName, useApp, useStoredState, useStoreQuery } from './app-context';
import { ErrorNote } from './controls';
import type { GridColumnMeta } from './data-grid';
import { DetailPanel, Fields } from './detail-panel';
import { EmptyWorkspace } from './empty-state';
import { fmtInt, fmtTs, parseTags, prettyJson } from './format';
import { EMPTY_FACETS, LinkHow, StatusBadge } from './records-screen';
import { ServerGrid, type FilterSpec } from './server-grid';
import { SafeText } from './safe-text';

const SORTABLE: ReadonlySet<string> = new Set<string>(['created_ts', 'status', 'priority', 'channel', 'csat', 'subject', 'id', 'resolved_ts']);

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

/** The Tickets screen. `onOpenRequest` jumps to a linked request on the Records screen. */
export function TicketsScreen({ onImport, onOpenRequest }: { onImport: () => void; onOpenRequest: (id: string) => void }) {
  const { info } = useApp();
  const zone = info.time_zone;
  const columns = useMemo(() => ticketColumns(zone), [zone]);
  const facets = useStoreQuery('records.facets', {}, TICKET_TABLES).data ?? EMPTY_FACETS;
  const filters = useMemo<FilterSpec[]>(() => [
    { kind: 'text', key: 'text', placeholder: 'Search subject, body or id' },
    { kind: 'dates' },
    { kind: 'multi', key: 'status', label: 'Status', options: facets.ticket_status },
    { kind: 'multi', key: 'priority', label: 'Priority', options: facets.ticket_priority },
    { kind: 'multi', key: 'channel', label: 'Channel', options: facets.ticket_channel },
    { kind: 'tri', key: 'linked', label: 'Linked' },
  ], [facets]);

  if (info.counts.tickets === 0) return <EmptyWorkspace what="tickets" onImport={onImport} />;

  return (
    <ServerGrid<TicketGridRow>
      label="Tickets" method="tickets.query" tables={TICKET_TABLES} columns={columns} filters={filters}
      sortable={SORTABLE} defaultSort={{ id: 'created_ts', desc: true }}
      columnsKey="loupe.tickets.columns" defaultHidden={{ requester: false, resolved_ts: false }}
      getRowId={(r) => r.id}
      panel={(id, ctl) => <TicketPanel id={id} onClose={ctl.close} onOpenRequest={onOpenRequest} onStep={ctl.step} />}
      empty={{ filtered: 'No tickets match these filters.', none: 'No tickets.' }} />
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
