/**
 * Review queues: the list with progress per queue and per reviewer (queues.list), the "New queue" form (an ISO week
 * or a time range, size, strata field, allocation, minimum per stratum, oversampled signals with a share each,
 * overlap share for a second reviewer, seed → queues.create) with its design planner (queues.plan: the expected 95%
 * half-width and coverage at plausible failure rates, simulated through the sampler and the estimator on the week's
 * own requests, and the size for a chosen precision), the strata table of a queue (population N_h, queued n_h,
 * inclusion probability n_h / N_h) and extending a queue with more items (queues.extend). The form proposes the
 * latest week that has requests (queues.weeks).
 */
import { useEffect, useRef, useState } from 'react';
import type { DesignPlan } from '../../../shared/review-types';
import type { LoupeErrorData } from '../../../shared/errors';
import type { QueueCreated, QueueStratum, QueueSummary, ReviewSignal } from '../../../shared/review-types';
import { REVIEW_SIGNALS, SIGNAL_LABELS } from '../../../shared/review-types';
import { asErrorData } from '../api';
import { useApp, useDebounced, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { dayStartMs, fmtDate, fmtInt } from '../format';

import { fmtPct, fmtProbability, fmtStratum, weekDays } from './review-format';

const STRATA_CHOICES = [
  ['', 'None (one stratum)'], ['feature', 'Feature'], ['model', 'Model'], ['model_version', 'Model version'], ['segment', 'User segment'],
] as const;

interface FormState {
  name: string;
  mode: 'week' | 'range';
  week: string;
  from: string;
  to: string;
  size: string;
  strata: string;
  allocation: 'proportional' | 'equal';
  min: string;
  oversample: Record<ReviewSignal, string>;
  overlap: string;
  seed: string;
  undated: boolean;
}

/** A number field's text as an integer in [min, max], or an error message naming the field. */
function intField(label: string, text: string, min: number, max: number): number | string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) return `${label}: expected a whole number from ${min} to ${fmtInt(max)}.`;
  return n;
}

