import { describe, expect, it } from 'vitest';
import { fmtGroup, fmtMean, fmtMetric, fmtNps, fmtP, fmtPct, fmtStat } from './metrics-format';

describe('metrics formatting', () => {
  it('keeps units on every figure', () => {
    expect(fmtPct(0.060240963855421686)).toBe('6.0%');
    expect(fmtPct(null)).toBe('—');
    expect(fmtP(0.04123)).toBe('0.0412');
    expect(fmtP(1e-12)).toBe('< 0.0001');
    expect(fmtStat(0.30412)).toBe('0.304');
    expect(fmtStat(12345.6)).toBe('12,346');
    expect(fmtNps(19.84)).toBe('+19.8');
    expect(fmtNps(-3)).toBe('-3.0');
    expect(fmtMean(104.02, 'input_chars')).toBe('104.0 chars');
    expect(fmtMean(0.000123, 'cost_usd')).toBe('$0.000123');
    expect(fmtMean(2392.4, 'latency_ms')).toBe('2,392 ms');
    expect(fmtMetric('p95_latency_ms', 3273.6)).toBe('3,274 ms');
    expect(fmtMetric('error_rate', 0.0602)).toBe('6.0%');
    expect(fmtMetric('cost_usd', 0.87996)).toBe('$0.8800');
    expect(fmtMetric('cost_usd', 12.5)).toBe('$12.50');
    expect(fmtMetric('tickets', 3.25)).toBe('3.3');
    expect(fmtMetric('tickets', 17)).toBe('17');
    expect(fmtMetric('thumbs_down_rate', null)).toBe('—');
    expect(fmtGroup(null)).toBe('all traffic');
    expect(fmtGroup({ model_version: '2026-10-01' })).toBe('version 2026-10-01');
  });
});
