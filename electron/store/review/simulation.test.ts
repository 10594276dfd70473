/**
 * Validates the review estimates by simulation through the real queue sampler: a fixed synthetic week of 5,000
 * requests with a known failure label (every 101st repeating an input), a skewed design (thumbs-down and errors
 * oversampled, a minimum per feature), 300 seeds. The weighted estimate must be unbiased (mean within 3 standard
 * errors of the truth) and its 95% intervals must cover the truth in at least 93% of the seeds, while the plain sample
 * rate is far off. The grid is in coverage-grid.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { drawQueue } from './queues';
import { strataSummary } from './sampling';
import { estimateRate } from './estimates';
import { insertSynthetic } from './test-fixtures';

const SEEDS = Number(process.env.SIM_SEEDS ?? 300);

describe('estimates by simulation through the queue sampler', () => {
  let db: Db;
  let truthById: Map<string, boolean>;
  beforeAll(async () => {
    const SQL = await loadSqlJs();
    db = new Db(new SQL.Database());
    migrate(db);
    truthById = insertSynthetic(db, { n: 5000, seed: 42, duplicateEvery: 101 });
  });

  it(`is unbiased and its 95% intervals cover the truth in at least 93% of ${SEEDS} seeds`, () => {
    const failByRowid = new Map<number, boolean>();
    for (const r of db.all<{ rowid: number; id: string }>('SELECT rowid, id FROM requests')) failByRowid.set(r.rowid, truthById.get(r.id)!);
    const design = { week: '2026-W47', size: 200, strata: 'feature', min_per_stratum: 20, oversample: { thumbs_down: 0.3, error: 0.1 } } as const;
    let covered = 0;
    const ests: number[] = [];
    let above = 0;
    let below = 0;
    let sumEst = 0;
    let sumSe = 0;
    let sumPlain = 0;
    let truth = Number.NaN;
    const t0 = performance.now();
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { frame, alloc, drawn } = drawQueue(db, { ...design, seed }, 'UTC', 0);
      if (seed === 1) {
        // The truth is the failure share of the frame: every request of the week, repeated inputs included.
        const pop = frame.strata.flatMap((s) => s.rowids);
        truth = pop.filter((r) => failByRowid.get(r)).length / pop.length;
        expect(pop.length).toBe(5000); // every 101st request repeats an input: they stay in the frame
      }
      const strata = strataSummary(frame, alloc);
      // π stored with each item is n_h / N_h of its stratum.
      for (const it of drawn.slice(0, 5)) {
        const s = strata.find((x) => x.key === it.stratum)!;
        expect(it.inclusion_probability).toBe(s.sampled / s.population);
      }
      const est = estimateRate('failure', 'Failure', 'failure_rate', strata, drawn.map((d) => ({ stratum: d.stratum, y: failByRowid.get(d.rowid) ? 1 : 0 })), { checkCoverage: false });
      expect(est.method).toBe('clopper_pearson_effective');
      sumEst += est.estimate!;
      ests.push(est.estimate!);
      if (truth < est.low!) above++; else if (truth > est.high!) below++;
      sumSe += est.se!;
      sumPlain += est.sample_rate!;
      if (est.low! <= truth && truth <= est.high!) covered++;
    }
    const elapsed = performance.now() - t0;
    const meanEst = sumEst / SEEDS;
    const meanSe = sumSe / SEEDS;
    const coverage = covered / SEEDS;
    const sd = Math.sqrt(ests.reduce((a, e) => a + (e - meanEst) ** 2, 0) / (SEEDS - 1));
    console.info(`sd ${sd.toFixed(4)} misses: interval above truth ${above}, below truth ${below}`);
    console.info(`simulation: truth ${truth.toFixed(4)}, mean estimate ${meanEst.toFixed(4)}, mean se ${meanSe.toFixed(4)}, mean plain rate ${(sumPlain / SEEDS).toFixed(4)}, coverage ${(coverage * 100).toFixed(1)}%, ${elapsed.toFixed(0)} ms`);
    expect(Math.abs(meanEst - truth)).toBeLessThan(meanSe);
    // Stricter: the mean of 300 estimates is within 3 standard errors of the mean.
    expect(Math.abs(meanEst - truth)).toBeLessThan(3 * meanSe / Math.sqrt(SEEDS));
    // Never below 93%. Here it is above 97.5%: failures concentrate in the oversampled thumbs-down stratum (66% fail
    // there, 6% elsewhere), so the iid-model variance floor is about twice the true variance. The floor is what keeps
    // coverage when heavy strata show no failure (coverage-grid.test.ts); its price is width in designs like this.
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    // Oversampling thumbs-down makes the plain rate far too high: the weighting matters.
    expect(sumPlain / SEEDS).toBeGreaterThan(truth + 5 * meanSe);
  });
});
