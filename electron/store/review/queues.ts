/**
 * Review queues: creation, extension, the list with progress, and one queue's detail. The sampling design is in
 * ./sampling.ts; this file stores its outcome. Queue writes go through Workspace.commit (journaled), so a queue is
 * durable as soon as the call returns without rewriting a large workspace file.
 */
import type { Db } from '../db';
import { statusKnownSql } from '../summaries/build';
import type { JournalStmt, Workspace } from '../workspace';
import { DateTime } from 'luxon';
import { LoupeError } from '../../../shared/errors';
import type {
  PeriodWeeks, QueueCreated, QueueDesign, QueueDetail, QueueFrame, QueueItem, QueueStratum, QueueSummary, ReviewerProgress,
} from '../../../shared/review-types';
import type { QueueDesignInput } from '../../../shared/contract-review';
import { allocateQueue, buildFrame, drawItems, resolveDesign, strataSummary, type DrawnItem, type Frame, type StoredFrame } from './sampling';

/** The workspace IANA time zone (UTC when unset). */
export function workspaceZone(ws: Workspace): string {
  return ws.meta('time_zone') ?? 'UTC';
}

interface QueueRow { id: number; name: string; week: string | null; from_ts: number; to_ts: number; design: string; strata: string; frame: string; batches: number; created_at: number }

/** A queue's stored row. @throws LoupeError NOT_FOUND */
export function queueRow(db: Db, queueId: number): QueueRow {
  const row = db.get<QueueRow>('SELECT * FROM review_queues WHERE id = ?', [queueId]);
  if (!row) throw new LoupeError('NOT_FOUND', `Review queue ${queueId} does not exist.`, { action: 'Pick a queue from the list, or create one.' });
  return row;
}

/** Request ids of rowids, fetched in chunks (rowids are drawn first, rows fetched after: TOOLCHAIN.md). */
function requestIds(db: Db, rowids: readonly number[]): Map<number, string> {
  const out = new Map<number, string>();
  for (let i = 0; i < rowids.length; i += 500) {
    const chunk = rowids.slice(i, i + 500);
    for (const r of db.all<{ rowid: number; id: string }>(`SELECT rowid, id FROM requests WHERE rowid IN (${chunk.map(() => '?').join(',')})`, chunk)) out.set(r.rowid, r.id);
  }
  return out;
}

