/**
 * Records: the requests grid (requests.query, paged/sorted/filtered in SQL) and the request detail panel
 * (requests.get): input and output as safe text with an optional sanitised-markdown view, metadata, feedback,
 * linked tickets and the unmapped source fields.
 */
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import type { Facets, RequestGridRow } from '../../shared/contract';
import { type TableName, useApp, useStoredState, useStoreQuery } from './app-context';
import { ErrorNote } from './controls';
import type { GridColumnMeta } from './data-grid';
import { CostHow, CostValue } from './prices/cost-explained';
import { DetailPanel, Fields } from './detail-panel';
import { EmptyWorkspace } from './empty-state';
import { ServerGrid, type FilterSpec, type FilterValues } from './server-grid';
import { fmtFeedbackValue, fmtGap, fmtInt, fmtMs, fmtTs, fmtUsd, prettyJson } from './format';
import { SafeText } from './safe-text';
import { feedbackBadge, feedbackValueText } from '../../shared/feedback-values';
import { SliceBar, type SliceRequest } from './monitoring/slice-bar';

const SORTABLE: ReadonlySet<string> = new Set<string>(['ts', 'model', 'model_version', 'feature', 'status', 'latency_ms', 'tokens_in', 'tokens_out', 'cost_usd', 'user_id', 'id']);

/** The tables whose changes refresh the requests grid and its detail panel. */
const GRID_TABLES: TableName[] = ['requests', 'feedback', 'tickets', 'links'];

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
    { id: 'feedback_values', accessorKey: 'feedback_values', header: 'Feedback', size: 120, enableSorting: false, meta: m('Feedback'), cell: (c) => <FeedbackCell row={c.row.original} /> },
    { id: 'ticket_count', accessorKey: 'ticket_count', header: 'Tickets', size: 72, enableSorting: false, meta: m('Tickets', { align: 'right' }), cell: (c) => (c.getValue() ? fmtInt(c.getValue() as number) : '') },
    { id: 'user_id', accessorKey: 'user_id', header: 'User', size: 120, meta: m('User'), cell: (c) => <span className="ellipsis">{String(c.getValue() ?? '—')}</span> },
    { id: 'region', accessorKey: 'region', header: 'Region', size: 80, enableSorting: false, meta: m('Region'), cell: (c) => String(c.getValue() ?? '—') },
  ];
}

/** The request's feedback values as short badges in words (up/down, CSAT 4/5, NPS 9, comment: no emoji font needed), with "+N" when there are more. */
function FeedbackCell({ row }: { row: RequestGridRow }) {
  if (!row.feedback_count) return null;
  let values: Array<[string, number | null, number | null]> = [];
  try { values = JSON.parse(row.feedback_values ?? '[]') as typeof values; } catch { /* shown as the count below */ }
  const items = values.map(([kind, value, scale]) => ({ kind, value, scale }));
  const text = items.map((f) => feedbackBadge(f)).join(' ');
  const title = items.map((f) => feedbackValueText(f)).join(', ');
  const more = row.feedback_count - items.length;
  return <span className="ellipsis" title={title} data-testid="feedback-cell">{text || fmtInt(row.feedback_count)}{more > 0 ? <span className="muted"> +{more}</span> : null}</span>;
}

/**
 * The Records screen. `openId` opens a request's detail directly (e.g. from a ticket's linked requests); `slice`
 * filters the grid to the requests behind an alert, a drift row or a chart point.
 */
export function RecordsScreen({ onImport, openId, slice = null }: { onImport: () => void; openId: string | null; slice?: SliceRequest | null }) {
  const { info } = useApp();
  const zone = info.time_zone;
  const columns = useMemo(() => requestColumns(zone), [zone]);
  const facets = useStoreQuery('records.facets', {}, GRID_TABLES).data ?? EMPTY_FACETS;
  const filters = useMemo<FilterSpec[]>(() => [
    { kind: 'text', key: 'text', placeholder: 'Search input, output, id or comments' },
    { kind: 'dates' },
    { kind: 'multi', key: 'model', label: 'Model', options: facets.model },
    { kind: 'multi', key: 'model_version', label: 'Version', options: facets.model_version },
    { kind: 'multi', key: 'feature', label: 'Feature', options: facets.feature },
    { kind: 'multi', key: 'status', label: 'Status', options: facets.status },
    { kind: 'multi', key: 'segment', label: 'Segment', options: facets.segment },
    { kind: 'multi', key: 'region', label: 'Region', options: facets.region, hideEmpty: true },
    { kind: 'multi', key: 'lang', label: 'Language', options: facets.lang },
    { kind: 'exact', key: 'user_id', placeholder: 'User id' },
    { kind: 'tri', key: 'is_error', label: 'Error' },
    { kind: 'tri', key: 'has_feedback', label: 'Feedback' },
    { kind: 'tri', key: 'has_ticket', label: 'Ticket' },
  ], [facets]);
  // A drill-down's slice: its exact time range (a chip in place of From/To) and its column filters.
  const preset = useMemo<FilterValues | null>(() => {
    if (!slice) return null;
    const f = slice.slice.filter;
    return {
      model: f.model ?? [], feature: f.feature ?? [], status: f.status ?? [], model_version: f.model_version ?? [],
      segment: f.segment ?? [], region: f.region ?? [], lang: f.lang ?? [], user_id: f.user_id?.[0] ?? '',
      range: { from_ts: slice.slice.from_ts, to_ts: slice.slice.to_ts, label: slice.slice.label },
      ...(slice.slice.errors ? { is_error: true } : {}),
    };
  }, [slice]);

  if (info.counts.requests === 0) return <EmptyWorkspace what="requests" onImport={onImport} />;

  return (
    <ServerGrid<RequestGridRow>
      label="Requests" method="requests.query" tables={GRID_TABLES} columns={columns} filters={filters}
      sortable={SORTABLE} defaultSort={{ id: 'ts', desc: true }}
      columnsKey="loupe.requests.columns" defaultHidden={{ id: false, model_version: false, output_preview: false, user_id: false, region: false }}
      getRowId={(r) => r.id} openId={openId} preset={preset} presetNonce={slice?.nonce}
      below={({ filter, total, values }) => (
        <SliceBar filter={filter} total={total} label={values.range && typeof values.range === 'object' && !Array.isArray(values.range) ? values.range.label : null}
          unsupported={[values.has_feedback !== undefined && 'Feedback', values.has_ticket !== undefined && 'Ticket', typeof filter.text === 'string' && 'search text']
            .filter((x): x is string => !!x)} />
      )}
      panel={(id, ctl) => <RequestPanel id={id} onClose={ctl.close} onStep={ctl.step} />}
      empty={{ filtered: 'No requests match these filters.', none: 'No requests.' }} />
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
            ['Cost', r.cost_usd === null ? null : <CostValue request={r} />],
            ['User', r.user_id],
            ['Session', r.session_id],
            ['Segment', r.segment],
            ['Region', r.region],
            ['Language', r.lang],
            ['Characters in / out', r.input_chars === null && r.output_chars === null ? null : `${fmtInt(r.input_chars)} / ${fmtInt(r.output_chars)}`],
          ]} />
          <CostHow request={r} />
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
