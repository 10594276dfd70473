import { describe, expect, it } from 'vitest';
import {
  InvalidEncodingError,
  StrictStreamDecoder,
  Utf8StreamValidator,
  canonicalEncoding,
  detectBom,
  detectEncoding,
  findFirstInvalidByte,
  utf8IncompleteTail,
  utf8Sequences,
} from './encoding';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** Feeds `data` to a streaming checker in chunks of `size`; returns the error thrown, if any. */
function feed(data: Uint8Array, size: number, push: (chunk: Uint8Array) => void, end: () => void): InvalidEncodingError | null {
  try {
    for (let i = 0; i < data.length; i += size) push(data.subarray(i, i + size));
    end();
    return null;
  } catch (err) {
    if (err instanceof InvalidEncodingError) return err;
    throw err;
  }
}

describe('byte-order marks and labels', () => {
  it('recognises UTF-8 and UTF-16 BOMs', () => {
    expect(detectBom(bytes([0xef, 0xbb, 0xbf], 'a'))).toEqual({ encoding: 'utf-8', length: 3 });
    expect(detectBom(bytes([0xff, 0xfe, 0x61, 0]))).toEqual({ encoding: 'utf-16le', length: 2 });
    expect(detectBom(bytes([0xfe, 0xff]))).toEqual({ encoding: 'utf-16be', length: 2 });
    expect(detectBom(bytes('abc'))).toBeNull();
  });
  it('canonicalises labels the WHATWG way (Latin-1 reads as Windows-1252)', () => {
    expect(canonicalEncoding('ISO-8859-1')).toBe('windows-1252');
    expect(canonicalEncoding('latin1')).toBe('windows-1252');
    expect(canonicalEncoding('UTF8')).toBe('utf-8');
    expect(canonicalEncoding('Shift_JIS')).toBe('shift_jis');
    expect(canonicalEncoding('klingon')).toBeNull();
  });
});

describe('locating bad bytes', () => {
  it('finds the first byte of the first invalid sequence', () => {
    expect(findFirstInvalidByte(bytes('caf', [0xe9], ' cr'), 'utf-8', true)).toBe(3);
    expect(findFirstInvalidByte(bytes('caf', [0xe9], '\n'), 'utf-8', true)).toBe(3);
    expect(findFirstInvalidByte(bytes('ok ', [0xc3, 0xa9], ' ', [0xff]), 'utf-8', true)).toBe(6);
    expect(findFirstInvalidByte(bytes('all good é'), 'utf-8', true)).toBe(-1);
  });
  it('treats an unfinished character at the end as valid only when more may follow', () => {
    const cut = bytes('ab', [0xe2, 0x82]);
    expect(findFirstInvalidByte(cut, 'utf-8', false)).toBe(-1);
    expect(findFirstInvalidByte(cut, 'utf-8', true)).toBe(2);
    expect(utf8IncompleteTail(cut)).toBe(2);
    expect(utf8IncompleteTail(bytes('ab', [0xe2, 0x82, 0xac]))).toBe(0);
    expect(utf8IncompleteTail(bytes('😀').subarray(0, 3))).toBe(3);
  });
});

describe('utf8Sequences', () => {
  it('counts well-formed UTF-8 characters outside ASCII and each sequence that is not UTF-8', () => {
    expect(utf8Sequences(bytes('plain'), true)).toEqual({ valid: 0, invalid: 0 });
    // é (2 bytes), € (3), 😀 (4)
    expect(utf8Sequences(bytes('é€😀'), true)).toEqual({ valid: 3, invalid: 0 });
    // Latin-1 é, a stray continuation byte, an overlong C0 80, a surrogate ED A0 80, F5 (never a lead byte).
    expect(utf8Sequences(bytes([0xe9, 0x41, 0x80, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf5]), true)).toEqual({ valid: 0, invalid: 8 });
    // A character cut by the end of a sample that goes on is neither; at the end of the whole file it is invalid.
    expect(utf8Sequences(bytes('é', [0xe2, 0x82]), false)).toEqual({ valid: 1, invalid: 0 });
    expect(utf8Sequences(bytes('é', [0xe2, 0x82]), true)).toEqual({ valid: 1, invalid: 2 });
  });
});

