/**
 * Value rules of the import: what counts as missing, and how text or JSON values become numbers, integers,
 * booleans, durations (ms), ids (text) and timestamps (UTC epoch ms). Pure functions, no I/O.
 *
 * Results are `value | null | { error }`: null means missing (stored as NULL, never 0), `{ error }` carries a reason
 * the import shows next to the line and field.
 */
import { DateTime, IANAZone } from 'luxon';

/** A value that could not be read; `error` says what was found and what was expected. */
export interface ValueError {
  error: string;
}

/** The result of a value rule: the value, null when missing, or an error. */
export type ValueResult<T> = T | null | ValueError;

/** True when a value rule returned an error. */
export function isValueError(v: unknown): v is ValueError {
  return typeof v === 'object' && v !== null && typeof (v as ValueError).error === 'string';
}

/** Text that always means "no value" (compared trimmed, case-insensitively): '', NaN, N/A, NA, null. */
export const MISSING_TOKENS: readonly string[] = ['', 'nan', 'n/a', 'na', 'null'];

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? 'an array' : 'an object';
  return String(v);
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * True when `v` is missing: undefined, null, a NaN number, an empty or whitespace-only string, one of
 * {@link MISSING_TOKENS} (case-insensitive, trimmed), or one of the configured `sentinels` (e.g. '-1' for a judge
 * score meaning "could not parse"). A numeric sentinel also matches the same number written differently
 * (sentinel '-1' matches -1, '-1.0' and ' -1 '). Note that 'NA' is missing: apply this to typed fields (numbers,
 * times, scores), not to free text where 'NA' may mean North America.
 */
export function isMissing(v: unknown, sentinels: readonly string[] = []): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'number' && Number.isNaN(v)) return true;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint') return false;
  const text = String(v).trim();
  if (typeof v === 'string' && MISSING_TOKENS.includes(text.toLowerCase())) return true;
  for (const s of sentinels) {
    const st = s.trim();
    if (st.toLowerCase() === text.toLowerCase()) return true;
    if (NUMBER_RE.test(st) && NUMBER_RE.test(text) && Number(st) === Number(text)) return true;
  }
  return false;
}

/** Options of {@link parseNumber}. */
export interface NumberOptions {
  /** Extra text meaning "missing" (see {@link isMissing}). */
  sentinels?: readonly string[];
  /**
   * The decimal mark. '.' (default): `1,234.5` is read with ',' as thousands separator (only well-formed groups of
   * three); `1,5` is an error naming the decimal comma. ',': `1,5` is 1.5 and '.', space or a non-breaking space
   * group thousands (`1.234,5`).
   */
  decimal?: '.' | ',';
}

/**
 * Reads a number. Accepts JSON numbers and text such as `1.0`, ` 42 `, `-3e-2`, `.5`, and `1,234.5` (thousands
 * groups, see {@link NumberOptions.decimal}). Missing values (see {@link isMissing}) give null, never 0; `0` stays 0.
 * @returns the number, null when missing, or `{ error }` for text that is not a number (`abc`, `12%`, `$3`),
 *   booleans, objects, Infinity, and text whose value overflows a double (`1e400`)
 */
export function parseNumber(v: unknown, opts: NumberOptions = {}): ValueResult<number> {
  if (isMissing(v, opts.sentinels)) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { error: `expected a finite number, found ${v} (beyond ±1.8e308)` };
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'string') return { error: `expected a number, found ${typeof v === 'boolean' ? `the boolean ${v}` : show(v)}` };
  const n = numberFromText(v.trim(), opts.decimal ?? '.', v);
  // Text such as "1e400" is well-formed but overflows to Infinity, which no field can hold.
  if (typeof n === 'number' && !Number.isFinite(n)) return { error: `expected a finite number, found ${show(v)} (beyond ±1.8e308)` };
  return n;
}

function numberFromText(t: string, decimal: '.' | ',', v: string): ValueResult<number> {
  if (decimal === '.') {
    if (NUMBER_RE.test(t)) return Number(t);
    if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/.test(t)) return Number(t.replace(/,/g, ''));
    if (/^[+-]?\d*,\d+$/.test(t)) {
      return { error: `expected a number, found ${show(v)}: a decimal comma? choose ',' as the decimal mark (--decimal-mark , or Decimal mark in the import preview)` };
    }
  } else {
    if (/^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/.test(t)) return Number(t.replace(',', '.'));
    if (/^[+-]?\d{1,3}(?:[. \u00a0\u202f]\d{3})+(?:,\d*)?$/.test(t)) return Number(t.replace(/[. \u00a0\u202f]/g, '').replace(',', '.'));
  }
  return { error: `expected a number, found ${show(v)}` };
}

