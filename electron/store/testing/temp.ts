/**
 * Test helpers for the store: temporary folders and workspaces removed after each test, and the LoupeError a promise
 * is refused with. Test-only; nothing in the app imports this.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { LoupeError } from '../../../shared/errors';
import { Workspace } from '../workspace';

/**
 * Registers an afterEach that closes the workspaces and removes the folders made through the returned functions.
 * @param prefix - the temp folders' name prefix, e.g. 'loupe-pipe-'
 */
export function useTempWorkspaces(prefix: string): {
  tmpDir(): string;
  write(name: string, content: string | Buffer): string;
  newWorkspace(): Promise<Workspace>;
} {
  const dirs: string[] = [];
  const open: Workspace[] = [];
  afterEach(() => {
    while (open.length) open.pop()!.close();
    while (dirs.length) {
      const d = dirs.pop()!;
      fs.chmodSync(d, 0o700); // a test may have made it read-only
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
  const tmpDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  return {
    tmpDir,
    write(name, content) {
      const f = path.join(tmpDir(), name);
      fs.writeFileSync(f, content);
      return f;
    },
    async newWorkspace() {
      const ws = await Workspace.open(path.join(tmpDir(), 'w.sqlite'), { create: true });
      open.push(ws);
      return ws;
    },
  };
}

/**
 * The LoupeError `p` is refused with.
 * @throws the error itself when it is not a LoupeError, and an Error when `p` resolves
 */
export async function refusal(p: Promise<unknown>): Promise<LoupeError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LoupeError) return e;
    throw e;
  }
  throw new Error('expected a refusal, but the call succeeded');
}
