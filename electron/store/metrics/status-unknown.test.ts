/**
 * A request with neither a status nor an error message says nothing about whether it failed: the error rate is over
 * the requests whose outcome is known, from the summaries as from the rows, and is unknown (null) when none is known.
 * Before, such requests counted as successes: an export without a status (most of ../shared/data/real) read "error
 * rate 0.0%" and "success ratio 100.00%".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../workspace';
import { runImport } from '../import/pipeline';
import { metricsSeries, type SeriesInput } from './series';
import { metricsRanking } from './ranking';
import { listAlerts } from '../alerts/alerts';
import { sliceContext } from '../alerts/slice';
import { buildWeeklyReport, renderText } from '../report';
import { trendCharts } from '../report/charts';
import { queryRequests } from '../queries';

const NOW = Date.UTC(2026, 11, 1);
const T0 = Date.UTC(2026, 10, 2); // Monday of 2026-W45
const H = 3_600_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-status-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `n` requests of one feature in W45, each given `fields` (status, error, or neither). */
function lines(prefix: string, n: number, feature: string, fields: (i: number) => Record<string, unknown>): string[] {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ request_id: `${prefix}${i}`, timestamp: new Date(T0 + 24 * H + i * 60_000).toISOString(), feature, model_version: 'v1', input: 'q', output: 'a', latency_ms: 100 + i, ...fields(i) }));
}

const WEEK: SeriesInput = { bucket: 'week', filter: {}, breakdown: 'feature' };

