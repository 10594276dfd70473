/**
 * "Review this slice": above the Records grid, a queue drawn over exactly the requests the grid shows (its time
 * range and column filters, every eligible request, no sampling), opened on the review screen. Filters a queue
 * cannot express (search text, has feedback, has ticket) are named and the button waits until they are cleared.
 */
import { useState } from 'react';
import type { RequestQuery } from '../../../shared/contract';
import type { LoupeErrorData } from '../../../shared/errors';
import { asErrorData } from '../api';
import { useApp } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtDate, fmtInt } from '../format';
import { describeFilter, SLICE_COLUMNS, useDrill, type Slice, type SliceRequest } from './drill';

export type { SliceRequest };

/** Most items a queue holds (queues.create's size limit). */
const MAX_QUEUE = 20000;

/** The bar; renders nothing until the grid has a time range. */
export function SliceBar({ filter, total, label, unsupported }: {
  filter: NonNullable<RequestQuery['filter']>; total: number; label: string | null; unsupported: string[];
}) {
  const { client, info } = useApp();
  const drill = useDrill();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  if (filter.from_ts === undefined || filter.to_ts === undefined) return null;
  const cols: Slice['filter'] = {};
  for (const c of SLICE_COLUMNS) { const v = (filter as Record<string, unknown>)[c]; if (Array.isArray(v) && v.length) cols[c] = v as string[]; }
  const errorsPart = filter.is_error === undefined ? '' : filter.is_error ? ' · errors only' : ' · no errors';
  const what = `${label ?? `${fmtDate(filter.from_ts, info.time_zone)} – ${fmtDate(filter.to_ts - 1, info.time_zone)}`} · ${describeFilter(cols)}${errorsPart}`;
  const blocked = unsupported.length > 0 ? `A queue cannot filter on ${unsupported.join(', ')}: clear ${unsupported.length === 1 ? 'it' : 'them'} to review this slice.`
    : total === 0 ? 'No requests in this slice.'
      : total > MAX_QUEUE ? `This slice has ${fmtInt(total)} requests; a queue holds at most ${fmtInt(MAX_QUEUE)}. Narrow it first.` : null;
  const create = async () => {
    setBusy(true);
    try {
      const q = await client.call('queues.create', {
        name: `Slice: ${what}`.slice(0, 200), from_ts: filter.from_ts!, to_ts: filter.to_ts!, size: total, strata: null, filters: { ...cols, ...(filter.is_error !== undefined ? { is_error: filter.is_error } : {}) }, seed: 1,
      });
      setError(null);
      drill.openQueue(q.queue_id);
    } catch (e) { setError(asErrorData(e)); } finally { setBusy(false); }
  };
  return (
    <div className="slice-bar" data-testid="slice-bar">
      <span className="small"><span className="muted">Slice</span> <b>{what}</b> · {fmtInt(total)} request{total === 1 ? '' : 's'}</span>
      <button type="button" className="btn sm primary" disabled={busy || blocked !== null} onClick={() => void create()}
        title="A review queue over exactly these requests: all of them, no sampling (any the queue design leaves out are counted in its strata)">
        {busy ? 'Creating…' : 'Review this slice'}
      </button>
      {blocked && <span className="muted small">{blocked}</span>}
      {error && <ErrorNote error={error} />}
    </div>
  );
}
