/**
 * JSON text → values, with integers beyond 2^53 kept exactly. `JSON.parse` reads 9007199254740993 as
 * 9007199254740992, so an id written as a bare JSON number would be stored wrong. A line or document that holds an
 * integer of 16 or more digits outside a string is parsed with lossless-json instead, and each integer that a double
 * cannot hold exactly is kept as its decimal text ("9007199254740993"); every other number stays a number. Text
 * (ids, counts, times) reaches the mapping layer, which reads numeric text like numbers wherever it needs one.
 *
 * The fast path (plain `JSON.parse`) is taken for every text without such a long digit run, so the cost is paid only
 * by the records that need it.
 */
import { isInteger, isSafeNumber, parse as losslessParse } from 'lossless-json';

/** A JSON number token with an integer part of 16+ digits, right after `:`, `[` or `,` (whitespace allowed). */
const LONG_NUMBER = /[:[,]\s*-?\d{16,}/;

/** An unsafe integer's exact decimal text; every other number as a double. */
function numberValue(text: string): unknown {
  if (isInteger(text) && !isSafeNumber(text)) return text.replace(/^(-?)0+(?=\d)/, '$1');
  return Number(text);
}

/**
 * Parses JSON text like `JSON.parse`, but keeps integers beyond ±(2^53 − 1) exactly, as their decimal text.
 * @throws SyntaxError for invalid JSON, with `JSON.parse`'s own message (position included)
 */
export function parseJsonExact(text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text);
  try {
    return losslessParse(text, null, numberValue);
  } catch {
    // Same verdict, and JSON.parse's message (with its position) for the caller's error.
    return JSON.parse(text);
  }
}

/** Where a JSON syntax error is, as a person finds it in an editor: 1-based line and column (in characters). */
export interface JsonErrorPlace {
  /** The error without its character offset: `Unexpected token '}'`, or a sentence for data after the document. */
  detail: string;
  /** 1-based line and column within `text`, when the parser said where (or lossless-json could). */
  line?: number;
  column?: number;
}

/**
 * Describes a `JSON.parse` error of `text` by line and column instead of V8's character "position", which nobody can
 * find in a 30 MB file. When V8 gives no position (Node 20: "Unexpected token '}', ... is not valid JSON"), the
 * position lossless-json reports for the same text is used. Data after a complete document ("Unexpected
 * non-whitespace character after JSON") is said as such: only whitespace may follow the closing `]` or `}`.
 * @param err - the SyntaxError JSON.parse threw for `text`
 * @param text - the JSON text that was parsed
 */
export function placeJsonError(err: Error, text: string): JsonErrorPlace {
  const msg = err.message;
  let m = /at position (\d+)/.exec(msg);
  if (!m) {
    try {
      losslessParse(text);
    } catch (e) {
      m = /at position (\d+)/.exec((e as Error).message);
    }
  }
  let detail = msg.replace(/\s*(?:in JSON )?at position \d+(?: \(line \d+ column \d+\))?/, '');
  if (/non-whitespace character after JSON/i.test(msg)) {
    const first = text.trimStart()[0];
    const what = first === '[' ? 'array' : first === '{' ? 'object' : 'value';
    detail = `data after the end of the JSON ${what}${what === 'value' ? '' : ` (only whitespace may follow its closing "${what === 'array' ? ']' : '}'}")`}`;
  }
  if (!m) return { detail };
  const pos = Math.min(Number(m[1]), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { detail, line, column: pos - lineStart + 1 };
}
