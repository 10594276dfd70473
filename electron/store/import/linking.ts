/**
 * Links feedback and tickets to requests, in SQL, inside the import transaction (after the rows are inserted).
 *
 * Feedback: a request id given by the source is an explicit link (set by the mapper, link_method 'explicit').
 * Feedback without one but with a session (conversation) id is linked to the latest request of that session at or
 * before the feedback's time (any time when the feedback has none): link_method 'session'. Feedback given on a trace
 * (trace_id, no request id) is linked to the latest request of that trace: link_method 'trace'.
 *
 * Tickets: a request id named by the ticket (tickets.request_ref) that exists is an explicit link, rule
 * "request id in ticket". Otherwise the ticket is linked to the latest request of the same user within the window
 * before the ticket was created (inclusive at both ends: a request exactly `windowHours` before, or at the same
 * millisecond, links; a request after the ticket never does), method 'inferred', rule "same user within 48 h before
 * ticket", gap_ms = ticket created_ts − request ts. A ticket that gets an explicit link loses its inferred one.
 *
 * Only rows touched by this import (import_id) and rows that are still unlinked but may now find a request from this
 * import are examined. Every statement is idempotent (INSERT OR IGNORE, `request_id IS NULL` guards): running the
 * linking twice adds nothing.
 */
import type { Db } from '../db';

/** Rule text of an inferred ticket link for a window in hours. */
export function inferredRule(windowHours: number): string {
  const h = Number.isInteger(windowHours) ? String(windowHours) : windowHours.toFixed(2).replace(/0+$/, '');
  return `same user within ${h} h before ticket`;
}

/** Rule text of an explicit ticket link. */
export const EXPLICIT_RULE = 'request id in ticket';

/**
 * Links the rows of one import.
 * @param db - the workspace database, inside the import transaction
 * @param opts.importId - the import whose rows were just inserted or updated
 * @param opts.windowHours - how far before a ticket a request of the same user may be (default in the pipeline: 48)
 * @returns ticketLinks: ticket-request links inserted by this call (0 when run again); feedbackLinks: session and trace links
 *   made by this call plus the explicit links that belong to this import (its feedback whose request exists, and
 *   earlier feedback whose request arrived with this import). The explicit part counts state, not inserts: calling
 *   again with the same import id counts those explicit links again (and changes nothing).
 */
export function linkRecords(db: Db, opts: { importId: number; windowHours: number }): { ticketLinks: number; feedbackLinks: number } {
  const imp = opts.importId;
  const windowMs = Math.round(opts.windowHours * 3_600_000);

  // Feedback, explicit: count links that became real with this import (the mapper set request_id and link_method).
  const explicitFeedback = db.value<number>(
    `SELECT count(*) FROM feedback f JOIN requests r ON r.id = f.request_id
      WHERE f.link_method = 'explicit' AND (f.import_id = ? OR r.import_id = ?)`, [imp, imp]) ?? 0;

  // Feedback, by session: the latest request of the session at or before the feedback.
  const sessionLinks = db.run(
    `WITH cand AS (
       SELECT f.id AS fid,
              (SELECT r.id FROM requests r
                WHERE r.session_id = f.session_id AND (f.ts IS NULL OR r.ts <= f.ts)
                ORDER BY r.ts IS NULL, r.ts DESC, r.id DESC LIMIT 1) AS rid
         FROM feedback f
        WHERE f.request_id IS NULL AND f.session_id IS NOT NULL
          AND (f.import_id = ? OR f.session_id IN (SELECT session_id FROM requests WHERE import_id = ? AND session_id IS NOT NULL))
     )
     UPDATE feedback SET request_id = cand.rid, link_method = 'session'
       FROM cand WHERE feedback.id = cand.fid AND cand.rid IS NOT NULL`, [imp, imp]);

  // Feedback, by trace (a Langfuse trace score, LangSmith feedback on a root chain run): the latest request of the
  // trace, which holds the answer the user saw.
  const traceLinks = db.run(
    `WITH cand AS (
       SELECT f.id AS fid,
              (SELECT r.id FROM requests r WHERE r.trace_id = f.trace_id
                ORDER BY r.ts IS NULL, r.ts DESC, r.id DESC LIMIT 1) AS rid
         FROM feedback f
        WHERE f.request_id IS NULL AND f.trace_id IS NOT NULL
          AND (f.import_id = ? OR f.trace_id IN (SELECT trace_id FROM requests WHERE import_id = ? AND trace_id IS NOT NULL))
     )
     UPDATE feedback SET request_id = cand.rid, link_method = 'trace'
       FROM cand WHERE feedback.id = cand.fid AND cand.rid IS NOT NULL`, [imp, imp]);

  // Tickets, explicit: tickets of this import naming an existing request, and earlier tickets naming a new request.
  let ticketLinks = db.run(
    `INSERT OR IGNORE INTO ticket_links (ticket_id, request_id, method, rule, gap_ms)
     SELECT t.id, r.id, 'explicit', ?, NULL FROM tickets t JOIN requests r ON r.id = t.request_ref
      WHERE t.import_id = ?`, [EXPLICIT_RULE, imp]);
  ticketLinks += db.run(
    `INSERT OR IGNORE INTO ticket_links (ticket_id, request_id, method, rule, gap_ms)
     SELECT t.id, r.id, 'explicit', ?, NULL FROM requests r JOIN tickets t ON t.request_ref = r.id
      WHERE r.import_id = ?`, [EXPLICIT_RULE, imp]);
  // An explicit link supersedes an inferred guess made before the named request was imported.
  db.run(`DELETE FROM ticket_links WHERE method = 'inferred'
           AND ticket_id IN (SELECT ticket_id FROM ticket_links WHERE method = 'explicit')`);

  // Tickets, inferred: same user, latest request within the window before the ticket; only unlinked tickets.
  ticketLinks += db.run(
    `INSERT OR IGNORE INTO ticket_links (ticket_id, request_id, method, rule, gap_ms)
     SELECT c.tid, c.rid, 'inferred', ?, c.cts - r.ts
       FROM (SELECT t.id AS tid, t.created_ts AS cts,
                    (SELECT r.id FROM requests r
                      WHERE r.user_id = t.user_id AND r.ts <= t.created_ts AND r.ts >= t.created_ts - ?
                      ORDER BY r.ts DESC, r.id DESC LIMIT 1) AS rid
               FROM tickets t
              WHERE t.user_id IS NOT NULL AND t.created_ts IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM ticket_links l WHERE l.ticket_id = t.id)
                AND (t.import_id = ? OR t.user_id IN (SELECT user_id FROM requests WHERE import_id = ? AND user_id IS NOT NULL))) c
       JOIN requests r ON r.id = c.rid`, [inferredRule(opts.windowHours), windowMs, imp, imp]);

  return { ticketLinks, feedbackLinks: explicitFeedback + sessionLinks + traceLinks };
}
