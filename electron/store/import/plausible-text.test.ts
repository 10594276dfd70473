import { describe, expect, it } from 'vitest';
import { detectEncoding } from './encoding';
import { judgeWords, readsAsText } from './plausible-text';

/** Encodes text in a single-byte legacy encoding (the inverse of its WHATWG decoder's table). */
function encode(text: string, encoding: string): Uint8Array {
  const dec = new TextDecoder(encoding);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const c = dec.decode(new Uint8Array([b]));
    if (!table.has(c)) table.set(c, b);
  }
  return Uint8Array.from([...text].map((ch) => {
    const b = table.get(ch);
    if (b === undefined) throw new Error(`${encoding} has no ${ch}`);
    return b;
  }));
}
const detected = (text: string, encoding: string) => detectEncoding(encode(text, encoding), true);

describe('judging decoded words (plausible-text.ts)', () => {
  it('real words of several scripts read as text; a wrong table\'s garble does not', () => {
    for (const t of ['Très bien, merci', 'Straße für Müller', 'Odpowiedź była błędna', 'Плохой ответ', 'Καλημέρα σας', 'תשובה טובה',
      'Yanıt çok yardımcı', 'Đồng ý, cảm ơn', 'お問い合わせ内容', 'plain ASCII only', 'où à là', 'Þú ert']) {
      expect(readsAsText(judgeWords(t)), t).toBe(true);
    }
    // Russian windows-1251 read as windows-1252; Hebrew windows-1255 read as windows-1252; French read as windows-1251.
    expect(judgeWords('Ïëîõîé îòâåò')).toEqual({ words: 2, implausible: 2, example: 'Ïëîõîé' });
    expect(readsAsText(judgeWords('úùåáä èåáä îàåã'))).toBe(false);
    expect(judgeWords('Trиs bien')).toEqual({ words: 1, implausible: 1, example: 'Trиs' });
  });

  it('allows a stray implausible word in ten, not more', () => {
    const ok = Array.from({ length: 9 }, () => 'café').concat('ÆØÅ').join(' ');
    expect(readsAsText(judgeWords(ok))).toBe(true);
    expect(readsAsText(judgeWords(`${ok} ÆØÅ`))).toBe(false);
  });
});

describe('legacy encodings chardet ranks wrongly on short samples', () => {
  it('short Russian in windows-1251 is read as windows-1251, not ISO-8859-1 (chardet\'s first guess, 48% against 24%)', () => {
    const r = detected('id,comment\n1,Плохой ответ\n', 'windows-1251');
    expect(r).toMatchObject({ ok: true, encoding: 'windows-1251' });
    if (r.ok) expect(r.notes.join('\n')).toContain('windows-1252 (confidence 48%) was ranked higher but reads as garble, e.g. "Ïëîõîé"');
  });

  it('Hebrew in windows-1255 is read as Hebrew (ISO-8859-8), not ISO-8859-1', () => {
    const r = detected('id,comment\n1,תשובה טובה מאוד תודה\n', 'windows-1255');
    expect(r.ok && new TextDecoder(r.encoding).decode(encode('תשובה', 'windows-1255'))).toBe('תשובה');
  });

  it('Turkish that chardet rates equal in windows-1252 and windows-1254 imports with a note naming the rival reading', () => {
    const r = detected('id,comment\n1,Yanıt çok yardımcı oldu, teşekkürler\n', 'windows-1254');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.encoding).toBe('windows-1252');
      expect(r.notes.join('\n')).toContain('is nearly as likely and reads "Yanıt" where windows-1252 reads "Yanýt": if the file is windows-1254, choose it as its encoding');
    }
  });

  it('what chardet already got right stays: French, German, Polish, Greek, Cyrillic in KOI8-R', () => {
    expect(detected('id,comment\n1,Très bien, merci beaucoup\n2,Réponse incorrecte à la question\n', 'windows-1252')).toMatchObject({ ok: true, encoding: 'windows-1252' });
    expect(detected('id,comment\n1,Die Antwort war schön und hilfreich für mich\n', 'windows-1252')).toMatchObject({ ok: true, encoding: 'windows-1252' });
    expect(detected('id,comment\n1,Odpowiedź była błędna, proszę poprawić\n', 'windows-1250')).toMatchObject({ ok: true, encoding: 'windows-1250' });
    expect(detected('id,comment\n1,Καλημέρα σας, η απάντηση ήταν λάθος\n', 'iso-8859-7')).toMatchObject({ ok: true, encoding: 'iso-8859-7' });
    expect(detected('id,timestamp,input\n1,2026-02-01,Привет как дела\n2,2026-02-01,Где мой заказ\n', 'koi8-r')).toMatchObject({ ok: true, encoding: 'koi8-r' });
  });
});
