/**
 * `npm run stress`: the durability stress run (not a unit test). Every confirmed decision must be found again and
 * every workspace must open, whatever happens:
 * 1. concurrent writers: rounds of several processes writing one workspace through different paths (the file, a
 *    symlink, a path through `..`), some killed with SIGKILL at random moments while they hold the lock;
 * 2. reviews during imports: an import that succeeds, fails (a truncated gzip) or is cancelled, with reviews
 *    submitted between its batches, the process killed with SIGKILL at a random moment (or not at all);
 * 3. a full disk: a workspace on a 2 MB tmpfs filled to the brim, decisions refused (DISK_FULL) and confirmed again
 *    when space comes back, saves failing and retried, killed at random moments. Needs root and mount rights;
 *    skipped with a message where a tmpfs cannot be mounted.
 * Prints confirmed vs recovered counts per part; exits 1 if anything confirmed was lost or a workspace did not open.
 *
 * Flags: --rounds N (default 8 per part), --seed N (default: time), --only writers|imports|disk.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { Prng } from '../shared/prng';
import { StoreService } from '../electron/store/handlers';
import { insertSynthetic } from '../electron/store/review/test-fixtures';
import { Workspace } from '../electron/store/workspace';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = (name: string) => path.join(here, `${name}.js`);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const rounds = Number(arg('rounds') ?? '8');
const seed = Number(arg('seed') ?? String(Date.now() % 1_000_000));
const only = arg('only');
const rng = new Prng(seed);
const randInt = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));

interface Tally { part: string; rounds: number; killed: number; confirmed: number; recovered: number; lost: number; unopenable: number; notes: string[] }

interface Run { lines: string[]; stderr: string; code: number | null; signal: NodeJS.Signals | null; killed: boolean }

/** Runs a child, killing it with SIGKILL after `killAfterMs` (null: never). */
function run(script: string, args: string[], killAfterMs: number | null): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const timer = killAfterMs === null ? null : setTimeout(() => { killed = p.kill('SIGKILL'); }, killAfterMs);
    p.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ lines: out.split('\n').filter(Boolean), stderr: err, code, signal, killed: killed && signal === 'SIGKILL' });
    });
  });
}

/** Opens a workspace; returns null (and counts it) when it does not open. */
async function reopen(file: string, t: Tally): Promise<Workspace | null> {
  try {
    return await Workspace.open(file, {});
  } catch (e) {
    t.unopenable++;
    t.notes.push(`${path.basename(path.dirname(file))}: does not open: ${(e as Error).message}`);
    return null;
  }
}

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function concurrentWriters(): Promise<Tally> {
  const t: Tally = { part: 'concurrent writers', rounds, killed: 0, confirmed: 0, recovered: 0, lost: 0, unopenable: 0, notes: [] };
  for (let r = 0; r < rounds; r++) {
    const d = tmp('loupe-stress-w-');
    const file = path.join(d, 'w.sqlite');
    (await Workspace.open(file, { create: true })).close();
    fs.symlinkSync(file, path.join(d, 'link.sqlite'));
    fs.mkdirSync(path.join(d, 'sub'));
    const paths = [file, path.join(d, 'link.sqlite'), path.join(d, 'sub', '..', 'w.sqlite')];
    const writers = randInt(6, 12);
    const runs = await Promise.all(Array.from({ length: writers }, (_, i) =>
      run(child('stress-writer'), [paths[i % 3]!, String(i), String(randInt(10, 40))], rng.next() < 0.3 ? randInt(100, 2500) : null)));
    const confirmed = new Set<string>();
    runs.forEach((x) => {
      if (x.killed) t.killed++;
      else if (x.code !== 0) t.notes.push(`round ${r}: a writer failed: ${x.stderr.split('\n')[0]}`);
      for (const l of x.lines) {
        const m = /^confirmed (\d+) (\d+)$/.exec(l);
        if (m) confirmed.add(`w-${m[1]}-${m[2]}`);
      }
    });
    const ws = await reopen(file, t);
    t.confirmed += confirmed.size;
    if (ws) {
      const stored = new Set(ws.db.all<{ key: string }>("SELECT key FROM meta WHERE key LIKE 'w-%'").map((x) => x.key));
      ws.close();
      for (const k of confirmed) { if (stored.has(k)) t.recovered++; else t.lost++; }
    } else {
      t.lost += confirmed.size;
    }
    fs.rmSync(d, { recursive: true, force: true });
  }
  return t;
}

