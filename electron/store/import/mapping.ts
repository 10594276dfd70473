/**
 * The mapping layer of the import pipeline: choose a preset for a file, build a mapper (preset mapping, then
 * auto-detection from source field names, then the user's overrides), and turn each source record into stored rows
 * with converted values: timestamps in UTC epoch ms, durations in ms, ids as text, unmapped fields as JSON `extra`.
 *
 * Conversions are strict: a value that is present but cannot be read as what its field needs (a timestamp that does
 * not parse, text in a token column) rejects the row with a reason naming the field, what was expected and what was
 * found; reading goes on. A value that reads but cannot be a measurement (plausible.ts: a latency over 7 days, a
 * negative cost, a time in 9999) is rejected the same way. Every field of a record is read, so one rejected row's
 * reason lists all its bad fields. Empty cells, `NaN`, `N/A` and configured sentinels are missing values and become NULL.
 */
import type { ImportOptions, PresetCandidate } from '../../../shared/contract';
import { LoupeError } from '../../../shared/errors';
import { PriceBook, type ModelPrice } from '../../../shared/prices';
import { anthropicCacheNote, deriveCost, usesAnthropicCacheFields } from '../prices/derive';
import type { FeedbackKind, RecordKind, RejectedRow } from '../../../shared/types';
import {
  brokenJsonOnPath, chatText, contentId, getPath as getPathImpl, isSkipped, leafName, msBetween, normName,
  type ComputedSource, type ConstSource, type DurationUnit, type FieldSpec, type KindMapping, type PathSource,
  type Preset, type SkippedPart, type SubRecord, type TimestampUnit,
} from './presets/common';
import { PRESETS, presetByName } from './presets';
import { jiraTime } from './presets/jira';
import { SYNONYMS, kindScores, surveyQuestionKind } from './presets/synonyms';
import { recordKey, surveyHeaderRows } from './survey-header';
import {
  type DstShift, detectDateOrder, detectDecimalMark, detectTimestampUnit, dotThousandsSuspect, durationUnitFromFieldName, fieldNameSuggestsDate, holdsTimes, isMissing, isValueError, MISSING_TOKENS, parseDurationMs, parseNumber, parseTimestamp, toIdText,
} from './values';
import { COLUMNS } from './packed';
import { implausibleNumber, implausibleTime } from './plausible';
import { answerFromChoiceText, looksLikeChoiceLabel, satisfactionAnswer, satisfactionScaleOf } from './answer-text';
import { automatedOf } from '../feedback/automated';

/** One stored row. Keys are column names of the table for `kind`; values are converted (see module doc). */
export interface MappedRow {
  kind: RecordKind;
  row: Record<string, string | number | null>;
  /**
   * Tickets of a change history: the time this row's state is as of (UTC epoch ms, from an as-of column, else the
   * updated time), so the latest state of each ticket is kept whatever the file's order. Null when unknown.
   */
  version?: number | null;
}
/** What became of one source record. `skipped` holds a reason for each part left out on purpose. */
export interface MapResult { rows: MappedRow[]; rejects: RejectedRow[]; skipped: string[] }
/** What the mapper needs to know besides the records. */
export interface MapContext { fileName: string; timeZone: string; prices: readonly ModelPrice[] }
/** A built mapper for one file. */
export interface Mapper {
  preset: string;
  kind: RecordKind | 'mixed';
  /** Loupe field → dotted source path used (for mixed presets the key is `kind.field`). */
  mapping: Record<string, string>;
  /**
   * Detection notes. Data-quality findings counted while mapping (e.g. tickets resolved before their first response)
   * are added and updated in place as `map()` runs, so read this array after the last record.
   */
  notes: string[];
  /** True when the preset expands one source record into several rows (so rows and records are counted apart). */
  expands: boolean;
  /** What one source record is, in the plural ('records', 'spans', 'runs', ...), for counts. */
  unit: string;
  /** Tickets: the source path the latest state of a ticket is decided by (as-of or updated time), when any. */
  versionPath: string | null;
  map(rec: { line: number; record: Record<string, unknown> }): MapResult;
}

/** Re-exported: dotted-path lookup; see {@link getPathImpl}. `a.b.0.c` indexes arrays; a null parent gives undefined. */
export function getPath(obj: unknown, path: string): unknown {
  return getPathImpl(obj, path);
}

const MAX_PATHS = 500;
const ARRAY_ITEMS_LISTED = 3;

interface PathInfo { container: boolean; present: number }

function walkPaths(v: unknown, prefix: string, out: Map<string, PathInfo>): void {
  if (out.size >= MAX_PATHS * 2) return;
  const isObj = v !== null && typeof v === 'object';
  const info = out.get(prefix) ?? { container: false, present: 0 };
  if (prefix !== '') {
    if (isObj && (Array.isArray(v) ? v.some((x) => x !== null && typeof x === 'object') : Object.keys(v).length > 0)) info.container = true;
    if (v !== null && v !== undefined && v !== '') info.present++;
    out.set(prefix, info);
  }
  if (!isObj) return;
  if (Array.isArray(v)) {
    // Arrays of scalars are one field (tags, per-rater labels); arrays of objects are walked by index.
    if (!v.some((x) => x !== null && typeof x === 'object')) return;
    v.slice(0, ARRAY_ITEMS_LISTED).forEach((x, i) => walkPaths(x, prefix ? `${prefix}.${i}` : String(i), out));
    return;
  }
  for (const [k, x] of Object.entries(v)) walkPaths(x, prefix ? `${prefix}.${k}` : k, out);
}

function pathInfo(sample: readonly Record<string, unknown>[]): Map<string, PathInfo> {
  const out = new Map<string, PathInfo>();
  for (const r of sample) walkPaths(r, '', out);
  return out;
}

/**
 * All dotted leaf paths seen in a sample, in first-seen order, for the preview's source_fields list. Arrays of
 * objects are listed by index (first 3 items); arrays of scalars count as one field. Capped at 500 paths.
 */
export function listPaths(sample: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const [p, i] of pathInfo(sample)) {
    if (!i.container) out.push(p);
    if (out.length >= MAX_PATHS) break;
  }
  return out;
}

/**
 * Scores every preset on the first records of a file.
 * @param sample - the first records as read (up to a few hundred)
 * @param options - `preset` forces the choice; `kind` leaves out presets of another kind
 * @returns candidates with a score above 0, best first, and the chosen preset: options.preset if given, else the
 *   best preset scoring at least 0.5, else 'generic'
 * @throws LoupeError BAD_REQUEST when options.preset names no preset
 */
export function choosePreset(sample: Record<string, unknown>[], options: ImportOptions): { candidates: PresetCandidate[]; chosen: string } {
  const candidates: PresetCandidate[] = [];
  for (const p of PRESETS) {
    if (options.kind && p.kind !== 'mixed' && p.kind !== options.kind && p.name !== 'generic') continue;
    let score = 0;
    try { score = p.detect(sample); } catch { score = 0; }
    if (score > 0) candidates.push({ name: p.name, label: p.label, kind: p.name === 'generic' ? (options.kind ?? detectKind(sample)) : p.kind, score: Math.round(score * 100) / 100 });
  }
  candidates.sort((a, b) => b.score - a.score);
  if (options.preset) {
    if (!presetByName(options.preset)) {
      throw new LoupeError('BAD_REQUEST', `Unknown preset "${options.preset}". Known presets: ${PRESETS.map((p) => p.name).join(', ')}.`);
    }
    return { candidates, chosen: options.preset };
  }
  const best = candidates.find((c) => c.name !== 'generic' && c.score >= 0.5);
  return { candidates, chosen: best ? best.name : 'generic' };
}

/** The kind a flat file most likely holds, from its field names (requests when nothing says otherwise). */
export function detectKind(sample: readonly Record<string, unknown>[]): RecordKind {
  const s = kindScores(listPaths(sample as Record<string, unknown>[]), sample);
  if (s.tickets > s.requests && s.tickets >= s.feedback) return 'tickets';
  if (s.feedback > s.requests && s.feedback > s.tickets) return 'feedback';
  return 'requests';
}

type FieldType = 'id' | 'text' | 'ts' | 'duration' | 'int' | 'number' | 'tags' | 'fkind' | 'fvalue';

/** Loupe fields a source can fill, per kind, with how their values are converted. */
export const FIELD_TYPES: Record<RecordKind, Record<string, FieldType>> = {
  requests: {
    id: 'id', ts: 'ts', user_id: 'id', session_id: 'id', segment: 'text', model: 'text', model_version: 'text', feature: 'text',
    lang: 'text', input: 'text', output: 'text', latency_ms: 'duration', ttft_ms: 'duration', tokens_in: 'int', tokens_out: 'int',
    cost_usd: 'number', status: 'text', error: 'text', trace_id: 'id', region: 'text',
    // Prices (electron/store/prices): cache reads and writes are part of tokens_in; service_tier 'batch' (or 'flex')
    // bills at batch prices. One column, requests.service_tier (migration 4), set by the batch presets.
    tokens_cached_in: 'int', tokens_cache_write_in: 'int', service_tier: 'text',
    // Of tokens_cache_write_in, those written to the 1-hour cache (Anthropic): priced at 2× input, not 1.25×.
    tokens_cache_write_1h_in: 'int',
  },
  feedback: {
    id: 'id', request_id: 'id', session_id: 'id', user_id: 'id', ts: 'ts', kind: 'fkind', value: 'fvalue', scale: 'number',
    label: 'text', comment: 'text', source: 'text', trace_id: 'id',
  },
  tickets: {
    id: 'id', created_ts: 'ts', updated_ts: 'ts', resolved_ts: 'ts', first_response_ts: 'ts', requester: 'text',
    requester_email: 'text', user_id: 'id', subject: 'text', body: 'text', status: 'text', priority: 'text', channel: 'text',
    tags: 'tags', csat: 'number', request_ref: 'id',
    // The conversation the ticket came from (chat widgets export it): linking.ts links it to that conversation's request.
    session_id: 'id',
    // Minutes from creation to the first reply, as helpdesks export it instead of a time (Zendesk's "First reply time
    // in minutes", calendar time; its "within business hours" twin is not read). Not stored: finishTicket turns it into
    // first_response_ts when the file gives no first-reply time.
    first_response_minutes: 'number',
  },
};

/**
 * A mapped row before its fields are read: every field of its kind ({@link FIELD_TYPES}, then the stored columns
 * (packed.ts COLUMNS) the finishing steps set, such as cost_source and price_tier), null, in that order. Made by
 * JSON.parse, which gives an object with fast properties, and copied per record, so every row of a kind shares one
 * shape. Rows grown by keyed stores (`row[field] = v`) turned into dictionaries past 16 fields (V8 normalises an
 * object after about a dozen out-of-object properties added by keyed stores): reading them back to pack a batch
 * (packed.ts pushRowValues) took 14% of the reading thread and their garbage another share (--cpu-prof, 200k rows).
 */
const ROW_TEMPLATES: Record<RecordKind, Readonly<Record<string, null>>> = {
  requests: rowTemplate('requests'),
  feedback: rowTemplate('feedback'),
  tickets: rowTemplate('tickets'),
};

function rowTemplate(kind: RecordKind): Readonly<Record<string, null>> {
  const fields = [...new Set([...Object.keys(FIELD_TYPES[kind]), ...COLUMNS[kind].filter((c) => c !== 'import_id')])];
  return JSON.parse(JSON.stringify(Object.fromEntries(fields.map((f) => [f, null])))) as Record<string, null>;
}

/** A field's source after building: how to read it from a record. */
type Resolved =
  | { type: 'paths'; alts: Array<{ path: string; unit?: DurationUnit | TimestampUnit }> }
  | { type: 'compute'; fn: (r: Record<string, unknown>) => unknown; uses: readonly string[]; unit?: DurationUnit | TimestampUnit; describe: string }
  | { type: 'const'; value: string | number | null };

interface KindPlan {
  kind: RecordKind;
  fields: Map<string, Resolved>;
  sentinels: Map<string, readonly string[]>;
  usedPaths: string[];
  /** Feedback: the kind implied by the value column's name (thumb, csat, nps...), when no kind column. */
  impliedFeedbackKind?: FeedbackKind;
  impliedScale?: number;
  /**
   * Feedback of a preset that works a rating's scale out per row from its value (Langfuse NUMERIC scores, Phoenix
   * annotations, LangSmith averages): the scale per score name from the largest value of that name in the first
   * records, so one score name is on one scale (a 1 and a 9 of "helpfulness" are both out of 10, not 1/1 and 9/10).
   */
  scaleByLabel?: Map<string, number>;
  /** Tickets: the tags column is named tags/labels, so space-separated words are separate tags. */
  spaceTags?: boolean;
  /**
   * Feedback whose kind column says "rating" but whose values in the first records are only -1 and 1, both seen (Open
   * WebUI's `type: "rating"` with `data.rating` ±1): thumbs, read as such. A rating scale never runs below 0, so the
   * -1s were rejected and each 1 stored as the worst answer on 1-5.
   */
  signedRatingsAreThumbs?: boolean;
  /** A rating column answered in the words of a 5-point satisfaction scale (answer-text.ts satisfactionScaleOf). */
  satisfactionLabels?: Readonly<Record<string, number>>;
}

