/**
 * `npx loupe metrics`: the Metrics screen's series for scripts and terminals: per ISO week, day or hour, requests,
 * error rate, p50/p95/p99 latency, tokens, cost, thumbs-up rate, CSAT and NPS, filtered like the screen. Talks to the
 * store only through the `metrics.series` contract call; opens the workspace to read only (no lock, nothing
 * written), so it runs while the app has the workspace open.
 *
 *   loupe metrics --workspace W.sqlite [--bucket week|day|hour] [--from DATE] [--to DATE]
 *                 [--feature X] [--model X] [--model-version X] [--segment X] [--region X] [--lang X] [--user X]
 *                 [--breakdown feature|model|model_version|segment|region|lang|user_id] [--json]
 *     --from / --to: ISO 8601 dates or times; a date without a time is midnight in the workspace time zone; --to is
 *     exclusive. Default: the whole dated range, in whole buckets.
 *     --json prints the series object of `metrics.series` (shared/contract-metrics.ts MetricsSeries: `buckets` with
 *     `label`, `start_ts`/`end_ts` (UTC epoch ms), `requests`, `error_rate` {rate,low,high,k,n}, `latency`
 *     {p50,p95,p99,n,method,relative_error} in ms, `tokens_in_mean`, `tokens_out_mean`, `cost_total_usd` (USD),
 *     `thumbs`, `csat`, `nps`; `breakdown` (null without --breakdown); `undated_requests`, `undated_feedback` and
 *     `feedback_not_charted`, what the buckets leave out; `quantiles`), without its timing fields.
 *   loupe drift --workspace W.sqlite [--current 2026-W47] [--reference 2026-W46] [--feature X] [--alpha 0.05] [--json]
 *     Drift of the current ISO week against the reference (default: the latest complete week against the four before
 *     it): per column, KS (numeric) or chi-square (categorical) with Benjamini–Hochberg adjusted p, and PSI.
 *     --json prints the `metrics.drift` object (reference, current, rows [{"column","kind","test","n_reference",
 *     "n_current","n_without_value_reference","n_without_value_current","statistic","dof","p_value","p_adjusted",
 *     "rejected","method","insufficient","note","psi","psi_band","psi_flag",…}], undated_requests), without its timing.
 * Exit codes as in main.ts: 0 ran (with or without data), 1 refused (reason on stderr), 2 bad usage.
 */
import { type Command, Option } from 'commander';
import { usage } from './usage';
import { METRIC_DIMS, type MetricDim, type MetricsDrift, type MetricsFilter, type MetricsSeries } from '../../shared/contract-metrics';
import { isoWeekSchema } from '../../shared/contract-review';
import type { StoreClient } from '../store/client';
import { checkTimeRange, parseAlertTime } from './alerts-commands';

const EXIT_OK = 0;

type Helpers = { openClient(workspace: string, create: boolean, readOnly?: boolean): Promise<{ client: StoreClient; info: { time_zone: string } }> };

interface MetricsOpts {
  workspace: string; bucket: 'week' | 'day' | 'hour'; from?: string; to?: string; json?: boolean; breakdown?: MetricDim;
  feature?: string; model?: string; modelVersion?: string; segment?: string; region?: string; lang?: string; user?: string;
}