describe('detectEncoding', () => {
  it('takes valid UTF-8 (and ASCII) as UTF-8, including text that already holds U+FFFD', () => {
    expect(detectEncoding(bytes('plain ascii\n'), true)).toEqual({ ok: true, encoding: 'utf-8', bomLength: 0, notes: [] });
    expect(detectEncoding(bytes('bad \uFFFD kept\n'), true)).toMatchObject({ ok: true, encoding: 'utf-8' });
    expect(detectEncoding(bytes([0xef, 0xbb, 0xbf], 'a,b\n'), true)).toEqual({ ok: true, encoding: 'utf-8', bomLength: 3, notes: ['UTF-8 byte-order mark removed'] });
  });
  it('detects Windows-1252 for Latin-1 text that is not UTF-8', () => {
    const d = detectEncoding(Buffer.from('request_id,comment\nr-1,café crème\nr-2,naïve\n', 'latin1'), true);
    expect(d.ok && d.encoding).toBe('windows-1252');
    expect(d.ok && d.notes[0]).toBe('encoding detected: windows-1252 (chardet ISO-8859-1, confidence 43%); the file is not UTF-8 (first non-UTF-8 byte at offset 26)');
  });
  it('accepts a cut sample that ends mid-character', () => {
    expect(detectEncoding(bytes('abc', [0xe2, 0x82]), false)).toMatchObject({ ok: true, encoding: 'utf-8' });
  });
  it('honours a chosen encoding, and reports where it fails', () => {
    expect(detectEncoding(Buffer.from('café', 'latin1'), true, 'latin1')).toEqual({ ok: true, encoding: 'windows-1252', bomLength: 0, notes: ['encoding chosen: windows-1252'] });
    expect(detectEncoding(Buffer.from('a\ncafé', 'latin1'), true, 'utf-8')).toEqual({ ok: false, badByteOffset: 5, badByte: 0xe9, reason: 'the file is not valid utf-8' });
    expect(detectEncoding(bytes('a'), true, 'klingon')).toMatchObject({ ok: false, reason: 'unknown encoding label "klingon"' });
  });
  it('refuses a UTF-8 BOM followed by bytes that are not UTF-8', () => {
    expect(detectEncoding(bytes([0xef, 0xbb, 0xbf], 'ab', [0xe9]), true)).toMatchObject({ ok: false, badByteOffset: 5, badByte: 0xe9 });
  });
});

describe('StrictStreamDecoder', () => {
  it('decodes characters split across chunks, at every chunk size', () => {
    const text = 'naïve € 😀 日本語\r\nzweite Zeile ß';
    const data = bytes(text);
    for (let size = 1; size <= 8; size++) {
      const d = new StrictStreamDecoder('utf-8');
      let out = '';
      for (let i = 0; i < data.length; i += size) out += d.write(data.subarray(i, i + size));
      out += d.end();
      expect(out).toBe(text);
    }
  });
  it('drops a BOM and decodes legacy encodings', () => {
    const d = new StrictStreamDecoder('utf-8');
    expect(d.write(bytes([0xef, 0xbb], [])) + d.write(bytes([0xbf], 'hi')) + d.end()).toBe('hi');
    const w = new StrictStreamDecoder('windows-1252');
    expect(w.write(Buffer.from('café crème', 'latin1')) + w.end()).toBe('café crème');
  });
  it('reports the absolute offset of the first bad byte, also when a chunk boundary cuts the character', () => {
    const data = bytes('line one\nline two é\nbad ', [0xe9], ' here\n');
    const bad = data.indexOf(0xe9, 20);
    for (let size = 1; size <= 12; size++) {
      const d = new StrictStreamDecoder('utf-8');
      const err = feed(data, size, (c) => d.write(c), () => d.end());
      expect(err?.byteOffset).toBe(bad);
      expect(err?.byte).toBe(0xe9);
    }
    const cut = new StrictStreamDecoder('utf-8');
    const err = feed(bytes('ok', [0xe2, 0x82]), 3, (c) => cut.write(c), () => cut.end());
    expect(err?.byteOffset).toBe(2);
    expect(err?.byte).toBeNull();
    expect(err?.message).toBe('the file ends inside a utf-8 multi-byte character (byte offset 2)');
  });
});

describe('Utf8StreamValidator', () => {
  it('passes valid UTF-8 at every chunk size and locates the first bad byte', () => {
    const good = bytes('naïve € 😀 日本語\nok');
    for (let size = 1; size <= 9; size++) {
      const v = new Utf8StreamValidator();
      expect(feed(good, size, (c) => v.check(c), () => v.end())).toBeNull();
    }
    const data = bytes('😀 fine\nthen ', [0xf0, 0x9f], 'x', ' more');
    for (let size = 1; size <= 9; size++) {
      const v = new Utf8StreamValidator();
      const err = feed(data, size, (c) => v.check(c), () => v.end());
      expect(err?.byteOffset).toBe(data.indexOf(0xf0, 4));
      expect(err?.byte).toBe(0xf0);
    }
  });
  it('refuses a stream that ends inside a character', () => {
    const v = new Utf8StreamValidator();
    const err = feed(bytes('abc', [0xf0, 0x9f, 0x98]), 2, (c) => v.check(c), () => v.end());
    expect(err?.byteOffset).toBe(3);
    expect(err?.byte).toBeNull();
  });
});
