/**
 * Where the alert rules get their numbers: requests from the hourly summaries (electron/store/summaries; the rows
 * themselves when the zone's days are not whole UTC hours), feedback by its own time (else its request's) joined to
 * its request's groups, tickets by creation time joined through their links. Everything the rules need goes through
 * {@link AlertSource}.
 */
import type { AlertGroupDim, CostSource } from '../../../shared/contract-alerts';
import type { Db } from '../db';
import { Aggregates, ALL, dayStarts, groupOf } from './aggregate';
import { EXACT_MAX } from '../summaries/dist';
import { eachCell, summaryLevel } from '../summaries/read';
import { statusKnownSql, summaryGeneration } from '../summaries/build';
import { eachFeedbackCell, feedbackVersion } from '../summaries/feedback';
import { byUserSql } from '../feedback/automated';

/** Most values per dimension that get their own alert group (by request count); the rest count in the whole traffic only. */
export const MAX_GROUPS_PER_DIM = 20;

export interface DataRange { first: number | null; last: number | null; undated: number }

/** What the alert rules read. */
export interface AlertSource {
  /** First and last dated request (UTC ms) and the count of undated requests. */
  range(): DataRange;
  /** A string that changes whenever requests, feedback, tickets or links change (for caching). */
  version(): string;
  /**
   * Day aggregates over whole ISO weeks of `zone` covering [from, to).
   * @param now UTC ms; buckets that end later are not complete
   */
  aggregates(from: number, to: number, zone: string, now: number): Aggregates;
  /**
   * The users, features and models whose cost grew most in [start, end) against the mean of the baseline ranges.
   * @param groupKey the alert's group (`all` or `feature=x`)
   * @returns up to `top` positive increases per dimension, largest first (USD)
   */
  costSources(groupKey: string, start: number, end: number, baseline: ReadonlyArray<readonly [number, number]>, top: number): { user: CostSource[]; feature: CostSource[]; model: CostSource[] };
}

