/**
 * Ticket field values spelled several ways: helpdesks spell one priority, channel, status or tag several ways across
 * exports and API versions ("High", "high", "HIGH ", Zendesk's API "urgent" beside its CSV "Urgent", "E-mail" beside
 * "Email", "web_form" beside "Web Form"). The analysis,
 * the report and the Tickets grid's filters count and pick such spellings as one value; the stored text is kept as
 * the file gave it.
 */
import type { Db } from '../db';

/**
 * The key two spellings of one ticket value share: Unicode NFKC, lower case, without spaces, hyphens or underscores
 * ("E-mail", "email", "Web Form", "web_form").
 * @param v - a stored value
 * @returns the folded key ('' for a blank value)
 */
export function ticketValueKey(v: string): string {
  return v.normalize('NFKC').toLowerCase().replace(/[\s_\-‐-―]+/g, '');
}

/** How well a spelling reads as a label, for ties: "High" (capitalised) before "high" before "HIGH"; "Email" before "E-mail". */
function readability(s: string): number {
  const punct = /[_\-‐-―]/.test(s) ? 0.5 : 0;
  if (/^\p{Lu}/u.test(s) && /\p{Ll}/u.test(s)) return 2 - punct;
  return (/\p{Lu}/u.test(s) ? 0 : 1) - punct;
}

/**
 * Folds spellings to one entry each, in the most frequent spelling (on a tie, a capitalised one such as "High" before
 * "high" before "HIGH", then the first in code-point order).
 * @param counts - [spelling, count] pairs
 * @returns one [shown spelling, every spelling by count] pair per key, in first-seen order
 */
export function foldSpellings(counts: Iterable<readonly [string, number]>): Array<{ value: string; spellings: string[]; n: number }> {
  const m = new Map<string, Map<string, number>>();
  for (const [v, n] of counts) {
    const k = ticketValueKey(v);
    if (k === '') continue;
    const e = m.get(k) ?? new Map<string, number>();
    const shown = v.trim().replace(/\s+/g, ' ');
    e.set(shown, (e.get(shown) ?? 0) + n);
    m.set(k, e);
  }
  return [...m.values()].map((e) => {
    const spellings = [...e].sort((a, b) => b[1] - a[1] || readability(b[0]) - readability(a[0]) || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([s]) => s);
    return { value: spellings[0]!, spellings, n: [...e.values()].reduce((s, x) => s + x, 0) };
  });
}

/** A ticket column the grid filters on. */
export type TicketFacetColumn = 'status' | 'priority' | 'channel';

/**
 * The filter's values for one ticket column: one per folded value, in its most frequent spelling, sorted.
 * @param db - the workspace
 * @param col - the column
 * @param limit - at most this many values
 */
export function ticketFacet(db: Db, col: TicketFacetColumn, limit = 200): string[] {
  const rows = db.all<{ v: string; n: number }>(`SELECT ${col} AS v, count(*) AS n FROM tickets WHERE ${col} IS NOT NULL GROUP BY ${col}`);
  return foldSpellings(rows.map((r) => [r.v, r.n] as const)).map((f) => f.value).sort((a, b) => a.localeCompare(b)).slice(0, limit);
}

/**
 * Every stored spelling of the chosen values (so a filter on "High" also picks the tickets that say "high").
 * @param db - the workspace
 * @param col - the column
 * @param chosen - the values the user picked
 * @returns the stored spellings to match with `IN`
 */
export function ticketSpellingsOf(db: Db, col: TicketFacetColumn, chosen: readonly string[]): string[] {
  const keys = new Set(chosen.map(ticketValueKey));
  const stored = db.all<{ v: string }>(`SELECT DISTINCT ${col} AS v FROM tickets WHERE ${col} IS NOT NULL`).map((r) => r.v);
  return [...new Set([...chosen, ...stored.filter((v) => keys.has(ticketValueKey(v)))])];
}
