/**
 * Migration 1: the core tables (requests, feedback, tickets, links, imports, meta, prices).
 * Times are UTC epoch ms; durations ms; costs USD. `extra` keeps every unmapped source field as JSON.
 */
export const sql = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  file_size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  kind TEXT NOT NULL,
  preset TEXT,
  mapping TEXT NOT NULL DEFAULT '{}',
  options TEXT NOT NULL DEFAULT '{}',
  records_read INTEGER NOT NULL DEFAULT 0,
  inserted INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  rejects TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '[]',
  started_at INTEGER NOT NULL,
  finished_at INTEGER
) STRICT;

CREATE TABLE requests (
  id TEXT NOT NULL UNIQUE,
  ts INTEGER,
  user_id TEXT,
  session_id TEXT,
  segment TEXT,
  model TEXT,
  model_version TEXT,
  feature TEXT,
  lang TEXT,
  input TEXT,
  output TEXT,
  latency_ms REAL,
  ttft_ms REAL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  cost_usd REAL,
  cost_source TEXT CHECK (cost_source IN ('source', 'price_table')),
  status TEXT,
  error TEXT,
  is_error INTEGER NOT NULL DEFAULT 0 CHECK (is_error IN (0, 1)),
  input_chars INTEGER,
  output_chars INTEGER,
  extra TEXT,
  import_id INTEGER
) STRICT;

CREATE TABLE feedback (
  id TEXT NOT NULL UNIQUE,
  request_id TEXT,
  session_id TEXT,
  user_id TEXT,
  ts INTEGER,
  kind TEXT NOT NULL CHECK (kind IN ('thumb', 'rating', 'nps', 'comment', 'preference')),
  value REAL,
  scale REAL,
  label TEXT,
  comment TEXT,
  source TEXT,
  link_method TEXT CHECK (link_method IN ('explicit', 'session')),
  extra TEXT,
  import_id INTEGER
) STRICT;

CREATE TABLE tickets (
  id TEXT NOT NULL UNIQUE,
  created_ts INTEGER,
  updated_ts INTEGER,
  resolved_ts INTEGER,
  first_response_ts INTEGER,
  requester TEXT,
  requester_email TEXT,
  user_id TEXT,
  subject TEXT,
  body TEXT,
  status TEXT,
  priority TEXT,
  channel TEXT,
  tags TEXT,
  csat REAL,
  request_ref TEXT,
  extra TEXT,
  import_id INTEGER
) STRICT;

CREATE TABLE ticket_links (
  ticket_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  method TEXT NOT NULL CHECK (method IN ('explicit', 'inferred')),
  rule TEXT NOT NULL,
  gap_ms INTEGER,
  PRIMARY KEY (ticket_id, request_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE prices (
  model TEXT PRIMARY KEY,
  input_usd_per_mtok REAL NOT NULL,
  output_usd_per_mtok REAL NOT NULL,
  as_of TEXT NOT NULL,
  source TEXT NOT NULL
) STRICT;

CREATE INDEX requests_ts ON requests (ts);
CREATE INDEX requests_user_ts ON requests (user_id, ts);
CREATE INDEX requests_session ON requests (session_id);
-- For the records grid: filters by feature and model, and the latency sort, stay fast on 1M requests.
CREATE INDEX requests_feature_model_ts ON requests (feature, model, ts);
CREATE INDEX requests_model_ts ON requests (model, ts);
CREATE INDEX requests_latency ON requests (latency_ms);
CREATE INDEX feedback_request ON feedback (request_id);
CREATE INDEX feedback_session ON feedback (session_id);
CREATE INDEX tickets_created ON tickets (created_ts);
CREATE INDEX ticket_links_request ON ticket_links (request_id);
`;