/** A plan as each record runs it: one step per Loupe field, in the table's order, and the source paths it reads. */
interface CompiledPlan {
  steps: Array<{ field: string; type: FieldType; source: Resolved | null; unit: DurationUnit | TimestampUnit | undefined; path: string | null; sentinels: readonly string[]; unescape: boolean; dateOrder: 'mdy' | 'dmy' | undefined; zone: string; onDst: (shift: DstShift) => void }>;
  used: ReadonlySet<string>;
}

/**
 * Whether a column's name says its times are UTC: "Submit Date (UTC)" (Typeform's CSV), "created_at_utc",
 * "Timestamp UTC". A word of its own, so "utcoffset" or "output" do not count.
 */
export function namesUtc(name: string): boolean {
  return /(?:^|[^a-z])utc(?:[^a-z]|$)/i.test(name);
}

/** The one path a field is read from when it has a single source without a unit of its own (read as readRawUnit would). */
function singlePath(r: Resolved | undefined): string | null {
  return r?.type === 'paths' && r.alts.length === 1 && !r.alts[0]!.unit ? r.alts[0]!.path : null;
}

function resolveSpec(spec: FieldSpec): Resolved {
  if (typeof spec === 'string') return { type: 'paths', alts: [{ path: spec }] };
  if (Array.isArray(spec)) return { type: 'paths', alts: spec.map((s: string | PathSource) => (typeof s === 'string' ? { path: s } : s)) };
  if ('const' in (spec as ConstSource)) return { type: 'const', value: (spec as ConstSource).const };
  if ('compute' in (spec as ComputedSource)) {
    const c = spec as ComputedSource;
    return { type: 'compute', fn: c.compute, uses: c.uses, describe: c.describe, ...(c.unit ? { unit: c.unit } : {}) };
  }
  const p = spec as PathSource;
  return { type: 'paths', alts: [{ path: p.path, ...(p.unit ? { unit: p.unit } : {}) }] };
}

function describe(r: Resolved): string {
  if (r.type === 'const') return `= ${JSON.stringify(r.value)}`;
  if (r.type === 'compute') return r.describe;
  return r.alts.map((a) => a.path).join(' | ');
}

function isAncestorOrSelf(a: string, b: string): boolean {
  return a === b || b.startsWith(`${a}.`) || a.startsWith(`${b}.`);
}

/**
 * A path through one item of a list (`tags.0.updated_at`): it describes that item, not the record, so no field but a
 * text is read from it by name (Front's conversations gave their first tag's update time as updated_ts). Tags are read
 * from the list itself, a container (its items' names: splitTags).
 */
const ITEM_PATH = /\.\d+(\.|$)/;

/**
 * Fills unmapped Loupe fields of `kind` from source field names (see SYNONYMS). A source path is taken only when
 * no chosen path is its ancestor or descendant, and containers (objects, arrays of objects) only for text fields,
 * so `response.body.usage.prompt_tokens` can fill tokens_in without `response` being taken as the output.
 */
function autoDetect(kind: RecordKind, info: Map<string, PathInfo>, taken: Map<string, Resolved>, skip: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  const chosen: string[] = [];
  for (const r of taken.values()) if (r.type === 'paths') chosen.push(...r.alts.map((a) => a.path));
  const byName = new Map<string, string[]>();
  // Paths empty throughout the sample still count: a cost column may only fill in later in the file.
  for (const p of info.keys()) {
    // A name that says its zone ("Submit Date (UTC)", created_at_utc) matches as the name without it (see namesUtc).
    const names = [normName(p), normName(leafName(p))];
    for (const n of new Set([...names, ...names.map((x) => x.replace(/_utc$|^utc_/, '')).filter(Boolean)])) {
      const list = byName.get(n) ?? [];
      list.push(p);
      byName.set(n, list);
    }
  }
  const syn = SYNONYMS[kind];
  // Leaf-valued fields first, text fields last: a text field may take a container, which must not shadow a leaf.
  const order = Object.keys(syn).sort((a, b) => Number(FIELD_TYPES[kind][a] === 'text') - Number(FIELD_TYPES[kind][b] === 'text'));
  for (const field of order) {
    if (taken.has(field) || skip.has(field)) continue;
    const textField = FIELD_TYPES[kind][field] === 'text';
    // The first synonym's path wins, except that a nested path empty throughout the sample gives way to a later
    // synonym's path with values (Intercom's empty source.subject passed over its title). A top-level column empty
    // in the sample is still taken: a flat file's column may fill in later (Freshdesk's Tags over its Type).
    let best: string | undefined;
    let fallback: string | undefined;
    for (const name of syn[field]!) {
      const paths = (byName.get(name) ?? [])
        .filter((p) => (textField ? true : field === 'tags' ? !ITEM_PATH.test(p) : !info.get(p)!.container && !ITEM_PATH.test(p))
          && !chosen.some((c) => isAncestorOrSelf(c, p) && !(c === p && sharesPath(field))))
        .sort((a, b) => a.split('.').length - b.split('.').length);
      fallback ??= paths[0];
      const withValues = paths.find((p) => info.get(p)!.present > 0 || !p.includes('.'));
      if (withValues !== undefined) { best = withValues; break; }
    }
    best ??= fallback;
    if (best !== undefined) {
      found.set(field, best);
      chosen.push(best);
    }
  }
  return found;
}

const START_NAMES = ['start_time', 'started_at', 'start', 'start_ts', 'request_start', 'start_timestamp'];
const END_NAMES = ['end_time', 'ended_at', 'end', 'end_ts', 'completed_at', 'finished_at', 'request_end', 'end_timestamp'];

/**
 * A start and an end time of one record under the same parent (metrics.start and metrics.end; start_time and
 * end_time), by name, the first pair of START_NAMES × END_NAMES found.
 */
function startEndPair(info: Map<string, PathInfo>): { start: string; end: string } | null {
  // Per parent path, the best-ranked start and end (lowest index in their name lists).
  const byParent = new Map<string, { start?: string; si: number; end?: string; ei: number }>();
  for (const p of info.keys()) {
    if (info.get(p)!.container) continue;
    const dot = p.lastIndexOf('.');
    const parent = dot < 0 ? '' : p.slice(0, dot);
    const leaf = normName(dot < 0 ? p : p.slice(dot + 1));
    const e = byParent.get(parent) ?? { si: Infinity, ei: Infinity };
    const si = START_NAMES.indexOf(leaf);
    const ei = END_NAMES.indexOf(leaf);
    if (si >= 0 && si < e.si) { e.start = p; e.si = si; }
    if (ei >= 0 && ei < e.ei) { e.end = p; e.ei = ei; }
    byParent.set(parent, e);
  }
  for (const e of byParent.values()) if (e.start !== undefined && e.end !== undefined) return { start: e.start, end: e.end };
  return null;
}

/** An epoch time of 10, 13, 16 or 19 digits (s, ms, µs, ns) between 2000 and 2100. */
const EPOCH_DIGITS: Record<number, number> = { 10: 1e3, 13: 1, 16: 1e-3, 19: 1e-6 };
const MIN_PLAUSIBLE = Date.UTC(2000, 0, 1);
const MAX_PLAUSIBLE = Date.UTC(2100, 0, 1);
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** A date written a/b/yyyy (US or European spreadsheets, SurveyMonkey), with an optional time and AM/PM. */
const SLASH_DATE_TIME = /^\d{1,2}\/\d{1,2}\/\d{4}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?$/i;

/** 'epoch s' | 'epoch ms' | 'epoch µs' | 'epoch ns' | 'ISO 8601' | 'a/b/yyyy' when a value is written like a time, else null. */
function timeLike(v: unknown): string | null {
  if (typeof v === 'string' && ISO_DATE_TIME.test(v.trim())) return 'ISO 8601';
  if (typeof v === 'string' && SLASH_DATE_TIME.test(v.trim())) return 'a/b/yyyy';
  const t = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!/^\d+$/.test(t)) return null;
  const per = EPOCH_DIGITS[t.length];
  if (per === undefined) return null;
  const ms = Number(t) * per;
  if (ms < MIN_PLAUSIBLE || ms >= MAX_PLAUSIBLE) return null;
  return { 10: 'epoch seconds', 13: 'epoch milliseconds', 16: 'epoch microseconds', 19: 'epoch nanoseconds' }[t.length]!;
}

/**
 * The column of a sample whose values are times (at least 90% of its non-empty values are ISO 8601 date-times or
 * 10/13/16/19-digit epochs between 2000 and 2100; half when the name suggests a time, e.g. created_ms), for a kind
 * whose time field no synonym found. Columns already
 * mapped and id-like names (`*_id`, `id`) are passed over; a name that suggests a time wins a tie.
 */
export function timeColumnByValues(sample: readonly Record<string, unknown>[], info: Map<string, PathInfo>, taken: Map<string, Resolved>): { path: string; what: string } | null {
  const used = new Set<string>();
  for (const r of taken.values()) if (r.type === 'paths') for (const a of r.alts) used.add(a.path);
  let best: { path: string; what: string; score: number } | null = null;
  for (const [path, pi] of info) {
    if (pi.container || used.has(path) || /(^|[._\s])id$/i.test(path) || /^id$/i.test(leafName(path))) continue;
    const values = sample.map((r) => getPathImpl(r, path)).filter((v) => v !== undefined && v !== null && v !== '');
    if (values.length === 0) continue;
    const kinds = values.map(timeLike);
    const hits = kinds.filter((k) => k !== null).length;
    const named = fieldNameSuggestsDate(leafName(path));
    // A name that says time (created_ms) needs most values to look like times; a column named otherwise, nearly all.
    if (hits < (named ? 0.5 : 0.9) * values.length) continue;
    const what = [...new Set(kinds.filter((k): k is string => k !== null))].join(', ');
    const score = hits / values.length + (named ? 1 : 0);
    if (!best || score > best.score) best = { path, what, score };
  }
  return best ? { path: best.path, what: best.what } : null;
}

/** Fields that may read the same column as another (a ticket's requester email is also its user id). */
function sharesPath(field: string): boolean {
  return field === 'user_id' || field === 'requester_email';
}

/** Numbered tag columns: tag_1, Tag 2, tags3, Labels, Labels_2 (a repeated header renamed by the reader). */
const TAG_COLUMN = /^(tags?|labels?)([ _-]?\d+)?$/i;

/**
 * Text whose line breaks were written as the two characters `\n` (and tabs as `\t`), with real ones put back.
 * Used for the fields the user chose to unescape in the preview (options.unescape_fields).
 */
export function unescapeText(s: string): string {
  return s.replace(/\\r\\n|\\n|\\r/g, '\n').replace(/\\t/g, '\t');
}

/**
 * Text fields of the first rows whose line breaks look escaped: at least one value holds a literal `\n` and none of
 * them holds a real line break. The preview offers to unescape them.
 */
export function escapedNewlineFields(rows: ReadonlyArray<{ kind: RecordKind; row: Record<string, unknown> }>): Array<{ field: string; rows: number; of: number }> {
  const out: Array<{ field: string; rows: number; of: number }> = [];
  const kinds = new Set(rows.map((r) => r.kind));
  for (const kind of kinds) {
    const of = rows.filter((r) => r.kind === kind);
    for (const [f, type] of Object.entries(FIELD_TYPES[kind])) {
      if (type !== 'text') continue;
      const vals = of.map((r) => r.row[f]).filter((v): v is string => typeof v === 'string');
      const escaped = vals.filter((v) => v.includes('\\n')).length;
      if (escaped > 0 && !vals.some((v) => /[\r\n]/.test(v))) out.push({ field: kinds.size > 1 ? `${kind}.${f}` : f, rows: escaped, of: of.length });
    }
  }
  return out;
}

/** Column names of a wide feedback file, by what they hold. */
const WIDE_COLUMNS: ReadonlyArray<{ label: string; kind: FeedbackKind; names: readonly string[] }> = [
  { label: 'thumb', kind: 'thumb', names: ['thumb', 'thumbs', 'thumbs_up', 'thumb_up', 'thumbs_up_down', 'vote', 'liked', 'like', 'helpful', 'was_helpful', 'reaction', 'upvote'] },
  { label: 'CSAT', kind: 'rating', names: ['csat', 'csat_score', 'satisfaction', 'satisfaction_score', 'customer_satisfaction', 'csat_rating'] },
  { label: 'NPS', kind: 'nps', names: ['nps', 'nps_score', 'likelihood_to_recommend', 'how_likely_to_recommend', 'recommend_score', 'would_recommend'] },
  { label: 'rating', kind: 'rating', names: ['rating', 'stars', 'star_rating', 'score', 'overall_rating', 'overall'] },
  { label: 'preference', kind: 'preference', names: ['preference', 'preferred', 'pairwise_preference'] },
  { label: 'comment', kind: 'comment', names: ['comment', 'comments', 'feedback_text', 'free_text', 'verbatim', 'open_text', 'remarks', 'feedback_comment', 'additional_comments'] },
];

