/**
 * Estimates of a queue's period (estimates.week): the failure rate, each pass/fail criterion's pass rate and each
 * tag's rate for the queue's frame (every request of the period after its filters) — the weighted estimate (weights
 * 1/π) with its 95% interval beside the plain sample rate, so the effect of oversampling is visible — with the
 * reviewed items and failures seen, the interval method, skip reasons, small-sample flags (from simulation of the
 * design) and coverage per stratum.
 * Agreement on overlap items (agreement.queue): percent agreement and Cohen's kappa per criterion, weighted kappa
 * for the 1-5 scale, and the disagreements listed for adjudication.
 */
import type { QueueAgreement, RateEstimate, WeekEstimates } from '../../../shared/review-types';
import { useApp, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtDate, fmtInt } from '../format';

import { fmtCoef, fmtInterval, fmtPct, fmtStratum, fmtVerdict, smallSampleReasons } from './review-format';

/** The Estimates tab: a queue picker, then its estimates and agreement. */
export function EstimatesPage({ queueId, onQueue, onOpenItem }: { queueId: number | null; onQueue: (id: number) => void; onOpenItem: (queueId: number, position: number) => void }) {
  const { data: queues, error: qError } = useStoreQuery('queues.list', {}, ['queues']);
  const chosen = queueId ?? queues?.[0]?.id ?? null;
  const est = useStoreQuery('estimates.week', chosen === null ? null : { queue_id: chosen }, ['reviews', 'queues', 'tags', 'rubrics']);
  const agr = useStoreQuery('agreement.queue', chosen === null ? null : { queue_id: chosen }, ['reviews', 'queues', 'rubrics']);
  return (
    <div className="page wide-page">
      <div className="row-gap">
        <label className="inline-label">Queue
          <select value={chosen ?? ''} onChange={(e) => onQueue(Number(e.target.value))} aria-label="Queue" disabled={!queues?.length}>
            {(queues ?? []).map((q) => <option key={q.id} value={q.id}>#{q.id} {q.name} ({q.week ?? 'range'})</option>)}
          </select>
        </label>
        {est.loading && <span className="muted small">Computing…</span>}
      </div>
      {qError && <ErrorNote error={qError} />}
      {queues && queues.length === 0 && <p className="muted">No queues yet: create one on the Queues tab, review some items, and the estimates appear here.</p>}
      {est.error && <ErrorNote error={est.error} />}
      {est.data && <Estimates e={est.data} />}
      {agr.error && <ErrorNote error={agr.error} />}
      {agr.data && <Agreement a={agr.data} onOpen={(p) => onOpenItem(agr.data!.queue_id, p)} />}
    </div>
  );
}

/** An interval drawn on a 0-100% axis with the estimate and the plain sample rate marked. */
function IntervalBar({ m }: { m: RateEstimate }) {
  if (m.estimate === null) return <div className="ibar empty" aria-hidden />;
  const pos = (v: number) => `${Math.max(0, Math.min(100, v * 100)).toFixed(2)}%`;
  return (
    <div className="ibar" aria-hidden title={`estimate ${fmtPct(m.estimate)}, 95% interval ${fmtInterval(m.low, m.high)}, sample rate ${fmtPct(m.sample_rate)}`}>
      {m.low !== null && m.high !== null && <span className="ibar-range" style={{ left: pos(m.low), width: `calc(${pos(m.high)} - ${pos(m.low)})` }} />}
      <span className="ibar-est" style={{ left: pos(m.estimate) }} />
      {m.sample_rate !== null && <span className="ibar-sample" style={{ left: pos(m.sample_rate) }} />}
    </div>
  );
}

function Estimates({ e }: { e: WeekEstimates }) {
  const { info } = useApp();
  // Strata that hold requests (a signal stratum the week has none of is no stratum to cover), as the report counts them.
  const holding = e.strata.filter((s) => s.population > 0);
  const covered = holding.filter((s) => s.reviewed > 0).length;
  // Every row's small-sample reasons, said once above the table (rows share most of them); each row keeps a badge.
  const caveats = smallSampleReasons(e.metrics);
  return (
    <>
      <section className="card" aria-label="Estimates" data-testid="estimates">
        <div className="card-head">
          <h2>{e.queue_name}</h2>
          <span className="muted small">{e.week ?? ''} {fmtDate(e.from_ts, info.time_zone)} – {fmtDate(e.to_ts - 1, info.time_zone)} · {info.time_zone}</span>
        </div>
        <dl className="figures review-figures">
          <div className="figure"><dt>Population</dt><dd>{fmtInt(e.population)}</dd></div>
          <div className="figure"><dt>Queued</dt><dd>{fmtInt(e.queued)}</dd></div>
          <div className="figure"><dt>Reviewed</dt><dd data-testid="est-reviewed">{fmtInt(e.reviewed)}</dd></div>
          <div className="figure"><dt>Failures seen</dt><dd data-testid="est-failures">{fmtInt(e.failures)}</dd></div>
          <div className="figure"><dt>Skipped</dt><dd>{fmtInt(e.skipped)}</dd></div>
          <div className={`figure${covered < holding.length ? ' warn' : ''}`}><dt>Strata covered</dt><dd>{covered} / {holding.length}</dd></div>
          <div className="figure"><dt>Reviewers</dt><dd className="figure-text">{e.reviewers.length ? e.reviewers.join(', ') : '—'}</dd></div>
        </dl>
        {caveats.length > 0 && (
          <div className="note warn caveats" role="note" data-testid="small-sample-caveats">
            <strong>Small sample: read the rows marked “small sample” with care.</strong>
            <ul className="notes">{caveats.map((r) => <li key={r}>{r}</li>)}</ul>
          </div>
        )}
        <table className="table est-table" data-testid="estimates-table">
          <thead>
            <tr>
              <th>Rate, for the sampling frame</th>
              <th className="num" title="Weighted by 1/inclusion probability">Estimate</th>
              <th className="num">95% interval</th>
              <th className="ibar-head"><span>0%</span><span>100%</span></th>
              <th className="num" title="Unweighted share among reviewed items">Sample rate</th>
              <th className="num nowrap">k / n</th>
              <th className="est-method" title={`${e.method.name} (${e.method.reference})`}>Method</th>
            </tr>
          </thead>
          <tbody>
            {e.metrics.map((m) => (
              <tr key={m.key} data-testid="estimate-row" data-key={m.key}>
                <td>
                  <div className={m.kind === 'failure_rate' ? 'strong' : ''}>{m.label}</div>
                  {m.small_sample && <span className="badge warn" data-testid="small-sample" title={m.reason ?? undefined}>small sample</span>}
                  {m.estimate !== null && m.reviewed_share < 1 && (
                    <span className="badge warn" data-testid="partial-estimate"
                      title={m.covered_share > m.reviewed_share
                        ? `Strata with no reviewed item are counted at the rate of the reviewed ones (collapsed): the estimate stands for ${fmtPct(m.covered_share)} of the frame on reviews of ${fmtPct(m.reviewed_share)}.`
                        : 'The strata with no reviewed item are not in this estimate: it is not yet the rate of the whole frame.'}>
                      reviewed strata {fmtPct(m.reviewed_share)} of the frame{m.covered_share > m.reviewed_share ? `, ${fmtPct(m.covered_share)} with collapsed strata` : ''}
                    </span>
                  )}
                </td>
                <td className="num strong">{fmtPct(m.estimate)}</td>
                <td className="num">{fmtInterval(m.low, m.high)}</td>
                <td><IntervalBar m={m} /></td>
                <td className="num muted">{fmtPct(m.sample_rate)}</td>
                <td className="num muted nowrap">{fmtInt(m.k)} / {fmtInt(m.n)}</td>
                <td className="small muted est-method nowrap" title={m.method_name}>{m.method === 'census' ? 'census' : m.method === 'none' ? '—' : 'Clopper–Pearson'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted small top-gap"><span className="legend est" /> estimate · <span className="legend range" /> 95% interval · <span className="legend sample" /> plain sample rate. Oversampled strata pull the sample rate away from the estimate; the estimate weights each review by 1/π so it describes the whole frame. {e.design}</p>
        <p className="small" data-testid="est-method"><span className="muted">95% intervals:</span> {e.method.name} <span className="muted">({e.method.reference}).</span></p>
        {e.notes.length > 0 && <ul className="notes" data-testid="est-notes">{e.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
        {e.skip_reasons.length > 0 && (
          <div className="small" data-testid="skip-reasons"><span className="muted">Skipped ({fmtInt(e.skipped)}):</span> {e.skip_reasons.map((x) => `${x.reason} (${x.items})`).join(' · ')}</div>
        )}
      </section>
      <section className="card" aria-label="Coverage by stratum">
        <div className="card-head"><h2>Coverage by stratum</h2><span className="muted small">Rubric version{e.rubric_versions.length === 1 ? '' : 's'} {e.rubric_versions.length ? e.rubric_versions.map((v) => `v${v}`).join(', ') : '—'}</span></div>
        <table className="table compact" data-testid="coverage-table">
          <thead><tr><th>Stratum</th><th className="num">Population</th><th className="num">Queued</th><th className="num">Reviewed</th><th className="num">Failures</th><th>Coverage</th></tr></thead>
          <tbody>
            {e.strata.map((s) => (
              <tr key={s.key}>
                <td>{s.kind === 'reviewed' ? 'reviewed before (take-all)' : fmtStratum(s.key)}</td>
                <td className="num">{fmtInt(s.population)}</td>
                <td className="num">{fmtInt(s.queued)}</td>
                <td className="num">{fmtInt(s.reviewed)}</td>
                <td className="num">{fmtInt(s.failures)}</td>
                <td>{s.reviewed === 0 && s.population > 0 ? <span className="badge bad">nothing reviewed</span> : <div className="meter thin"><span style={{ width: `${s.queued ? (s.reviewed / s.queued) * 100 : 0}%` }} /></div>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function Agreement({ a, onOpen }: { a: QueueAgreement; onOpen: (position: number) => void }) {
  return (
    <section className="card" aria-label="Agreement" data-testid="agreement">
      <div className="card-head">
        <h2>Agreement between reviewers</h2>
        <span className="muted small">{fmtInt(a.items_with_two_reviews)} item{a.items_with_two_reviews === 1 ? '' : 's'} reviewed by two reviewers{a.pairs.length ? ` · ${a.pairs.map((p) => `${p.reviewer_a} & ${p.reviewer_b} (${p.items})`).join(', ')}` : ''}</span>
      </div>
      {a.items_with_two_reviews === 0 ? (
        <p className="muted">No overlap item has two reviews yet. Give a queue an overlap share and let a second reviewer (another name on this workspace) review it blind.</p>
      ) : (
        <>
          <table className="table compact">
            <thead><tr><th>Criterion</th><th className="num">Items</th><th className="num">Percent agreement</th><th className="num">Cohen’s kappa</th><th className="num">Weighted kappa (linear)</th></tr></thead>
            <tbody>
              {a.criteria.map((c) => (
                <tr key={c.criterion}>
                  <td>{c.label}</td>
                  <td className="num">{fmtInt(c.n)}</td>
                  <td className="num">{c.percent_agreement === null ? '—' : `${c.percent_agreement.toFixed(1)}%`}</td>
                  <td className="num">{fmtCoef(c.kappa)}</td>
                  <td className="num">{c.kind === 'scale' ? fmtCoef(c.weighted_kappa) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Disagreements to adjudicate <span className="count">{a.disagreements.length}</span></h3>
          {a.disagreements.length === 0 ? <p className="muted">The reviewers agree on every overlap item.</p> : (
            <table className="table compact" data-testid="disagreements">
              <thead><tr><th className="num">#</th><th>Request</th><th>Criterion</th><th>First reviewer</th><th>Second reviewer</th><th /></tr></thead>
              <tbody>
                {a.disagreements.map((d) => (
                  <tr key={`${d.position}-${d.criterion}`}>
                    <td className="num">{d.position}</td>
                    <td className="mono small">{d.request_id}</td>
                    <td>{d.criterion}</td>
                    <td>{d.reviewer_a}: <b>{fmtVerdict(d.value_a)}</b></td>
                    <td>{d.reviewer_b}: <b>{fmtVerdict(d.value_b)}</b></td>
                    <td><button type="button" className="btn sm link" onClick={() => onOpen(d.position)}>Open</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

