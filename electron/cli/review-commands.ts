/**
 * The review commands of `npx loupe`: `queue create` and `report`. They talk to the store only through contract
 * calls on a StoreClient. Exit codes as in main.ts: 0 ran, 1 refused (reason on stderr), 2 bad usage.
 *
 *   loupe queue create --workspace W.sqlite --week 2026-W47 --size 100 --seed 7 [--strata FIELD]
 *                      [--oversample SIGNAL=SHARE ...] [--allocation proportional|equal] [--min-per-stratum N]
 *                      [--overlap SHARE] [--name NAME] [--include-undated] [--json]
 *     --json prints {"queue_id", "items": [{"request_id", "stratum", "reason", "inclusion_probability"}]}
 *   loupe report --workspace W.sqlite [--week 2026-W47 | --queue N] --format md|html|pdf|csv|json [--paper a4|letter] --out FILE ("-" for stdout)
 *     without --week or --queue: the week of the newest queue, else the latest week with requests (named on stderr)
 *   loupe simulate --workspace W.sqlite --week 2026-W47 --size 100 --seed 7 [--strata FIELD] [--oversample SIGNAL=SHARE ...]
 *                  [--min-per-stratum N] [--failure-rate P | --failure-rates STRATUM=P ...] [--seeds 1000]
 *                  [--half-width H] [--json]
 *     --json prints {"designs":[...],"coverage","mean_estimate","true_rate","relative_bias","mean_half_width","seeds"}
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { usage } from './usage';
import { isoWeekSchema, strataFieldSchema, type QueueDesignInput, type SimulateInput } from '../../shared/contract-review';
import type { SimulationResult } from '../../shared/review-types';
import { REVIEW_SIGNALS, type ReviewSignal } from '../../shared/review-types';
import { LoupeError } from '../../shared/errors';
import type { StoreClient } from '../store/client';

const EXIT_OK = 0;

function parseShare(flag: string, v: string): number {
  const n = Number(v);
  if (!(v.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 1)) usage(`${flag} expects a share between 0 and 1 (e.g. 0.2), got "${v}"`);
  return n;
}

function parseInt0(flag: string, v: string, min: number, max: number): number {
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= min && n <= max)) usage(`${flag} expects a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

/**
 * Parses `--oversample SIGNAL=SHARE` values.
 * @throws CommanderError (exit 2) naming the bad value and the known signals
 */
export function parseOversample(values: string[] | undefined): Partial<Record<ReviewSignal, number>> {
  const out: Partial<Record<ReviewSignal, number>> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq).trim() : '';
    if (!(REVIEW_SIGNALS as readonly string[]).includes(name)) usage(`--oversample expects SIGNAL=SHARE with SIGNAL one of ${REVIEW_SIGNALS.join(', ')}, got "${v}"`);
    out[name as ReviewSignal] = parseShare(`--oversample ${name}`, v.slice(eq + 1));
  }
  const total = Object.values(out).reduce((a, b) => a + (b ?? 0), 0);
  if (total > 1 + 1e-9) usage(`--oversample shares add up to ${total}; they must add up to at most 1`);
  return out;
}

interface QueueOpts {
  workspace: string; week?: string; from?: string; to?: string; size: string; seed?: string; strata?: string; oversample?: string[];
  allocation?: 'proportional' | 'equal'; minPerStratum?: string; overlap?: string; name?: string; filter?: string[]; json?: boolean; includeUndated?: boolean;
}

function parseTime(flag: string, v: string): number {
  const ms = Date.parse(v);
  if (!Number.isFinite(ms)) usage(`${flag} expects an ISO date or time (e.g. 2026-11-16 or 2026-11-16T00:00:00Z), got "${v}"`);
  return ms;
}

