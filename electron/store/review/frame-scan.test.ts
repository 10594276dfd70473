import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { ascendingOrder, readPeriodRows } from './frame-scan';

describe('readPeriodRows', () => {
  it('reads the same rows and stratum values from the covering index as from the table, NULL features and models included', async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    migrate(db);
    const features = ['chat', 'search', null, 'email', ''];
    const models = ['m1', null, 'm2'];
    db.tx(() => {
      // Times out of rowid order, so the two reads return rows in different orders.
      for (let i = 0; i < 3000; i++) {
        db.run('INSERT INTO requests (id, ts, feature, model, latency_ms, is_error) VALUES (?, ?, ?, ?, ?, 0)',
          [`r${i}`, i % 7 === 0 ? null : ((i * 7919) % 3000) * 1000, features[i % 5]!, models[(i * 3) % 7 % 3]!, i]);
      }
    });
    for (const strataField of ['feature', 'model', null] as const) {
      const base = { where: { sql: 'ts >= ? AND ts < ?', params: [200_000, 2_500_000] }, strataExpr: { expr: strataField ?? 'NULL', params: [] }, strataField,
        maxRowid: 2800, fromTs: 200_000, toTs: 2_500_000, needError: false, needLatency: false };
      const fast = readPeriodRows(db, { ...base, simple: true });
      const slow = readPeriodRows(db, { ...base, simple: false });
      expect(fast.via).toBe('covering-index');
      expect(slow.via).toBe('table');
      const pairs = (r: typeof fast) => r.rowids.map((id, i) => `${id}:${r.values[i]}`).sort();
      expect(fast.rowids.length).toBeGreaterThan(1500);
      expect(pairs(fast)).toEqual(pairs(slow));
    }
    db.close();
  });

  it('orders rowids ascending with one native sort', () => {
    expect(ascendingOrder([1, 2, 3])).toBeNull();
    const rowids = [50, 3, 2 ** 30, 7, 1];
    expect([...ascendingOrder(rowids)!].map((i) => rowids[i])).toEqual([1, 3, 7, 50, 2 ** 30]);
  });
});
