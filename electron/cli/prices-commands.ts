/**
 * The price-table commands of `npx loupe`. They talk to the store only through contract calls on a StoreClient.
 * Exit codes as in main.ts: 0 ran, 1 refused (reason on stderr, nothing changed), 2 bad usage.
 *
 *   loupe prices list   --workspace W [--json]
 *     --json prints an array of rows: {model, as_of, provider, input_usd_per_mtok, output_usd_per_mtok,
 *     cached_input_usd_per_mtok, cache_write_usd_per_mtok, batch_input_usd_per_mtok, batch_output_usd_per_mtok,
 *     source, updated_at, requests} (USD per million tokens; null where there is no such price; requests = stored
 *     requests whose derived cost used the row)
 *   loupe prices set MODEL --workspace W --input USD --output USD [--as-of YYYY-MM-DD (default: today, UTC)]
 *                    [--provider NAME] [--cached-input USD] [--cache-write USD] [--batch-input USD] [--batch-output USD]
 *                    [--source TEXT] [--json]
 *     adds or replaces the row (MODEL, as-of). Prices apply to imports from then on; stored costs keep their row.
 *   loupe prices import FILE --workspace W [--json]
 *     CSV with a header (model,as_of,input_usd_per_mtok,output_usd_per_mtok[,provider,cached_input_usd_per_mtok,
 *     cache_write_usd_per_mtok,batch_input_usd_per_mtok,batch_output_usd_per_mtok,source]) or JSON (an array of such
 *     rows, or {"as_of", "models": [...]}). All rows or none: any bad row refuses the file (exit 1), listing each
 *     bad row's line and field. --json prints {"file","added","replaced"}.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { usage } from './usage';
import { priceInputSchema, type PriceInput, type PriceRow } from '../../shared/contract-prices';
import { LoupeError } from '../../shared/errors';
import { parsePriceFile } from '../../shared/price-file';
import type { StoreClient } from '../store/client';

const EXIT_OK = 0;
const EXIT_REFUSED = 1;

type Helpers = { openClient(workspace: string, create: boolean, readOnly?: boolean): Promise<{ client: StoreClient }> };

function usd(flag: string, v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v.trim().toLowerCase() === 'none') return null;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) usage(`${flag} expects a price in USD per million tokens (e.g. 2.5), or "none", got "${v}"`);
  return n;
}

const money = (n: number | null) => (n === null ? '-' : `$${n}`);

/** The text table of `prices list`. */
export function priceTable(rows: PriceRow[]): string {
  const head = ['model', 'as_of', 'provider', 'input', 'output', 'cached', 'cache write', 'batch in', 'batch out', 'requests'];
  const body = rows.map((r) => [r.model, r.as_of, r.provider, money(r.input_usd_per_mtok), money(r.output_usd_per_mtok), money(r.cached_input_usd_per_mtok),
    money(r.cache_write_usd_per_mtok), money(r.batch_input_usd_per_mtok), money(r.batch_output_usd_per_mtok), String(r.requests)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i >= 3 ? x.padStart(w[i]!) : x.padEnd(w[i]!))).join('  ').trimEnd();
  return [`USD per million tokens`, line(head), ...body.map(line)].join('\n');
}

interface SetOpts {
  workspace: string; input: string; output: string; asOf?: string; provider?: string; cachedInput?: string; cacheWrite?: string;
  batchInput?: string; batchOutput?: string; source?: string; json?: boolean;
}

/** Builds the row of `prices set` from its flags (synchronously, so bad usage fails before the store starts). */
export function priceFromFlags(model: string, o: SetOpts, today = new Date().toISOString().slice(0, 10)): PriceInput {
  const row: Record<string, unknown> = {
    model, as_of: o.asOf ?? today, input_usd_per_mtok: usd('--input', o.input), output_usd_per_mtok: usd('--output', o.output),
  };
  const opt: Array<[string, string | undefined, string]> = [['--cached-input', o.cachedInput, 'cached_input_usd_per_mtok'], ['--cache-write', o.cacheWrite, 'cache_write_usd_per_mtok'],
    ['--batch-input', o.batchInput, 'batch_input_usd_per_mtok'], ['--batch-output', o.batchOutput, 'batch_output_usd_per_mtok']];
  for (const [flag, v, key] of opt) { const n = usd(flag, v); if (n !== undefined) row[key] = n; }
  if (row.input_usd_per_mtok === null || row.output_usd_per_mtok === null) usage('--input and --output need a price, not "none"');
  if (o.provider !== undefined) row.provider = o.provider;
  if (o.source !== undefined) row.source = o.source;
  const r = priceInputSchema.safeParse(row);
  if (!r.success) {
    const f = r.error.issues[0]!;
    usage(`${f.path[0] === 'as_of' ? '--as-of' : f.path[0] === 'model' ? 'MODEL' : String(f.path[0])}: ${f.message}`);
  }
  return row as PriceInput;
}

