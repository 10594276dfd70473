/**
 * `npx loupe weekly`: the weekly run for a scheduler (cron, a systemd timer). One command does the week's routine:
 *
 *   loupe weekly --workspace W.sqlite --inbox DIR [--week 2026-W48] [--design FILE] --out DIR [--paper a4|letter] [--json]
 *
 * 1. Imports every file in DIR (not in sub-folders; names starting with "." are ignored) whose content was not
 *    imported before: the SHA-256 of each file is looked up in the workspace's import history, so a file imported
 *    once is skipped however it is named, and the same content twice in DIR is imported once. Request logs are
 *    imported before feedback and tickets, so their links resolve. A file that is refused is reported and left for
 *    the next run (a refused import leaves nothing behind, not even its hash); the other files go on.
 * 2. Creates the week's review queue from a saved design (FILE, a JSON queue design such as
 *    {"size":100,"strata":"feature","oversample":{"thumbs_down":0.1}}, or else the design of the newest queue: the
 *    last one used), or extends the week's queue to the design's size when it is smaller. A queue already at its size
 *    is left as it is. The regression check's signal `edge_case_repeat` is added with a 0.1 share when the design
 *    does not mention it (and the shares leave room), so repeats of earlier edge cases get their own stratum.
 * 3. Writes the weekly report in every format (md, html, pdf, csv, json) to DIR/loupe-report-<week>.<ext>. When the
 *    report says the same as the files already there (only the generation time differs), the files are left
 *    untouched, so running twice changes nothing.
 * 4. Prints what it did (--json: one object, see {@link WeeklyResult}).
 *
 * The week defaults to the latest complete ISO week of the workspace's requests (workspace time zone).
 * Exit codes as the other commands: 0 ran, 1 refused (a file refused, no design, no eligible request; the reason is
 * on stderr and the rest of the run still happened), 2 bad usage.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { usage } from './usage';
import { DateTime } from 'luxon';
import { isoWeekSchema, queueDesignSchema, type QueueDesignInput } from '../../shared/contract-review';
import { toErrorData } from '../../shared/errors';
import type { RecordKind } from '../../shared/types';
import type { StoreClient } from '../store/client';

const EXIT_OK = 0;
const EXIT_REFUSED = 1;

/** Share of the queue given to `edge_case_repeat` when a design does not mention it. */
export const DEFAULT_EDGE_CASE_SHARE = 0.1;

/** What `loupe weekly --json` prints. */
export interface WeeklyResult {
  workspace: string;
  week: string | null;
  imported: Array<{ file: string; sha256: string; kind: string; records_read: number; inserted: number; updated: number; duplicates: number; rejected: number; import_id: number | null }>;
  skipped: Array<{ file: string; sha256: string; reason: string }>;
  refused: Array<{ file: string; code: string; message: string }>;
  queue: { queue_id: number | null; action: 'created' | 'extended' | 'unchanged' | 'none'; size: number; added: number; design_source: string | null; note: string | null };
  report: { files: Array<{ file: string; bytes: number; pages: number | null }>; unchanged: boolean; findings: string[] };
}

interface WeeklyOpts { workspace: string; inbox: string; week?: string; design?: string; out: string; paper: 'a4' | 'letter'; json?: boolean }
type Helpers = { openClient(workspace: string, create: boolean): Promise<{ client: StoreClient }> };

