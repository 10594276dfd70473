/**
 * Intercom conversations from its REST API (`GET /conversations`, `POST /conversations/search`, or one
 * `GET /conversations/{id}`; developers.intercom.com, "Conversations" model, API 2.x): a list response holds them under
 * `conversations`. Each is one ticket:
 * - id; created_at and updated_at (epoch seconds); title (else the first message's subject) as the subject; the first
 *   message, `source.body`, as the body: HTML, stored as its text (html-to-text), since Loupe shows text only;
 * - state (open, closed, snoozed) as the status; priority (`priority` or `not_priority`) as "priority" / "not priority";
 *   `source.delivered_as` / `source.type` as the channel (customer_initiated · email, …);
 * - `statistics.first_admin_reply_at` as the first response and, for a closed conversation, `statistics.last_close_at`
 *   (else `first_close_at`) as the resolution: an open or snoozed conversation is not resolved even if it was closed
 *   once and reopened;
 * - the customer: `source.author` (name, email) when a user or lead wrote the first message, and the first contact's
 *   external_id (else its Intercom id) as the user id, which links the ticket to that user's requests;
 * - `tags.tags[].name` as the tags; `conversation_rating.rating` (1-5, Intercom's conversation rating) as the CSAT,
 *   its remark kept in extra.
 */
import { convert } from 'html-to-text';
import { first, hasKeys, share, utcMs, type Preset } from './common';

/** The text of an HTML message body (Intercom writes `<p>…</p>`); links keep their address, images are dropped. */
function htmlText(v: unknown): unknown {
  if (typeof v !== 'string' || !/[<&]/.test(v)) return v;
  return convert(v, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] }).trim();
}

/** Names of a `{type: 'tag.list', tags: [{name}]}` object (or a plain array of tags), as a list. */
function tagNames(v: unknown): unknown {
  const list = v && typeof v === 'object' && !Array.isArray(v) ? (v as { tags?: unknown }).tags : v;
  if (!Array.isArray(list)) return undefined;
  return list.map((t) => (t && typeof t === 'object' ? (t as { name?: unknown }).name : t)).filter((n) => typeof n === 'string' && n !== '');
}

/** Whether the conversation's first message was written by the customer (a user or a lead), not a teammate or a bot. */
function customerAuthor(r: Record<string, unknown>): Record<string, unknown> | null {
  const a = first(r, 'source.author');
  if (!a || typeof a !== 'object') return null;
  const type = (a as { type?: unknown }).type;
  return type === 'user' || type === 'lead' || type === 'contact' ? a as Record<string, unknown> : null;
}

/** The first contact of the conversation (the customer), from `contacts.contacts` or a plain array. */
function firstContact(r: Record<string, unknown>): Record<string, unknown> | null {
  const c = first(r, 'contacts');
  const list = c && typeof c === 'object' && !Array.isArray(c) ? (c as { contacts?: unknown }).contacts : c;
  return Array.isArray(list) && list[0] && typeof list[0] === 'object' ? list[0] as Record<string, unknown> : null;
}

const seconds = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : utcMs(v) ?? v);

export const intercom: Preset = {
  name: 'intercom',
  label: 'Intercom conversations (API)',
  kind: 'tickets',
  unit: 'conversations',
  detect(sample) {
    return share(sample, (r) => r.type === 'conversation' && hasKeys(r, 'id', 'created_at') && (hasKeys(r, 'source') || hasKeys(r, 'statistics') || hasKeys(r, 'conversation_rating')));
  },
  kinds: {
    tickets: {
      fields: {
        id: 'id',
        created_ts: { compute: (r) => seconds(first(r, 'created_at')), uses: ['created_at'], describe: 'created_at (epoch s)' },
        updated_ts: { compute: (r) => seconds(first(r, 'updated_at')), uses: ['updated_at'], describe: 'updated_at (epoch s)' },
        first_response_ts: { compute: (r) => seconds(first(r, 'statistics.first_admin_reply_at')), uses: ['statistics.first_admin_reply_at'], describe: 'statistics.first_admin_reply_at (epoch s)' },
        resolved_ts: {
          compute: (r) => (first(r, 'state') === 'closed' || first(r, 'open') === false ? seconds(first(r, 'statistics.last_close_at', 'statistics.first_close_at')) : undefined),
          uses: ['state', 'open', 'statistics.last_close_at', 'statistics.first_close_at'], describe: 'statistics.last_close_at of a closed conversation (epoch s)',
        },
        status: { compute: (r) => first(r, 'state') ?? (first(r, 'open') === true ? 'open' : first(r, 'open') === false ? 'closed' : undefined), uses: ['state', 'open'], describe: 'state' },
        priority: { compute: (r) => { const p = first(r, 'priority'); return typeof p === 'string' ? p.replace(/_/g, ' ') : p; }, uses: ['priority'], describe: 'priority (priority, not priority)' },
        channel: { compute: (r) => first(r, 'source.delivered_as', 'source.type'), uses: ['source.delivered_as', 'source.type'], describe: 'source.delivered_as | source.type' },
        subject: { compute: (r) => htmlText(first(r, 'title', 'source.subject')), uses: ['title', 'source.subject'], describe: 'title | source.subject' },
        body: { compute: (r) => htmlText(first(r, 'source.body')), uses: ['source.body'], describe: 'source.body (HTML, as text)' },
        requester: { compute: (r) => customerAuthor(r)?.name, uses: ['source.author'], describe: 'source.author.name (a user or lead)' },
        requester_email: { compute: (r) => customerAuthor(r)?.email, uses: ['source.author'], describe: 'source.author.email (a user or lead)' },
        user_id: {
          compute: (r) => { const c = firstContact(r); return c ? (c.external_id ?? c.id) : customerAuthor(r)?.id; },
          uses: ['contacts', 'source.author'], describe: 'contacts[0].external_id | contacts[0].id',
        },
        tags: { compute: (r) => tagNames(first(r, 'tags')), uses: ['tags'], describe: 'tags.tags[].name' },
        csat: { compute: (r) => first(r, 'conversation_rating.rating'), uses: ['conversation_rating.rating'], describe: 'conversation_rating.rating (1-5)' },
      },
      autoDetect: false,
    },
  },
  notes: ['Intercom conversations: the first message as the body (HTML as text), the first admin reply as the first response, a closed conversation\'s last close as its resolution, the conversation rating (1-5) as CSAT'],
};
