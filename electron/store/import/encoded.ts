/**
 * A packed batch's values encoded for binding (import/packed.ts): the reading thread writes every value as a tag and
 * a number, and every string as its UTF-8 bytes in one byte array, so the batch crosses to the store thread as a few
 * transferred ArrayBuffers instead of a structured clone of every value, and the store thread binds the bytes in
 * place (bulk-bind/statement.ts `runEncoded`) instead of encoding each string itself.
 *
 * Why: at 1M bench requests the store thread sets the import's pace (issue 13). Receiving the cloned values cost it
 * 2.5 s, encoding their strings for SQLite about 1 s more, and collecting the strings it had made most of its 3 s of
 * garbage collection (`--cpu-prof` at 200k rows: 409 ms receiving, 205 ms encoding, 642 ms collecting). A structured
 * clone of 50,000 bench rows' values took 470 ms; encoding them here 42-66 ms.
 *
 * The encoding is exact: what is bound is what `Statement.run(values)` binds (statement.ts): a number that is a
 * 32-bit integer as an integer, any other number as a double, a boolean as 1/0, a string as its UTF-8 bytes, null as
 * NULL. A row holding a value this cannot encode exactly (a string with a lone surrogate, which sql.js encodes its
 * own way; any other kind of value) keeps its values as they are, in `slow`, and is bound by sql.js's own path.
 */

/** Tags of {@link EncodedValues.tags}. */
export const TAG_NULL = 0;
export const TAG_INT = 1;
export const TAG_REAL = 2;
export const TAG_TEXT = 3;

/** A value as mapped rows hold it. */
export type PlainValue = string | number | null;

/** A batch's values, one after the other (see the module comment). */
export interface EncodedValues {
  /** How many values. */
  count: number;
  /** Per value: {@link TAG_NULL}, {@link TAG_INT}, {@link TAG_REAL} or {@link TAG_TEXT}. */
  tags: Uint8Array;
  /** Per value: the number (INT, REAL), or the byte offset of its UTF-8 text in `bytes` (TEXT). */
  num: Float64Array;
  /** Per value: the length in bytes of its UTF-8 text (TEXT), else 0. */
  len: Uint32Array;
  /** Every string's UTF-8 bytes. */
  bytes: Uint8Array;
  /** Rows bound by sql.js's own path: their first value's index and their values as mapped (their tags are NULL). */
  slow: Array<{ at: number; vals: unknown[] }>;
}

/** True when `s` holds no lone surrogate, by pattern (a `u` regex sees a paired surrogate as one code point). */
export function wellFormedByPattern(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}

/**
 * True when `s` holds no lone surrogate (String.prototype.isWellFormed where the runtime has it, ES2024): such a
 * string takes sql.js's own path, here and in the bulk binder (bulk-bind/statement.ts), which encodes it its own way.
 */
export const wellFormed: (s: string) => boolean = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
  ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
  : wellFormedByPattern;

/** Strings up to this many UTF-16 units are written once per batch (see {@link ValueEncoder.addRow}). */
const SHARED_MAX_CHARS = 40;

/**
 * Builds one batch's {@link EncodedValues}, a row at a time. Node's Buffer writes the UTF-8 (the reading thread runs
 * in Node). Not reused after {@link finish}: its buffers are transferred to the store thread.
 */
export class ValueEncoder {
  private tags: Uint8Array;
  private num: Float64Array;
  private len: Uint32Array;
  private bytes: Buffer;
  private n = 0;
  private off = 0;
  private readonly slow: Array<{ at: number; vals: unknown[] }> = [];
  /** Short strings already written in this batch: their first value's index (their bytes are shared). */
  private readonly short = new Map<string, number>();

  /**
   * @param values - expected number of values (the arrays grow past it)
   * @param textBytes - expected bytes of text (grows past it)
   */
  constructor(values = 4096, textBytes = 1 << 20) {
    this.tags = new Uint8Array(Math.max(16, values));
    this.num = new Float64Array(this.tags.length);
    this.len = new Uint32Array(this.tags.length);
    this.bytes = Buffer.allocUnsafeSlow(Math.max(1024, textBytes));
  }

  /** Values written so far. */
  get count(): number {
    return this.n;
  }

