/**
 * The feedback part of `npm run bench` (issue 10): generates feedback rows for the bench requests
 * (`req_b000000000`…, 12 weeks from 2026-W36, as data/samples/generate.ts writes them), imports them into the bench
 * workspace, and times the FTS index build, the comment search and the distinguishing-terms view through the contract.
 */
import fs from 'node:fs';
import { DateTime } from 'luxon';
import { StoreClient } from '../electron/store/client';

const WEEK = 7 * 24 * 3600 * 1000;

/** Comment texts: English and German, complaints and praise, so terms and stop words have work to do. */
const COMMENTS = [
  'The assistant is great but slow in the afternoon.', 'Wrong answer, that menu does not exist.', 'Useless.',
  'It told me refunds are impossible, which is not true.', 'Citation does not support the claim.', 'Great summary.',
  'Exactly what I needed.', 'Saved me 10 minutes.', 'Antwort nicht auf Deutsch.', 'Ich habe auf Deutsch gefragt und eine englische Antwort bekommen.',
  "J'ai posé la question en français, la réponse est en anglais.", 'Could not find an answer although the article exists.',
  'The email drafts sound a bit robotic, otherwise very useful.', 'Left a placeholder in the email.', 'It keeps repeating the same steps.',
  'Search answers should link directly to the help article section.', 'Can the summaries include who said what?',
];

/**
 * Writes `count` feedback rows as JSONL for the first `requests` bench requests: 55% thumbs (20% down), 30% CSAT,
 * 8% NPS, 7% free comments; a third of downs, a tenth of ups and two fifths of NPS answers carry a comment.
 * Deterministic (a small LCG), no time or randomness from outside.
 */
export function generateBenchFeedback(file: string, count: number, requests: number): number {
  const start = DateTime.fromISO('2026-W36-1', { zone: 'utc' }).toMillis();
  const step = (12 * WEEK) / Math.max(1, requests);
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const fd = fs.openSync(file, 'w');
  let buf: string[] = [];
  let comments = 0;
  for (let j = 0; j < count; j++) {
    const i = Math.min(requests - 1, Math.floor((j * requests) / count));
    const ts = new Date(Math.floor(start + i * step + 60_000 + rnd() * 600_000)).toISOString();
    const req = `req_b${String(i).padStart(9, '0')}`;
    const r = rnd();
    const pick = () => COMMENTS[Math.floor(rnd() * COMMENTS.length)]!;
    let o: Record<string, unknown>;
    if (r < 0.55) {
      const down = rnd() < 0.2;
      o = { type: 'thumb', request_id: req, value: down ? 'down' : 'up' };
      if (rnd() < (down ? 0.35 : 0.1)) o.comment = pick();
    } else if (r < 0.85) o = { type: 'csat', request_id: req, value: 1 + Math.floor(rnd() * 5) };
    else if (r < 0.93) { o = { type: 'nps', value: Math.floor(rnd() * 11) }; if (rnd() < 0.4) o.comment = pick(); }
    else o = { type: 'comment', request_id: req, comment: pick() };
    if (o.comment) comments++;
    buf.push(JSON.stringify({ feedback_id: `fb_b${j}`, timestamp: ts, user_id: `u${String(1 + (i % 400)).padStart(4, '0')}`, ...o }));
    if (buf.length >= 10_000) { fs.writeSync(fd, `${buf.join('\n')}\n`); buf = []; }
  }
  if (buf.length) fs.writeSync(fd, `${buf.join('\n')}\n`);
  fs.closeSync(fd);
  return comments;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * Child phase: import the feedback file into the bench workspace and time the comment index build (re-run alone
 * on the imported rows), the comment search (count + first page, cold and warm) and the distinguishing terms of one
 * week and of all weeks. @returns the figures (ms)
 */
export async function phaseFeedback(workspace: string, file: string): Promise<Record<string, number>> {
  const client = StoreClient.start();
  await client.call('internal.open', { path: workspace });
  const imp = await timed(() => client.call('internal.importFileWait', { path: file, options: { kind: 'feedback' } }));
  // The index's own share of the import: the same statement the pipeline runs, on every imported comment.
  await client.call('internal.exec', { sql: 'DELETE FROM feedback_fts', params: [] });
  const fts = await timed(() => client.call('internal.exec', { sql: "INSERT INTO feedback_fts (docid, comment) SELECT rowid, comment FROM feedback WHERE comment IS NOT NULL AND comment <> ''", params: [] }));
  const comments = Number((await client.call('internal.exec', { sql: 'SELECT count(*) AS n FROM feedback_fts', params: [] }))[0]?.n ?? 0);
  const q = { offset: 0, limit: 100, filter: { text: 'slow in the afternoon' } };
  const search = await timed(() => client.call('feedback.query', q));
  const search2 = await timed(() => client.call('feedback.query', { ...q, filter: { text: 'antwort deutsch' } }));
  const global = await timed(() => client.call('requests.query', { offset: 0, limit: 100, filter: { text: 'slow in the afternoon' } }));
  const week = await timed(() => client.call('feedback.terms', { week: '2026-W45' }));
  const all = await timed(() => client.call('feedback.terms', {}));
  await client.close();
  return {
    feedback_rows: imp.value.inserted, comments, feedback_import_ms: Math.round(imp.ms), fts_index_ms: Math.round(fts.ms),
    search_ms: Math.round(search.ms), search_total: search.value.total, search2_ms: Math.round(search2.ms),
    global_search_ms: Math.round(global.ms), terms_week_ms: Math.round(week.ms), terms_week_comments: week.value.negative.comments + week.value.other.comments,
    terms_all_ms: Math.round(all.ms), terms_all_comments: all.value.negative.comments + all.value.other.comments,
  };
}
