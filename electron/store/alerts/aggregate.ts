/**
 * Per-bucket, per-group aggregates the alert rules read: request counts, errors, cost (sum, sum of squares),
 * latencies (for p95 and "slower than" counts), feedback (thumbs, CSAT, NPS) and tickets. Pure code with no SQL:
 * the workspace source (./source.ts) and the false-alarm simulation (./simulation.test.ts) fill the same
 * accumulators, so the rules are measured exactly as they run. Days are the unit of accumulation; ISO weeks are
 * merged from their seven local days.
 */
import { DateTime } from 'luxon';
import { Dist } from '../summaries/dist';
import type { FeedbackCounts } from '../summaries/feedback';
import { ALERT_GROUP_DIMS, type AlertGroup, type AlertGroupDim } from '../../../shared/contract-alerts';

/** Key of the whole traffic in the group maps. */
export const ALL = 'all';

/** The map key of a group: `all`, or `feature=search-answer`. */
export function groupKey(g: AlertGroup): string {
  if (g === null) return ALL;
  const dim = ALERT_GROUP_DIMS.find((d) => g[d] !== undefined)!;
  return `${dim}=${g[dim]!}`;
}

/** The group of a map key (inverse of {@link groupKey}). */
export function groupOf(key: string): AlertGroup {
  if (key === ALL) return null;
  const eq = key.indexOf('=');
  return { [key.slice(0, eq) as AlertGroupDim]: key.slice(eq + 1) };
}

/**
 * Requests of one bucket and group. Latencies are a {@link Dist}: every value when the cell is filled row by row
 * (p95 and "slower than" counts exact), or, when filled from the hourly summaries, exact values up to 100 and a
 * DDSketch beyond (p95 within ±1%; a latency within 1% of the "slower than" line may be counted on either side).
 */
export class RequestCell {
  n = 0;
  errors = 0;
  /** Requests whose outcome is known (a status or an error message): the error rate's denominator. */
  statusN = 0;
  cost = 0;
  costSq = 0;
  /** Requests that carry a cost. */
  costN = 0;
  /** The latencies (ms). */
  readonly lat: Dist;

  /** @param exactMax largest latency set kept exact (Infinity: all of them; summaries/dist.ts EXACT_MAX for summaries) */
  constructor(exactMax = Infinity) {
    this.lat = new Dist(exactMax);
  }

  /**
   * Adds one request (latency ms or null, cost USD or null; `known`: it has a status or an error message, so it counts
   * in the error rate; an error is always known).
   */
  add(isError: boolean, latency: number | null, cost: number | null, known = true): void {
    this.n++;
    if (isError) this.errors++;
    if (known || isError) this.statusN++;
    if (latency !== null) this.lat.add(latency);
    if (cost !== null) { this.cost += cost; this.costSq += cost * cost; this.costN++; }
  }

  /** Adds one summary cell: its counts and sums, and its latency distribution. */
  addSummary(c: { n: number; errors: number; statusN: number; cost: number; costSq: number; costN: number }, latency: Dist): void {
    this.n += c.n;
    this.errors += c.errors;
    this.statusN += c.statusN;
    this.cost += c.cost;
    this.costSq += c.costSq;
    this.costN += c.costN;
    this.lat.merge(latency);
  }

  /** Adds everything of another cell (merging days into a week). */
  merge(o: RequestCell): void {
    this.n += o.n;
    this.errors += o.errors;
    this.statusN += o.statusN;
    this.cost += o.cost;
    this.costSq += o.costSq;
    this.costN += o.costN;
    this.lat.merge(o.lat);
  }

  /** Requests with a latency. */
  get latencyN(): number {
    return this.lat.n;
  }

  /** Type-7 p95 of the latencies (ms), or null without any (see the class note on sketches). */
  p95(): number | null {
    return this.lat.quantile(0.95);
  }

  /** Requests slower than `ms` (strictly; see the class note on sketches). */
  slowerThan(ms: number): number {
    return this.lat.countAbove(ms);
  }
}

