/**
 * Estimates from a review queue for the queue's frame, and agreement between reviewers on its overlap items.
 *
 * Estimates: every queue item was drawn by simple random sampling inside its stratum, with inclusion probability
 * π = n_h / N_h, and the requests reviewed before the queue was made form a take-all stratum (π = 1) whose earlier
 * reviews count (sampling.ts, step 1). So p̂ = Σ W_h p_h (W_h = N_h / N) is the stratified estimator over the whole
 * frame, and its 95% interval is the Clopper–Pearson interval at the effective sample size (shared/stats/
 * stratified-interval.ts, validated by simulation through the sampler: coverage-grid.test.ts).
 *
 * What counts: each item's primary review (the first reviewer to review it, their latest non-undone decision);
 * second reviews of overlap items only feed agreement. For a take-all request, its latest non-undone review. Skipped
 * and not-yet-reviewed items are missing: within a stratum the reviewed items are treated as a simple random sample
 * of it (true when review follows the queue's random order and skips are unrelated to the outcome). A stratum with
 * one reviewed item is collapsed with a neighbour for its variance; a field stratum with none is counted at the
 * other field strata's rate; a signal stratum with none is named with its share of the frame, never dropped
 * silently. The small-sample flag comes from simulating this very design (designCoverage): it is set when, and only
 * when, the simulated coverage of the 95% interval falls below 93%.
 */
import type { Db } from '../db';
import { LoupeError } from '../../../shared/errors';
import {
  cohensKappa, designCoverage, isField, percentAgreement, stratifiedRateInterval, weightedKappa, type RateStratum, type ReviewLabel,
} from '../../../shared/stats';
import {
  INTERVAL_METHOD,
  type CriterionAgreement, type Disagreement, type QueueAgreement, type QueueDesign, type QueueFilters, type QueueStratum, type RateEstimate,
  type RubricCriterion, type VerdictValue, type WeekEstimates,
} from '../../../shared/review-types';
import { effectiveDecisions, queueRow } from './queues';
import { rubricVersions } from './rubric';
import { periodWhere, REVIEWED_STRATUM, type StoredFrame } from './sampling';
import { ratedReview } from './reviews';

/** A reviewed item as the estimators see it. */
export interface ReviewedItem {
  stratum: string;
  failed: boolean;
  verdicts: Record<string, VerdictValue>;
  tag_ids: number[];
}

/** Coverage below which an estimate carries the small-sample note (the issue's floor for the 95% interval). */
export const MIN_COVERAGE = 0.93;

const strataWord = (h: number) => `${h} ${h === 1 ? 'stratum' : 'strata'}`;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString('en-US');

/** The queue's strata as the interval sees them. */
function rateStrata(strata: ReadonlyArray<{ key: string; kind?: QueueStratum['kind']; population: number }>, per: ReadonlyMap<string, { n: number; k: number }>): RateStratum[] {
  return strata.map((s) => {
    const c = per.get(s.key) ?? { n: 0, k: 0 };
    const kind = s.kind === 'reviewed' ? 'certainty' : s.kind ?? (s.key === 'all' ? 'all' : s.key.startsWith('signal:') ? 'signal' : 'field');
    return { key: s.key, kind, N: s.population, n: Math.min(c.n, s.population), k: Math.min(c.k, c.n, s.population) };
  });
}

/** Draws per scenario of {@link simulatedCoverage}: enough to tell 93% from 95% (standard error about 1.6 points). */
const COVERAGE_REPS = 200;
const coverageCache = new Map<string, number | null>();

/**
 * Simulated coverage of the 95% interval for this design at rates like the observed ones: per stratum the Jeffreys
 * posterior mean (k_h + ½)/(n_h + 1) (a field stratum with no reviewed item: that of the reviewed field strata
 * together), and the same rates scaled so the total sits at either end of the interval.
 * Results are cached by the counts (estimates are recomputed after every decision, mostly for unchanged metrics).
 * @returns the lowest coverage of the three scenarios (200 draws each, fixed seeds), or null for a census
 */