/**
 * Reads a whole number (token counts, ratings, HTTP status). `12`, `12.0` and `1,200` are accepted.
 * @returns the integer, null when missing, or `{ error }` for fractions (`1.5`), values beyond ±(2^53 - 1) and
 *   anything {@link parseNumber} refuses
 */
export function parseInteger(v: unknown, opts: NumberOptions = {}): ValueResult<number> {
  const n = parseNumber(v, opts);
  if (n === null || isValueError(n)) return n;
  if (!Number.isInteger(n)) return { error: `expected a whole number, found ${show(v)}` };
  if (!Number.isSafeInteger(n)) return { error: `expected a whole number within ±9007199254740991 (2^53 - 1), found ${show(v)}` };
  return n;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', 'off']);

/**
 * Reads a boolean: JSON true/false, the numbers 1/0, and the text true/false, t/f, yes/no, y/n, 1/0, on/off
 * (case-insensitive, trimmed). Thumbs (`up`/`down`) are feedback values, mapped by the feedback rules, not here.
 * @returns the boolean, null when missing, or `{ error }`
 */
export function parseBoolean(v: unknown, opts: { sentinels?: readonly string[] } = {}): ValueResult<boolean> {
  if (isMissing(v, opts.sentinels)) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (v === 1) return true;
    if (v === 0) return false;
    return { error: `expected a boolean (true/false, yes/no, 1/0), found ${v}` };
  }
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (TRUE_WORDS.has(t)) return true;
    if (FALSE_WORDS.has(t)) return false;
  }
  return { error: `expected a boolean (true/false, yes/no, 1/0), found ${show(v)}` };
}

/** Splits a field name into lower-case words: `end_to_end_latency_s` → end,to,end,latency,s; `latencyMs` → latency,ms. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

const MS_WORDS = new Set(['ms', 'msec', 'msecs', 'millis', 'milli', 'millisecond', 'milliseconds']);
const S_WORDS = new Set(['s', 'sec', 'secs', 'second', 'seconds']);

/**
 * The duration unit a field name announces, reading its words from the end: `latency_ms`, `durationMillis`,
 * `ms_total` → 'ms'; `ttft_s`, `end_to_end_latency_s`, `wait_sec`, `time_in_seconds` → 's'; otherwise null.
 * Use it on duration fields only (`tokens_per_s` is a rate and also ends in `s`).
 */
export function durationUnitFromFieldName(name: string): 's' | 'ms' | null {
  const words = nameWords(name);
  for (let i = words.length - 1; i >= 0; i--) {
    const w = words[i] as string;
    if (MS_WORDS.has(w)) return 'ms';
    if (S_WORDS.has(w)) return 's';
  }
  return null;
}

const DURATION_SUFFIX: Record<string, number> = {
  ms: 1, msec: 1, msecs: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
};

/**
 * Reads a duration (latency, time to first token, handling time) as milliseconds.
 * A bare number is in `unit` ('s' → ×1000); text may carry its own unit, which wins: `250ms`, `1.5 s`, `2 min`,
 * `1h`; `h:mm:ss(.fff)` is also read. Not rounded: 5.0492 s is 5049.2 ms.
 * @returns milliseconds, null when missing, or `{ error }` for negative, non-finite (`1e400`, 400 digits) or
 *   unreadable values
 */
export function parseDurationMs(v: unknown, unit: 's' | 'ms', opts: { sentinels?: readonly string[] } = {}): ValueResult<number> {
  if (isMissing(v, opts.sentinels)) return null;
  const perUnit = unit === 's' ? 1000 : 1;
  let ms: number;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { error: `expected a finite duration, found ${v} (beyond ±1.8e308)` };
    ms = v * perUnit;
  } else if (typeof v === 'string') {
    const t = v.trim();
    const withUnit = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]+)?$/.exec(t);
    const clock = /^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$/.exec(t);
    if (withUnit) {
      const suffix = withUnit[2]?.toLowerCase();
      const factor = suffix === undefined ? perUnit : DURATION_SUFFIX[suffix];
      if (factor === undefined) return { error: `expected a duration, found ${show(v)}: unknown unit "${withUnit[2]}"` };
      ms = Number(withUnit[1]) * factor;
    } else if (clock) {
      ms = (Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3])) * 1000;
    } else {
      return { error: `expected a duration in ${unit === 's' ? 'seconds' : 'milliseconds'}, found ${show(v)}` };
    }
  } else {
    return { error: `expected a duration, found ${show(v)}` };
  }
  // Text of 400 digits (or 1e400) overflows to Infinity, and 1e306 s does in ms: no duration is that long.
  if (!Number.isFinite(ms)) return { error: `expected a finite duration, found ${show(v)} (beyond ±1.8e308 ms)` };
  if (ms < 0) return { error: `a duration cannot be negative, found ${show(v)}` };
  return ms;
}

