/**
 * The CLI's promises under interruption and faults: 130 only when nothing was written (Ctrl-C is delivered at exact
 * points with the store's file gate, never after a sleep), a late Ctrl-C finishes and says so with 0, a read-only
 * workspace and a full disk are refused with their codes (never INTERNAL) and leave the workspace as it was, and
 * `loupe repair` keeps every valid journal entry.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntry, journalPath } from '../store/journal';
import { Workspace } from '../store/workspace';
import { importExitCode } from './main';
import { loupe } from './run-cli';

const repo = path.resolve(__dirname, '../..');
const dirs: string[] = [];
const mounts: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-cli-dur-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  while (mounts.length) spawnSync('umount', [mounts.pop()!]);
  while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A JSONL file of `n` requests (`prefix-<i>`), padded so a few thousand make several batches. */
function requests(file: string, n: number, prefix: string, pad = 200): string {
  const p = 'y'.repeat(pad);
  fs.writeFileSync(file, Array.from({ length: n }, (_, i) => `{"request_id":"${prefix}-${i}","timestamp":"2026-11-18T00:00:00Z","input":"q ${p}","output":"a"}`).join('\n') + '\n');
  return file;
}

/** Runs `loupe import` with the store's file gate armed; resolves lines of stderr as they come. */
function gatedImport(args: string[], gateDir: string) {
  const child = spawn(process.execPath, [path.join(repo, 'bin/loupe.js'), 'import', ...args], { cwd: repo, env: { ...process.env, LOUPE_TEST_GATE_DIR: gateDir } });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const until = async (cond: () => boolean) => { while (!cond()) await new Promise((r) => setTimeout(r, 10)); };
  return { child, exited, until, out: () => ({ stderr, stdout }) };
}

describe('the exit code of loupe import', () => {
  it('is 130 only when Ctrl-C came and nothing was written', () => {
    expect(importExitCode(0, 1, true)).toBe(130);
    expect(importExitCode(0, 0, true)).toBe(130);
    expect(importExitCode(1, 0, true)).toBe(0); // the import Ctrl-C reached too late finished and was saved
    expect(importExitCode(1, 1, true)).toBe(1); // one file saved, the next cancelled
    expect(importExitCode(2, 0, false)).toBe(0);
    expect(importExitCode(1, 1, false)).toBe(1);
  });
});

describe('Ctrl-C during an import (delivered at exact points through the store\'s file gate)', () => {
  it('while reading: the import is cancelled, exit 130, the workspace byte-identical, no lock left', async () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    expect(loupe('import', requests(path.join(d, 'small.jsonl'), 1, 'keep'), '--workspace', w).code).toBe(0);
    const before = fs.readFileSync(w);
    const gate = fs.mkdtempSync(path.join(d, 'gate-'));
    const run = gatedImport([requests(path.join(d, 'big.jsonl'), 6000, 'b'), '--workspace', w], gate);
    await run.until(() => fs.existsSync(path.join(gate, 'import.batch.reached')));
    run.child.kill('SIGINT');
    await run.until(() => /cancelled; the workspace is unchanged by that file/.test(run.out().stderr));
    fs.writeFileSync(path.join(gate, 'import.batch.go'), '');
    fs.writeFileSync(path.join(gate, 'import.linking.go'), '');
    expect(await run.exited).toBe(130);
    expect(run.out().stderr).toMatch(/big\.jsonl: cancelled \(IMPORT_CANCELLED\)/);
    expect(fs.readFileSync(w).equals(before)).toBe(true);
    expect(fs.existsSync(`${w}.loupe-lock`)).toBe(false);
  });

  it('while the import is being written (linking): too late to cancel, it finishes and is saved, exit 0 saying so', async () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    const gate = fs.mkdtempSync(path.join(d, 'gate-'));
    fs.writeFileSync(path.join(gate, 'import.batch.go'), '');
    const run = gatedImport([requests(path.join(d, 'big.jsonl'), 3000, 'b'), '--workspace', w], gate);
    await run.until(() => fs.existsSync(path.join(gate, 'import.linking.reached')));
    run.child.kill('SIGINT');
    await run.until(() => /too late to cancel/.test(run.out().stderr));
    fs.writeFileSync(path.join(gate, 'import.linking.go'), '');
    expect(await run.exited).toBe(0);
    expect(run.out().stderr).toMatch(/big\.jsonl: imported and saved \(Ctrl-C came after it was being written\)/);
    expect(run.out().stdout).toMatch(/3000 new/);
    expect(JSON.parse(loupe('info', '--workspace', w, '--json').stdout)).toMatchObject({ requests: 3000 });
  });
});

describe('two imports into one workspace at the same time', () => {
  it('never both write it: the workspace holds exactly what the imports that exited 0 report', async () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    expect(loupe('import', requests(path.join(d, 'seed.jsonl'), 5, 'seed'), '--workspace', w).code).toBe(0);
    fs.symlinkSync(w, path.join(d, 'link.sqlite'));
    const files = [requests(path.join(d, 'a.jsonl'), 20_000, 'a', 20), requests(path.join(d, 'b.jsonl'), 20_000, 'b', 20)];
    const runs = await Promise.all(files.map((f, i) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      // One through the file, one through a symlink to it: the same lock either way.
      const c = spawn(process.execPath, [path.join(repo, 'bin/loupe.js'), 'import', f, '--workspace', i === 0 ? w : path.join(d, 'link.sqlite'), '--json'], { cwd: repo });
      let out = '';
      let err = '';
      c.stdout.on('data', (x: Buffer) => { out += x.toString(); });
      c.stderr.on('data', (x: Buffer) => { err += x.toString(); });
      c.on('exit', (code) => resolve({ code, out, err }));
    })));
    let reported = 5;
    for (const r of runs) {
      if (r.code === 0) reported += (JSON.parse(r.out.trim()) as { inserted: number }).inserted;
      else expect(r.err).toMatch(/CONFLICT: w\.sqlite is open in another Loupe process/);
    }
    expect(runs.some((r) => r.code === 0)).toBe(true);
    expect(JSON.parse(loupe('info', '--workspace', w, '--json').stdout)).toMatchObject({ requests: reported });
    expect(fs.lstatSync(path.join(d, 'link.sqlite')).isSymbolicLink()).toBe(true);
  });
});

