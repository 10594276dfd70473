/**
 * The monitoring panel beside the review screen: the context of the item's slice (its feature and model version)
 * for the queue's period against the weeks before it: small charts of volume, error rate, p95 latency, thumbs-up
 * rate and cost with the period's week marked, the slice's open alerts (monitoring.slice) and the drift flagged for
 * its feature, the period against the four weeks before it (metrics.drift, asked separately so the charts do not
 * wait for the tests).
 *
 * Toggled with `c` (remembered). It never slows the move to the next item: it asks the store on its own, only when
 * the slice changes (items of a queue mostly share a few slices, and the store keeps each slice's answer), and its
 * charts re-render only when their data changes.
 */
import { memo, useEffect, useState } from 'react';
import type { SliceContext } from '../../../shared/contract-alerts';
import type { MetricsDrift } from '../../../shared/contract-metrics';
import type { LoupeErrorData } from '../../../shared/errors';
import type { QueueDetail, ReviewItem } from '../../../shared/review-types';
import { useApp, useStoredState, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtDate, fmtInt } from '../format';
import { SmallChart } from '../metrics/charts';
import { COLUMN_LABEL, fmtGroup, fmtP, fmtStat, RULE_LABEL } from '../metrics/metrics-format';
import type { DriftColumn } from '../../../shared/contract-metrics';
import { alertSlice, useDrill } from './drill';

function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && !!el.tagName && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

const pct = (v: number | null) => (v === null ? null : v * 100);
/**
 * The key that shows or hides the panel on the review screen, declared once: the panel's handler, the review cheat
 * sheet (review-page.tsx KEYS) and the shell's help (app.tsx NAV) read it.
 */
export const SLICE_PANEL_KEY = { key: 'c', help: 'show or hide the monitoring panel: the item’s slice this week against the weeks before' } as const;

/** How long the item's slice must stay the same before the panel follows it (ms). */
const SETTLE_MS = 150;

/**
 * Whether the panel is shown (remembered across sessions) and the `c` key that toggles it. The review page holds it,
 * so the panel and its "Context" button in the item's header (shown while the panel is hidden) agree.
 */
export function useSlicePanelOpen(): [boolean, (v: boolean) => void] {
  const [open, setOpen] = useStoredState('loupe.review.slicePanel', true);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== SLICE_PANEL_KEY.key || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || document.querySelector('[role="dialog"]')) return;
      e.preventDefault();
      setOpen(!open);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, setOpen]);
  return [open, setOpen];
}

/**
 * The button that shows the hidden panel. It sits in the item's header row, never floating over the item's text
 * (a floating button covered the metadata's values at 1,024 px).
 */
export function SlicePanelShow({ onShow }: { onShow: () => void }) {
  return (
    <button type="button" className="btn sm" data-testid="slice-panel-show" onMouseDown={(e) => e.preventDefault()} onClick={onShow}
      title={`Show the monitoring panel of this item's slice (${SLICE_PANEL_KEY.key})`}>Context <kbd>{SLICE_PANEL_KEY.key}</kbd></button>
  );
}