/** A column headed by a survey question (synonyms.ts surveyQuestionKind) as the wide column it stands for. */
function questionColumn(c: string): (typeof WIDE_COLUMNS)[number] | undefined {
  const q = surveyQuestionKind(normName(c));
  if (q === null) return undefined;
  const label = q === 'csat' ? 'CSAT' : q === 'nps' ? 'NPS' : q;
  return WIDE_COLUMNS.find((x) => x.label === label);
}

/**
 * The per-column plans of a wide feedback file, or [] when the file is not one. A file is wide when its rows hold
 * two or more feedback value columns other than a comment (thumb and NPS; CSAT, NPS and thumb...), found by name among
 * the top-level columns; a comment column then becomes its own comment row. A kind column, or a value column mapped
 * by hand, means the file is narrow (one feedback per row). Scales: NPS 0-10; CSAT and ratings by the largest value
 * in the first records (5, 7, 10 or 100).
 */
function wideFeedbackPlans(fb: KindPlan, sample: readonly Record<string, unknown>[], options: ImportOptions, questions: ReadonlyMap<string, string> = new Map()): Array<{ column: string; label: string; plan: KindPlan }> {
  if (fb.fields.has('kind') || options.mapping?.value !== undefined || options.mapping?.['feedback.value'] !== undefined) return [];
  const columns = new Set<string>();
  for (const r of sample.slice(0, 50)) for (const k of Object.keys(r)) columns.add(k);
  const found: Array<{ column: string; label: string; kind: FeedbackKind; question: boolean }> = [];
  const taken = new Set<string>();
  for (const c of columns) {
    // Qualtrics' NPS question adds a `Q1_NPS_GROUP` column (Promoter / Passive / Detractor, "… - Group"): a label of
    // the answer beside it, not an answer of its own.
    if (/_nps_group$/i.test(c) || / - group$/i.test(questions.get(c) ?? '')) continue;
    const byName = WIDE_COLUMNS.find((x) => x.names.includes(normName(c)));
    // An export tag (Qualtrics' Q1, Q2) is read by its question text from the export's second header row.
    const q = questions.get(c);
    const w = byName ?? questionColumn(c) ?? (q !== undefined ? questionColumn(q) : undefined);
    if (w && !(w.kind === 'comment' && taken.has('comment'))) {
      found.push({ column: c, label: w.label, kind: w.kind, question: !byName });
      taken.add(w.kind === 'comment' ? 'comment' : c);
    }
  }
  // Two answer columns make a file wide; so does one survey question ("How satisfied were you…?", a one-question
  // Typeform) when no other column gives the value: a short name alone ("rating") is an ordinary feedback column.
  const answers = found.filter((f) => f.kind !== 'comment');
  if (answers.length < 2 && !(answers.length === 1 && answers[0]!.question && !fb.fields.has('value'))) return [];
  const wideColumns = found.map((f) => f.column);
  return found.map((f) => {
    const fields = new Map(fb.fields);
    fields.delete('kind');
    fields.delete('value');
    fields.delete('comment');
    fields.delete('label');
    if (f.kind === 'comment') fields.set('comment', { type: 'paths', alts: [{ path: f.column }] });
    else fields.set('value', { type: 'paths', alts: [{ path: f.column }] });
    let scale: number | undefined;
    let labels: Readonly<Record<string, number>> | null = null;
    if (f.kind === 'nps') scale = 10;
    else if (f.kind === 'rating') {
      const values = sample.map((r) => getPathImpl(r, f.column));
      // Answers exported as the words of a 5-point satisfaction scale (SurveyMonkey's "Actual answer text").
      labels = satisfactionScaleOf(values);
      const nums = values.map((x) => num(x) ?? answerFromChoiceText(x, false) ?? (labels ? satisfactionAnswer(x, labels) : null)).filter((n): n is number => n !== null);
      const max = nums.length ? Math.max(...nums) : 5;
      scale = max <= 5 ? 5 : max <= 7 ? 7 : max <= 10 ? 10 : 100;
    }
    const plan: KindPlan = {
      ...fb, fields, impliedFeedbackKind: f.kind, usedPaths: [...fb.usedPaths, ...wideColumns],
      ...(scale !== undefined ? { impliedScale: scale } : {}),
      ...(labels && scale === 5 ? { satisfactionLabels: labels } : {}),
    };
    return { column: f.column, label: f.label, plan };
  });
}

/** Column names of the time a row's state is as of, in change histories and snapshot exports. */
const AS_OF_NAMES = new Set(['as_of', 'as_of_date', 'as_of_time', 'asof', 'snapshot_at', 'snapshot_date', 'snapshot_time',
  'changed_at', 'change_date', 'change_time', 'changed', 'history_date', 'valid_from', 'event_time', 'state_at']);

const FEEDBACK_KIND_WORDS: Record<string, FeedbackKind> = {
  thumb: 'thumb', thumbs: 'thumb', thumbs_up_down: 'thumb', vote: 'thumb', like: 'thumb', liked: 'thumb', helpful: 'thumb', reaction: 'thumb', sentiment: 'thumb',
  rating: 'rating', score: 'rating', stars: 'rating', star: 'rating', csat: 'rating', satisfaction: 'rating', numeric: 'rating',
  nps: 'nps', comment: 'comment', text: 'comment', note: 'comment', preference: 'preference', pairwise: 'preference',
  // Survey tools' survey types (Delighted: nps, enps, csat, ces, ces7, smileys, five_star, thumbs). eNPS asks
  // employees, not customers: a 0-10 rating beside the customers' NPS, never in it (finishFeedback).
  enps: 'rating', ces: 'rating', ces7: 'rating', smileys: 'rating', five_star: 'rating',
};

/** Whether a value names a feedback kind (thumb, rating, csat, nps, …), as finishFeedback reads it. */
function isKindWord(v: unknown): boolean {
  if (typeof v !== 'string' || v.trim() === '') return false;
  const w = normName(v);
  return (['thumb', 'rating', 'nps', 'comment', 'preference'] as string[]).includes(w) || FEEDBACK_KIND_WORDS[w] !== undefined;
}

/** Whether a preset's mapping names the field itself. */
function declaredField(km: KindMapping, field: string): boolean {
  return km.fields[field] !== undefined;
}

/** The one path a field is read from, or null (several, computed, constant, unmapped). */
function pathOf(r: Resolved | undefined): string | null {
  return r?.type === 'paths' && r.alts.length === 1 ? r.alts[0]!.path : null;
}

const THUMB_UP = new Set(['up', 'thumbs_up', 'thumbsup', 'thumb_up', '👍', '+1', '1', 'true', 'yes', 'y', 'positive', 'like', 'liked', 'good', 'helpful', 'upvote']);
const THUMB_DOWN = new Set(['down', 'thumbs_down', 'thumbsdown', 'thumb_down', '👎', '-1', '0', 'false', 'no', 'n', 'negative', 'dislike', 'disliked', 'bad', 'unhelpful', 'not_helpful', 'downvote']);
/**
 * Values of a survey's score that say it was not answered: Zendesk's satisfaction rating "offered" (the survey was
 * sent) and "unoffered" (it was not). A row holding one is refused as having no answer, and counted.
 */
const UNANSWERED = new Set(['offered', 'unoffered', 'not_offered', 'unanswered', 'not_answered', 'no_response']);
/** NPS answer categories (Reichheld: promoters 9-10, passives 7-8, detractors 0-6). */
const NPS_CATEGORIES = new Set(['promoter', 'passive', 'detractor', 'promoters', 'passives', 'detractors']);
const PREF_UP = new Set(['chosen', 'preferred', 'win', 'winner', 'better', 'a', '+1', '1']);
const PREF_DOWN = new Set(['rejected', 'lose', 'loser', 'worse', 'b', '-1']);

/** A finite number, or null when missing or unreadable (for sample statistics, never for stored values). */
function num(v: unknown): number | null {
  const n = parseNumber(v);
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function convDurationFactor(u: DurationUnit): number {
  return { s: 1000, ms: 1, us: 0.001, ns: 0.000001, min: 60_000, h: 3_600_000 }[u];
}

class Reject extends Error {
  constructor(readonly field: string, reason: string) { super(reason); }
}

/** Every bad field of one record (at least one), so the reject lists them all and the user fixes them in one go. */
class Rejects extends Reject {
  constructor(readonly all: readonly Reject[]) { super(all[0]!.field, all.map((r) => r.message).join('; ')); }
}

/** The parts of a reject: one per bad field. */
function rejectParts(e: Reject): readonly Reject[] {
  return e instanceof Rejects ? e.all : [e];
}

function shown(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

const ERROR_STATUS = /^(error|errored|failed|failure|fail|timeout|timed[ _-]?out|exception|cancelled|canceled|rate[ _-]?limited|refused|aborted|status_code_error|[45]\d\d)$/i;

/** Whether a status value means the request failed (HTTP 4xx/5xx, error/failed/timeout words, OTel STATUS_CODE_ERROR). */
export function isErrorStatus(status: string | null): boolean {
  if (status === null) return false;
  const s = status.trim();
  return ERROR_STATUS.test(s) || /^error\b/i.test(s);
}

/**
 * Tags from an array, JSON array text, or a list separated by commas, semicolons or pipes. Only a column named
 * tags/labels is also split on spaces (Zendesk writes `billing refund_request`); a category column such as Ticket Type
 * (`Technical issue`) is one tag.
 */
function splitTags(v: unknown, spaceSeparated: boolean): string[] {
  // Help desks' APIs give tags as objects (Gorgias and Front: {id, name, …}): each is its name.
  if (Array.isArray(v)) return v.map(tagName).filter((x): x is string => x !== null && x.trim() !== '').map((x) => x.trim());
  // One tag object (a container is taken for tags: a list of tag objects): its name, or no tag.
  if (v !== null && typeof v === 'object') return [tagName(v)].filter((x): x is string => x !== null && x.trim() !== '').map((x) => x.trim());
  const s = String(v).trim();
  if (s.startsWith('[')) {
    try {
      const a = JSON.parse(s) as unknown;
      if (Array.isArray(a)) return splitTags(a, false);
    } catch { /* not JSON: split below */ }
  }
  const parts = /[,;|]/.test(s) ? s.split(/[,;|]/) : spaceSeparated ? s.split(/\s+/) : [s];
  return parts.map((x) => x.trim()).filter(Boolean);
}

/** A tag as text: a scalar as itself, an object by its name (or label, title, tag), else null. */
function tagName(x: unknown): string | null {
  if (x === null || x === undefined) return null;
  if (typeof x !== 'object') return String(x);
  const o = x as Record<string, unknown>;
  for (const k of ['name', 'label', 'title', 'tag']) if (typeof o[k] === 'string') return o[k] as string;
  return null;
}

/** Copy of `rec` without the used paths; containers left empty are dropped. */
function prune(v: unknown, used: ReadonlySet<string>, prefix: string): unknown {
  if (prefix && used.has(prefix)) return undefined;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (!v.some((x) => x !== null && typeof x === 'object')) return v;
    let changed = false;
    const out = v.map((x, i) => {
      const y = prune(x, used, prefix ? `${prefix}.${i}` : String(i));
      if (y !== x) changed = true;
      return y;
    });
    if (!changed) return v;
    const kept = out.filter((x) => x !== undefined && !(x && typeof x === 'object' && Object.keys(x).length === 0));
    return kept.length ? kept : undefined;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, x] of Object.entries(v)) {
    const y = prune(x, used, prefix ? `${prefix}.${k}` : k);
    if (y === undefined) continue;
    if (y !== null && typeof y === 'object' && !Array.isArray(y) && Object.keys(y).length === 0 && !(x !== null && typeof x === 'object' && Object.keys(x).length === 0)) continue;
    // A field named __proto__ is data: kept as an own property (plain assignment would set the prototype and drop it).
    if (k === '__proto__') Object.defineProperty(out, k, { value: y, enumerable: true, writable: true, configurable: true });
    else out[k] = y;
    n++;
  }
  return n || !prefix ? out : undefined;
}

/** Whether every top-level field of the record is a used path (then nothing is left for `extra`). */
function everyKeyUsed(rec: Record<string, unknown>, used: ReadonlySet<string>): boolean {
  for (const k in rec) if (!Object.prototype.hasOwnProperty.call(rec, k) || !used.has(k)) return false;
  return true;
}

function allMissing(rec: Record<string, unknown>): boolean {
  for (const v of Object.values(rec)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    return false;
  }
  return true;
}

/**
 * Builds the mapper for a file: the preset's mapping, then auto-detection from field names for Loupe fields the
 * preset leaves unmapped, then options.mapping overrides (keys `field` for the main kind, `kind.field` for any kind).
 * Detects timestamp units (epoch s/ms/µs/ns by magnitude, Excel serials, ISO) and duration units (from the field
 * name, else by magnitude) from the sample and says so in `notes`.
 * @param preset - a preset name (see {@link choosePreset})
 * @param sample - the first records of the file, as read
 * @param options - import options (kind, mapping, time_zone, timestamp_unit, missing_sentinels)
 * @param ctx - file name (for messages), workspace time zone (for naive times), price table (for derived cost)
 * @throws LoupeError IMPORT_NOT_RECOGNISED naming the file and the fields seen when nothing mappable is found;
 *   BAD_REQUEST for an unknown preset or an override naming no Loupe field
 */
