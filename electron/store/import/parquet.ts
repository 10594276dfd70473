/**
 * Parquet files, read through hyparquet (pure JavaScript, no native build; Snappy built in, and gzip, Brotli, ZSTD
 * and LZ4 through hyparquet-compressors). A Parquet file is recognised by its magic bytes `PAR1` at both ends
 * (Apache Parquet format specification, "File format"), whatever its name.
 *
 * Memory stays bounded: the file is read by random access (the footer, then column chunks) and handed over as plain
 * records slice by slice. A row group whose column chunks all carry an offset index (written by default by
 * hyparquet-writer and by pyarrow with `write_page_index=True`) is decoded {@link SLICE_ROWS} rows at a time, reading
 * only the pages each slice needs; a row group without one is decoded whole (hyparquet would decode the chunk up to
 * each slice's end again), so there memory follows the writer's row-group size.
 *
 * Values are made plain for the mapping layer: INT64 within ±(2^53 − 1) becomes a number and beyond it its exact
 * decimal text; timestamps become ISO 8601 UTC text (millisecond precision); DATE becomes `YYYY-MM-DD`; binary that is
 * not text becomes base64; lists, structs and maps stay arrays and objects. Record positions are 1-based row numbers.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/**
 * Rows decoded at a time from a row group whose column chunks have an offset index. Measured here on a 1,000,000-row
 * single-row-group file (5 columns, 43 MB): 100,000-row slices read it in 8.3 s at 372 MB peak RSS, against 7.0 s and
 * 1,140 MB for the whole group at once; 10,000-row slices cost more per row (each slice plans its pages anew).
 */
export const SLICE_ROWS = 100_000;

/** An AsyncBuffer over an open file: positional reads, nothing cached. */
function fileBuffer(fh: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const len = Math.max(0, stop - start);
      const buf = new Uint8Array(new ArrayBuffer(len));
      let off = 0;
      while (off < len) {
        const { bytesRead } = await fh.read(buf, off, len - off, start + off);
        if (bytesRead === 0) throw Object.assign(new Error(`unexpected end of file at byte ${start + off} of ${size}`), { code: 'PARQUET_SHORT_READ' });
        off += bytesRead;
      }
      return buf.buffer;
    },
  };
}

const parsers = {
  timestampFromMilliseconds: (ms: bigint) => isoOf(Number(ms)),
  timestampFromMicroseconds: (us: bigint) => isoOf(Number(us / 1000n)),
  timestampFromNanoseconds: (ns: bigint) => isoOf(Number(ns / 1_000_000n)),
  dateFromDays: (days: number) => (isoOf(days * 86_400_000) ?? '').slice(0, 10) || null,
};

function isoOf(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A Parquet value as plain JSON-like data (see the module doc). */
export function plainValue(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  switch (typeof v) {
    case 'bigint':
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
    case 'number':
      // NaN is pandas' missing value; ±Infinity is kept, so a mapped field rejects its row ("expected a finite
      // number") instead of storing it as an empty cell without a word.
      return Number.isNaN(v) ? null : v;
    case 'object': {
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
      if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, plainValue);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = plainValue(x);
      return out;
    }
    default:
      return v;
  }
}

/** What the preview says about a Parquet file, from its footer. */
export interface ParquetInfo {
  rows: number;
  rowGroups: number;
  columns: string[];
  createdBy: string | null;
  codecs: string[];
  /**
   * Bytes its records are expected to take once read: the row groups' uncompressed size (total_byte_size), but at
   * least 512 bytes a row, since dictionary encoding hides repeated text (a request row in a workspace takes ~520).
   */
  dataBytes: number;
}

/** True when the first four bytes are the Parquet magic `PAR1`. */
export function isParquetMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;
}

/**
 * Reads the footer of a Parquet file.
 * @throws Error when the footer is missing or corrupt (a truncated download), with hyparquet's reason
 */
export async function parquetInfo(path: string): Promise<ParquetInfo> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const meta = await parquetMetadataAsync(fileBuffer(fh, size));
    return describe(meta);
  } finally {
    await fh.close();
  }
}

function describe(meta: FileMetaData): ParquetInfo {
  const codecs = new Set<string>();
  for (const g of meta.row_groups) for (const c of g.columns) if (c.meta_data) codecs.add(String(c.meta_data.codec));
  return {
    rows: Number(meta.num_rows),
    rowGroups: meta.row_groups.length,
    columns: parquetSchema(meta).children.map((c) => c.element.name),
    createdBy: meta.created_by ?? null,
    codecs: [...codecs],
    dataBytes: Math.max(meta.row_groups.reduce((n, g) => n + Number(g.total_byte_size ?? 0), 0), Number(meta.num_rows) * 512),
  };
}

/** One slice of rows as plain records, with its first row number (1-based) and the share of the file read so far. */
export interface ParquetSlice { firstRow: number; rows: Record<string, unknown>[]; fraction: number }

/**
 * Streams the rows of a Parquet file in slices of at most {@link SLICE_ROWS} rows.
 * @param signal - checked between slices; aborting stops with a DOMException named 'AbortError'
 * @throws Error from hyparquet for corrupt data (the caller names the file)
 */
export async function* parquetSlices(path: string, signal?: AbortSignal, sliceRows = SLICE_ROWS): AsyncGenerator<ParquetSlice> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const file = fileBuffer(fh, size);
    const metadata = await parquetMetadataAsync(file);
    const total = Number(metadata.num_rows);
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupRows = Number(group.num_rows);
      const indexed = group.columns.every((c) => c.offset_index_offset !== undefined && c.offset_index_offset !== null);
      const step = indexed ? sliceRows : Math.max(groupRows, 1);
      for (let start = groupStart; start < groupStart + groupRows; start += step) {
        if (signal?.aborted) throw new DOMException('Reading the Parquet file was cancelled', 'AbortError');
        const end = Math.min(start + step, groupStart + groupRows);
        const rows = await parquetReadObjects({ file, metadata, rowStart: start, rowEnd: end, compressors, parsers, useOffsetIndex: indexed });
        yield { firstRow: start + 1, rows: rows.map((r) => plainValue(r) as Record<string, unknown>), fraction: total ? end / total : 1 };
      }
      groupStart += groupRows;
    }
  } finally {
    await fh.close();
  }
}
