/**
 * Feedback an automated evaluator wrote (an LLM judge's, a scoring rule's: by its source) is kept and listed, and left
 * out of every users' figure: the thumbs-up rate, CSAT and NPS of the Metrics screen (from the feedback summaries and
 * from the rows), feedback by trait, the report, the queue's thumbs-down and low-score signals; each says how many it leaves out.
 * Before migration 14 an EVAL score counted in the thumbs-up rate like a user's thumb (an import note said so).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedbackQuerySchema, feedbackTraitsSchema } from '../../../shared/contract-feedback';
import { runImport } from '../import/pipeline';
import { metricsSeries } from '../metrics/series';
import { migrate } from '../migrations';
import { buildWeeklyReport, renderText } from '../report';
import { setSummariesEnabled } from '../summaries/read';
import { feedbackSummariesCurrent } from '../summaries/feedback';
import { useTempWorkspaces } from '../testing/temp';
import { queueDesignSchema } from '../../../shared/contract-review';
import { sliceContextSchema } from '../../../shared/contract-alerts';
import { sliceContext } from '../alerts/slice';
import { buildFrame, resolveDesign } from '../review/sampling';
import { automatedOf } from './automated';
import { listAlerts } from '../alerts/alerts';
import { metricsRanking } from '../metrics/ranking';
import { feedbackTerms } from './terms';
import { feedbackTermsSchema } from '../../../shared/contract-feedback';
import { queryFeedback } from './query';
import { feedbackTraits } from './traits';

const { tmpDir, newWorkspace } = useTempWorkspaces('loupe-automated-');
const NOW = Date.UTC(2026, 11, 1);
/** Monday 2026-11-16 10:00 UTC: ISO week 2026-W47. */
const T0 = Date.UTC(2026, 10, 16, 10);
const iso = (ms: number) => new Date(ms).toISOString();

