/**
 * The one contract between the renderer and the store, declared once. Electron main (IPC), the browser-mode server
 * (HTTP) and the store worker all dispatch on these method names; both sides' types derive from this file, so a
 * renamed method breaks the build on both sides. Params are validated with zod at every boundary; results are typed
 * only (they come from our own store).
 *
 * Files never travel as paths from the renderer: the shell (Electron dialog / drop, or a browser upload) registers a
 * file and hands the renderer an opaque `file_id`.
 */
import { z } from 'zod';
import type {
  FeedbackRecord, ImportHistoryEntry, ImportProgress, ImportSummary, RecordKind, RequestRecord, TicketLink,
  TicketRecord, WorkspaceInfo,
} from './types';
import { LoupeError, type LoupeErrorData } from './errors';
import { reviewMethods } from './contract-review';
import { metricsMethods } from './contract-metrics';
import type { DurabilityEventMap } from './contract-durability';
import { importMethods } from './contract-imports';
import { pricesMethods } from './contract-prices';
import { scrubMethods, scrubOptionsSchema, type ScrubPreview } from './contract-scrub';
import { feedbackMethods } from './contract-feedback';
import { reportMethods } from './contract-report';
import { alertsMethods } from './contract-alerts';

const recordKind = z.enum(['requests', 'feedback', 'tickets']);
const id = z.string().min(1).max(4096);

/** Options an import accepts; every field is optional and detected when absent. */
export const importOptionsSchema = z.object({
  kind: recordKind.optional(),
  preset: z.string().max(100).optional(),
  /** Loupe field → dotted source path, e.g. { tokens_in: 'response.body.usage.prompt_tokens' }. Overrides the preset. */
  mapping: z.record(z.string().max(200), z.string().max(1000)).optional(),
  time_zone: z.string().max(100).optional(),
  timestamp_unit: z.enum(['auto', 'iso', 's', 'ms', 'us', 'ns', 'excel']).optional(),
  /** Order of `a/b/yyyy` dates whose numbers are both ≤ 12 (03/04/2026); detected per column when a value settles it. */
  date_order: z.enum(['mdy', 'dmy']).optional(),
  /** The decimal mark of text numbers ('.' or ','); detected from the file's numbers when absent. */
  decimal_mark: z.enum(['.', ',']).optional(),
  missing_sentinels: z.array(z.string().max(100)).max(50).optional(),
  link_window_hours: z.number().min(0).max(24 * 365).optional(),
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  encoding: z.string().max(50).optional(),
  record_path: z.string().max(1000).optional(),
  /** Text fields (e.g. ['body'], or 'tickets.body') whose literal `\n` are turned into line breaks. */
  unescape_fields: z.array(z.string().max(100)).max(30).optional(),
  /** PII scrubbing applied to every text field before anything is stored (shared/contract-scrub.ts). */
  scrub: scrubOptionsSchema.optional(),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

/** A preset the preview found plausible, with its score (0-1). */
export interface PresetCandidate { name: string; label: string; kind: RecordKind | 'mixed'; score: number }

/** What an import would do, shown before it runs. */
export interface ImportPreview {
  file: string;
  file_bytes: number;
  format: string; // jsonl | json-array | json-path | csv
  compression: 'gzip' | null;
  encoding: string;
  delimiter: string | null;
  record_path: string | null;
  kind: RecordKind | 'mixed';
  preset: string;
  presets: PresetCandidate[];
  mapping: Record<string, string>; // the mapping that would be used
  source_fields: string[]; // dotted paths seen in the sample
  sample: unknown[]; // first records as read
  mapped: Array<{ kind: RecordKind; row: Record<string, unknown> }>; // first records as they would be stored
  rejects: Array<{ line: number; field: string | null; reason: string }>;
  notes: string[];
  time_zone: string;
  /** Text fields whose line breaks look written as literal `\n` in every sampled value (offered for unescaping). */
  unescape_candidates: Array<{ field: string; rows: number; of: number }>;
  /** What the chosen scrubbing would change in the first records; null when nothing is to be scrubbed. */
  scrub?: ScrubPreview | null;
}

/** Sorting and filtering for the records grids; all done in SQL. */
export const requestQuerySchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
  sort: z.object({
    column: z.enum(['ts', 'model', 'model_version', 'feature', 'status', 'latency_ms', 'tokens_in', 'tokens_out', 'cost_usd', 'user_id', 'id']),
    desc: z.boolean(),
  }).optional(),
  // Strict: a filter the store does not know is refused by name, never silently ignored.
  filter: z.object({
    from_ts: z.number().optional(),
    to_ts: z.number().optional(),
    model: z.array(z.string()).max(100).optional(),
    feature: z.array(z.string()).max(100).optional(),
    status: z.array(z.string()).max(100).optional(),
    model_version: z.array(z.string()).max(100).optional(),
    segment: z.array(z.string()).max(100).optional(),
    region: z.array(z.string()).max(100).optional(),
    lang: z.array(z.string()).max(100).optional(),
    user_id: z.array(z.string().max(500)).max(100).optional(),
    is_error: z.boolean().optional(),
    has_feedback: z.boolean().optional(),
    has_ticket: z.boolean().optional(),
    text: z.string().max(500).optional(),
  }).strict().default({}),
});
export type RequestQuery = z.input<typeof requestQuerySchema>;

