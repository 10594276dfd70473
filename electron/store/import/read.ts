/**
 * Low-level readers of import files: format, compression, encoding and delimiter detection, then streaming of raw
 * records in batches with bounded memory. No mapping and no types here: CSV values stay strings exactly as written,
 * JSON values are what JSON.parse gives, except integers beyond 2^53, kept exactly as their decimal text
 * ({@link parseJsonExact}); every JSON record also passes the per-record checks of json-safety.ts (bare NaN,
 * nesting, lone surrogates, NUL), so one bad row is a reject, never a refused file. The mapping layer builds on {@link detectSource} and {@link readRecords}.
 *
 * Formats: JSONL (one JSON object per line), a JSON array of objects, a JSON object whose records sit under a path
 * (found as the largest array of objects reachable from the root through object keys), and CSV/TSV (RFC 4180 via
 * papaparse). Any of these may be gzip-compressed (recognised by the magic bytes 1f 8b, streamed through zlib).
 *
 * Memory: JSONL and CSV stream in chunks of {@link DEFAULT_CHUNK_BYTES}; a batch is handed over every `batchSize`
 * records or every {@link BATCH_SOURCE_BYTES} of source text, whichever comes first. JSON array/path files are
 * parsed whole (they have no record boundaries a stream could cut at) up to {@link MAX_WHOLE_JSON_BYTES}.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import { InvalidEncodingError, StrictStreamDecoder, Utf8StreamValidator, decodeSample, detectEncoding } from './encoding';
import { badTextProblem, checkedParse, depthProblem, endsEarly, jsonDepth, MAX_JSON_DEPTH, mayHoldBadText, mayNestDeeperThan, parsesAsJson, replaceBareNonFinite, type RecordProblem } from './json-safety';
import { parseJsonExact, placeJsonError } from './json';
import type { PhaseClock } from './timings';
import { isOtlpTraces, OtlpShapeError, otlpSpans } from './otlp';
import { isParquetMagic, parquetInfo, parquetSlices } from './parquet';

export type SourceFormat = 'jsonl' | 'json-array' | 'json-path' | 'csv' | 'parquet';
export type CsvDelimiter = ',' | ';' | '\t' | '|';

/** What {@link detectSource} found out about a file; pass it unchanged (or with user overrides) to {@link readRecords}. */
export interface DetectedSource {
  format: SourceFormat;
  /** Detected by the magic bytes 1f 8b, not by the file name. */
  compression: 'gzip' | null;
  /** WHATWG encoding name: 'utf-8', or the detected/chosen legacy encoding such as 'windows-1252'. */
  encoding: string;
  /** CSV only. */
  delimiter?: CsvDelimiter;
  /** CSV only: the row terminator papaparse should split on (detected; CRLF, LF or CR). */
  lineBreak?: '\n' | '\r\n' | '\r';
  /** json-path only: dotted path to the array of records, e.g. 'instances' or 'data.items'. */
  recordPath?: string;
  /**
   * Set when the records are inside a container format the reader unpacks: 'otlp-traces' for an OTLP JSON traces
   * document (each span is a record; see otlp.ts). JSONL lines holding OTLP documents are unpacked without it.
   */
  container?: 'otlp-traces';
  /** CSV only: column names after BOM strip; empty names become `column_<n>`, repeated ones `<name>_<k>`. */
  header?: string[];
  /** Length in bytes of the byte-order mark that the readers skip (0 when none). */
  bomLength?: number;
  /** Size of the file on disk in bytes (compressed size for gzip). */
  totalBytes: number;
  /** Parquet: the uncompressed size of its column data (from the footer), for workspace-size estimates. */
  dataBytes?: number;
  /** Human-readable detection notes for the preview, e.g. 'delimiter detected: ;'. */
  notes: string[];
  /**
   * The name every message gives the file: the user's own file name. An upload is read from a temporary path
   * (`<uuid>-<name>`) that the user never saw, so messages must not use the path's base name.
   */
  displayName?: string;
}

/** A file as read: where it is, and the name messages give it. */
export interface FileRef {
  readonly path: string;
  readonly name: string;
  /** Sees every byte read from disk, in order (before decompression): lets a caller hash the file in the same pass. */
  readonly onDiskBytes?: (chunk: Buffer) => void;
  /** Charged with decode and parse time (import/timings.ts). */
  readonly clock?: PhaseClock;
}

/**
 * One record as read. `line` is 1-based: for CSV the physical line where the record starts (the header is line 1,
 * quoted line breaks count); for JSONL the line; for JSON array/path files the record's index in the array
 * (1-based), since such files are not line-oriented (the detection notes say so).
 */
export interface RawRecord {
  line: number;
  record: Record<string, unknown>;
}

/** A record that could not be read; reading goes on. `field` is null when the fault is not in one field. */
export interface RawReject {
  line: number;
  field: string | null;
  reason: string;
}

/**
 * One batch. `bytesRead` is cumulative: bytes of the file on disk consumed so far (compressed bytes for gzip), for
 * progress against {@link DetectedSource.totalBytes}. For JSON array/path files, which are parsed whole, it is the
 * share of records handed over times the file size.
 */
export interface ReadBatch {
  records: RawRecord[];
  rejects: RawReject[];
  bytesRead: number;
}

export type ImportFileErrorCode = 'UNREADABLE' | 'TRUNCATED' | 'ENCODING' | 'NOT_RECOGNISED' | 'EMPTY';

/**
 * A fault of the whole file: nothing more can be read from it. The message names the file (and the line where
 * known) and says what to do; `toData()` gives the wire form with the shared IMPORT_* code.
 */
export class ImportFileError extends Error {
  readonly code: ImportFileErrorCode;
  /** The path as given to the reader (the message names the file by its display name instead). */
  readonly file: string;
  /** 1-based line of the fault, where known. */
  readonly line?: number;
  /** What the user can do next. */
  readonly action?: string;

