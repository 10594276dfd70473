/**
 * The encoded values of a packed batch (encoded.ts) read back as the values the rows held, a string with a lone
 * surrogate (or any value the encoding cannot hold exactly) keeping its row's values as they were.
 */
import { describe, expect, it } from 'vitest';
import { TAG_INT, TAG_NULL, TAG_REAL, TAG_TEXT, transferables, ValueEncoder, ValueReader } from './encoded';

describe('ValueEncoder / ValueReader', () => {
  it('reads every value back as the row held it, with the tag the binder uses', () => {
    const rows: unknown[][] = [
      ['plain', 5, 2.5, null],
      ['', 0, -0, 'x'],
      ['nul\u0000inside', 2 ** 31, -(2 ** 31), 'emoji 😀 and ü'],
      ['é'.repeat(3000), 1e300, Number.MIN_VALUE, NaN], // past the first buffer: it grows
      [true, false, -2147483649, 9007199254740991],
    ];
    const e = new ValueEncoder(4, 16); // tiny, so both the value arrays and the bytes grow
    for (const r of rows) e.addRow(r);
    const enc = e.finish();
    expect(enc.count).toBe(20);
    expect(enc.slow).toEqual([]);
    const rd = new ValueReader(enc);
    const back = rows.map((_, i) => rd.row(i * 4, 4));
    expect(back).toEqual(rows.map((r) => r.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v))));
    expect(Object.is(rd.value(6), -0)).toBe(true);
    expect(Array.from(enc.tags.subarray(0, 8))).toEqual([TAG_TEXT, TAG_INT, TAG_REAL, TAG_NULL, TAG_TEXT, TAG_INT, TAG_INT, TAG_TEXT]);
    // 2^31 is past int32: a double, as sql.js binds it; -2^31 is an int32
    expect([enc.tags[9], enc.tags[10]]).toEqual([TAG_REAL, TAG_INT]);
    expect(enc.len[4]).toBe(0);
    expect(enc.len[11]).toBe(Buffer.byteLength('emoji 😀 and ü'));
    // one buffer per array, so all four can be transferred
    expect(transferables(enc)).toHaveLength(4);
  });

  it('writes a batch\'s repeated short strings once and reads them back, an empty string beside them too', () => {
    const e = new ValueEncoder();
    const rows = [['gpt-4o', '', 'ok', 'a long text '.repeat(10)], ['gpt-4o', 'x', 'ok', 'a long text '.repeat(10)], ['gpt-4o-mini', '', 'error', 'y']];
    for (const r of rows) e.addRow(r);
    const enc = e.finish();
    // gpt-4o, ok once; the long text (120 chars) twice; '' no bytes
    expect(enc.bytes.byteLength).toBe(6 + 2 + 240 + 1 + 11 + 5 + 1);
    expect(enc.num[4]).toBe(enc.num[0]);
    expect(enc.num[7]).not.toBe(enc.num[3]);
    const rd = new ValueReader(enc);
    expect([0, 4, 8].map((at) => rd.row(at, 4))).toEqual(rows);
  });

  it('keeps a row with a lone surrogate or an unencodable value as it was, its tags NULL', () => {
    const e = new ValueEncoder();
    e.addRow(['a', 1]);
    e.addRow(['lone \ud800', 2]);
    e.addRow(['b', 10n]);
    e.addRow(['c', 3]);
    const enc = e.finish();
    const rd = new ValueReader(enc);
    expect(enc.slow.map((s) => s.at)).toEqual([2, 4]);
    expect(rd.slowRowAt(2)).toEqual(['lone \ud800', 2]);
    expect(rd.slowRowAt(4)).toEqual(['b', 10n]);
    expect(rd.slowRowAt(0)).toBeUndefined();
    expect(Array.from(enc.tags.subarray(2, 6))).toEqual([TAG_NULL, TAG_NULL, TAG_NULL, TAG_NULL]);
    expect(rd.row(6, 2)).toEqual(['c', 3]);
  });
});
