/**
 * `monitoring.slice`: the context of one slice of traffic (a feature × model version) for the review side panel:
 * weekly volume, error rate, p95 latency, thumbs-up rate and cost for the queue's period and the weeks before it,
 * and the slice's open and acknowledged alerts in the period. (The panel asks metrics.drift for the feature's drift
 * on its own, so the charts do not wait for the tests.) Results are kept per data version, so moving through a
 * queue whose items share a slice asks the database once.
 */
import { DateTime } from 'luxon';
import { Dist } from '../summaries/dist';
import { eachCell, summaryLevel } from '../summaries/read';
import { eachFeedbackCell } from '../summaries/feedback';
import { statusKnownSql } from '../summaries/build';
import type { SliceContext, SlicePoint } from '../../../shared/contract-alerts';
import type { Db } from '../db';
import type { Workspace } from '../workspace';
import { listAlerts } from './alerts';
import { getSettings } from './settings';
import { sqlAlertSource } from './source';

interface Params { feature: string | null; model_version: string | null; from_ts: number; to_ts: number; weeks_before: number }

const memo = new WeakMap<Db, Map<string, Omit<SliceContext, 'elapsed_ms'>>>();

/** `col IS ?` matches NULL too; `col = ?` lets SQLite use an index, so use it for values. */
const eq = (col: string, v: string | null) => (v === null ? `${col} IS NULL` : `${col} = ?`);
const args = (...vs: Array<string | null>) => vs.filter((v): v is string => v !== null);

function weekly(db: Db, zone: string, p: Params): SlicePoint[] {
  const first = DateTime.fromMillis(p.from_ts, { zone }).startOf('week').minus({ weeks: p.weeks_before });
  const last = DateTime.fromMillis(p.to_ts - 1, { zone }).startOf('week').plus({ weeks: 1 });
  const starts: number[] = [];
  for (let d = first; d.toMillis() <= last.toMillis(); d = d.plus({ weeks: 1 })) starts.push(d.toMillis());
  const nb = starts.length - 1;
  const at = (ts: number) => { let i = 0; while (i + 1 < nb && starts[i + 1]! <= ts) i++; return i; };
  const level = summaryLevel(db, zone, starts);
  const lat = level
    ? Array.from({ length: nb }, () => new Dist())
    : Array.from({ length: nb }, () => new Dist(Infinity));
  const points: SlicePoint[] = starts.slice(0, -1).map((s, i) => {
    const d = DateTime.fromMillis(s, { zone });
    return {
      label: `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`, start_ts: s, end_ts: starts[i + 1]!,
      current: s < p.to_ts && starts[i + 1]! > p.from_ts,
      requests: 0, errors: 0, error_rate: null, p95_ms: null, p95_relative_error: 0, thumbs_up: 0, thumbs_down: 0, thumbs_up_rate: null, automated_feedback: 0, cost_usd: 0, cost_n: 0,
    };
  });
  const lo = starts[0]!;
  const hi = starts[nb]!;
  // Requests with a status or an error per week: the error rate's denominator (one with neither is no success).
  const known = new Array<number>(nb).fill(0);
  const where = `${eq('r.feature', p.feature)} AND ${eq('r.model_version', p.model_version)}`;
  if (level) {
    // Whole UTC hours: the hourly summaries of the slice (exact counts and sums; p95 exact up to 100 latencies, else
    // from a sketch within ±1%).
    eachCell(db, lo, hi, { feature: p.feature, model_version: p.model_version }, ['latency_ms'], (c) => {
      const i = at(c.hour);
      const pt = points[i]!;
      pt.requests += c.n;
      pt.errors += c.errors;
      known[i]! += c.statusN;
      pt.cost_usd += c.cost;
      pt.cost_n += c.costN;
      lat[i]!.mergeEncoded(c.blobs.latency_ms ?? null);
    }, level);
  } else {
    const st = db.raw.prepare(`SELECT r.ts, r.latency_ms, r.is_error, r.cost_usd, ${statusKnownSql('r.')} FROM requests r WHERE ${where} AND r.ts >= ? AND r.ts < ?`);
    try {
      st.bind([...args(p.feature, p.model_version), lo, hi]);
      while (st.step()) {
        const [ts, l, e, c, k] = st.get() as [number, number | null, number, number | null, number];
        const pt = points[at(ts)]!;
        pt.requests++;
        if (e === 1) pt.errors++;
        if (k === 1 || e === 1) known[at(ts)]!++;
        if (c !== null) { pt.cost_usd += c; pt.cost_n++; }
        if (l !== null) lat[at(ts)]!.add(l);
      }
    } finally {
      st.free();
    }
  }
  // Thumbs on the slice's requests: from the feedback summaries when the weeks are whole UTC hours, else the rows.
  const fromCells = level !== null && eachFeedbackCell(db, lo, hi, { feature: p.feature, model_version: p.model_version }, (c) => {
    const pt = points[at(c.hour)]!;
    pt.thumbs_up += c.up;
    pt.thumbs_down += c.down;
    pt.automated_feedback += c.automated;
  }, level ?? 'hour');
  if (!fromCells) {
    for (const r of db.all<{ ts: number; v: number; kind: string; automated: number | null }>(`SELECT coalesce(f.ts, r.ts) AS ts, f.value AS v, f.kind AS kind, f.automated AS automated
        FROM feedback f JOIN requests r ON r.id = f.request_id
        WHERE f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL AND coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ? AND ${where}`, [lo, hi, ...args(p.feature, p.model_version)])) {
      const pt = points[at(r.ts)]!;
      // An evaluator's score is no user's answer (feedback/automated.ts): counted apart, as the cells count it.
      if (r.automated === 1) pt.automated_feedback++;
      else if (r.kind === 'thumb') { if (r.v > 0) pt.thumbs_up++; else pt.thumbs_down++; }
    }
  }
  points.forEach((pt, i) => {
    pt.error_rate = known[i]! > 0 ? pt.errors / known[i]! : null;
    pt.p95_ms = lat[i]!.quantile(0.95);
    pt.p95_relative_error = lat[i]!.relativeError;
    const th = pt.thumbs_up + pt.thumbs_down;
    pt.thumbs_up_rate = th > 0 ? pt.thumbs_up / th : null;
  });
  return points;
}

