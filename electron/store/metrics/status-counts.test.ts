import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { statusCounts } from './status-counts';

const pick = <T>(a: readonly T[], i: number) => a[i % a.length]!;

/** 600 requests over `statuses` (null and '' among them), three features, some undated. */
async function sampleDb(statuses: ReadonlyArray<string | null>): Promise<Db> {
  const SQL = await loadSqlJs();
  const db = new Db(new SQL.Database());
  migrate(db);
  db.tx(() => {
    for (let i = 0; i < 600; i++) {
      db.run('INSERT INTO requests (id, ts, feature, status, is_error) VALUES (?, ?, ?, ?, 0)',
        [`r${i}`, i % 41 === 3 ? null : (i * 7919) % 600 * 1000, pick(['chat', 'search', null], i * 5), pick(statuses, i * 3 + (i >> 4))]);
    }
  });
  return db;
}

/** What `GROUP BY status` gives over the window's rows. */
function grouped(db: Db, from: number, to: number, feature?: string): Map<string | null, number> {
  const rows = db.all<{ v: string | null; n: number }>(`SELECT status AS v, count(*) AS n FROM requests WHERE ts >= ? AND ts < ?${feature !== undefined ? ' AND feature = ?' : ''} GROUP BY status`,
    feature !== undefined ? [from, to, feature] : [from, to]);
  return new Map(rows.map((r) => [r.v, r.n]));
}

const sorted = (m: Map<string | null, number>) => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('statusCounts', () => {
  it('equals GROUP BY status for every window and feature, null and empty statuses included', async () => {
    const db = await sampleDb(['ok', 'error', null, '', '429', 'Timeout', 'ok']);
    for (const [from, to] of [[0, 600_000], [100_000, 250_000], [599_000, 600_000], [700_000, 800_000]] as const) {
      for (const feature of [undefined, 'chat', 'search', 'none-such']) {
        const got = statusCounts(db, from, to, feature);
        expect(sorted(got), `${from}-${to} ${feature}`).toEqual(sorted(grouped(db, from, to, feature)));
      }
    }
    expect(statusCounts(db, 0, 600_000, undefined).get(null)).toBeGreaterThan(0);
    expect(statusCounts(db, 0, 600_000, undefined).get('')).toBeGreaterThan(0);
    db.close();
  });

  it('reads no table page: SQLite seeks the status index for the rowids of the ts or feature index', async () => {
    const db = await sampleDb(['ok', 'error']);
    for (const w of ['ts >= 1 AND ts < 2', 'ts >= 1 AND ts < 2 AND feature = \'chat\'']) {
      const plan = db.all<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT count(*) FROM requests WHERE status = 'ok' AND rowid IN (SELECT rowid FROM requests WHERE ${w})`).map((r) => r.detail);
      expect(plan[0]).toBe('SEARCH requests USING COVERING INDEX requests_status (status=? AND rowid=?)');
      expect(plan.filter((d) => d.includes('requests') && !d.includes('COVERING INDEX'))).toEqual([]);
    }
    // No request without a status here: the counts are still GROUP BY's (the last value is the total less the rest).
    for (const feature of [undefined, 'search']) expect(sorted(statusCounts(db, 20_000, 480_000, feature))).toEqual(sorted(grouped(db, 20_000, 480_000, feature)));
    db.close();
  });

  it('groups the rows when there are more than 16 statuses, with the same counts', async () => {
    const many = Array.from({ length: 30 }, (_, i) => (i === 0 ? null : `s${i}`));
    const db = await sampleDb(many);
    for (const feature of [undefined, 'chat']) expect(sorted(statusCounts(db, 50_000, 450_000, feature))).toEqual(sorted(grouped(db, 50_000, 450_000, feature)));
    db.close();
  });
});
