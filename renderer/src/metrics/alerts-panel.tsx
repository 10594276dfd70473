/**
 * The alerts of the Metrics screen (alerts.list): every alert of the baseline rules in the range, open ones first,
 * each with what happened against what, its runbook as a checklist, acknowledge / resolve with a note, the records
 * behind it and, for cost, where the cost came from. The head says how many bucket × group tests were run and how
 * many false alerts chance alone would give, so a reader can weigh a single alert.
 */
import { useEffect, useState } from 'react';
import type { Alert, AlertGroup, AlertsResult } from '../../../shared/contract-alerts';
import type { LoupeErrorData } from '../../../shared/errors';
import { asErrorData } from '../api';
import { useApp } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtInt } from '../format';
import { alertSlice, useDrill } from '../monitoring/drill';
import { fmtGroup, fmtMetric, fmtP, fmtPct, METRIC_LABEL, RULE_LABEL } from './metrics-format';

/** The alerts list of `data` (the screen queries it once and also marks the charts with it). */
export function AlertsPanel({ group, data }: { group: AlertGroup | undefined; data: AlertsResult | null }) {
  const [showAll, setShowAll] = useState(false);
  const [openKey, setOpenKey] = useState<string | null>(null);
  if (!data) return <section className="card alerts" data-testid="alerts"><p className="muted small">Computing alerts…</p></section>;
  const shown = showAll ? data.alerts : data.alerts.filter((a) => a.state !== 'resolved');
  const open = data.alerts.filter((a) => a.state === 'open').length;
  const expected = data.tests.reduce((n, t) => n + t.expected_false_alerts, 0);
  const judged = data.tests.reduce((n, t) => n + t.judged, 0);
  return (
    <section className="card alerts" aria-labelledby="alerts-title" data-testid="alerts">
      <div className="card-head">
        <h2 id="alerts-title">Alerts <span className="count" data-testid="alerts-count">{data.alerts.length}</span>
          {open > 0 && <span className="badge bad alerts-open">{open} open</span>}</h2>
        <label className="check small"><input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> Show resolved</label>
      </div>
      <p className="muted small alerts-tests" data-testid="alerts-tests">
        {judged > 0 ? <>
          {fmtInt(judged)} bucket × group tests{group === undefined ? ' (whole traffic, each feature, each model version)' : ` (${fmtGroup(group)})`}, complete buckets only;
          chance alone would give about {expected < 0.1 ? expected.toFixed(2) : expected.toFixed(1)} false alert{expected >= 0.95 && expected < 1.05 ? '' : 's'} among them.
        </> : <>No complete bucket in this range had enough data to be judged{notJudged(data) ? ` (${notJudged(data)})` : ''}.</>}
        {' '}Each rule's level and minimum samples are under Alert rules.
        {data.undated_requests > 0 && ` ${fmtInt(data.undated_requests)} request${data.undated_requests === 1 ? '' : 's'} without a timestamp ${data.undated_requests === 1 ? 'is' : 'are'} in no bucket and judged by no rule.`}
      </p>
      {shown.length === 0 ? <p className="muted small">{data.alerts.length ? 'Every alert in this range is resolved.' : 'No rule fired in this range.'}</p> : (
        <div className="table-scroll alerts-scroll"><table className="table compact alerts-table">
          <thead><tr><th>Bucket</th><th>Scope</th><th>Rule</th><th className="num">Value</th><th className="num">Baseline</th><th>State</th><th /></tr></thead>
          <tbody>
            {shown.map((a) => (
              <AlertRow key={a.key} a={a} open={openKey === a.key} onToggle={() => setOpenKey(openKey === a.key ? null : a.key)} />
            ))}
          </tbody>
        </table></div>
      )}
    </section>
  );
}

/** The most frequent reasons buckets were not judged, e.g. "no baseline: … (12); fewer than 50 requests … (3)". */
function notJudged(data: AlertsResult): string {
  const m = new Map<string, number>();
  for (const t of data.tests) for (const r of t.not_judged) m.set(r.reason, (m.get(r.reason) ?? 0) + r.count);
  return [...m].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([r, n]) => `${r}: ${fmtInt(n)}`).join('; ');
}

function AlertRow({ a, open, onToggle }: { a: Alert; open: boolean; onToggle: () => void }) {
  const drill = useDrill();
  return (
    <>
      <tr data-testid="alert-row" data-rule={a.rule} data-bucket={a.bucket} data-state={a.state} className={a.state === 'open' ? 'alert-open' : undefined}>
        <td className="mono nowrap">{a.bucket}</td>
        <td>{a.group === null ? <span className="muted">all traffic</span> : <span className="badge">{fmtGroup(a.group)}</span>}</td>
        <td className="rule">{RULE_LABEL[a.rule]}{a.rule === 'negative_feedback' && <div className="muted small">{METRIC_LABEL[a.metric]}</div>}</td>
        <td className="num nowrap"><span className="alert-value">▲ {fmtMetric(a.metric, a.value)}</span></td>
        <td className="num nowrap muted">{fmtMetric(a.metric, a.baseline)}</td>
        <td><span className={`badge${a.state === 'open' ? ' bad' : a.state === 'resolved' ? ' ok' : ''}`}>{a.state}</span></td>
        <td className="row-actions nowrap">
          <button type="button" className="btn sm" onClick={() => drill.openRecords(alertSlice(a))} title="The requests of this bucket and group in the Records grid">Records</button>
          <button type="button" className="btn sm ghost" aria-expanded={open} onClick={onToggle}>{open ? 'Close' : 'Runbook'}</button>
        </td>
      </tr>
      {open && <tr className="sub-row"><td colSpan={7}><AlertDetail a={a} /></td></tr>}
    </>
  );
}

