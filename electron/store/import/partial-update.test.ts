/**
 * A re-import merges into what is stored: a field the file does not give keeps its stored value (a partial export
 * never blanks a request, reviewed or not); fields of one state (status/error, cost and its price, a feedback
 * value and its scale, a ticket's status and resolved time) move together.
 */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace';
import { useTempWorkspaces } from '../testing/temp';
import { runImport } from './pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-partial-');
const row = (ws: Workspace, id: string) => ws.db.get<Record<string, unknown>>('SELECT * FROM requests WHERE id = ?', [id])!;

const full = [
  { id: 'r1', timestamp: '2026-11-02T10:00:00Z', user_id: 'u1', model: 'gpt-4o-mini', feature: 'support-chat', input: 'How do I reset 2FA?', output: 'Go to Settings.', latency_ms: 812, tokens_in: 40, tokens_out: 12, cost_usd: 0.0002, status: 'error', error: 'timeout' },
  { id: 'r2', timestamp: '2026-11-02T11:00:00Z', user_id: 'u2', model: 'gpt-4o-mini', feature: 'summarize', input: 'Summarize this.', output: 'A summary.', latency_ms: 300, tokens_in: 20, tokens_out: 5, cost_usd: 0.0001, status: 'ok' },
].map((r) => JSON.stringify(r)).join('\n');

describe('re-importing part of a request', () => {
  it('a file with only id, timestamp and status updates the status and keeps every other stored field', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('full.jsonl', full), { kind: 'requests' });
    const before = row(ws, 'r2');
    const s = await runImport(ws, write('partial.csv', 'request_id,timestamp,status\nr2,2026-11-02T11:00:00Z,error\n'), { kind: 'requests' });
    expect(s).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    const after = row(ws, 'r2');
    expect(after).toMatchObject({ user_id: 'u2', model: 'gpt-4o-mini', feature: 'summarize', input: 'Summarize this.', output: 'A summary.',
      latency_ms: 300, tokens_in: 20, tokens_out: 5, cost_usd: 0.0001, input_chars: 15, output_chars: 10, status: 'error', is_error: 1 });
    expect(after.ts).toBe(before.ts);
  });

  it('status, error and is_error move together: a later "ok" clears the stored error text; a file without status keeps all three', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('full.jsonl', full), { kind: 'requests' });
    await runImport(ws, write('lat.csv', 'id,latency_ms\nr1,900\n'), { kind: 'requests' });
    expect(row(ws, 'r1')).toMatchObject({ latency_ms: 900, status: 'error', error: 'timeout', is_error: 1, input: 'How do I reset 2FA?' });
    await runImport(ws, write('ok.csv', 'id,status\nr1,ok\n'), { kind: 'requests' });
    expect(row(ws, 'r1')).toMatchObject({ status: 'ok', error: null, is_error: 0, latency_ms: 900, cost_usd: 0.0002 });
  });

  it('a file without a cost keeps the stored cost and where it came from', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('full.jsonl', full), { kind: 'requests' });
    const before = row(ws, 'r1');
    await runImport(ws, write('out.csv', 'id,output\nr1,Open Settings > Security.\n'), { kind: 'requests' });
    const after = row(ws, 'r1');
    expect(after).toMatchObject({ output: 'Open Settings > Security.', output_chars: 25, cost_usd: before.cost_usd, cost_source: before.cost_source });
  });

  it('a reviewed request keeps its input and output when a partial file updates it', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('full.jsonl', full), { kind: 'requests' });
    ws.db.run("INSERT INTO reviews (queue_id, request_id, reviewer, rubric_version, verdicts, failed, created_at) VALUES (NULL, 'r1', 'Ann', 1, '{}', 0, 1)");
    await runImport(ws, write('p.csv', 'id,feature\nr1,billing\n'), { kind: 'requests' });
    expect(row(ws, 'r1')).toMatchObject({ feature: 'billing', input: 'How do I reset 2FA?', output: 'Go to Settings.' });
    expect(ws.db.value<number>('SELECT count(*) FROM reviews')).toBe(1);
  });

  it('re-importing the same full file changes nothing (idempotent)', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('full.jsonl', full), { kind: 'requests' });
    const s = await runImport(ws, write('full2.jsonl', full), { kind: 'requests' });
    expect(s).toMatchObject({ inserted: 0, updated: 0, duplicates: 2 });
  });
});