export function simulatedCoverage(strata: readonly RateStratum[], low: number, high: number): number | null {
  const active = strata.filter((s) => s.N > 0);
  if (active.every((s) => s.n === 0 || s.n >= s.N)) return null;
  const key = JSON.stringify([active.map((s) => [s.kind, s.N, s.n, s.k]), low, high]);
  const hit = coverageCache.get(key);
  if (hit !== undefined) return hit;
  // A field stratum with no reviewed item is simulated at the reviewed field strata's combined rate: the rate the
  // estimate counts it at (stratified-interval.ts). At 0 the simulated truth would sit below every estimate and the
  // flag would call the design hopeless whatever was reviewed.
  const fields = active.filter((s) => isField(s.kind) && s.n > 0);
  const fieldRate = fields.length ? (fields.reduce((a, s) => a + s.k, 0) + 0.5) / (fields.reduce((a, s) => a + s.n, 0) + 1) : 0;
  const base = active.map((s) => (s.n > 0 ? (s.k + 0.5) / (s.n + 1) : isField(s.kind) ? fieldRate : 0));
  const N = active.reduce((a, s) => a + s.N, 0);
  const mean = active.reduce((a, s, i) => a + s.N * base[i]!, 0) / N;
  const scenarios = [base];
  for (const target of [low, high]) if (mean > 0 && target > 0) scenarios.push(base.map((r) => Math.min(1, (r * target) / mean)));
  let worst = 1;
  scenarios.forEach((rates, i) => {
    worst = Math.min(worst, designCoverage(active, rates, { reps: COVERAGE_REPS, seed: 17 + i }).coverage);
  });
  if (coverageCache.size >= 500) coverageCache.delete(coverageCache.keys().next().value!);
  coverageCache.set(key, worst);
  return worst;
}

/**
 * Estimates one rate from per-item outcomes and the queue's strata.
 * @param strata - every stratum of the queue with its population N_h (and kind); none may be left out
 * @param items - stratum and outcome (1 event, 0 not, null not applicable) per reviewed item
 * @param opts.checkCoverage - simulate this design's coverage for the small-sample flag (default true; the
 *   simulation loop turns it off, since it measures coverage itself)
 * @returns the estimate with its 95% interval, counts, method, collapsed and uncovered strata, and the small-sample
 *   flag: `reason` is one short sentence (shown on every flagged row), `reasons` every finding in full (shown once)
 */