  constructor(code: ImportFileErrorCode, file: FileRef, message: string, opts: { line?: number; action?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ImportFileError';
    this.code = code;
    this.file = file.path;
    if (opts.line !== undefined) this.line = opts.line;
    if (opts.action !== undefined) this.action = opts.action;
  }

  /** Wire form for the worker/IPC boundary (shape of LoupeErrorData in shared/errors.ts). */
  toData(): { code: `IMPORT_${ImportFileErrorCode}`; message: string; action?: string; details: { file: string; line?: number } } {
    return {
      code: `IMPORT_${this.code}`,
      message: this.message,
      ...(this.action !== undefined ? { action: this.action } : {}),
      details: { file: this.file, ...(this.line !== undefined ? { line: this.line } : {}) },
    };
  }
}

/** Bytes read from disk per chunk. */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Records per batch unless the caller chooses. */
export const DEFAULT_BATCH_SIZE = 2000;
/** A batch is also handed over once this much source text has gone into it, so huge records keep memory bounded. */
export const BATCH_SOURCE_BYTES = 16 * 1024 * 1024;
/** Bytes looked at by detection (after decompression). */
export const SAMPLE_BYTES = 1024 * 1024;
/**
 * JSON array/path files are parsed whole; beyond this (decompressed) size we refuse and suggest JSONL. It stays
 * below V8's longest string (2^29 - 24 characters).
 */
export const MAX_WHOLE_JSON_BYTES = 512_000_000;
/** The longest JSONL line or CSV record we hold in memory (same V8 string ceiling). */
export const MAX_RECORD_BYTES = 512_000_000;

/**
 * A gzip file is refused as a decompression bomb once it has expanded past {@link BOMB_MIN_BYTES} at more than
 * {@link BOMB_RATIO} times the compressed bytes read (log exports compress 4-15 times; a bomb 1,000 times), or past
 * {@link MAX_DECOMPRESSED_BYTES} at any ratio (more text than a workspace can hold). Checked as the stream is read,
 * so a bomb is refused within seconds, before it is expanded.
 */
export const BOMB_RATIO = 100;
export const BOMB_MIN_BYTES = 32 * 1024 * 1024;
export const MAX_DECOMPRESSED_BYTES = 8 * 1024 ** 3;
/** Growth of the process's memory while one file is read beyond which reading stops (bytes). */
export const MAX_READ_MEMORY_GROWTH = 3 * 1024 ** 3;

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t', '|'];

function abortError(file: FileRef): DOMException {
  return new DOMException(`Reading ${name(file)} was cancelled`, 'AbortError');
}

function throwIfAborted(signal: AbortSignal | undefined, file: FileRef): void {
  if (signal?.aborted) throw abortError(file);
}

function name(file: FileRef): string {
  return file.name;
}

/** How far a gzip stream was read when it failed: decompressed bytes handed on, their line, compressed bytes read. */
interface GzipReach { text: number; line: number; disk: number }

function reachText(at: GzipReach | undefined): string {
  if (!at) return '';
  return ` at line ${at.line.toLocaleString('en-US')} (after ${at.text.toLocaleString('en-US')} bytes of text, from ${at.disk.toLocaleString('en-US')} bytes of the compressed file)`;
}

/**
 * Turns a file-system or zlib error into an ImportFileError naming the file; for a gzip fault, `at` says how far the
 * text was read (line and bytes) when it was found.
 */
function streamError(err: unknown, file: FileRef, at?: GzipReach): Error {
  if (err instanceof ImportFileError || (err instanceof Error && err.name === 'AbortError')) return err;
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return new ImportFileError('UNREADABLE', file, `${name(file)}: file not found${file.name === basename(file.path) ? ` (${file.path})` : ''}`, { cause: err, action: 'Check the path and try again.' });
    case 'EACCES':
    case 'EPERM':
      return new ImportFileError('UNREADABLE', file, `${name(file)}: permission denied`, { cause: err, action: 'Give Loupe read access to the file.' });
    case 'EISDIR':
      return new ImportFileError('UNREADABLE', file, `${name(file)} is a folder, not a file`, { cause: err });
    case 'Z_BUF_ERROR':
      return new ImportFileError('TRUNCATED', file, `${name(file)}: the gzip data ends early${reachText(at)} (the file is truncated)`, {
        cause: err,
        ...(at ? { line: at.line } : {}),
        action: 'Download or copy the file again; the end of it is missing.',
      });
    case 'Z_DATA_ERROR':
    case 'Z_NEED_DICT':
      return new ImportFileError('UNREADABLE', file, `${name(file)}: the gzip data is corrupt (${e.message})${reachText(at)}`, {
        cause: err,
        ...(at ? { line: at.line } : {}),
        action: 'Download or copy the file again; its compressed data is damaged.',
      });
    default:
      return new ImportFileError('UNREADABLE', file, `${name(file)}: cannot be read (${e.message ?? String(err)})`, { cause: err });
  }
}

/** Opens the file as a stream of decompressed bytes; `disk` reports how many bytes have been read from disk. */
function openBytes(file: FileRef, compression: 'gzip' | null, chunkBytes: number): { stream: Readable; disk: { readonly bytesRead: number } } {
  const fileStream = createReadStream(file.path, { highWaterMark: chunkBytes });
  let source: Readable = fileStream;
  const tap = file.onDiskBytes;
  if (tap) {
    source = new Transform({ transform(chunk: Buffer, _enc, cb) { tap(chunk); cb(null, chunk); } });
    // pipeline destroys both streams when either fails; the error surfaces on the side we iterate.
    pipeline(fileStream, source as Transform, () => {});
  }
  if (compression !== 'gzip') return { stream: source, disk: fileStream };
  const gunzip = createGunzip({ chunkSize: Math.max(64 * 1024, Math.min(chunkBytes, 1024 * 1024)) });
  pipeline(source, gunzip, () => {});
  return { stream: gunzip, disk: fileStream };
}

/**
 * Decompressed bytes of the file in chunks, checking the abort signal between chunks.
 * @throws ImportFileError (UNREADABLE, TRUNCATED), AbortError
 */
async function* rawChunks(
  file: FileRef,
  compression: 'gzip' | null,
  chunkBytes: number,
  signal: AbortSignal | undefined,
  progress: { bytesRead: number },
  locate = true,
): AsyncGenerator<Buffer> {
  throwIfAborted(signal, file);
  const { stream, disk } = openBytes(file, compression, chunkBytes);
  const rss0 = process.memoryUsage.rss();
  let expanded = 0;
  let nextMemoryCheck = 64 * 1024 * 1024;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      progress.bytesRead = disk.bytesRead;
      throwIfAborted(signal, file);
      expanded += chunk.length;
      if (compression === 'gzip' && ((expanded > BOMB_MIN_BYTES && expanded > BOMB_RATIO * disk.bytesRead) || expanded > MAX_DECOMPRESSED_BYTES)) {
        throw new ImportFileError('UNREADABLE', file,
          `${name(file)} expands to more than ${formatBytes(expanded)} from ${formatBytes(disk.bytesRead)} of gzip data read so far (${Math.round(expanded / Math.max(1, disk.bytesRead))}:1; log exports compress about 4-15:1): a decompression bomb, or more text than a workspace can hold. Refused before expanding it further.`,
          { action: 'Check where the file came from. If it is real data, split it into smaller files (by date) and import those.' });
      }
      if (expanded > nextMemoryCheck) {
        nextMemoryCheck = expanded + 64 * 1024 * 1024;
        const grown = process.memoryUsage.rss() - rss0;
        if (grown > MAX_READ_MEMORY_GROWTH) {
          throw new ImportFileError('UNREADABLE', file, `${name(file)}: reading it took ${formatBytes(grown)} more memory after ${formatBytes(expanded)} of text (the limit is ${formatBytes(MAX_READ_MEMORY_GROWTH)}); refused.`,
            { action: 'Split the file into smaller files and import those, or export it as JSONL (one record per line).' });
        }
      }
      yield chunk;
    }
    progress.bytesRead = disk.bytesRead;
  } catch (err) {
    if (locate && isGzipFault(err)) {
      // Said with the line reached, counted again from the start (an error path only); the rest was never read.
      const at = { text: expanded, disk: disk.bytesRead, line: await lineOfOffset(file, compression, expanded) };
      throw streamError(err, file, at);
    }
    throw streamError(err, file);
  } finally {
    stream.destroy();
  }
}

function isGzipFault(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT';
}

/**
 * Reads a gzip file to its end to learn whether its compressed data is whole: the zlib fault (corrupt or cut short)
 * with how far it got, or null when the data and its CRC check are fine (or another fault stopped the read).
 */
async function gzipFault(file: FileRef): Promise<{ err: unknown; text: number; disk: number } | null> {
  const progress = { bytesRead: 0 };
  let text = 0;
  try {
    for await (const chunk of rawChunks(file, 'gzip', DEFAULT_CHUNK_BYTES, undefined, progress, false)) text += chunk.length;
  } catch (err) {
    const cause = err instanceof ImportFileError ? err.cause : err;
    return isGzipFault(cause) ? { err: cause, text, disk: progress.bytesRead } : null;
  }
  return null;
}

/** The first `max` decompressed bytes; `complete` is true when that is the whole file. */
async function readSample(file: FileRef, compression: 'gzip' | null, max: number): Promise<{ bytes: Buffer; complete: boolean }> {
  const parts: Buffer[] = [];
  let total = 0;
  const progress = { bytesRead: 0 };
  for await (const chunk of rawChunks(file, compression, 256 * 1024, undefined, progress)) {
    parts.push(chunk);
    total += chunk.length;
    if (total >= max) {
      const all = Buffer.concat(parts);
      return { bytes: all.subarray(0, max), complete: false };
    }
  }
  return { bytes: Buffer.concat(parts), complete: true };
}

