/**
 * The generic preset (any flat or nested file, Loupe fields found by their names) and the helpdesk-tickets preset
 * (Zendesk, Freshdesk, Jira and Kaggle-style support-ticket exports), which is generic auto-detection restricted to
 * tickets and recognised by its headers.
 */
import { leafName, normName, type Preset } from './common';
import { SYNONYMS, kindScores } from './synonyms';

function leafNames(sample: readonly Record<string, unknown>[]): string[] {
  const names = new Set<string>();
  for (const r of sample.slice(0, 50)) for (const k of Object.keys(r)) names.add(k);
  return [...names];
}

/** Generic: every kind by field names. Scores low on purpose, so any preset that recognises the file wins. */
export const generic: Preset = {
  name: 'generic',
  label: 'Generic (fields matched by name)',
  kind: 'requests',
  detect(sample) {
    const names = leafNames(sample).map((n) => normName(leafName(n)));
    const all = new Set(Object.values(SYNONYMS).flatMap((k) => Object.values(k).flat()));
    return names.some((n) => all.has(n)) ? 0.3 : 0.05;
  },
  kinds: { requests: { fields: {} }, feedback: { fields: {} }, tickets: { fields: {} } },
};

/** Helpdesk exports: tickets with requester, subject, status, priority, channel, CSAT, and an optional request id. */
export const helpdeskTickets: Preset = {
  name: 'helpdesk-tickets',
  label: 'Helpdesk tickets (Zendesk, Freshdesk, Jira, Kaggle CSV)',
  kind: 'tickets',
  detect(sample) {
    const s = kindScores(leafNames(sample), sample);
    if (s.tickets < 3 || s.tickets <= s.requests || s.tickets <= s.feedback) return 0;
    return Math.min(1, s.tickets / 6);
  },
  kinds: { tickets: { fields: {} } },
  // A ticket the help desk marked as spam (Zoho Desk's isSpam, is_spam, spam: true) is no customer's ticket: skipped
  // and counted, as the Help Scout preset skips its spam. Counted as a ticket it raised the ticket rate.
  // A ticket in the help desk's trash (Gorgias' trashed_datetime) is deleted: skipped and counted likewise.
  skip(r) {
    const flag = r.isSpam ?? r.is_spam ?? r.spam;
    if (flag === true || (typeof flag === 'string' && flag.trim().toLowerCase() === 'true')) return 'marked as spam by the help desk';
    const trashed = r.trashed_datetime ?? r.trashed_at;
    return trashed !== null && trashed !== undefined && String(trashed).trim() !== '' ? 'in the help desk\'s trash (deleted)' : null;
  },
};
