/**
 * Alert thresholds of a workspace, stored as JSON under the meta key `metric_thresholds`. Writes go through
 * Workspace.commit, so a change is journaled and durable when the call returns.
 */
import { metricThresholdsSchema, type MetricThresholds } from '../../../shared/contract-metrics';
import type { Workspace } from '../workspace';

/** Meta key of the stored thresholds. */
export const THRESHOLDS_KEY = 'metric_thresholds';

/**
 * Defaults: error rate above 5%, p95 latency above 3,000 ms, thumbs-up rate below 70%, PSI above 0.25 (the upper
 * end of the usual "moderate" band; guidance only). Buckets need 50 requests / 20 thumbs before they are judged, so
 * a quiet night or a weekend day with three thumbs does not raise an alert.
 */
export const DEFAULT_THRESHOLDS: MetricThresholds = {
  error_rate_max: 0.05,
  p95_latency_ms_max: 3000,
  thumbs_up_rate_min: 0.7,
  psi_max: 0.25,
  min_requests: 50,
  min_thumbs: 20,
};

/**
 * The workspace thresholds. A stored value that no longer parses (hand-edited, older shape) falls back field by
 * field to the defaults rather than failing the Metrics screen.
 * @returns the thresholds, defaults filled in
 */
export function getThresholds(ws: Workspace): MetricThresholds {
  const raw = ws.meta(THRESHOLDS_KEY);
  if (!raw) return { ...DEFAULT_THRESHOLDS };
  let stored: unknown;
  try { stored = JSON.parse(raw); } catch { return { ...DEFAULT_THRESHOLDS }; }
  const merged = { ...DEFAULT_THRESHOLDS, ...(stored && typeof stored === 'object' ? stored : {}) };
  const r = metricThresholdsSchema.safeParse(merged);
  return r.success ? r.data : { ...DEFAULT_THRESHOLDS };
}

/**
 * Stores the thresholds (already validated by the contract) through the journal.
 * @returns what is now stored
 */
export function setThresholds(ws: Workspace, t: MetricThresholds): MetricThresholds {
  const value = metricThresholdsSchema.parse(t);
  ws.commit([["INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [THRESHOLDS_KEY, JSON.stringify(value)]]]);
  return value;
}