describe('requests with and without a status', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(path.join(dir, 'mixed.sqlite'), { create: true });
    // chat: 10 ok, 5 with status "error", 2 with only an error message, 30 with neither; search: 20 with neither.
    const file = path.join(dir, 'mixed.jsonl');
    fs.writeFileSync(file, `${[
      ...lines('ok', 10, 'chat', () => ({ status: 'ok' })),
      ...lines('err', 5, 'chat', () => ({ status: 'error' })),
      ...lines('msg', 2, 'chat', () => ({ error: 'upstream timeout' })),
      ...lines('none', 30, 'chat', () => ({})),
      ...lines('s', 20, 'search', () => ({})),
    ].join('\n')}\n`);
    await runImport(ws, file, {});
  }, 60_000);
  afterAll(() => ws.close());

  it('the error rate is 7 errors of the 17 requests with a status or an error, from the summaries and from the rows', () => {
    for (const source of ['summaries', 'requests'] as const) {
      const s = metricsSeries(ws.db, 'UTC', { ...WEEK, ...(source === 'requests' ? { source } : {}) }, NOW);
      expect(s.quantiles.source).toBe(source);
      const b = s.buckets.find((x) => x.label === '2026-W45')!;
      expect([b.requests, b.errors, b.error_rate.k, b.error_rate.n]).toEqual([67, 7, 7, 17]);
      expect(b.error_rate.rate).toBeCloseTo(7 / 17, 12);
      const chat = s.breakdown!.groups.find((g) => g.key === 'chat')!.points.find((p) => p.label === '2026-W45')!;
      const search = s.breakdown!.groups.find((g) => g.key === 'search')!.points.find((p) => p.label === '2026-W45')!;
      expect([chat.requests, chat.with_status, chat.errors]).toEqual([47, 17, 7]);
      expect(chat.error_rate).toBeCloseTo(7 / 17, 12);
      // search: no request says how it went, so no rate (not 0%).
      expect([search.requests, search.with_status, search.error_rate]).toEqual([20, 0, null]);
    }
  });

  it('rankings rank error rates over the requests with a status; the slice panel and the alerts say the same', () => {
    const r = metricsRanking(ws.db, { dim: 'feature', filter: {}, top: 5 });
    expect(r.total).toMatchObject({ requests: 67, errors: 7, with_status: 17 });
    expect(r.total.error_rate).toBeCloseTo(7 / 17, 12);
    // chat's 17 requests with a status are below the 20 a ranked rate needs: summed in "(other)"; search, with none,
    // is not counted there (no "(other)" of 0/0).
    expect(r.by_error_rate.map((x) => [x.key, x.with_status])).toEqual([['(other) (1)', 17]]);
    const r2 = metricsRanking(ws.db, { dim: 'feature', filter: {}, top: 5 });
    expect(r2.by_volume.find((x) => x.key === 'search')).toMatchObject({ with_status: 0, error_rate: null });
    const ctx = sliceContext(ws, 'UTC', { feature: 'chat', model_version: 'v1', from_ts: T0, to_ts: T0 + 7 * 24 * H, weeks_before: 1 }, NOW);
    const w45 = ctx.points.find((p) => p.label === '2026-W45')!;
    expect([w45.requests, w45.errors]).toEqual([47, 7]);
    expect(w45.error_rate).toBeCloseTo(7 / 17, 12);
    const a = listAlerts(ws, 'UTC', {}, NOW);
    expect(a.availability.success_ratio).toBeCloseTo(10 / 17, 12);
  });

  it('the report says over how many requests the error rate is', () => {
    const rep = buildWeeklyReport(ws, { week: '2026-W45' }, NOW);
    const vol = rep.summary.find((x) => x.id === 'metrics:volume')!;
    expect(vol.text).toContain('error rate 41.2% (of the 17 requests with a status or an error)');
    if (!rep.metrics.available) throw new Error('metrics expected');
    expect([rep.metrics.data.error_rate.k, rep.metrics.data.error_rate.n]).toEqual([7, 17]);
    // Per feature and per week, the same denominator (the CSV's n, the feature table's "7 of 17").
    const chat = rep.metrics.data.by_feature.find((f) => f.feature === 'chat')!;
    expect([chat.requests, chat.with_status, chat.errors]).toEqual([47, 17, 7]);
    expect(chat.error_rate).toBeCloseTo(7 / 17, 12);
    expect(rep.metrics.data.by_feature.find((f) => f.feature === 'search')).toMatchObject({ requests: 20, with_status: 0, error_rate: null });
    expect(rep.metrics.data.trend.find((t) => t.week === '2026-W45')).toMatchObject({ requests: 67, with_status: 17 });
    const csv = renderText(rep, 'csv').text;
    expect(csv.split('\n').find((l) => l.startsWith('metrics_feature,error_rate:chat,'))).toMatch(/^metrics_feature,error_rate:chat,chat error rate,0\.41176\d*,,,17,7,share,/);
    expect(csv.split('\n').find((l) => l.startsWith('trend,error_rate:2026-W45,'))).toMatch(/,17,,share,/);
    expect(renderText(rep, 'md').text).toContain('41.2% (7 of 17)');
  });

  it('the Records filter "no error" holds the requests known not to have failed, not those that say nothing', () => {
    const noError = queryRequests(ws.db, { offset: 0, limit: 100, filter: { is_error: false } });
    const errors = queryRequests(ws.db, { offset: 0, limit: 100, filter: { is_error: true } });
    expect([noError.total, errors.total]).toEqual([10, 7]);
    expect(noError.rows.every((r) => String(r.id).startsWith('ok'))).toBe(true);
  });

  it('a re-import that gives requests their status (is_error unchanged) updates the summaries', async () => {
    const file = path.join(dir, 'status.jsonl');
    fs.writeFileSync(file, `${lines('none', 30, 'chat', () => ({ status: 'ok' })).join('\n')}\n`);
    await runImport(ws, file, {});
    for (const source of ['summaries', 'requests'] as const) {
      const b = metricsSeries(ws.db, 'UTC', { ...WEEK, ...(source === 'requests' ? { source } : {}) }, NOW).buckets.find((x) => x.label === '2026-W45')!;
      expect([b.errors, b.error_rate.n], source).toEqual([7, 47]);
    }
  });
});

