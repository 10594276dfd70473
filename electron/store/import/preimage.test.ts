import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempWorkspaces } from '../testing/temp';
import type { Workspace } from '../workspace';
import { runImport } from './pipeline';

const { write, newWorkspace } = useTempWorkspaces('loupe-preimage-');
const cases = path.resolve(__dirname, '../../../../shared/cases/import');

/** One JSONL request per state: the request's id, time and output. */
const req = (id: string, output: string, hour = 8) => JSON.stringify({ request_id: id, timestamp: `2026-02-01T${String(hour).padStart(2, '0')}:00:00Z`, output, model: 'm' });
const file = (name: string, lines: string[]) => write(name, `${lines.join('\n')}\n`);
const counts = (s: { inserted: number; updated: number; duplicates: number; duplicates_in_file: number }) =>
  ({ inserted: s.inserted, updated: s.updated, duplicates: s.duplicates, duplicates_in_file: s.duplicates_in_file });
const output = (ws: Workspace, id: string) => ws.db.value<string>('SELECT output FROM requests WHERE id = ?', [id]);
const leftovers = (ws: Workspace) => ws.db.value<number>("SELECT count(*) FROM temp.sqlite_master WHERE name LIKE 'loupe_import_preimage%'");

describe('an id the file repeats counts by what the import did to its row, not by its first occurrence', () => {
  it.skipIf(!fs.existsSync(cases))('case 16 imported again changes nothing and says so (it read "1 updated")', async () => {
    const ws = await newWorkspace();
    const f = path.join(cases, '16-duplicate-ids-in-file.jsonl');
    expect(counts(await runImport(ws, f, {}))).toEqual({ inserted: 2, updated: 0, duplicates: 0, duplicates_in_file: 1 });
    const again = await runImport(ws, f, {});
    expect(counts(again)).toEqual({ inserted: 0, updated: 0, duplicates: 2, duplicates_in_file: 1 });
    expect(again.notes).toContain('0 new, 2 already present');
    expect(again.per_kind.requests).toEqual({ inserted: 0, updated: 0, duplicates: 2, duplicates_in_file: 1 });
    expect(JSON.parse(ws.db.value<string>("SELECT extra FROM requests WHERE id = 'd-1'")!)).toMatchObject({ score: 9 });
  });

  it('stored B; the file says B then C: updated (it read "unchanged", the first occurrence changing nothing)', async () => {
    const ws = await newWorkspace();
    await runImport(ws, file('a.jsonl', [req('r1', 'B'), req('r2', 'x')]), {});
    const s = await runImport(ws, file('b.jsonl', [req('r1', 'B'), req('r2', 'x'), req('r1', 'C')]), {});
    expect(counts(s)).toEqual({ inserted: 0, updated: 1, duplicates: 1, duplicates_in_file: 1 });
    expect(output(ws, 'r1')).toBe('C');
  });

  it('stored B; the file says C then B: unchanged; A then C: updated once', async () => {
    const ws = await newWorkspace();
    await runImport(ws, file('a.jsonl', [req('r1', 'B'), req('r2', 'B')]), {});
    const s = await runImport(ws, file('b.jsonl', [req('r1', 'C'), req('r2', 'A'), req('r1', 'B'), req('r2', 'C')]), {});
    expect(counts(s)).toEqual({ inserted: 0, updated: 1, duplicates: 1, duplicates_in_file: 2 });
    expect([output(ws, 'r1'), output(ws, 'r2')]).toEqual(['B', 'C']);
  });

  it('a new id repeated is one insert; ids the file does not repeat count as before', async () => {
    const ws = await newWorkspace();
    await runImport(ws, file('a.jsonl', [req('old', 'A'), req('same', 'S')]), {});
    const s = await runImport(ws, file('b.jsonl', [req('new', '1'), req('old', 'A2'), req('same', 'S'), req('new', '2'), req('new', '3')]), {});
    expect(counts(s)).toEqual({ inserted: 1, updated: 1, duplicates: 1, duplicates_in_file: 2 });
    expect(output(ws, 'new')).toBe('3');
  });

  it('a change of time alone (a column the state is made of, not only text) counts', async () => {
    const ws = await newWorkspace();
    await runImport(ws, file('a.jsonl', [req('r1', 'B', 8)]), {});
    const s = await runImport(ws, file('b.jsonl', [req('r1', 'B', 8), req('r1', 'B', 9)]), {});
    expect(counts(s)).toEqual({ inserted: 0, updated: 1, duplicates: 0, duplicates_in_file: 1 });
    const back = await runImport(ws, file('c.jsonl', [req('r1', 'B', 10), req('r1', 'B', 9)]), {});
    expect(counts(back)).toEqual({ inserted: 0, updated: 0, duplicates: 1, duplicates_in_file: 1 });
  });

  it('feedback repeated in a file is judged the same way', async () => {
    const ws = await newWorkspace();
    const fb = (id: string, v: string) => JSON.stringify({ feedback_id: id, request_id: 'r1', timestamp: '2026-02-01T08:05:00Z', thumb: v });
    await runImport(ws, file('r.jsonl', [req('r1', 'B')]), {});
    await runImport(ws, file('f.jsonl', [fb('f1', 'up'), fb('f2', 'down')]), { kind: 'feedback' });
    // f1 goes down and back up (unchanged); f2 stays down, then goes up (updated).
    const s = await runImport(ws, file('g.jsonl', [fb('f1', 'down'), fb('f2', 'down'), fb('f1', 'up'), fb('f2', 'up')]), { kind: 'feedback' });
    expect(s.per_kind.feedback).toEqual({ inserted: 0, updated: 1, duplicates: 1, duplicates_in_file: 2 });
    // Both go down and back up: nothing changed.
    const t = await runImport(ws, file('h.jsonl', [fb('f1', 'down'), fb('f2', 'down'), fb('f1', 'up'), fb('f2', 'up')]), { kind: 'feedback' });
    expect(t.per_kind.feedback).toEqual({ inserted: 0, updated: 0, duplicates: 2, duplicates_in_file: 2 });
  });

  it('links count the feedback links the import added: none on a re-import that rewrites its repeated rows', async () => {
    const ws = await newWorkspace();
    const fb = (id: string, v: string, req = 'r1') => JSON.stringify({ feedback_id: id, request_id: req, timestamp: '2026-02-01T08:05:00Z', thumb: v });
    // Feedback first: its requests are not stored yet, so no link is real.
    const f1 = await runImport(ws, file('f.jsonl', [fb('f1', 'up'), fb('f2', 'down', 'r2'), fb('f1', 'down'), fb('f1', 'up')]), { kind: 'feedback' });
    expect(f1.links).toBe(0);
    // The requests arrive: both links become real with this import.
    expect((await runImport(ws, file('r.jsonl', [req('r1', 'A'), req('r2', 'B')]), {})).links).toBe(2);
    // The same feedback again, its repeats rewriting f1 twice: nothing added (it read "1 link").
    const again = await runImport(ws, file('f.jsonl', [fb('f1', 'up'), fb('f2', 'down', 'r2'), fb('f1', 'down'), fb('f1', 'up')]), { kind: 'feedback' });
    expect([again.updated, again.links]).toEqual([0, 0]);
    // A new thumb on a stored request is one link.
    expect((await runImport(ws, file('g.jsonl', [fb('f3', 'up', 'r2')]), { kind: 'feedback' })).links).toBe(1);
  });

  it('leaves no temporary table or trigger behind, after a stored import and after a refused one', async () => {
    const ws = await newWorkspace();
    await runImport(ws, file('a.jsonl', [req('r1', 'B')]), {});
    await runImport(ws, file('b.jsonl', [req('r1', 'C'), req('r1', 'B')]), {});
    expect(leftovers(ws)).toBe(0);
    await expect(runImport(ws, file('c.jsonl', [req('r1', 'D'), '{"request_id": "r2", "output": ']), {})).rejects.toThrow(/c\.jsonl: invalid JSON at line 2/);
    expect(leftovers(ws)).toBe(0);
    expect(output(ws, 'r1')).toBe('B');
  });
});