/** 1-based line (counting byte 10) of a 0-based byte offset in the decompressed file. Used on error paths only. */
async function lineOfOffset(file: FileRef, compression: 'gzip' | null, offset: number): Promise<number> {
  let line = 1;
  let seen = 0;
  try {
    for await (const chunk of rawChunks(file, compression, DEFAULT_CHUNK_BYTES, undefined, { bytesRead: 0 }, false)) {
      const end = Math.min(chunk.length, offset - seen);
      for (let i = chunk.indexOf(10); i !== -1 && i < end; i = chunk.indexOf(10, i + 1)) line++;
      seen += chunk.length;
      if (seen >= offset) break;
    }
  } catch {
    // The offset lies before whatever made the file unreadable; the lines counted so far are right.
  }
  return line;
}

async function encodingError(file: FileRef, src: { compression: 'gzip' | null }, err: InvalidEncodingError): Promise<ImportFileError> {
  const line = await lineOfOffset(file, src.compression, err.byteOffset);
  if (src.compression === 'gzip') {
    // Damaged deflate data often decodes into bytes that are not text before zlib's CRC check at the end fails: that
    // is a corrupt file, not an encoding to choose.
    const fault = await gzipFault(file);
    if (fault) {
      const e = streamError(fault.err, file) as ImportFileError;
      const what = (fault.err as Error).message;
      const cut = e.code === 'TRUNCATED';
      return new ImportFileError(
        e.code,
        file,
        `${name(file)}: the gzip data is ${cut ? 'cut short' : `corrupt (${what})`}: its text stops being valid ${err.encoding} at line ${line.toLocaleString('en-US')} (byte offset ${err.byteOffset.toLocaleString('en-US')} of the decompressed text), where the compressed data is damaged; this is not an encoding problem`,
        { line, cause: fault.err, action: cut ? 'Download or copy the file again; the end of it is missing.' : 'Download or copy the file again; its compressed data is damaged.' },
      );
    }
  }
  const what = err.byte === null ? 'an unfinished multi-byte character' : `byte 0x${err.byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return new ImportFileError(
    'ENCODING',
    file,
    `${name(file)} is not valid ${err.encoding}: ${what} at line ${line} (byte offset ${err.byteOffset}) cannot be decoded`,
    {
      line, cause: err,
      // The start of the file decoded as this encoding: the bad bytes may be a few lines of another one (then choosing
      // another encoding for the whole file would garble the rest).
      action: err.encoding === 'utf-8'
        ? `The file is UTF-8 before line ${line}: if only some lines are in another encoding, fix them and save the file as UTF-8; if the whole file is in one other encoding, import it with --encoding <label> (e.g. windows-1252).`
        : 'Import it with --encoding <label> naming its encoding (e.g. windows-1252), or save it as UTF-8.',
    },
  );
}

/**
 * UTF-8 bytes of the file's text (BOM removed): UTF-8 files are validated as they stream (not decoded), other
 * encodings are decoded strictly and re-encoded as UTF-8, so byte 10 is always a line feed.
 */
async function* utf8Bytes(
  file: FileRef,
  src: DetectedSource,
  chunkBytes: number,
  signal: AbortSignal | undefined,
  progress: { bytesRead: number },
): AsyncGenerator<Buffer> {
  try {
    if (src.encoding === 'utf-8') {
      // A BOM is valid UTF-8, so it is validated with the rest and only dropped from what we hand on.
      const validator = new Utf8StreamValidator();
      let first = true;
      for await (const chunk of rawChunks(file, src.compression, chunkBytes, signal, progress)) {
        const t = file.clock ? performance.now() : 0;
        validator.check(chunk);
        if (file.clock) file.clock.add('decode', performance.now() - t);
        if (first) {
          first = false;
          if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
            if (chunk.length > 3) yield chunk.subarray(3);
            continue;
          }
        }
        yield chunk;
      }
      validator.end();
    } else {
      const decoder = new StrictStreamDecoder(src.encoding);
      for await (const chunk of rawChunks(file, src.compression, chunkBytes, signal, progress)) {
        const text = decoder.write(chunk);
        if (text.length > 0) yield Buffer.from(text, 'utf8');
      }
      const rest = decoder.end();
      if (rest.length > 0) yield Buffer.from(rest, 'utf8');
    }
  } catch (err) {
    if (err instanceof InvalidEncodingError) throw await encodingError(file, src, err);
    throw err;
  }
}

/** The file's text in string chunks (BOM removed), decoded strictly in its encoding. */
async function* textChunks(
  file: FileRef,
  src: DetectedSource,
  chunkBytes: number,
  signal: AbortSignal | undefined,
  progress: { bytesRead: number },
): AsyncGenerator<string> {
  const decoder = new StrictStreamDecoder(src.encoding);
  try {
    for await (const chunk of rawChunks(file, src.compression, chunkBytes, signal, progress)) {
      const text = decoder.write(chunk);
      if (text.length > 0) yield text;
    }
    const rest = decoder.end();
    if (rest.length > 0) yield rest;
  } catch (err) {
    if (err instanceof InvalidEncodingError) throw await encodingError(file, src, err);
    throw err;
  }
}

function formatBytes(n: number): string {
  if (n >= 1e6) return `${Math.round(n / 1e6)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} KB`;
  return `${n} bytes`;
}

/** The whole decoded text, refusing documents above `limit` bytes (decompressed; counted in UTF-16 units). */
async function readWholeText(file: FileRef, src: DetectedSource, limit: number, signal?: AbortSignal): Promise<string> {
  const tooLarge = (): ImportFileError =>
    new ImportFileError('UNREADABLE', file, `${name(file)} is a single JSON document larger than ${formatBytes(limit)}, too large to read whole`, {
      action: 'Export the records as JSONL (one JSON object per line), which Loupe streams at any size.',
    });
  if (src.compression === null && src.totalBytes > limit) throw tooLarge();
  const parts: string[] = [];
  let total = 0;
  for await (const chunk of textChunks(file, src, DEFAULT_CHUNK_BYTES, signal, { bytesRead: 0 })) {
    total += chunk.length;
    if (total > limit) throw tooLarge();
    parts.push(chunk);
  }
  return parts.join('');
}

/** Marks a bare NaN/Infinity of a whole JSON document, so the record holding it is rejected rather than the file. */
const BARE_MARK = '\u0000loupe-bare-non-finite\u0000';

/**
 * Parses a whole JSON document so that a bad value fails its record only: raw NUL characters and Python's bare
 * NaN/Infinity are kept parseable (marked), and `check` tells, per record, whether it holds one, a lone surrogate,
 * or nesting deeper than {@link MAX_JSON_DEPTH}. Scans only run when a cheap test on the text says they may find
 * something.
 */
function parseCheckedWholeJson(raw: string, file: FileRef): { doc: unknown; check: (record: Record<string, unknown>) => RecordProblem | null } {
  let text = raw.includes('\u0000') ? raw.replaceAll('\u0000', '\\u0000') : raw;
  let bare = false;
  let doc: unknown;
  try {
    doc = parseJsonExact(text);
  } catch (err) {
    const r = replaceBareNonFinite(text, JSON.stringify(BARE_MARK));
    let parsed = false;
    if (r) {
      try {
        doc = parseJsonExact(r.text);
        parsed = true;
        bare = true;
        text = r.text;
      } catch { /* invalid for another reason too */ }
    }
    if (!parsed) doc = parseWholeJson(text, file, err as Error);
  }
  const deep = jsonDepth(text, MAX_JSON_DEPTH + 2) > MAX_JSON_DEPTH + 1;
  const textual = bare || mayHoldBadText(text);
  return {
    doc,
    check: (record) => {
      if (deep) {
        const d = valueDepth(record, MAX_JSON_DEPTH);
        if (d > MAX_JSON_DEPTH) return depthProblem(d);
      }
      if (bare) {
        const b = bareInRecord(record);
        if (b) return b;
      }
      return textual ? badTextProblem(record) : null;
    },
  };
}

/** The bare NaN/Infinity problem of a record holding the marker, naming the field; null when it holds none. */
function bareInRecord(record: Record<string, unknown>): RecordProblem | null {
  const stack: Array<{ v: unknown; path: string }> = [{ v: record, path: '' }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === BARE_MARK) return { field: path || null, reason: `${path ? `${path}: ` : ''}a bare NaN or Infinity is not valid JSON (Python's json.dumps writes them for float('nan') and float('inf')): write null for a missing number` };
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: path ? `${path}.${k}` : k });
  }
  return null;
}

