/**
 * Hostile and malformed input through the whole import pipeline: each case states what a user must see (the exact
 * message, naming file, line and field) and checks that nothing already stored is lost.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../workspace';
import { refusal, useTempWorkspaces } from '../testing/temp';
import { rowRefusal, runImport } from './pipeline';
import { parseNumber } from './values';

const { tmpDir, write, newWorkspace } = useTempWorkspaces('loupe-bad-');
const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const count = (ws: Workspace, t: string) => ws.db.value<number>(`SELECT count(*) FROM ${t}`);

/** A workspace that already holds two requests from an earlier import. */
async function workspaceWithData(): Promise<Workspace> {
  const ws = await newWorkspace();
  await runImport(ws, write('old.csv', 'id,prompt,response,timestamp\nold1,p,r,2026-11-20T10:00:00Z\nold2,p,r,2026-11-20T11:00:00Z\n'), {});
  return ws;
}
const failure = refusal;

describe('numbers a column cannot hold', () => {
  it('reads number text that overflows a double as an error, not Infinity', () => {
    expect(parseNumber('1e400')).toEqual({ error: 'expected a finite number, found "1e400" (beyond ±1.8e308)' });
    expect(parseNumber('-1e400')).toEqual({ error: 'expected a finite number, found "-1e400" (beyond ±1.8e308)' });
    expect(parseNumber('1e300')).toBe(1e300);
    expect(parseNumber('-0')).toBe(-0);
  });

  it('rejects token counts past 2^53 and overflowing costs row by row; the rest of the file and the old data stay', async () => {
    const ws = await workspaceWithData();
    const f = write('n.csv', [
      'id,prompt,response,timestamp,tokens_in,cost_usd',
      'n1,p,r,2026-11-20T10:00:00Z,1e300,0.1',
      'n2,p,r,2026-11-20T10:00:00Z,123456789012345678901234567890,0.1',
      'n3,p,r,2026-11-20T10:00:00Z,5,1e400',
      'n4,p,r,2026-11-20T10:00:00Z,7,0.2',
    ].join('\n'));
    const s = await runImport(ws, f, {});
    expect(s).toMatchObject({ inserted: 1, rejected: 3, kind: 'requests' });
    expect(s.rejects).toEqual([
      { line: 2, field: 'tokens_in', reason: 'tokens_in: expected a whole number of tokens up to 9007199254740991 (2^53 - 1), found "1e300"' },
      { line: 3, field: 'tokens_in', reason: 'tokens_in: expected a whole number of tokens up to 9007199254740991 (2^53 - 1), found "123456789012345678901234567890"' },
      { line: 4, field: 'cost_usd', reason: 'cost_usd: expected a finite number, found "1e400" (beyond ±1.8e308)' },
    ]);
    expect(ws.db.all('SELECT id, tokens_in, cost_usd FROM requests ORDER BY id')).toEqual([
      { id: 'n4', tokens_in: 7, cost_usd: 0.2 },
      { id: 'old1', tokens_in: null, cost_usd: null },
      { id: 'old2', tokens_in: null, cost_usd: null },
    ]);
  });

  it('turns a value the STRICT table refuses into a reject naming the field', async () => {
    const ws = await workspaceWithData();
    let thrown: unknown;
    try { ws.db.run("INSERT INTO requests (id, tokens_in) VALUES ('x', 1.5)"); } catch (e) { thrown = e; }
    expect(rowRefusal(thrown, 'requests'))
      .toEqual({ field: 'tokens_in', reason: 'tokens_in: the workspace stores integer values here, found a real value' });
    expect(rowRefusal(new Error('out of memory'), 'requests')).toBeNull();
  });
});

describe('a file whose every record is rejected', () => {
  it('is refused with the first reason and leaves the workspace file and history as they were', async () => {
    const ws = await workspaceWithData();
    const before = sha(ws.file);
    const f = write('all-bad.jsonl', '{"id":"a","prompt":"p","timestamp":"2026-11-20T10:00:00Z","latency_ms":-5}\n{"id":"b","prompt":"p","timestamp":"2026-11-20T10:00:00Z","latency_ms":-6}\n');
    const e = await failure(runImport(ws, f, {}));
    expect(e.code).toBe('IMPORT_EMPTY');
    expect(e.message).toBe('all-bad.jsonl: all 2 records were rejected; the first, line 1 (latency_ms): latency_ms: expected a duration in milliseconds: a duration cannot be negative, found -5.');
    expect(count(ws, 'imports')).toBe(1);
    expect(count(ws, 'requests')).toBe(2);
    expect(sha(ws.file)).toBe(before);
  });
});

describe('files that are not what they seem', () => {
  it('reads JSONL whose lines mix objects, arrays and scalars as JSONL, rejecting each non-object line', async () => {
    const ws = await workspaceWithData();
    const f = write('mixed.jsonl', [
      '{"id":"j1","prompt":"p","response":"r","timestamp":"2026-11-20T10:00:00Z"}', '[1,2]', '3', '"str"', 'null', 'true',
      '{"id":"j2","prompt":"p","response":"r","timestamp":"2026-11-20T10:00:00Z"}',
    ].join('\n'));
    const s = await runImport(ws, f, {});
    expect(s).toMatchObject({ records_read: 7, inserted: 2, rejected: 5 });
    expect(s.notes).toContain('format: JSONL (one JSON object per line)');
    expect(s.rejects).toEqual([
      { line: 2, field: null, reason: 'expected a JSON object, found an array' },
      { line: 3, field: null, reason: 'expected a JSON object, found a number' },
      { line: 4, field: null, reason: 'expected a JSON object, found a string' },
      { line: 5, field: null, reason: 'expected a JSON object, found null' },
      { line: 6, field: null, reason: 'expected a JSON object, found a boolean' },
    ]);
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe at once instead of reading it as an empty file (or hanging)', async () => {
    const ws = await workspaceWithData();
    const fifo = path.join(tmpDir(), 'pipe.csv');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    const e = await failure(runImport(ws, fifo, {}));
    expect(e.code).toBe('IMPORT_UNREADABLE');
    expect(e.message).toBe('pipe.csv is not a regular file (it is a named pipe, socket or device)');
    expect(count(ws, 'imports')).toBe(1);
  });
});