export function buildMapper(preset: string, fullSample: Record<string, unknown>[], options: ImportOptions, ctx: MapContext): Mapper {
  const p = presetByName(preset);
  if (!p) throw new LoupeError('BAD_REQUEST', `Unknown preset "${preset}". Known presets: ${PRESETS.map((x) => x.name).join(', ')}.`);
  const notes: string[] = [...(p.notes ?? [])];
  // A survey export's header rows below the column names (Qualtrics) are skipped, counted, and shape nothing.
  const header = surveyHeaderRows(fullSample);
  const sample = header ? fullSample.filter((r) => !header.keys.has(recordKey(r))) : fullSample;
  const timeZone = options.time_zone ?? header?.timeZone ?? ctx.timeZone;
  if (header?.timeZone && !options.time_zone) notes.push(`time zone of naive times: ${header.timeZone}, as the export's ImportId row declares`);
  const optSentinels = options.missing_sentinels ?? [];

  // Sub-records of the sample, per kind, as the preset's expand makes them.
  const subSample: Record<RecordKind, Record<string, unknown>[]> = { requests: [], feedback: [], tickets: [] };
  let kinds: RecordKind[];
  let singleKind: RecordKind | null = null;
  if (p.expand) {
    for (const r of sample) {
      let subs: Array<SubRecord | SkippedPart> = [];
      try { subs = p.expand(r); } catch { subs = []; }
      for (const s of subs) if (!isSkipped(s)) subSample[s.kind].push(s.record);
    }
    kinds = (Object.keys(p.kinds) as RecordKind[]);
  } else {
    singleKind = p.kind === 'mixed' ? 'requests' : p.kind;
    if (p.name === 'generic') singleKind = options.kind ?? detectKind(sample);
    else if (options.kind && options.kind !== singleKind) singleKind = options.kind;
    // Records the preset skips (spans that are no LLM call, chain runs) do not shape the mapping.
    const kept = p.skip ? sample.filter((r) => { try { return p.skip!(r) === null; } catch { return true; } }) : sample;
    subSample[singleKind] = kept.length ? kept : sample;
    kinds = [singleKind];
  }
  const mainKind: RecordKind = singleKind ?? (p.kind === 'mixed' ? kinds[0]! : p.kind);
  const prefixed = kinds.length > 1;
  const prefixedName = (kind: RecordKind, f: string) => (prefixed ? `${kind}.${f}` : f);
  // Fields whose literal \n the user chose to turn into line breaks, as `kind.field`.
  const unescape = new Set((options.unescape_fields ?? []).map((f) => (f.includes('.') ? f : `${mainKind}.${f}`)));
  for (const f of unescape) notes.push(`${prefixed ? f : f.slice(f.indexOf('.') + 1)}: literal \\n turned into line breaks (chosen)`);

  const plans = new Map<RecordKind, KindPlan>();
  const mapping: Record<string, string> = {};
  for (const kind of kinds) {
    const km: KindMapping = p.kinds[kind] ?? { fields: {} };
    const fields = new Map<string, Resolved>();
    for (const [f, spec] of Object.entries(km.fields)) if (spec !== undefined) fields.set(f, resolveSpec(spec));
    const info = pathInfo(subSample[kind]);
    const overrides = new Map<string, string>();
    for (const [key, path] of Object.entries(options.mapping ?? {})) {
      const dot = key.indexOf('.');
      const k = dot > 0 && (['requests', 'feedback', 'tickets'] as string[]).includes(key.slice(0, dot)) ? key.slice(0, dot) : mainKind;
      const f = k === mainKind && dot <= 0 ? key : key.slice(dot + 1);
      if (k === kind) overrides.set(f, path);
    }
    const overrideKeys = new Set(overrides.keys());
    if (km.autoDetect !== false) {
      for (const [f, path] of autoDetect(kind, info, fields, overrideKeys)) fields.set(f, { type: 'paths', alts: [{ path }] });
      // A column found by its name (`type`, `metric`) as the feedback kind whose values in the sample are no feedback
      // kinds (a JSON:API resource's type "customerReviews") is not the kind: read as one, it refused every row.
      const kindPath = kind === 'feedback' && !declaredField(km, 'kind') ? pathOf(fields.get('kind')) : null;
      const kindValues = kindPath === null ? [] : subSample.feedback.map((r) => getPathImpl(r, kindPath)).filter((v) => v !== undefined && v !== null && v !== '');
      if (kindPath !== null && !overrideKeys.has('kind') && kindValues.length > 0 && !kindValues.some(isKindWord)) {
        fields.delete('kind');
        notes.push(`kind: ${kindPath} is not read as the feedback kind (its values in the first records, e.g. ${shown(kindValues[0])}, are no feedback kinds)`);
      }
      // A comment column found by its name whose values are only yes/no flags (Medallia Agent Connect's `comments`:
      // whether the customer left one) holds no text: read as comments, each flag was a comment "true" or "false",
      // and unanswered surveys were kept as comment feedback.
      const commentPath = kind === 'feedback' && !declaredField(km, 'comment') && !overrideKeys.has('comment') ? pathOf(fields.get('comment')) : null;
      const commentValues = commentPath === null ? [] : subSample.feedback.map((r) => getPathImpl(r, commentPath)).filter((v) => v !== undefined && v !== null && v !== '');
      if (commentPath !== null && commentValues.length > 0 && commentValues.every((v) => typeof v === 'boolean' || (typeof v === 'string' && /^(true|false)$/i.test(v.trim())))) {
        fields.delete('comment');
        notes.push(`comment: ${commentPath} is not read as the comment (its values in the first records are only true/false flags, e.g. ${shown(commentValues[0])}); it is kept with the row's other fields`);
      }
      // A time column whose name is no known synonym (created_ms, submitted) is recognised by its values.
      const tsField = kind === 'tickets' ? 'created_ts' : 'ts';
      if (!fields.has(tsField) && !overrideKeys.has(tsField)) {
        const found = timeColumnByValues(subSample[kind], info, fields);
        if (found) {
          fields.set(tsField, { type: 'paths', alts: [{ path: found.path }] });
          notes.push(`${prefixedName(kind, tsField)}: ${found.path} recognised as a time column by its values (${found.what})`);
        }
      }
      // No latency field, but a start and an end time (Braintrust's metrics.start / metrics.end in epoch seconds,
      // start_time / end_time columns): the latency is their difference.
      if (kind === 'requests' && !fields.has('latency_ms') && !overrideKeys.has('latency_ms')) {
        const pair = startEndPair(info);
        if (pair) {
          fields.set('latency_ms', resolveSpec({ compute: (r) => msBetween(getPathImpl(r, pair.start), getPathImpl(r, pair.end)), uses: [pair.start, pair.end], describe: `${pair.end} − ${pair.start}`, unit: 'ms' }));
          notes.push(`${prefixedName(kind, 'latency_ms')}: ${pair.end} − ${pair.start} (no latency field; the time between the start and the end)`);
        }
      }
    }
    for (const [f, path] of overrides) {
      if (!(f in FIELD_TYPES[kind])) {
        throw new LoupeError('BAD_REQUEST', `The mapping for ${ctx.fileName} names "${f}", which is not a ${kind} field. Fields: ${Object.keys(FIELD_TYPES[kind]).join(', ')}.`);
      }
      if (path === '') fields.delete(f);
      else {
        checkMappedPath(ctx.fileName, prefixed ? `${kind}.${f}` : f, path, subSample[kind]);
        fields.set(f, { type: 'paths', alts: [{ path }] });
      }
    }
    const sentinels = new Map<string, readonly string[]>();
    for (const f of Object.keys(FIELD_TYPES[kind])) sentinels.set(f, [...optSentinels, ...(km.sentinels?.[f] ?? [])]);
    const plan: KindPlan = { kind, fields, sentinels, usedPaths: [] };
    plans.set(kind, plan);
  }

  // Nothing mappable → refuse, naming the file and the fields seen.
  for (const plan of plans.values()) {
    const has = (f: string) => plan.fields.has(f);
    const ok = plan.kind === 'requests' ? has('id') || has('input') || has('output') || has('ts') || has('latency_ms') || has('tokens_in')
      : plan.kind === 'feedback' ? has('value') || has('kind') || has('comment') || wideFeedbackPlans(plan, subSample.feedback, options, header?.questions).length > 0
        : has('id') || has('subject') || has('body') || has('created_ts');
    if (!ok && !p.expand) {
      const seen = listPaths(sample).slice(0, 30);
      throw new LoupeError('IMPORT_NOT_RECOGNISED',
        `${ctx.fileName}: no field could be mapped to ${plan.kind} (looked for an id, ${plan.kind === 'requests' ? 'input, output or timestamp' : plan.kind === 'feedback' ? 'rating, thumb or comment' : 'subject, description or created time'}). Fields seen: ${seen.join(', ') || '(none)'}.`,
        { action: 'Choose a preset, or map the fields yourself in the import preview.', details: { file: ctx.fileName, fields: seen } });
    }
  }

  // The decimal mark of text numbers: chosen, else told by a value that can only be one (1,5 or 1.5), else '.'.
  const numericValues: unknown[] = [];
  for (const plan of plans.values()) {
    for (const [f, r] of plan.fields) {
      const t = FIELD_TYPES[plan.kind][f];
      if (t === 'number' || t === 'int' || t === 'duration') for (const rec of subSample[plan.kind]) numericValues.push(readRaw(r, rec));
    }
  }
  const detectedMark = options.decimal_mark ? null : detectDecimalMark(numericValues);
  const decimalMark: '.' | ',' = options.decimal_mark ?? detectedMark?.mark ?? '.';
  if (options.decimal_mark) notes.push(`decimal mark: '${options.decimal_mark}' (chosen)`);
  else if (detectedMark?.mark === ',') notes.push(`decimal mark: ',' (${shown(detectedMark.example)} can only be a decimal comma); '.' and spaces group thousands`);

  // Units: timestamps by magnitude/format from the sample, durations from the field name else magnitude.
  const units = new Map<string, DurationUnit | TimestampUnit>();
  /** Per `kind.field` of type ts: the order of its a/b/yyyy dates (chosen, or settled by a value). */
  const dateOrders = new Map<string, 'mdy' | 'dmy'>();
  /** Per `kind.field`: the zone its times without an offset are read in, when it is not the import's (a name that says UTC). */
  const fieldZones = new Map<string, string>();
  for (const plan of plans.values()) {
    const sub = subSample[plan.kind];
    for (const [f, r] of plan.fields) {
      const type = FIELD_TYPES[plan.kind][f];
      if (!type) continue;
      const key = `${plan.kind}.${f}`;
      const label = prefixed ? key : f;
      const srcName = r.type === 'paths' ? r.alts[0]!.path : r.type === 'compute' ? r.describe : '';
      const explicit = r.type === 'paths' ? r.alts[0]!.unit : r.type === 'compute' ? r.unit : undefined;
      const values = sub.map((rec) => readRaw(r, rec)).filter((v) => v !== undefined && v !== null && v !== '');
      if ((type === 'number' || type === 'int' || type === 'duration') && decimalMark === '.') {
        const suspect = dotThousandsSuspect(values);
        if (suspect !== null) notes.push(`${label}: ${srcName} has values such as ${shown(suspect)} beside whole numbers, as spreadsheets write thousands with a dot; read with '.' as the decimal mark (${shown(suspect)} = ${Number(suspect)}). If the dot groups thousands here, choose ',' as the decimal mark (--decimal-mark , or Decimal mark in the import preview)`);
      }
      if (type === 'ts') {
        // The order of a/b/yyyy dates: chosen, else settled by a value of the column (a day above 12), else none.
        const order = options.date_order ? { order: options.date_order, example: null, conflicting: false } : detectDateOrder(values);
        if (order.order) {
          dateOrders.set(key, order.order);
          if (values.some((v) => typeof v === 'string' && /^\s*\d{1,2}\/\d{1,2}\/\d{4}/.test(v))) {
            notes.push(`${label}: dates written a/b/yyyy read as ${order.order === 'mdy' ? 'month/day' : 'day/month'}${order.example ? ` (${shown(order.example)} settles it)` : ' (chosen)'}`);
          }
        } else if (order.conflicting) {
          notes.push(`${label}: ${srcName} writes a/b/yyyy dates both month/day and day/month; each is read on its own and one that could be either is refused`);
        }
        if (options.timestamp_unit && options.timestamp_unit !== 'auto') {
          units.set(key, options.timestamp_unit);
          notes.push(`${label}: read as ${unitWords(options.timestamp_unit)} (chosen)`);
        } else if (explicit) {
          units.set(key, explicit);
        } else if (values.length) {
          const d = detectTimestampUnit(values, srcName);
          units.set(key, d.unit ?? 'auto');
          // A column named for UTC ("Submit Date (UTC)", Typeform; created_at_utc) holds UTC times even without an
          // offset: read so, unless the import names a zone of its own.
          const utc = !options.time_zone && r.type === 'paths' && namesUtc(srcName);
          if (utc) fieldZones.set(key, 'UTC');
          const how = utc && d.note ? d.note.replace("read in the import's time zone", 'read as UTC, as its name says') : d.note;
          if (how) notes.push(`${label} ← ${how}${d.unit === 'auto' ? ' (epoch numbers: seconds, ms, µs or ns told apart by magnitude)' : ''}`);
          // An auto-detected column whose values are not times (durations, counts) is dropped, not rejected.
          if (r.type === 'paths' && !isDeclared(p, plan.kind, f) && options.mapping?.[f] === undefined && options.mapping?.[key] === undefined) {
            if (!holdsTimes(values, fieldZones.get(key) ?? timeZone, d.unit ?? 'auto', dateOrders.get(key))) {
              plan.fields.delete(f);
              notes.push(`${label}: ${srcName} does not hold times (e.g. ${shown(values[0])}); left unmapped`);
            }
          }
        }
      } else if (type === 'duration') {
        let u = explicit as DurationUnit | undefined;
        if (!u && r.type === 'paths') {
          u = durationUnitFromFieldName(leafName(srcName)) ?? undefined;
          if (u) notes.push(`${f}: ${srcName} read in ${unitWords(u)} (from its name)`);
        }
        if (!u) {
          const nums = values.map(num).filter((n): n is number => n !== null).sort((a, b) => a - b);
          const median = nums.length ? nums[Math.floor(nums.length / 2)]! : 0;
          const fractional = nums.some((n) => !Number.isInteger(n));
          u = median > 0 && median < 60 && fractional ? 's' : 'ms';
          // Values written with their unit ("1.2s", "850ms") are read in it; only bare numbers take the column's.
          const withUnit = values.filter((v) => typeof v === 'string' && /^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*[A-Za-z]+\s*$/.test(v));
          if (withUnit.length > 0 && nums.length === 0) notes.push(`${f}: ${srcName} writes each value with its unit (e.g. ${shown(withUnit[0])}); read in that unit`);
          else if (values.length) notes.push(`${f}: ${srcName} has no unit in its name; bare numbers read in ${unitWords(u)} (median value ${median})${withUnit.length ? `; ${withUnit.length} value(s) with their own unit (e.g. ${shown(withUnit[0])}) read in it` : ''}`);
        } else if (explicit) {
          notes.push(`${label}: ${srcName} read in ${unitWords(u)}`);
        }
        units.set(key, u);
      }
    }
  }

  // Feedback: what kind of feedback a value column holds when there is no kind column.
  const fb = plans.get('feedback');
  if (fb && !fb.fields.has('kind')) {
    const v = fb.fields.get('value');
    const name = v && v.type === 'paths' ? normName(leafName(v.alts[0]!.path)) : '';
    let implied: FeedbackKind | undefined = FEEDBACK_KIND_WORDS[name];
    if (!v && fb.fields.has('comment')) implied = 'comment';
    if (name === 'csat') fb.impliedScale = 5;
    if (name === 'nps') fb.impliedScale = 10;
    if ((!implied || (implied === 'rating' && (name === 'score' || name === 'rating'))) && v) {
      // A bare `value` column, or a score named by no scale: thumbs when its answers are up/down words (Zendesk's
      // satisfaction ratings score "good"/"bad"), else a rating.
      const vals = subSample.feedback.map((r) => readRaw(v, r)).filter((x) => x !== undefined && x !== null && x !== '' && !UNANSWERED.has(normName(String(x))));
      implied = vals.length && vals.every((x) => THUMB_UP.has(String(x).toLowerCase()) || THUMB_DOWN.has(String(x).toLowerCase())) && vals.some((x) => !/^\d+$/.test(String(x))) ? 'thumb' : 'rating';
    }
    // A 0-10 score beside a column that files each answer as Promoter, Passive or Detractor (Retently's and other NPS
    // tools' exports) is the NPS question's answer: read as a 1-10 rating, the file gave no NPS at all.
    let npsBy: string | null = null;
    if (implied === 'rating' && v && name !== 'csat') {
      const recs = subSample.feedback;
      const scores = recs.map((r) => num(readRaw(v, r))).filter((n): n is number => n !== null);
      const keys = recs.length ? Object.keys(recs[0]!) : [];
      npsBy = scores.length > 0 && scores.every((n) => Number.isInteger(n) && n >= 0 && n <= 10)
        ? keys.find((k) => {
          const vals = recs.map((r) => r[k]).filter((x) => typeof x === 'string' && x.trim() !== '') as string[];
          return vals.length > 0 && vals.every((x) => NPS_CATEGORIES.has(x.trim().toLowerCase())) && vals.length * 2 >= recs.length;
        }) ?? null
        : null;
      if (npsBy !== null) implied = 'nps';
    }
    if (implied) {
      fb.impliedFeedbackKind = implied;
      notes.push(`feedback kind: ${implied}${npsBy !== null ? ` (0-10 scores beside ${npsBy}, which files each answer as promoter, passive or detractor)` : name ? ` (from the column name ${name})` : ''}`);
    }
    if (implied === 'rating' && !fb.impliedScale && !fb.fields.has('scale') && v) {
      const nums = subSample.feedback.map((r) => { const x = readRaw(v, r); return num(x) ?? answerFromChoiceText(x, false); }).filter((n): n is number => n !== null);
      const max = nums.length ? Math.max(...nums) : 5;
      fb.impliedScale = max <= 5 ? 5 : max <= 10 ? 10 : 100;
      notes.push(`rating scale: 1-${fb.impliedScale} (largest value in the first records is ${max})`);
    }
  }

  // A kind column saying "rating" over values that are only -1 and 1: thumbs (see KindPlan.signedRatingsAreThumbs).
  const fbt = plans.get('feedback');
  const tKind = fbt?.fields.get('kind');
  const tValue = fbt?.fields.get('value');
  if (fbt && tKind && tValue && !fbt.fields.has('scale')) {
    const vals: number[] = [];
    for (const r of subSample.feedback) {
      try {
        if (normName(String(readRaw(tKind, r) ?? '')) !== 'rating') continue;
        const v = num(readRaw(tValue, r));
        if (v !== null) vals.push(v);
      } catch { /* judged when mapped */ }
    }
    if (vals.length > 0 && vals.every((v) => v === 1 || v === -1) && vals.includes(-1)) {
      fbt.signedRatingsAreThumbs = true;
      notes.push(`feedback kind: thumb for the rows whose kind reads "rating": every such value in the first records is -1 or 1 (${vals.filter((v) => v === -1).length} of ${vals.length} are -1), which is a thumb down or up, not a point on a rating scale`);
    }
  }

  // Presets that work a rating's scale out per row: one scale per score name, from the first records.
  const fbp = plans.get('feedback');
  const scaleSpec = fbp?.fields.get('scale');
  const labelSpec = fbp?.fields.get('label');
  const valueSpec = fbp?.fields.get('value');
  const kindSpec = fbp?.fields.get('kind');
  // (A scale computed per row, or one an expanding preset wrote into its sub-records: LangSmith's feedback_stats.)
  if (fbp && scaleSpec && (scaleSpec.type === 'compute' || (p.expand !== undefined && p.name !== 'generic')) && labelSpec && valueSpec) {
    const max = new Map<string, number>();
    for (const r of subSample.feedback) {
      try {
        if (kindSpec && normName(String(readRaw(kindSpec, r) ?? '')) !== 'rating') continue;
        const label = readRaw(labelSpec, r);
        const v = num(readRaw(valueSpec, r));
        const sc = num(readRaw(scaleSpec, r));
        if (label === undefined || label === null || v === null || sc === null) continue;
        max.set(String(label), Math.max(max.get(String(label)) ?? 0, sc));
      } catch { /* a record the preset cannot read is judged when it is mapped */ }
    }
    const several = [...max].filter(([, sc]) => sc > 1);
    if (max.size > 0) {
      fbp.scaleByLabel = max;
      if (several.length) notes.push(`rating scale per score name, from the largest value of each in the first records: ${[...max].map(([l, sc]) => `${l} 0-${sc}`).join(', ')}`);
    }
  }

  // Requests that are spans of a trace tree (Braintrust span_parents, OpenTelemetry-like parent ids) beside their root
  // spans: each span is a request here, so one call traced as a root and a model span counts twice. Said, with how
  // many records have a parent, so volume, cost and latency are not read as the calls'.
  if (plans.has('requests') && p.name === 'generic') {
    const PARENT = new Set(['span_parents', 'parent_id', 'parent_span_id', 'parent_run_id', 'parent_observation_id', 'parentspanid', 'parent_uuid']);
    let children = 0;
    let field: string | null = null;
    for (const r of subSample.requests) {
      const k = Object.keys(r).find((key) => PARENT.has(normName(key)) && (Array.isArray(r[key]) ? (r[key] as unknown[]).length > 0 : r[key] !== null && r[key] !== undefined && r[key] !== ''));
      if (k) { children++; field ??= k; }
    }
    const roots = subSample.requests.length - children;
    if (children > 0 && roots > 0) notes.push(`spans: ${children} of the first ${subSample.requests.length} records have a parent (${field}) and ${roots} have none; each span is stored as a request, so a call traced as a parent span and a model span counts more than once in volume, cost and latency. Import only the model spans (filter the export), or use a preset for the tool`);
  }

  // Tickets: tags found as a column named `type` that holds one value in every record (Intercom's `type:
  // "conversation"`) name the object's type, not a category: every ticket was tagged "conversation".
  const tagsSpec = plans.get('tickets')?.fields.get('tags');
  if (tagsSpec?.type === 'paths' && normName(leafName(tagsSpec.alts[0]!.path)) === 'type' && !isDeclared(p, 'tickets', 'tags')
    && options.mapping?.tags === undefined && options.mapping?.['tickets.tags'] === undefined) {
    const vals = subSample.tickets.map((r) => readRaw(tagsSpec, r)).filter((v) => v !== undefined && v !== null && v !== '').map(String);
    if (vals.length >= 3 && new Set(vals).size === 1) {
      plans.get('tickets')!.fields.delete('tags');
      notes.push(`tags: ${tagsSpec.alts[0]!.path} holds "${vals[0]}" in every record (the record's type, not a category); left unmapped`);
    }
  }

  // Tickets: a requester column holding ids (u0107, 48213) rather than names is the user id that requests carry;
  // an email is only the fallback, since request logs rarely key users by email.
  const tk = plans.get('tickets');
  const requester = tk?.fields.get('requester');
  const userField = tk?.fields.get('user_id');
  if (tk && requester?.type === 'paths' && userField?.type === 'paths' && !isDeclared(p, 'tickets', 'user_id')
    && options.mapping?.user_id === undefined && options.mapping?.['tickets.user_id'] === undefined
    && /e_?mail/i.test(userField.alts[0]!.path)) {
    const vals = subSample.tickets.map((r) => readRaw(requester, r)).filter((v) => v !== undefined && v !== null && v !== '').map(String);
    if (vals.length && vals.filter((v) => /^[\w.:@-]+$/.test(v) && /\d/.test(v)).length >= 0.8 * vals.length) {
      tk.fields.set('user_id', requester);
      notes.push(`user_id: ${requester.alts[0]!.path} holds user ids (e.g. ${shown(vals[0])}), used rather than ${userField.alts[0]!.path}`);
    }
  }

  // Tickets: numbered tag columns (tag_1 … tag_8, Jira's repeated Labels) are the ticket's tags together.
  const tk2 = plans.get('tickets');
  if (tk2 && options.mapping?.tags === undefined && options.mapping?.['tickets.tags'] === undefined) {
    const cols: string[] = [];
    for (const r of subSample.tickets.slice(0, 50)) for (const k of Object.keys(r)) if (TAG_COLUMN.test(k) && !cols.includes(k)) cols.push(k);
    const current = tk2.fields.get('tags');
    const declared = isDeclared(p, 'tickets', 'tags');
    if (cols.length >= 2 && (!declared || (current?.type === 'paths' && cols.includes(current.alts[0]!.path)))) {
      tk2.fields.set('tags', {
        type: 'compute', uses: cols, describe: cols.join(' + '),
        fn: (r) => cols.map((c) => r[c]).filter((v) => v !== undefined && v !== null && String(v).trim() !== '').map((v) => String(v).trim()),
      });
      notes.push(`tags: the ${cols.length} columns ${cols[0]} … ${cols[cols.length - 1]} together`);
    }
  }
  // Ids unique only within a file (a batch's custom_id): scoped by a hash of the file's first records (see Preset.fileLocalId).
  const fileScope = p.fileLocalId ? { path: p.fileLocalId, hash: contentId(fullSample.slice(0, 100), '').slice(0, 12) } : null;
  const book = new PriceBook(ctx.prices);
  const anthropicCache = usesAnthropicCacheFields(plans.get('requests')?.fields.get('tokens_cached_in'), plans.get('requests')?.fields.get('tokens_cache_write_in'));
  if (anthropicCache) notes.push(anthropicCacheNote());

  for (const plan of plans.values()) {
    const tags = plan.fields.get('tags');
    plan.spaceTags = !!tags && tags.type === 'paths' && ['tags', 'tag', 'labels', 'ticket_tags'].includes(normName(leafName(tags.alts[0]!.path)));
    if (plan.kind === 'tickets' && !plan.fields.has('created_ts')) {
      notes.push('created_ts: no ticket creation time found (tickets cannot be placed in weeks or linked to earlier requests by time); map a column to created_ts in the preview if there is one');
    }
    for (const [f, r] of plan.fields) {
      mapping[prefixed ? `${plan.kind}.${f}` : f] = describe(r);
      if (r.type === 'paths') plan.usedPaths.push(...r.alts.map((a) => a.path));
      else if (r.type === 'compute') plan.usedPaths.push(...r.uses);
    }
  }

  // Wide feedback files: a row with several feedback columns (thumb, CSAT, NPS, rating, preference, comment) becomes
  // one feedback row per non-empty value, each with its own kind and scale.
  const wide = fb && !p.expand && fb.kind === mainKind ? wideFeedbackPlans(fb, subSample.feedback, options, header?.questions) : [];
  if (wide.length) {
    mapping[prefixedName('feedback', 'value')] = wide.map((w) => `${w.column} (${w.label})`).join(' | ');
    mapping[prefixedName('feedback', 'kind')] = '= by column (one row per non-empty feedback column)';
    delete mapping[prefixedName('feedback', 'comment')];
    notes.push(`wide feedback: each row gives one feedback row per non-empty value of ${wide.map((w) => `${w.column} (${w.label})`).join(', ')}; ids are the row's id (or content) with the column name`);
  }

  // Change histories: several rows per ticket keep the latest state, decided by an as-of column when the file has
  // one (a snapshot or change time), else by the updated time; the file's order only breaks ties.
  let versionPath: string | null = null;
  let versionRead: ((rec: Record<string, unknown>) => number | null) | null = null;
  const tickets = plans.get('tickets');
  if (tickets) {
    const info = pathInfo(subSample.tickets);
    const asOf = [...info.keys()].find((k) => !info.get(k)!.container && AS_OF_NAMES.has(normName(leafName(k))));
    const updated = tickets.fields.get('updated_ts');
    // The as-of column is read as it is; the updated time through its mapping (a preset may convert it).
    const source: Resolved | null = asOf !== undefined ? { type: 'paths', alts: [{ path: asOf }] } : updated ?? null;
    if (source !== null) {
      const vals = subSample.tickets.map((r) => readRaw(source, r)).filter((v) => v !== undefined && v !== null && v !== '');
      const unit = detectTimestampUnit(vals, describe(source)).unit ?? 'auto';
      versionPath = asOf ?? describe(source);
      versionRead = (rec) => {
        const r = parseTimestamp(jiraTime(readRaw(source, rec)), { timeZone, unit });
        return r.ok ? r.ms : null;
      };
    }
  }

  // Data-quality findings counted while mapping; notes updated in place.
  const quality = new Map<string, { count: number; first: number; index: number }>();
  /** The first ticket satisfaction value left unread (mapOne), quoted in its note. */
  let csatUnread: string | null = null;
  const flag = (key: string, line: number, text: (n: number, first: number) => string) => {
    let q = quality.get(key);
    if (!q) {
      q = { count: 0, first: line, index: notes.length };
      quality.set(key, q);
      notes.push('');
    }
    q.count++;
    notes[q.index] = text(q.count, q.first);
  };

  /** The line of the record being mapped, for the notes of the per-field callbacks made once per plan (no closure per row). */
  let curLine = 0;
  /** Requests with a model and tokens but no cost in the file and no price for their model: counted, models named. */
  const unpriced = new Map<string, number>();
  const noPrice = (model: string, line: number) => {
    unpriced.set(model, (unpriced.get(model) ?? 0) + 1);
    flag('no-price', line, (n, first) => {
      const top = [...unpriced].sort((a, b) => b[1] - a[1]);
      const names = top.slice(0, 5).map(([m, c]) => `${m} (${c.toLocaleString('en-US')})`).join(', ') + (top.length > 5 ? `, and ${top.length - 5} more` : '');
      return `cost_usd: ${n.toLocaleString('en-US')} request(s) with tokens have no cost: the file gives none and the price table has no row for their model (first on line ${first}): ${names}. Add a price (Prices screen, or loupe prices set) and import again; until then they count in token figures but not in cost`;
    });
  };

  const onNoPrice = (model: string) => noPrice(model, curLine);

  /** Naive times that fell in a daylight-saving change of the zone they were read in, counted per field (values.ts DstShift). */
  const dstNote = (kind: RecordKind, field: string, shift: DstShift, line: number) => {
    const zone = timeZone;
    flag(`dst-${shift}-${kind}.${field}`, line, (n, first) => shift === 'gap'
      ? `${field}: ${n.toLocaleString('en-US')} time(s) without an offset did not exist in ${zone} (the hour skipped when clocks went forward; first on line ${first}): read as the clock showed, one gap later. Set the file's time zone if they were written in another`
      : `${field}: ${n.toLocaleString('en-US')} time(s) without an offset happened twice in ${zone} (the hour repeated when clocks went back; first on line ${first}): read as the second, standard-time occurrence, so each may be an hour late`);
  };

  // Each plan is compiled once, on first use, into the steps every record goes through: the per-field lookups
  // (type, unit, sentinels, unescaping, the set of used paths) are not resolved again for each row.
  const compiled = new Map<KindPlan, CompiledPlan>();
  const compile = (kind: RecordKind, plan: KindPlan): CompiledPlan => {
    let c = compiled.get(plan);
    if (c) return c;
    const types = FIELD_TYPES[kind];
    c = {
      steps: Object.keys(types).map((f) => ({
        field: f, type: types[f]!, source: plan.fields.get(f) ?? null, unit: units.get(`${kind}.${f}`), path: singlePath(plan.fields.get(f)),
        sentinels: plan.sentinels.get(f) ?? [], unescape: unescape.has(`${kind}.${f}`), dateOrder: dateOrders.get(`${kind}.${f}`), zone: fieldZones.get(`${kind}.${f}`) ?? timeZone,
        onDst: (shift: DstShift) => dstNote(kind, f, shift, curLine),
      })),
      used: new Set(plan.usedPaths),
    };
    compiled.set(plan, c);
    return c;
  };

  const mapOne = (kind: RecordKind, rec: Record<string, unknown>, line: number, rawForHash: unknown, planOverride?: KindPlan): MappedRow => {
    const plan = planOverride ?? plans.get(kind)!;
    const { steps, used } = compile(kind, plan);
    curLine = line;
    const row: Record<string, string | number | null> = { ...ROW_TEMPLATES[kind] };
    let problems: Reject[] | undefined;
    // Every field is read, so a record with several bad fields is reported with all of them, once. The try wraps the
    // whole loop (re-entered after a bad field) rather than each field, so the common path pays nothing for it.
    for (let i = 0; i < steps.length; i++) {
      try {
        for (; i < steps.length; i++) {
          const st = steps[i]!;
          const r = st.source;
          if (!r) { row[st.field] = null; continue; }
          let raw: unknown;
          let unit: DurationUnit | TimestampUnit | undefined;
          if (st.path !== null) {
            // One source path without a unit of its own (most fields): read directly, no object per field.
            raw = getPathImpl(rec, st.path);
            // A path into a field of JSON text that does not parse is a bad field, not a missing one.
            if (raw === undefined && st.path.includes('.')) {
              const why = brokenJsonOnPath(rec, st.path);
              if (why) throw new Reject(st.field, `${st.field}: ${why}, so ${st.path} cannot be read`);
            }
          } else {
            ({ value: raw, unit } = readRawUnit(r, rec));
          }
          let v = convert(kind, st.field, st.type, raw, unit ?? st.unit, st.sentinels, st.zone, plan.spaceTags, st.dateOrder, decimalMark, st.onDst) as string | number | null;
          if (st.unescape && typeof v === 'string') v = unescapeText(v);
          row[st.field] = v;
        }
      } catch (e) {
        if (!(e instanceof Reject)) throw e;
        (problems ??= []).push(e);
        row[steps[i]!.field] = null;
      }
    }
    if (row.id === null && fileScope !== null) {
      const local = getPathImpl(rec, fileScope.path);
      if (local !== undefined && local !== null && String(local).trim() !== '') row.id = `${String(local).trim()}@${fileScope.hash}`;
    }
    if (row.id === null) row.id = contentId(rawForHash);
    // A ticket's satisfaction answer is secondary to the ticket: one that is not a 1-5 CSAT (a survey's own words,
    // "Extremely Happy", or a -103…103 score) leaves the ticket without a CSAT, counted and said, instead of rejecting
    // it. Rejected, the rated tickets (and only they) went missing from every ticket count and rate.
    if (kind === 'tickets' && problems?.some((p) => p.field === 'csat')) {
      const csat = problems.find((p) => p.field === 'csat')!;
      problems = problems.filter((p) => p !== csat);
      if (problems.length === 0) problems = undefined;
      row.csat = null;
      csatUnread ??= csat.message.replace(/^[^:]*: /, '');
      const first = csatUnread;
      flag('csat-unread', line, (n, at) => `${n.toLocaleString('en-US')} ticket(s) kept without a CSAT: their satisfaction value is not a 1-5 score or a good/bad rating (first on line ${at}: ${first})`);
    }
    try {
      if (kind === 'requests') finishRequest(row, book, anthropicCache, onNoPrice);
      else if (kind === 'feedback') finishFeedback(row, plan, line, flag);
      else if (!problems) finishTicket(row, line, flag);
    } catch (e) {
      if (!(e instanceof Reject) || !problems) throw e;
      problems.push(...rejectParts(e));
    }
    if (problems) throw problems.length === 1 ? problems[0]! : new Rejects(problems);
    const extra = used.size ? (everyKeyUsed(rec, used) ? null : prune(rec, used, '')) : rec;
    row.extra = extra && typeof extra === 'object' && Object.keys(extra).length ? JSON.stringify(extra) : null;
    return { kind, row };
  };

  /** One feedback row per non-empty feedback column of a wide row (see {@link wideFeedbackPlans}). */
  const mapWide = (record: Record<string, unknown>, line: number): MapResult => {
    const rows: MappedRow[] = [];
    const rejects: RejectedRow[] = [];
    for (const w of wide) {
      const v = getPathImpl(record, w.column);
      if (missing(v, w.plan.sentinels.get('value') ?? [])) continue;
      try {
        const m = mapOne('feedback', record, line, { record, column: w.column }, w.plan);
        if (w.plan.fields.has('id')) m.row.id = `${String(m.row.id)}:${w.column}`;
        rows.push(m);
      } catch (e) {
        if (!(e instanceof Reject)) throw e;
        const parts = rejectParts(e);
        if (parts.some((r) => r.field !== 'value' && r.field !== 'kind' && r.field !== 'comment')) {
          // A field every value of the row shares (its time, its id) is bad: the row is rejected once, whole.
          return { rows: [], rejects: [rejectedRow(w.plan, e, record, line)], skipped: [] };
        }
        rejects.push({ line, field: w.column, reason: parts.map((r) => `${w.column} (read as ${w.label}): ${r.message.replace(/^\w+: /, '')}`).join('; ') });
      }
    }
    return { rows, rejects, skipped: rows.length || rejects.length ? [] : ['row with no feedback value'] };
  };

  return {
    preset: p.name,
    kind: p.expand ? (kinds.length === 1 ? kinds[0]! : 'mixed') : mainKind,
    mapping,
    notes,
    expands: !!p.expand,
    unit: p.unit ?? 'records',
    versionPath,
    map({ line, record }) {
      const rows: MappedRow[] = [];
      const rejects: RejectedRow[] = [];
      const skipped: string[] = [];
      if (allMissing(record)) return { rows, rejects, skipped };
      if (header?.keys.has(recordKey(record))) return { rows, rejects, skipped: [header.reason] };
      let subs: Array<SubRecord | SkippedPart>;
      if (p.expand) {
        try {
          subs = p.expand(record);
        } catch (e) {
          rejects.push({ line, field: null, reason: `not a ${p.label} record: ${(e as Error).message}` });
          return { rows, rejects, skipped };
        }
      } else {
        const why = p.skip ? p.skip(record) : null;
        if (why !== null) return { rows, rejects, skipped: [why] };
        if (wide.length) return mapWide(record, line);
        subs = [{ kind: mainKind, record }];
      }
      for (const s of subs) {
        if (isSkipped(s)) { skipped.push(s.skip); continue; }
        if (!plans.has(s.kind)) { skipped.push(`${s.kind} rows (not imported as ${mainKind})`); continue; }
        try {
          const row = mapOne(s.kind, s.record, line, p.expand ? { kind: s.kind, record: s.record } : record);
          if (s.kind === 'tickets' && versionRead) row.version = versionRead(s.record);
          rows.push(row);
        } catch (e) {
          if (!(e instanceof Reject)) throw e;
          rejects.push(rejectedRow(plans.get(s.kind)!, e, s.record, line));
        }
      }
      // Nothing vanishes: a record that yields no row, no reject and no stated skip is counted with a reason.
      if (p.expand && rows.length === 0 && rejects.length === 0 && skipped.length === 0) {
        skipped.push(`${singular(p.unit ?? 'records')} holding no ${kinds.join(', ')} row`);
      }
      return { rows, rejects, skipped };
    },
  };
}