/** The nesting depth of a parsed value, walked iteratively; stops past `limit`. */
function valueDepth(v: unknown, limit: number): number {
  let max = 0;
  const stack: Array<{ v: unknown; d: number }> = [{ v, d: 0 }];
  while (stack.length) {
    const { v: x, d } = stack.pop()!;
    if (!x || typeof x !== 'object') continue;
    if (d + 1 > max) {
      max = d + 1;
      if (max > limit) return max;
    }
    for (const y of Array.isArray(x) ? x : Object.values(x)) if (y && typeof y === 'object') stack.push({ v: y, d: d + 1 });
  }
  return max;
}

/**
 * A binary file: more than 1% of the sample is NUL characters (text with a stray NUL in a few rows is read, and
 * those rows are rejected one by one).
 */
function looksBinary(text: string): boolean {
  let n = 0;
  const limit = Math.max(1, text.length / 100);
  for (let i = text.indexOf('\u0000'); i !== -1; i = text.indexOf('\u0000', i + 1)) if (++n > limit) return true;
  return false;
}

/** 1-based line of a 0-based character position in `text`. */
function lineOfPosition(text: string, pos: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * {@link parseJsonExact} of a whole document; a document that ends before its last value is complete is TRUNCATED, any
 * other syntax error is UNREADABLE with its line.
 */
function parseWholeJson(text: string, file: FileRef, failed?: Error): unknown {
  try {
    if (failed) throw failed;
    return parseJsonExact(text);
  } catch (err) {
    const msg = (err as Error).message;
    const m = /at position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : null;
    const end = text.trimEnd().length;
    if (/end of JSON input/i.test(msg) || (pos !== null && pos >= end)) {
      return throwTruncatedJson(file, text);
    }
    const { detail, line, column } = placeJsonError(err as Error, text);
    throw new ImportFileError('UNREADABLE', file, `${name(file)}: invalid JSON${line !== undefined ? ` at line ${line}, column ${column}` : ''}: ${detail}`, {
      ...(line !== undefined ? { line } : {}),
      cause: err,
    });
  }
}

function throwTruncatedJson(file: FileRef, text: string): never {
  const line = lineOfPosition(text, text.length);
  throw new ImportFileError('TRUNCATED', file, `${name(file)}: the JSON ends mid-way at line ${line} (the file is truncated)`, {
    line,
    action: 'Download or export the file again; the end of it is missing.',
  });
}

/** Sets a key as an own property, even `__proto__` (plain assignment would set the prototype and lose the value). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeJsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** One array of objects found inside a JSON document. */
interface RecordArrayCandidate {
  path: string;
  objects: number;
  length: number;
}

/**
 * Arrays reachable from the root through object keys (not through arrays; at most 8 levels deep), with how many
 * of their elements are objects. Sorted best first: most objects, then shallower path.
 */
function recordArrayCandidates(root: Record<string, unknown>): RecordArrayCandidate[] {
  const found: RecordArrayCandidate[] = [];
  const queue: Array<{ value: Record<string, unknown>; path: string[] }> = [{ value: root, path: [] }];
  while (queue.length > 0) {
    const { value, path } = queue.shift() as { value: Record<string, unknown>; path: string[] };
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      if (Array.isArray(child)) {
        let objects = 0;
        for (const el of child) if (isPlainObject(el)) objects++;
        if (objects > 0) found.push({ path: childPath.join('.'), objects, length: child.length });
      } else if (isPlainObject(child) && childPath.length < 8) {
        queue.push({ value: child, path: childPath });
      }
    }
  }
  return found.sort((a, b) => b.objects - a.objects || a.path.split('.').length - b.path.split('.').length);
}

/** The value at a dotted path (keys joined by '.'), or undefined. */
function atPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const key of path.split('.')) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/**
 * Finds where the records sit in a JSON document whose root is an object.
 * @throws ImportFileError NOT_RECOGNISED when `wanted` does not lead to an array, or no array of objects exists
 */
function resolveRecordPath(root: Record<string, unknown>, file: FileRef, wanted?: string): { path: string; notes: string[] } {
  const candidates = recordArrayCandidates(root);
  const others = (except: string): string => {
    const rest = candidates.filter((c) => c.path !== except).slice(0, 4);
    return rest.length ? `; other arrays: ${rest.map((c) => `${c.path} (${c.length})`).join(', ')}` : '';
  };
  if (wanted !== undefined) {
    const v = atPath(root, wanted);
    if (!Array.isArray(v)) {
      throw new ImportFileError('NOT_RECOGNISED', file, `${name(file)}: "${wanted}" is ${v === undefined ? 'not a path in the document' : describeJsonType(v)}, not an array of records`, {
        action: candidates.length ? `Choose one of: ${candidates.slice(0, 5).map((c) => c.path).join(', ')}.` : 'Export the records as JSONL or as a JSON array.',
      });
    }
    return { path: wanted, notes: [`records read from "${wanted}" (${v.length} items, path chosen)${others(wanted)}`] };
  }
  const best = candidates[0];
  if (best === undefined) {
    throw new ImportFileError('NOT_RECOGNISED', file, `${name(file)}: a JSON object with no array of records inside`, {
      action: 'Export the records as JSONL (one object per line), a JSON array of objects, or an object holding such an array.',
    });
  }
  return { path: best.path, notes: [`records found under "${best.path}" (${best.length} items, the largest array of objects)${others(best.path)}`] };
}

/**
 * Column names from a header row: a repeated name gets `_2`, `_3`… (second, third occurrence), an empty one
 * becomes `column_<n>` (1-based position), so every cell has its own key. Notes describe each change.
 */
export function headerNames(row: readonly string[]): { names: string[]; notes: string[] } {
  const notes: string[] = [];
  const used = new Set<string>();
  const names = row.map((raw, i) => {
    let n = raw;
    if (n.trim() === '') {
      n = `column_${i + 1}`;
      notes.push(`column ${i + 1} has no name; called ${n}`);
    }
    if (used.has(n)) {
      let k = 2;
      while (used.has(`${n}_${k}`)) k++;
      notes.push(`column ${i + 1} repeats the name "${n}"; called ${n}_${k}`);
      n = `${n}_${k}`;
    }
    used.add(n);
    return n;
  });
  return { names, notes };
}

/** Line breaks inside one CSV row's cells (CRLF, LF or a lone CR each count once), so physical lines stay right. */
/**
 * How many of the lines inside a row's fields (after its first line) hold at least as many delimiters as a row of the
 * header needs: lines that an unclosed quote swallowed rather than line breaks inside one text field.
 */
function swallowedRows(row: readonly string[], delimiter: string, headerLength: number): number {
  if (headerLength < 2) return 0;
  let n = 0;
  const lines = row.join(delimiter).split(/\r\n|\r|\n/).slice(1);
  for (const l of lines) if (l.split(delimiter).length >= headerLength) n++;
  return n;
}

/** The spans of a whole OTLP document; a malformed structure refuses the file, naming the field. */
function otlpDocSpans(doc: { resourceSpans: unknown[] }, file: FileRef): Record<string, unknown>[] {
  try {
    return otlpSpans(doc);
  } catch (e) {
    if (!(e instanceof OtlpShapeError)) throw e;
    throw new ImportFileError('UNREADABLE', file, `${name(file)}: not an OTLP traces document as the protocol writes it: ${e.message}`, {
      action: 'Export the traces again with the OTLP JSON exporter (or the Collector file exporter); nothing was imported.',
    });
  }
}

function breaksInRow(row: readonly string[]): number {
  let n = 0;
  for (const cell of row) {
    if (cell.indexOf('\n') === -1 && cell.indexOf('\r') === -1) continue;
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      if (c === 10) n++;
      else if (c === 13 && cell.charCodeAt(i + 1) !== 10) n++;
    }
  }
  return n;
}