/** A workspace with 400 requests, a reviewer and a 600-item queue, and the files the import rounds use. */
async function importFixture(d: string): Promise<{ file: string; ok: string; cut: string }> {
  const file = path.join(d, 'w.sqlite');
  const ws = await Workspace.open(file, { create: true });
  insertSynthetic(ws.db, { n: 3000, seed: 5 });
  ws.checkpoint();
  ws.close();
  const svc = new StoreService(() => undefined, { checkpointIdleMs: 3_600_000 });
  await svc.dispatch('internal.open', { path: file });
  await svc.dispatch('review.setReviewer', { name: 'Stress' });
  await svc.dispatch('queues.create', { week: '2026-W47', size: 1500, seed: 1 });
  svc.close();
  const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ id: `imp-${i}`, ts: '2026-11-18T10:00:00Z', model: 'm', input: `q ${i}`, output: 'a' }));
  const ok = path.join(d, 'new.jsonl');
  fs.writeFileSync(ok, `${lines.join('\n')}\n`);
  const gz = zlib.gzipSync(fs.readFileSync(ok));
  const cut = path.join(d, 'cut.jsonl.gz');
  fs.writeFileSync(cut, gz.subarray(0, gz.length - 64));
  return { file, ok, cut };
}

async function reviewsDuringImports(): Promise<Tally> {
  const t: Tally = { part: 'reviews during imports', rounds, killed: 0, confirmed: 0, recovered: 0, lost: 0, unopenable: 0, notes: [] };
  const d = tmp('loupe-stress-i-');
  const fx = await importFixture(d);
  let position = 1;
  const confirmed = new Set<number>();
  for (let r = 0; r < rounds; r++) {
    const mode = (['ok', 'cut', 'cancel'] as const)[r % 3]!;
    const x = await run(child('stress-import'), [fx.file, mode === 'cut' ? fx.cut : fx.ok, '1', String(position), mode === 'cancel' ? 'cancel' : ''], rng.next() < 0.75 ? randInt(150, 2000) : null);
    if (x.killed) t.killed++;
    else if (x.code !== 0) t.notes.push(`round ${r} (${mode}): ${x.stderr.split('\n')[0]}`);
    const ids = x.lines.filter((l) => l.startsWith('confirmed ')).map((l) => Number(l.split(' ')[1]));
    for (const id of ids) confirmed.add(id);
    // Positions are not reused across rounds: the next round reviews the items after the last one submitted.
    position += x.lines.filter((l) => l.startsWith('confirmed ')).length + 4;
    if (position > 1400) position = 1;
    const ws = await reopen(fx.file, t);
    if (!ws) break;
    const stored = new Set(ws.db.all<{ id: number }>('SELECT id FROM reviews').map((v) => v.id));
    const imported = ws.db.value<number>("SELECT count(*) FROM requests WHERE id LIKE 'imp-%'") ?? 0;
    ws.close();
    const missing = [...confirmed].filter((id) => !stored.has(id));
    if (missing.length) t.notes.push(`round ${r} (${mode}${x.killed ? ', killed' : ''}): missing review ids ${missing.slice(0, 10).join(', ')}`);
    if (imported !== 0 && imported !== 30_000) t.notes.push(`round ${r}: a partial import is visible (${imported} rows)`);
  }
  const ws = await reopen(fx.file, t);
  if (ws) {
    const stored = new Set(ws.db.all<{ id: number }>('SELECT id FROM reviews').map((v) => v.id));
    ws.close();
    t.confirmed = confirmed.size;
    for (const id of confirmed) { if (stored.has(id)) t.recovered++; else t.lost++; }
  }
  fs.rmSync(d, { recursive: true, force: true });
  return t;
}

