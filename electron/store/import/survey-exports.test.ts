/**
 * Feedback exported by survey and chat tools, read by the generic preset from their documented shapes:
 * - Delighted survey responses (GET /v1/survey_responses: id, person, survey_type nps/csat/ces, score, comment,
 *   created_at in epoch seconds, person_properties): a request id among the person properties points at the request
 *   the answer is about. It tipped the whole file to "requests", whose import then moved the stored requests' times
 *   and replaced their unmapped fields with the survey's ("3 updated").
 * - Open WebUI's feedback export (backend/open_webui/models/feedbacks.py: type "rating", data.rating 1 or -1): thumbs,
 *   whose -1s were rejected and whose 1s were stored as CSAT 1/5.
 * - A re-import's unmapped fields are merged into the stored ones, not put in their place.
 */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace';
import { useTempWorkspaces } from '../testing/temp';
import { detectKind } from './mapping';
import { runImport } from './pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-survey-');
const req = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT ts, extra, output FROM requests WHERE id = ?', [id])!;
const T = Date.UTC(2026, 2, 2, 9, 14, 10);

const requests = ['req-1', 'req-2', 'req-3'].map((id, i) => JSON.stringify({ request_id: id, timestamp: new Date(T + i * 60_000).toISOString(), model: 'gpt-4o', input: `q${i}`, output: `a${i}`, experiment_arm: 'support' })).join('\n');

/** Delighted survey responses (api-evangelist/delighted json-schema/survey-response.json). */
const delighted = (withRequestIds: boolean) => JSON.stringify([9, 3, 0, 7].map((score, i) => ({
  id: String(1001 + i), person: String(500 + i), survey_type: 'nps', score, comment: i === 1 ? 'Answer was wrong' : null,
  permalink: `https://delighted.com/r/${i}`, created_at: 1772443000 + i * 3600, updated_at: null,
  person_properties: { Plan: 'pro', ...(withRequestIds && i < 3 ? { request_id: `req-${i + 1}` } : {}) },
  notes: [], tags: [], additional_answers: [],
})));

describe('survey exports', () => {
  it('a Delighted export whose person properties name requests is feedback: NPS answers linked to the requests, which stay as they were', async () => {
    expect(detectKind(JSON.parse(delighted(true)) as Record<string, unknown>[])).toBe('feedback');
    expect(detectKind(JSON.parse(delighted(false)) as Record<string, unknown>[])).toBe('feedback');
    const ws = await newWorkspace();
    await runImport(ws, write('requests.jsonl', requests), {});
    const before = ['req-1', 'req-2', 'req-3'].map((id) => req(ws, id));
    const s = await runImport(ws, write('delighted.json', delighted(true)), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 4, updated: 0, rejected: 0 });
    expect(ws.db.all('SELECT id, kind, value, scale, request_id FROM feedback ORDER BY id')).toEqual([
      { id: '1001', kind: 'nps', value: 9, scale: 10, request_id: 'req-1' },
      { id: '1002', kind: 'nps', value: 3, scale: 10, request_id: 'req-2' },
      { id: '1003', kind: 'nps', value: 0, scale: 10, request_id: 'req-3' },
      { id: '1004', kind: 'nps', value: 7, scale: 10, request_id: null },
    ]);
    expect(['req-1', 'req-2', 'req-3'].map((id) => req(ws, id))).toEqual(before);
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(3);
  });

  it('a request file with a top-level request id and content is still requests; so is one of ids and times alone', () => {
    expect(detectKind(requests.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>))).toBe('requests');
    expect(detectKind([{ request_id: 'r1', timestamp: '2026-03-02T09:00:00Z', status: 'ok' }])).toBe('requests');
  });
});

describe('Open WebUI feedback (type "rating", data.rating ±1)', () => {
  it('reads the ±1 ratings as thumbs, with a note, instead of rejecting the downs and storing the ups as CSAT 1/5', async () => {
    const ws = await newWorkspace();
    const fb = [-1, 1, -1].map((rating, i) => ({
      id: `fb-${i}`, user_id: 'user-1', version: 0, type: 'rating',
      data: { rating, model_id: 'gpt-4o', reason: rating < 0 ? 'Inaccurate information' : '', comment: rating < 0 ? 'Refund window is 30 days' : 'Great', details: { rating: 3 + i } },
      meta: { chat_id: `chat-${i}`, message_id: `msg-${i}` },
      created_at: 1772443000 + i * 60, updated_at: 1772443000 + i * 60,
    }));
    const s = await runImport(ws, write('feedback-export.json', JSON.stringify(fb)), { kind: 'feedback', mapping: { request_id: 'meta.message_id', value: 'data.rating', comment: 'data.comment' } });
    expect(s).toMatchObject({ inserted: 3, rejected: 0 });
    expect(s.notes.some((n) => n.startsWith('feedback kind: thumb for the rows whose kind reads "rating": every such value in the first records is -1 or 1 (2 of 3 are -1)'))).toBe(true);
    expect(ws.db.all('SELECT id, kind, value, scale FROM feedback ORDER BY id')).toEqual([
      { id: 'fb-0', kind: 'thumb', value: -1, scale: null },
      { id: 'fb-1', kind: 'thumb', value: 1, scale: null },
      { id: 'fb-2', kind: 'thumb', value: -1, scale: null },
    ]);
  });

  it('a rating column with other values keeps its scale rules: a -1 among 4s and 7s is still rejected', async () => {
    const ws = await newWorkspace();
    const rows = [4, 7, -1].map((value, i) => JSON.stringify({ feedback_id: `f${i}`, kind: 'rating', value, scale: 10 }));
    const s = await runImport(ws, write('fb.jsonl', rows.join('\n')), { kind: 'feedback' });
    expect(s).toMatchObject({ inserted: 2, rejected: 1 });
  });
});

