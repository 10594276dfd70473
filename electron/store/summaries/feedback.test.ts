/**
 * Feedback summaries (summaries/feedback.ts) against the rows they count: on the demo workspace every cell equals its
 * rows, the Metrics series and the alert aggregates read them and give the rows' figures; then the ways they change
 * (new feedback, changed thumbs, requests that arrive after their feedback or move in time, deletes outside an import,
 * a failed import) and a workspace from before migration 10.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Db } from '../db';
import { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { metricsSeries, type SeriesInput } from '../metrics/series';
import { sqlAlertSource } from '../alerts/source';
import { Aggregates, dayStarts } from '../alerts/aggregate';
import { migrate } from '../migrations';
import { HOUR_MS, hourOf, SLICE_DIMS } from './build';
import { eachFeedbackCell, feedbackSummariesCurrent, type FeedbackCell } from './feedback';
import type { MetricsSeries } from '../../../shared/contract-metrics';

const repo = path.resolve(__dirname, '../../..');
const samples = path.join(repo, 'data/samples');
const NOW = Date.UTC(2026, 10, 29);
const H = HOUR_MS;
const T0 = Date.UTC(2026, 10, 16);
const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-fbsum-')); dirs.push(d); return d; };
afterAll(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

/**
 * The cells as the rows give them, computed here independently of summaries/feedback.ts: per hour of the feedback's
 * time (its own, else its request's) and the linked request's six slice values ('-' for feedback with no stored
 * request), the counts of thumbs up and down, CSAT 1–5, NPS 0–10, then ratings that are not CSAT and NPS answers
 * outside 0–10.
 */
function rawCells(db: Db): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of db.all<Record<string, string | number | null>>(`SELECT coalesce(f.ts, r.ts) AS ts, f.kind, f.value, f.scale, r.id AS rid, ${SLICE_DIMS.map((d) => `r.${d}`).join(', ')}
      FROM feedback f LEFT JOIN requests r ON r.id = f.request_id WHERE coalesce(f.ts, r.ts) IS NOT NULL AND f.value IS NOT NULL`)) {
    const v = r.value as number;
    let col = -1;
    if (r.kind === 'thumb') col = v > 0 ? 0 : 1;
    else if (r.kind === 'rating' && (r.scale === null || r.scale === 5) && [1, 2, 3, 4, 5].includes(v)) col = 1 + v;
    else if (r.kind === 'nps' && Number.isInteger(v) && v >= 0 && v <= 10) col = 7 + v;
    else if (r.kind === 'rating') col = 18;
    else if (r.kind === 'nps') col = 19;
    if (col < 0) continue;
    const key = `${hourOf(r.ts as number)} ${r.rid === null ? '-' : JSON.stringify(SLICE_DIMS.map((d) => r[d]))}`;
    const c = out.get(key) ?? new Array<number>(20).fill(0);
    c[col]!++;
    out.set(key, c);
  }
  return out;
}

function storedCells(db: Db): Map<string, number[]> {
  const out = new Map<string, number[]>();
  eachFeedbackCell(db, -8.64e15, 8.64e15, null, (c: FeedbackCell) => {
    const key = `${c.hour} ${c.slice === null ? '-' : JSON.stringify(SLICE_DIMS.map((d) => c.slice![d]))}`;
    expect(out.has(key), key).toBe(false);
    out.set(key, [c.up, c.down, ...c.csat, ...c.nps, c.rating_other, c.nps_other]);
  });
  return out;
}

/** Every bucket's and breakdown group's feedback figures from the summaries equal the rows'. */
function sameFeedback(s: MetricsSeries, r: MetricsSeries, what: string): void {
  expect(s.quantiles.source, what).toBe('summaries');
  expect(r.quantiles.source, what).toBe('requests');
  expect(s.buckets.length, what).toBe(r.buckets.length);
  s.buckets.forEach((b, i) => {
    const x = r.buckets[i]!;
    expect([b.label, b.thumbs, b.csat, b.nps], `${what} ${b.label}`).toEqual([x.label, x.thumbs, x.csat, x.nps]);
  });
  expect(s.breakdown?.groups.map((g) => [g.key, g.points.map((p) => [p.thumbs_n, p.thumbs_up_rate])]), what)
    .toEqual(r.breakdown?.groups.map((g) => [g.key, g.points.map((p) => [p.thumbs_n, p.thumbs_up_rate])]));
  expect(s.undated_feedback, what).toEqual(r.undated_feedback);
  expect(s.feedback_not_charted, what).toEqual(r.feedback_not_charted);
}

