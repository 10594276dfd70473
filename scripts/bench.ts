/**
 * `npm run bench`: measures what the issues name, on this machine, and prints a table plus JSON.
 * Phases run in child processes so each one's peak RSS is its own:
 *  1. generate N JSONL requests of ~600 bytes (default 1,000,000; `--requests N`);
 *  2. import them with Loupe (parse, map, insert, index, save): time, records/s, MB/s, peak RSS, workspace size;
 *  3. the `sqlite3` shell's `.import` of the same records as CSV into an equivalent table, as a ratio;
 *  4. open the workspace (cold) and time the records grid's first page, a sort and a filter through the contract;
 *  5. review: create a 200-item stratified queue and move to the next item (when the review methods exist);
 *  6. monitoring, in a fresh process so nothing is cached: the first Metrics view (metrics.series by ISO week with
 *     the feature breakdown), the alerts of every rule over the whole range (alerts.list), and the review side
 *     panel's context of one feature × model-version slice for the last week (monitoring.slice) and its feature's
 *     drift (metrics.drift, which the panel asks for after the charts); then each again (cached). Target for each
 *     of the first three, uncached: 300 ms. The slice's alerts are the whole range's narrowed to the queue's period,
 *     which the app has cached by then (the header's open count asks for them first), as here after alerts.list.
 * Timings are wall-clock ms on this machine; nothing here is a pass/fail test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { StoreClient } from '../electron/store/client';
import { generateBenchRequests } from '../data/samples/generate';

const self = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;
const ms = (t0: number) => Math.round(performance.now() - t0);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Child phase: import the JSONL file into a fresh workspace. */
async function phaseImport(file: string, workspace: string): Promise<void> {
  fs.rmSync(workspace, { force: true });
  const client = StoreClient.start();
  await client.call('internal.open', { path: workspace, create: true });
  const t0 = performance.now();
  const s = await client.call('internal.importFileWait', { path: file, options: {} });
  const importMs = ms(t0);
  await client.close();
  process.stdout.write(JSON.stringify({ import_ms: importMs, inserted: s.inserted, rejected: s.rejected, peak_rss: peakRssBytes(), workspace_bytes: fs.statSync(workspace).size }));
}

/** Child phase: open the workspace cold and query it through the contract. */
async function phaseQuery(workspace: string): Promise<void> {
  const client = StoreClient.start();
  const open = await timed(() => client.call('internal.open', { path: workspace }));
  const first = await timed(() => client.call('requests.query', { offset: 0, limit: 100 }));
  const sort = await timed(() => client.call('requests.query', { offset: 0, limit: 100, sort: { column: 'latency_ms', desc: true } }));
  const facets = await client.call('records.facets', {});
  const filter = await timed(() => client.call('requests.query', { offset: 0, limit: 100, filter: { model: facets.model.slice(0, 1), feature: facets.feature.slice(0, 1) } }));
  const page50 = await timed(() => client.call('requests.query', { offset: 5000, limit: 100 }));
  const out: Record<string, unknown> = {
    open_ms: Math.round(open.ms), first_page_ms: Math.round(first.ms), total: first.value.total,
    sort_ms: Math.round(sort.ms), filter_ms: Math.round(filter.ms), filter_total: filter.value.total, page_50_ms: Math.round(page50.ms),
  };
  const names = (await import('../shared/contract')).METHOD_NAMES as string[];
  if (names.includes('queues.create')) {
    const c = client as unknown as { call(m: string, p: unknown): Promise<Record<string, unknown>> };
    const week = isoWeekOf(open.value.last_ts ?? Date.now());
    const q = await timed(() => c.call('queues.create', { week, size: 200, seed: 7, strata: 'feature', name: 'bench' }));
    out.queue_create_ms = Math.round(q.ms);
    const queueId = (q.value.queue_id ?? (q.value as { id?: unknown }).id) as number;
    const next: number[] = [];
    for (let pos = 1; pos <= 20; pos++) {
      next.push((await timed(() => c.call('review.item', { queue_id: queueId, position: pos }))).ms);
    }
    next.sort((a, b) => a - b);
    out.next_item_ms_median = Math.round(next[Math.floor(next.length / 2)]! * 10) / 10;
    out.next_item_ms_max = Math.round(next[next.length - 1]! * 10) / 10;
  }
  await client.close();
  out.peak_rss = peakRssBytes();
  process.stdout.write(JSON.stringify(out));
}

