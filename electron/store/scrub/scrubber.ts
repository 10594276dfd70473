/**
 * The scrubber an import runs over every mapped row before it is written: each text column (input, output, error,
 * comments, subjects, bodies, ids, unmapped `extra` JSON, tags…) passes through the chosen detectors and the user's
 * patterns, and each found span is replaced by its label. Overlapping finds go to the detector listed first in
 * {@link ORDER} (a key is a secret before its digits are a phone number).
 *
 * Id columns (request, user, session ids, requester e-mail) are not labelled but replaced whole by a keyed pseudonym
 * (`email:` + 12 hex of HMAC-SHA256 under the workspace's `scrub_key`), so the same address gives the same id in
 * every file and links between requests, feedback and tickets still hold. Anyone holding the workspace (and so the
 * key) can test a guessed address against a pseudonym; the address itself is not stored.
 *
 * User patterns run on RE2JS, a linear-time engine (RE2 syntax): no pattern can backtrack catastrophically, so no
 * per-field time budget is needed; a pattern RE2 cannot run (backreferences, lookarounds) or one that matches empty
 * text is refused before the import starts, naming the pattern.
 */
import crypto from 'node:crypto';
import { RE2JS } from 're2js';
import { LoupeError } from '../../../shared/errors';
import { scrubOptionsSchema, type ScrubCountKey, type ScrubDetector, type ScrubOptions, type ScrubReport } from '../../../shared/contract-scrub';
import { detectorFinder, type Finder, type Span } from './detectors';

/** Detectors in order of precedence when their finds overlap. */
const ORDER: readonly ScrubDetector[] = ['secret', 'email', 'iban', 'card', 'ip', 'phone'];
/** Columns that hold codes, not free text (region: a country or region code, a metrics dimension). */
const NOT_TEXT = new Set(['kind', 'cost_source', 'link_method', 'price_model', 'price_as_of', 'price_tier', 'service_tier', 'model', 'model_version', 'lang', 'region']);
/** Columns that identify a record or a person: replaced whole by a pseudonym so links survive. */
const ID_COLUMNS = new Set(['id', 'user_id', 'session_id', 'trace_id', 'request_id', 'request_ref', 'requester_email', 'requester']);
/** Columns that hold JSON text: their string values are scrubbed and the JSON written again. */
const JSON_COLUMNS = new Set(['extra', 'tags']);

interface NamedFinder { key: ScrubCountKey; find: Finder; inIds: boolean }

/**
 * Compiles the user's patterns.
 * @throws LoupeError BAD_REQUEST naming the pattern (its 1-based number and text) and what is wrong with it
 */
export function compilePatterns(patterns: readonly string[]): NamedFinder[] {
  return patterns.map((src, i) => {
    let re: RE2JS;
    try {
      re = RE2JS.compile(src);
    } catch (e) {
      throw new LoupeError('BAD_REQUEST', `Scrub pattern ${i + 1} ${JSON.stringify(src)} cannot be used: ${(e as Error).message}. Patterns use RE2 syntax (linear-time matching: no backreferences or lookarounds).`,
        { action: 'Correct or remove the pattern.', details: { pattern: src, index: i + 1 } });
    }
    if (re.matcher('').find()) {
      throw new LoupeError('BAD_REQUEST', `Scrub pattern ${i + 1} ${JSON.stringify(src)} matches empty text, so it would mark every position.`,
        { action: 'Make the pattern match at least one character (e.g. + instead of *).', details: { pattern: src, index: i + 1 } });
    }
    const find: Finder = (text) => {
      const out: Span[] = [];
      const m = re.matcher(text);
      while (m.find()) if (m.end() > m.start()) out.push({ start: m.start(), end: m.end(), label: '[REDACTED]' });
      return out;
    };
    return { key: `pattern:${i + 1}` as ScrubCountKey, find, inIds: true };
  });
}

/** Scrubs texts and rows with one set of options; counts replacements per detector. */
export class Scrubber {
  readonly counts: Partial<Record<ScrubCountKey, number>> = {};
  rowsChanged = 0;
  private readonly finders: NamedFinder[];
  readonly detectors: ScrubDetector[];
  readonly patterns: string[];
  readonly phoneRegion: string;

