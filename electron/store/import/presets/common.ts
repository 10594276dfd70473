/**
 * The vocabulary presets are written in, and the small pure helpers they and the mapper share: dotted paths into
 * nested JSON, source-name normalisation, chat-message rendering, and stable content hashes for records that carry
 * no id of their own.
 */
import crypto from 'node:crypto';
import type { RecordKind } from '../../../../shared/types';
import { parseJsonExact } from '../json';
import { EPOCH_RANGES, epochUnitByMagnitude } from '../values';

/** Units a duration source may be written in. */
export type DurationUnit = 's' | 'ms' | 'us' | 'ns' | 'min' | 'h';
/** Units a timestamp source may be written in (as in ImportOptions.timestamp_unit). */
export type TimestampUnit = 'auto' | 'iso' | 's' | 'ms' | 'us' | 'ns' | 'excel';

/** A dotted path into the record, optionally with the unit its values are written in. */
export interface PathSource { path: string; unit?: DurationUnit | TimestampUnit }
/** A value computed from the record (ids built from several keys, values that need arithmetic). */
export interface ComputedSource {
  compute: (rec: Record<string, unknown>) => unknown;
  /** Source paths the computation reads; they are left out of `extra`. */
  uses: readonly string[];
  /** What the preview shows as the source, e.g. `mtbench:<model>:<question_id>:<turn>`. */
  describe: string;
  unit?: DurationUnit | TimestampUnit;
}
/** A constant, e.g. `{ const: 'judge' }` for the feedback source of a judge-scores file. */
export interface ConstSource { const: string | number | null }
/**
 * Where a Loupe field comes from: one dotted path, a list of alternatives (the first one present in a record wins),
 * a computed value or a constant.
 */
export type FieldSpec = string | PathSource | ReadonlyArray<string | PathSource> | ComputedSource | ConstSource;

/** A preset's mapping for one kind of stored row. */
export interface KindMapping {
  fields: Partial<Record<string, FieldSpec>>;
  /** Per Loupe field: source values that mean "missing" (e.g. MT-Bench's score -1, "could not parse"). */
  sentinels?: Partial<Record<string, readonly string[]>>;
  /** Fill Loupe fields the preset leaves unmapped by matching source field names (default true). */
  autoDetect?: boolean;
}

/** One record a preset's `expand` made out of a source record, with the kind of row it becomes. */
export interface SubRecord { kind: RecordKind; record: Record<string, unknown> }
/** A part of a source record that `expand` leaves out on purpose, with the reason counted in the summary. */
export interface SkippedPart { skip: string }

/**
 * A preset: a known source shape. Declarative apart from `detect` (how sure we are that a sample is of this shape)
 * and an optional `expand` for sources where one record holds several rows (an OTLP batch, an OASST tree, a
 * chosen/rejected pair).
 */
export interface Preset {
  name: string;
  label: string;
  kind: RecordKind | 'mixed';
  /** 0 (not this shape) to 1 (certainly this shape), from the first records of a file. */
  detect(sample: readonly Record<string, unknown>[]): number;
  kinds: Partial<Record<RecordKind, KindMapping>>;
  expand?(record: Record<string, unknown>): Array<SubRecord | SkippedPart>;
  /**
   * Records of the source that are not Loupe records (a span that is no LLM call, a chain run): returns the reason,
   * which the summary counts ("12 non-LLM spans skipped"), or null to map the record. Non-expanding presets only.
   */
  skip?(record: Record<string, unknown>): string | null;
  /** What one source record is, in the plural, for counts: 'spans', 'runs', 'observations' (default 'records'). */
  unit?: string;
  /** Notes shown in the preview whenever the preset is used (choices the preset makes for the user). */
  notes?: readonly string[];
  /**
   * A field (path) whose value is unique only within one file, such as a batch's `custom_id`: when a record's id
   * fields give no id, its id is this value scoped to the file, `value@` and a hash of the file's first records (a
   * re-import of the same file gives the same ids; another batch's file, whose records differ, other ones). Without
   * it a second batch reusing the names replaced the first batch's requests.
   */
  fileLocalId?: string;
}

/** True when an expanded part is a skipped one. */
export function isSkipped(p: SubRecord | SkippedPart): p is SkippedPart {
  return typeof (p as SkippedPart).skip === 'string';
}

