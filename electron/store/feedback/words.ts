/**
 * Words of a comment for the distinguishing-terms view: runs of Unicode letters, digits and marks, lower-cased (the
 * same word boundaries as the FTS `unicode61` tokenizer, so every term found is also a search that finds its
 * comments; 18x faster than Intl.Segmenter, measured on the demo comments), with the stop words of the comment's language removed. Stop-word lists come from the `stopword` package (62
 * languages, ISO 639-3 keys). A comment's language is its linked request's `lang` when Loupe has a list for it,
 * otherwise the language whose stop words it uses most (English on a tie), so German, French and Spanish support
 * chats in the demo's W45 lose "die", "le", "el" and keep their complaints.
 */
import * as lists from 'stopword';

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
    const list = lists[key];
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
 * The language of a comment for stop-word removal: `hint` (the request's lang) when a list exists for it, else the
 * candidate whose stop words cover most tokens; 'en' on a tie or when none has a list.
 */
export function commentLanguage(tokens: readonly string[], hint: string | null, candidates: readonly string[]): string {
  if (hint && stopWords(hint)) return hint.toLowerCase().split(/[-_]/)[0]!;
  let best = 'en';
  let bestHits = 0;
  for (const c of candidates) {
    const s = stopWords(c);
    if (!s) continue;
    let hits = 0;
    for (const t of tokens) if (s.has(t)) hits++;
    if (hits > bestHits) { best = c; bestHits = hits; }
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