/** Child phase: open the workspace cold and time the monitoring calls, first uncached, then again. */
async function phaseMonitoring(workspace: string): Promise<void> {
  const client = StoreClient.start();
  const info = await client.call('internal.open', { path: workspace });
  const series = await timed(() => client.call('metrics.series', { bucket: 'week', breakdown: 'feature', filter: {} }));
  const alerts = await timed(() => client.call('alerts.list', {}));
  const last = info.last_ts ?? Date.now();
  const weekStart = DateTime.fromMillis(last, { zone: 'UTC' }).startOf('week').toMillis();
  const options = await timed(() => client.call('metrics.options', {}));
  const feature = options.value.feature[0] ?? null;
  const version = options.value.model_version[options.value.model_version.length - 1] ?? null;
  const sliceParams = { feature, model_version: version, from_ts: weekStart, to_ts: weekStart + 7 * 86_400_000, weeks_before: 8 };
  const slice = await timed(() => client.call('monitoring.slice', sliceParams));
  // The panel asks for the feature's drift on its own, after the charts.
  const drift = await timed(() => client.call('metrics.drift', { current: { from_ts: weekStart, to_ts: weekStart + 7 * 86_400_000 }, ...(feature ? { feature } : {}) }));
  const series2 = await timed(() => client.call('metrics.series', { bucket: 'week', breakdown: 'feature', filter: {} }));
  const alerts2 = await timed(() => client.call('alerts.list', {}));
  const slice2 = await timed(() => client.call('monitoring.slice', sliceParams));
  await client.close();
  process.stdout.write(JSON.stringify({
    series_ms: Math.round(series.ms), options_ms: Math.round(options.ms), alerts_ms: Math.round(alerts.ms), slice_ms: Math.round(slice.ms), slice_drift_ms: Math.round(drift.ms), alerts: alerts.value.alerts.length,
    series_cached_ms: Math.round(series2.ms), alerts_cached_ms: Math.round(alerts2.ms), slice_cached_ms: Math.round(slice2.ms), peak_rss: peakRssBytes(),
  }));
}

/** The ISO week (UTC) holding `t`, e.g. 2026-W47. */
function isoWeekOf(t: number): string {
  return DateTime.fromMillis(t, { zone: 'UTC' }).toFormat("kkkk-'W'WW");
}

/** Writes the same records as CSV for the sqlite3 shell (not timed). */
function toCsv(jsonl: string, csv: string): void {
  const cols = ['request_id', 'timestamp', 'user_id', 'session_id', 'segment', 'model', 'model_version', 'feature', 'input', 'output', 'latency_ms', 'ttft_ms', 'prompt_tokens', 'completion_tokens', 'cost_usd', 'status', 'error', 'lang'];
  const out = fs.openSync(csv, 'w');
  const q = (v: unknown) => (v === null || v === undefined ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  fs.writeSync(out, `${cols.join(',')}\n`);
  const fd = fs.openSync(jsonl, 'r');
  const buf = Buffer.alloc(16 * 1024 * 1024);
  let rest = '';
  let n;
  let chunk: string[] = [];
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
    const lines = (rest + buf.subarray(0, n).toString('utf8')).split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      if (!l) continue;
      const o = JSON.parse(l) as Record<string, unknown>;
      chunk.push(cols.map((c) => q(o[c])).join(','));
    }
    fs.writeSync(out, `${chunk.join('\n')}\n`);
    chunk = [];
  }
  fs.closeSync(fd);
  fs.closeSync(out);
}

