/**
 * Ticket analysis: tickets per 1,000 requests by ISO week, model version or feature (and crossed), with the exact
 * Poisson 95% interval (Garwood 1936, as R's poisson.test); counts by tag, priority and channel; time to first
 * response and to resolution (p50/p90, linear interpolation) per week; and tickets linked to reviewed requests per
 * edge-case tag ("ticket rate per failure tag").
 *
 * Which requests a ticket counts against: by week alone, every ticket with a creation time counts in its creation
 * week against that week's requests. As soon as a request field is involved (model version, feature), a ticket
 * counts through its linked request (its week, version and feature); tickets without a linked request are left
 * out and counted in `left_out`.
 */
import type { z } from 'zod';
import type { TicketAnalysis, TicketRateRow, TicketRates, ticketRateSchema } from '../../../shared/contract-feedback';
import { quantileSorted } from '../../../shared/stats/quantile';
import { poissonRateInterval } from '../../../shared/stats/rates';
import type { Db } from '../db';
import { bucketStarts, isoWeekLabel } from '../metrics/common';
import { EFFECTIVE_REVIEWS } from '../review/tags';
import { requestCountsBy } from '../summaries/read';
import { foldSpellings, ticketValueKey } from './values';

export { ticketValueKey } from './values';

type RateParams = z.output<typeof ticketRateSchema>;
type Dim = RateParams['by'];

export const TICKET_RATE_METHOD = 'tickets per 1,000 requests with the exact Poisson 95% interval (Garwood 1936; R poisson.test)';

/**
 * Requests per (week, version, feature) key: from the request summaries (electron/store/summaries; exact counts),
 * else (weeks that are not whole UTC hours) counted per week through the ts index.
 */
function requestCounts(db: Db, dims: Dim[], zone: string): Map<string, number> {
  const out = new Map<string, number>();
  const cols = dims.filter((d) => d !== 'week');
  const fromSummaries = (s: number | null, e: number | null, week: string | null): boolean => {
    const counts = requestCountsBy(db, zone, cols, s, e);
    if (counts === null) return false;
    for (const [k, n] of counts) {
      const v = JSON.parse(k) as Array<string | null>;
      const at = (d: 'model_version' | 'feature') => v[cols.indexOf(d)] ?? null;
      out.set(key(dims, { week, model_version: at('model_version'), feature: at('feature') }), n);
    }
    return true;
  };
  const range = db.get<{ lo: number | null; hi: number | null }>('SELECT min(ts) AS lo, max(ts) AS hi FROM requests');
  const groupCols = cols.length ? cols.join(', ') : "''";
  if (dims.includes('week')) {
    if (range?.lo === null || range?.lo === undefined || range.hi === null) return out;
    // The weeks holding requests: bucketStarts ends with the end boundary (the week after the data is no week of it).
    const starts = bucketStarts(range.lo, range.hi + 1, 'week', zone, 5000);
    for (let i = 0; i < starts.length - 1; i++) {
      const s = starts[i]!;
      const e = starts[i + 1]!;
      const week = isoWeekLabel(s, zone);
      if (fromSummaries(s, e, week)) continue;
      for (const r of db.all<Record<string, string | number | null>>(`SELECT ${cols.length ? `${groupCols},` : ''} count(*) AS n FROM requests WHERE ts >= ? AND ts < ? ${cols.length ? `GROUP BY ${groupCols}` : ''}`, [s, e])) {
        out.set(key(dims, { week, model_version: r.model_version ?? null, feature: r.feature ?? null }), Number(r.n));
      }
    }
  } else if (!fromSummaries(null, null, null)) {
    for (const r of db.all<Record<string, string | number | null>>(`SELECT ${groupCols} , count(*) AS n FROM requests GROUP BY ${groupCols}`)) {
      out.set(key(dims, { week: null, model_version: r.model_version ?? null, feature: r.feature ?? null }), Number(r.n));
    }
  }
  return out;
}

const NONE = '(none)';
function key(dims: Dim[], v: Record<Dim, string | number | null>): string {
  return dims.map((d) => (v[d] === null || v[d] === undefined ? NONE : String(v[d]))).join('\u0000');
}

