/**
 * Migration 4: what imports need to say exactly what became of every record, and to link feedback across traces.
 *
 * - `imports.skipped`, `imports.skip_reasons` (JSON array of `{reason, count}`) and `imports.record_unit` (what
 *   `records_read` counts: spans, runs, rows...). History rows written before keep 0, '[]' and 'records'.
 * - `requests.service_tier`: how the provider billed the request ('batch' for OpenAI Batch API and Anthropic Message
 *   Batches results), so the price lookup can apply batch prices. NULL for rows imported before.
 * - `requests.trace_id` and `feedback.trace_id`: the trace a request belongs to and the trace a piece of feedback was
 *   given on (Langfuse trace scores, LangSmith feedback on a root chain run), with an index for the link.
 * - `feedback.link_method` gains 'trace' (linked to the latest request of the feedback's trace). SQLite cannot change
 *   a CHECK constraint in place, so the feedback table is rebuilt from its own current definition (columns added by
 *   earlier migrations are kept as they are) with only that CHECK widened, and its indexes are recreated.
 */
import type { Db } from '../db';

/** Rebuilds `feedback` with link_method allowing 'trace'. */
function widenLinkMethod(db: Db): void {
  const create = db.value<string>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'feedback'`);
  if (!create) throw new Error('migration 4: the feedback table is missing');
  const check = /link_method\s+TEXT\s+CHECK\s*\(\s*link_method\s+IN\s*\(([^)]*)\)\s*\)/i;
  const m = check.exec(create);
  if (!m) throw new Error('migration 4: feedback.link_method has no CHECK constraint to widen');
  if (/'trace'/.test(m[1]!)) return;
  const widened = create
    .replace(check, `link_method TEXT CHECK (link_method IN (${m[1]!.trim()}, 'trace'))`)
    .replace(/^CREATE TABLE\s+("?)feedback\1/i, 'CREATE TABLE feedback_004');
  const indexes = db.all<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'feedback' AND sql IS NOT NULL`);
  db.exec(widened);
  db.exec('INSERT INTO feedback_004 SELECT * FROM feedback');
  db.exec('DROP TABLE feedback');
  db.exec('ALTER TABLE feedback_004 RENAME TO feedback');
  for (const i of indexes) db.exec(i.sql);
}

/** Applies migration 4. */
export function up(db: Db): void {
  db.exec(`
    ALTER TABLE imports ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE imports ADD COLUMN skip_reasons TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE imports ADD COLUMN record_unit TEXT NOT NULL DEFAULT 'records';
    ALTER TABLE requests ADD COLUMN service_tier TEXT;
    ALTER TABLE requests ADD COLUMN trace_id TEXT;
  `);
  widenLinkMethod(db);
  db.exec(`
    ALTER TABLE feedback ADD COLUMN trace_id TEXT;
    CREATE INDEX requests_trace ON requests (trace_id) WHERE trace_id IS NOT NULL;
    CREATE INDEX feedback_trace ON feedback (trace_id) WHERE trace_id IS NOT NULL;
  `);
}
