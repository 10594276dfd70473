/**
 * Adapter for the report's tickets section, read from the ticket analysis of the Feedback screen
 * (electron/store/tickets/analysis.ts), so the report and the app give the same figures: tickets opened in the week
 * per 1,000 requests of the week with the exact Poisson 95% interval (Garwood 1936, as R's poisson.test), against
 * the week before; the change as the MOVER interval of the two rates' own intervals (Zou & Donner 2008); the week's
 * top categories (ticket tags, counted as the analysis counts them) beside last week's; priorities and channels.
 */
import { moverDifference } from '../../../../shared/stats/difference';
import { poissonRateTwoSided } from '../../../../shared/stats/rate-tests';
import { TICKET_RATE_METHOD, ticketBreakdown, ticketRates, ticketValueKey } from '../../tickets/analysis';
import type { ReportContext } from '../context';
import type { Change, Section, TicketsWeek } from '../model';

const TOP = 8;
const NO_RATE = { rate: null, low: null, high: null };

/**
 * The tickets section of the report's week.
 * @returns `available: false` with the reason when the workspace has no tickets at all
 */
export function ticketsSection(ctx: ReportContext): Section<TicketsWeek> {
  const db = ctx.ws.db;
  const total = db.value<number>('SELECT count(*) FROM tickets') ?? 0;
  if (total === 0) return { available: false, reason: 'The workspace has no support tickets.' };
  const rates = ticketRates(db, { by: 'week' }, ctx.zone);
  // By week, a ticket is left out only for want of a creation time: all left out, no week has a ticket rate.
  if (rates.left_out.tickets === total) {
    return { available: false, reason: `None of the workspace's ${total.toLocaleString('en-US')} tickets has a creation time, so none can be placed in a week and there is no ticket rate. Import them again with a column mapped to created_ts.` };
  }
  const byWeek = new Map(rates.rows.map((r) => [r.group, r]));
  const week = (label: string) => {
    const r = byWeek.get(label);
    return {
      tickets: r?.tickets ?? 0, requests: r?.requests ?? 0,
      ...(r && r.per_1000 !== null ? { rate: r.per_1000, low: r.low, high: r.high } : NO_RATE),
    };
  };
  const cur = week(ctx.week);
  const prev = week(ctx.previous.week);
  let change: Change | null = null;
  if (cur.rate !== null && cur.low !== null && cur.high !== null && prev.rate !== null && prev.low !== null && prev.high !== null) {
    const d = moverDifference(cur.rate, cur.low, cur.high, prev.rate, prev.low, prev.high);
    // The exact conditional (Poisson) test of the same two rates, not a binomial z-test beside a Poisson interval.
    const p = poissonRateTwoSided(cur.tickets, cur.requests, prev.tickets, prev.requests);
    change = { ...d, p_value: p, method: 'difference of the two weeks\' rates per 1,000 requests, MOVER interval from each week\'s exact Poisson interval (Zou & Donner 2008); p from the exact conditional test of two Poisson rates, two-sided' };
  }
  const now = ticketBreakdown(db, { from_ts: ctx.from_ts, to_ts: ctx.to_ts });
  const before = new Map(ticketBreakdown(db, { from_ts: ctx.previous.from_ts, to_ts: ctx.previous.to_ts }).by_tag.map((t) => [ticketValueKey(t.value), t.tickets]));
  return {
    available: true,
    data: {
      tickets: cur.tickets,
      requests: cur.requests,
      rate_per_1000: { rate: cur.rate, low: cur.low, high: cur.high },
      last_week: prev,
      change,
      linked: db.value<number>('SELECT count(DISTINCT t.id) FROM tickets t JOIN ticket_links l ON l.ticket_id = t.id WHERE t.created_ts >= ? AND t.created_ts < ?', [ctx.from_ts, ctx.to_ts]) ?? 0,
      top_categories: now.by_tag.slice(0, TOP).map((c) => ({ category: c.value, tickets: c.tickets, last_week: before.get(ticketValueKey(c.value)) ?? 0 })),
      by_priority: now.by_priority.map((x) => ({ priority: x.value, tickets: x.tickets })),
      by_channel: now.by_channel.map((x) => ({ channel: x.value, tickets: x.tickets })),
      undated_tickets: db.value<number>('SELECT count(*) FROM tickets WHERE created_ts IS NULL') ?? 0,
      method: `${TICKET_RATE_METHOD}; tickets opened in the week against the week's requests; categories are the tickets' tags; tags, priorities and channels that differ only in case, spacing or hyphens are counted as one`,
    },
  };
}