describe('--map to paths the file does not have', () => {
  const rec = '{"id":"x1","request":{"messages":[{"content":"hi"}]},"response":{"usage":{"prompt_tokens":5}},"timestamp":"2026-11-20T10:00:00Z"}\n';

  it('refuses a path through an array without an index, showing the indexed path', async () => {
    const ws = await workspaceWithData();
    const before = sha(ws.file);
    const e = await failure(runImport(ws, write('nested.jsonl', rec), { mapping: { input: 'request.messages.content' } }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toBe('The mapping for nested.jsonl reads input from "request.messages.content", which no record among the first 1 has. "request.messages" is an array: name an item by its index, e.g. "request.messages.0.content".');
    expect(sha(ws.file)).toBe(before);
  });

  it('refuses a misspelt path, naming the part that exists or the fields seen', async () => {
    const ws = await workspaceWithData();
    const f = write('nested.jsonl', rec);
    expect((await failure(runImport(ws, f, { mapping: { tokens_in: 'response.usage.prompt_tokns' } }))).message)
      .toBe('The mapping for nested.jsonl reads tokens_in from "response.usage.prompt_tokns", which no record among the first 1 has. "response.usage" exists but has no "prompt_tokns".');
    expect((await failure(runImport(ws, f, { mapping: { tokens_in: 'nothing' } }))).message)
      .toBe('The mapping for nested.jsonl reads tokens_in from "nothing", which no record among the first 1 has. Fields seen: id, request.messages.0.content, response.usage.prompt_tokens, timestamp.');
    expect(count(ws, 'imports')).toBe(1);
  });

  it('imports through an indexed path', async () => {
    const ws = await workspaceWithData();
    const s = await runImport(ws, write('nested.jsonl', rec), { mapping: { input: 'request.messages.0.content', tokens_in: 'response.usage.prompt_tokens' } });
    expect(s.inserted).toBe(1);
    expect(ws.db.all("SELECT input, tokens_in FROM requests WHERE id = 'x1'")).toEqual([{ input: 'hi', tokens_in: 5 }]);
  });
});

describe('a CSV quote left open, and a CSV cut in the middle of a row', () => {
  const head = 'ID,Requester,Subject,Status,Requested';
  const rows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i},User${from + i},Subject ${from + i},Open,2026-03-02 1${i}:00`);

  it('refuses a file whose open quote swallows rows of their own, naming the lines; nothing is stored', async () => {
    const ws = await workspaceWithData();
    const before = sha(ws.file);
    // Line 3 opens a quote; the next quote is on line 10, so lines 3-10 would be one field and 7 tickets would vanish.
    const f = write('unclosed.csv', [head, '1,Ann,Refund issue,Open,2026-03-02 09:00', '2,Bo,"Unclosed subject,Open,2026-03-02 10:00', ...rows(3, 8),
      '9,Zed,"Has ""quotes"" inside",Open,2026-03-02 19:00', '10,Last,Fine,Open,2026-03-02 20:00', ''].join('\n'));
    const e = await failure(runImport(ws, f, { kind: 'tickets' }));
    expect(e.code).toBe('IMPORT_UNREADABLE');
    expect(e.message).toBe('unclosed.csv: the quoted field starting on line 3 is not closed on its line: lines 3–10 (7 of them shaped like rows of their own) would be read as one field');
    expect(sha(ws.file)).toBe(before);
  });

  it('still rejects one row whose stray quote stays inside text, and keeps line breaks inside a quoted field', async () => {
    const ws = await newWorkspace();
    const f = write('stray.csv', [head, '1,Ann,"He said "hi" there",Open,2026-03-02 09:00', '2,Bo,"two lines', 'of text, one field",Open,2026-03-02 10:00', '3,Cy,Plain,Open,2026-03-02 11:00', ''].join('\n'));
    const s = await runImport(ws, f, { kind: 'tickets' });
    expect([s.records_read, s.inserted, s.rejected]).toEqual([3, 2, 1]);
    expect(s.rejects[0]).toMatchObject({ line: 2 });
    expect(ws.db.value("SELECT subject FROM tickets WHERE id = '2'")).toBe('two lines\nof text, one field');
  });

  it('refuses a file cut in the middle of its last row (short, no final line break); a short last row with its line break is one reject', async () => {
    const ws = await workspaceWithData();
    const before = sha(ws.file);
    const cut = write('cut.csv', [head, ...rows(1, 2), '3,Cy,Q'].join('\n'));
    const e = await failure(runImport(ws, cut, { kind: 'tickets' }));
    expect(e.code).toBe('IMPORT_TRUNCATED');
    expect(e.message).toBe("cut.csv: the last row (line 4) has 3 of the header's 5 fields and the file ends without a line break: the file is truncated");
    expect(sha(ws.file)).toBe(before);
    const whole = await runImport(ws, write('short.csv', [head, ...rows(1, 2), '3,Cy,Q', ''].join('\n')), { kind: 'tickets' });
    expect([whole.inserted, whole.rejected, whole.rejects[0]!.line]).toEqual([2, 1, 4]);
  });
});
