/**
 * The feedback and ticket commands of `npx loupe`. They open the workspace read only (nothing written, no lock), so
 * they work while the app has it open. Exit codes as in main.ts: 0 ran, 1 refused (reason on stderr), 2 bad usage.
 *
 *   loupe feedback --workspace W [--search TEXT] [--kind thumb|rating|nps|comment|preference] [--week 2026-W47]
 *                  [--from users|evaluators] [--limit N] [--json]
 *     --json prints {"total", "rows": [{"id", "kind", "value", "label", "comment", "ts", "request_id", "request_found",
 *     "source", "automated"}]}; `automated` is true for a row an automated evaluator wrote (an LLM judge, a scoring
 *     rule, by its `source`), which no users' figure counts; --from keeps users' rows or evaluators' rows only
 *     `request_found` is false when `request_id` names no request of the workspace (its request was not imported)
 *     `label` is the value in words ("thumbs down", "CSAT 2/5", "NPS 9 (promoter)", "comment"); `ts` ISO 8601 UTC or
 *     null; `total` counts every match, `rows` the first N (default 100), newest first. --search is the comment
 *     search of the Feedback screen (a phrase, case- and accent-insensitive, the last word as a prefix).
 *   loupe tickets rate --workspace W --by week|model_version|feature [--json]
 *     --json prints {"rows": [{"group", "tickets", "requests", "per_1000", "low", "high"}]}: tickets per 1,000
 *     requests with the exact Poisson 95% interval (Garwood 1936, the interval of R's poisson.test). By week every
 *     ticket counts in its creation week; by model version or feature a ticket counts through its linked request,
 *     and tickets without one are left out (said on stderr).
 */
import { type Command, Option } from 'commander';
import { usage } from './usage';
import { isoWeekSchema } from '../../shared/contract-review';
import type { FeedbackQuery } from '../../shared/contract-feedback';
import { FEEDBACK_KINDS, type FeedbackKind } from '../../shared/types';
import type { StoreClient } from '../store/client';

const EXIT_OK = 0;
/** Rows fetched per store call; --limit may ask for more, fetched page by page. */
const PAGE = 1000;

type Helpers = { openClient(workspace: string, create: boolean, readOnly?: boolean): Promise<{ client: StoreClient }> };

