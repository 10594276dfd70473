import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShellArgs, validateDroppedPaths } from './shell-input';

describe('validateDroppedPaths', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-drop-'));
    file = path.join(dir, 'requests.jsonl');
    fs.writeFileSync(file, '{}\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('accepts existing regular files', () => {
    expect(validateDroppedPaths([file])).toEqual([file]);
  });

  it('refuses folders, missing files, non-disk items and malformed payloads with codes and file names', () => {
    expect(() => validateDroppedPaths([dir])).toThrow(expect.objectContaining({ code: 'IMPORT_UNREADABLE', message: `${path.basename(dir)} is a folder, not a file.` }));
    expect(() => validateDroppedPaths([path.join(dir, 'gone.csv')])).toThrow(expect.objectContaining({ code: 'IMPORT_UNREADABLE', message: 'Cannot read gone.csv: the file does not exist.' }));
    expect(() => validateDroppedPaths([''])).toThrow(expect.objectContaining({ code: 'IMPORT_UNREADABLE' }));
    expect(() => validateDroppedPaths(['relative.csv'])).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => validateDroppedPaths('a.csv')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => validateDroppedPaths([])).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => validateDroppedPaths(Array(101).fill(file))).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: 'Drop at most 100 files at once (got 101).' }));
  });
});

describe('parseShellArgs', () => {
  it('reads --workspace, --default-workspace and a bare workspace path, resolving against cwd', () => {
    expect(parseShellArgs(['electron', '.', '--workspace', 'w.sqlite'], '/home/me')).toEqual({ workspace: '/home/me/w.sqlite', defaultWorkspace: null });
    expect(parseShellArgs(['electron', '.', '--default-workspace=data/demo.sqlite', '--no-sandbox'], '/repo')).toEqual({ workspace: null, defaultWorkspace: '/repo/data/demo.sqlite' });
    expect(parseShellArgs(['/opt/Loupe/loupe', '/data/weekly.loupe'], '/')).toEqual({ workspace: '/data/weekly.loupe', defaultWorkspace: null });
    expect(parseShellArgs(['electron', 'dist/node/electron-main.js'], '/repo')).toEqual({ workspace: null, defaultWorkspace: null });
  });
});