/**
 * Dotted-path lookup into nested JSON. `a.b.0.c` indexes arrays. A key that itself contains dots (e.g. a CSV
 * header `gen_ai.request.model`) is found too: at each level the longest key matching the remaining path wins.
 * @returns the value, or undefined when any parent is null, missing or not a container (a null parent is no error)
 */
export function getPath(obj: unknown, path: string): unknown {
  if (path === '') return obj;
  // CSV and Parquet exports write nested values as JSON text (`{"input": 10}`): a path goes on into them.
  if (typeof obj === 'string') obj = jsonText(obj);
  if (obj === null || obj === undefined || typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(rec, path)) return rec[path];
  let dot = path.indexOf('.');
  while (dot !== -1) {
    const head = path.slice(0, dot);
    if (Object.prototype.hasOwnProperty.call(rec, head)) {
      const found = getPath(rec[head], path.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

/**
 * Why `path` cannot be read from `obj` because a value on the way is JSON text that does not parse (a CSV cell
 * `{"lat": NaN}`, a trailing comma), e.g. `meta holds JSON text that does not parse (…)`; null when no value on
 * the path is broken JSON text (the path is then simply absent). Called only when {@link getPath} found nothing.
 */
export function brokenJsonOnPath(obj: unknown, path: string): string | null {
  if (typeof obj === 'string') {
    const c = obj.charCodeAt(0);
    if (c !== 123 && c !== 91) return null;
    try { obj = parseJsonExact(obj); } catch (e) { return `JSON text that does not parse (${e instanceof Error ? e.message : String(e)})`; }
  }
  if (obj === null || obj === undefined || typeof obj !== 'object') return null;
  const rec = obj as Record<string, unknown>;
  let dot = path.indexOf('.');
  while (dot !== -1) {
    const head = path.slice(0, dot);
    if (Object.prototype.hasOwnProperty.call(rec, head)) {
      const why = brokenJsonOnPath(rec[head], path.slice(dot + 1));
      if (why) return why.startsWith('JSON text') ? `${head} holds ${why}` : `${head}.${why}`;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return null;
}

let lastText = '';
let lastParsed: unknown;

/** The object or array a JSON text holds (the last one is cached: a record's fields are read one after another). */
function jsonText(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c !== 123 && c !== 91) return undefined; // { or [
  if (s === lastText) return lastParsed;
  let v: unknown;
  try { v = parseJsonExact(s); } catch { v = undefined; } // lossless: an id past 2^53 inside JSON text keeps its digits
  lastText = s;
  lastParsed = v;
  return v;
}

/**
 * Normalises a source field name for matching: camelCase and spaces become snake_case, lower case. A name that is
 * only `#` (Typeform's response token, a row or ticket number elsewhere) is `number`.
 */
export function normName(name: string): string {
  if (name.trim() === '#') return 'number';
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The last segment of a dotted path that is not an array index. */
export function leafName(path: string): string {
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 0; i--) if (!/^\d+$/.test(parts[i]!)) return parts[i]!;
  return path;
}

/** JSON with object keys sorted, so the same content always gives the same text (and hash). */
export function stableStringify(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const keys = Object.keys(v as Record<string, unknown>).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * A stable id from a record's content: `h:` + SHA-1 hex of its key-sorted JSON. The same record always gets the
 * same id, so re-importing a file without ids adds nothing.
 */
export function contentId(v: unknown, prefix = 'h:'): string {
  return prefix + crypto.createHash('sha1').update(stableStringify(v)).digest('hex');
}

/**
 * A tool call as a reviewer reads it: `[tool call] name(arguments)`. Shapes: OpenAI `{type: 'function', function:
 * {name, arguments}}`, OTel GenAI parts `{type: 'tool_call', name, arguments}`, LangChain `{name, args}`, Anthropic
 * content blocks `{type: 'tool_use', name, input}`, OpenInference flattened `{'tool_call.function.name', …}`.
 */
export function toolCallText(tc: unknown): string {
  const o = (tc && typeof tc === 'object' ? tc : {}) as Record<string, unknown>;
  const fn = (o.function && typeof o.function === 'object' ? o.function : {}) as Record<string, unknown>;
  const name = fn.name ?? o.name ?? o['tool_call.function.name'] ?? 'tool';
  const args = fn.arguments ?? o.arguments ?? o.args ?? o.input ?? o['tool_call.function.arguments'];
  return `[tool call] ${String(name)}(${args === undefined || args === null ? '' : typeof args === 'string' ? args : JSON.stringify(args)})`;
}

const TOOL_PART = new Set(['tool_call', 'tool_use', 'function_call']);

function partText(p: unknown): string {
  if (typeof p === 'string') return p;
  if (p && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    if (typeof o.type === 'string' && TOOL_PART.has(o.type)) return toolCallText(o);
    let text = '';
    if (typeof o.text === 'string') text = o.text;
    else if (typeof o.content === 'string') text = o.content;
    else if (Array.isArray(o.content)) text = o.content.map(partText).filter(Boolean).join('');
    else if (Array.isArray(o.parts)) text = o.parts.map(partText).filter(Boolean).join('');
    if (text !== '') return text;
    // An answer with no text: a refusal (OpenAI `refusal`), else the tool calls it made, so it never reads as empty.
    if (typeof o.refusal === 'string' && o.refusal !== '') return o.refusal;
    const calls = o.tool_calls ?? o['message.tool_calls'] ?? (o.kwargs && typeof o.kwargs === 'object' ? (o.kwargs as Record<string, unknown>).tool_calls : undefined);
    if (Array.isArray(calls) && calls.length > 0) return calls.map(toolCallText).join('\n');
  }
  return '';
}

function isMessage(m: unknown): m is { role?: unknown; content?: unknown } {
  return !!m && typeof m === 'object' && !Array.isArray(m) && 'role' in m && ('content' in m || 'parts' in m);
}

/**
 * Text of a chat-style value as a reviewer reads it. A string stays as is. An array of messages `{role, content}`
 * (OpenAI, Langfuse, OTel GenAI) becomes the one user message when that is all there is (a system prompt aside),
 * else a transcript `role: text` separated by blank lines. `{messages: [...]}` is unwrapped; content may be a string
 * or an array of parts `{type:'text', text}`. Anything else is JSON.
 */
export function chatText(v: unknown): string {
  if (typeof v === 'string') {
    // OTel GenAI puts messages in one attribute as JSON text; CSV exports write a message object as JSON text.
    if (((v.startsWith('[{') && v.endsWith(']')) || (v.startsWith('{') && v.endsWith('}'))) && v.includes('"role"')) {
      try {
        const parsed = JSON.parse(v) as unknown;
        if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isMessage)) return chatText(parsed);
        if (isMessage(parsed) || (parsed && typeof parsed === 'object' && Array.isArray((parsed as Record<string, unknown>).messages))) return chatText(parsed);
      } catch { /* plain text after all */ }
    }
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.length > 0 && v.every(isMessage)) {
    const msgs = v as Array<Record<string, unknown>>;
    const nonSystem = msgs.filter((m) => m.role !== 'system' && m.role !== 'developer');
    if (nonSystem.length === 1) return partText(nonSystem[0]);
    return msgs.map((m) => `${String(m.role)}: ${partText(m)}`).join('\n\n');
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.messages)) return chatText(o.messages);
    if (isMessage(o)) return partText(o);
    for (const k of ['text', 'content', 'output', 'input', 'prompt', 'completion', 'question', 'answer', 'query']) {
      if (typeof o[k] === 'string' && Object.keys(o).length <= 3) return o[k] as string;
    }
  }
  return JSON.stringify(v);
}

/**
 * The rating scale a tool's score implies when the export gives none: 1 for scores from 0 to 1, else the smallest
 * of 5, 10 and 100 that holds it. Presets apply it per row; the mapper then gives every score of one name the
 * largest scale among its first records (mapping.ts scaleByLabel), so a 1 beside a 4.5 is 1 of 5.
 */
export function scaleOfScore(v: number): number {
  return v >= 0 && v <= 1 ? 1 : v <= 5 ? 5 : v <= 10 ? 10 : 100;
}

/**
 * Names of feedback scores that hold thumbs when their value is 0 or 1 (LangSmith keys, Opik score names):
 * thumbs, user_score, user_feedback, helpful, vote, like.
 */
export const THUMB_SCORE_NAME = /thumb|user[ _-]?score|user[ _-]?feedback|helpful|vote|\blike/i;

/**
 * The feedback mapping of a preset whose `expand` writes each feedback row already shaped (id, request_id, user_id,
 * ts, kind, value, scale, label, text, source): each field read from its own key, the text as the comment.
 */
export const SHAPED_FEEDBACK: KindMapping = {
  autoDetect: false,
  fields: { id: 'id', request_id: 'request_id', user_id: 'user_id', ts: 'ts', kind: 'kind', value: 'value', scale: 'scale', label: 'label', comment: 'text', source: 'source' },
};

/**
 * The answer text of an OpenAI-style response body (`choices[0].message.content` or `.text`), an Anthropic Messages
 * body (`content` blocks) or a Responses API body (`output_text`); null when the body holds none of them.
 */
export function responseBodyText(body: Record<string, unknown>): string | null {
  const choice = Array.isArray(body.choices) ? (body.choices[0] as Record<string, unknown> | undefined) : undefined;
  if (choice) {
    const msg = choice.message as Record<string, unknown> | undefined;
    if (msg && msg.content !== undefined && msg.content !== null) return chatText(msg.content);
    if (typeof choice.text === 'string') return choice.text;
  }
  if (Array.isArray(body.content)) return chatText({ role: 'assistant', content: body.content });
  if (typeof body.output_text === 'string') return body.output_text;
  return null;
}

/** Score helper: the share of sample records for which `test` holds (0-1). */
export function share(sample: readonly Record<string, unknown>[], test: (r: Record<string, unknown>) => boolean): number {
  if (sample.length === 0) return 0;
  let n = 0;
  for (const r of sample) if (test(r)) n++;
  return n / sample.length;
}

/** Whether every one of `keys` is an own key of `r`. */
export function hasKeys(r: Record<string, unknown>, ...keys: string[]): boolean {
  return keys.every((k) => Object.prototype.hasOwnProperty.call(r, k));
}

/**
 * A value that may be JSON text of an object or array (exports often write nested fields as JSON strings), parsed; JSON
 * whose quotes a CSV writer doubled twice is read too. Anything else is returned as it is.
 */
export function jsonish(v: unknown): unknown {
  if (typeof v === 'string' && /^\s*[[{]/.test(v)) {
    try { return parseJsonExact(v); } catch { /* below */ }
    // JSON whose quotes were doubled twice: a CSV writer that escapes a cell already escaped (Helicone's export
    // tool, examples/export/typescript `convertToCSVRow`, writes {""model"":…} inside the quoted cell).
    if (v.includes('""')) {
      try { return parseJsonExact(v.replace(/""/g, '"')); } catch { /* not that either */ }
    }
    return v;
  }
  return v;
}

const NAIVE_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A time written by a tool that stores UTC and prints it without an offset (ClickHouse `2026-03-02 09:00:00.123`,
 * Python's naive `isoformat()`): the same text with `Z`, so it is not read in the workspace time zone. Anything else
 * is returned unchanged.
 */
export function utcText(v: unknown): unknown {
  return typeof v === 'string' && NAIVE_DATE_TIME.test(v.trim()) ? `${v.trim().replace(' ', 'T')}Z` : v;
}

/**
 * UTC epoch ms of an ISO text (naive text read as UTC, see {@link utcText}) or of an epoch number in seconds, ms, µs
 * or ns (told apart by magnitude); null when unreadable.
 */
export function utcMs(v: unknown): number | null {
  if (typeof v === 'bigint') return utcMs(Number(v));
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    // The epoch unit by magnitude, as the timestamp parser reads it (values.ts EPOCH_RANGES): seconds, ms, µs or ns
    // (pandas `to_json(date_unit=…)`, OTLP nanoseconds); anything below 1e11 is seconds.
    const unit = Math.abs(v) < 1e11 ? 's' : epochUnitByMagnitude(v);
    const r = EPOCH_RANGES.find((x) => x.unit === unit);
    return r === undefined ? null : v / r.perMs;
  }
  if (typeof v !== 'string' || v.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return utcMs(Number(v));
  const t = Date.parse(String(utcText(v)));
  return Number.isFinite(t) ? t : null;
}

/** end − start in ms for two times (see {@link utcMs}); null when either is missing or end is before start. */
export function msBetween(start: unknown, end: unknown): number | null {
  const a = utcMs(start);
  const b = utcMs(end);
  return a !== null && b !== null && b >= a ? b - a : null;
}

/** A feedback source as stored: lower-cased text, or undefined when the record gives none. */
export function sourceText(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v).toLowerCase();
}

/** The first of `paths` present (not undefined, null or '') in `rec`. */
export function first(rec: unknown, ...paths: string[]): unknown {
  for (const p of paths) {
    const v = getPath(rec, p);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}
