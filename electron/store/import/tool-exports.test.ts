/**
 * Exports of survey, chat, help-desk, labelling and tracing tools that have no preset, read by the generic preset
 * from their documented shapes (a breaker's findings; each test fails on the code before its fix):
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

const { write, newWorkspace } = useTempWorkspaces('loupe-tool-exports-');
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

  it('a column of a/b/yyyy dates is found as the time by its values, as ISO and epoch columns are (it was left unmapped)', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('sm.csv', csv(['03/02/2026 09:15:22 AM', '03/09/2026 11:40:00 PM', '03/13/2026 08:00:00 AM'])), { kind: 'feedback' });
    expect(s.notes).toContain('ts: Start Date recognised as a time column by its values (a/b/yyyy)');
    expect(ws.db.all<{ ts: number }>('SELECT ts FROM feedback ORDER BY ts').map((r) => new Date(r.ts).toISOString())).toEqual([
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

describe('numbers from German or French spreadsheets (";" CSV, decimal comma, dot thousands)', () => {
  const excel = 'request_id;timestamp;model;prompt;response;latency_ms;prompt_tokens;completion_tokens;cost_usd\n'
    + 'r1;2026-03-02 09:15;gpt-4o;Hallo;Guten Tag;1.234,5;1.200;350;0,0123\nr2;2026-03-02 10:20;gpt-4o;Frage;Antwort;850;980;120;0,0041\n';
  it('a value that can only be a decimal comma sets the file\'s mark: 1.234,5 ms, 1.200 tokens and 0,0123 USD read right', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('de.csv', excel), {});
    expect(s).toMatchObject({ inserted: 2, rejected: 0 });
    expect(s.notes).toContain('decimal mark: \',\' ("1.234,5" can only be a decimal comma); \'.\' and spaces group thousands');
    expect(ws.db.all('SELECT id, latency_ms, tokens_in, cost_usd FROM requests ORDER BY id')).toEqual([
      { id: 'r1', latency_ms: 1234.5, tokens_in: 1200, cost_usd: 0.0123 }, { id: 'r2', latency_ms: 850, tokens_in: 980, cost_usd: 0.0041 },
    ]);
  });

  it('dot thousands alone cannot be told from decimals: read with ".", said in a note naming the option, which reads them', async () => {
    const csv = 'request_id;timestamp;model;latency_ms\nr1;2026-03-02 09:15;gpt-4o;1.234\nr2;2026-03-02 10:20;gpt-4o;850\nr3;2026-03-03 14:00;gpt-4o;12.500\n';
    const ws = await newWorkspace();
    const s = await runImport(ws, write('de.csv', csv), {});
    expect(s.notes.some((n) => n.startsWith('latency_ms: latency_ms has values such as "1.234" beside whole numbers') && n.includes("choose ',' as the decimal mark (--decimal-mark , or Decimal mark in the import preview)"))).toBe(true);
    expect(ws.db.all('SELECT latency_ms FROM requests ORDER BY id')).toEqual([{ latency_ms: 1.234 }, { latency_ms: 850 }, { latency_ms: 12.5 }]);
    const ws2 = await newWorkspace();
    await runImport(ws2, write('de2.csv', csv), { decimal_mark: ',' });
    expect(ws2.db.all('SELECT latency_ms FROM requests ORDER BY id')).toEqual([{ latency_ms: 1234 }, { latency_ms: 850 }, { latency_ms: 12500 }]);
  });
});

describe('help-desk, labelling and tracing exports', () => {
  it('Intercom conversations: tag names, not the object type, and an empty subject path gives way to the title', async () => {
    // developers.intercom.com, Conversation model: type is always "conversation"; title; source.subject (often empty).
    const conv = [1, 2, 3].map((i) => ({
      type: 'conversation', id: String(1290 + i), title: `Title ${i}`, created_at: 1772442900 + i * 3600, updated_at: 1772446500 + i * 3600,
      source: { type: 'conversation', id: `s${i}`, delivered_as: 'customer_initiated', subject: '', body: `<p>Body ${i}</p>` },
      conversation_rating: { rating: i + 2 }, tags: { type: 'tag.list', tags: [{ type: 'tag', id: '1', name: 'ai-answer' }] },
      statistics: { type: 'conversation_statistics', first_admin_reply_at: 1772444700 + i * 3600, last_close_at: 1772460000 + i * 3600 },
    }));
    const ws = await newWorkspace();
    const s = await runImport(ws, write('intercom.json', JSON.stringify({ type: 'conversation.list', conversations: conv })), { kind: 'tickets' });
    // The Intercom preset (presets/intercom.ts) reads the tag names, not the record's type.
    expect(s.preset).toBe('intercom');
    expect(ws.db.all('SELECT id, subject, tags FROM tickets ORDER BY id')).toEqual([
      { id: '1291', subject: 'Title 1', tags: '["ai-answer"]' }, { id: '1292', subject: 'Title 2', tags: '["ai-answer"]' }, { id: '1293', subject: 'Title 3', tags: '["ai-answer"]' },
    ]);
  });

  it('Label Studio JSON-MIN: two annotators of one task are two ratings (annotation_id), each with its annotator', async () => {
    // labelstud.io/guide/export: JSON-MIN has one object per annotation with id (the task), annotator, annotation_id.
    const rows = [[101, 5, 1, 9001], [101, 4, 2, 9002], [102, 1, 1, 9003]].map(([task, rating, who, ann]) => ({
      request_id: `req-${task}`, text: 'Q and A', id: task, rating, annotator: who, annotation_id: ann, created_at: '2026-03-05T10:00:00.000000Z', lead_time: 12.4,
    }));
    const ws = await newWorkspace();
    const s = await runImport(ws, write('ls.json', JSON.stringify(rows)), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 3, duplicates_in_file: 0 });
    expect(ws.db.all('SELECT id, request_id, user_id, value FROM feedback ORDER BY id')).toEqual([
      { id: '9001', request_id: 'req-101', user_id: '1', value: 5 }, { id: '9002', request_id: 'req-101', user_id: '2', value: 4 }, { id: '9003', request_id: 'req-102', user_id: '1', value: 1 },
    ]);
  });

  it('Opik traces: error_info is an error, start_time the request time; Braintrust span trees are said', async () => {
    // comet-ml/opik trace_public.py: start_time, created_at (ingest), error_info {exception_type, message}, duration ms.
    const traces = [null, { exception_type: 'openai.APITimeoutError', message: 'Request timed out.' }].map((err, i) => ({
      id: `t${i}`, name: 'support_answer', start_time: `2026-03-02T09:1${i}:00.000Z`, end_time: `2026-03-02T09:1${i}:02.000Z`,
      input: { question: 'q' }, output: err ? null : { answer: 'a' }, metadata: { model: 'gpt-4o' }, usage: { prompt_tokens: 10, completion_tokens: 5 },
      created_at: `2026-03-02T09:1${i}:05.000Z`, duration: 2000, ...(err ? { error_info: err } : {}),
    }));
    const ws = await newWorkspace();
    await runImport(ws, write('opik.json', JSON.stringify({ content: traces, page: 1, size: 2, total: 2 })), {});
    expect(ws.db.all('SELECT id, ts, is_error FROM requests ORDER BY id')).toEqual([
      { id: 't0', ts: Date.UTC(2026, 2, 2, 9, 10), is_error: 0 }, { id: 't1', ts: Date.UTC(2026, 2, 2, 9, 11), is_error: 1 },
    ]);
    // Braintrust project logs: a root task span and its llm span per call.
    const spans = [0, 1].flatMap((i) => [
      { id: `root-${i}`, created: `2026-03-02T09:1${i}:00.200Z`, input: { question: 'q' }, output: 'a', span_id: `root-${i}`, root_span_id: `root-${i}`, span_parents: null, metadata: { model: 'gpt-4o' } },
      { id: `llm-${i}`, created: `2026-03-02T09:1${i}:00.300Z`, input: [{ role: 'user', content: 'q' }], output: 'a', span_id: `llm-${i}`, root_span_id: `root-${i}`, span_parents: [`root-${i}`], metadata: { model: 'gpt-4o' } },
    ]);
    const s = await runImport(ws, write('bt.jsonl', spans.map((r) => JSON.stringify(r)).join('\n')), {});
    expect(s.notes.some((n) => n.startsWith('spans: 2 of the first 4 records have a parent (span_parents) and 2 have none'))).toBe(true);
  });
});

describe('notes on what a file leaves out', () => {
  it('latencies written with their unit are read in it, and the note says so (it read "median value 0")', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('lat.csv', 'request_id,timestamp,model,latency\nr1,2026-03-02T09:00:00Z,m,1.2s\nr2,2026-03-02T09:01:00Z,m,850ms\nr3,2026-03-02T09:02:00Z,m,0.2s\n'), {});
    expect(s.notes).toContain('latency_ms: latency writes each value with its unit (e.g. "1.2s"); read in that unit');
    expect(ws.db.all('SELECT latency_ms FROM requests ORDER BY id')).toEqual([{ latency_ms: 1200 }, { latency_ms: 850 }, { latency_ms: 200 }]);
  });

  it('feedback with no time of its own and no dated request is counted in a note (tickets already were)', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('fb.jsonl', [
      { feedback_id: 'f1', request_id: 'q1', type: 'thumb', value: 'up' },
      { feedback_id: 'f2', type: 'csat', value: 4 },
      { feedback_id: 'f3', type: 'csat', value: 5, timestamp: '2026-03-02T09:00:00Z' },
    ].map((r) => JSON.stringify(r)).join('\n')), {});
    expect(s.notes).toContain('2 feedback rows have no time of their own and no dated request: in no week\'s figures until their request is imported with a time (the Metrics screen counts them apart)');
  });
});

describe('Qualtrics CSV export (three header rows: names, question texts, ImportId JSON with the time zone)', () => {
  it('skips the two metadata rows, counted, and reads naive times in the zone they declare', async () => {
    const csv = [
      'StartDate,EndDate,ResponseId,NPS,CSAT,Comments,request_id',
      'Start Date,End Date,Response ID,How likely are you to recommend us?,How satisfied are you?,Anything else?,request_id',
      '"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}","{""ImportId"":""endDate"",""timeZone"":""America/Denver""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2""}","{""ImportId"":""QID3_TEXT""}","{""ImportId"":""request_id""}"',
      '2026-03-01 22:10:05,2026-03-01 22:11:40,R_1a2b3c,9,5,Fast and correct,req-101',
      '2026-03-02 08:00:00,2026-03-02 08:02:10,R_4d5e6f,2,1,"It made up a policy, twice",req-102',
    ].join('\n');
    const ws = await newWorkspace();
    const s = await runImport(ws, write('qualtrics.csv', `${csv}\n`), {});
    expect(s).toMatchObject({ kind: 'feedback', records_read: 4, rejected: 0, skipped: 2 });
    expect(s.skipped_reasons).toEqual([{ reason: 'Qualtrics header row (question texts, or ImportId and time zone), not a response', count: 2 }]);
    expect(s.notes).toContain('time zone of naive times: America/Denver, as the export\'s ImportId row declares');
    // Dated when submitted (EndDate): 22:11 on Sunday 1 March in Denver (UTC−7) is 05:11 UTC on Monday 2 March: ISO
    // week 2026-W10, not W09.
    expect(ws.db.all('SELECT id, kind, value, ts FROM feedback WHERE kind = \'nps\' ORDER BY id')).toEqual([
      { id: 'R_1a2b3c:NPS', kind: 'nps', value: 9, ts: Date.UTC(2026, 2, 2, 5, 11, 40) },
      { id: 'R_4d5e6f:NPS', kind: 'nps', value: 2, ts: Date.UTC(2026, 2, 2, 15, 2, 10) },
    ]);
  });
});

describe('survey answers exported as their choice text (Qualtrics "Export with choice text", SurveyMonkey "Actual answer text")', () => {
  const csv = (rows: string[]) => ['ResponseId,RecordedDate,NPS,CSAT,request_id', ...rows].join('\n') + '\n';
  it('reads the number at the head of "10 - Extremely likely" and "4 (Satisfied)", the NPS end labels alone, and keeps the text as the label', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('choice-text.csv', csv([
      'R_1,2026-03-02 09:00:00,10 - Extremely likely,5 = Very satisfied,req-1',
      'R_2,2026-03-02 10:00:00,6,4 (Satisfied),req-2',
      'R_3,2026-03-02 11:00:00,Not at all likely,1 - Very dissatisfied,req-3',
      'R_4,2026-03-02 12:00:00,Extremely likely,3,req-4',
    ])), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 8, rejected: 0 });
    expect(ws.db.all("SELECT id, value, scale, label FROM feedback ORDER BY id")).toEqual([
      { id: 'R_1:CSAT', value: 5, scale: 5, label: '5 = Very satisfied' },
      { id: 'R_1:NPS', value: 10, scale: 10, label: '10 - Extremely likely' },
      { id: 'R_2:CSAT', value: 4, scale: 5, label: '4 (Satisfied)' },
      { id: 'R_2:NPS', value: 6, scale: 10, label: '6' },
      { id: 'R_3:CSAT', value: 1, scale: 5, label: '1 - Very dissatisfied' },
      { id: 'R_3:NPS', value: 0, scale: 10, label: 'Not at all likely' },
      { id: 'R_4:CSAT', value: 3, scale: 5, label: '3' },
      { id: 'R_4:NPS', value: 10, scale: 10, label: 'Extremely likely' },
    ]);
    expect(s.notes.filter((n) => n.includes('choice text'))).toHaveLength(2);
    expect(s.notes).toContain('3 NPS answer(s) read from their choice text (first on line 2; e.g. "Extremely likely" read as 10); the text is kept as the label');
  });

  it('refuses a choice label without its number, saying to export numeric values, and refuses ranges and fractions', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('labels.csv', csv([
      // "Extremely satisfied" is a label of the 7-point scale: a column holding it is not read from its words.
      'R_1,2026-03-02 09:00:00,9,Extremely satisfied,req-1',
      'R_2,2026-03-02 10:00:00,7-8,4/5,req-2',
    ])), {});
    expect(s.rejected).toBeGreaterThan(0);
    const reasons = s.rejects.map((r) => r.reason).join('\n');
    expect(reasons).toContain('CSAT (read as CSAT): expected a numeric rating, found "Extremely satisfied"; this looks like a choice label without its number: export the survey with numeric values');
    expect(reasons).toContain('found "7-8"');
    expect(reasons).toContain('found "4/5"');
    expect(ws.db.all("SELECT id, value FROM feedback ORDER BY id")).toEqual([{ id: 'R_1:NPS', value: 9 }]);
  });
});

describe('naive times at a daylight-saving change of the zone they are read in', () => {
  it('counts the times that did not exist and those that happened twice, per field, with the first line and how each was read', async () => {
    const ws = await newWorkspace();
    const rows = [
      ['r-1', '2026-03-08 01:59:00'], // before the gap: EST, 06:59 UTC
      ['r-2', '2026-03-08 02:30:00'], // in the gap (02:00-03:00 skipped): read as 03:30 EDT = 07:30 UTC
      ['r-3', '2026-11-01 01:30:00'], // happened twice: read as the second, EST, 06:30 UTC
      ['r-4', '2026-11-01 01:45:00'], // twice as well
      ['r-5', '2026-11-01 03:00:00'], // after: EST, 08:00 UTC
    ];
    const csv = ['request_id,timestamp,model,input,output', ...rows.map(([id, ts]) => `${id},${ts},gpt-4o,q,a`)].join('\n');
    const s = await runImport(ws, write('ny.csv', `${csv}\n`), { time_zone: 'America/New_York' });
    expect(s).toMatchObject({ kind: 'requests', inserted: 5, rejected: 0 });
    expect(ws.db.all('SELECT id, ts FROM requests ORDER BY id')).toEqual([
      { id: 'r-1', ts: Date.UTC(2026, 2, 8, 6, 59) },
      { id: 'r-2', ts: Date.UTC(2026, 2, 8, 7, 30) },
      { id: 'r-3', ts: Date.UTC(2026, 10, 1, 6, 30) },
      { id: 'r-4', ts: Date.UTC(2026, 10, 1, 6, 45) },
      { id: 'r-5', ts: Date.UTC(2026, 10, 1, 8, 0) },
    ]);
    expect(s.notes).toContain('ts: 1 time(s) without an offset did not exist in America/New_York (the hour skipped when clocks went forward; first on line 3): read as the clock showed, one gap later. Set the file\'s time zone if they were written in another');
    expect(s.notes).toContain('ts: 2 time(s) without an offset happened twice in America/New_York (the hour repeated when clocks went back; first on line 4): read as the second, standard-time occurrence, so each may be an hour late');
    // Times with an offset, or read in UTC, meet no change: no note.
    const utc = await runImport(await newWorkspace(), write('utc.csv', `${csv}\n`), { time_zone: 'UTC' });
    expect(utc.notes.filter((n) => n.includes('time(s) without an offset'))).toEqual([]);
  });
});

describe('a Typeform CSV download (a column per question, hidden fields request_id and user_id)', () => {
  const csv = [
    '#,"How likely are you to recommend Acme Assistant to a friend?","How would you rate the answer?","Was it helpful?","Anything else?",request_id,user_id,Start Date (UTC),Submit Date (UTC),Network ID,Tags',
    'tok1,3,2,0,The bot was wrong,req-1,u-17,2026-03-02 09:30:00,2026-03-02 09:31:40,n1,',
    'tok2,10,5,1,,req-2,u-18,2026-03-02 10:00:00,2026-03-02 10:00:35,n2,',
    'tok3,0,,,useless,req-3,u-19,2026-03-02 11:00:00,2026-03-02 11:00:30,n3,',
  ].join('\n');
  it('is feedback, one row per answered question, linked to the requests it names, which stay as they were', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('requests.jsonl', requests), {});
    const before = ['req-1', 'req-2', 'req-3'].map((id) => req(ws, id));
    const s = await runImport(ws, write('typeform.csv', `${csv}\n`), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 9, updated: 0, rejected: 0 });
    expect(['req-1', 'req-2', 'req-3'].map((id) => req(ws, id))).toEqual(before);
    expect(ws.db.all('SELECT request_id, kind, value, scale, comment FROM feedback ORDER BY request_id, kind')).toEqual([
      { request_id: 'req-1', kind: 'comment', value: null, scale: null, comment: 'The bot was wrong' },
      { request_id: 'req-1', kind: 'nps', value: 3, scale: 10, comment: null },
      { request_id: 'req-1', kind: 'rating', value: 2, scale: 5, comment: null },
      { request_id: 'req-1', kind: 'thumb', value: -1, scale: null, comment: null },
      { request_id: 'req-2', kind: 'nps', value: 10, scale: 10, comment: null },
      { request_id: 'req-2', kind: 'rating', value: 5, scale: 5, comment: null },
      { request_id: 'req-2', kind: 'thumb', value: 1, scale: null, comment: null },
      { request_id: 'req-3', kind: 'comment', value: null, scale: null, comment: 'useless' },
      { request_id: 'req-3', kind: 'nps', value: 0, scale: 10, comment: null },
    ]);
  });
  it('a re-download replaces its responses by their token (#): a re-tagged response is not counted twice', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('typeform.csv', `${csv}\n`), {});
    const retagged = csv.replace('n2,', 'n2,follow-up');
    expect(retagged).not.toBe(csv);
    const s = await runImport(ws, write('typeform-again.csv', `${retagged}\n`), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 0, rejected: 0 });
    expect(ws.db.value('SELECT count(*) FROM feedback')).toBe(9);
    expect(ws.db.all("SELECT id FROM feedback WHERE kind = 'nps' ORDER BY id").map((r) => (r as { id: string }).id)).toEqual(
      ['tok1', 'tok2', 'tok3'].map((t) => `${t}:How likely are you to recommend Acme Assistant to a friend?`));
  });

  it('short column names that only contain a question word are not read as questions', async () => {
    const { surveyQuestionKind } = await import('./presets/synonyms');
    expect(['rate_limit', 'comments_count', 'recommend', 'helpful', 'how_likely_are_you_to_recommend_us', 'how_satisfied_are_you', 'was_this_answer_helpful', 'anything_else'].map(surveyQuestionKind))
      .toEqual([null, null, null, null, 'nps', 'csat', 'thumb', 'comment']);
  });
});

describe('Delighted CES-7 answers (survey_type ces7, a 1-7 scale)', () => {
  it('are ratings of 7 points: a 6 is kept, a 4 is the midpoint of 7 and not a satisfied CSAT answer', async () => {
    const ws = await newWorkspace();
    const rows = [['ces7', 6], ['ces7', 4], ['csat', 4]].map(([survey_type, score], i) => ({ id: `d-${i}`, person: 'p', survey_type, score, comment: null, created_at: 1772443000 + i * 60 }));
    const s = await runImport(ws, write('delighted-ces7.json', JSON.stringify(rows)), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 3, rejected: 0 });
    expect(ws.db.all('SELECT id, kind, value, scale FROM feedback ORDER BY id')).toEqual([
      { id: 'd-0', kind: 'rating', value: 6, scale: 7 },
      { id: 'd-1', kind: 'rating', value: 4, scale: 7 },
      { id: 'd-2', kind: 'rating', value: 4, scale: 5 },
    ]);
  });
});

describe('Delighted eNPS answers (survey_type enps: employees, not customers)', () => {
  it('are 0-10 ratings kept out of the customers\' NPS, said in a note', async () => {
    const ws = await newWorkspace();
    // Customers: NPS 10, 9, 3 (2 promoters, 1 detractor: NPS +33.3). Employees: eNPS 0, 2, 10.
    const rows = [['nps', 10], ['nps', 9], ['nps', 3], ['enps', 0], ['enps', 2], ['enps', 10]].map(([survey_type, score], i) => ({ id: `e-${i}`, person: 'p', survey_type, score, comment: null, created_at: 1772443000 + i * 60 }));
    const s = await runImport(ws, write('delighted-enps.json', JSON.stringify(rows)), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 6, rejected: 0 });
    expect(s.notes).toContain('3 eNPS answer(s) (employee Net Promoter Score; first on line 4) are kept as 0-10 ratings, not counted in the customers\' NPS');
    expect(ws.db.all("SELECT kind, count(*) AS n, sum(value) AS v FROM feedback GROUP BY kind ORDER BY kind")).toEqual([
      { kind: 'nps', n: 3, v: 22 }, { kind: 'rating', n: 3, v: 12 },
    ]);
    expect(ws.db.value("SELECT DISTINCT scale FROM feedback WHERE kind = 'rating'")).toBe(10);
  });
});

describe('helpdesk and survey exports\' own column names', () => {
  it('Typeform: the answer\'s time is its Submit Date (UTC), not its Start Date (UTC)', async () => {
    const ws = await newWorkspace();
    const csv = '#,How likely are you to recommend us? (0-10),Start Date (UTC),Submit Date (UTC),Network ID\n' +
      'r1,9,2026-03-02 09:00:00,2026-03-02 09:03:10,n1\nr2,3,2026-03-02 10:00:00,2026-03-02 10:07:00,n2\n';
    const s = await runImport(ws, write('typeform.csv', csv), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 2, rejected: 0 });
    expect(ws.db.all('SELECT ts FROM feedback ORDER BY ts').map((r) => (r as { ts: number }).ts)).toEqual([Date.UTC(2026, 2, 2, 9, 3, 10), Date.UTC(2026, 2, 2, 10, 7)]);
  });

  it('SurveyMonkey: a respondent who edited their answers is replaced by Respondent ID, dated by End Date (submit), not Start Date', async () => {
    const sm = (rows: string[]) => ['Respondent ID,Collector ID,Start Date,End Date,IP Address,Custom Data 1,How likely is it that you would recommend us to a friend or colleague?,Overall how satisfied were you with the answer you got?,Do you have any other comments?',
      ',,,,,,Response,Response,Open-Ended Response', ...rows].join('\n') + '\n';
    const first = sm(['114285713001,4312,11/17/2026 09:30:12 AM,11/17/2026 09:31:40 AM,203.0.113.5,req-1,3,2,The bot was wrong',
      '114285713002,4312,11/17/2026 10:00:00 AM,11/17/2026 10:00:35 AM,203.0.113.6,req-2,10,5,']);
    const edited = sm(['114285713001,4312,11/17/2026 09:30:12 AM,11/18/2026 08:02:00 AM,203.0.113.5,req-1,8,4,Support fixed it',
      '114285713002,4312,11/17/2026 10:00:00 AM,11/17/2026 10:00:35 AM,203.0.113.6,req-2,10,5,']);
    const ws = await newWorkspace();
    await runImport(ws, write('sm.csv', first), { time_zone: 'UTC' });
    const s = await runImport(ws, write('sm-after-edit.csv', edited), { time_zone: 'UTC' });
    expect(s).toMatchObject({ kind: 'feedback', inserted: 0, updated: 3, rejected: 0 });
    expect(ws.db.all("SELECT kind, value, comment, ts FROM feedback WHERE id LIKE '114285713001:%' ORDER BY kind")).toEqual([
      { kind: 'comment', value: null, comment: 'Support fixed it', ts: Date.UTC(2026, 10, 18, 8, 2) },
      { kind: 'nps', value: 8, comment: null, ts: Date.UTC(2026, 10, 18, 8, 2) },
      { kind: 'rating', value: 4, comment: null, ts: Date.UTC(2026, 10, 18, 8, 2) },
    ]);
    expect(ws.db.value('SELECT count(*) FROM feedback')).toBe(5);
  });

  it('Zendesk: the user is the Requester external id (your own id), not Zendesk\'s Requester id', async () => {
    const ws = await newWorkspace();
    const csv = 'Id,Requester,Requester id,Requester external id,Subject,Status,Created at\n21000,Ann,370000001,u_7,Refund wrong,Open,2026-03-02 09:00:00\n';
    await runImport(ws, write('zendesk.csv', csv), { time_zone: 'UTC' });
    expect(ws.db.get('SELECT user_id, requester FROM tickets')).toEqual({ user_id: 'u_7', requester: 'Ann' });
  });

  it('HubSpot: Ticket name is the subject and Close date the resolution; Jira Service Management\'s Satisfaction is the CSAT', async () => {
    const ws = await newWorkspace();
    const hub = 'Ticket ID,Ticket name,Ticket status,Priority,Create date,Close date\n5001,Bot quoted the wrong fee,Closed,HIGH,2026-03-02 09:00,2026-03-03 11:30\n5002,Login loop,New,LOW,2026-03-02 10:00,\n';
    await runImport(ws, write('hubspot-tickets.csv', hub), { time_zone: 'UTC' });
    expect(ws.db.all('SELECT id, subject, resolved_ts FROM tickets ORDER BY id')).toEqual([
      { id: '5001', subject: 'Bot quoted the wrong fee', resolved_ts: Date.UTC(2026, 2, 3, 11, 30) },
      { id: '5002', subject: 'Login loop', resolved_ts: null },
    ]);
    const ws2 = await newWorkspace();
    const jsm = 'Summary,Issue key,Issue id,Status,Priority,Created,Custom field (Satisfaction)\nBot loops,SUP-1,10001,Done,High,2026-03-02 09:00,4\nWrong answer,SUP-2,10002,Done,Low,2026-03-02 10:00,2\n';
    await runImport(ws2, write('jsm.csv', jsm), { time_zone: 'UTC' });
    expect(ws2.db.all('SELECT id, csat FROM tickets ORDER BY id')).toEqual([{ id: 'SUP-1', csat: 4 }, { id: 'SUP-2', csat: 2 }]);
  });
});

describe('Zendesk incremental export: deleted tickets', () => {
  it('a ticket whose latest state is "deleted" leaves the workspace with its links; one deleted earlier than its stored state stays', async () => {
    const ws = await newWorkspace();
    const t = (id: number, status: string, updated: string, o: Record<string, unknown> = {}) => ({ id, url: `https://acme.zendesk.com/api/v2/tickets/${id}.json`, subject: `S${id}`, status, priority: 'normal',
      created_at: '2026-03-02T09:00:00Z', updated_at: updated, requester_id: 370000000 + id, external_id: null, tags: ['billing'], via: { channel: 'web' }, ...o });
    await runImport(ws, write('first.json', JSON.stringify({ tickets: [t(1, 'open', '2026-03-02T09:00:00Z'), t(2, 'open', '2026-03-02T09:00:00Z'), t(3, 'open', '2026-03-05T09:00:00Z')], end_of_stream: true })), {});
    expect(ws.db.value('SELECT count(*) FROM tickets')).toBe(3);
    // Ticket 1 deleted later; ticket 4 created and deleted within the file; ticket 3's "deleted" row is older than its stored state.
    const s = await runImport(ws, write('incremental.json', JSON.stringify({ tickets: [
      t(1, 'deleted', '2026-03-04T09:00:00Z'), t(4, 'new', '2026-03-03T09:00:00Z'), t(4, 'Deleted', '2026-03-03T10:00:00Z'), t(3, 'deleted', '2026-03-04T09:00:00Z'), t(2, 'solved', '2026-03-04T09:00:00Z'),
    ], end_of_stream: true })), {});
    expect(s.notes).toContain('2 ticket(s) end in this file with status "deleted" (deleted in the helpdesk): removed from the workspace with their links, so no ticket figure counts them');
    expect(ws.db.all('SELECT id, status FROM tickets ORDER BY id')).toEqual([{ id: '2', status: 'solved' }, { id: '3', status: 'open' }]);
  });
});

describe('latency from a start and an end time', () => {
  it('is end − start when a log has no latency field (Braintrust metrics.start/end in epoch seconds; start_time/end_time columns)', async () => {
    const ws = await newWorkspace();
    const spans = [
      { id: 's1', created: '2026-03-07T20:27:58.704Z', input: 'q', output: 'a', error: null, metrics: { start: 1772915278.704, end: 1772915283.66, prompt_tokens: 10, completion_tokens: 5 }, metadata: { model: 'gpt-4o' } },
      { id: 's2', created: '2026-03-07T20:28:00.000Z', input: 'q', output: null, error: 'timeout', metrics: { start: 1772915280, end: 1772915310.5 }, metadata: { model: 'gpt-4o' } },
    ];
    const s = await runImport(ws, write('bt.jsonl', spans.map((x) => JSON.stringify(x)).join('\n')), {});
    expect(s.notes).toContain('latency_ms: metrics.end − metrics.start (no latency field; the time between the start and the end)');
    const rows = ws.db.all<{ id: string; latency_ms: number; error: string | null; is_error: number }>('SELECT id, latency_ms, error, is_error FROM requests ORDER BY id');
    expect(rows.map((r) => [r.id, Math.round(r.latency_ms), r.error, r.is_error])).toEqual([['s1', 4956, '', 0], ['s2', 30500, 'timeout', 1]]);
    const ws2 = await newWorkspace();
    await runImport(ws2, write('calls.csv', 'request_id,start_time,end_time,model,input,output\nc1,2026-03-02T09:00:00Z,2026-03-02T09:00:01.250Z,m,q,a\n'), {});
    expect(ws2.db.value('SELECT latency_ms FROM requests')).toBe(1250);
  });
});

describe('Delighted CES answers (survey_type ces: customer effort, not satisfaction)', () => {
  it('are kept as ratings and counted in no CSAT figure: the Metrics screen, from the cells and from the rows, and the report', async () => {
    const ws = await newWorkspace();
    // CSAT: 5, 4, 2 (2 of 3 satisfied). CES on 1-5: 5, 5, 5, 4 (would read 5 of 7 satisfied if counted).
    const rows = [['csat', 5], ['csat', 4], ['csat', 2], ['ces', 5], ['ces', 5], ['ces', 5], ['ces', 4]].map(([survey_type, score], i) => ({ id: `c-${i}`, person: 'p', survey_type, score, comment: null, created_at: 1772443000 + i * 60 }));
    const s = await runImport(ws, write('delighted-ces.json', JSON.stringify(rows)), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 7, rejected: 0 });
    expect(s.notes).toContain('4 CES answer(s) (Customer Effort Score; first on line 4) are kept as ratings on their own scale, not counted in CSAT');
    expect(ws.db.all("SELECT measure, count(*) AS n FROM feedback GROUP BY measure ORDER BY measure")).toEqual([{ measure: null, n: 3 }, { measure: 'ces', n: 4 }]);
    const { metricsSeries } = await import('../metrics/series');
    const { queryFeedback } = await import('../feedback/query');
    const { feedbackQuerySchema } = await import('../../../shared/contract-feedback');
    const texts = queryFeedback(ws.db, feedbackQuerySchema.parse({ filter: {} }), 'UTC').rows.map((r) => r.value_text).sort();
    expect(texts).toEqual(['CES 4/5', 'CES 5/5', 'CES 5/5', 'CES 5/5', 'CSAT 2/5', 'CSAT 4/5', 'CSAT 5/5']);
    // A workspace that stored them before as plain ratings (CSAT 7 answers) recounts when a re-import says they are CES.
    const ws2 = await newWorkspace();
    await runImport(ws2, write('plain.json', JSON.stringify(rows.map((r) => ({ ...r, survey_type: 'rating' })))), {});
    const csatOf = (w: typeof ws2) => {
      const b = metricsSeries(w.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, Date.UTC(2026, 11, 1)).buckets.find((x) => x.csat.n > 0)!;
      return [b.csat.satisfied, b.csat.n];
    };
    expect(csatOf(ws2)).toEqual([6, 7]);
    const again = await runImport(ws2, write('typed.json', JSON.stringify(rows)), {});
    expect(again).toMatchObject({ inserted: 0, updated: 4 });
    expect(csatOf(ws2)).toEqual([2, 3]);
    const { setSummariesEnabled } = await import('../summaries/read');
    for (const cells of [true, false]) {
      setSummariesEnabled(cells);
      try {
        const b = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, Date.UTC(2026, 11, 1) + (cells ? 0 : 1)).buckets.find((x) => x.csat.n > 0)!;
        expect([b.csat.satisfied, b.csat.n], `cells ${cells}`).toEqual([2, 3]);
      } finally {
        setSummariesEnabled(true);
      }
    }
  });
});

describe('requests whose model has no price', () => {
  it('are counted in a note naming the models (a request without tokens is not: it has nothing to price)', async () => {
    const ws = await newWorkspace();
    const file = write('unpriced.jsonl', [
      { id: 'p-1', ts: '2026-03-02T09:00:00Z', model: 'gpt-4o-mini', tokens_in: 1000, tokens_out: 100 },
      { id: 'p-2', ts: '2026-03-02T09:01:00Z', model: 'acme-llm-7b', tokens_in: 1000, tokens_out: 100 },
      { id: 'p-3', ts: '2026-03-02T09:02:00Z', model: 'acme-llm-7b', tokens_in: 500, tokens_out: 50 },
      { id: 'p-4', ts: '2026-03-02T09:03:00Z', model: 'acme-llm-7b' },
    ].map((r) => JSON.stringify(r)).join('\n'));
    const s = await runImport(ws, file, {});
    expect(s.notes).toContain('cost_usd: 2 request(s) with tokens have no cost: the file gives none and the price table has no row for their model (first on line 2): acme-llm-7b (2). Add a price (Prices screen, or loupe prices set) and import again; until then they count in token figures but not in cost');
    expect(ws.db.all('SELECT id, cost_usd IS NOT NULL AS costed FROM requests ORDER BY id')).toEqual([{ id: 'p-1', costed: 1 }, { id: 'p-2', costed: 0 }, { id: 'p-3', costed: 0 }, { id: 'p-4', costed: 0 }]);
  });
});

describe('a SurveyMonkey CSV download (questions as headers, a second header row of answer types)', () => {
  it('skips the answer-type row, counted, and reads each answered question; a 5-point satisfaction label is read from its words', async () => {
    const ws = await newWorkspace();
    const csv = [
      'Respondent ID,Collector ID,Start Date,End Date,IP Address,How likely is it that you would recommend Acme Assistant to a friend or colleague?,Overall how satisfied were you with the answer you got?,Do you have any other comments?',
      ',,,,,Response,Response,Open-Ended Response',
      '114285713001,431234567,03/02/2026 09:30:12 AM,03/02/2026 09:31:40 AM,203.0.113.5,3,2,The bot was wrong',
      '114285713002,431234567,03/13/2026 10:00:00 AM,03/13/2026 10:00:35 AM,203.0.113.6,10,Very satisfied,',
    ].join('\n');
    const s = await runImport(ws, write('surveymonkey.csv', `${csv}\n`), {});
    expect(s).toMatchObject({ kind: 'feedback', skipped: 1, inserted: 5, rejected: 0 });
    expect(s.skipped_reasons).toEqual([{ reason: 'SurveyMonkey header row (each column\'s answer type: Response, Open-Ended Response), not a response', count: 1 }]);
    // dated when submitted (End Date), not when the respondent opened the survey
    expect(ws.db.all('SELECT kind, value, scale, comment, ts FROM feedback ORDER BY ts, kind')).toEqual([
      { kind: 'comment', value: null, scale: null, comment: 'The bot was wrong', ts: Date.UTC(2026, 2, 2, 9, 31, 40) },
      { kind: 'nps', value: 3, scale: 10, comment: null, ts: Date.UTC(2026, 2, 2, 9, 31, 40) },
      { kind: 'rating', value: 2, scale: 5, comment: null, ts: Date.UTC(2026, 2, 2, 9, 31, 40) },
      { kind: 'nps', value: 10, scale: 10, comment: null, ts: Date.UTC(2026, 2, 13, 10, 0, 35) },
      { kind: 'rating', value: 5, scale: 5, comment: null, ts: Date.UTC(2026, 2, 13, 10, 0, 35) },
    ]);
  });
});

describe('Freshdesk API tickets (status, priority and source as numeric codes)', () => {
  it('stores the words the API documentation gives the codes; a code it does not list stays a number', async () => {
    const ws = await newWorkspace();
    const t = (id: number, status: number, priority: number, source: number) => ({ id, subject: `s${id}`, description_text: 'x', status, priority, source, type: 'Problem',
      requester_id: 7001, responder_id: null, fr_escalated: false, due_by: '2026-03-04T09:00:00Z', fr_due_by: '2026-03-02T17:00:00Z', created_at: '2026-03-02T09:10:00Z',
      updated_at: '2026-03-02T15:00:00Z', tags: [], custom_fields: {} });
    const s = await runImport(ws, write('freshdesk.json', JSON.stringify([t(1, 4, 3, 7), t(2, 2, 1, 2), t(3, 5, 4, 1), t(4, 12, 2, 10)])), {});
    expect(s).toMatchObject({ preset: 'freshdesk', kind: 'tickets', inserted: 4, rejected: 0 });
    expect(ws.db.all('SELECT id, status, priority, channel FROM tickets ORDER BY id')).toEqual([
      { id: '1', status: 'Resolved', priority: 'High', channel: 'Chat' },
      { id: '2', status: 'Open', priority: 'Low', channel: 'Portal' },
      { id: '3', status: 'Closed', priority: 'Urgent', channel: 'Email' },
      { id: '4', status: '12', priority: 'Medium', channel: 'Outbound Email' },
    ]);
  });
});

describe('a Zendesk ticket CSV export', () => {
  it('gives each ticket its first-reply time from "First reply time in minutes" (calendar minutes, not business hours), said in a note', async () => {
    const ws = await newWorkspace();
    const csv = [
      'Id,Subject,Requester,Created at,Updated at,Solved at,Status,Priority,Tags,First reply time in minutes,First reply time in minutes within business hours,Full resolution time in minutes',
      '101,Refund not received,alice@example.com,2026-11-16 09:00:00,2026-11-16 12:00:00,2026-11-16 11:30:00,Solved,High,billing refund,34,20,150',
      '102,Bot gave wrong answer,bob@example.com,2026-11-17 10:00:00,2026-11-17 10:30:00,,Open,Normal,bot_error,12.5,12.5,',
      '103,No reply yet,carol@example.com,2026-11-18 10:00:00,2026-11-18 10:00:00,,New,Low,,,,',
    ].join('\n');
    const s = await runImport(ws, write('zendesk.csv', csv), {});
    expect(s).toMatchObject({ kind: 'tickets', inserted: 3, rejected: 0 });
    const created = (d: number, h: number) => Date.UTC(2026, 10, d, h);
    expect(ws.db.all('SELECT id, created_ts, first_response_ts, resolved_ts FROM tickets ORDER BY id')).toEqual([
      { id: '101', created_ts: created(16, 9), first_response_ts: created(16, 9) + 34 * 60_000, resolved_ts: created(16, 11) + 30 * 60_000 },
      { id: '102', created_ts: created(17, 10), first_response_ts: created(17, 10) + 12.5 * 60_000, resolved_ts: null },
      { id: '103', created_ts: created(18, 10), first_response_ts: null, resolved_ts: null },
    ]);
    expect(s.notes).toContain('first_response_ts ← created_ts + the minutes to the first reply, for 2 ticket(s) (first on line 2)');
    // The minutes are read, not kept among the unmapped fields; the business-hours twin is.
    const extra = JSON.parse(ws.db.value<string>("SELECT extra FROM tickets WHERE id = '101'")!) as Record<string, unknown>;
    expect(Object.keys(extra)).not.toContain('First reply time in minutes');
    expect(extra['First reply time in minutes within business hours']).toBe('20');
  });
});

describe('a time column whose name says UTC', () => {
  it('is read as UTC in a workspace of another zone (Typeform\'s "Submit Date (UTC)"), unless the import names a zone', async () => {
    const ws = await newWorkspace();
    ws.db.run("UPDATE meta SET value = 'Europe/Berlin' WHERE key = 'time_zone'");
    const csv = ['#,How satisfied were you with the answer?,Submit Date (UTC),request_id', 'a1,4,2026-11-16 09:00:00,req-1', 'a2,2,2026-07-01 23:30:00,req-2'].join('\n');
    const s = await runImport(ws, write('typeform.csv', `${csv}\n`), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 2, rejected: 0 });
    expect(ws.db.all('SELECT ts FROM feedback ORDER BY ts').map((r) => (r as { ts: number }).ts)).toEqual([Date.UTC(2026, 6, 1, 23, 30), Date.UTC(2026, 10, 16, 9)]);
    expect(s.notes).toContain('ts ← Submit Date (UTC): date text (ISO 8601 without an offset, read as UTC, as its name says)');
    // One survey question is enough to read the file as answers (no other column gives the value).
    expect(ws.db.all('SELECT kind, value, request_id FROM feedback ORDER BY request_id')).toEqual([{ kind: 'rating', value: 4, request_id: 'req-1' }, { kind: 'rating', value: 2, request_id: 'req-2' }]);
    // A zone chosen for the import is the user's word: it wins over the name.
    const other = await newWorkspace();
    await runImport(other, write('typeform2.csv', `${csv}\n`), { time_zone: 'Europe/Berlin' });
    expect(other.db.all('SELECT ts FROM feedback ORDER BY ts').map((r) => (r as { ts: number }).ts)).toEqual([Date.UTC(2026, 6, 1, 21, 30), Date.UTC(2026, 10, 16, 8)]);
  });

  it('is told by a word of its own', async () => {
    const { namesUtc } = await import('./mapping');
    for (const n of ['Submit Date (UTC)', 'created_at_utc', 'Timestamp UTC', 'utc_time', 'time.utc']) expect(namesUtc(n), n).toBe(true);
    for (const n of ['timestamp', 'utcoffset', 'output', 'computed_at', 'Submit Date (CET)']) expect(namesUtc(n), n).toBe(false);
  });
});

describe('Salesforce and ServiceNow ticket exports', () => {
  it('a Salesforce Cases report (en_US "3/2/2026, 9:15 AM"): opened and closed times, origin as channel, not the Closed 0/1 flag', async () => {
    const ws = await newWorkspace();
    const csv = [
      '"Case Number","Subject","Status","Priority","Case Origin","Date/Time Opened","Date/Time Closed","Contact Name","Account Name","Age (Hours)","Open","Closed"',
      '"00001001","Bot gave wrong refund amount","Closed","High","Web","3/2/2026, 9:15 AM","3/3/2026, 11:00 AM","Ann Lee","Acme","25.75","0","1"',
      '"00001002","Login issue","New","Medium","Email","3/2/2026, 10:15 AM","","Bob Roe","Acme","120.00","1","0"',
      '"00001003","Wrong answer","Escalated","High","Phone","3/4/2026, 10:30 PM","","Cat Poe","Acme","60.00","1","0"',
    ].join('\r\n');
    const s = await runImport(ws, write('case_report.csv', csv), { time_zone: 'UTC', date_order: 'mdy' });
    expect(s).toMatchObject({ kind: 'tickets', inserted: 3, rejected: 0 });
    expect(ws.db.all('SELECT id, created_ts, resolved_ts, channel, requester, status FROM tickets ORDER BY id')).toEqual([
      { id: '00001001', created_ts: Date.UTC(2026, 2, 2, 9, 15), resolved_ts: Date.UTC(2026, 2, 3, 11), channel: 'Web', requester: 'Ann Lee', status: 'Closed' },
      { id: '00001002', created_ts: Date.UTC(2026, 2, 2, 10, 15), resolved_ts: null, channel: 'Email', requester: 'Bob Roe', status: 'New' },
      { id: '00001003', created_ts: Date.UTC(2026, 2, 4, 22, 30), resolved_ts: null, channel: 'Phone', requester: 'Cat Poe', status: 'Escalated' },
    ]);
  });

  it('a ServiceNow incident list: short_description as the subject, caller_id as the requester, contact_type as the channel', async () => {
    const ws = await newWorkspace();
    const csv = [
      '"number","opened_at","short_description","caller_id","priority","state","category","assignment_group","assigned_to","resolved_at","closed_at","sys_updated_on","contact_type"',
      '"INC0010001","2026-03-02 09:15:00","AI assistant gave wrong answer","Abel Tuter","1 - Critical","Resolved","Inquiry / Help","Service Desk","Beth Anglin","2026-03-02 12:00:00","","2026-03-02 12:00:00","Self-service"',
      '"INC0010002","2026-03-02 10:15:00","Chatbot timeout","Bud Richman","3 - Moderate","In Progress","Software","Service Desk","","","","2026-03-02 11:00:00","Email"',
    ].join('\n');
    await runImport(ws, write('incident.csv', csv), { time_zone: 'UTC' });
    expect(ws.db.all('SELECT id, subject, requester, channel, created_ts, resolved_ts FROM tickets ORDER BY id')).toEqual([
      { id: 'INC0010001', subject: 'AI assistant gave wrong answer', requester: 'Abel Tuter', channel: 'Self-service', created_ts: Date.UTC(2026, 2, 2, 9, 15), resolved_ts: Date.UTC(2026, 2, 2, 12) },
      { id: 'INC0010002', subject: 'Chatbot timeout', requester: 'Bud Richman', channel: 'Email', created_ts: Date.UTC(2026, 2, 2, 10, 15), resolved_ts: null },
    ]);
  });
});

describe('a Zoho Desk tickets list', () => {
  it('skips and counts the tickets the help desk marked as spam (isSpam), as the Help Scout preset does', async () => {
    const ws = await newWorkspace();
    const t = (n: number, isSpam: boolean) => ({ id: `1892000000${n}`, ticketNumber: String(100 + n), subject: `Subject ${n}`, status: 'Open', priority: 'High', channel: 'Email',
      createdTime: `2026-03-0${2 + n}T09:00:00.000Z`, closedTime: null, email: `c${n}@example.com`, contactId: `c${n}`, isSpam, webUrl: `https://desk.zoho.com/t/${n}` });
    const s = await runImport(ws, write('zoho.json', JSON.stringify({ data: [t(1, false), t(2, true), t(3, false)] })), {});
    expect(s).toMatchObject({ kind: 'tickets', inserted: 2, skipped: 1 });
    expect(s.skipped_reasons).toEqual([expect.objectContaining({ reason: "marked as spam by the help desk", count: 1 })]);
    expect(ws.db.all('SELECT id FROM tickets ORDER BY id')).toEqual([{ id: '18920000001' }, { id: '18920000003' }]);
  });
});

/**
 * Help desks' satisfaction surveys (a breaker's findings): a rating that names the ticket it rates was counted for
 * tickets by its ticket id, so each rating was stored as a ticket under the rated ticket's id, replacing that ticket's
 * creation time with the rating's (Zendesk: 3 tickets moved from W09 to W10, 7 phantom tickets), and no rating was
 * stored. Shapes from each tool's API reference.
 */
