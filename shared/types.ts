/**
 * Domain types shared by the store, the CLI, the server and the renderer. Times are UTC epoch milliseconds unless a
 * name says otherwise; durations are milliseconds; costs are USD; token counts are tokens.
 */
import type { ScrubReport } from './contract-scrub';

/** The three kinds of record a workspace holds. */
export type RecordKind = 'requests' | 'feedback' | 'tickets';
export const RECORD_KINDS: readonly RecordKind[] = ['requests', 'feedback', 'tickets'];

/** Feedback kinds. thumb: value +1 / -1; rating: value on `scale` (CSAT 1-5, judge 1-10); nps: 0-10;
 * comment: text only; preference: value +1 when the request's output was preferred, -1 when rejected. */
export type FeedbackKind = 'thumb' | 'rating' | 'nps' | 'comment' | 'preference';
export const FEEDBACK_KINDS: readonly FeedbackKind[] = ['thumb', 'rating', 'nps', 'comment', 'preference'];

/** One request/response as stored. */
export interface RequestRecord {
  id: string;
  ts: number | null; // UTC epoch ms
  user_id: string | null;
  session_id: string | null; // session or conversation
  segment: string | null; // user segment, e.g. free/pro/enterprise
  region: string | null; // country or region code from the source, e.g. DE or eu-west
  model: string | null;
  model_version: string | null;
  feature: string | null; // feature or route
  lang: string | null;
  input: string | null;
  output: string | null;
  latency_ms: number | null;
  ttft_ms: number | null; // time to first token
  tokens_in: number | null;
  tokens_out: number | null;
  cost_usd: number | null;
  cost_source: 'source' | 'price_table' | null;
  status: string | null;
  error: string | null;
  is_error: 0 | 1;
  /**
   * How the provider billed the request: 'batch' for OpenAI Batch API and Anthropic Message Batches results (billed
   * at batch prices), else the source's own tier ('default', 'flex', 'priority', 'scale') or null when unknown. The
   * price lookup (electron/store/prices/derive.ts `billedTier`) reads it: 'batch' and 'flex' get batch prices.
   */
  service_tier: string | null;
  /** The trace (OpenTelemetry, Langfuse, LangSmith, Phoenix) the request belongs to; feedback on a trace links to it. */
  trace_id: string | null;
  input_chars: number | null;
  output_chars: number | null;
  extra: string | null; // JSON of every unmapped source field
  import_id: number | null;
  tokens_cached_in?: number | null; // input tokens read from the prompt cache (part of tokens_in)
  tokens_cache_write_in?: number | null; // input tokens written to the prompt cache (part of tokens_in)
  tokens_cache_write_1h_in?: number | null; // of those, written to Anthropic's 1-hour cache (billed at 2× input)
  price_model?: string | null; // the price row a derived cost used (cost_source 'price_table'): model key…
  price_as_of?: string | null; // …and its as-of day (YYYY-MM-DD)
  price_tier?: 'standard' | 'batch' | 'standard+cached' | 'batch+cached' | null;
}

/** One piece of feedback as stored. */
export interface FeedbackRecord {
  id: string;
  request_id: string | null;
  session_id: string | null;
  user_id: string | null;
  ts: number | null;
  kind: FeedbackKind;
  value: number | null;
  scale: number | null; // top of the scale for ratings (5 for CSAT, 10 for judge scores)
  label: string | null; // the source's own value text, e.g. "up", "Yes"
  comment: string | null;
  source: string | null; // who gave it: user, survey, judge, rater
  /** explicit: the source named the request; session: latest request of the session; trace: latest request of the trace. */
  link_method: 'explicit' | 'session' | 'trace' | null;
  trace_id: string | null; // the trace the feedback was given on (Langfuse trace score, LangSmith root run)
  extra: string | null;
  import_id: number | null;
  /** What a rating measures when it is no satisfaction answer: 'ces', 'enps' (migration 15); null otherwise. */
  measure?: string | null;
}

/** One support ticket as stored. */
export interface TicketRecord {
  id: string;
  created_ts: number | null;
  updated_ts: number | null;
  resolved_ts: number | null;
  first_response_ts: number | null;
  requester: string | null;
  requester_email: string | null;
  user_id: string | null;
  subject: string | null;
  body: string | null;
  status: string | null;
  priority: string | null;
  channel: string | null;
  tags: string | null; // JSON array of strings
  csat: number | null; // 1-5
  request_ref: string | null; // explicit request id named by the ticket
  extra: string | null;
  import_id: number | null;
}

/** A link between a ticket and a request, and how it was made. */
export interface TicketLink {
  ticket_id: string;
  request_id: string;
  method: 'explicit' | 'inferred';
  rule: string; // e.g. "request id in ticket", "same user within 48 h before ticket"
  gap_ms: number | null; // ticket created_ts minus request ts, for inferred links
}

/** A rejected source row. `line` is the 1-based line (or record number for JSON arrays) in the file. */
export interface RejectedRow {
  line: number;
  field: string | null;
  reason: string;
}

