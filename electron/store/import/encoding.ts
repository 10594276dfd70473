/**
 * Text encodings of import files: byte-order marks, UTF-8 validation, legacy-encoding detection (chardet) and
 * strict streaming decoding. Everything here is pure (no file I/O) so the reader can use it on samples and on
 * streamed chunks alike.
 *
 * Rule we keep everywhere: our own decoding never invents U+FFFD. Every TextDecoder is created with
 * `fatal: true`; a byte sequence that is not valid in the chosen encoding is an {@link InvalidEncodingError}
 * carrying the 0-based byte offset of the first bad byte, which the reader turns into a message with its line.
 * (A UTF-8 file that already contains U+FFFD as valid bytes EF BF BD imports as is: that is data, not our damage.)
 */
import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import { latinFit } from './latin-letters';
import { judgeWords, readsAsText, type WordJudgement } from './plausible-text';

/** Byte-order marks we recognise, longest first. */
const BOMS: ReadonlyArray<{ encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; bytes: readonly number[] }> = [
  { encoding: 'utf-8', bytes: [0xef, 0xbb, 0xbf] },
  { encoding: 'utf-16le', bytes: [0xff, 0xfe] },
  { encoding: 'utf-16be', bytes: [0xfe, 0xff] },
];

/**
 * Thrown when bytes are not valid in the encoding being decoded.
 * `byteOffset` is 0-based from the start of the decoded stream (the decompressed file, BOM included).
 */
export class InvalidEncodingError extends Error {
  readonly encoding: string;
  readonly byteOffset: number;
  /** The first bad byte itself (0-255), or null when the stream ended inside a multi-byte character. */
  readonly byte: number | null;

  constructor(encoding: string, byteOffset: number, byte: number | null) {
    super(
      byte === null
        ? `the file ends inside a ${encoding} multi-byte character (byte offset ${byteOffset})`
        : `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at byte offset ${byteOffset} is not valid ${encoding}`,
    );
    this.name = 'InvalidEncodingError';
    this.encoding = encoding;
    this.byteOffset = byteOffset;
    this.byte = byte;
  }
}

/**
 * The byte-order mark at the start of `bytes`, if any.
 * @returns the encoding it announces and its length in bytes, or null when there is none
 */
export function detectBom(bytes: Uint8Array): { encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; length: number } | null {
  for (const bom of BOMS) {
    if (bytes.length >= bom.bytes.length && bom.bytes.every((b, i) => bytes[i] === b)) {
      return { encoding: bom.encoding, length: bom.bytes.length };
    }
  }
  return null;
}

/**
 * The WHATWG canonical name of an encoding label, as TextDecoder understands it (Node ships full ICU), e.g.
 * `ISO-8859-1` → `windows-1252` (WHATWG reads Latin-1 as its superset Windows-1252), `UTF8` → `utf-8`.
 * @returns the canonical name, or null when the label is unknown
 */
export function canonicalEncoding(label: string): string | null {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
}

/**
 * How many bytes at the end of `bytes` are the start of a UTF-8 character whose remaining bytes have not arrived
 * yet (0-3). Used to carry an incomplete character over to the next streamed chunk. Bytes that cannot start a
 * character are not counted here: the validator reports them.
 */
export function utf8IncompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  // A UTF-8 character is at most 4 bytes, so only the last 3 bytes can begin an incomplete one.
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back] as number;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * True when `bytes` is valid in `encoding` (decoded strictly). With `complete: false`, an incomplete multi-byte
 * character at the very end is allowed (the bytes are a sample cut from a longer stream).
 */
