import { describe, expect, it } from 'vitest';
import type { SqlValue } from 'sql.js';
import { Db, loadSqlJs } from '../db';
import { bulkStatement, wellFormedByPattern } from './statement';

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
