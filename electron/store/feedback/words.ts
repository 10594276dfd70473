/**
 * Words of a comment for the distinguishing-terms view: runs of Unicode letters, digits and marks, lower-cased (the
 * same word boundaries as the FTS `unicode61` tokenizer, so every term found is also a search that finds its
 * comments; 18x faster than Intl.Segmenter, measured on the demo comments), with the stop words of the comment's
 * language removed. Stop-word lists come from the `stopword` package (62 languages, ISO 639-3 keys). A comment's
 * language is the one whose stop words it uses most, its request's `lang` winning ties, so the German, French and
 * Spanish support chats of the demo's W45 lose "die", "le", "el" and keep their complaints.
 */
import { createRequire } from 'node:module';
import type * as StopLists from 'stopword';

// The 62 stop-word lists take ~0.2 s to load: loaded on the first comment analysis, not at the store's start.
const load = createRequire(import.meta.url);
let stopLists: typeof StopLists | null = null;

/** ISO 639-1 (as in requests.lang, e.g. "de" or "de-AT") → the stopword package's ISO 639-3 key. */
const ISO1_TO_3: Record<string, string> = {
  af: 'afr', ar: 'ara', bg: 'bul', bn: 'ben', br: 'bre', ca: 'cat', cs: 'ces', da: 'dan', de: 'deu', el: 'ell', en: 'eng',
  eo: 'epo', es: 'spa', et: 'est', eu: 'eus', fa: 'fas', fi: 'fin', fr: 'fra', ga: 'gle', gl: 'glg', gu: 'guj', ha: 'hau',
  he: 'heb', hi: 'hin', hr: 'hrv', hu: 'hun', hy: 'hye', id: 'ind', it: 'ita', ja: 'jpn', ko: 'kor', ku: 'kur', la: 'lat',
  lt: 'lit', lv: 'lav', mr: 'mar', ms: 'msa', my: 'mya', nb: 'nob', nl: 'nld', no: 'nob', pa: 'panGu', pl: 'pol', pt: 'por',
  ro: 'ron', ru: 'rus', sk: 'slk', sl: 'slv', so: 'som', st: 'sot', sv: 'swe', sw: 'swa', th: 'tha', tl: 'tgl', tr: 'tur',
  uk: 'ukr', ur: 'urd', vi: 'vie', yo: 'yor', zh: 'zho', zu: 'zul',
};

const sets = new Map<string, Set<string>>();

/** The stop-word set of a language (ISO 639-1 code), or null when the package has no list for it. */
export function stopWords(lang: string): Set<string> | null {
  const code = lang.toLowerCase().split(/[-_]/)[0] ?? '';
  const key = ISO1_TO_3[code];
  if (!key) return null;
  let s = sets.get(code);
  if (!s) {
    stopLists ??= load('stopword') as typeof StopLists;
    const list = stopLists[key];
    if (!list) return null;
    sets.set(code, (s = new Set(list.map((w) => w.toLowerCase()))));
  }
  return s;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const NUMBER = /^\p{N}+$/u;

/** Lower-cased words of a text (no punctuation, no numbers, no single characters). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const w of text.toLowerCase().match(WORD) ?? []) {
    if (w.length < 2 || NUMBER.test(w)) continue;
    out.push(w);
  }
  return out;
}

/**
 * The language of a comment for stop-word removal: the candidate whose stop words cover most of its tokens, the
 * request's language (`hint`) winning ties. A comment is not always in its request's language (an English comment
 * on a German conversation), so the hint alone would leave "the" and "to" in the terms. With no stop word at all,
 * the hint when Loupe has a list for it, else English.
 */
export function commentLanguage(tokens: readonly string[], hint: string | null, candidates: readonly string[]): string {
  const h = hint ? hint.toLowerCase().split(/[-_]/)[0]! : null;
  const pool = h && stopWords(h) && !candidates.includes(h) ? [...candidates, h] : candidates;
  let best = h && stopWords(h) ? h : 'en';
  let bestScore = 0;
  for (const c of pool) {
    const s = stopWords(c);
    if (!s) continue;
    let hits = 0;
    for (const t of tokens) if (s.has(t)) hits++;
    const score = hits + (c === h ? 0.5 : 0);
    if (hits > 0 && score > bestScore) { best = c; bestScore = score; }
  }
  return best;
}

/**
 * The terms of a comment: words that are not stop words of its language, and two-word phrases of adjacent words
 * neither of which is a stop word.
 */
export function commentTerms(tokens: readonly string[], lang: string): { words: string[]; pairs: string[] } {
  const stop = stopWords(lang) ?? stopWords('en')!;
  const words: string[] = [];
  const pairs: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (stop.has(t)) continue;
    words.push(t);
    const next = tokens[i + 1];
    if (next !== undefined && !stop.has(next)) pairs.push(`${t} ${next}`);
  }
  return { words, pairs };
}