  /**
   * @param options - detectors, patterns and phone region (validated again here)
   * @param key - the workspace's pseudonym key (hex)
   * @throws LoupeError BAD_REQUEST for a pattern that cannot be used
   */
  constructor(options: ScrubOptions, private readonly key: string) {
    const o = scrubOptionsSchema.parse(options);
    this.detectors = ORDER.filter((d) => o.detectors.includes(d));
    this.patterns = o.patterns;
    this.phoneRegion = o.phone_region ?? 'US';
    this.finders = [
      ...this.detectors.map((d) => ({ key: d as ScrubCountKey, find: detectorFinder(d, this.phoneRegion), inIds: d !== 'secret' })),
      ...compilePatterns(o.patterns),
    ];
  }

  /** Whether there is anything to scrub. */
  get active(): boolean {
    return this.finders.length > 0;
  }

  /** Non-overlapping spans, earlier finders first, sorted by position (counts nothing). */
  find(text: string): Array<Span & { key: ScrubCountKey }> {
    return this.spans(text);
  }

  private spans(text: string, ids = false): Array<Span & { key: ScrubCountKey }> {
    const taken: Array<Span & { key: ScrubCountKey }> = [];
    for (const f of this.finders) {
      if (ids && !f.inIds) continue;
      for (const s of f.find(text)) {
        if (!taken.some((t) => s.start < t.end && t.start < s.end)) taken.push({ ...s, key: f.key });
      }
    }
    return taken.sort((a, b) => a.start - b.start);
  }

  private count(spans: ReadonlyArray<{ key: ScrubCountKey }>): void {
    for (const s of spans) this.counts[s.key] = (this.counts[s.key] ?? 0) + 1;
  }

  /** The text with every find replaced by its label; counts the replacements. */
  text(text: string): string {
    const spans = this.spans(text);
    if (spans.length === 0) return text;
    this.count(spans);
    let out = '';
    let at = 0;
    for (const s of spans) { out += text.slice(at, s.start) + s.label; at = s.end; }
    return out + text.slice(at);
  }

  /** An id holding PII, replaced whole by its keyed pseudonym (`email:` + 12 hex); other ids unchanged. */
  id(value: string): string {
    const spans = this.spans(value, true);
    if (spans.length === 0) return value;
    this.count(spans);
    const label = spans[0]!.key.replace(/:\d+$/, '');
    return `${label}:${crypto.createHmac('sha256', this.key).update(value).digest('hex').slice(0, 12)}`;
  }

  private json(text: string): string {
    if (this.spans(text).length === 0) return text;
    let v: unknown;
    try { v = JSON.parse(text); } catch { return this.text(text); }
    const walk = (x: unknown): unknown => {
      if (typeof x === 'string') return this.text(x);
      if (Array.isArray(x)) return x.map(walk);
      if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
      return x;
    };
    return JSON.stringify(walk(v));
  }

  /**
   * Scrubs one stored row in place: every string column but codes (model, kind…).
   * @returns the columns changed
   */
  row(row: Record<string, string | number | null>): string[] {
    const changed: string[] = [];
    for (const [col, v] of Object.entries(row)) {
      if (typeof v !== 'string' || v === '' || NOT_TEXT.has(col)) continue;
      const next = ID_COLUMNS.has(col) ? this.id(v) : JSON_COLUMNS.has(col) ? this.json(v) : this.text(v);
      if (next !== v) { row[col] = next; changed.push(col); }
    }
    if (changed.length) {
      this.rowsChanged++;
      // Derived lengths follow the stored text.
      if (changed.includes('input') && 'input_chars' in row) row.input_chars = (row.input as string).length;
      if (changed.includes('output') && 'output_chars' in row) row.output_chars = (row.output as string).length;
    }
    return changed;
  }

  /** What the import history records. */
  report(): ScrubReport {
    return { detectors: this.detectors, patterns: this.patterns, phone_region: this.phoneRegion, counts: { ...this.counts }, rows_changed: this.rowsChanged };
  }
}
