/**
 * Values in JSON records that must not reach the workspace, each found per record so that one bad row is a reject
 * with its line and reason, never a whole-file refusal or an INTERNAL error:
 * - bare `NaN`, `Infinity`, `-Infinity` (Python's json.dumps writes them for float('nan') and float('inf'); they
 *   are not JSON);
 * - nesting deeper than {@link MAX_JSON_DEPTH} (recursive code further on, and JSON.stringify of the unmapped
 *   fields, would exhaust the stack: "Maximum call stack size exceeded");
 * - lone UTF-16 surrogates from `\ud800`-style escapes (not text: SQLite would store invalid UTF-8 that cannot be
 *   read back);
 * - NUL characters, raw or escaped (cut text short in C tools, terminals and the sqlite3 shell).
 * The checks cost a scan only when a cheap test says the record may have the problem.
 */

/** The deepest nesting of objects and arrays a record may have. */
export const MAX_JSON_DEPTH = 100;

/** A problem in one record, as a reject: the field (dotted path) when known, and the reason. */
export interface RecordProblem {
  field: string | null;
  reason: string;
}

/**
 * The deepest nesting of `[`/`{` in JSON text, strings skipped; stops counting once past `limit`.
 * @returns the depth (at most limit + 1)
 */
export function jsonDepth(text: string, limit = Number.MAX_SAFE_INTEGER): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * Whether a buffer range may nest deeper than `limit`: false for sure when it holds at most `limit` opening
 * brackets (a fast byte search); true means "look closer" with {@link jsonDepth}.
 */
export function mayNestDeeperThan(buf: Buffer, start: number, end: number, limit: number): boolean {
  let n = 0;
  for (const b of [123, 91]) {
    for (let i = buf.indexOf(b, start); i !== -1 && i < end; i = buf.indexOf(b, i + 1)) if (++n > limit) return true;
  }
  return false;
}

const BARE = /NaN|-?Infinity/y;

/**
 * Replaces bare NaN, Infinity and -Infinity outside strings with `replacement`.
 * @returns the new text, how many were replaced and the first one with the key it was under (null when none)
 */
export function replaceBareNonFinite(text: string, replacement = 'null'): { text: string; count: number; first: { token: string; key: string | null }; keys: string[] } | null {
  let out = '';
  let last = 0;
  let count = 0;
  let first: { token: string; key: string | null } | null = null;
  const keys: string[] = [];
  let inString = false;
  let stringStart = -1;
  let lastString: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) {
        inString = false;
        lastString = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (c === 34) {
      inString = true;
      stringStart = i;
      continue;
    }
    if (c === 78 || c === 73 || c === 45) { // N, I, -
      BARE.lastIndex = i;
      const m = BARE.exec(text);
      if (m) {
        const token = m[0];
        const prev = text.slice(0, i).trimEnd();
        const key = prev.endsWith(':') && lastString !== null ? safeKey(lastString) : null;
        first ??= { token, key };
        if (key !== null && !keys.includes(key)) keys.push(key);
        out += text.slice(last, i) + replacement;
        last = i + token.length;
        i = last - 1;
        count++;
      }
    }
  }
  if (count === 0 || !first) return null;
  return { text: out + text.slice(last), count, first, keys };
}

function safeKey(raw: string): string {
  try { return JSON.parse(`"${raw}"`) as string; } catch { return raw; }
}

/** JSON.parse that also accepts Python's bare NaN/Infinity (as null): for format detection only. */
export function parsesAsJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const r = replaceBareNonFinite(text);
    if (!r) return { ok: false };
    try { return { ok: true, value: JSON.parse(r.text) }; } catch { return { ok: false }; }
  }
}

/** The reject for a record holding a bare NaN/Infinity, naming every field that holds one (`keys`). */
export function bareNonFiniteProblem(first: { token: string; key: string | null }, count: number, keys: readonly string[] = []): RecordProblem {
  return {
    field: first.key,
    reason: `${first.key ? `${first.key}: ` : ''}bare ${first.token} is not valid JSON (Python's json.dumps writes it for float('${first.token === 'NaN' ? 'nan' : first.token.startsWith('-') ? '-inf' : 'inf'}'))${count > 1 ? `; ${count} such values in this record${keys.length > 1 ? ` (${keys.join(', ')})` : ''}` : ''}: write null for a missing number`,
  };
}

