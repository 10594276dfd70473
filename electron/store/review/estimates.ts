/**
 * Population estimates from a review queue, and agreement between reviewers on its overlap items.
 *
 * Estimates: every queue item was drawn by simple random sampling inside its stratum, with inclusion probability
 * π = n_h / N_h, so weighting each reviewed item by 1/π is the stratified estimator p̂ = Σ W_h p_h (W_h = N_h / N),
 * with Cochran's stratified variance and a finite population correction per stratum (shared/stats/stratified.ts,
 * Cochran 1977 §5.8). A queue with a single stratum is a simple random sample and gets a Wilson interval (the
 * stratified se is still reported). The plain share among reviewed items is shown beside it.
 *
 * What counts: each item's primary review (the first reviewer to review it, their latest non-undone decision);
 * second reviews of overlap items only feed agreement. Skipped and not-yet-reviewed items are missing: within a
 * stratum the reviewed items are treated as a simple random sample of it (true when review follows the queue's
 * random order, and skips are unrelated to the outcome). n_h is the number of reviewed items of stratum h. Strata
 * with no reviewed item are left out of the estimate, which then covers only the other strata; this is flagged
 * (small sample) with the strata named, and the report lists them.
 */
// The jstat typings live with the statistics module (a .d.ts outside this project's include).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../../shared/stats/jstat.d.ts" />
import jStat from 'jstat';
import type { Db } from '../db';
import { LoupeError } from '../../../shared/errors';
import {
  cohensKappa, percentAgreement, stratifiedProportion, weightedKappa, wilsonInterval, type ReviewLabel, type Stratum,
} from '../../../shared/stats';
import type {
  CriterionAgreement, Disagreement, QueueAgreement, QueueDesign, QueueStratum, RateEstimate, RubricCriterion, VerdictValue, WeekEstimates,
} from '../../../shared/review-types';
import { effectiveDecisions, queueRow } from './queues';
import { rubricVersions } from './rubric';

/** A reviewed item as the estimators see it. */
export interface ReviewedItem {
  stratum: string;
  failed: boolean;
  verdicts: Record<string, VerdictValue>;
  tag_ids: number[];
}

/** jStat's quantile functions used here (shared/stats/jstat.d.ts types only the normal and chi-square ones). */
const jstat = jStat as unknown as { beta: { inv(p: number, a: number, b: number): number }; studentt: { inv(p: number, df: number): number }; normal: { inv(p: number, m: number, s: number): number } };

