/**
 * Help Scout conversations from its Mailbox API 2.0 (`GET /v2/conversations`, optionally `?embed=threads`;
 * developers.helpscout.com, "Conversations": "List conversations" and the Conversation object). A list response is a
 * HAL document with the conversations under `_embedded.conversations`. Each is one ticket:
 * - id; createdAt as the creation time; userUpdatedAt as the update; closedAt as the resolution of a closed
 *   conversation (an active or pending one reopened after a close is not resolved);
 * - subject; the `preview` (the start of the latest thread) as the body, else the first customer thread's text when
 *   threads are embedded;
 * - status (active, pending, closed; `spam` conversations are no customer's ticket: skipped and counted);
 * - the channel: `source.type` (email, chat, phone, api, …), else `type`; `source.via` only says who started it
 *   (customer or user), so it is not the channel;
 * - the customer: `primaryCustomer` (else `createdBy` when a customer created it): "first last" as the requester,
 *   email as the requester email and the user id. The `assignee` is the agent and never the customer;
 * - `tags[].tag` as the tags (every one of them);
 * - with embedded threads, the first `reply` thread (an agent's answer) as the first response.
 * Custom fields are kept in extra by the generic rule (`customFields`), not read as the text.
 */
import { first, hasKeys, share, type Preset } from './common';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v && typeof v === 'object' && !Array.isArray(v) ? v as Obj : null);

/** The customer of a conversation: its primary customer, else its creator when that is a customer (not an agent). */
function customer(r: Obj): Obj | null {
  const p = obj(first(r, 'primaryCustomer'));
  if (p) return p;
  const c = obj(first(r, 'createdBy'));
  return c && c.type === 'customer' ? c : null;
}

const fullName = (p: Obj | null): string | undefined => {
  if (!p) return undefined;
  const n = [p.first, p.last].filter((x) => typeof x === 'string' && x.trim() !== '').join(' ').trim();
  return n || (typeof p.email === 'string' ? p.email : undefined);
};

/** The embedded threads (`_embedded.threads`), oldest first. */
function threads(r: Obj): Obj[] {
  const list = first(r, '_embedded.threads');
  if (!Array.isArray(list)) return [];
  return list.map(obj).filter((t): t is Obj => t !== null && typeof t.createdAt === 'string').sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
}

/** Tag names of `[{id, color, tag}]` (or plain strings). */
function tagNames(v: unknown): unknown {
  if (!Array.isArray(v)) return undefined;
  return v.map((t) => (obj(t) ? (t as Obj).tag ?? (t as Obj).name : t)).filter((n) => typeof n === 'string' && n !== '');
}

const isConversation = (r: Obj) => hasKeys(r, 'id', 'createdAt', 'status') && (hasKeys(r, 'primaryCustomer') || hasKeys(r, 'mailboxId') || hasKeys(r, 'customerWaitingSince'));

export const helpscout: Preset = {
  name: 'helpscout',
  label: 'Help Scout conversations (Mailbox API 2.0)',
  kind: 'tickets',
  unit: 'conversations',
  detect(sample) {
    return share(sample, isConversation);
  },
  skip(r) {
    return r.status === 'spam' ? 'spam conversation (Help Scout status spam: no customer\'s ticket)' : null;
  },
  kinds: {
    tickets: {
      fields: {
        id: 'id',
        created_ts: 'createdAt',
        updated_ts: 'userUpdatedAt',
        resolved_ts: { compute: (r) => (r.status === 'closed' ? first(r, 'closedAt') ?? undefined : undefined), uses: ['status', 'closedAt'], describe: 'closedAt of a closed conversation' },
        first_response_ts: {
          compute: (r) => threads(r).find((t) => t.type === 'reply')?.createdAt,
          uses: ['_embedded.threads'], describe: 'the first reply thread\'s createdAt (with embed=threads)',
        },
        status: 'status',
        channel: { compute: (r) => first(r, 'source.type', 'type'), uses: ['source.type', 'type'], describe: 'source.type | type' },
        subject: 'subject',
        body: {
          compute: (r) => threads(r).find((t) => t.type === 'customer' && typeof t.body === 'string')?.body ?? first(r, 'preview'),
          uses: ['_embedded.threads', 'preview'], describe: 'the first customer thread | preview',
        },
        requester: { compute: (r) => fullName(customer(r)), uses: ['primaryCustomer', 'createdBy'], describe: 'primaryCustomer first + last' },
        requester_email: { compute: (r) => customer(r)?.email, uses: ['primaryCustomer', 'createdBy'], describe: 'primaryCustomer.email' },
        user_id: { compute: (r) => customer(r)?.email ?? customer(r)?.id, uses: ['primaryCustomer', 'createdBy'], describe: 'primaryCustomer.email | primaryCustomer.id' },
        tags: { compute: (r) => tagNames(first(r, 'tags')), uses: ['tags'], describe: 'tags[].tag' },
      },
      autoDetect: false,
    },
  },
  notes: ['Help Scout conversations: the primary customer as the requester (never the assignee), source.type as the channel, every tag, closedAt of a closed conversation as its resolution; spam conversations skipped and counted'],
};
