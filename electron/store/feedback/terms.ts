/**
 * What negative feedback says: the words and two-word phrases that distinguish the period's negative comments
 * (thumbs-down, NPS detractors, ratings of 0.4 × their scale or lower: CSAT 1-2, 1-4 of 10; rejected preferences) from its other comments, ranked by the log-odds ratio
 * with an informative Dirichlet prior and its z-score (Monroe, Colaresi & Quinn 2008; shared/stats/log-odds.ts).
 * The prior's background is the period's comments (both groups), α₀ = 10 pseudo-words by default (weak: the
 * period's own counts decide, the prior only keeps rare words from topping the list).
 */
import type { z } from 'zod';
import type { FeedbackTerms, feedbackTermsSchema, TermScore } from '../../../shared/contract-feedback';
import { logOddsDirichlet } from '../../../shared/stats/log-odds';
import type { Db } from '../db';
import { weekWindow } from '../metrics/common';
import { VALUE_SQL } from './filter';
import { commentLanguage, commentTerms, tokenize } from './words';

type Params = z.output<typeof feedbackTermsSchema>;

const NEGATIVE_SQL: Record<Params['negative'][number], string> = {
  thumbs_down: VALUE_SQL.thumbs_down,
  detractor: VALUE_SQL.detractor,
  csat_low: "(f.kind = 'rating' AND f.value <= 0.4 * coalesce(f.scale, 5))",
  rejected: "(f.kind = 'preference' AND f.value < 0)",
};

/** Counts of a group: occurrences and comments per term. */
interface Group { comments: number; words: number; missing: number; occ: Map<string, number>; docs: Map<string, number> }

const newGroup = (): Group => ({ comments: 0, words: 0, missing: 0, occ: new Map(), docs: new Map() });

function add(g: Group, terms: string[]): void {
  const seen = new Set<string>();
  for (const t of terms) {
    g.occ.set(t, (g.occ.get(t) ?? 0) + 1);
    if (!seen.has(t)) { seen.add(t); g.docs.set(t, (g.docs.get(t) ?? 0) + 1); }
  }
}

/**
 * Distinguishing terms of a period's negative comments.
 * @param zone - workspace time zone (for `week`)
 * @throws LoupeError BAD_REQUEST for an invalid week
 */