/**
 * The rejected row of a record: the field as the file names it (the first bad one), and a reason listing every bad
 * field, each named as the file names it with the Loupe field it was read for, e.g.
 * `prompt_tokens (read as tokens_in): expected a whole number of tokens, found an array; completion_tokens (read as
 * tokens_out): ...`.
 */
function rejectedRow(plan: KindPlan, e: Reject, rec: Record<string, unknown>, line: number): RejectedRow {
  const parts = rejectParts(e).map((r) => {
    const src = sourceName(plan, r.field, rec);
    const rest = r.message.startsWith(`${r.field}: `) ? r.message.slice(r.field.length + 2) : r.message;
    return { src, reason: src === r.field ? r.message : `${src} (read as ${r.field}): ${rest}` };
  });
  return { line, field: parts[0]!.src, reason: parts.map((p) => p.reason).join('; ') };
}

/** 'spans' → 'span', 'records' → 'record' (for skip reasons). */
function singular(unit: string): string {
  return unit.endsWith('s') ? unit.slice(0, -1) : unit;
}

/** The source path a Loupe field was read from in this record (the alternative present), for messages. */
/**
 * Refuses a mapping to a path that none of the sampled records has (a typo, or a path through an array without an
 * item index), which would otherwise leave the field empty in every row without a word.
 * @throws LoupeError BAD_REQUEST naming the file, the field, the path, and the part of the path that was found
 */