function isEmptyRow(row: readonly string[]): boolean {
  for (const cell of row) if (cell.trim() !== '') return false;
  return true;
}

function stripExt(file: FileRef): string {
  return file.name.toLowerCase().replace(/\.gz$/, '');
}

/**
 * Looks at the first (up to 10) complete non-blank lines of a sample that starts with `{`: JSONL when most of them
 * are JSON objects on their own (so one bad line does not hide a JSONL file), or when most are whole JSON values and
 * at least one is an object (arrays and scalars among the records are rejected line by line); `complete` is false when the sample
 * holds no complete line; `lines` counts the complete non-blank lines seen.
 */
function sniffJsonLines(text: string): { jsonl: boolean; lines: number; complete: boolean } {
  let objects = 0;
  // Lines that are a whole JSON value of any kind: a JSONL file with some arrays or scalars among its objects is
  // still JSONL (those lines are rejected one by one); the lines of a pretty-printed document rarely parse alone.
  let values = 0;
  let lines = 0;
  let pos = 0;
  while (lines < 10) {
    const nl = text.indexOf('\n', pos);
    const line = (nl === -1 ? text.slice(pos) : text.slice(pos, nl)).trim();
    if (nl === -1 && line !== '') {
      // The last line of the sample: only count it when it parses (it may be cut, or the file's last line).
      const p = parsesAsJson(line);
      if (p.ok) {
        lines++;
        values++;
        if (isPlainObject(p.value)) objects++;
      }
      // else: cut by the sample's end
      break;
    }
    if (nl === -1) break;
    pos = nl + 1;
    if (line === '') continue;
    lines++;
    // Python's bare NaN counts as JSON here: such lines are rejected one by one, not the file.
    const p = parsesAsJson(line);
    if (p.ok) {
      values++;
      if (isPlainObject(p.value)) objects++;
    }
  }
  return { jsonl: lines >= 2 && (objects * 2 > lines || (objects >= 1 && values * 2 > lines)), lines, complete: lines > 0 };
}

/**
 * Picks the CSV delimiter among `,` `;` tab `|`: each candidate parses the first 50 rows of the sample (RFC 4180
 * quoting respected, blank rows and a possibly cut last row ignored); a candidate must split the header into 2+
 * fields; the best has the largest share of rows with the header's field count, then the most fields, then comes
 * first in the order `,` `;` tab `|` (tab first for a .tsv or .tab file). With no candidate splitting the header
 * the file is one column and `,` is used.
 */
export function guessDelimiter(text: string, complete = true, preferTab = false): { delimiter: CsvDelimiter; fields: number } {
  let best: { delimiter: CsvDelimiter; fields: number; share: number } = { delimiter: ',', fields: 1, share: 0 };
  const order: CsvDelimiter[] = preferTab ? ['\t', ',', ';', '|'] : [...DELIMITERS];
  for (const delimiter of order) {
    const rows = Papa.parse<string[]>(text, { preview: 50, delimiter }).data.filter((r) => !isEmptyRow(r));
    if (!complete && rows.length > 2) rows.pop();
    const header = rows[0];
    if (header === undefined || header.length < 2) continue;
    const body = rows.slice(1);
    const share = body.length === 0 ? 1 : body.filter((r) => r.length === header.length).length / body.length;
    if (share > best.share || (share === best.share && header.length > best.fields)) best = { delimiter, fields: header.length, share };
  }
  return { delimiter: best.delimiter, fields: best.fields };
}

/**
 * Works out how to read a file: compression (magic bytes), encoding (BOM, UTF-8 check, chardet), format (JSON
 * array, JSON object with records under a path, JSONL, else CSV) and for CSV the delimiter, line break and header.
 *
 * Format rules: first non-blank character `[` → json-array. `{` → JSONL when most of the first (up to 10) lines
 * are JSON objects on their own; a pretty-printed object (its lines are not) → json-path. A file holding a single
 * one-line object is JSONL when named .jsonl/.ndjson, otherwise json-path when it contains an array of objects
 * (else one JSONL record). Anything else is CSV. A json-path document is parsed here to find its records (and
 * parsed again by {@link readRecords}; nothing that large is kept between the calls).
 * CSV delimiter: the one of `,` `;` tab `|` that gives the most consistent field count over the first rows
 * (papaparse's guesser, restricted to these four); `,` when none splits the rows.
 *
 * @param path - file path
 * @param opts.delimiter - force a CSV delimiter (`,` `;` `\t` or 'tab', `|`)
 * @param opts.encoding - force an encoding label (any TextDecoder label, e.g. 'windows-1252', 'latin1')
 * @param opts.recordPath - force the dotted path to the records of a JSON object
 * @param opts.format - force the format
 * @throws ImportFileError EMPTY (no content), UNREADABLE (missing, unreadable, invalid JSON), TRUNCATED (gzip or
 *   JSON ends early), ENCODING (no encoding fits; names the first bad byte's line and offset), NOT_RECOGNISED
 *   (binary, spreadsheet, no array of records, bad option)
 */
