/**
 * Pure helpers of the review screens: ISO weeks in the workspace zone, shares and intervals as the screens show them,
 * verdict wording and the rubric's key map. No DOM here (see ./download.ts for the one DOM helper), so they are
 * unit-tested in Node.
 */
import { DateTime } from 'luxon';
import type { RubricCriterion, VerdictValue } from '../../../shared/review-types';

/** The ISO week label (e.g. "2026-W47") of a UTC epoch ms instant in `zone`. */
export function isoWeekLabel(ts: number, zone: string): string {
  const d = DateTime.fromMillis(ts, { zone });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

/**
 * The last complete ISO week of the data, in the workspace zone: the week a weekly view (feedback terms, the weekly
 * report) opens on. A week counts as complete when the data reaches into its last day (the newest request is less
 * than 24 h before the week's end); when all the data lies inside one unfinished week, that week. Callers pick it
 * only when it is among the weeks they have data for (the new-queue form uses `queues.weeks` instead, so it never
 * proposes a week without requests).
 * @param firstTs - oldest request time (UTC epoch ms), or null for a workspace without dated requests
 * @param lastTs - newest request time (UTC epoch ms), or null
 * @param zone - the workspace IANA zone
 * @returns an ISO week label, or null when there are no dated requests
 */
export function lastCompleteWeek(firstTs: number | null, lastTs: number | null, zone: string): string | null {
  if (lastTs === null) return null;
  const last = DateTime.fromMillis(lastTs, { zone });
  const weekStart = last.startOf('week');
  const weekEnd = weekStart.plus({ weeks: 1 });
  if (weekEnd.toMillis() - lastTs <= 24 * 3600_000) return isoWeekLabel(lastTs, zone);
  if (firstTs !== null && firstTs >= weekStart.toMillis()) return isoWeekLabel(lastTs, zone);
  return isoWeekLabel(weekStart.minus({ weeks: 1 }).toMillis(), zone);
}

/** The first and last calendar day (YYYY-MM-DD, in `zone`) of an ISO week label; null for an invalid label. */
export function weekDays(week: string, zone: string): { from: string; to: string } | null {
  const d = DateTime.fromISO(week, { zone });
  if (!d.isValid) return null;
  const s = d.startOf('week');
  return { from: s.toISODate()!, to: s.plus({ days: 6 }).toISODate()! };
}

/** A share in [0, 1] as a percentage with one decimal: 0.1234 → "12.3%"; null → "—". */
export function fmtPct(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;
}

/** A 95% interval of shares: (0.05, 0.21) → "5.0–21.0%"; either end null → "—". */
export function fmtInterval(low: number | null, high: number | null): string {
  if (low === null || high === null || !Number.isFinite(low) || !Number.isFinite(high)) return '—';
  return `${(low * 100).toFixed(1)}–${(high * 100).toFixed(1)}%`;
}

/** An inclusion probability π: 0.5454 → "0.545"; small ones keep three significant digits: 0.00271 → "0.00271". */
export function fmtProbability(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p >= 0.1) return p.toFixed(3);
  return p.toPrecision(3);
}

/** A kappa or other coefficient with two decimals; null → "—". */
export function fmtCoef(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(2);
}

/** A verdict as the screens print it: "pass", "fail", "4 / 5", or the category text; missing → "—". */
export function fmtVerdict(v: VerdictValue | null | undefined, kind?: RubricCriterion['kind']): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number' && (kind === 'scale' || kind === undefined)) return `${v} / 5`;
  return String(v);
}

/** A stratum key made readable: "signal:thumbs_down" → "signal: thumbs_down", "feature=summarize" → "feature = summarize". */
export function fmtStratum(key: string): string {
  if (key.startsWith('signal:')) return `signal: ${key.slice(7)}`;
  const i = key.indexOf('=');
  return i > 0 ? `${key.slice(0, i)} = ${key.slice(i + 1)}` : key;
}

/**
 * A stratum key shortened for the narrow queue list: signals keep their name, a field stratum shows only its value,
 * and a path-like value only its last segment: "model=meta-llama/Llama-3-8B" → "Llama-3-8B".
 */
/**
 * Short labels that tell a queue's items apart by request id, for the queue rail when every item has the same
 * stratum: the part after the prefix all ids share (cut at its last separator, `:` `/` `_` `-` `.` or space), then
 * its last `max` characters with an ellipsis where cut (`mtbench:…-Normal:130:2` → `130:2`).
 */
