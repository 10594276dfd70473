/**
 * Which Latin-script language a reading's accented letters could belong to: the tie-breaker between single-byte
 * encodings whose readings are all real-looking Latin words.
 *
 * Czech in windows-1250 read as windows-1252 gives "Dìkujeme, pøíliš" for "Děkujeme, příliš": every word looks like a
 * word, but the text as a whole uses ì, ø, è and š together, and no language writes with all of them. Read in
 * windows-1250 its letters (ě, ř, í, š) are Czech's own. The same holds for Polish (ê æ ñ œ for ę ć ń ś), Croatian
 * (è æ ð for č ć đ), Hungarian (õ û for ő ű) and Turkish (ð ý þ for ğ ı ş).
 *
 * The alphabets are each language's letters beyond ASCII as its standard orthography lists them (the Unicode CLDR
 * exemplar character sets, main and auxiliary letters that a text of the language commonly carries: loanwords such
 * as "café" in English fit French, "naïve" fits French, and so on). They are deliberately generous: a reading is
 * only held against when no single language accounts for its letters.
 */

/** Letters beyond ASCII (lowercase, composed) of Latin-script languages, by ISO 639-1 code. */
const ALPHABETS: Readonly<Record<string, string>> = {
  fr: 'àâæçéèêëîïôœùûüÿ',
  de: 'äöüßéè',
  es: 'áéíñóúüª',
  pt: 'áâãàçéêíóôõúü',
  it: 'àèéìíîòóùú',
  ca: 'àçèéíïòóúü',
  nl: 'áàâäéèêëíìîïóòôöúùûüĳ',
  da: 'æøåéóüäö',
  no: 'æøåéèêóòôü',
  sv: 'åäöéàüë',
  fi: 'äöåšž',
  is: 'áðéíóúýþæö',
  fo: 'áðíóúýæø',
  et: 'äöõüšž',
  lv: 'āčēģīķļņšūž',
  lt: 'ąčęėįšųūž',
  pl: 'ąćęłńóśźż',
  cs: 'áčďéěíňóřšťúůýž',
  sk: 'áäčďéíĺľňóôŕšťúýž',
  sl: 'čšžćđ',
  hr: 'čćđšž',
  hu: 'áéíóöőúüű',
  ro: 'ăâîșşțţ',
  tr: 'çğıöşüâîû',
  az: 'çəğıöşü',
  sq: 'çë',
  mt: 'ċġħżàèìòù',
  ga: 'áéíóú',
  cy: 'âêîôûŵŷäëïöüáéíóúàèìòù',
  eu: 'ñç',
  gl: 'áéíóúñü',
  eo: 'ĉĝĥĵŝŭ',
  vi: 'àáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ',
};

const SETS: ReadonlyArray<[string, ReadonlySet<string>]> = Object.entries(ALPHABETS).map(([k, v]) => [k, new Set([...v])]);

const LATIN_LETTER = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
/** Marks of other scripts (Arabic harakat, Hebrew points, Thai vowels…); the combining diacritics U+0300-U+036F are Latin's too. */
const FOREIGN_MARK = /(?![\u0300-\u036F])\p{M}/u;

/**
 * The letters beyond ASCII of a reading, lowercased and composed (NFC: Vietnamese tone marks that windows-1258 writes
 * as combining marks join their letter), or null when the reading holds letters or marks of another script (Cyrillic,
 * Greek, Han, Arabic harakat…): the alphabets here say nothing about it.
 */
export function latinLettersBeyondAscii(text: string): Set<string> | null {
  const out = new Set<string>();
  for (const ch of text.normalize('NFC').toLowerCase().normalize('NFC')) {
    if (ch < '\u0080') continue;
    if (FOREIGN_MARK.test(ch)) return null;
    if (!LETTER.test(ch)) continue;
    if (!LATIN_LETTER.test(ch)) return null;
    if (ch === 'ª' || ch === 'º') continue; // ordinal indicators, written in any Latin text
    out.add(ch);
  }
  return out;
}

/**
 * The languages whose alphabet holds every letter in `letters` (all of them when it is empty).
 * @param letters - from {@link latinLettersBeyondAscii}
 */
export function languagesWriting(letters: ReadonlySet<string>): string[] {
  return SETS.filter(([, set]) => [...letters].every((c) => set.has(c))).map(([k]) => k);
}

/**
 * How a reading's Latin letters fit the languages: `none` when it uses letters beyond ASCII that no one language
 * writes together, `one` when some language writes them all (or it uses none), `other-script` when it holds letters of
 * another script.
 */
export function latinFit(text: string): { fit: 'none' | 'one' | 'other-script'; letters: string[]; languages: string[] } {
  const letters = latinLettersBeyondAscii(text);
  if (letters === null) return { fit: 'other-script', letters: [], languages: [] };
  const languages = languagesWriting(letters);
  return { fit: languages.length > 0 ? 'one' : 'none', letters: [...letters].sort(), languages };
}