function checkMappedPath(fileName: string, field: string, path: string, sample: readonly Record<string, unknown>[]): void {
  if (sample.length === 0 || sample.some((r) => getPathImpl(r, path) !== undefined)) return;
  const parts = path.split('.');
  let found = '';
  let foundArray = false;
  for (let i = parts.length - 1; i > 0; i--) {
    const prefix = parts.slice(0, i).join('.');
    const hit = sample.map((r) => getPathImpl(r, prefix)).find((v) => v !== undefined);
    if (hit !== undefined) {
      found = prefix;
      foundArray = Array.isArray(hit);
      break;
    }
  }
  const rest = parts.slice(found === '' ? 0 : found.split('.').length).join('.');
  const hint = found === ''
    ? ` Fields seen: ${listPaths(sample as Record<string, unknown>[]).slice(0, 20).join(', ') || '(none)'}.`
    : foundArray
      ? ` "${found}" is an array: name an item by its index, e.g. "${found}.0.${rest}".`
      : ` "${found}" exists but has no "${rest}".`;
  throw new LoupeError('BAD_REQUEST',
    `The mapping for ${fileName} reads ${field} from "${path}", which no record among the first ${sample.length.toLocaleString('en-US')} has.${hint}`,
    { action: 'Correct the path (dotted, with array items by index), or leave the field unmapped.', details: { file: fileName, field, path } });
}