/** Builds the design from the flags (synchronously, so bad usage fails before the store starts). */
export function queueDesignFromFlags(o: QueueOpts): QueueDesignInput {
  if (o.week === undefined && (o.from === undefined || o.to === undefined)) usage('give --week (e.g. 2026-W47) or both --from and --to');
  if (o.week !== undefined && (o.from !== undefined || o.to !== undefined)) usage('give either --week or --from/--to, not both');
  if (o.week !== undefined && !isoWeekSchema.safeParse(o.week).success) usage(`--week expects an ISO week such as 2026-W47, got "${o.week}"`);
  if (o.strata !== undefined && !strataFieldSchema.safeParse(o.strata).success) usage(`--strata expects a request column (feature, model, model_version, segment, lang, status, user_id, session_id, cost_source) or extra.<path>, got "${o.strata}"`);
  const filters: Record<string, string[]> = {};
  for (const f of o.filter ?? []) {
    const eq = f.indexOf('=');
    const col = eq > 0 ? f.slice(0, eq).trim() : '';
    if (!['model', 'model_version', 'feature', 'segment', 'lang', 'status', 'region', 'user_id'].includes(col)) usage(`--filter expects COLUMN=VALUE with COLUMN one of model, model_version, feature, segment, lang, status, region, user_id, got "${f}"`);
    (filters[col] ??= []).push(f.slice(eq + 1));
  }
  const from = o.from !== undefined ? parseTime('--from', o.from) : undefined;
  const to = o.to !== undefined ? parseTime('--to', o.to) : undefined;
  if (from !== undefined && to !== undefined && to <= from) usage('--to must be after --from');
  return {
    ...(o.week !== undefined ? { week: o.week } : { from_ts: from!, to_ts: to! }),
    size: parseInt0('--size', o.size, 1, 20000),
    seed: o.seed === undefined ? 1 : parseInt0('--seed', o.seed, 0, 2 ** 32 - 1),
    strata: o.strata ?? null,
    allocation: o.allocation ?? 'proportional',
    min_per_stratum: o.minPerStratum === undefined ? 2 : parseInt0('--min-per-stratum', o.minPerStratum, 0, 10000),
    oversample: parseOversample(o.oversample),
    overlap: o.overlap === undefined ? 0 : parseShare('--overlap', o.overlap),
    filters,
    include_undated: !!o.includeUndated,
    ...(o.name ? { name: o.name } : {}),
  };
}

type Helpers = { openClient(workspace: string, create: boolean, readOnly?: boolean): Promise<{ client: StoreClient }> };

async function queueCreate(design: QueueDesignInput, o: QueueOpts, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false);
  try {
    const q = await client.call('queues.create', design);
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ queue_id: q.queue_id, items: q.items.map((i) => ({ request_id: i.request_id, stratum: i.stratum, reason: i.reason, inclusion_probability: i.inclusion_probability })) })}\n`);
    } else {
      const lines = [`Queue ${q.queue_id}: ${q.items.length} items`];
      for (const s of q.strata) lines.push(`  ${s.key}: ${s.sampled} of ${s.population} (π = ${s.population ? (s.sampled / s.population).toPrecision(4) : '-'})${s.excluded_reviewed || s.excluded_duplicates ? `, left out ${s.excluded_reviewed} reviewed, ${s.excluded_duplicates} repeated inputs` : ''}`);
      for (const n of q.notes) lines.push(`  note: ${n}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

interface SimulateOpts extends QueueOpts { failureRate?: string; failureRates?: string[]; seeds?: string; halfWidth?: string }

/**
 * Parses `--failure-rates STRATUM=P` values: STRATUM is a field stratum key as `queue create` prints it
 * (`feature=chat`, `all`) or a signal (`thumbs_down`); the rate is after the last `=`.
 * @throws CommanderError (exit 2) naming the bad value
 */
export function parseFailureRates(values: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const eq = v.lastIndexOf('=');
    const key = eq > 0 ? v.slice(0, eq).trim() : '';
    if (!key) usage(`--failure-rates expects STRATUM=RATE (e.g. feature=chat=0.02 or thumbs_down=0.3), got "${v}"`);
    out[key] = parseShare(`--failure-rates ${key}`, v.slice(eq + 1));
  }
  return out;
}

/** Builds the `queues.simulate` params from the flags (synchronously: bad usage fails before the store starts). */
export function simulateFromFlags(o: SimulateOpts): SimulateInput {
  const design = queueDesignFromFlags(o);
  const rates = parseFailureRates(o.failureRates);
  return {
    design,
    seeds: o.seeds === undefined ? 1000 : parseInt0('--seeds', o.seeds, 10, 100_000),
    ...(o.failureRate !== undefined ? { failure_rate: parseShare('--failure-rate', o.failureRate) } : {}),
    ...(Object.keys(rates).length > 0 ? { failure_rates: rates } : {}),
    ...(o.halfWidth !== undefined ? { half_width: (() => { const h = parseShare('--half-width', o.halfWidth); if (!(h > 0 && h <= 0.5)) usage(`--half-width expects a share above 0 and at most 0.5 (e.g. 0.02), got "${o.halfWidth}"`); return h; })() } : {}),
  };
}