export function isValidIn(bytes: Uint8Array, encoding: string, complete: boolean): boolean {
  if (encoding === 'utf-8') {
    const end = complete ? bytes.length : bytes.length - utf8IncompleteTail(bytes);
    return isUtf8(bytes.subarray(0, end));
  }
  try {
    new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/**
 * The 0-based offset of the first byte of the first invalid sequence in `bytes` when decoded as `encoding`, or -1
 * when all of it decodes. With `complete: true` an incomplete character at the end counts as invalid (its first
 * byte is reported). Works for any TextDecoder encoding: it binary-searches for the shortest prefix that fails to
 * decode in streaming mode (a prefix failing implies every longer one fails), then steps back to the start of the
 * sequence that the failing byte completed.
 */
export function findFirstInvalidByte(bytes: Uint8Array, encoding: string, complete: boolean): number {
  const failsStreaming = (len: number): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, len), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  const failsFinal = (len: number): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, len));
      return false;
    } catch {
      return true;
    }
  };
  if (!failsStreaming(bytes.length)) {
    if (!complete || !failsFinal(bytes.length)) return -1;
    // Only an incomplete character at the end: report where it starts.
    for (let j = bytes.length - 1; j >= Math.max(0, bytes.length - 4); j--) if (!failsFinal(j)) return j;
    return Math.max(0, bytes.length - 1);
  }
  let lo = 1;
  let hi = bytes.length; // failsStreaming(hi) is true; find the smallest such prefix length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (failsStreaming(mid)) hi = mid;
    else lo = mid + 1;
  }
  // Prefix [0, hi) fails; [0, hi-1) does not. If [0, hi-1) ends with an unfinished character, the bad sequence
  // began at that character's first byte, which is the longest prefix that decodes completely.
  for (let j = hi - 1; j >= Math.max(0, hi - 5); j--) if (!failsFinal(j)) return j;
  return hi - 1;
}

/** The outcome of {@link detectEncoding}. */
export type EncodingDetection =
  | {
      ok: true;
      /** WHATWG canonical name, e.g. 'utf-8', 'windows-1252', 'utf-16le'. */
      encoding: string;
      /** Length of the byte-order mark at the start (0 when none); the reader skips it. */
      bomLength: number;
      /** Human-readable notes for the import preview. */
      notes: string[];
    }
  | {
      ok: false;
      /** 0-based offset of the first byte that is not UTF-8. */
      badByteOffset: number;
      badByte: number | null;
      reason: string;
      /** True when the sample is UTF-8 text with bytes of another encoding (fix those bytes, or save as UTF-8). */
      mixed?: boolean;
      /** Set when legacy encodings fit but none reads as text: those that fit, likeliest first. */
      ambiguous?: string[];
    };

/**
 * Works out the text encoding of a sample from the start of a file (after decompression).
 * Order: a byte-order mark decides; else valid UTF-8 (pure ASCII included) is UTF-8; else a sample with at least as
 * many lines of UTF-8 text outside ASCII as lines that are not UTF-8 ({@link utf8Lines}) is refused as mixed; else
 * chardet's candidates are tried best first and the first one that decodes the whole sample strictly and reads as
 * words (plausible-text.ts) is taken (a note names a candidate as likely that reads it differently); none reading
 * as words is refused.
 * @param sample - the first bytes of the file
 * @param complete - true when the sample is the whole file (an incomplete character at its end is then an error)
 * @param forced - an encoding label chosen by the user; it wins over detection (a BOM is still skipped)
 * @returns the detection, or `ok: false` with the first bad byte when nothing fits
 */
