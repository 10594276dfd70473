/**
 * The import job: read a file in batches, map each record to stored rows, insert them in one transaction, link
 * feedback and tickets to requests, record the import, and save. A failed or cancelled import leaves the workspace
 * exactly as it was (the transaction rolls back; the file on disk is only replaced after a successful commit).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImportOptions, ImportPreview } from '../../../shared/contract';
import { LoupeError } from '../../../shared/errors';
import type { ModelPrice } from '../../../shared/prices';
import type { DuplicateRow, ImportProgress, ImportSummary, RecordKind, RejectedRow, SkipReason } from '../../../shared/types';
import type { Db } from '../db';
import { MAX_WORKSPACE_BYTES, type Workspace } from '../workspace';
import { buildMapper, choosePreset, detectKind, escapedNewlineFields, listPaths, type MappedRow, type Mapper } from './mapping';
import { ReaderStartError, readerThreadScript, startReaderThread, type ReaderEnd } from '../import-thread/client';
import { mapBatches, type MappedBatch } from './map-batches';
import { explicitFeedbackLinks, linkRecords } from './linking';
import { priceRows } from '../prices/derive';
import { startScrub } from '../scrub/import-hook';
import { indexImportedComments } from '../feedback/fts';
import { refreshSummaries } from '../summaries/build';
import { SummaryStream } from '../summaries/stream';
import { ensureFeedbackSummaries } from '../summaries/feedback';
import { detectSource, ImportFileError, readRecords, type DetectedSource } from './read';
import { hookAsync } from '../test-hooks';
import { bulkStatement } from '../bulk-bind/statement';
import { COLUMNS, isPacked, KIND_OF_CODE, pushRowValues, type PackedBatch } from './packed';
import { ValueReader } from './encoded';
import { trackPreimages, type PreimageTracker } from './preimage';
import { diskHasher, PhaseClock, setLastImportTimings } from './timings';

/** Rejected (and in-file duplicate) rows kept in the summary and the import history; the counts are always complete. */
const MAX_REJECTS_KEPT = 1000;
/** Records read to choose a preset and detect units. */
const SAMPLE_RECORDS = 200;
/** Default window for linking a ticket to the same user's earlier requests. */
export const DEFAULT_LINK_WINDOW_HOURS = 48;

/** Where each kind's `import_id` sits among its COLUMNS. */
const IMPORT_ID_AT: Record<RecordKind, number> = {
  requests: COLUMNS.requests.indexOf('import_id'),
  feedback: COLUMNS.feedback.indexOf('import_id'),
  tickets: COLUMNS.tickets.indexOf('import_id'),
};

/**
 * Columns that describe one state together: when the incoming row gives any of a group's `when` columns, the whole
 * group is taken from it (even its NULLs: a request now `ok` has no error text; a reopened ticket has no resolved
 * time); when it gives none of them, the whole group keeps its stored values.
 */
const GROUPS: Record<RecordKind, ReadonlyArray<{ when: readonly string[]; cols: readonly string[] }>> = {
  requests: [
    { when: ['status', 'error'], cols: ['status', 'error', 'is_error'] },
    { when: ['cost_usd'], cols: ['cost_usd', 'cost_source', 'price_model', 'price_as_of', 'price_tier'] },
  ],
  feedback: [
    // A link found by the store (through the session or trace) is kept when the source, which cannot know it, sends
    // no request id again.
    { when: ['request_id'], cols: ['request_id', 'link_method'] },
    // Every mapped feedback row has a kind, so its value, scale and label are always the file's (a comment-only row
    // has no value, not the stored one).
    { when: ['kind'], cols: ['kind', 'value', 'scale', 'label', 'measure'] },
  ],
  tickets: [
    { when: ['status'], cols: ['status', 'resolved_ts'] },
  ],
};

/**
 * SQL merging two `extra` objects (the unmapped source fields) key by key: the incoming file's keys, then the stored
 * keys it lacks. The incoming text as it is when it lacks none (so an unchanged re-import compares equal), or when
 * either side is not a JSON object. json_patch is not used: RFC 7396 deletes every key whose incoming value is null.
 * Values keep their JSON type (json_each hands objects, arrays and booleans back as text without it).
 */
function extraMergeSql(stored: string, incoming: string): string {
  const val = `CASE WHEN type IN ('object', 'array') THEN json(value) WHEN type = 'true' THEN json('true') WHEN type = 'false' THEN json('false') ELSE value END`;
  const lacks = `SELECT key, value, type FROM json_each(${stored}) WHERE key NOT IN (SELECT key FROM json_each(${incoming}))`;
  return `CASE WHEN ${incoming} IS NULL THEN ${stored}
    WHEN ${stored} IS NULL OR NOT json_valid(${stored}) OR NOT json_valid(${incoming}) OR json_type(${stored}) <> 'object' OR json_type(${incoming}) <> 'object'
      OR NOT EXISTS (${lacks}) THEN ${incoming}
    ELSE (SELECT json_group_object(key, ${val}) FROM (SELECT key, value, type FROM json_each(${incoming}) UNION ALL ${lacks})) END`;
}

/**
 * Upsert that keeps re-imports idempotent and never loses a stored value to a file that does not give it: a row
 * whose content is unchanged is left alone (0 rows modified); a row whose content changed is updated in place, each
 * column taking the incoming value where the file gives one and keeping the stored value where it gives none (a
 * partial export, e.g. `request_id,status`, updates the status and nothing else; the merge of Langfuse's ingestion,
 * where a later event's non-null fields override). Columns of one state ({@link GROUPS}) are taken or kept together;
 * `extra` (the unmapped fields) is merged key by key.
 * `import_id` is not compared (it differs on every import) and always records the latest import.
 */
function upsertSql(kind: RecordKind): string {
  const cols = COLUMNS[kind];
  const grouped = new Map<string, readonly string[]>();
  for (const g of GROUPS[kind]) for (const c of g.cols) grouped.set(c, g.when);
  const incoming = (c: string): string => {
    if (c === 'import_id') return `excluded.${c}`;
    // The unmapped source fields (JSON objects): merged, the file's keys over the stored ones, so a file that gives
    // other unmapped fields adds them without dropping those an earlier file kept.
    if (c === 'extra') return extraMergeSql(`${kind}.extra`, 'excluded.extra');
    const when = grouped.get(c);
    if (when) return `CASE WHEN ${when.map((w) => `excluded.${w} IS NOT NULL`).join(' OR ')} THEN excluded.${c} ELSE ${kind}.${c} END`;
    return `coalesce(excluded.${c}, ${kind}.${c})`;
  };
  const compared = cols.filter((c) => c !== 'id' && c !== 'import_id');
  const set = cols.filter((c) => c !== 'id').map((c) => `${c} = ${incoming(c)}`).join(', ');
  const differs = compared.map((c) => `${kind}.${c} IS NOT ${incoming(c)}`).join(' OR ');
  // A ticket already stored in a later state (a newer updated time) is not taken back to an older one.
  const notOlder = kind === 'tickets' ? ' AND (excluded.updated_ts IS NULL OR tickets.updated_ts IS NULL OR excluded.updated_ts >= tickets.updated_ts)' : '';
  return `INSERT INTO ${kind} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})
    ON CONFLICT (id) DO UPDATE SET ${set} WHERE (${differs})${notOlder}`;
}

/**
 * Removes the tickets this import left in status "deleted" (any case or spacing), with their links.
 * @param db - the workspace, inside the import's transaction
 * @param importId - the import
 * @returns how many tickets were removed
 */
