/**
 * For tests: runs the built CLI (bin/loupe.js, which loads dist/node/cli.js) in a child process from the project
 * folder, as a user or a scheduler would.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The project folder. */
export const REPO = path.resolve(__dirname, '../..');

/**
 * Runs `loupe ...args` to its end.
 * @returns the exit code (-1 when killed by a signal), stdout and stderr as UTF-8 text
 */
export function loupe(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/loupe.js'), ...args], { encoding: 'utf8', cwd: REPO });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