/**
 * An id as text, exactly as written: strings are kept as they are (`0012345` keeps its zeros; no trimming), numbers
 * become `String(n)`, booleans 'true'/'false', objects their JSON. Missing (undefined, null, '', NaN) → null.
 * Limitation: a JSON number above 2^53 (9007199254740992) has already lost precision in JSON.parse before it gets
 * here (`9007199254740993` arrives as 9007199254740992); {@link idPrecisionWarning} flags such ids. CSV ids are
 * strings and always survive.
 */
export function toIdText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return Number.isNaN(v) ? null : String(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A warning when a numeric id may have lost precision (an integer beyond ±2^53), else null. */
export function idPrecisionWarning(v: unknown): string | null {
  if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
    return `id ${String(v)} is a JSON number above 2^53 and may have lost digits when the JSON was read; write ids as strings`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Timestamps

/** How a timestamp value is read: date text, epoch seconds/ms/µs/ns, or an Excel serial day number. */
export type TimestampUnit = 'iso' | 's' | 'ms' | 'us' | 'ns' | 'excel';

/** Options of {@link parseTimestamp}. */
export interface TimestampOptions {
  /** IANA time zone in which times without an offset (and Excel serials) are read, e.g. 'UTC', 'Europe/Berlin'. */
  timeZone: string;
  /**
   * How numbers are read: 'auto' (default) by magnitude (see {@link EPOCH_RANGES}); 's' | 'ms' | 'us' | 'ns' epoch
   * units; 'excel' serial days; 'iso' refuses numbers. Date text is always read as text, whatever the unit.
   */
  unit?: 'auto' | TimestampUnit;
  /** Order of `a/b/yyyy` dates when both a and b are ≤ 12; without it such a date is an error (ambiguous). */
  dateOrder?: 'mdy' | 'dmy';
  /** Extra text meaning "missing". */
  sentinels?: readonly string[];
}

/**
 * The result of {@link parseTimestamp}: UTC epoch ms (null when missing) and the unit applied, or a reason. `dst`
 * says a time without an offset fell in a daylight-saving change of the zone it was read in: 'gap', a wall-clock
 * time that did not exist (spring forward; read as the time the clock showed, one gap later), or 'overlap', one that
 * happened twice (fall back; read as the second, standard-time occurrence). The importer counts them in a note.
 */
export type TimestampResult = { ok: true; ms: number | null; unit: TimestampUnit | null; dst?: DstShift } | { ok: false; reason: string };

/** How a naive time met a daylight-saving change: skipped over (gap) or repeated (overlap). */
export type DstShift = 'gap' | 'overlap';

/**
 * Magnitude ranges used to detect epoch units (absolute value, half-open). Each maps to dates between
 * 1973-03-03T09:46:40Z and 5138-11-16T09:46:40Z, so a detected epoch is never in 1970 nor in the year 58,000.
 * Numbers below 1e8 are not detected as epochs (choose a unit, or 'excel').
 */
export const EPOCH_RANGES: ReadonlyArray<{ unit: 's' | 'ms' | 'us' | 'ns'; min: number; max: number; perMs: number; label: string }> = [
  { unit: 's', min: 1e8, max: 1e11, perMs: 1e-3, label: 'seconds' },
  { unit: 'ms', min: 1e11, max: 1e14, perMs: 1, label: 'milliseconds' },
  { unit: 'us', min: 1e14, max: 1e17, perMs: 1e3, label: 'microseconds' },
  { unit: 'ns', min: 1e17, max: 1e20, perMs: 1e6, label: 'nanoseconds' },
];

/** Excel serial numbers (1900 date system) taken as dates when detected: 20000 = 1954-10-03, 80000 = 2119-01-10. */
export const EXCEL_DETECT_RANGE = { min: 20000, max: 80000 } as const;

/** Timestamps outside [1900-01-01, 10000-01-01) UTC are refused as implausible. */
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(10000, 0, 1);
const DAY_MS = 86_400_000;

const zoneValidity = new Map<string, boolean>();
function validZone(zone: string): boolean {
  let ok = zoneValidity.get(zone);
  if (ok === undefined) {
    ok = zone === 'UTC' || IANAZone.isValidZone(zone);
    zoneValidity.set(zone, ok);
  }
  return ok;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * UTC ms of a wall-clock time read in `zone`. Luxon's rules apply at daylight-saving changes: a time in the
 * spring-forward gap moves forward by the gap (02:30 → 03:30 in Europe/Berlin on 2026-03-29); a time in the
 * fall-back hour, which happens twice, is read with the standard-time offset (the second occurrence).
 */
function wallClockMs(w: WallClock, zone: string, out?: { dst?: DstShift }): number | string {
  // Not Date.UTC(year, ...) alone: it maps years 0-99 to 1900-1999.
  const back = new Date(Date.UTC(2000, 0, 1, w.hour, w.minute, w.second, w.millisecond));
  back.setUTCFullYear(w.year, w.month - 1, w.day);
  const utc = back.getTime();
  if (back.getUTCFullYear() !== w.year || back.getUTCMonth() !== w.month - 1 || back.getUTCDate() !== w.day || w.hour > 23 || w.minute > 59 || w.second > 59) {
    return 'no such date or time';
  }
  if (zone === 'UTC' || zone === 'Etc/UTC') return utc;
  const dt = DateTime.fromObject(w, { zone });
  if (!dt.isValid) return dt.invalidExplanation ?? 'invalid date';
  const ms = dt.toMillis();
  if (out) {
    if (dt.hour !== w.hour || dt.minute !== w.minute) out.dst = 'gap';
    // Only near a change of offset (cheap to test) is the slower search for a second reading of the wall time done.
    else if (dt.zone.offset(ms - 3 * 3_600_000) !== dt.zone.offset(ms + 3 * 3_600_000) && dt.getPossibleOffsets().length > 1) out.dst = 'overlap';
  }
  return ms;
}

function fractionMs(frac: string | undefined): number {
  if (frac === undefined || frac === '') return 0;
  // Digits beyond milliseconds are dropped (truncated), as they cannot be stored.
  return Number((frac + '00').slice(0, 3));
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:(?:[Tt]| +)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;
const TIME_PART = String.raw`(?:(?:[Tt]|,? +)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*([AaPp][Mm])?)?`;
const SLASH_RE = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})` + TIME_PART + '$');
const DOTTED_RE = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})` + TIME_PART + '$');
const YMD_SLASH_RE = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})` + TIME_PART + '$');
const BASIC_DATE_RE = /^(\d{4})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;

function offsetMinutes(tz: string): number {
  if (tz === 'Z' || tz === 'z' || tz === 'UTC' || tz === 'GMT') return 0;
  const sign = tz[0] === '-' ? -1 : 1;
  const digits = tz.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function inRange(ms: number, v: unknown): TimestampResult | null {
  if (ms < MIN_MS || ms >= MAX_MS) return { ok: false, reason: `${show(v)} is outside the years 1900-9999` };
  return null;
}

/** Hour with AM/PM applied, or null when invalid (AM/PM needs an hour of 1-12). */
function hour12(h: number, ampm: string | undefined): number | null {
  if (ampm === undefined) return h;
  if (h < 1 || h > 12) return null;
  const pm = ampm.toLowerCase() === 'pm';
  return (h % 12) + (pm ? 12 : 0);
}

/** Reads date text; returns null when the text is not a form we know. */
function parseDateText(v: string, opts: TimestampOptions): TimestampResult | null {
  const t = v.trim();
  const zone = opts.timeZone;
  const naive = (w: WallClock): TimestampResult => {
    if (!validZone(zone)) return { ok: false, reason: `unknown time zone "${zone}"` };
    const out: { dst?: DstShift } = {};
    const ms = wallClockMs(w, zone, out);
    if (typeof ms === 'string') return { ok: false, reason: `${show(v)}: ${ms}` };
    return inRange(ms, v) ?? (out.dst ? { ok: true, ms, unit: 'iso', dst: out.dst } : { ok: true, ms, unit: 'iso' });
  };

  let m = ISO_RE.exec(t);
  if (m) {
    const w: WallClock = {
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: Number(m[4] ?? 0),
      minute: Number(m[5] ?? 0),
      second: Number(m[6] ?? 0),
      millisecond: fractionMs(m[7]),
    };
    if (m[8] === undefined) return naive(w);
    const local = wallClockMs(w, 'UTC');
    if (typeof local === 'string') return { ok: false, reason: `${show(v)}: ${local}` };
    const off = offsetMinutes(m[8]);
    if (Math.abs(off) > 18 * 60) return { ok: false, reason: `${show(v)}: offset beyond ±18:00` };
    const ms = local - off * 60_000;
    return inRange(ms, v) ?? { ok: true, ms, unit: 'iso' };
  }

  m = BASIC_DATE_RE.exec(t);
  if (m) return naive({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0, second: 0, millisecond: 0 });

  const withTime = (year: number, month: number, day: number, mm: RegExpExecArray): TimestampResult => {
    const h = hour12(Number(mm[4] ?? 0), mm[8]);
    if (h === null) return { ok: false, reason: `${show(v)}: AM/PM needs an hour between 1 and 12` };
    return naive({ year, month, day, hour: h, minute: Number(mm[5] ?? 0), second: Number(mm[6] ?? 0), millisecond: fractionMs(mm[7]) });
  };

  m = YMD_SLASH_RE.exec(t);
  if (m) return withTime(Number(m[1]), Number(m[2]), Number(m[3]), m);

  m = DOTTED_RE.exec(t);
  if (m) return withTime(Number(m[3]), Number(m[2]), Number(m[1]), m); // d.m.yyyy is day-first everywhere it is used

  m = SLASH_RE.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    let order: 'mdy' | 'dmy';
    if (a === b || (a <= 12 && b > 12)) order = 'mdy';
    else if (a > 12 && b <= 12) order = 'dmy';
    else if (a > 12 && b > 12) return { ok: false, reason: `${show(v)}: neither ${a} nor ${b} is a month` };
    else if (opts.dateOrder !== undefined) order = opts.dateOrder;
    else return { ok: false, reason: `${show(v)} is ambiguous: month/day or day/month? No date of this column in the first records settles it (a day above 12); choose the date order (--date-order mdy|dmy, or Date order in the import preview)` };
    return order === 'mdy' ? withTime(Number(m[3]), a, b, m) : withTime(Number(m[3]), b, a, m);
  }

  // Other ISO 8601 forms (basic format 20260820T100000Z, week and ordinal dates), then e-mail and HTTP dates.
  if (!validZone(zone)) return { ok: false, reason: `unknown time zone "${zone}"` };
  for (const dt of [DateTime.fromISO(t, { zone }), DateTime.fromRFC2822(t, { zone }), DateTime.fromHTTP(t, { zone })]) {
    if (dt.isValid) {
      const ms = dt.toMillis();
      return inRange(ms, v) ?? { ok: true, ms, unit: 'iso' };
    }
  }
  return null;
}

/**
 * How a date text is written, for the import's note: "ISO 8601", "ISO 8601 without an offset, read in the import's
 * time zone", "a/b/yyyy, month and day in the order the column's values settle", "d.m.yyyy", "yyyy/m/d", "yyyymmdd",
 * or "e-mail or HTTP date (RFC 2822)" for the other forms Luxon reads.
 */
function dateTextForm(t: string): string {
  const iso = ISO_RE.exec(t);
  if (iso) return iso[8] === undefined ? 'ISO 8601 without an offset, read in the import\'s time zone' : 'ISO 8601';
  if (BASIC_DATE_RE.test(t)) return 'yyyymmdd';
  if (YMD_SLASH_RE.test(t)) return 'yyyy/m/d';
  if (DOTTED_RE.test(t)) return 'd.m.yyyy';
  if (SLASH_RE.test(t)) return 'a/b/yyyy, month and day in the order the column\'s values settle';
  return /^\d{4}/.test(t) ? 'ISO 8601' : 'e-mail or HTTP date (RFC 2822)';
}

/** Epoch unit of a number by magnitude, or null when below/above every range. */
export function epochUnitByMagnitude(n: number): 's' | 'ms' | 'us' | 'ns' | null {
  const a = Math.abs(n);
  for (const r of EPOCH_RANGES) if (a >= r.min && a < r.max) return r.unit;
  return null;
}

function excelSerialMs(serial: number, zone: string, v: unknown): TimestampResult {
  // Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 is 1900-02-29, a day that never existed (a
  // Lotus 1-2-3 leap-year bug Excel kept), so serials from 61 on count from 1899-12-30 and those below from 1899-12-31.
  if (serial < 1) return { ok: false, reason: `${show(v)} is not an Excel serial date (they start at 1 = 1900-01-01)` };
  if (serial >= 60 && serial < 61) return { ok: false, reason: `${show(v)} is Excel's 1900-02-29, a day that does not exist (Excel's leap-year bug)` };
  if (serial >= 2958466) return { ok: false, reason: `${show(v)} is beyond Excel's last date 9999-12-31` };
  const days = Math.floor(serial);
  const dayMs = Math.round((serial - days) * DAY_MS);
  const epochDay = (serial < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30)) + days * DAY_MS;
  const d = new Date(epochDay + dayMs); // wall clock in UTC fields, then read in the workspace time zone
  if (!validZone(zone)) return { ok: false, reason: `unknown time zone "${zone}"` };
  const out: { dst?: DstShift } = {};
  const ms = wallClockMs(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond: d.getUTCMilliseconds() },
    zone,
    out,
  );
  if (typeof ms === 'string') return { ok: false, reason: `${show(v)}: ${ms}` };
  return out.dst ? { ok: true, ms, unit: 'excel', dst: out.dst } : { ok: true, ms, unit: 'excel' };
}