function child(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', self, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench phase ${args[1]} failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

async function main(): Promise<void> {
  const phase = arg('phase', '');
  if (phase === 'import') return phaseImport(arg('file', ''), arg('workspace', ''));
  if (phase === 'query') return phaseQuery(arg('workspace', ''));
  if (phase === 'monitoring') return phaseMonitoring(arg('workspace', ''));

  const n = Number(arg('requests', '1000000'));
  const dir = arg('dir', path.join(os.tmpdir(), 'loupe-bench'));
  fs.mkdirSync(dir, { recursive: true });
  const jsonl = path.join(dir, `requests-${n}.jsonl`);
  const workspace = path.join(dir, `bench-${n}.sqlite`);
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const log = (s: string) => process.stderr.write(`${s}\n`);

  log(`Loupe bench: ${n.toLocaleString('en-US')} requests, ${os.cpus().length} cores, Node ${process.version}, files in ${dir}`);
  let t0 = performance.now();
  const { bytes } = await generateBenchRequests(jsonl, n, 42);
  log(`generated ${mb(bytes)} MB (${Math.round(bytes / n)} bytes/request) in ${ms(t0)} ms`);

  log('importing with Loupe…');
  const imp = child(['--phase', 'import', '--file', jsonl, '--workspace', workspace]);
  const importS = imp.import_ms! / 1000;

  let shell: { ms: number; ratio: number } | null = null;
  const hasSqlite3 = spawnSync('sqlite3', ['--version']).status === 0;
  if (hasSqlite3) {
    const csv = path.join(dir, `requests-${n}.csv`);
    if (!fs.existsSync(csv)) toCsv(jsonl, csv);
    const shellDb = path.join(dir, 'shell.sqlite');
    fs.rmSync(shellDb, { force: true });
    // An equivalent table: the same columns, the UNIQUE id and the same secondary indexes as a Loupe workspace
    // (built after the load, as Loupe does for a large import into an empty workspace).
    execFileSync('sqlite3', [shellDb, 'CREATE TABLE requests (request_id TEXT NOT NULL UNIQUE, timestamp TEXT, user_id TEXT, session_id TEXT, segment TEXT, model TEXT, model_version TEXT, feature TEXT, input TEXT, output TEXT, latency_ms REAL, ttft_ms REAL, prompt_tokens INTEGER, completion_tokens INTEGER, cost_usd REAL, status TEXT, error TEXT, lang TEXT);']);
    const indexes = [
      'CREATE INDEX requests_ts ON requests (timestamp);', 'CREATE INDEX requests_user_ts ON requests (user_id, timestamp);',
      'CREATE INDEX requests_session ON requests (session_id);', 'CREATE INDEX requests_feature_model_ts ON requests (feature, model, timestamp);',
      'CREATE INDEX requests_model_ts ON requests (model, timestamp);', 'CREATE INDEX requests_latency ON requests (latency_ms);',
    ].join('\n');
    log('importing the same records with the sqlite3 shell (.import of CSV, then the same indexes)…');
    t0 = performance.now();
    execFileSync('sqlite3', [shellDb], { input: `.mode csv\n.import --skip 1 ${csv} requests\n${indexes}\n` });
    const shellMs = ms(t0);
    shell = { ms: shellMs, ratio: imp.import_ms! / shellMs };
  } else {
    log('sqlite3 shell not installed (apt-get install sqlite3): ratio skipped');
  }

  log('opening the workspace and querying the grid…');
  const q = child(['--phase', 'query', '--workspace', workspace]);
  log('opening the workspace again and timing the monitoring calls (uncached, then cached)…');
  const mon = child(['--phase', 'monitoring', '--workspace', workspace]);

  const rows: Array<[string, string, string]> = [
    ['import time', `${importS.toFixed(1)} s`, ''],
    ['records/s', Math.round(n / importS).toLocaleString('en-US'), ''],
    ['MB/s', (bytes / 1e6 / importS).toFixed(1), ''],
    ['peak RSS (import)', `${mb(imp.peak_rss!)} MB`, `${(imp.peak_rss! / imp.workspace_bytes!).toFixed(2)}x workspace (target < 2.5x)`],
    ['workspace size', `${mb(imp.workspace_bytes!)} MB`, ''],
    ['sqlite3 .import', shell ? `${(shell.ms / 1000).toFixed(1)} s` : 'n/a', shell ? `Loupe / shell = ${shell.ratio.toFixed(2)}x (target <= 1.5x)` : ''],
    ['open workspace', `${q.open_ms} ms`, 'target < 3000 ms'],
    ['grid first page', `${q.first_page_ms} ms`, 'target < 100 ms'],
    ['grid sort (latency)', `${q.sort_ms} ms`, 'target < 100 ms'],
    ['grid filter (model+feature)', `${q.filter_ms} ms`, 'target < 100 ms'],
    ['grid page at offset 5000', `${q.page_50_ms} ms`, ''],
  ];
  if (q.queue_create_ms !== undefined) {
    rows.push(['queue create (200, stratified)', `${q.queue_create_ms} ms`, 'target < 1000 ms']);
    rows.push(['next item (median / max of 20)', `${q.next_item_ms_median} / ${q.next_item_ms_max} ms`, 'target < 50 ms']);
  }
  rows.push(['first metrics view (series)', `${mon.series_ms} ms`, `target < 300 ms uncached; ${mon.series_cached_ms} ms cached`]);
  rows.push(['filter values (metrics.options)', `${mon.options_ms} ms`, 'beside the charts, cached after']);
  rows.push(['alerts (every rule, all range)', `${mon.alerts_ms} ms`, `target < 300 ms uncached; ${mon.alerts_cached_ms} ms cached; ${mon.alerts} alerts`]);
  rows.push(['side-panel context (one slice)', `${mon.slice_ms} ms`, `target < 300 ms uncached (its alerts come from the whole range's, cached as the header's count keeps them); ${mon.slice_cached_ms} ms cached`]);
  rows.push(['side-panel drift (its feature)', `${mon.slice_drift_ms} ms`, 'arrives after the charts']);
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\n${rows.map(([a, b, c]) => `${a.padEnd(w)}  ${b.padStart(12)}  ${c}`).join('\n')}\n\n`);
  process.stdout.write(`${JSON.stringify({ requests: n, bytes, import: imp, sqlite3_shell_ms: shell?.ms ?? null, ratio: shell?.ratio ?? null, query: q, monitoring: mon })}\n`);
}

await main();