export function detectEncoding(sample: Uint8Array, complete: boolean, forced?: string): EncodingDetection {
  const bom = detectBom(sample);
  const notes: string[] = [];
  if (forced !== undefined) {
    const name = canonicalEncoding(forced);
    if (name === null) {
      return { ok: false, badByteOffset: 0, badByte: null, reason: `unknown encoding label "${forced}"` };
    }
    const bomLength = bom !== null && bom.encoding === name ? bom.length : 0;
    const bad = findFirstInvalidByte(sample.subarray(bomLength), name, complete);
    if (bad >= 0) {
      return { ok: false, badByteOffset: bad + bomLength, badByte: sample[bad + bomLength] ?? null, reason: `the file is not valid ${name}` };
    }
    notes.push(`encoding chosen: ${name}`);
    return { ok: true, encoding: name, bomLength, notes };
  }
  if (bom !== null) {
    const body = sample.subarray(bom.length);
    const bad = findFirstInvalidByte(body, bom.encoding, complete);
    if (bad >= 0) {
      return {
        ok: false,
        badByteOffset: bad + bom.length,
        badByte: sample[bad + bom.length] ?? null,
        reason: `the file starts with a ${bom.encoding} byte-order mark but is not valid ${bom.encoding}`,
      };
    }
    notes.push(`${bom.encoding.toUpperCase()} byte-order mark removed`);
    return { ok: true, encoding: bom.encoding, bomLength: bom.length, notes };
  }
  // UTF-16 without a byte-order mark (some Windows exports): text of mostly Latin characters has a zero byte in
  // every other position. Checked before UTF-8, which the zero bytes would pass (NUL is valid UTF-8).
  const utf16 = utf16ByZeros(sample);
  if (utf16 !== null && isValidIn(sample, utf16, complete)) {
    notes.push(`encoding detected: ${utf16} without a byte-order mark (a zero byte in every other position)`);
    return { ok: true, encoding: utf16, bomLength: 0, notes };
  }
  if (isValidIn(sample, 'utf-8', complete)) return { ok: true, encoding: 'utf-8', bomLength: 0, notes };

  const badUtf8 = findFirstInvalidByte(sample, 'utf-8', complete);
  // UTF-8 text with some lines of another encoding (pasted from a Latin-1 file): decoded whole as a legacy encoding,
  // every UTF-8 character would become two or three wrong ones (café → cafÃ©), silently. Judged line by line: a
  // legacy file's lines with characters outside ASCII are almost all not UTF-8 (its bytes only now and then happen
  // to form a UTF-8 character, and a whole line of them rarely), so at least as many lines that are UTF-8 with such
  // characters as lines that are not UTF-8 means the file mixes encodings. Refused at the first bad byte.
  const lines = utf8Lines(sample, complete);
  if (lines.utf8 > 0 && lines.utf8 >= lines.bad) {
    return {
      ok: false,
      badByteOffset: badUtf8,
      badByte: sample[badUtf8] ?? null,
      reason: `the file mixes encodings: ${lines.utf8} line${lines.utf8 === 1 ? ' is' : 's are'} UTF-8 text with characters outside ASCII and ${lines.bad} line${lines.bad === 1 ? ' holds' : 's hold'} bytes that are not UTF-8; read as one legacy encoding, its UTF-8 text would be garbled`,
      mixed: true,
    };
  }
  // chardet's candidates, best first, that decode the whole sample; the first whose words read as text is taken
  // (plausible-text.ts): on short samples chardet's first guess is often a Latin table for Cyrillic or Hebrew text.
  // A first guess of a multi-byte encoding chardet is sure of (90% or more: every sequence fits) is taken as it is;
  // single-byte guesses are always judged (English with a Hebrew name in windows-1255 is ISO-8859-1 at 98% to it).
  const fits: Array<{ name: string; label: string; confidence: number; text: string; judged: WordJudgement }> = [];
  for (const match of chardet.analyse(sample)) {
    const name = canonicalEncoding(match.name);
    if (name === null || name === 'utf-8' || fits.some((f) => f.name === name)) continue;
    if (name.startsWith('utf-16') || name.startsWith('utf-32')) continue; // without a BOM these guesses are unreliable
    if (!isValidIn(sample, name, complete)) continue;
    const text = decodeSample(sample, name, complete);
    fits.push({ name, label: match.name, confidence: match.confidence, text, judged: judgeWords(text) });
  }
  const sure = (f: (typeof fits)[number]) => f.confidence >= SURE_CONFIDENCE && MULTI_BYTE.has(f.name);
  let chosen = fits.find((f, i) => (i === 0 && sure(f)) || readsAsText(f.judged));
  // Latin readings that all look like words (Czech read as windows-1252: "Dìkujeme, pøíliš"): a reading whose
  // accented letters no one language writes together gives way to the next candidate, then to a common legacy
  // encoding, whose letters one language does write (latin-letters.ts). Said in the note.
  let letterNote = '';
  const first = chosen;
  if (first !== undefined && !sure(first)) {
    const mine = latinFit(first.text);
    if (mine.fit === 'none') {
      const more = LATIN_ENCODINGS.filter((e) => !fits.some((f) => f.name === e) && isValidIn(sample, e, complete))
        .map((e) => { const text = decodeSample(sample, e, complete); return { name: e, label: e, confidence: 0, text, judged: judgeWords(text) }; });
      const better = [...fits, ...more].map((f) => ({ f, fit: latinFit(f.text) }))
        .find(({ f, fit }) => f !== first && f.text !== first.text && fit.fit === 'one' && fit.letters.length > 0 && readsAsText(f.judged));
      if (better !== undefined) {
        chosen = better.f;
        letterNote = `; ${first.name} (confidence ${first.confidence}%) was ranked higher but its letters ${mine.letters.slice(0, 8).join(' ')} belong to no one language, ` +
          `while ${better.f.name} reads letters that ${better.fit.languages.slice(0, 3).join(', ')} write${better.fit.languages.length === 1 ? 's' : ''} (${better.fit.letters.slice(0, 8).join(' ')}), ` +
          `e.g. "${wordAt(better.f.text, firstDifference(first.text, better.f.text))}" for "${wordAt(first.text, firstDifference(first.text, better.f.text))}"`;
      }
    }
  }
  if (chosen === undefined) {
    const guess = fits[0];
    // chardet may not rank the right one at all (English text with a Russian name in windows-1251): the common
    // legacy encodings that do read it as text are named for the user to choose from.
    const readable = FALLBACK_ENCODINGS.filter((e) => !fits.some((f) => f.name === e) && isValidIn(sample, e, complete) && readsAsText(judgeWords(decodeSample(sample, e, complete))));
    return {
      ok: false,
      badByteOffset: badUtf8,
      badByte: sample[badUtf8] ?? null,
      reason: guess === undefined
        ? 'the file is not UTF-8 and no other encoding could be detected'
        : `the file is not UTF-8 and no encoding detected reads it as text (${guess.name}, the likeliest, gives words like "${guess.judged.example}")` +
          (readable.length ? `; it reads as text in ${readable.join(', ')}` : ''),
      ambiguous: readable.length ? readable : fits.map((f) => f.name),
    };
  }
  // Another candidate chardet rates at least 3/4 as likely that reads the text differently: on a short sample the
  // choice is close to a coin toss (Turkish text is windows-1252 at 22% and windows-1254 at 20% to chardet: "Yanýt"
  // or "Yanıt"). chardet's order stands, and the note names the rival with the word they read differently, so the
  // user can choose it (Encoding in the preview, --encoding). (Below 3/4 the note would mostly name ISO-8859-2 for
  // French: 29% against 43% for "crème" or "crčme".)
  // A rival whose letters no one language writes is no rival to a reading whose letters one does ("Dìkujeme" for
  // "Děkujeme").
  const chosenFits = latinFit(chosen.text).fit !== 'none';
  const rival = sure(chosen) || chosen !== first ? undefined
    : fits.find((f) => f !== chosen && f.confidence >= 0.75 * chosen.confidence && readsAsText(f.judged) && f.text !== chosen.text &&
      !(chosenFits && latinFit(f.text).fit === 'none'));
  const skipped = fits.slice(0, fits.indexOf(first!)).filter((f) => !readsAsText(f.judged));
  let note = `encoding detected: ${chosen.name} (${chosen.confidence > 0 ? `chardet ${chosen.label}, confidence ${chosen.confidence}%` : 'not among chardet\'s guesses'}); the file is not UTF-8 ` +
    `(first non-UTF-8 byte at offset ${badUtf8})${letterNote}`;
  for (const f of skipped) note += `; ${f.name} (confidence ${f.confidence}%) was ranked higher but reads as garble, e.g. "${f.judged.example}"`;
  if (rival !== undefined) {
    const at = firstDifference(chosen.text, rival.text);
    note += `; ${rival.name} (confidence ${rival.confidence}%) is nearly as likely and reads "${wordAt(rival.text, at)}" where ${chosen.name} reads "${wordAt(chosen.text, at)}": if the file is ${rival.name}, choose it as its encoding`;
  } else if (chosen.confidence <= UNSURE_CONFIDENCE) {
    // chardet's floor: it could not tell (Bulgarian or Thai on one line come out as Shift_JIS or Big5 at 10%). The
    // common legacy encodings that also read the sample as text are named, with the word they read differently.
    const others = FALLBACK_ENCODINGS.filter((e) => e !== chosen.name && isValidIn(sample, e, complete))
      .map((e) => ({ name: e, text: decodeSample(sample, e, complete) }))
      .filter((o) => o.text !== chosen.text && readsAsText(judgeWords(o.text)));
    if (others.length) {
      const at = firstDifference(chosen.text, others[0]!.text);
      note += `; chardet is unsure (confidence ${chosen.confidence}%): the sample also reads as text in ${others.map((o) => o.name).join(', ')} (${others[0]!.name} reads "${wordAt(others[0]!.text, at)}" where ${chosen.name} reads "${wordAt(chosen.text, at)}"): check the sample, and choose the file's encoding if it reads wrong`;
    }
  }
  notes.push(note);
  return { ok: true, encoding: chosen.name, bomLength: 0, notes };
}