describe('stored requests whose time or status a file changes', () => {
  it('are said in a note with how many, how far the times moved and which; a file that only adds or repeats says nothing', async () => {
    const ws = await newWorkspace();
    const withStatus = (id: string, hour: number, status: string) => JSON.stringify({ request_id: id, timestamp: `2026-02-01T${String(hour).padStart(2, '0')}:00:00Z`, status, model: 'm' });
    const first = await runImport(ws, file('a.jsonl', [withStatus('a1', 8, 'success'), withStatus('a2', 9, 'success'), withStatus('a3', 10, 'success')]), {});
    expect(first.notes.join('\n')).not.toMatch(/changed stored requests/);
    const same = await runImport(ws, file('b.jsonl', [withStatus('a1', 8, 'success'), withStatus('a4', 11, 'success')]), {});
    expect(same.notes.join('\n')).not.toMatch(/changed stored requests/);
    // an annotation tool's records naming the requests: a1 moved 22 h with a new status, a2 only its status
    const other = await runImport(ws, file('c.jsonl', [withStatus('a1', 6, 'completed').replace('2026-02-01T06', '2026-02-02T06'), withStatus('a2', 9, 'pending')]), {});
    const note = other.notes.find((n) => n.includes('changed stored requests'));
    expect(note).toBe('this file changed stored requests: the time of 1 (by up to 22 h; a1) and the status of 2 (a1, a2); a changed time can move a request to another week, out of its queue and estimates. If the file is not a new export of the same requests (an annotation tool\'s records that name them, say), import it into its own workspace');
  });
});
