import { describe, expect, it } from 'vitest';
import {
  dayStartMs, fmtBytes, fmtDateRange, fmtDuration, fmtFeedbackValue, fmtGap, fmtInt, fmtMs, fmtTs, fmtUsd, importRates, parseTags, prettyJson, queueWeekLabel,
} from './format';

describe('format', () => {
  it('formats counts and bytes', () => {
    expect(fmtInt(8469)).toBe('8,469');
    expect(fmtInt(null)).toBe('—');
    expect(fmtBytes(999)).toBe('999 B');
    expect(fmtBytes(126295)).toBe('126 KB');
    expect(fmtBytes(3945533)).toBe('3.9 MB');
    expect(fmtBytes(1_813_208)).toBe('1.8 MB');
  });

  it('formats durations and latencies', () => {
    expect(fmtDuration(850)).toBe('850 ms');
    expect(fmtDuration(1530)).toBe('1.53 s');
    expect(fmtDuration(95_000)).toBe('1 min 35 s');
    expect(fmtDuration(7_380_000)).toBe('2 h 3 min');
    expect(fmtMs(12345.6)).toBe('12,346 ms');
    expect(fmtGap(5_400_000)).toBe('1 h 30 min before');
    expect(fmtGap(-2000)).toBe('2.00 s after');
  });

  it('keeps 6 decimals for sub-cent costs and 4 above', () => {
    expect(fmtUsd(0.000123)).toBe('$0.000123');
    expect(fmtUsd(0.0412)).toBe('$0.0412');
    expect(fmtUsd(12.5)).toBe('$12.5000');
    expect(fmtUsd(null)).toBe('—');
  });

  it('shows timestamps in the workspace zone', () => {
    const ts = Date.UTC(2024, 2, 5, 14, 7, 9);
    expect(fmtTs(ts, 'UTC')).toBe('2024-03-05 14:07:09');
    expect(fmtTs(ts, 'Europe/Berlin')).toBe('2024-03-05 15:07:09');
    expect(fmtTs(ts, 'America/New_York')).toBe('2024-03-05 09:07:09');
    expect(fmtDateRange(ts, ts + 86_400_000 * 35, 'UTC')).toBe('5 Mar 2024 – 9 Apr 2024');
    expect(fmtDateRange(ts, ts + 1000, 'UTC')).toBe('5 Mar 2024');
    expect(fmtDateRange(null, null, 'UTC')).toBe('no dated records');
  });

  it('turns a date input into the start of that day in the zone', () => {
    expect(dayStartMs('2024-03-05', 'UTC')).toBe(Date.UTC(2024, 2, 5));
    expect(dayStartMs('2024-03-05', 'Europe/Berlin')).toBe(Date.UTC(2024, 2, 4, 23));
    expect(dayStartMs('2024-03-05', 'UTC', true)).toBe(Date.UTC(2024, 2, 6));
    expect(dayStartMs('', 'UTC')).toBeNull();
    expect(dayStartMs('not a date', 'UTC')).toBeNull();
  });

  it('computes import rates and time left', () => {
    const r = importRates({ bytes_read: 10e6, bytes_total: 40e6, records: 50_000, elapsed_ms: 2000 });
    expect(r.recordsPerS).toBe(25_000);
    expect(r.mbPerS).toBe(5);
    expect(r.fraction).toBe(0.25);
    expect(r.etaMs).toBe(6000);
    expect(importRates({ bytes_read: 1, bytes_total: null, records: 1, elapsed_ms: 0 }).etaMs).toBeNull();
  });

  it('pretty-prints extra JSON and parses tags', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('not json')).toBe('not json');
    expect(parseTags('["billing","refund"]')).toEqual(['billing', 'refund']);
    expect(parseTags('plain')).toEqual(['plain']);
    expect(parseTags(null)).toEqual([]);
  });
});

describe('fmtFeedbackValue', () => {
  it('says thumbs in words, with the sign, so no emoji font is needed', () => {
    expect(fmtFeedbackValue({ kind: 'thumb', value: 1, scale: null })).toBe('up (+1)');
    expect(fmtFeedbackValue({ kind: 'thumb', value: -1, scale: null })).toBe('down (−1)');
    expect(fmtFeedbackValue({ kind: 'preference', value: -1, scale: null })).toBe('−1');
    expect(fmtFeedbackValue({ kind: 'rating', value: 4, scale: 5 })).toBe('4 / 5');
    expect(fmtFeedbackValue({ kind: 'rating', value: null, scale: 10, label: '-1' })).toBe('-1');
    expect(fmtFeedbackValue({ kind: 'nps', value: null, scale: null })).toBe('—');
  });
  it('says a week\'s true review state in the report\'s week picker, never "reviewed" for a queue nobody reviewed', () => {
    expect(queueWeekLabel(undefined)).toBe('');
    expect(queueWeekLabel({ size: 200, reviewed: 0 })).toBe(' · queue, 0 of 200 reviewed');
    expect(queueWeekLabel({ size: 1200, reviewed: 37 })).toBe(' · queue, 37 of 1,200 reviewed');
    expect(queueWeekLabel({ size: 100, reviewed: 100 })).toBe(' · reviewed (100 of 100)');
    // A week with several queues names each by its id.
    expect(queueWeekLabel({ id: 1, size: 20, reviewed: 5 }, true)).toBe(' · queue #1, 5 of 20 reviewed');
  });
});
