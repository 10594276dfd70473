/**
 * The whole migration chain on a populated workspace written at schema 3 (the last schema before issues 7-11):
 * every table holds rows as Loupe 3 wrote them (requests with a cost from the old price table, feedback linked by id
 * and by session, a ticket and its link, an import, an old-rule review queue with a reviewed and tagged item), then
 * the file is opened by the current Loupe, which brings it to the latest schema through 4 (import accounting,
 * service_tier, traces), 5 (prices and scrubbing), 6 (comment search) and 7 (alert rules, runbooks and alert state;
 * the region column). Every row survives with its values, the new columns have their documented defaults, the
 * thresholds Loupe 3 stored carry over into the alert rules, and the features built on the new schema work on the
 * old rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Db, loadSqlJs } from '../db';
import { StoreService } from '../handlers';
import { LATEST_VERSION, MIGRATIONS, migrate } from './index';

const dirs: string[] = [];
afterEach(() => { while (dirs.length) fs.rmSync(dirs.pop()!, { recursive: true, force: true }); });

const W47 = Date.UTC(2026, 10, 16);
const H = 3_600_000;
const V3_TABLES = ['meta', 'imports', 'requests', 'feedback', 'tickets', 'ticket_links', 'prices', 'rubrics', 'review_queues', 'queue_items', 'reviews', 'tags', 'review_tags'];

/** A schema-3 workspace file with rows in every table, as Loupe 3 wrote them. */
async function schema3Workspace(file: string): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new Db(new SQL.Database());
  expect(migrate(db, 3)).toEqual([1, 2, 3]);
  db.tx(() => {
    db.run("INSERT INTO meta (key, value) VALUES ('created_at', '1'), ('time_zone', 'UTC'), ('journal_seq', '0'), ('reviewer', 'Ana')");
    // Thresholds set on Loupe 3's Metrics screen (metrics/thresholds.ts, removed by migration 7's alert rules).
    db.run(`INSERT INTO meta (key, value) VALUES ('metric_thresholds', '{"error_rate_max":0.08,"p95_latency_ms_max":3000,"thumbs_up_rate_min":0.7,"psi_max":0.3,"min_requests":10,"min_thumbs":10}')`);
    db.run("INSERT INTO prices (model, input_usd_per_mtok, output_usd_per_mtok, as_of, source) VALUES ('gpt-4o-mini', 0.15, 0.6, '2026-11-01', 'default price table')");
    db.run(`INSERT INTO imports (id, file_name, file_size, sha256, kind, preset, records_read, inserted, started_at, finished_at)
      VALUES (1, 'requests.jsonl', 1234, 'abc', 'mixed', 'generic', 6, 6, 1, 2)`);
    const req = (id: string, ts: number, input: string, output: string, cost: number | null, costSource: string | null, session: string) =>
      db.run(`INSERT INTO requests (id, ts, user_id, session_id, model, feature, lang, input, output, latency_ms, tokens_in, tokens_out, cost_usd, cost_source, status, is_error, input_chars, output_chars, import_id)
        VALUES (?, ?, 'u1', ?, 'gpt-4o-mini-2024-07-18', 'chat', 'en', ?, ?, 800, 1000, 500, ?, ?, 'ok', 0, ?, ?, 1)`,
      [id, ts, session, input, output, cost, costSource, input.length, output.length]);
    req('r1', W47 + H, 'Where is my parcel?', 'On its way.', 0.00045, 'price_table', 's1');
    req('r2', W47 + 2 * H, 'Refund please', 'No refunds.', 0.5, 'source', 's1');
    req('r3', W47 + 3 * H, 'Change my address', 'Done.', 0.00045, 'price_table', 's2');
    db.run("INSERT INTO feedback (id, request_id, ts, kind, value, comment, link_method, import_id) VALUES ('f1', 'r2', ?, 'thumb', -1, 'slow in the afternoon and wrong', 'explicit', 1)", [W47 + 5 * H]);
    db.run("INSERT INTO feedback (id, request_id, session_id, ts, kind, value, comment, link_method, import_id) VALUES ('f2', 'r1', 's1', ?, 'rating', 5, NULL, 'session', 1)", [W47 + 6 * H]);
    db.run("INSERT INTO tickets (id, created_ts, user_id, subject, body, status, tags, request_ref, import_id) VALUES ('t1', ?, 'u1', 'Refund', 'They said no refunds', 'open', '[\"billing\"]', 'r2', 1)", [W47 + 7 * H]);
    db.run("INSERT INTO ticket_links (ticket_id, request_id, method, rule, gap_ms) VALUES ('t1', 'r2', 'explicit', 'request id in the ticket', NULL)");
    // A queue stored by Loupe 3: the first frame rule (no `rule` field), reviewed and repeated inputs left out.
    const design = { name: '2026-W47 review', week: '2026-W47', from_ts: W47, to_ts: W47 + 7 * 24 * H, time_zone: 'UTC', size: 2, strata: null,
      allocation: 'proportional', min_per_stratum: 1, filters: {}, oversample: {}, overlap: 0, seed: 1 };
    db.run(`INSERT INTO review_queues (id, name, week, from_ts, to_ts, design, strata, frame, batches, created_at) VALUES (1, '2026-W47 review', '2026-W47', ?, ?, ?, ?, ?, 1, 100)`,
      [W47, W47 + 7 * 24 * H, JSON.stringify(design),
        JSON.stringify([{ key: 'all', kind: 'all', population: 3, sampled: 2, excluded_reviewed: 0, excluded_duplicates: 0 }]),
        JSON.stringify({ max_rowid: 3, reviews_before: 100, p95_latency_ms: 800, requests_in_period: 3, reviewed_rowids: [] })]);
    db.run("INSERT INTO queue_items (queue_id, position, request_id, stratum, reason, inclusion_probability) VALUES (1, 1, 'r2', 'all', 'simple random sample', ?), (1, 2, 'r3', 'all', 'simple random sample', ?)", [2 / 3, 2 / 3]);
    db.run("INSERT INTO tags (id, name, colour, created_at) VALUES (1, 'wrong refund policy', '#d9480f', 150)");
    db.run(`INSERT INTO reviews (id, queue_id, request_id, reviewer, rubric_version, verdicts, failed, note, session_id, created_at)
      VALUES (1, 1, 'r2', 'Ana', 1, '{"correct":"fail","safe":"pass","helpful":2}', 1, 'refunds are allowed within 30 days', 'old', 200)`);
    db.run('INSERT INTO review_tags (review_id, tag_id) VALUES (1, 1)');
  });
  expect(db.value('PRAGMA user_version')).toBe(3);
  fs.writeFileSync(file, db.raw.export());
  db.close();
}