function numberTimestamp(n: number, unit: 'auto' | TimestampUnit, opts: TimestampOptions, v: unknown): TimestampResult {
  if (!Number.isFinite(n)) return { ok: false, reason: `expected a timestamp, found ${show(v)}` };
  if (unit === 'iso') return { ok: false, reason: `expected date text (ISO 8601), found the number ${show(v)}; choose an epoch unit or 'excel'` };
  if (unit === 'excel') return excelSerialMs(n, opts.timeZone, v);
  let u: 's' | 'ms' | 'us' | 'ns';
  if (unit === 'auto') {
    const found = epochUnitByMagnitude(n);
    if (found === null || n < 0) {
      const hint = n >= EXCEL_DETECT_RANGE.min && n < EXCEL_DETECT_RANGE.max ? "; it looks like an Excel serial date: choose 'excel'" : '; choose the unit';
      return { ok: false, reason: `${show(v)} is not an epoch time after 1973-03-03 in seconds, ms, µs or ns${hint}` };
    }
    u = found;
  } else u = unit;
  const range = EPOCH_RANGES.find((r) => r.unit === u) as (typeof EPOCH_RANGES)[number];
  const ms = Math.round(n / range.perMs);
  return inRange(ms, v) ?? { ok: true, ms, unit: u };
}

