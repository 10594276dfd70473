/**
 * The regression check's matching: which requests of a period repeat the input of a tagged edge case from before
 * the period. Used by the review sampler (the `edge_case_repeat` oversampling signal: such requests get their own
 * stratum) and by the weekly report (how many were reviewed, how many failed again).
 *
 * An edge case is a request with an effective review (non-undone, non-skipped, each reviewer's latest decision)
 * that carries at least one tag, dated before the period. Two inputs match when their normalised texts are equal:
 * Unicode NFKC, lower case, every run of digits read as one "0" (order numbers, dates, amounts differ between
 * repeats of the same question), whitespace collapsed, and surrounding punctuation dropped. Empty inputs never
 * match. Exact matching on this key is O(requests) with one hash lookup each, so it runs on 1M-request workspaces.
 */
import type { Db } from '../db';
import { EFFECTIVE_REVIEWS } from './tags';

/** The key two inputs share when they repeat the same question (see the file comment). */
export function normaliseInput(s: string | null): string {
  if (!s) return '';
  return s.normalize('NFKC').toLowerCase().replace(/\d+/g, '0').replace(/\s+/g, ' ').trim().replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '');
}

/** One earlier edge case, by normalised input. */
export interface EarlierEdgeCase { request_id: string; ts: number | null; tags: string[]; failed: boolean | null }

/**
 * Tagged edge cases dated before `beforeTs`, by normalised input (the latest case wins when several share a key).
 * @param beforeTs - UTC ms; requests at or after it are not "earlier"
 */
export function earlierEdgeCases(db: Db, beforeTs: number): Map<string, EarlierEdgeCase> {
  const rows = db.all<{ request_id: string; ts: number | null; input: string | null; failed: number | null; tag: string }>(`
    SELECT e.request_id, r.ts, r.input, e.failed, t.name AS tag
    FROM (${EFFECTIVE_REVIEWS}) e JOIN review_tags rt ON rt.review_id = e.id JOIN tags t ON t.id = rt.tag_id JOIN requests r ON r.id = e.request_id
    WHERE r.ts < ? ORDER BY r.ts, e.id`, [beforeTs]);
  const out = new Map<string, EarlierEdgeCase>();
  for (const r of rows) {
    const key = normaliseInput(r.input);
    if (!key) continue;
    const had = out.get(key);
    if (had && had.request_id === r.request_id) {
      if (!had.tags.includes(r.tag)) had.tags.push(r.tag);
      continue;
    }
    out.set(key, { request_id: r.request_id, ts: r.ts, tags: [r.tag], failed: r.failed === null ? null : r.failed === 1 });
  }
  return out;
}

/**
 * Requests that repeat an edge case tagged before `beforeTs`.
 * @param beforeTs - UTC ms: edge cases of requests dated before it count
 * @param where - SQL conditions on `requests` choosing the requests to check (e.g. the period and a queue design's
 *   filters) and their params
 * @returns rowid, request id and the earlier case for each match, in rowid order; `edge_cases` counts the earlier
 *   cases (distinct normalised inputs)
 */
export function edgeCaseRepeats(db: Db, beforeTs: number, where: { sql: string; params: Array<string | number> }):
  { edge_cases: number; matches: Array<{ rowid: number; request_id: string; earlier: EarlierEdgeCase }> } {
  const cases = earlierEdgeCases(db, beforeTs);
  const matches: Array<{ rowid: number; request_id: string; earlier: EarlierEdgeCase }> = [];
  if (cases.size === 0) return { edge_cases: 0, matches };
  const st = db.raw.prepare(`SELECT rowid, id, input FROM requests WHERE ${where.sql} ORDER BY rowid`);
  try {
    st.bind(where.params);
    while (st.step()) {
      const [rowid, id, input] = st.get() as [number, string, string | null];
      const hit = cases.get(normaliseInput(input));
      if (hit) matches.push({ rowid, request_id: id, earlier: hit });
    }
  } finally {
    st.free();
  }
  return { edge_cases: cases.size, matches };
}

/**
 * Rowids of a queue design's requests that repeat an edge case tagged before the design's period: the
 * `edge_case_repeat` signal of review sampling (sampling.ts).
 * @param where - the design's period and filters as SQL (sampling.ts periodWhere)
 */
export function edgeCaseRepeatRowids(db: Db, d: { from_ts: number }, where: { sql: string; params: Array<string | number> }): Set<number> {
  return new Set(edgeCaseRepeats(db, d.from_ts, where).matches.map((m) => m.rowid));
}
