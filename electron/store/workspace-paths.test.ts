/**
 * Workspace paths that are not a workspace file (a folder, a missing folder, a pipe, no permission) and what a killed
 * save leaves behind: each is refused with a message naming the path, and nothing is written beside it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from './workspace';
import { refusal, useTempWorkspaces } from './testing/temp';

const { tmpDir } = useTempWorkspaces('loupe-wsp-');

describe('workspace paths that are not a workspace file', () => {
  it('refuses a folder, naming it, and writes no lock file beside it', async () => {
    const d = tmpDir();
    const folder = path.join(d, 'ws');
    fs.mkdirSync(folder);
    const e = await refusal(Workspace.open(folder, { create: true }));
    expect(e.code).toBe('WORKSPACE_NOT_OPEN');
    expect(e.message).toBe(`${folder} is a folder, not a workspace file.`);
    expect(fs.readdirSync(d)).toEqual(['ws']);
  });

  it('refuses to create a workspace in a folder that does not exist, naming the folder', async () => {
    const d = tmpDir();
    const file = path.join(d, 'no', 'such', 'w.sqlite');
    const e = await refusal(Workspace.open(file, { create: true }));
    expect(e.code).toBe('WORKSPACE_MISSING');
    expect(e.message).toBe(`Cannot create ${file}: the folder ${path.join(d, 'no', 'such')} does not exist.`);
  });

  it.skipIf(process.platform === 'win32')('refuses a named pipe', async () => {
    const fifo = path.join(tmpDir(), 'w.sqlite');
    execFileSync('mkfifo', [fifo]);
    const e = await refusal(Workspace.open(fifo, {}));
    expect(e.code).toBe('WORKSPACE_NOT_OPEN');
    expect(e.message).toBe(`${fifo} is not a regular file (it is a named pipe, socket or device).`);
  });

  // Root reads and writes anything, so the permission check runs only for an ordinary user.
  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('refuses a folder it cannot write, naming the lock file', async () => {
    const d = tmpDir();
    const file = path.join(d, 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    fs.chmodSync(d, 0o500);
    const e = await refusal(Workspace.open(file, {}));
    expect(e.code).toBe('PERMISSION_DENIED');
    expect(e.message).toBe(`Cannot open ${file}: permission denied (${file}.loupe-lock).`);
  });
});

describe('what a killed save leaves behind', () => {
  it('removes the temp file of a dead process on the next open, and keeps one of a live process', async () => {
    const d = tmpDir();
    const file = path.join(d, 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max (4,194,304): no such process
    const dead = path.join(d, `.w.sqlite.${deadPid}.tmp`);
    const live = path.join(d, `.w.sqlite.${process.ppid}.tmp`);
    const other = path.join(d, `.other.sqlite.${deadPid}.tmp`);
    for (const f of [dead, live, other]) fs.writeFileSync(f, Buffer.alloc(1024));
    const ws = await Workspace.open(file, {});
    ws.close();
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(other)).toBe(true);
  });
});
