/**
 * PII scrubbing before storage: the detector names, the options an import takes (`ImportOptions.scrub`), what the
 * preview shows (counts per detector, before/after of the first rows) and what the import history records. The
 * detectors themselves are in electron/store/scrub/. Merged into the `contract` object of ./contract with one spread.
 */
import { z } from 'zod';

/** Detector names, as `--scrub` takes them. */
export const SCRUB_DETECTORS = ['email', 'phone', 'card', 'iban', 'ip', 'secret'] as const;
export type ScrubDetector = (typeof SCRUB_DETECTORS)[number];
/** A count key: a detector name, or `pattern:N` for the user's Nth pattern (1-based). */
export type ScrubCountKey = ScrubDetector | `pattern:${number}`;

/** Most user patterns an import takes, and their longest length in characters. */
export const MAX_SCRUB_PATTERNS = 20;
export const MAX_SCRUB_PATTERN_CHARS = 500;

/**
 * What to scrub in an import. Patterns are RE2 syntax (run on a linear-time engine, so a pattern cannot backtrack
 * catastrophically; backreferences and lookarounds are refused with a message naming the pattern).
 */
export const scrubOptionsSchema = z.object({
  detectors: z.array(z.enum(SCRUB_DETECTORS)).max(SCRUB_DETECTORS.length).default([]),
  patterns: z.array(z.string().min(1).max(MAX_SCRUB_PATTERN_CHARS)).max(MAX_SCRUB_PATTERNS).default([]),
  /** ISO 3166 region for phone numbers written without a country code (default US); `+` numbers are found anyway. */
  phone_region: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter region such as US or DE').optional(),
}).strict();
export type ScrubOptions = z.input<typeof scrubOptionsSchema>;

/** One changed field of one previewed row. */
export interface ScrubDiff { line: number; kind: string; field: string; before: string; after: string }

/** What scrubbing would do to the previewed records (the first 20 records of the file). */
export interface ScrubPreview {
  detectors: ScrubDetector[];
  patterns: string[];
  phone_region: string;
  counts: Partial<Record<ScrubCountKey, number>>;
  fields_changed: number;
  diffs: ScrubDiff[];
}

/** The scrubbing an import did, as recorded in its history (`imports.scrub`) and summary. */
export interface ScrubReport {
  detectors: ScrubDetector[];
  patterns: string[];
  phone_region: string;
  /** Replacements per detector (and per user pattern) over every text field of the file. */
  counts: Partial<Record<ScrubCountKey, number>>;
  /** Stored rows with at least one replacement. */
  rows_changed: number;
}

/** Declares a method (a local copy of contract.ts's helper, avoiding an import cycle). */
function method<P extends z.ZodType, R>(params: P): { params: P; result: R } {
  return { params, result: undefined as unknown as R };
}

export const scrubMethods = {
  /** The scrubbing chosen for this workspace's last import (remembered per workspace); empty until one scrubs. */
  'scrub.defaults': method<z.ZodObject<Record<string, never>>, { detectors: ScrubDetector[]; patterns: string[]; phone_region: string }>(z.object({})),
};
