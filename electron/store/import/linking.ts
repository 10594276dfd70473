/**
 * Links feedback and tickets to requests, inside the import transaction (after the rows are inserted).
 *
 * Feedback: a request id given by the source is an explicit link (set by the mapper, link_method 'explicit').
 * Feedback without one but with a session (conversation) id is linked to the latest request of that session at or
 * before the feedback's time (any time when the feedback has none): link_method 'session'. Feedback given on a trace
 * (trace_id, no request id) is linked to the latest request of that trace: link_method 'trace'.
 *
 * Tickets, in order of evidence; the first rule that finds a request makes the link, and the rule is stored with it:
 * 1. explicit: the request id the ticket names (tickets.request_ref), when that request exists: "request id in ticket".
 * 2. same conversation: the ticket carries a conversation (tickets.session_id): the latest request of that
 *    conversation at or before the ticket ("latest request of the ticket's conversation").
 * 3. quoted: among the same user's requests within the window before the ticket, the one the ticket's subject or body
 *    quotes most: the longest start of its input, plus of its output, plus of its error message (at least 12
 *    characters each to count, compared with case and whitespace folded); ties go to the nearest request:
 *    "same user within 48 h before ticket; the ticket quotes this request".
 * 4. only candidate: the user has exactly one request within the window before the ticket: "only request of the
 *    same user within 48 h before ticket".
 * A ticket whose user has several requests in the window and quotes none of them is left unlinked: guessing the
 * nearest one was right for 26 of 39 such tickets on the demo data (67%), far below the ≥ 90% precision a link
 * must have to be trusted in the ticket-rate analysis. `linkingAccuracy` measures precision and recall against a
 * ground truth (the demo generator's manifest).
 *
 * The window is inclusive at both ends: a request exactly `windowHours` before, or at the same millisecond, counts;
 * a request after the ticket never does. gap_ms = ticket created_ts − request ts. A ticket that gets an explicit
 * link loses its inferred one.
 *
 * Only rows touched by this import (import_id) and rows that are still unlinked but may now find a request from this
 * import are examined. Every statement is idempotent (INSERT OR IGNORE, `request_id IS NULL` guards): running the
 * linking twice adds nothing.
 */
import type { Db } from '../db';

/** How an inferred ticket link was found (see the file comment for the order). */
export type InferredKind = 'conversation' | 'quoted' | 'only';

/** Rule text of an inferred ticket link for a window in hours. */
export function inferredRule(windowHours: number, kind: InferredKind = 'only'): string {
  const h = Number.isInteger(windowHours) ? String(windowHours) : windowHours.toFixed(2).replace(/0+$/, '');
  if (kind === 'conversation') return 'latest request of the ticket\'s conversation';
  if (kind === 'quoted') return `same user within ${h} h before ticket; the ticket quotes this request`;
  return `only request of the same user within ${h} h before ticket`;
}

