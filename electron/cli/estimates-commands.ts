/**
 * The review's numbers for scripts: the week's estimates, the queues and reviewer agreement. They talk to the store
 * only through contract calls (`estimates.week`, `queues.list`, `agreement.queue`) and open the workspace to read
 * only (no lock, nothing written), so they run while the app has the workspace open.
 *
 *   loupe estimates --workspace W.sqlite (--week 2026-W47 | --queue N) [--json]
 *     The estimates of the week's newest queue with a review, else its newest queue (or of queue N), for the whole frame: failure rate, pass rate per
 *     criterion and tag rates, each with its 95% interval (shared/review-types.ts INTERVAL_METHOD), the frame, strata
 *     and notes. --json prints the `estimates.week` object (WeekEstimates: `population`, `frame`, `reviewed`,
 *     `failures`, `strata`, `metrics` [{"key","label","kind","estimate","se","low","high","method","effective_n",
 *     "sample_rate","n","k","small_sample","reason",…}], `notes`, …); rates are shares 0-1, times UTC epoch ms.
 *   loupe queue list --workspace W.sqlite [--week 2026-W47] [--json]
 *     --json prints {"queues":[{"id","name","week","from_ts","to_ts","created_at","size","decided","reviewed","skipped","overlap_items","overlap_done","reviewers"}]}
 *   loupe agreement --workspace W.sqlite --queue N [--json]
 *     Cohen's kappa (and linear weighted kappa on scale criteria) between the first two reviewers of the queue's
 *     overlap items, per criterion, with the disagreements. --json prints the `agreement.queue` object.
 * Exit codes as in main.ts: 0 ran, 1 refused (e.g. QUEUE_NOT_FOUND, no queue for the week; reason on stderr), 2 bad usage.
 */
import { type Command, Option } from 'commander';
import { usage } from './usage';
import { isoWeekSchema } from '../../shared/contract-review';
import type { QueueAgreement, QueueSummary, WeekEstimates } from '../../shared/review-types';
import type { StoreClient } from '../store/client';

const EXIT_OK = 0;

type Helpers = { openClient(workspace: string, create: boolean, readOnly?: boolean): Promise<{ client: StoreClient }> };

const int = (x: number) => x.toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

function queueId(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= 1)) usage(`--queue expects a queue id (a whole number from 1), got "${v}"`);
  return n;
}

function week(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!isoWeekSchema.safeParse(v).success) usage(`--week expects an ISO week such as 2026-W47, got "${v}"`);
  return v;
}

/**
 * The estimates as text: the frame, the design, one line per rate with its interval, then the notes.
 * @returns lines, without a final line feed
 */
export function estimatesText(e: WeekEstimates): string[] {
  const out = [
    `${e.queue_name} (queue ${e.queue_id}${e.week ? `, ${e.week}` : ''}): a frame of ${int(e.population)} requests`,
    `Reviewed ${int(e.reviewed)} (failures ${int(e.failures)}); this queue: ${int(e.queue_reviewed)} of ${int(e.queued)} reviewed, ${int(e.skipped)} skipped.`,
    e.design,
    `Intervals: ${e.method.name} (${e.method.reference}).`,
    '',
  ];
  const labelW = Math.max(4, ...e.metrics.map((m) => m.label.length));
  out.push(`${'rate'.padEnd(labelW)}  estimate  95% interval     n  events  sample`);
  for (const m of e.metrics) {
    const ci = m.low === null || m.high === null ? '–' : `${pct(m.low)} – ${pct(m.high)}`;
    const flags = [m.estimate !== null && m.reviewed_share < 1 ? `reviewed strata ${pct(m.reviewed_share)} of the frame${m.covered_share > m.reviewed_share ? `, ${pct(m.covered_share)} with collapsed strata` : ''}` : null, m.small_sample ? m.reason : null].filter(Boolean);
    out.push(`${m.label.padEnd(labelW)}  ${pct(m.estimate).padStart(8)}  ${ci.padStart(15)}  ${int(m.n).padStart(4)}  ${int(m.k).padStart(6)}  ${pct(m.sample_rate).padStart(6)}${flags.length ? `  (${flags.join('; ')})` : ''}`);
  }
  if (e.notes.length) out.push('', ...e.notes);
  return out;
}