/**
 * Tickets per 1,000 requests by one dimension, or two crossed (`then`).
 * @param zone - workspace time zone for ISO weeks
 */
export function ticketRates(db: Db, p: RateParams, zone: string): TicketRates {
  const dims: Dim[] = p.then && p.then !== p.by ? [p.by, p.then] : [p.by];
  const viaRequest = dims.some((d) => d !== 'week');
  const totalTickets = db.value<number>('SELECT count(*) FROM tickets') ?? 0;
  const tickets = new Map<string, number>();
  let counted = 0;
  let undatedRequest = 0;
  if (viaRequest) {
    // One linked request per ticket: the explicit one, else the inferred one (the earliest request id on a tie).
    for (const r of db.all<{ ts: number | null; model_version: string | null; feature: string | null }>(`
      SELECT rq.ts, rq.model_version, rq.feature FROM tickets t
        JOIN requests rq ON rq.id = (SELECT l.request_id FROM ticket_links l WHERE l.ticket_id = t.id ORDER BY l.method = 'explicit' DESC, l.request_id LIMIT 1)`)) {
      if (dims.includes('week') && r.ts === null) { undatedRequest++; continue; }
      const k = key(dims, { week: r.ts === null ? null : isoWeekLabel(r.ts, zone), model_version: r.model_version, feature: r.feature });
      tickets.set(k, (tickets.get(k) ?? 0) + 1);
      counted++;
    }
  } else {
    for (const r of db.all<{ created_ts: number }>('SELECT created_ts FROM tickets WHERE created_ts IS NOT NULL')) {
      const k = key(dims, { week: isoWeekLabel(r.created_ts, zone), model_version: null, feature: null });
      tickets.set(k, (tickets.get(k) ?? 0) + 1);
      counted++;
    }
  }
  const requests = requestCounts(db, dims, zone);
  const keys = new Set([...requests.keys(), ...tickets.keys()]);
  // When no ticket could be placed in any group (no creation times, or no links), a rate of 0 would read as "no
  // tickets": there is no rate, and left_out says why.
  const noneCounted = counted === 0 && totalTickets > 0;
  const rows: TicketRateRow[] = [...keys].sort().map((k) => {
    const [g1, g2] = k.split('\u0000');
    const t = tickets.get(k) ?? 0;
    const n = requests.get(k) ?? 0;
    const ci = noneCounted ? null : poissonRateInterval(t, n);
    return { group: g1!, ...(g2 !== undefined ? { group2: g2 } : {}), tickets: t, requests: n, per_1000: ci?.estimate ?? null, low: ci?.low ?? null, high: ci?.high ?? null };
  });
  const leftOut = totalTickets - counted;
  const reasons = (viaRequest
    ? [
      { reason: 'no linked request (the ticket names none and its link could not be inferred)', tickets: leftOut - undatedRequest },
      { reason: 'the linked request has no timestamp (in no week)', tickets: undatedRequest },
    ]
    : [{ reason: 'no creation time (in no week)', tickets: leftOut }]).filter((r) => r.tickets > 0);
  return {
    by: p.by, then: dims[1] ?? null, rows,
    left_out: {
      tickets: leftOut,
      reason: reasons.length ? reasons.map((r) => `${r.tickets.toLocaleString('en-US')} ${r.reason}`).join('; ') : (viaRequest ? 'no linked request' : 'no creation time'),
      reasons,
    },
    method: TICKET_RATE_METHOD,
  };
}

function shares(rows: Array<{ value: string; tickets: number }>, total: number): TicketAnalysis['by_tag'] {
  return rows.sort((a, b) => b.tickets - a.tickets || a.value.localeCompare(b.value)).map((r) => ({ ...r, share: total ? r.tickets / total : 0 }));
}

function pq(values: number[]): [number | null, number | null] {
  if (values.length === 0) return [null, null];
  const s = Float64Array.from(values).sort();
  return [quantileSorted(s, 0.5), quantileSorted(s, 0.9)];
}

/** A ticket's categories: its tags (stored as a JSON array; other text split on spaces and commas). */
export function ticketCategories(s: string | null): string[] {
  if (!s) return [];
  try { const v = JSON.parse(s) as unknown; return Array.isArray(v) ? v.map(String) : [String(v)]; } catch { return s.split(/[\s,]+/).filter(Boolean); }
}