  /**
   * Appends one row's values (in its kind's COLUMNS order).
   * @param vals - the row's values; read, not kept (unless the row takes sql.js's path)
   */
  addRow(vals: readonly unknown[]): void {
    const w = vals.length;
    if (this.n + w > this.tags.length) this.growValues(this.n + w);
    // First pass: whether every value encodes exactly, and the bytes its strings may need.
    let need = 0;
    for (let i = 0; i < w; i++) {
      const v = vals[i];
      if (typeof v === 'string') {
        if (!wellFormed(v)) return this.slowRow(vals);
        need += v.length * 3;
      } else if (v !== null && typeof v !== 'number' && typeof v !== 'boolean') {
        return this.slowRow(vals);
      }
    }
    if (this.off + need > this.bytes.length) this.growBytes(this.off + need);
    const { tags, num, len, bytes } = this;
    let n = this.n;
    for (let i = 0; i < w; i++, n++) {
      const v = vals[i];
      if (typeof v === 'string') {
        tags[n] = TAG_TEXT;
        // A short string seen before in the batch (a model, a feature, a status) points at the bytes written then.
        const first = v.length <= SHARED_MAX_CHARS ? this.short.get(v) : undefined;
        if (first !== undefined) {
          num[n] = num[first]!;
          len[n] = len[first]!;
          continue;
        }
        const k = v.length === 0 ? 0 : bytes.write(v, this.off, 'utf8');
        num[n] = this.off;
        len[n] = k;
        this.off += k;
        if (v.length <= SHARED_MAX_CHARS) this.short.set(v, n);
      } else if (typeof v === 'number') {
        // As the binder decides (statement.ts): a 32-bit integer (-0 too) binds as an integer.
        tags[n] = v === (v | 0) ? TAG_INT : TAG_REAL;
        num[n] = v;
        len[n] = 0;
      } else if (typeof v === 'boolean') {
        tags[n] = TAG_INT;
        num[n] = v ? 1 : 0;
        len[n] = 0;
      } else {
        tags[n] = TAG_NULL;
        num[n] = 0;
        len[n] = 0;
      }
    }
    this.n = n;
  }

  private slowRow(vals: readonly unknown[]): void {
    const at = this.n;
    this.slow.push({ at, vals: [...vals] });
    this.tags.fill(TAG_NULL, at, at + vals.length);
    this.num.fill(0, at, at + vals.length);
    this.len.fill(0, at, at + vals.length);
    this.n += vals.length;
  }

  private growValues(want: number): void {
    let c = this.tags.length;
    while (c < want) c *= 2;
    const tags = new Uint8Array(c);
    tags.set(this.tags.subarray(0, this.n));
    const num = new Float64Array(c);
    num.set(this.num.subarray(0, this.n));
    const len = new Uint32Array(c);
    len.set(this.len.subarray(0, this.n));
    this.tags = tags;
    this.num = num;
    this.len = len;
  }

  private growBytes(want: number): void {
    let c = this.bytes.length;
    while (c < want) c *= 2;
    const b = Buffer.allocUnsafeSlow(c);
    this.bytes.copy(b, 0, 0, this.off);
    this.bytes = b;
  }

  /** The values written, as views of this encoder's buffers (transfer them with {@link transferables}). */
  finish(): EncodedValues {
    return {
      count: this.n,
      tags: this.tags.subarray(0, this.n),
      num: this.num.subarray(0, this.n),
      len: this.len.subarray(0, this.n),
      bytes: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.off),
      slow: this.slow,
    };
  }
}

/** The buffers of `e` to list in postMessage's transfer list (each once). */
export function transferables(e: EncodedValues): ArrayBuffer[] {
  const set = new Set<ArrayBuffer>();
  for (const a of [e.tags, e.num, e.len, e.bytes]) set.add(a.buffer as ArrayBuffer);
  return [...set];
}

/**
 * Reads encoded values back as JS values (strings decoded from their UTF-8). Made once per batch.
 * For a slow row's values use {@link slowRowAt}.
 */
export class ValueReader {
  private readonly text: Buffer;
  private readonly slowAt: Map<number, unknown[]>;

  constructor(readonly enc: EncodedValues) {
    this.text = Buffer.from(enc.bytes.buffer, enc.bytes.byteOffset, enc.bytes.byteLength);
    this.slowAt = new Map(enc.slow.map((s) => [s.at, s.vals]));
  }

  /** The values of the row starting at value `at` when it takes sql.js's path, else undefined. */
  slowRowAt(at: number): unknown[] | undefined {
    return this.slowAt.size === 0 ? undefined : this.slowAt.get(at);
  }

  /** Value `i` as the row held it (a boolean reads back as 1/0, as it is stored). */
  value(i: number): PlainValue {
    const t = this.enc.tags[i];
    if (t === TAG_TEXT) {
      const s = this.enc.num[i]!;
      return this.text.toString('utf8', s, s + this.enc.len[i]!);
    }
    return t === TAG_NULL ? null : this.enc.num[i]!;
  }

  /** The values [at, at + width) as an array. */
  row(at: number, width: number): PlainValue[] {
    const out: PlainValue[] = new Array<PlainValue>(width);
    for (let j = 0; j < width; j++) out[j] = this.value(at + j);
    return out;
  }
}