describe('help desk satisfaction surveys', () => {
  const zendeskTickets = JSON.stringify({ tickets: [201, 202, 203].map((id, i) => ({
    id, subject: `Help ${i}`, description: 'The bot answered wrong', status: 'solved', priority: 'normal',
    created_at: `2026-02-2${3 + i}T09:00:00Z`, updated_at: `2026-02-2${3 + i}T10:00:00Z`, requester_id: 900 + i,
  })) });
  /** Zendesk Support API, Satisfaction Ratings (GET /api/v2/satisfaction_ratings): score good, bad, offered, unoffered. */
  const zendeskRatings = JSON.stringify({ satisfaction_ratings: ['good', 'bad', 'offered', 'good', 'unoffered', 'good', 'bad', 'good'].map((score, i) => ({
    id: 35401 + i, url: `https://acme.zendesk.com/api/v2/satisfaction_ratings/${35401 + i}.json`, assignee_id: 7, group_id: 3,
    requester_id: 900 + (i % 3), ticket_id: 201 + (i % 3), score, comment: i === 1 ? 'Bot gave me the wrong answer' : null,
    reason: null, created_at: `2026-03-0${2 + (i % 5)}T10:00:00Z`, updated_at: `2026-03-0${2 + (i % 5)}T10:00:00Z`,
  })) });

  it('Zendesk satisfaction ratings are thumbs of the rated tickets, which stay as they were; offered/unoffered are counted as unanswered', async () => {
    expect(detectKind(JSON.parse(zendeskRatings).satisfaction_ratings as Record<string, unknown>[])).toBe('feedback');
    const ws = await newWorkspace();
    await runImport(ws, write('tickets.json', zendeskTickets), {});
    const before = ws.db.all('SELECT id, created_ts, updated_ts, subject FROM tickets ORDER BY id');
    expect(before).toHaveLength(3);
    const s = await runImport(ws, write('ratings.json', zendeskRatings), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 6, updated: 0, rejected: 2 });
    expect(s.rejects.map((r) => r.reason)).toEqual([
      expect.stringContaining('the survey was not answered ("offered")'), expect.stringContaining('the survey was not answered ("unoffered")')]);
    expect(ws.db.all('SELECT id, created_ts, updated_ts, subject FROM tickets ORDER BY id')).toEqual(before);
    expect(ws.db.all('SELECT kind, value, count(*) n FROM feedback GROUP BY kind, value ORDER BY value')).toEqual([
      { kind: 'thumb', value: -1, n: 2 }, { kind: 'thumb', value: 1, n: 4 }]);
    expect(ws.db.value("SELECT comment FROM feedback WHERE id = '35402'")).toBe('Bot gave me the wrong answer');
  });

  it('Gorgias satisfaction surveys are 1-5 ratings dated when the customer scored them, with their text; unscored ones counted', async () => {
    // developers.gorgias.com/reference/satisfaction-surveys: created_datetime (survey made), scored_datetime (answered).
    const surveys = JSON.stringify({ data: [5, 4, null, 3].map((score, i) => ({
      id: 2001 + i, body_text: i === 0 ? 'Such speed' : null, created_datetime: '2026-03-06T12:00:00.000000', customer_id: 501 + i, meta: null,
      score, scored_datetime: score === null ? null : `2026-03-${i === 3 ? '09' : '07'}T15:00:00.000000`, sent_datetime: '2026-03-06T13:00:00.000000',
      should_send_datetime: '2026-03-06T13:00:00.000000', ticket_id: 1001 + i, uri: `/api/satisfaction-surveys/${2001 + i}/`,
    })), meta: { next_cursor: null } });
    expect(detectKind(JSON.parse(surveys).data as Record<string, unknown>[])).toBe('feedback');
    const ws = await newWorkspace();
    const s = await runImport(ws, write('surveys.json', surveys), { time_zone: 'UTC' });
    expect(s).toMatchObject({ kind: 'feedback', inserted: 3, rejected: 1 });
    expect(ws.db.all('SELECT id, kind, value, scale, ts, comment FROM feedback ORDER BY id')).toEqual([
      { id: '2001', kind: 'rating', value: 5, scale: 5, ts: Date.UTC(2026, 2, 7, 15), comment: 'Such speed' },
      { id: '2002', kind: 'rating', value: 4, scale: 5, ts: Date.UTC(2026, 2, 7, 15), comment: null },
      { id: '2004', kind: 'rating', value: 3, scale: 5, ts: Date.UTC(2026, 2, 9, 15), comment: null },
    ]);
    expect(ws.db.value('SELECT count(*) FROM tickets')).toBe(0);
  });

  it('a Nicereply ratings CSV (Ticket ID beside Score) is feedback; a ticket export with its CSAT stays tickets', () => {
    const nicereply = [5, 4, 2].map((score, i) => ({ ID: String(91001 + i), Date: `2026-03-0${2 + i} 10:20:11`, Score: String(score), Comment: '', Customer: 'Ann Lee',
      'Customer email': 'ann@example.com', Agent: 'Tom', 'Ticket ID': String(4501 + i), Survey: 'CSAT Stars' }));
    expect(detectKind(nicereply)).toBe('feedback');
    // Zendesk's ticket CSV with its satisfaction score: content beside the id keeps it tickets; so does a status.
    expect(detectKind([{ 'Ticket ID': '1', Subject: 'Refund', Priority: 'high', Requester: 'Ann', 'Satisfaction Score': 'Good' }])).toBe('tickets');
    expect(detectKind([{ ticket_id: '1', status: 'open', created_at: '2026-03-02', csat: '4', requester_email: 'a@b.c' }])).toBe('tickets');
  });

  it('Medallia Agent Connect feedback: the star rating is the value, dated when the response came', async () => {
    // docs.medallia.com, Agent Connect feedback exports: request_sent_at, response_received_at, star_rating 1-5.
    const csv = ['request_id,request_sent_at,request_delivery_status,response_received_at,star_rating,channel,customer_name',
      'a1,2026-03-02 09:00:00,Sent,2026-03-02 09:30:00,5,chat,Ann Lee', 'a2,2026-03-02 10:00:00,Sent,2026-03-03 12:00:00,2,chat,Bob Ray'].join('\n');
    const ws = await newWorkspace();
    const s = await runImport(ws, write('medallia.csv', csv), { time_zone: 'UTC' });
    expect(s).toMatchObject({ kind: 'feedback', inserted: 2, rejected: 0 });
    expect(ws.db.all('SELECT kind, value, scale, ts FROM feedback ORDER BY ts')).toEqual([
      { kind: 'rating', value: 5, scale: 5, ts: Date.UTC(2026, 2, 2, 9, 30) }, { kind: 'rating', value: 2, scale: 5, ts: Date.UTC(2026, 2, 3, 12) }]);
    expect(ws.db.value('SELECT count(*) FROM requests')).toBe(0);
  });

  it('Medallia Agent Connect\'s comments flag (true/false) is no comment: an unanswered survey is refused, not kept as a comment "false"', async () => {
    const csv = ['request_id,request_sent_at,request_delivery_status,response_received_at,star_rating,comments,channel',
      'a1,2026-03-02 09:00:00,Sent,2026-03-02 09:30:00,5,true,chat', 'a2,2026-03-02 10:00:00,Sent,,,false,chat', 'a3,2026-03-02 11:00:00,Sent,2026-03-02 11:10:00,4,false,chat'].join('\n');
    const ws = await newWorkspace();
    const s = await runImport(ws, write('medallia-flags.csv', csv), { time_zone: 'UTC' });
    expect(s).toMatchObject({ kind: 'feedback', inserted: 2, rejected: 1 });
    expect(s.notes).toContain('comment: comments is not read as the comment (its values in the first records are only true/false flags, e.g. "true"); it is kept with the row\'s other fields');
    expect(ws.db.all('SELECT kind, value, comment FROM feedback ORDER BY ts')).toEqual([{ kind: 'rating', value: 5, comment: null }, { kind: 'rating', value: 4, comment: null }]);
  });
});