const num = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * Korn-Graubard interval for a proportion estimated from a complex sample (Korn & Graubard 1998, "Confidence
 * intervals for proportions with small expected number of positive counts estimated from survey data", Survey
 * Methodology 24:193-201; R survey's `svyciprop(method = "beta")`): the Clopper-Pearson interval evaluated at the
 * effective sample size n* = p̂(1 − p̂) / v(p̂) and effective count x* = p̂·n*,
 *   low = Beta⁻¹(α/2; x*, n* − x* + 1),  high = Beta⁻¹(1 − α/2; x* + 1, n* − x*).
 * The plain normal interval p̂ ± z·se undercovers when the heavily weighted strata have few failures (about 92%
 * instead of 95% in simulation.test.ts); this one keeps at least the nominal level there. When p̂ is 0 or 1 there
 * is no variance to scale and n* is the number of reviewed items.
 * @param p - the stratified estimate in [0, 1]
 * @param se - its standard error
 * @param n - reviewed items (fallback effective size). n* is not capped at n: stratification can make n* > n
 * @param df - degrees of freedom, reviewed items minus strata
 * @returns [low, high] in [0, 1]
 */
export function kornGraubard(p: number, se: number, n: number, df: number, confidence = 0.95): [number, number] {
  const a = (1 - confidence) / 2;
  // Korn & Graubard's degrees-of-freedom factor (z / t_df)², df = reviewed items minus strata.
  const dfFactor = df > 0 ? (jstat.normal.inv(1 - a, 0, 1) / jstat.studentt.inv(1 - a, df)) ** 2 : 1;
  const nEff = p > 0 && p < 1 && se > 0 ? ((p * (1 - p)) / (se * se)) * dfFactor : n;
  const x = p * nEff;
  const low = x <= 0 ? 0 : jstat.beta.inv(a, x, nEff - x + 1);
  const high = x >= nEff ? 1 : jstat.beta.inv(1 - a, x + 1, nEff - x);
  return [Math.max(0, low), Math.min(1, high)];
}

/**
 * Estimates one rate from per-item outcomes and the queue's strata.
 * @param strata - population N_h per stratum key (strata with no item drawn are left out by the caller)
 * @param items - stratum and outcome (1 event, 0 not, null not applicable) per reviewed item
 * @returns the estimate with its 95% interval, plain sample rate, counts and small-sample flag: `reason` is one short
 *   sentence (shown on every flagged row), `reasons` every finding in full (shown once)
 */
export function estimateRate(key: string, label: string, kind: RateEstimate['kind'], strata: ReadonlyArray<{ key: string; population: number }>, items: ReadonlyArray<{ stratum: string; y: 0 | 1 | null }>): RateEstimate {
  const per = new Map<string, { n: number; k: number }>(strata.map((s) => [s.key, { n: 0, k: 0 }]));
  for (const it of items) {
    if (it.y === null) continue;
    const c = per.get(it.stratum);
    if (!c) continue;
    c.n++;
    c.k += it.y;
  }
  const covered: Stratum[] = [];
  const uncovered: string[] = [];
  let uncoveredN = 0;
  for (const s of strata) {
    const c = per.get(s.key)!;
    if (s.population === 0) continue;
    if (c.n === 0) { uncovered.push(s.key); uncoveredN += s.population; continue; }
    covered.push({ N: s.population, n: c.n, k: c.k, label: s.key });
  }
  const n = covered.reduce((a, s) => a + s.n, 0);
  const k = covered.reduce((a, s) => a + s.k, 0);
  if (n === 0) {
    return { key, label, kind, estimate: null, se: null, low: null, high: null, method: 'stratified', sample_rate: null, n: 0, k: 0, small_sample: true, reason: 'No reviewed items.', reasons: ['no reviewed items'] };
  }
  const est = stratifiedProportion(covered);
  // The statistics module joins its findings with "; "; a clause starting "its …" or "the …" continues the one before.
  const reasons = est.reason ? est.reason.split(/;\s+(?!(?:its|the|so|which|this)\b)/) : [];
  if (uncovered.length > 0) {
    const total = uncoveredN + est.N;
    reasons.push(`${uncovered.length === 1 ? 'stratum' : 'strata'} ${uncovered.join(', ')} (${uncoveredN} of ${total} requests) ${uncovered.length === 1 ? 'has' : 'have'} no reviewed item; the estimate covers the other strata only`);
  }
  const single = covered.length === 1 && uncovered.length === 0;
  let low = num(est.low);
  let high = num(est.high);
  if (single) {
    const w = wilsonInterval(k, n);
    if (w) { low = w.low; high = w.high; }
  } else if (Number.isFinite(est.estimate) && Number.isFinite(est.se)) {
    [low, high] = kornGraubard(est.estimate, est.se, n, n - covered.length);
  }
  return {
    key, label, kind, estimate: num(est.estimate), se: num(est.se), low, high, method: single ? 'wilson' : 'stratified',
    sample_rate: num(est.sampleRate), n, k, small_sample: est.smallSample || uncovered.length > 0,
    reason: reasons.length === 0 ? null : uncovered.length > 0 ? 'Not every stratum has a reviewed item, so the estimate covers the others only.' : 'Too few reviewed items for the interval to hold as stated.',
    reasons,
  };
}

/** Primary reviews of a queue's items (first reviewer's latest non-undone, non-skipped decision), with tags. */
export function primaryReviews(db: Db, queueId: number): { items: Array<ReviewedItem & { request_id: string; position: number; review_id: number; reviewer: string; rubric_version: number; note: string | null }>; skipped: number } {
  const eff = effectiveDecisions(db, queueId);
  const qItems = db.all<{ position: number; request_id: string; stratum: string }>('SELECT position, request_id, stratum FROM queue_items WHERE queue_id = ? ORDER BY position', [queueId]);
  const chosen: Array<{ position: number; request_id: string; stratum: string; review_id: number }> = [];
  let skipped = 0;
  for (const it of qItems) {
    const list = eff.get(it.request_id) ?? [];
    const primary = list.find((e) => !e.skipped);
    if (primary) chosen.push({ ...it, review_id: primary.review_id });
    else if (list.length > 0) skipped++;
  }
  const rows = new Map<number, { reviewer: string; verdicts: string; failed: number | null; rubric_version: number; note: string | null }>();
  const tags = new Map<number, number[]>();
  for (let i = 0; i < chosen.length; i += 500) {
    const ids = chosen.slice(i, i + 500).map((c) => c.review_id);
    const marks = ids.map(() => '?').join(',');
    for (const r of db.all<{ id: number; reviewer: string; verdicts: string; failed: number | null; rubric_version: number; note: string | null }>(`SELECT id, reviewer, verdicts, failed, rubric_version, note FROM reviews WHERE id IN (${marks})`, ids)) rows.set(r.id, r);
    for (const t of db.all<{ review_id: number; tag_id: number }>(`SELECT review_id, tag_id FROM review_tags WHERE review_id IN (${marks})`, ids)) {
      let l = tags.get(t.review_id);
      if (!l) tags.set(t.review_id, (l = []));
      l.push(t.tag_id);
    }
  }
  return {
    items: chosen.map((c) => {
      const r = rows.get(c.review_id)!;
      return {
        request_id: c.request_id, position: c.position, stratum: c.stratum, review_id: c.review_id, reviewer: r.reviewer, rubric_version: r.rubric_version,
        note: r.note, failed: r.failed === 1, verdicts: JSON.parse(r.verdicts) as Record<string, VerdictValue>, tag_ids: tags.get(c.review_id) ?? [],
      };
    }),
    skipped,
  };
}

/**
 * The sampling frame a queue's estimates describe: the period's requests (after filters) less those already
 * reviewed and those repeating another request's input text, which no queue includes (sampling.ts, step 1).
 * @param storedFrame - the queue's stored frame JSON (`requests_in_period`)
 */
export function samplingFrame(storedFrame: string, strata: readonly QueueStratum[]): WeekEstimates['frame'] {
  const stored = JSON.parse(storedFrame) as { requests_in_period?: number };
  const requests = strata.reduce((a, s) => a + s.population, 0);
  const reviewed = strata.reduce((a, s) => a + s.excluded_reviewed, 0);
  const duplicates = strata.reduce((a, s) => a + s.excluded_duplicates, 0);
  return { requests, requests_in_period: stored.requests_in_period ?? requests + reviewed + duplicates, excluded_reviewed: reviewed, excluded_duplicates: duplicates };
}

/** The sentence that says which requests the estimates are for, e.g. "Estimates are for the 1,951 requests …". */
export function frameStatement(f: WeekEstimates['frame']): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const left = [
    f.excluded_reviewed > 0 ? `${n(f.excluded_reviewed)} already reviewed` : null,
    f.excluded_duplicates > 0 ? `${n(f.excluded_duplicates)} repeating another request's input text` : null,
  ].filter((x): x is string => x !== null);
  const base = `Estimates are for the ${n(f.requests)} request${f.requests === 1 ? '' : 's'} of the sampling frame`;
  if (left.length === 0) return `${base}: all of the period's ${n(f.requests_in_period)} requests.`;
  return `${base}: the period's ${n(f.requests_in_period)} requests less ${left.join(' and ')}, which no review queue includes.`;
}

