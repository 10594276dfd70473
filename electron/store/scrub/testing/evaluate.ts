/**
 * Precision and recall of each PII detector on the labelled corpus (./corpus.ts). A find is a true positive when it
 * overlaps an expected span of its own detector; any other find is a false positive (also when it lands on a
 * near-miss meant for another detector); an expected span no find of its detector overlaps is a false negative.
 * Test-only; the closing note's figures come from `npx vitest run electron/store/scrub` (printed by scrub.test.ts).
 */
import { SCRUB_DETECTORS, type ScrubDetector } from '../../../../shared/contract-scrub';
import { Scrubber } from '../scrubber';
import { corpus } from './corpus';

export interface DetectorScore { detector: ScrubDetector; tp: number; fp: number; fn: number; precision: number; recall: number; misses: string[]; falseFinds: string[] }

/** Scores every detector over the corpus with all detectors on (as a user who ticks them all would run them). */
export function evaluateCorpus(): DetectorScore[] {
  const s = new Scrubber({ detectors: [...SCRUB_DETECTORS] }, 'test-key');
  const score = new Map<ScrubDetector, DetectorScore>(SCRUB_DETECTORS.map((d) => [d, { detector: d, tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, misses: [], falseFinds: [] }]));
  for (const item of corpus()) {
    const found = s.find(item.text);
    for (const e of item.expected) {
      const hit = found.some((f) => f.key === item.detector && f.start < e.end && e.start < f.end);
      const sc = score.get(item.detector)!;
      if (hit) sc.tp++; else { sc.fn++; sc.misses.push(item.text.slice(e.start, e.end)); }
    }
    for (const f of found) {
      const ok = f.key === item.detector && item.expected.some((e) => f.start < e.end && e.start < f.end);
      if (!ok) {
        const sc = score.get(f.key as ScrubDetector)!;
        sc.fp++;
        sc.falseFinds.push(`${item.text.slice(f.start, f.end)} (in "${item.text}")`);
      }
    }
  }
  for (const sc of score.values()) {
    sc.precision = sc.tp + sc.fp === 0 ? 1 : sc.tp / (sc.tp + sc.fp);
    sc.recall = sc.tp + sc.fn === 0 ? 1 : sc.tp / (sc.tp + sc.fn);
  }
  return [...score.values()];
}
