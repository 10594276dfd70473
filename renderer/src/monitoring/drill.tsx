/**
 * Drill-down between screens: an alert, a drift row or a chart point opens the records behind it (a slice: a time
 * range plus exact column filters) in the Records grid, and the grid's "Review this slice" opens the review of a
 * queue drawn over exactly those requests. The shell provides the navigation; screens only call it.
 */
import { createContext, useContext } from 'react';
import type { AlertGroup } from '../../../shared/contract-alerts';
import type { MetricsFilter } from '../../../shared/contract-metrics';

/** Columns a slice can filter on (each an exact match, as in the Records grid and queue filters). */
export const SLICE_COLUMNS = ['feature', 'model', 'model_version', 'segment', 'region', 'lang', 'user_id', 'status'] as const;
export type SliceColumn = (typeof SLICE_COLUMNS)[number];

/** The requests behind an alert, a drift row or a chart point. */
export interface Slice {
  /** The time range in words (the grid's range chip), e.g. "2026-09-30" or "2026-W45"; the filters describe themselves. */
  label: string;
  /** UTC ms, half-open. */
  from_ts: number;
  to_ts: number;
  filter: Partial<Record<SliceColumn, string[]>>;
  /** Errors only (`is_error`): an error-rate alert opens on its errors, the grid's Error filter set to Yes (clear it for the whole slice). */
  errors?: boolean;
}

export interface Drill {
  /** Shows the Records grid filtered to the slice. */
  openRecords(slice: Slice): void;
  /** Opens the review screen of a queue. */
  openQueue(queueId: number): void;
}

const Ctx = createContext<Drill | null>(null);
export const DrillProvider = Ctx.Provider;

/** The shell's navigation; a no-op outside the shell (tests of single screens). */
export function useDrill(): Drill {
  return useContext(Ctx) ?? { openRecords: () => undefined, openQueue: () => undefined };
}

/** A metrics filter (one value per column) plus an alert group, as slice filters. */
export function sliceFilter(filter: MetricsFilter, group: AlertGroup = null): Slice['filter'] {
  const out: Slice['filter'] = {};
  for (const [k, v] of Object.entries({ ...filter, ...(group ?? {}) })) if (typeof v === 'string') out[k as SliceColumn] = [v];
  return out;
}

/** "feature search-answer, version 2026-10-01" for a slice's filters ("all requests" without any). */
export function describeFilter(f: Slice['filter']): string {
  const parts = Object.entries(f).filter(([, v]) => v && v.length).map(([k, v]) => `${k === 'model_version' ? 'version' : k === 'user_id' ? 'user' : k === 'lang' ? 'language' : k} ${v!.join(' or ')}`);
  return parts.length ? parts.join(', ') : 'all requests';
}

/** A slice handed to the Records screen; `nonce` makes the same slice opened twice apply again. */
export interface SliceRequest { slice: Slice; nonce: number }

/** The requests behind an alert: its bucket and its group. */
export function alertSlice(a: { rule?: string; bucket: string; bucket_start: number; bucket_end: number; group: AlertGroup }): Slice {
  const filter = sliceFilter({}, a.group);
  return { label: a.bucket, from_ts: a.bucket_start, to_ts: a.bucket_end, filter, ...(a.rule === 'error_rate' ? { errors: true } : {}) };
}
