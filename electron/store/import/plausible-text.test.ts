import { describe, expect, it } from 'vitest';
import { decodeSample, detectEncoding } from './encoding';
import { judgeWords, readsAsText } from './plausible-text';
import { encodeSingleByte } from '../testing/legacy-encode';

const encode = encodeSingleByte;
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

  it('allows implausible words below 30%, not more', () => {
    const words = (ok: number, odd: number) => [...Array.from({ length: ok }, () => 'café'), ...Array.from({ length: odd }, () => 'ÆØÅ')].join(' ');
    expect(readsAsText(judgeWords(words(8, 2)))).toBe(true);
    expect(readsAsText(judgeWords(words(7, 3)))).toBe(false);
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

  it('Turkish that chardet rates equal in windows-1252 and windows-1254: a rival reading is named; with letters no one language writes, windows-1254 is taken', () => {
    // Short: "Yanýt yardýmcý" has letters Icelandic writes, "Yanıt yardımcı" Turkish's; chardet's order stands and the
    // note names the rival.
    const one = detected('id,comment\n1,Yanıt yardımcı oldu\n', 'windows-1254');
    expect(one).toMatchObject({ ok: true, encoding: 'windows-1252' });
    if (one.ok) expect(one.notes.join('\n')).toContain('is nearly as likely and reads "Yanıt" where windows-1252 reads "Yanýt": if the file is windows-1254, choose it as its encoding');
    // A sentence: read as windows-1252 it uses ý, þ and ç together, which no language writes (latin-letters.ts).
    const r = detected('id,comment\n1,Yanıt çok yardımcı oldu, teşekkürler\n', 'windows-1254');
    expect(r).toMatchObject({ ok: true, encoding: 'windows-1254' });
    if (r.ok) expect(r.notes.join('\n')).toMatch(/windows-1252 \(confidence \d+%\) was ranked higher but its letters .*ý.* belong to no one language, while windows-1254 reads letters that tr.* write/);
  });

  it('what chardet already got right stays: French, German, Polish, Greek, Cyrillic in KOI8-R', () => {
    expect(detected('id,comment\n1,Très bien, merci beaucoup\n2,Réponse incorrecte à la question\n', 'windows-1252')).toMatchObject({ ok: true, encoding: 'windows-1252' });
    expect(detected('id,comment\n1,Die Antwort war schön und hilfreich für mich\n', 'windows-1252')).toMatchObject({ ok: true, encoding: 'windows-1252' });
    expect(detected('id,comment\n1,Odpowiedź była błędna, proszę poprawić\n', 'windows-1250')).toMatchObject({ ok: true, encoding: 'windows-1250' });
    expect(detected('id,comment\n1,Καλημέρα σας, η απάντηση ήταν λάθος\n', 'iso-8859-7')).toMatchObject({ ok: true, encoding: 'iso-8859-7' });
    expect(detected('id,timestamp,input\n1,2026-02-01,Привет как дела\n2,2026-02-01,Где мой заказ\n', 'koi8-r')).toMatchObject({ ok: true, encoding: 'koi8-r' });
  });
});

/** Encodes text in a legacy encoding with one- or two-byte characters, by searching its decoder's table. */
const tables = new Map<string, Map<string, number[]>>();
function encodeMulti(text: string, encoding: string): Uint8Array {
  let t = tables.get(encoding);
  if (!t) {
    t = new Map();
    const dec = (b: number[]) => { const d = new TextDecoder(encoding); return d.decode(new Uint8Array(b), { stream: true }) + d.decode(); };
    for (let a = 0; a < 0x100; a++) {
      const one = dec([a]);
      if (one.length === 1 && one !== '\uFFFD' && !t.has(one)) t.set(one, [a]);
    }
    for (let a = 0x81; a < 0xff; a++) {
      for (let b = 0x40; b < 0xff; b++) {
        const two = dec([a, b]);
        if (two.length === 1 && two !== '\uFFFD' && !t.has(two)) t.set(two, [a, b]);
      }
    }
    tables.set(encoding, t);
  }
  const out: number[] = [];
  for (const ch of text) {
    const b = t.get(ch);
    if (!b) throw new Error(`${encoding} has no ${ch}`);
    out.push(...b);
  }
  return Uint8Array.from(out);
}

