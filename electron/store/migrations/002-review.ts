/**
 * Migration 2: the weekly review (review queues and their items, rubric versions, reviews, edge-case tags).
 * Every review decision is one row; a later decision by the same reviewer on the same queue item supersedes an
 * earlier one, and an undo marks a row `undone` rather than deleting it, so the history stays auditable.
 * Ids are chosen by the store (not AUTOINCREMENT at replay time) so journal replay rebuilds identical rows.
 */
import type { Db } from '../db';
import { DEFAULT_RUBRIC } from '../review/rubric-default';

export const sql = `
CREATE TABLE rubrics (
  version INTEGER PRIMARY KEY,
  criteria TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE review_queues (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  week TEXT,
  from_ts INTEGER NOT NULL,
  to_ts INTEGER NOT NULL,
  design TEXT NOT NULL,
  strata TEXT NOT NULL,
  frame TEXT NOT NULL,
  batches INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE queue_items (
  queue_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  stratum TEXT NOT NULL,
  reason TEXT NOT NULL,
  inclusion_probability REAL NOT NULL CHECK (inclusion_probability > 0 AND inclusion_probability <= 1),
  overlap INTEGER NOT NULL DEFAULT 0 CHECK (overlap IN (0, 1)),
  batch INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (queue_id, position)
) STRICT;

CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  queue_id INTEGER,
  request_id TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  rubric_version INTEGER NOT NULL,
  verdicts TEXT NOT NULL DEFAULT '{}',
  failed INTEGER CHECK (failed IN (0, 1)),
  note TEXT,
  skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
  skip_reason TEXT,
  session_id TEXT,
  undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  colour TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE review_tags (
  review_id INTEGER NOT NULL,
  tag_id INTEGER NOT NULL,
  PRIMARY KEY (review_id, tag_id)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX queue_items_request ON queue_items (queue_id, request_id);
CREATE INDEX queue_items_by_request ON queue_items (request_id);
CREATE INDEX reviews_item ON reviews (queue_id, request_id, reviewer);
CREATE INDEX reviews_request ON reviews (request_id);
CREATE INDEX reviews_session ON reviews (session_id, id);
CREATE INDEX review_tags_tag ON review_tags (tag_id);
CREATE INDEX review_queues_week ON review_queues (week);
CREATE INDEX feedback_kind_request ON feedback (kind, request_id);
`;

/** Creates the review tables and stores the default rubric as version 1. */
export function up(db: Db): void {
  db.exec(sql);
  db.run('INSERT INTO rubrics (version, criteria, created_at) VALUES (1, ?, 0)', [JSON.stringify(DEFAULT_RUBRIC)]);
}
