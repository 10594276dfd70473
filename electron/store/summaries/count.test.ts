/**
 * The request count `workspace.info` reads from the summaries (summarisedRequestCount) against count(*), through
 * the ways the rows change: new rows not yet summarised, undated rows, a deleted row, a row whose time is removed
 * or moved, the day cells of a second zone.
 */
import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { ensureSummaries } from './build';
import { summarisedRequestCount } from './read';
import { dimensionOptions } from '../metrics/options';
import { metricsSeries } from '../metrics/series';
import { queryRequests } from '../queries';

const T0 = Date.UTC(2026, 10, 16);
const rows = (db: Db) => db.value<number>('SELECT count(*) FROM requests');

describe('summarisedRequestCount', () => {
  it('equals count(*) whenever the summaries are current, and gives way to count(*) (null) when they are behind', async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    migrate(db);
    const add = (from: number, n: number, undated = 0) => db.tx(() => {
      for (let i = 0; i < n; i++) db.run('INSERT INTO requests (id, ts, feature, is_error) VALUES (?, ?, ?, 0)', [`r${from + i}`, i < undated ? null : T0 + (from + i) * 600_000, i % 2 ? 'a' : 'b']);
    });
    expect(summarisedRequestCount(db)).toBe(0);
    add(0, 500, 7);
    expect(summarisedRequestCount(db)).toBeNull();
    ensureSummaries(db);
    expect(summarisedRequestCount(db)).toBe(500);
    // Day cells of a zone (read by a weekly view), then more changes.
    metricsSeries(db, 'Europe/Lisbon', { bucket: 'week', filter: {}, breakdown: 'none' }, T0 + 30 * 86_400_000);
    expect(db.value('SELECT day_zone FROM summary_state')).toBe('Europe/Lisbon');
    expect(summarisedRequestCount(db)).toBe(500);
    db.run("DELETE FROM requests WHERE id = 'r300'");
    expect(summarisedRequestCount(db)).toBeNull();
    dimensionOptions(db);
    expect(summarisedRequestCount(db)).toBe(499);
    db.run("UPDATE requests SET ts = NULL WHERE id = 'r200'");
    db.run("UPDATE requests SET ts = ts + 86400000 WHERE id = 'r100'");
    ensureSummaries(db);
    expect(summarisedRequestCount(db)).toBe(rows(db));
    expect(db.value('SELECT count(*) FROM requests WHERE ts IS NULL')).toBe(8);
    add(1000, 40, 3);
    // The grid's unfiltered total: right while the new rows are not summarised yet, and after.
    const gridTotal = () => queryRequests(db, { offset: 0, limit: 1, filter: {} } as Parameters<typeof queryRequests>[1]).total;
    expect(gridTotal()).toBe(539);
    ensureSummaries(db);
    expect(gridTotal()).toBe(539);
    expect(summarisedRequestCount(db)).toBe(539);
    expect(summarisedRequestCount(db)).toBe(rows(db));
    db.close();
  });

  it("gives the grid's total for filters on slice dimensions: count(*) with the same IN lists, undated and valueless rows included", async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    migrate(db);
    const pick = <T>(a: readonly T[], i: number) => a[i % a.length]!;
    db.tx(() => {
      for (let i = 0; i < 700; i++) {
        db.run('INSERT INTO requests (id, ts, model, feature, lang, segment, status, is_error) VALUES (?, ?, ?, ?, ?, ?, ?, 0)', [
          `r${i}`, i % 23 === 5 ? null : T0 + i * 900_000, pick(['m1', 'm2', null, 'M1'], i), pick(['chat', 'search', 'émail', null], i * 3),
          pick(['en', 'pt'], i * 7), pick(['pro', null, 'free'], i), pick(['ok', 'error'], i),
        ]);
      }
    });
    ensureSummaries(db);
    type Filter = Parameters<typeof queryRequests>[1]['filter'];
    const grid = (filter: Filter) => queryRequests(db, { offset: 0, limit: 1, filter } as Parameters<typeof queryRequests>[1]).total;
    const counted = (where: string, params: string[]) => db.value<number>(`SELECT count(*) FROM requests WHERE ${where}`, params);
    const cases: Array<[Filter, string, string[]]> = [
      [{ model: ['m1'] }, 'model IN (?)', ['m1']],
      [{ model: ['m1', 'M1'], feature: ['chat'] }, 'model IN (?, ?) AND feature IN (?)', ['m1', 'M1', 'chat']],
      [{ feature: ['émail', 'search'], lang: ['pt'], segment: ['free'] }, 'feature IN (?, ?) AND lang IN (?) AND segment IN (?)', ['émail', 'search', 'pt', 'free']],
      [{ model: ['none-such'] }, 'model IN (?)', ['none-such']],
      [{ model: [], feature: ['chat'] }, 'feature IN (?)', ['chat']],
    ];
    for (const [filter, where, params] of cases) {
      expect(summarisedRequestCount(db, filter as Record<string, string[]>), where).toBe(counted(where, params));
      expect(grid(filter), where).toBe(counted(where, params));
    }
    // Not a slice dimension (status), or a time bound: the rows are counted, and the total is still right.
    expect(grid({ model: ['m1'], status: ['ok'] })).toBe(counted('model IN (?) AND status IN (?)', ['m1', 'ok']));
    expect(grid({ feature: ['chat'], from_ts: T0 + 86_400_000 })).toBe(counted('feature IN (?) AND ts >= ?', ['chat', String(T0 + 86_400_000)]));
    // Rows not summarised yet: the summaries step aside.
    db.run("INSERT INTO requests (id, ts, model, is_error) VALUES ('late', ?, 'm1', 0)", [T0]);
    expect(summarisedRequestCount(db, { model: ['m1'] })).toBeNull();
    expect(grid({ model: ['m1'] })).toBe(counted('model IN (?)', ['m1']));
    db.close();
  });
});
