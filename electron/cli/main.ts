/**
 * `npx loupe`: the command line. Its commands, flags, `--json` fields and exit codes are a public interface that
 * scripts rely on; keep them stable.
 *
 * Exit codes: 0 the command ran (an import with rejected rows still ran; an import that Ctrl-C reached too late to
 * cancel finished and was saved); 1 refused (the reason on stderr; with several files, each file's outcome is
 * printed: the refused ones changed nothing); 2 bad usage; 130 interrupted by Ctrl-C and nothing was written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { IANAZone } from 'luxon';
import type { EventMap, ImportOptions } from '../../shared/contract';
import { fromErrorData, LoupeError, toErrorData } from '../../shared/errors';
import type { ImportSummary, RecordKind, WorkspaceInfo } from '../../shared/types';
import { StoreClient, type StoreLog } from '../store/client';
import { resolveWorkspaceTarget } from '../store/workspace';
import { registerRepairCommand } from './repair-commands';
import { registerReviewCommands } from './review-commands';
import { registerPricesCommands } from './prices-commands';
import { collect, scrubFromFlags } from './scrub-flags';
import { registerFeedbackCommands } from './feedback-commands';
import { registerWeeklyCommands } from './weekly-commands';
import { registerAlertsCommands } from './alerts-commands';
import { registerMetricsCommands } from './metrics-commands';
import { registerEstimatesCommands } from './estimates-commands';
import { PRESETS } from '../store/import/presets';
import { FIELD_TYPES } from '../store/import/mapping';
import { canonicalEncoding } from '../store/import/encoding';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;
/** Ctrl-C during an import and nothing was written: the workspace is as it was (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/**
 * The exit code of `loupe import` from what happened to each file: 130 only when Ctrl-C came and nothing was
 * written; 0 when every file was imported (even if Ctrl-C came too late to stop the last one); 1 otherwise (a
 * file refused or cancelled after others were imported).
 * @param imported - files imported and saved
 * @param failed - files refused or cancelled (each left the workspace unchanged)
 * @param interrupted - Ctrl-C was pressed
 */
export function importExitCode(imported: number, failed: number, interrupted: boolean): number {
  if (interrupted && imported === 0) return EXIT_INTERRUPTED;
  return failed === 0 ? EXIT_OK : EXIT_REFUSED;
}

class UsageError extends Error {}

/** The repository (or installed package) root: two levels above dist/node/cli.js. */
function packageRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let d = here, i = 0; i < 5; i++, d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'data', 'samples'))) return d;
  }
  return path.resolve(here, '../..');
}

/**
 * The CLI's sink for the store worker's log messages: nothing, unless LOUPE_DEBUG is set (then stderr), so a
 * command's output stays only its own.
 */
export function cliStoreLog(env: NodeJS.ProcessEnv = process.env, write: (s: string) => void = (s) => process.stderr.write(s)): StoreLog {
  return (level, message) => {
    if (env.LOUPE_DEBUG) write(`loupe (debug): ${level}: ${message}\n`);
  };
}

/** Starts a store worker for a CLI command. */
function startClient(): StoreClient {
  return StoreClient.start({ log: cliStoreLog() });
}