/** The workspace tables as an {@link AlertSource}. */
export function sqlAlertSource(db: Db): AlertSource {
  return {
    range() {
      const r = db.get<{ first: number | null; last: number | null; undated: number }>(
        // min and max in subqueries of their own: each is an O(log n) look-up in the ts index (together, a scan).
        'SELECT (SELECT min(ts) FROM requests WHERE ts IS NOT NULL) AS first, (SELECT max(ts) FROM requests) AS last, (SELECT count(*) FROM requests WHERE ts IS NULL) AS undated')!;
      return { first: r.first ?? null, last: r.last ?? null, undated: r.undated ?? 0 };
    },
    version() {
      // Requests: the largest rowid and the summaries' generation (below), which every refresh and delete counts up;
      // a count of 1M requests costs ~250 ms cold.
      const v = db.get<Record<string, number | null>>(`SELECT (SELECT max(rowid) FROM requests) AS rm,
        (SELECT count(*) FROM tickets) AS tn,
        (SELECT max(rowid) FROM tickets) AS tm, (SELECT count(*) FROM ticket_links) AS ln`)!;
      // The summaries' generation: changes to existing requests (UPDATE, DELETE) that the counts miss.
      // Feedback: new rows, and updates and deletes the counts miss (a re-import that changes a thumb).
      return JSON.stringify({ ...v, sg: summaryGeneration(db), fv: feedbackVersion(db) });
    },
    aggregates(from, to, zone, now) {
      const range = this.range();
      const starts = dayStarts(from, to, zone);
      const lo = starts[0]!;
      const hi = starts[starts.length - 1]!;
      // Days that are whole UTC hours (every zone with a whole-hour offset) read the hourly summaries; a zone with a
      // half-hour offset reads the rows.
      const level = summaryLevel(db, zone, starts);
      const aggs = new Aggregates(starts, zone, now, range.first, range.last, level ? EXACT_MAX : Infinity);
      const k = (_dim: AlertGroupDim, v: string | null) => v;
      if (level) {
        eachCell(db, lo, hi, {}, ['latency_ms'], (c) => aggs.addSummaryCell(c.hour, c.slice.feature, c.slice.model_version, c, c.blobs.latency_ms ?? null), level);
      } else {
        // A range holding most of the data reads the table in order (+ts keeps SQLite off the index, whose row-by-row
        // lookups cost more than a plain scan); a short range walks the ts index.
        const wide = range.first !== null && range.last !== null && (Math.min(hi, range.last + 1) - Math.max(lo, range.first)) > 0.5 * (range.last + 1 - range.first);
        const ts = wide ? '+ts' : 'ts';
        db.each(`SELECT ts, feature, model_version, is_error, latency_ms, cost_usd, ${statusKnownSql()} FROM requests WHERE ${ts} >= ? AND ${ts} < ?`, [lo, hi], (r) => {
          aggs.addRequest(r[0] as number, k('feature', r[1] as string | null), k('model_version', r[2] as string | null), r[3] === 1, r[4] as number | null, r[5] as number | null, r[6] === 1);
        });
      }
      // Feedback by its own time, else (none of its own) by its request's, as on the Metrics screen: from the feedback
      // summaries when the days are whole UTC hours, else the rows joined to their requests.
      const fromCells = level !== null && eachFeedbackCell(db, lo, hi, null, (c) => {
        aggs.addFeedbackCounts(c.hour, c.slice?.feature ?? null, c.slice?.model_version ?? null, c);
      }, level ?? 'hour');
      // Evaluators' scores are counted apart (in no share), as the cells count them.
      if (!fromCells) db.each(`SELECT coalesce(f.ts, r.ts), r.feature, r.model_version, f.kind, f.value, f.scale, ${byUserSql()}, f.measure FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
        WHERE coalesce(f.ts, r.ts) >= ? AND coalesce(f.ts, r.ts) < ? AND f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL`, [lo, hi], (r) => {
        aggs.addFeedback(r[0] as number, k('feature', r[1] as string | null), k('model_version', r[2] as string | null), r[3] as string, r[4] as number, r[5] as number | null, r[6] !== 1, (r[7] as string | null) ?? null);
      });
      let cur: { id: string; ts: number; f: string[]; v: string[] } | null = null;
      const flush = () => { if (cur) aggs.addTicket(cur.ts, cur.f, cur.v); };
      db.each(`SELECT t.id, t.created_ts, r.feature, r.model_version FROM tickets t LEFT JOIN ticket_links tl ON tl.ticket_id = t.id
        LEFT JOIN requests r ON r.id = tl.request_id WHERE t.created_ts >= ? AND t.created_ts < ? ORDER BY t.id`, [lo, hi], (r) => {
        if (!cur || cur.id !== r[0]) { flush(); cur = { id: r[0] as string, ts: r[1] as number, f: [], v: [] }; }
        const f = k('feature', r[2] as string | null);
        const v = k('model_version', r[3] as string | null);
        if (f !== null) cur.f.push(f);
        if (v !== null) cur.v.push(v);
      });
      flush();
      aggs.prune(MAX_GROUPS_PER_DIM);
      return aggs;
    },
    costSources(groupKey, start, end, baseline, top) {
      const g = groupOf(groupKey);
      const dim = g === null ? null : (Object.keys(g)[0] as AlertGroupDim);
      const filter = dim === null ? '' : ` AND ${dim} = ?`;
      const fp = dim === null ? [] : [g![dim]!];
      const by = (col: 'user_id' | 'feature' | 'model'): CostSource[] => {
        const cur = new Map(db.all<{ k: string | null; c: number }>(`SELECT ${col} AS k, sum(cost_usd) AS c FROM requests WHERE ts >= ? AND ts < ?${filter} GROUP BY k`, [start, end, ...fp])
          .map((r) => [r.k ?? '(none)', r.c ?? 0]));
        const base = new Map<string, number>();
        for (const [s, e] of baseline) {
          for (const r of db.all<{ k: string | null; c: number }>(`SELECT ${col} AS k, sum(cost_usd) AS c FROM requests WHERE ts >= ? AND ts < ?${filter} GROUP BY k`, [s, e, ...fp])) {
            base.set(r.k ?? '(none)', (base.get(r.k ?? '(none)') ?? 0) + (r.c ?? 0) / baseline.length);
          }
        }
        return [...new Set([...cur.keys(), ...base.keys()])]
          .map((key) => ({ key, cost_usd: cur.get(key) ?? 0, baseline_usd: base.get(key) ?? 0, increase_usd: (cur.get(key) ?? 0) - (base.get(key) ?? 0) }))
          .filter((x) => x.increase_usd > 0).sort((a, b) => b.increase_usd - a.increase_usd).slice(0, top);
      };
      return { user: by('user_id'), feature: by('feature'), model: by('model') };
    },
  };
}

export { ALL };