describe('an NPS export whose score column has no NPS name (Retently: Score beside Status Promoter/Passive/Detractor)', () => {
  it('is read as NPS answers, not as 1-10 ratings (which gave no NPS and a 0 on a 1-10 scale); a 0-10 score alone stays a rating', async () => {
    const rows = [[10, 'Promoter'], [9, 'Promoter'], [8, 'Passive'], [6, 'Detractor'], [0, 'Detractor']];
    const csv = ['Date,Email,Score,Feedback,Campaign,Status', ...rows.map(([score, status], i) => `2026-03-0${2 + i} 09:14:00,c${i}@example.com,${score},,Q1 NPS,${status}`)].join('\n');
    const ws = await newWorkspace();
    const s = await runImport(ws, write('retently.csv', csv), {});
    expect(s).toMatchObject({ kind: 'feedback', inserted: 5, rejected: 0 });
    expect(s.notes).toContain('feedback kind: nps (0-10 scores beside Status, which files each answer as promoter, passive or detractor)');
    expect(ws.db.all('SELECT kind, value, scale FROM feedback ORDER BY ts')).toEqual(rows.map(([value]) => ({ kind: 'nps', value, scale: 10 })));
    const plain = await newWorkspace();
    await runImport(plain, write('scores.csv', ['Date,Email,Score', ...rows.map(([score], i) => `2026-03-0${2 + i} 09:14:00,c${i}@example.com,${score}`)].join('\n')), {});
    expect(plain.db.all('SELECT DISTINCT kind FROM feedback')).toEqual([{ kind: 'rating' }]);
  });
});