const QUERIES: Array<[string, string, SeriesInput]> = [
  ['week by feature', 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }],
  ['week Berlin by model version', 'Europe/Berlin', { bucket: 'week', filter: {}, breakdown: 'model_version' }],
  ['day New York by segment', 'America/New_York', { bucket: 'day', filter: {}, breakdown: 'segment' }],
  ['day, one feature, by lang', 'UTC', { bucket: 'day', filter: { feature: 'support-chat' }, breakdown: 'lang' }],
  ['hour', 'UTC', { bucket: 'hour', filter: {}, breakdown: 'model', from_ts: Date.UTC(2026, 9, 5), to_ts: Date.UTC(2026, 9, 7) }],
  ['week, no breakdown', 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }],
];

function compareAll(db: Db, what: string, queries = QUERIES): void {
  expect(storedCells(db), `${what}: cells`).toEqual(rawCells(db));
  for (const [name, zone, q] of queries) {
    sameFeedback(metricsSeries(db, zone, q, NOW), metricsSeries(db, zone, { ...q, source: 'requests' }, NOW), `${what}: ${name}`);
  }
}

describe('feedback summaries on the demo workspace', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(path.join(tmp(), 'demo.sqlite'), { create: true });
    for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz', 'tickets.csv']) await runImport(ws, path.join(samples, f), {});
  }, 180_000);
  afterAll(() => ws.close());

  it('every cell (hour × slice of the linked request) holds exactly its rows\' counts, and the import left them current', () => {
    expect(feedbackSummariesCurrent(ws.db)).toBe(true);
    const cells = storedCells(ws.db);
    expect(cells.size).toBeGreaterThan(100);
    const total = [...cells.values()].reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0);
    // The demo's feedback has thumbs, CSAT and NPS answers; some are linked to no request (survey answers).
    expect(total).toBeGreaterThan(1000);
    expect([...cells.keys()].some((k) => k.endsWith(' -'))).toBe(true);
    expect(cells).toEqual(rawCells(ws.db));
  });

  it('day cells are the hour cells merged per local day of the zone asked for, rebuilt when the zone changes', () => {
    for (const zone of ['Europe/Berlin', 'UTC', 'America/New_York']) {
      // A weekly view in the zone makes the day cells that zone's (summaries/read.ts summaryLevel).
      metricsSeries(ws.db, zone, { bucket: 'week', filter: {}, breakdown: 'none' }, NOW);
      expect(ws.db.value('SELECT day_zone FROM summary_state')).toBe(zone);
      const byDay = new Map<string, number[]>();
      for (const [key, c] of storedCells(ws.db)) {
        const [hour, slice] = [Number(key.slice(0, key.indexOf(' '))), key.slice(key.indexOf(' ') + 1)];
        const k = `${DateTime.fromMillis(hour, { zone }).startOf('day').toMillis()} ${slice}`;
        byDay.set(k, (byDay.get(k) ?? new Array<number>(20).fill(0)).map((v, i) => v + c[i]!));
      }
      const days = new Map<string, number[]>();
      eachFeedbackCell(ws.db, -8.64e15, 8.64e15, null, (c) => {
        days.set(`${c.hour} ${c.slice === null ? '-' : JSON.stringify(SLICE_DIMS.map((d) => c.slice![d]))}`, [c.up, c.down, ...c.csat, ...c.nps, c.rating_other, c.nps_other]);
      }, 'day');
      expect(days.size, zone).toBeGreaterThan(50);
      expect(days, zone).toEqual(byDay);
    }
  });

  it('metrics.series reads the cells and gives the rows\' thumbs, CSAT and NPS in every bucket and group', () => {
    compareAll(ws.db, 'demo');
    // The series reads the cells (not the rows): a count changed in a cell, with its stamp kept, shows in the series.
    const week = QUERIES[5]![2];
    const before = metricsSeries(ws.db, 'UTC', week, NOW);
    // Weekly buckets in the day cells' zone read the day cells.
    const cell = ws.db.get<{ day: number; slice_id: number }>('SELECT day, slice_id FROM feedback_summaries_day WHERE up > 0 AND day >= ? AND day < ? LIMIT 1',
      [before.from_ts!, before.to_ts!])!;
    ws.db.run('UPDATE feedback_summaries_day SET up = up + 1000 WHERE day = ? AND slice_id = ?', [cell.day, cell.slice_id]);
    try {
      // Another hour of `now`: not the cached result.
      const after = metricsSeries(ws.db, 'UTC', week, NOW + H);
      expect(after.cached).toBe(false);
      const upBefore = before.buckets.reduce((s, b) => s + b.thumbs.up, 0);
      expect(after.buckets.reduce((s, b) => s + b.thumbs.up, 0)).toBe(upBefore + 1000);
    } finally {
      ws.db.run('UPDATE feedback_summaries_day SET up = up - 1000 WHERE day = ? AND slice_id = ?', [cell.day, cell.slice_id]);
    }
  });

  it('alert aggregates read the cells and count feedback as the rows do, in the whole traffic and every group', () => {
    const src = sqlAlertSource(ws.db);
    const range = src.range();
    for (const zone of ['UTC', 'Europe/Berlin']) {
      const summ = src.aggregates(range.first!, range.last! + 1, zone, NOW);
      const raw = new Aggregates(dayStarts(range.first!, range.last! + 1, zone), zone, NOW, range.first, range.last);
      ws.db.each(`SELECT coalesce(f.ts, r.ts), r.feature, r.model_version, f.kind, f.value, f.scale FROM feedback f LEFT JOIN requests r ON r.id = f.request_id
        WHERE coalesce(f.ts, r.ts) IS NOT NULL AND f.kind IN ('thumb', 'rating', 'nps') AND f.value IS NOT NULL`, [], (r) => {
        raw.addFeedback(r[0] as number, r[1] as string | null, r[2] as string | null, r[3] as string, r[4] as number, r[5] as number | null);
      });
      for (const unit of ['day', 'week'] as const) {
        const a = summ.view(unit).feedback;
        const b = raw.view(unit).feedback;
        // The summary source prunes groups to the 20 largest by requests; the demo has fewer, so every group is kept.
        expect([...a.keys()].sort(), `${zone} ${unit}`).toEqual([...b.keys()].sort());
        for (const [k, cells] of a) {
          cells.forEach((c, i) => expect({ ...c }, `${zone} ${unit} ${k} ${i}`).toEqual({ ...b.get(k)![i]! }));
        }
      }
    }
  });
});

