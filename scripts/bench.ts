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
 *  7. estimates: `loupe simulate`'s work (queues.simulate) with 1,000 seeds on the newest week, at the four plausible
 *     failure rates on the same draws, and a 100-item queue with thumbs-down oversampled (issue 8).
 *  8. the same records as a Parquet file (100,000-row groups, snappy) and as OTLP JSON lines (one Collector
 *     `resourceSpans` document per line, each holding one GenAI span), each imported into a fresh workspace and
 *     reported beside the JSONL import (time, records/s, peak RSS, and the ratio to the JSONL import time);
 *     `--skip-formats` leaves them out.
 *  9. the same import with PII scrubbing on (every detector), as a ratio to the plain import (target < 1.25x).
 * 10. feedback: import N/5 feedback rows (`--feedback N`), the comment index's cost, comment search and the
 *     distinguishing-terms view (scripts/bench-feedback.ts).
 * 11. the weekly report of the newest week, every section and every format from one build, once the workspace holds
 *     the requests, the review queue and the feedback (target under 5 s at 1M).
 * 12. issue 13: the table of its targets first (import vs the sqlite3 shell as a same-run ratio, peak RSS against the
 *     workspace, open, queue create, a 700,000-request week's queue create in its own workspace (`--week-requests N`,
 *     `--skip-week`), the first metrics view, and that view again in a copy of the workspace holding N/5 feedback
 *     rows (`--skip-feedback-view` leaves it out)), then where the import's time went, phase by phase (import/timings.ts).
 *     Where the machine or Loupe's 3 GiB ceiling stops a run (`--requests 5000000`), the row says where and why, and
 *     the first rows of the same file up to the largest count that fits (rounded down to 0.1M) are imported, opened,
 *     queued and charted instead (`--no-fit` leaves that out). `--skip-extras` leaves out 8-11 (formats, scrubbing,
 *     feedback, report) for a quicker run of the issue-13 rows.
 * One phase alone: `node --expose-gc dist/node/bench.js --phase query|monitoring --workspace W [--idle-ms N]`
 * (a copy of W: calls may write it); `--idle-ms N` waits N ms after the open before the first call, as a user
 * reading the first screen does, so the background read of the workspace file (dbfile/lazy.ts) gets that long.
 * Timings are wall-clock ms on this machine; nothing here is a pass/fail test. The machine's load average is printed
 * in the JSON: figures taken under load move, the same-run ratios less so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { fileWriter, parquetWriteRows } from 'hyparquet-writer';
import { StoreClient } from '../electron/store/client';
import { generateBenchRequests } from '../data/samples/generate';
import { SCRUB_DETECTORS } from '../shared/contract-scrub';
import { generateBenchFeedback, phaseFeedback } from './bench-feedback';
import { IMPORT_PHASES, type ImportTimings } from '../electron/store/import/timings';
import { MAX_WORKSPACE_BYTES } from '../electron/store/workspace';

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
async function phaseImport(file: string, workspace: string, scrub = false): Promise<void> {
  fs.rmSync(workspace, { force: true });
  const client = StoreClient.start();
  await client.call('internal.open', { path: workspace, create: true });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const options = scrub ? { scrub: { detectors: [...SCRUB_DETECTORS], patterns: [] } } : {};
  let s;
  try {
    s = await client.call('internal.importFileWait', { path: file, options });
  } catch (e) {
    // Where the machine (or Loupe's ceiling) stops an import, the bench says so instead of failing.
    const err = e as { code?: string; message?: string; details?: unknown };
    const timings = await client.call('internal.lastImportTimings', {}).catch(() => null);
    await client.close().catch(() => undefined);
    process.stdout.write(JSON.stringify({ error: { code: err.code ?? 'ERROR', message: err.message ?? String(e), details: err.details ?? null }, import_ms: ms(t0), peak_rss: peakRssBytes(), timings }));
    return;
  }
  const importMs = ms(t0);
  // CPU time of the whole process (the store worker's thread included).
  const cpu = process.cpuUsage(cpu0);
  const timings = await client.call('internal.lastImportTimings', {});
  await client.close();
  process.stdout.write(JSON.stringify({ import_ms: importMs, inserted: s.inserted, rejected: s.rejected, peak_rss: peakRssBytes(), workspace_bytes: fs.statSync(workspace).size, cpu_ms: Math.round((cpu.user + cpu.system) / 1000), timings }));
}

/** Child phase: open the workspace cold and query it through the contract. */
/**
 * The whole weekly report of the newest week: every section built once (metrics series, drift per feature, review,
 * feedback, tickets, alerts) and rendered to md, html, pdf, csv and json; cold (no series cached), then again.
 */