/** Fills the disk at `dir` with `filler`, leaving about `leave` bytes free. */
function fill(filler: string, leave: number): void {
  const s = fs.statfsSync(path.dirname(filler));
  const free = s.bavail * s.bsize;
  const fd = fs.openSync(filler, 'w');
  try {
    const chunk = Buffer.alloc(16 * 1024, 1);
    let left = Math.max(0, free - leave);
    while (left > 0) {
      try {
        left -= fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
      } catch {
        break;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function fullDisk(): Promise<Tally> {
  const t: Tally = { part: 'full disk (2 MB tmpfs)', rounds, killed: 0, confirmed: 0, recovered: 0, lost: 0, unopenable: 0, notes: [] };
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    t.rounds = 0;
    t.notes.push('skipped: mounting a tmpfs needs Linux and root');
    return t;
  }
  const d = tmp('loupe-stress-d-');
  const mnt = path.join(d, 'disk');
  fs.mkdirSync(mnt);
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { encoding: 'utf8' });
  if (m.status !== 0) {
    t.rounds = 0;
    t.notes.push(`skipped: cannot mount a tmpfs here (${(m.stderr || m.error?.message || '').trim()})`);
    fs.rmSync(d, { recursive: true, force: true });
    return t;
  }
  try {
    let refusals = 0;
    let saveFailures = 0;
    for (let r = 0; r < rounds; r++) {
      for (const n of fs.readdirSync(mnt)) fs.rmSync(path.join(mnt, n), { recursive: true, force: true });
      const file = path.join(mnt, 'w.sqlite');
      (await Workspace.open(file, { create: true })).close();
      const filler = path.join(mnt, 'filler');
      fill(filler, randInt(8, 40) * 1024);
      const x = await run(child('stress-disk'), [file, filler, String(randInt(150, 400))], rng.next() < 0.6 ? randInt(30, 900) : null);
      if (x.killed) t.killed++;
      else if (x.code !== 0) t.notes.push(`round ${r}: ${x.stderr.split('\n')[0]}`);
      refusals += x.lines.filter((l) => l.startsWith('refused ')).length;
      saveFailures += x.lines.filter((l) => l.startsWith('save-failed ')).length;
      const confirmed = x.lines.filter((l) => l.startsWith('confirmed ')).map((l) => `disk-${l.split(' ')[1]}`);
      fs.rmSync(filler, { force: true });
      const ws = await reopen(file, t);
      t.confirmed += confirmed.length;
      if (ws) {
        const stored = new Set(ws.db.all<{ key: string }>("SELECT key FROM meta WHERE key LIKE 'disk-%'").map((v) => v.key));
        if (ws.notices.length) t.notes.push(`round ${r}: ${ws.notices.join(' ')}`);
        ws.close();
        for (const k of confirmed) { if (stored.has(k)) t.recovered++; else t.lost++; }
      } else {
        t.lost += confirmed.length;
      }
    }
    t.notes.push(`${refusals} decisions refused with DISK_FULL while the disk was full, ${saveFailures} saves refused (each retried later)`);
  } finally {
    spawnSync('umount', [mnt]);
    fs.rmSync(d, { recursive: true, force: true });
  }
  return t;
}

const parts: Array<[string, () => Promise<Tally>]> = [['writers', concurrentWriters], ['imports', reviewsDuringImports], ['disk', fullDisk]];
console.log(`loupe stress: ${rounds} rounds per part, seed ${seed}`);
const results: Tally[] = [];
for (const [name, fn] of parts) {
  if (only && only !== name) continue;
  const t0 = performance.now();
  const t = await fn();
  results.push(t);
  console.log(`  ${t.part}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`\n${'part'.padEnd(26)}${pad('rounds', 7)}${pad('killed', 8)}${pad('confirmed', 11)}${pad('recovered', 11)}${pad('lost', 6)}${pad('unopenable', 12)}`);
for (const t of results) {
  console.log(`${t.part.padEnd(26)}${pad(t.rounds, 7)}${pad(t.killed, 8)}${pad(t.confirmed, 11)}${pad(t.recovered, 11)}${pad(t.lost, 6)}${pad(t.unopenable, 12)}`);
}
for (const t of results) for (const n of t.notes) console.log(`  ${t.part}: ${n}`);
const lost = results.reduce((a, t) => a + t.lost, 0);
const unopenable = results.reduce((a, t) => a + t.unopenable, 0);
console.log(`\ntarget: 0 lost, 0 unopenable. result: ${lost} lost, ${unopenable} unopenable${lost || unopenable ? ' (FAILED)' : ''}`);
process.exit(lost || unopenable ? 1 : 0);
