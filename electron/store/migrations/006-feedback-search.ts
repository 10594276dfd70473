/**
 * Migration 6: full-text search over feedback comments, and the indexes the feedback and ticket analysis reads.
 *
 * `feedback_fts` is an FTS4 table (sql.js has FTS3/FTS4, not FTS5) whose docid is the feedback row's rowid. The
 * `unicode61` tokenizer folds case and strips diacritics, so "Über" finds "uber" and German, French and Spanish
 * comments tokenize on word boundaries. Imports add their new comments with one call after the rows are stored
 * (electron/store/feedback/fts.ts, `indexImportedComments`); the triggers below keep the index in step with every
 * other change: a comment edited (a re-import that changes it, a scrub) or a feedback row deleted.
 * Existing comments are indexed here, once.
 *
 * `tickets.session_id` is the conversation a ticket came from, when the help desk exports one (chat widgets do): ticket
 * linking prefers the latest request of that conversation (electron/store/import/linking.ts).
 */
export const sql = `
CREATE VIRTUAL TABLE feedback_fts USING fts4(comment, tokenize=unicode61);

INSERT INTO feedback_fts (docid, comment) SELECT rowid, comment FROM feedback WHERE comment IS NOT NULL AND comment <> '';

CREATE TRIGGER feedback_fts_update AFTER UPDATE OF comment ON feedback
WHEN old.comment IS NOT new.comment BEGIN
  DELETE FROM feedback_fts WHERE docid = old.rowid;
  INSERT INTO feedback_fts (docid, comment) SELECT new.rowid, new.comment WHERE new.comment IS NOT NULL AND new.comment <> '';
END;

CREATE TRIGGER feedback_fts_delete AFTER DELETE ON feedback BEGIN
  DELETE FROM feedback_fts WHERE docid = old.rowid;
END;

ALTER TABLE tickets ADD COLUMN session_id TEXT;

CREATE INDEX feedback_ts ON feedback (ts);
CREATE INDEX tickets_user_created ON tickets (user_id, created_ts);
`;
