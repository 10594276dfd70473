/**
 * Builds the weekly report model once: each section through its one source adapter (./sources/*), then the summary
 * from the sections. Every format is rendered from the object this returns.
 */
import type { Workspace } from '../workspace';
import { LoupeError } from '../../../shared/errors';
import type { QueueDesign } from '../../../shared/review-types';
import { isoWeekLabel } from '../metrics/common';
import { queueRow, workspaceZone } from '../review/queues';
import { periodText, reportContext, type ReportContext } from './context';
import type { Section, WeeklyReport } from './model';
import { summarize } from './summary';
import { alertsSection } from './sources/alerts';
import { driftSection } from './sources/drift';
import { feedbackSection } from './sources/feedback';
import { metricsSection } from './sources/metrics';
import { reviewWeekSection, weekQueue } from './sources/review-week';
import { ticketsSection } from './sources/tickets';

/** Which week to report: an ISO week, or a queue (its week, or the ISO week its period starts in). */
export interface ReportTarget { week?: string | undefined; queue_id?: number | undefined }

/**
 * Resolves a target to the report's week and queue.
 * @throws LoupeError BAD_REQUEST when neither is given; NOT_FOUND for an unknown queue
 */
export function resolveTarget(ws: Workspace, t: ReportTarget): { week: string; queueId: number | null } {
  if (t.queue_id !== undefined) {
    const row = queueRow(ws.db, t.queue_id);
    const design = JSON.parse(row.design) as QueueDesign;
    return { week: row.week ?? isoWeekLabel(design.from_ts, workspaceZone(ws)), queueId: t.queue_id };
  }
  if (!t.week) throw new LoupeError('BAD_REQUEST', 'Give a week (e.g. 2026-W47) or a queue id for the report.');
  return { week: t.week, queueId: null };
}

/** Runs one section's adapter, timing it. */
function timed<T>(timings: Record<string, number>, name: string, fn: () => Section<T>): Section<T> {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    timings[name] = performance.now() - t0;
  }
}

/**
 * Builds the weekly report of a week.
 * @param target - the ISO week (its newest review queue is the review section's), or a queue id
 * @param now - generation time, UTC ms
 * @returns the report model (see ./model.ts); sections the workspace has no data for say why
 * @throws LoupeError BAD_REQUEST for a week the year does not have; NOT_FOUND for an unknown queue
 */
export function buildWeeklyReport(ws: Workspace, target: ReportTarget, now = Date.now()): WeeklyReport {
  const { week, queueId } = resolveTarget(ws, target);
  const probe = reportContext(ws, week, null, now);
  const ctx: ReportContext = { ...probe, queue_id: queueId ?? weekQueue(probe, week) };
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const review = timed(timings, 'review', () => reviewWeekSection(ctx));
  const metrics = timed(timings, 'metrics', () => metricsSection(ctx));
  const feedback = timed(timings, 'feedback', () => feedbackSection(ctx));
  const tickets = timed(timings, 'tickets', () => ticketsSection(ctx));
  const alerts = timed(timings, 'alerts', () => alertsSection(ctx));
  const drift = timed(timings, 'drift', () => driftSection(ctx));
  const p = periodText(ctx.from_ts, ctx.to_ts, ctx.zone);
  const body: Omit<WeeklyReport, 'summary'> = {
    format_version: 1,
    title: `Weekly report: ${week}`,
    week,
    previous_week: ctx.previous.week,
    period: { from_ts: ctx.from_ts, to_ts: ctx.to_ts, first_day: p.first_day, last_day: p.last_day, label: p.label, time_zone: ctx.zone },
    generated_at: new Date(now).toISOString(),
    workspace: ws.file.split(/[\\/]/).pop() ?? ws.file,
    review, feedback, tickets, metrics, alerts, drift,
    timings,
  };
  const t1 = performance.now();
  const summary = summarize(body);
  timings.summary = performance.now() - t1;
  timings.total = performance.now() - t0;
  const { review: rv, feedback: fb, tickets: tk, metrics: mt, alerts: al, drift: dr, timings: tm, ...head } = body;
  return { ...head, summary, review: rv, feedback: fb, tickets: tk, metrics: mt, alerts: al, drift: dr, timings: tm };
}