type TicketRow = { id: string; created_ts: number | null; first_response_ts: number | null; resolved_ts: number | null; tags: string | null; priority: string | null; channel: string | null };

/** Counts per value and the spellings folded together (see {@link ticketValueKey}). */
type Folded = { rows: Array<{ value: string; tickets: number }>; merged: Array<{ value: string; spellings: string[] }> };

/**
 * Tickets per value, values that differ only in case or spacing counted as one, shown in their most frequent
 * spelling (on a tie, the first in code-point order). A ticket counts once per value however it spells it.
 */
function countFolded(all: readonly TicketRow[], get: (t: TicketRow) => string[]): Folded {
  const tickets = new Map<string, number>();
  const spellings = new Map<string, number>();
  for (const t of all) {
    const seen = new Set<string>();
    for (const v of get(t)) {
      const k = v === NONE ? NONE : ticketValueKey(v);
      if (k === '') continue;
      spellings.set(v, (spellings.get(v) ?? 0) + 1);
      if (!seen.has(k)) { seen.add(k); tickets.set(k, (tickets.get(k) ?? 0) + 1); }
    }
  }
  const folded = foldSpellings(spellings);
  return {
    rows: folded.map((f) => ({ value: f.value, tickets: tickets.get(f.value === NONE ? NONE : ticketValueKey(f.value)) ?? 0 })),
    merged: folded.filter((f) => f.spellings.length > 1),
  };
}

function breakdownOf(all: readonly TicketRow[]): Pick<TicketAnalysis, 'tickets' | 'by_tag' | 'by_priority' | 'by_channel'> & { folded: string[] } {
  const n = all.length;
  const tag = countFolded(all, (t) => ticketCategories(t.tags));
  const priority = countFolded(all, (t) => [t.priority ?? NONE]);
  const channel = countFolded(all, (t) => [t.channel ?? NONE]);
  const folded = ([['tags', tag], ['priorities', priority], ['channels', channel]] as const).flatMap(([what, f]) => f.merged.length
    ? [`${what[0]!.toUpperCase()}${what.slice(1)} that differ only in case, spacing or hyphens are counted as one: ${f.merged.slice(0, 5).map((x) => x.spellings.map((s) => `"${s}"`).join(' = ')).join('; ')}${f.merged.length > 5 ? ` and ${f.merged.length - 5} more` : ''}.`]
    : []);
  return {
    tickets: n,
    by_tag: shares(tag.rows, n),
    by_priority: shares(priority.rows, n),
    by_channel: shares(channel.rows, n),
    folded,
  };
}

const TICKET_COLUMNS = 'id, created_ts, first_response_ts, resolved_ts, tags, priority, channel';

/**
 * Tickets by category (tag), priority and channel, with shares; all tickets, or those created in [from_ts, to_ts)
 * (UTC ms). The weekly report reads a week's categories through this, so it counts them as the Feedback screen does.
 */
export function ticketBreakdown(db: Db, period?: { from_ts: number; to_ts: number }): Pick<TicketAnalysis, 'tickets' | 'by_tag' | 'by_priority' | 'by_channel'> & { folded: string[] } {
  return breakdownOf(period
    ? db.all<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE created_ts >= ? AND created_ts < ?`, [period.from_ts, period.to_ts])
    : db.all<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets`));
}

