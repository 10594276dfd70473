import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { ticketAnalysis, ticketBreakdown, ticketValueKey } from './analysis';
import { facets, queryTickets } from '../queries';
import { ticketQuerySchema } from '../../../shared/contract';

async function withTickets(rows: Array<[string, number | null, string | null, string | null, string | null]>): Promise<Db> {
  const SQL = await loadSqlJs();
  const db = new Db(new SQL.Database());
  migrate(db);
  for (const [id, ts, priority, channel, tags] of rows) {
    db.run('INSERT INTO tickets (id, created_ts, priority, channel, tags) VALUES (?, ?, ?, ?, ?)', [id, ts, priority, channel, tags]);
  }
  return db;
}

const T = Date.UTC(2026, 10, 2, 12);

describe('ticket values spelled several ways', () => {
  it('counts "High", "high" and " HIGH " as one priority, shown in the most frequent spelling', async () => {
    const db = await withTickets([
      ['1', T, 'High', 'Email', '["billing"]'],
      ['2', T, 'high', 'email', '["Billing", "refund"]'],
      ['3', T, ' HIGH ', 'email', 'billing'],
      ['4', T, 'high', 'Chat', null],
      ['5', T, 'Low', 'chat', '["BILLING", "billing"]'],
      ['6', T, null, null, null],
    ]);
    const a = ticketAnalysis(db, 'UTC');
    expect(a.tickets).toBe(6);
    expect(a.by_priority).toEqual([
      { value: 'high', tickets: 4, share: 4 / 6 },
      { value: '(none)', tickets: 1, share: 1 / 6 },
      { value: 'Low', tickets: 1, share: 1 / 6 },
    ]);
    expect(a.by_channel.map((c) => [c.value, c.tickets])).toEqual([['email', 3], ['Chat', 2], ['(none)', 1]]);
    // a ticket tagged "BILLING" and "billing" counts once under billing
    expect(a.by_tag.map((c) => [c.value, c.tickets])).toEqual([['billing', 4], ['refund', 1]]);
    expect(a.notes.join(' ')).toMatch(/Priorities that differ only in case, spacing or hyphens are counted as one: "high" = "High" = "HIGH"/);
    expect(a.notes.join(' ')).toMatch(/Channels that differ only in case, spacing or hyphens/);
    // the shares of each breakdown still add up to the tickets (every ticket has one priority and one channel)
    expect(a.by_priority.reduce((s, r) => s + r.tickets, 0)).toBe(6);
    expect(a.by_channel.reduce((s, r) => s + r.tickets, 0)).toBe(6);
  });

  it('says nothing when every value has one spelling, and the weekly breakdown folds the same way', async () => {
    const db = await withTickets([['1', T, 'urgent', 'web', null], ['2', T, 'normal', 'web', null]]);
    expect(ticketAnalysis(db, 'UTC').notes.join(' ')).not.toMatch(/case, spacing/);
    const db2 = await withTickets([['1', T, 'Urgent', 'web', null], ['2', T, 'urgent', 'Web', null], ['3', T - 7 * 86_400_000, 'urgent', 'web', null]]);
    const wk = ticketBreakdown(db2, { from_ts: T - 86_400_000, to_ts: T + 86_400_000 });
    expect(wk.by_priority).toEqual([{ value: 'Urgent', tickets: 2, share: 1 }]);
    expect(wk.by_channel.map((c) => c.tickets)).toEqual([2]);
  });

  it('keys values by NFKC, trimmed, collapsed spaces and lower case', () => {
    expect(ticketValueKey('  Very\tHigh ')).toBe('veryhigh');
    expect(ticketValueKey('E-mail')).toBe(ticketValueKey('email'));
    expect(ticketValueKey('web_form')).toBe(ticketValueKey('Web Form'));
    expect(ticketValueKey('ＨＩＧＨ')).toBe('high');
    expect(ticketValueKey('Urgent')).toBe(ticketValueKey('URGENT'));
    expect(ticketValueKey('p1')).not.toBe(ticketValueKey('p2'));
  });

  it('lists one filter value per folded value in the Tickets grid, and a filter on it picks every spelling', async () => {
    const db = await withTickets([
      ['1', T, 'High', 'Email', null], ['2', T, 'high', 'email', null], ['3', T, 'high', 'Chat', null], ['4', T, 'Low', null, null],
    ]);
    const f = facets(db);
    expect(f.ticket_priority).toEqual(['high', 'Low']);
    expect(f.ticket_channel).toEqual(['Chat', 'Email']); // a tie: the capitalised spelling
    const page = queryTickets(db, ticketQuerySchema.parse({ filter: { priority: ['high'] } }));
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.id).sort()).toEqual(['1', '2', '3']);
    expect(queryTickets(db, ticketQuerySchema.parse({ filter: { channel: ['EMAIL'] } })).total).toBe(2);
  });

  it('shows a tie of spellings in its capitalised form, and counts E-mail with Email', async () => {
    const db = await withTickets([['1', T, 'HIGH', 'E-mail', null], ['2', T, 'high', 'Email', null], ['3', T, 'High', 'email', null]]);
    const a = ticketAnalysis(db, 'UTC');
    expect(a.by_priority).toEqual([{ value: 'High', tickets: 3, share: 1 }]);
    expect(a.by_channel.map((c) => [c.value, c.tickets])).toEqual([['Email', 3]]);
  });

  it('sorts the Tickets grid by priority without regard to case', async () => {
    const db = await withTickets([['1', T, 'low', null, null], ['2', T, 'High', null, null], ['3', T, 'urgent', null, null], ['4', T, 'high', null, null], ['5', T, 'Medium', null, null]]);
    const page = queryTickets(db, ticketQuerySchema.parse({ sort: { column: 'priority', desc: false } }));
    expect(page.rows.map((r) => r.priority!.toLowerCase())).toEqual(['high', 'high', 'low', 'medium', 'urgent']);
  });
});