/** chardet confidence (%) from which its first guess of a multi-byte encoding is taken without judging its words. */
const SURE_CONFIDENCE = 90;
/** The multi-byte legacy encodings (WHATWG names) chardet can name. */
const MULTI_BYTE: ReadonlySet<string> = new Set(['shift_jis', 'euc-jp', 'iso-2022-jp', 'euc-kr', 'gb18030', 'gbk', 'big5']);
/** The legacy single-byte encodings of Latin-script languages, tried when a reading's letters fit no one language. */
const LATIN_ENCODINGS: readonly string[] = ['windows-1252', 'windows-1250', 'windows-1254', 'windows-1257', 'windows-1258'];
/** chardet confidence (%) up to which its guess is no better than its floor (10% for any multi-byte fit). */
const UNSURE_CONFIDENCE = 10;

/** Legacy encodings tried when none of chardet's candidates reads as text, to name the ones that do. */
const FALLBACK_ENCODINGS: readonly string[] = ['windows-1252', 'windows-1250', 'windows-1251', 'koi8-r', 'windows-1253', 'windows-1254',
  'windows-1255', 'windows-1256', 'windows-1257', 'windows-1258', 'windows-874', 'shift_jis', 'euc-kr', 'gb18030', 'big5'];

/**
 * Decodes a sample in streaming mode, flushed when it is the whole file. (Node 20's TextDecoder decodes windows-1252
 * wrongly when not streaming: bytes 0x80-0x9F come out as C1 control codes instead of € “ ” š and the like, while the
 * streaming decoder the import uses gets them right.)
 * @returns the text, without a byte-order mark
 */