/** Counts by tag, priority, channel and link rule; response and resolution times per week; rate per failure tag. */
export function ticketAnalysis(db: Db, zone: string): TicketAnalysis {
  const all = db.all<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets`);
  const n = all.length;
  const H = 3_600_000;
  const weeks = new Map<string, { n: number; fr: number[]; res: number[] }>();
  // Nothing leaves the times table without being counted under its reason.
  let undated = 0;
  let responseBefore = 0;
  let resolvedBefore = 0;
  for (const t of all) {
    if (t.created_ts === null) { undated++; continue; }
    const w = isoWeekLabel(t.created_ts, zone);
    const e = weeks.get(w) ?? { n: 0, fr: [], res: [] };
    e.n++;
    if (t.first_response_ts !== null) {
      if (t.first_response_ts >= t.created_ts) e.fr.push((t.first_response_ts - t.created_ts) / H);
      else responseBefore++;
    }
    if (t.resolved_ts !== null) {
      if (t.resolved_ts >= t.created_ts) e.res.push((t.resolved_ts - t.created_ts) / H);
      else resolvedBefore++;
    }
    weeks.set(w, e);
  }
  const timesLeftOut = [
    { reason: 'no creation time: in no week (still in the counts by tag, priority and channel)', tickets: undated },
    { reason: 'first response earlier than creation: no response time', tickets: responseBefore },
    { reason: 'resolution earlier than creation: no resolution time', tickets: resolvedBefore },
  ].filter((r) => r.tickets > 0);
  const times = [...weeks].sort(([a], [b]) => a.localeCompare(b)).map(([week, e]) => {
    const [f50, f90] = pq(e.fr);
    const [r50, r90] = pq(e.res);
    return { week, tickets: e.n, first_response_n: e.fr.length, first_response_p50_h: f50, first_response_p90_h: f90, resolution_n: e.res.length, resolution_p50_h: r50, resolution_p90_h: r90 };
  });

  // Reviewed requests (an effective review with a verdict) and their tags; tickets linked to them.
  const reviewed = db.all<{ request_id: string; failed: number; tags: string | null; tickets: number }>(`
    SELECT e.request_id, max(e.failed) AS failed,
      (SELECT group_concat(DISTINCT t.name) FROM review_tags rt JOIN tags t ON t.id = rt.tag_id JOIN (${EFFECTIVE_REVIEWS}) e2 ON e2.id = rt.review_id WHERE e2.request_id = e.request_id) AS tags,
      (SELECT count(DISTINCT l.ticket_id) FROM ticket_links l WHERE l.request_id = e.request_id) AS tickets
    FROM (${EFFECTIVE_REVIEWS}) e WHERE e.failed IS NOT NULL GROUP BY e.request_id`);
  const byTag = new Map<string, { reviewed: number; tickets: number }>();
  const bump = (k: string, t: number) => { const v = byTag.get(k) ?? { reviewed: 0, tickets: 0 }; v.reviewed++; v.tickets += t; byTag.set(k, v); };
  for (const r of reviewed) {
    const tags = r.tags ? r.tags.split(',') : [];
    for (const t of tags) bump(t, r.tickets);
    if (tags.length === 0) bump(r.failed ? '(failed, no tag)' : '(passed, no tag)', r.tickets);
  }
  const byFailureTag = [...byTag].map(([tag, v]) => {
    const ci = poissonRateInterval(v.tickets, v.reviewed);
    return { tag, reviewed_requests: v.reviewed, tickets: v.tickets, per_1000: ci?.estimate ?? null, low: ci?.low ?? null, high: ci?.high ?? null };
  }).sort((a, b) => (b.per_1000 ?? 0) - (a.per_1000 ?? 0) || a.tag.localeCompare(b.tag));
  const linked = db.value<number>('SELECT count(DISTINCT ticket_id) FROM ticket_links') ?? 0;
  const notes: string[] = [];
  if (reviewed.length === 0) notes.push('No reviewed request yet: the rate per failure tag appears once requests are reviewed.');
  const hasTimes = times.length > 0;
  if (undated > 0) notes.push(`${undated.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} tickets have no creation time: they are in the counts by tag, priority and channel, not in the weekly times or weekly rates.`);
  if (n - linked > 0) notes.push(`${(n - linked).toLocaleString('en-US')} of ${n.toLocaleString('en-US')} tickets have no linked request; they are in the counts${hasTimes ? ' and times' : ''}, not in rates by model version, feature or failure tag.`);
  const { folded, ...breakdown } = breakdownOf(all);
  notes.push(...folded);
  return {
    ...breakdown, linked,
    by_link_rule: db.all<{ method: string; rule: string; tickets: number }>('SELECT method, rule, count(DISTINCT ticket_id) AS tickets FROM ticket_links GROUP BY method, rule ORDER BY tickets DESC'),
    times, times_left_out: timesLeftOut, by_failure_tag: byFailureTag, reviewed_requests: reviewed.length, notes,
  };
}
