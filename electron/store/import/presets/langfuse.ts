/**
 * Langfuse exports: observations (generations: `traceId`, `startTime`, `endTime`, `completionStartTime`, `model`,
 * `usage`/`usageDetails`, `calculatedTotalCost`/`costDetails`, `level`, `statusMessage`) and traces (`timestamp`,
 * `userId`, `sessionId`, `latency` in seconds, `totalCost`). Latency is end − start when both are present, else the
 * `latency` field in seconds (Langfuse's public API unit).
 */
import { hasKeys, share, type Preset, type SubRecord } from './common';

type Json = Record<string, unknown>;

function ms(v: unknown): number | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const t = typeof v === 'number' ? v : Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

export const langfuse: Preset = {
  name: 'langfuse',
  label: 'Langfuse traces / observations',
  kind: 'requests',
  detect(sample) {
    const obs = share(sample, (r) => hasKeys(r, 'traceId', 'startTime') && (hasKeys(r, 'type') || hasKeys(r, 'model') || hasKeys(r, 'usage')));
    const traces = share(sample, (r) => hasKeys(r, 'id', 'timestamp') && (hasKeys(r, 'sessionId') || hasKeys(r, 'userId'))
      && (hasKeys(r, 'totalCost') || hasKeys(r, 'latency') || hasKeys(r, 'projectId') || hasKeys(r, 'htmlPath') || hasKeys(r, 'observations')));
    return Math.max(obs, traces * 0.95);
  },
  expand(record): SubRecord[] {
    const r: Json = { ...record };
    const start = ms(r.startTime);
    const end = ms(r.endTime);
    const first = ms(r.completionStartTime);
    if (start !== null && end !== null && end >= start) r.duration_ms = end - start;
    if (start !== null && first !== null && first >= start) r.ttft_ms = first - start;
    const level = typeof r.level === 'string' ? r.level : null;
    // statusMessage is informational unless the level says ERROR.
    if (level === 'ERROR') r.error_text = r.statusMessage || 'ERROR';
    return [{ kind: 'requests', record: r }];
  },
  kinds: {
    requests: {
      fields: {
        id: 'id',
        ts: ['startTime', 'timestamp'],
        user_id: 'userId',
        session_id: 'sessionId',
        feature: 'name',
        model: ['model', 'providedModelName'],
        model_version: 'version',
        input: 'input',
        output: 'output',
        latency_ms: [{ path: 'duration_ms', unit: 'ms' }, { path: 'latency', unit: 's' }],
        ttft_ms: [{ path: 'ttft_ms', unit: 'ms' }, { path: 'timeToFirstToken', unit: 's' }],
        tokens_in: ['usageDetails.input', 'usage.input', 'usage.promptTokens', 'promptTokens', 'inputUsage'],
        tokens_out: ['usageDetails.output', 'usage.output', 'usage.completionTokens', 'completionTokens', 'outputUsage'],
        cost_usd: ['calculatedTotalCost', 'costDetails.total', 'totalCost'],
        status: 'level',
        error: 'error_text',
      },
    },
  },
  notes: ['latency_ms: endTime − startTime, else latency (seconds)'],
};
