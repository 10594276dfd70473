/**
 * Intercom conversations (API 2.x "Conversation" model, a `conversation.list` response): one ticket each, with the
 * first message's HTML as text, the first admin reply and a closed conversation's last close as its times, the
 * first contact's external id as the user, tag names, and the conversation rating as CSAT. Before the preset the
 * list was read as feedback (its `type` field taken for a feedback kind) and refused.
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../../testing/temp';
import { runImport } from '../pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-intercom-');
const S = 1763283600; // 2026-11-16T09:00:00Z

const conversation = (id: string, o: Record<string, unknown> = {}) => ({
  type: 'conversation', id, created_at: S, updated_at: S + 7200, waiting_since: null, open: false, state: 'closed', read: true, priority: 'not_priority',
  title: null, admin_assignee_id: 814860, team_assignee_id: null,
  tags: { type: 'tag.list', tags: [{ type: 'tag', id: '123456', name: 'billing' }, { type: 'tag', id: '123457', name: 'refund' }] },
  conversation_rating: { rating: 2, remark: 'slow', created_at: S + 8000, contact: { type: 'contact', id: 'c1' } },
  source: { type: 'conversation', id: '403918330', delivered_as: 'customer_initiated', subject: '', body: '<p>My refund has <b>not</b> arrived &amp; the bot said 3 days</p>',
    author: { type: 'user', id: '5310d8e8598c9a0b24000002', name: 'Alice', email: 'alice@example.com' }, attachments: [], url: null, redacted: false },
  contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: '5310d8e8598c9a0b24000002', external_id: 'u123' }] },
  statistics: { type: 'conversation_statistics', time_to_assignment: 0, time_to_admin_reply: 1800, time_to_first_close: 7200, time_to_last_close: 7200,
    median_time_to_reply: 1800, first_contact_reply_at: S, first_assignment_at: S, first_admin_reply_at: S + 1800, first_close_at: S + 7200, last_close_at: S + 7200, count_reopens: 0 },
  ...o,
});

describe('Intercom conversations', () => {
  it('import as tickets with their times, customer, tags and rating', async () => {
    const ws = await newWorkspace();
    const list = { type: 'conversation.list', pages: { type: 'pages', page: 1, per_page: 20, total_pages: 1 }, total_count: 3, conversations: [
      conversation('1911149811'),
      // Reopened after a close: open now, so not resolved; the first message by a teammate names no customer.
      conversation('1911149812', { state: 'open', open: true, priority: 'priority', conversation_rating: null, tags: { type: 'tag.list', tags: [] },
        source: { type: 'email', delivered_as: 'admin_initiated', subject: 'Following up', body: 'Plain text', author: { type: 'admin', id: '814860', name: 'Sam', email: 'sam@co.example' } } }),
      conversation('1911149813', { statistics: { type: 'conversation_statistics', first_admin_reply_at: null, first_close_at: null, last_close_at: null }, state: 'snoozed', open: true }),
    ] };
    const s = await runImport(ws, write('intercom-conversations.json', JSON.stringify(list)), {});
    expect(s).toMatchObject({ kind: 'tickets', preset: 'intercom', inserted: 3, rejected: 0 });
    const rows = ws.db.all<Record<string, unknown>>('SELECT id, created_ts, updated_ts, first_response_ts, resolved_ts, status, priority, channel, subject, body, requester, requester_email, user_id, tags, csat FROM tickets ORDER BY id');
    expect(rows[0]).toEqual({
      id: '1911149811', created_ts: S * 1000, updated_ts: (S + 7200) * 1000, first_response_ts: (S + 1800) * 1000, resolved_ts: (S + 7200) * 1000,
      status: 'closed', priority: 'not priority', channel: 'customer_initiated', subject: null, body: 'My refund has not arrived & the bot said 3 days',
      requester: 'Alice', requester_email: 'alice@example.com', user_id: 'u123', tags: '["billing","refund"]', csat: 2,
    });
    expect(rows[1]).toMatchObject({ id: '1911149812', status: 'open', resolved_ts: null, priority: 'priority', channel: 'admin_initiated', subject: 'Following up', body: 'Plain text', requester: null, requester_email: null, tags: null, csat: null });
    expect(rows[2]).toMatchObject({ id: '1911149813', status: 'snoozed', first_response_ts: null, resolved_ts: null });
  });
});
