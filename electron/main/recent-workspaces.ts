/**
 * The list of recently opened workspaces, kept in `<userData>/recent.json` as `{ "recent": ["/abs/path", ...] }`,
 * newest first. No electron import: main passes the folder in, and tests use a temp folder.
 */
import fs from 'node:fs';
import path from 'node:path';

/** How many workspaces File ▸ Open recent lists. */
export const MAX_RECENT = 10;

/**
 * Reads the recent list. A missing, unreadable or malformed file reads as empty: losing the list must never stop
 * Loupe from starting.
 * @param dir - the folder holding recent.json (app.getPath('userData'))
 * @returns absolute paths, newest first, at most {@link MAX_RECENT}
 */
export function readRecent(dir: string): string[] {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(dir, 'recent.json'), 'utf8')) as { recent?: unknown };
    if (!Array.isArray(data.recent)) return [];
    return [...new Set(data.recent.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)))].slice(0, MAX_RECENT);
  } catch {
    return [];
  }
}

/**
 * Moves `file` to the top of the recent list and saves it (temp file then rename, so a crash never leaves half a file).
 * @returns the new list
 */
export function addRecent(dir: string, file: string): string[] {
  const abs = path.resolve(file);
  const list = [abs, ...readRecent(dir).filter((p) => p !== abs)].slice(0, MAX_RECENT);
  writeRecent(dir, list);
  return list;
}

/** Empties the recent list. */
export function clearRecent(dir: string): void {
  writeRecent(dir, []);
}

function writeRecent(dir: string, list: string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, 'recent.json');
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ recent: list }, null, 2) + '\n');
  fs.renameSync(tmp, target);
}
