/**
 * Read-only and linked workspace files: a read-only file (mode 444, even for root) is refused for writing and never
 * rewritten; a symlinked workspace is saved through to its target and stays a link; a file's mode is kept by saves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPath } from './journal';
import { refusal, useTempWorkspaces } from './testing/temp';
import { Workspace } from './workspace';

const { tmpDir } = useTempWorkspaces('loupe-files-');

const setting = (k: string, v: string): [string, string[]] => ["INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [k, v]];

describe('a read-only workspace file', () => {
  it('is refused for writing with READ_ONLY and the way out, and stays byte-identical and read-only', async () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    fs.chmodSync(file, 0o444);
    const bytes = fs.readFileSync(file);
    const e = await refusal(Workspace.open(file, {}));
    expect(e.code).toBe('READ_ONLY');
    expect(e.message).toBe(`${file} is read-only (mode 444): Loupe opens it only to read and will not change it.`);
    expect(e.action).toContain(`chmod u+w "${file}"`);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['w.sqlite']); // no lock, no journal, no temp file
    // Reading it still works.
    const ro = await Workspace.open(file, { readOnly: true });
    expect(ro.meta('time_zone')).toBe('UTC');
    ro.close();
  });

  it('made read-only while open: the next save is refused and the file is not rewritten; decisions stay in the journal', async () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    const ws = await Workspace.open(file, { create: true });
    ws.commit([setting('reviewer', 'Ada')]);
    fs.chmodSync(file, 0o444);
    const bytes = fs.readFileSync(file);
    expect(() => ws.checkpoint()).toThrow(/is read-only \(mode 444\)/);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o444);
    expect(fs.readFileSync(journalPath(file), 'utf8')).toContain('Ada');
    fs.chmodSync(file, 0o644);
    ws.close();
    const again = await Workspace.open(file, {});
    expect(again.meta('reviewer')).toBe('Ada');
    again.close();
  });

  it('keeps the mode of a private workspace (0600) across saves', async () => {
    const file = path.join(tmpDir(), 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    fs.chmodSync(file, 0o600);
    const ws = await Workspace.open(file, {});
    ws.commit([setting('a', '1')]);
    ws.checkpoint();
    ws.close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('a symlinked workspace', () => {
  it('is saved through to its target: the link stays a link, the target gets the data, the lock and journal sit beside the target', async () => {
    const d = tmpDir();
    fs.mkdirSync(path.join(d, 'store'));
    const target = path.join(d, 'store', 'real.sqlite');
    (await Workspace.open(target, { create: true })).close();
    const link = path.join(d, 'w.sqlite');
    fs.symlinkSync(path.join('store', 'real.sqlite'), link);
    const ws = await Workspace.open(link, {});
    expect(ws.file).toBe(link);
    expect(ws.target).toBe(target);
    ws.commit([setting('reviewer', 'Ada')]);
    expect(fs.existsSync(journalPath(target))).toBe(true);
    expect(fs.existsSync(`${target}.loupe-lock`)).toBe(true);
    expect(fs.existsSync(journalPath(link))).toBe(false);
    ws.checkpoint();
    ws.close();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    const viaTarget = await Workspace.open(target, {});
    expect(viaTarget.meta('reviewer')).toBe('Ada');
    viaTarget.close();
    expect(fs.readdirSync(d).sort()).toEqual(['store', 'w.sqlite']);
  });

  it('a new workspace through a dangling link is created at the link\'s target', async () => {
    const d = tmpDir();
    const link = path.join(d, 'w.sqlite');
    fs.symlinkSync('real.sqlite', link);
    (await Workspace.open(link, { create: true })).close();
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.statSync(path.join(d, 'real.sqlite')).isFile()).toBe(true);
  });
});