describe('what real text holds is not taken for garble (the breaker\'s regressions)', () => {
  it('letters of no script of their own, Latin run into CJK and Hangul, and some accented runs read as text', () => {
    for (const t of ['ユーザー登録ができません。', 'ｳｪﾌﾞｻｲﾄ', 'APP闪退了，用户无法登录。', 'PC버전에서 오류', 'iPhoneで使えません', 'ＵＲＬが開けない',
      'p95 was 850µs', 'شكـــرا جزيلا على المساعدة', 'Odpowiedź była błędna, proszę poprawić: żółć', 'Þetta var ágætt svar']) {
      expect(readsAsText(judgeWords(t)), t).toBe(true);
    }
  });

  it('what a wrong table makes is: Han with hangul, half-width kana with Han, windows-1252 symbols of a double-byte text, a superscript inside a word', () => {
    expect(judgeWords('藁죄，痰빵')).toMatchObject({ words: 2, implausible: 2 });
    expect(judgeWords('ﾈｫｱ豬ｿ')).toMatchObject({ words: 1, implausible: 1 });
    expect(readsAsText(judgeWords('ƒT[ƒo[‚ª—Ž‚¿‚½'))).toBe(false);
    expect(judgeWords('b³êdna')).toMatchObject({ implausible: 1, example: '\\u00B3' });
    expect(judgeWords('APPÉÁÍË')).toMatchObject({ words: 1, implausible: 1 });
  });

  it('detects Shift_JIS with ー, GB18030 and EUC-KR with Latin inside words, windows-1252 µ, windows-1256 with tatweel, longer Polish', () => {
    const cases: Array<[string, string]> = [
      ['feedback_id,comment\nf1,ユーザー登録ができません。\nf2,サーバーが落ちた\n', 'shift_jis'],
      ['feedback_id,comment\nf1,APP闪退了，用户无法登录。感谢您的快速帮助。\n', 'gb18030'],
      ['feedback_id,comment\nf1,PC버전에서 오류가 발생합니다. 빠른 도움에 감사드립니다.\n', 'euc-kr'],
      ['feedback_id,comment\nf1,p95 was 850µs and the answer was wrong\n', 'windows-1252'],
      [`feedback_id,comment\n${Array.from({ length: 3 }, (_, i) => `f${i},شكـــرا جزيلا على المساعدة\nf${i}b,الترجمة غير صحيحة`).join('\n')}\n`, 'windows-1256'],
      [`id,comment\n${Array.from({ length: 4 }, (_, i) => `${i},Odpowiedź była błędna i niegrzeczna.\n${i}b,Dziękuję za szybką pomoc, świetnie.\n${i}c,Źle przetłumaczone zdanie, żółć.`).join('\n')}\n`, 'windows-1250'],
    ];
    for (const [text, encoding] of cases) {
      const bytes = encodeMulti(text, encoding);
      const r = detectEncoding(bytes, true);
      expect(r.ok, `${encoding}: ${r.ok ? '' : r.reason}`).toBe(true);
      if (r.ok) expect(decodeSample(bytes, r.encoding, true), encoding).toBe(text);
    }
  });

  it('windows-1252 bytes 0x80-0x9F are read as € “ ” š in the detection and the preview (Node decodes them as C1 codes when not streaming)', async () => {
    const text = 'id,comment\n1,“Très” – €5, naïve\n2,plain\n';
    const bytes = encode(text, 'windows-1252');
    expect(decodeSample(bytes, 'windows-1252', true)).toBe(text);
    const r = detectEncoding(bytes, true);
    expect(r).toMatchObject({ ok: true, encoding: 'windows-1252' });
    if (r.ok) expect(r.notes.join('\n')).not.toMatch(/[\u0080-\u009F]/);
  });

  it('refused when nothing chardet ranks reads as text, naming the legacy encodings that do (windows-1255 for a Hebrew name)', () => {
    const r = detectEncoding(encode('id,comment\n1,Thanks to דוד for the help.\n', 'windows-1255'), true);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.ambiguous).toContain('windows-1255');
      expect(r.reason).toMatch(/it reads as text in .*windows-1255/);
    }
  });

  it('a guess at chardet\'s floor (10%) names the other encodings the sample reads in: Bulgarian on one line', () => {
    const r = detectEncoding(encode('feedback_id,comment\nf1,Отговорът беше грешен.\n', 'windows-1251'), true);
    expect(r.ok).toBe(true);
    if (r.ok && r.encoding !== 'windows-1251') expect(r.notes.join('\n')).toMatch(/chardet is unsure \(confidence 10%\): the sample also reads as text in windows-1251/);
  });
});