describe('workspaces the CLI must not write', () => {
  it('a read-only workspace (chmod 444) is refused with READ_ONLY, exit 1, and stays byte-identical and read-only', () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    expect(loupe('import', requests(path.join(d, 'a.jsonl'), 3, 'a'), '--workspace', w).code).toBe(0);
    fs.chmodSync(w, 0o444);
    const before = fs.readFileSync(w);
    const r = loupe('import', requests(path.join(d, 'b.jsonl'), 3, 'b'), '--workspace', w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^loupe: READ_ONLY: .*w\.sqlite is read-only \(mode 444\): Loupe opens it only to read and will not change it\.\n {2}To review or import into it, make it writable/m);
    expect(fs.readFileSync(w).equals(before)).toBe(true);
    expect(fs.statSync(w).mode & 0o777).toBe(0o444);
    // info still reads it.
    expect(JSON.parse(loupe('info', '--workspace', w, '--json').stdout)).toMatchObject({ requests: 3 });
  });

  it('a symlinked workspace is imported into through the link: the link stays a link', () => {
    const d = tmp();
    const real = path.join(d, 'real.sqlite');
    expect(loupe('import', requests(path.join(d, 'a.jsonl'), 3, 'a'), '--workspace', real).code).toBe(0);
    const link = path.join(d, 'link.sqlite');
    fs.symlinkSync(real, link);
    expect(loupe('import', requests(path.join(d, 'b.jsonl'), 4, 'b'), '--workspace', link).code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(loupe('info', '--workspace', real, '--json').stdout)).toMatchObject({ requests: 7 });
  });

  const canMount = (() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
    const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-mount-probe-'));
    const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]).status === 0;
    if (ok) spawnSync('umount', [probe]);
    fs.rmSync(probe, { recursive: true, force: true });
    if (!ok) console.warn('cli-durability: cannot mount a tmpfs here (needs root and mount rights); the full-disk CLI test is skipped.');
    return ok;
  })();

  it.skipIf(!canMount)('a full disk (2 MB tmpfs) refuses the import with DISK_FULL, not INTERNAL, and the workspace opens as it was', () => {
    const d = tmp();
    const disk = path.join(d, 'disk');
    fs.mkdirSync(disk);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]).status).toBe(0);
    mounts.push(disk);
    const w = path.join(disk, 'w.sqlite');
    expect(loupe('import', requests(path.join(d, 'a.jsonl'), 20, 'a'), '--workspace', w).code).toBe(0);
    const before = fs.readFileSync(w);
    const r = loupe('import', requests(path.join(d, 'big.jsonl'), 8000, 'b'), '--workspace', w);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/big\.jsonl: refused \(DISK_FULL\): Not enough disk space to save the workspace with this import: it needs about [\d.]+ MB free on .*disk, and [\d.]+ MB are free\. Nothing was imported; every confirmed decision is kept\.\n {2}Free some space on that disk, then import the file again\./);
    expect(r.stderr).not.toMatch(/INTERNAL/);
    expect(fs.readFileSync(w).equals(before)).toBe(true);
    expect(fs.readdirSync(disk).sort()).toEqual(['w.sqlite']);
    expect(JSON.parse(loupe('info', '--workspace', w, '--json').stdout)).toMatchObject({ requests: 20 });
  });
});

describe('loupe repair', () => {
  it('keeps every valid journal entry of a workspace that refuses to open, and sets the journal aside', async () => {
    const d = tmp();
    const w = path.join(d, 'w.sqlite');
    (await Workspace.open(w, { create: true })).close();
    const e = (seq: number, k: string) => encodeEntry({ seq, stmts: [["INSERT INTO meta (key, value) VALUES (?, '1')", [k]]] });
    fs.writeFileSync(journalPath(w), `${e(1, 'a')}${JSON.stringify({ seq: 2, stmts: [['INSERT INTO reviewz (id) VALUES (1)', null]] })}\n${e(3, 'c')}`);
    const refused = loupe('info', '--workspace', w);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^loupe: JOURNAL_DAMAGED: The journal w\.sqlite\.loupe-journal beside the workspace has a damaged entry: line 2 \(its statements fail: no such table: reviewz\)\. 2 other entries are valid/);
    expect(refused.stderr).toMatch(/Keep every valid entry: run `npx loupe repair --workspace/);
    const r = loupe('repair', '--workspace', w, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { repaired: boolean; notices: string[] };
    expect(out.repaired).toBe(true);
    expect(out.notices[0]).toMatch(/^Kept 2 valid journal entries; set aside 1 damaged \(line 2: its statements fail: no such table: reviewz\)/);
    expect(fs.readdirSync(d).filter((n) => n.includes('.damaged-'))).toHaveLength(1);
    const ws = await Workspace.open(w, { readOnly: true });
    expect([ws.meta('a'), ws.meta('c')]).toEqual(['1', '1']);
    ws.close();
    const again = loupe('repair', '--workspace', w);
    expect(again.stdout).toBe('w.sqlite: the journal is whole; nothing to repair.\n');
  });
});
