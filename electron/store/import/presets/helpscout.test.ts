/**
 * Help Scout conversations (Mailbox API 2.0 list response, HAL `_embedded.conversations`): one ticket each, the
 * primary customer as requester and user (never the assignee), source.type as the channel, every tag, the first
 * reply thread as the first response, spam skipped and counted. Before the preset the generic reader took the
 * assignee's email as every ticket's user, a custom field's name as the requester, `source.via` as the channel and
 * only the first tag.
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-helpscout-');

const agent = { id: 1, type: 'user', first: 'Ana', last: 'Ruiz', email: 'ana@acme.com' };
const conv = (n: number, o: Record<string, unknown> = {}) => ({
  id: 2200000000 + n, number: 1000 + n, threads: 2, type: 'email', folderId: 1, status: 'closed', state: 'published', subject: `Subject ${n}`,
  preview: `Preview ${n}`, mailboxId: 85, assignee: agent,
  createdBy: { id: 500000 + n, type: 'customer', first: 'Pat', last: `Lee${n}`, email: `pat${n}@example.com` },
  createdAt: `2026-03-0${2 + n}T09:00:00Z`, closedBy: 1, closedAt: `2026-03-0${2 + n}T12:00:00Z`, userUpdatedAt: `2026-03-0${2 + n}T12:00:00Z`,
  customerWaitingSince: { time: `2026-03-0${2 + n}T09:00:00Z`, friendly: 'Mar 2', latestReplyFrom: 'user' },
  source: { type: 'email', via: 'customer' }, tags: [{ id: 10, color: '#929499', tag: 'vip' }, { id: 11, color: '#000', tag: 'refund' }], cc: [], bcc: [],
  primaryCustomer: { id: 500000 + n, type: 'customer', first: 'Pat', last: `Lee${n}`, email: `pat${n}@example.com` },
  customFields: [{ id: 8, name: 'Request ID', value: `req_${n}`, text: `req_${n}` }],
  _links: { self: { href: `https://api.helpscout.net/v2/conversations/${2200000000 + n}` } },
  ...o,
});

describe('Help Scout conversations', () => {
  it('import as tickets of their customers, with channel, every tag, times, and spam skipped', async () => {
    const ws = await newWorkspace();
    const doc = {
      _embedded: {
        conversations: [
          conv(0, {
            _embedded: { threads: [
              { id: 3, type: 'reply', createdAt: '2026-03-02T09:40:00Z', body: 'We are on it', createdBy: agent },
              { id: 2, type: 'customer', createdAt: '2026-03-02T09:00:00Z', body: 'The bot quoted a fee we do not charge', createdBy: { type: 'customer' } },
            ] },
          }),
          conv(1, { type: 'chat', source: { type: 'chat', via: 'customer' }, status: 'active', closedAt: '2026-03-03T10:00:00Z', tags: [] }),
          conv(2, { status: 'spam' }),
        ],
      },
      page: { size: 25, totalElements: 3, totalPages: 1, number: 1 },
    };
    const s = await runImport(ws, write('helpscout.json', JSON.stringify(doc)), {});
    expect(s).toMatchObject({ preset: 'helpscout', kind: 'tickets', inserted: 2, skipped: 1, rejected: 0 });
    expect(s.notes.join(' ')).toContain("1 skipped: spam conversation (Help Scout status spam: no customer's ticket)");
    expect(ws.db.all('SELECT id, requester, requester_email, user_id, channel, status, tags, subject, body, created_ts, first_response_ts, resolved_ts FROM tickets ORDER BY id')).toEqual([
      {
        id: '2200000000', requester: 'Pat Lee0', requester_email: 'pat0@example.com', user_id: 'pat0@example.com', channel: 'email', status: 'closed',
        tags: '["vip","refund"]', subject: 'Subject 0', body: 'The bot quoted a fee we do not charge',
        created_ts: Date.UTC(2026, 2, 2, 9), first_response_ts: Date.UTC(2026, 2, 2, 9, 40), resolved_ts: Date.UTC(2026, 2, 2, 12),
      },
      {
        // An active conversation closed once and reopened is not resolved; without threads the preview is the body.
        id: '2200000001', requester: 'Pat Lee1', requester_email: 'pat1@example.com', user_id: 'pat1@example.com', channel: 'chat', status: 'active',
        tags: null, subject: 'Subject 1', body: 'Preview 1', created_ts: Date.UTC(2026, 2, 3, 9), first_response_ts: null, resolved_ts: null,
      },
    ]);
  });
});