function AlertDetail({ a }: { a: Alert }) {
  const { client } = useApp();
  const [note, setNote] = useState(a.note ?? '');
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  // Ticks show at once; the store's answer (the refreshed list) confirms them, a failure puts them back.
  const [checked, setChecked] = useState(a.checked);
  const stored = JSON.stringify(a.checked);
  useEffect(() => { setChecked(JSON.parse(stored) as number[]); }, [stored]);
  const tick = (i: number, done: boolean) => {
    setChecked((c) => (done ? [...c, i] : c.filter((x) => x !== i)));
    void act(() => client.call('alerts.check', { key: a.key, step: i, done })).then(() => undefined);
  };
  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    try { await f(); setError(null); } catch (e) { setError(asErrorData(e)); setChecked(JSON.parse(stored) as number[]); } finally { setBusy(false); }
  };
  return (
    <div className="alert-detail" data-testid="alert-detail">
      <p>{a.summary}</p>
      <p className="muted small">
        Fires above {fmtMetric(a.metric, a.threshold)} · {fmtInt(a.n)} {a.metric === 'tickets' ? 'requests' : a.rule === 'negative_feedback' ? 'answers' : 'requests'} in the bucket, {fmtInt(a.baseline_n)} in the baseline · one-sided {fmtP(a.p_value)}
      </p>
      {a.sources && (
        <div className="cost-sources" data-testid="cost-sources">
          {(['user', 'feature', 'model'] as const).map((k) => (
            <div key={k}><span className="muted small">Grew most by {k}</span>
              <ul>{a.sources![k].map((s) => <li key={s.key} className="small"><b>{s.key}</b> +${s.increase_usd.toFixed(4)} <span className="muted">(${s.cost_usd.toFixed(4)} against ${s.baseline_usd.toFixed(4)})</span></li>)}</ul>
            </div>
          ))}
        </div>
      )}
      <div className="runbook">
        <div className="runbook-head"><b>Runbook: {a.runbook.title}</b>
          <button type="button" className="btn sm link" onClick={() => setEditing(!editing)}>{editing ? 'Cancel' : 'Edit runbook'}</button></div>
        {editing ? <RunbookEditor a={a} onDone={() => setEditing(false)} /> : (
          <ol className="runbook-steps" data-testid="runbook">
            {a.runbook.steps.map((s, i) => (
              <li key={s}><label className="check"><input type="checkbox" checked={checked.includes(i)}
                onChange={(e) => tick(i, e.target.checked)} /> <span>{s}</span></label></li>
            ))}
          </ol>
        )}
      </div>
      <div className="alert-actions">
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={5000} aria-label="Note"
          placeholder="What was found and done (needed to resolve)" />
        <div className="row-gap">
          {a.state !== 'acknowledged' && <button type="button" className="btn sm" disabled={busy} onClick={() => void act(() => client.call('alerts.setState', { key: a.key, state: 'acknowledged', ...(note.trim() ? { note } : {}) }))}>Acknowledge</button>}
          {a.state !== 'resolved' && <button type="button" className="btn sm primary" disabled={busy} onClick={() => void act(() => client.call('alerts.setState', { key: a.key, state: 'resolved', note }))}>Resolve</button>}
          {a.state !== 'open' && <button type="button" className="btn sm ghost" disabled={busy} onClick={() => void act(() => client.call('alerts.setState', { key: a.key, state: 'open' }))}>Reopen</button>}
          {a.state_updated_at !== null && <span className="muted small">{a.state} by {a.state_updated_by ?? 'someone'} {new Date(a.state_updated_at).toISOString().slice(0, 16).replace('T', ' ')} UTC</span>}
        </div>
      </div>
      {error && <ErrorNote error={error} />}
    </div>
  );
}

function RunbookEditor({ a, onDone }: { a: Alert; onDone: () => void }) {
  const { client } = useApp();
  const [title, setTitle] = useState(a.runbook.title);
  const [steps, setSteps] = useState(a.runbook.steps.join('\n'));
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const save = async () => {
    try {
      await client.call('alerts.runbook.set', { rule: a.rule, runbook: { title, steps: steps.split('\n').map((s) => s.trim()).filter(Boolean) } });
      onDone();
    } catch (e) { setError(asErrorData(e)); }
  };
  return (
    <form className="runbook-editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <label className="stack-label">Title<input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} /></label>
      <label className="stack-label">Steps, one per line (for every {RULE_LABEL[a.rule].toLowerCase()} alert)
        <textarea value={steps} onChange={(e) => setSteps(e.target.value)} rows={5} /></label>
      <div className="row-gap"><button type="submit" className="btn sm primary">Save runbook</button></div>
      {error && <ErrorNote error={error} />}
    </form>
  );
}

/** Percent of judged buckets of the whole traffic without an error-rate alert, and the success ratio. */
export function Availability({ data }: { data: AlertsResult | null }) {
  if (!data) return null;
  const a = data.availability;
  return (
    <div className="availability" data-testid="availability">
      {a.buckets > 0
        ? <div><span className="muted small">Availability</span> <b>{fmtPct(a.share, 2)}</b>
          <span className="muted small"> of {fmtInt(a.buckets)} judged buckets without an error-rate alert</span></div>
        : <div><span className="muted small">Availability</span> <span className="muted small">no complete bucket with enough requests with a status to judge</span></div>}
      {a.success_ratio === null
        ? <div><span className="muted small">Success ratio</span> <span className="muted small">unknown: no request in the range has a status or an error</span></div>
        : <div><span className="muted small">Success ratio</span> <b>{fmtPct(a.success_ratio, 2)}</b><span className="muted small"> of requests with a status, without an error</span></div>}
    </div>
  );
}
