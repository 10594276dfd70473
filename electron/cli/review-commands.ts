/**
 * The review commands of `npx loupe`: `queue create` and `report`. They talk to the store only through contract
 * calls on a StoreClient. Exit codes as in main.ts: 0 ran, 1 refused (reason on stderr), 2 bad usage.
 *
 *   loupe queue create --workspace W.sqlite --week 2026-W47 --size 100 --seed 7 [--strata FIELD]
 *                      [--oversample SIGNAL=SHARE ...] [--allocation proportional|equal] [--min-per-stratum N]
 *                      [--overlap SHARE] [--name NAME] [--include-undated] [--json]
 *     --json prints {"queue_id", "items": [{"request_id", "stratum", "reason", "inclusion_probability"}]}
 *   loupe report --workspace W.sqlite --week 2026-W47 --format md|html|csv|json --out FILE ("-" for stdout)
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Command, CommanderError, Option } from 'commander';
import { isoWeekSchema, strataFieldSchema, type QueueDesignInput } from '../../shared/contract-review';
import { REVIEW_SIGNALS, type ReviewSignal } from '../../shared/review-types';
import type { StoreClient } from '../store/client';

const EXIT_OK = 0;

/** Thrown for bad usage; main.ts turns a CommanderError into exit code 2. The message is printed here first. */
function usage(message: string): never {
  process.stderr.write(`loupe: ${message}\n`);
  throw new CommanderError(2, 'loupe.usage', message);
}

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
    min_per_stratum: o.minPerStratum === undefined ? 0 : parseInt0('--min-per-stratum', o.minPerStratum, 0, 10000),
    oversample: parseOversample(o.oversample),
    overlap: o.overlap === undefined ? 0 : parseShare('--overlap', o.overlap),
    filters,
    include_undated: !!o.includeUndated,
    ...(o.name ? { name: o.name } : {}),
  };
}

type Helpers = { openClient(workspace: string, create: boolean): Promise<{ client: StoreClient }> };

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

async function reportCommand(o: { workspace: string; week?: string; queue?: string; format: 'md' | 'html' | 'csv' | 'json'; out: string }, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false);
  try {
    const r = await client.call('report.render', { format: o.format, ...(o.week ? { week: o.week } : {}), ...(o.queue ? { queue_id: Number(o.queue) } : {}) });
    if (o.out === '-') process.stdout.write(r.text);
    else {
      fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
      fs.writeFileSync(o.out, r.text);
      process.stderr.write(`Wrote ${o.out} (${Buffer.byteLength(r.text)} bytes).\n`);
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
    .option('--min-per-stratum <n>', 'at least this many items per stratum')
    .option('--oversample <SIGNAL=SHARE...>', `oversample a signal (${REVIEW_SIGNALS.join(', ')}) with a share of the queue; repeatable`)
    .option('--overlap <share>', 'share of the queue also assigned, blind, to a second reviewer')
    .option('--filter <COLUMN=VALUE...>', 'only requests with this value (model, model_version, feature, segment, lang, status, region, user_id); repeatable')
    .option('--name <name>', 'queue name')
    .option('--json', 'print {"queue_id","items":[...]} as JSON')
    .action((o: QueueOpts) => {
      const design = queueDesignFromFlags(o);
      run(queueCreate(design, o, helpers));
    });

  program.command('report')
    .description('Write the review report of a week (its newest queue).')
    .addOption(ws())
    .option('--week <week>', 'ISO week, e.g. 2026-W47')
    .option('--queue <id>', 'a queue id instead of --week')
    .addOption(new Option('--format <format>', 'report format').choices(['md', 'html', 'csv', 'json']).default('md'))
    .requiredOption('--out <file>', 'output file ("-" for stdout)')
    .action((o: { workspace: string; week?: string; queue?: string; format: 'md' | 'html' | 'csv' | 'json'; out: string }) => {
      if (!o.week && !o.queue) usage('give --week (e.g. 2026-W47) or --queue ID');
      if (o.week && !isoWeekSchema.safeParse(o.week).success) usage(`--week expects an ISO week such as 2026-W47, got "${o.week}"`);
      if (o.queue !== undefined) parseInt0('--queue', o.queue, 1, Number.MAX_SAFE_INTEGER);
      run(reportCommand(o, helpers));
    });
}
