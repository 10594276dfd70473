import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Db } from '../db';
import { Workspace } from '../workspace';
import { EXPLICIT_RULE, inferredRule, linkRecords, linkingAccuracy, quotedLength } from './linking';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2026, 1, 2, 8, 0, 0);

let dir: string;
let ws: Workspace;
let db: Db;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-linking-'));
  ws = await Workspace.open(path.join(dir, 'w.loupe'), { create: true });
  db = ws.db;
});
afterEach(() => {
  ws.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function req(id: string, user: string | null, session: string | null, ts: number | null, importId: number, text: { input?: string; output?: string; error?: string } = {}): void {
  db.run('INSERT INTO requests (id, user_id, session_id, ts, import_id, input, output, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [id, user, session, ts, importId, text.input ?? null, text.output ?? null, text.error ?? null]);
}
function ticket(id: string, user: string | null, created: number | null, ref: string | null, importId: number, body: string | null = null, session: string | null = null): void {
  db.run('INSERT INTO tickets (id, user_id, created_ts, request_ref, import_id, body, session_id) VALUES (?, ?, ?, ?, ?, ?, ?)', [id, user, created, ref, importId, body, session]);
}
function fb(id: string, requestId: string | null, session: string | null, ts: number | null, importId: number): void {
  db.run("INSERT INTO feedback (id, request_id, session_id, ts, kind, value, link_method, import_id) VALUES (?, ?, ?, ?, 'thumb', 1, ?, ?)",
    [id, requestId, session, ts, requestId ? 'explicit' : null, importId]);
}
function links(): Array<{ ticket_id: string; request_id: string; method: string; rule: string; gap_ms: number | null }> {
  return db.all('SELECT ticket_id, request_id, method, rule, gap_ms FROM ticket_links ORDER BY ticket_id, request_id');
}
function feedbackLinks(): Array<[string, string | null, string | null]> {
  return db.all<{ id: string; request_id: string | null; link_method: string | null }>('SELECT id, request_id, link_method FROM feedback ORDER BY id')
    .map((r) => [r.id, r.request_id, r.link_method]);
}

describe('linkRecords', () => {
  test('tickets: explicit by request id; the only request of the user within the 48 h window (edges); never a later request', () => {
    const only = inferredRule(48, 'only');
    expect(only).toBe('only request of the same user within 48 h before ticket');
    // u1: two requests in the window and a ticket that quotes neither: ambiguous, not linked.
    req('r1', 'u1', 's1', T0, 1);
    req('r2', 'u1', 's1', T0 + H, 1);
    ticket('t1', 'u1', T0 + 47 * H + 59 * M, null, 1, 'It does not work.');
    // u2: the only request is 48h01 before the ticket: no link.
    req('r3', 'u2', null, T0, 1);
    ticket('t2', 'u2', T0 + 48 * H + 1 * M, null, 1);
    // u3: the request comes one minute after the ticket: no link.
    req('r4', 'u3', null, T0 + M, 1);
    ticket('t3', 'u3', T0, null, 1);
    // Explicit request id wins.
    ticket('t4', 'u1', T0 + 2 * H, 'r1', 1);
    // Exactly 48 h is inside the window; a request at the same millisecond has gap 0.
    req('r6', 'u6', null, T0, 1);
    ticket('t6', 'u6', T0 + 48 * H, null, 1);
    req('r7', 'u7', null, T0, 1);
    ticket('t7', 'u7', T0, null, 1);
    // No user or no created time: nothing to infer from.
    ticket('t8', null, T0 + H, null, 1);
    ticket('t9', 'u1', null, null, 1);

    const out = linkRecords(db, { importId: 1, windowHours: 48 });
    expect(out.ticketLinks).toBe(3);
    expect(links()).toEqual([
      { ticket_id: 't4', request_id: 'r1', method: 'explicit', rule: EXPLICIT_RULE, gap_ms: null },
      { ticket_id: 't6', request_id: 'r6', method: 'inferred', rule: only, gap_ms: 48 * H },
      { ticket_id: 't7', request_id: 'r7', method: 'inferred', rule: only, gap_ms: 0 },
    ]);

    // Idempotent: a second run adds nothing and changes nothing.
    const before = links();
    expect(linkRecords(db, { importId: 1, windowHours: 48 }).ticketLinks).toBe(0);
    expect(links()).toEqual(before);
  });

  test('tickets: the request the ticket quotes most wins over nearer ones; a conversation id beats both', () => {
    const quoted = inferredRule(48, 'quoted');
    req('r1', 'u1', 's1', T0, 1, { input: 'How do I rotate an API key?\n\npage: /en/settings', output: 'API keys cannot be rotated.' });
    req('r2', 'u1', 's1', T0 + H, 1, { input: 'How do I rotate an API key?\n\npage: /en/billing', output: 'Go to Settings.' });
    req('r3', 'u1', 's2', T0 + 2 * H, 1, { input: 'Thanks!', output: 'You are welcome.' });
    // Quotes r1's input (with its page line, whitespace folded) and output; r2 only shares the first line.
    ticket('t1', 'u1', T0 + 3 * H, null, 1, 'Hello,\r\nthe assistant told me: "API keys cannot   be rotated." My question was: "How do I rotate an API key? page: /EN/settings".');
    // An error message quoted from the user's failed request.
    req('r4', 'u4', null, T0, 1, { input: 'hi there', error: '429 Too Many Requests: rate limit exceeded' });
    req('r5', 'u4', null, T0 + H, 1, { input: 'hello again', output: 'Hello.' });
    ticket('t4', 'u4', T0 + 2 * H, null, 1, 'I got "429 Too Many Requests: rate limit exceeded" this morning');
    // A conversation id: the latest request of that conversation, even when another request of the user is nearer.
    ticket('t5', 'u1', T0 + 3 * H, null, 1, 'Help', 's2');

    expect(linkRecords(db, { importId: 1, windowHours: 48 }).ticketLinks).toBe(3);
    expect(links()).toEqual([
      { ticket_id: 't1', request_id: 'r1', method: 'inferred', rule: quoted, gap_ms: 3 * H },
      { ticket_id: 't4', request_id: 'r4', method: 'inferred', rule: quoted, gap_ms: 2 * H },
      { ticket_id: 't5', request_id: 'r3', method: 'inferred', rule: inferredRule(48, 'conversation'), gap_ms: H },
    ]);
    expect(quotedLength('say "hello world, how are you"', 'Hello world, how are you today?')).toBe('hello world, how are you'.length);
    expect(quotedLength('say hello', 'hello')).toBe(0); // shorter than 12 characters: no evidence
  });

  test('the window is configurable and stated in the rule', () => {
    req('r1', 'u1', null, T0, 1);
    ticket('t1', 'u1', T0 + 3 * H, null, 1);
    expect(linkRecords(db, { importId: 1, windowHours: 2 }).ticketLinks).toBe(0);
    expect(linkRecords(db, { importId: 1, windowHours: 3 }).ticketLinks).toBe(1);
    expect(links()[0]!.rule).toBe('only request of the same user within 3 h before ticket');
    expect(inferredRule(1.5, 'quoted')).toBe('same user within 1.5 h before ticket; the ticket quotes this request');
  });

  test('a later import links older unlinked tickets, and an explicit link replaces an inferred guess', () => {
    ticket('t1', 'u1', T0 + 10 * H, null, 1);
    ticket('t2', 'u2', T0 + 10 * H, 'r-late', 1);
    req('r-guess', 'u2', null, T0 + 9 * H, 1);
    expect(linkRecords(db, { importId: 1, windowHours: 48 }).ticketLinks).toBe(1);
    expect(links().map((l) => [l.ticket_id, l.request_id, l.method])).toEqual([['t2', 'r-guess', 'inferred']]);

    // Import 2 brings u1's request and the request t2 names.
    req('r1', 'u1', null, T0 + 8 * H, 2);
    req('r-late', 'u2', null, T0, 2);
    expect(linkRecords(db, { importId: 2, windowHours: 48 }).ticketLinks).toBe(2);
    expect(links().map((l) => [l.ticket_id, l.request_id, l.method, l.gap_ms])).toEqual([
      ['t1', 'r1', 'inferred', 2 * H],
      ['t2', 'r-late', 'explicit', null],
    ]);
    const acc = linkingAccuracy(db, [{ ticket_id: 't1', request_id: 'r1' }, { ticket_id: 't2', request_id: 'r-other' }, { ticket_id: 't3', request_id: 'r9' }]);
    expect(acc).toMatchObject({ tickets: 3, links: 2, correct: 1, precision: 0.5, recall: 1 / 3 });
  });

  test('feedback: explicit ids count when the request exists; session links go to the latest request at or before the feedback', () => {
    req('r1', 'u1', 's1', T0, 1);
    req('r2', 'u1', 's1', T0 + H, 1);
    req('r3', 'u1', 's2', null, 1);
    fb('f1', 'r1', null, T0 + 5 * M, 2); // explicit, request exists
    fb('f2', null, 's1', T0 + 30 * M, 2); // → r1 (r2 is later than the feedback)
    fb('f3', null, 's1', null, 2); // no time: latest request of the session → r2
    fb('f4', null, 's1', T0 - M, 2); // before every request of the session: no link
    fb('f5', null, 's9', T0, 2); // unknown session
    fb('f6', 'r-missing', null, T0, 2); // explicit id of a request not imported (yet): not counted
    fb('f7', null, 's2', T0, 2); // the session's only request has no time: not "before" the feedback
    fb('f8', null, 's1', T0 + H, 2); // same millisecond as r2 → r2

    const out = linkRecords(db, { importId: 2, windowHours: 48 });
    expect(out.feedbackLinks).toBe(4);
    expect(feedbackLinks()).toEqual([
      ['f1', 'r1', 'explicit'], ['f2', 'r1', 'session'], ['f3', 'r2', 'session'], ['f4', null, null], ['f5', null, null],
      ['f6', 'r-missing', 'explicit'], ['f7', null, null], ['f8', 'r2', 'session'],
    ]);
    // Idempotent: no new session links, nothing changes.
    const again = linkRecords(db, { importId: 2, windowHours: 48 });
    expect(again.feedbackLinks).toBe(1); // f1's explicit link still belongs to this import; no new link made
    expect(feedbackLinks()[1]).toEqual(['f2', 'r1', 'session']);

    // A later requests import completes f6 and links f5's session.
    req('r-missing', 'u1', null, T0 - H, 3);
    req('r9', 'u1', 's9', T0 - M, 3);
    expect(linkRecords(db, { importId: 3, windowHours: 48 }).feedbackLinks).toBe(2);
    expect(feedbackLinks().find((f) => f[0] === 'f5')).toEqual(['f5', 'r9', 'session']);
  });

  test('stays fast on many rows', () => {
    db.tx(() => {
      for (let i = 0; i < 20_000; i++) {
        req(`r${i}`, `u${i % 2000}`, `s${i % 5000}`, T0 + i * M, 1, { input: `question number ${i} about billing` });
      }
      for (let i = 0; i < 5000; i++) {
        // The ticket quotes the user's latest request before it (requests of one user are 2,000 min apart).
        const j = i + 2000 * Math.floor((3 * i + 3) / 2000);
        ticket(`t${i}`, `u${i % 2000}`, T0 + (i * 4 + 3) * M, i % 10 === 0 ? `r${i}` : null, 2, `My question was "question number ${j} about billing"`);
        fb(`f${i}`, null, `s${i}`, T0 + 30_000 * M, 2);
      }
    });
    const t = Date.now();
    const out = db.tx(() => linkRecords(db, { importId: 2, windowHours: 48 }));
    expect(Date.now() - t).toBeLessThan(5000);
    expect(out.ticketLinks).toBe(5000);
    expect(out.feedbackLinks).toBe(5000);
  });
});

describe('a ticket export with a conversation column', () => {
  test('is mapped to tickets.session_id by the import and linked to the latest request of that conversation', async () => {
    const { runImport } = await import('./pipeline');
    const reqFile = path.join(dir, 'requests.jsonl');
    fs.writeFileSync(reqFile, [
      { request_id: 'r1', timestamp: '2026-02-02T08:00:00Z', user_id: 'u1', session_id: 'chat-9', prompt: 'Where is my parcel?', response: 'On its way.' },
      { request_id: 'r2', timestamp: '2026-02-02T08:05:00Z', user_id: 'u1', session_id: 'chat-9', prompt: 'When exactly?', response: 'Friday.' },
      { request_id: 'r3', timestamp: '2026-02-02T09:00:00Z', user_id: 'u1', session_id: 'chat-10', prompt: 'Another topic', response: 'Sure.' },
    ].map((r) => JSON.stringify(r)).join('\n'));
    await runImport(ws, reqFile, {});
    const ticketFile = path.join(dir, 'tickets.csv');
    fs.writeFileSync(ticketFile, 'ticket_id,created_at,requester_id,conversation_id,subject\nT-1,2026-02-02T10:00:00Z,u1,chat-9,Parcel late\n');
    const s = await runImport(ws, ticketFile, {});
    expect(s).toMatchObject({ kind: 'tickets', inserted: 1, links: 1 });
    expect(db.value("SELECT session_id FROM tickets WHERE id = 'T-1'")).toBe('chat-9');
    expect(links().map((l) => [l.ticket_id, l.request_id, l.rule])).toEqual([['T-1', 'r2', inferredRule(48, 'conversation')]]);
  });
});