const NUMERIC_TEXT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a timestamp as UTC epoch milliseconds (rounded to the nearest ms; digits of text beyond ms are dropped).
 *
 * Text: ISO 8601 with or without `T` (a space is fine), with or without seconds and fractional seconds (`.` or
 * `,`), with `Z`, `UTC`, `GMT` or an offset (`+02:00`, `+0200`, `+02`); a date alone (`2026-08-20`, midnight);
 * `yyyymmdd`; `yyyy/mm/dd`; `dd.mm.yyyy` (day first); `a/b/yyyy` with optional `hh:mm[:ss]` and AM/PM, read as
 * month/day when only that order is possible (`08/20/2026`), day/month when only that is (`20/08/2026`), and
 * otherwise by `opts.dateOrder` or refused as ambiguous (`03/04/2026`); other ISO forms, RFC 2822 and HTTP dates
 * through luxon. Text without an offset is a wall-clock time in `opts.timeZone` (see luxon's DST rules: a time
 * in the spring gap moves forward, a time in the repeated autumn hour takes the standard-time offset).
 * Numbers (and numeric text): by `opts.unit`, by default by magnitude ({@link EPOCH_RANGES}); 'excel' reads Excel
 * 1900-system serial days as wall-clock times in `opts.timeZone`.
 * Results outside the years 1900-9999 are refused.
 * @returns `{ ok: true, ms, unit }` (ms null and unit null when missing) or `{ ok: false, reason }`
 */
