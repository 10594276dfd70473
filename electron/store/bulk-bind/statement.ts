/**
 * A bulk binder for the import's upserts: binds a row's values straight through SQLite's C API in the sql.js module
 * instead of sql.js's `Statement.run`, which encodes every string with a JS loop into its own `malloc`ed copy
 * (about 40% of the store thread's insert time at 200k rows, measured with --cpu-prof). Here a row's strings are
 * UTF-8 encoded by the engine into one scratch buffer, copied into the wasm heap in one go and bound in place
 * (SQLITE_STATIC), then the statement is stepped and reset.
 *
 * What is stored is exactly what `Statement.run(values)` stores: strings as TEXT of their UTF-8 bytes (embedded
 * U+0000 kept: the length is given), a number that is a 32-bit integer through sqlite3_bind_int and any other number
 * through sqlite3_bind_double, booleans as 1/0, null as NULL. A string that is not well-formed UTF-16 (a lone
 * surrogate), a bigint or a byte array take sql.js's own path for that row (sql.js encodes lone surrogates its way).
 */
import type { SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { loadedSqlJs, type Db } from '../db';
import { TAG_INT, TAG_NULL, TAG_TEXT, wellFormed, type EncodedValues } from '../import/encoded';

/** The Emscripten exports of sql.js used here (present in sql.js 1.17's build; checked when a binder is made). */
interface SqliteExports {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _sqlite3_bind_text(stmt: number, index: number, ptr: number, bytes: number, destructor: number): number;
  _sqlite3_bind_int(stmt: number, index: number, value: number): number;
  _sqlite3_bind_double(stmt: number, index: number, value: number): number;
  _sqlite3_bind_blob(stmt: number, index: number, ptr: number, bytes: number, destructor: number): number;
  _sqlite3_step(stmt: number): number;
  _sqlite3_reset(stmt: number): number;
  _sqlite3_clear_bindings(stmt: number): number;
  _sqlite3_errmsg(db: number): number;
  _sqlite3_sql(stmt: number): number;
  writeArrayToMemory(bytes: Int8Array | Uint8Array, ptr: number): void;
  UTF8ToString(ptr: number): string;
}

const SQLITE_OK = 0;
const SQLITE_ROW = 100;
const SQLITE_DONE = 101;
/** Destructor argument: SQLite uses the bytes in place until the next bind or reset. */
const SQLITE_STATIC = 0;

/** A prepared statement bound and run through the C API. Made by {@link bulkStatement}. */
export interface BulkStatement {
  /**
   * Binds `values` (parameter i+1 = values[i]) and steps the statement once, then resets it.
   * @throws Error with SQLite's message (as sql.js throws it) when a bind or the step fails; the statement is reset
   */
  run(values: readonly SqlValue[]): void;
  /**
   * Copies an encoded batch's text (import/encoded.ts) into the engine's memory, once, for {@link runEncoded}.
   * @throws Error when the memory cannot be had
   */
  load(enc: EncodedValues): void;
  /**
   * Binds the loaded batch's values [at, at + width) (parameter j+1 = value at+j, except parameter `setAt`+1, bound
   * to the integer `setValue`) and steps the statement once, then resets it. Binds exactly what {@link run} binds
   * for the same values as mapped. A row in the batch's `slow` list must go through {@link run} instead.
   * @throws Error with SQLite's message when a bind or the step fails; the statement is reset
   */
  runEncoded(at: number, width: number, setAt: number, setValue: number): void;
  /** Frees the scratch memory; the statement itself stays with the Db's cache. */
  close(): void;
}

/** The sql.js statement's pointer: its one numeric field that SQLite knows as a statement of this SQL text. */
function statementPointer(m: SqliteExports, st: Statement, sql: string): number | null {
  for (const v of Object.values(st as unknown as Record<string, unknown>)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 4096) continue;
    if (m.UTF8ToString(m._sqlite3_sql(v)) === sql) return v;
  }
  return null;
}

function exportsOf(sql: SqlJsStatic | null): SqliteExports | null {
  if (!sql) return null;
  const m = sql as unknown as Record<string, unknown>;
  const names = ['_malloc', '_free', '_sqlite3_bind_text', '_sqlite3_bind_int', '_sqlite3_bind_double', '_sqlite3_bind_blob', '_sqlite3_step',
    '_sqlite3_reset', '_sqlite3_clear_bindings', '_sqlite3_errmsg', '_sqlite3_sql', 'writeArrayToMemory', 'UTF8ToString'];
  return names.every((n) => typeof m[n] === 'function') ? (sql as unknown as SqliteExports) : null;
}

/**
 * A bulk binder for `sql` on `db` (the statement comes from the Db's cache, so it is finalized with the Db), or
 * null when the sql.js build lacks an export it needs (then use `db.stmt(sql).run`).
 */