export async function detectSource(
  filePath: string,
  opts: { delimiter?: string; encoding?: string; recordPath?: string; format?: SourceFormat; displayName?: string } = {},
): Promise<DetectedSource> {
  const path: FileRef = { path: filePath, name: opts.displayName ?? basename(filePath) };
  let size: number;
  try {
    const st = await stat(path.path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) {
      // A named pipe or device has no size and can be read only once; the import reads a file twice (to detect its
      // format, then to import it), and a pipe whose writer never comes would hang the import.
      throw new ImportFileError('UNREADABLE', path, `${name(path)} is not a regular file (it is a named pipe, socket or device)`, {
        action: 'Save the data to a file first, then import that file.',
      });
    }
    size = st.size;
  } catch (err) {
    throw streamError(err, path);
  }
  if (size === 0) throw new ImportFileError('EMPTY', path, `${name(path)} is empty (0 bytes)`);

  const head = Buffer.alloc(4);
  try {
    const fh = await open(path.path, 'r');
    try {
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw streamError(err, path);
  }
  const notes: string[] = [];
  if (isParquetMagic(head)) return detectParquet(path, size, opts.displayName);
  const compression = head[0] === 0x1f && head[1] === 0x8b ? 'gzip' : null;
  if (compression) notes.push('gzip-compressed: decompressed while reading');
  else if (path.name.toLowerCase().endsWith('.gz')) notes.push('named .gz but not gzip-compressed: read as plain text');
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new ImportFileError('NOT_RECOGNISED', path, `${name(path)} is a ZIP archive (for example an Excel .xlsx workbook), not a text file`, {
      action: 'Save the sheet as CSV (UTF-8) and import that.',
    });
  }

  const sample = await readSample(path, compression, SAMPLE_BYTES);
  if (sample.bytes.length === 0) throw new ImportFileError('EMPTY', path, `${name(path)} is empty (no data after decompression)`);

  const enc = detectEncoding(sample.bytes, sample.complete, opts.encoding);
  if (!enc.ok) {
    let line = 1;
    for (let i = sample.bytes.indexOf(10); i !== -1 && i < enc.badByteOffset; i = sample.bytes.indexOf(10, i + 1)) line++;
    const what = enc.badByte === null ? '' : `: byte 0x${enc.badByte.toString(16).toUpperCase().padStart(2, '0')} at line ${line} (byte offset ${enc.badByteOffset})`;
    throw new ImportFileError('ENCODING', path, `${name(path)}: ${enc.reason}${what}`, {
      line,
      action: enc.mixed
        ? `Fix the characters of line ${line} (and any other line that is not UTF-8) and save the file as UTF-8.`
        : enc.ambiguous?.length
          ? `Choose its encoding (Encoding in the import preview, or --encoding <label> with the CLI; the likeliest: ${enc.ambiguous.join(', ')}), or save it as UTF-8.`
          : 'Import it with --encoding <label> naming its encoding (e.g. windows-1252, shift_jis), or save it as UTF-8.',
    });
  }
  notes.push(...enc.notes);
  const text = decodeSample(sample.bytes.subarray(enc.bomLength), enc.encoding, sample.complete);
  if (text.trim() === '') throw new ImportFileError('EMPTY', path, `${name(path)} contains only blank space`);
  if (looksBinary(text)) {
    throw new ImportFileError('NOT_RECOGNISED', path, `${name(path)} looks like a binary file (it contains NUL bytes), not JSONL, JSON or CSV`, {
      action: 'Export the data as CSV, JSONL or JSON.',
    });
  }

  const base: Omit<DetectedSource, 'format'> = { compression, encoding: enc.encoding, bomLength: enc.bomLength, totalBytes: size, notes, ...(opts.displayName !== undefined ? { displayName: opts.displayName } : {}) };
  const ext = stripExt(path);
  const first = text.trimStart()[0];
  let format = opts.format;
  if (format === undefined) {
    if (first === '[') format = 'json-array';
    else if (first === '{') {
      const fl = sniffJsonLines(text);
      if (fl.jsonl) format = 'jsonl';
      else if (fl.lines >= 2) format = 'json-path'; // several lines that are not objects on their own: pretty-printed
      else if (/\.(jsonl|ndjson)$/.test(ext)) format = 'jsonl';
      else if (!fl.complete && !sample.complete && !/\.json$/.test(ext)) format = 'jsonl'; // a first line longer than the sample
      else format = 'json-path'; // one object (on one line), or a huge first line in a .json file: decided below
    } else format = 'csv';
  }

  if (format === 'jsonl') {
    if (/^\s*\{\s*"resourceSpans"\s*:/.test(text)) notes.push('format: OTLP JSON lines (one OpenTelemetry traces document per line, as the Collector file exporter writes); each span is a record, positions are lines');
    else notes.push('format: JSONL (one JSON object per line)');
    return { ...base, format };
  }
  if (format === 'json-array') {
    notes.push('format: JSON array of records; record positions are reported as 1-based record numbers, not lines');
    return { ...base, format };
  }
  if (format === 'json-path') {
    const src: DetectedSource = { ...base, format };
    const doc = parseCheckedWholeJson(await readWholeText(path, src, MAX_WHOLE_JSON_BYTES), path).doc;
    if (Array.isArray(doc)) {
      notes.push('format: JSON array of records; record positions are reported as 1-based record numbers, not lines');
      return { ...base, format: 'json-array' };
    }
    if (!isPlainObject(doc)) {
      throw new ImportFileError('NOT_RECOGNISED', path, `${name(path)}: the JSON document is ${describeJsonType(doc)}, not records`);
    }
    if (opts.recordPath === undefined && isOtlpTraces(doc)) {
      const spans = otlpDocSpans(doc, path).length;
      notes.push(`format: OTLP JSON traces document (${spans.toLocaleString('en-US')} span${spans === 1 ? '' : 's'} in ${doc.resourceSpans.length} resource group${doc.resourceSpans.length === 1 ? '' : 's'}); each span is a record, positions are span numbers`);
      return { ...base, format, container: 'otlp-traces' };
    }
    if (opts.recordPath === undefined && opts.format === undefined && recordArrayCandidates(doc).length === 0 && !/\.json$/.test(ext)) {
      notes.push('format: JSONL (a single JSON object with no array of records inside: read as one record)');
      return { ...base, format: 'jsonl' };
    }
    const found = resolveRecordPath(doc, path, opts.recordPath);
    notes.push(...found.notes, 'format: JSON object; record positions are reported as 1-based record numbers, not lines');
    return { ...base, format, recordPath: found.path };
  }

  // CSV
  let delimiter: CsvDelimiter;
  if (opts.delimiter !== undefined) {
    const d = opts.delimiter === 'tab' || opts.delimiter === '\\t' ? '\t' : opts.delimiter;
    if (!(DELIMITERS as readonly string[]).includes(d)) {
      throw new ImportFileError('NOT_RECOGNISED', path, `${name(path)}: delimiter "${opts.delimiter}" is not supported; choose one of , ; tab |`);
    }
    delimiter = d as CsvDelimiter;
    notes.push(`delimiter chosen: ${delimiter === '\t' ? 'tab' : delimiter}`);
  } else {
    const guess = guessDelimiter(text, sample.complete, /\.(tsv|tab)$/.test(ext));
    delimiter = guess.delimiter;
    notes.push(guess.fields > 1 ? `delimiter detected: ${delimiter === '\t' ? 'tab' : delimiter}` : 'one column (no , ; tab or | splits the header): using ,');
  }
  const parsed = Papa.parse<string[]>(text, { preview: 50, delimiter });
  const lineBreak = (['\n', '\r\n', '\r'] as const).find((b) => b === parsed.meta.linebreak) ?? '\n';
  const headerRow = parsed.data.find((row) => !isEmptyRow(row));
  if (headerRow === undefined) throw new ImportFileError('EMPTY', path, `${name(path)} has no header row`);
  const header = headerNames(headerRow);
  notes.push(...header.notes, `line breaks: ${lineBreak === '\r\n' ? 'CRLF' : lineBreak === '\n' ? 'LF' : 'CR'}`);
  return { ...base, format: 'csv', delimiter, lineBreak, header: header.names };
}

/** Options of {@link readRecords}. */
export interface ReadOptions {
  /** Checked between chunks and batches; reading stops with a DOMException named 'AbortError'. */
  signal?: AbortSignal;
  /** Records per batch (default {@link DEFAULT_BATCH_SIZE}). */
  batchSize?: number;
  /** Bytes read from disk per chunk (default {@link DEFAULT_CHUNK_BYTES}); tests use tiny chunks to cut records. */
  chunkBytes?: number;
  /** Largest JSON array/path document read whole, in decompressed bytes (default {@link MAX_WHOLE_JSON_BYTES}). */
  maxJsonBytes?: number;
  /** The name messages give the file (default: the detected source's display name, else the path's base name). */
  displayName?: string;
  /** Called with every chunk read from disk, before decompression (e.g. to hash the file while importing it). */
  onDiskBytes?: (chunk: Buffer) => void;
  /** Charged with the time spent decoding (UTF-8 checks, bytes → text) and parsing JSON lines (import/timings.ts). */
  clock?: PhaseClock;
}

/**
 * Streams the records of a file in batches, as described by {@link detectSource}.
 * Faults of one record (invalid JSON on a JSONL line, a CSV row with the wrong number of fields or broken quotes, a
 * JSON item that is not an object) are {@link RawReject}s and reading goes on. CSV rows whose cells are all empty or blank
 * are skipped and not counted; so are blank JSONL lines.
 * @throws ImportFileError TRUNCATED (gzip or JSON document ends early), ENCODING (a byte not valid in the encoding,
 *   with its line), UNREADABLE; DOMException 'AbortError' when `signal` aborts
 */
export async function* readRecords(filePath: string, src: DetectedSource, opts: ReadOptions = {}): AsyncGenerator<ReadBatch> {
  const path: FileRef = { path: filePath, name: opts.displayName ?? src.displayName ?? basename(filePath), ...(opts.onDiskBytes ? { onDiskBytes: opts.onDiskBytes } : {}), ...(opts.clock ? { clock: opts.clock } : {}) };
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const chunkBytes = Math.max(16, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  switch (src.format) {
    case 'jsonl':
      yield* readJsonl(path, src, batchSize, chunkBytes, opts.signal);
      return;
    case 'csv':
      yield* readCsv(path, src, batchSize, chunkBytes, opts.signal);
      return;
    case 'json-array':
    case 'json-path':
      yield* readWholeJson(path, src, batchSize, opts.maxJsonBytes ?? MAX_WHOLE_JSON_BYTES, opts.signal);
      return;
    case 'parquet':
      yield* readParquet(path, src, batchSize, opts.signal);
      return;
  }
}

/** A Parquet file's source description, from its footer (see parquet.ts). */
async function detectParquet(file: FileRef, size: number, displayName?: string): Promise<DetectedSource> {
  let info: Awaited<ReturnType<typeof parquetInfo>>;
  try {
    info = await parquetInfo(file.path);
  } catch (err) {
    throw new ImportFileError('TRUNCATED', file, `${name(file)} starts like a Parquet file but its footer cannot be read (${(err as Error).message}): the file is truncated or corrupt`, {
      cause: err, action: 'Download or export the file again.',
    });
  }
  const notes = [
    `format: Parquet (${info.rows.toLocaleString('en-US')} rows in ${info.rowGroups} row group${info.rowGroups === 1 ? '' : 's'}, ${info.columns.length} columns${info.codecs.length ? `, ${info.codecs.join('/').toLowerCase()}` : ''}${info.createdBy ? `, written by ${info.createdBy}` : ''}); record positions are row numbers`,
  ];
  if (info.rows === 0) throw new ImportFileError('EMPTY', file, `${name(file)} is a Parquet file with no rows`);
  return { format: 'parquet', compression: null, encoding: 'binary', totalBytes: size, dataBytes: info.dataBytes, notes, ...(displayName !== undefined ? { displayName } : {}) };
}

async function* readParquet(file: FileRef, src: DetectedSource, batchSize: number, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  try {
    for await (const slice of parquetSlices(file.path, signal)) {
      for (let i = 0; i < slice.rows.length; i += batchSize) {
        const records = slice.rows.slice(i, i + batchSize).map((record, k) => ({ line: slice.firstRow + i + k, record }));
        const done = Math.min(i + batchSize, slice.rows.length) === slice.rows.length;
        yield { records, rejects: [], bytesRead: Math.round(src.totalBytes * (done ? slice.fraction : slice.fraction * 0.999)) };
        throwIfAborted(signal, file);
      }
    }
  } catch (err) {
    if (err instanceof ImportFileError || (err instanceof Error && err.name === 'AbortError')) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw streamError(err, file);
    throw new ImportFileError('UNREADABLE', file, `${name(file)}: the Parquet data cannot be decoded (${e.message})`, { cause: err, action: 'Export the file again, or as CSV or JSONL.' });
  }
  yield { records: [], rejects: [], bytesRead: src.totalBytes };
}

/** Collects records and rejects and says when a batch is due. */
class Batcher {
  records: RawRecord[] = [];
  rejects: RawReject[] = [];
  sourceBytes = 0;
  constructor(private readonly size: number) {}
  get due(): boolean {
    return this.records.length + this.rejects.length >= this.size || this.sourceBytes >= BATCH_SOURCE_BYTES;
  }
  get empty(): boolean {
    return this.records.length === 0 && this.rejects.length === 0;
  }
  /** Hands over at most `size` records and `size` rejects (all of them when fewer). */
  take(bytesRead: number): ReadBatch {
    if (this.records.length <= this.size && this.rejects.length <= this.size) {
      const b = { records: this.records, rejects: this.rejects, bytesRead };
      this.records = [];
      this.rejects = [];
      this.sourceBytes = 0;
      return b;
    }
    const records = this.records.splice(0, this.size);
    const rejects = this.rejects.splice(0, this.size);
    this.sourceBytes = 0;
    return { records, rejects, bytesRead };
  }
}

async function* readJsonl(file: FileRef, src: DetectedSource, batchSize: number, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const progress = { bytesRead: 0 };
  const batch = new Batcher(batchSize);
  let line = 0;
  let partial: Buffer[] = [];
  let partialBytes = 0;

  const handle = (buf: Buffer, lineNo: number, last: boolean): void => {
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 13) end--; // CRLF
    let start = 0;
    while (start < end && (buf[start] === 32 || buf[start] === 9 || buf[start] === 13)) start++;
    if (start === end) return; // blank line
    batch.sourceBytes += end - start;
    const nul = buf.indexOf(0, start);
    if (nul !== -1 && nul < end) {
      batch.rejects.push({ line: lineNo, field: null, reason: `the line contains a NUL byte (U+0000) at column ${nul - start + 1}: not text (a binary fragment or a corrupt export)` });
      return;
    }
    const clock = file.clock;
    const t0 = clock ? performance.now() : 0;
    const text = buf.toString('utf8', start, end);
    const t1 = clock ? performance.now() : 0;
    if (mayNestDeeperThan(buf, start, end, MAX_JSON_DEPTH)) {
      const depth = jsonDepth(text, MAX_JSON_DEPTH);
      if (depth > MAX_JSON_DEPTH) {
        batch.rejects.push({ line: lineNo, ...depthProblem(depth) });
        return;
      }
    }
    const parsed = checkedParse(text, parseJsonExact);
    if (clock) {
      const t2 = performance.now();
      clock.add('decode', t1 - t0);
      clock.add('parse', t2 - t1);
    }
    if (!parsed.ok) {
      if (parsed.problem) {
        batch.rejects.push({ line: lineNo, ...parsed.problem });
        return;
      }
      // The last line, cut short (no line break after it, and the JSON ends early): the file is truncated.
      if (last && endsEarly(parsed.error, text)) {
        throw new ImportFileError('TRUNCATED', file, `${name(file)}: line ${lineNo} ends mid-record (${parsed.error.message}): the file is truncated`, {
          line: lineNo,
          action: 'Download or export the file again; the end of it is missing.',
        });
      }
      const place = placeJsonError(parsed.error, text);
      batch.rejects.push({ line: lineNo, field: null, reason: `invalid JSON: ${place.detail}${place.column !== undefined ? ` at column ${place.column}` : ''}` });
      return;
    }
    const value = parsed.value;
    if (!isPlainObject(value)) {
      batch.rejects.push({ line: lineNo, field: null, reason: `expected a JSON object, found ${describeJsonType(value)}` });
      return;
    }
    // The Collector file exporter writes one OTLP document per line: its spans are the records.
    if (isOtlpTraces(value)) {
      let spans: Record<string, unknown>[];
      try {
        spans = otlpSpans(value);
      } catch (e) {
        // One malformed document of a Collector file is that line's reject, as any bad JSONL line is.
        if (!(e instanceof OtlpShapeError)) throw e;
        batch.rejects.push({ line: lineNo, field: e.field, reason: e.message });
        return;
      }
      for (const span of spans) batch.records.push({ line: lineNo, record: span });
      return;
    }
    batch.records.push({ line: lineNo, record: value });
  };

  for await (const chunk of utf8Bytes(file, src, chunkBytes, signal, progress)) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      line++;
      if (partial.length > 0) {
        partial.push(chunk.subarray(start, nl));
        handle(Buffer.concat(partial), line, false);
        partial = [];
        partialBytes = 0;
      } else {
        handle(chunk.subarray(start, nl), line, false);
      }
      start = nl + 1;
      if (batch.due) {
        yield batch.take(progress.bytesRead);
        throwIfAborted(signal, file);
      }
    }
    if (start < chunk.length) {
      partial.push(chunk.subarray(start));
      partialBytes += chunk.length - start;
      if (partialBytes > MAX_RECORD_BYTES) {
        throw new ImportFileError('UNREADABLE', file, `${name(file)}: line ${line + 1} is longer than ${formatBytes(MAX_RECORD_BYTES)}`, {
          line: line + 1,
          action: 'Check that the file is JSONL (one JSON object per line).',
        });
      }
    }
    if (batch.due) {
      yield batch.take(progress.bytesRead);
      throwIfAborted(signal, file);
    }
  }
  if (partial.length > 0) handle(Buffer.concat(partial), line + 1, true);
  yield batch.take(progress.bytesRead); // the last batch may be empty: it carries the final bytesRead
}