export function parseTimestamp(v: unknown, opts: TimestampOptions): TimestampResult {
  if (isMissing(v, opts.sentinels)) return { ok: true, ms: null, unit: null };
  const unit = opts.unit ?? 'auto';
  if (typeof v === 'number') return numberTimestamp(v, unit, opts, v);
  if (typeof v !== 'string') return { ok: false, reason: `expected a timestamp, found ${show(v)}` };
  const t = v.trim();
  if (BASIC_DATE_RE.test(t) && (unit === 'auto' || unit === 'iso')) {
    return parseDateText(t, opts) ?? { ok: false, reason: `${show(v)} is not a date` };
  }
  if (NUMERIC_TEXT_RE.test(t)) return numberTimestamp(Number(t), unit, opts, v);
  return parseDateText(t, opts) ?? { ok: false, reason: `expected a date and time (e.g. 2026-08-20T08:00:00Z), found ${show(v)}` };
}

/** Share of a time column's numbers in one magnitude band from which that band is the column's unit. */
export const DOMINANT_SHARE = 0.9;

/**
 * The order of a column's `a/b/yyyy` dates, from the values that settle it: a first number above 12 is a day
 * (day/month), a second number above 12 is a day (month/day). Values of both kinds conflict (null, each value read
 * on its own); values that settle nothing give null (each ambiguous value is then refused, naming the option).
 * @param values - a sample of the column's raw values
 * @returns the order, the first value that settles it, and whether the values conflict
 */
export function detectDateOrder(values: readonly unknown[]): { order: 'mdy' | 'dmy' | null; example: string | null; conflicting: boolean } {
  let mdy: string | null = null;
  let dmy: string | null = null;
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const m = SLASH_RE.exec(v.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a <= 12 && b > 12) mdy ??= v.trim();
    else if (a > 12 && b <= 12) dmy ??= v.trim();
  }
  if (mdy !== null && dmy !== null) return { order: null, example: null, conflicting: true };
  return { order: mdy !== null ? 'mdy' : dmy !== null ? 'dmy' : null, example: mdy ?? dmy, conflicting: false };
}

/**
 * The decimal mark a file's numbers are written with, from sample values of its numeric columns: ',' when some value
 * can only be a decimal comma (`1,5`, `12,25`, `1.234,5`: a comma followed by other than three digits, or after dot
 * groups of three) and none can only be a decimal point (`1.5`, `0.25`, `1,234.5`); '.' otherwise (null when nothing
 * tells). Thousands groups of exactly three digits (`1,234`, `1.234`) say nothing either way.
 * @returns the mark and the first value that settles it, or null
 */