const pctText = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The human-readable form of a simulation. */
export function simulationText(r: SimulationResult): string {
  const lines: string[] = [];
  for (const d of r.designs) {
    const rates = d.failure_rate !== null && Object.keys(d.failure_rates).length === 0 ? `failure rate ${pctText(d.failure_rate)}` : `failure rates ${Object.entries(d.failure_rates).map(([k, v]) => `${k} ${pctText(v)}`).join(', ')}${d.failure_rate !== null ? `, others ${pctText(d.failure_rate)}` : ''}`;
    lines.push(`${d.size} items, ${rates}: true rate ${pctText(d.true_rate)}, 95% interval coverage ${pctText(d.coverage)} (misses below ${pctText(d.below)}, above ${pctText(d.above)}), mean estimate ${(d.mean_estimate * 100).toFixed(2)}%, relative bias ${d.relative_bias === null ? '–' : pctText(d.relative_bias)}, mean half-width ±${(d.mean_half_width * 100).toFixed(2)} points`);
  }
  const d = r.designs[0]!;
  lines.push(`  strata: ${d.frame.map((s) => `${s.key} ${s.sampled}/${s.population}`).join(', ')}`);
  lines.push(`  ${r.seeds} seeds through the queue sampler and the estimator`);
  if (r.size_for_half_width !== undefined) lines.push(`  queue size for that half-width: ${r.size_for_half_width === null ? 'not reachable even with every request' : r.size_for_half_width}`);
  return `${lines.join('\n')}\n`;
}

async function simulateCommand(input: SimulateInput, o: SimulateOpts, helpers: Helpers): Promise<number> {
  // Read-only (no lock, nothing written): it runs while the app has the workspace open.
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    const r = await client.call('queues.simulate', input);
    process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : simulationText(r));
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

type ReportOpts = { workspace: string; week?: string; queue?: string; format: 'md' | 'html' | 'pdf' | 'csv' | 'json'; paper: 'a4' | 'letter'; out: string };