const feedbackLine = (id: string, o: Record<string, unknown>) => JSON.stringify({ feedback_id: id, ...o });

describe('feedback summaries stay in step with changes', () => {
  let ws: Workspace;
  let dir: string;
  const file = (name: string, lines: string[]) => { const p = path.join(dir, name); fs.writeFileSync(p, `${lines.join('\n')}\n`); return p; };
  const hourQ: Array<[string, string, SeriesInput]> = [
    ['hours by feature', 'UTC', { bucket: 'hour', filter: {}, breakdown: 'feature', from_ts: T0 - 24 * H, to_ts: T0 + 72 * H }],
    ['hours, chat only', 'UTC', { bucket: 'hour', filter: { feature: 'chat' }, breakdown: 'none', from_ts: T0 - 24 * H, to_ts: T0 + 72 * H }],
    ['days', 'UTC', { bucket: 'day', filter: {}, breakdown: 'feature' }],
  ];
  beforeAll(async () => {
    dir = tmp();
    ws = await Workspace.open(path.join(dir, 'w.sqlite'), { create: true });
    // Feedback first, for requests not imported yet: thumbs without a time of their own (dated by their request
    // later), CSAT with a time, NPS linked to nothing.
    const fb: string[] = [];
    for (let i = 0; i < 60; i++) fb.push(feedbackLine(`t${i}`, { request_id: `q${i}`, type: 'thumb', value: i % 4 === 0 ? 'down' : 'up' }));
    for (let i = 0; i < 30; i++) fb.push(feedbackLine(`c${i}`, { request_id: `q${i}`, timestamp: new Date(T0 + i * 1800_000).toISOString(), type: 'csat', value: 1 + (i % 5) }));
    for (let i = 0; i < 20; i++) fb.push(feedbackLine(`n${i}`, { timestamp: new Date(T0 + i * 3600_000 + 5).toISOString(), type: 'nps', value: i % 11 }));
    await runImport(ws, file('fb.jsonl', fb), {});
  }, 60_000);
  afterAll(() => ws.close());

  it('feedback imported before its requests is in slice 0 (or undated); the requests import moves it to their slices and hours', async () => {
    expect(storedCells(ws.db)).toEqual(rawCells(ws.db));
    const linkedBefore = [...storedCells(ws.db).keys()].filter((k) => !k.endsWith(' -'));
    expect(linkedBefore).toEqual([]);
    const reqs = Array.from({ length: 60 }, (_, i) => JSON.stringify({ request_id: `q${i}`, timestamp: new Date(T0 + i * 2400_000).toISOString(), feature: i % 2 ? 'chat' : 'search', model: 'm', input: 'q', output: 'a' }));
    await runImport(ws, file('req.jsonl', reqs), {});
    expect(feedbackSummariesCurrent(ws.db)).toBe(true);
    const cells = storedCells(ws.db);
    expect([...cells.keys()].filter((k) => k.includes('"chat"')).length).toBeGreaterThan(0);
    // 60 thumbs, now dated by their requests: 45 up, 15 down.
    expect([...cells.values()].reduce((s, c) => s + c[0]!, 0)).toBe(45);
    compareAll(ws.db, 'after the requests', hourQ);
  });

  it('a re-import that changes thumbs (an update, no new row) shows at once, though the series was cached', async () => {
    const q = hourQ[0]![2];
    const before = metricsSeries(ws.db, 'UTC', q, NOW);
    const downs = before.buckets.reduce((s, b) => s + b.thumbs.down, 0);
    await runImport(ws, file('flip.jsonl', Array.from({ length: 10 }, (_, i) => feedbackLine(`t${i + 1}`, { request_id: `q${i + 1}`, type: 'thumb', value: 'down' }))), {});
    const after = metricsSeries(ws.db, 'UTC', q, NOW);
    expect(after.cached).toBe(false);
    // t1..t10: t4 and t8 were down already; the 8 others flip.
    expect(after.buckets.reduce((s, b) => s + b.thumbs.down, 0)).toBe(downs + 8);
    compareAll(ws.db, 'after flipping thumbs', hourQ);
  });

  it('a request moved in time carries its undated feedback with it; a request\'s new feature moves it to another slice', async () => {
    await runImport(ws, file('move.jsonl', [
      JSON.stringify({ request_id: 'q3', timestamp: new Date(T0 + 50 * H).toISOString() }),
      JSON.stringify({ request_id: 'q5', feature: 'search' }),
    ]), {});
    const t3 = ws.db.value<number>("SELECT ts FROM requests WHERE id = 'q3'");
    expect(t3).toBe(T0 + 50 * H);
    compareAll(ws.db, 'after moving requests', hourQ);
  });

  it('deletes and inserts outside an import are counted on the next read', () => {
    ws.commit([["DELETE FROM feedback WHERE id IN ('t10', 't11', 'c3', 'n4')", []]]);
    expect(feedbackSummariesCurrent(ws.db)).toBe(false);
    compareAll(ws.db, 'after a delete', hourQ);
    expect(feedbackSummariesCurrent(ws.db)).toBe(true);
    ws.commit([["INSERT INTO feedback (id, request_id, kind, value) VALUES ('late', 'q7', 'thumb', -1)", []]]);
    compareAll(ws.db, 'after an insert', hourQ);
    ws.commit([["DELETE FROM requests WHERE id = 'q9'", []]]);
    compareAll(ws.db, 'after deleting a request', hourQ);
  });

  it('a failed import leaves the feedback summaries as they were', async () => {
    const snap = () => JSON.stringify([ws.db.all('SELECT * FROM feedback_summaries ORDER BY hour, slice_id'), ws.db.all('SELECT * FROM feedback_summary_state')]);
    const before = snap();
    const p = file('more.jsonl', Array.from({ length: 20 }, (_, i) => feedbackLine(`m${i}`, { request_id: `q${i}`, timestamp: new Date(T0 + i * H).toISOString(), type: 'thumb', value: 'down' })));
    await expect(runImport(ws, p, {}, { onProgress: (e) => { if (e.phase === 'saving') throw new Error('disk full (test)'); } })).rejects.toThrow();
    expect(snap()).toBe(before);
    await runImport(ws, p, {});
    compareAll(ws.db, 'after the import', hourQ);
  });
});