/** SHA-256 of a file, streamed (hex). */
export async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The inbox's files: regular files directly in DIR, not hidden, by name. */
export function inboxFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.join(dir, e.name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Reads a design file: a JSON queue design (the `design` object `queues.get` shows is accepted too). */
export function readDesignFile(file: string): Omit<QueueDesignInput, 'week'> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    usage(`--design ${file}: ${e instanceof SyntaxError ? `not JSON (${e.message})` : (e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) usage(`--design ${file}: expected a JSON object such as {"size":100,"strata":"feature"}`);
  return designFields(raw as Record<string, unknown>, `--design ${file}`);
}

/** A design without its period: the fields a weekly queue reuses. Validates them against the contract's schema. */
function designFields(d: Record<string, unknown>, where: string): Omit<QueueDesignInput, 'week'> {
  const { week: _w, from_ts: _f, to_ts: _t, time_zone: _z, name: _n, ...rest } = d;
  const check = queueDesignSchema.safeParse({ ...rest, week: '2026-W01' });
  if (!check.success) {
    const first = check.error.issues[0];
    const msg = `${where}: ${first?.path.length ? `${first.path.join('.')}: ` : ''}${first?.message ?? 'invalid design'}`;
    usage(msg);
  }
  return rest as Omit<QueueDesignInput, 'week'>;
}

/** The last complete ISO week of [first, last] in the zone (the week of `last` when it reaches its final day). */
export function defaultWeek(first: number | null, last: number | null, zone: string): string | null {
  if (last === null) return null;
  const label = (d: DateTime) => `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
  const l = DateTime.fromMillis(last, { zone });
  const start = l.startOf('week');
  if (start.plus({ weeks: 1 }).toMillis() - last <= 24 * 3600_000) return label(l);
  if (first !== null && first >= start.toMillis()) return label(l);
  return label(start.minus({ weeks: 1 }));
}

const KIND_ORDER: Record<string, number> = { requests: 0, mixed: 1, feedback: 2, tickets: 3 };

/** A report's JSON without its generation times, so two runs over the same data compare equal. */
function reportIdentity(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), (k, v: unknown) => (k === 'generated_at' ? undefined : v));
  } catch {
    return '';
  }
}

