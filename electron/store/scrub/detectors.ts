/**
 * PII detectors. Each finds spans of one kind in a text; a span is replaced by its label (`[EMAIL]`, `[PHONE]`, …).
 * Precision matters as much as recall (a scrubbed order number or version string is data lost), so every candidate
 * is checked beyond its shape:
 * - email: RFC 5321/6531-shaped address (Unicode letters allowed) with a dotted domain and an alphabetic TLD.
 * - phone: libphonenumber-js (Google's libphonenumber metadata, every region) finds numbers that are valid for their
 *   region; a bare digit run without `+`, separators or a phone word before it is not taken (order numbers, epoch
 *   timestamps).
 * - card: 13-19 digits (optionally grouped by spaces or dashes), Luhn check digit (ISO/IEC 7812-1 Annex B) and a
 *   payment-network prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro).
 * - iban: country code, check digits and BBAN, validated with ibantools (per-country length and format, ISO 13616
 *   mod-97 check).
 * - ip: IPv4 dotted quads (not part of a longer dotted run, not after "v"/"version") and IPv6 validated by node:net.
 * - secret: documented key shapes (OpenAI `sk-`/`sk-proj-`, Anthropic `sk-ant-`, AWS `AKIA`/`ASIA`, GitHub `ghp_`…
 *   and `github_pat_`, Slack `xox?-`, JWTs, `Bearer` tokens), values assigned to secret-like names, and long tokens
 *   of high entropy that mix letters and digits (hex digests, UUIDs and base64 data URIs are left alone).
 */
import net from 'node:net';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type * as PhoneLib from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import { createRequire } from 'node:module';

// libphonenumber's full metadata takes ~0.2 s to load: loaded when phone scrubbing first runs, not at the store's start.
const load = createRequire(import.meta.url);
let phoneLib: typeof PhoneLib | null = null;
const phones = () => (phoneLib ??= load('libphonenumber-js/max') as typeof PhoneLib);
import type { ScrubDetector } from '../../../shared/contract-scrub';

/** A found span [start, end) and the text to put in its place. */
export interface Span { start: number; end: number; label: string }

export type Finder = (text: string) => Span[];

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}][\p{L}\p{N}._%+-]{0,63}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}_-]|\.[\p{L}\p{N}])/gu;

function regexSpans(re: RegExp, text: string, label: string, accept?: (m: RegExpExecArray) => Span | null | boolean): Span[] {
  const out: Span[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    const a = accept ? accept(m) : true;
    if (a === true) out.push({ start: m.index, end: m.index + m[0].length, label });
    else if (a && typeof a === 'object') out.push(a);
  }
  return out;
}

/** Email addresses. */
export const findEmails: Finder = (text) => (text.includes('@') ? regexSpans(EMAIL, text, '[EMAIL]') : []);

const PHONE_WORD = /(?:phone|tel|telephone|call|mobile|cell|whatsapp|fax|sms|text me|ring me|contact)\W{0,3}$/i;

function hasDigits(text: string, n: number): boolean {
  let c = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57 && ++c >= n) return true;
  }
  return false;
}

/**
 * Stretches of text that may hold a phone number: digits with spaces, dots, dashes or parentheses between them, not
 * glued to a word (so `req_b000000000` and `v1.2.3` are never handed to the parser). libphonenumber runs on these
 * stretches only, which keeps scrubbing cheap on texts full of ids and numbers.
 */
const PHONE_CANDIDATE = /(?<![\w+])(?:\+\s?)?(?:\(\d{1,4}\)[\s.-]?)?\d[\d\s().-]{5,22}\d(?!\w)/g;

/** Phone numbers valid for their region (international with `+`, or national in `region`). */
export function phoneFinder(region: string): Finder {
  return (text) => {
    if (!hasDigits(text, 7)) return [];
    const out: Span[] = [];
    PHONE_CANDIDATE.lastIndex = 0;
    for (let c = PHONE_CANDIDATE.exec(text); c; c = PHONE_CANDIDATE.exec(text)) {
      const cand = c[0];
      const at = c.index;
      if (!hasDigits(cand, 7)) continue; // the shortest national numbers have 7 digits
      for (const m of phones().findPhoneNumbersInText(cand, { defaultCountry: region as CountryCode })) {
        const start = at + m.startsAt;
        const raw = cand.slice(m.startsAt, m.endsAt);
        const formatted = raw.startsWith('+') || /[\s().-]/.test(raw.replace(/^\+/, ''));
        // A bare digit run is an order number, an id or a timestamp unless a phone word comes right before it.
        if (!formatted && !PHONE_WORD.test(text.slice(Math.max(0, start - 20), start))) continue;
        // Dates and times written with separators (2024-05-01, 12.05.2024) are never phones, nor a date with the
        // hour after it, nor digits a clock time goes on from ("[2017.08.11 24:18:54]" lost its date and hour).
        if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:$|[\sT])|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}(?:$|[\sT])/.test(raw.trim())) continue;
        if (/^:\d/.test(text.slice(at + m.endsAt, at + m.endsAt + 2))) continue;
        out.push({ start, end: at + m.endsAt, label: '[PHONE]' });
      }
    }
    return out;
  };
}

/** Luhn (mod 10) check over a digit string (ISO/IEC 7812-1). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Issuer prefixes of the payment networks and their lengths (ISO/IEC 7812 IIN ranges as the networks publish them). */
function paymentNetwork(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19; // Diners Club
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19; // Maestro
  return false;
}

const CARD = /(?<![\d.,-])\d(?:[ -]?\d){11,18}(?![\d]|[.,]\d)/g;

