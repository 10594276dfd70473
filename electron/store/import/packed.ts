/**
 * The stored columns of each kind, and mapped batches packed for the trip from the import's reading thread to the
 * store thread: every row's values one after the other in column order instead of an object per row, encoded for
 * binding (encoded.ts: tags, numbers and UTF-8 bytes in transferred buffers). A structured clone of objects writes and
 * reads every property name of every row; a flat array of values cloned in about a fifth of that time, and the encoded
 * buffers are moved without a copy, the store thread binding their bytes in place.
 *
 * A packed batch holds exactly what its {@link MappedBatch} held: each record's line and rows (kind, values, the
 * ticket's as-of time), its rejects and the reasons for parts skipped, and the reader's rejects.
 */
import type { RecordKind, RejectedRow } from '../../../shared/types';
import type { MappedBatch } from './map-batches';
import type { RawReject } from './read';
import type { CellBuilder } from '../summaries/stream';
import { transferables, ValueEncoder, type EncodedValues } from './encoded';

/** The columns each kind stores, in the order the import's upsert binds them (`id` first). */
export const COLUMNS: Record<RecordKind, readonly string[]> = {
  requests: ['id', 'ts', 'user_id', 'session_id', 'segment', 'model', 'model_version', 'feature', 'lang', 'input', 'output',
    'latency_ms', 'ttft_ms', 'tokens_in', 'tokens_out', 'cost_usd', 'cost_source', 'status', 'error', 'is_error',
    'input_chars', 'output_chars', 'extra', 'import_id', 'trace_id', 'region',
    'tokens_cached_in', 'tokens_cache_write_in', 'service_tier', 'price_model', 'price_as_of', 'price_tier', 'tokens_cache_write_1h_in'],
  feedback: ['id', 'request_id', 'session_id', 'user_id', 'ts', 'kind', 'value', 'scale', 'label', 'comment', 'source',
    'link_method', 'extra', 'import_id', 'trace_id', 'automated', 'measure'],
  tickets: ['id', 'created_ts', 'updated_ts', 'resolved_ts', 'first_response_ts', 'requester', 'requester_email', 'user_id', 'session_id',
    'subject', 'body', 'status', 'priority', 'channel', 'tags', 'csat', 'request_ref', 'extra', 'import_id'],
};

/**
 * Appends a mapped row's values to `out`, in its kind's {@link COLUMNS} order, null where the row has none
 * (`import_id` too: the store sets it). Appends rather than returns, so the packer adds no array per row.
 * @returns `out`
 */
export function pushRowValues(out: Array<string | number | null>, kind: RecordKind, row: Readonly<Record<string, string | number | null>>): Array<string | number | null> {
  PUSH[kind](out, row);
  return out;
}

type Row = Readonly<Record<string, string | number | null>>;
/**
 * Per kind, its {@link COLUMNS} read by name, in order (`import_id` null): named loads from rows of one shape
 * (mapping.ts ROW_TEMPLATES) instead of a loop of keyed loads, which cost 17% of the reading thread at 200k rows
 * (--cpu-prof). packed.test.ts holds each list equal to COLUMNS.
 */
const PUSH: Record<RecordKind, (out: Array<string | number | null>, r: Row) => void> = {
  requests: (out, r) => {
    out.push(
      r.id ?? null, r.ts ?? null, r.user_id ?? null, r.session_id ?? null, r.segment ?? null,
      r.model ?? null, r.model_version ?? null, r.feature ?? null, r.lang ?? null, r.input ?? null,
      r.output ?? null, r.latency_ms ?? null, r.ttft_ms ?? null, r.tokens_in ?? null, r.tokens_out ?? null,
      r.cost_usd ?? null, r.cost_source ?? null, r.status ?? null, r.error ?? null, r.is_error ?? null,
      r.input_chars ?? null, r.output_chars ?? null, r.extra ?? null, null, r.trace_id ?? null,
      r.region ?? null, r.tokens_cached_in ?? null, r.tokens_cache_write_in ?? null,
      r.service_tier ?? null, r.price_model ?? null, r.price_as_of ?? null, r.price_tier ?? null,
      r.tokens_cache_write_1h_in ?? null,
    );
  },
  feedback: (out, r) => {
    out.push(
      r.id ?? null, r.request_id ?? null, r.session_id ?? null, r.user_id ?? null, r.ts ?? null,
      r.kind ?? null, r.value ?? null, r.scale ?? null, r.label ?? null, r.comment ?? null,
      r.source ?? null, r.link_method ?? null, r.extra ?? null, null, r.trace_id ?? null,
      r.automated ?? null, r.measure ?? null,
    );
  },
  tickets: (out, r) => {
    out.push(
      r.id ?? null, r.created_ts ?? null, r.updated_ts ?? null, r.resolved_ts ?? null,
      r.first_response_ts ?? null, r.requester ?? null, r.requester_email ?? null, r.user_id ?? null,
      r.session_id ?? null, r.subject ?? null, r.body ?? null, r.status ?? null, r.priority ?? null,
      r.channel ?? null, r.tags ?? null, r.csat ?? null, r.request_ref ?? null, r.extra ?? null, null,
    );
  },
};

