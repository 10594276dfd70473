/**
 * Checks on what reaches Electron main from outside the code: paths dropped on the window (sent by the preload) and
 * the command line. No electron import, so tests run it directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LoupeError } from '../../shared/errors';

/** Most files one drop may register; a drop of a whole folder's contents beyond this is refused as a mistake. */
export const MAX_DROPPED_FILES = 100;

/**
 * Validates paths of files dropped on the window: an array of absolute paths to existing regular files.
 * @param paths - the untrusted payload from the preload
 * @returns the resolved absolute paths
 * @throws LoupeError BAD_REQUEST for a malformed payload; IMPORT_UNREADABLE naming the file that is missing or a folder
 */
export function validateDroppedPaths(paths: unknown): string[] {
  if (!Array.isArray(paths) || paths.length === 0) throw new LoupeError('BAD_REQUEST', 'Expected a non-empty list of dropped files.');
  if (paths.length > MAX_DROPPED_FILES) throw new LoupeError('BAD_REQUEST', `Drop at most ${MAX_DROPPED_FILES} files at once (got ${paths.length}).`);
  return paths.map((p, i) => {
    if (typeof p !== 'string' || p === '') {
      throw new LoupeError('IMPORT_UNREADABLE', `Dropped item ${i + 1} is not a file on disk (it may come from a web page or an archive).`, { action: 'Save it to disk first, then drop the file.' });
    }
    if (!path.isAbsolute(p) || p.length > 4096 || p.includes('\0')) throw new LoupeError('BAD_REQUEST', `Dropped item ${i + 1} has an invalid path.`);
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch {
      throw new LoupeError('IMPORT_UNREADABLE', `Cannot read ${path.basename(p)}: the file does not exist.`, { action: 'Drop another file.' });
    }
    if (!st.isFile()) throw new LoupeError('IMPORT_UNREADABLE', `${path.basename(p)} is a folder, not a file.`, { action: 'Drop the files inside it instead.' });
    return path.resolve(p);
  });
}

/** What the command line asks of the Electron shell. */
export interface ShellArgs {
  /** `--workspace <file>` or a bare `*.sqlite` / `*.loupe` path: open this workspace, creating it if missing. */
  workspace: string | null;
  /** `--default-workspace <file>`: opened when no workspace was named and none was open last time (npm start's demo). */
  defaultWorkspace: string | null;
}

/**
 * Reads the Electron shell's options from argv. Unknown switches (Chromium's own) are ignored.
 * @param argv - process.argv or a second instance's argv
 * @param cwd - the folder relative paths are resolved against (the launching process's working directory)
 */
export function parseShellArgs(argv: readonly string[], cwd: string): ShellArgs {
  const out: ShellArgs = { workspace: null, defaultWorkspace: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const [flag, key] of [['--workspace', 'workspace'], ['--default-workspace', 'defaultWorkspace']] as const) {
      if (a === flag && i + 1 < argv.length) out[key] = path.resolve(cwd, argv[++i]!);
      else if (a.startsWith(`${flag}=`)) out[key] = path.resolve(cwd, a.slice(flag.length + 1));
    }
    if (!a.startsWith('-') && /\.(sqlite|loupe)$/i.test(a) && out.workspace === null) out.workspace = path.resolve(cwd, a);
  }
  return out;
}
