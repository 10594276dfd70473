/**
 * Wide feedback files (several feedback columns per row) and time columns recognised by their values: the cases
 * "a feedback CSV with created_ms and both thumb and nps columns" and "a survey export with CSAT, NPS, thumb and
 * comment columns" of issue 9.
 */
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../testing/temp';
import { previewImport, runImport } from './pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-wide-');
const T = Date.UTC(2026, 2, 5, 12, 0, 0);

describe('wide feedback files', () => {
  it('created_ms (epoch ms) is the time; thumb and nps each give a feedback row; a row whose time is not a time is rejected', async () => {
    const csv = [
      'feedback_id,request_id,user_id,created_ms,thumb,nps',
      `f1,req-1,u1,${T},up,9`,
      `f2,req-2,u2,${T + 60_000},down,`,
      `f3,req-3,u3,${T + 120_000},,3`,
      'f4,req-4,u4,not-a-time,up,10',
    ].join('\n');
    const ws = await newWorkspace();
    const p = await previewImport(ws, write('feedback.csv', csv), {});
    expect(p.kind).toBe('feedback');
    expect(p.notes).toContain('ts: created_ms recognised as a time column by its values (epoch milliseconds)');
    const s = await runImport(ws, write('feedback.csv', csv), {});
    expect(s).toMatchObject({ kind: 'feedback', records_read: 4, inserted: 4, rejected: 1 });
    expect(s.rejects[0]).toMatchObject({ line: 5 });
    expect(s.rejects[0]!.reason).toMatch(/not-a-time/);
    const rows = ws.db.all<Record<string, unknown>>('SELECT id, request_id, user_id, ts, kind, value, scale FROM feedback ORDER BY id');
    expect(rows).toEqual([
      { id: 'f1:nps', request_id: 'req-1', user_id: 'u1', ts: T, kind: 'nps', value: 9, scale: 10 },
      { id: 'f1:thumb', request_id: 'req-1', user_id: 'u1', ts: T, kind: 'thumb', value: 1, scale: null },
      { id: 'f2:thumb', request_id: 'req-2', user_id: 'u2', ts: T + 60_000, kind: 'thumb', value: -1, scale: null },
      { id: 'f3:nps', request_id: 'req-3', user_id: 'u3', ts: T + 120_000, kind: 'nps', value: 3, scale: 10 },
    ]);
    expect(ws.db.value('SELECT count(*) FROM feedback WHERE ts IS NULL')).toBe(0);
  });

  it('a survey export with CSAT, NPS, thumb and comment keeps every answer, each with its kind and scale', async () => {
    const csv = [
      'Response ID,Submitted At,Conversation ID,CSAT,NPS,Thumbs,Comment',
      'resp-1,2026-03-05T12:00:00Z,conv-1,4,9,up,Quick and clear',
      'resp-2,2026-03-05T13:30:00Z,conv-2,2,3,down,',
      'resp-3,2026-03-05T14:00:00Z,conv-3,5,,,',
    ].join('\n');
    const ws = await newWorkspace();
    const s = await runImport(ws, write('survey.csv', csv), { kind: 'feedback' });
    expect(s).toMatchObject({ records_read: 3, inserted: 8, rejected: 0 });
    const rows = ws.db.all<Record<string, unknown>>('SELECT id, session_id, ts, kind, value, scale, comment FROM feedback ORDER BY id');
    expect(rows).toEqual([
      { id: 'resp-1:CSAT', session_id: 'conv-1', ts: T, kind: 'rating', value: 4, scale: 5, comment: null },
      { id: 'resp-1:Comment', session_id: 'conv-1', ts: T, kind: 'comment', value: null, scale: null, comment: 'Quick and clear' },
      { id: 'resp-1:NPS', session_id: 'conv-1', ts: T, kind: 'nps', value: 9, scale: 10, comment: null },
      { id: 'resp-1:Thumbs', session_id: 'conv-1', ts: T, kind: 'thumb', value: 1, scale: null, comment: null },
      { id: 'resp-2:CSAT', session_id: 'conv-2', ts: T + 5_400_000, kind: 'rating', value: 2, scale: 5, comment: null },
      { id: 'resp-2:NPS', session_id: 'conv-2', ts: T + 5_400_000, kind: 'nps', value: 3, scale: 10, comment: null },
      { id: 'resp-2:Thumbs', session_id: 'conv-2', ts: T + 5_400_000, kind: 'thumb', value: -1, scale: null, comment: null },
      { id: 'resp-3:CSAT', session_id: 'conv-3', ts: T + 7_200_000, kind: 'rating', value: 5, scale: 5, comment: null },
    ]);
    // Re-importing changes nothing.
    const again = await runImport(ws, write('survey.csv', csv), { kind: 'feedback' });
    expect(again).toMatchObject({ inserted: 0, updated: 0, duplicates: 8 });
  });

  it('time columns are recognised by 10, 16 and 19-digit epochs and ISO text, not by ids of the same length', async () => {
    const ws = await newWorkspace();
    const rows = [
      { request_id: 'a', order_no: '1772712000', when_s: 1772712000, prompt: 'x', output: 'y' },
      { request_id: 'b', order_no: '1772712060', when_s: 1772712060, prompt: 'x', output: 'y' },
    ];
    const s = await runImport(ws, write('r.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')), {});
    expect(s.notes).toContain('ts: when_s recognised as a time column by its values (epoch seconds)');
    expect(ws.db.value("SELECT ts FROM requests WHERE id = 'b'")).toBe(1772712060000);
    const ws2 = await newWorkspace();
    const ns = [{ id: 'n1', at: '1772712000123456789', input: 'q' }, { id: 'n2', at: '1772712000123456789', input: 'q2' }];
    await runImport(ws2, write('n.jsonl', ns.map((r) => JSON.stringify(r)).join('\n')), {});
    expect(ws2.db.value("SELECT ts FROM requests WHERE id = 'n1'")).toBe(1772712000123);
  });
});