export const ticketQuerySchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
  sort: z.object({
    column: z.enum(['created_ts', 'status', 'priority', 'channel', 'csat', 'subject', 'id', 'resolved_ts']),
    desc: z.boolean(),
  }).optional(),
  filter: z.object({
    from_ts: z.number().optional(),
    to_ts: z.number().optional(),
    status: z.array(z.string()).max(100).optional(),
    priority: z.array(z.string()).max(100).optional(),
    channel: z.array(z.string()).max(100).optional(),
    linked: z.boolean().optional(),
    text: z.string().max(500).optional(),
  }).default({}),
});
export type TicketQuery = z.input<typeof ticketQuerySchema>;

/** A page of rows plus the total that matches the filter. */
export interface Page<T> { rows: T[]; total: number }

/** A request row as the grid shows it: long text cut to a preview, plus feedback/ticket counts. */
export type RequestGridRow = Omit<RequestRecord, 'input' | 'output' | 'extra'> & {
  input_preview: string | null;
  output_preview: string | null;
  feedback_count: number;
  /** The request's first four feedback values, JSON `[[kind, value, scale], …]` (the grid shows up/down, CSAT 4/5, NPS 9). */
  feedback_values: string | null;
  ticket_count: number;
};
export type TicketGridRow = Omit<TicketRecord, 'body' | 'extra'> & { body_preview: string | null; link_count: number };

export interface RequestDetail {
  request: RequestRecord;
  feedback: FeedbackRecord[];
  tickets: Array<TicketRecord & { link: TicketLink }>;
}
export interface TicketDetail {
  ticket: TicketRecord;
  requests: Array<Pick<RequestRecord, 'id' | 'ts' | 'model' | 'feature' | 'status' | 'input_chars'> & { input_preview: string | null; link: TicketLink }>;
}

/** Distinct values for the grid filters. */
export interface Facets {
  model: string[]; feature: string[]; status: string[]; ticket_status: string[]; ticket_priority: string[]; ticket_channel: string[];
  model_version: string[]; segment: string[]; region: string[]; lang: string[];
}

/** Declares a method: its params schema (validated) and its result type (typed only). */
export function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

/**
 * Every method the renderer may call. Names are `area.verb`. Params: the zod schema; result: the TS type.
 * Errors: every method may fail with a {@link LoupeErrorData}; codes are listed in shared/errors.ts.
 */