export function detectDecimalMark(values: readonly unknown[]): { mark: '.' | ','; example: string } | null {
  let comma: string | null = null;
  let point: string | null = null;
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const t = v.trim();
    if (/^[+-]?\d+,(?:\d{1,2}|\d{4,})$/.test(t) || /^[+-]?\d{1,3}(?:\.\d{3})+,\d+$/.test(t) || /^[+-]?,\d+$/.test(t)) comma ??= t;
    else if (/^[+-]?\d*\.(?:\d{1,2}|\d{4,})$/.test(t) || /^[+-]?\d{1,3}(?:,\d{3})+\.\d+$/.test(t)) point ??= t;
  }
  if (comma !== null && point === null) return { mark: ',', example: comma };
  if (point !== null) return { mark: '.', example: point };
  return null;
}

/**
 * A numeric column whose values with a dot all have exactly three digits after it (`1.234`, `2.010`, `12.500`) beside
 * whole numbers (`850`): what German or French spreadsheets write for thousands. Read with '.' as the decimal mark
 * they are 1,000 times too small, so the mapper says so (it cannot know). Only text counts as dotted: a JSON number
 * 1.234 is a decimal, whatever it looks like.
 * @returns the first such value, or null
 */
export function dotThousandsSuspect(values: readonly unknown[]): string | null {
  let dotted: string | null = null;
  let dottedN = 0;
  let whole = 0;
  for (const v of values) {
    if (typeof v === 'number') {
      if (Number.isInteger(v)) whole++;
      else return null; // a JSON decimal: the column's dots are decimal points
      continue;
    }
    const t = typeof v === 'string' ? v.trim() : null;
    if (t === null || t === '') continue;
    if (/^[+-]?\d{1,3}(?:\.\d{3})+$/.test(t)) { dotted ??= t; dottedN++; }
    else if (/^[+-]?\d+$/.test(t)) whole++;
    else if (/^[+-]?\d*\.\d+$/.test(t)) return null; // another decimal: the dot is a decimal point
  }
  return dottedN >= 2 && whole >= 1 ? dotted : null;
}

/**
 * Whether a column found by its name (`created_at`, `time`) holds times at all, from a sample of its values. It does
 * not when most values fail to read as times and those are numbers (durations, counts): the column is then left
 * unmapped. Values that are text and fail (`2026-13-45`, `yesterday`) are bad times, not another kind of field: the
 * column stays mapped and each bad row is rejected with its reason, never stored as a silently empty column.
 * @param values - the sample's non-missing values
 * @param timeZone - IANA zone for naive times
 * @param unit - the unit detection chose
 * @param dateOrder - the column's a/b/yyyy order, when known ({@link detectDateOrder} or chosen)
 */
export function holdsTimes(values: readonly unknown[], timeZone: string, unit: 'auto' | TimestampUnit, dateOrder?: 'mdy' | 'dmy'): boolean {
  const failing = values.filter((v) => !parseTimestamp(v, { timeZone, unit, ...(dateOrder ? { dateOrder } : {}) }).ok);
  if (failing.length < values.length / 2) return true;
  const numeric = failing.filter((v) => typeof v === 'number' || (typeof v === 'string' && NUMERIC_TEXT_RE.test(v.trim())));
  return numeric.length < 0.8 * failing.length;
}

const DATE_WORDS = new Set([
  'date', 'dates', 'time', 'times', 'timestamp', 'ts', 'datetime', 'created', 'updated', 'modified', 'opened', 'closed',
  'resolved', 'day', 'when', 'at', 'on', 'start', 'started', 'end', 'ended', 'submitted', 'received', 'sent', 'logged',
]);

/** True when a field name suggests a date or time: one of its words is e.g. date, time, ts, created, `_at`. */
export function fieldNameSuggestsDate(name: string): boolean {
  return nameWords(name).some((w) => DATE_WORDS.has(w));
}

/** What {@link detectTimestampUnit} decided: the unit to pass to {@link parseTimestamp} (null: ask the user). */
export interface TimestampUnitDetection {
  unit: 'auto' | TimestampUnit | null;
  /** A sentence for the user, starting with the field name, e.g. "ts: epoch milliseconds detected by magnitude". */
  note: string;
}

/**
 * Decides how to read a time column from a sample of its values.
 * Rules, in order: missing values are ignored; all date text → 'iso'; all numbers within
 * [{@link EXCEL_DETECT_RANGE}.min, max) (1954-10-03 to 2119-01-10 as Excel dates) → 'excel' when the field name
 * suggests a date ({@link fieldNameSuggestsDate}), otherwise null (as epoch seconds they would fall in 1970, so we
 * ask); all numbers in one {@link EPOCH_RANGES} band → that unit; numbers in several bands, or numbers and date
 * text mixed → 'auto' (each value read by its own magnitude, the note says how many of each); numbers below 1e8
 * (outside the Excel rule) or text that is not a date → null with the first offending value in the note.
 * @param values - a sample of the column's raw values
 * @param fieldName - the column name, used in the note and for the Excel rule
 */