/** Kinds by their code in {@link PackedBatch.kinds}. */
export const KIND_OF_CODE: readonly RecordKind[] = ['requests', 'feedback', 'tickets'];
const CODE_OF_KIND: Record<RecordKind, number> = { requests: 0, feedback: 1, tickets: 2 };

/** A {@link MappedBatch} packed (see the module comment). */
export interface PackedBatch {
  packed: true;
  /** Cumulative bytes read, as the batch reported it. */
  bytesRead: number;
  /** Records the reader could not read, not yet scrubbed. */
  rejects: RawReject[];
  /** Per record, in file order: its line and how many rows it gave. */
  lines: number[];
  rowCounts: number[];
  /** The records that rejected or skipped something: their index in `lines`, ascending. */
  extras: Array<{ i: number; rejects: RejectedRow[]; skipped: string[] }>;
  /** Per row: its kind's code ({@link KIND_OF_CODE}). */
  kinds: number[];
  /** Per row: the ticket state's as-of time (UTC ms) or null; null for the whole batch when no row has one. */
  versions: Array<number | null> | null;
  /**
   * Every row's values, {@link COLUMNS} of its kind in order, one after the other (`import_id` null), encoded for
   * binding (import/encoded.ts; post the batch with its buffers transferred: {@link packedTransferables}).
   */
  enc: EncodedValues;
}

/** The buffers of a packed batch to transfer when it is posted. */
export function packedTransferables(b: PackedBatch): ArrayBuffer[] {
  return transferables(b.enc);
}

/** The text bytes of the last batch packed (this thread's), to size the next one's buffer. */
let lastTextBytes = 1 << 20;

/** Whether a batch is packed. */
export function isPacked(b: MappedBatch | PackedBatch): b is PackedBatch {
  return (b as PackedBatch).packed === true;
}

/**
 * Packs a mapped batch (on the reading thread, before it is posted).
 * @param cells - when given, each request row is added to it as packed (summaries/stream.ts: the summary cells are
 *   built on the reading thread)
 * @returns the same records, rows, rejects and skips, packed
 */
export function packBatch(b: MappedBatch, cells: CellBuilder | null = null): PackedBatch {
  const enc = new ValueEncoder(b.records.length * COLUMNS.requests.length + 64, lastTextBytes + (lastTextBytes >> 3));
  const out: PackedBatch = { packed: true, bytesRead: b.bytesRead, rejects: b.rejects, lines: [], rowCounts: [], extras: [], kinds: [], versions: null, enc: null! };
  const vals: Array<string | number | null> = [];
  let versions: Array<number | null> | null = null;
  for (let i = 0; i < b.records.length; i++) {
    const { line, m } = b.records[i]!;
    out.lines.push(line);
    out.rowCounts.push(m.rows.length);
    if (m.rejects.length > 0 || m.skipped.length > 0) out.extras.push({ i, rejects: m.rejects, skipped: m.skipped });
    for (const r of m.rows) {
      const v = r.version ?? null;
      if (v !== null && versions === null) versions = out.kinds.map(() => null);
      versions?.push(v);
      out.kinds.push(CODE_OF_KIND[r.kind]);
      vals.length = 0;
      enc.addRow(pushRowValues(vals, r.kind, r.row));
      if (cells && r.kind === 'requests') cells.add(vals);
    }
  }
  out.versions = versions;
  out.enc = enc.finish();
  lastTextBytes = Math.max(1024, out.enc.bytes.byteLength);
  return out;
}