/** Payment card numbers: network prefix, length and Luhn check digit. */
export const findCards: Finder = (text) => (hasDigits(text, 12) ? regexSpans(CARD, text, '[CARD]', (m) => {
  const raw = m[0];
  const seps = raw.match(/[ -]/g);
  // Grouped numbers use one kind of separator (4 4 4 4, 4-6-5); a mix of spaces and dashes is a date or a list.
  if (seps && new Set(seps).size > 1) return false;
  const digits = raw.replace(/[ -]/g, '');
  return digits.length >= 12 && digits.length <= 19 && paymentNetwork(digits) && luhnValid(digits);
}) : []);

const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}(?![A-Za-z0-9])/g;

/** IBANs: per-country format and the mod-97 check (ibantools). */
export const findIbans: Finder = (text) => regexSpans(IBAN, text, '[IBAN]', (m) => {
  // The match may run into a following word ("DE89 3704 0044 0532 0130 00 please"); try shorter prefixes.
  const raw = m[0];
  const parts = raw.split(' ');
  for (let k = parts.length; k >= 1; k--) {
    const cand = parts.slice(0, k).join(' ');
    if (isValidIBAN(electronicFormatIBAN(cand) ?? '')) return { start: m.index, end: m.index + cand.length, label: '[IBAN]' };
  }
  return false;
});

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'g');
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:.])/g;

/** IPv4 and IPv6 addresses. */
export const findIps: Finder = (text) => {
  const out = text.includes('.') ? regexSpans(IPV4, text, '[IP]', (m) => !/(?:\bv|version|ver\.?|release|build)\s*$/i.test(text.slice(Math.max(0, m.index - 10), m.index))) : [];
  if (text.includes(':')) {
    out.push(...regexSpans(IPV6, text, '[IP]', (m) => m[0].length >= 3 && /[0-9A-Fa-f]/.test(m[0]) && net.isIPv6(m[0])
      // 12:30:45 and other clock times are not addresses; a real one has `::` or 8 groups.
      && (m[0].includes('::') || m[0].split(':').length === 8)));
  }
  return out;
};

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) { const p = c / s.length; h -= p * Math.log2(p); }
  return h;
}

const SECRET_SHAPES: RegExp[] = [
  /(?<![\w-])sk-ant-(?:api\d\d-|admin\d\d-)?[A-Za-z0-9_-]{20,}/g, // Anthropic
  /(?<![\w-])sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}/g, // OpenAI
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}(?![A-Za-z0-9])/g, // AWS access key ids
  /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}/g, // GitHub tokens
  /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}/g, // GitHub fine-grained tokens
  /(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}/g, // Slack tokens
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/g, // Google API keys
];
const BEARER = /\b(Bearer|Token)\s+([A-Za-z0-9._~+/-]{16,}=*)/g;
const ASSIGNED = /\b(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|access[_-]?token|auth[_-]?token|refresh[_-]?token|password|passwd|pwd|private[_-]?key|aws_secret_access_key)\b["']?\s*[:=]\s*["']?([^\s"',;}]{8,})/gi;
/** Prefixes of record ids that vendors write (OpenAI, Anthropic, Langfuse, LangSmith): long and random, but not secrets. */
const ID_PREFIX = /^(?:chatcmpl|cmpl|batch|req|msg|msgbatch|run|trace|span|call|file|resp|toolu|tool|asst|thread|gen|evt|obs|sess)[-_]/i;
const LONG_TOKEN = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/_=-])/g;

/** API keys and tokens (see the module doc). */
export const findSecrets: Finder = (text) => {
  if (text.length < 16) return [];
  const out: Span[] = [];
  for (const re of SECRET_SHAPES) out.push(...regexSpans(re, text, '[SECRET]'));
  out.push(...regexSpans(BEARER, text, '[SECRET]', (m) => {
    const start = m.index + m[0].length - m[2]!.length;
    return { start, end: m.index + m[0].length, label: '[SECRET]' };
  }));
  out.push(...regexSpans(ASSIGNED, text, '[SECRET]', (m) => {
    const v = m[1]!;
    // `password: null`, `api_key = ${API_KEY}`, `token: <redacted>` name no secret.
    if (/^(?:null|none|undefined|true|false|\*+|x+|<[^>]*>?|\$\{?[\w.]+\}?|process\.env\.\w+|os\.environ.*)$/i.test(v)) return false;
    const start = m.index + m[0].length - v.length;
    return { start, end: m.index + m[0].length, label: '[SECRET]' };
  }));
  out.push(...regexSpans(LONG_TOKEN, text, '[SECRET]', (m) => {
    const s = m[0];
    if (/^[0-9a-f]+$/i.test(s) || /^[0-9a-f-]+$/i.test(s)) return false; // hex digests, UUIDs: ids, not secrets
    if (ID_PREFIX.test(s)) return false; // vendors' record ids: chatcmpl-…, msg_…, batch_req_…
    if (/base64,\s*$/.test(text.slice(Math.max(0, m.index - 8), m.index))) return false; // data: URIs
    if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/\d/.test(s)) return false;
    if (/^[A-Za-z]+(?:[_-][A-Za-z]+)+$/.test(s)) return false; // identifiers_like_this
    return entropy(s) >= 4.2;
  }));
  return out;
};

/** The finder of each built-in detector. */
export function detectorFinder(d: ScrubDetector, phoneRegion: string): Finder {
  switch (d) {
    case 'email': return findEmails;
    case 'phone': return phoneFinder(phoneRegion);
    case 'card': return findCards;
    case 'iban': return findIbans;
    case 'ip': return findIps;
    case 'secret': return findSecrets;
  }
}