async function weeklyCommand(o: WeeklyOpts, helpers: Helpers): Promise<number> {
  const designFromFile = o.design ? readDesignFile(o.design) : null;
  const { client } = await helpers.openClient(o.workspace, true);
  let code = EXIT_OK;
  const result: WeeklyResult = {
    workspace: path.resolve(o.workspace), week: null, imported: [], skipped: [], refused: [],
    queue: { queue_id: null, action: 'none', size: 0, added: 0, design_source: null, note: null },
    report: { files: [], unchanged: false, findings: [] },
  };
  const say = (s: string) => { if (!o.json) process.stdout.write(`${s}\n`); };
  try {
    // 1. Imports, by content hash.
    const info = await client.call('workspace.info', {});
    const known = new Set(info.imports.map((i) => i.sha256).filter((s) => s));
    const fresh: Array<{ file: string; sha: string; kind: RecordKind | 'mixed' | 'unknown' }> = [];
    for (const file of inboxFiles(o.inbox)) {
      const sha = await sha256File(file);
      const name = path.basename(file);
      if (known.has(sha)) { result.skipped.push({ file: name, sha256: sha, reason: 'already imported (same content)' }); continue; }
      if (fresh.some((f) => f.sha === sha)) { result.skipped.push({ file: name, sha256: sha, reason: 'same content as another file of this run' }); continue; }
      let kind: RecordKind | 'mixed' | 'unknown' = 'unknown';
      try { kind = (await client.call('internal.previewFile', { path: file, file_name: name, options: {} })).kind; } catch { /* the import reports why */ }
      fresh.push({ file, sha, kind });
    }
    fresh.sort((a, b) => (KIND_ORDER[a.kind] ?? 4) - (KIND_ORDER[b.kind] ?? 4));
    for (const f of fresh) {
      const name = path.basename(f.file);
      try {
        const s = await client.call('internal.importFileWait', { path: path.resolve(f.file), file_name: name, options: {} });
        result.imported.push({ file: name, sha256: f.sha, kind: s.kind, records_read: s.records_read, inserted: s.inserted, updated: s.updated, duplicates: s.duplicates, rejected: s.rejected, import_id: s.import_id });
        say(`imported ${name}: ${s.kind}, ${s.records_read} records read, ${s.inserted} new, ${s.updated} updated, ${s.duplicates} already present, ${s.rejected} rejected`);
      } catch (e) {
        const d = toErrorData(e);
        code = EXIT_REFUSED;
        result.refused.push({ file: name, code: d.code, message: d.message });
        process.stderr.write(`loupe weekly: ${name}: refused (${d.code}): ${d.message}${d.action ? `\n  ${d.action}` : ''}\n  Nothing of it was imported; the next run tries it again.\n`);
      }
    }
    for (const s of result.skipped) say(`skipped ${s.file}: ${s.reason}`);

    // 2. The week and its queue.
    const after = await client.call('workspace.info', {});
    const week = o.week ?? defaultWeek(after.first_ts, after.last_ts, after.time_zone);
    result.week = week;
    if (!week) {
      process.stderr.write('loupe weekly: the workspace has no dated requests, so there is no week to review or report.\n');
      return EXIT_REFUSED;
    }
    let design: Omit<QueueDesignInput, 'week'> | null = designFromFile;
    result.queue.design_source = designFromFile ? path.resolve(o.design!) : null;
    if (!design) {
      // The newest queue of an ISO week: a queue over a drill-down's time range ("Review this slice": from/to, every
      // request of the slice) is no weekly design (it made next week's queue 618 items where the design said 100).
      const newest = (await client.call('queues.list', {})).find((q) => q.week !== null);
      if (newest) {
        const q = await client.call('queues.get', { queue_id: newest.id });
        design = designFields(q.design as unknown as Record<string, unknown>, `the design of queue #${newest.id}`);
        result.queue.design_source = `queue #${newest.id} (the last design used)`;
      }
    }
    const existing = (await client.call('queues.list', { week }))[0];
    if (existing) {
      result.queue.queue_id = existing.id;
      result.queue.size = existing.size;
      const want = design?.size ?? existing.size;
      if (existing.size < want) {
        try {
          const ext = await client.call('queues.extend', { queue_id: existing.id, add: want - existing.size });
          result.queue.action = 'extended';
          result.queue.added = ext.items.length;
          result.queue.size = existing.size + ext.items.length;
          if (ext.notes.length) result.queue.note = ext.notes.join(' ');
        } catch (e) {
          const d = toErrorData(e);
          result.queue.action = 'unchanged';
          result.queue.note = `Not extended: ${d.message}`;
        }
      } else result.queue.action = 'unchanged';
    } else if (design) {
      const oversample = { ...(design.oversample ?? {}) };
      const total = Object.values(oversample).reduce((a: number, v) => a + (v ?? 0), 0);
      if (oversample.edge_case_repeat === undefined && total + DEFAULT_EDGE_CASE_SHARE <= 1 + 1e-9) oversample.edge_case_repeat = DEFAULT_EDGE_CASE_SHARE;
      try {
        const q = await client.call('queues.create', { ...design, oversample, week });
        result.queue = { ...result.queue, queue_id: q.queue_id, action: 'created', size: q.items.length, added: q.items.length, note: q.notes.join(' ') || null };
      } catch (e) {
        const d = toErrorData(e);
        code = EXIT_REFUSED;
        result.queue.note = `No queue: ${d.message}`;
        process.stderr.write(`loupe weekly: no review queue for ${week}: ${d.message}\n`);
      }
    } else {
      code = EXIT_REFUSED;
      result.queue.note = 'No saved design: pass --design FILE (a JSON queue design such as {"size":100,"strata":"feature"}) once; later runs reuse it.';
      process.stderr.write(`loupe weekly: ${result.queue.note}\n`);
    }
    const qs = result.queue;
    say(qs.action === 'none' ? `queue: none for ${week}` : `queue #${qs.queue_id} for ${week}: ${qs.action}${qs.action === 'created' || qs.action === 'extended' ? ` (${qs.added} items added)` : ''}, ${qs.size} items${qs.design_source ? `, design from ${qs.design_source}` : ''}${qs.note ? `; ${qs.note}` : ''}`);

    // 3. The report, every format from one build.
    const all = await client.call('report.weeklyAll', { week, paper: o.paper });
    fs.mkdirSync(o.out, { recursive: true });
    const jsonFile = all.files.find((f) => f.file_name.endsWith('.json'))!;
    const jsonPath = path.join(o.out, jsonFile.file_name);
    const same = fs.existsSync(jsonPath) && reportIdentity(fs.readFileSync(jsonPath, 'utf8')) === reportIdentity(jsonFile.text)
      && all.files.every((f) => fs.existsSync(path.join(o.out, f.file_name)));
    result.report.unchanged = same;
    result.report.findings = all.findings;
    for (const f of all.files) {
      const target = path.join(o.out, f.file_name);
      if (!same) {
        // Written beside the target and renamed over it, so a reader never sees half a file.
        const tmp = `${target}.tmp-${process.pid}`;
        fs.writeFileSync(tmp, f.encoding === 'base64' ? Buffer.from(f.text, 'base64') : Buffer.from(f.text, 'utf8'));
        fs.renameSync(tmp, target);
      }
      // The file in --out: an unchanged run leaves it as it was, so its size is the file's, not this run's render's
      // (a PDF's render differs in its creation date).
      result.report.files.push({ file: target, bytes: same ? fs.statSync(target).size : f.bytes, pages: f.pages });
    }
    say(`report ${week}: ${same ? 'unchanged, files left as they were' : 'written'} in ${path.resolve(o.out)} (${all.files.map((f) => path.extname(f.file_name).slice(1)).join(', ')})`);
    for (const [i, t] of all.findings.entries()) say(`  ${i + 1}. ${t}`);
    if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await client.close();
  }
  return code;
}