async function reportCommand(o: ReportOpts, helpers: Helpers): Promise<number> {
  // Read-only (no lock, nothing written): it runs while the app has the workspace open, with its journaled reviews.
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    if (!o.week && !o.queue) {
      // Like the Report screen: the newest queue's week, else the latest week that has requests; said on stderr.
      const queues = await client.call('queues.list', {});
      const newest = [...queues].sort((a, b) => b.created_at - a.created_at).find((q) => q.week !== null);
      const week = newest?.week ?? (await client.call('queues.weeks', {})).weeks[0]?.week;
      if (!week) throw new LoupeError('NOT_FOUND', 'The workspace has no dated request, so there is no week to report.', { action: 'Import request logs with timestamps, or give --week.' });
      process.stderr.write(`loupe: reporting ${week} (${newest ? `the week of queue #${newest.id}, the newest` : 'the latest week with requests'}); --week chooses another.\n`);
      o.week = week;
    }
    const r = await client.call('report.weekly', { format: o.format, paper: o.paper, ...(o.week ? { week: o.week } : {}), ...(o.queue ? { queue_id: Number(o.queue) } : {}) });
    const bytes = r.encoding === 'base64' ? Buffer.from(r.text, 'base64') : Buffer.from(r.text, 'utf8');
    if (o.out === '-') process.stdout.write(bytes);
    else {
      fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
      fs.writeFileSync(o.out, bytes);
      process.stderr.write(`Wrote ${o.out} (${bytes.length} bytes${r.pages ? `, ${r.pages} pages` : ''}).\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/**
 * Registers `queue create` and `report` on the CLI program.
 * @param program - the root commander program (exitOverride and output already configured)
 * @param run - receives the command's promise of an exit code (main awaits it)
 * @param helpers - `openClient(workspace, create)`: starts the store worker and opens the workspace
 */
export function registerReviewCommands(program: Command, run: (p: Promise<number>) => void, helpers: Helpers): void {
  const ws = () => new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory();
  const queue = program.command('queue').description('Review queues.');
  queue.command('create')
    .description('Draw a stratified review queue for an ISO week (or a time range) and store it in the workspace.')
    .addOption(ws())
    .option('--week <week>', 'ISO week in the workspace time zone, e.g. 2026-W47')
    .option('--from <time>', 'start of a time range (ISO), instead of --week')
    .option('--to <time>', 'end of the time range (ISO, exclusive)')
    .option('--include-undated', 'also sample requests without a timestamp (e.g. benchmark logs)')
    .requiredOption('--size <n>', 'number of items')
    .option('--seed <n>', 'random seed (same workspace, design and seed: same queue)', '1')
    .option('--strata <field>', 'stratify on a request column (feature, model, model_version, segment, ...) or extra.<path>')
    .addOption(new Option('--allocation <how>', 'items per stratum').choices(['proportional', 'equal']).default('proportional'))
    .option('--min-per-stratum <n>', 'at least this many items per stratum (default 2)')
    .option('--oversample <SIGNAL=SHARE...>', `oversample a signal (${REVIEW_SIGNALS.join(', ')}) with a share of the queue; repeatable`)
    .option('--overlap <share>', 'share of the queue also assigned, blind, to a second reviewer')
    .option('--filter <COLUMN=VALUE...>', 'only requests with this value (model, model_version, feature, segment, lang, status, region, user_id); repeatable')
    .option('--name <name>', 'queue name')
    .option('--json', 'print {"queue_id","items":[...]} as JSON')
    .action((o: QueueOpts) => {
      const design = queueDesignFromFlags(o);
      run(queueCreate(design, o, helpers));
    });

  program.command('simulate')
    .description('Simulate a queue design on a week\'s real requests with synthetic failures, through the queue sampler and the estimator: coverage of the 95% interval, bias and half-width.')
    .addOption(ws())
    .option('--week <week>', 'ISO week in the workspace time zone, e.g. 2026-W47')
    .option('--from <time>', 'start of a time range (ISO), instead of --week')
    .option('--to <time>', 'end of the time range (ISO, exclusive)')
    .option('--include-undated', 'also sample requests without a timestamp')
    .requiredOption('--size <n>', 'number of items per queue')
    .option('--seed <n>', 'first seed: queues are drawn with seeds N, N+1, …; synthetic failures are placed with seed N', '1')
    .option('--strata <field>', 'stratify on a request column or extra.<path>')
    .addOption(new Option('--allocation <how>', 'items per stratum').choices(['proportional', 'equal']).default('proportional'))
    .option('--min-per-stratum <n>', 'at least this many items per stratum (default 2)')
    .option('--oversample <SIGNAL=SHARE...>', `oversample a signal (${REVIEW_SIGNALS.join(', ')}) with a share of the queue; repeatable`)
    .option('--filter <COLUMN=VALUE...>', 'only requests with this value; repeatable')
    .option('--failure-rate <p>', 'synthetic failure rate of every request (0-1)')
    .option('--failure-rates <STRATUM=P...>', 'synthetic failure rate per stratum (feature=chat=0.02) or signal (thumbs_down=0.3); repeatable')
    .option('--seeds <n>', 'queues to draw', '1000')
    .option('--half-width <h>', 'also find the queue size whose mean 95% half-width is at most h (a share, e.g. 0.02)')
    .option('--json', 'print {"designs":[...],"coverage","mean_estimate","true_rate","relative_bias","mean_half_width","seeds"}')
    .action((o: SimulateOpts) => {
      const input = simulateFromFlags(o);
      run(simulateCommand(input, o, helpers));
    });

  program.command('report')
    .description('Write the weekly report of a week (summary, review, feedback, tickets, metrics, alerts, drift).')
    .addOption(ws())
    .option('--week <week>', 'ISO week, e.g. 2026-W47 (default: the week of the newest review queue, else the latest week with requests)')
    .option('--queue <id>', 'a queue id instead of --week (the report of its week, with this queue as the review)')
    .addOption(new Option('--format <format>', 'report format').choices(['md', 'html', 'pdf', 'csv', 'json']).default('md'))
    .addOption(new Option('--paper <size>', 'PDF paper size').choices(['a4', 'letter']).default('a4'))
    .requiredOption('--out <file>', 'output file ("-" for stdout)')
    .action((o: ReportOpts) => {
      if (o.week && !isoWeekSchema.safeParse(o.week).success) usage(`--week expects an ISO week such as 2026-W47, got "${o.week}"`);
      if (o.queue !== undefined) parseInt0('--queue', o.queue, 1, Number.MAX_SAFE_INTEGER);
      // A queue reports its own week; with --week as well the two could disagree (the queue's week was written).
      if (o.queue !== undefined && o.week) usage('give --week or --queue, not both (a queue\'s report is of its own week)');
      // --out is a file (or - for stdout): a folder there is bad usage, not an internal error (EISDIR on write).
      if (o.out !== '-' && fs.existsSync(o.out) && fs.statSync(o.out).isDirectory()) usage(`--out expects a file, got the folder "${o.out}"`);
      run(reportCommand(o, helpers));
    });
}