describe('help desk ticket APIs with nested lists (a breaker\'s findings)', () => {
  it('Gorgias tickets: closed_datetime is the resolution, tags are their names, a trashed ticket is skipped and counted', async () => {
    // developers.gorgias.com/reference/tickets: created_datetime, updated_datetime, closed_datetime, trashed_datetime, tags [{id, name, uri}].
    const t = (id: number, trashed: string | null) => ({ id, status: 'closed', priority: 'normal', channel: 'email', via: 'email', spam: false,
      customer: { id: 500 + id, email: `c${id}@example.com`, name: 'C' }, subject: `Order ${id}`, excerpt: 'wrong answer',
      tags: [{ id: 1, name: 'ai-answer', uri: '/api/tags/1/', decoration: null }, { id: 2, name: 'refund', uri: '/api/tags/2/', decoration: null }],
      created_datetime: '2026-03-02T10:15:28.418405', updated_datetime: '2026-03-02T12:00:00.000000', closed_datetime: '2026-03-02T11:30:00.000000', trashed_datetime: trashed });
    const ws = await newWorkspace();
    const s = await runImport(ws, write('gorgias.json', JSON.stringify({ data: [t(1001, null), t(1002, '2026-03-03T09:00:00')], meta: {} })), { time_zone: 'UTC' });
    expect(s).toMatchObject({ kind: 'tickets', inserted: 1, skipped: 1 });
    expect(s.skipped_reasons).toEqual([expect.objectContaining({ reason: expect.stringContaining('trash'), count: 1 })]);
    expect(ws.db.get('SELECT id, created_ts, updated_ts, resolved_ts, tags FROM tickets')).toEqual({
      id: '1001', created_ts: Date.UTC(2026, 2, 2, 10, 15, 28, 418), updated_ts: Date.UTC(2026, 2, 2, 12), resolved_ts: Date.UTC(2026, 2, 2, 11, 30), tags: JSON.stringify(['ai-answer', 'refund']) });
  });

  it('Front conversations: no time is read from a tag\'s fields; tags are their names', async () => {
    // Front API, List conversations: created_at (epoch seconds), tags [{id, name, created_at, updated_at}].
    const conv = { _results: [{ id: 'cnv_1', subject: 'Plan question', status: 'archived', recipient: { name: 'Cust', handle: 'c@example.com', role: 'from' },
      tags: [{ id: 'tag_ai', name: 'ai', highlight: null, created_at: 1700000000.0, updated_at: 1700000000.0 }], created_at: 1772445600.123, is_private: false }] };
    const ws = await newWorkspace();
    const s = await runImport(ws, write('front.json', JSON.stringify(conv)), {});
    expect(s).toMatchObject({ kind: 'tickets', inserted: 1 });
    expect(ws.db.get('SELECT created_ts, updated_ts, tags FROM tickets')).toEqual({ created_ts: 1772445600123, updated_ts: null, tags: JSON.stringify(['ai']) });
  });

  it('one tag given as an object is its name, not "[object Object]"', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('one-tag.json', JSON.stringify([{ ticket_id: 'T-1', subject: 'Refund', priority: 'high', created_at: '2026-03-02T10:00:00Z', tags: { id: 't1', name: 'billing' } }])), {});
    expect(ws.db.value('SELECT tags FROM tickets')).toBe(JSON.stringify(['billing']));
  });
});