describe('unmapped fields on a re-import', () => {
  it('are merged key by key into the stored ones: a file with other unmapped fields adds them and drops none', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('requests.jsonl', requests), {});
    expect(JSON.parse(req(ws, 'req-1').extra as string)).toEqual({ experiment_arm: 'support' });
    await runImport(ws, write('more.jsonl', JSON.stringify({ request_id: 'req-1', output: 'a0', region_hint: 'eu' })), { kind: 'requests' });
    expect(JSON.parse(req(ws, 'req-1').extra as string)).toEqual({ experiment_arm: 'support', region_hint: 'eu' });
    await runImport(ws, write('arm.jsonl', JSON.stringify({ request_id: 'req-1', output: 'a0', experiment_arm: 'billing' })), { kind: 'requests' });
    expect(JSON.parse(req(ws, 'req-1').extra as string)).toEqual({ experiment_arm: 'billing', region_hint: 'eu' });
    // The same file again changes nothing.
    const again = await runImport(ws, write('arm2.jsonl', JSON.stringify({ request_id: 'req-1', output: 'a0', experiment_arm: 'billing' })), { kind: 'requests' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, duplicates: 1 });
  });
});

describe('a help desk export whose satisfaction column holds the survey\'s own words (Freshdesk "Survey results")', () => {
  it('keeps every ticket, without a CSAT where the value is not one, counted in a note; 1-5 and good/bad still read', async () => {
    const ws = await newWorkspace();
    const head = 'Ticket ID,Subject,Description,Status,Priority,Source,Type,Created time,Resolved time,Tags,Survey results,Full name,Email';
    const rows = [
      '1201,Bot gave wrong refund window,"Said 60 days, policy is 30",Closed,High,Chat,Incident,2026-03-02 09:15:00,2026-03-02 14:00:00,"ai-answer,refund",Extremely Happy,Jo Smith,jo@example.com',
      '1202,Answer cut off,Reply stops mid sentence,Resolved,Medium,Email,Problem,2026-03-03 11:00:00,2026-03-03 16:30:00,ai-answer,Very Unhappy,Lee Wong,lee@example.com',
      '1203,Login help,Cannot log in,Open,Low,Email,Question,2026-03-03 12:00:00,,account,,Ada Li,ada@example.com',
      '1204,Great answer,Thanks,Closed,Low,Chat,Question,2026-03-04 10:00:00,2026-03-04 10:05:00,,4,Bo Chen,bo@example.com',
      '1205,Wrong answer,Bad,Closed,Low,Chat,Question,2026-03-04 11:00:00,2026-03-04 11:05:00,,bad,Cy Park,cy@example.com',
    ];
    const s = await runImport(ws, write('freshdesk.csv', `${head}\n${rows.join('\n')}\n`), {});
    expect(s).toMatchObject({ kind: 'tickets', inserted: 5, rejected: 0 });
    expect(s.notes).toContain('2 ticket(s) kept without a CSAT: their satisfaction value is not a 1-5 score or a good/bad rating (first on line 2: expected a number, found "Extremely Happy")');
    expect(ws.db.all('SELECT id, csat FROM tickets ORDER BY id')).toEqual([
      { id: '1201', csat: null }, { id: '1202', csat: null }, { id: '1203', csat: null }, { id: '1204', csat: 4 }, { id: '1205', csat: 1 },
    ]);
  });
});

describe('US dates (SurveyMonkey exports MM/DD/YYYY for US accounts)', () => {
  const csv = (dates: string[]) => `Respondent ID,Start Date,NPS\n${dates.map((d, i) => `${114000 + i},${d},${[9, 3, 10][i % 3]}`).join('\n')}\n`;
  it('a day above 12 in the column settles the order for every row of it: no row is refused for being ambiguous', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('sm.csv', csv(['03/02/2026 09:15:22 AM', '03/09/2026 11:40:00 PM', '03/13/2026 08:00:00 AM'])), { kind: 'feedback', mapping: { id: 'Respondent ID', ts: 'Start Date', value: 'NPS' } });
    expect(s).toMatchObject({ inserted: 3, rejected: 0 });
    expect(s.notes).toContain('ts: dates written a/b/yyyy read as month/day ("03/13/2026 08:00:00 AM" settles it)');
    expect(ws.db.all<{ ts: number }>('SELECT ts FROM feedback ORDER BY id').map((r) => new Date(r.ts).toISOString())).toEqual([
      '2026-03-02T09:15:22.000Z', '2026-03-09T23:40:00.000Z', '2026-03-13T08:00:00.000Z',
    ]);
  });

  it('with no value to settle it, each ambiguous date is refused naming the option; the option reads them', async () => {
    const ws = await newWorkspace();
    const dates = ['03/02/2026 09:15:22 AM', '04/09/2026 11:40:00 PM'];
    const map = { id: 'Respondent ID', ts: 'Start Date', value: 'NPS' };
    await expect(runImport(ws, write('sm.csv', csv(dates)), { kind: 'feedback', mapping: map })).rejects.toThrow(/is ambiguous: month\/day or day\/month\? .*choose the date order \(--date-order mdy\|dmy, or Date order in the import preview\)/);
    const s = await runImport(ws, write('sm2.csv', csv(dates)), { kind: 'feedback', mapping: map, date_order: 'dmy' });
    expect(s).toMatchObject({ inserted: 2, rejected: 0 });
    expect(s.notes).toContain('ts: dates written a/b/yyyy read as day/month (chosen)');
    expect(ws.db.all<{ ts: number }>('SELECT ts FROM feedback ORDER BY id').map((r) => new Date(r.ts).toISOString().slice(0, 10))).toEqual(['2026-02-03', '2026-09-04']);
  });
});
