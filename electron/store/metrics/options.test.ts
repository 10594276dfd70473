import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { dimensionOptions } from './options';

describe('dimensionOptions', () => {
  it('gives, from one scan of the unindexed columns, exactly what a DISTINCT … ORDER BY per column gives', async () => {
    const SQL = await loadSqlJs();
    const db = new Db(new SQL.Database());
    migrate(db);
    const pick = <T>(a: readonly T[], i: number) => a[i % a.length]!;
    db.tx(() => {
      for (let i = 0; i < 500; i++) {
        db.run(`INSERT INTO requests (id, ts, model, model_version, feature, segment, region, lang, is_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`, [
          `r${i}`, i * 1000, pick(['m-a', 'm-b'], i), pick(['v1', 'v2', 'V0', null], i), pick(['chat', 'search', 'émail'], i),
          pick(['pro', 'free', null, 'Éco', 'zeta'], i), pick(['PT', 'DE', 'éire', null], i * 7), pick(['en', 'pt', 'de'], i * 3),
        ]);
      }
    });
    const perColumn = (c: string) => db.all<{ v: string }>(`SELECT DISTINCT ${c} AS v FROM requests WHERE ${c} IS NOT NULL ORDER BY v LIMIT 200`).map((r) => r.v);
    const o = dimensionOptions(db);
    for (const c of ['feature', 'model', 'model_version', 'segment', 'region', 'lang'] as const) expect(o[c], c).toEqual(perColumn(c));
    expect(o.segment).toEqual(['free', 'pro', 'zeta', 'Éco']);
    db.close();
  });
});
