/**
 * Review decisions: submit, skip, undo, the reviewer name, and the review screen's item.
 *
 * Every decision is one journaled Workspace.commit (appended to the journal and fsynced before it commits), so it
 * survives a crash or kill -9 the moment the call returns. Rows are never edited: a later decision by the same
 * reviewer on the same queue item supersedes the earlier one, and undo marks the session's latest decision
 * `undone` (also journaled), which makes the one before it effective again.
 *
 * Overlap items are blind: until the current reviewer has decided an overlap item, `getItem` withholds other
 * reviewers' decisions on it (their verdicts, tags and notes are never sent, only how many there are).
 */
import type { Db } from '../db';
import type { Workspace } from '../workspace';
import { LoupeError } from '../../../shared/errors';
import type { FeedbackRecord, RequestRecord, TicketLink, TicketRecord } from '../../../shared/types';
import type { DecisionResult, QueueItem, ReviewItem, ReviewRecord, SameContent, UndoResult, VerdictValue } from '../../../shared/review-types';
import { checkVerdicts, getRubric } from './rubric';

/**
 * SQL condition (on a reviews row aliased `v`) for a review that rated its request: not undone, not skipped, and not
 * a tag-only review. A tag-only review (feedback/edge-case.ts: no queue, no verdicts, `failed` NULL) puts a request
 * into the edge-case library from a comment without judging it, so it is no outcome: the sampling frame does not
 * count its request as already reviewed, the estimates do not use it, and it is not offered as a same-content decision.
 */
export function ratedReview(v = 'v'): string {
  return `${v}.undone = 0 AND ${v}.skipped = 0 AND NOT (${v}.queue_id IS NULL AND ${v}.verdicts = '{}')`;
}

/** The reviewer name kept in the workspace (meta `reviewer`), or null when not set yet. */
export function getReviewer(ws: Workspace): string | null {
  return ws.meta('reviewer') ?? null;
}