/** Criteria across rubric versions, latest definition first (older criteria keep their last definition). */
function allCriteria(db: Db): RubricCriterion[] {
  const seen = new Map<string, RubricCriterion>();
  for (const r of rubricVersions(db)) for (const c of r.criteria) if (!seen.has(c.id)) seen.set(c.id, c);
  return [...seen.values()];
}

/**
 * Estimates of a queue: failure rate, each pass/fail criterion's pass rate and each tag's rate for the queue's
 * population, with 95% intervals, the plain sample rate, counts and small-sample flags.
 * @throws LoupeError NOT_FOUND for an unknown queue
 */
export function queueEstimates(db: Db, queueId: number): WeekEstimates {
  const row = queueRow(db, queueId);
  const design = JSON.parse(row.design) as QueueDesign;
  const strata = JSON.parse(row.strata) as QueueStratum[];
  const { items, skipped } = primaryReviews(db, queueId);
  const drawn = strata.filter((s) => s.sampled > 0);
  const notes: string[] = [];
  const undrawn = strata.filter((s) => s.sampled === 0 && s.population > 0);
  if (undrawn.length > 0) notes.push(`Strata without any queue item are outside the estimates: ${undrawn.map((s) => `${s.key} (${s.population})`).join(', ')}.`);
  const metrics: RateEstimate[] = [];
  metrics.push(estimateRate('failure', 'Failure rate (any pass/fail criterion failed)', 'failure_rate', drawn, items.map((i) => ({ stratum: i.stratum, y: i.failed ? 1 : 0 }))));
  for (const c of allCriteria(db)) {
    if (c.kind !== 'pass_fail') continue;
    if (!items.some((i) => i.verdicts[c.id] !== undefined)) continue;
    metrics.push(estimateRate(`criterion:${c.id}`, `${c.label}: pass rate`, 'pass_rate', drawn,
      items.map((i) => ({ stratum: i.stratum, y: i.verdicts[c.id] === undefined ? null : i.verdicts[c.id] === 'pass' ? 1 : 0 }))));
  }
  const tagIds = [...new Set(items.flatMap((i) => i.tag_ids))];
  const tagNames = new Map(tagIds.length ? db.all<{ id: number; name: string }>(`SELECT id, name FROM tags WHERE id IN (${tagIds.map(() => '?').join(',')})`, tagIds).map((t) => [t.id, t.name]) : []);
  for (const id of tagIds.sort((a, b) => (tagNames.get(a) ?? '').localeCompare(tagNames.get(b) ?? ''))) {
    metrics.push(estimateRate(`tag:${id}`, `Tagged "${tagNames.get(id) ?? id}"`, 'tag_rate', drawn, items.map((i) => ({ stratum: i.stratum, y: i.tag_ids.includes(id) ? 1 : 0 }))));
  }
  const frame = samplingFrame(row.frame, strata);
  notes.unshift(frameStatement(frame));
  const queued = db.all<{ stratum: string; n: number }>('SELECT stratum, count(*) AS n FROM queue_items WHERE queue_id = ? GROUP BY stratum', [queueId]);
  const queuedBy = new Map(queued.map((q) => [q.stratum, q.n]));
  return {
    queue_id: queueId, queue_name: row.name, week: design.week, from_ts: design.from_ts, to_ts: design.to_ts,
    population: strata.reduce((a, s) => a + s.population, 0),
    frame,
    queued: queued.reduce((a, q) => a + q.n, 0), reviewed: items.length, skipped,
    rubric_versions: [...new Set(items.map((i) => i.rubric_version))].sort((a, b) => a - b),
    reviewers: [...new Set(items.map((i) => i.reviewer))].sort(),
    strata: strata.map((s) => {
      const mine = items.filter((i) => i.stratum === s.key);
      return { key: s.key, population: s.population, queued: queuedBy.get(s.key) ?? 0, reviewed: mine.length, failures: mine.filter((i) => i.failed).length };
    }),
    metrics,
    notes,
  };
}