describe('Azure OpenAI resource logs (RequestResponse category, Azure Monitor\'s common schema)', () => {
  it('read resultSignature as the HTTP status, so a 429 and a 408 are errors (the error rate read "unknown")', async () => {
    const ws = await newWorkspace();
    const rec = (i: number, sig: string, type: string) => JSON.stringify({ time: `2026-11-20T09:00:0${i}.1234567Z`, category: 'RequestResponse', operationName: 'ChatCompletions_Create',
      resultType: type, resultSignature: sig, durationMs: 100 + i, correlationId: `c-${i}`, location: 'eastus', properties: { modelName: 'gpt-4o', modelVersion: '2024-05-13' } });
    await runImport(ws, write('PT1H.json', [rec(1, '200', 'Succeeded'), rec(2, '429', 'Failed'), rec(3, '408', 'Failed'), rec(4, '200', 'Succeeded'), rec(5, '200', 'Succeeded')].join('\n') + '\n'), {});
    expect(ws.db.all('SELECT status, is_error FROM requests ORDER BY ts')).toEqual(
      [['200', 0], ['429', 1], ['408', 1], ['200', 0], ['200', 0]].map(([status, is_error]) => ({ status, is_error })));
  });
});

describe('reference objects (ServiceNow Table API, JSON:API relationships)', () => {
  it('are the id or name they stand for, not their JSON', async () => {
    const ws = await newWorkspace();
    const snow = { result: [
      { number: 'INC0010001', short_description: 'Wrong refund policy', caller_id: { link: 'https://acme.service-now.com/api/now/table/sys_user/a8f9', value: 'a8f9' }, state: '6', priority: '2', description: 'It quoted 60 days', contact_type: 'email', opened_at: '2026-11-20 10:00:00' },
      { number: 'INC0010002', short_description: 'Assistant down', caller_id: { display_value: 'Ann Lee', link: 'https://acme.service-now.com/api/now/table/sys_user/6282' }, state: '2', priority: '1', description: 'No answers', contact_type: 'phone', opened_at: '2026-11-20 11:00:00' },
      { number: 'INC0010003', short_description: 'Password reset', caller_id: '', state: '7', priority: '4', description: 'Locked out', contact_type: 'self-service', opened_at: '2026-11-20 12:00:00' },
    ] };
    await runImport(ws, write('incident.json', JSON.stringify(snow)), { time_zone: 'UTC' });
    expect(ws.db.all('SELECT id, requester FROM tickets ORDER BY id')).toEqual([
      { id: 'INC0010001', requester: 'a8f9' }, { id: 'INC0010002', requester: 'Ann Lee' }, { id: 'INC0010003', requester: null },
    ]);
    const ws2 = await newWorkspace();
    const kustomer = { data: [1, 2].map((i) => ({ type: 'conversation', id: `conv-${i}`, attributes: { name: `Subject ${i}`, channels: ['email'], status: 'open', priority: 3, preview: `Where is order ${i}?`, createdAt: `2026-11-20T0${i}:00:00Z`, updatedAt: `2026-11-20T0${i}:30:00Z` },
      relationships: { customer: { data: { type: 'customer', id: `cust-${i}` }, links: { self: `/v1/customers/cust-${i}` } } } })) };
    await runImport(ws2, write('conversations.json', JSON.stringify(kustomer)), {});
    expect(ws2.db.all('SELECT requester FROM tickets ORDER BY id').map((r) => (r as { requester: string }).requester)).toEqual(['cust-1', 'cust-2']);
  });
});

