/**
 * A workspace file replaced or rewritten on disk by another program after Loupe read it (a restore, a sync client,
 * `mv`, `cp` over it): the next save refuses with WORKSPACE_CHANGED_ON_DISK instead of overwriting it, the other
 * program's file stays byte-identical, and every confirmed decision stays in the journal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { refusal, useTempWorkspaces } from './testing/temp';
import { journalPath, Workspace } from './workspace';
import { runImport } from './import/pipeline';
import { readJournal } from './journal';

const { write, newWorkspace } = useTempWorkspaces('loupe-replaced-');

const setZone = (tz: string): [string, string[]] => ["INSERT INTO meta (key, value) VALUES ('time_zone', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [tz]];
const rows = (n: number, p: string) => Array.from({ length: n }, (_, i) => JSON.stringify({ request_id: `${p}${i}`, timestamp: '2026-01-02T00:00:00Z', input: 'q', output: 'a' })).join('\n');

/** Another workspace's bytes (a different file, as a restore or a sync client would bring). */
async function otherWorkspaceBytes(): Promise<Buffer> {
  const other = await newWorkspace();
  await runImport(other, write('other.jsonl', rows(7, 'o')), {});
  other.close();
  return fs.readFileSync(other.file);
}

function code(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { return (e as { code?: string }).code; }
  return undefined;
}

describe('a workspace replaced on disk', () => {
  it('renamed over the path: the next save refuses, the other file stays byte-identical and the decision stays in the journal', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('mine.jsonl', rows(5, 'm')), {});
    const other = await otherWorkspaceBytes();
    ws.commit([setZone('Europe/Berlin')]);
    const tmp = path.join(path.dirname(ws.file), 'w.sqlite.new');
    fs.writeFileSync(tmp, other);
    fs.renameSync(tmp, ws.file);

    const e = await refusal(runImport(ws, write('more.jsonl', rows(3, 'x')), {}));
    expect(e.code).toBe('WORKSPACE_CHANGED_ON_DISK');
    expect(e.message).toContain(`${ws.file} was changed on disk by another program since Loupe opened or last saved it (another file was put in its place)`);
    expect(e.message).toContain('Loupe did not save over it');
    expect(e.action).toMatch(/open it again/);
    expect(fs.readFileSync(ws.file).equals(other)).toBe(true);
    // Every later call but close is refused; close does not save.
    expect(ws.changedOnDisk).toBe(e);
    expect(code(() => ws.checkpoint())).toBe('WORKSPACE_CHANGED_ON_DISK');
    const journal = readJournal(journalPath(ws.target)).lines.filter((l) => l.kind === 'entry');
    expect(journal).toHaveLength(1);
    ws.close();
    expect(fs.readFileSync(ws.file).equals(other)).toBe(true);
    // Reopened, it is the other file. The journal's decision belongs to the first workspace: not applied to the
    // other one (it would set its zone, or store reviews under queues it does not have), but kept aside, and said.
    const again = await Workspace.open(ws.file);
    try {
      expect(again.db.value('SELECT count(*) FROM requests')).toBe(7);
      expect(again.meta('time_zone')).toBe('UTC');
      expect(again.notices.join(' ')).toMatch(/^The journal beside this workspace holds 1 confirmed decision that were not applied: it was written for another workspace \(created \d{4}-.*\) than the file now at .* \(created \d{4}-.*\)\. It was kept as w\.sqlite\.loupe-journal\.other-.*; to apply it, put the workspace it belongs to back at this path/);
      expect(fs.existsSync(journalPath(ws.target))).toBe(false);
      const aside = fs.readdirSync(path.dirname(ws.file)).filter((f) => f.startsWith('w.sqlite.loupe-journal.other-'));
      expect(aside).toHaveLength(1);
      expect(readJournal(path.join(path.dirname(ws.file), aside[0]!)).lines.filter((l) => l.kind === 'entry')).toHaveLength(1);
    } finally {
      again.close();
    }
  });

  it('a copy of the same workspace put back in its place gets the journal applied; an older copy (decisions missing between) does not', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('mine.jsonl', rows(5, 'm')), {});
    const saved = fs.readFileSync(ws.file); // journal_seq 0
    ws.commit([setZone('Europe/Berlin')]);
    ws.checkpoint(); // the file holds decision 1; the journal is empty
    const afterOne = fs.readFileSync(ws.file);
    ws.commit([setZone('Asia/Tokyo')]); // decision 2, in the journal only (as after a kill)
    const journal2 = fs.readFileSync(journalPath(ws.target));
    ws.close();
    // A copy of the file as saved after decision 1 (a restore or a sync client) with that journal: decision 2
    // follows it and applies.
    fs.writeFileSync(ws.file, afterOne);
    fs.writeFileSync(journalPath(ws.target), journal2);
    const same = await Workspace.open(ws.file);
    try {
      expect(same.meta('time_zone')).toBe('Asia/Tokyo');
      expect(same.notices).toEqual([]);
    } finally {
      same.close();
    }
    // The copy from before decision 1 (decision 0) with a journal of decision 3: decisions 1 and 2 are missing between.
    const w2 = await Workspace.open(ws.file);
    w2.commit([setZone('Europe/Oslo')]); // decision 3
    const journal3 = fs.readFileSync(journalPath(ws.target));
    w2.close();
    fs.writeFileSync(ws.file, saved);
    fs.writeFileSync(journalPath(ws.target), journal3);
    const old = await Workspace.open(ws.file);
    try {
      expect(old.meta('time_zone')).toBe('UTC');
      expect(old.notices.join(' ')).toContain('its decisions start at number 3, but the file now at');
      expect(old.notices.join(' ')).toContain('was last saved at decision 0 (an older copy of it was put in its place; the decisions between are not in the journal)');
    } finally {
      old.close();
    }
  });

  it('written in place after it was read whole: the save refuses and leaves the new bytes', async () => {
    const ws = await newWorkspace();
    await runImport(ws, write('mine.jsonl', rows(5, 'm')), {});
    const other = await otherWorkspaceBytes();
    const ino = fs.statSync(ws.file).ino;
    fs.writeFileSync(ws.file, other); // truncates and writes the same inode, as `cp` does
    expect(fs.statSync(ws.file).ino).toBe(ino);
    ws.commit([setZone('Asia/Tokyo')]);
    expect(code(() => ws.checkpoint())).toBe('WORKSPACE_CHANGED_ON_DISK');
    expect((ws.changedOnDisk as Error).message).toMatch(/\(it was rewritten in place(: [\d,]+ bytes then, [\d,]+ now|; its modification time moved)\)/);
    expect(fs.readFileSync(ws.file).equals(other)).toBe(true);
  });

  it("Loupe's own saves, a chmod and a workspace opened from disk are not taken for a replacement", async () => {
    const ws = await newWorkspace();
    for (let i = 0; i < 3; i++) {
      await runImport(ws, write(`r${i}.jsonl`, rows(4, `r${i}-`)), {});
      ws.commit([setZone(i % 2 ? 'UTC' : 'Europe/Paris')]);
      ws.checkpoint();
    }
    fs.chmodSync(ws.file, 0o600);
    ws.commit([setZone('Europe/Rome')]);
    ws.checkpoint();
    ws.close();
    const again = await Workspace.open(ws.file);
    try {
      again.commit([setZone('Europe/Oslo')]);
      again.checkpoint();
      expect(again.changedOnDisk).toBeNull();
    } finally {
      again.close();
    }
  });
});