export function decodeSample(bytes: Uint8Array, encoding: string, complete: boolean): string {
  const d = new TextDecoder(encoding, { ignoreBOM: true });
  return d.decode(bytes, { stream: true }) + (complete ? d.decode() : '');
}

/** The index of the first character where two texts differ (the shorter one's length when one starts the other). */
function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The word around index `at` of `text` (up to 40 characters), to quote. */
function wordAt(text: string, at: number): string {
  let start = at;
  let end = at;
  while (start > 0 && /[\p{L}\p{M}]/u.test(text[start - 1]!) && at - start < 20) start--;
  while (end < text.length && /[\p{L}\p{M}]/u.test(text[end]!) && end - at < 20) end++;
  return text.slice(start, Math.max(end, at + 1));
}

/**
 * Counts, in `bytes`, the well-formed UTF-8 sequences of two to four bytes (characters outside ASCII) and the
 * sequences that are not UTF-8 (each bad lead or stray byte once). An unfinished character at the end counts as
 * neither unless `complete`.
 */
export function utf8Sequences(bytes: Uint8Array, complete: boolean): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  const n = bytes.length;
  for (let i = 0; i < n;) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    // The lead byte's length and the range of its first continuation byte (RFC 3629, Table 3-7 of Unicode).
    let len = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) { len = 3; if (b === 0xe0) lo = 0xa0; else if (b === 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { len = 4; if (b === 0xf0) lo = 0x90; else if (b === 0xf4) hi = 0x8f; }
    if (len === 0) { invalid++; i++; continue; }
    if (i + len > n && !complete) {
      // Possibly cut by the sample's end: not counted if what is there fits.
      let fits = true;
      for (let j = 1; i + j < n; j++) { const c = bytes[i + j]!; if (c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) fits = false; }
      if (fits) break;
    }
    let ok = i + len <= n;
    for (let j = 1; ok && j < len; j++) { const c = bytes[i + j]!; if (c < (j === 1 ? lo : 0x80) || c > (j === 1 ? hi : 0xbf)) ok = false; }
    if (ok) { valid++; i += len; } else { invalid++; i++; }
  }
  return { valid, invalid };
}

