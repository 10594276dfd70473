/**
 * Review-queue sampling: a stratified simple random sample of one period's requests with known inclusion
 * probabilities.
 *
 * The design (statistics):
 * 1. Frame. Every request of the period (`ts` in [from_ts, to_ts), plus undated ones when asked), after the design's
 *    filters. Nothing else leaves it: repeated inputs stay (production traffic repeats greetings, FAQ questions and
 *    retries, with different outputs and outcomes; review.item points the reviewer at an identical item already
 *    decided instead). Requests already reviewed before the queue is made (a rated review: not undone, not skipped,
 *    not a tag-only edge-case review, see reviews.ts `ratedReview`) form a take-all stratum `reviewed` (kind
 *    `reviewed`): they are not drawn again, their reviews are their outcomes (inclusion probability 1). The week's
 *    total is then the known total of that stratum plus an unbiased estimate for the rest, so the estimate holds for
 *    the whole period, not only for what no queue has seen yet.
 * 2. Strata: a partition of the rest. Each oversampled signal gets its own stratum; a request goes to the first
 *    signal it shows in the fixed order edge_case_repeat, thumbs_down, low_score, ticket, error, slow (only
 *    oversampled signals count). Every other request goes to the stratum of its value of the strata field (`feature=summarize`,
 *    `(none)` for a missing value), or to the single stratum `all` without a strata field.
 * 3. Allocation: signal stratum s gets round(share_s × size) items (at most N_s); the rest of the size is spread
 *    over the field strata, proportionally to N_h or equally, with at least min(min_per_stratum, N_h) each
 *    (water-filling: n_h = clamp(λ·w_h, min_h, N_h) with λ solving Σ n_h = rest, then largest-remainder rounding).
 *    When the rest cannot give every stratum its minimum, it is spread equally up to the minimum instead. The
 *    minimum is 2 by default: a stratum needs two items for a variance of its own (estimates collapse a stratum
 *    left with one reviewed item).
 * 4. Draw: inside each stratum, a simple random sample without replacement of n_h rowids (partial Fisher-Yates)
 *    from a stream seeded by (seed, stratum key), so every request of stratum h has inclusion probability exactly
 *    n_h / N_h. Rowids are drawn first and rows fetched afterwards (TOOLCHAIN.md: 2-3x faster). The queue order is a
 *    seeded shuffle of all drawn items, so reviewing a prefix is still spread over every stratum.
 * 5. Extension: `add` more items are allocated by the same rule over the strata's remaining requests and drawn by
 *    SRS from the requests of each stratum not yet in the queue. The union of an SRS of n_h and an SRS of m_h from
 *    the other N_h − n_h is an SRS of n_h + m_h from N_h, so after an extension every item of stratum h (old and new)
 *    has inclusion probability (n_h + m_h) / N_h; the store updates that number on the old items and changes
 *    nothing else about them (request, position, stratum, reason, overlap). The population is the one frozen at
 *    creation (highest rowid, the set of requests reviewed before), so later imports and reviews do not move it.
 *
 * Same workspace, design and seed give the same queue item for item: every step is deterministic (rowid order,
 * named PRNG streams, no clock).
 */
import { ascendingOrder, readPeriodRows } from './frame-scan';
import { DateTime } from 'luxon';
import { statusKnownSql } from '../summaries/build';
import type { Db } from '../db';
import { LoupeError } from '../../../shared/errors';
import { quantileSorted } from '../../../shared/stats';
import {
  REVIEW_SIGNALS, SIGNAL_LABELS, STRATA_COLUMNS, type QueueDesign, type QueueFilters, type QueueStratum, type ReviewSignal,
} from '../../../shared/review-types';
import type { QueueDesignInput } from '../../../shared/contract-review';
import { Prng } from '../../../shared/prng';
import { ratedReview } from './reviews';
import { edgeCaseRepeatRowids } from './edge-case-repeat';
import { byUserSql } from '../feedback/automated';

/** Minimum items per field stratum when a design names none (form, contract and CLI). */
export const DEFAULT_MIN_PER_STRATUM = 2;

/** Key of the take-all stratum of requests reviewed before the queue was made. */
export const REVIEWED_STRATUM = 'reviewed';