function sourceName(plan: KindPlan, field: string, rec: Record<string, unknown>): string {
  const r = plan.fields.get(field);
  if (!r || r.type === 'const') return field;
  if (r.type === 'compute') return r.describe;
  const present = r.alts.find((a) => { const v = getPathImpl(rec, a.path); return v !== undefined && v !== null && v !== ''; });
  return (present ?? r.alts[0]!).path;
}

function isDeclared(p: Preset, kind: RecordKind, f: string): boolean {
  return p.kinds[kind]?.fields[f] !== undefined;
}

function unitWords(u: string): string {
  return ({ s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds', min: 'minutes', h: 'hours', excel: 'Excel serial days', iso: 'ISO 8601 text', auto: 'detected per value' } as Record<string, string>)[u] ?? u;
}

function readRaw(r: Resolved, rec: Record<string, unknown>): unknown {
  return readRawUnit(r, rec).value;
}

/** The field's raw value and, for a list of alternatives, the unit of the one that was present. */
function readRawUnit(r: Resolved, rec: Record<string, unknown>): { value: unknown; unit?: DurationUnit | TimestampUnit } {
  if (r.type === 'const') return { value: r.value };
  if (r.type === 'compute') return { value: r.fn(rec) };
  // A field present but empty (null, '') is told apart from one the record lacks (undefined): an error field that
  // is present and empty says no error happened (see convert).
  let present: unknown = undefined;
  for (const a of r.alts) {
    const v = getPathImpl(rec, a.path);
    if (v !== undefined && v !== null && v !== '') return a.unit ? { value: v, unit: a.unit } : { value: v };
    if (v !== undefined && present === undefined) present = v;
  }
  return { value: present };
}

/**
 * Missing values. Typed fields use the shared rule (empty, NaN, N/A, NA, null, sentinels); free text and ids only
 * treat empty text and the configured sentinels as missing, since "NA" may be a real answer there.
 */
function missing(v: unknown, sentinels: readonly string[], typed = true): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'object') return Array.isArray(v) ? v.length === 0 : false;
  if (typed) return isMissing(v, sentinels);
  if (typeof v === 'string' && v.trim() === '') return true;
  return sentinels.length > 0 && isMissing(v, sentinels) && !(typeof v === 'string' && ['nan', 'n/a', 'na', 'null'].includes(v.trim().toLowerCase()));
}

/**
 * A reject reason `field: expectation: detail` that does not say twice what was expected. values.ts errors state
 * their own expectation ("expected a duration in milliseconds, found \"abc\""); when that expectation is part of
 * ours (every word of "a duration" or "a number" is in "a duration in milliseconds" or "a whole number of tokens"),
 * ours replaces it and the rest of the detail follows; when it is a different, more specific one ("expected date text
 * (ISO 8601)"), the detail alone is the reason. A detail that states no expectation follows ours after a colon.
 * @returns e.g. `latency_ms: expected a duration in milliseconds, found "abc"`
 */
export function expectedReason(field: string, expectation: string, detail: string): string {
  const m = /^expected (.+?)(, found .*|: .*)?$/s.exec(detail);
  if (!m) return `${field}: ${expectation}: ${detail}`;
  const words = (t: string) => t.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const ours = new Set(words(expectation));
  if (words(m[1]!).every((w) => ours.has(w))) return `${field}: ${expectation}${m[2] ?? ''}`;
  return `${field}: ${detail}`;
}

/** Text fields that name something (a person, a state, a model), never a body of text: a reference object there is its name or id. */
const SHORT_TEXT: ReadonlySet<string> = new Set(['requester', 'requester_email', 'status', 'priority', 'channel', 'segment', 'model', 'model_version', 'feature', 'lang', 'region', 'label', 'source', 'service_tier']);

/**
 * The value a reference object stands for, in the documented shapes help desks write one record's link to another:
 * ServiceNow's Table API `{"link": …, "value": sys_id}` (or `{"display_value": …, "link": …}` with display values),
 * and a JSON:API relationship `{"data": {"type": …, "id": …}}` (Kustomer). Undefined for any other value, which is
 * converted as before (it was stored as the object's JSON: a requester `{"link":"https://…","value":"a8f9…"}`).
 */
function referenceValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if ('display_value' in o && keys.every((k) => k === 'display_value' || k === 'link' || k === 'value')) return o.display_value === '' ? null : o.display_value;
  if ('value' in o && 'link' in o && keys.length === 2) return o.value === '' ? null : o.value;
  if ('data' in o && keys.every((k) => k === 'data' || k === 'links' || k === 'meta')) {
    const d = o.data;
    if (d === null) return null;
    if (d && typeof d === 'object' && !Array.isArray(d) && 'id' in d && 'type' in d) return (d as Record<string, unknown>).id;
  }
  return undefined;
}

function convert(kind: RecordKind, field: string, type: FieldType, raw: unknown, unit: DurationUnit | TimestampUnit | undefined, sentinels: readonly string[], timeZone: string, spaceTags = false, dateOrder?: 'mdy' | 'dmy', decimal: '.' | ',' = '.', onDst?: (shift: DstShift) => void): unknown {
  if (type === 'fvalue' || type === 'fkind') return raw === undefined || raw === null || raw === '' ? null : raw; // decided in finishFeedback
  // A request's error field that the record has but leaves empty (JSON null or false, an empty CSV cell, `0`, `ok`,
  // `N/A`) says the request did not fail: its outcome is known. Stored as '' (no message), which counts the request
  // in the error rate's denominator (summaries/build.ts statusKnownSql). Braintrust, OpenAI Batch and most tracing
  // exports write `"error": null` on every success; reading it as "unknown" made 3 failures of 60 an error rate of
  // 100%. A record without the field at all says nothing (undefined: no value).
  if (kind === 'requests' && field === 'error' && raw !== undefined && (missing(raw, sentinels) || outcomePlaceholder('error', raw))) return '';
  if (missing(raw, sentinels, type !== 'text' && type !== 'id' && type !== 'tags')) return null;
  switch (type) {
    case 'id': {
      const s = toIdText(referenceValue(raw) ?? raw);
      if (s === null) throw new Reject(field, `${field}: expected an id (text or number), found ${shown(raw)}`);
      return s;
    }
    case 'text': {
      if (kind === 'requests' && (field === 'status' || field === 'error') && outcomePlaceholder(field, raw)) return null;
      if (SHORT_TEXT.has(field)) {
        const ref = referenceValue(raw);
        if (ref !== undefined) return ref === null ? null : String(ref);
      }
      if (field === 'error' && raw && typeof raw === 'object' && !Array.isArray(raw)) {
        const o = raw as Record<string, unknown>;
        const msg = o.message ?? o.msg ?? o.error;
        return typeof msg === 'string' ? msg : JSON.stringify(raw);
      }
      return chatText(raw);
    }
    case 'ts': {
      const r = parseTimestamp(raw, { timeZone, unit: (unit as TimestampUnit | undefined) ?? 'auto', ...(dateOrder ? { dateOrder } : {}) });
      if (!r.ok) throw new Reject(field, expectedReason(field, 'expected a date-time (ISO 8601, epoch seconds/ms/µs/ns or Excel serial)', r.reason));
      const odd = r.ms === null ? null : implausibleTime(r.ms, raw);
      if (odd !== null) throw new Reject(field, `${field}: ${odd}`);
      if (r.dst && onDst) onDst(r.dst);
      return r.ms;
    }
    case 'duration': {
      const u = (unit as DurationUnit | undefined) ?? 'ms';
      // With a decimal comma, a bare number in text ("1,5", "1.234") is read as a number first; text with its own
      // unit ("1,5 s") is left to the duration reader.
      if (decimal === ',' && typeof raw === 'string') {
        const n = parseNumber(raw, { sentinels, decimal });
        if (typeof n === 'number') raw = n;
      }
      let ms: ReturnType<typeof parseDurationMs>;
      if (u === 's' || u === 'ms') ms = parseDurationMs(raw, u, { sentinels });
      else {
        const n = parseNumber(raw, { sentinels, decimal });
        ms = typeof n === 'number' ? (n < 0 ? { error: `a duration cannot be negative, found ${shown(raw)}` } : n * convDurationFactor(u)) : n;
      }
      if (isValueError(ms)) throw new Reject(field, expectedReason(field, `expected a duration in ${unitWords(u)}`, ms.error));
      const odd = ms === null ? null : implausibleNumber(field, ms, raw);
      if (odd !== null) throw new Reject(field, `${field}: ${odd}`);
      return ms;
    }
    case 'int': {
      // Whole numbers past 2^53 (1e300, 30-digit counts) would reach SQLite as REAL, which the INTEGER column of a
      // STRICT table refuses: the whole import would fail on one bad cell.
      const n = parseNumber(raw, { sentinels, decimal });
      if (isValueError(n)) throw new Reject(field, expectedReason(field, 'expected a whole number of tokens', n.error));
      if (n !== null && (!Number.isInteger(n) || n < 0)) throw new Reject(field, `${field}: expected a whole number of tokens, found ${shown(raw)}`);
      if (n !== null && !Number.isSafeInteger(n)) throw new Reject(field, `${field}: expected a whole number of tokens up to 9007199254740991 (2^53 - 1), found ${shown(raw)}`);
      const odd = n === null ? null : implausibleNumber(field, n, raw);
      if (odd !== null) throw new Reject(field, `${field}: ${odd}`);
      return n;
    }
    case 'number': {
      // Zendesk's API writes the rating as an object, {score: 'good' | 'bad' | 'offered' | 'unoffered', comment, …}
      // (Ticket object, satisfaction_rating); its view CSV writes the score alone.
      if (kind === 'tickets' && field === 'csat' && raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'score' in raw) {
        raw = (raw as { score: unknown }).score;
        if (raw === null || raw === undefined) return null;
      }
      if (kind === 'tickets' && field === 'csat' && typeof raw === 'string' && !/\d/.test(raw)) {
        const w = raw.trim().toLowerCase();
        if (/^(offered|unoffered|not offered|not_offered|none)$/.test(w)) return null;
        if (/^(good|satisfied|positive)/.test(w)) return 5;
        if (/^(bad|unsatisfied|dissatisfied|negative)/.test(w)) return 1;
      }
      const n = parseNumber(raw, { sentinels, decimal });
      if (isValueError(n)) throw new Reject(field, `${field}: ${n.error}`);
      if (n === null) return null;
      if (kind === 'tickets' && field === 'csat' && (n < 1 || n > 5)) throw new Reject(field, `csat: expected a satisfaction score from 1 to 5, found ${shown(raw)}`);
      if (kind === 'feedback' && field === 'scale' && n <= 0) throw new Reject(field, `scale: expected a rating scale above 0 (the best rating, e.g. 5 or 10), found ${shown(raw)}`);
      const odd = kind === 'requests' ? implausibleNumber(field, n, raw) : null;
      if (odd !== null) throw new Reject(field, `${field}: ${odd}`);
      return n;
    }
    case 'tags': {
      const tags = splitTags(raw, spaceTags);
      return tags.length ? JSON.stringify(tags) : null;
    }
  }
  return null;
}