/** The reject for a record nested deeper than {@link MAX_JSON_DEPTH}. */
export function depthProblem(depth: number): RecordProblem {
  return { field: null, reason: `the record is nested ${depth > MAX_JSON_DEPTH ? `more than ${MAX_JSON_DEPTH}` : depth} levels deep; Loupe reads records nested up to ${MAX_JSON_DEPTH} levels` };
}

// eslint-disable-next-line no-control-regex
const NUL_OR_LONE_SURROGATE = /\u0000|[\uD800-\uDFFF]/u;

/**
 * The first key or string value in a parsed record that is not text Loupe can store: a lone UTF-16 surrogate or a
 * NUL. Walks iteratively (no recursion, so any depth is safe).
 */
export function badTextProblem(record: unknown): RecordProblem | null {
  const stack: Array<{ v: unknown; path: string }> = [{ v: record, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const p = textProblem(v, path);
      if (p) return p;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: path ? `${path}.${i}` : String(i) });
    } else if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const kp = textProblem(k, path ? `${path}.${k}` : k, true);
        if (kp) return kp;
        stack.push({ v: (v as Record<string, unknown>)[k], path: path ? `${path}.${k}` : k });
      }
    }
  }
  return null;
}

function textProblem(s: string, path: string, isKey = false): RecordProblem | null {
  const m = NUL_OR_LONE_SURROGATE.exec(s);
  if (!m) return null;
  const field = path || null;
  const where = isKey ? 'a field name' : 'the text';
  if (m[0] === '\u0000') {
    return { field, reason: `${field ? `${field}: ` : ''}${where} contains a NUL character (U+0000) at position ${m.index + 1}: not text (a binary fragment or a corrupt export)` };
  }
  const code = m[0].charCodeAt(0).toString(16).toUpperCase();
  return { field, reason: `${field ? `${field}: ` : ''}${where} contains a lone UTF-16 surrogate (\\u${code}) at position ${m.index + 1}: half of a character, not text that can be stored` };
}

/** Cheap test on JSON text: could a parsed value hold a NUL or a lone surrogate? (Only escapes can make them.) */
export function mayHoldBadText(text: string): boolean {
  return text.includes('\\u') && /\\u(?:0000|[dD][89a-fA-F])/.test(text);
}

/**
 * The whole-line check of a JSONL record, before and after parsing. `text` is the line; `parse` parses it
 * (JSON.parse by default; the import reader passes its lossless parser, json.ts `parseJsonExact`, which throws
 * JSON.parse's own SyntaxError for invalid text, so the checks below read the same messages).
 * @returns the parsed record, or the problem (a reject); null when the line is not JSON for another reason
 */
export function checkedParse(text: string, parse: (text: string) => unknown = JSON.parse): { ok: true; value: unknown } | { ok: false; problem: RecordProblem | null; error: Error } {
  let value: unknown;
  try {
    value = parse(text);
  } catch (e) {
    const bare = replaceBareNonFinite(text);
    if (bare) {
      try {
        JSON.parse(bare.text);
        return { ok: false, problem: bareNonFiniteProblem(bare.first, bare.count, bare.keys), error: e as Error };
      } catch { /* not JSON for another reason as well */ }
    }
    return { ok: false, problem: null, error: e as Error };
  }
  if (mayHoldBadText(text)) {
    const p = badTextProblem(value);
    if (p) return { ok: false, problem: p, error: new Error(p.reason) };
  }
  return { ok: true, value };
}

/** Whether a JSON.parse error of the last line of a file (no line break after it) means the line was cut short. */
export function endsEarly(err: Error, text: string): boolean {
  if (/end of JSON input|Unterminated string/i.test(err.message)) return true;
  const m = /at position (\d+)/.exec(err.message);
  return m !== null && Number(m[1]) >= text.trimEnd().length;
}