/** Frame facts stored with a queue (see {@link QueueFrame} in review-types; `reviewed_rowids` is internal). */
export interface StoredFrame {
  max_rowid: number;
  reviews_before: number;
  p95_latency_ms: number | null;
  requests_in_period: number;
  /** Rowids reviewed before the queue was made (the take-all stratum), frozen so an extension sees the same frame. */
  reviewed_rowids: number[];
  /** Requests of the frame without a timestamp (only with include_undated). Absent in queues made before it existed. */
  undated?: number;
  /** Version of the frame rule: 2 keeps every request (take-all stratum for earlier reviews); absent: the first rule,
   * which left reviewed and repeated-input requests out. */
  rule?: number;
}

/** One stratum of the built population. */
export interface FrameStratum {
  key: string;
  kind: QueueStratum['kind'];
  /** Rowids of the stratum, ascending (for `reviewed`, the requests reviewed before the queue was made). */
  rowids: number[];
  excluded_reviewed: number;
  excluded_duplicates: number;
}

/** The population of a design, partitioned into strata. */
export interface Frame {
  strata: FrameStratum[];
  stored: StoredFrame;
  /** Per request of the frame (when asked for with `opts.cells`): the field stratum key and the first named signal it shows. */
  cells?: FrameCells;
}

/** Which simulation cell each request of a frame falls in (see {@link buildFrame}'s `opts.cells`). */
export interface FrameCells {
  rowids: number[];
  /** Field stratum key (`feature=chat`, `all`) of each request, whatever stratum the design put it in. */
  field: string[];
  /** The first of the asked signals (priority order) the request shows, or null. */
  signal: Array<ReviewSignal | null>;
}

/** A drawn item before it is written. */
export interface DrawnItem { rowid: number; stratum: string; reason: string; inclusion_probability: number; overlap: boolean }

/**
 * Applies defaults and resolves the period of a design.
 * @param input - validated `queues.create` params
 * @param timeZone - the workspace IANA zone (ISO weeks start on Monday 00:00 there)
 * @returns the full design, as stored
 * @throws LoupeError BAD_REQUEST for an ISO week luxon cannot read
 */
export function resolveDesign(input: QueueDesignInput, timeZone: string): QueueDesign {
  let from: number;
  let to: number;
  let week: string | null = null;
  if (input.week !== undefined) {
    const start = DateTime.fromISO(input.week, { zone: timeZone });
    if (!start.isValid) throw new LoupeError('BAD_REQUEST', `Invalid week "${input.week}": ${start.invalidExplanation ?? 'not an ISO week'}; expected e.g. 2026-W47.`);
    from = start.startOf('week').toMillis();
    to = start.startOf('week').plus({ weeks: 1 }).toMillis();
    week = input.week;
  } else {
    from = input.from_ts as number;
    to = input.to_ts as number;
  }
  const oversample: Partial<Record<ReviewSignal, number>> = {};
  for (const s of REVIEW_SIGNALS) {
    const v = input.oversample?.[s];
    if (v !== undefined && v > 0) oversample[s] = v;
  }
  const strata = input.strata ?? null;
  const label = week ?? `${DateTime.fromMillis(from, { zone: timeZone }).toISODate()}–${DateTime.fromMillis(to - 1, { zone: timeZone }).toISODate()}`;
  return {
    name: input.name?.trim() || `${label} review${strata ? ` by ${strata}` : ''}`,
    week, from_ts: from, to_ts: to, include_undated: input.include_undated ?? false, time_zone: timeZone,
    size: input.size,
    strata,
    allocation: input.allocation ?? 'proportional',
    min_per_stratum: input.min_per_stratum ?? DEFAULT_MIN_PER_STRATUM,
    filters: input.filters ?? {},
    oversample,
    overlap: input.overlap ?? 0,
    seed: input.seed ?? 1,
  };
}

/** The SQL expression (and its parameter) giving a request's strata value. */
function strataExpr(field: string | null): { expr: string; params: string[] } {
  if (field === null) return { expr: 'NULL', params: [] };
  if ((STRATA_COLUMNS as readonly string[]).includes(field)) return { expr: field, params: [] };
  const m = /^extra\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)$/.exec(field);
  if (!m) throw new LoupeError('BAD_REQUEST', `Cannot stratify on "${field}": expected a request column (${STRATA_COLUMNS.join(', ')}) or extra.<path>.`);
  return { expr: "json_extract(CASE WHEN json_valid(extra) THEN extra END, ?)", params: [`$.${m[1]!}`] };
}

