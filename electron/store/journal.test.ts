/**
 * The journal on a full disk and after damage: a failed append is cut back (no torn line before good ones), a torn
 * line in the middle left by an older version is repaired on open and said so, a damaged entry is named with its
 * line and what would be kept, and "keep every valid entry" does exactly that without deleting anything.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntry, journalIo, journalPath, readJournal } from './journal';
import { refusal, useTempWorkspaces } from './testing/temp';
import { Workspace } from './workspace';

const { tmpDir } = useTempWorkspaces('loupe-journal-');
const realIo = { ...journalIo };
afterEach(() => Object.assign(journalIo, realIo));

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
const setting = (k: string, v: string): [string, string[]] => ["INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [k, v]];

/** Opens a new workspace and drops it without a save after `fn`, as kill -9 would (the lock is left behind too). */
async function crashAfter(fn: (ws: Workspace) => void): Promise<string> {
  const file = path.join(tmpDir(), 'w.sqlite');
  const ws = await Workspace.open(file, { create: true });
  fn(ws);
  ws.db.close(); // no checkpoint
  // The lock a killed process leaves: its pid is gone.
  fs.writeFileSync(`${ws.target}.loupe-lock`, JSON.stringify({ app: 'loupe', pid: 2 ** 22 + 99, token: 'dead', host: os.hostname(), boot: null, start: null }));
  return file;
}