async function estimatesCommand(o: { workspace: string; week?: string; queue?: string; json?: boolean }, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    const id = queueId(o.queue);
    const e = await client.call('estimates.week', { ...(o.week !== undefined ? { week: o.week } : {}), ...(id !== undefined ? { queue_id: id } : {}) });
    process.stdout.write(o.json ? `${JSON.stringify(e)}\n` : `${estimatesText(e).join('\n')}\n`);
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/** One queue as `queue list --json` prints it (the public field set; keep it stable). */
export function queueJson(q: QueueSummary): Record<string, unknown> {
  return {
    id: q.id, name: q.name, week: q.week, from_ts: q.from_ts, to_ts: q.to_ts, created_at: q.created_at, size: q.size,
    decided: q.decided, reviewed: q.reviewed, skipped: q.skipped, overlap_items: q.overlap_items, overlap_done: q.overlap_done, reviewers: q.reviewers,
  };
}

async function queueListCommand(o: { workspace: string; week?: string; json?: boolean }, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    const qs = await client.call('queues.list', o.week !== undefined ? { week: o.week } : {});
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ queues: qs.map(queueJson) })}\n`);
    } else {
      const lines = qs.length === 0 ? [`No queues${o.week ? ` for ${o.week}` : ''}.`]
        : qs.map((q) => `${String(q.id).padStart(4)}  ${(q.week ?? '').padEnd(8)}  ${q.name}  ${int(q.reviewed)} of ${int(q.size)} reviewed, ${int(q.skipped)} skipped${q.overlap_items ? `, overlap ${int(q.overlap_done)}/${int(q.overlap_items)}` : ''}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/**
 * The agreement as text: one line per criterion (items, percent agreement, kappa), then the disagreements.
 * @returns lines, without a final line feed
 */
export function agreementText(a: QueueAgreement): string[] {
  const f = (x: number | null, d = 2) => (x === null ? '–' : x.toFixed(d));
  const out = [`Queue ${a.queue_id}: ${int(a.items_with_two_reviews)} items reviewed by two reviewers${a.pairs.length ? ` (${a.pairs.map((p) => `${p.reviewer_a} & ${p.reviewer_b}: ${int(p.items)}`).join('; ')})` : ''}.`];
  if (a.items_with_two_reviews === 0) return out;
  out.push('criterion  items  agreement  Cohen\'s kappa  weighted kappa');
  for (const c of a.criteria) out.push(`${c.label}  ${int(c.n)}  ${c.percent_agreement === null ? '–' : `${c.percent_agreement.toFixed(1)}%`}  ${f(c.kappa)}  ${f(c.weighted_kappa)}`);
  if (a.disagreements.length) {
    out.push('', 'Disagreements:');
    for (const d of a.disagreements) out.push(`  item ${d.position} (${d.request_id}) ${d.criterion}: ${d.reviewer_a} / ${d.reviewer_b}`);
  }
  return out;
}

async function agreementCommand(o: { workspace: string; queue: string; json?: boolean }, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    const a = await client.call('agreement.queue', { queue_id: queueId(o.queue)! });
    process.stdout.write(o.json ? `${JSON.stringify(a)}\n` : `${agreementText(a).join('\n')}\n`);
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/**
 * Registers `estimates`, `agreement` and `queue list` on the CLI program.
 * @param program the root commander program (exitOverride and output already configured), `queue` already registered
 * @param run receives the command's promise of an exit code (main awaits it)
 * @param helpers `openClient(workspace, create, readOnly)`: starts the store worker and opens the workspace
 */
export function registerEstimatesCommands(program: Command, run: (p: Promise<number>) => void, helpers: Helpers): void {
  const ws = () => new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory();
  program.command('estimates')
    .description('The review\'s estimates for the whole week\'s traffic: failure rate, pass rate per criterion and tag rates, each with its 95% interval.')
    .addOption(ws())
    .option('--week <week>', 'ISO week: the estimates of its newest queue with a review, else of its newest queue')
    .option('--queue <id>', 'the estimates of this queue')
    .option('--json', 'print the estimates.week object (frame, strata, metrics with estimate, low, high, n, k, …)')
    .action((o: { workspace: string; week?: string; queue?: string; json?: boolean }) => {
      week(o.week);
      queueId(o.queue);
      if ((o.week === undefined) === (o.queue === undefined)) usage('give --week or --queue (one of them)');
      run(estimatesCommand(o, helpers));
    });
  program.command('agreement')
    .description('Agreement between reviewers on a queue\'s overlap items: percent agreement and Cohen\'s kappa per criterion, and the disagreements.')
    .addOption(ws())
    .requiredOption('--queue <id>', 'queue id')
    .option('--json', 'print the agreement.queue object')
    .action((o: { workspace: string; queue: string; json?: boolean }) => {
      queueId(o.queue);
      run(agreementCommand(o, helpers));
    });
  const queue = program.commands.find((c) => c.name() === 'queue');
  if (!queue) throw new Error('registerEstimatesCommands: register the queue command first');
  queue.command('list')
    .description('The workspace\'s review queues with their progress.')
    .addOption(ws())
    .option('--week <week>', 'only the queues of this ISO week')
    .option('--json', 'print {"queues":[{"id","name","week","from_ts","to_ts","created_at","size","decided","reviewed","skipped","overlap_items","overlap_done","reviewers"}]}')
    .action((o: { workspace: string; week?: string; json?: boolean }) => {
      week(o.week);
      run(queueListCommand(o, helpers));
    });
}