/** WHERE clauses of a design's period and filters on `requests`. */
export function periodWhere(d: Pick<QueueDesign, 'from_ts' | 'to_ts' | 'filters' | 'include_undated'>, alias = ''): { sql: string; params: Array<string | number> } {
  const a = alias ? `${alias}.` : '';
  const parts = [d.include_undated ? `((${a}ts >= ? AND ${a}ts < ?) OR ${a}ts IS NULL)` : `${a}ts >= ? AND ${a}ts < ?`];
  const params: Array<string | number> = [d.from_ts, d.to_ts];
  const f: QueueFilters = d.filters;
  for (const col of ['model', 'model_version', 'feature', 'segment', 'lang', 'status', 'region', 'user_id'] as const) {
    const vals = f[col];
    if (vals && vals.length > 0) {
      parts.push(`${a}${col} IN (${vals.map(() => '?').join(', ')})`);
      params.push(...vals);
    }
  }
  // No error: the outcome is known (a status or an error message) and is not an error (as the Records filter).
  if (f.is_error !== undefined) parts.push(f.is_error ? `${a}is_error = 1` : `${a}is_error = 0 AND ${statusKnownSql(a)}`);
  return { sql: parts.join(' AND '), params };
}

/** Rowids of the period's requests that show a signal (all signals but `error` and `slow`, which come from the row). */
function signalRowids(db: Db, signal: 'thumbs_down' | 'low_score' | 'ticket', d: QueueDesign): Set<number> {
  const out = new Set<number>();
  const w = periodWhere(d, 'r');
  const add = (row: unknown[]) => out.add(row[0] as number);
  if (signal === 'thumbs_down') {
    // Users' thumbs-down: an evaluator's (an LLM judge's, by its source) is no user's vote (feedback/automated.ts).
    db.each(`SELECT r.rowid FROM feedback f JOIN requests r ON r.id = f.request_id WHERE f.kind = 'thumb' AND f.value = -1 AND ${byUserSql()} AND ${w.sql}`, w.params, add);
  } else if (signal === 'low_score') {
    // A user's rating at or below 40% of its scale (≤ 2 of 5, ≤ 4 of 10; scale 5 when missing), a user's NPS score
    // of 0-6 (a detractor), or a linked ticket with CSAT ≤ 2. An evaluator's low score is no user's (as thumbs-down).
    db.each(`SELECT r.rowid FROM feedback f JOIN requests r ON r.id = f.request_id
      WHERE ((f.kind = 'rating' AND f.value <= 0.4 * coalesce(f.scale, 5)) OR (f.kind = 'nps' AND f.value <= 6)) AND ${byUserSql()} AND ${w.sql}`, w.params, add);
    db.each(`SELECT r.rowid FROM ticket_links tl JOIN tickets t ON t.id = tl.ticket_id JOIN requests r ON r.id = tl.request_id
      WHERE t.csat <= 2 AND ${w.sql}`, w.params, add);
  } else {
    db.each(`SELECT r.rowid FROM ticket_links tl JOIN requests r ON r.id = tl.request_id WHERE ${w.sql}`, w.params, add);
  }
  return out;
}

/** Ascending comparison for numbers. */
const asc = (a: number, b: number) => a - b;

/**
 * Builds the frame of a design and partitions it into strata (steps 1-2 of the design above).
 * @param db - the workspace database
 * @param d - the full design
 * @param frozen - for an extension: the frame stored at creation (same max rowid and reviewed set)
 * @param now - creation time (UTC ms): reviews made at or before it put their requests in the `reviewed` stratum
 * @param opts.cells - also return each request's field stratum and the first of these signals it shows (simulation)
 * @returns strata in a fixed order (signals in priority order, field values sorted, then `reviewed` when it has
 *   requests), each with ascending rowids
 */
