/**
 * The server's part in keeping things safe: upload folders of killed servers are removed on the next start, each
 * page is named to the store's fair scheduler (scripts share one queue), and a workspace refused with
 * JOURNAL_DAMAGED can be opened from the blocking screen keeping every valid entry.
 */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreClient } from '../store/client';
import { encodeEntry, journalPath } from '../store/journal';
import { Workspace } from '../store/workspace';
import { callerOf, removeStaleUploadDirs, startServer } from './server';

const dirs: string[] = [];
afterEach(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-srv-dur-')); dirs.push(d); return d; };

describe('upload folders of a server that was killed', () => {
  it('are removed on the next start; a live server\'s folder is kept', () => {
    const t = tmp();
    const dead = path.join(t, `loupe-uploads-${2 ** 22 + 77}`);
    const live = path.join(t, `loupe-uploads-${process.ppid}`);
    for (const d of [dead, live]) {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'abc-requests.jsonl'), 'x'.repeat(1000));
    }
    fs.mkdirSync(path.join(t, 'loupe-uploads-notapid'));
    expect(removeStaleUploadDirs(t)).toBe(1);
    expect(fs.readdirSync(t).sort()).toEqual([`loupe-uploads-${process.ppid}`, 'loupe-uploads-notapid']);
  });
});

describe('callers named for the store scheduler', () => {
  const req = (h: Record<string, string>) => ({ headers: h } as unknown as http.IncomingMessage);
  it('a page by its own id; scripts (no id, or a malformed one) share one queue', () => {
    expect(callerOf(req({ 'x-loupe-client': 'a1b2c3' }))).toBe('page:a1b2c3');
    expect(callerOf(req({}))).toBe('script');
    expect(callerOf(req({ 'x-loupe-client': 'bad id with spaces' }))).toBe('script');
    expect(callerOf(req({ 'x-loupe-client': 'x'.repeat(65) }))).toBe('script');
  });
});

describe('a workspace whose journal has a damaged entry', () => {
  it('is reported by /api/session, and POST /api/session/keep-valid-journal opens it keeping the valid entries', async () => {
    const d = tmp();
    const web = path.join(d, 'web');
    fs.mkdirSync(web);
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html>');
    const file = path.join(d, 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    const e = encodeEntry({ seq: 1, stmts: [["INSERT INTO meta (key, value) VALUES ('reviewer', 'Ada')", null]] });
    fs.writeFileSync(journalPath(file), `${e}{"seq":2,"stmts":"oops"}\n`);
    const client = StoreClient.start({ log: () => undefined });
    const srv = await startServer({ client, port: 0, webRoot: web, workspace: file });
    try {
      const h = { 'X-Loupe-Token': srv.token };
      const s1 = await (await fetch(`http://127.0.0.1:${srv.port}/api/session`, { headers: h })).json() as { error: { code: string; message: string } };
      expect(s1.error.code).toBe('JOURNAL_DAMAGED');
      expect(s1.error.message).toMatch(/line 2 \(its stmts is not a list of statements\)\. 1 other entry is valid/);
      const s2 = await (await fetch(`http://127.0.0.1:${srv.port}/api/session/keep-valid-journal`, { method: 'POST', headers: h })).json() as { workspace: { notices: string[] }; error: null };
      expect(s2.error).toBeNull();
      expect(s2.workspace.notices[0]).toMatch(/^Kept 1 valid journal entry; set aside 1 damaged \(line 2/);
      expect((await client.call('review.getReviewer', {})).reviewer).toBe('Ada');
      // Only while refused for that reason.
      const again = await (await fetch(`http://127.0.0.1:${srv.port}/api/session/keep-valid-journal`, { method: 'POST', headers: h })).json() as { error: { code: string } };
      expect(again.error.code).toBe('BAD_REQUEST');
    } finally {
      await srv.close();
      await client.close();
    }
  });
});