export function estimateRate(key: string, label: string, kind: RateEstimate['kind'], strata: ReadonlyArray<{ key: string; kind?: QueueStratum['kind']; population: number }>, items: ReadonlyArray<{ stratum: string; y: 0 | 1 | null }>, opts: { checkCoverage?: boolean } = {}): RateEstimate {
  const per = new Map<string, { n: number; k: number }>(strata.map((s) => [s.key, { n: 0, k: 0 }]));
  for (const it of items) {
    if (it.y === null) continue;
    const c = per.get(it.stratum);
    if (!c) continue;
    c.n++;
    c.k += it.y;
  }
  const rs = rateStrata(strata, per);
  const r = stratifiedRateInterval(rs);
  const frameN = Math.max(1, r.frameN);
  const notes: string[] = [];
  // Nothing reviewed: no stratum is covered; one sentence says so instead of a note per stratum.
  if (r.n === 0) notes.push(`No item is reviewed yet: no stratum of the frame (${count(r.frameN)} requests) is covered, so there is no estimate.`);
  else for (const c of r.collapsed) {
    notes.push(c.reason === 'no_reviewed_item'
      ? `${c.key} (${count(c.population)} requests, ${pct(c.population / frameN)} of the frame) has no reviewed item; it is counted at the combined rate of ${c.into.join(', ')} (strata collapsed).`
      : `${c.key} has one reviewed item; its variance is taken together with ${c.into.join(', ')} (collapsed strata).`);
  }
  // What the estimate covers is the strata with reviewed items (r.coveredN), whatever the number of uncovered strata.
  if (r.n > 0) {
    for (const u of r.uncovered) {
      notes.push(`${u.key} (${count(u.population)} requests, ${pct(u.population / frameN)} of the frame) has no reviewed item and nothing can stand in for it: the estimate covers ${r.uncovered.length === 1 ? 'the other' : 'the reviewed strata,'} ${pct(r.coveredN / frameN)} of the frame.`);
    }
  }
  const sample = r.n > 0 ? r.k / r.n : null;
  const base = {
    key, label, kind, se: r.se, method: r.method, method_name: r.method === 'census' ? 'census (every request of the covered strata reviewed)' : INTERVAL_METHOD.name,
    effective_n: r.effectiveN, sample_rate: sample, n: r.n, k: r.k, covered_share: r.frameN > 0 ? r.coveredN / r.frameN : 0,
    reviewed_share: r.frameN > 0 ? r.reviewedN / r.frameN : 0,
    collapsed: r.collapsed, uncovered: r.uncovered, notes,
  };
  if (r.estimate === null) {
    return { ...base, estimate: null, low: null, high: null, small_sample: true, reason: 'No reviewed items.', reasons: ['no reviewed items'], simulated_coverage: null };
  }
  const coverage = opts.checkCoverage === false || r.method === 'census' ? null : simulatedCoverage(rs, r.low!, r.high!);
  const flagged = coverage !== null && coverage < MIN_COVERAGE;
  const reasons = flagged
    ? [`in simulation of this design (${count(r.n)} reviewed item${r.n === 1 ? '' : 's'} in ${strataWord(rs.filter((s) => s.n > 0).length)}) at rates like the observed ones, the 95% interval holds the true rate in fewer than ${pct(MIN_COVERAGE)} of draws (each row gives its figure); review more items`]
    : [];
  return {
    ...base, estimate: r.estimate, low: r.low, high: r.high, simulated_coverage: coverage, small_sample: flagged,
    reason: flagged ? `Simulated coverage ${pct(coverage)}: too few reviewed items for the interval to hold as stated.` : null, reasons,
  };
}

/** Primary reviews of a queue's items (first reviewer's latest non-undone, non-skipped decision), with tags; skips by reason. */
export function primaryReviews(db: Db, queueId: number): { items: Array<ReviewedItem & { request_id: string; position: number; review_id: number; reviewer: string; rubric_version: number; note: string | null }>; skipped: number; skip_reasons: Array<{ reason: string; items: number }> } {
  const eff = effectiveDecisions(db, queueId);
  const qItems = db.all<{ position: number; request_id: string; stratum: string }>('SELECT position, request_id, stratum FROM queue_items WHERE queue_id = ? ORDER BY position', [queueId]);
  const chosen: Array<{ position: number; request_id: string; stratum: string; review_id: number }> = [];
  const skipIds: number[] = [];
  for (const it of qItems) {
    const list = eff.get(it.request_id) ?? [];
    const primary = list.find((e) => !e.skipped);
    if (primary) chosen.push({ ...it, review_id: primary.review_id });
    else if (list.length > 0) skipIds.push(list[0]!.review_id);
  }
  const reasons = new Map<string, number>();
  for (let i = 0; i < skipIds.length; i += 500) {
    const ids = skipIds.slice(i, i + 500);
    for (const r of db.all<{ skip_reason: string | null }>(`SELECT skip_reason FROM reviews WHERE id IN (${ids.map(() => '?').join(',')})`, ids)) {
      const why = r.skip_reason?.trim() || '(no reason given)';
      reasons.set(why, (reasons.get(why) ?? 0) + 1);
    }
  }
  return {
    items: reviewRows(db, chosen),
    skipped: skipIds.length,
    skip_reasons: [...reasons].map(([reason, items]) => ({ reason, items })).sort((a, b) => b.items - a.items || a.reason.localeCompare(b.reason)),
  };
}