describe('Label Studio JSON export (one object per task with its annotations)', () => {
  it('gives each annotation\'s rating and choices, by annotator and update time; the task text is no comment; cancelled ones and predictions are counted', async () => {
    const ann = (id: number, who: number, rating: number, choice: string, at: string, cancelled = false) => ({ id, completed_by: who, was_cancelled: cancelled, created_at: at, updated_at: at, lead_time: 12.5,
      result: [{ id: `r${id}`, from_name: 'quality', to_name: 'text', type: 'rating', value: { rating } }, { id: `c${id}`, from_name: 'helpful', to_name: 'text', type: 'choices', value: { choices: [choice] } },
        { id: `b${id}`, from_name: 'span', to_name: 'text', type: 'labels', value: { start: 0, end: 4, labels: ['Policy'] } }] });
    const tasks = [
      { id: 101, data: { text: 'Q: refund window? A: 30 days', request_id: 'req-1' }, annotations: [ann(1001, 7, 4, 'Helpful', '2026-03-02T09:00:00Z'), ann(1002, 8, 2, 'Not helpful', '2026-03-02T09:30:00Z')],
        predictions: [{ id: 1, model_version: 'v1', result: [] }], created_at: '2026-03-01T20:00:00Z' },
      { id: 103, data: { text: 'Q: reset? A: click Forgot', request_id: 'req-3' }, annotations: [ann(1004, 7, 1, 'Helpful', '2026-03-02T10:00:00Z', true)], predictions: [], created_at: '2026-03-01T20:00:00Z' },
    ];
    const ws = await newWorkspace();
    const s = await runImport(ws, write('project-3.json', JSON.stringify(tasks)), {});
    expect(s).toMatchObject({ kind: 'feedback', preset: 'label-studio', inserted: 4, rejected: 0 });
    expect(s.skipped_reasons).toEqual(expect.arrayContaining([
      { reason: 'cancelled annotation (skipped in Label Studio)', count: 1 },
      { reason: 'labels annotation (no rating, choice or text on the answer)', count: 2 },
      { reason: 'model prediction (a pre-annotation, not a person\'s answer)', count: 1 },
    ]));
    expect(ws.db.all('SELECT id, request_id, user_id, ts, kind, value, scale, label, comment FROM feedback ORDER BY id')).toEqual([
      { id: '1001:helpful', request_id: 'req-1', user_id: '7', ts: Date.UTC(2026, 2, 2, 9), kind: 'comment', value: null, scale: null, label: 'helpful', comment: 'Helpful' },
      { id: '1001:quality', request_id: 'req-1', user_id: '7', ts: Date.UTC(2026, 2, 2, 9), kind: 'rating', value: 4, scale: 5, label: 'quality', comment: null },
      { id: '1002:helpful', request_id: 'req-1', user_id: '8', ts: Date.UTC(2026, 2, 2, 9, 30), kind: 'comment', value: null, scale: null, label: 'helpful', comment: 'Not helpful' },
      { id: '1002:quality', request_id: 'req-1', user_id: '8', ts: Date.UTC(2026, 2, 2, 9, 30), kind: 'rating', value: 2, scale: 5, label: 'quality', comment: null },
    ]);
  });
});