describe('satisfaction answers exported as words (SurveyMonkey "Actual answer text")', () => {
  const head = 'Respondent ID,Collector ID,Start Date,End Date,How likely is it that you would recommend Acme to a friend or colleague?,"Overall, how satisfied or dissatisfied are you with Acme?"\n,,,,Response,Response\n';
  it('reads a column on the 5-point scale as CSAT 1-5, said in a note', async () => {
    const ws = await newWorkspace();
    const rows = [['9', 'Very satisfied'], ['6', 'Satisfied'], ['10', 'Neither satisfied nor dissatisfied'], ['3', 'Dissatisfied'], ['8', 'Very dissatisfied'], ['7', 'Very satisfied']]
      .map(([nps, csat], i) => `11400000000${i},431000001,03/2${i}/2026 07:18:34 AM,03/2${i}/2026 07:20:34 AM,${nps},${csat}`).join('\n');
    const s = await runImport(ws, write('surveymonkey.csv', `${head}${rows}\n`), {});
    expect(s).toMatchObject({ inserted: 12, rejected: 0 });
    expect(s.notes.join(' ')).toMatch(/6 rating answer\(s\) read from the words of a 5-point satisfaction scale/);
    expect(ws.db.all("SELECT value, label FROM feedback WHERE kind = 'rating' ORDER BY ts")).toEqual([
      { value: 5, label: 'Very satisfied' }, { value: 4, label: 'Satisfied' }, { value: 3, label: 'Neither satisfied nor dissatisfied' },
      { value: 2, label: 'Dissatisfied' }, { value: 1, label: 'Very dissatisfied' }, { value: 5, label: 'Very satisfied' },
    ]);
    expect(ws.db.value("SELECT DISTINCT scale FROM feedback WHERE kind = 'rating'")).toBe(5);
  });

  it('does not guess a column with a label of another scale ("Extremely satisfied" is 7-point): refused with the hint', async () => {
    const ws = await newWorkspace();
    const rows = [['9', 'Very satisfied'], ['6', 'Extremely satisfied'], ['10', 'Somewhat satisfied']]
      .map(([nps, csat], i) => `11400000000${i},431000001,03/2${i}/2026 07:18:34 AM,03/2${i}/2026 07:20:34 AM,${nps},${csat}`).join('\n');
    const s = await runImport(ws, write('surveymonkey7.csv', `${head}${rows}\n`), {});
    expect(s.inserted).toBe(3); // the NPS answers
    expect(s.rejected).toBe(3);
    expect(s.rejects[0]!.reason).toMatch(/looks like a choice label without its number: export the survey with numeric values/);
  });
});