/**
 * Registers `weekly` on the CLI program.
 * @param program - the root commander program (exitOverride and output already configured)
 * @param run - receives the command's promise of an exit code (main awaits it)
 * @param helpers - `openClient(workspace, create)`: starts the store worker and opens the workspace
 */
export function registerWeeklyCommands(program: Command, run: (p: Promise<number>) => void, helpers: Helpers): void {
  program.command('weekly')
    .description('The weekly run: import new files from an inbox (by content hash), create or extend the week\'s queue, write the report in every format.')
    .addOption(new Option('-w, --workspace <file>', 'workspace file (SQLite; created when missing)').makeOptionMandatory())
    .requiredOption('--inbox <dir>', 'folder of exported logs, feedback and tickets; files already imported (same content) are skipped')
    .option('--week <week>', 'ISO week, e.g. 2026-W48 (default: the latest complete week of the requests)')
    .option('--design <file>', 'JSON queue design (default: the design of the newest queue)')
    .requiredOption('--out <dir>', 'folder for loupe-report-<week>.md, .html, .pdf, .csv, .json')
    .addOption(new Option('--paper <size>', 'PDF paper size').choices(['a4', 'letter']).default('a4'))
    .option('--json', 'print what the run did as one JSON object')
    .action((o: WeeklyOpts) => {
      if (o.week !== undefined && !isoWeekSchema.safeParse(o.week).success) usage(`--week expects an ISO week such as 2026-W48, got "${o.week}"`);
      let st: fs.Stats | null = null;
      try { st = fs.statSync(o.inbox); } catch { /* reported below */ }
      if (!st?.isDirectory()) usage(`--inbox expects a folder, got "${o.inbox}"`);
      if (o.design !== undefined && !fs.existsSync(o.design)) usage(`--design: no such file "${o.design}"`);
      // --out is a folder (made when missing): a file there is bad usage, not an internal error (EEXIST from mkdir).
      if (fs.existsSync(o.out) && !fs.statSync(o.out).isDirectory()) usage(`--out expects a folder, got the file "${o.out}"`);
      run(weeklyCommand(o, helpers));
    });
}