async function* readCsv(file: FileRef, src: DetectedSource, batchSize: number, chunkBytes: number, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const progress = { bytesRead: 0 };
  const batch = new Batcher(batchSize);
  const delimiter = src.delimiter ?? ',';
  // Papa's Parser is the engine behind Papa.parse's own streaming (ChunkStreamer): it parses a string, and with
  // ignoreLastRow leaves the unfinished last row for the next call; we drive it here to keep backpressure.
  const parser = new Papa.Parser({ delimiter, newline: src.lineBreak ?? '\n', quoteChar: '"' });
  let header: string[] | null = null;
  let nextLine = 1;
  let pending = '';
  let retryAt = 0; // amortises re-parsing of a very long unfinished row: wait until the text has doubled

  let hasNul = false; // the text being parsed holds a NUL: check each row's cells
  let endsWithLineBreak = false; // set before the final parse: the file's last character is a line break
  const takeRows = (result: { data: string[][]; errors: Papa.ParseError[] }, final: boolean): void => {
    const errorsByRow = new Map<number, Papa.ParseError>();
    for (const e of result.errors) {
      if (e.row !== undefined && e.row < result.data.length && !errorsByRow.has(e.row)) errorsByRow.set(e.row, e);
    }
    for (let i = 0; i < result.data.length; i++) {
      const row = result.data[i] as string[];
      // A stray CR left by a CRLF line in a file detected as LF belongs to the line break, not to the cell.
      if (src.lineBreak !== '\r\n' && row.length > 0) {
        const last = row[row.length - 1] as string;
        if (last.endsWith('\r')) row[row.length - 1] = last.slice(0, -1);
      }
      const line = nextLine;
      nextLine += 1 + breaksInRow(row);
      if (isEmptyRow(row)) continue;
      if (header === null) {
        header = src.header && src.header.length === row.length ? src.header : headerNames(row).names;
        continue;
      }
      batch.sourceBytes += row.reduce((n, c) => n + c.length + 1, 0);
      const err = errorsByRow.get(i);
      if (err !== undefined && err.code === 'MissingQuotes' && final) {
        throw new ImportFileError('TRUNCATED', file, `${name(file)}: the quoted field starting on line ${line} is never closed before the end of the file: the file is truncated (or a quote is unbalanced)`, {
          line,
          action: 'Download or export the file again; if it is whole, fix the quote on that line (a quote inside a quoted field is written twice, "").',
        });
      }
      if (hasNul) {
        const j = row.findIndex((c) => c.includes('\u0000'));
        if (j !== -1) {
          const field = header[j] ?? null;
          batch.rejects.push({ line, field, reason: `${field ? `${field}: ` : ''}contains a NUL byte (U+0000) at position ${row[j]!.indexOf('\u0000') + 1}: not text (a binary fragment or a corrupt export)` });
          continue;
        }
      }
      if (err !== undefined) {
        // A quote left open swallows the lines after it into one field until some later quote closes it. When the
        // lines swallowed look like rows of their own (as many delimiters as the header needs), rejecting this one
        // row would drop them uncounted: the file is refused, naming the lines.
        const looksLikeRows = swallowedRows(row, delimiter, header.length);
        if (looksLikeRows > 0) {
          const last = line + breaksInRow(row);
          throw new ImportFileError('UNREADABLE', file, `${name(file)}: the quoted field starting on line ${line} is not closed on its line: lines ${line}–${last} (${looksLikeRows} of them shaped like rows of their own) would be read as one field`, {
            line,
            action: 'Fix the quote on that line (a quote inside a quoted field is written twice, "") and import the file again; nothing was imported.',
          });
        }
        const reason =
          err.code === 'MissingQuotes'
            ? `a quoted field starting on this line is never closed${final ? ' before the end of the file (the file may be truncated, or a quote is unbalanced)' : ''}`
            : `malformed quotes: ${err.message} (RFC 4180: a quote inside a quoted field is written twice, "")`;
        batch.rejects.push({ line, field: header[Math.min(row.length, header.length) - 1] ?? null, reason });
        continue;
      }
      if (final && i === result.data.length - 1 && row.length < header.length && !endsWithLineBreak) {
        // The last row is short and the file does not end with a line break: what a file cut off in the middle of a
        // row looks like (an interrupted download or export). Refused like a cut JSON record, not half imported.
        throw new ImportFileError('TRUNCATED', file, `${name(file)}: the last row (line ${line}) has ${row.length} of the header's ${header.length} fields and the file ends without a line break: the file is truncated`, {
          line,
          action: 'Download or export the file again; nothing was imported.',
        });
      }
      if (row.length !== header.length) {
        const extraEmpty = row.length > header.length && row.slice(header.length).every((c) => c.trim() === '');
        if (!extraEmpty) {
          batch.rejects.push({
            line,
            field: null,
            reason: `row has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${header.length} (delimiter "${delimiter === '\t' ? 'tab' : delimiter}")`,
          });
          continue;
        }
      }
      const record: Record<string, unknown> = {};
      for (let j = 0; j < header.length; j++) setOwn(record, header[j] as string, row[j]);
      batch.records.push({ line, record });
    }
  };

  for await (const text of textChunks(file, src, chunkBytes, signal, progress)) {
    pending = pending.length > 0 ? pending + text : text;
    if (pending.length < retryAt) continue;
    hasNul = pending.includes('\u0000');
    const result = parser.parse(pending, 0, true) as { data: string[][]; errors: Papa.ParseError[]; meta: { cursor: number } };
    takeRows(result, false);
    pending = pending.slice(result.meta.cursor);
    if (pending.length > MAX_RECORD_BYTES) {
      throw new ImportFileError('UNREADABLE', file, `${name(file)}: the record at line ${nextLine} is longer than ${formatBytes(MAX_RECORD_BYTES)} (an unclosed quote?)`, {
        line: nextLine,
      });
    }
    retryAt = pending.length >= 1024 * 1024 ? pending.length * 2 : 0;
    while (batch.due) {
      yield batch.take(progress.bytesRead);
      throwIfAborted(signal, file);
    }
  }
  if (pending.length > 0) {
    hasNul = pending.includes('\u0000');
    endsWithLineBreak = /[\r\n]$/.test(pending);
    const result = parser.parse(pending, 0, false) as { data: string[][]; errors: Papa.ParseError[] };
    takeRows(result, true);
  }
  while (batch.due) yield batch.take(progress.bytesRead);
  yield batch.take(progress.bytesRead); // the last batch may be empty: it carries the final bytesRead
}

