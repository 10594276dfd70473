/**
 * Feedback values in words and their polarity, one definition for the store, the CLI and the renderer.
 * Conventions: CSAT is a 1-5 rating, satisfied at 4-5 (top-2-box), dissatisfied at 1-2; other rating scales count
 * as negative at or below 40% of the scale and positive at or above 80%; NPS detractors answer 0-6, passives 7-8,
 * promoters 9-10 (Reichheld 2003); a thumb or preference is +1 or −1.
 */
import type { FeedbackKind } from './types';

/** The fields the wording needs. */
export interface FeedbackValue {
  kind: FeedbackKind | string; value: number | null; scale: number | null; label?: string | null;
  /** What a rating measures when it is no satisfaction answer (migration 15): 'ces' (customer effort), 'enps'. */
  measure?: string | null;
}

/** NPS class of a 0-10 answer. */
export function npsClass(v: number): 'promoter' | 'passive' | 'detractor' {
  return v >= 9 ? 'promoter' : v >= 7 ? 'passive' : 'detractor';
}

/** negative | positive | neutral, or null when the feedback carries no value (a comment). */
export function feedbackPolarity(f: FeedbackValue): 'negative' | 'positive' | 'neutral' | null {
  if (f.value === null) return null;
  switch (f.kind) {
    case 'thumb': case 'preference': return f.value > 0 ? 'positive' : f.value < 0 ? 'negative' : 'neutral';
    case 'nps': { const c = npsClass(f.value); return c === 'promoter' ? 'positive' : c === 'detractor' ? 'negative' : 'neutral'; }
    case 'rating': {
      const scale = f.scale ?? 5;
      if (scale === 5) return f.value <= 2 ? 'negative' : f.value >= 4 ? 'positive' : 'neutral';
      return f.value <= 0.4 * scale ? 'negative' : f.value >= 0.8 * scale ? 'positive' : 'neutral';
    }
    default: return null;
  }
}

/**
 * The value in words: "thumbs up", "thumbs down", "CSAT 4/5", "rating 7/10", "CES 4/7", "eNPS 9", "NPS 9 (promoter)", "preferred",
 * "rejected", "comment"; the source's own label when the value is missing.
 */
export function feedbackValueText(f: FeedbackValue): string {
  if (f.kind === 'comment' && f.value === null) return 'comment';
  if (f.value === null) return f.label ?? '—';
  const v = Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
  switch (f.kind) {
    case 'thumb': return f.value > 0 ? 'thumbs up' : 'thumbs down';
    case 'preference': return f.value > 0 ? 'preferred' : 'rejected';
    case 'nps': return `NPS ${v} (${npsClass(f.value)})`;
    case 'rating':
      if (f.measure === 'ces') return `CES ${v}/${f.scale ?? 5}`;
      if (f.measure === 'enps') return `eNPS ${v}`;
      return (f.scale ?? 5) === 5 ? `CSAT ${v}/5` : `rating ${v}/${f.scale}`;
    default: return v;
  }
}

/**
 * A short cell text for a grid: "up" / "down" for thumbs, "CSAT 4/5", "NPS 9", "comment". Words, not emoji: without
 * an emoji font (Chromium on Debian has none) 👍 and 👎 render as the same empty box.
 */
export function feedbackBadge(f: FeedbackValue): string {
  if (f.kind === 'thumb' && f.value !== null) return f.value > 0 ? 'up' : 'down';
  if (f.kind === 'nps' && f.value !== null) return `NPS ${f.value}`;
  if (f.kind === 'comment') return 'comment';
  if (f.kind === 'preference' && f.value !== null) return f.value > 0 ? 'preferred' : 'rejected';
  return feedbackValueText(f);
}
