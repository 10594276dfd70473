/**
 * Adapter for the report's tickets section: tickets opened in the week (by their creation time), per 1,000 requests
 * of the week with an interval, against the week before, their top categories (ticket tags) and priorities.
 *
 * Merge note (feedback work, issue 10): when ticket rates and categories get their own analysis in
 * electron/store/feedback/, point {@link ticketsSection} at it; the section's shape stays.
 */
import { countChange } from '../compare';
import type { ReportContext } from '../context';
import type { Section, TicketsWeek } from '../model';
import { wilsonInterval } from '../../../../shared/stats';

const TOP = 8;

/** Categories of a ticket: its tags (stored as a JSON array of strings), lower-cased. */
function categories(tags: string | null): string[] {
  if (!tags) return [];
  try {
    const v = JSON.parse(tags) as unknown;
    return Array.isArray(v) ? [...new Set(v.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim().toLowerCase()))] : [];
  } catch {
    return [];
  }
}

/**
 * The tickets section of the report's week.
 * @returns `available: false` with the reason when the workspace has no tickets at all
 */
export function ticketsSection(ctx: ReportContext): Section<TicketsWeek> {
  const db = ctx.ws.db;
  if ((db.value<number>('SELECT count(*) FROM tickets') ?? 0) === 0) return { available: false, reason: 'The workspace has no support tickets.' };
  const count = (from: number, to: number) => ({
    tickets: db.value<number>('SELECT count(*) FROM tickets WHERE created_ts >= ? AND created_ts < ?', [from, to]) ?? 0,
    requests: db.value<number>('SELECT count(*) FROM requests WHERE ts >= ? AND ts < ?', [from, to]) ?? 0,
  });
  const cur = count(ctx.from_ts, ctx.to_ts);
  const prev = count(ctx.previous.from_ts, ctx.previous.to_ts);
  const rate = (c: { tickets: number; requests: number }) => {
    // A ticket is counted against the week's requests; more tickets than requests cannot be a per-request share.
    const w = c.requests > 0 && c.tickets <= c.requests ? wilsonInterval(c.tickets, c.requests) : null;
    return { rate: c.requests > 0 ? (1000 * c.tickets) / c.requests : null, low: w ? 1000 * w.low : null, high: w ? 1000 * w.high : null };
  };
  const tally = (from: number, to: number) => {
    const m = new Map<string, number>();
    for (const r of db.all<{ tags: string | null }>('SELECT tags FROM tickets WHERE created_ts >= ? AND created_ts < ?', [from, to])) {
      for (const c of categories(r.tags)) m.set(c, (m.get(c) ?? 0) + 1);
    }
    return m;
  };
  const now = tally(ctx.from_ts, ctx.to_ts);
  const before = tally(ctx.previous.from_ts, ctx.previous.to_ts);
  const ch = cur.tickets <= cur.requests && prev.tickets <= prev.requests ? countChange(cur.tickets, cur.requests, prev.tickets, prev.requests) : null;
  return {
    available: true,
    data: {
      tickets: cur.tickets,
      requests: cur.requests,
      rate_per_1000: rate(cur),
      last_week: { ...prev, ...rate(prev) },
      change: ch && { ...ch, difference: ch.difference === null ? null : ch.difference * 1000, low: ch.low === null ? null : ch.low * 1000, high: ch.high === null ? null : ch.high * 1000 },
      linked: db.value<number>('SELECT count(DISTINCT t.id) FROM tickets t JOIN ticket_links l ON l.ticket_id = t.id WHERE t.created_ts >= ? AND t.created_ts < ?', [ctx.from_ts, ctx.to_ts]) ?? 0,
      top_categories: [...now].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP).map(([category, tickets]) => ({ category, tickets, last_week: before.get(category) ?? 0 })),
      by_priority: db.all<{ p: string | null; n: number }>('SELECT priority AS p, count(*) AS n FROM tickets WHERE created_ts >= ? AND created_ts < ? GROUP BY priority ORDER BY n DESC', [ctx.from_ts, ctx.to_ts])
        .map((r) => ({ priority: r.p ?? '(none)', tickets: r.n })),
      method: 'tickets opened in the week per 1,000 requests of the week; Wilson interval on tickets / requests, × 1,000; change by Newcombe\'s interval',
    },
  };
}
