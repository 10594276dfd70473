/**
 * Feedback by trait: thumbs-up rate (Wilson 95% interval), CSAT as the top-2-box share of 1-5 ratings (Wilson) and NPS
 * (normal interval from the multinomial variance of promoters and detractors) per slice of one dimension of the
 * linked request: feature, model version, segment, region, language, input length or latency. Each slice is
 * compared with the rest of the period (two-proportion z-test for the shares, a normal test of the NPS difference);
 * the p-values of every slice and metric are controlled together with Benjamini-Hochberg, and the slices that differ
 * are named. Small slices are flagged.
 *
 * Attribution: thumbs and ratings belong to their linked request. NPS answers belong to a user, not a request, so
 * they join only user-level dimensions (segment, region), through the user's latest request. Feedback that cannot be
 * placed is counted in `unattributed`.
 */
import type { z } from 'zod';
import type { FeedbackTraits, feedbackTraitsSchema, SliceNps, SliceRate, TraitDimension, TraitSlice } from '../../../shared/contract-feedback';
import { benjaminiHochberg } from '../../../shared/stats/multiple';
import { npsInterval } from '../../../shared/stats/rates';
import { npsDifferenceP, twoProportionP } from '../../../shared/stats/difference';
import { wilsonInterval } from '../../../shared/stats/wilson';
import { isSliceDim, requestCountsBy } from '../summaries/read';
import type { Db } from '../db';
import { weekWindow } from '../metrics/common';
import { byUserSql } from './automated';
import { csatRowSql } from '../summaries/feedback';

type Params = z.output<typeof feedbackTraitsSchema>;

/** Input-length buckets (characters) and latency buckets (ms), as labels and SQL. */
const LENGTH_BUCKETS = "CASE WHEN {c} IS NULL THEN NULL WHEN {c} < 100 THEN '1: < 100 chars' WHEN {c} < 300 THEN '2: 100-299 chars' WHEN {c} < 1000 THEN '3: 300-999 chars' ELSE '4: ≥ 1,000 chars' END";
const LATENCY_BUCKETS = "CASE WHEN {c} IS NULL THEN NULL WHEN {c} < 1000 THEN '1: < 1 s' WHEN {c} < 2000 THEN '2: 1-2 s' WHEN {c} < 4000 THEN '3: 2-4 s' WHEN {c} < 8000 THEN '4: 4-8 s' ELSE '5: ≥ 8 s' END";

/** The SQL of a dimension on request alias `a`. */
function dimSql(dim: TraitDimension, a: string): string {
  switch (dim) {
    case 'input_length': return LENGTH_BUCKETS.replaceAll('{c}', `${a}.input_chars`);
    case 'latency': return LATENCY_BUCKETS.replaceAll('{c}', `${a}.latency_ms`);
    default: return `${a}.${dim}`;
  }
}

const USER_LEVEL: ReadonlySet<TraitDimension> = new Set(['segment', 'region']);

interface Counts { up: number; down: number; csat_n: number; csat_top: number; nps_n: number; prom: number; det: number; requests: number }
const zero = (): Counts => ({ up: 0, down: 0, csat_n: 0, csat_top: 0, nps_n: 0, prom: 0, det: 0, requests: 0 });

function rate(k: number, n: number, minN: number): SliceRate {
  const ci = wilsonInterval(k, n);
  return { k, n, rate: ci?.estimate ?? null, low: ci?.low ?? null, high: ci?.high ?? null, p: null, q: null, differs: false, small_n: n < minN };
}
function npsOf(c: Counts, minN: number): SliceNps {
  const ci = npsInterval(c.prom, c.det, c.nps_n);
  return { promoters: c.prom, detractors: c.det, n: c.nps_n, nps: ci?.estimate ?? null, low: ci?.low ?? null, high: ci?.high ?? null, p: null, q: null, differs: false, small_n: c.nps_n < minN };
}

/**
 * Feedback by one trait in a period.
 * @param zone - workspace time zone (for `week`)
 * @throws LoupeError BAD_REQUEST (invalid week)
 */