function removeDeletedTickets(db: Db, importId: number): number {
  const where = "import_id = ? AND lower(trim(status)) = 'deleted'";
  const n = db.value<number>(`SELECT count(*) FROM tickets WHERE ${where}`, [importId]) ?? 0;
  if (n === 0) return 0;
  db.run(`DELETE FROM ticket_links WHERE ticket_id IN (SELECT id FROM tickets WHERE ${where})`, [importId]);
  db.run(`DELETE FROM tickets WHERE ${where}`, [importId]);
  return n;
}

/** Request fields that say something of a request beyond its id, time, user and session. */
const REQUEST_CONTENT = ['input', 'output', 'model', 'model_version', 'feature', 'latency_ms', 'ttft_ms', 'tokens_in', 'tokens_out', 'cost_usd', 'status', 'error'];

/**
 * Refuses a file forced to be read as requests (`kind: 'requests'`) when none of its fields maps to a request's
 * content and its fields say it holds another kind (feedback or tickets, by {@link detectKind}): imported as
 * requests it would only add empty requests and move stored requests' times and users. A requests file of ids and
 * times alone, with no other kind in sight, still imports.
 * @param records - the sample the mapper was built from
 * @throws LoupeError IMPORT_NOT_RECOGNISED naming the file, the kind its fields suggest and what it did map
 */
function refuseContentless(mapper: Pick<Mapper, 'kind' | 'mapping'>, records: readonly Record<string, unknown>[], options: ImportOptions, fileName: string): void {
  if (options.kind !== 'requests' || mapper.kind !== 'requests' || REQUEST_CONTENT.some((f) => f in mapper.mapping)) return;
  const looks = detectKind(records);
  if (looks === 'requests') return;
  const mapped = Object.entries(mapper.mapping).map(([f, p]) => `${f} ← ${p}`);
  throw new LoupeError('IMPORT_NOT_RECOGNISED',
    `${fileName} was read as requests, but its fields are those of ${looks} and none maps to a request's content (input, output, model, feature, latency, tokens, cost, status or error); it maps only ${mapped.length ? mapped.join(', ') : 'nothing'}. Nothing was imported.`,
    { action: `Import it as ${looks} (--kind ${looks}), or map a request field (--map FIELD=PATH, or in the preview).`, details: { file: fileName } });
}

/** File size from which an import into a smaller workspace defers the secondary indexes (about 50,000 requests). */
const DEFER_INDEXES_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Drops the secondary indexes (not the UNIQUE constraints) of the tables an import writes.
 * @returns the CREATE INDEX statements to run afterwards
 */
