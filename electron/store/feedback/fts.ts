/**
 * Full-text search over feedback comments: the FTS4 index `feedback_fts` (migration 8) and the query text built from
 * what a user types.
 *
 * A search is a phrase: the words in order, the last one as a prefix (so "slow in the after" already finds "slow in
 * the afternoon"), matched case- and accent-insensitively on word boundaries by the `unicode61` tokenizer. Text with
 * no word in it (only emoji or punctuation) falls back to a plain substring match (LIKE) over the comments.
 */
import type { Db } from '../db';

/** Words as the FTS `unicode61` tokenizer sees them: runs of letters, digits and combining marks. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * The FTS4 MATCH expression for a search text, or null when the text has no word (then search with LIKE).
 * Double quotes and FTS operators typed by the user are not interpreted: every word is part of one phrase.
 * @example ftsPhrase('Slow in the after') === '"slow in the after*"'
 */
export function ftsPhrase(text: string): string | null {
  const words = text.toLowerCase().match(WORD);
  if (!words || words.length === 0) return null;
  return `"${words.join(' ')}*"`;
}

/** Escapes LIKE wildcards so a search for `50%` finds the text `50%`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The SQL condition (on a feedback row aliased `alias`) that its comment matches `text`, with its parameters.
 * Uses the FTS index when the text has a word; LIKE otherwise.
 */
export function commentMatch(text: string, alias = 'f'): { sql: string; params: string[] } {
  const phrase = ftsPhrase(text);
  if (phrase === null) return { sql: `${alias}.comment LIKE ? ESCAPE '\\'`, params: [likePattern(text)] };
  return { sql: `${alias}.rowid IN (SELECT docid FROM feedback_fts WHERE feedback_fts MATCH ?)`, params: [phrase] };
}

/**
 * Adds the comments of one import's new feedback rows to the search index. Rows the import changed are already
 * re-indexed by the `feedback_fts_update` trigger; rows it left unchanged keep their entry. Idempotent.
 * Runs inside the import transaction, so a failed import leaves the index as it was.
 * @returns comments added to the index
 */
export function indexImportedComments(db: Db, importId: number): number {
  return db.run(`INSERT INTO feedback_fts (docid, comment)
    SELECT f.rowid, f.comment FROM feedback f
     WHERE f.import_id = ? AND f.comment IS NOT NULL AND f.comment <> ''
       AND NOT EXISTS (SELECT 1 FROM feedback_fts x WHERE x.docid = f.rowid)`, [importId]);
}