/** Feedback of one bucket and group: thumbs, 1-5 ratings (CSAT) and 0-10 NPS answers. */
export class FeedbackCell {
  thumbs = 0;
  downs = 0;
  ratings = 0;
  /** Ratings of 1-3: not satisfied (the complement of top-2-box CSAT). */
  low = 0;
  nps = 0;
  /** NPS answers of 0-6. */
  detractors = 0;
  /** Scores (thumbs, ratings, NPS) from automated evaluators: in no users' share, counted here so alerts can say so. */
  automated = 0;

  /**
   * Adds one feedback value of a kind; values outside their scale are ignored (as CSAT and NPS do). An automated
   * evaluator's score (feedback/automated.ts) is counted apart and in no share.
   */
  add(kind: string, value: number, scale: number | null, automated = false, measure: string | null = null): void {
    if (automated) { this.automated++; return; }
    if (kind === 'thumb') { this.thumbs++; if (value <= 0) this.downs++; }
    else if (kind === 'rating') {
      if (measure === null && (scale ?? 5) === 5 && Number.isInteger(value) && value >= 1 && value <= 5) { this.ratings++; if (value <= 3) this.low++; }
    } else if (kind === 'nps' && Number.isInteger(value) && value >= 0 && value <= 10) { this.nps++; if (value <= 6) this.detractors++; }
  }

  /** Adds a feedback summary cell's counts (summaries/feedback.ts): the same as adding each value it counts. */
  addCounts(c: FeedbackCounts): void {
    const sum = (a: readonly number[], from: number, to: number) => { let n = 0; for (let i = from; i < to; i++) n += a[i]!; return n; };
    this.thumbs += c.up + c.down;
    this.downs += c.down;
    this.ratings += sum(c.csat, 0, 5);
    this.low += sum(c.csat, 0, 3);
    this.nps += sum(c.nps, 0, 11);
    this.detractors += sum(c.nps, 0, 7);
    this.automated += c.automated;
  }

  merge(o: FeedbackCell): void {
    this.thumbs += o.thumbs; this.downs += o.downs; this.ratings += o.ratings; this.low += o.low; this.nps += o.nps; this.detractors += o.detractors; this.automated += o.automated;
  }
}

/** Consecutive local days (or ISO weeks) in a zone: `starts` has one more entry than there are buckets. */
export interface Grid {
  unit: 'day' | 'week';
  starts: number[];
  labels: string[];
  /** A bucket is judged only when complete (see {@link completeBuckets}). */
  complete: boolean[];
  /** The bucket overlaps the dated data (first to last request): empty buckets before the data are no baseline. */
  inData: boolean[];
}

/** Days of [from, to) in the zone, starting at the Monday on or before `from` and ending on a Sunday. */
export function dayStarts(from: number, to: number, zone: string): number[] {
  const out: number[] = [];
  let d = DateTime.fromMillis(from, { zone }).startOf('week');
  const end = DateTime.fromMillis(to - 1, { zone }).startOf('week').plus({ weeks: 1 }).toMillis();
  while (d.toMillis() < end) {
    out.push(d.toMillis());
    d = d.plus({ days: 1 });
  }
  out.push(d.toMillis());
  return out;
}

/**
 * Which buckets are complete: ended by `now`, and the data reaches their end (a request at or after the end, or the
 * last request within the bucket's final 24th, e.g. the last hour of a day). A day that is still running, or a
 * day where the export stops at 14:00, is not judged.
 */
export function completeBuckets(starts: readonly number[], now: number, lastTs: number | null): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const s = starts[i]!;
    const e = starts[i + 1]!;
    out.push(e <= now && lastTs !== null && (lastTs >= e || lastTs >= e - (e - s) / 24));
  }
  return out;
}

/** Aggregates of every group over a day grid (and the week grid merged from it). */
export class Aggregates {
  readonly days: Grid;
  readonly requests = new Map<string, RequestCell[]>();
  readonly feedback = new Map<string, FeedbackCell[]>();
  readonly tickets = new Map<string, number[]>();
  private weekCache: { grid: Grid; requests: Map<string, RequestCell[]>; feedback: Map<string, FeedbackCell[]>; tickets: Map<string, number[]> } | null = null;

