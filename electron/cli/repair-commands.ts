/**
 * `loupe repair --workspace W [--json]`: opens a workspace whose journal has damaged entries, keeping every valid
 * one (applied and saved); the damaged lines are set aside with the whole journal copied to
 * `W.loupe-journal.damaged-<time>`, never deleted. On a healthy workspace it changes nothing and says so.
 * Exit codes as in main.ts: 0 repaired or nothing to repair, 1 refused (reason on stderr).
 *
 * `--json` prints `{"repaired": boolean, "notices": [string], "reviews": number}`.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { WorkspaceInfo } from '../../shared/types';
import type { StoreClient } from '../store/client';

type OpenClient = (workspace: string, create: boolean, readOnly?: boolean, keepValid?: boolean) => Promise<{ client: StoreClient; info: WorkspaceInfo }>;

/**
 * Registers `repair`.
 * @param program - the CLI program
 * @param run - receives the command's promise of an exit code
 * @param deps.openClient - main.ts's opener (prints the notices on stderr)
 */
export function registerRepairCommand(program: Command, run: (p: Promise<number>) => void, deps: { openClient: OpenClient }): void {
  program.command('repair')
    .description('Open a workspace whose journal has damaged entries, keeping every valid entry (the journal is copied aside first).')
    .addOption(new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory())
    .option('--json', 'print JSON')
    .action((o: { workspace: string; json?: boolean }) => {
      run((async () => {
        const { client, info } = await deps.openClient(o.workspace, false, false, true);
        await client.close();
        const notices = info.notices ?? [];
        const repaired = notices.length > 0;
        if (o.json) process.stdout.write(`${JSON.stringify({ repaired, notices, reviews: info.counts.reviews })}\n`);
        else process.stdout.write(repaired ? `${info.file_name}: repaired and saved (${info.counts.reviews} reviews).\n` : `${info.file_name}: the journal is whole; nothing to repair.\n`);
        return 0;
      })());
    });
}