/** Sets the reviewer name stored with every later decision (journaled). */
export function setReviewer(ws: Workspace, name: string): { reviewer: string } {
  const n = name.trim();
  if (!n) throw new LoupeError('BAD_REQUEST', 'The reviewer name is empty.');
  ws.commit([["INSERT INTO meta (key, value) VALUES ('reviewer', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [n]]]);
  return { reviewer: n };
}

function requireReviewer(ws: Workspace): string {
  const r = getReviewer(ws);
  if (!r) throw new LoupeError('BAD_REQUEST', 'No reviewer name is set for this workspace.', { action: 'Set your name (review.setReviewer) before reviewing.' });
  return r;
}

interface ItemRow { position: number; request_id: string; stratum: string; reason: string; inclusion_probability: number; overlap: number; batch: number }

/** The queue item at a position. @throws LoupeError NOT_FOUND */
export function itemAt(db: Db, queueId: number, position: number): QueueItem {
  const r = db.get<ItemRow>('SELECT position, request_id, stratum, reason, inclusion_probability, overlap, batch FROM queue_items WHERE queue_id = ? AND position = ?', [queueId, position]);
  if (!r) {
    const exists = db.value<number>('SELECT count(*) FROM review_queues WHERE id = ?', [queueId]);
    if (!exists) throw new LoupeError('NOT_FOUND', `Review queue ${queueId} does not exist.`);
    throw new LoupeError('NOT_FOUND', `Review queue ${queueId} has no item at position ${position}.`);
  }
  return { ...r, overlap: r.overlap === 1 };
}

/**
 * The first position from `from` (forward, or backward when `dir` is -1) that still needs `reviewer`'s decision:
 * no decision of theirs yet, and either nobody has reviewed it or it is an overlap item with one other reviewer.
 * Uses the (queue_id, position) key and the reviews (queue_id, request_id, reviewer) index: a few ms per call.
 */
export function nextOpen(db: Db, queueId: number, reviewer: string, from: number, dir: 1 | -1 = 1): number | null {
  const cmp = dir === 1 ? '>=' : '<=';
  const order = dir === 1 ? 'ASC' : 'DESC';
  return db.value<number>(`
    SELECT qi.position FROM queue_items qi
    WHERE qi.queue_id = ? AND qi.position ${cmp} ?
      AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.queue_id = qi.queue_id AND v.request_id = qi.request_id AND v.reviewer = ? AND v.undone = 0)
      AND (SELECT count(DISTINCT v.reviewer) FROM reviews v WHERE v.queue_id = qi.queue_id AND v.request_id = qi.request_id AND v.reviewer <> ? AND v.undone = 0 AND v.skipped = 0)
          < (CASE WHEN qi.overlap = 1 THEN 2 ELSE 1 END)
    ORDER BY qi.position ${order} LIMIT 1`, [queueId, from, reviewer, reviewer]) ?? null;
}

interface ReviewRow { id: number; queue_id: number | null; request_id: string; reviewer: string; rubric_version: number; verdicts: string; failed: number | null; note: string | null; skipped: number; skip_reason: string | null; created_at: number }

/** Review rows as records, with their tags. */
export function toRecords(db: Db, rows: readonly ReviewRow[]): ReviewRecord[] {
  if (rows.length === 0) return [];
  const tags = new Map<number, ReviewRecord['tags']>();
  for (let i = 0; i < rows.length; i += 500) {
    const ids = rows.slice(i, i + 500).map((r) => r.id);
    for (const t of db.all<{ review_id: number; id: number; name: string; colour: string }>(
      `SELECT rt.review_id, t.id, t.name, t.colour FROM review_tags rt JOIN tags t ON t.id = rt.tag_id WHERE rt.review_id IN (${ids.map(() => '?').join(',')}) ORDER BY t.name COLLATE NOCASE`, ids)) {
      let l = tags.get(t.review_id);
      if (!l) tags.set(t.review_id, (l = []));
      l.push({ id: t.id, name: t.name, colour: t.colour });
    }
  }
  return rows.map((r) => ({
    id: r.id, queue_id: r.queue_id, request_id: r.request_id, reviewer: r.reviewer, rubric_version: r.rubric_version,
    verdicts: JSON.parse(r.verdicts) as Record<string, VerdictValue>, failed: r.failed === null ? null : r.failed === 1,
    tags: tags.get(r.id) ?? [], note: r.note, skipped: r.skipped === 1, skip_reason: r.skip_reason, created_at: r.created_at,
  }));
}

/**
 * Everything the review screen shows for one position: the request, its feedback and linked tickets, the current
 * reviewer's own decision and other reviewers' decisions on this request (withheld while blind), the rubric, and
 * the neighbouring open positions. Indexed look-ups only, so it stays fast on a 1M-request workspace.
 * @throws LoupeError NOT_FOUND for a missing queue, position or request
 */
export function getItem(ws: Workspace, queueId: number, position: number): ReviewItem {
  const db = ws.db;
  const item = itemAt(db, queueId, position);
  const request = db.get<RequestRecord>('SELECT * FROM requests WHERE id = ?', [item.request_id]);
  if (!request) throw new LoupeError('NOT_FOUND', `Request ${item.request_id} of queue ${queueId} is no longer in the workspace.`);
  const feedback = db.all<FeedbackRecord>('SELECT * FROM feedback WHERE request_id = ? ORDER BY ts, id', [item.request_id]);
  const tickets = db.all<TicketRecord & { link_method: TicketLink['method']; link_rule: string; link_gap_ms: number | null }>(`
    SELECT t.*, tl.method AS link_method, tl.rule AS link_rule, tl.gap_ms AS link_gap_ms
    FROM ticket_links tl JOIN tickets t ON t.id = tl.ticket_id WHERE tl.request_id = ? ORDER BY t.created_ts, t.id`, [item.request_id])
    .map(({ link_method, link_rule, link_gap_ms, ...t }) => ({ ...t, link: { ticket_id: t.id, request_id: item.request_id, method: link_method, rule: link_rule, gap_ms: link_gap_ms } }));
  const reviewer = getReviewer(ws);
  // Effective decisions on this request: per (queue, reviewer) the latest non-undone one.
  const rows = db.all<ReviewRow>(`SELECT v.* FROM reviews v WHERE v.request_id = ? AND v.undone = 0 AND v.id = (
      SELECT max(v2.id) FROM reviews v2 WHERE v2.request_id = v.request_id AND v2.reviewer = v.reviewer AND v2.queue_id IS v.queue_id AND v2.undone = 0)
    ORDER BY v.id`, [item.request_id]);
  const mineRow = rows.find((r) => r.queue_id === queueId && r.reviewer === reviewer) ?? null;
  const others = rows.filter((r) => r !== mineRow);
  const blind = item.overlap && mineRow === null && others.length > 0;
  const size = db.value<number>('SELECT count(*) FROM queue_items WHERE queue_id = ?', [queueId]) ?? 0;
  const me = reviewer ?? '';
  const rubric = getRubric(db);
  return {
    queue_id: queueId, position, size, item, request, feedback, tickets,
    mine: mineRow ? toRecords(db, [mineRow])[0]! : null,
    earlier_reviews: blind ? [] : toRecords(db, others),
    blind,
    hidden_reviews: blind ? others.length : 0,
    reviewer,
    rubric,
    next_open: nextOpen(db, queueId, me, position + 1, 1),
    prev_open: position > 1 ? nextOpen(db, queueId, me, position - 1, -1) : null,
    same_content: sameContent(db, queueId, request, rubric.version, item.overlap ? me : null),
  };
}

/**
 * The latest review of another request with the same input and output text, in this queue or under the current
 * rubric version (see ReviewItem.same_content). Scans the reviews (a few thousand rows) and looks each request up
 * by its unique id; CROSS JOIN keeps SQLite from scanning the requests table for the text instead.
 * @param onlyReviewer - restrict to this reviewer's reviews (overlap items stay blind)
 */
export function sameContent(db: Db, queueId: number, request: Pick<RequestRecord, 'id' | 'input' | 'output'>, rubricVersion: number, onlyReviewer: string | null): SameContent | null {
  if (!request.input || request.output === null || request.output === undefined) return null;
  const row = db.get<ReviewRow>(`SELECT v.* FROM reviews v CROSS JOIN requests r ON r.id = v.request_id
    WHERE ${ratedReview('v')} AND v.request_id <> ? AND (v.queue_id = ? OR v.rubric_version = ?)
      AND (? IS NULL OR v.reviewer = ?) AND r.input = ? AND r.output = ?
    ORDER BY (v.queue_id IS ?) DESC, v.id DESC LIMIT 1`,
  [request.id, queueId, rubricVersion, onlyReviewer, onlyReviewer, request.input, request.output, queueId]);
  if (!row) return null;
  const rec = toRecords(db, [row])[0]!;
  const position = row.queue_id === queueId ? db.value<number>('SELECT position FROM queue_items WHERE queue_id = ? AND request_id = ?', [queueId, row.request_id]) ?? null : null;
  return {
    request_id: row.request_id, queue_id: row.queue_id, position, reviewer: row.reviewer, rubric_version: row.rubric_version,
    verdicts: rec.verdicts, tags: rec.tags, failed: row.failed === 1, created_at: row.created_at,
  };
}

/**
 * Records a review of the item at a queue position under the latest rubric version (journaled; durable on return).
 * @param p.verdicts - one value per criterion id ("pass"/"fail", 1-5, or a category option); pass/fail criteria are required
 * @param p.tag_ids - edge-case tags (must exist)
 * @returns the review id, the session it belongs to, whether it is a failure, the time to durability (ms) and the next open position
 * @throws LoupeError BAD_REQUEST (no reviewer name, bad verdicts, unknown tag), NOT_FOUND (queue or position)
 */
export function submitReview(ws: Workspace, p: { queue_id: number; position: number; verdicts: Record<string, VerdictValue>; tag_ids: number[]; note?: string | null }, sessionId: string, now = Date.now()): DecisionResult {
  const t0 = performance.now();
  const db = ws.db;
  const reviewer = requireReviewer(ws);
  const item = itemAt(db, p.queue_id, p.position);
  const rubric = getRubric(db);
  const { verdicts, failed } = checkVerdicts(rubric, p.verdicts);
  const tagIds = [...new Set(p.tag_ids)];
  if (tagIds.length > 0) {
    const found = db.value<number>(`SELECT count(*) FROM tags WHERE id IN (${tagIds.map(() => '?').join(',')})`, tagIds) ?? 0;
    if (found !== tagIds.length) {
      const missing = tagIds.filter((id) => !db.value('SELECT 1 FROM tags WHERE id = ?', [id]));
      throw new LoupeError('BAD_REQUEST', `Unknown tag id${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`, { action: 'Create the tag first (tags.create).' });
    }
  }
  const id = ws.nextId('reviews'); // never reused, even after an import rolls back (workspace.ts)
  const note = p.note?.trim() ? p.note.trim() : null;
  ws.commit([
    ['INSERT INTO reviews (id, queue_id, request_id, reviewer, rubric_version, verdicts, failed, note, skipped, skip_reason, session_id, undone, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, 0, ?)',
      [id, p.queue_id, item.request_id, reviewer, rubric.version, JSON.stringify(verdicts), failed ? 1 : 0, note, sessionId, now]],
    ...tagIds.map((t): [string, number[]] => ['INSERT INTO review_tags (review_id, tag_id) VALUES (?, ?)', [id, t]]),
  ]);
  const durable = performance.now() - t0;
  return { review_id: id, session_id: sessionId, failed, durable_ms: durable, next_open: nextOpen(db, p.queue_id, reviewer, p.position + 1) };
}

/**
 * Skips the item at a position with a reason (journaled). A skip is a decision: it moves the reviewer on and is
 * undone like a review, but it is not a review (estimates leave it out).
 * @throws LoupeError BAD_REQUEST (no reviewer name), NOT_FOUND
 */
export function skipItem(ws: Workspace, p: { queue_id: number; position: number; reason: string }, sessionId: string, now = Date.now()): DecisionResult {
  const t0 = performance.now();
  const db = ws.db;
  const reviewer = requireReviewer(ws);
  const item = itemAt(db, p.queue_id, p.position);
  const rubric = getRubric(db);
  const id = ws.nextId('reviews'); // never reused, even after an import rolls back (workspace.ts)
  ws.commit([
    ['INSERT INTO reviews (id, queue_id, request_id, reviewer, rubric_version, verdicts, failed, note, skipped, skip_reason, session_id, undone, created_at) VALUES (?, ?, ?, ?, ?, \'{}\', NULL, NULL, 1, ?, ?, 0, ?)',
      [id, p.queue_id, item.request_id, reviewer, rubric.version, p.reason.trim(), sessionId, now]],
  ]);
  return { review_id: id, session_id: sessionId, failed: null, durable_ms: performance.now() - t0, next_open: nextOpen(db, p.queue_id, reviewer, p.position + 1) };
}

/**
 * Undoes the session's most recent decision that is not undone yet (journaled). Repeated calls walk back through
 * the session's decisions; the decision before an undone one (if any) is effective again.
 * @returns the undone decision with its queue position, or null when there is nothing left to undo
 */
export function undoLast(ws: Workspace, sessionId: string): UndoResult {
  const db = ws.db;
  const last = db.get<{ id: number; queue_id: number | null; request_id: string }>(
    'SELECT id, queue_id, request_id FROM reviews WHERE session_id = ? AND undone = 0 ORDER BY id DESC LIMIT 1', [sessionId]);
  if (!last) return { undone: null, session_id: sessionId };
  ws.commit([['UPDATE reviews SET undone = 1 WHERE id = ?', [last.id]]]);
  const position = last.queue_id === null ? null
    : db.value<number>('SELECT position FROM queue_items WHERE queue_id = ? AND request_id = ?', [last.queue_id, last.request_id]) ?? null;
  return { undone: { review_id: last.id, queue_id: last.queue_id, position, request_id: last.request_id }, session_id: sessionId };
}
