/**
 * Test helpers for child-process fixtures: bundles a fixture with esbuild (packages resolved from the repository's
 * node_modules) and runs it, collecting the lines it prints. Test-only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const repoRoot = path.resolve(__dirname, '../../..');

/**
 * Bundles `entry` (a path relative to electron/store/testing) into a temp folder.
 * @returns the bundle's path and a cleanup function
 */
export async function buildFixture(entry: string): Promise<{ file: string; cleanup: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-fixture-'));
  const file = path.join(dir, `${path.basename(entry, '.ts')}.mjs`);
  await build({ entryPoints: [path.join(__dirname, entry)], outfile: file, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A running fixture: its process, every line it printed so far, and a promise of its end. */
export interface RunningChild {
  proc: ChildProcess;
  lines: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when a printed line matches. */
  waitFor(re: RegExp): Promise<string>;
}

/** Starts `node <script> ...args`, collecting stdout lines. */
export function runChild(script: string, args: string[], env: NodeJS.ProcessEnv = {}): RunningChild {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.re.test(l)) { waiters[i]!.resolve(l); waiters.splice(i, 1); }
      }
    }
  });
  proc.stderr!.on('data', (c: Buffer) => stderr.push(c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc, lines, stderr, exited,
    waitFor(re) {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        void exited.then(() => reject(new Error(`exited before printing ${re}; stderr: ${stderr.join('')}`)));
      });
    },
  };
}
