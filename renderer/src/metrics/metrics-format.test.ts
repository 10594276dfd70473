import { describe, expect, it } from 'vitest';
import { fmtGroup, fmtMean, fmtMetric, fmtNps, fmtP, fmtPct, fmtStat, rateAxisMax } from './metrics-format';

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

  it('rate axes end on a round value inside 0-100%', () => {
    expect(rateAxisMax([null, 1.2, 6.4])).toBe(10); // not 6 or 7: ticks 0 / 5 / 10
    expect(rateAxisMax([17.9, null])).toBe(20);
    expect(rateAxisMax([88, 93])).toBe(100);
    expect(rateAxisMax([100])).toBe(100); // a 100% rate never pushes the axis past 100%
    expect(rateAxisMax([150])).toBe(100);
    expect(rateAxisMax([null, null])).toBe(5);
    expect(rateAxisMax([0.4], 10)).toBe(10);
  });
});