async function workspace() {
  const ws = await newWorkspace();
  const dir = tmpDir();
  const file = (name: string, lines: unknown[]) => { const p = path.join(dir, name); fs.writeFileSync(p, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`); return p; };
  await runImport(ws, file('requests.jsonl', Array.from({ length: 20 }, (_, i) => ({ request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000), feature: i % 2 ? 'chat' : 'search', model: 'm', input: `q ${i}`, output: `a ${i}` }))), {});
  const fb: unknown[] = [];
  // Users: 10 thumbs (8 up) and 4 CSAT ratings (3 of them 4-5), sources API and none.
  for (let i = 0; i < 10; i++) fb.push({ feedback_id: `u${i}`, request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000 + 60_000), type: 'thumb', value: i < 8 ? 'up' : 'down', ...(i % 2 ? { source: 'API' } : {}) });
  for (let i = 0; i < 4; i++) fb.push({ feedback_id: `c${i}`, request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000 + 90_000), type: 'rating', value: [5, 4, 2, 5][i], scale: 5, source: 'ANNOTATION' });
  // An LLM judge: 12 thumbs, all down, and 6 CSAT-like 1-5 scores of 1 (sources EVAL and llm).
  for (let i = 0; i < 12; i++) fb.push({ feedback_id: `e${i}`, request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000 + 120_000), type: 'thumb', value: 'down', source: 'EVAL' });
  for (let i = 0; i < 6; i++) fb.push({ feedback_id: `j${i}`, request_id: `a${i}`, timestamp: iso(T0 + i * 3600_000 + 150_000), type: 'rating', value: 1, scale: 5, source: 'llm' });
  const imp = await runImport(ws, file('feedback.jsonl', fb), {});
  return { ws, imp, file };
}

describe('feedback written by automated evaluators', () => {
  it('is marked from its source at import, said in a note, and listed apart', async () => {
    const { ws, imp } = await workspace();
    expect(imp).toMatchObject({ inserted: 32, rejected: 0 });
    expect(imp.notes).toContain('18 feedback row(s) come from automated evaluators, not users (their source names an LLM judge or a scoring rule, such as eval, llm, model, judge, auto_eval, online_scoring or code; first on line 15): they are kept and shown, and left out of the thumbs-up rate, CSAT, NPS and rating figures, which count them apart');
    expect(ws.db.all('SELECT automated, count(*) AS n FROM feedback GROUP BY 1 ORDER BY 1')).toEqual([{ automated: null, n: 5 }, { automated: 0, n: 9 }, { automated: 1, n: 18 }]);
    const q = (from?: 'users' | 'evaluators') => queryFeedback(ws.db, feedbackQuerySchema.parse({ filter: from ? { from } : {} }), 'UTC');
    expect(q().total).toBe(32);
    expect(q('users').total).toBe(14);
    const ev = q('evaluators');
    expect(ev.total).toBe(18);
    expect(ev.rows.every((r) => r.automated)).toBe(true);
    expect(q('users').rows.some((r) => r.automated)).toBe(false);
  });

  it('is in no users\' figure on the Metrics screen, from the summaries and from the rows alike, and is counted', async () => {
    const { ws } = await workspace();
    for (const cells of [true, false]) {
      setSummariesEnabled(cells);
      try {
        const s = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'feature' }, NOW + (cells ? 0 : 1));
        const w = s.buckets.find((b) => b.label === '2026-W47')!;
        expect([w.thumbs.up, w.thumbs.down], `cells ${cells}`).toEqual([8, 2]);
        expect([w.csat.satisfied, w.csat.n], `cells ${cells}`).toEqual([3, 4]);
        expect(s.feedback_not_charted, `cells ${cells}`).toEqual({ ratings: 0, nps: 0, automated: 18 });
        const byFeature = s.breakdown!.groups.map((g) => [g.key, g.points.find((p) => p.label === '2026-W47')!.thumbs_n]);
        expect(byFeature.sort(), `cells ${cells}`).toEqual([['chat', 5], ['search', 5]]);
      } finally {
        setSummariesEnabled(true);
      }
    }
  });

  it('is no thumbs-down or low-score signal for a queue, and its comments are said among the terms', async () => {
    const { ws } = await workspace();
    const d = resolveDesign(queueDesignSchema.parse({ week: '2026-W47', size: 10, oversample: { thumbs_down: 0.3, low_score: 0.3 } }), 'UTC');
    const frame = buildFrame(ws.db, d, null, NOW);
    const down = frame.strata.find((x) => x.key.includes('thumbs_down'));
    // The users' two thumbs-down (a8, a9), not the judge's twelve.
    expect(down?.rowids.length).toBe(2);
    // The users' one low rating (2 of 5 on a2), not the judge's six scores of 1 (a0-a5).
    const low = frame.strata.find((x) => x.key.includes('low_score'));
    expect(low?.rowids.length).toBe(1);
    expect(ws.db.value('SELECT id FROM requests WHERE rowid = ?', [low!.rowids[0]!])).toBe('a2');
    ws.db.run("UPDATE feedback SET comment = 'wrong answer again' WHERE id IN ('e0', 'e1', 'u9')");
    ws.db.run("UPDATE feedback SET comment = 'clear answer' WHERE id IN ('u0', 'u1')");
    const t = feedbackTerms(ws.db, feedbackTermsSchema.parse({ week: '2026-W47' }), 'UTC');
    expect(t.notes).toContain('2 of the 3 negative comments and 0 of the 2 others were written by automated evaluators (LLM judges\' rationales, by their source), not users: they are compared here with users\' comments.');
  });

  it('sets no chart\'s range: old judge scores and ratings on another scale, linked to nothing, widen no chart', async () => {
    const { ws } = await workspace();
    const before = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, NOW);
    const dir = tmpDir();
    const p = path.join(dir, 'old.jsonl');
    const old = Date.UTC(2024, 5, 14, 9);
    fs.writeFileSync(p, [
      ...Array.from({ length: 5 }, (_, i) => ({ feedback_id: `old-j${i}`, request_id: `gone-${i}`, timestamp: iso(old + i * 60_000), type: 'rating', value: 7, scale: 10, source: 'judge' })),
      { feedback_id: 'old-u1', request_id: 'gone-9', timestamp: iso(old + 7_200_000), type: 'rating', value: 8, scale: 10 },
      { feedback_id: 'old-e1', request_id: 'gone-8', timestamp: iso(old + 9_000_000), type: 'thumb', value: 'down', source: 'EVAL' },
    ].map((x) => JSON.stringify(x)).join('\n'));
    const imp = await runImport(ws, p, {});
    expect(imp.notes.find((n) => n.includes('not in this workspace'))).toContain('Until then the 1 answer from users among them counts in the feedback figures (the 6 from automated evaluators in none)');
    for (const cells of [true, false]) {
      setSummariesEnabled(cells);
      try {
        const s = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, NOW + (cells ? 10 : 11));
        expect([s.from_ts, s.to_ts, s.buckets.length], `cells ${cells}`).toEqual([before.from_ts, before.to_ts, before.buckets.length]);
        // Out of every bucket, yet said: the 6 old evaluator scores beside the 18 of W47, and the user's 1-10 rating.
        expect(s.feedback_not_charted, `cells ${cells}`).toEqual({ ratings: 1, nps: 0, automated: 24 });
        const byFeature = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: { feature: 'chat' }, breakdown: 'none' }, NOW + (cells ? 12 : 13));
        expect(byFeature.buckets.length, `cells ${cells}`).toBe(before.buckets.length);
      } finally {
        setSummariesEnabled(true);
      }
    }
  });

  it('is left out of the slice panel\'s thumbs, from the summaries and from the rows alike, and counted', async () => {
    const { ws } = await workspace();
    const p = sliceContextSchema.parse({ feature: 'chat', model_version: null, from_ts: Date.UTC(2026, 10, 16), to_ts: Date.UTC(2026, 10, 23), weeks_before: 1 });
    for (const [cells, hour] of [[true, 0], [false, 1]] as const) {
      setSummariesEnabled(cells);
      try {
        const c = sliceContext(ws, 'UTC', p, NOW + hour * 3_600_000);
        const w = c.points.find((x) => x.label === '2026-W47')!;
        // chat is the odd requests: users' thumbs u1, u3, u5, u7 up and u9 down; the judge's 6 thumbs and 3 ratings.
        expect([w.thumbs_up, w.thumbs_down, w.automated_feedback], `cells ${cells}`).toEqual([4, 1, 9]);
      } finally {
        setSummariesEnabled(true);
      }
    }
  });

  it('is left out of feedback by trait and of the report, which say how many', async () => {
    const { ws } = await workspace();
    const t = feedbackTraits(ws.db, feedbackTraitsSchema.parse({ dimension: 'feature', week: '2026-W47' }), 'UTC');
    expect([t.overall.thumbs_up.k, t.overall.thumbs_up.n]).toEqual([8, 10]);
    expect(t.overall.csat.n).toBe(4);
    expect(t.notes).toContain('18 scores (thumbs, ratings, NPS) of the period come from automated evaluators such as LLM judges, not users: left out of these figures.');
    expect(t.method).toContain('Benjamini-Hochberg at FDR 0.05 across all ');
    const r = buildWeeklyReport(ws, { week: '2026-W47' }, NOW);
    if (!r.feedback.available) throw new Error('no feedback section');
    expect([r.feedback.data.thumbs.this_week.k, r.feedback.data.thumbs.this_week.n]).toEqual([8, 10]);
    expect(r.feedback.data.automated).toMatchObject({ this_week: 18, last_week: 0 });
    expect(r.feedback.data.automated.ratings.map((g) => [g.scale, g.this_week.n, g.this_week.mean, g.this_week.low.k])).toEqual([[5, 6, 1, 6]]);
    expect(r.feedback.data.other_ratings).toEqual([]);
    // Users' answers and an evaluator's on requests that are not in the workspace: rows counted, measures users' only.
    const dir = tmpDir();
    const file = (name: string, lines: unknown[]) => { const p = path.join(dir, name); fs.writeFileSync(p, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`); return p; };
    await runImport(ws, file('missing.jsonl', [
      { feedback_id: 'mu', request_id: 'gone-1', timestamp: iso(T0 + 600_000), type: 'thumb', value: 'up' },
      { feedback_id: 'me', request_id: 'gone-2', timestamp: iso(T0 + 600_000), type: 'thumb', value: 'down', source: 'EVAL' },
    ]), {});
    const m = buildWeeklyReport(ws, { week: '2026-W47' }, NOW + 1);
    if (!m.feedback.available) throw new Error('no feedback section');
    expect(m.feedback.data.missing_requests).toMatchObject({ rows: 2, requests: 2, automated: 1, thumbs: { n: 1, up: 1 } });
    expect(renderText(m, 'md').text).toContain('1 of them was written by automated evaluators, in no figure above; the figures above count the other 1');
    expect(renderText(r, 'md').text).toContain('Not in any figure above: 18 scores (thumbs, ratings, NPS) in 2026-W47 and 0 in 2026-W46 from automated evaluators');
    // Only evaluators' scores left: no test is made, and the method says so rather than "across all 0 tests".
    ws.db.run('DELETE FROM feedback WHERE automated IS NOT 1');
    const none = feedbackTraits(ws.db, feedbackTraitsSchema.parse({ dimension: 'feature', week: '2026-W47' }), 'UTC');
    expect(none.method).toContain('across the tests (none this period: no slice and rest both have answers)');
    expect(none.overall.thumbs_up.n).toBe(0);
  });

  it('is marked on a workspace from before migration 14, and its feedback cells counted again', async () => {
    const { ws } = await workspace();
    // A source the import would read as an evaluator's whatever its white space: the migration reads it the same.
    ws.db.run("UPDATE feedback SET source = ' judge\t' WHERE id = 'j0'");
    ws.db.exec(`DROP TRIGGER feedback_summary_update;
      CREATE TRIGGER feedback_summary_update AFTER UPDATE OF request_id, ts, kind, value, scale ON feedback BEGIN UPDATE feedback_summary_state SET changes = changes + 1; END;
      ALTER TABLE feedback DROP COLUMN automated; ALTER TABLE feedback_summaries DROP COLUMN automated; ALTER TABLE feedback_summaries_day DROP COLUMN automated;
      PRAGMA user_version = 13;`);
    expect(migrate(ws.db)).toEqual([14, 15]);
    expect(ws.db.value('SELECT count(*) FROM feedback WHERE automated = 1')).toBe(18);
    expect(feedbackSummariesCurrent(ws.db)).toBe(true);
    const w = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, NOW).buckets.find((b) => b.label === '2026-W47')!;
    expect([w.thumbs.up, w.thumbs.down]).toEqual([8, 2]);
    // A later change of source moves the row: the trigger watches the column.
    ws.db.run("UPDATE feedback SET automated = 0, source = 'user' WHERE id = 'e0'");
    const w2 = metricsSeries(ws.db, 'UTC', { bucket: 'week', filter: {}, breakdown: 'none' }, NOW + 5).buckets.find((b) => b.label === '2026-W47')!;
    expect([w2.thumbs.up, w2.thumbs.down]).toEqual([8, 3]);
  });
});

