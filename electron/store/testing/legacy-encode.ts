/**
 * Test helper: text written in a legacy single-byte encoding, for the encoding-detection tests.
 */
import { decodeSample } from '../import/encoding';

/**
 * Encodes text in a single-byte legacy encoding (the inverse of its WHATWG decoder's table).
 * @param encoding - a WHATWG label, e.g. 'windows-1250'
 * @returns the bytes
 * @throws Error naming the first character the encoding has no byte for
 */
export function encodeSingleByte(text: string, encoding: string): Uint8Array {
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const c = decodeSample(new Uint8Array([b]), encoding, true);
    if (!table.has(c)) table.set(c, b);
  }
  return Uint8Array.from([...text].map((ch) => {
    const b = table.get(ch);
    if (b === undefined) throw new Error(`${encoding} has no ${ch}`);
    return b;
  }));
}