describe('a workspace from before migration 10', () => {
  it('counts its feedback once, at migration', async () => {
    const ws = await Workspace.open(path.join(tmp(), 'old.sqlite'), { create: true });
    try {
      for (const f of ['requests.jsonl.gz', 'feedback.jsonl.gz']) await runImport(ws, path.join(samples, f), {});
      const expected = rawCells(ws.db);
      ws.db.exec(`DROP TRIGGER feedback_summary_update; DROP TRIGGER feedback_summary_delete; DROP TABLE feedback_summaries; DROP TABLE feedback_summaries_day;
        DROP TABLE feedback_summary_state;
      ALTER TABLE request_summaries DROP COLUMN status_n; ALTER TABLE request_summaries_day DROP COLUMN status_n;
      ALTER TABLE request_summaries DROP COLUMN status_counts; ALTER TABLE request_summaries_day DROP COLUMN status_counts; PRAGMA user_version = 9;`);
      expect(migrate(ws.db)).toEqual([10, 11, 12, 13, 14, 15]);
      expect(feedbackSummariesCurrent(ws.db)).toBe(true);
      expect(storedCells(ws.db)).toEqual(expected);
    } finally {
      ws.close();
    }
  }, 120_000);
});

describe('ratings that are not CSAT and NPS answers outside 0-10 are counted apart, to be said', () => {
  it('1-10 judge scores, a 4.5 on 1-5, NPS 7.5: in feedback_not_charted, from the cells and from the rows alike; migration 14 counts them', async () => {
    const dir = tmp();
    const ws = await Workspace.open(path.join(dir, 'w.sqlite'), { create: true });
    try {
      const p = (name: string, lines: string[]) => { const f = path.join(dir, name); fs.writeFileSync(f, `${lines.join('\n')}\n`); return f; };
      await runImport(ws, p('req.jsonl', Array.from({ length: 8 }, (_, i) => JSON.stringify({ request_id: `q${i}`, timestamp: new Date(T0 + i * H).toISOString(), feature: i % 2 ? 'chat' : 'search', model: 'm', input: 'q', output: 'a' }))), {});
      const at = (i: number) => new Date(T0 + i * H + 60_000).toISOString();
      await runImport(ws, p('judge.jsonl', Array.from({ length: 5 }, (_, i) => JSON.stringify({ feedback_id: `j${i}`, request_id: `q${i}`, timestamp: at(i), type: 'rating', value: 2 * i + 1, scale: 10 }))), {});
      const s1 = await runImport(ws, p('fb.jsonl', [
        feedbackLine('c1', { request_id: 'q1', timestamp: at(1), type: 'csat', value: 4 }),
        feedbackLine('c2', { request_id: 'q2', timestamp: at(2), type: 'csat', value: 5 }),
        feedbackLine('c3', { request_id: 'q3', timestamp: at(3), type: 'rating', value: 4.5, scale: 5 }),
        feedbackLine('n1', { request_id: 'q5', timestamp: at(5), type: 'nps', value: 9 }),
        feedbackLine('n2', { request_id: 'q6', timestamp: at(6), type: 'nps', value: 11 }), // refused at import: outside 0-10
      ]), {});
      expect([s1.inserted, s1.rejected]).toEqual([4, 1]);
      // A fractional NPS answer the import would not write (an older workspace, another tool): stored as is.
      ws.db.run("INSERT INTO feedback (id, request_id, ts, kind, value, scale) VALUES ('n3', 'q7', ?, 'nps', 7.5, 10)", [T0 + 7 * H + 60_000]);
      expect(ws.db.all('SELECT kind, scale, count(*) AS n FROM feedback GROUP BY 1, 2 ORDER BY 1, 2')).toEqual([
        { kind: 'nps', scale: 10, n: 2 }, { kind: 'rating', scale: 5, n: 3 }, { kind: 'rating', scale: 10, n: 5 }]);
      expect(storedCells(ws.db)).toEqual(rawCells(ws.db));
      for (const [zone, source] of [['UTC', 'summaries'], ['Asia/Kolkata', 'requests']] as const) {
        const s = metricsSeries(ws.db, zone, { bucket: 'week', filter: {}, breakdown: 'none' }, NOW);
        expect(s.quantiles.source, zone).toBe(source);
        expect(s.feedback_not_charted, zone).toEqual({ ratings: 6, nps: 1, automated: 0 });
        expect(s.buckets.reduce((n, b) => n + b.csat.n, 0), zone).toBe(2);
        expect(s.buckets.reduce((n, b) => n + b.nps.n, 0), zone).toBe(1);
        // Filtered to one feature: only feedback on its requests (chat: judge scores of q1 and q3, the 4.5 on q3, q7's 7.5).
        const chat = metricsSeries(ws.db, zone, { bucket: 'week', filter: { feature: 'chat' }, breakdown: 'none' }, NOW);
        expect(chat.feedback_not_charted, zone).toEqual({ ratings: 3, nps: 1, automated: 0 });
      }
      // The same workspace as migration 10 left it (no such counts): migration 11 adds them, 14 counts them.
      const expected = rawCells(ws.db);
      ws.db.exec(`ALTER TABLE feedback_summaries DROP COLUMN rating_other; ALTER TABLE feedback_summaries DROP COLUMN nps_other;
        ALTER TABLE feedback_summaries_day DROP COLUMN rating_other; ALTER TABLE feedback_summaries_day DROP COLUMN nps_other; PRAGMA user_version = 10;`);
      expect(migrate(ws.db)).toEqual([11, 12, 13, 14, 15]);
      expect(storedCells(ws.db)).toEqual(expected);
      expect(metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, NOW + 1).feedback_not_charted).toEqual({ ratings: 6, nps: 1, automated: 0 });
    } finally {
      ws.close();
    }
  });
});