async function withClient<T>(helpers: Helpers, workspace: string, fn: (c: StoreClient) => Promise<T>, readOnly = false): Promise<T> {
  const { client } = await helpers.openClient(workspace, false, readOnly);
  try { return await fn(client); } finally { await client.close(); }
}

/**
 * Registers `prices list|set|import` on the CLI program.
 * @param run - receives the command's promise of an exit code (main awaits it)
 * @param helpers - `openClient(workspace, create, readOnly)`: starts the store worker and opens the workspace (read-only: no
 *   lock, nothing written)
 */
export function registerPricesCommands(program: Command, run: (p: Promise<number>) => void, helpers: Helpers): void {
  const ws = () => new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory();
  const prices = program.command('prices').description('The workspace\'s dated price table (USD per million tokens) used to cost requests whose source has no cost.');
  prices.command('list')
    .description('List every price row and how many stored requests each one priced.')
    .addOption(ws())
    .option('--json', 'print a JSON array of rows')
    .action((o: { workspace: string; json?: boolean }) => {
      // Read-only, like info and report: it runs while the app has the workspace open.
      run(withClient(helpers, o.workspace, async (c) => {
        const rows = await c.call('prices.list', {});
        process.stdout.write(o.json ? `${JSON.stringify(rows)}\n` : `${priceTable(rows)}\n`);
        return EXIT_OK;
      }, true));
    });
  prices.command('set')
    .description('Add or replace the price row of MODEL as of a day (applies to imports from then on).')
    .argument('<model>', 'model key, e.g. gpt-4o (dated ids such as gpt-4o-2024-08-06 match it)')
    .addOption(ws())
    .requiredOption('--input <usd>', 'input price, USD per million tokens')
    .requiredOption('--output <usd>', 'output price, USD per million tokens')
    .option('--as-of <date>', 'the day (UTC, YYYY-MM-DD) from which the prices apply (default: today)')
    .option('--provider <name>', 'provider, e.g. openai')
    .option('--cached-input <usd>', 'price of input read from the prompt cache ("none": priced at --input)')
    .option('--cache-write <usd>', 'price of input written to the prompt cache ("none": priced at --input)')
    .option('--batch-input <usd>', 'batch input price ("none": batch requests priced at standard prices)')
    .option('--batch-output <usd>', 'batch output price')
    .option('--source <text>', 'where the prices come from')
    .option('--json', 'print the stored row as JSON')
    .action((model: string, o: SetOpts) => {
      const row = priceFromFlags(model, o);
      run(withClient(helpers, o.workspace, async (c) => {
        const rows = await c.call('prices.set', { row });
        const stored = rows.find((r) => r.model === row.model.trim().toLowerCase() && r.as_of === row.as_of)!;
        process.stdout.write(o.json ? `${JSON.stringify(stored)}\n` : `Set ${stored.model} as of ${stored.as_of}: input $${stored.input_usd_per_mtok}, output $${stored.output_usd_per_mtok} per million tokens.\n`);
        return EXIT_OK;
      }));
    });
  prices.command('import')
    .description('Add or replace price rows from a CSV or JSON file (all rows or none).')
    .argument('<file>', 'CSV with a header row, or JSON')
    .addOption(ws())
    .option('--json', 'print {"file","added","replaced"}')
    .action((file: string, o: { workspace: string; json?: boolean }) => {
      let text: string;
      try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
        throw new LoupeError('IMPORT_UNREADABLE', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message}.`);
      }
      const parsed = parsePriceFile(file, text);
      if (parsed.errors.length || parsed.rows.length === 0) {
        const lines = parsed.errors.slice(0, 20).map((e) => `  line ${e.line}${e.field ? ` (${e.field})` : ''}: ${e.reason}`);
        if (parsed.errors.length > 20) lines.push(`  … ${parsed.errors.length - 20} more`);
        process.stderr.write(`loupe prices import: ${file}: refused: ${parsed.rows.length === 0 && !parsed.errors.length ? 'no price rows' : `${parsed.errors.length} bad row(s)`}; nothing was changed.\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
        run(Promise.resolve(EXIT_REFUSED));
        return;
      }
      run(withClient(helpers, o.workspace, async (c) => {
        const r = await c.call('prices.import', { rows: parsed.rows });
        process.stdout.write(o.json ? `${JSON.stringify({ file: path.basename(file), added: r.added, replaced: r.replaced })}\n`
          : `${path.basename(file)}: ${r.added} price row(s) added, ${r.replaced} replaced.\n`);
        return EXIT_OK;
      }));
    });
}