export function feedbackTerms(db: Db, p: Params, zone: string): FeedbackTerms {
  const t0 = performance.now();
  const where: string[] = ["f.comment IS NOT NULL", "f.comment <> ''"];
  const params: Array<string | number> = [];
  let from = p.from_ts ?? null;
  let to = p.to_ts ?? null;
  if (p.week) ({ from_ts: from, to_ts: to } = weekWindow(p.week, zone));
  if (from !== null) { where.push('f.ts >= ?'); params.push(from); }
  if (to !== null) { where.push('f.ts < ?'); params.push(to); }
  const join = p.feature && p.feature.length ? 'JOIN requests r ON r.id = f.request_id' : 'LEFT JOIN requests r ON r.id = f.request_id';
  if (p.feature && p.feature.length) { where.push(`r.feature IN (${p.feature.map(() => '?').join(',')})`); params.push(...p.feature); }
  const negative = `(${p.negative.map((k) => NEGATIVE_SQL[k]).join(' OR ')})`;
  // `missing`: the row names a request id that no request of the workspace has (counted and said, not dropped).
  // `automated`: an evaluator wrote it (an LLM judge's rationale): compared, and counted in a note.
  const rows = db.all<{ comment: string; lang: string | null; neg: number; missing: number; automated: number | null }>(
    `SELECT f.comment, r.lang, ${negative} AS neg, (f.request_id IS NOT NULL AND r.id IS NULL) AS missing, f.automated AS automated FROM feedback f ${join} WHERE ${where.join(' AND ')}`, params);

  // Languages worth detecting: those of the period's linked requests, and English (no scan of all requests).
  const candidates = [...new Set(['en', ...rows.map((r) => r.lang).filter((l): l is string => l !== null)])];
  const neg = newGroup();
  const other = newGroup();
  const langs = new Map<string, number>();
  const byEvaluators = { neg: 0, other: 0 };
  // Identical comments (short ones repeat often) are tokenized once.
  const seen = new Map<string, { lang: string; words: string[]; pairs: string[] }>();
  for (const r of rows) {
    const key = `${r.lang ?? ''}\u0000${r.comment}`;
    let t = seen.get(key);
    if (!t) {
      const tokens = tokenize(r.comment);
      const lang = commentLanguage(tokens, r.lang, candidates);
      t = { lang, ...commentTerms(tokens, lang) };
      seen.set(key, t);
    }
    const { lang, words, pairs } = t;
    langs.set(lang, (langs.get(lang) ?? 0) + 1);
    const g = r.neg ? neg : other;
    g.comments++;
    if (r.automated === 1) byEvaluators[r.neg ? 'neg' : 'other']++;
    if (r.missing) g.missing++;
    g.words += words.length;
    add(g, [...words, ...pairs]);
  }

  // Terms seen in at least min_comments comments of the period; the prior's background is both groups.
  const background = new Map<string, number>();
  for (const g of [neg, other]) for (const [t, c] of g.occ) background.set(t, (background.get(t) ?? 0) + c);
  for (const t of [...background.keys()]) if ((neg.docs.get(t) ?? 0) + (other.docs.get(t) ?? 0) < p.min_comments) background.delete(t);
  const notes: string[] = [];
  let scored: TermScore[] = [];
  if (background.size > 0 && neg.comments > 0 && other.comments > 0) {
    // Counts restricted to the kept terms, so n^i and n^j are the totals over the same vocabulary.
    const restrict = (g: Group) => new Map([...g.occ].filter(([t]) => background.has(t)));
    scored = logOddsDirichlet(restrict(neg), restrict(other), background, p.alpha0).map((s) => ({
      term: s.term, words: s.term.includes(' ') ? 2 : 1, negative_count: s.countI, other_count: s.countJ,
      negative_comments: neg.docs.get(s.term) ?? 0, other_comments: other.docs.get(s.term) ?? 0, delta: s.delta, z: s.z,
    }));
  } else {
    notes.push(neg.comments === 0 ? 'No negative comment in this period: nothing to compare.' : other.comments === 0 ? 'Every comment of this period is negative: there is nothing to compare them with.' : `No term occurs in ${p.min_comments} or more comments.`);
  }
  if (neg.missing + other.missing > 0) {
    notes.push(`${neg.missing} of the ${neg.comments} negative comment${neg.comments === 1 ? '' : 's'} and ${other.missing} of the ${other.comments} other${other.comments === 1 ? '' : 's'} are on requests that are not in this workspace (their request ids name no imported request): they are compared here, but say nothing about the requests you review.`);
  }
  if (byEvaluators.neg + byEvaluators.other > 0) {
    const all = byEvaluators.neg === neg.comments && byEvaluators.other === other.comments;
    notes.push(all
      ? `Every comment of this period was written by an automated evaluator (an LLM judge's rationale, by its source), none by users: these terms say what the evaluator wrote.`
      : `${byEvaluators.neg} of the ${neg.comments} negative comment${neg.comments === 1 ? '' : 's'} and ${byEvaluators.other} of the ${other.comments} other${other.comments === 1 ? '' : 's'} were written by automated evaluators (LLM judges' rationales, by their source), not users: they are compared here with users' comments.`);
  }
  if (neg.comments > 0 && neg.comments < 20) notes.push(`Only ${neg.comments} negative comment${neg.comments === 1 ? '' : 's'}: the scores are rough.`);
  return {
    from_ts: from, to_ts: to, week: p.week ?? null,
    negative: { comments: neg.comments, words: neg.words, missing_request: neg.missing }, other: { comments: other.comments, words: other.words, missing_request: other.missing },
    languages: [...langs].map(([lang, comments]) => ({ lang, comments })).sort((a, b) => b.comments - a.comments),
    terms: scored.filter((s) => s.z > 0 && s.negative_count > 0).slice(0, p.limit),
    other_terms: scored.filter((s) => s.z < 0 && s.other_count > 0).reverse().slice(0, p.limit),
    method: `Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 22), α₀ = ${p.alpha0}, background = the period's comments; z > 1.96 marks a term significantly over-represented. Stop words removed per language (stopword package).`,
    notes,
    elapsed_ms: performance.now() - t0,
  };
}
