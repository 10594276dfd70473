/**
 * Tagging a comment's request into the edge-case library from the Feedback screen. The library is made of effective
 * reviews that carry tags (review/exports.ts), so this records a tag-only review: no queue, no verdicts, `failed`
 * NULL, the comment (or the caller's note) as its note, under the workspace's reviewer name. It rates nothing: the
 * sampling frame and the estimates leave it out (review/reviews.ts `ratedReview`), so the request can still be drawn. Journaled like every
 * review decision (durable when the call returns) and undone like one (`review.undo`).
 */
import { LoupeError } from '../../../shared/errors';
import type { Workspace } from '../workspace';
import { getReviewer } from '../review/reviews';

/**
 * @returns the new review id and the request it tags
 * @throws LoupeError NOT_FOUND (feedback), BAD_REQUEST (no reviewer name, feedback without a request in the
 *   workspace, unknown tag)
 */
export function tagFeedbackEdgeCase(ws: Workspace, p: { feedback_id: string; tag_ids: number[]; note?: string }, sessionId: string, now = Date.now()): { review_id: number; request_id: string } {
  const db = ws.db;
  const reviewer = getReviewer(ws);
  if (!reviewer) throw new LoupeError('BAD_REQUEST', 'No reviewer name is set for this workspace.', { action: 'Set your name on the Review screen first; every edge case records who tagged it.' });
  const fb = db.get<{ id: string; request_id: string | null; comment: string | null; kind: string }>('SELECT id, request_id, comment, kind FROM feedback WHERE id = ?', [p.feedback_id]);
  if (!fb) throw new LoupeError('NOT_FOUND', `No feedback with id "${p.feedback_id}".`);
  if (!fb.request_id || !db.value('SELECT 1 FROM requests WHERE id = ?', [fb.request_id])) {
    throw new LoupeError('BAD_REQUEST', `Feedback ${p.feedback_id} is not linked to a request in this workspace, so there is no output to keep as an edge case.`, { action: 'Import the requests it belongs to, or tag another comment.' });
  }
  const tagIds = [...new Set(p.tag_ids)];
  const missing = tagIds.filter((id) => !db.value('SELECT 1 FROM tags WHERE id = ?', [id]));
  if (missing.length) throw new LoupeError('BAD_REQUEST', `Unknown tag id${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`, { action: 'Create the tag first.' });
  const rubric = db.value<number>('SELECT max(version) FROM rubrics') ?? 1;
  const id = ws.nextId('reviews'); // never reused, even after an import rolls back (workspace.ts)
  const note = p.note?.trim() || (fb.comment ? `From ${fb.kind} feedback ${fb.id}: ${fb.comment}` : `From ${fb.kind} feedback ${fb.id}`);
  ws.commit([
    ['INSERT INTO reviews (id, queue_id, request_id, reviewer, rubric_version, verdicts, failed, note, skipped, skip_reason, session_id, undone, created_at) VALUES (?, NULL, ?, ?, ?, \'{}\', NULL, ?, 0, NULL, ?, 0, ?)',
      [id, fb.request_id, reviewer, rubric, note, sessionId, now]],
    ...tagIds.map((t): [string, number[]] => ['INSERT INTO review_tags (review_id, tag_id) VALUES (?, ?)', [id, t]]),
  ]);
  return { review_id: id, request_id: fb.request_id };
}
