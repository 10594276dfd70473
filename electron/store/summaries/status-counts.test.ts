/**
 * Requests per status in the summary cells (migration 13): the drift's status row adds these up, so they must equal
 * `GROUP BY status` over the same rows for every window, feature and kind of status (null and '' among them), and
 * stay so through imports, updates of a status and deletes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { migrate } from '../migrations';
import { runImport } from '../import/pipeline';
import { Workspace } from '../workspace';
import { addStatusCounts, encodeStatusCounts, ensureSummaries, HOUR_MS } from './build';
import { feedbackSummariesCurrent } from './feedback';
import { eachCell } from './read';

const samples = path.join(__dirname, '../../../data/samples');

const pick = <T>(a: readonly T[], i: number) => a[i % a.length]!;

/** 600 requests over 30 hours and `statuses`, three features, some undated. */
async function sampleDb(statuses: ReadonlyArray<string | null>): Promise<Db> {
  const SQL = await loadSqlJs();
  const db = new Db(new SQL.Database());
  migrate(db);
  db.tx(() => {
    for (let i = 0; i < 600; i++) {
      db.run('INSERT INTO requests (id, ts, feature, status, is_error) VALUES (?, ?, ?, ?, 0)',
        [`r${i}`, i % 41 === 3 ? null : ((i * 7919) % 600) * 180_000, pick(['chat', 'search', null], i * 5), pick(statuses, i * 3 + (i >> 4))]);
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

/** The same from the cells (hour or day level). */
function fromCells(db: Db, from: number, to: number, feature: string | undefined, level: 'hour' | 'day'): Map<string | null, number> {
  const out = new Map<string | null, number>();
  eachCell(db, from, to, feature !== undefined ? { feature } : {}, [], (c) => addStatusCounts(out, c.statusCounts), level);
  return out;
}

const sorted = (m: Map<string | null, number>) => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
const windows = [[0, 30 * HOUR_MS], [2 * HOUR_MS, 9 * HOUR_MS], [29 * HOUR_MS, 30 * HOUR_MS], [40 * HOUR_MS, 50 * HOUR_MS]] as const;

describe('requests per status in the summary cells', () => {
  it('equal GROUP BY status for every window and feature, null and empty statuses included', async () => {
    const db = await sampleDb(['ok', 'error', null, '', '429', 'Timeout', 'ok']);
    ensureSummaries(db);
    for (const [from, to] of windows) {
      for (const feature of [undefined, 'chat', 'search', 'none-such']) {
        expect(sorted(fromCells(db, from, to, feature, 'hour')), `${from}-${to} ${feature}`).toEqual(sorted(grouped(db, from, to, feature)));
      }
    }
    // Day cells (UTC days): the first day and the second.
    db.run("UPDATE summary_state SET day_zone = NULL");
    const { dayCellsFor } = await import('./build');
    expect(dayCellsFor(db, 'UTC')).toBe(true);
    expect(sorted(fromCells(db, 0, 24 * HOUR_MS, undefined, 'day'))).toEqual(sorted(grouped(db, 0, 24 * HOUR_MS)));
    expect(sorted(fromCells(db, 24 * HOUR_MS, 48 * HOUR_MS, 'chat', 'day'))).toEqual(sorted(grouped(db, 24 * HOUR_MS, 48 * HOUR_MS, 'chat')));
    const all = fromCells(db, 0, 30 * HOUR_MS, undefined, 'hour');
    expect(all.get(null)).toBeGreaterThan(0);
    expect(all.get('')).toBeGreaterThan(0);
    db.close();
  });

  it('follow new rows, a status filled in later and a delete', async () => {
    const db = await sampleDb(['ok', 'error', null]);
    ensureSummaries(db);
    db.tx(() => {
      for (let i = 0; i < 50; i++) db.run('INSERT INTO requests (id, ts, feature, status) VALUES (?, ?, ?, ?)', [`n${i}`, i * 3_600_000 / 2, 'chat', i % 2 ? 'ok' : 'timeout']);
    });
    ensureSummaries(db);
    db.run("UPDATE requests SET status = 'late' WHERE status IS NULL AND ts < ?", [10 * HOUR_MS]);
    db.run("DELETE FROM requests WHERE status = 'error' AND ts >= ? AND ts < ?", [5 * HOUR_MS, 8 * HOUR_MS]);
    ensureSummaries(db);
    for (const [from, to] of windows) {
      for (const feature of [undefined, 'chat']) {
        expect(sorted(fromCells(db, from, to, feature, 'hour')), `${from}-${to} ${feature}`).toEqual(sorted(grouped(db, from, to, feature)));
      }
    }
    expect(fromCells(db, 0, 10 * HOUR_MS, undefined, 'hour').get('late')).toBeGreaterThan(0);
    db.close();
  });

  it('are stored in one order, null first, so equal counts store equal text', () => {
    expect(encodeStatusCounts(new Map([['ok', 3], [null, 1], ['error', 2]]))).toBe('[[null,1],["error",2],["ok",3]]');
    expect(encodeStatusCounts(new Map())).toBeNull();
    const m = new Map<string | null, number>([['ok', 1]]);
    addStatusCounts(m, '[[null,1],["ok",2]]');
    expect([...m]).toEqual([['ok', 3], [null, 1]]);
  });
});

describe('a workspace from before migration 13', () => {
  it('gets the columns and its counts, and keeps its feedback cells current', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-status-counts-'));
    const ws = await Workspace.open(path.join(dir, 'old.sqlite'), { create: true });
    try {
      for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz']) await runImport(ws, path.join(samples, f), {});
      ws.db.exec(`ALTER TABLE request_summaries DROP COLUMN status_counts; ALTER TABLE request_summaries_day DROP COLUMN status_counts;
        PRAGMA user_version = 12;`);
      expect(feedbackSummariesCurrent(ws.db)).toBe(true);
      expect(migrate(ws.db)).toEqual([13, 14, 15]);
      expect(feedbackSummariesCurrent(ws.db)).toBe(true);
      const r = ws.db.get<{ lo: number; hi: number }>('SELECT min(hour) AS lo, max(hour) + 3600000 AS hi FROM request_summaries')!;
      const got = fromCells(ws.db, r.lo, r.hi, undefined, 'hour');
      expect(sorted(got)).toEqual(sorted(grouped(ws.db, r.lo, r.hi)));
      expect(got.size).toBeGreaterThan(1);
      expect(ws.db.value('SELECT count(*) FROM request_summaries_day WHERE status_counts IS NULL')).toBe(0);
      // The counts and sums come before the distributions (migration 13's column order).
      for (const t of ['request_summaries', 'request_summaries_day']) {
        const cols = ws.db.all<{ name: string }>(`PRAGMA table_info(${t})`).map((c) => c.name);
        expect(cols.indexOf('status_counts'), t).toBeLessThan(cols.indexOf('latency_ms'));
        expect(cols.indexOf('status_n'), t).toBeLessThan(cols.indexOf('latency_ms'));
        expect(cols.slice(-6), t).toEqual(['latency_ms', 'tokens_in', 'tokens_out', 'cost_usd', 'input_chars', 'output_chars']);
      }
    } finally {
      ws.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