describe('feedback values that are not what their kind says are refused with the line and field', () => {
  const lines = [
    { id: 'f1', request_id: 'r1', kind: 'thumb', value: 2 },
    { id: 'f2', request_id: 'r1', kind: 'thumb', value: 1 },
    { id: 'f3', request_id: 'r1', kind: 'thumb', value: 0 },
    { id: 'f4', request_id: 'r1', kind: 'nps', value: 9.9 },
    { id: 'f5', request_id: 'r1', kind: 'nps', value: 9 },
    { id: 'f6', request_id: 'r1', kind: 'csat', value: 4.5 },
    { id: 'f7', request_id: 'r1', kind: 'csat', value: 4 },
    { id: 'f8', request_id: 'r1', kind: 'csat', value: 'NaN' },
    { id: 'f9', request_id: 'r1', kind: 'rating', value: null, comment: 'no score, but a comment' },
  ].map((r) => JSON.stringify(r)).join('\n');

  it('thumb 2, NPS 9.9, CSAT 4.5 and a CSAT without a value are rejected; 1, 0, 9, 4 and a comment-only rating are kept', async () => {
    const ws = await newWorkspace();
    const s = await runImport(ws, write('fb.jsonl', lines), { kind: 'feedback' });
    expect(s).toMatchObject({ records_read: 9, inserted: 5, rejected: 4 });
    expect(s.rejects.map((r) => [r.line, r.field])).toEqual([[1, 'value'], [4, 'value'], [6, 'value'], [8, 'value']]);
    expect(s.rejects[0]!.reason).toBe('value: expected a thumb (up/down, +1/-1, 1/0), found "2"');
    expect(s.rejects[1]!.reason).toBe('value: expected an NPS score, a whole number from 0 to 10, found "9.9"');
    expect(s.rejects[2]!.reason).toBe('value: expected a CSAT answer, a whole number from 1 to 5, found "4.5"');
    expect(s.rejects[3]!.reason).toMatch(/^value: expected a numeric rating, found/);
    const kept = ws.db.all<{ id: string; kind: string; value: number | null; scale: number | null }>('SELECT id, kind, value, scale FROM feedback ORDER BY id');
    expect(kept).toEqual([
      { id: 'f2', kind: 'thumb', value: 1, scale: null }, { id: 'f3', kind: 'thumb', value: -1, scale: null },
      { id: 'f5', kind: 'nps', value: 9, scale: 10 }, { id: 'f7', kind: 'rating', value: 4, scale: 5 },
      { id: 'f9', kind: 'rating', value: null, scale: null },
    ]);
  });
});

describe('a file read as requests that holds no request content', () => {
  it('is refused with the fields it did map, and the stored requests keep their times and users', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('full.jsonl', full), { kind: 'requests' });
    const before = ws.db.all('SELECT * FROM requests ORDER BY id');
    const fb = write('fb.jsonl', [{ feedback_id: 'f1', request_id: 'r1', timestamp: '2026-12-01T00:00:00Z', user_id: 'someone', thumb: 'down' }].map((r) => JSON.stringify(r)).join('\n'));
    await expect(runImport(ws, fb, { kind: 'requests' })).rejects.toMatchObject({
      code: 'IMPORT_NOT_RECOGNISED',
      message: expect.stringMatching(/^fb\.jsonl was read as requests, but its fields are those of feedback and none maps to a request's content .*; it maps only id ← (request_id|feedback_id), .*Nothing was imported\.$/) as string,
    });
    expect(ws.db.all('SELECT * FROM requests ORDER BY id')).toEqual(before);
    // A requests file of ids and times alone still imports.
    expect(await runImport(ws, write('ids.csv', 'id,timestamp\nr9,2026-11-02T12:00:00Z\n'), { kind: 'requests' })).toMatchObject({ inserted: 1 });
    // The same file as feedback imports.
    expect(await runImport(ws, fb, { kind: 'feedback' })).toMatchObject({ inserted: 1, rejected: 0 });
  });
});