/** Review rows with verdicts and tags for chosen (request, review) pairs. */
function reviewRows(db: Db, chosen: ReadonlyArray<{ position: number; request_id: string; stratum: string; review_id: number }>): Array<ReviewedItem & { request_id: string; position: number; review_id: number; reviewer: string; rubric_version: number; note: string | null }> {
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
  return chosen.map((c) => {
    const r = rows.get(c.review_id)!;
    return {
      request_id: c.request_id, position: c.position, stratum: c.stratum, review_id: c.review_id, reviewer: r.reviewer, rubric_version: r.rubric_version,
      note: r.note, failed: r.failed === 1, verdicts: JSON.parse(r.verdicts) as Record<string, VerdictValue>, tag_ids: tags.get(c.review_id) ?? [],
    };
  });
}

/**
 * Outcomes of the take-all stratum: for each request reviewed before the queue was made, its latest non-undone,
 * non-skipped review (any queue). A request whose reviews were all undone since has no outcome (it counts as not
 * reviewed in that stratum).
 */
export function earlierReviews(db: Db, frame: StoredFrame): Array<ReviewedItem & { request_id: string; position: number; review_id: number; reviewer: string; rubric_version: number; note: string | null }> {
  const rowids = frame.rule === 2 ? frame.reviewed_rowids : [];
  const chosen: Array<{ position: number; request_id: string; stratum: string; review_id: number }> = [];
  for (let i = 0; i < rowids.length; i += 500) {
    const chunk = rowids.slice(i, i + 500);
    for (const r of db.all<{ request_id: string; review_id: number | null }>(`SELECT r.id AS request_id,
        (SELECT max(v.id) FROM reviews v WHERE v.request_id = r.id AND ${ratedReview('v')}) AS review_id
      FROM requests r WHERE r.rowid IN (${chunk.map(() => '?').join(',')})`, chunk)) {
      if (r.review_id !== null) chosen.push({ position: 0, request_id: r.request_id, stratum: REVIEWED_STRATUM, review_id: r.review_id });
    }
  }
  return reviewRows(db, chosen);
}

/** The queue's filters in words, e.g. "feature is chat or search". */
export function filterWords(f: QueueFilters): string[] {
  const out: string[] = [];
  for (const col of ['model', 'model_version', 'feature', 'segment', 'lang', 'status'] as const) {
    const v = f[col];
    if (v && v.length > 0) out.push(`${col} is ${v.join(' or ')}`);
  }
  if (f.is_error !== undefined) out.push(f.is_error ? 'errors only' : 'no errors');
  return out;
}

/**
 * The frame a queue's estimates describe (sampling.ts, step 1): the period's requests after the queue's filters.
 * Queues made before every request stayed in the frame left out reviewed and repeated-input requests; those
 * counts are kept and said. Requests of the period stored after the queue was made (rowid above its max_rowid) are
 * in no stratum: counted as `imported_after` (and in `requests_in_period`).
 * @param db - the workspace (read: the count of requests stored after the queue)
 * @param storedFrame - the queue's stored frame JSON
 * @param design - the queue's period, filters and undated choice (the same WHERE as its frame, sampling.ts periodWhere)
 */
export function samplingFrame(db: Db, storedFrame: string, strata: readonly QueueStratum[],
  design: Pick<QueueDesign, 'from_ts' | 'to_ts' | 'filters' | 'include_undated'>): WeekEstimates['frame'] {
  const stored = JSON.parse(storedFrame) as Partial<StoredFrame>;
  const requests = strata.reduce((a, s) => a + s.population, 0);
  const reviewed = strata.reduce((a, s) => a + s.excluded_reviewed, 0);
  const duplicates = strata.reduce((a, s) => a + s.excluded_duplicates, 0);
  // The frame holds the requests stored when the queue was made (rowid up to its max_rowid): the period's requests
  // imported since are in no stratum, so the estimates do not cover them. Counted and said, never passed over.
  const w = periodWhere(design);
  // NOT INDEXED: read only the rows after max_rowid (a rowid range), not the whole week through the ts index.
  const later = stored.max_rowid === undefined ? 0 : db.value<number>(`SELECT count(*) FROM requests NOT INDEXED WHERE rowid > ? AND ${w.sql}`, [stored.max_rowid, ...w.params]) ?? 0;
  return {
    requests, requests_in_period: (stored.requests_in_period ?? requests + reviewed + duplicates) + later, imported_after: later,
    reviewed_earlier: strata.find((s) => s.kind === 'reviewed')?.population ?? 0,
    excluded_reviewed: reviewed, excluded_duplicates: duplicates,
    undated: stored.undated ?? 0, filters: filterWords(design.filters ?? {}),
  };
}