function dropSecondaryIndexes(db: Db, kind: RecordKind | 'mixed'): string[] {
  const tables = kind === 'mixed' ? ['requests', 'feedback', 'tickets'] : [kind];
  const rows = db.all<{ name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')})`, tables);
  for (const r of rows) db.exec(`DROP INDEX "${r.name.replace(/"/g, '""')}"`);
  return rows.map((r) => r.sql);
}

/**
 * The reject for a row the workspace table refused: a STRICT type mismatch (`cannot store REAL value in INTEGER column
 * requests.tokens_in`), a CHECK or NOT NULL constraint. Null for any other error (those abort the import).
 */
export function rowRefusal(e: unknown, kind: RecordKind): { field: string | null; reason: string } | null {
  const msg = e instanceof Error ? e.message : String(e);
  const typed = /cannot store (\w+) value in (\w+) column \w+\.(\w+)/.exec(msg);
  if (typed) {
    return { field: typed[3]!, reason: `${typed[3]}: the workspace stores ${typed[2]!.toLowerCase()} values here, found a ${typed[1]!.toLowerCase()} value` };
  }
  const constraint = /(CHECK|NOT NULL) constraint failed: (?:\w+\.)?(\w+)/.exec(msg);
  if (constraint) return { field: constraint[2]!, reason: `${constraint[2]}: the ${kind} row breaks the workspace's ${constraint[1]} rule (${msg})` };
  return null;
}

/** Maps a ImportFileError from the reader to a stable contract error code. */
function toLoupeError(e: unknown, file: string): unknown {
  if (e instanceof ImportFileError) {
    const code = ({ UNREADABLE: 'IMPORT_UNREADABLE', TRUNCATED: 'IMPORT_TRUNCATED', ENCODING: 'IMPORT_ENCODING',
      NOT_RECOGNISED: 'IMPORT_NOT_RECOGNISED', EMPTY: 'IMPORT_EMPTY' } as const)[e.code];
    return new LoupeError(code, e.message, { action: e.action ?? 'Choose another file, or fix the file and import it again.', details: { file, line: e.line ?? null } });
  }
  if (e && typeof e === 'object' && (e as NodeJS.ErrnoException).code === 'ENOENT') {
    return new LoupeError('IMPORT_UNREADABLE', `Cannot read ${file}: the file does not exist.`, { action: 'Choose another file.' });
  }
  if (e && typeof e === 'object' && (e as NodeJS.ErrnoException).code === 'EISDIR') {
    return new LoupeError('IMPORT_UNREADABLE', `Cannot read ${file}: it is a folder, not a file.`, { action: 'Choose a file.' });
  }
  return e;
}

function prices(db: Db): ModelPrice[] {
  return priceRows(db);
}

/** Skip reasons with their counts, largest first. */
function skipReasons(counts: ReadonlyMap<string, number>): SkipReason[] {
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/**
 * The refusal of an import from which nothing was stored and nothing was already present: every record was rejected
 * or skipped. Names what was read (in the file's own unit) and what became of it.
 */
export function nothingStored(fileName: string, unit: string, read: number, rejected: number, rejects: readonly RejectedRow[], skips: readonly SkipReason[]): LoupeError {
  const first = rejects[0];
  const firstText = first ? `the first, line ${first.line}${first.field ? ` (${first.field})` : ''}: ${first.reason}` : '';
  let text: string;
  if (skips.length === 0) {
    text = `all ${read.toLocaleString('en-US')} ${unit} were rejected${firstText ? `; ${firstText}` : ''}`;
  } else {
    const parts = skips.map((s) => `${s.count.toLocaleString('en-US')} skipped: ${s.reason}`);
    if (rejected > 0) parts.push(`${rejected.toLocaleString('en-US')} rejected (${firstText})`);
    text = `${read.toLocaleString('en-US')} ${unit} read and nothing stored; ${parts.join('; ')}`;
  }
  return new LoupeError('IMPORT_EMPTY', `${fileName}: ${text}.`, {
    action: skips.length ? 'Choose another preset or kind for this file, or another file.' : 'Fix the file or the field mapping, then import it again.',
    details: { file: fileName, records_read: read, unit, rejects: rejects.slice(0, 20), skipped_reasons: skips },
  });
}

/**
 * Traces stored both as a trace row (id = trace_id) and as rows of their spans (trace_id = that id, another id), where
 * this import wrote either side. Tracing tools export both side by side (Langfuse's traces.jsonl and
 * observations.jsonl, Opik's traces and spans), and a trace's cost, tokens and latency are its spans' (Langfuse's and
 * Opik's data models: a trace's usage and cost aggregate its observations / spans), so both count each model call.
 * Any preset: a root row whose own id is its trace's id is the trace itself.
 * @returns how many traces
 */
function tracesStoredTwice(db: Db, importId: number): number {
  // Most imports store no trace id at all: answered by the partial index on trace_id, before the full query.
  if (!db.value<number>('SELECT EXISTS (SELECT 1 FROM requests WHERE trace_id IS NOT NULL AND import_id = ?)', [importId])) return 0;
  return db.value<number>(`SELECT count(*) FROM (
      SELECT t.id FROM requests t WHERE t.import_id = ?1 AND t.trace_id = t.id AND EXISTS (SELECT 1 FROM requests o WHERE o.trace_id = t.id AND o.id <> t.id)
      UNION
      SELECT o.trace_id FROM requests o WHERE o.import_id = ?1 AND o.trace_id <> o.id AND EXISTS (SELECT 1 FROM requests t WHERE t.id = o.trace_id))`, [importId]) ?? 0;
}

/**
 * What this import's feedback cannot be placed by, after linking, in one pass over its rows: those whose request id
 * names no stored request (how many, how many distinct ids, up to three of them), and those with no time of their
 * own and no dated request (in no week).
 */
export function feedbackOnMissingRequests(db: Db, importId: number): { rows: number; requests: number; examples: string[]; undated: number; automated: number } {
  const c = db.get<{ rows: number | null; requests: number; undated: number | null; automated: number | null }>(
    `SELECT sum(f.request_id IS NOT NULL AND r.id IS NULL) AS rows, sum(f.request_id IS NOT NULL AND r.id IS NULL AND f.automated = 1) AS automated,
            count(DISTINCT CASE WHEN f.request_id IS NOT NULL AND r.id IS NULL THEN f.request_id END) AS requests,
            sum(f.ts IS NULL AND r.ts IS NULL) AS undated
       FROM feedback f LEFT JOIN requests r ON r.id = f.request_id WHERE f.import_id = ?`, [importId]);
  const rows = c?.rows ?? 0;
  const examples = rows === 0 ? [] : db.all<{ id: string }>(
    `SELECT DISTINCT f.request_id AS id FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
      WHERE f.import_id = ? AND f.request_id IS NOT NULL AND r.id IS NULL LIMIT 3`, [importId]).map((r) => r.id);
  return { rows, requests: c?.requests ?? 0, examples, undated: c?.undated ?? 0, automated: c?.automated ?? 0 };
}

/** The note for feedback on requests that are not in the workspace ({@link feedbackOnMissingRequests}). */
export function missingRequestsNote(m: { rows: number; requests: number; examples: string[]; automated?: number }): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const auto = m.automated ?? 0;
  // Evaluators' scores are in no feedback figure (feedback/automated.ts): the note says which rows count.
  const counted = auto === 0 ? 'they count in the feedback figures'
    : auto === m.rows ? 'they count in no feedback figure (automated evaluators wrote them)'
      : `the ${n(m.rows - auto)} answer${m.rows - auto === 1 ? '' : 's'} from users among them count${m.rows - auto === 1 ? 's' : ''} in the feedback figures (the ${n(auto)} from automated evaluators in none)`;
  return `${n(m.rows)} feedback row${m.rows === 1 ? '' : 's'} name${m.rows === 1 ? 's' : ''} ${m.requests === 1 ? 'a request' : `${n(m.requests)} requests`} that ${m.requests === 1 ? 'is' : 'are'} not in this workspace (e.g. ${m.examples.join(', ')}): kept, and linked when ${m.requests === 1 ? 'that request is' : 'those requests are'} imported. Until then ${counted} but belong to no request you can review; the report gives them apart`;
}

/**
 * The note for stored requests whose time or status an import changed (PreimageTracker.changedStored), or null when
 * none was: a moved time can take a request out of its ISO week, its queue and its estimates, so it is never silent.
 */
function changedStoredNote(c: { moved: { count: number; maxMs: number; examples: string[] }; status: { count: number; examples: string[] } }): string | null {
  const parts: string[] = [];
  const eg = (r: { count: number; examples: string[] }) => `${r.count > r.examples.length ? 'e.g. ' : ''}${r.examples.join(', ')}`;
  if (c.moved.count > 0) {
    const h = c.moved.maxMs / 3_600_000;
    const by = h >= 1 ? `${h >= 10 ? Math.round(h) : h.toFixed(1)} h` : `${Math.max(1, Math.round(c.moved.maxMs / 60_000))} min`;
    parts.push(`the time of ${c.moved.count} (by up to ${by}; ${eg(c.moved)})`);
  }
  if (c.status.count > 0) parts.push(`the status of ${c.status.count} (${eg(c.status)})`);
  if (parts.length === 0) return null;
  return `this file changed stored requests: ${parts.join(' and ')}; a changed time can move a request to another week, out of its queue and estimates. If the file is not a new export of the same requests (an annotation tool's records that name them, say), import it into its own workspace`;
}

/**
 * The note for this import's requests costed with a price row dated after their day (shared/prices.ts: a request
 * older than every row of its model takes the earliest row), or null when none was: the prices then may have
 * differed, so the cost is never passed off as the price of its day.
 */
function laterPriceNote(db: Db, importId: number): string | null {
  const r = db.get<{ n: number; model: string | null; as_of: string | null; day: string | null }>(
    `SELECT count(*) AS n, min(price_model) AS model, min(price_as_of) AS as_of, min(date(ts / 1000, 'unixepoch')) AS day FROM requests
     WHERE import_id = ? AND cost_source = 'price_table' AND ts IS NOT NULL AND price_as_of > date(ts / 1000, 'unixepoch')`, [importId]);
  if (!r || r.n === 0) return null;
  return `cost_usd: ${r.n.toLocaleString('en-US')} request(s) were priced with a price row dated after them (e.g. ${r.model ?? '?'} as of ${r.as_of ?? '?'} for requests from ${r.day ?? '?'}): the table has no earlier row for their model, and the prices of their day may have differed. Add rows dated on or before their days (Prices screen, or loupe prices set) and import again`;
}

/**
 * The note for stored requests whose output an import replaced (PreimageTracker.replacedOutputs): the rows now hold
 * this file's answers, the earlier ones are gone. (Batch results are stored by ids unique across batches, see
 * presets/openai.ts and anthropic-batch.ts, so another batch reusing custom_ids does not land here.)
 */
function replacedOutputsNote(r: { count: number; examples: string[] }): string {
  const n = r.count.toLocaleString('en-US');
  const ids = r.examples.map((x) => `"${x}"`).join(', ');
  return `${n} stored request${r.count === 1 ? '' : 's'} got a different output from this file (${r.count > r.examples.length ? 'e.g. ' : ''}${ids}): their rows now hold this file's answers and the earlier ones are replaced; if the file reuses ids for other requests, import it into its own workspace`;
}

/**
 * The import note for requests stored without a timestamp (OASST trees, DICES and llmperf logs have none).
 * @param n - requests of this import with no `ts`
 */
export function undatedNote(n: number): string {
  return `${n.toLocaleString('en-US')} request${n === 1 ? ' has' : 's have'} no timestamp: they belong to no ISO week; include them in a review queue with "Include requests without a timestamp" (or --include-undated)`;
}

/** The workspace time zone (IANA), UTC by default. */
export function workspaceTimeZone(ws: Workspace): string {
  return ws.meta('time_zone') ?? 'UTC';
}

/** Reads the first records of a file for preset choice and unit detection. @throws LoupeError IMPORT_* naming `fileName` */
async function readSample(file: string, src: DetectedSource, fileName: string): Promise<{ sample: Array<{ line: number; record: Record<string, unknown> }>; rejects: RejectedRow[] }> {
  const sample: Array<{ line: number; record: Record<string, unknown> }> = [];
  const rejects: RejectedRow[] = [];
  try {
    for await (const batch of readRecords(file, src, { batchSize: SAMPLE_RECORDS })) {
      for (const r of batch.records) if (sample.length < SAMPLE_RECORDS) sample.push(r);
      for (const r of batch.rejects) if (rejects.length < 50) rejects.push(r);
      if (sample.length >= SAMPLE_RECORDS) break;
    }
  } catch (e) {
    throw toLoupeError(e, fileName);
  }
  return { sample, rejects };
}

/** Detects how to read `file`; every message names it `fileName` (an upload's original name, not its temp path). */
async function detect(file: string, options: ImportOptions, fileName: string): Promise<DetectedSource> {
  try {
    return await detectSource(file, {
      displayName: fileName,
      ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      ...(options.encoding ? { encoding: options.encoding } : {}),
      ...(options.record_path ? { recordPath: options.record_path } : {}),
    });
  } catch (e) {
    throw toLoupeError(e, fileName);
  }
}

/** Prefix of the mapper's data-quality notes (mapping.ts `flag`). */
const DATA_QUALITY = 'data quality: ';

/**
 * What an import of `file` would do: detected format, preset, mapping, and the first records as read and as stored.
 * Reads only the start of the file; writes nothing. Counts in its notes (skips, data-quality findings) say they are
 * of the first N records read.
 * @throws LoupeError IMPORT_* for unreadable, truncated, badly encoded or unrecognised files
 */
export async function previewImport(ws: Workspace, file: string, options: ImportOptions, fileName = path.basename(file)): Promise<ImportPreview> {
  const timeZone = options.time_zone ?? workspaceTimeZone(ws);
  const src = await detect(file, options, fileName);
  const sample = await readSample(file, src, fileName);
  const records = sample.sample.map((s) => s.record);
  const { candidates, chosen } = choosePreset(records, options);
  const mapper = buildMapper(chosen, records, options, { fileName, timeZone, prices: prices(ws.db) });
  const scrub = startScrub(ws, options, true); // PII scrubbing (electron/store/scrub)
  const mapped: ImportPreview['mapped'] = [];
  const rejects = sample.rejects.map(scrub.reject);
  // Rows as stored from the first records, passing over records the preset skips (a document's non-LLM spans), and
  // what the whole sample would skip, so the preview says it before the import does. The rows shown are scrubbed as
  // the import would store them; the skip reasons reach the notes, which are scrubbed below.
  const skipCounts = new Map<string, number>();
  for (const r of sample.sample) {
    const m = mapper.map(r);
    for (const why of m.skipped) skipCounts.set(why, (skipCounts.get(why) ?? 0) + 1);
    if (mapped.length >= 20) continue;
    scrub.mapped(m, r.line);
    for (const row of m.rows) if (mapped.length < 20) mapped.push(row);
    rejects.push(...m.rejects);
  }
  const firstN = `in the first ${sample.sample.length.toLocaleString('en-US')} ${mapper.unit}`;
  const sampleSkips = skipReasons(skipCounts).map((x) => `${firstN}: ${x.count.toLocaleString('en-US')} would be skipped (${x.reason})`);
  // The mapper's data-quality counts come from the records read for the preview, not the whole file: say so, as the
  // skip notes do (the import counts the whole file).
  const mapperNotes = mapper.notes.map((n) => (n.startsWith(DATA_QUALITY) ? `data quality ${firstN} read for this preview: ${n.slice(DATA_QUALITY.length)}` : n));
  return {
    file: fileName,
    file_bytes: src.totalBytes,
    format: src.format,
    compression: src.compression,
    encoding: src.encoding,
    delimiter: src.delimiter ?? null,
    record_path: src.recordPath ?? null,
    kind: mapper.kind,
    preset: mapper.preset,
    presets: candidates,
    mapping: mapper.mapping,
    source_fields: listPaths(records),
    sample: records.slice(0, 10),
    mapped,
    rejects: rejects.slice(0, 50),
    notes: scrub.notes([...src.notes, ...mapperNotes, ...sampleSkips]),
    time_zone: timeZone,
    unescape_candidates: escapedNewlineFields(mapped).filter((c) => !(options.unescape_fields ?? []).includes(c.field)),
    scrub: scrub.preview(),
  };
}

/**
 * Refuses an import whose file changed while it was read (shrunk, grown or rewritten by another program): what was
 * read would be part of one version and part of another, and the recorded size and SHA-256 would describe different
 * bytes. Compares the file's size and modification time (ns) now with those when the import started.
 * @param atStart - the file's stat when the import started
 * @param readBytes - bytes the reader read from disk (reported in the error's details)
 * @throws LoupeError IMPORT_FILE_CHANGED naming the file and both sizes (the import rolls back: nothing is imported)
 */
function refuseIfChanged(file: string, fileName: string, atStart: fs.BigIntStats, readBytes: number): void {
  let now: fs.BigIntStats | null = null;
  try { now = fs.statSync(file, { bigint: true }); } catch { now = null; }
  const size0 = Number(atStart.size);
  const sameFile = now !== null && now.size === atStart.size && now.mtimeNs === atStart.mtimeNs;
  if (sameFile) return;
  const n = (b: number) => b.toLocaleString('en-US');
  const what = now === null ? 'it is gone now'
    : now.size !== atStart.size ? `${n(size0)} bytes when the import started, ${n(Number(now.size))} now`
      : `its modification time moved from ${new Date(Number(atStart.mtimeMs)).toISOString()} to ${new Date(Number(now.mtimeMs)).toISOString()}`;
  throw new LoupeError('IMPORT_FILE_CHANGED',
    `${fileName} changed while it was being imported (${what}); nothing was imported, so that the workspace never holds part of one version and part of another.`,
    { action: 'Wait until the program writing the file has finished (or import a copy of it), then import it again.', details: { file: fileName, size_at_start: size0, size_now: now === null ? null : Number(now.size), bytes_read: readBytes } });
}

async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Data size (bytes; a Parquet file's uncompressed column data) from which an import reads and maps on a second thread
 * (import-thread/) by default: below it, starting the thread (about 50 ms) costs more than the overlap saves.
 */
export const READER_THREAD_MIN_BYTES = 4 * 1024 * 1024;

/**
 * The reading thread's script when this import should read and map on it, else null (read and map on this thread).
 * `hooks.readerThread` decides when set; else the environment variable LOUPE_IMPORT_THREAD (`1` always, `0` never,
 * for measuring both paths with one build); else files of {@link READER_THREAD_MIN_BYTES} and more on a machine with
 * two cores or more. Without a built script (dist/node/import-reader.js) the import reads on this thread.
 * @throws Error when `hooks.readerThread` is true and the script is not built
 */
function readerThreadFor(hooks: RunImportHooks, dataBytes: number): string | null {
  const env = process.env.LOUPE_IMPORT_THREAD;
  // With one core the threads would only take turns, and the clone of each batch would be pure cost.
  const wanted = hooks.readerThread ?? (env === '1' ? true : env === '0' ? false : dataBytes >= READER_THREAD_MIN_BYTES && os.availableParallelism() >= 2);
  if (!wanted) return null;
  const script = readerThreadScript();
  if (!script && hooks.readerThread === true) throw new Error('The import reading thread is not built (dist/node/import-reader.js); run "npm run build:node".');
  return script;
}

export interface RunImportHooks {
  signal?: AbortSignal;
  /**
   * Read, parse and map on a second thread while this one inserts (true), or all on this thread (false). Default:
   * see {@link readerThreadFor}. Both give the same rows, summary and errors.
   */
  readerThread?: boolean;
  jobId?: string;
  /** Called at most every `progressEveryMs` with running totals. */
  onProgress?: (p: ImportProgress) => void;
  progressEveryMs?: number;
  /**
   * Called once reading is done, before linking and saving: from here on the signal is no longer honoured (the
   * import is being written and finishes), so a late cancel can say so instead of promising a rollback.
   */
  onCommitting?: () => void;
}

/**
 * Imports one file into the workspace in a single transaction and saves the workspace.
 * @param file - path on disk (plain or .gz)
 * @param options - see {@link ImportOptions}; all detected when absent
 * @param fileName - the name recorded in the history (an upload's original name)
 * @returns the summary (`0 new, N already present` on a re-import)
 * @throws LoupeError IMPORT_UNREADABLE | IMPORT_TRUNCATED | IMPORT_ENCODING | IMPORT_NOT_RECOGNISED | IMPORT_EMPTY |
 *   IMPORT_CANCELLED | WORKSPACE_TOO_LARGE — in every case the workspace is unchanged
 */
export async function runImport(ws: Workspace, file: string, options: ImportOptions, hooks: RunImportHooks = {}, fileName = path.basename(file)): Promise<ImportSummary> {
  const started = Date.now();
  const clock = new PhaseClock();
  let rowsStored = 0;
  try {
    return await runImportTimed(ws, file, options, hooks, fileName, started, clock, (n) => { rowsStored = n; });
  } finally {
    setLastImportTimings(clock.result(rowsStored));
  }
}

async function runImportTimed(ws: Workspace, file: string, options: ImportOptions, hooks: RunImportHooks, fileName: string, started: number,
  clock: PhaseClock, stored: (rows: number) => void): Promise<ImportSummary> {
  const timeZone = options.time_zone ?? workspaceTimeZone(ws);
  // Refuse before reading anything when the import could take the workspace past the safe ceiling.
  let fileBytes: number;
  let atStart: fs.BigIntStats;
  try {
    atStart = fs.statSync(file, { bigint: true });
    fileBytes = Number(atStart.size);
  } catch (e) {
    throw toLoupeError(e, fileName);
  }
  const gzip = /\.gz$/i.test(file) || /\.gz$/i.test(fileName);
  const current = ws.memoryBytes();
  const estimate = Math.round(fileBytes * (gzip ? 6 : 1.3));
  if (current + estimate > MAX_WORKSPACE_BYTES) {
    const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
    throw new LoupeError('WORKSPACE_TOO_LARGE',
      `Importing ${fileName} (${gb(fileBytes)}) could take the workspace from ${gb(current)} to about ${gb(current + estimate)}, past Loupe's safe ceiling of ${gb(MAX_WORKSPACE_BYTES)}.`,
      { action: 'Import into a new workspace, or split the file by date.', details: { current_bytes: current, estimated_bytes: estimate, ceiling_bytes: MAX_WORKSPACE_BYTES } });
  }
  const src = await detect(file, options, fileName);
  // A Parquet file is compressed column data: its records take many times its size on disk (the footer says how much).
  const dataBytes = Math.max(fileBytes, src.dataBytes ?? 0);
  if (dataBytes > fileBytes && current + Math.round(dataBytes * 1.3) > MAX_WORKSPACE_BYTES) {
    const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
    throw new LoupeError('WORKSPACE_TOO_LARGE',
      `Importing ${fileName} (${gb(dataBytes)} of data uncompressed) could take the workspace from ${gb(current)} to about ${gb(current + Math.round(dataBytes * 1.3))}, past Loupe's safe ceiling of ${gb(MAX_WORKSPACE_BYTES)}.`,
      { action: 'Import into a new workspace, or split the file by date.', details: { current_bytes: current, estimated_bytes: Math.round(dataBytes * 1.3), ceiling_bytes: MAX_WORKSPACE_BYTES } });
  }

  // Room for the pages the import will write, so sql.js never moves the file image while it grows (dbfile/image.ts),
  // and the pages it will surely write faulted in on another thread first (dbfile/prefault.ts): 0.9× the data
  // (a workspace holds about 1.1× its JSONL; a compressed file's share is unknown, so none is touched ahead).
  ws.reserve(current + Math.round(Math.max(dataBytes, fileBytes) * (gzip ? 6 : 1.3)), gzip ? 0 : current + Math.round(dataBytes * 0.9));
  const sample = await readSample(file, src, fileName);
  if (sample.sample.length === 0) {
    throw new LoupeError('IMPORT_EMPTY', `${fileName} has no records${sample.rejects.length ? ` (the first bad line is ${sample.rejects[0]!.line}: ${sample.rejects[0]!.reason})` : ''}.`, { action: 'Choose another file.' });
  }
  const records = sample.sample.map((s) => s.record);
  const { chosen } = choosePreset(records, options);
  let mapper: Mapper;
  // The reading thread, when there is one, builds its own mapper from these same inputs.
  const mapContext = { fileName, timeZone, prices: prices(ws.db) };
  try {
    mapper = buildMapper(chosen, records, options, mapContext);
  } catch (e) {
    throw toLoupeError(e, fileName);
  }
  refuseContentless(mapper, records, options, fileName);
  const scrub = startScrub(ws, options); // PII scrubbing (electron/store/scrub); a bad pattern refuses here
  // The file is hashed as the import reads it; a reader that stops before the end (a JSON document with trailing
  // bytes) falls back to a separate pass.
  const hasher = diskHasher(clock);
  const { onDiskBytes } = hasher;
  const jobId = hooks.jobId ?? crypto.randomUUID();
  const every = hooks.progressEveryMs ?? 250;

  const rejects: RejectedRow[] = [];
  let rejected = 0;
  let recordsRead = 0;
  let bytesRead = 0;
  let duplicatesInFile = 0;
  let blankRecords = 0;
  const duplicateRows: DuplicateRow[] = [];
  // Rows changed (inserted or updated) by the first occurrence of their id in this file; repeats are counted apart.
  let modified: Record<RecordKind, number> = { requests: 0, feedback: 0, tickets: 0 };
  const rowsSeen: Record<RecordKind, number> = { requests: 0, feedback: 0, tickets: 0 };
  // Each id's first occurrence in this file: its line × 2, plus 1 when that occurrence changed the table (firstLine).
  const seen: Record<RecordKind, Map<string, number>> = { requests: new Map(), feedback: new Map(), tickets: new Map() };
  // Ids the file repeats: what the import did to them is judged at the end against their pre-image (preimage.ts).
  const repeated: Record<RecordKind, Set<string>> = { requests: new Set(), feedback: new Set(), tickets: new Set() };
  const firstLine = (v: number): number => Math.floor(v / 2);
  // Tickets of a change history: the as-of time of the state stored for each id in this file.
  const versions = new Map<string, number | null>();
  let olderStates = 0;
  const skipCounts = new Map<string, number>();
  let skipped = 0;
  let lastProgress = 0;
  // What the reading thread reported at its end (its mapper's notes, the file's hash); null when mapped here.
  let readerEnd: ReaderEnd | null = null;
  const reject = (r: RejectedRow) => {
    rejected++;
    if (rejects.length < MAX_REJECTS_KEPT) rejects.push(r);
  };
  const progress = (phase: ImportProgress['phase']) => hooks.onProgress?.({
    job_id: jobId, file: fileName, bytes_read: bytesRead, bytes_total: src.totalBytes, records: recordsRead,
    rejected, elapsed_ms: Date.now() - started, phase,
  });

  let tSave = 0;
  let preimages: PreimageTracker | null = null;
  try {
    const summary = await ws.bulk(async (db) => {
      const before: Record<RecordKind, number> = {
        requests: db.value<number>('SELECT count(*) FROM requests') ?? 0,
        feedback: db.value<number>('SELECT count(*) FROM feedback') ?? 0,
        tickets: db.value<number>('SELECT count(*) FROM tickets') ?? 0,
      };
      db.run('INSERT INTO imports (file_name, file_size, sha256, kind, preset, mapping, options, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [fileName, fileBytes, '', mapper.kind, mapper.preset, JSON.stringify(mapper.mapping), JSON.stringify({ ...options, time_zone: timeZone }), started]);
      const importId = db.value<number>('SELECT last_insert_rowid()')!;
      const pre = (preimages = trackPreimages(db));
      // Explicit feedback links before the rows are written: the import reports the links it added, not those it rewrote.
      const explicitBefore = explicitFeedbackLinks(db);
      const stmts = {
        requests: db.stmt(upsertSql('requests')),
        feedback: db.stmt(upsertSql('feedback')),
        tickets: db.stmt(upsertSql('tickets')),
      };
      // The same statements bound through SQLite's C API (bulk-bind/): the rows stored are the same, the strings
      // are encoded by the engine instead of sql.js's JS loop. LOUPE_BULK_BIND=0 turns it off (to measure both with
      // one build; figures in notes/bindfast.md). Null when the sql.js build lacks an export.
      const useBulk = process.env.LOUPE_BULK_BIND !== '0';
      const bulk = {
        requests: useBulk ? bulkStatement(db, upsertSql('requests')) : null,
        feedback: useBulk ? bulkStatement(db, upsertSql('feedback')) : null,
        tickets: useBulk ? bulkStatement(db, upsertSql('tickets')) : null,
      };
      /**
       * Stores one row: `vals` holds its kind's COLUMNS in order (`import_id` is set here), or is null for a row of an
       * encoded batch, bound from `enc`'s values at index `at` by the kind's bulk binder (loaded with the batch). A
       * later row of the same id in the file is stored too (the last occurrence wins) and counted as a repeat.
       */
      const insertValues = (kind: RecordKind, vals: Array<string | number | null> | null, version: number | null | undefined, line: number,
        enc?: ValueReader, at = 0) => {
        // A row of an encoded batch (vals null) is bound from the batch's bytes (bulk-bind runEncoded).
        const id = String(vals ? vals[0] : enc!.value(at));
        if (kind === 'tickets' && mapper.versionPath !== null) {
          // A change history keeps each ticket's latest state: a row older than the one already stored from this
          // file is not written (it is counted as a repeat of the id); equal times keep the later row.
          const v = version ?? null;
          const stored = versions.get(id);
          if (stored !== undefined && stored !== null && v !== null && v < stored) {
            olderStates++;
            duplicatesInFile++;
            rowsSeen.tickets++;
            if (duplicateRows.length < MAX_REJECTS_KEPT) duplicateRows.push({ line, id, first_line: firstLine(seen.tickets.get(id) ?? line * 2) });
            return;
          }
          versions.set(id, stored !== undefined && v === null ? stored : v);
        }
        try {
          if (vals) {
            vals[IMPORT_ID_AT[kind]] = importId;
            (bulk[kind] ?? stmts[kind]).run(vals);
          } else {
            bulk[kind]!.runEncoded(at, COLUMNS[kind].length, IMPORT_ID_AT[kind], importId);
          }
        } catch (e) {
          // A value the table refuses (a type or CHECK constraint) fails this row only: SQLite undoes the one
          // statement and the transaction goes on, so one bad cell cannot sink the whole import.
          const refused = rowRefusal(e, kind);
          if (!refused) throw e;
          if (kind === 'requests' && cellsElsewhere) stream?.storedElsewhere(false);
          reject({ line, ...refused });
          return;
        }
        const changed = db.raw.getRowsModified();
        if (kind === 'requests' && stream) {
          if (cellsElsewhere) stream.storedElsewhere(changed > 0);
          else if (changed > 0 && stream.active) stream.stored(vals ?? enc!.row(at, COLUMNS.requests.length));
        }
        const seenAt = seen[kind].get(id);
        if (seenAt !== undefined) {
          // Not a reject: the row was stored (the last occurrence wins); it is reported as an in-file duplicate.
          duplicatesInFile++;
          repeated[kind].add(id);
          if (duplicateRows.length < MAX_REJECTS_KEPT) duplicateRows.push({ line, id, first_line: firstLine(seenAt) });
        } else {
          seen[kind].set(id, line * 2 + (changed > 0 ? 1 : 0));
          modified[kind] += changed;
        }
        rowsSeen[kind]++;
      };
      // The summary cells of the new requests, built as they are stored (summaries/stream.ts), so the summaries
      // need not read a large import's rows back at the end. LOUPE_SUMMARY_STREAM=0 reads them back (to measure and
      // test both with one build).
      const stream = process.env.LOUPE_SUMMARY_STREAM === '0' ? null : new SummaryStream(db, COLUMNS.requests);
      // Packed batches' request rows have their cells built on the reading thread (it is asked to when the stream
      // stands): the store thread only counts which it stored as new.
      let cellsElsewhere = false;
      const insert = (m: MappedRow, line: number) => {
        insertValues(m.kind, pushRowValues([], m.kind, m.row), m.version, line);
      };
      /** A record's rejects and skipped parts, counted. */
      const tally = (rejected: readonly RejectedRow[], skippedWhy: readonly string[]) => {
        for (const r of rejected) reject(r);
        for (const why of skippedWhy) {
          skipped++;
          skipCounts.set(why, (skipCounts.get(why) ?? 0) + 1);
        }
      };
      /** The records of a packed batch (from the reading thread; scrubbing is off then), as the loop below does. */
      const insertPacked = (b: PackedBatch) => {
        const enc = new ValueReader(b.enc);
        // Each kind's binder takes the batch's text into the engine's memory when it first binds a row of it.
        const loaded = new Set<RecordKind>();
        let off = 0;
        let row = 0;
        let x = 0;
        for (let i = 0; i < b.lines.length; i++) {
          const line = b.lines[i]!;
          const n = b.rowCounts[i]!;
          const extra = b.extras[x]?.i === i ? b.extras[x++]! : null;
          // A record whose every field is empty is skipped like a blank line, so it is not counted as read.
          if (n === 0 && !extra) {
            blankRecords++;
            continue;
          }
          recordsRead++;
          if (extra) tally(extra.rejects, extra.skipped);
          for (let k = 0; k < n; k++, row++) {
            const kind = KIND_OF_CODE[b.kinds[row]!]!;
            const width = COLUMNS[kind].length;
            const version = b.versions?.[row] ?? null;
            const slow = enc.slowRowAt(off);
            const binder = bulk[kind];
            if (slow) {
              insertValues(kind, slow as Array<string | number | null>, version, line);
            } else if (!binder) {
              insertValues(kind, enc.row(off, width), version, line);
            } else {
              if (!loaded.has(kind)) {
                binder.load(b.enc);
                loaded.add(kind);
              }
              insertValues(kind, null, version, line, enc, off);
            }
            off += width;
          }
        }
      };

      // A large import into a small workspace inserts faster without the secondary indexes, rebuilt once at the end
      // (sorted builds instead of random B-tree inserts). The UNIQUE id index stays: it keeps re-imports idempotent.
      // Dropped inside the transaction, so a failed import gets them back on rollback.
      const deferred = dataBytes >= DEFER_INDEXES_MIN_BYTES && dataBytes > current ? dropSecondaryIndexes(db, mapper.kind) : [];

      // Mapped batches: from a second thread that reads, parses and maps while this one inserts (import-thread/),
      // or read and mapped here, in turn with the inserts.
      const readerScript = readerThreadFor(hooks, dataBytes);
      const inThread = (): { batches: AsyncIterator<MappedBatch | PackedBatch, ReaderEnd | null>; close(): Promise<unknown> } => {
        const g = mapBatches(file, src, mapper, clock, { onDiskBytes, ...(hooks.signal ? { signal: hooks.signal } : {}) });
        return { batches: g, close: () => g.return(null) };
      };
      let source: { batches: AsyncIterator<MappedBatch | PackedBatch, ReaderEnd | null>; close(): Promise<unknown> };
      let first: IteratorResult<MappedBatch | PackedBatch, ReaderEnd | null> | null = null;
      if (readerScript) {
        // A reading thread that fails to start (before it sent anything) costs the import nothing: it reads here
        // instead, and the import's timings say why (reader_fallback).
        try {
          // Rows come packed (import/packed.ts) unless they are scrubbed here first (scrubbing works on mapped rows).
          // LOUPE_PACK=0 sends them as objects (to measure both with one build).
          const pack = !scrub.active && process.env.LOUPE_PACK !== '0';
          cellsElsewhere = pack && stream !== null && stream.active;
          source = startReaderThread(readerScript, { file, src, preset: chosen, sample: records, options, ctx: mapContext, pack, summaryCells: cellsElsewhere }, clock, hooks.signal);
          try {
            first = await source.batches.next();
          } catch (e) {
            await source.close();
            throw e;
          }
        } catch (e) {
          if (!(e instanceof ReaderStartError)) throw e;
          cellsElsewhere = false;
          clock.readerFallback = e.reason;
          console.warn(`loupe: ${e.message}; ${fileName} is read on the store thread instead.`);
          first = null;
          source = inThread();
        }
      } else {
        source = inThread();
      }
      try {
      for (;;) {
        const next = first ?? await source.batches.next();
        first = null;
        if (next.done) {
          readerEnd = next.value;
          break;
        }
        const batch = next.value;
        if (hooks.signal?.aborted) throw new LoupeError('IMPORT_CANCELLED', 'The import was cancelled; the workspace is unchanged.');
        bytesRead = batch.bytesRead;
        // A line the reader could not parse (bad JSON) is a record read and rejected.
        recordsRead += batch.rejects.length;
        for (const r of batch.rejects) reject(scrub.reject(r));
        let t = performance.now();
        if (isPacked(batch)) {
          insertPacked(batch);
        } else {
          for (const { m, line } of batch.records) scrub.mapped(m, line);
          const t2 = performance.now();
          clock.add('map', t2 - t);
          t = t2;
          for (const { m, line } of batch.records) {
            // A record whose every field is empty is skipped like a blank line, so it is not counted as read.
            if (m.rows.length === 0 && m.rejects.length === 0 && m.skipped.length === 0) {
              blankRecords++;
              continue;
            }
            recordsRead++;
            tally(m.rejects, m.skipped);
            for (const row of m.rows) insert(row, line);
          }
        }
        const t3 = performance.now();
        clock.add('insert', t3 - t);
        stream?.endBatch(db);
        clock.add('summaries', performance.now() - t3);
        await hookAsync('import.batch', { records: recordsRead });
        const now = Date.now();
        if (now - lastProgress >= every) {
          lastProgress = now;
          progress('reading');
          if (ws.memoryBytes() > MAX_WORKSPACE_BYTES) {
            throw new LoupeError('WORKSPACE_TOO_LARGE', `The workspace passed Loupe's safe ceiling of ${(MAX_WORKSPACE_BYTES / 1e9).toFixed(2)} GB while importing ${fileName}; nothing was imported.`,
              { action: 'Import into a new workspace, or split the file by date.' });
          }
        }
      }
      } finally {
        for (const b of Object.values(bulk)) b?.close();
        // Ends the reading thread, or closes the file when reading here stops early (an error, a cancel).
        await source.close();
      }
      // Linking and summaries update rows too; only the file's writes have pre-images.
      const replaced = pre.replacedOutputs();
      const changedStored = pre.changedStored();
      pre.stop();
      refuseIfChanged(file, fileName, atStart, readerEnd ? readerEnd.hashedBytes : hasher.bytes);
      if (hooks.signal?.aborted) throw new LoupeError('IMPORT_CANCELLED', 'The import was cancelled; the workspace is unchanged.');
      hooks.onCommitting?.();
      await hookAsync('import.linking');
      if (recordsRead === 0) {
        throw new LoupeError('IMPORT_EMPTY', `${fileName} has no records.`, { action: 'Choose another file.' });
      }
      if (rowsSeen.requests + rowsSeen.feedback + rowsSeen.tickets === 0) {
        // Nothing was stored and nothing was already present: the import is refused rather than recorded as run.
        throw nothingStored(fileName, mapper.unit, recordsRead, rejected, rejects, skipReasons(skipCounts));
      }
      clock.time('index', () => { for (const sql of deferred) db.exec(sql); });
      progress('linking');
      const windowHours = options.link_window_hours ?? DEFAULT_LINK_WINDOW_HOURS;
      const tLink = performance.now();
      const links = linkRecords(db, { importId, windowHours, explicitBefore });
      // Comment search: index this import's new comments in the same transaction (feedback/fts.ts).
      if (rowsSeen.feedback > 0) indexImportedComments(db, importId);
      // Request summaries (electron/store/summaries): this import's rows and any hours it changed, in this transaction.
      const tSummaries = performance.now();
      if (rowsSeen.requests > 0) refreshSummaries(db, stream?.result(readerEnd?.cells ?? null) ?? null);
      // Feedback summaries (summaries/feedback.ts): new feedback, and new or changed requests that feedback links to.
      if (rowsSeen.requests > 0 || rowsSeen.feedback > 0) ensureFeedbackSummaries(db);
      const summariesMs = performance.now() - tSummaries;
      clock.add('summaries', summariesMs);

      const perKind: ImportSummary['per_kind'] = {};
      let inserted = 0;
      let updated = 0;
      let duplicates = 0;
      for (const k of ['requests', 'feedback', 'tickets'] as const) {
        if (rowsSeen[k] === 0) continue;
        const after = db.value<number>(`SELECT count(*) FROM ${k}`) ?? 0;
        // Each id is new (a row count the table gained), changed (modified but not new) or unchanged: by its first
        // occurrence, or for an id the file repeats by its row against its pre-image; later occurrences are in-file
        // duplicates.
        const firsts = seen[k].size;
        // A repeated id counts by what the import did to its row, not by its first occurrence (preimage.ts).
        for (const id of repeated[k]) {
          const outcome = pre.outcome(k, id);
          if (outcome === 'inserted') continue;
          modified[k] += (outcome === 'updated' ? 1 : 0) - (seen[k].get(id)! % 2);
        }
        const ins = after - before[k];
        const upd = modified[k] - ins;
        const unchanged = firsts - modified[k];
        const dupInFile = rowsSeen[k] - firsts;
        perKind[k] = { inserted: ins, updated: upd, duplicates: unchanged, duplicates_in_file: dupInFile };
        inserted += ins;
        updated += upd;
        duplicates += unchanged;
      }
      clock.add('link', performance.now() - tLink - summariesMs);
      stored(rowsSeen.requests + rowsSeen.feedback + rowsSeen.tickets);
      // A ticket whose latest state in this file is "deleted" (Zendesk's incremental export lists a deleted ticket
      // with status deleted: it is no longer a ticket of the account) leaves the workspace with its links, in this
      // transaction; counted in a note (the counts above still count its rows as read and written).
      const deletedTickets = rowsSeen.tickets > 0 ? removeDeletedTickets(db, importId) : 0;
      // The id maps can hold millions of entries; drop them before the save doubles the memory in use.
      for (const k of ['requests', 'feedback', 'tickets'] as const) seen[k].clear();
      versions.clear();
      const skippedReasons = skipReasons(skipCounts);
      // The mapper adds data-quality findings while it maps, so its notes are read after the loop. Every note may
      // quote the file (sample values, column names, skip reasons): all of them are scrubbed once, below.
      const rawNotes = [...src.notes, ...(readerEnd ? readerEnd.notes : mapper.notes)];
      if (deletedTickets > 0) rawNotes.push(`${deletedTickets.toLocaleString('en-US')} ticket(s) end in this file with status "deleted" (deleted in the helpdesk): removed from the workspace with their links, so no ticket figure counts them`);
      if (blankRecords > 0) rawNotes.push(`${blankRecords.toLocaleString('en-US')} record(s) with every field empty were skipped`);
      if (mapper.versionPath !== null && duplicatesInFile > 0) {
        rawNotes.push(`change history: ${duplicatesInFile.toLocaleString('en-US')} row(s) repeat a ticket from elsewhere in the file; each ticket keeps its latest state by ${mapper.versionPath} (rows with equal times: the later row in the file wins)${olderStates > 0 ? `; ${olderStates.toLocaleString('en-US')} older state(s) not written` : ''}`);
      } else if (duplicatesInFile > 0) {
        rawNotes.push(`${duplicatesInFile.toLocaleString('en-US')} row(s) repeat an id from earlier in the file; rule: the last occurrence wins (listed as duplicate rows, not rejected)`);
      }
      for (const s of skippedReasons) rawNotes.push(`${s.count.toLocaleString('en-US')} skipped: ${s.reason}`);
      // Records that each give several rows (MT-Bench's turns, a Helicone record's request and feedback): the counts
      // are of rows, so they add up to more than the records read; said, or 80 read and 160 new reads as a double count.
      const rowsStored = rowsSeen.requests + rowsSeen.feedback + rowsSeen.tickets;
      if (rowsStored > recordsRead) rawNotes.push(`${recordsRead.toLocaleString('en-US')} ${mapper.unit} gave ${rowsStored.toLocaleString('en-US')} rows (a record can hold several: turns of a conversation, a request with its feedback); the counts are of rows`);
      if (inserted === 0 && updated === 0) rawNotes.push(`0 new, ${duplicates} already present`);
      // Review queues sample by ISO week, so requests without a time would silently never be reviewed.
      const undated = rowsSeen.requests > 0 ? db.value<number>('SELECT count(*) FROM requests WHERE import_id = ? AND ts IS NULL', [importId]) ?? 0 : 0;
      if (undated > 0) rawNotes.push(undatedNote(undated));
      if (replaced.count > 0) rawNotes.push(replacedOutputsNote(replaced));
      const changedNote = changedStoredNote(changedStored);
      if (changedNote) rawNotes.push(changedNote);
      const later = rowsSeen.requests > 0 ? laterPriceNote(db, importId) : null;
      if (later) rawNotes.push(later);
      if (rowsSeen.feedback > 0) {
        const m = feedbackOnMissingRequests(db, importId);
        if (m.rows > 0) rawNotes.push(missingRequestsNote(m));
        // Feedback is dated by its own time, else its request's: one with neither is in no week (tickets say the same).
        const undatedFb = m.undated;
        if (undatedFb > 0) rawNotes.push(`${undatedFb.toLocaleString('en-US')} feedback row${undatedFb === 1 ? ' has' : 's have'} no time of ${undatedFb === 1 ? 'its' : 'their'} own and no dated request: in no week's figures until ${undatedFb === 1 ? 'its' : 'their'} request is imported with a time (the Metrics screen counts ${undatedFb === 1 ? 'it' : 'them'} apart)`);
      }
      if (rowsSeen.requests > 0) {
        const doubled = tracesStoredTwice(db, importId);
        if (doubled > 0) {
          const its = doubled === 1 ? 'its' : 'their';
          const [tool, parts] = mapper.preset === 'langfuse' ? ['Langfuse ', 'observations'] : mapper.preset === 'opik' ? ['Opik ', 'spans'] : ['', 'spans'];
          rawNotes.push(`${doubled.toLocaleString('en-US')} ${tool}trace${doubled === 1 ? ' is' : 's are'} stored twice: as a trace row and as the rows of ${its} ${parts}, so ${its} model calls count twice in volume, cost and latency. A trace is the container of its ${parts}${tool ? ` (${tool.trim()} data model)` : ''}: import the ${parts} (one row per model call) or the traces, not both, into one workspace`);
        }
      }
      const notes = scrub.notes(rawNotes);
      const byLine = <T extends { line: number }>(a: T, b: T) => a.line - b.line;
      rejects.sort(byLine);
      duplicateRows.sort(byLine);
      const finished = Date.now();
      const kinds = (Object.keys(perKind) as RecordKind[]);
      const kind = kinds.length === 1 ? kinds[0]! : kinds.length === 0 ? mapper.kind : 'mixed';
      const tHash = performance.now();
      const sha = readerEnd ? (readerEnd.hashedBytes === fileBytes ? readerEnd.sha256 : await sha256File(file))
        : hasher.bytes === fileBytes ? hasher.hex() : await sha256File(file);
      clock.add('hash', performance.now() - tHash);
      db.run(`UPDATE imports SET sha256 = ?, kind = ?, records_read = ?, inserted = ?, updated = ?, duplicates = ?, duplicates_in_file = ?, duplicate_rows = ?,
          rejected = ?, rejects = ?, notes = ?, finished_at = ?, skipped = ?, skip_reasons = ?, record_unit = ? WHERE id = ?`,
        [sha, kind, recordsRead, inserted, updated, duplicates, duplicatesInFile, JSON.stringify(duplicateRows), rejected, JSON.stringify(rejects), JSON.stringify(notes), finished,
          skipped, JSON.stringify(skippedReasons), mapper.unit, importId]);
      const scrubbed = scrub.finish(db, importId);
      progress('saving');
      const s: ImportSummary = {
        import_id: importId, file: fileName, kind, preset: mapper.preset, records_read: recordsRead, inserted, updated,
        duplicates, duplicates_in_file: duplicatesInFile, duplicate_rows: duplicateRows, rejected, rejects, skipped, skipped_reasons: skippedReasons,
        record_unit: mapper.unit, links: links.ticketLinks + links.feedbackLinks,
        notes, per_kind: perKind, started_at: started, finished_at: finished, scrub: scrubbed,
      };
      pre.dispose();
      tSave = performance.now();
      return s;
    });
    // The commit and the save of the workspace file (Workspace.bulk).
    clock.add('save', performance.now() - tSave);
    summary.finished_at = Date.now();
    modified = { requests: 0, feedback: 0, tickets: 0 };
    return summary;
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') {
      throw new LoupeError('IMPORT_CANCELLED', 'The import was cancelled; the workspace is unchanged.');
    }
    // A file cut or rewritten while it was read can end mid-way or turn unreadable: the change is the cause to name.
    if (e instanceof ImportFileError) refuseIfChanged(file, fileName, atStart, hasher.bytes);
    throw toLoupeError(e, fileName);
  } finally {
    // The temporary table and triggers go with a rollback; after a commit they are dropped here if still there.
    (preimages as PreimageTracker | null)?.dispose();
  }
}
