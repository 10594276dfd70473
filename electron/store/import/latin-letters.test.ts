import { describe, expect, it } from 'vitest';
import { decodeSample, detectEncoding } from './encoding';
import { latinFit } from './latin-letters';
import { encodeSingleByte } from '../testing/legacy-encode';

const encode = encodeSingleByte;
const csv = (...comments: string[]) => `feedback_id,timestamp,type,comment\n${comments.map((c, i) => `f${i},2026-02-01T08:00:00Z,comment,"${c}"\n`).join('')}`;
const misread = (text: string, from: string, as: string) => decodeSample(encode(text, from), as, true);

/** Text of each language in its Windows code page. */
const CENTRAL: ReadonlyArray<[string, string, string]> = [
  ['cs', 'Děkujeme za odpověď, ale příliš dlouho to trvalo. Čekání na řešení bylo zbytečné.', 'windows-1250'],
  ['pl', 'Dziękuję za odpowiedź, ale była źle sformułowana. Proszę poprawić tłumaczenie.', 'windows-1250'],
  ['hu', 'Köszönöm a választ, de nem volt elég pontos. Hűtőszekrény és őszinte visszajelzés.', 'windows-1250'],
  ['hr', 'Hvala na odgovoru, ali rješenje nije točno. Đak je čekao već četiri sata, šteta.', 'windows-1250'],
  ['sk', 'Ďakujeme za odpoveď, ale riešenie nebolo správne. Ľudia čakali päť hodín.', 'windows-1250'],
  ['ro', 'Mulţumesc pentru răspuns, dar soluţia nu a fost corectă. Aşteptăm o îmbunătăţire.', 'windows-1250'],
  ['tr', 'Yanıt için teşekkürler, ama çözüm doğru değildi. Şikâyetimiz hâlâ açık, lütfen ilgilenin.', 'windows-1254'],
  ['lt', 'Ačiū už atsakymą, bet sprendimas nebuvo teisingas. Laukėme ilgai, gražios dienos.', 'windows-1257'],
];
const WESTERN: ReadonlyArray<[string, string]> = [
  ['fr', "Très bien, merci pour la réponse rapide. Le problème était déjà résolu à moitié; ça marche, c'est génial."],
  ['de', 'Die Antwort war völlig falsch und überhaupt nicht hilfreich. Größere Probleme gab es nicht, schöne Grüße.'],
  ['es', 'La respuesta fue útil, pero la traducción tenía errores. ¿Por qué? Mañana lo revisaré otra vez.'],
  ['it', "La risposta è stata utile, però la qualità può migliorare. Perché non c'è più la funzionalità?"],
  ['da', 'Svaret var ikke særlig godt; prøv igen på søndag. Tak for hjælpen med æblerne.'],
  ['is', 'Svarið var ekki gott, þetta þarf að laga. Takk fyrir hjálpina, góðan daginn.'],
  ['nl', 'Het antwoord was niet goed, maar de financiële gegevens waren correct. Coördinatie is lastig.'],
  ['en', 'The answer was fine, although the café menu item and the naïve résumé parser both failed.'],
];

describe('which language a reading\'s accented letters belong to (latin-letters.ts)', () => {
  it('each language\'s own text fits it; read in windows-1252 the Central European and Turkish texts fit no language', () => {
    for (const [lang, text, enc] of CENTRAL) {
      expect(latinFit(text).languages, lang).toContain(lang);
      const wrong = misread(text, enc, 'windows-1252');
      expect(wrong).not.toBe(text);
      // Polish read as windows-1252 keeps letters French writes (ê æ ÿ); its ³ and ¹ inside words give it away
      // instead (plausible-text.ts).
      if (lang !== 'pl') expect(latinFit(wrong), `${lang} read as windows-1252: ${wrong}`).toMatchObject({ fit: 'none' });
    }
    for (const [lang, text] of WESTERN) expect(latinFit(text).languages, lang).toContain(lang === 'en' ? 'fr' : lang);
    expect(latinFit('Dìkujeme, pøíliš')).toEqual({ fit: 'none', letters: ['ì', 'í', 'ø', 'š'], languages: [] });
    expect(latinFit('plain ASCII')).toEqual({ fit: 'one', letters: [], languages: expect.arrayContaining(['fr', 'de']) });
    // Another script's letters or marks: the alphabets say nothing (Cyrillic; windows-1256's harakat in French).
    expect(latinFit('Плохой ответ').fit).toBe('other-script');
    expect(latinFit('perٍ').fit).toBe('other-script');
    // Vietnamese written with combining tone marks (as windows-1258 does) composes before it is judged.
    expect(latinFit('Đồng ý, cảm ơn'.normalize('NFD')).languages).toEqual(['vi']);
  });
});

describe('detection takes the encoding whose letters one language writes', () => {
  it('Central European and Turkish files that chardet ranks windows-1252 are read in their own code page, with a note', () => {
    for (const [lang, text, enc] of CENTRAL) {
      const bytes = encode(csv(text), enc);
      const d = detectEncoding(bytes, true);
      // The text as the file's own code page reads it (ISO-8859-2 reads Hungarian as windows-1250 does).
      expect(d.ok && decodeSample(bytes, d.encoding, true), lang).toBe(csv(text));
    }
    const hr = detectEncoding(encode(csv(CENTRAL[3]![1]), 'windows-1250'), true);
    expect(hr.ok && hr.notes[0]).toMatch(/windows-1252 \(confidence \d+%\) was ranked higher but its letters æ è ð š belong to no one language, while windows-1250 reads letters that .*hr.* write \(ć č đ š\)/);
    // chardet's own first guess, windows-1250 for Czech, gets no note naming windows-1252's "Dìkujeme" as a rival.
    const cs = detectEncoding(encode(csv(CENTRAL[0]![1]), 'windows-1250'), true);
    expect(cs.ok && cs.encoding).toBe('windows-1250');
    expect(cs.ok && cs.notes.join('\n')).not.toMatch(/nearly as likely/);
  });

  it('Western files stay windows-1252, alone and mixed two by two (French with Italian fits no one language, and no other reading does)', () => {
    for (const [a, ta] of WESTERN) {
      for (const [b, tb] of WESTERN) {
        if (b < a) continue;
        const d = detectEncoding(encode(csv(ta, tb), 'windows-1252'), true);
        expect(d.ok && d.encoding, `${a}+${b}`).toBe('windows-1252');
      }
    }
  });
});
