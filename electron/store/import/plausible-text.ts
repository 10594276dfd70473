/**
 * Whether text decoded from a legacy encoding reads as words of some script, or as the garble of a wrong guess.
 * chardet ranks candidate encodings by byte statistics, and on short samples its first guess is often wrong:
 * Russian in windows-1251 comes first as ISO-8859-1 ("Ïëîõîé îòâåò"), Hebrew as ISO-8859-1, Thai or Bulgarian as
 * Shift_JIS half-width katakana. Read that way, every value would be stored garbled, silently. Real words have
 * properties a wrong table breaks:
 *
 * - The letters of one word are of one script, or of one writing system's set: Japanese mixes Han, hiragana and
 *   katakana; Chinese and Japanese run Latin into their words ("APP闪退了", "iPhoneで"), Korean too ("PC버전"). Han
 *   with hangul in one word, Latin with Cyrillic ("Trиs"), or half-width katakana with anything else is a wrong
 *   table. Letters of no script of their own (Unicode's Common and Inherited: the long-vowel mark ー, µ, the Arabic
 *   tatweel ـ) fit any word.
 * - Latin words hold accented letters one or two in a row (café, Odpowiedź, ħażż), while Cyrillic, Greek or Hebrew
 *   read with a Latin table give runs of them ("Ïëîõîé", "APPÉÁÍË"): three or more in a row is implausible. Real text
 *   has some such words too (Polish żółć, Icelandic Þjóðá…), so a decoding is judged on their share.
 * - Characters no text holds: C1 control codes (U+0080–U+009F, what a single-byte table gives for bytes it does not
 *   define), private-use characters and U+FFFD; and the windows-1252 symbols a double-byte text read as windows-1252
 *   is made of (‚ ƒ „ † ‡ ˆ ‰ ‹ › ˜: "ƒT[ƒo[‚ª"), which prose does not use. A superscript digit, fraction or
 *   currency sign between two letters ("b³êdna", Polish windows-1250 read as windows-1252) is another. Each counts
 *   as an implausible word.
 *
 * Only words holding a letter outside ASCII are judged; text of ASCII words alone is plausible in any encoding.
 */

type Script = 'latin' | 'cyrillic' | 'greek' | 'hebrew' | 'arabic' | 'thai' | 'han' | 'hiragana' | 'katakana' | 'halfwidth_kana'
  | 'hangul' | 'bopomofo' | 'other';

/** Scripts told apart, tested in order (half-width katakana before katakana). */
const SCRIPTS: ReadonlyArray<[Script, RegExp]> = [
  ['latin', /\p{Script=Latin}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['thai', /\p{Script=Thai}/u],
  ['han', /\p{Script=Han}/u],
  ['hiragana', /\p{Script=Hiragana}/u],
  ['halfwidth_kana', /[\uFF66-\uFF9F]/u],
  ['katakana', /\p{Script=Katakana}/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['bopomofo', /\p{Script=Bopomofo}/u],
];

/** Sets of scripts one word may mix: a writing system's scripts, with Latin run into it. */
const MIXES: ReadonlyArray<ReadonlySet<Script>> = [
  new Set<Script>(['han', 'hiragana', 'katakana', 'latin']),
  new Set<Script>(['han', 'bopomofo', 'latin']),
  new Set<Script>(['hangul', 'latin']),
];

const WORD = /[\p{L}\p{M}]+/gu;
const NEUTRAL = /[\p{M}\p{Script=Common}\p{Script=Inherited}]/u;
/** Words hold letters and marks only, so any character of one outside A-Z and a-z is outside ASCII. */
const NON_ASCII = /[^A-Za-z]/;
/** Characters no text holds; see the module comment. */
const NOT_TEXT = /[\u0080-\u009F\p{Co}\uFFFD\u201A\u0192\u201E\u2020\u2021\u02C6\u2030\u2039\u203A\u02DC]|(?<=\p{L})[\u00B9\u00B2\u00B3\u00BC\u00BD\u00BE\u00A4\u00A6](?=\p{L})/gu;
/** Three Latin letters outside ASCII in a row. */
const NON_ASCII_RUN = /[^A-Za-z\p{M}]{3}/u;

function scriptOf(ch: string): Script | null {
  if (NEUTRAL.test(ch)) return null;
  for (const [name, re] of SCRIPTS) if (re.test(ch)) return name;
  return 'other';
}

/** Whether one word's scripts can be together (see the module comment). */
function scriptsFit(scripts: ReadonlySet<Script>): boolean {
  if (scripts.size <= 1) return true;
  return MIXES.some((m) => [...scripts].every((s) => m.has(s)));
}

/** The judgement of a text's words; see the module comment. */
export interface WordJudgement {
  /** Words holding a letter outside ASCII, plus characters no text holds. */
  words: number;
  /** Of those, the words no real text has (scripts that do not mix, three accented Latin letters in a row) and the
   * characters no text holds. */
  implausible: number;
  /** The first implausible word (or character, as \uXXXX), to quote in a message; null when there is none. */
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
  for (const m of text.matchAll(NOT_TEXT)) {
    words++;
    implausible++;
    example ??= `\\u${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  for (const m of text.matchAll(WORD)) {
    const w = m[0];
    if (!NON_ASCII.test(w)) continue;
    words++;
    const scripts = new Set<Script>();
    let letters = 0;
    for (const ch of w) {
      const s = scriptOf(ch);
      if (s === null) continue;
      scripts.add(s);
      letters++;
    }
    const accentRun = scripts.size === 1 && scripts.has('latin') && letters >= 3 && NON_ASCII_RUN.test(w);
    if (!scriptsFit(scripts) || accentRun) {
      implausible++;
      example ??= w;
    }
  }
  return { words, implausible, example };
}

/**
 * Share of implausible words from which a decoding is taken for a wrong guess: 30%. A wrong single-byte table
 * makes most words of three letters or more implausible (two-letter words escape the Latin rule, so Russian read as
 * Latin-1 stays near two thirds); real text keeps below a fifth (Polish, with żółć and the like, about 17%).
 */
export const MAX_IMPLAUSIBLE_SHARE = 0.3;

/** Whether a decoding reads as text: fewer than {@link MAX_IMPLAUSIBLE_SHARE} of its judged words are implausible. */
export function readsAsText(j: WordJudgement): boolean {
  return j.words === 0 || j.implausible < MAX_IMPLAUSIBLE_SHARE * j.words;
}
