/**
 * Every confirmed review decision survives kill -9 of the process that holds the store worker: the child drives
 * the real worker bundle through contract calls and prints each decision once its call has returned; the test
 * kills it with SIGKILL after a given number of confirmations, reopens the workspace and finds every one.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../workspace';
import { insertSynthetic } from './test-fixtures';

const repoRoot = path.resolve(__dirname, '../../..');
const workerScript = path.join(repoRoot, 'dist/node/store-worker.js');

describe('review decisions and kill -9 (needs dist/node/store-worker.js, built by the vitest global setup)', () => {
  let child: string;
  let buildDir: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-review-crash-build-'));
    child = path.join(buildDir, 'review-crash-child.mjs');
    await build({ entryPoints: [path.join(__dirname, 'testing/review-crash-child.ts')], outfile: child, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(buildDir, 'node_modules'));
  });
  afterAll(() => {
    fs.rmSync(buildDir, { recursive: true, force: true });
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  for (const killAfter of [5, 40, 41, 97]) {
    it(`keeps all ${killAfter}+ confirmed decisions after kill -9 mid-review`, async () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-review-crash-'));
      dirs.push(d);
      const file = path.join(d, 'w.sqlite');
      const seed = await Workspace.open(file, { create: true });
      insertSynthetic(seed.db, { n: 3000, seed: 1 });
      seed.checkpoint();
      seed.close();
      const proc = spawn(process.execPath, [child, file, workerScript, '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let confirmed = 0;
      let buf = '';
      await new Promise<void>((resolve) => {
        proc.stdout.on('data', (c: Buffer) => {
          buf += c.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) if (l.startsWith('confirmed ')) confirmed = Math.max(confirmed, Number(l.slice(10)));
          if (confirmed >= killAfter && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
        });
        proc.on('exit', () => resolve());
      });
      expect(proc.signalCode).toBe('SIGKILL');
      expect(confirmed).toBeGreaterThanOrEqual(killAfter);
      const ws = await Workspace.open(file);
      try {
        expect(ws.meta('reviewer')).toBe('Crash Tester');
        expect(ws.db.value<number>('SELECT count(*) FROM queue_items WHERE queue_id = 1')).toBe(300);
        const rows = ws.db.all<{ position: number; note: string; failed: number }>(`SELECT qi.position, v.note, v.failed FROM reviews v
          JOIN queue_items qi ON qi.queue_id = v.queue_id AND qi.request_id = v.request_id WHERE v.undone = 0 ORDER BY qi.position`);
        // Every confirmed decision is there, in order and intact; one more may have landed before the kill arrived.
        expect(rows.length).toBeGreaterThanOrEqual(confirmed);
        expect(rows.length).toBeLessThanOrEqual(confirmed + 1);
        rows.forEach((r, i) => expect(r).toEqual({ position: i + 1, note: `decision ${i + 1}`, failed: (i + 1) % 4 === 0 ? 1 : 0 }));
      } finally {
        ws.close();
      }
    });
  }
});