/** The Queues tab. `onReview` opens a queue on the review screen; `onEstimates` opens its estimates. */
export function QueuesPage({ onReview, onEstimates }: { onReview: (queueId: number) => void; onEstimates: (queueId: number) => void }) {
  const { data: queues, error } = useStoreQuery('queues.list', {}, ['queues', 'reviews']);
  const [created, setCreated] = useState<QueueCreated | null>(null);
  const [detailId, setDetailId] = useState<number | null>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => { if (created) startRef.current?.focus(); }, [created]);
  // `n` starts a new queue: focus moves to the form's first field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== 'n' || e.ctrlKey || e.metaKey || e.altKey || (t && ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      e.preventDefault();
      formRef.current?.querySelector<HTMLElement>('input, select')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="review-cols">
      <div className="review-col-main">
        {created && (
          <section className="card" aria-label="New queue" data-testid="queue-created">
            <div className="card-head">
              <h2>Queue #{created.queue_id}: {fmtInt(created.items.length)} items drawn</h2>
              <div className="row-gap">
                <button ref={startRef} type="button" className="btn primary sm" onClick={() => onReview(created.queue_id)}>Start reviewing <kbd>Enter</kbd></button>
                <button type="button" className="btn sm ghost" onClick={() => setCreated(null)} aria-label="Close">✕</button>
              </div>
            </div>
            <StrataTable strata={created.strata} />
            {created.notes.length > 0 && <ul className="notes">{created.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
          </section>
        )}
        <section className="card" aria-label="Queues">
          <div className="card-head"><h2>Queues</h2><span className="muted small">Progress counts items with a decision by at least one reviewer</span></div>
          {error && <ErrorNote error={error} />}
          {queues && queues.length === 0 && <p className="muted">No queues yet. Create one for a week of traffic with the form (press <kbd>n</kbd>).</p>}
          {queues && queues.length > 0 && (
            <table className="table queue-table" data-testid="queue-list">
              <thead><tr><th>Queue</th><th className="num">Items</th><th>Progress</th><th>Reviewers</th><th /></tr></thead>
              <tbody>
                {queues.map((q) => (
                  <QueueRow key={q.id} q={q} open={detailId === q.id} onToggle={() => setDetailId(detailId === q.id ? null : q.id)}
                    onReview={() => onReview(q.id)} onEstimates={() => onEstimates(q.id)} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <aside className="review-col-side">
        <NewQueueForm formRef={formRef} onCreated={(c) => { setCreated(c); setDetailId(null); }} />
      </aside>
    </div>
  );
}

function QueueRow({ q, open, onToggle, onReview, onEstimates }: { q: QueueSummary; open: boolean; onToggle: () => void; onReview: () => void; onEstimates: () => void }) {
  const { info } = useApp();
  const share = q.size > 0 ? q.decided / q.size : 0;
  return (
    <>
      <tr data-testid="queue-row" data-queue-id={q.id}>
        <td>
          <div className="strong">{q.name}</div>
          <div className="muted small">#{q.id} · {q.week ?? `${fmtDate(q.from_ts, info.time_zone)} – ${fmtDate(q.to_ts - 1, info.time_zone)}`} · created {fmtDate(q.created_at, info.time_zone)}</div>
        </td>
        <td className="num">{fmtInt(q.size)}</td>
        <td className="progress-cell">
          <div className="meter" role="progressbar" aria-valuemin={0} aria-valuemax={q.size} aria-valuenow={q.decided} aria-label={`${q.name} progress`}>
            <span style={{ width: `${(share * 100).toFixed(1)}%` }} />
          </div>
          <div className="small" data-testid="queue-progress">{fmtInt(q.reviewed)} reviewed · {fmtInt(q.skipped)} skipped · {fmtInt(q.size - q.decided)} open</div>
          {q.overlap_items > 0 && <div className="muted small">overlap {fmtInt(q.overlap_done)} / {fmtInt(q.overlap_items)} double-reviewed</div>}
        </td>
        <td className="small" data-testid="queue-reviewers">
          {q.reviewers.length === 0 ? <span className="muted">—</span> : q.reviewers.map((r) => (
            <div key={r.reviewer}><span className="strong">{r.reviewer}</span> <span className="muted">{fmtInt(r.reviewed)} reviewed{r.skipped ? `, ${fmtInt(r.skipped)} skipped` : ''}</span></div>
          ))}
        </td>
        <td className="row-actions">
          <button type="button" className="btn sm primary" onClick={onReview}>Review</button>
          <button type="button" className="btn sm" onClick={onEstimates}>Estimates</button>
          <button type="button" className="btn sm" aria-expanded={open} onClick={onToggle}>{open ? 'Hide strata' : 'Strata'}</button>
        </td>
      </tr>
      {open && <tr className="sub-row"><td colSpan={5}><QueueDetailBox queueId={q.id} /></td></tr>}
    </>
  );
}

/** A queue's design, strata and the "extend" control. */
function QueueDetailBox({ queueId }: { queueId: number }) {
  const { client } = useApp();
  const { data, error } = useStoreQuery('queues.get', { queue_id: queueId }, ['queues']);
  const [add, setAdd] = useState('20');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [extError, setExtError] = useState<LoupeErrorData | null>(null);
  const extend = async () => {
    const n = intField('More items', add, 1, 20000);
    if (typeof n === 'string') { setExtError({ code: 'BAD_REQUEST', message: n }); return; }
    setBusy(true);
    try {
      const r = await client.call('queues.extend', { queue_id: queueId, add: n });
      setOutcome(`Added ${fmtInt(r.items.length)} items at the end of the queue; the items already there are unchanged.${r.notes.length ? ` ${r.notes.join(' ')}` : ''}`);
      setExtError(null);
    } catch (e) { setExtError(asErrorData(e)); } finally { setBusy(false); }
  };
  if (error) return <ErrorNote error={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  const d = data.design;
  const over = Object.entries(d.oversample).map(([k, v]) => `${SIGNAL_LABELS[k as ReviewSignal]} ${Math.round((v ?? 0) * 100)}%`);
  return (
    <div className="queue-detail" data-testid="queue-detail">
      <p className="small muted">
        Strata: <b>{d.strata ?? 'none'}</b> · allocation {d.allocation} · min {d.min_per_stratum} per stratum · oversampled: {over.length ? over.join(', ') : 'none'} ·
        overlap {Math.round(d.overlap * 100)}% · seed {d.seed} · {fmtInt(data.frame.requests_in_period)} requests in the period
      </p>
      <StrataTable strata={data.strata} />
      <form className="row-gap top-gap" onSubmit={(e) => { e.preventDefault(); void extend(); }}>
        <label className="inline-label">Extend by <input type="number" min={1} max={20000} value={add} onChange={(e) => setAdd(e.target.value)} aria-label="Items to add" className="num-input" /> items</label>
        <button type="submit" className="btn sm" disabled={busy}>Extend queue</button>
        {outcome && <span className="small" role="status">{outcome}</span>}
      </form>
      {extError && <ErrorNote error={extError} />}
    </div>
  );
}

/** Strata of a queue: population N_h, queued n_h and every item's inclusion probability n_h / N_h. */
export function StrataTable({ strata }: { strata: QueueStratum[] }) {
  const totalN = strata.reduce((a, s) => a + s.population, 0);
  const totaln = strata.reduce((a, s) => a + s.sampled, 0);
  const legacy = strata.some((s) => s.excluded_reviewed > 0 || s.excluded_duplicates > 0);
  // No inner scroll: a queue has a few dozen strata at most, and the total row must stay in sight.
  return (
    <div className="table-scroll tall">
      <table className="table compact strata" data-testid="strata-table">
        <thead><tr><th>Stratum</th><th className="num" title="Requests of the stratum">Population</th><th className="num">Queued</th><th className="num" title="n_h / N_h: the chance each request of the stratum had to be picked">Inclusion prob.</th>{legacy && <th className="num" title="Queues made before every request stayed in the frame left these out: already reviewed / same input text as an earlier request">Left out: reviewed / dup.</th>}</tr></thead>
        <tbody>
          {strata.map((s) => (
            <tr key={s.key}>
              <td className="nowrap">
                {s.kind === 'reviewed' ? 'reviewed before' : fmtStratum(s.key)}
                {s.kind === 'signal' && <span className="badge info stratum-badge">oversampled</span>}
                {s.kind === 'reviewed' && <span className="badge stratum-badge" title="Not drawn again: these requests count in the estimates with their earlier reviews (inclusion probability 1)">take-all</span>}
              </td>
              <td className="num">{fmtInt(s.population)}</td>
              <td className="num">{s.kind === 'reviewed' ? '—' : fmtInt(s.sampled)}</td>
              <td className="num">{s.kind === 'reviewed' ? '1' : s.population > 0 ? fmtProbability(s.sampled / s.population) : '—'}</td>
              {legacy && <td className="num muted">{fmtInt(s.excluded_reviewed)} / {fmtInt(s.excluded_duplicates)}</td>}
            </tr>
          ))}
        </tbody>
        <tfoot><tr><td className="strong">Total</td><td className="num strong">{fmtInt(totalN)}</td><td className="num strong">{fmtInt(totaln)}</td><td />{legacy && <td />}</tr></tfoot>
      </table>
    </div>
  );
}

function NewQueueForm({ onCreated, formRef }: { onCreated: (c: QueueCreated) => void; formRef: React.RefObject<HTMLFormElement | null> }) {
  const { data: weeks } = useStoreQuery('queues.weeks', {}, ['requests', 'imports']);
  const { data: options } = useStoreQuery('metrics.options', {}, ['requests']);
  if (!weeks || !options) return <section className="card queue-form" aria-label="New queue"><p className="muted">Loading…</p></section>;
  // Stratify by the first of these columns whose requests hold two values or more; none when no column does (a
  // benchmark log with no feature would otherwise be stratified by a column it does not have).
  const strata = (['feature', 'model', 'model_version', 'segment'] as const).find((d) => options[d].length >= 2) ?? '';
  return <NewQueueFormBody onCreated={onCreated} formRef={formRef} weeks={weeks} initialStrata={strata} />;
}

function NewQueueFormBody({ onCreated, formRef, weeks, initialStrata }: {
  onCreated: (c: QueueCreated) => void; formRef: React.RefObject<HTMLFormElement | null>; weeks: { weeks: Array<{ week: string; requests: number }>; undated: number }; initialStrata: string;
}) {
  const { client, info } = useApp();
  const zone = info.time_zone;
  // The latest week that has requests (not merely the last complete one, which may be empty).
  const initialWeek = weeks.weeks[0]?.week ?? '';
  const days = initialWeek ? weekDays(initialWeek, zone) : null;
  const [f, setF] = useState<FormState>(() => ({
    name: '', mode: 'week', week: initialWeek, from: days?.from ?? '', to: days?.to ?? '', size: '100', strata: initialStrata,
    allocation: 'proportional', min: '2', oversample: { edge_case_repeat: '0', thumbs_down: '10', low_score: '0', ticket: '5', error: '5', slow: '0' }, overlap: '0', seed: '1',
    // Benchmark logs and conversation dumps often carry no time at all; include them when nothing is dated.
    undated: info.first_ts === null,
  }));
  const weekCount = f.mode === 'week' ? weeks.weeks.find((w) => w.week === f.week)?.requests ?? 0 : null;
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  // The planner's last answer: its signal strata say how many requests of the period show each oversampled signal.
  const [plan, setPlan] = useState<DesignPlan | null>(null);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));

  const submit = async () => {
    const fail = (message: string) => setError({ code: 'BAD_REQUEST', message });
    const size = intField('Size', f.size, 1, 20000);
    const min = intField('Minimum per stratum', f.min, 0, 10000);
    const seed = intField('Seed', f.seed, 0, 2 ** 32 - 1);
    const overlap = intField('Overlap share', f.overlap, 0, 100);
    for (const v of [size, min, seed, overlap]) if (typeof v === 'string') return fail(v);
    const oversample: Partial<Record<ReviewSignal, number>> = {};
    let sum = 0;
    for (const s of REVIEW_SIGNALS) {
      const v = intField(`Share for ${SIGNAL_LABELS[s]}`, f.oversample[s] || '0', 0, 100);
      if (typeof v === 'string') return fail(v);
      if (v > 0) { oversample[s] = v / 100; sum += v; }
    }
    if (sum > 100) return fail(`The oversampled shares add up to ${sum}%; they must add up to at most 100%.`);
    const period: { week: string } | { from_ts: number; to_ts: number } | null = f.mode === 'week'
      ? (/^\d{4}-W\d{2}$/.test(f.week) ? { week: f.week } : null)
      : (() => {
        const from = dayStartMs(f.from, zone);
        const to = dayStartMs(f.to, zone, true);
        return from !== null && to !== null && to > from ? { from_ts: from, to_ts: to } : null;
      })();
    if (!period) return fail(f.mode === 'week' ? 'Pick an ISO week, e.g. 2026-W47.' : 'Pick a start and an end date; the end must not be before the start.');
    setBusy(true);
    try {
      const r = await client.call('queues.create', {
        ...(f.name.trim() ? { name: f.name.trim() } : {}), ...period, size: size as number, strata: f.strata || null,
        allocation: f.allocation, min_per_stratum: min as number, oversample, overlap: (overlap as number) / 100, seed: seed as number, filters: {},
        include_undated: f.undated,
      });
      setError(null);
      onCreated(r);
    } catch (e) { setError(asErrorData(e)); } finally { setBusy(false); }
  };

  return (
    <form ref={formRef} className="card queue-form" aria-label="New queue" data-testid="new-queue-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <div className="card-head"><h2>New queue <kbd>n</kbd></h2></div>
      <div className="form-grid">
        <label className="stack-label">Period
          <select value={f.mode} onChange={(e) => set('mode', e.target.value as FormState['mode'])} aria-label="Period">
            <option value="week">ISO week</option>
            <option value="range">Time range</option>
          </select>
        </label>
        {f.mode === 'week' ? (
          <label className="stack-label"><span>Week <span className="muted">({zone})</span></span>
            <input type="week" value={f.week} onChange={(e) => set('week', e.target.value)} aria-label="ISO week" required />
            <span className={`small ${weekCount === 0 ? 'warn-text' : 'muted'}`} data-testid="week-requests">
              {weekCount === 0 ? `No requests in this week${weeks.weeks[0] ? `; the latest with requests is ${weeks.weeks[0].week}` : ''}.` : `${fmtInt(weekCount)} requests`}
            </span>
          </label>
        ) : (
          <div className="pair">
            <label className="stack-label">From<input type="date" value={f.from} onChange={(e) => set('from', e.target.value)} aria-label="From date" /></label>
            <label className="stack-label">To<input type="date" value={f.to} onChange={(e) => set('to', e.target.value)} aria-label="To date" /></label>
          </div>
        )}
        <label className="check-label" title="Requests with no timestamp belong to no week; include them in this queue's population">
          <input type="checkbox" checked={f.undated} onChange={(e) => set('undated', e.target.checked)} aria-label="Include requests without a timestamp" />
          <span>Include requests without a timestamp</span>
        </label>
        <label className="stack-label">Size<input type="number" min={1} max={20000} value={f.size} onChange={(e) => set('size', e.target.value)} aria-label="Size" /></label>
        <label className="stack-label">Strata field
          <select value={f.strata} onChange={(e) => set('strata', e.target.value)} aria-label="Strata field">
            {STRATA_CHOICES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </label>
        <label className="stack-label">Allocation
          <select value={f.allocation} onChange={(e) => set('allocation', e.target.value as FormState['allocation'])} aria-label="Allocation">
            <option value="proportional">Proportional</option>
            <option value="equal">Equal</option>
          </select>
        </label>
        <label className="stack-label">Min per stratum<input type="number" min={0} value={f.min} onChange={(e) => set('min', e.target.value)} aria-label="Minimum per stratum" /></label>
      </div>
      <fieldset className="signals">
        <legend>Oversample signals <span className="muted small">(% of the queue)</span></legend>
        {REVIEW_SIGNALS.map((s) => (
          <label key={s} className="signal-row">
            <span>{SIGNAL_LABELS[s]}<SignalCount plan={plan} signal={s} share={f.oversample[s]} /></span>
            <input type="number" min={0} max={100} value={f.oversample[s]} className="num-input"
              onChange={(e) => set('oversample', { ...f.oversample, [s]: e.target.value })} aria-label={`Share for ${SIGNAL_LABELS[s]} (%)`} />
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        <label className="stack-label" title="Share of the queue also assigned, blind, to a second reviewer">Overlap (%)
          <input type="number" min={0} max={100} value={f.overlap} onChange={(e) => set('overlap', e.target.value)} aria-label="Overlap share (%)" />
        </label>
        <label className="stack-label">Seed<input type="number" min={0} value={f.seed} onChange={(e) => set('seed', e.target.value)} aria-label="Seed" /></label>
        <label className="stack-label span2"><span>Name <span className="muted">(optional)</span></span>
          <input value={f.name} onChange={(e) => set('name', e.target.value)} maxLength={200} aria-label="Queue name" placeholder="e.g. 2026-W47 review by feature" />
        </label>
      </div>
      <Planner f={f} zone={zone} onPlan={setPlan} />
      {error && <ErrorNote error={error} />}
      <div className="row-gap top-gap">
        <button type="submit" className="btn primary" disabled={busy}>{busy ? 'Drawing…' : 'Create queue'}</button>
        <span className="muted small">Overlap: share also given, blind, to a second reviewer. The same design and seed give the same queue.</span>
      </div>
    </form>
  );
}

/**
 * How many requests an oversampled signal's stratum holds (the planner's frame: requests of the period that show the
 * signal and no signal listed above it, not reviewed before), beside its share. A share given to an empty signal
 * stratum is not drawn: the queue gives it to the other strata and its notes say so.
 */
function SignalCount({ plan, signal, share }: { plan: DesignPlan | null; signal: ReviewSignal; share: string }) {
  if (!plan || !(Number(share) > 0)) return null;
  const st = plan.strata.find((x) => x.key === `signal:${signal}`);
  if (!st) return null;
  const title = 'Requests of the period that show this signal and no signal listed above it, not reviewed before';
  return st.population === 0
    ? <span className="small warn-text signal-count" data-testid={`signal-count-${signal}`} title={title}> · none to draw this period: its share goes to the other strata</span>
    : <span className="small muted signal-count" data-testid={`signal-count-${signal}`} title={title}> · {fmtInt(st.population)} to draw from</span>;
}

/** The design of the form as `queues.create` takes it, or null while a field is not valid yet. */
function designOf(f: FormState, zone: string): Record<string, unknown> | null {
  const num = (t: string, min: number, max: number) => { const n = Number(t); return t.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null; };
  const size = num(f.size, 1, 20000);
  const min = num(f.min, 0, 10000);
  const seed = num(f.seed, 0, 2 ** 32 - 1);
  if (size === null || min === null || seed === null) return null;
  const oversample: Partial<Record<ReviewSignal, number>> = {};
  let sum = 0;
  for (const s of REVIEW_SIGNALS) {
    const v = num(f.oversample[s] || '0', 0, 100);
    if (v === null) return null;
    if (v > 0) { oversample[s] = v / 100; sum += v; }
  }
  if (sum > 100) return null;
  let period: Record<string, unknown>;
  if (f.mode === 'week') {
    if (!/^\d{4}-W\d{2}$/.test(f.week)) return null;
    period = { week: f.week };
  } else {
    const from = dayStartMs(f.from, zone);
    const to = dayStartMs(f.to, zone, true);
    if (from === null || to === null || to <= from) return null;
    period = { from_ts: from, to_ts: to };
  }
  return { ...period, size, strata: f.strata || null, allocation: f.allocation, min_per_stratum: min, oversample, seed, filters: {}, include_undated: f.undated };
}

/**
 * What the design will buy, before the queue exists: for the chosen size, strata and oversampling, the expected 95%
 * interval half-width and its coverage at a few plausible failure rates (the same rate in every stratum), simulated
 * through the queue sampler and the estimator on this week's own requests; and the queue size for a chosen precision.
 */
function Planner({ f, zone, onPlan }: { f: FormState; zone: string; onPlan: (p: DesignPlan | null) => void }) {
  const { client } = useApp();
  const [target, setTarget] = useState({ points: '3', rate: '10' });
  const design = designOf(f, zone);
  const points = Number(target.points);
  const rate = Number(target.rate);
  const targetOk = points > 0 && points <= 50 && rate >= 0 && rate <= 100;
  const key = useDebounced(design ? JSON.stringify({ design, ...(targetOk ? { half_width: points / 100, target_rate: rate / 100 } : {}) }) : null, 400);
  const [plan, setPlan] = useState<DesignPlan | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { onPlan(plan); }, [plan, onPlan]);
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setBusy(true);
    const p = JSON.parse(key) as { design: never; half_width?: number; target_rate?: number };
    client.call('queues.plan', { ...p, seeds: 300 }).then((r) => { if (live) { setPlan(r); setError(null); } }, (e: unknown) => { if (live) { setError(asErrorData(e)); setPlan(null); } })
      .finally(() => { if (live) setBusy(false); });
    return () => { live = false; };
  }, [client, key]);
  return (
    <section className="planner" aria-label="Design planner" data-testid="planner">
      <div className="planner-head">
        <h3>What this design will buy</h3>
        <span className="muted small" title="Synthetic failures on this period's own requests, drawn through the queue sampler and estimated as the Estimates tab does">{busy ? 'Simulating…' : plan ? `${fmtInt(plan.seeds)} simulated queues on this period’s ${fmtInt(plan.frame_requests)} requests` : ''}</span>
      </div>
      {error && <p className="small warn-text">{error.message}</p>}
      {plan && (
        <table className="table compact planner-table" data-testid="planner-table">
          <thead><tr><th title="The same rate in every stratum">Failure rate</th><th className="num" title="Mean half-width of the 95% interval, in percentage points">95% interval</th><th className="num" title="Share of simulated queues whose interval held the true rate">Coverage</th></tr></thead>
          <tbody>
            {plan.rates.map((r) => (
              <tr key={r.rate} data-rate={r.rate}>
                <td>{fmtPct(r.rate, r.rate < 0.01 ? 1 : 0)}</td>
                <td className="num nowrap">±{(r.mean_half_width * 100).toFixed(1)} pts</td>
                <td className="num">{fmtPct(r.coverage, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="planner-target">
        <span className="small">Size for ±</span>
        <input type="number" className="num-input" min={0.1} max={50} step="any" value={target.points} onChange={(e) => setTarget({ ...target, points: e.target.value })} aria-label="Target half-width (points)" />
        <span className="small">pts at</span>
        <input type="number" className="num-input" min={0} max={100} step="any" value={target.rate} onChange={(e) => setTarget({ ...target, rate: e.target.value })} aria-label="Target failure rate (%)" />
        <span className="small">%:</span>
        <strong className="small nowrap" data-testid="planner-size">{plan?.target ? (plan.target.size === null ? 'not reachable in this week' : `about ${fmtInt(plan.target.size)} items`) : '—'}</strong>
      </div>
    </section>
  );
}