export function buildFrame(db: Db, d: QueueDesign, frozen: StoredFrame | null, now: number, opts: { cells?: readonly ReviewSignal[] } = {}): Frame {
  const maxRowid = frozen?.max_rowid ?? (db.value<number>('SELECT max(rowid) FROM requests') ?? 0);
  const signals = REVIEW_SIGNALS.filter((s) => (d.oversample[s] ?? 0) > 0);
  const w = periodWhere(d);
  const sx = strataExpr(d.strata);

  // Requests of the period reviewed before the queue: frozen at creation.
  let reviewed: Set<number>;
  if (frozen) {
    reviewed = new Set(frozen.reviewed_rowids);
  } else {
    reviewed = new Set<number>();
    const wr = periodWhere(d, 'r');
    // Tag-only reviews (an edge case tagged from a comment: no queue, no verdicts) rated nothing: not "reviewed".
    // CROSS JOIN keeps reviews the outer loop: one id lookup per review, instead of the period's requests read from
    // the table one by one to probe the reviews (seconds on a cold 1M workspace).
    db.each(`SELECT DISTINCT r.rowid FROM reviews v CROSS JOIN requests r ON r.id = v.request_id
      WHERE ${ratedReview('v')} AND v.created_at <= ? AND r.rowid <= ? AND ${wr.sql}`, [now, maxRowid, ...wr.params], (row) => reviewed.add(row[0] as number));
  }

  // One pass over the period's rows, without ORDER BY (which would sort the whole period): from the covering
  // (feature, model, ts) index when the design needs nothing else, else through the ts index (frame-scan.ts).
  const wantSlow = signals.includes('slow') || (opts.cells?.includes('slow') ?? false);
  const wantError = signals.includes('error') || (opts.cells?.includes('error') ?? false);
  const simple = !d.include_undated && Object.values(d.filters).every((v) => v === undefined || (Array.isArray(v) && v.length === 0));
  const { rowids, values, isError, latency, undated } = readPeriodRows(db, {
    where: w, strataExpr: sx, strataField: d.strata, maxRowid, fromTs: d.from_ts, toTs: d.to_ts, needError: wantError, needLatency: wantSlow, simple,
  });
  const count = rowids.length;
  // Visit rows in rowid order, so strata list their rowids ascending and the draw does not depend on the query plan.
  const order = ascendingOrder(rowids);
  const at = (j: number) => (order ? order[j]! : j);

  let p95: number | null = null;
  if (wantSlow) {
    const lat = latency.filter((x) => !Number.isNaN(x)).sort();
    if (lat.length > 0) p95 = quantileSorted(lat, 0.95);
  }
  const asked = REVIEW_SIGNALS.filter((s) => signals.includes(s) || (opts.cells?.includes(s) ?? false));
  const sqlSets = new Map<ReviewSignal, Set<number>>();
  for (const s of asked) if (s !== 'error' && s !== 'slow') sqlSets.set(s, s === 'edge_case_repeat' ? edgeCaseRepeatRowids(db, d, w) : signalRowids(db, s, d));
  const shows = (s: ReviewSignal, i: number): boolean =>
    s === 'error' ? isError[i] === 1 : s === 'slow' ? p95 !== null && latency[i]! > p95 : sqlSets.get(s)!.has(rowids[i]!);
  const fieldKey = (v: string | null) => (d.strata === null ? 'all' : `${d.strata}=${v ?? '(none)'}`);

  const strata = new Map<string, FrameStratum>();
  const get = (key: string, kind: FrameStratum['kind']): FrameStratum => {
    let s = strata.get(key);
    if (!s) strata.set(key, (s = { key, kind, rowids: [], excluded_reviewed: 0, excluded_duplicates: 0 }));
    return s;
  };
  for (const s of signals) get(`signal:${s}`, 'signal');
  const reviewedStratum: FrameStratum = { key: REVIEWED_STRATUM, kind: 'reviewed', rowids: [], excluded_reviewed: 0, excluded_duplicates: 0 };
  const byValue = new Map<string | null, FrameStratum>();
  const cells: FrameCells | undefined = opts.cells ? { rowids: [], field: [], signal: [] } : undefined;
  const cellSignals = opts.cells ? REVIEW_SIGNALS.filter((s) => opts.cells!.includes(s)) : [];
  for (let j = 0; j < count; j++) {
    const i = at(j);
    const rowid = rowids[i]!;
    if (cells) {
      cells.rowids.push(rowid);
      cells.field.push(fieldKey(values[i] ?? null));
      cells.signal.push(cellSignals.find((s) => shows(s, i)) ?? null);
    }
    if (reviewed.has(rowid)) { reviewedStratum.rowids.push(rowid); continue; }
    let st: FrameStratum | null = null;
    for (const s of signals) {
      if (shows(s, i)) {
        st = get(`signal:${s}`, 'signal');
        break;
      }
    }
    if (!st) {
      const v = values[i] ?? null;
      st = byValue.get(v) ?? null;
      if (!st) byValue.set(v, (st = get(fieldKey(v), d.strata === null ? 'all' : 'field')));
    }
    st.rowids.push(rowid);
  }
  const signalStrata = signals.map((s) => strata.get(`signal:${s}`)!);
  const rest = [...strata.values()].filter((s) => s.kind !== 'signal').sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    strata: [...signalStrata, ...rest, ...(reviewedStratum.rowids.length > 0 ? [reviewedStratum] : [])],
    stored: {
      max_rowid: maxRowid, reviews_before: frozen?.reviews_before ?? now, p95_latency_ms: p95,
      requests_in_period: count, reviewed_rowids: frozen ? frozen.reviewed_rowids : [...reviewed].sort(asc), undated, rule: 2,
    },
    ...(cells ? { cells } : {}),
  };
}