export function feedbackTraits(db: Db, p: Params, zone: string): FeedbackTraits {
  let from = p.from_ts ?? null;
  let to = p.to_ts ?? null;
  if (p.week) ({ from_ts: from, to_ts: to } = weekWindow(p.week, zone));
  const period = (col: string) => {
    const w: string[] = [];
    const ps: number[] = [];
    if (from !== null) { w.push(`${col} >= ?`); ps.push(from); }
    if (to !== null) { w.push(`${col} < ?`); ps.push(to); }
    return { sql: w.length ? w.join(' AND ') : '1', params: ps };
  };
  const fp = period('f.ts');
  const dim = dimSql(p.dimension, 'r');
  // NPS answers reach user-level dimensions through the user's latest request.
  const userDim = USER_LEVEL.has(p.dimension)
    ? `(SELECT ${dimSql(p.dimension, 'u')} FROM requests u WHERE u.user_id = f.user_id AND u.user_id IS NOT NULL ORDER BY u.ts DESC LIMIT 1)`
    : 'NULL';
  const rows = db.all<{ v: string | null } & Omit<Counts, 'requests'>>(`
    SELECT v, sum(kind = 'thumb' AND value > 0) AS up, sum(kind = 'thumb' AND value < 0) AS down,
      sum(${csatRowSql('')}) AS csat_n, sum(${csatRowSql('')} AND value >= 4) AS csat_top,
      sum(kind = 'nps') AS nps_n, sum(kind = 'nps' AND value >= 9) AS prom, sum(kind = 'nps' AND value <= 6) AS det
    FROM (SELECT CASE WHEN f.kind = 'nps' THEN ${userDim} ELSE ${dim} END AS v, f.kind, f.value, f.scale, f.measure
            FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
           WHERE f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL AND ${byUserSql()} AND ${fp.sql})
    GROUP BY v`, fp.params);
  // Scores automated evaluators wrote are no user's answer (feedback/automated.ts): left out, counted in a note.
  const automated = db.value<number>(`SELECT count(*) FROM feedback f WHERE f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL AND f.automated = 1 AND ${fp.sql}`, fp.params) ?? 0;
  const rp = period('r.ts');
  // Requests per value: from the request summaries for a slice dimension over whole hours (exact counts), else the rows.
  const counted = isSliceDim(p.dimension) ? requestCountsBy(db, zone, [p.dimension], from, to) : null;
  const reqRows = counted
    ? [...counted].map(([k, n]) => ({ v: (JSON.parse(k) as Array<string | null>)[0] ?? null, n }))
    : db.all<{ v: string | null; n: number }>(`SELECT ${dim} AS v, count(*) AS n FROM requests r WHERE ${rp.sql} GROUP BY v`, rp.params);

  const slices = new Map<string, Counts>();
  const total = zero();
  const unattributed = { thumbs: 0, ratings: 0, nps: 0 };
  for (const r of rows) {
    for (const k of ['up', 'down', 'csat_n', 'csat_top', 'nps_n', 'prom', 'det'] as const) total[k] += r[k] ?? 0;
    if (r.v === null) {
      unattributed.thumbs += (r.up ?? 0) + (r.down ?? 0);
      unattributed.ratings += r.csat_n ?? 0;
      unattributed.nps += r.nps_n ?? 0;
      continue;
    }
    const c = slices.get(r.v) ?? zero();
    for (const k of ['up', 'down', 'csat_n', 'csat_top', 'nps_n', 'prom', 'det'] as const) c[k] += r[k] ?? 0;
    slices.set(r.v, c);
  }
  for (const r of reqRows) {
    total.requests += r.n;
    if (r.v === null) continue;
    const c = slices.get(r.v) ?? zero();
    c.requests += r.n;
    slices.set(r.v, c);
  }

  const out: TraitSlice[] = [...slices].sort(([a], [b]) => a.localeCompare(b)).map(([value, c]) => ({
    value: value.replace(/^\d: /, ''), requests: c.requests,
    thumbs_up: rate(c.up, c.up + c.down, p.min_n), csat: rate(c.csat_top, c.csat_n, p.min_n), nps: npsOf(c, p.min_n),
  }));
  // Each slice against the rest of the period (attributed feedback only), then BH over every test.
  const attributed = zero();
  for (const c of slices.values()) for (const k of ['up', 'down', 'csat_n', 'csat_top', 'nps_n', 'prom', 'det'] as const) attributed[k] += c[k];
  const tests: Array<{ target: SliceRate | SliceNps; p: number; text: string }> = [];
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
  for (const s of out) {
    const tu = s.thumbs_up;
    const restUp = attributed.up - tu.k;
    const restN = attributed.up + attributed.down - tu.n;
    if (tu.n > 0 && restN > 0) tests.push({ target: tu, p: twoProportionP(tu.k, tu.n, restUp, restN) ?? 1, text: `${s.value}: thumbs-up rate ${pct(tu.rate)} (n = ${tu.n}) vs ${pct(restUp / restN)} for the rest` });
    const cs = s.csat;
    const restTop = attributed.csat_top - cs.k;
    const restCs = attributed.csat_n - cs.n;
    if (cs.n > 0 && restCs > 0) tests.push({ target: cs, p: twoProportionP(cs.k, cs.n, restTop, restCs) ?? 1, text: `${s.value}: CSAT ${pct(cs.rate)} (n = ${cs.n}) vs ${pct(restTop / restCs)} for the rest` });
    const np = s.nps;
    const rest = npsInterval(attributed.prom - np.promoters, attributed.det - np.detractors, attributed.nps_n - np.n);
    const mine = npsInterval(np.promoters, np.detractors, np.n);
    // The score test, pooled under the null (difference.ts npsDifferenceP), as the thumbs and CSAT tests pool p.
    if (mine && rest) tests.push({ target: np, p: npsDifferenceP(np.promoters, np.detractors, np.n, attributed.prom - np.promoters, attributed.det - np.detractors, attributed.nps_n - np.n) ?? 1, text: `${s.value}: NPS ${mine.estimate.toFixed(1)} (n = ${np.n}) vs ${rest.estimate.toFixed(1)} for the rest` });
  }
  const findings: string[] = [];
  if (tests.length) {
    const bh = benjaminiHochberg(tests.map((t) => t.p), p.alpha);
    tests.forEach((t, i) => {
      t.target.p = t.p;
      t.target.q = bh.adjusted[i]!;
      t.target.differs = bh.rejected[i]!;
      if (bh.rejected[i]) findings.push(`${t.text} (BH-adjusted p = ${bh.adjusted[i]!.toPrecision(2)})${t.target.small_n ? ', small n' : ''}`);
    });
  }
  const notes: string[] = [];
  if (automated > 0) notes.push(`${automated.toLocaleString('en-US')} score${automated === 1 ? '' : 's'} (thumbs, ratings, NPS) of the period ${automated === 1 ? 'comes' : 'come'} from automated evaluators such as LLM judges, not users: left out of these figures.`);
  if (!USER_LEVEL.has(p.dimension) && total.nps_n > 0) notes.push(`NPS answers belong to users, not requests: the ${total.nps_n} answers of the period are in the overall figure only.`);
  const unplaced = [
    unattributed.thumbs > 0 ? `${unattributed.thumbs.toLocaleString('en-US')} thumbs` : null,
    unattributed.ratings > 0 ? `${unattributed.ratings.toLocaleString('en-US')} CSAT rating${unattributed.ratings === 1 ? '' : 's'} (1-5)` : null,
    // For a request-level dimension every NPS answer is left to the overall figure, said by the note above.
    unattributed.nps > 0 && USER_LEVEL.has(p.dimension) ? `${unattributed.nps.toLocaleString('en-US')} NPS answer${unattributed.nps === 1 ? '' : 's'}` : null,
  ].filter((x): x is string => x !== null);
  if (unplaced.length) notes.push(`${unplaced.length > 1 ? `${unplaced.slice(0, -1).join(', ')} and ${unplaced[unplaced.length - 1]}` : unplaced[0]} have no linked request with a ${p.dimension.replace('_', ' ')}: they count in the overall figures only.`);
  return {
    dimension: p.dimension, week: p.week ?? null, from_ts: from, to_ts: to, slices: out,
    overall: { requests: total.requests, thumbs_up: rate(total.up, total.up + total.down, p.min_n), csat: rate(total.csat_top, total.csat_n, p.min_n), nps: npsOf(total, p.min_n) },
    findings, unattributed,
    method: `Thumbs-up rate and CSAT (top-2-box of 1-5 ratings) with Wilson 95% intervals; NPS with a normal 95% interval from the multinomial variance (p + d − (p − d)²)/n. Each slice vs the rest of the period: two-proportion z-test, normal test of the NPS difference; Benjamini-Hochberg at FDR ${p.alpha} across ${tests.length === 0 ? 'the tests (none this period: no slice and rest both have answers)' : `all ${tests.length} test${tests.length === 1 ? '' : 's'}`}. Slices with fewer than ${p.min_n} answers are flagged small n.`,
    notes,
  };
}