async function* readWholeJson(file: FileRef, src: DetectedSource, batchSize: number, maxBytes: number, signal?: AbortSignal): AsyncGenerator<ReadBatch> {
  const checked = parseCheckedWholeJson(await readWholeText(file, src, maxBytes, signal), file);
  const doc = checked.doc;
  let items: unknown;
  if (src.format === 'json-array') {
    if (!Array.isArray(doc)) {
      throw new ImportFileError('NOT_RECOGNISED', file, `${name(file)}: expected a JSON array of records, found ${describeJsonType(doc)}`);
    }
    items = doc;
  } else {
    if (!isPlainObject(doc)) {
      throw new ImportFileError('NOT_RECOGNISED', file, `${name(file)}: expected a JSON object holding records, found ${describeJsonType(doc)}`);
    }
    items = src.container === 'otlp-traces' && isOtlpTraces(doc) ? otlpDocSpans(doc, file) : atPath(doc, resolveRecordPath(doc, file, src.recordPath).path);
  }
  const list = items as unknown[];
  const batch = new Batcher(batchSize);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    const problem = isPlainObject(v) ? checked.check(v) : null;
    if (problem) batch.rejects.push({ line: i + 1, ...problem });
    else if (isPlainObject(v)) batch.records.push({ line: i + 1, record: v });
    else batch.rejects.push({ line: i + 1, field: null, reason: `record ${i + 1} is ${describeJsonType(v)}, expected a JSON object` });
    if (batch.due) {
      yield batch.take(Math.round((src.totalBytes * (i + 1)) / list.length));
      throwIfAborted(signal, file);
    }
  }
  yield batch.take(src.totalBytes); // the last batch may be empty: it carries the final bytesRead
}