/** Case- and whitespace-folded text, for finding a quote. */
function fold(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Characters of a request's input or output compared with the ticket text. */
const QUOTE_CHARS = 240;
/** The shortest quote that counts as evidence. */
const MIN_QUOTE = 12;

/**
 * How many characters from the start of `text` the ticket quotes: the longest prefix of the folded text (at most
 * {@link QUOTE_CHARS}) found in the folded ticket; 0 when shorter than {@link MIN_QUOTE}. A prefix that is found
 * means every shorter one is too, so a binary search finds the longest.
 */
export function quotedLength(ticketFolded: string, text: string | null): number {
  if (!text) return 0;
  const t = fold(text.slice(0, QUOTE_CHARS * 2)).slice(0, QUOTE_CHARS);
  if (t.length < MIN_QUOTE || !ticketFolded.includes(t.slice(0, MIN_QUOTE))) return 0;
  let lo = MIN_QUOTE;
  let hi = t.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ticketFolded.includes(t.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rule text of an explicit ticket link. */
export const EXPLICIT_RULE = 'request id in ticket';

/**
 * Links the rows of one import.
 * @param db - the workspace database, inside the import transaction
 * @param opts.importId - the import whose rows were just inserted or updated
 * @param opts.windowHours - how far before a ticket a request of the same user may be (default in the pipeline: 48)
 * @param opts.explicitBefore - {@link explicitFeedbackLinks} before the import's rows were written: the explicit part
 *   then counts the links the import added (a re-import that rewrites its feedback adds none)
 * @returns ticketLinks: ticket-request links inserted by this call (0 when run again); feedbackLinks: session and trace links
 *   made by this call plus the explicit links: those the import added when `explicitBefore` is given, else those that
 *   belong to this import (its feedback whose request exists, and earlier feedback whose request arrived with it),
 *   which counts state, not inserts (calling again with the same import id counts them again and changes nothing).
 */
/**
 * Feedback explicitly linked (by the file's own request id) to a request that is stored: one pass over the feedback
 * with an indexed look-up of its request.
 */
export function explicitFeedbackLinks(db: Db): number {
  return db.value<number>("SELECT count(*) FROM feedback f JOIN requests r ON r.id = f.request_id WHERE f.link_method = 'explicit'") ?? 0;
}

export function linkRecords(db: Db, opts: { importId: number; windowHours: number; explicitBefore?: number }): { ticketLinks: number; feedbackLinks: number } {
  const imp = opts.importId;

  // Feedback, explicit: count links that became real with this import (the mapper set request_id and link_method).
  const explicitFeedback = opts.explicitBefore !== undefined ? Math.max(0, explicitFeedbackLinks(db) - opts.explicitBefore) : db.value<number>(
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

  ticketLinks += inferTicketLinks(db, imp, opts.windowHours);

  return { ticketLinks, feedbackLinks: explicitFeedback + sessionLinks + traceLinks };
}

/**
 * Rules 2-4 for the tickets still unlinked that this import may concern (its tickets, or tickets of users or
 * conversations with requests in it). @returns links inserted
 */
function inferTicketLinks(db: Db, imp: number, windowHours: number): number {
  const windowMs = Math.round(windowHours * 3_600_000);
  const open = `NOT EXISTS (SELECT 1 FROM ticket_links l WHERE l.ticket_id = t.id) AND t.created_ts IS NOT NULL`;
  const insert = (tid: string, rid: string, gap: number | null, rule: string) =>
    db.run(`INSERT OR IGNORE INTO ticket_links (ticket_id, request_id, method, rule, gap_ms) VALUES (?, ?, 'inferred', ?, ?)`, [tid, rid, rule, gap]);

  // 2. Same conversation.
  let n = db.run(
    `INSERT OR IGNORE INTO ticket_links (ticket_id, request_id, method, rule, gap_ms)
     SELECT c.tid, c.rid, 'inferred', ?, c.cts - r.ts
       FROM (SELECT t.id AS tid, t.created_ts AS cts,
                    (SELECT r.id FROM requests r WHERE r.session_id = t.session_id AND r.ts <= t.created_ts
                      ORDER BY r.ts DESC, r.id DESC LIMIT 1) AS rid
               FROM tickets t
              WHERE t.session_id IS NOT NULL AND ${open}
                AND (t.import_id = ? OR t.session_id IN (SELECT session_id FROM requests WHERE import_id = ? AND session_id IS NOT NULL))) c
       JOIN requests r ON r.id = c.rid`, [inferredRule(windowHours, 'conversation'), imp, imp]);

  // 3 and 4. The same user's requests in the window, nearest first; decided per ticket.
  const rows = db.all<{ tid: string; txt: string; cts: number; rid: string; rts: number; input: string | null; output: string | null; error: string | null }>(
    `SELECT t.id AS tid, coalesce(t.subject, '') || char(10) || coalesce(t.body, '') AS txt, t.created_ts AS cts,
            r.id AS rid, r.ts AS rts, substr(r.input, 1, 480) AS input, substr(r.output, 1, 480) AS output, r.error
       FROM tickets t JOIN requests r ON r.user_id = t.user_id AND r.ts <= t.created_ts AND r.ts >= t.created_ts - ?
      WHERE t.user_id IS NOT NULL AND ${open}
        AND (t.import_id = ? OR t.user_id IN (SELECT user_id FROM requests WHERE import_id = ? AND user_id IS NOT NULL))
      ORDER BY t.id, r.ts DESC, r.id DESC`, [windowMs, imp, imp]);
  let i = 0;
  while (i < rows.length) {
    const tid = rows[i]!.tid;
    let j = i;
    while (j < rows.length && rows[j]!.tid === tid) j++;
    const cands = rows.slice(i, j);
    const text = fold(cands[0]!.txt);
    // The request the ticket quotes most (input, output and error message together); ties go to the nearest.
    let quoted: (typeof cands)[number] | null = null;
    let best = 0;
    for (const c of cands) {
      const score = quotedLength(text, c.input) + quotedLength(text, c.output) + quotedLength(text, c.error);
      if (score > best) { best = score; quoted = c; }
    }
    if (quoted) n += insert(tid, quoted.rid, quoted.cts - quoted.rts, inferredRule(windowHours, 'quoted'));
    else if (cands.length === 1) n += insert(tid, cands[0]!.rid, cands[0]!.cts - cands[0]!.rts, inferredRule(windowHours, 'only'));
    i = j;
  }
  return n;
}

/** Precision and recall of the stored ticket links against a ground truth, overall and per rule. */
export interface LinkingAccuracy {
  /** Tickets in the truth. */
  tickets: number;
  /** Links stored for those tickets. */
  links: number;
  /** Links that name the true request. */
  correct: number;
  /** correct / links (null when there are none). */
  precision: number | null;
  /** correct / tickets (null when there are none). */
  recall: number | null;
  by_rule: Array<{ method: 'explicit' | 'inferred'; rule: string; links: number; correct: number; precision: number }>;
}

/**
 * Measures the workspace's ticket links against a ground truth, e.g. the demo generator's `manifest.ticket_links`.
 * @param truth - the true request of each ticket (ticket ids compared as text)
 */
export function linkingAccuracy(db: Db, truth: ReadonlyArray<{ ticket_id: string | number; request_id: string }>): LinkingAccuracy {
  const want = new Map(truth.map((t) => [String(t.ticket_id), t.request_id]));
  const byRule = new Map<string, LinkingAccuracy['by_rule'][number]>();
  let links = 0;
  let correct = 0;
  for (const l of db.all<{ ticket_id: string; request_id: string; method: 'explicit' | 'inferred'; rule: string }>('SELECT ticket_id, request_id, method, rule FROM ticket_links')) {
    const w = want.get(l.ticket_id);
    if (w === undefined) continue;
    const ok = w === l.request_id ? 1 : 0;
    links++;
    correct += ok;
    const key = `${l.method}\u0000${l.rule}`;
    const r = byRule.get(key) ?? { method: l.method, rule: l.rule, links: 0, correct: 0, precision: 0 };
    r.links++;
    r.correct += ok;
    r.precision = r.correct / r.links;
    byRule.set(key, r);
  }
  return {
    tickets: want.size, links, correct,
    precision: links ? correct / links : null, recall: want.size ? correct / want.size : null,
    by_rule: [...byRule.values()].sort((a, b) => b.links - a.links),
  };
}
