/**
 * `npx loupe alerts`: the workspace's alerts for schedulers and scripts. Talks to the store only through contract
 * calls on a StoreClient; opens the workspace to read only (no lock, nothing written), so it runs while the app has
 * the workspace open.
 *
 *   loupe alerts --workspace W.sqlite [--from DATE] [--to DATE] [--json]
 *     --from / --to: ISO 8601 dates or times; a date without a time is midnight in the workspace time zone; --to is
 *     exclusive. Alerts are listed whose bucket starts in [from, to); default: the whole dated range.
 *     --json prints {"alerts":[{"rule","metric","bucket_start","bucket","group","value","baseline","threshold","state","runbook"}]}
 *     with bucket_start in ISO 8601 UTC, group null (the whole traffic) or e.g. {"feature":"search-answer"}, value,
 *     baseline and threshold in the metric's unit (shares 0-1, ms, USD, tickets) and runbook {"title","steps"}.
 * Exit codes as in main.ts: 0 ran (with or without alerts), 1 refused (reason on stderr), 2 bad usage.
 */
import { type Command, Option } from 'commander';
import { usage } from './usage';
import { DateTime } from 'luxon';
import type { Alert } from '../../shared/contract-alerts';
import type { StoreClient } from '../store/client';

const EXIT_OK = 0;

/**
 * Reads a --from/--to value: an ISO 8601 date or date-time; without an offset it is read in `zone`.
 * @returns UTC epoch ms, or null when the text is not ISO 8601
 */
export function parseAlertTime(v: string, zone: string): number | null {
  const d = DateTime.fromISO(v.trim(), { zone, setZone: false });
  return d.isValid ? d.toMillis() : null;
}

/**
 * Checks `--from` / `--to` before the store starts (in UTC; the command reads them again in the workspace's zone).
 * @throws CommanderError (exit 2) when one is not ISO 8601, or `--to` is not after `--from`
 */
export function checkTimeRange(from: string | undefined, to: string | undefined): void {
  for (const [flag, v] of [['--from', from], ['--to', to]] as const) {
    if (v !== undefined && parseAlertTime(v, 'UTC') === null) usage(`${flag} expects an ISO 8601 date or time (e.g. 2026-09-30 or 2026-09-30T00:00:00Z), got "${v}"`);
  }
  if (from !== undefined && to !== undefined && parseAlertTime(to, 'UTC')! <= parseAlertTime(from, 'UTC')!) usage('--to must be after --from');
}

/** One alert as `--json` prints it (the public field set; keep it stable). */
export function alertJson(a: Alert): Record<string, unknown> {
  return {
    rule: a.rule, metric: a.metric, bucket_start: new Date(a.bucket_start).toISOString(), bucket: a.bucket, group: a.group,
    value: a.value, baseline: a.baseline, threshold: a.threshold, state: a.state, runbook: { title: a.runbook.title, steps: a.runbook.steps },
  };
}

function groupText(a: Alert): string {
  return a.group === null ? 'all traffic' : Object.entries(a.group).map(([k, v]) => `${k} ${v}`).join(', ');
}

type Helpers = { openClient(workspace: string, create: boolean, readOnly?: boolean): Promise<{ client: StoreClient; info: { time_zone: string } }> };

interface AlertsOpts { workspace: string; from?: string; to?: string; json?: boolean }

async function alertsCommand(o: AlertsOpts, helpers: Helpers): Promise<number> {
  const { client, info } = await helpers.openClient(o.workspace, false, true);
  try {
    const zone = info.time_zone;
    const from = o.from !== undefined ? parseAlertTime(o.from, zone) : undefined;
    const to = o.to !== undefined ? parseAlertTime(o.to, zone) : undefined;
    const r = await client.call('alerts.list', { ...(from != null ? { from_ts: from } : {}), ...(to != null ? { to_ts: to } : {}) });
    const alerts = [...r.alerts].sort((x, y) => x.bucket_start - y.bucket_start || (x.group === null ? 0 : 1) - (y.group === null ? 0 : 1) || x.key.localeCompare(y.key));
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ alerts: alerts.map(alertJson) })}\n`);
    } else {
      const lines = alerts.length === 0
        ? [`No alerts${r.from_ts !== null && r.to_ts !== null ? ` from ${new Date(r.from_ts).toISOString()} to ${new Date(r.to_ts).toISOString()}` : ''}.`]
        : alerts.map((a) => `${a.bucket}  ${a.rule}  ${groupText(a)}  [${a.state}]\n  ${a.summary}\n  Runbook: ${a.runbook.title}: ${a.runbook.steps.join(' / ')}`);
      if (r.undated_requests > 0) lines.push(`(${r.undated_requests} requests without a timestamp are in no bucket and were left out.)`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/**
 * Registers `alerts` on the CLI program.
 * @param program the root commander program (exitOverride and output already configured)
 * @param run receives the command's promise of an exit code (main awaits it)
 * @param helpers `openClient(workspace, create, readOnly)`: starts the store worker and opens the workspace
 */
export function registerAlertsCommands(program: Command, run: (p: Promise<number>) => void, helpers: Helpers): void {
  program.command('alerts')
    .description('List the alerts of the baseline rules (error rate, p95 latency, daily cost, negative feedback, tickets) with their runbooks.')
    .addOption(new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory())
    .option('--from <date>', 'alerts whose bucket starts at or after this ISO date or time (a bare date is midnight in the workspace time zone)')
    .option('--to <date>', 'alerts whose bucket starts before this ISO date or time (exclusive)')
    .option('--json', 'print {"alerts":[{"rule","metric","bucket_start","bucket","group","value","baseline","threshold","state","runbook"}]}')
    .action((o: AlertsOpts) => {
      checkTimeRange(o.from, o.to);
      run(alertsCommand(o, helpers));
    });
}
