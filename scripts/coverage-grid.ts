/**
 * `npm run coverage-grid [-- --seeds 1000 --out DIR]`: the full coverage grid of issue 8 through the real sampler and
 * estimator (electron/store/review/simulation.ts): true rates 0.5%, 2%, 10%, 30%; queues of 50, 100, 200; 1, 3, 5
 * and 8 feature strata; a 2% thumbs-down signal oversampled at 0, 10% and 30%. Writes the four synthetic workspaces
 * to DIR (default bench-out/coverage-grid), prints a Markdown table (coverage, relative bias, mean half-width, and
 * the previous interval on the same draws), and with `--commands` the `loupe simulate` command that reproduces each
 * cell on those workspaces. Nothing here is a pass/fail test (coverage-grid.test.ts asserts a fast subset).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Workspace } from '../electron/store/workspace';
import { prepareDesign, simulatePrepared, namedSignals } from '../electron/store/review/simulation';
import {
  GRID_OVERSAMPLE, GRID_RATES, GRID_SIZES, GRID_STRATA, GRID_WEEK, gridCells, gridRateSpec, insertGridWeek, previousInterval,
} from '../electron/store/review/testing/grid';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const seeds = Number(arg('seeds', '1000'));
const out = arg('out', 'bench-out/coverage-grid');
const showCommands = process.argv.includes('--commands');
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

fs.mkdirSync(out, { recursive: true });
const rows: string[] = [];
const commands: string[] = [];
let worst = 1;
let worstPrev = 1;
let outside = 0;
const t0 = performance.now();
for (const strata of Object.keys(GRID_STRATA).map(Number)) {
  const file = path.join(out, `grid-${strata}-strata.sqlite`);
  fs.rmSync(file, { force: true });
  const ws = await Workspace.open(file, { create: true });
  insertGridWeek(ws.db, strata);
  ws.checkpoint();
  const cells = gridCells(ws.db, strata);
  for (const p of GRID_RATES) {
    const spec = gridRateSpec(cells, p);
    for (const size of GRID_SIZES) {
      for (const os of GRID_OVERSAMPLE) {
        const input = { week: GRID_WEEK, size, strata: strata > 1 ? 'feature' : null, min_per_stratum: 2, oversample: os > 0 ? { thumbs_down: os } : {}, seed: 1 };
        const prepared = prepareDesign(ws.db, input, 'UTC', Date.now(), namedSignals(spec));
        const [d] = simulatePrepared(prepared, seeds, [spec], { previous: previousInterval });
        const prev = d!.compare.previous!;
        worst = Math.min(worst, d!.coverage);
        worstPrev = Math.min(worstPrev, prev.coverage);
        if (d!.coverage < 0.93 || d!.coverage > 0.975) outside++;
        rows.push(`| ${strata} | ${pct(p)} | ${size} | ${pct(os)} | ${pct(d!.true_rate)} | **${pct(d!.coverage)}** | ${pct(d!.below)} / ${pct(d!.above)} | ${d!.relative_bias === null ? '–' : `${(d!.relative_bias * 100).toFixed(1)}%`} | ${(d!.mean_half_width * 100).toFixed(2)} | ${pct(prev.coverage)} | ${(prev.mean_half_width * 100).toFixed(2)} |`);
        const rates = Object.entries(spec.rates ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
        commands.push(`npx loupe simulate --workspace ${file} --week ${GRID_WEEK} --size ${size} --seed 1${strata > 1 ? ' --strata feature' : ''}${os > 0 ? ` --oversample thumbs_down=${os}` : ''} --min-per-stratum 2 --failure-rates ${rates} --seeds ${seeds} --json`);
      }
    }
  }
  ws.close();
}
const header = [
  `Coverage of the 95% interval, ${seeds} seeds per design, ${((performance.now() - t0) / 1000).toFixed(0)} s. Misses: share of seeds whose interval lay wholly below / above the true rate. Half-widths in percentage points. "Previous": the interval before issue 8, on the same draws.`,
  '',
  '| Strata | True rate | Size | Signal share | Frame rate | Coverage | Misses below / above | Relative bias | Mean half-width | Previous coverage | Previous half-width |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
process.stdout.write(`${[...header, ...rows].join('\n')}\n\nLowest coverage: ${pct(worst)} (previous method: ${pct(worstPrev)}); cells outside 93–97.5%: ${outside} of ${rows.length}.\n`);
if (showCommands) process.stdout.write(`\nReproduce a cell:\n\n${commands.join('\n')}\n`);