/**
 * The sentence that says which requests the estimates are for, e.g. "Estimates are for all 1,665 requests …".
 * @param coveredShare - the share of the frame the main estimate stands for (its strata with a reviewed item and the
 *   field strata counted at their rate)
 * @param reviewedShare - the share in strata with a reviewed item (defaults to coveredShare); below 1 the sentence
 *   says how far the reviews reach, what stands in for the rest, and which note says why
 */
export function frameStatement(f: WeekEstimates['frame'], coveredShare = 1, reviewedShare = coveredShare): string {
  const base = frameSentence(f);
  if (!(reviewedShare < 1) || f.requests === 0) return base;
  const reached = Math.round(reviewedShare * f.requests);
  const covered = Math.round(coveredShare * f.requests);
  const head = `${base.slice(0, -1)}. But the reviews so far cover ${reached === 0 ? 'none of them' : `only ${count(reached)} of them (${pct(reviewedShare)})`}: the strata with a reviewed item.`;
  const imputed = covered > reached
    ? ` The estimates below also count ${count(covered - reached)} requests of strata with no reviewed item at the rate of the reviewed ones (strata collapsed), so they stand for ${count(covered)} (${pct(coveredShare)})${coveredShare < 1 ? ', not the whole frame' : ''}; the notes below name those strata.`
    : ' Until every stratum has one, each estimate below is of those strata, not of the whole frame (the notes below name the others).';
  return head + imputed;
}

function frameSentence(f: WeekEstimates['frame']): string {
  const filtered = f.filters.length > 0 ? ` matching the queue's filters (${f.filters.join('; ')})` : '';
  const undated = f.undated > 0 ? `, ${count(f.undated)} of them without a timestamp` : '';
  const left = [
    f.excluded_reviewed > 0 ? `${count(f.excluded_reviewed)} already reviewed` : null,
    f.excluded_duplicates > 0 ? `${count(f.excluded_duplicates)} repeating another request's input text` : null,
  ].filter((x): x is string => x !== null);
  if (left.length > 0) {
    return `Estimates are for ${count(f.requests)} of the period's ${count(f.requests_in_period)} requests${filtered}: this queue was made before every request stayed in the frame, and it left out ${left.join(' and ')}.`;
  }
  const earlier = f.reviewed_earlier > 0 ? `; ${count(f.reviewed_earlier)} of them ${f.reviewed_earlier === 1 ? 'was' : 'were'} reviewed before this queue and count${f.reviewed_earlier === 1 ? 's' : ''} with ${f.reviewed_earlier === 1 ? 'that review' : 'those reviews'}` : '';
  if (f.imported_after > 0) {
    return `Estimates are for the ${count(f.requests)} requests of the period${filtered}${undated} stored when this queue was made${earlier}. ${count(f.imported_after)} more of the period's requests${filtered ? ' matching them' : ''} were imported after it and are not in its frame: the estimates do not cover them (a new queue for the period would).`;
  }
  return `Estimates are for all ${count(f.requests)} requests of the period${filtered}${undated}; none is left out${earlier}.`;
}

/** Criteria across rubric versions, latest definition first (older criteria keep their last definition). */
function allCriteria(db: Db): RubricCriterion[] {
  const seen = new Map<string, RubricCriterion>();
  for (const r of rubricVersions(db)) for (const c of r.criteria) if (!seen.has(c.id)) seen.set(c.id, c);
  return [...seen.values()];
}

/**
 * Estimates of a queue: failure rate, each pass/fail criterion's pass rate and each tag's rate for the queue's
 * frame, with 95% intervals, the plain sample rate, counts (reviewed, failures seen), the method, collapsed or
 * uncovered strata, skip reasons, and small-sample flags from simulation of the design.
 * @throws LoupeError NOT_FOUND for an unknown queue
 */