/**
 * Integer allocation of `total` items over groups with weights, lower and upper bounds (water-filling, then
 * largest-remainder rounding; ties go to the earlier group). Σ result = min(total, Σ upper).
 * @param total - items to place (non-negative integer)
 * @param groups - weight w_h ≥ 0 (N_h for proportional, 1 for equal), lower bound lo_h ≤ hi_h, upper bound hi_h
 * @returns n_h per group, lo_h ≤ n_h ≤ hi_h when Σ lo_h ≤ total
 */
export function allocate(total: number, groups: ReadonlyArray<{ weight: number; lo: number; hi: number }>): number[] {
  const cap = groups.reduce((s, g) => s + g.hi, 0);
  if (total >= cap) return groups.map((g) => g.hi);
  const loSum = groups.reduce((s, g) => s + Math.min(g.lo, g.hi), 0);
  if (total < loSum) {
    // Not enough for every minimum: equal shares up to each minimum.
    return allocate(total, groups.map((g) => ({ weight: g.hi > 0 ? 1 : 0, lo: 0, hi: Math.min(g.lo, g.hi) })));
  }
  // Water-filling on real numbers: x_h = clamp(λ w_h, lo_h, hi_h), Σ x_h = total.
  const x = new Array<number>(groups.length).fill(0);
  const pinned = new Array<boolean>(groups.length).fill(false);
  for (let iter = 0; iter <= groups.length; iter++) {
    let rest = total;
    let wsum = 0;
    groups.forEach((g, i) => {
      if (pinned[i]) rest -= x[i]!;
      else wsum += g.weight;
    });
    const lambda = wsum > 0 ? rest / wsum : 0;
    let changed = false;
    groups.forEach((g, i) => {
      if (pinned[i]) return;
      const v = lambda * g.weight;
      const lo = Math.min(g.lo, g.hi);
      if (v < lo) { x[i] = lo; pinned[i] = true; changed = true; } else if (v > g.hi) { x[i] = g.hi; pinned[i] = true; changed = true; } else x[i] = v;
    });
    if (!changed) break;
  }
  const n = x.map((v) => Math.floor(v + 1e-9));
  let left = total - n.reduce((s, v) => s + v, 0);
  const order = x.map((v, i) => ({ i, frac: v - n[i]! })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  while (left > 0) {
    let placed = false;
    for (const { i } of order) {
      if (left === 0) break;
      if (n[i]! < groups[i]!.hi) { n[i]!++; left--; placed = true; }
    }
    if (!placed) break;
  }
  return n;
}

/**
 * Allocates a queue (or an extension) over the strata of a frame (step 3).
 * @param d - the design
 * @param strata - the frame's strata
 * @param size - items to allocate (the queue size, or the extension's `add`)
 * @param already - for an extension, items per stratum key already in the queue (they reduce each stratum's room,
 *   and minimums no longer apply); null at creation
 * @returns items to draw per stratum key
 */
export function allocateQueue(d: QueueDesign, all: readonly FrameStratum[], size: number, already: ReadonlyMap<string, number> | null = null): Map<string, number> {
  const out = new Map<string, number>();
  // The take-all stratum of earlier reviews is never drawn from: its outcomes are known.
  const strata = all.filter((s) => s.kind !== 'reviewed');
  const room = (s: FrameStratum) => s.rowids.length - (already?.get(s.key) ?? 0);
  let used = 0;
  for (const s of strata) {
    if (s.kind !== 'signal') continue;
    const signal = s.key.slice('signal:'.length) as ReviewSignal;
    const n = Math.min(room(s), Math.round((d.oversample[signal] ?? 0) * size));
    out.set(s.key, n);
    used += n;
  }
  const rest = strata.filter((s) => s.kind !== 'signal');
  const remaining = Math.max(0, size - used);
  const isExtension = already !== null;
  const n = allocate(remaining, rest.map((s) => ({
    weight: d.allocation === 'equal' ? (room(s) > 0 ? 1 : 0) : s.rowids.length,
    lo: isExtension ? 0 : Math.min(d.min_per_stratum, s.rowids.length),
    hi: room(s),
  })));
  rest.forEach((s, i) => out.set(s.key, n[i]!));
  // Signal strata that were capped leave room the field strata could not take (all full): fill signals up.
  let short = size - [...out.values()].reduce((a, b) => a + b, 0);
  for (const s of strata) {
    if (short <= 0) break;
    const free = room(s) - (out.get(s.key) ?? 0);
    if (free > 0) {
      const take = Math.min(free, short);
      out.set(s.key, (out.get(s.key) ?? 0) + take);
      short -= take;
    }
  }
  return out;
}

/** The reason stored with an item of a stratum. */
export function reasonFor(s: Pick<FrameStratum, 'key' | 'kind'>): string {
  if (s.kind === 'signal') return `oversampled: ${SIGNAL_LABELS[s.key.slice('signal:'.length) as ReviewSignal]}`;
  if (s.kind === 'all') return 'simple random sample';
  return `stratified: ${s.key}`;
}

/**
 * Draws items (step 4): an SRS of the allocated size inside each stratum, excluding rowids already in the queue,
 * shuffled into review order, with the overlap share marked.
 * @param d - the design (seed, overlap share)
 * @param frame - the population
 * @param alloc - items per stratum key
 * @param batch - 0 at creation, 1, 2, ... for extensions (each batch draws from its own streams)
 * @param inQueue - rowids already in the queue, per stratum key
 * @returns the drawn items in review order, with n_h / N_h inclusion probabilities of the combined queue
 */
export function drawItems(d: QueueDesign, frame: Frame, alloc: ReadonlyMap<string, number>, batch: number, inQueue: ReadonlyMap<string, ReadonlySet<number>> = new Map()): DrawnItem[] {
  const items: DrawnItem[] = [];
  const suffix = batch === 0 ? '' : `:batch${batch}`;
  for (const s of frame.strata) {
    const n = alloc.get(s.key) ?? 0;
    if (n === 0) continue;
    const taken = inQueue.get(s.key);
    const pool = taken && taken.size > 0 ? s.rowids.filter((r) => !taken.has(r)) : s.rowids;
    const drawn = Prng.stream(d.seed, `stratum:${s.key}${suffix}`).sample(pool, n);
    const total = n + (taken?.size ?? 0);
    const pi = total / s.rowids.length;
    const reason = reasonFor(s);
    for (const rowid of drawn) items.push({ rowid, stratum: s.key, reason, inclusion_probability: pi, overlap: false });
  }
  const ordered = Prng.stream(d.seed, `order${suffix}`).shuffle(items);
  const k = Math.round(d.overlap * ordered.length);
  if (k > 0) {
    for (const i of Prng.stream(d.seed, `overlap${suffix}`).sample(ordered.map((_, i) => i), k)) ordered[i]!.overlap = true;
  }
  return ordered;
}

/** Requests of a frame that can be drawn (every stratum but the take-all one of earlier reviews). */
export function drawableCount(frame: Frame): number {
  return frame.strata.reduce((a, s) => a + (s.kind === 'reviewed' ? 0 : s.rowids.length), 0);
}

/** The strata summary stored with a queue. */
export function strataSummary(frame: Frame, sampled: ReadonlyMap<string, number>): QueueStratum[] {
  return frame.strata.map((s) => ({
    key: s.key, kind: s.kind, population: s.rowids.length, sampled: sampled.get(s.key) ?? 0,
    excluded_reviewed: s.excluded_reviewed, excluded_duplicates: s.excluded_duplicates,
  }));
}
