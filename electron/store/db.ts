/**
 * A thin, typed layer over one sql.js database. Only the store worker (and tests of the store) hold one.
 */
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue, type Statement } from 'sql.js';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let sqlPromise: Promise<SqlJsStatic> | null = null;
let sqlModule: SqlJsStatic | null = null;

/** Loads the sql.js WebAssembly module once per thread. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlPromise ??= initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) }).then((m) => (sqlModule = m));
  return sqlPromise;
}

/**
 * The sql.js module of this thread once {@link loadSqlJs} has resolved (every open Db was made from it), else null.
 * Its Emscripten exports (`_malloc`, `_sqlite3_bind_text`, …) serve the import's bulk binder (bulk-bind/).
 */
export function loadedSqlJs(): SqlJsStatic | null {
  return sqlModule;
}

export type Params = SqlValue[] | Record<string, SqlValue>;
export type Row = Record<string, SqlValue>;

/** Wraps a sql.js Database with small helpers; statements are cached by SQL text. */
export class Db {
  private readonly cache = new Map<string, Statement>();
  private txDepth = 0;

  constructor(private current: Database) {}

  /** The sql.js database (replaced when the workspace is reloaded from disk; do not keep it). */
  get raw(): Database {
    return this.current;
  }

  /** Runs a statement that returns no rows. @returns rows modified */
  run(sql: string, params?: Params): number {
    const st = this.stmt(sql);
    st.run(params as SqlValue[]);
    return this.raw.getRowsModified();
  }

  /** All rows as objects. */
  all<T = Row>(sql: string, params?: Params): T[] {
    const st = this.stmt(sql);
    try {
      if (params) st.bind(params as SqlValue[]);
      const out: T[] = [];
      while (st.step()) out.push(st.getAsObject() as T);
      return out;
    } finally {
      st.reset();
    }
  }

  /** The first row, or undefined. */
  get<T = Row>(sql: string, params?: Params): T | undefined {
    const st = this.stmt(sql);
    try {
      if (params) st.bind(params as SqlValue[]);
      return st.step() ? (st.getAsObject() as T) : undefined;
    } finally {
      st.reset();
    }
  }

  /** The first column of the first row. */
  value<T extends SqlValue = SqlValue>(sql: string, params?: Params): T | undefined {
    const st = this.stmt(sql);
    try {
      if (params) st.bind(params as SqlValue[]);
      return st.step() ? (st.get()[0] as T) : undefined;
    } finally {
      st.reset();
    }
  }

  /**
   * Runs a query once and calls `fn` with each row as an array of column values (faster than objects on large
   * scans); the statement is prepared for this call and freed after it.
   */
  each(sql: string, params: SqlValue[], fn: (row: SqlValue[]) => void): void {
    const st = this.raw.prepare(sql);
    try {
      st.bind(params);
      while (st.step()) fn(st.get());
    } finally {
      st.free();
    }
  }

  /** Executes a script of several statements (migrations, pragmas). */
  exec(sql: string): void {
    this.raw.exec(sql);
  }

  /** A cached prepared statement, for hot loops (bulk inserts). */
  stmt(sql: string): Statement {
    let st = this.cache.get(sql);
    if (!st) {
      st = this.raw.prepare(sql);
      this.cache.set(sql, st);
    }
    return st;
  }

  /**
   * Runs fn in a transaction; nested calls use SAVEPOINTs (as Actual Budget does), so an inner failure rolls back
   * only its own part when the caller catches it.
   */
  tx<T>(fn: () => T): T {
    const sp = `sp${this.txDepth}`;
    this.raw.exec(this.txDepth === 0 ? 'BEGIN' : `SAVEPOINT ${sp}`);
    this.txDepth++;
    try {
      const r = fn();
      this.txDepth--;
      this.raw.exec(this.txDepth === 0 ? 'COMMIT' : `RELEASE ${sp}`);
      return r;
    } catch (e) {
      this.txDepth--;
      this.raw.exec(this.txDepth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${sp}; RELEASE ${sp}`);
      throw e;
    }
  }

  /** The async form of {@link tx}, for jobs that await between chunks (imports). Only one may run at a time. */
  async txAsync<T>(fn: () => Promise<T>): Promise<T> {
    if (this.txDepth > 0) throw new Error('txAsync cannot nest inside another transaction');
    this.raw.exec('BEGIN');
    this.txDepth++;
    try {
      const r = await fn();
      this.txDepth--;
      this.raw.exec('COMMIT');
      return r;
    } catch (e) {
      this.txDepth--;
      // SQLite may have rolled back already (some errors end the transaction); the first error is the one to report.
      try { this.raw.exec('ROLLBACK'); } catch { /* no transaction was active */ }
      throw e;
    }
  }

  /** True inside {@link tx}. */
  get inTransaction(): boolean {
    return this.txDepth > 0;
  }

  /** Whether a table exists. */
  hasTable(name: string): boolean {
    return this.value<number>("SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", [name]) === 1;
  }

  /**
   * Swaps in another sql.js database (the workspace reloaded from disk): frees the cached statements, closes the
   * old database. Only outside a transaction.
   */
  replace(raw: Database): void {
    if (this.txDepth > 0) throw new Error('Db.replace inside a transaction');
    for (const st of this.cache.values()) st.free();
    this.cache.clear();
    this.raw.close();
    this.current = raw;
  }

  /** Frees cached statements and closes the database. */
  close(): void {
    for (const st of this.cache.values()) st.free();
    this.cache.clear();
    this.raw.close();
  }
}
