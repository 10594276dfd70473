/**
 * What every section of the weekly report is built for: the ISO week (workspace time zone), the week before it, and
 * the trend window the charts show. Resolved once so every source adapter reads the same periods.
 */
import { DateTime } from 'luxon';
import type { Workspace } from '../workspace';
import { isoWeekLabel, weekWindow } from '../metrics/common';
import { getSettings } from '../alerts/settings';
import { workspaceZone } from '../review/queues';

/**
 * Weeks the trend charts show, this week included: two months, enough to see a change against its run-up (each week
 * is one more bucket of `metrics.series` to compute, the report's largest cost on large workspaces).
 */
export const TREND_WEEKS = 8;

export interface ReportContext {
  ws: Workspace;
  zone: string;
  week: string;
  from_ts: number;
  to_ts: number;
  previous: { week: string; from_ts: number; to_ts: number };
  /** Start of the trend window (UTC ms): TREND_WEEKS − 1 weeks before this week. */
  trend_from_ts: number;
  /** The review queue the report reads (the week's newest, or the one asked for), or null when the week has none. */
  queue_id: number | null;
  /** Drift rows with PSI above this are flagged (the workspace's setting, shared with the Metrics screen). */
  psi_max: number;
  /** Generation time, UTC ms. */
  now: number;
}

/**
 * Resolves the report's periods.
 * @param week - ISO week label, e.g. 2026-W45, read in the workspace time zone
 * @param queueId - the queue for the review section (null: none)
 * @throws LoupeError BAD_REQUEST for a week the year does not have
 */
export function reportContext(ws: Workspace, week: string, queueId: number | null, now: number): ReportContext {
  const zone = workspaceZone(ws);
  const w = weekWindow(week, zone);
  const start = DateTime.fromMillis(w.from_ts, { zone });
  const prevStart = start.minus({ weeks: 1 });
  return {
    ws, zone, week, from_ts: w.from_ts, to_ts: w.to_ts,
    previous: { week: isoWeekLabel(prevStart.toMillis(), zone), from_ts: prevStart.toMillis(), to_ts: w.from_ts },
    trend_from_ts: start.minus({ weeks: TREND_WEEKS - 1 }).toMillis(),
    queue_id: queueId,
    psi_max: getSettings(ws).psi_max,
    now,
  };
}

/**
 * The period as people read it: "Mon 2 Nov – Sun 8 Nov 2026" in the workspace zone, with its first and last days
 * as ISO dates.
 */
export function periodText(from: number, to: number, zone: string): { first_day: string; last_day: string; label: string } {
  // The report is in English whatever the machine's locale.
  const a = DateTime.fromMillis(from, { zone, locale: 'en-US' });
  const b = DateTime.fromMillis(to - 1, { zone, locale: 'en-US' });
  const sameYear = a.year === b.year;
  const label = `${a.toFormat(sameYear ? 'ccc d LLL' : 'ccc d LLL yyyy')} – ${b.toFormat('ccc d LLL yyyy')}`;
  return { first_day: a.toISODate()!, last_day: b.toISODate()!, label };
}