describe('the default range reaches the dated feedback, not only the requests', () => {
  it('ratings an hour after the last request are in the day and hour buckets (they were in none), from cells and rows alike', async () => {
    const dir = tmp();
    const ws = await Workspace.open(path.join(dir, 'w.sqlite'), { create: true });
    try {
      const p = (name: string, lines: string[]) => { const f = path.join(dir, name); fs.writeFileSync(f, `${lines.join('\n')}\n`); return f; };
      // Requests on one day, 20:00-22:00 UTC; CSAT from 23:30 that day to 01:30 the next.
      await runImport(ws, p('req.jsonl', Array.from({ length: 3 }, (_, i) => JSON.stringify({ request_id: `q${i}`, timestamp: new Date(T0 + (20 + i) * H).toISOString(), feature: 'chat', model: 'm', input: 'q', output: 'a' }))), {});
      await runImport(ws, p('fb.jsonl', Array.from({ length: 3 }, (_, i) => feedbackLine(`c${i}`, { request_id: `q${i}`, timestamp: new Date(T0 + 23.5 * H + i * H).toISOString(), type: 'csat', value: 5 }))), {});
      for (const [zone, source] of [['UTC', 'summaries'], ['Asia/Kolkata', 'requests']] as const) {
        for (const filter of [{}, { feature: 'chat' }]) {
          const days = metricsSeries(ws.db, zone, { bucket: 'day', filter, breakdown: 'none' }, NOW);
          expect(days.quantiles.source, zone).toBe(source);
          expect(days.buckets.reduce((n, b) => n + b.csat.n, 0), `${zone} days ${JSON.stringify(filter)}`).toBe(3);
          const hours = metricsSeries(ws.db, zone, { bucket: 'hour', filter, breakdown: 'none' }, NOW);
          expect(hours.buckets.reduce((n, b) => n + b.csat.n, 0), `${zone} hours ${JSON.stringify(filter)}`).toBe(3);
          expect(hours.buckets.reduce((n, b) => n + b.requests, 0)).toBe(3);
        }
      }
    } finally {
      ws.close();
    }
  });
});