/**
 * Agreement on a queue's items reviewed by two reviewers (the first two by time of their first decision on the
 * item; skips do not count): percent agreement and Cohen's kappa per criterion (plus linear weighted kappa for
 * 1-5 scales, Cohen 1968), and on the overall failure verdict; every disagreement listed for adjudication.
 * @throws LoupeError NOT_FOUND for an unknown queue
 */
export function queueAgreement(db: Db, queueId: number): QueueAgreement {
  queueRow(db, queueId);
  const eff = effectiveDecisions(db, queueId);
  const positions = new Map(db.all<{ request_id: string; position: number }>('SELECT request_id, position FROM queue_items WHERE queue_id = ?', [queueId]).map((r) => [r.request_id, r.position]));
  const pairs: Array<{ request_id: string; a: number; b: number; ra: string; rb: string }> = [];
  for (const [request_id, list] of eff) {
    const done = list.filter((e) => !e.skipped);
    if (done.length >= 2 && positions.has(request_id)) pairs.push({ request_id, a: done[0]!.review_id, b: done[1]!.review_id, ra: done[0]!.reviewer, rb: done[1]!.reviewer });
  }
  pairs.sort((x, y) => positions.get(x.request_id)! - positions.get(y.request_id)!);
  const ids = pairs.flatMap((p) => [p.a, p.b]);
  const rev = new Map<number, { verdicts: Record<string, VerdictValue>; failed: boolean }>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const r of db.all<{ id: number; verdicts: string; failed: number | null }>(`SELECT id, verdicts, failed FROM reviews WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk)) {
      rev.set(r.id, { verdicts: JSON.parse(r.verdicts) as Record<string, VerdictValue>, failed: r.failed === 1 });
    }
  }
  const pairCounts = new Map<string, { reviewer_a: string; reviewer_b: string; items: number }>();
  for (const p of pairs) {
    const k = `${p.ra}\u0000${p.rb}`;
    const c = pairCounts.get(k) ?? { reviewer_a: p.ra, reviewer_b: p.rb, items: 0 };
    c.items++;
    pairCounts.set(k, c);
  }
  const criteria: CriterionAgreement[] = [];
  const disagreements: Disagreement[] = [];
  const k = (v: number) => (Number.isFinite(v) ? v : null);
  const judge = (id: string, label: string, kind: CriterionAgreement['kind'], value: (r: { verdicts: Record<string, VerdictValue>; failed: boolean }) => VerdictValue | undefined, categories: ReviewLabel[] | undefined) => {
    const a: ReviewLabel[] = [];
    const b: ReviewLabel[] = [];
    for (const p of pairs) {
      const va = value(rev.get(p.a)!);
      const vb = value(rev.get(p.b)!);
      if (va === undefined || vb === undefined) continue;
      a.push(va);
      b.push(vb);
      if (va !== vb) disagreements.push({ position: positions.get(p.request_id)!, request_id: p.request_id, criterion: id, reviewer_a: p.ra, value_a: va, reviewer_b: p.rb, value_b: vb });
    }
    if (a.length === 0) return;
    const cats = categories ? [...categories, ...[...new Set([...a, ...b])].filter((v) => !categories.includes(v))] : undefined;
    criteria.push({
      criterion: id, label, kind, n: a.length, percent_agreement: k(percentAgreement(a, b)),
      kappa: k(cohensKappa(a, b, cats).kappa),
      weighted_kappa: kind === 'scale' ? k(weightedKappa(a, b, [1, 2, 3, 4, 5], 'linear').kappa) : null,
    });
  };
  judge('failure', 'Failure (any pass/fail criterion failed)', 'failure', (r) => (r.failed ? 'fail' : 'pass'), ['pass', 'fail']);
  for (const c of allCriteria(db)) {
    judge(c.id, c.label, c.kind, (r) => r.verdicts[c.id], c.kind === 'pass_fail' ? ['pass', 'fail'] : c.kind === 'scale' ? [1, 2, 3, 4, 5] : c.options);
  }
  return { queue_id: queueId, items_with_two_reviews: pairs.length, pairs: [...pairCounts.values()], criteria, disagreements };
}

/** Throws NOT_FOUND unless the queue exists; used by callers that take a week or a queue id. */
export function assertQueue(db: Db, queueId: number): void {
  if (!db.value('SELECT 1 FROM review_queues WHERE id = ?', [queueId])) throw new LoupeError('NOT_FOUND', `Review queue ${queueId} does not exist.`);
}