/**
 * A row whose id repeats an earlier row of the same kind in the same file. It is not refused: the last occurrence
 * wins (its values are the ones stored), so it is reported here and not among the rejected rows.
 */
export interface DuplicateRow {
  line: number; // 1-based line (or record number) of the repeat
  id: string;
  first_line: number; // where the id first appeared in the file
}

/** Records left out on purpose, by reason (e.g. "non-LLM span (no gen_ai.* attributes)": 12). */
export interface SkipReason { reason: string; count: number }

/**
 * The outcome of one import of one file (the CLI's `--json` object uses these names).
 *
 * How the counts add up. Every stored row is exactly one of: `inserted` (a new id), `updated` (an id already in the
 * workspace, its values changed), `duplicates` (an id already in the workspace, nothing changed) or
 * `duplicates_in_file` (a repeat of an id seen earlier in this file; the id itself is counted once in one of the
 * other three, by what the whole file did to its row: a stored row written twice and left as it was is a duplicate,
 * one the repeat changed is updated). Every refused row or unreadable record is counted once in `rejected`.
 * For files of one row per record (request logs, most feedback and ticket files):
 *   records_read = inserted + updated + duplicates + duplicates_in_file + rejected + skipped.
 * `skipped` counts records left out on purpose, each with its reason in `skipped_reasons` (a span that is not an LLM
 * call, a chain run, an older state of a ticket in a change history). `record_unit` names what `records_read`
 * counts: spans for OpenTelemetry files (a document holding 40 spans is 40 spans read), runs, observations, rows...
 * Records whose every field is empty are skipped and not read (like blank lines). Presets that expand one source
 * record into several rows (OASST trees, DICES, MT-Bench, HH-RLHF, LangSmith runs with feedback) count source
 * records in `records_read` but rows in the other counts, so there the identity holds for rows, not records.
 */
export interface ImportSummary {
  import_id: number | null; // null when refused
  file: string;
  kind: RecordKind | 'mixed';
  preset: string;
  records_read: number;
  inserted: number;
  updated: number;
  duplicates: number; // already in the workspace and unchanged (a re-import)
  duplicates_in_file: number; // repeats of an id earlier in this file (the last occurrence wins)
  duplicate_rows: DuplicateRow[]; // capped at 1,000, sorted by line; `duplicates_in_file` has the full count
  rejected: number;
  rejects: RejectedRow[]; // rejected rows only, sorted by line; capped at 1,000; `rejected` has the full count
  skipped: number; // records left out on purpose (see skipped_reasons)
  skipped_reasons: SkipReason[]; // every skip reason with its count, largest first
  record_unit: string; // what records_read counts: 'records', 'rows', 'spans', 'runs', 'observations', 'scores'...
  links: number; // ticket-request and feedback-request links made by this import
  notes: string[]; // detection notes: format, delimiter, encoding, epoch units, duplicate rule
  per_kind: Partial<Record<RecordKind, { inserted: number; updated: number; duplicates: number; duplicates_in_file: number }>>;
  started_at: number;
  finished_at: number;
  scrub?: ScrubReport | null; // PII scrubbing applied (null: none)
}

/** A row of the import history. */
export interface ImportHistoryEntry {
  id: number;
  file_name: string;
  file_size: number;
  sha256: string;
  kind: string;
  preset: string | null;
  mapping: unknown;
  records_read: number;
  inserted: number;
  updated: number;
  duplicates: number;
  /** 0 for imports recorded before schema 3 (their in-file duplicates are in `duplicates` and `rejects`). */
  duplicates_in_file: number;
  duplicate_rows: DuplicateRow[];
  rejected: number;
  rejects: RejectedRow[];
  /** 0 and [] for imports recorded before schema 5. */
  skipped: number;
  skipped_reasons: SkipReason[];
  /** What records_read counts ('records' for imports recorded before schema 5). */
  record_unit: string;
  notes: string[];
  started_at: number;
  finished_at: number | null;
  scrub?: ScrubReport | null; // PII scrubbing applied (null: none)
}

/** Summary of an open workspace. */
export interface WorkspaceInfo {
  path: string;
  file_name: string;
  time_zone: string; // IANA zone, UTC by default
  schema_version: number;
  file_bytes: number;
  /**
   * Rows per table; `reviews` and `skipped` count each reviewer's standing decision per queue item (its latest one
   * not undone) that rates the item or skips it; undone and replaced decisions are not counted.
   */
  counts: { requests: number; feedback: number; tickets: number; links: number; reviews: number; skipped: number };
  /** UTC ms of the first and last dated request. */
  first_ts: number | null;
  last_ts: number | null;
  /** Requests without a timestamp: outside every week, chart, alert and queue (said beside the dates). */
  undated_requests: number;
  imports: ImportHistoryEntry[];
  /** What opening the workspace found and repaired (a torn journal line skipped, damaged entries set aside). */
  notices?: string[];
}

/** Progress of a running import; totals are null where unknown. */
export interface ImportProgress {
  job_id: string;
  file: string;
  bytes_read: number;
  bytes_total: number | null;
  records: number;
  rejected: number;
  elapsed_ms: number;
  phase: 'reading' | 'linking' | 'saving';
}