export const contract = {
  /** Summary of the open workspace: counts, date range, time zone, import history. */
  'workspace.info': method<z.ZodObject<Record<string, never>>, WorkspaceInfo>(z.object({})),
  /** Sets the workspace IANA time zone used for naive timestamps and ISO weeks. Throws BAD_REQUEST on an unknown zone. */
  'workspace.setTimeZone': method<z.ZodObject<{ time_zone: z.ZodString }>, WorkspaceInfo>(z.object({ time_zone: z.string().min(1).max(100) })),
  /** Reads the start of a registered file and returns what an import would do. */
  'import.preview': method<z.ZodObject<{ file_id: typeof id; options: typeof importOptionsSchema }>, ImportPreview>(
    z.object({ file_id: id, options: importOptionsSchema })),
  /** Starts an import job; progress arrives as `import.progress` events, the outcome as `import.finished`. */
  'import.start': method<z.ZodObject<{ file_id: typeof id; options: typeof importOptionsSchema }>, { job_id: string }>(
    z.object({ file_id: id, options: importOptionsSchema })),
  /** Cancels a running import between chunks; the workspace stays as it was. */
  'import.cancel': method<z.ZodObject<{ job_id: typeof id }>, { cancelled: boolean }>(z.object({ job_id: id })),
  'import.history': method<z.ZodObject<Record<string, never>>, ImportHistoryEntry[]>(z.object({})),
  'requests.query': method<typeof requestQuerySchema, Page<RequestGridRow>>(requestQuerySchema),
  'requests.get': method<z.ZodObject<{ id: typeof id }>, RequestDetail>(z.object({ id })),
  'tickets.query': method<typeof ticketQuerySchema, Page<TicketGridRow>>(ticketQuerySchema),
  'tickets.get': method<z.ZodObject<{ id: typeof id }>, TicketDetail>(z.object({ id })),
  'records.facets': method<z.ZodObject<Record<string, never>>, Facets>(z.object({})),
  ...reviewMethods,
  ...metricsMethods,
  ...importMethods,
  ...pricesMethods,
  ...scrubMethods,
  ...feedbackMethods,
  ...reportMethods,
  ...alertsMethods,
};

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ParamsOf<M extends MethodName> = z.input<Contract[M]['params']>;
export type ResultOf<M extends MethodName> = Contract[M]['result'];
export const METHOD_NAMES = Object.keys(contract) as MethodName[];

/** Events pushed from the store to every open view. */
export interface EventMap extends DurabilityEventMap {
  'import.progress': ImportProgress;
  'import.finished': { job_id: string; ok: true; summary: ImportSummary } | { job_id: string; ok: false; error: LoupeErrorData; file: string };
  /** Tables whose contents changed, so open views refresh the right queries. */
  'tables.changed': { tables: Array<RecordKind | 'links' | 'imports' | 'reviews' | 'queues' | 'tags' | 'rubrics' | 'meta' | 'prices'> };
}
export type EventName = keyof EventMap;

/** A typed client of the contract: what the renderer holds (preload object or HTTP client). */
export interface LoupeApi {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(event: E, cb: (payload: EventMap[E]) => void): () => void;
}

/**
 * Validates a payload against a method's schema.
 * @returns the parsed params (defaults applied)
 * @throws LoupeError BAD_REQUEST naming the first bad field, for unknown methods or invalid payloads
 */
export function parseParams<M extends MethodName>(method: string, params: unknown): { method: M; params: z.output<Contract[M]['params']> } {
  if (!Object.prototype.hasOwnProperty.call(contract, method)) {
    throw new LoupeError('BAD_REQUEST', `Unknown method "${method}"`);
  }
  const schema = contract[method as M].params as z.ZodType;
  const r = schema.safeParse(params ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    const where = first && first.path.length ? first.path.join('.') : '(payload)';
    throw new LoupeError('BAD_REQUEST', `Invalid ${method} payload at ${where}: ${first?.message ?? 'invalid'}`);
  }
  return { method: method as M, params: r.data as z.output<Contract[M]['params']> };
}