/**
 * UTF-16 without a byte-order mark, told by its zero bytes: in the first 4 KiB, at least 40% of the bytes at odd
 * offsets are 0 and almost none (under 5%) at even ones (little-endian: `a` is 61 00), or the reverse (big-endian).
 * Text in UTF-8 or a legacy encoding has no zero bytes at all, and binary files have them in both positions.
 * @returns 'utf-16le', 'utf-16be', or null
 */
export function utf16ByZeros(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 8) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const half = n / 2;
  if (odd >= 0.4 * half && even < 0.05 * half) return 'utf-16le';
  if (even >= 0.4 * half && odd < 0.05 * half) return 'utf-16be';
  return null;
}

/**
 * Lines (split at LF) of `bytes` by what their bytes outside ASCII are: `utf8`, lines with at least one well-formed
 * UTF-8 character outside ASCII and nothing that is not UTF-8; `bad`, lines with a byte sequence that is not UTF-8.
 * Lines of ASCII only are neither.
 */
export function utf8Lines(bytes: Uint8Array, complete: boolean): { utf8: number; bad: number } {
  let utf8 = 0;
  let bad = 0;
  for (let start = 0; start < bytes.length;) {
    let end = bytes.indexOf(10, start);
    const last = end < 0;
    if (last) end = bytes.length;
    const c = utf8Sequences(bytes.subarray(start, end), complete || !last);
    if (c.invalid > 0) bad++;
    else if (c.valid > 0) utf8++;
    start = end + 1;
  }
  return { utf8, bad };
}

/**
 * Strict streaming decoder from bytes in any TextDecoder encoding to JavaScript strings.
 * Tracks the byte offset so that an invalid sequence is reported exactly ({@link InvalidEncodingError}).
 * A byte-order mark of the decoder's own encoding (UTF-8, UTF-16) at the start is dropped, as TextDecoder does;
 * `skipBytes` drops further bytes at the very start.
 */
export class StrictStreamDecoder {
  readonly encoding: string;
  private readonly decoder: TextDecoder;
  private offset = 0; // bytes consumed so far (including skipped ones)
  private skip: number;
  private pending: Uint8Array = new Uint8Array(0); // bytes of the current chunk, kept to locate an error

  constructor(encoding: string, skipBytes = 0) {
    this.encoding = encoding;
    this.decoder = new TextDecoder(encoding, { fatal: true });
    this.skip = skipBytes;
  }

