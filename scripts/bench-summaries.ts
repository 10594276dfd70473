/**
 * Measures what the request summaries (electron/store/summaries) cost and buy, on the bench's generated requests
 * (data/samples/generate.ts generateBenchRequests, the same rows as `npm run bench`):
 *  1. import N requests into a fresh workspace (summaries built inside the import's transaction), then time a full
 *     summary rebuild from the rows (what the import's summary step costs on a first import) and the bytes the
 *     summary tables add to the saved file;
 *  2. in fresh processes (nothing cached), the first Metrics view (metrics.series by ISO week with the feature
 *     breakdown, and by day) read from the summaries against the same series from the raw rows (the code path every
 *     view took before summaries), the alert aggregates of the whole range and one feature's drift, both ways.
 * Usage: npm run bench:summaries -- --requests 100000 (or node dist/node/bench-summaries.js --requests 100000) [--dir /tmp/x] [--reuse]. Ratios are from the same run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateBenchRequests } from '../data/samples/generate';
import { Workspace } from '../electron/store/workspace';
import { runImport } from '../electron/store/import/pipeline';
import { metricsSeries } from '../electron/store/metrics/series';
import { metricsDrift } from '../electron/store/metrics/drift';
import { sqlAlertSource } from '../electron/store/alerts/source';
import { Aggregates, dayStarts } from '../electron/store/alerts/aggregate';
import { rebuildAllSummaries } from '../electron/store/summaries/build';
import { Db, loadSqlJs } from '../electron/store/db';

const self = fileURLToPath(import.meta.url);
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const NOW = Date.UTC(2027, 0, 1);

async function phaseImport(file: string, workspace: string): Promise<void> {
  fs.rmSync(workspace, { force: true });
  const ws = await Workspace.open(workspace, { create: true });
  let t0 = performance.now();
  await runImport(ws, file, {});
  const importMs = performance.now() - t0;
  t0 = performance.now();
  rebuildAllSummaries(ws.db);
  const buildMs = performance.now() - t0;
  const cells = ws.db.value<number>('SELECT count(*) FROM request_summaries') ?? 0;
  const sketches = ws.db.value<number>("SELECT count(*) FROM request_summaries WHERE substr(latency_ms, 1, 1) = x'02'") ?? 0;
  const n = ws.db.value<number>('SELECT count(*) FROM requests') ?? 0;
  const withSummaries = ws.db.raw.export().length;
  ws.close();
  // The same file without the summary tables, vacuumed: the bytes summaries add.
  const SQL = await loadSqlJs();
  const db = new Db(new SQL.Database(fs.readFileSync(workspace)));
  const before = db.raw.export().length;
  db.exec('DROP TABLE request_summaries; DROP TABLE request_summaries_day; DROP TABLE summary_slices; VACUUM;');
  const without = db.raw.export().length;
  db.close();
  process.stdout.write(JSON.stringify({ import_ms: importMs, summary_build_ms: buildMs, cells, latency_sketch_cells: sketches, requests: n, file_bytes: withSummaries, summary_bytes: before - without }));
}

async function phaseView(workspace: string, what: string): Promise<void> {
  const ws = await Workspace.open(workspace, {});
  const zone = 'UTC';
  const t0 = performance.now();
  let detail: unknown = null;
  if (what === 'series-week' || what === 'series-week-rows') {
    const s = metricsSeries(ws.db, zone, { bucket: 'week', breakdown: 'feature', filter: {}, source: what.endsWith('rows') ? 'requests' : 'auto' }, NOW);
    detail = s.quantiles;
  } else if (what === 'series-day' || what === 'series-day-rows') {
    const s = metricsSeries(ws.db, zone, { bucket: 'day', breakdown: 'none', filter: {}, source: what.endsWith('rows') ? 'requests' : 'auto' }, NOW);
    detail = s.quantiles;
  } else if (what === 'drift' || what === 'drift-rows') {
    // The slice panel's drift: the last complete week of one feature against the 4 weeks before.
    const d = metricsDrift(ws.db, zone, { alpha: 0.05, feature: 'search-answer', source: what.endsWith('rows') ? 'requests' : 'auto' }, { psi_max: 0.25 }, NOW);
    detail = { source: d.source, current: d.current.label, requests: d.current.requests };
  } else if (what === 'alerts') {
    const src = sqlAlertSource(ws.db);
    const r = src.range();
    src.aggregates(r.first!, r.last! + 1, zone, NOW).view('week');
  } else if (what === 'alerts-rows') {
    // The request part of the alert source before summaries: one scan of the rows into exact cells.
    const r = ws.db.get<{ lo: number; hi: number }>('SELECT min(ts) AS lo, max(ts) AS hi FROM requests')!;
    const starts = dayStarts(r.lo, r.hi + 1, zone);
    const aggs = new Aggregates(starts, zone, NOW, r.lo, r.hi);
    ws.db.each('SELECT ts, feature, model_version, is_error, latency_ms, cost_usd FROM requests WHERE +ts >= ? AND +ts < ?', [starts[0]!, starts[starts.length - 1]!], (x) => {
      aggs.addRequest(x[0] as number, x[1] as string | null, x[2] as string | null, x[3] === 1, x[4] as number | null, x[5] as number | null);
    });
    aggs.prune(20);
    aggs.view('week');
  }
  const ms = performance.now() - t0;
  ws.close();
  process.stdout.write(JSON.stringify({ ms, detail }));
}

function child(args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [self, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`phase ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const phase = arg('phase', '');
  if (phase === 'import') return phaseImport(arg('file', ''), arg('workspace', ''));
  if (phase === 'view') return phaseView(arg('workspace', ''), arg('what', ''));
  const n = Number(arg('requests', '100000'));
  const dir = arg('dir', path.join(os.tmpdir(), 'loupe-bench-summaries'));
  fs.mkdirSync(dir, { recursive: true });
  const jsonl = path.join(dir, `requests-${n}.jsonl`);
  const workspace = path.join(dir, `bench-${n}.sqlite`);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  if (!fs.existsSync(jsonl)) await generateBenchRequests(jsonl, n, 42);
  log(`bench-summaries: ${n.toLocaleString('en-US')} requests, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  // --reuse: time the views on the workspace a previous run imported (same code for the summaries' layout).
  const reuse = process.argv.includes('--reuse') && fs.existsSync(workspace);
  const imp = reuse ? { import_ms: NaN, summary_build_ms: NaN, cells: NaN, latency_sketch_cells: NaN, summary_bytes: NaN, requests: n, file_bytes: fs.statSync(workspace).size } : child(['--phase', 'import', '--file', jsonl, '--workspace', workspace]);
  log(`import ${Math.round(imp.import_ms as number)} ms; full summary build ${Math.round(imp.summary_build_ms as number)} ms (${(100 * (imp.summary_build_ms as number) / (imp.import_ms as number)).toFixed(1)}% of the import); ${String(imp.cells)} cells (${String(imp.latency_sketch_cells)} with a latency sketch); summaries ${(imp.summary_bytes as number / (imp.requests as number)).toFixed(1)} B/request of ${((imp.file_bytes as number) / 1e6).toFixed(1)} MB`);
  const out: Record<string, unknown> = { requests: n, ...imp };
  for (const what of ['series-week', 'series-week-rows', 'series-day', 'series-day-rows', 'alerts', 'alerts-rows', 'drift', 'drift-rows']) {
    const runs = [0, 1].map(() => child(['--phase', 'view', '--workspace', workspace, '--what', what]));
    const best = Math.min(...runs.map((r) => r.ms as number));
    out[what] = best;
    log(`${what}: ${Math.round(best)} ms (best of 2 fresh processes) ${runs[0]!.detail ? JSON.stringify(runs[0]!.detail) : ''}`);
  }
  for (const v of ['series-week', 'series-day', 'alerts', 'drift']) log(`${v}: rows / summaries = ${((out[`${v}-rows`] as number) / (out[v] as number)).toFixed(1)}×`);
  log(`load after: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1); });