  /**
   * @param starts day starts (UTC ms, from {@link dayStarts}: whole ISO weeks)
   * @param zone the workspace time zone (labels)
   * @param now UTC ms; buckets that end later are not complete
   * @param firstTs first and last dated request (UTC ms), or null without any
   * @param exactMax largest latency set a cell keeps exact (Infinity for rows; EXACT_MAX for summaries)
   */
  constructor(starts: number[], readonly zone: string, now: number, firstTs: number | null, lastTs: number | null, readonly exactMax = Infinity) {
    const labels = starts.slice(0, -1).map((s) => DateTime.fromMillis(s, { zone }).toISODate()!);
    this.days = {
      unit: 'day', starts, labels, complete: completeBuckets(starts, now, lastTs),
      inData: starts.slice(0, -1).map((s, i) => firstTs !== null && lastTs !== null && starts[i + 1]! > firstTs && s <= lastTs),
    };
  }

  /** Index of the day holding ts, or -1 outside the grid. */
  dayOf(ts: number): number {
    const st = this.days.starts;
    if (ts < st[0]! || ts >= st[st.length - 1]!) return -1;
    let lo = 0;
    let hi = st.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (st[mid]! <= ts) lo = mid; else hi = mid;
    }
    return lo;
  }

  private cells<T>(map: Map<string, T[]>, key: string, make: () => T): T[] {
    let c = map.get(key);
    if (!c) map.set(key, (c = Array.from({ length: this.days.labels.length }, make)));
    return c;
  }

  /** Adds one request to the whole traffic and to its feature and model-version groups. */
  addRequest(ts: number, feature: string | null, modelVersion: string | null, isError: boolean, latency: number | null, cost: number | null, known = true): void {
    const i = this.dayOf(ts);
    if (i < 0) return;
    const make = () => new RequestCell(this.exactMax);
    this.cells(this.requests, ALL, make)[i]!.add(isError, latency, cost, known);
    if (feature !== null) this.cells(this.requests, `feature=${feature}`, make)[i]!.add(isError, latency, cost, known);
    if (modelVersion !== null) this.cells(this.requests, `model_version=${modelVersion}`, make)[i]!.add(isError, latency, cost, known);
  }

  /**
   * Adds one summary cell (an hour of one slice, inside one day of the grid) to the whole traffic and to its
   * feature and model-version groups, as {@link addRequest} does for one request.
   * @param ts the cell's hour (UTC ms)
   */
  addSummaryCell(ts: number, feature: string | null, modelVersion: string | null, c: { n: number; errors: number; statusN: number; cost: number; costSq: number; costN: number }, latency: Uint8Array | null): void {
    const i = this.dayOf(ts);
    if (i < 0) return;
    const make = () => new RequestCell(this.exactMax);
    // Decoded once, merged into the three groups.
    const lat = new Dist(this.exactMax);
    lat.mergeEncoded(latency);
    this.cells(this.requests, ALL, make)[i]!.addSummary(c, lat);
    if (feature !== null) this.cells(this.requests, `feature=${feature}`, make)[i]!.addSummary(c, lat);
    if (modelVersion !== null) this.cells(this.requests, `model_version=${modelVersion}`, make)[i]!.addSummary(c, lat);
  }

  /** The feedback cells of the day holding `ts`: the whole traffic's and the groups of the request (none before the grid). */
  private feedbackCellsAt(ts: number, feature: string | null, modelVersion: string | null): FeedbackCell[] {
    const i = this.dayOf(ts);
    if (i < 0) return [];
    const make = () => new FeedbackCell();
    const keys = [ALL, ...(feature !== null ? [`feature=${feature}`] : []), ...(modelVersion !== null ? [`model_version=${modelVersion}`] : [])];
    return keys.map((k) => this.cells(this.feedback, k, make)[i]!);
  }

  /**
   * Adds one feedback value (attributed by its own time) to the whole traffic and its request's groups; an automated
   * evaluator's score is counted apart (see {@link FeedbackCell.add}).
   */
  addFeedback(ts: number, feature: string | null, modelVersion: string | null, kind: string, value: number, scale: number | null, automated = false, measure: string | null = null): void {
    for (const c of this.feedbackCellsAt(ts, feature, modelVersion)) c.add(kind, value, scale, automated, measure);
  }

  /**
   * Adds a feedback summary cell (UTC ms of its hour, the linked request's feature and model version, null for none)
   * to the whole traffic and its groups, as {@link addFeedback} adds each value it counts.
   */
  addFeedbackCounts(hour: number, feature: string | null, modelVersion: string | null, counts: FeedbackCounts): void {
    for (const c of this.feedbackCellsAt(hour, feature, modelVersion)) c.addCounts(counts);
  }

  /** Adds one ticket (by its creation time) to the whole traffic and to the groups of the requests it is linked to. */
  addTicket(ts: number, features: readonly string[], modelVersions: readonly string[]): void {
    const i = this.dayOf(ts);
    if (i < 0) return;
    this.cells(this.tickets, ALL, () => 0)[i]! += 1;
    for (const f of new Set(features)) this.cells(this.tickets, `feature=${f}`, () => 0)[i]! += 1;
    for (const v of new Set(modelVersions)) this.cells(this.tickets, `model_version=${v}`, () => 0)[i]! += 1;
  }

  /**
   * Keeps the `max` values of each dimension with the most requests as groups; the others stay in the whole traffic
   * only (their requests, feedback and tickets are already counted there).
   */
  prune(max: number): void {
    for (const dim of ALERT_GROUP_DIMS) {
      const keys = [...this.requests.keys()].filter((k) => k.startsWith(`${dim}=`));
      const n = (k: string) => this.requests.get(k)!.reduce((s, c) => s + c.n, 0);
      const keep = new Set(keys.map((k) => [k, n(k)] as const).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, max).map(([k]) => k));
      for (const map of [this.requests, this.feedback, this.tickets] as Array<Map<string, unknown>>) {
        for (const k of [...map.keys()]) if (k.startsWith(`${dim}=`) && !keep.has(k)) map.delete(k);
      }
    }
    this.weekCache = null;
  }

  /** The day grid and its cells, or the ISO-week grid with each week merged from its seven days. */
  view(unit: 'day' | 'week'): { grid: Grid; requests: Map<string, RequestCell[]>; feedback: Map<string, FeedbackCell[]>; tickets: Map<string, number[]> } {
    if (unit === 'day') return { grid: this.days, requests: this.requests, feedback: this.feedback, tickets: this.tickets };
    if (this.weekCache) return this.weekCache;
    const d = this.days;
    const nw = Math.floor(d.labels.length / 7);
    const starts = Array.from({ length: nw + 1 }, (_, w) => d.starts[w * 7]!);
    const labels = starts.slice(0, -1).map((s) => {
      const t = DateTime.fromMillis(s, { zone: this.zone });
      return `${t.weekYear}-W${String(t.weekNumber).padStart(2, '0')}`;
    });
    const range = (w: number) => Array.from({ length: 7 }, (_, k) => w * 7 + k);
    const grid: Grid = {
      unit: 'week', starts, labels,
      complete: labels.map((_, w) => range(w).every((i) => d.complete[i])),
      inData: labels.map((_, w) => range(w).some((i) => d.inData[i])),
    };
    const fold = <T>(src: Map<string, T[]>, make: () => T, add: (a: T, b: T) => T) => new Map([...src].map(([k, cells]) =>
      [k, Array.from({ length: nw }, (_, w) => range(w).reduce((acc, i) => add(acc, cells[i]!), make()))]));
    this.weekCache = {
      grid,
      requests: fold(this.requests, () => new RequestCell(this.exactMax), (a, b) => { a.merge(b); return a; }),
      feedback: fold(this.feedback, () => new FeedbackCell(), (a, b) => { a.merge(b); return a; }),
      tickets: fold(this.tickets, () => 0, (a, b) => a + b),
    };
    return this.weekCache;
  }
}