interface FeedbackOpts { workspace: string; search?: string; kind?: FeedbackKind; week?: string; from?: 'users' | 'evaluators'; limit: string; json?: boolean }

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function feedbackCommand(o: FeedbackOpts, limit: number, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    const filter: NonNullable<FeedbackQuery['filter']> = {
      ...(o.search ? { text: o.search } : {}), ...(o.kind ? { kind: [o.kind] } : {}), ...(o.week ? { week: o.week } : {}), ...(o.from ? { from: o.from } : {}),
    };
    const rows: Array<{ id: string; kind: string; value: number | null; label: string; comment: string | null; ts: string | null; request_id: string | null; request_found: boolean; source: string | null; automated: boolean }> = [];
    let total = 0;
    for (let offset = 0; offset < limit; offset += PAGE) {
      const page = await client.call('feedback.query', { offset, limit: Math.min(PAGE, limit - offset), sort: { column: 'ts', desc: true }, filter });
      total = page.total;
      for (const r of page.rows) rows.push({ id: r.id, kind: r.kind, value: r.value, label: r.value_text, comment: r.comment, ts: iso(r.ts), request_id: r.request_id, request_found: r.request_found, source: r.source, automated: r.automated });
      if (page.rows.length < PAGE) break;
    }
    if (o.json) process.stdout.write(`${JSON.stringify({ total, rows })}\n`);
    else {
      const lines = [`${total} feedback row${total === 1 ? '' : 's'}${rows.length < total ? ` (first ${rows.length})` : ''}`];
      for (const r of rows) lines.push(`${r.ts ?? '(no time)'}  ${r.id}  ${r.label}${r.automated ? ` (automated evaluator: ${r.source})` : ''}${r.request_id ? `  request ${r.request_id}${r.request_found ? '' : ' (not in this workspace)'}` : ''}${r.comment ? `\n    ${r.comment.replace(/\s+/g, ' ')}` : ''}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

async function ticketRateCommand(o: { workspace: string; by: 'week' | 'model_version' | 'feature'; json?: boolean }, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    const r = await client.call('tickets.rate', { by: o.by });
    const rows = r.rows.map((x) => ({ group: x.group, tickets: x.tickets, requests: x.requests, per_1000: x.per_1000, low: x.low, high: x.high }));
    if (r.left_out.tickets > 0) process.stderr.write(`loupe tickets rate: ${r.left_out.tickets} ticket(s) left out: ${r.left_out.reason}.\n`);
    if (o.json) process.stdout.write(`${JSON.stringify({ rows })}\n`);
    else {
      const f = (v: number | null) => (v === null ? '-' : v.toFixed(2));
      const lines = [`Tickets per 1,000 requests by ${o.by} (${r.method})`, `${'group'.padEnd(22)} ${'tickets'.padStart(8)} ${'requests'.padStart(10)} ${'per 1,000'.padStart(10)}  95% interval`];
      for (const x of rows) lines.push(`${x.group.padEnd(22)} ${String(x.tickets).padStart(8)} ${String(x.requests).padStart(10)} ${f(x.per_1000).padStart(10)}  ${x.low === null || x.high === null ? '-' : `${f(x.low)}-${f(x.high)}`}`);
      // Said under the table too (stderr alone was easy to miss): a row of 0 tickets may only mean they were left out.
      if (r.left_out.tickets > 0) lines.push(`Left out of every row: ${r.left_out.reason}.`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/**
 * Registers `feedback` and `tickets rate` on the CLI program.
 * @param program - the root commander program (exitOverride and output already configured)
 * @param run - receives the command's promise of an exit code (main awaits it)
 * @param helpers - `openClient(workspace, create, readOnly)`: starts the store worker and opens the workspace
 */
export function registerFeedbackCommands(program: Command, run: (p: Promise<number>) => void, helpers: Helpers): void {
  const ws = () => new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory();
  program.command('feedback')
    .description('List feedback, newest first: search comments, filter by kind and ISO week.')
    .addOption(ws())
    .option('--search <text>', 'comment search (a phrase; case- and accent-insensitive; last word as a prefix)')
    .addOption(new Option('--kind <kind>', 'feedback kind').choices([...FEEDBACK_KINDS]))
    .option('--week <week>', 'ISO week of the feedback, in the workspace time zone, e.g. 2026-W47')
    .addOption(new Option('--from <who>', 'users\' rows, or automated evaluators\' (LLM judges, scoring rules: in no users\' figure)').choices(['users', 'evaluators']))
    .option('--limit <n>', 'rows to print (the total counts every match)', '100')
    .option('--json', 'print {"total","rows":[...]} as JSON')
    .action((o: FeedbackOpts) => {
      if (o.week !== undefined && !isoWeekSchema.safeParse(o.week).success) usage(`--week expects an ISO week such as 2026-W47, got "${o.week}"`);
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000_000) usage(`--limit expects a whole number from 1 to 10000000, got "${o.limit}"`);
      if (o.search !== undefined && (!o.search.trim() || o.search.length > 500)) usage('--search expects 1 to 500 characters of text');
      run(feedbackCommand(o, limit, helpers));
    });

  const tickets = program.command('tickets').description('Ticket analysis.');
  tickets.command('rate')
    .description('Tickets per 1,000 requests by week, model version or feature, with exact Poisson 95% intervals.')
    .addOption(ws())
    .addOption(new Option('--by <dimension>', 'group by').choices(['week', 'model_version', 'feature']).makeOptionMandatory())
    .option('--json', 'print {"rows":[...]} as JSON')
    .action((o: { workspace: string; by: 'week' | 'model_version' | 'feature'; json?: boolean }) => { run(ticketRateCommand(o, helpers)); });
}
