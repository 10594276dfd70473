/**
 * Freshdesk tickets from its REST API (`GET /api/v2/tickets`, optionally `?include=stats`; developers.freshdesk.com
 * /api/#tickets): id, subject, description_text, status, priority, source, type, tags, requester_id, responder_id,
 * created_at, updated_at, due_by, fr_due_by, fr_escalated, stats {first_responded_at, resolved_at, closed_at}. The API
 * writes status, priority and source as numbers, which the docs define: status 2 Open, 3 Pending, 4 Resolved,
 * 5 Closed; priority 1 Low, 2 Medium, 3 High, 4 Urgent; source 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback
 * Widget, 10 Outbound Email. They are stored as those words, so the ticket analysis reads "Resolved" and "Chat", not
 * "4" and "7". Every other field is found by name, as the helpdesk preset finds it. A code the docs do not list (a
 * custom status) is kept as its number.
 */
import { first, hasKeys, share, type Preset } from './common';

const STATUS: Record<number, string> = { 2: 'Open', 3: 'Pending', 4: 'Resolved', 5: 'Closed' };
const PRIORITY: Record<number, string> = { 1: 'Low', 2: 'Medium', 3: 'High', 4: 'Urgent' };
const SOURCE: Record<number, string> = { 1: 'Email', 2: 'Portal', 3: 'Phone', 7: 'Chat', 9: 'Feedback Widget', 10: 'Outbound Email' };

/** The documented word of a Freshdesk code, or the value as it is (text from the CSV export, a custom code). */
function named(table: Record<number, string>, v: unknown): unknown {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : null;
  return n !== null && table[n] !== undefined ? table[n] : v;
}

export const freshdesk: Preset = {
  name: 'freshdesk',
  label: 'Freshdesk tickets (API)',
  kind: 'tickets',
  unit: 'tickets',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'requester_id', 'status', 'priority') && (hasKeys(r, 'fr_due_by') || hasKeys(r, 'fr_escalated')));
  },
  kinds: {
    tickets: {
      fields: {
        status: { compute: (r) => named(STATUS, first(r, 'status')), uses: ['status'], describe: 'status (2 Open, 3 Pending, 4 Resolved, 5 Closed)' },
        priority: { compute: (r) => named(PRIORITY, first(r, 'priority')), uses: ['priority'], describe: 'priority (1 Low, 2 Medium, 3 High, 4 Urgent)' },
        channel: { compute: (r) => named(SOURCE, first(r, 'source')), uses: ['source'], describe: 'source (1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback Widget, 10 Outbound Email)' },
      },
    },
  },
  notes: ['status, priority and source: Freshdesk\'s numeric codes stored as the words its API documentation gives them'],
};