/** Multi-row inserts of queue items, 100 rows per statement. */
function itemInserts(queueId: number, firstPosition: number, batch: number, items: readonly DrawnItem[], ids: ReadonlyMap<number, string>): { stmts: JournalStmt[]; out: QueueItem[] } {
  const stmts: JournalStmt[] = [];
  const out: QueueItem[] = items.map((it, i) => ({
    position: firstPosition + i, request_id: ids.get(it.rowid)!, stratum: it.stratum, reason: it.reason,
    inclusion_probability: it.inclusion_probability, overlap: it.overlap, batch,
  }));
  for (let i = 0; i < out.length; i += 100) {
    const chunk = out.slice(i, i + 100);
    stmts.push([
      `INSERT INTO queue_items (queue_id, position, request_id, stratum, reason, inclusion_probability, overlap, batch) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((c) => [queueId, c.position, c.request_id, c.stratum, c.reason, c.inclusion_probability, c.overlap ? 1 : 0, batch]),
    ]);
  }
  return { stmts, out };
}

function publicFrame(f: StoredFrame): QueueFrame {
  return { max_rowid: f.max_rowid, reviews_before: f.reviews_before, p95_latency_ms: f.p95_latency_ms, requests_in_period: f.requests_in_period, undated: f.undated ?? 0 };
}

function notesFor(d: QueueDesign, strata: QueueStratum[], drawn: number, db: Db): string[] {
  const notes: string[] = [];
  const drawable = strata.filter((s) => s.kind !== 'reviewed');
  const frame = strata.reduce((a, s) => a + s.population, 0);
  notes.push(`Frame: all ${frame.toLocaleString('en-US')} requests of the period${Object.keys(d.filters).length > 0 ? ' matching the filters' : ''}; none is left out.`);
  if (drawn < d.size) notes.push(`Only ${drawn} of the ${d.size} requested items were available: every request of the period not reviewed before is in the queue.`);
  for (const s of drawable) {
    if (s.kind === 'signal' && s.population === 0) {
      // An error signal with no request that has a status or an error: nothing says which requests failed.
      const unknown = s.key === 'signal:error' && (db.value<number>(`SELECT EXISTS (SELECT 1 FROM requests WHERE ${statusKnownSql()})`) ?? 0) === 0;
      notes.push(unknown
        ? 'No request of the workspace has a status or an error, so the error signal cannot be drawn: its share went to the other strata.'
        : `No request of the period shows ${s.key.slice(7)}; its share went to the other strata.`);
    }
    if (s.kind !== 'signal' && s.population > 0 && s.sampled === 0) notes.push(`Stratum ${s.key} (${s.population} requests) got no items: its estimate will be borrowed from the other strata. Raise the size or the minimum per stratum.`);
    if (s.kind !== 'signal' && s.population > 1 && s.sampled === 1) notes.push(`Stratum ${s.key} got 1 item: its variance will be taken together with a neighbouring stratum (a minimum of 2 per stratum avoids this).`);
  }
  const reviewed = strata.find((s) => s.kind === 'reviewed')?.population ?? 0;
  if (reviewed > 0) notes.push(`${reviewed.toLocaleString('en-US')} request${reviewed === 1 ? ' of the period was' : 's of the period were'} reviewed before: not drawn again, ${reviewed === 1 ? 'it counts' : 'they count'} in the estimates with ${reviewed === 1 ? 'its' : 'their'} earlier review${reviewed === 1 ? '' : 's'} (a take-all stratum).`);
  return notes;
}

/**
 * Draws a queue without storing it: the design resolved, its population, the allocation and the items in review
 * order. {@link createQueue} stores exactly this; tests and the bench call it directly.
 * @param zone - workspace time zone (ISO weeks)
 * @param now - creation time, UTC ms
 */
export function drawQueue(db: Db, input: QueueDesignInput, zone: string, now: number): { design: QueueDesign; frame: Frame; alloc: Map<string, number>; drawn: DrawnItem[] } {
  const design = resolveDesign(input, zone);
  const frame = buildFrame(db, design, null, now);
  const alloc = allocateQueue(design, frame.strata, design.size);
  const drawn = drawItems(design, frame, alloc, 0);
  return { design, frame, alloc, drawn };
}

/** The period of a design as people name it: the ISO week, or the first and last day. */
export function periodLabel(d: Pick<QueueDesign, 'week' | 'from_ts' | 'to_ts' | 'time_zone'>): string {
  if (d.week) return d.week;
  const day = (ms: number) => DateTime.fromMillis(ms, { zone: d.time_zone }).toISODate();
  return `${day(d.from_ts)} to ${day(d.to_ts - 1)}`;
}

/**
 * Refuses a queue that would have no items, saying why: the period (with its filters) has no requests, or every
 * one of them is already reviewed or repeats another request's input (those are left out of every queue).
 * @throws LoupeError BAD_REQUEST
 */
function refuseEmpty(db: Db, design: QueueDesign, frame: Frame): never {
  const period = periodLabel(design);
  const inPeriod = frame.stored.requests_in_period;
  const reviewed = frame.strata.find((s) => s.kind === 'reviewed')?.rowids.length ?? 0;
  const filtered = Object.keys(design.filters).length > 0 ? ' matching the filters' : '';
  let why: string;
  let action: string;
  if (inPeriod === 0) {
    const undated = design.include_undated ? 0 : (db.value<number>('SELECT count(*) FROM requests WHERE ts IS NULL') ?? 0);
    why = `the period has no requests${filtered}`;
    action = undated > 0
      ? `The workspace has ${undated.toLocaleString('en-US')} request${undated === 1 ? '' : 's'} without a timestamp; include them with "Include requests without a timestamp" (or --include-undated), or choose another period.`
      : 'Choose another period (loupe info shows the first and last request times).';
  } else {
    why = `all ${inPeriod.toLocaleString('en-US')} requests${filtered} are already reviewed`;
    action = 'Every request of the period has a review, so the estimates of its earlier queues already cover it; choose another period.';
  }
  throw new LoupeError('BAD_REQUEST', `No requests to draw in ${period}: ${why}.`, {
    action, details: { period, requests_in_period: inPeriod, reviewed_earlier: reviewed },
  });
}

/**
 * Draws and stores a new review queue.
 * @param ws - the open workspace
 * @param input - validated design (week or from/to, size, strata, allocation, min per stratum, filters, oversample shares, overlap, seed)
 * @param now - creation time, UTC ms (reviews made before it exclude their requests)
 * @returns the queue id, its items in review order, the strata with N_h and n_h, and notes
 * @throws LoupeError BAD_REQUEST for an invalid week or strata field, or a period with no eligible request (none in
 *   the period, all already reviewed, all repeated inputs)
 */
export function createQueue(ws: Workspace, input: QueueDesignInput, now = Date.now()): QueueCreated {
  const db = ws.db;
  const { design, frame, alloc, drawn } = drawQueue(db, input, workspaceZone(ws), now);
  if (drawn.length === 0) refuseEmpty(db, design, frame);
  // A queue holding undated requests says so in its name; one holding only undated requests is not filed under
  // the week it was asked for (it holds none of that week's requests).
  const undated = frame.stored.undated ?? 0;
  const dated = frame.stored.requests_in_period - undated;
  let week = design.week;
  if (undated > 0) {
    if (dated === 0) week = null;
    if (!input.name?.trim()) {
      const by = design.strata ? ` by ${design.strata}` : '';
      design.name = dated === 0 ? `Undated requests review${by}` : `${periodLabel(design)} + ${undated.toLocaleString('en-US')} undated review${by}`;
    }
  }
  const ids = requestIds(db, drawn.map((d) => d.rowid));
  const queueId = ws.nextId('review_queues');
  const strata = strataSummary(frame, alloc);
  const { stmts, out } = itemInserts(queueId, 1, 0, drawn, ids);
  ws.commit([
    ['INSERT INTO review_queues (id, name, week, from_ts, to_ts, design, strata, frame, batches, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)',
      [queueId, design.name, week, design.from_ts, design.to_ts, JSON.stringify(design), JSON.stringify(strata), JSON.stringify(frame.stored), now]],
    ...stmts,
  ]);
  return { queue_id: queueId, items: out, strata, notes: notesFor(design, strata, drawn.length, ws.db) };
}

/**
 * Adds `add` items to a queue from its frozen population, leaving the existing items where they are; the
 * inclusion probability of every item of an extended stratum becomes (n_h + m_h) / N_h (see sampling.ts, step 5).
 * @returns the added items and the updated strata
 * @throws LoupeError NOT_FOUND (queue), CONFLICT when the period's requests changed since the queue was made
 */
export function extendQueue(ws: Workspace, queueId: number, add: number): QueueCreated {
  const db = ws.db;
  const row = queueRow(db, queueId);
  const design = JSON.parse(row.design) as QueueDesign;
  const stored = JSON.parse(row.frame) as StoredFrame;
  const before = JSON.parse(row.strata) as QueueStratum[];
  const frame = buildFrame(db, design, stored, stored.reviews_before);
  const beforeByKey = new Map(before.map((s) => [s.key, s]));
  for (const s of frame.strata) {
    const b = beforeByKey.get(s.key);
    if ((b?.population ?? 0) !== s.rowids.length) {
      throw new LoupeError('CONFLICT', `The requests of this queue's period changed since it was made (stratum ${s.key}: ${b?.population ?? 0} then, ${s.rowids.length} now), so an extension would not be a sample of the same population.`,
        { action: 'Create a new queue for the period instead.' });
    }
  }
  const items = db.all<{ request_id: string; stratum: string; rowid: number }>(
    'SELECT qi.request_id, qi.stratum, r.rowid AS rowid FROM queue_items qi JOIN requests r ON r.id = qi.request_id WHERE qi.queue_id = ?', [queueId]);
  const inQueue = new Map<string, Set<number>>();
  for (const it of items) {
    let s = inQueue.get(it.stratum);
    if (!s) inQueue.set(it.stratum, (s = new Set()));
    s.add(it.rowid);
  }
  const already = new Map([...inQueue].map(([k, v]) => [k, v.size]));
  const alloc = allocateQueue(design, frame.strata, add, already);
  const batch = row.batches;
  const drawn = drawItems(design, frame, alloc, batch, inQueue);
  if (drawn.length === 0) throw new LoupeError('CONFLICT', 'Every eligible request of the period is already in the queue.', { action: 'Review the queue as it is.' });
  const ids = requestIds(db, drawn.map((d) => d.rowid));
  const maxPos = db.value<number>('SELECT coalesce(max(position), 0) FROM queue_items WHERE queue_id = ?', [queueId]) ?? 0;
  const { stmts, out } = itemInserts(queueId, maxPos + 1, batch, drawn, ids);
  const sampled = new Map(before.map((s) => [s.key, s.sampled]));
  const updates: JournalStmt[] = [];
  for (const s of frame.strata) {
    const m = alloc.get(s.key) ?? 0;
    if (m === 0) continue;
    const total = (sampled.get(s.key) ?? 0) + m;
    sampled.set(s.key, total);
    updates.push(['UPDATE queue_items SET inclusion_probability = ? WHERE queue_id = ? AND stratum = ?', [total / s.rowids.length, queueId, s.key]]);
  }
  const strata = strataSummary(frame, sampled);
  ws.commit([
    ...stmts,
    ...updates,
    ['UPDATE review_queues SET strata = ?, batches = batches + 1 WHERE id = ?', [JSON.stringify(strata), queueId]],
  ]);
  const piByStratum = new Map(strata.map((s) => [s.key, s.sampled / s.population]));
  return {
    queue_id: queueId,
    items: out.map((o) => ({ ...o, inclusion_probability: piByStratum.get(o.stratum) ?? o.inclusion_probability })),
    strata,
    notes: drawn.length < add ? [`Only ${drawn.length} more eligible requests were left in the period.`] : [],
  };
}