describe('automatedOf', () => {
  it('reads the peers\' evaluator sources in any case and spelling, other sources as users\', and no source as unknown', () => {
    for (const s of ['EVAL', 'eval', 'LLM', 'CODE', 'online_scoring', 'ONLINE_SCORING', 'model', ' llm ', ' judge\t', 'auto_eval', 'llm_as_judge', 'LLM-as-a-judge',
      'llm-judge', 'llm judge', 'evaluation', 'automated', '\u00a0eval']) expect(automatedOf(s), s).toBe(1);
    for (const s of ['API', 'ANNOTATION', 'HUMAN', 'ui', 'sdk', 'app', 'user', 'human']) expect(automatedOf(s), s).toBe(0);
    // No source, or only the name of the tool the export came from, says nothing of who wrote the row.
    for (const s of [null, '', '  ', 3, 'langfuse', 'LangSmith', 'phoenix', 'opik']) expect(automatedOf(s), String(s)).toBeNull();
  });
});

describe('a re-import without the source field', () => {
  it('keeps a stored evaluator score an evaluator\'s (Langfuse scores: source and the flag are kept)', async () => {
    const ws = await newWorkspace();
    const dir = tmpDir();
    const file = (name: string, v: unknown) => { const p = path.join(dir, name); fs.writeFileSync(p, JSON.stringify(v)); return p; };
    await runImport(ws, file('requests.json', [{ request_id: 'r1', timestamp: iso(T0), input: 'q', output: 'a' }]), {});
    const score = (o: Record<string, unknown>) => ({ id: 's1', traceId: 'r1', observationId: null, name: 'helpfulness', value: 0, dataType: 'BOOLEAN', timestamp: iso(T0 + 60_000), comment: null, ...o });
    await runImport(ws, file('scores.json', [score({ source: 'EVAL' })]), {});
    expect(ws.db.get('SELECT source, automated FROM feedback')).toEqual({ source: 'eval', automated: 1 });
    const again = await runImport(ws, file('scores-nosource.json', [score({})]), {});
    expect(again.preset).toBe('langfuse-scores');
    expect(ws.db.get('SELECT source, automated FROM feedback')).toEqual({ source: 'eval', automated: 1 });
  });

  it('is in no alert\'s share, and the negative-feedback alert says how many it left out', async () => {
    const ws = await newWorkspace();
    const dir = tmpDir();
    const file = (name: string, lines: unknown[]) => { const p = path.join(dir, name); fs.writeFileSync(p, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`); return p; };
    // Five ISO weeks from Monday 2026-10-19 (W43) to W47: 40 requests a week, each with a user's thumb; users give
    // 2 thumbs-down a week in W43-W46 and 16 in W47. A judge thumbs-down every request every week (40 a week).
    const W43 = Date.UTC(2026, 9, 19, 9);
    const reqs: unknown[] = [];
    const fb: unknown[] = [];
    for (let w = 0; w < 5; w++) {
      for (let i = 0; i < 40; i++) {
        const ts = W43 + w * 7 * 86_400_000 + i * 3 * 3600_000;
        const id = `w${w}r${i}`;
        reqs.push({ request_id: id, timestamp: iso(ts), feature: 'chat', model: 'm', input: 'q', output: 'a' });
        const down = w === 4 ? i < 16 : i < 2;
        fb.push({ feedback_id: `u-${id}`, request_id: id, timestamp: iso(ts + 60_000), type: 'thumb', value: down ? 'down' : 'up' });
        fb.push({ feedback_id: `e-${id}`, request_id: id, timestamp: iso(ts + 120_000), type: 'thumb', value: 'down', source: 'llm-as-a-judge' });
      }
    }
    // One request on Monday of W48, so the data does not stop inside W47 (an unfinished week is not judged).
    reqs.push({ request_id: 'next', timestamp: iso(W43 + 5 * 7 * 86_400_000), feature: 'chat', model: 'm', input: 'q', output: 'a' });
    await runImport(ws, file('r.jsonl', reqs), {});
    await runImport(ws, file('f.jsonl', fb), {});
    for (const cells of [true, false]) {
      setSummariesEnabled(cells);
      try {
        const r = listAlerts(ws, 'UTC', { rule: ['negative_feedback'] }, NOW + (cells ? 0 : 1));
        const a = r.alerts.find((x) => x.bucket === '2026-W47' && x.group === null && x.metric === 'thumbs_down_rate');
        // The users' share (16 of 40 against 8 of 160), not one with the judge's 40 thumbs-down in it (56 of 80).
        expect(a, `cells ${cells}`).toMatchObject({ n: 40, value: 0.4, baseline: 8 / 160, baseline_n: 160, automated_feedback: 40 });
        expect(a!.summary, `cells ${cells}`).toBe('Thumbs-down share 40.0% (16 of 40 thumbs) against 5.0% in the 4 weeks before (p < 0.0001); 40 scores from automated evaluators that week (LLM judges, scoring rules) are not counted.');
      } finally {
        setSummariesEnabled(true);
      }
    }
  });

  it('is in no ranking\'s thumbs-down rate, and the rankings count it', async () => {
    const { ws } = await workspace();
    const r = metricsRanking(ws.db, { dim: 'feature', top: 8, filter: {} });
    // Users: 10 thumbs, 2 down (a8 search, a9 chat); the judge's 12 thumbs-down are counted apart.
    expect(r.by_volume.map((x) => [x.key, x.thumbs, x.thumbs_down]).sort()).toEqual([['chat', 5, 1], ['search', 5, 1]]);
    expect(r.total).toMatchObject({ thumbs: 10, thumbs_down: 2, thumbs_down_rate: 0.2 });
    expect(r.automated_thumbs).toBe(12);
  });
});