export function queueEstimates(db: Db, queueId: number): WeekEstimates {
  const row = queueRow(db, queueId);
  const design = JSON.parse(row.design) as QueueDesign;
  const strata = JSON.parse(row.strata) as QueueStratum[];
  const stored = JSON.parse(row.frame) as StoredFrame;
  const mine = primaryReviews(db, queueId);
  const earlier = earlierReviews(db, stored);
  const items = [...mine.items, ...earlier];
  const metrics: RateEstimate[] = [];
  metrics.push(estimateRate('failure', 'Failure rate (any pass/fail criterion failed)', 'failure_rate', strata, items.map((i) => ({ stratum: i.stratum, y: i.failed ? 1 : 0 }))));
  for (const c of allCriteria(db)) {
    if (c.kind !== 'pass_fail') continue;
    if (!items.some((i) => i.verdicts[c.id] !== undefined)) continue;
    metrics.push(estimateRate(`criterion:${c.id}`, `${c.label}: pass rate`, 'pass_rate', strata,
      items.map((i) => ({ stratum: i.stratum, y: i.verdicts[c.id] === undefined ? null : i.verdicts[c.id] === 'pass' ? 1 : 0 }))));
  }
  const tagIds = [...new Set(items.flatMap((i) => i.tag_ids))];
  const tagNames = new Map(tagIds.length ? db.all<{ id: number; name: string }>(`SELECT id, name FROM tags WHERE id IN (${tagIds.map(() => '?').join(',')})`, tagIds).map((t) => [t.id, t.name]) : []);
  for (const id of tagIds.sort((a, b) => (tagNames.get(a) ?? '').localeCompare(tagNames.get(b) ?? ''))) {
    metrics.push(estimateRate(`tag:${id}`, `Tagged "${tagNames.get(id) ?? id}"`, 'tag_rate', strata, items.map((i) => ({ stratum: i.stratum, y: i.tag_ids.includes(id) ? 1 : 0 }))));
  }
  const frame = samplingFrame(db, row.frame, strata, design);
  const notes = [frameStatement(frame, metrics[0]!.n > 0 ? metrics[0]!.covered_share : 1, metrics[0]!.n > 0 ? metrics[0]!.reviewed_share : 1), ...metrics[0]!.notes];
  const queued = db.all<{ stratum: string; n: number }>('SELECT stratum, count(*) AS n FROM queue_items WHERE queue_id = ? GROUP BY stratum', [queueId]);
  const queuedBy = new Map(queued.map((q) => [q.stratum, q.n]));
  const reviewedEarlier = frame.reviewed_earlier;
  return {
    queue_id: queueId, queue_name: row.name, week: row.week, from_ts: design.from_ts, to_ts: design.to_ts,
    population: strata.reduce((a, s) => a + s.population, 0),
    frame,
    design: reviewedEarlier > 0
      ? `A stratified random sample of the period's requests not reviewed before, plus the ${count(reviewedEarlier)} reviewed before as a take-all stratum (inclusion probability 1) counted with their earlier reviews; together an unbiased estimate for the whole frame.`
      : design.strata === null && Object.keys(design.oversample).length === 0 ? 'A simple random sample of the frame.' : 'A stratified random sample of the frame; each item weighted by 1 / its inclusion probability.',
    queued: queued.reduce((a, q) => a + q.n, 0),
    reviewed: items.length, failures: items.filter((i) => i.failed).length,
    queue_reviewed: mine.items.length, queue_failures: mine.items.filter((i) => i.failed).length,
    skipped: mine.skipped, skip_reasons: mine.skip_reasons,
    method: { ...INTERVAL_METHOD },
    rubric_versions: [...new Set(items.map((i) => i.rubric_version))].sort((a, b) => a - b),
    reviewers: [...new Set(items.map((i) => i.reviewer))].sort(),
    strata: strata.map((s) => {
      const of = items.filter((i) => i.stratum === s.key);
      return { key: s.key, kind: s.kind, population: s.population, queued: queuedBy.get(s.key) ?? 0, reviewed: of.length, failures: of.filter((i) => i.failed).length };
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
