/**
 * Pure formatting helpers for the screens. Times are UTC epoch ms and are shown in the workspace IANA zone; no
 * function here touches the DOM, so they are unit-tested in Node.
 */
import { DateTime } from 'luxon';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators, e.g. 8469 → "8,469"; null → "—". */
export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : intFmt.format(n);
}

/**
 * A byte count in binary-free decimal units as users read them in file managers: 126295 → "126 KB",
 * 3945533 → "3.9 MB". Decimal (1000-based) so the figure matches macOS Finder and most web UIs.
 */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** Megabytes (10^6 bytes) with one decimal, e.g. for "12.3 of 45.6 MB". */
export function fmtMB(n: number): string {
  return (n / 1e6).toFixed(1);
}

/** A duration in ms: 850 → "850 ms", 1530 → "1.53 s", 95000 → "1 min 35 s", 7_380_000 → "2 h 3 min". */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) return `${Math.floor(totalS / 60)} min ${totalS % 60} s`;
  return `${Math.floor(totalS / 3600)} h ${Math.floor((totalS % 3600) / 60)} min`;
}

/** A latency cell: whole milliseconds with separators, e.g. 12345.6 → "12,346 ms". */
export function fmtMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '—' : `${intFmt.format(Math.round(ms))} ms`;
}

/**
 * A cost in USD. Per-request costs are fractions of a cent, so small values keep 6 decimals and larger ones 4:
 * 0.000123 → "$0.000123", 0.0412 → "$0.0412", 12.5 → "$12.5000".
 */
export function fmtUsd(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const digits = Math.abs(v) < 0.01 ? 6 : 4;
  return `$${v.toFixed(digits)}`;
}

/** A timestamp in the workspace zone: "2024-03-05 14:07:09". */
export function fmtTs(ts: number | null | undefined, zone: string): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  const d = DateTime.fromMillis(ts, { zone });
  return d.isValid ? d.toFormat('yyyy-LL-dd HH:mm:ss') : '—';
}

/** A date in the workspace zone: "5 Mar 2024". */
export function fmtDate(ts: number | null | undefined, zone: string): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return '—';
  const d = DateTime.fromMillis(ts, { zone });
  return d.isValid ? d.toFormat('d LLL yyyy') : '—';
}

/** The date range of a workspace, "5 Mar 2024 – 9 Apr 2024" (one date when both fall on the same day). */
export function fmtDateRange(first: number | null, last: number | null, zone: string): string {
  if (first === null || last === null) return 'no dated records';
  const a = fmtDate(first, zone);
  const b = fmtDate(last, zone);
  return a === b ? a : `${a} – ${b}`;
}

/**
 * The UTC epoch ms of the start of a calendar day (`YYYY-MM-DD`, as an `<input type="date">` gives it) in `zone`.
 * With `endExclusive`, the start of the following day, so a to-date filter includes the whole day.
 * @returns null for an empty or invalid date
 */
export function dayStartMs(day: string, zone: string, endExclusive = false): number | null {
  if (!day) return null;
  const d = DateTime.fromISO(day, { zone });
  if (!d.isValid) return null;
  return (endExclusive ? d.plus({ days: 1 }) : d).startOf('day').toMillis();
}

/** A gap between a request and a ticket, e.g. 5_400_000 → "1 h 30 min before". */
export function fmtGap(ms: number | null): string {
  if (ms === null) return '';
  return `${fmtDuration(Math.abs(ms))} ${ms >= 0 ? 'before' : 'after'}`;
}

/** Import throughput figures from two progress readings: records/s, MB/s and the time left (ms, null if unknown). */
export function importRates(p: { bytes_read: number; bytes_total: number | null; records: number; elapsed_ms: number }): {
  recordsPerS: number; mbPerS: number; etaMs: number | null; fraction: number | null;
} {
  const s = p.elapsed_ms / 1000;
  const recordsPerS = s > 0 ? p.records / s : 0;
  const bytesPerS = s > 0 ? p.bytes_read / s : 0;
  const fraction = p.bytes_total && p.bytes_total > 0 ? Math.min(1, p.bytes_read / p.bytes_total) : null;
  const etaMs = p.bytes_total && bytesPerS > 0 ? Math.max(0, ((p.bytes_total - p.bytes_read) / bytesPerS) * 1000) : null;
  return { recordsPerS, mbPerS: bytesPerS / 1e6, etaMs, fraction };
}

/** Pretty-prints a JSON string (the `extra` column); returns the text unchanged when it is not JSON. */
export function prettyJson(text: string | null): string {
  if (!text) return '';
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

/** Parses the `tags` column (a JSON array of strings) for display; tolerant of plain text. */
export function parseTags(tags: string | null): string[] {
  if (!tags) return [];
  try {
    const v: unknown = JSON.parse(tags);
    return Array.isArray(v) ? v.map((x) => String(x)) : [String(v)];
  } catch { return [tags]; }
}

/**
 * A feedback value as words, so its meaning never depends on an emoji font: a thumb is "up (+1)" or "down (−1)",
 * a preference "+1"/"−1", a rating "4 / 5" when it has a scale; a null value shows its label (e.g. "-1" for an
 * unparsable judge score) or "—".
 */
export function fmtFeedbackValue(f: { kind: string; value: number | null; scale: number | null; label?: string | null }): string {
  if (f.value === null) return f.label ?? '—';
  if (f.scale) return `${f.value} / ${f.scale}`;
  if (f.kind === 'thumb') return f.value > 0 ? 'up (+1)' : 'down (−1)';
  if (f.kind === 'preference') return f.value > 0 ? '+1' : '−1';
  return String(f.value);
}

/**
 * The state of a week's review queue as the report's week picker shows it: " · queue, 0 of 200 reviewed",
 * " · reviewed (200 of 200)", or "" when the week has no queue; " · queue #3, 0 of 200 reviewed" when `named` (a week
 * with several queues, each named by its id).
 * @param q - the queue's id, item count (`size`) and items reviewed by at least one reviewer (`reviewed`), or undefined
 */
export function queueWeekLabel(q: { id?: number; size: number; reviewed: number } | undefined, named = false): string {
  if (!q) return '';
  if (named && q.id !== undefined) return ` · queue #${q.id}, ${fmtInt(q.reviewed)} of ${fmtInt(q.size)} reviewed`;
  if (q.size > 0 && q.reviewed >= q.size) return ` · reviewed (${fmtInt(q.reviewed)} of ${fmtInt(q.size)})`;
  return ` · queue, ${fmtInt(q.reviewed)} of ${fmtInt(q.size)} reviewed`;
}