export function detectTimestampUnit(values: readonly unknown[], fieldName = 'value'): TimestampUnitDetection {
  const counts = { iso: 0, s: 0, ms: 0, us: 0, ns: 0, excelish: 0, small: 0, bad: 0 };
  let firstBad: unknown;
  let firstSmall: unknown;
  let fractionalSeconds = false;
  const forms = new Set<string>();
  for (const v of values) {
    if (isMissing(v)) continue;
    let n: number | null = null;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string') {
      const t = v.trim();
      if (NUMERIC_TEXT_RE.test(t) && !BASIC_DATE_RE.test(t)) n = Number(t);
      else if (parseTimestamp(t, { timeZone: 'UTC', dateOrder: 'mdy' }).ok) {
        counts.iso++;
        forms.add(dateTextForm(t));
        continue;
      }
    }
    if (n === null || !Number.isFinite(n)) {
      counts.bad++;
      firstBad ??= v;
      continue;
    }
    if (n >= EXCEL_DETECT_RANGE.min && n < EXCEL_DETECT_RANGE.max) {
      counts.excelish++;
      continue;
    }
    const u = n < 0 ? null : epochUnitByMagnitude(n);
    if (u === null) {
      counts.small++;
      firstSmall ??= v;
      continue;
    }
    counts[u]++;
    if (u === 's' && !Number.isInteger(n)) fractionalSeconds = true;
  }
  const numbers = counts.s + counts.ms + counts.us + counts.ns;
  const total = numbers + counts.iso + counts.excelish + counts.small + counts.bad;
  if (total === 0) return { unit: null, note: `${fieldName}: no values to tell how its times are written` };
  if (counts.bad > 0) return { unit: null, note: `${fieldName}: ${show(firstBad)} is not a date, time or number (${counts.bad} of ${total} values)` };
  if (counts.excelish > 0) {
    if (counts.excelish === total && fieldNameSuggestsDate(fieldName)) {
      return {
        unit: 'excel',
        note: `${fieldName}: Excel serial dates detected (numbers between ${EXCEL_DETECT_RANGE.min} and ${EXCEL_DETECT_RANGE.max} in a date column; 1900 date system, read in the workspace time zone)`,
      };
    }
    return {
      unit: null,
      note: `${fieldName}: numbers between ${EXCEL_DETECT_RANGE.min} and ${EXCEL_DETECT_RANGE.max} look like Excel serial dates (as epoch seconds they would be in 1970): choose 'excel' if they are`,
    };
  }
  if (counts.small > 0) {
    return { unit: null, note: `${fieldName}: ${show(firstSmall)} is too small for an epoch time after 1973-03-03; choose the unit` };
  }
  if (counts.iso === total) return { unit: 'iso', note: `${fieldName}: date text (${[...forms].join('; ')})` };
  const bands = EPOCH_RANGES.filter((r) => counts[r.unit] > 0);
  const only = bands[0];
  if (bands.length === 1 && counts.iso === 0 && only !== undefined) {
    const frac = fractionalSeconds ? ', with fractions of a second' : '';
    return { unit: only.unit, note: `${fieldName}: epoch ${only.label} detected by magnitude (values from ${only.min.toExponential(0)} to ${only.max.toExponential(0)}${frac})` };
  }
  // One band holding nearly every number is the column's unit; the few others are not read in another unit (a
  // seconds value past 9999-12-31 is not quietly taken for milliseconds in 1978): they are read in that unit and
  // rejected row by row when out of range.
  const main = bands.reduce<(typeof EPOCH_RANGES)[number] | undefined>((a, r) => (!a || counts[r.unit] > counts[a.unit] ? r : a), undefined);
  if (main && counts.iso === 0 && counts[main.unit] >= DOMINANT_SHARE * numbers) {
    const others = numbers - counts[main.unit];
    return { unit: main.unit, note: `${fieldName}: epoch ${main.label} detected by magnitude (${counts[main.unit]} of ${numbers} values); the other ${others} ${others === 1 ? 'is' : 'are'} read in ${main.label} too and rejected when not a plausible time (from 1990 to a year from now)` };
  }
  const parts = bands.map((r) => `${counts[r.unit]} in ${r.label}`);
  if (counts.iso > 0) parts.push(`${counts.iso} as date text`);
  return { unit: 'auto', note: `${fieldName}: mixed forms detected (${parts.join(', ')}); each value is read by its own magnitude` };
}