/** Written in status and error columns for "nothing here" (pandas, SQL and spreadsheet exports). */
const PLACEHOLDERS = new Set([...MISSING_TOKENS, 'none', 'nil', '-', '--', 'undefined']);
/** Also "no error" in an error column: a flag or code that says none happened. */
const NO_ERROR = new Set(['false', '0', 'no', 'ok']);

/**
 * Whether a request's status or error value says nothing happened or nothing is known: a placeholder (`N/A`, `null`,
 * `NaN`, `-`, …) in either, and in the error column also `false`, `0`, `no` (JSON false, error code 0). Read as no
 * value, so the request counts in the error rate only when something else tells its outcome (a request with neither
 * a status nor an error message is not counted as a success). `error: true` stays an error.
 */
export function outcomePlaceholder(field: 'status' | 'error', raw: unknown): boolean {
  if (raw === null || raw === undefined) return true;
  if (typeof raw === 'boolean') return field === 'error' && !raw;
  if (typeof raw === 'number') return field === 'error' ? raw === 0 || !Number.isFinite(raw) : !Number.isFinite(raw);
  if (typeof raw !== 'string') return false;
  const w = raw.trim().toLowerCase();
  return PLACEHOLDERS.has(w) || (field === 'error' && NO_ERROR.has(w));
}

function finishRequest(row: Record<string, string | number | null>, book: PriceBook, anthropicCache: boolean, onNoPrice?: (model: string) => void): void {
  const input = row.input;
  const output = row.output;
  row.input_chars = typeof input === 'string' ? input.length : null;
  row.output_chars = typeof output === 'string' ? output.length : null;
  row.is_error = (typeof row.error === 'string' && row.error.trim() !== '') || isErrorStatus(row.status === null ? null : String(row.status)) ? 1 : 0;
  if (anthropicCache && typeof row.tokens_in === 'number') {
    row.tokens_in += (typeof row.tokens_cached_in === 'number' ? row.tokens_cached_in : 0) + (typeof row.tokens_cache_write_in === 'number' ? row.tokens_cache_write_in : 0);
  }
  deriveCost(row, book);
  if (onNoPrice && row.cost_usd === null && typeof row.model === 'string' && row.model !== '' && typeof row.tokens_in === 'number' && typeof row.tokens_out === 'number') onNoPrice(row.model);
}

function finishFeedback(row: Record<string, string | number | null>, plan: KindPlan, line: number, flag: (key: string, line: number, text: (n: number, first: number) => string) => void): void {
  const rawKind = row.kind;
  const rawValue = row.value;
  let kind: FeedbackKind | undefined;
  let isCsat = false;
  // What a rating measures when its survey type says it is no satisfaction answer (migration 15): Delighted's CES
  // (ces, ces7: customer effort) and eNPS (employees). Such a rating is in no CSAT count.
  row.measure = null;
  if (rawKind !== null && rawKind !== undefined) {
    const w = normName(String(rawKind));
    kind = (['thumb', 'rating', 'nps', 'comment', 'preference'] as const).find((k) => k === w) ?? FEEDBACK_KIND_WORDS[w];
    if (!kind) throw new Reject('kind', `kind: expected a feedback kind (thumb, rating, csat, nps, comment, preference), found ${shown(rawKind)}`);
    if (w === 'csat' && row.scale === null) row.scale = 5;
    // Delighted's ces7 is the 7-point Customer Effort Score (1-7): read on its own scale, not the default 1-5 (where a
    // 6 was rejected and a 4, the scale's midpoint, read as a satisfied CSAT answer).
    if (w === 'ces7' && row.scale === null) row.scale = 7;
    // Employee NPS (Delighted's enps): the 0-10 answer of an employee, kept as a 0-10 rating, out of the customers' NPS.
    if (w === 'enps') {
      row.measure = 'enps';
      if (row.scale === null) row.scale = 10;
      flag('enps', line, (c, first) => `${c.toLocaleString('en-US')} eNPS answer(s) (employee Net Promoter Score; first on line ${first}) are kept as 0-10 ratings, not counted in the customers' NPS`);
    } else if (w === 'ces' || w === 'ces7') {
      row.measure = 'ces';
      flag('ces', line, (c, first) => `${c.toLocaleString('en-US')} CES answer(s) (Customer Effort Score; first on line ${first}) are kept as ratings on their own scale, not counted in CSAT`);
    }
    isCsat = w === 'csat' && Number(row.scale) === 5;
  } else {
    kind = plan.impliedFeedbackKind ?? (row.comment !== null ? 'comment' : undefined);
  }
  if (!kind) throw new Reject('kind', 'kind: no feedback kind, value or comment in this row');
  if (kind === 'rating' && plan.signedRatingsAreThumbs && !isCsat) {
    const n = num(rawValue);
    if (n === 1 || n === -1) kind = 'thumb';
  }
  if (rawKind === null && rawValue === null && row.comment !== null && kind !== 'comment') kind = 'comment';
  row.kind = kind;
  const sentinels = plan.sentinels.get('value') ?? [];
  const unanswered = typeof rawValue === 'string' && UNANSWERED.has(normName(rawValue));
  const valueMissing = rawValue === null || unanswered || missing(rawValue, sentinels);
  if (row.label === null && rawValue !== null && typeof rawValue !== 'object') row.label = String(rawValue);
  if (valueMissing) {
    row.value = null;
    // A comment row with no text (a survey response left unanswered, a comment path that is empty in this record)
    // holds nothing: it was stored as an empty comment and counted in the feedback totals.
    if (kind === 'comment' && (row.comment === null || String(row.comment).trim() === '')) {
      throw new Reject('comment', 'comment: the record holds no feedback (no value and no comment text)');
    }
    // A thumb, rating or NPS answer without its value says nothing unless it carries a comment.
    if (kind !== 'comment' && kind !== 'preference' && row.comment === null) {
      const what = kind === 'thumb' ? 'a thumb (up/down, +1/-1)' : kind === 'nps' ? 'an NPS score from 0 to 10' : 'a numeric rating';
      throw new Reject('value', unanswered ? `value: the survey was not answered (${shown(rawValue)}): no ${kind === 'thumb' ? 'thumb' : kind === 'nps' ? 'NPS score' : 'rating'} to store`
        : `value: expected ${what}, found ${rawValue === null ? 'nothing' : shown(rawValue)}`);
    }
  } else if (kind === 'thumb' || kind === 'preference') {
    const w = String(rawValue).trim().toLowerCase().replace(/\s+/g, '_');
    const up = kind === 'thumb' ? THUMB_UP : PREF_UP;
    const down = kind === 'thumb' ? THUMB_DOWN : PREF_DOWN;
    if (up.has(w)) row.value = 1;
    else if (down.has(w)) row.value = -1;
    else {
      const n = num(rawValue);
      // A number is a thumb only as 1 (up), 0 or -1 (down): a 2 or a 0.5 is some other score, not a thumb.
      if (n === null || (kind === 'thumb' && n !== 1 && n !== 0 && n !== -1)) {
        throw new Reject('value', `value: expected a ${kind} (${kind === 'thumb' ? 'up/down, +1/-1, 1/0' : 'chosen/rejected, +1/-1'}), found ${shown(rawValue)}`);
      }
      row.value = n > 0 ? 1 : -1;
    }
    row.scale = null;
  } else if (kind === 'comment') {
    row.value = null;
    if (row.comment === null && rawValue !== null) row.comment = String(rawValue);
  } else {
    let n = num(rawValue);
    if (n === null) {
      // An answer exported as its choice text ("10 - Extremely likely"): the number chosen is at its head.
      n = answerFromChoiceText(rawValue, kind === 'nps');
      if (n === null && kind === 'rating' && plan.satisfactionLabels) {
        n = satisfactionAnswer(rawValue, plan.satisfactionLabels);
        if (n !== null) {
          const example = String(rawValue);
          const v = n;
          flag('satisfaction-words', line, (c, first) => `${c.toLocaleString('en-US')} rating answer(s) read from the words of a 5-point satisfaction scale (first on line ${first}; e.g. ${shown(example)} read as ${v} of 5, Very satisfied = 5 … Very dissatisfied = 1); the words are kept as the label`);
        }
      } else if (n !== null) {
        const example = String(rawValue);
        flag(`choice-text-${kind}`, line, (c, first) => `${c.toLocaleString('en-US')} ${kind === 'nps' ? 'NPS' : 'rating'} answer(s) read from their choice text (first on line ${first}; e.g. ${shown(example)} read as ${n}); the text is kept as the label`);
      }
    }
    if (n === null) {
      const hint = looksLikeChoiceLabel(rawValue) ? '; this looks like a choice label without its number: export the survey with numeric values (Qualtrics: "Use numeric values"; SurveyMonkey: "Numerical value")' : '';
      throw new Reject('value', `value: expected a ${kind === 'nps' ? 'score from 0 to 10' : 'numeric rating'}, found ${shown(rawValue)}${hint}`);
    }
    if (kind === 'nps' && (n < 0 || n > 10 || !Number.isInteger(n))) throw new Reject('value', `value: expected an NPS score, a whole number from 0 to 10, found ${shown(rawValue)}`);
    // CSAT is answered on a 1-5 scale in whole steps; a 4.5 is an average or another score, not one answer.
    if (isCsat && (n < 1 || n > 5 || !Number.isInteger(n))) throw new Reject('value', `value: expected a CSAT answer, a whole number from 1 to 5, found ${shown(rawValue)}`);
    row.value = n;
    const fromFile = row.scale !== null;
    if (kind === 'nps') row.scale = 10;
    else if (row.scale === null) row.scale = plan.impliedScale ?? 5;
    const named = kind === 'rating' && row.label !== null ? plan.scaleByLabel?.get(String(row.label)) : undefined;
    if (named !== undefined && named > Number(row.scale)) row.scale = named;
    // A rating lies on its scale (0 or 1 up to the scale's best value); one outside it cannot be compared with the
    // others (a 7 on a 1-5 scale would read as 140 %).
    const scale = Number(row.scale);
    if (kind === 'rating' && (n < 0 || n > scale)) {
      const how = fromFile ? "this row's scale" : plan.impliedScale ? 'the scale implied by the largest value in the first records' : 'the default scale; a scale column sets it';
      throw new Reject('value', `value: expected a rating from 0 to ${scale} (${how}), found ${shown(rawValue)}`);
    }
  }
  row.link_method = row.request_id !== null ? 'explicit' : null;
  // Scores an automated evaluator wrote (an LLM judge, an online scoring rule) are not users' answers: marked
  // (feedback/automated.ts), kept out of the users' figures and counted apart; the note says how many.
  row.automated = automatedOf(row.source);
  if (kind !== 'comment' && row.automated === 1) {
    flag('automated-source', line, (n, first) => `${n.toLocaleString('en-US')} feedback row(s) come from automated evaluators, not users (their source names an LLM judge or a scoring rule, such as eval, llm, model, judge, auto_eval, online_scoring or code; first on line ${first}): they are kept and shown, and left out of the thumbs-up rate, CSAT, NPS and rating figures, which count them apart`);
  }
}

function finishTicket(row: Record<string, string | number | null>, line: number, flag: (key: string, line: number, text: (n: number, first: number) => string) => void): void {
  const minutes = row.first_response_minutes;
  delete row.first_response_minutes;
  if (row.first_response_ts === null && typeof minutes === 'number' && minutes >= 0 && typeof row.created_ts === 'number') {
    row.first_response_ts = row.created_ts + Math.round(minutes * 60_000);
    flag('first-response-minutes', line, (n, first) => `first_response_ts ← created_ts + the minutes to the first reply, for ${n.toLocaleString('en-US')} ticket(s) (first on line ${first})`);
  }
  const fr = row.first_response_ts;
  const res = row.resolved_ts;
  const cr = row.created_ts;
  if (typeof fr === 'number' && typeof res === 'number' && res < fr) {
    flag('resolved-before-first-response', line, (n, first) => `data quality: ${n.toLocaleString('en-US')} ticket(s) resolved before their first response (first on line ${first}); kept as written`);
  }
  if (typeof cr === 'number' && typeof res === 'number' && res < cr) {
    flag('resolved-before-created', line, (n, first) => `data quality: ${n.toLocaleString('en-US')} ticket(s) resolved before they were created (first on line ${first}); kept as written`);
  }
}