export function idLabels(ids: readonly string[], max = 12): string[] {
  let prefix = ids.length > 1 ? ids[0]! : '';
  for (const id of ids) {
    let i = 0;
    while (i < prefix.length && i < id.length && prefix[i] === id[i]) i++;
    prefix = prefix.slice(0, i);
    if (!prefix) break;
  }
  const cut = Math.max(...[':', '/', '_', '-', '.', ' '].map((c) => prefix.lastIndexOf(c))) + 1;
  return ids.map((id) => {
    const rest = [...id.slice(cut)];
    return rest.length > max ? `…${rest.slice(-(max - 1)).join('')}` : rest.join('') || id;
  });
}

export function fmtStratumShort(key: string): string {
  if (key.startsWith('signal:')) return `signal: ${key.slice(7)}`;
  const i = key.indexOf('=');
  if (i < 0) return key;
  const v = key.slice(i + 1);
  const slash = v.lastIndexOf('/');
  return slash >= 0 && slash < v.length - 1 ? v.slice(slash + 1) : v;
}

/**
 * What a key press means for the active rubric criterion, or null when the key says nothing about it.
 * Keys: pass/fail criteria take `p` (pass) and `f` (fail); a 1-5 scale takes the digits 1-5; a category takes the
 * digits 1-9 for its first nine options (in the order the rubric lists them).
 */
export function verdictForKey(c: RubricCriterion, key: string): VerdictValue | null {
  if (c.kind === 'pass_fail') return key === 'p' ? 'pass' : key === 'f' ? 'fail' : null;
  if (!/^[1-9]$/.test(key)) return null;
  const n = Number(key);
  if (c.kind === 'scale') return n <= 5 ? n : null;
  const opt = c.options?.[n - 1];
  return opt ?? null;
}

/** The criteria a review must still answer before it can be submitted (pass/fail and required ones). */
export function missingVerdicts(criteria: readonly RubricCriterion[], verdicts: Readonly<Record<string, VerdictValue>>): RubricCriterion[] {
  return criteria.filter((c) => (c.kind === 'pass_fail' || c.required) && verdicts[c.id] === undefined);
}

/** Whether a review with these verdicts counts as a failure (any pass/fail criterion failed), as the store decides it. */
export function isFailure(criteria: readonly RubricCriterion[], verdicts: Readonly<Record<string, VerdictValue>>): boolean {
  return criteria.some((c) => c.kind === 'pass_fail' && verdicts[c.id] === 'fail');
}

/** A rubric criterion id made from a label: "Follows instructions" → "follows_instructions" (≤ 40 chars, starts with a letter). */
export function criterionId(label: string, taken: readonly string[]): string {
  let base = label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 36);
  if (!/^[a-z]/.test(base)) base = `c_${base}`.slice(0, 36);
  if (base === 'c_') base = 'criterion';
  let id = base;
  for (let i = 2; taken.includes(id); i++) id = `${base}_${i}`;
  return id;
}

/**
 * The distinct small-sample reasons of `metrics`, in first-seen order, for a banner shown once above the table.
 * The store gives each flagged metric a list of reasons (`reasons`); older results carried one "; "-separated
 * `reason`, which is split the same way (a clause opening with "its"/"the" continues the previous one).
 */
export function smallSampleReasons(metrics: ReadonlyArray<{ small_sample: boolean; reason: string | null; reasons?: readonly string[] }>): string[] {
  const seen = new Set<string>();
  for (const m of metrics) {
    if (!m.small_sample) continue;
    const clauses: string[] = [];
    if (m.reasons && m.reasons.length > 0) {
      clauses.push(...m.reasons.map((r) => r.trim()).filter(Boolean));
    } else if (m.reason) {
      for (const part of m.reason.replace(/^\s*small sample:\s*/i, '').split(/;\s+/)) {
        const r = part.trim();
        if (!r) continue;
        if (clauses.length && /^(its|the|so|which|this)\b/.test(r)) clauses[clauses.length - 1] += `; ${r}`;
        else clauses.push(r);
      }
    }
    for (const r of clauses) seen.add(r.charAt(0).toUpperCase() + r.slice(1));
  }
  return [...seen];
}