/** Per-item decision state of a queue: who decided each item, and how. */
interface ItemState { request_id: string; reviewed: Set<string>; skipped: Set<string>; decisions: Array<{ reviewer: string; skipped: boolean; failed: boolean | null }> }

/**
 * Effective decisions per item of a queue: for each reviewer, the latest non-undone decision. Reviewers are
 * ordered by their first non-undone decision on the item (the first is the item's primary reviewer).
 */
export function effectiveDecisions(db: Db, queueId: number): Map<string, Array<{ reviewer: string; first_id: number; review_id: number; skipped: boolean; failed: boolean | null }>> {
  const out = new Map<string, Array<{ reviewer: string; first_id: number; review_id: number; skipped: boolean; failed: boolean | null }>>();
  for (const r of db.all<{ id: number; request_id: string; reviewer: string; skipped: number; failed: number | null }>(
    'SELECT id, request_id, reviewer, skipped, failed FROM reviews WHERE queue_id = ? AND undone = 0 ORDER BY id', [queueId])) {
    let list = out.get(r.request_id);
    if (!list) out.set(r.request_id, (list = []));
    const e = list.find((x) => x.reviewer === r.reviewer);
    const failed = r.skipped === 1 || r.failed === null ? null : r.failed === 1;
    if (e) { e.review_id = r.id; e.skipped = r.skipped === 1; e.failed = failed; } else list.push({ reviewer: r.reviewer, first_id: r.id, review_id: r.id, skipped: r.skipped === 1, failed });
  }
  return out;
}