describe('a full disk while appending', () => {
  it('cuts the failed append back off, reports DISK_FULL, and the decisions after it are found after a crash', async () => {
    const file = await crashAfter((ws) => {
      for (let i = 1; i <= 5; i++) ws.commit([setting(`d${i}`, 'ok')]);
      // The disk fills up half-way through the next line.
      journalIo.write = (fd, buf, off, len) => {
        realIo.write(fd, buf, off, Math.ceil(len / 2));
        throw enospc();
      };
      let err: unknown = null;
      try { ws.commit([setting('lost', 'never confirmed')]); } catch (e) { err = e; }
      expect(err).toMatchObject({ code: 'DISK_FULL' });
      expect((err as Error).message).toMatch(/^This change was not saved: the disk holding .* is full \(ENOSPC\)\. Everything confirmed before it is on disk\.$/);
      // Not applied in memory either.
      expect(ws.meta('lost')).toBeUndefined();
      const text = fs.readFileSync(journalPath(ws.target), 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n').filter(Boolean).every((l) => JSON.parse(l))).toBe(true);
      // Space comes back: the next decisions go on after the last whole line.
      Object.assign(journalIo, realIo);
      for (let i = 6; i <= 9; i++) ws.commit([setting(`d${i}`, 'ok')]);
    });
    const lines = readJournal(journalPath(file)).lines;
    expect(lines.map((l) => l.kind)).toEqual(Array(9).fill('entry'));
    const ws = await Workspace.open(file, {});
    for (let i = 1; i <= 9; i++) expect(ws.meta(`d${i}`)).toBe('ok');
    expect(ws.meta('lost')).toBeUndefined();
    expect(ws.notices).toEqual([]);
    ws.close();
  });

  it('when even the cut-back fails, the next append starts a new line and nothing after the torn part is lost', async () => {
    const file = await crashAfter((ws) => {
      ws.commit([setting('a', '1')]);
      journalIo.write = (fd, buf, off, len) => { realIo.write(fd, buf, off, Math.ceil(len / 3)); throw enospc(); };
      journalIo.truncate = () => { throw enospc(); };
      expect(() => ws.commit([setting('b', 'x')])).toThrow(/disk .* is full/);
      Object.assign(journalIo, realIo);
      ws.commit([setting('c', '3')]);
      ws.commit([setting('d', '4')]);
    });
    const ws = await Workspace.open(file, {});
    expect([ws.meta('a'), ws.meta('b'), ws.meta('c'), ws.meta('d')]).toEqual(['1', undefined, '3', '4']);
    expect(ws.notices).toHaveLength(1);
    expect(ws.notices[0]).toMatch(/^The journal had a torn write at line 2 \(an append cut off when the disk was full or the process stopped; it was never confirmed\)\. It was skipped and every whole entry was kept \(3 applied\)\.$/);
    ws.close();
  });
});

describe('a journal left torn or damaged', () => {
  /** A journal of 5 whole entries, then `middle` at line 6, then 3 more whole entries. */
  async function journalWith(middle: string | null, opts: { sameLine?: boolean } = {}): Promise<string> {
    const file = await crashAfter(() => undefined);
    const e = (seq: number) => encodeEntry({ seq, stmts: [setting(`k${seq}`, `v${seq}`)] });
    let text = '';
    for (let s = 1; s <= 5; s++) text += e(s);
    if (middle !== null) text += opts.sameLine ? middle : `${middle}\n`;
    for (let s = 6; s <= 8; s++) text += e(s);
    fs.writeFileSync(journalPath(file), text);
    return file;
  }

  it('repairs a torn line in the middle when every later line is whole, and says so (the case that lost 351 decisions)', async () => {
    const file = await journalWith('{"seq":6,"stmts":[["INSERT INTO meta (key, va');
    const ws = await Workspace.open(file, {});
    for (let s = 1; s <= 8; s++) expect(ws.meta(`k${s}`)).toBe(`v${s}`);
    expect(ws.notices[0]).toMatch(/torn write at line 6 .* It was skipped and every whole entry was kept \(8 applied\)\./);
    ws.close();
    // The repair was saved: the journal is gone and the next open has nothing to say.
    expect(fs.existsSync(journalPath(file))).toBe(false);
    const again = await Workspace.open(file, {});
    expect(again.notices).toEqual([]);
    expect(again.meta('k8')).toBe('v8');
    again.close();
  });

  it('recovers a whole entry written on the same line right after a torn one (an older version that never cut back)', async () => {
    const file = await journalWith('{"seq":6,"stmts":[["INSERT INTO meta (key, va', { sameLine: true });
    const ws = await Workspace.open(file, {});
    for (let s = 1; s <= 8; s++) expect(ws.meta(`k${s}`)).toBe(`v${s}`);
    expect(ws.notices[0]).toMatch(/torn write at line 6/);
    ws.close();
  });

  const damaged: Array<[string, string, RegExp]> = [
    ['an altered byte (the checksum fails)', encodeEntry({ seq: 6, stmts: [setting('k6', 'v6')] }).replace('INSERT INTO meta', 'INSERT INTO mota').trimEnd(), /line 6 \(its checksum does not match its content \(the line was altered on disk\)\)/],
    ['a statement on a table that does not exist', JSON.stringify({ seq: 6, stmts: [["INSERT INTO reviewz (id) VALUES (1)", null]] }), /line 6 \(its statements fail: no such table: reviewz\)/],
    ['an entry whose stmts is not a list', JSON.stringify({ seq: 6, stmts: 5 }), /line 6 \(its stmts is not a list of statements\)/],
    ['a torn line followed by another damaged one', '{"seq":6,"stm', /line 6 \(it is cut off \(a torn write\) and other damaged lines follow it\)/],
  ];
  for (const [what, line, reason] of damaged) {
    it(`refuses to open with ${what}: names the line, counts the valid entries, offers to keep them`, async () => {
      const file = await journalWith(line);
      if (what.startsWith('a torn line followed')) fs.appendFileSync(journalPath(file), '{"seq":"x","stmts":[]}\n');
      const before = fs.readFileSync(journalPath(file));
      const e = await refusal(Workspace.open(file, {}));
      expect(e.code).toBe('JOURNAL_DAMAGED');
      expect(e.message).toMatch(reason);
      expect(e.message).toMatch(/8 other entries are valid|7 other entries are valid/);
      expect(e.action).toMatch(/^Keep every valid entry: run `npx loupe repair --workspace ".*w\.sqlite"` \(or choose "Keep the valid entries"\)\. The \d valid entries are applied and saved; the journal is kept aside as w\.sqlite\.loupe-journal\.damaged-<time>, not deleted\.$/);
      // Nothing was changed by the refusal.
      expect(fs.readFileSync(journalPath(file)).equals(before)).toBe(true);

      const ws = await Workspace.open(file, { keepValidJournalEntries: true });
      for (const s of [1, 2, 3, 4, 5, 7, 8]) expect(ws.meta(`k${s}`)).toBe(`v${s}`);
      expect(ws.notices.join(' ')).toMatch(/^Kept \d valid journal entries; set aside \d damaged \(line 6: .*\)\. The whole journal was copied to w\.sqlite\.loupe-journal\.damaged-/);
      ws.close();
      const aside = fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.damaged-'));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(path.dirname(file), aside[0]!)).equals(before)).toBe(true);
      const again = await Workspace.open(file, {});
      expect(again.meta('k8')).toBe('v8');
      again.close();
    });
  }

  it('reads a journal written by an earlier version (no checksums)', async () => {
    const file = await crashAfter(() => undefined);
    fs.writeFileSync(journalPath(file), `${JSON.stringify({ seq: 1, stmts: [setting('old', 'yes')] })}\n`);
    const ws = await Workspace.open(file, {});
    expect(ws.meta('old')).toBe('yes');
    ws.close();
  });

  it('a read-only open (loupe info beside the app) counts the valid entries of a torn journal without writing', async () => {
    const file = await journalWith('{"seq":6,"stmts":[["INSERT INTO meta (key, va');
    const before = fs.readFileSync(journalPath(file));
    const ws = await Workspace.open(file, { readOnly: true });
    expect(ws.meta('k8')).toBe('v8');
    expect(ws.notices[0]).toMatch(/torn write at line 6/);
    ws.close();
    expect(fs.readFileSync(journalPath(file)).equals(before)).toBe(true);
  });
});