  /**
   * Decodes the next chunk; an incomplete character at its end is held until the next call.
   * @throws InvalidEncodingError at the first bad byte
   */
  write(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.skip > 0) {
      const n = Math.min(this.skip, bytes.length);
      bytes = bytes.subarray(n);
      this.skip -= n;
      this.offset += n;
    }
    try {
      const text = this.decoder.decode(bytes, { stream: true });
      this.remember(bytes);
      this.offset += bytes.length;
      return text;
    } catch {
      throw this.locate(bytes, false);
    }
  }

  /**
   * Ends the stream.
   * @throws InvalidEncodingError when the stream ended inside a multi-byte character
   */
  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw this.locate(new Uint8Array(0), true);
    }
  }

  // Keeps the last 3 bytes: enough to hold a UTF-8 character that a chunk boundary cut.
  private remember(bytes: Uint8Array): void {
    if (bytes.length >= 3) {
      this.pending = bytes.slice(bytes.length - 3);
      return;
    }
    const joined = new Uint8Array(this.pending.length + bytes.length);
    joined.set(this.pending, 0);
    joined.set(bytes, this.pending.length);
    this.pending = joined.slice(Math.max(0, joined.length - 3));
  }

  private locate(bytes: Uint8Array, complete: boolean): InvalidEncodingError {
    // The decoder may still hold the start of a character from the previous chunk. For UTF-8 we know exactly how
    // many bytes that is; single-byte encodings hold none. For other multi-byte legacy encodings the offset may
    // be off by the (at most 3) held bytes, which still names the right place in the file.
    const carry = this.encoding === 'utf-8' ? utf8IncompleteTail(this.pending) : 0;
    const joined = new Uint8Array(carry + bytes.length);
    joined.set(this.pending.subarray(this.pending.length - carry), 0);
    joined.set(bytes, carry);
    let bad = findFirstInvalidByte(joined, this.encoding, complete);
    if (bad < 0) bad = 0;
    const absolute = this.offset - carry + bad;
    // At the end of the stream (no new bytes) the fault is an unfinished character: there is no single bad byte.
    return new InvalidEncodingError(this.encoding, absolute, bytes.length === 0 ? null : (joined[bad] ?? null));
  }
}

/**
 * Checks streamed UTF-8 bytes without decoding them (Node's simdutf-backed `isUtf8`, several GB/s), for readers
 * that split on bytes and decode per line. A character cut by a chunk boundary is completed from the next chunk.
 */
export class Utf8StreamValidator {
  private carry: Uint8Array = new Uint8Array(0);
  private offset = 0; // absolute offset of the first byte of the next chunk

  /**
   * Validates the next chunk of the stream.
   * @throws InvalidEncodingError at the first bad byte (absolute offset from the start of the stream)
   */
  check(chunk: Uint8Array): void {
    let bytes = chunk;
    let base = this.offset; // absolute offset of bytes[0]
    this.offset += chunk.length;
    if (this.carry.length > 0) {
      const lead = this.carry[0] as number;
      const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
      const take = Math.min(need - this.carry.length, bytes.length);
      const seq = new Uint8Array(this.carry.length + take);
      seq.set(this.carry, 0);
      seq.set(bytes.subarray(0, take), this.carry.length);
      const seqBase = base - this.carry.length;
      bytes = bytes.subarray(take);
      base += take;
      if (seq.length < need) {
        if (!isValidIn(seq, 'utf-8', false)) throw this.error(seq, seqBase, false);
        this.carry = seq;
        return;
      }
      if (!isUtf8(seq)) throw this.error(seq, seqBase, true);
      this.carry = new Uint8Array(0);
    }
    const tail = utf8IncompleteTail(bytes);
    const body = bytes.subarray(0, bytes.length - tail);
    if (!isUtf8(body)) throw this.error(body, base, true);
    this.carry = bytes.slice(bytes.length - tail);
  }

  /**
   * Ends the stream.
   * @throws InvalidEncodingError when the stream ended inside a multi-byte character
   */
  end(): void {
    if (this.carry.length > 0) {
      throw new InvalidEncodingError('utf-8', this.offset - this.carry.length, null);
    }
  }

  private error(bytes: Uint8Array, base: number, complete: boolean): InvalidEncodingError {
    const at = Math.max(0, findFirstInvalidByte(bytes, 'utf-8', complete));
    return new InvalidEncodingError('utf-8', base + at, bytes[at] ?? null);
  }
}