function summarize(db: Db, row: QueueRow): QueueSummary & { states: Map<string, ItemState> } {
  const items = db.all<{ request_id: string; overlap: number }>('SELECT request_id, overlap FROM queue_items WHERE queue_id = ?', [row.id]);
  const eff = effectiveDecisions(db, row.id);
  const per = new Map<string, ReviewerProgress>();
  let decided = 0;
  let reviewed = 0;
  let skipped = 0;
  let overlapItems = 0;
  let overlapDone = 0;
  const states = new Map<string, ItemState>();
  for (const it of items) {
    const list = eff.get(it.request_id) ?? [];
    const st: ItemState = { request_id: it.request_id, reviewed: new Set(), skipped: new Set(), decisions: list.map((e) => ({ reviewer: e.reviewer, skipped: e.skipped, failed: e.failed })) };
    for (const e of list) {
      (e.skipped ? st.skipped : st.reviewed).add(e.reviewer);
      let p = per.get(e.reviewer);
      if (!p) per.set(e.reviewer, (p = { reviewer: e.reviewer, reviewed: 0, skipped: 0 }));
      if (e.skipped) p.skipped++; else p.reviewed++;
    }
    states.set(it.request_id, st);
    if (list.length > 0) decided++;
    if (st.reviewed.size > 0) reviewed++;
    else if (st.skipped.size > 0) skipped++;
    if (it.overlap === 1) {
      overlapItems++;
      if (st.reviewed.size >= 2) overlapDone++;
    }
  }
  return {
    id: row.id, name: row.name, week: row.week, from_ts: row.from_ts, to_ts: row.to_ts, created_at: row.created_at,
    size: items.length, decided, reviewed, skipped, overlap_items: overlapItems, overlap_done: overlapDone,
    reviewers: [...per.values()].sort((a, b) => a.reviewer.localeCompare(b.reviewer)), states,
  };
}

/**
 * Queues, newest first, with progress per queue and per reviewer.
 * @param week - only queues of this ISO week
 */
