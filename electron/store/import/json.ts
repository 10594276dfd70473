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