async function phaseReport(workspace: string): Promise<void> {
  const client = StoreClient.start();
  const open = await client.call('internal.open', { path: workspace });
  const c = client as unknown as { call(m: string, p: unknown): Promise<Record<string, unknown>> };
  const week = isoWeekOf(open.last_ts ?? Date.now());
  const r = await timed(() => c.call('report.weeklyAll', { week, paper: 'a4' }));
  const files = (r.value as { files: Array<{ file_name: string; bytes: number; pages: number | null }> }).files;
  const again = await timed(() => c.call('report.weeklyAll', { week, paper: 'a4' }));
  await client.close();
  process.stdout.write(JSON.stringify({
    report_all_ms: Math.round(r.ms), report_pdf_pages: files.find((f) => f.file_name.endsWith('.pdf'))?.pages ?? 0,
    report_bytes: files.reduce((a, f) => a + f.bytes, 0), report_all_warm_ms: Math.round(again.ms), peak_rss: peakRssBytes(),
  }));
}

/** Child phase: open a workspace holding one busy week and time a 200-item stratified queue of that week (cold). */
async function phaseWeekQueue(workspace: string): Promise<void> {
  const client = StoreClient.start();
  const open = await timed(() => client.call('internal.open', { path: workspace }));
  const c = client as unknown as { call(m: string, p: unknown): Promise<Record<string, unknown>> };
  const week = isoWeekOf(open.value.last_ts ?? Date.now());
  const q = await timed(() => c.call('queues.create', { week, size: 200, seed: 7, strata: 'feature', name: 'bench week' }));
  const again = await timed(() => c.call('queues.create', { week, size: 200, seed: 8, strata: 'feature', name: 'bench week 2' }));
  await client.close();
  process.stdout.write(JSON.stringify({ open_ms: Math.round(open.ms), week, week_requests: open.value.counts.requests, queue_create_ms: Math.round(q.ms), queue_create_again_ms: Math.round(again.ms), peak_rss: peakRssBytes() }));
}

async function phaseQuery(workspace: string): Promise<void> {
  const client = StoreClient.start();
  const open = await timed(() => client.call('internal.open', { path: workspace }));
  await idleAfterOpen();
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
  if (names.includes('queues.simulate')) {
    const c = client as unknown as { call(m: string, p: unknown): Promise<Record<string, unknown>> };
    const week = isoWeekOf(open.value.last_ts ?? Date.now());
    const design = { week, size: 100, seed: 7, strata: 'feature', oversample: { thumbs_down: 0.2 } };
    const q = await timed(() => c.call('queues.create', { ...design, name: 'bench oversampled' }));
    out.queue_create_oversampled_ms = Math.round(q.ms);
    const sim = await timed(() => c.call('queues.simulate', { design, seeds: 1000 }));
    out.simulate_1000_ms = Math.round(sim.ms);
    const first = (sim.value.designs as Array<{ frame: Array<{ population: number }> }>)[0]!;
    out.simulate_week_requests = first.frame.reduce((a, x) => a + x.population, 0);
    out.simulate_min_coverage = Math.min(...(sim.value.designs as Array<{ coverage: number }>).map((d) => d.coverage));
  }
  await client.close();
  out.peak_rss = peakRssBytes();
  process.stdout.write(JSON.stringify(out));
}