const iso = (ms: number | null) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function parseMaps(maps: string[] | undefined): Record<string, string> | undefined {
  if (!maps || maps.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const m of maps) {
    const eq = m.indexOf('=');
    if (eq <= 0 || eq === m.length - 1) throw new UsageError(`--map expects FIELD=PATH (e.g. tokens_in=response.body.usage.prompt_tokens), got "${m}"`);
    out[m.slice(0, eq).trim()] = m.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Bad usage that needs no file to tell (exit 2 before anything is opened): a preset Loupe does not have, or a `--map`
 * field that is no field of the kind given (or of any kind, without `--kind`). A field that exists for another kind
 * than the one a file is detected as is the store's refusal of that file (exit 1), as it depends on the file.
 * @throws UsageError naming the known presets or fields
 */
function checkPresetAndMap(preset: string | undefined, mapping: Record<string, string> | undefined, kind: RecordKind | undefined): void {
  if (preset !== undefined && !PRESETS.some((p) => p.name === preset)) {
    throw new UsageError(`--preset: unknown preset "${preset}". Known presets: ${PRESETS.map((p) => p.name).join(', ')}`);
  }
  const kinds: RecordKind[] = kind ? [kind] : ['requests', 'feedback', 'tickets'];
  for (const field of Object.keys(mapping ?? {})) {
    // A mixed preset's field is prefixed with its kind (feedback.value).
    const dot = field.indexOf('.');
    const [k, f] = dot > 0 ? [field.slice(0, dot), field.slice(dot + 1)] : [null, field];
    const ok = kinds.some((x) => (k === null || k === x) && f in FIELD_TYPES[x]);
    if (!ok) {
      const fields = kinds.map((x) => `${x}: ${Object.keys(FIELD_TYPES[x]).join(', ')}`).join('; ');
      throw new UsageError(`--map: "${field}" is not a field of ${kind ? `${kind}` : 'requests, feedback or tickets'}. Fields: ${fields}`);
    }
  }
}

function checkZone(tz: string | undefined): void {
  if (tz !== undefined && !IANAZone.isValidZone(tz)) throw new UsageError(`--tz expects an IANA time zone such as Europe/Berlin or UTC, got "${tz}"`);
}

async function openClient(workspace: string, create: boolean, readOnly = false, keepValid = false): Promise<{ client: StoreClient; info: WorkspaceInfo; created: boolean }> {
  const existed = fs.existsSync(workspace);
  const client = startClient();
  try {
    const info = await client.call('internal.open', { path: workspace, create, ...(readOnly ? { read_only: true } : {}), ...(keepValid ? { keep_valid_journal: true } : {}) });
    // What opening repaired (a torn journal line skipped): said once, on stderr, so --json output stays clean.
    for (const n of info.notices ?? []) process.stderr.write(`loupe: note: ${n}\n`);
    return { client, info, created: !existed };
  } catch (e) {
    await client.kill();
    throw e;
  }
}

/** The `--json` object printed for one imported file. */
function summaryJson(s: ImportSummary) {
  return {
    file: s.file, kind: s.kind, preset: s.preset, records_read: s.records_read, inserted: s.inserted, updated: s.updated,
    duplicates: s.duplicates, duplicates_in_file: s.duplicates_in_file, rejected: s.rejected, skipped: s.skipped,
    skipped_reasons: s.skipped_reasons.map((r) => ({ reason: r.reason, count: r.count })), record_unit: s.record_unit,
    rejects: s.rejects.map((r) => ({ line: r.line, field: r.field, reason: r.reason })),
    duplicate_rows: s.duplicate_rows.map((d) => ({ line: d.line, id: d.id, first_line: d.first_line })),
    links: s.links, import_id: s.import_id, notes: s.notes, scrub: s.scrub ?? null,
  };
}

function describe(s: ImportSummary): string {
  const lines = [`${s.file}: ${s.kind} via preset ${s.preset}: ${s.records_read} ${s.record_unit} read, ${s.inserted} new, ${s.updated} updated, ${s.duplicates} already present, ${s.duplicates_in_file} repeated in the file, ${s.rejected} rejected, ${s.skipped} skipped, ${s.links} links`];
  if (s.scrub) lines.push(`  scrubbed before storage: ${Object.entries(s.scrub.counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing found'} (${s.scrub.rows_changed} rows changed; detectors ${[...s.scrub.detectors, ...s.scrub.patterns.map((_, i) => `pattern:${i + 1}`)].join(', ') || 'none'})`);
  for (const n of s.notes) lines.push(`  note: ${n}`);
  for (const r of s.rejects.slice(0, 20)) lines.push(`  rejected line ${r.line}${r.field ? ` (${r.field})` : ''}: ${r.reason}`);
  if (s.rejected > 20) lines.push(`  … ${s.rejected - 20} more rejected rows (--json lists the first ${Math.min(s.rejected, 1000).toLocaleString('en-US')} by line)`);
  for (const d of s.duplicate_rows.slice(0, 20)) lines.push(`  repeated line ${d.line}: id "${d.id}" first on line ${d.first_line} (the last occurrence is kept)`);
  if (s.duplicates_in_file > 20) lines.push(`  … ${s.duplicates_in_file - 20} more repeated rows (--json lists the first ${Math.min(s.duplicates_in_file, 1000).toLocaleString('en-US')} by line)`);
  return lines.join('\n');
}

/**
 * `loupe import FILE... --workspace W`: imports each file in its own transaction. Creates the workspace when missing.
 * @returns exit code: 0 when every import ran, 1 when any was refused
 */
async function importCommand(files: string[], o: { workspace: string; kind?: RecordKind; preset?: string; map?: string[]; tz?: string; dateOrder?: 'mdy' | 'dmy'; decimalMark?: '.' | ','; encoding?: string; json?: boolean; linkWindow?: string; unescape?: string[]; scrub?: string[]; scrubPattern?: string[]; phoneRegion?: string }): Promise<number> {
  checkZone(o.tz);
  const linkWindow = o.linkWindow === undefined ? undefined : Number(o.linkWindow);
  if (linkWindow !== undefined && (o.linkWindow!.trim() === '' || !Number.isFinite(linkWindow) || linkWindow < 0 || linkWindow > 24 * 365)) {
    throw new UsageError(`--link-window expects hours from 0 to 8760 (0 turns off linking to the same user's earlier requests), got "${o.linkWindow}"`);
  }
  const scrub = scrubFromFlags(o.scrub, o.scrubPattern, o.phoneRegion);
  const mapping = parseMaps(o.map);
  checkPresetAndMap(o.preset, mapping, o.kind);
  const encoding = o.encoding === undefined ? undefined : canonicalEncoding(o.encoding);
  if (encoding === null) throw new UsageError(`--encoding expects an encoding label such as utf-8, windows-1252, iso-8859-2, shift_jis, gbk or euc-kr, got "${o.encoding}"`);
  const { client, created } = await openClient(o.workspace, true);
  let imported = 0;
  let failed = 0;
  // Ctrl-C cancels the running import between chunks (the workspace stays as it was). Once the import is being
  // written (linking, saving) it is too late to cancel: it finishes, is saved, and the command says so.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write('\nloupe import: interrupted; cancelling the running import…\n');
    if (!currentJob) return;
    const job = currentJob;
    void client.call('import.cancel', { job_id: job }).then((r) => {
      process.stderr.write(r.cancelled
        ? 'loupe import: cancelled; the workspace is unchanged by that file.\n'
        : 'loupe import: too late to cancel: the import was already being written; it finishes and is saved.\n');
    }, () => undefined);
  };
  process.on('SIGINT', onSigint);
  try {
    if (created && o.tz) await client.call('workspace.setTimeZone', { time_zone: o.tz });
    for (const file of files) {
      if (interrupted) {
        process.stderr.write(`loupe import: ${file}: not started (interrupted).\n`);
        failed++;
        continue;
      }
      const options: ImportOptions = {
        ...(o.kind ? { kind: o.kind } : {}), ...(o.preset ? { preset: o.preset } : {}), ...(mapping ? { mapping } : {}), ...(encoding ? { encoding } : {}),
        ...(o.tz ? { time_zone: o.tz } : {}), ...(o.dateOrder ? { date_order: o.dateOrder } : {}), ...(o.decimalMark ? { decimal_mark: o.decimalMark } : {}), ...(linkWindow !== undefined ? { link_window_hours: linkWindow } : {}),
        ...(o.unescape?.length ? { unescape_fields: o.unescape } : {}),
        ...(scrub ? { scrub } : {}),
      };
      const tty = process.stderr.isTTY && !o.json;
      const bar = tty ? new cliProgress.SingleBar({
        format: `${path.basename(file)} [{bar}] {percentage}% | {mb}/{totalMb} MB | {records} records | {rate} rec/s | ETA {eta_formatted}`,
        stream: process.stderr, hideCursor: true,
      }, cliProgress.Presets.shades_classic) : null;
      let started = false;
      const off = client.on('import.progress', (p) => {
        if (!bar) return;
        const total = p.bytes_total ?? 0;
        const payload = { mb: (p.bytes_read / 1e6).toFixed(1), totalMb: (total / 1e6).toFixed(1), records: p.records, rate: Math.round(p.records / Math.max(0.001, p.elapsed_ms / 1000)) };
        if (!started) { bar.start(Math.max(1, total), 0, payload); started = true; }
        bar.update(p.bytes_read, payload);
      });
      try {
        const s = await runJob(client, path.resolve(file), path.basename(file), options);
        imported++;
        if (bar && started) { bar.update(s.records_read ? bar.getTotal() : 0); bar.stop(); }
        if (o.json) process.stdout.write(`${JSON.stringify(summaryJson(s))}\n`);
        else process.stdout.write(`${describe(s)}\n`);
        if (interrupted) process.stderr.write(`loupe import: ${file}: imported and saved (Ctrl-C came after it was being written).\n`);
      } catch (e) {
        if (bar && started) bar.stop();
        const d = toErrorData(e);
        failed++;
        const verb = d.code === 'IMPORT_CANCELLED' ? 'cancelled' : 'refused';
        // After other files were imported, the workspace has changed (by them): only this file changed nothing.
        const unchanged = imported === 0 ? 'The workspace is unchanged.' : `Nothing of this file was imported; the ${imported === 1 ? 'file' : `${imported} files`} imported before it stay${imported === 1 ? 's' : ''} imported.`;
        process.stderr.write(`loupe import: ${file}: ${verb} (${d.code}): ${d.message}${d.action ? `\n  ${d.action}` : ''}\n  ${unchanged}\n`);
        if (o.json) process.stdout.write(`${JSON.stringify({ file: path.basename(file), error: { code: d.code, message: d.message } })}\n`);
      } finally {
        off();
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await client.close();
    // "Refused: the workspace is unchanged" must hold for a workspace this command created too: when nothing was
    // imported into it, it did not exist before and must not exist after.
    if (created && imported === 0) removeWorkspaceFiles(o.workspace);
  }
  if (interrupted && imported > 0 && failed > 0) {
    process.stderr.write(`loupe import: interrupted after ${imported} file${imported === 1 ? ' was' : 's were'} imported and saved; ${failed} not imported.\n`);
  }
  return importExitCode(imported, failed, interrupted);
}

/** Deletes a workspace file this command created, and the journal and lock files beside it (missing files are ignored). */
function removeWorkspaceFiles(workspace: string): void {
  const abs = resolveWorkspaceTarget(path.resolve(workspace));
  for (const f of [abs, `${abs}.loupe-journal`, `${abs}.loupe-lock`]) fs.rmSync(f, { force: true });
}

/** The import job running in this process, so Ctrl-C can cancel it. */
let currentJob: string | null = null;

/**
 * Starts an import job in the store worker and waits for its `import.finished` event.
 * @returns the summary
 * @throws LoupeError from the job (IMPORT_*, WORKSPACE_TOO_LARGE, IMPORT_CANCELLED)
 */
async function runJob(client: StoreClient, file: string, fileName: string, options: ImportOptions): Promise<ImportSummary> {
  const finished = new Map<string, EventMap['import.finished']>();
  let wake: (() => void) | null = null;
  const off = client.on('import.finished', (e) => {
    finished.set(e.job_id, e);
    wake?.();
  });
  try {
    const { job_id } = await client.call('internal.importFile', { path: file, file_name: fileName, options });
    currentJob = job_id;
    while (!finished.has(job_id)) await new Promise<void>((resolve) => { wake = resolve; });
    const e = finished.get(job_id)!;
    if (e.ok) return e.summary;
    throw fromErrorData(e.error);
  } finally {
    currentJob = null;
    off();
  }
}

/**
 * `loupe info --workspace W`: counts, time range, time zone and import history. Opens the file to read only (no lock,
 * nothing written), so it works while the app has the workspace open and counts its journaled reviews. `reviews` and
 * `reviews_skipped` count each reviewer's standing decision per queue item (undone and replaced ones are not counted).
 */
async function infoCommand(o: { workspace: string; json?: boolean }): Promise<number> {
  const { client, info } = await openClient(o.workspace, false, true);
  await client.close();
  const json = {
    requests: info.counts.requests, feedback: info.counts.feedback, tickets: info.counts.tickets, links: info.counts.links,
    reviews: info.counts.reviews, reviews_skipped: info.counts.skipped, first_ts: iso(info.first_ts), last_ts: iso(info.last_ts), undated_requests: info.undated_requests, time_zone: info.time_zone,
    imports: info.imports.map((i) => ({
      id: i.id, file: i.file_name, size: i.file_size, sha256: i.sha256, kind: i.kind, preset: i.preset, records_read: i.records_read,
      inserted: i.inserted, updated: i.updated, duplicates: i.duplicates, duplicates_in_file: i.duplicates_in_file, rejected: i.rejected,
      skipped: i.skipped, record_unit: i.record_unit, started_at: iso(i.started_at), finished_at: iso(i.finished_at),
    })),
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } else {
    process.stdout.write([
      `${info.file_name} (schema ${info.schema_version}, ${(info.file_bytes / 1e6).toFixed(1)} MB, time zone ${info.time_zone})`,
      `requests ${json.requests}, feedback ${json.feedback}, tickets ${json.tickets}, ticket links ${json.links}, reviews ${json.reviews}, skipped items ${json.reviews_skipped}`,
      `first ${json.first_ts ?? '-'}, last ${json.last_ts ?? '-'}${json.undated_requests > 0 ? ` (dated requests only: ${json.undated_requests} have no timestamp and are in no week, chart or queue)` : ''}`,
      `imports:`,
      ...json.imports.map((i) => `  #${i.id} ${i.started_at} ${i.file} (${i.kind}, ${i.preset}): ${i.records_read} ${i.record_unit} read, ${i.inserted} new, ${i.updated} updated, ${i.duplicates} already present, ${i.duplicates_in_file} repeated in the file, ${i.rejected} rejected, ${i.skipped} skipped`),
    ].join('\n') + '\n');
  }
  return EXIT_OK;
}

/** The demo's source files, in import order (requests before feedback and tickets so links resolve). */
export function demoFiles(root = packageRoot()): string[] {
  const dir = path.join(root, 'data', 'samples');
  return ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv'].map((f) => path.join(dir, f));
}

/** `loupe demo --workspace W`: builds the demo workspace from data/samples. Idempotent. */
async function demoCommand(o: { workspace: string; json?: boolean }): Promise<number> {
  const files = demoFiles();
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length) throw new LoupeError('IMPORT_UNREADABLE', `The demo data is missing: ${missing.join(', ')}`);
  return importCommand(files, { workspace: o.workspace, json: !!o.json });
}

/** `loupe serve --workspace W`: the app in a browser, on 127.0.0.1 with a per-launch token. */
async function serveCommand(o: { workspace: string; port?: string; open?: boolean; demo?: boolean }): Promise<number> {
  if (o.demo && !fs.existsSync(o.workspace)) {
    process.stderr.write(`Building the demo workspace ${o.workspace}…\n`);
    const c = await demoCommand({ workspace: o.workspace });
    if (c !== EXIT_OK) return c;
  }
  const webRoot = path.join(packageRoot(), 'dist', 'web');
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
    throw new LoupeError('NOT_FOUND', `The app is not built (${webRoot} is missing). Run "npm run build" first.`);
  }
  const { startServer } = await import('../server/server');
  const client = startClient();
  const port = o.port === undefined ? undefined : Number(o.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port expects 0-65535, got "${o.port}"`);
  // A workspace that cannot be opened still serves the app, which shows the blocking error screen.
  // A new workspace is created when the folder exists, so `serve` can start from nothing; a missing folder is
  // reported on the blocking screen rather than created.
  const abs = path.resolve(o.workspace);
  const create = !fs.existsSync(abs) && fs.existsSync(path.dirname(abs));
  if (create) process.stdout.write(`Creating a new workspace ${abs}\n`);
  const server = await startServer({ client, webRoot, workspace: abs, create, ...(port !== undefined ? { port } : {}), open: !!o.open, log: (s: string) => process.stdout.write(`${s}\n`) });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await client.close();
  return EXIT_OK;
}

/**
 * Runs the CLI.
 * @param argv - arguments after `loupe`
 * @returns the exit code (0 ran, 1 refused, 2 bad usage)
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('loupe')
    .description('Loupe: weekly review of AI system outputs in one local SQLite workspace.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  let result: Promise<number> = Promise.resolve(EXIT_OK);
  const ws = () => new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory();

  program.command('import')
    .description('Import request logs, feedback or tickets into a workspace (created when missing).')
    .argument('<files...>', 'files: JSONL, JSON, CSV/TSV (each optionally .gz), Parquet, OpenTelemetry OTLP JSON or Collector JSON lines')
    .addOption(ws())
    .addOption(new Option('--kind <kind>', 'what the file holds (detected when omitted)').choices(['requests', 'feedback', 'tickets']))
    .option('--preset <name>', 'import preset (detected when omitted)')
    .option('--map <FIELD=PATH...>', 'map a Loupe field to a dotted source path; repeatable')
    .option('--tz <zone>', 'IANA time zone for naive timestamps (default: the workspace zone, UTC)')
    .addOption(new Option('--decimal-mark <mark>', 'decimal mark of numbers written as text: . or , (default: detected from the numbers, else .)').choices(['.', ',']))
    .addOption(new Option('--date-order <order>', 'order of a/b/yyyy dates that could be either, e.g. 03/04/2026 (default: settled per column by a day above 12)').choices(['mdy', 'dmy']))
    .option('--encoding <label>', 'the files\' text encoding, e.g. windows-1252, shift_jis, gbk (default: detected)')
    .option('--link-window <hours>', 'hours before a ticket in which the same user\'s requests are linked (default 48; 0 turns that rule off)')
    .option('--unescape <FIELD...>', 'turn literal \\n in these text fields (e.g. body) into line breaks; repeatable')
    .option('--scrub <detectors>', 'scrub PII before storage: email,phone,card,iban,ip,secret (any subset) or none; default: the workspace\'s last choice', collect)
    .option('--scrub-pattern <regex>', 'also replace matches of this RE2 pattern by [REDACTED]; repeatable', collect)
    .option('--phone-region <CC>', 'region of phone numbers written without +country code (default US)')
    .option('--json', 'print one JSON object per file')
    .action((files: string[], o) => { result = importCommand(files, o as never); });

  program.command('info')
    .description('Counts, time range, time zone and import history of a workspace.')
    .addOption(ws())
    .option('--json', 'print JSON')
    .action((o) => { result = infoCommand(o as never); });

  program.command('demo')
    .description('Build the demo workspace from data/samples.')
    .addOption(ws())
    .option('--json', 'print one JSON object per imported file')
    .action((o) => { result = demoCommand(o as never); });

  program.command('serve')
    .description('Serve the app to a browser on 127.0.0.1 with a per-launch token.')
    .addOption(ws())
    .option('--port <n>', 'port (default: a free one)')
    .option('--open', 'open the default browser')
    .option('--demo', 'build the demo workspace first when the file is missing')
    .action((o) => { result = serveCommand(o as never); });

  registerReviewCommands(program, (p) => { result = p; }, { openClient });
  registerEstimatesCommands(program, (p) => { result = p; }, { openClient });
  registerRepairCommand(program, (p) => { result = p; }, { openClient });
  registerPricesCommands(program, (p) => { result = p; }, { openClient });
  registerFeedbackCommands(program, (p) => { result = p; }, { openClient });
  registerWeeklyCommands(program, (p) => { result = p; }, { openClient });
  registerAlertsCommands(program, (p) => { result = p; }, { openClient });
  registerMetricsCommands(program, (p) => { result = p; }, { openClient });

  if (argv.length === 0) {
    // No command is bad usage (exit 2), as any other usage error; `loupe --help` asks for the help and exits 0.
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return await result;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`loupe: ${e.message}\n`);
      return EXIT_USAGE;
    }
    const d = toErrorData(e);
    process.stderr.write(`loupe: ${d.code}: ${d.message}${d.action ? `\n  ${d.action}` : ''}\n`);
    return EXIT_REFUSED;
  }
}