describe('Typeform Responses API (GET /forms/{id}/responses)', () => {
  it('gives one row per answer by its field type, not a "CSAT 0/5" from the quiz score', async () => {
    const item = (id: string, nps: number, rating: number | null, yes: boolean, text: string | null, req: string) => ({
      landing_id: id, token: id, response_id: id, landed_at: '2026-03-02T10:10:00Z', submitted_at: '2026-03-02T10:12:30Z', hidden: { request_id: req, user_id: `u-${id}` }, calculated: { score: 0 },
      answers: [
        { field: { id: 'F1', type: 'nps', ref: 'nps_q' }, type: 'number', number: nps },
        ...(rating === null ? [] : [{ field: { id: 'F2', type: 'rating', ref: 'rating_q' }, type: 'number', number: rating }]),
        { field: { id: 'F3', type: 'yes_no', ref: 'helpful_q' }, type: 'boolean', boolean: yes },
        ...(text === null ? [] : [{ field: { id: 'F4', type: 'long_text', ref: 'why_q' }, type: 'text', text }]),
        { field: { id: 'F5', type: 'email', ref: 'email_q' }, type: 'email', email: 'a@example.com' },
      ] });
    const body = { total_items: 2, page_count: 1, items: [item('r1', 9, 4, true, 'Quick', 'req-1'), item('r2', 3, null, false, null, 'req-2')] };
    const ws = await newWorkspace();
    const s = await runImport(ws, write('responses.json', JSON.stringify(body)), {});
    expect(s).toMatchObject({ kind: 'feedback', preset: 'typeform-responses', inserted: 6, rejected: 0 });
    expect(s.skipped_reasons).toEqual([{ reason: 'email answer (no rating, NPS, yes/no, choice or text)', count: 2 }]);
    expect(ws.db.all('SELECT id, request_id, user_id, kind, value, scale, comment, ts FROM feedback ORDER BY id')).toEqual([
      { id: 'r1:F1', request_id: 'req-1', user_id: 'u-r1', kind: 'nps', value: 9, scale: 10, comment: null, ts: Date.UTC(2026, 2, 2, 10, 12, 30) },
      { id: 'r1:F2', request_id: 'req-1', user_id: 'u-r1', kind: 'rating', value: 4, scale: 5, comment: null, ts: Date.UTC(2026, 2, 2, 10, 12, 30) },
      { id: 'r1:F3', request_id: 'req-1', user_id: 'u-r1', kind: 'thumb', value: 1, scale: null, comment: null, ts: Date.UTC(2026, 2, 2, 10, 12, 30) },
      { id: 'r1:F4', request_id: 'req-1', user_id: 'u-r1', kind: 'comment', value: null, scale: null, comment: 'Quick', ts: Date.UTC(2026, 2, 2, 10, 12, 30) },
      { id: 'r2:F1', request_id: 'req-2', user_id: 'u-r2', kind: 'nps', value: 3, scale: 10, comment: null, ts: Date.UTC(2026, 2, 2, 10, 12, 30) },
      { id: 'r2:F3', request_id: 'req-2', user_id: 'u-r2', kind: 'thumb', value: -1, scale: null, comment: null, ts: Date.UTC(2026, 2, 2, 10, 12, 30) },
    ]);
  });
});