/** Waits `--idle-ms` ms (default 0) after a phase's open: a user reading the first screen before the next call. */
async function idleAfterOpen(): Promise<void> {
  const ms = Number(arg('idle-ms', '0'));
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

/** Child phase: open the workspace cold and time the monitoring calls, first uncached, then again. */
async function phaseMonitoring(workspace: string): Promise<void> {
  const client = StoreClient.start();
  const info = await client.call('internal.open', { path: workspace });
  await idleAfterOpen();
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

/** Reads a JSONL file record by record (not timed). */
function* jsonlRecords(jsonl: string): Generator<Record<string, unknown>> {
  const fd = fs.openSync(jsonl, 'r');
  const buf = Buffer.alloc(16 * 1024 * 1024);
  let rest = '';
  let n;
  try {
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      const lines = (rest + buf.subarray(0, n).toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const l of lines) if (l) yield JSON.parse(l) as Record<string, unknown>;
    }
    if (rest) yield JSON.parse(rest) as Record<string, unknown>;
  } finally {
    fs.closeSync(fd);
  }
}

/** The same records as Parquet: typed columns, 100,000-row groups, snappy (not timed). */
function toParquet(jsonl: string, file: string): void {
  const columns = [
    { name: 'request_id', type: 'STRING' }, { name: 'timestamp', type: 'TIMESTAMP' }, { name: 'user_id', type: 'STRING' },
    { name: 'session_id', type: 'STRING' }, { name: 'segment', type: 'STRING' }, { name: 'model', type: 'STRING' },
    { name: 'model_version', type: 'STRING' }, { name: 'feature', type: 'STRING' }, { name: 'input', type: 'STRING' },
    { name: 'output', type: 'STRING' }, { name: 'latency_ms', type: 'DOUBLE' }, { name: 'ttft_ms', type: 'DOUBLE' },
    { name: 'prompt_tokens', type: 'INT64' }, { name: 'completion_tokens', type: 'INT64' }, { name: 'cost_usd', type: 'DOUBLE' },
    { name: 'status', type: 'STRING' }, { name: 'error', type: 'STRING' }, { name: 'lang', type: 'STRING' },
  ] as const;
  function* rows(): Generator<Record<string, unknown>> {
    for (const o of jsonlRecords(jsonl)) {
      const r: Record<string, unknown> = {};
      for (const c of columns) {
        const v = o[c.name];
        r[c.name] = v === undefined || v === null ? null : c.type === 'TIMESTAMP' ? new Date(String(v)) : c.type === 'INT64' ? BigInt(Math.round(Number(v))) : c.type === 'DOUBLE' ? Number(v) : String(v);
      }
      yield r;
    }
  }
  const writer = fileWriter(file);
  // A sync source and a sync file writer: the write (and the footer) is done when the call returns.
  void parquetWriteRows({ writer, rows: rows(), columns: columns.map((c) => ({ ...c, nullable: true })) as never, rowGroupSize: 100_000 });
}

/** The same records as OTLP JSON lines: one `resourceSpans` document with one GenAI span per line (not timed). */
function toOtlpJsonl(jsonl: string, file: string): void {
  const out = fs.openSync(file, 'w');
  const s = (key: string, v: unknown) => ({ key, value: { stringValue: String(v) } });
  const i = (key: string, v: unknown) => ({ key, value: { intValue: String(v) } });
  let chunk: string[] = [];
  let k = 0;
  for (const o of jsonlRecords(jsonl)) {
    const start = BigInt(Date.parse(String(o.timestamp))) * 1_000_000n;
    const end = start + BigInt(Math.round(Number(o.latency_ms ?? 0) * 1e6));
    const attributes = [s('gen_ai.operation.name', 'chat'), s('gen_ai.request.model', o.model), s('gen_ai.response.model', o.model_version ?? o.model),
      s('gen_ai.prompt.0.role', 'user'), s('gen_ai.prompt.0.content', o.input), i('gen_ai.usage.input_tokens', o.prompt_tokens ?? 0),
      i('gen_ai.usage.output_tokens', o.completion_tokens ?? 0), s('user.id', o.user_id), s('session.id', o.session_id), s('app.feature', o.feature)];
    if (o.output !== null && o.output !== undefined) attributes.push(s('gen_ai.completion.0.content', o.output));
    const span = { traceId: (k + 1).toString(16).padStart(32, '0'), spanId: (k + 1).toString(16).padStart(16, '0'), name: 'chat', kind: 3,
      startTimeUnixNano: start.toString(), endTimeUnixNano: end.toString(), attributes, status: o.error ? { code: 2, message: String(o.error) } : { code: 1 } };
    chunk.push(JSON.stringify({ resourceSpans: [{ resource: { attributes: [s('service.name', 'bench')] }, scopeSpans: [{ scope: { name: 'bench' }, spans: [span] }] }] }));
    if (++k % 10_000 === 0) { fs.writeSync(out, `${chunk.join('\n')}\n`); chunk = []; }
  }
  if (chunk.length) fs.writeSync(out, `${chunk.join('\n')}\n`);
  fs.closeSync(out);
}

/** Copies the first `n` lines of a JSONL file to `dst` (not timed): the largest run that fits, from the same rows. */
function headLines(src: string, dst: string, n: number): void {
  const fd = fs.openSync(src, 'r');
  const out = fs.openSync(dst, 'w');
  const buf = Buffer.alloc(16 * 1024 * 1024);
  let left = n;
  let got;
  try {
    while (left > 0 && (got = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
      let end = 0;
      while (left > 0 && end < got) {
        const nl = buf.indexOf(10, end);
        if (nl < 0 || nl >= got) { end = got; break; }
        end = nl + 1;
        left--;
      }
      fs.writeSync(out, buf, 0, end);
    }
  } finally {
    fs.closeSync(fd);
    fs.closeSync(out);
  }
}

function child(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, ['--expose-gc', self, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench phase ${args[1]} failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as Record<string, number>;
}

async function main(): Promise<void> {
  const phase = arg('phase', '');
  if (phase === 'import') return phaseImport(arg('file', ''), arg('workspace', ''), process.argv.includes('--scrub'));
  if (phase === 'query') return phaseQuery(arg('workspace', ''));
  if (phase === 'report') return phaseReport(arg('workspace', ''));
  if (phase === 'feedback') { process.stdout.write(JSON.stringify(await phaseFeedback(arg('workspace', ''), arg('file', '')))); return; }
  if (phase === 'monitoring') return phaseMonitoring(arg('workspace', ''));
  if (phase === 'week-queue') return phaseWeekQueue(arg('workspace', ''));

  const n = Number(arg('requests', '1000000'));
  const dir = arg('dir', path.join(os.tmpdir(), 'loupe-bench'));
  fs.mkdirSync(dir, { recursive: true });
  const jsonl = path.join(dir, `requests-${n}.jsonl`);
  const workspace = path.join(dir, `bench-${n}.sqlite`);
  const mb = (b: number) => (b / 1e6).toFixed(1);
  const log = (s: string) => process.stderr.write(`${s}\n`);

  log(`Loupe bench: ${n.toLocaleString('en-US')} requests, ${os.cpus().length} cores, Node ${process.version}, files in ${dir}`);
  let t0 = performance.now();
  // The same seed and count give the same bytes, so a file left by an earlier run is used again.
  const reuse = fs.existsSync(jsonl) && !process.argv.includes('--regenerate');
  const bytes = reuse ? fs.statSync(jsonl).size : (await generateBenchRequests(jsonl, n, 42)).bytes;
  log(`${reuse ? 'reused' : 'generated'} ${mb(bytes)} MB (${Math.round(bytes / n)} bytes/request) in ${ms(t0)} ms`);

  log('importing with Loupe…');
  const imp = child(['--phase', 'import', '--file', jsonl, '--workspace', workspace]) as Record<string, number> & { error?: { code: string; message: string }; timings?: ImportTimings | null };
  const importS = imp.import_ms! / 1000;
  // Where an import cannot run here (Loupe refuses workspaces above 3 GiB; TOOLCHAIN.md), say where it stops and why.
  const stopped = imp.error ?? null;
  const bytesPerRequest = bytes / n;
  const largestThatFits = Math.floor(MAX_WORKSPACE_BYTES / 1.3 / bytesPerRequest);
  if (stopped) log(`the import stopped: ${stopped.code}: ${stopped.message}`);

  let shell: { ms: number; ratio: number; cpu_ms: number; cpu_ratio: number } | null = null;
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
      'CREATE INDEX requests_status ON requests (status);',
    ].join('\n');
    log('importing the same records with the sqlite3 shell (.import of CSV, then the same indexes)…');
    t0 = performance.now();
    // Through bash, whose `times` gives the shell's CPU time (user + sys): steadier than wall time on a shared machine.
    const script = path.join(dir, 'shell-import.sql');
    fs.writeFileSync(script, `.mode csv\n.import --skip 1 ${csv} requests\n${indexes}\n`);
    const out = execFileSync('bash', ['-c', 'sqlite3 "$1" < "$2"; times', 'bench', shellDb, script], { encoding: 'utf8' });
    const shellMs = ms(t0);
    const clock = [...out.trim().split('\n').pop()!.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => (Number(m[1]) * 60 + Number(m[2])) * 1000);
    const cpuMs = clock.length === 2 ? clock[0]! + clock[1]! : NaN;
    shell = { ms: shellMs, ratio: imp.import_ms! / shellMs, cpu_ms: cpuMs, cpu_ratio: imp.cpu_ms! / cpuMs };
  } else {
    log('sqlite3 shell not installed (apt-get install sqlite3): ratio skipped');
  }

  const extras = !process.argv.includes('--skip-extras');
  let q: Record<string, number> = {};
  let mon: Record<string, number> = {};
  if (!stopped) {
    log('opening the workspace and querying the grid…');
    q = child(['--phase', 'query', '--workspace', workspace]);
    log('opening the workspace again and timing the monitoring calls (uncached, then cached)…');
    mon = child(['--phase', 'monitoring', '--workspace', workspace]);
  }

  // Where the ceiling refuses the run (5M), the same rows up to the largest count that fits (rounded down to 0.1M) are
  // imported, opened and queried instead, so the rows of the table are measured at the size Loupe can hold.
  let fit: { n: number; imp: Record<string, number>; q: Record<string, number>; mon: Record<string, number> } | null = null;
  if (stopped?.code === 'WORKSPACE_TOO_LARGE' && !process.argv.includes('--no-fit')) {
    const fitN = Math.floor(largestThatFits / 100_000) * 100_000;
    const fitFile = path.join(dir, `requests-${n}-first-${fitN}.jsonl`);
    const fitWs = path.join(dir, `bench-${fitN}.sqlite`);
    if (!fs.existsSync(fitFile)) headLines(jsonl, fitFile, fitN);
    log(`importing the first ${fitN.toLocaleString('en-US')} of those requests, the largest count that fits…`);
    const fi = child(['--phase', 'import', '--file', fitFile, '--workspace', fitWs]);
    if (!('error' in fi)) {
      log('opening that workspace, querying the grid and the monitoring calls…');
      fit = { n: fitN, imp: fi, q: child(['--phase', 'query', '--workspace', fitWs]), mon: child(['--phase', 'monitoring', '--workspace', fitWs]) };
    } else {
      log(`the import of ${fitN} stopped too: ${JSON.stringify(fi.error)}`);
    }
  }

  // A week of 700,000 requests (100,000 a day) in its own workspace: the queue of one busy week.
  let wk: Record<string, number> | null = null;
  const weekN = Number(arg('week-requests', '700000'));
  if (!process.argv.includes('--skip-week') && weekN > 0) {
    const weekFile = path.join(dir, `requests-week-${weekN}.jsonl`);
    const weekWs = path.join(dir, `bench-week-${weekN}.sqlite`);
    if (!fs.existsSync(weekFile)) { log(`generating one ISO week of ${weekN.toLocaleString('en-US')} requests (not timed)…`); await generateBenchRequests(weekFile, weekN, 43, { weeks: 1 }); }
    log('importing the week (for its queue; reported apart)…');
    const wi = child(['--phase', 'import', '--file', weekFile, '--workspace', weekWs]);
    log('opening the week workspace and drawing its queue…');
    wk = { ...child(['--phase', 'week-queue', '--workspace', weekWs]), import_ms: wi.import_ms! };
    fs.rmSync(weekWs, { force: true });
  }

  // Other formats of the same records, each into its own fresh workspace, beside the JSONL figure.
  const formats: Array<{ name: string; bytes: number; imp: Record<string, number> }> = [];
  if (extras && !stopped && !process.argv.includes('--skip-formats')) {
    const parquet = path.join(dir, `requests-${n}.parquet`);
    const otlp = path.join(dir, `requests-${n}.otlp.jsonl`);
    if (!fs.existsSync(parquet)) { log('writing the records as Parquet (not timed)…'); toParquet(jsonl, parquet); }
    if (!fs.existsSync(otlp)) { log('writing the records as OTLP JSON lines (not timed)…'); toOtlpJsonl(jsonl, otlp); }
    for (const [name, file] of [['Parquet', parquet], ['OTLP JSONL', otlp]] as const) {
      log(`importing the ${name} file with Loupe…`);
      const ws = path.join(dir, `bench-${n}-${name.replace(/\W+/g, '-').toLowerCase()}.sqlite`);
      formats.push({ name, bytes: fs.statSync(file).size, imp: child(['--phase', 'import', '--file', file, '--workspace', ws]) });
      fs.rmSync(ws, { force: true });
    }
  }
  // The first metrics view again on a copy of the workspace holding feedback (N/5 rows, as the feedback part below):
  // thumbs, CSAT and NPS per bucket come from the feedback summaries (summaries/feedback.ts).
  let fbView: { rows: number; import_ms: number; mon: Record<string, number> } | null = null;
  const nf = Number(arg('feedback', String(Math.round(n / 5))));
  const fbFile = path.join(dir, `feedback-${nf}.jsonl`);
  if (!stopped && !process.argv.includes('--skip-feedback-view')) {
    const copy = path.join(dir, `bench-${n}-with-feedback.sqlite`);
    fs.copyFileSync(workspace, copy);
    log(`importing ${nf.toLocaleString('en-US')} feedback rows into a copy, then the first metrics view in a new process…`);
    if (!fs.existsSync(fbFile)) generateBenchFeedback(fbFile, nf, n);
    const r = child(['--phase', 'feedback', '--workspace', copy, '--file', fbFile]);
    fbView = { rows: r.feedback_rows!, import_ms: r.feedback_import_ms!, mon: child(['--phase', 'monitoring', '--workspace', copy]) };
    fs.rmSync(copy, { force: true });
  }
  let scrubbed: Record<string, number> | null = null;
  let fb: Record<string, number> | null = null;
  let rep: Record<string, number> | null = null;
  if (extras && !stopped) {
    log('importing again with PII scrubbing on (every detector)…');
    scrubbed = child(['--phase', 'import', '--file', jsonl, '--workspace', path.join(dir, `bench-${n}-scrub.sqlite`), '--scrub']);
    log(`importing ${nf.toLocaleString('en-US')} feedback rows, searching comments, distinguishing terms…`);
    if (!fs.existsSync(fbFile)) generateBenchFeedback(fbFile, nf, n);
    fb = child(['--phase', 'feedback', '--workspace', workspace, '--file', fbFile]);
    log('building the weekly report of the newest week in every format…');
    rep = child(['--phase', 'report', '--workspace', workspace]);
  }


  const ratioTarget = 1.5;
  // The phases of the import that ran: the refused run's (nothing read) give way to the largest count that fits.
  const t = (stopped && fit ? (fit.imp as { timings?: ImportTimings | null }).timings : imp.timings) ?? null;
  const rows: Array<[string, string, string]> = [];
  const head = (title: string) => rows.push([title, '', '']);
  head(`issue 13 (${n.toLocaleString('en-US')} requests; each ratio from this run)`);
  if (stopped) {
    rows.push([`import of ${(n / 1e6).toLocaleString('en-US')}M JSONL requests (${mb(bytes)} MB)`, 'stopped', `${stopped.code}: ${stopped.message}`]);
    rows.push(['  where it stops', `~${(largestThatFits / 1e6).toFixed(2)}M`, `requests of ${Math.round(bytesPerRequest)} B: Loupe refuses an import whose estimate (1.3x the file) takes the workspace past ${(MAX_WORKSPACE_BYTES / 2 ** 30).toFixed(0)} GiB (sql.js keeps the file in memory and stalls near 3.5 GB; TOOLCHAIN.md)`]);
  } else {
    rows.push([`import of ${(n / 1e6).toLocaleString('en-US')}M JSONL requests (${mb(bytes)} MB)`, `${importS.toFixed(1)} s`, `${Math.round(n / importS).toLocaleString('en-US')} records/s, ${(bytes / 1e6 / importS).toFixed(1)} MB/s`]);
  }
  rows.push(['sqlite3 shell .import, same table and indexes', shell ? `${(shell.ms / 1000).toFixed(1)} s` : 'n/a', shell ? 'CSV of the same rows, then the same 7 secondary indexes' : 'sqlite3 not installed']);
  if (shell && !stopped) {
    rows.push(['ratio Loupe / shell', `${shell.ratio.toFixed(2)}x`, `target <= ${ratioTarget}x ${shell.ratio <= ratioTarget ? '(met)' : '(missed)'}`]);
    rows.push(['  the same by CPU time (user + sys)', `${shell.cpu_ratio.toFixed(2)}x`, `Loupe ${(imp.cpu_ms! / 1000).toFixed(1)} s, shell ${(shell.cpu_ms / 1000).toFixed(1)} s: steadier than wall time when other work shares the cores`]);
  }
  if (!stopped) {
    const rss = imp.peak_rss! / imp.workspace_bytes!;
    rows.push(['peak RSS (import)', `${mb(imp.peak_rss!)} MB`, `${rss.toFixed(2)}x the ${mb(imp.workspace_bytes!)} MB workspace; target < 2x ${rss < 2 ? '(met)' : '(missed)'}`]);
    rows.push(['open the workspace (cold process)', `${q.open_ms} ms`, `target < 2000 ms ${q.open_ms! < 2000 ? '(met)' : '(missed)'}`]);
    if (q.queue_create_ms !== undefined) rows.push(['queue create (200, stratified by feature)', `${q.queue_create_ms} ms`, `target < 1000 ms ${q.queue_create_ms < 1000 ? '(met)' : '(missed)'}; newest week, ${Math.round(n / 12).toLocaleString('en-US')} requests`]);
  } else {
    rows.push(['peak RSS (import, until it stopped)', `${mb(imp.peak_rss!)} MB`, '']);
    if (!fit) rows.push(['open, queue create, first metrics view', 'n/a', 'no workspace: the import stopped (above)']);
  }
  if (fit) {
    const f = fit;
    const label = `${(f.n / 1e6).toLocaleString('en-US')}M`;
    const sec = f.imp.import_ms! / 1000;
    const rss = f.imp.peak_rss! / f.imp.workspace_bytes!;
    rows.push([`  at the largest count that fits: ${label} requests`, '', '(the first rows of the same file)']);
    rows.push([`  import of ${label}`, `${sec.toFixed(1)} s`, `${Math.round(f.n / sec).toLocaleString('en-US')} records/s; ${mb(f.imp.workspace_bytes!)} MB workspace`]);
    rows.push([`  peak RSS (import of ${label})`, `${mb(f.imp.peak_rss!)} MB`, `${rss.toFixed(2)}x the workspace; target < 2x ${rss < 2 ? '(met)' : '(missed)'}`]);
    rows.push([`  open (cold process), ${label}`, `${f.q.open_ms} ms`, `target < 2000 ms at 1M ${f.q.open_ms! < 2000 ? '(met here too)' : '(not met at this size)'}`]);
    if (f.q.queue_create_ms !== undefined) rows.push([`  queue create (200, stratified), ${label}`, `${f.q.queue_create_ms} ms`, `target < 1000 ms ${f.q.queue_create_ms < 1000 ? '(met)' : '(missed)'}`]);
    rows.push([`  first metrics view, ${label}`, `${f.mon.series_ms} ms`, `target < 300 ms ${f.mon.series_ms! < 300 ? '(met)' : '(missed)'}; alerts ${f.mon.alerts_ms} ms`]);
  }
  if (wk) rows.push([`queue create, a week of ${weekN.toLocaleString('en-US')} requests`, `${wk.queue_create_ms} ms`, `target < 2000 ms ${wk.queue_create_ms! < 2000 ? '(met)' : '(missed)'}; again ${wk.queue_create_again_ms} ms; that workspace opened in ${wk.open_ms} ms, imported in ${(wk.import_ms! / 1000).toFixed(1)} s`]);
  if (!stopped) {
    rows.push(['first metrics view (metrics.series, weekly, uncached)', `${mon.series_ms} ms`, `target < 300 ms ${mon.series_ms! < 300 ? '(met)' : '(missed)'}; ${mon.series_cached_ms} ms cached (read from the request summaries)`]);
    rows.push(['alerts (every rule, all range, uncached)', `${mon.alerts_ms} ms`, `target < 300 ms; ${mon.alerts_cached_ms} ms cached; ${mon.alerts} alerts`]);
    rows.push(['side-panel context (one slice) / its drift', `${mon.slice_ms} / ${mon.slice_drift_ms} ms`, `target < 300 ms uncached; ${mon.slice_cached_ms} ms cached`]);
  }
  if (fbView) {
    const m = fbView.mon;
    rows.push([`first metrics view, with ${fbView.rows.toLocaleString('en-US')} feedback rows`, `${m.series_ms} ms`, `target < 300 ms ${m.series_ms! < 300 ? '(met)' : '(missed)'}; cold process; feedback from its summaries (import ${(fbView.import_ms / 1000).toFixed(1)} s)`]);
    rows.push(['  alerts / side-panel context, with that feedback', `${m.alerts_ms} / ${m.slice_ms} ms`, `target < 300 ms each; peak RSS ${mb(m.peak_rss!)} MB`]);
  }
  if (t) {
    head(`import phases${stopped && fit ? ` of the ${(fit.n / 1e6).toLocaleString('en-US')}M import` : ''} (ms; ${t.total} ms in all, ${t.rows.toLocaleString('en-US')} rows${t.cpu_ms != null ? `; store thread CPU ${t.cpu_ms} ms` : ''})`);
    for (const ph of IMPORT_PHASES) rows.push([`  ${ph}`, `${t[ph]} ms`, `${((100 * t[ph]) / Math.max(1, t.total)).toFixed(1)}%`]);
    // With the reading thread (import-thread/), its own phases: they overlap the store thread's, so they are shown
    // apart, as shares of that thread's wall time.
    const r = t.reader;
    if (r) {
      head(`reading thread phases (ms; ${r.total} ms in all, overlapping the above${r.cpu_ms != null ? `; its CPU ${r.cpu_ms} ms` : ''})`);
      for (const ph of IMPORT_PHASES) if (r[ph] > 0) rows.push([`  ${ph}`, `${r[ph]} ms`, `${((100 * r[ph]) / Math.max(1, r.total)).toFixed(1)}%`]);
    }
  }
  if (!stopped) {
    head('more');
    rows.push(['workspace size', `${mb(imp.workspace_bytes!)} MB`, `${Math.round(imp.workspace_bytes! / n)} B per request`]);
    rows.push(['grid first page / sort / filter', `${q.first_page_ms} / ${q.sort_ms} / ${q.filter_ms} ms`, 'target < 100 ms each']);
    rows.push(['grid page at offset 5000', `${q.page_50_ms} ms`, '']);
    if (q.next_item_ms_median !== undefined) rows.push(['next item (median / max of 20)', `${q.next_item_ms_median} / ${q.next_item_ms_max} ms`, 'target < 50 ms']);
    if (q.simulate_1000_ms !== undefined) {
      rows.push(['queue create (100, thumbs-down 20%)', `${q.queue_create_oversampled_ms} ms`, 'target < 1000 ms']);
      rows.push([`simulate, 1,000 seeds (week of ${q.simulate_week_requests!.toLocaleString('en-US')})`, `${(q.simulate_1000_ms / 1000).toFixed(1)} s`, `target < 10 s; lowest coverage ${(q.simulate_min_coverage! * 100).toFixed(1)}%`]);
    }
    rows.push(['filter values (metrics.options)', `${mon.options_ms} ms`, 'beside the charts, cached after']);
  }
  if (scrubbed) rows.push(['import with PII scrubbing', `${(scrubbed.import_ms! / 1000).toFixed(1)} s`, `scrubbed / plain = ${(scrubbed.import_ms! / imp.import_ms!).toFixed(2)}x (target < 1.25x)`]);
  for (const f of formats) {
    const sec = f.imp.import_ms! / 1000;
    rows.push([`${f.name} import (${mb(f.bytes)} MB)`, `${sec.toFixed(1)} s`, `${f.imp.inserted!.toLocaleString('en-US')} inserted, ${Math.round(n / sec).toLocaleString('en-US')} records/s, ${(f.imp.import_ms! / imp.import_ms!).toFixed(2)}x the JSONL import`]);
    rows.push([`${f.name} peak RSS`, `${mb(f.imp.peak_rss!)} MB`, `JSONL: ${mb(imp.peak_rss!)} MB`]);
  }
  if (fb) {
    rows.push(
      ['feedback import (rows, comments)', `${(fb.feedback_import_ms! / 1000).toFixed(1)} s`, `${fb.feedback_rows!.toLocaleString('en-US')} rows, ${fb.comments!.toLocaleString('en-US')} comments`],
      ['  of which FTS comment index', `${fb.fts_index_ms} ms`, `${((100 * fb.fts_index_ms!) / fb.feedback_import_ms!).toFixed(1)}% of the feedback import`],
      ['comment search (count + page)', `${fb.search_ms} ms`, `target < 300 ms (${fb.search_total} matches); 2nd phrase ${fb.search2_ms} ms`],
      ['records search incl. comments', `${fb.global_search_ms} ms`, ''],
      ['distinguishing terms, one week', `${fb.terms_week_ms} ms`, `target < 300 ms (${fb.terms_week_comments} comments)`],
      ['distinguishing terms, all weeks', `${fb.terms_all_ms} ms`, `${fb.terms_all_comments} comments`],
    );
  }
  if (rep?.report_all_ms !== undefined) {
    rows.push(['weekly report, all sections and formats', `${rep.report_all_ms} ms`, `target < 5000 ms (cold; ${rep.report_pdf_pages} PDF pages, ${mb(rep.report_bytes!)} MB in 5 files)`]);
    rows.push(['weekly report, again', `${rep.report_all_warm_ms} ms`, 'metrics series cached']);
  }
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\n${rows.map(([a, b, c]) => (b === '' && c === '' ? a : `${a.padEnd(w)}  ${b.padStart(12)}  ${c}`)).join('\n')}\n\n`);
  process.stdout.write(`${JSON.stringify({ requests: n, bytes, cores: os.cpus().length, loadavg: os.loadavg(), import: imp, stopped, largest_that_fits: stopped ? largestThatFits : null, fit,
    sqlite3_shell_ms: shell?.ms ?? null, ratio: stopped ? null : shell?.ratio ?? null, query: q, week_queue: wk,
    formats: Object.fromEntries(formats.map((f) => [f.name, { bytes: f.bytes, ...f.imp, ratio_to_jsonl: f.imp.import_ms! / imp.import_ms! }])),
    scrub_import: scrubbed, scrub_ratio: scrubbed ? scrubbed.import_ms! / imp.import_ms! : null, feedback: fb, feedback_view: fbView, report: rep, monitoring: mon })}\n`);
}

await main();
