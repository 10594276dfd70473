/**
 * Whether text decoded from a legacy encoding reads as words of some script, or as the garble of a wrong guess.
 * chardet ranks candidate encodings by byte statistics, and on short samples its first guess is often wrong:
 * Russian in windows-1251 comes first as ISO-8859-1 ("Ïëîõîé îòâåò"), Hebrew as ISO-8859-1, Turkish as
 * ISO-8859-1 tied with ISO-8859-9 ("Yanýt" against "Yanıt"). Read that way, every value would be stored garbled,
 * silently. Real words have two properties a wrong single-byte table breaks:
 *
 * - the letters of one word are of one script (Latin, Cyrillic, Greek, Hebrew, Arabic, Thai, …; Han, kana and
 *   Hangul count as one, since Japanese mixes them); Latin text read with a Cyrillic table gives "Trиs";
 * - a word of Latin letters has at least one ASCII letter unless it is short: accented letters come one or two to a
 *   word (café, schön, où, Đồng), while Cyrillic, Greek or Hebrew read with a Latin table gives words made only of
 *   them ("Ïëîõîé").
 *
 * Only words holding a letter outside ASCII are judged; text of ASCII words alone is plausible in any encoding.
 */

/** Scripts told apart; the Han, Hiragana, Katakana, Hangul and Bopomofo scripts are one group ('cjk'). */
const SCRIPTS: ReadonlyArray<[string, RegExp]> = [
  ['latin', /\p{Script=Latin}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['thai', /\p{Script=Thai}/u],
  ['cjk', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u],
];

const WORD = /[\p{L}\p{M}]+/gu;
/** Words hold letters and marks only, so any character of one outside A-Z and a-z is outside ASCII. */
const NON_ASCII = /[^A-Za-z]/;
const ASCII_LETTER = /[A-Za-z]/;

function scriptOf(ch: string): string {
  for (const [name, re] of SCRIPTS) if (re.test(ch)) return name;
  return /\p{M}/u.test(ch) ? 'mark' : 'other';
}

/** The judgement of a text's words; see the module comment. */
export interface WordJudgement {
  /** Words holding a letter outside ASCII. */
  words: number;
  /** Of those, the words no real text has (mixed scripts, or three or more Latin letters none of them ASCII). */
  implausible: number;
  /** The first implausible word, to quote in a message; null when there is none. */
  example: string | null;
}

/**
 * Judges the words of `text` (see the module comment).
 * @param text - decoded text, e.g. a file's first MiB read with a candidate encoding
 * @returns the counts and the first implausible word
 */
export function judgeWords(text: string): WordJudgement {
  let words = 0;
  let implausible = 0;
  let example: string | null = null;
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    if (!NON_ASCII.test(w)) continue;
    words++;
    let script: string | null = null;
    let mixed = false;
    for (const ch of w) {
      const s = scriptOf(ch);
      if (s === 'mark') continue;
      if (script === null) script = s;
      else if (s !== script) { mixed = true; break; }
    }
    const letters = [...w].filter((ch) => !/\p{M}/u.test(ch)).length;
    const latinWithoutAscii = script === 'latin' && letters >= 3 && !ASCII_LETTER.test(w);
    if (mixed || latinWithoutAscii) {
      implausible++;
      example ??= w;
    }
  }
  return { words, implausible, example };
}

/** Share of implausible words above which a decoding is taken for a wrong guess: more than 1 in 10. */
export const MAX_IMPLAUSIBLE_SHARE = 0.1;

/**
 * Whether a decoding reads as text: at most {@link MAX_IMPLAUSIBLE_SHARE} of its words with letters outside ASCII
 * are implausible (a name or two of another script, or a stray "ÆØÅ", is allowed).
 */
export function readsAsText(j: WordJudgement): boolean {
  return j.words === 0 || j.implausible <= MAX_IMPLAUSIBLE_SHARE * j.words;
}
