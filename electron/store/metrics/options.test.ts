import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { facets } from '../queries';
import { setSummariesEnabled } from '../summaries/read';
import { dimensionOptions, distinctByIndex } from './options';

const pick = <T>(a: readonly T[], i: number) => a[i % a.length]!;

/** A workspace database with 500 requests over mixed-case, accented and missing values; some undated. */
async function sampleDb(): Promise<Db> {
  const SQL = await loadSqlJs();
  const db = new Db(new SQL.Database());
  migrate(db);
  db.tx(() => {
    for (let i = 0; i < 500; i++) {
      db.run(`INSERT INTO requests (id, ts, model, model_version, feature, segment, region, lang, status, is_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`, [
        `r${i}`, i % 50 === 7 ? null : i * 1000, pick(['m-a', 'm-b', null], i), pick(['v1', 'v2', 'V0', null], i), pick(['chat', 'search', 'émail'], i),
        pick(['pro', 'free', null, 'Éco', 'zeta'], i), pick(['PT', 'DE', 'éire', null], i * 7), pick(['en', 'pt', 'de'], i * 3),
        pick(['ok', 'error', '429', 'Timeout', null, 'ok'], i),
      ]);
    }
    // Undated requests hold the only 'undated-only' feature and 'xx' language: in no summary cell.
    db.run(`INSERT INTO requests (id, ts, feature, lang, status, is_error) VALUES ('u1', NULL, 'undated-only', 'xx', 'queued', 0)`);
  });
  return db;
}

const perColumn = (db: Db, c: string, table = 'requests') => db.all<{ v: string }>(`SELECT DISTINCT ${c} AS v FROM ${table} WHERE ${c} IS NOT NULL ORDER BY v LIMIT 200`).map((r) => r.v);

describe('dimensionOptions', () => {
  it('gives, from the summaries and from one scan of the rows, exactly what a DISTINCT … ORDER BY per column gives', async () => {
    const db = await sampleDb();
    for (const on of [true, false]) {
      setSummariesEnabled(on);
      try {
        const o = dimensionOptions(db);
        for (const c of ['feature', 'model', 'model_version', 'segment', 'region', 'lang'] as const) expect(o[c], `${c} (summaries ${on})`).toEqual(perColumn(db, c));
        expect(o.segment).toEqual(['free', 'pro', 'zeta', 'Éco']);
        expect(o.feature).toEqual(['chat', 'search', 'undated-only', 'émail']);
        expect(o.lang).toEqual(['en', 'xx']);
      } finally {
        setSummariesEnabled(true);
      }
    }
    db.close();
  });

  it('drops a value whose requests were all deleted (its slice keeps no cell), from the summaries as from the rows', async () => {
    const db = await sampleDb();
    expect(dimensionOptions(db).model_version).toContain('V0');
    db.run(`DELETE FROM requests WHERE model_version = 'V0'`);
    const o = dimensionOptions(db);
    expect(o.model_version).toEqual(['v1', 'v2']);
    expect(o.model_version).toEqual(perColumn(db, 'model_version'));
    db.close();
  });
});

describe('records.facets', () => {
  it('lists, for every filter, exactly the rows\' distinct values in ORDER BY order', async () => {
    const db = await sampleDb();
    db.run(`INSERT INTO tickets (id, created_ts, status, priority, channel) VALUES ('t1', 1, 'open', 'high', 'email'), ('t2', 2, 'closed', NULL, 'chat'), ('t3', 3, 'open', 'low', NULL)`);
    const f = facets(db);
    for (const c of ['model', 'feature', 'status', 'model_version', 'segment', 'region', 'lang'] as const) expect(f[c], c).toEqual(perColumn(db, c));
    expect(f.status).toEqual(['429', 'Timeout', 'error', 'ok', 'queued']);
    expect(f.ticket_status).toEqual(['closed', 'open']);
    expect(f.ticket_priority).toEqual(['high', 'low']);
    expect(f.ticket_channel).toEqual(['chat', 'email']);
    db.close();
  });

  it('skips through the index: stops at the limit, and finds values on both sides of the previous one only once', async () => {
    const db = await sampleDb();
    expect(distinctByIndex(db, 'requests', 'status', 2)).toEqual(['429', 'Timeout']);
    expect(distinctByIndex(db, 'requests', 'model')).toEqual(['m-a', 'm-b']);
    db.run('DELETE FROM requests');
    expect(distinctByIndex(db, 'requests', 'model')).toEqual([]);
    db.close();
  });
});
