/**
 * `loupe import`'s scrubbing flags:
 *   --scrub email,phone,card,iban,ip,secret   detectors to apply (any subset, comma-separated; repeatable; `none`: no
 *                                             scrubbing). Without --scrub and --scrub-pattern the workspace's
 *                                             remembered choice (its last scrubbed import's) applies.
 *   --scrub-pattern REGEX                     a pattern of your own (RE2 syntax), replaced by [REDACTED]; repeatable.
 * A bad value is a usage error (exit 2) naming it, before anything is read.
 */
import { usage } from './usage';
import type { ImportOptions } from '../../shared/contract';
import { MAX_SCRUB_PATTERNS, SCRUB_DETECTORS, type ScrubDetector } from '../../shared/contract-scrub';
import { toErrorData } from '../../shared/errors';
import { compilePatterns } from '../store/scrub/scrubber';

/** Commander collector for repeatable flags. */
export function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

/**
 * The import's scrub options from the flags, or undefined when neither flag is given.
 * @throws CommanderError (exit 2) for an unknown detector or a pattern that cannot be used
 */
export function scrubFromFlags(scrub: string[] | undefined, patterns: string[] | undefined, region?: string): ImportOptions['scrub'] {
  if (!scrub && !patterns) return undefined;
  const names = (scrub ?? []).flatMap((s) => s.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
  const detectors: ScrubDetector[] = [];
  for (const n of names) {
    if (n === 'none') continue;
    if (!(SCRUB_DETECTORS as readonly string[]).includes(n)) usage(`--scrub expects detector names from ${SCRUB_DETECTORS.join(', ')} (comma-separated) or none, got "${n}"`);
    if (!detectors.includes(n as ScrubDetector)) detectors.push(n as ScrubDetector);
  }
  const pats = patterns ?? [];
  if (pats.length > MAX_SCRUB_PATTERNS) usage(`--scrub-pattern: at most ${MAX_SCRUB_PATTERNS} patterns, got ${pats.length}`);
  try { compilePatterns(pats); } catch (e) { usage(`--scrub-pattern: ${toErrorData(e).message}`); }
  if (region !== undefined && !/^[A-Z]{2}$/.test(region)) usage(`--phone-region expects a two-letter region such as US or DE, got "${region}"`);
  return { detectors, patterns: pats, ...(region ? { phone_region: region } : {}) };
}
