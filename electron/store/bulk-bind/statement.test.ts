import { describe, expect, it } from 'vitest';
import type { SqlValue } from 'sql.js';
import { Db, loadSqlJs } from '../db';
import { bulkStatement } from './statement';
import { ValueEncoder, ValueReader, wellFormedByPattern } from '../import/encoded';

async function twoTables(): Promise<Db> {
  const SQL = await loadSqlJs();
  const db = new Db(new SQL.Database());
  db.exec('CREATE TABLE a (n INTEGER PRIMARY KEY, v1, v2, v3, v4); CREATE TABLE b (n INTEGER PRIMARY KEY, v1, v2, v3, v4)');
  return db;
}

/** Every stored cell as its SQLite type and bytes, so text, integer and real cannot pass for one another. */
function cells(db: Db, table: string): unknown[] {
  return db.all(`SELECT n, typeof(v1) t1, hex(v1) h1, typeof(v2) t2, quote(v2) q2, typeof(v3) t3, quote(v3) q3, typeof(v4) t4, hex(v4) h4 FROM ${table} ORDER BY n`);
}

describe('bulkStatement', () => {
  it('stores exactly what sql.js Statement.run stores, value kind by value kind', async () => {
    const db = await twoTables();
    const bulk = bulkStatement(db, 'INSERT INTO a VALUES (?, ?, ?, ?, ?)');
    expect(bulk).not.toBeNull();
    const long = 'é'.repeat(700_000); // past the 1 MiB scratch: it grows
    const rows: SqlValue[][] = [
      ['plain', 5, 2.5, null],
      ['', 0, -0, 'x'],
      ['nul\u0000inside', 2 ** 31, -(2 ** 31), 'emoji 😀 and ü'],
      ['lone \ud800 surrogate', 1e300, Number.MIN_VALUE, 'tail \udc00'],
      [long, -1, 0.1, long],
      [null, 9007199254740991, -2147483649, ''],
    ];
    rows.forEach((r, i) => {
      bulk!.run([i, ...r]);
      db.stmt('INSERT INTO b VALUES (?, ?, ?, ?, ?)').run([i, ...r]);
    });
    // booleans bind as 1/0 in both
    bulk!.run([100, true, false, 'b', null] as unknown as SqlValue[]);
    db.stmt('INSERT INTO b VALUES (?, ?, ?, ?, ?)').run([100, true, false, 'b', null] as unknown as SqlValue[]);
    bulk!.close();
    const a = cells(db, 'a');
    expect(a).toHaveLength(rows.length + 1);
    expect(a).toEqual(cells(db, 'b'));
    // spot values, so a shared fault in both paths would still show
    expect(db.value('SELECT hex(v1) FROM a WHERE n = 2')).toBe(Buffer.from('nul\u0000inside').toString('hex').toUpperCase());
    expect(db.value('SELECT typeof(v3) FROM a WHERE n = 1')).toBe('integer');
    expect(db.value('SELECT length(v1) FROM a WHERE n = 4')).toBe(700_000);
  });

  it('runEncoded stores exactly what Statement.run stores, across batches, with the set column bound', async () => {
    const db = await twoTables();
    const bulk = bulkStatement(db, 'INSERT INTO a VALUES (?, ?, ?, ?, ?)')!;
    const long = 'é'.repeat(700_000);
    const batches: unknown[][][] = [
      [['plain', 5, 2.5, null], ['', 0, -0, 'x'], ['nul\u0000inside', 2 ** 31, -(2 ** 31), 'emoji 😀 and ü']],
      [[long, -1, 0.1, long], [null, 9007199254740991, -2147483649, ''], [true, false, 'b', null], ['x', 1e300, Number.MIN_VALUE, NaN]],
    ];
    let n = 0;
    for (const rows of batches) {
      const e = new ValueEncoder();
      // column 0 (n) is given as null: runEncoded binds it from setValue, as the import binds import_id
      for (const r of rows) e.addRow([null, ...r]);
      const enc = e.finish();
      bulk.load(enc);
      rows.forEach((r, i) => {
        bulk.runEncoded(i * 5, 5, 0, n);
        db.stmt('INSERT INTO b VALUES (?, ?, ?, ?, ?)').run([n, ...r] as SqlValue[]);
        n++;
      });
      // the reader gives back what was bound (booleans as 1/0)
      expect(new ValueReader(enc).row(5, 5)).toEqual([null, ...rows[1]!.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v))]);
    }
    bulk.close();
    const a = cells(db, 'a');
    expect(a).toHaveLength(7);
    expect(a).toEqual(cells(db, 'b'));
    expect(db.value('SELECT hex(v1) FROM a WHERE n = 2')).toBe(Buffer.from('nul\u0000inside').toString('hex').toUpperCase());
    expect(db.value('SELECT length(v4) FROM a WHERE n = 3')).toBe(700_000);
    expect(db.value('SELECT typeof(v3) FROM a WHERE n = 1')).toBe('integer');
    expect(db.value('SELECT typeof(v4) FROM a WHERE n = 6')).toBe('null');
  });

  it('runEncoded throws SQLite\'s message for a refused row and goes on with the next', async () => {
    const db = await twoTables();
    db.exec('CREATE TABLE s (id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0), k INTEGER) STRICT');
    const bulk = bulkStatement(db, 'INSERT INTO s VALUES (?, ?, ?)')!;
    const e = new ValueEncoder();
    for (const r of [['a', -1, null], ['b', null, null], ['c', 'text', null], ['d', 4, null], ['d', 5, null]]) e.addRow(r);
    bulk.load(e.finish());
    expect(() => bulk.runEncoded(0, 3, 2, 7)).toThrow(/CHECK constraint failed: n >= 0/);
    expect(() => bulk.runEncoded(3, 3, 2, 7)).toThrow(/NOT NULL constraint failed: s\.n/);
    expect(() => bulk.runEncoded(6, 3, 2, 7)).toThrow(/cannot store TEXT value in INTEGER column s\.n/);
    bulk.runEncoded(9, 3, 2, 7);
    expect(() => bulk.runEncoded(12, 3, 2, 7)).toThrow(/UNIQUE constraint failed: s\.id/);
    bulk.close();
    expect(db.all('SELECT id, n, k FROM s')).toEqual([{ id: 'd', n: 4, k: 7 }]);
  });

  it('throws SQLite\'s message for a refused row and goes on with the next', async () => {
    const db = await twoTables();
    db.exec('CREATE TABLE s (id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0)) STRICT');
    const bulk = bulkStatement(db, 'INSERT INTO s VALUES (?, ?)')!;
    expect(() => bulk.run(['a', -1])).toThrow(/CHECK constraint failed: n >= 0/);
    expect(() => bulk.run(['b', null])).toThrow(/NOT NULL constraint failed: s\.n/);
    expect(() => bulk.run(['c', 'text'])).toThrow(/cannot store TEXT value in INTEGER column s\.n/);
    bulk.run(['d', 4]);
    expect(() => bulk.run(['d', 5])).toThrow(/UNIQUE constraint failed: s\.id/);
    bulk.close();
    expect(db.all('SELECT id, n FROM s')).toEqual([{ id: 'd', n: 4 }]);
  });

  it('finds lone surrogates by pattern where isWellFormed is missing, as isWellFormed does', () => {
    const cases = ['', 'plain', 'emoji 😀', 'a\ud800b', 'tail \udc00', '\udc00\ud800', '\ud83d\ude00', 'x\ud83d'];
    expect(cases.map(wellFormedByPattern)).toEqual([true, true, true, false, false, false, true, false]);
    expect(cases.map(wellFormedByPattern)).toEqual(cases.map((c) => (c as unknown as { isWellFormed(): boolean }).isWellFormed()));
  });
});