describe('migrating a populated schema-3 workspace to the latest schema', () => {
  it('keeps every row, fills the new columns, and the new features work on the old rows', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-chain-'));
    dirs.push(dir);
    const file = path.join(dir, 'old.sqlite');
    await schema3Workspace(file);
    const SQL = await loadSqlJs();
    const before = new Db(new SQL.Database(fs.readFileSync(file)));
    const counts = Object.fromEntries(V3_TABLES.map((t) => [t, before.value<number>(`SELECT count(*) FROM ${t}`)]));
    before.close();
    expect(Object.values(counts).every((n) => (n ?? 0) > 0)).toBe(true);

    const svc = new StoreService(() => undefined, { checkpointIdleMs: 3_600_000 });
    try {
      await svc.dispatch('internal.open', { path: file });
      // The versions run in order, with no gap, up to the latest.
      expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      const ws = (svc as unknown as { ws: { db: Db } }).ws;
      const db = ws.db;
      expect(db.value('PRAGMA user_version')).toBe(LATEST_VERSION);
      for (const t of V3_TABLES.filter((x) => x !== 'prices' && x !== 'meta')) expect(db.value(`SELECT count(*) FROM ${t}`), t).toBe(counts[t]);
      // meta keeps every key (migration 7 adds the drift PSI setting beside them).
      expect(db.all<{ key: string }>('SELECT key FROM meta').map((r) => r.key)).toEqual(expect.arrayContaining(['created_at', 'time_zone', 'journal_seq', 'reviewer', 'metric_thresholds', 'drift_psi_max']));
      // Old rows keep their values; new columns hold their defaults.
      expect(db.get("SELECT id, cost_usd, cost_source, service_tier, trace_id, tokens_cached_in, region, price_model, price_as_of, price_tier FROM requests WHERE id = 'r1'")).toEqual({
        id: 'r1', cost_usd: 0.00045, cost_source: 'price_table', service_tier: null, trace_id: null, tokens_cached_in: null, region: null,
        price_model: 'gpt-4o-mini', price_as_of: '2026-11-01', price_tier: 'standard',
      });
      expect(db.get("SELECT price_model, price_tier FROM requests WHERE id = 'r2'")).toEqual({ price_model: null, price_tier: null });
      expect(db.all('SELECT id, request_id, link_method, trace_id FROM feedback ORDER BY id')).toEqual([
        { id: 'f1', request_id: 'r2', link_method: 'explicit', trace_id: null }, { id: 'f2', request_id: 'r1', link_method: 'session', trace_id: null },
      ]);
      expect(db.get("SELECT skipped, skip_reasons, record_unit, scrub FROM imports WHERE id = 1")).toEqual({ skipped: 0, skip_reasons: '[]', record_unit: 'records', scrub: '{}' });
      expect(db.get("SELECT session_id, tags FROM tickets WHERE id = 't1'")).toEqual({ session_id: null, tags: '["billing"]' });
      // The old price row is kept beside the dated defaults.
      expect(db.get("SELECT input_usd_per_mtok, source FROM prices WHERE model = 'gpt-4o-mini' AND as_of = '2026-11-01'")).toEqual({ input_usd_per_mtok: 0.15, source: 'default price table' });
      expect(db.value('SELECT count(*) FROM prices')).toBeGreaterThan(40);
      // Migration 7: the playbook's rules, with Loupe 3's error-rate floor, its minimum raised to the new floor of 20,
      // and its PSI threshold; no alert state yet.
      const settings = await svc.dispatch('alerts.settings.get', {});
      expect(settings.rules.map((r) => r.id)).toEqual(['error_rate', 'p95_latency', 'daily_cost', 'negative_feedback', 'ticket_surge']);
      expect(settings.rules.find((r) => r.id === 'error_rate')!.params).toMatchObject({ floor: 0.08, min_requests: 20 });
      expect(settings.psi_max).toBe(0.3);
      expect(db.value('SELECT count(*) FROM alert_states')).toBe(0);
      // The feedback table rebuilt by migration 4 accepts the new link method.
      db.run("UPDATE feedback SET link_method = 'trace' WHERE id = 'f2'");
      db.run("UPDATE feedback SET link_method = 'session' WHERE id = 'f2'");

      // Comment search (migration 6) finds the old comment; the edge-case library keeps the old tagged review.
      const found = await svc.dispatch('feedback.query', { filter: { text: 'slow in the after' } });
      expect(found.rows.map((r) => r.id)).toEqual(['f1']);
      const lib = await svc.dispatch('edgeCases.query', {});
      expect(lib.map((e) => e.request_id)).toEqual(['r2']);
      // The old queue keeps saying what its frame was; a new queue of the week counts r2 with its review.
      const old = await svc.dispatch('estimates.week', { queue_id: 1 });
      expect(old.frame).toMatchObject({ requests: 3, requests_in_period: 3, reviewed_earlier: 0 });
      const q = await svc.dispatch('queues.create', { week: '2026-W47', size: 5, seed: 1 });
      expect(q.items.map((i) => i.request_id).sort()).toEqual(['r1', 'r3']);
      expect(q.strata.find((s) => s.kind === 'reviewed')).toMatchObject({ population: 1 });
      // An import of a new format into the migrated file: accounted, priced and indexed for search.
      const otlp = path.join(dir, 'spans.json');
      const attr = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
      fs.writeFileSync(otlp, JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', 'app')] }, scopeSpans: [{ scope: { name: 's' }, spans: [
        { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat', kind: 3, startTimeUnixNano: String(BigInt(W47 + 8 * H) * 1_000_000n), endTimeUnixNano: String(BigInt(W47 + 8 * H + 500) * 1_000_000n),
          attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'gpt-4o-mini'), attr('gen_ai.usage.input_tokens', 100), attr('gen_ai.usage.output_tokens', 10), attr('geo.country.iso_code', 'PT'),
            attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]))] },
        { traceId: 'a'.repeat(32), spanId: 'c'.repeat(16), name: 'GET /x', kind: 2, startTimeUnixNano: '1', endTimeUnixNano: '2', attributes: [attr('http.request.method', 'GET')] },
      ] }] }] }));
      const s = await svc.dispatch('internal.importFileWait', { path: otlp, options: {} });
      expect(s).toMatchObject({ inserted: 1, skipped: 1, record_unit: 'spans' });
      expect(db.get("SELECT trace_id, price_model, region FROM requests WHERE id = ?", ['b'.repeat(16)])).toEqual({ trace_id: 'a'.repeat(32), price_model: 'gpt-4o-mini', region: 'PT' });
      // The region is a dimension of the metrics and the records grid.
      expect(await svc.dispatch('metrics.options', {})).toMatchObject({ region: ['PT'] });
      expect((await svc.dispatch('requests.query', { filter: { region: ['PT'] } })).total).toBe(1);
      // Alerts run on the migrated rows (too few requests to judge: nothing raised, and the tests say why).
      const alerts = await svc.dispatch('alerts.list', {});
      expect(alerts.alerts).toEqual([]);
      expect(alerts.tests.find((t) => t.rule === 'error_rate')!.judged).toBe(0);
      // The weekly report renders every section on the migrated workspace.
      const md = await svc.dispatch('report.weekly', { week: '2026-W47', format: 'md', paper: 'a4' });
      expect(md.text).toContain('## Review');
      expect(md.text).toContain('## Tickets');
      expect(md.text).toContain('## Alerts');
      expect(md.text).toContain('No alert rule fired in 2026-W47.');
    } finally {
      svc.close();
    }
  });
});