describe('placeholders in status and error columns', () => {
  it('N/A, null, NaN, - and the like say nothing in a status; an error field the record has but leaves empty (null, false, 0, "no", N/A) says no error happened; error true is one', async () => {
    const ws = await Workspace.open(path.join(dir, 'placeholders.sqlite'), { create: true });
    try {
      const csv = path.join(dir, 'p.csv');
      const statuses = ['N/A', 'null', 'NaN', '-', '', 'None', 'nil', 'undefined', '--'];
      const errors = ['None', 'nan', 'NULL', 'false', '0', '', 'no', 'N/A', 'ok'];
      fs.writeFileSync(csv, `request_id,timestamp,input,output,status,error\n${statuses.map((st, i) => `c${i},2026-11-03T10:0${i}:00Z,q,a,${st},${errors[i]}`).join('\n')}\n`);
      await runImport(ws, csv, {});
      const json = path.join(dir, 'p.jsonl');
      fs.writeFileSync(json, `${[
        { request_id: 'j0', status: 'ok', error: false }, { request_id: 'j1', status: 'ok', error: null }, { request_id: 'j2', error: true },
        { request_id: 'j3', error: 0 }, { request_id: 'j4', error: 503 }, { request_id: 'j5', status: 'error', error: 'upstream timeout' },
      ].map((o, i) => JSON.stringify({ ...o, timestamp: `2026-11-03T11:0${i}:00Z`, input: 'q', output: 'a' })).join('\n')}\n`);
      await runImport(ws, json, {});
      const rows = ws.db.all<{ id: string; status: string | null; error: string | null; is_error: number }>('SELECT id, status, error, is_error FROM requests ORDER BY id');
      // The CSV has an error column: each row's empty or placeholder cell says no error (stored as '': no message).
      expect(rows.filter((r) => r.id.startsWith('c')).every((r) => r.status === null && r.error === '' && r.is_error === 0)).toBe(true);
      expect(rows.filter((r) => r.id.startsWith('j')).map((r) => [r.id, r.status, r.error, r.is_error])).toEqual([
        ['j0', 'ok', '', 0], ['j1', 'ok', '', 0], ['j2', null, 'true', 1], ['j3', null, '', 0], ['j4', null, '503', 1], ['j5', 'error', 'upstream timeout', 1],
      ]);
      // Every outcome is known: each record has an error field (j3's 0 and the CSV's placeholders say none happened).
      const b = metricsSeries(ws.db, 'UTC', WEEK, NOW).buckets.find((x) => x.label === '2026-W45')!;
      expect([b.requests, b.errors, b.error_rate.n]).toEqual([15, 3, 15]);
      // A record without the error field, and without a status, says nothing.
      const none = path.join(dir, 'p2.jsonl');
      // Braintrust's and OpenAI Batch's `"error": null` on a success, with no status, is a known success.
      fs.writeFileSync(none, `${[{ request_id: 'k0' }, { request_id: 'k1', error: null }].map((o) => JSON.stringify({ ...o, timestamp: '2026-11-03T12:00:00Z', input: 'q', output: 'a' })).join('\n')}\n`);
      await runImport(ws, none, {});
      expect(ws.db.all('SELECT id, status, error FROM requests WHERE id IN (?, ?) ORDER BY id', ['k0', 'k1'])).toEqual([{ id: 'k0', status: null, error: null }, { id: 'k1', status: null, error: '' }]);
      const b2 = metricsSeries(ws.db, 'UTC', WEEK, NOW + 1).buckets.find((x) => x.label === '2026-W45')!;
      expect([b2.requests, b2.errors, b2.error_rate.n]).toEqual([17, 3, 16]);
    } finally {
      ws.close();
    }
  });
});

describe('an export without any status (as most real exports here)', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.open(path.join(dir, 'none.sqlite'), { create: true });
    const file = path.join(dir, 'none.jsonl');
    fs.writeFileSync(file, `${lines('n', 40, 'chat', () => ({})).join('\n')}\n`);
    await runImport(ws, file, {});
  }, 60_000);
  afterAll(() => ws.close());

  it('has no error rate and no success ratio, and the report says the error rate is unknown', () => {
    const b = metricsSeries(ws.db, 'UTC', WEEK, NOW).buckets.find((x) => x.label === '2026-W45')!;
    expect([b.requests, b.errors, b.error_rate.n, b.error_rate.rate, b.error_rate.low, b.error_rate.high]).toEqual([40, 0, 0, null, null, null]);
    expect(listAlerts(ws, 'UTC', {}, NOW).availability.success_ratio).toBeNull();
    const vol = buildWeeklyReport(ws, { week: '2026-W45' }, NOW).summary.find((x) => x.id === 'metrics:volume')!;
    expect(vol.text).toContain('error rate unknown (no request has a status or an error)');
    expect(vol.text).not.toContain('0.0%');
    const rep = buildWeeklyReport(ws, { week: '2026-W45' }, NOW);
    const md = renderText(rep, 'md').text;
    if (!rep.metrics.available) throw new Error('metrics expected');
    const chart = trendCharts(rep.metrics.data).find((c) => c.id === 'c-errors')!;
    expect(chart.caption).toMatch(/2026-W45: unknown \(no request has a status or an error\)\.$/);
    expect(chart.svg).toContain('Error rate unknown: no request has a status or an error.');
    expect(md.endsWith('\n')).toBe(true);
  });
});