export function bulkStatement(db: Db, sql: string): BulkStatement | null {
  const m = exportsOf(loadedSqlJs());
  if (!m) return null;
  const st = db.stmt(sql);
  const stmt = statementPointer(m, st, sql);
  if (stmt === null) return null;
  const dbPtr = (db.raw as unknown as { db: number }).db;
  if (typeof dbPtr !== 'number') return null;
  let capacity = 1 << 20;
  let heap = m._malloc(capacity);
  let scratch = new ArrayBuffer(capacity);
  let bytes = Buffer.from(scratch);
  let signed = new Int8Array(scratch);
  const offsets: number[] = [];
  const lengths: number[] = [];
  // The loaded batch's text, in the engine's memory, and its values.
  let batchCapacity = 0;
  let batchHeap = 0;
  let loaded: EncodedValues | null = null;

  const fail = (rc: number): never => {
    const msg = m.UTF8ToString(m._sqlite3_errmsg(dbPtr));
    m._sqlite3_reset(stmt);
    throw new Error(msg || `SQLite error ${rc}`);
  };
  const slow = (values: readonly SqlValue[]) => {
    // sql.js's own path (it resets and clears the bindings first).
    st.run(values as SqlValue[]);
  };

  return {
    run(values) {
      // First pass: the byte room the row's strings may need, and whether every value can be bound here.
      let need = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v === 'string') {
          if (!wellFormed(v)) return slow(values);
          need += v.length * 3;
        } else if (v !== null && typeof v !== 'number' && typeof v !== 'boolean') {
          return slow(values);
        }
      }
      if (need > capacity) {
        while (capacity < need) capacity *= 2;
        m._free(heap);
        heap = m._malloc(capacity);
        if (!heap) throw new Error(`Out of memory binding a row of ${need} bytes`);
        scratch = new ArrayBuffer(capacity);
        bytes = Buffer.from(scratch);
        signed = new Int8Array(scratch);
      }
      let off = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v === 'string') {
          const n = v.length === 0 ? 0 : bytes.write(v, off, 'utf8');
          offsets[i] = off;
          lengths[i] = n;
          off += n;
        }
      }
      if (off > 0) m.writeArrayToMemory(signed.subarray(0, off), heap);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const p = i + 1;
        let rc: number;
        if (typeof v === 'string') rc = m._sqlite3_bind_text(stmt, p, heap + offsets[i]!, lengths[i]!, SQLITE_STATIC);
        else if (typeof v === 'number') rc = v === (v | 0) ? m._sqlite3_bind_int(stmt, p, v) : m._sqlite3_bind_double(stmt, p, v);
        else if (typeof v === 'boolean') rc = m._sqlite3_bind_int(stmt, p, v ? 1 : 0);
        else rc = m._sqlite3_bind_blob(stmt, p, 0, 0, 0); // NULL, as sql.js binds it
        if (rc !== SQLITE_OK) fail(rc);
      }
      const rc = m._sqlite3_step(stmt);
      if (rc !== SQLITE_DONE && rc !== SQLITE_ROW) fail(rc);
      m._sqlite3_reset(stmt);
    },
    load(enc) {
      // The statement may still point into the previous batch's bytes: cleared before they are overwritten.
      m._sqlite3_clear_bindings(stmt);
      const need = enc.bytes.byteLength;
      if (need > batchCapacity) {
        if (batchHeap) m._free(batchHeap);
        batchCapacity = Math.max(need, batchCapacity * 2, 1 << 20);
        batchHeap = m._malloc(batchCapacity);
        if (!batchHeap) {
          batchCapacity = 0;
          throw new Error(`Out of memory loading a batch of ${need} bytes`);
        }
      }
      // As signed bytes: the engine's heap view is an Int8Array, and a copy between typed arrays of one type is a memcpy.
      if (need > 0) m.writeArrayToMemory(new Int8Array(enc.bytes.buffer, enc.bytes.byteOffset, need), batchHeap);
      loaded = enc;
    },
    runEncoded(at, width, setAt, setValue) {
      const enc = loaded;
      if (!enc) throw new Error('runEncoded before load');
      const { tags, num, len } = enc;
      for (let j = 0; j < width; j++) {
        const p = j + 1;
        const i = at + j;
        let rc: number;
        if (j === setAt) rc = m._sqlite3_bind_int(stmt, p, setValue);
        else {
          const t = tags[i];
          if (t === TAG_TEXT) rc = m._sqlite3_bind_text(stmt, p, batchHeap + num[i]!, len[i]!, SQLITE_STATIC);
          else if (t === TAG_INT) rc = m._sqlite3_bind_int(stmt, p, num[i]!);
          else if (t === TAG_NULL) rc = m._sqlite3_bind_blob(stmt, p, 0, 0, 0); // NULL, as sql.js binds it
          else rc = m._sqlite3_bind_double(stmt, p, num[i]!);
        }
        if (rc !== SQLITE_OK) fail(rc);
      }
      const rc = m._sqlite3_step(stmt);
      if (rc !== SQLITE_DONE && rc !== SQLITE_ROW) fail(rc);
      m._sqlite3_reset(stmt);
    },
    close() {
      // The bindings point into the scratch: cleared before it is freed.
      m._sqlite3_clear_bindings(stmt);
      m._free(heap);
      if (batchHeap) m._free(batchHeap);
      batchHeap = 0;
      loaded = null;
    },
  };
}