/**
 * The slice's context.
 * @param ws the open workspace
 * @param zone the workspace time zone (ISO weeks)
 * @param p the slice (feature, model version; null matches requests without one), the queue's period (UTC ms,
 *   half-open) and how many weeks before it to show
 * @param now UTC ms (complete buckets only, for the alerts)
 * @returns weekly points (current weeks marked) and the alerts of the whole traffic, the feature or the model version
 *   whose bucket starts in the period
 */
export function sliceContext(ws: Workspace, zone: string, p: Params, now = Date.now()): SliceContext {
  const t0 = performance.now();
  const db = ws.db;
  const states = db.value<string>("SELECT count(*) || ':' || coalesce(max(updated_at), 0) FROM alert_states");
  const key = JSON.stringify([sqlAlertSource(db).version(), states, zone, p, getSettings(ws), Math.floor(now / 3_600_000)]);
  const m = memo.get(db) ?? new Map<string, Omit<SliceContext, 'elapsed_ms'>>();
  memo.set(db, m);
  let hit = m.get(key);
  if (!hit) {
    const points = weekly(db, zone, p);
    // The whole range's alerts (the header's open count keeps them cached), narrowed to the period: the same alerts
    // as asking for the period alone, whose baselines reach weeks back and would be computed again for each queue.
    const alerts = listAlerts(ws, zone, { state: ['open', 'acknowledged'] }, now).alerts
      .filter((a) => a.bucket_start >= p.from_ts && a.bucket_start < p.to_ts)
      .filter((a) => a.group === null || (p.feature !== null && a.group.feature === p.feature) || (p.model_version !== null && a.group.model_version === p.model_version));
    const undated = db.value<number>(`SELECT count(*) FROM requests r WHERE ${eq('r.feature', p.feature)} AND ${eq('r.model_version', p.model_version)} AND r.ts IS NULL`,
      args(p.feature, p.model_version)) ?? 0;
    hit = { feature: p.feature, model_version: p.model_version, time_zone: zone, points, undated_requests: undated, alerts };
    m.set(key, hit);
    while (m.size > 32) m.delete(m.keys().next().value!);
  }
  return { ...hit, elapsed_ms: performance.now() - t0 };
}