/** The panel; nothing while it is hidden (`open` false: the item's header shows SlicePanelShow instead). */
export function SlicePanel({ item, queue, open, onHide }: { item: ReviewItem | null; queue: QueueDetail | null; open: boolean; onHide: () => void }) {
  // The panel follows the item's slice a moment later, so the next item always paints first and a quick run of
  // j/j/j between slices asks for nothing in between.
  const itemSlice = item ? { feature: item.request.feature ?? null, version: item.request.model_version ?? null } : null;
  const [slice, setSlice] = useState(itemSlice);
  const itemKey = itemSlice ? JSON.stringify(itemSlice) : null;
  useEffect(() => {
    if (itemKey === null) return;
    const next = JSON.parse(itemKey) as { feature: string | null; version: string | null };
    const t = setTimeout(() => setSlice((cur) => (cur && cur.feature === next.feature && cur.version === next.version ? cur : next)), slice ? SETTLE_MS : 0);
    return () => clearTimeout(t);
  }, [itemKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const feature = slice?.feature ?? null;
  const version = slice?.version ?? null;
  const params = open && slice && queue ? { feature, model_version: version, from_ts: queue.from_ts, to_ts: queue.to_ts, weeks_before: 8 } : null;
  const q = useStoreQuery('monitoring.slice', params, ['requests', 'feedback', 'tickets', 'links', 'meta']);
  const driftParams = open && queue && feature !== null ? { current: { from_ts: queue.from_ts, to_ts: queue.to_ts }, feature } : null;
  const drift = useStoreQuery('metrics.drift', driftParams, ['requests', 'meta']);
  if (!open) return null;
  const fresh = q.data && q.data.feature === feature && q.data.model_version === version ? q.data : null;
  return (
    <aside className="slice-panel" aria-label="Monitoring of this slice" data-testid="slice-panel"
      data-feature={feature ?? ''} data-version={version ?? ''} data-loading={fresh ? 'false' : 'true'}>
      <div className="slice-head">
        <div>
          <div className="small muted">Slice of this item</div>
          <div className="slice-title"><b>{feature ?? '(no feature)'}</b> · <span className="mono">{version ?? '(no version)'}</span></div>
        </div>
        <button type="button" className="btn sm ghost" onMouseDown={(e) => e.preventDefault()} onClick={onHide} aria-label="Hide the monitoring panel" title={`Hide (${SLICE_PANEL_KEY.key})`}>✕ <kbd>{SLICE_PANEL_KEY.key}</kbd></button>
      </div>
      <p className="slice-narrow-note muted small" data-testid="slice-narrow-note">The queue list is behind this panel at this width: <kbd>{SLICE_PANEL_KEY.key}</kbd> swaps them.</p>
      {q.error && <ErrorNote error={q.error} />}
      {!fresh && !q.error && <p className="muted small">Loading the slice…</p>}
      {/* The previous slice stays visible (dimmed) while the next one loads, so nothing jumps. */}
      {(fresh ?? q.data) && <div className={fresh ? undefined : 'stale'}><SliceBody data={(fresh ?? q.data)!} /></div>}
      <SliceDrift feature={feature} drift={drift.data && drift.data.feature === feature ? drift.data : null} error={drift.error} />
    </aside>
  );
}

const SliceBody = memo(function SliceBody({ data }: { data: SliceContext }) {
  const { info } = useApp();
  const drill = useDrill();
  const p = data.points;
  const labels = p.map((x) => x.label);
  const current = p.map((x) => x.current);
  const cur = p.filter((x) => x.current);
  const sum = (f: (x: (typeof p)[number]) => number) => cur.reduce((n, x) => n + f(x), 0);
  // Scores automated evaluators wrote on the slice (an LLM judge's): in no chart here, said under the charts.
  const automated = p.reduce((n, x) => n + x.automated_feedback, 0);
  const evaluatorNote = automated > 0 ? `${fmtInt(automated)} score${automated === 1 ? '' : 's'} (thumbs, ratings, NPS) on this slice in these weeks ${automated === 1 ? 'comes' : 'come'} from automated evaluators such as LLM judges: no user's answer, not in the thumbs-up rate.` : null;
  return (
    <div className="slice-body">
      <p className="small muted slice-period">
        {cur.length ? `${cur.map((x) => x.label).join(', ')}` : ''} (marked) against the {p.length - cur.length} weeks before ·{' '}
        {fmtInt(sum((x) => x.requests))} requests, {sum((x) => x.requests) > 0 && cur.every((x) => x.requests === 0 || x.error_rate === null) ? 'errors unknown (no status or error)' : `${fmtInt(sum((x) => x.errors))} errors`}, {fmtInt(sum((x) => x.thumbs_down))} thumbs-down
        {data.undated_requests > 0 && <> · {fmtInt(data.undated_requests)} requests of this slice have no timestamp and are in no week</>}
      </p>
      <div className="slice-charts">
        <SmallChart testId="slice-chart-volume" title="Requests" unit=" req" kind="bar" labels={labels} current={current} values={p.map((x) => x.requests)} />
        <SmallChart testId="slice-chart-errors" title="Error rate" unit="%" rate labels={labels} current={current} values={p.map((x) => pct(x.error_rate))}
          empty={p.some((x) => x.requests > 0) ? 'No request of this slice has a status or an error in these weeks: the error rate is unknown.' : 'No dated requests in these weeks.'} />
        <SmallChart testId="slice-chart-p95" title="p95 latency" {...(p.some((x) => x.p95_relative_error > 0) ? { note: `±${+(Math.max(...p.map((x) => x.p95_relative_error)) * 100).toFixed(2)}% (sketch)` } : {})} unit=" ms" labels={labels} current={current} values={p.map((x) => x.p95_ms)}
          empty="No request of this slice has a latency in these weeks." />
        <SmallChart testId="slice-chart-thumbs" title="Thumbs-up rate" unit="%" rate labels={labels} current={current} values={p.map((x) => pct(x.thumbs_up_rate))}
          note={`${fmtInt(sum((x) => x.thumbs_up + x.thumbs_down))} thumbs this period`} empty={`No thumbs from users on this slice in these weeks.${evaluatorNote ? ` ${evaluatorNote}` : ''}`} />
        <SmallChart testId="slice-chart-cost" title="Cost" unit="$" kind="bar" labels={labels} current={current} values={p.map((x) => (x.cost_n > 0 ? x.cost_usd : null))}
          empty="No request of this slice has a cost in these weeks." />
      </div>
      {evaluatorNote && p.some((x) => x.thumbs_up + x.thumbs_down > 0) && <p className="small muted" data-testid="slice-evaluator-note">{evaluatorNote}</p>}
      <h3 className="slice-h">Alerts <span className="count">{data.alerts.length}</span></h3>
      {data.alerts.length === 0 ? <p className="muted small">No open alert for this slice in the period.</p> : (
        <ul className="slice-alerts" data-testid="slice-alerts">
          {data.alerts.map((a) => (
            <li key={a.key} data-testid="slice-alert">
              <div className="small"><span className={`badge${a.state === 'open' ? ' bad' : ''}`}>{a.state}</span> <b>{RULE_LABEL[a.rule]}</b> · {a.bucket} · {fmtGroup(a.group)}</div>
              <div className="small">{a.summary}</div>
              <button type="button" className="btn sm link" onMouseDown={(e) => e.preventDefault()} onClick={() => drill.openRecords(alertSlice(a))}>Records</button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted small slice-foot">Weeks in {info.time_zone}; from {fmtDate(p[0]?.start_ts ?? null, info.time_zone)}.</p>
    </div>
  );
});

/** The drift rows flagged for the slice's feature: the period against the four weeks before it. */
const SliceDrift = memo(function SliceDrift({ feature, drift, error }: { feature: string | null; drift: MetricsDrift | null; error: LoupeErrorData | null }) {
  const flagged = drift ? drift.rows.filter((r) => r.rejected || r.psi_flag) : [];
  return (
    <div className="slice-drift-box" data-testid="slice-drift-box" data-loading={drift || error || feature === null ? 'false' : 'true'}>
      <h3 className="slice-h">Drift <span className="count">{flagged.length}</span></h3>
      {feature === null && <p className="muted small">This request has no feature, so there is no feature to compare.</p>}
      {error && <p className="muted small">{error.message}</p>}
      {feature !== null && !drift && !error && <p className="muted small">Testing drift…</p>}
      {drift && <p className="muted small">{drift.current.label} against {drift.reference.label}, {feature}</p>}
      {drift && drift.rows.every((r) => r.insufficient) && <p className="muted small">Too few requests to test drift (at least {drift.min_per_side} on each side).</p>}
      {drift && flagged.length === 0 && !drift.rows.every((r) => r.insufficient) && <p className="muted small">No drift flagged for this feature.</p>}
      {flagged.length > 0 && (
        <ul className="slice-drift" data-testid="slice-drift">
          {flagged.map((d) => (
            <li key={d.column} className="small" data-column={d.column}>
              <b>{COLUMN_LABEL[d.column as DriftColumn] ?? d.column}</b> {d.rejected ? <span className="badge bad">drift</span> : <span className="badge warn">PSI {fmtStat(d.psi)}</span>}
              <span className="muted"> {d.test === 'ks' ? 'KS' : 'χ²'} adj. p {fmtP(d.p_adjusted)} · PSI {fmtStat(d.psi)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