/** The request filter the flags give (exact matches, as on the screen). */
export function metricsFilterOf(o: Pick<MetricsOpts, 'feature' | 'model' | 'modelVersion' | 'segment' | 'region' | 'lang' | 'user'>): MetricsFilter {
  const f: MetricsFilter = {};
  if (o.feature !== undefined) f.feature = o.feature;
  if (o.model !== undefined) f.model = o.model;
  if (o.modelVersion !== undefined) f.model_version = o.modelVersion;
  if (o.segment !== undefined) f.segment = o.segment;
  if (o.region !== undefined) f.region = o.region;
  if (o.lang !== undefined) f.lang = o.lang;
  if (o.user !== undefined) f.user_id = o.user;
  return f;
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const int = (x: number) => x.toLocaleString('en-US');
const ms = (x: number | null) => (x === null ? '–' : int(Math.round(x)));

/**
 * The series as a text table, one line per bucket, and what it leaves out.
 * @returns lines, without a final line feed
 */
export function metricsTable(s: MetricsSeries): string[] {
  const head = ['bucket', 'requests', 'error rate', 'p50 ms', 'p95 ms', 'p99 ms', 'tokens in/out', 'cost USD', 'thumbs up', 'CSAT', 'NPS'];
  const rows = s.buckets.map((b) => [
    `${b.label}${b.complete ? '' : '*'}`, int(b.requests),
    b.error_rate.n > 0 ? `${pct(b.error_rate.rate)} (${int(b.error_rate.k)}/${int(b.error_rate.n)})` : 'unknown',
    ms(b.latency.p50), ms(b.latency.p95), ms(b.latency.p99),
    `${b.tokens_in_mean === null ? '–' : Math.round(b.tokens_in_mean)}/${b.tokens_out_mean === null ? '–' : Math.round(b.tokens_out_mean)}`,
    b.cost_total_usd !== null ? b.cost_total_usd.toFixed(2) : '–',
    b.thumbs.n > 0 ? `${pct(b.thumbs.rate)} (${int(b.thumbs.n)})` : '–',
    b.csat.n > 0 ? `${pct(b.csat.csat)} (${int(b.csat.n)})` : '–',
    b.nps.n > 0 ? `${b.nps.nps === null ? '–' : Math.round(b.nps.nps)} (${int(b.nps.n)})` : '–',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = s.buckets.length === 0 ? ['No dated request in this range.'] : [line(head), ...rows.map(line)];
  if (s.buckets.some((b) => !b.complete)) out.push('* bucket not complete: cut by the range, not ended yet, or past the last request.');
  if (s.quantiles.method !== 'exact') out.push(`Latency percentiles within ±${+(s.quantiles.relative_error * 100).toFixed(2)}% (DDSketch) where a bucket has over 100 latencies.`);
  if (s.undated_requests > 0) out.push(`${int(s.undated_requests)} requests without a timestamp are in no bucket and were left out.`);
  const uf = s.undated_feedback;
  if (uf.thumbs + uf.ratings + uf.nps > 0) out.push(`Feedback with no time (nor a dated request), left out: ${int(uf.thumbs)} thumbs, ${int(uf.ratings)} ratings, ${int(uf.nps)} NPS answers.`);
  const nr = s.feedback_not_charted.ratings;
  const nn = s.feedback_not_charted.nps;
  if (nr > 0) out.push(`${int(nr)} rating${nr === 1 ? ' is' : 's are'} not CSAT (another scale, such as 1-10, or not a whole 1-5): left out.`);
  if (nn > 0) out.push(`${int(nn)} NPS answer${nn === 1 ? ' is' : 's are'} not a whole 0-10: left out.`);
  const na = s.feedback_not_charted.automated;
  if (na > 0) out.push(`${int(na)} score${na === 1 ? '' : 's'} (thumbs, ratings, NPS) from automated evaluators such as LLM judges ${na === 1 ? 'is' : 'are'} no user's answer: left out.`);
  if (s.breakdown) {
    out.push('', `By ${s.breakdown.by} (p95 ms · error rate · requests), per bucket:`);
    for (const g of s.breakdown.groups) {
      out.push(`  ${g.key}: ${g.points.map((p) => `${p.label} ${ms(p.p95_ms)} · ${p.with_status > 0 ? pct(p.error_rate) : 'unknown'} · ${int(p.requests)}`).join('  |  ')}`);
    }
    if (s.breakdown.other_values > 0) out.push(`  (other) holds ${int(s.breakdown.other_values)} more values.`);
  }
  return out;
}

async function metricsCommand(o: MetricsOpts, helpers: Helpers): Promise<number> {
  const { client, info } = await helpers.openClient(o.workspace, false, true);
  try {
    const zone = info.time_zone;
    const from = o.from !== undefined ? parseAlertTime(o.from, zone) : null;
    const to = o.to !== undefined ? parseAlertTime(o.to, zone) : null;
    const s = await client.call('metrics.series', {
      bucket: o.bucket, filter: metricsFilterOf(o), breakdown: o.breakdown ?? 'none',
      ...(from !== null ? { from_ts: from } : {}), ...(to !== null ? { to_ts: to } : {}),
    });
    if (o.json) {
      const { elapsed_ms: _e, cached: _c, ...rest } = s;
      process.stdout.write(`${JSON.stringify(rest)}\n`);
    } else {
      process.stdout.write(`${metricsTable(s).join('\n')}\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/**
 * The drift comparison as text: the windows, then one line per column (test, statistic, adjusted p, PSI), flagged first.
 * @returns lines, without a final line feed
 */
export function driftText(d: MetricsDrift): string[] {
  const out = [`Drift of ${d.current.label} (${int(d.current.requests)} requests) against ${d.reference.label} (${int(d.reference.requests)})${d.feature ? `, feature ${d.feature}` : ''}; α ${d.alpha}, Benjamini–Hochberg across columns.`];
  const f = (x: number | null, digits: number) => (x === null ? '–' : x < 1e-4 && x > 0 ? x.toExponential(1) : x.toFixed(digits));
  const w = Math.max(6, ...d.rows.map((r) => r.column.length));
  out.push(`${'column'.padEnd(w)}  test        statistic  p adjusted  PSI     verdict`);
  for (const r of d.rows) {
    const verdict = r.insufficient ? 'too few values' : r.rejected ? 'drift' : r.psi_flag ? `PSI ${r.psi_band}` : 'no drift';
    out.push(`${r.column.padEnd(w)}  ${r.test.padEnd(10)}  ${f(r.statistic, 3).padStart(9)}  ${f(r.p_adjusted, 4).padStart(10)}  ${f(r.psi, 3).padStart(6)}  ${verdict}${r.note ? ` (${r.note})` : ''}`);
    const without = r.n_without_value_reference + r.n_without_value_current;
    if (without > 0) out.push(`${''.padEnd(w)}  ${int(r.n_without_value_reference)} + ${int(r.n_without_value_current)} requests without a value, left out`);
  }
  if (d.undated_requests > 0) out.push(`${int(d.undated_requests)} requests without a timestamp are in neither window.`);
  return out;
}

async function driftCommand(o: { workspace: string; current?: string; reference?: string; feature?: string; alpha: string; exact?: boolean; json?: boolean }, helpers: Helpers): Promise<number> {
  const { client } = await helpers.openClient(o.workspace, false, true);
  try {
    const d = await client.call('metrics.drift', {
      ...(o.current !== undefined ? { current: { week: o.current } } : {}), ...(o.reference !== undefined ? { reference: { week: o.reference } } : {}),
      ...(o.feature !== undefined ? { feature: o.feature } : {}), alpha: Number(o.alpha), ...(o.exact ? { source: 'requests' as const } : {}),
    });
    if (o.json) {
      const { elapsed_ms: _e, ...rest } = d;
      process.stdout.write(`${JSON.stringify(rest)}\n`);
    } else {
      process.stdout.write(`${driftText(d).join('\n')}\n`);
    }
  } finally {
    await client.close();
  }
  return EXIT_OK;
}

/**
 * Registers `metrics` and `drift` on the CLI program.
 * @param program the root commander program (exitOverride and output already configured)
 * @param run receives the command's promise of an exit code (main awaits it)
 * @param helpers `openClient(workspace, create, readOnly)`: starts the store worker and opens the workspace
 */
export function registerMetricsCommands(program: Command, run: (p: Promise<number>) => void, helpers: Helpers): void {
  program.command('metrics')
    .description('Print the Metrics screen\'s series: per ISO week, day or hour, requests, error rate, p50/p95/p99 latency, tokens, cost, thumbs-up rate, CSAT and NPS.')
    .addOption(new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory())
    .addOption(new Option('--bucket <unit>', 'bucket of time').choices(['week', 'day', 'hour']).default('week'))
    .option('--from <date>', 'from this ISO date or time (a bare date is midnight in the workspace time zone)')
    .option('--to <date>', 'to this ISO date or time (exclusive)')
    .option('--feature <name>', 'only requests of this feature')
    .option('--model <name>', 'only requests of this model')
    .option('--model-version <name>', 'only requests of this model version')
    .option('--segment <name>', 'only requests of this segment')
    .option('--region <name>', 'only requests of this region')
    .option('--lang <code>', 'only requests in this language')
    .option('--user <id>', 'only requests of this user id')
    .addOption(new Option('--breakdown <column>', 'per-bucket p95 latency and error rate per value of this column').choices([...METRIC_DIMS]))
    .option('--json', 'print the metrics.series object (buckets, breakdown, what is left out) as JSON')
    .action((o: MetricsOpts) => {
      checkTimeRange(o.from, o.to);
      run(metricsCommand(o, helpers));
    });
  program.command('drift')
    .description('Drift of an ISO week against earlier weeks: KS (numeric) or chi-square (categorical) per column with Benjamini-Hochberg adjusted p, and PSI.')
    .addOption(new Option('-w, --workspace <file>', 'workspace file (SQLite)').makeOptionMandatory())
    .option('--current <week>', 'ISO week to test (default: the latest complete week with requests)')
    .option('--reference <week>', 'ISO week to compare with (default: the four weeks before the current one)')
    .option('--feature <name>', 'only requests of this feature')
    .option('--alpha <p>', 'significance level, after the Benjamini-Hochberg adjustment', '0.05')
    .option('--exact', 'read every value from the rows (exact KS and PSI), however large the windows; by default windows over 50,000 requests together read the summaries (values within ±1%)')
    .option('--json', 'print the metrics.drift object (windows, rows with statistic, p_value, p_adjusted, psi, …)')
    .action((o: { workspace: string; current?: string; reference?: string; feature?: string; alpha: string; json?: boolean }) => {
      for (const [flag, v] of [['--current', o.current], ['--reference', o.reference]] as const) {
        if (v !== undefined && !isoWeekSchema.safeParse(v).success) usage(`${flag} expects an ISO week such as 2026-W47, got "${v}"`);
      }
      const a = Number(o.alpha);
      if (!(o.alpha.trim() !== '' && a > 0 && a < 1)) usage(`--alpha expects a number between 0 and 1 (e.g. 0.05), got "${o.alpha}"`);
      run(driftCommand(o, helpers));
    });
}
