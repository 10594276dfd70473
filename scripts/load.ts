/**
 * `npm run load`: is the app's own screen responsive while other clients read? Serves a workspace (the demo
 * workspace, built first when missing) with `loupe serve` in its own process, lets 50 script
 * clients call read methods as fast as they can, and meanwhile times the calls the Records screen makes (requests
 * page, facets, workspace info), as the page sends them (with its X-Loupe-Client id), every 250 ms.
 * Runs twice: first-come-first-served (LOUPE_SCHEDULER=fifo, how the worker worked before) and the fair scheduler.
 * Target: the screen's calls p95 under 100 ms while 50 clients read. Measured under whatever else the machine runs;
 * say so when quoting the figures.
 *
 * Flags: --workspace FILE (default data/demo.sqlite), --clients N (50), --seconds N (20 per run).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreClient } from '../electron/store/client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
}
const workspace = path.resolve(arg('workspace', path.join(root, 'data', 'demo.sqlite')));
const clients = Number(arg('clients', '50'));
const seconds = Number(arg('seconds', '20'));

if (!fs.existsSync(workspace)) {
  console.log(`Building the demo workspace ${workspace}…`);
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'loupe.js'), 'demo', '--workspace', workspace], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

/** The read calls the script clients cycle through: grid pages with sorts and filters, details, facets, tickets. */
const SCRIPT_CALLS: Array<[string, unknown]> = [
  ['requests.query', { offset: 0, limit: 100, sort: { column: 'latency_ms', desc: true } }],
  ['requests.query', { offset: 500, limit: 100, filter: { text: 'refund' } }],
  ['records.facets', {}],
  ['tickets.query', { offset: 0, limit: 100 }],
  ['workspace.info', {}],
  ['requests.query', { offset: 0, limit: 200, sort: { column: 'cost_usd', desc: false }, filter: { status: ['error'] } }],
];
/** What the Records screen asks for when it opens or refreshes. */
const UI_CALLS: Array<[string, unknown]> = [
  ['requests.query', { offset: 0, limit: 100, sort: { column: 'ts', desc: true } }],
  ['records.facets', {}],
  ['workspace.info', {}],
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const h = (s.length - 1) * p;
  return s[Math.floor(h)]! + (s[Math.ceil(h)]! - s[Math.floor(h)]!) * (h - Math.floor(h));
};

/** Starts `loupe serve` in its own process (as a user would), with the scheduler chosen. */
function startServe(mode: 'fifo' | 'fair'): Promise<{ base: string; token: string; stop: () => Promise<void> }> {
  const env = { ...process.env, BROWSER: 'none', ...(mode === 'fifo' ? { LOUPE_SCHEDULER: 'fifo' } : {}) };
  if (mode === 'fair') delete env.LOUPE_SCHEDULER;
  const proc = spawn(process.execPath, [path.join(root, 'bin', 'loupe.js'), 'serve', '--workspace', workspace, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+)/.exec(out);
      if (m) resolve({ base: `http://127.0.0.1:${m[1]}/api/call/`, token: m[2]!, stop: async () => { proc.kill('SIGTERM'); await exited; } });
    });
    proc.once('exit', (code) => reject(new Error(`loupe serve exited (${code}): ${out}`)));
  });
}

async function measure(mode: 'fifo' | 'fair'): Promise<{ ui: number[]; script: number[]; scriptCalls: number }> {
  const srv = await startServe(mode);
  const base = srv.base;
  const call = async (method: string, params: unknown, page: string | null) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Loupe-Token': srv.token };
    if (page) headers['X-Loupe-Client'] = page;
    const r = await fetch(base + method, { method: 'POST', headers, body: JSON.stringify(params) });
    const j = (await r.json()) as { ok: boolean };
    if (!j.ok) throw new Error(`${method} failed: ${JSON.stringify(j)}`);
  };
  const until = Date.now() + seconds * 1000;
  const script: number[] = [];
  const ui: number[] = [];
  const workers = Array.from({ length: clients }, async (_, i) => {
    for (let k = i; Date.now() < until; k++) {
      const [m, p] = SCRIPT_CALLS[k % SCRIPT_CALLS.length]!;
      const t0 = performance.now();
      await call(m, p, null);
      script.push(performance.now() - t0);
    }
  });
  const screen = (async () => {
    await new Promise((r) => setTimeout(r, 1000)); // let the load build up first
    while (Date.now() < until) {
      await Promise.all(UI_CALLS.map(async ([m, p]) => {
        const t0 = performance.now();
        await call(m, p, 'records-screen');
        ui.push(performance.now() - t0);
      }));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  await Promise.all([...workers, screen]);
  await srv.stop();
  return { ui, script, scriptCalls: script.length };
}

console.log(`loupe load: ${clients} script clients reading ${path.basename(workspace)} for ${seconds} s per run; the Records screen's calls timed meanwhile (measured on a shared machine unless it is idle)`);
const single = StoreClient.start({ log: () => undefined });
await single.call('internal.open', { path: workspace, read_only: true });
const alone: number[] = [];
for (let i = 0; i < 60; i++) {
  const [m, p] = UI_CALLS[i % UI_CALLS.length]!;
  const t0 = performance.now();
  await single.call(m as never, p as never);
  alone.push(performance.now() - t0);
}
await single.close();
console.log(`  the screen's calls alone (no load, straight to the store): p50 ${pct(alone, 0.5).toFixed(1)} ms, p95 ${pct(alone, 0.95).toFixed(1)} ms`);
for (const mode of ['fifo', 'fair'] as const) {
  const r = await measure(mode);
  const label = mode === 'fifo' ? 'first come, first served (before)' : 'fair scheduler (now)';
  console.log(`  ${label}:`);
  console.log(`    script clients: ${(r.scriptCalls / seconds).toFixed(1)} calls/s, p50 ${pct(r.script, 0.5).toFixed(0)} ms, p95 ${pct(r.script, 0.95).toFixed(0)} ms`);
  console.log(`    Records screen: ${r.ui.length} calls, p50 ${pct(r.ui, 0.5).toFixed(1)} ms, p95 ${pct(r.ui, 0.95).toFixed(1)} ms${mode === 'fair' ? ` (target p95 < 100 ms: ${pct(r.ui, 0.95) < 100 ? 'met' : 'MISSED'})` : ''}`);
}