export function listQueues(db: Db, week?: string): QueueSummary[] {
  const rows = week === undefined
    ? db.all<QueueRow>('SELECT * FROM review_queues ORDER BY id DESC')
    : db.all<QueueRow>('SELECT * FROM review_queues WHERE week = ? ORDER BY id DESC', [week]);
  return rows.map((r) => {
    const { states: _states, ...s } = summarize(db, r);
    return s;
  });
}

/**
 * The verdict the queue list shows for an item: the primary review's pass or fail. On an overlap item only the
 * viewer's own decision is shown (another reviewer's stays blind until the viewer has decided).
 */
function verdictFor(st: ItemState | undefined, overlap: boolean, viewer: string | null): 'pass' | 'fail' | null {
  if (!st) return null;
  const d = overlap ? st.decisions.find((x) => x.reviewer === viewer) : st.decisions.find((x) => !x.skipped);
  if (!d || d.skipped || d.failed === null) return null;
  return d.failed ? 'fail' : 'pass';
}

/**
 * One queue with its design, strata, frame facts and items (with status: reviewed by anyone, skipped only, open;
 * and the verdict, see {@link verdictFor}).
 * @param viewer - the reviewer looking (overlap items show only their own verdict); null shows none on overlap items
 * @throws LoupeError NOT_FOUND
 */
export function getQueue(db: Db, queueId: number, viewer: string | null = null): QueueDetail {
  const row = queueRow(db, queueId);
  const { states, ...summary } = summarize(db, row);
  const items = db.all<{ position: number; request_id: string; stratum: string; reason: string; inclusion_probability: number; overlap: number; batch: number }>(
    'SELECT position, request_id, stratum, reason, inclusion_probability, overlap, batch FROM queue_items WHERE queue_id = ? ORDER BY position', [queueId]);
  return {
    ...summary,
    design: JSON.parse(row.design) as QueueDesign,
    strata: JSON.parse(row.strata) as QueueStratum[],
    frame: publicFrame(JSON.parse(row.frame) as StoredFrame),
    items: items.map((it) => {
      const st = states.get(it.request_id);
      const status = st && st.reviewed.size > 0 ? 'reviewed' as const : st && st.skipped.size > 0 ? 'skipped' as const : 'open' as const;
      return { ...it, overlap: it.overlap === 1, status, reviewers: st ? [...st.reviewed, ...st.skipped] : [], verdict: verdictFor(st, it.overlap === 1, viewer) };
    }),
  };
}

/**
 * The queue a week's estimates and report read: the newest queue of that ISO week with at least one review (not
 * skipped, not undone), else the newest queue of the week. A second queue drawn for a week must not hide the first
 * one's reviews behind its own empty estimate.
 * @throws LoupeError NOT_FOUND when the week has no queue
 */
export function queueForWeek(db: Db, week: string): number {
  const id = db.value<number>(`SELECT q.id FROM review_queues q WHERE q.week = ?
    ORDER BY EXISTS (SELECT 1 FROM reviews r WHERE r.queue_id = q.id AND r.skipped = 0 AND r.undone = 0) DESC, q.id DESC LIMIT 1`, [week]);
  if (id === null || id === undefined) throw new LoupeError('NOT_FOUND', `No review queue exists for ${week}.`, { action: `Create one: loupe queue create --week ${week} --size 100.` });
  return id;
}

/**
 * The ISO weeks that hold requests, newest first: one index range count per week from the newest request back to
 * the oldest (at most `limit` weeks with requests, and 1,000 weeks walked), so it stays fast on a 1M-request workspace.
 * @param zone - the workspace IANA zone (weeks start Monday 00:00 there)
 */
export function weeksWithRequests(db: Db, zone: string, limit = 60): PeriodWeeks {
  const undated = db.value<number>('SELECT count(*) FROM requests WHERE ts IS NULL') ?? 0;
  const last = db.value<number>('SELECT max(ts) FROM requests');
  const first = db.value<number>('SELECT min(ts) FROM requests');
  const weeks: PeriodWeeks['weeks'] = [];
  if (last === null || last === undefined || first === null || first === undefined) return { weeks, undated };
  let start = DateTime.fromMillis(last, { zone }).startOf('week');
  for (let i = 0; i < 1000 && weeks.length < limit; i++) {
    const from = start.toMillis();
    const to = start.plus({ weeks: 1 }).toMillis();
    if (to <= first) break;
    const n = db.value<number>('SELECT count(*) FROM requests WHERE ts >= ? AND ts < ?', [from, to]) ?? 0;
    if (n > 0) weeks.push({ week: `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`, from_ts: from, to_ts: to, requests: n });
    start = start.minus({ weeks: 1 });
  }
  return { weeks, undated };
}
