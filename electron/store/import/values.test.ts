import { describe, expect, it } from 'vitest';
import {
  EPOCH_RANGES,
  detectDateOrder,
  detectDecimalMark,
  detectTimestampUnit,
  dotThousandsSuspect,
  durationUnitFromFieldName,
  epochUnitByMagnitude,
  fieldNameSuggestsDate,
  idPrecisionWarning,
  isMissing,
  isValueError,
  parseBoolean,
  parseDurationMs,
  parseInteger,
  parseNumber,
  parseTimestamp,
  toIdText,
  type TimestampOptions,
} from './values';

/** ISO string of a parsed timestamp, or the failure reason prefixed with '!'. */
function ts(v: unknown, opts: TimestampOptions = { timeZone: 'UTC' }): string | null {
  const r = parseTimestamp(v, opts);
  if (!r.ok) return `!${r.reason}`;
  return r.ms === null ? null : new Date(r.ms).toISOString();
}

describe('isMissing', () => {
  it('treats empty, blank, null, NaN, N/A, NA and null text as missing, case-insensitively', () => {
    for (const v of [undefined, null, Number.NaN, '', '   ', '\t', 'NaN', 'nan', 'N/A', 'n/a', 'NA', 'na', 'null', 'NULL', ' Null ']) {
      expect(isMissing(v), String(v)).toBe(true);
    }
  });
  it('keeps real values, including 0, false and the text "none"', () => {
    for (const v of [0, '0', false, 'none', 'nah', -1, '-1', {}, []]) expect(isMissing(v), String(v)).toBe(false);
  });
  it('honours configured sentinels, numerically for numbers', () => {
    expect(isMissing(-1, ['-1'])).toBe(true);
    expect(isMissing('-1.0', ['-1'])).toBe(true);
    expect(isMissing(' -1 ', ['-1'])).toBe(true);
    expect(isMissing(-1.5, ['-1'])).toBe(false);
    expect(isMissing('unknown', ['Unknown'])).toBe(true);
  });
});

describe('parseNumber and parseInteger', () => {
  it('reads numbers written as text or JSON', () => {
    expect(parseNumber('1.0')).toBe(1);
    expect(parseNumber(' 42 ')).toBe(42);
    expect(parseNumber('-3e-2')).toBe(-0.03);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('0')).toBe(0);
    expect(parseNumber(0)).toBe(0);
    expect(parseNumber(8.5)).toBe(8.5);
    expect(parseNumber('1,234')).toBe(1234);
    expect(parseNumber('1,234,567.25')).toBe(1234567.25);
  });
  it('gives null for missing values, never 0', () => {
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('NaN')).toBeNull();
    expect(parseNumber('N/A')).toBeNull();
    expect(parseNumber(null)).toBeNull();
    expect(parseNumber(-1, { sentinels: ['-1'] })).toBeNull();
  });
  it('rejects text that is not a number, with a reason', () => {
    expect(parseNumber('abc')).toEqual({ error: 'expected a number, found "abc"' });
    expect(parseNumber('12%')).toEqual({ error: 'expected a number, found "12%"' });
    expect(parseNumber(true)).toEqual({ error: 'expected a number, found the boolean true' });
    expect(parseNumber({ a: 1 })).toEqual({ error: 'expected a number, found an object' });
    expect(parseNumber(Number.POSITIVE_INFINITY)).toEqual({ error: 'expected a finite number, found Infinity (beyond ±1.8e308)' });
    expect(parseNumber('1,5')).toEqual({ error: 'expected a number, found "1,5": a decimal comma? choose \',\' as the decimal mark (--decimal-mark , or Decimal mark in the import preview)' });
    expect(parseNumber('12,34,5')).toEqual({ error: 'expected a number, found "12,34,5"' });
  });
  it('reads decimal commas when chosen', () => {
    expect(parseNumber('1,5', { decimal: ',' })).toBe(1.5);
    expect(parseNumber('1.234,5', { decimal: ',' })).toBe(1234.5);
    expect(parseNumber('1 234,5', { decimal: ',' })).toBe(1234.5);
    expect(parseNumber('1,234', { decimal: ',' })).toBe(1.234);
  });
  it('parseInteger accepts whole numbers only', () => {
    expect(parseInteger('12')).toBe(12);
    expect(parseInteger('12.0')).toBe(12);
    expect(parseInteger('')).toBeNull();
    expect(parseInteger('1.5')).toEqual({ error: 'expected a whole number, found "1.5"' });
    expect(parseInteger('9007199254740993')).toEqual({ error: 'expected a whole number within ±9007199254740991 (2^53 - 1), found "9007199254740993"' });
    expect(isValueError(parseInteger('x'))).toBe(true);
  });
});

describe('parseBoolean', () => {
  it('reads common spellings', () => {
    expect(['true', 'T', 'yes', 'Y', '1', 'on', true, 1].map((v) => parseBoolean(v))).toEqual(Array(8).fill(true));
    expect(['false', 'F', 'no', 'N', '0', 'off', false, 0].map((v) => parseBoolean(v))).toEqual(Array(8).fill(false));
    expect(parseBoolean('')).toBeNull();
    expect(parseBoolean('maybe')).toEqual({ error: 'expected a boolean (true/false, yes/no, 1/0), found "maybe"' });
    expect(parseBoolean(2)).toEqual({ error: 'expected a boolean (true/false, yes/no, 1/0), found 2' });
  });
});

describe('durations', () => {
  it('takes the unit from the field name', () => {
    expect(durationUnitFromFieldName('latency_ms')).toBe('ms');
    expect(durationUnitFromFieldName('durationMillis')).toBe('ms');
    expect(durationUnitFromFieldName('ttft_s')).toBe('s');
    expect(durationUnitFromFieldName('end_to_end_latency_s')).toBe('s');
    expect(durationUnitFromFieldName('wait_sec')).toBe('s');
    expect(durationUnitFromFieldName('time_in_seconds')).toBe('s');
    expect(durationUnitFromFieldName('status')).toBeNull();
    expect(durationUnitFromFieldName('latency')).toBeNull();
  });
  it('converts to milliseconds; text may carry its own unit', () => {
    expect(parseDurationMs(5.5, 's')).toBe(5500);
    expect(parseDurationMs('450', 'ms')).toBe(450);
    expect(parseDurationMs('0.25', 's')).toBe(250);
    expect(parseDurationMs('250ms', 's')).toBe(250);
    expect(parseDurationMs('1.5 s', 'ms')).toBe(1500);
    expect(parseDurationMs('2 min', 'ms')).toBe(120_000);
    expect(parseDurationMs('01:02:03.5', 'ms')).toBe(3_723_500);
    expect(parseDurationMs('', 's')).toBeNull();
    expect(parseDurationMs('-3', 's')).toEqual({ error: 'a duration cannot be negative, found "-3"' });
    expect(parseDurationMs('3 parsecs', 's')).toEqual({ error: 'expected a duration, found "3 parsecs": unknown unit "parsecs"' });
    expect(parseDurationMs('soon', 's')).toEqual({ error: 'expected a duration in seconds, found "soon"' });
  });
});

describe('toIdText', () => {
  it('keeps ids exactly as written', () => {
    expect(toIdText('0012345')).toBe('0012345');
    expect(toIdText('9007199254740993')).toBe('9007199254740993');
    expect(toIdText(' a ')).toBe(' a ');
    expect(toIdText(42)).toBe('42');
    expect(toIdText(81.5)).toBe('81.5');
    expect(toIdText(10n)).toBe('10');
    expect(toIdText('')).toBeNull();
    expect(toIdText(null)).toBeNull();
    expect(toIdText(['gpt-4', 'single-v1'])).toBe('["gpt-4","single-v1"]');
  });
  it('flags JSON numbers that already lost precision', () => {
    const parsed = JSON.parse('{"id": 9007199254740993}') as { id: number };
    expect(toIdText(parsed.id)).toBe('9007199254740992'); // the documented limitation
    expect(idPrecisionWarning(parsed.id)).toContain('above 2^53');
    expect(idPrecisionWarning(12345)).toBeNull();
  });
});

describe('parseTimestamp: text', () => {
  it('reads ISO 8601 with offset, Z, a space for T and fractional seconds', () => {
    expect(ts('2026-08-20T10:00:00+02:00')).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('2026-08-20T08:00:00Z')).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('2026-08-20 08:00:00.123456Z')).toBe('2026-08-20T08:00:00.123Z');
    expect(ts('2026-08-20T10:00:00.5+0200')).toBe('2026-08-20T08:00:00.500Z');
    expect(ts('2026-08-20T10:00+02')).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('2026-08-20 08:00:00 UTC')).toBe('2026-08-20T08:00:00.000Z');
  });
  it('reads naive times in the workspace time zone (UTC by default)', () => {
    expect(ts('2026-08-20 08:00:00')).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('2026-08-20 10:00:00', { timeZone: 'Europe/Berlin' })).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('2026-01-20 10:00:00', { timeZone: 'Europe/Berlin' })).toBe('2026-01-20T09:00:00.000Z');
    expect(ts('2026-08-20')).toBe('2026-08-20T00:00:00.000Z');
    expect(ts('20260820')).toBe('2026-08-20T00:00:00.000Z');
    expect(ts('2026/08/20 8:00')).toBe('2026-08-20T08:00:00.000Z');
  });
  it('documents the DST rules: spring gap moves forward, autumn repeat takes standard time', () => {
    expect(ts('2026-03-29 02:30', { timeZone: 'Europe/Berlin' })).toBe('2026-03-29T01:30:00.000Z');
    expect(ts('2026-10-25 02:30', { timeZone: 'Europe/Berlin' })).toBe('2026-10-25T01:30:00.000Z');
  });
  it('tells the decimal mark only from values that can be nothing else', () => {
    expect(detectDecimalMark(['1,5', '1.200', 3])).toEqual({ mark: ',', example: '1,5' });
    expect(detectDecimalMark(['1.234,5'])).toEqual({ mark: ',', example: '1.234,5' });
    expect(detectDecimalMark(['1,234', '0.25'])).toEqual({ mark: '.', example: '0.25' });
    expect(detectDecimalMark(['1,5', '0.25'])).toEqual({ mark: '.', example: '0.25' });
    expect(detectDecimalMark(['1,234', '1.234', '12'])).toBeNull();
    expect(dotThousandsSuspect(['1.234', '850', '2.010'])).toBe('1.234');
    expect(dotThousandsSuspect(['1.234', '850', '2.5'])).toBeNull();
    expect(dotThousandsSuspect(['1.234', '2.010'])).toBeNull();
    // JSON numbers are decimals whatever their digits: 1.234 and 2.345 beside 850 raise nothing.
    expect(dotThousandsSuspect([1.234, 2.345, 850])).toBeNull();
    expect(dotThousandsSuspect(['1.234', '2.010', 850])).toBe('1.234');
  });
  it('works out a column\'s a/b/yyyy order from the values that settle it (a day above 12)', () => {
    expect(detectDateOrder(['03/02/2026 09:15 AM', '03/13/2026 08:00 AM', 42, null])).toEqual({ order: 'mdy', example: '03/13/2026 08:00 AM', conflicting: false });
    expect(detectDateOrder(['03/02/2026', '25/12/2026'])).toEqual({ order: 'dmy', example: '25/12/2026', conflicting: false });
    expect(detectDateOrder(['03/02/2026', '04/05/2026', '2026-03-13'])).toEqual({ order: null, example: null, conflicting: false });
    expect(detectDateOrder(['03/13/2026', '25/12/2026'])).toEqual({ order: null, example: null, conflicting: true });
  });
  it('reads a/b/yyyy only when the order is unambiguous, or chosen', () => {
    expect(ts('08/20/2026 08:00')).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('20/08/2026 08:00')).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('05/05/2026')).toBe('2026-05-05T00:00:00.000Z');
    expect(ts('03/04/2026')).toBe('!"03/04/2026" is ambiguous: month/day or day/month? No date of this column in the first records settles it (a day above 12); choose the date order (--date-order mdy|dmy, or Date order in the import preview)');
    expect(ts('03/04/2026', { timeZone: 'UTC', dateOrder: 'mdy' })).toBe('2026-03-04T00:00:00.000Z');
    expect(ts('03/04/2026', { timeZone: 'UTC', dateOrder: 'dmy' })).toBe('2026-04-03T00:00:00.000Z');
    expect(ts('8/20/2026 8:05 PM')).toBe('2026-08-20T20:05:00.000Z');
    expect(ts('8/20/2026 12:05 AM')).toBe('2026-08-20T00:05:00.000Z');
    expect(ts('20.08.2026 08:00')).toBe('2026-08-20T08:00:00.000Z');
    // A comma before the time, as locale formats write it (Salesforce reports in en_US: "3/2/2026, 9:15 AM").
    expect(ts('3/2/2026, 9:15 AM', { timeZone: 'UTC', dateOrder: 'mdy' })).toBe('2026-03-02T09:15:00.000Z');
    expect(ts('3/4/2026, 10:30 PM', { timeZone: 'UTC', dateOrder: 'mdy' })).toBe('2026-03-04T22:30:00.000Z');
    expect(ts('20.08.2026, 08:00')).toBe('2026-08-20T08:00:00.000Z');
    expect(ts('2026/08/20, 08:00')).toBe('2026-08-20T08:00:00.000Z');
  });
  it('reads RFC 2822 / HTTP dates and ISO basic format through luxon', () => {
    expect(ts('Tue, 24 Feb 2026 10:00:00 GMT')).toBe('2026-02-24T10:00:00.000Z');
    expect(ts('20260820T100000Z')).toBe('2026-08-20T10:00:00.000Z');
  });
  it('refuses impossible dates, unknown zones and non-dates', () => {
    expect(ts('2026-02-30 10:00')).toBe('!"2026-02-30 10:00": no such date or time');
    expect(ts('2026-08-20 25:00')).toBe('!"2026-08-20 25:00": no such date or time');
    expect(ts('2026-08-20 10:00', { timeZone: 'Mars/Olympus' })).toBe('!unknown time zone "Mars/Olympus"');
    expect(ts('yesterday')).toBe('!expected a date and time (e.g. 2026-08-20T08:00:00Z), found "yesterday"');
    expect(ts('0099-01-01T00:00:00Z')).toBe('!"0099-01-01T00:00:00Z" is outside the years 1900-9999');
  });
  it('gives ms null for missing values', () => {
    expect(parseTimestamp('', { timeZone: 'UTC' })).toEqual({ ok: true, ms: null, unit: null });
    expect(parseTimestamp('N/A', { timeZone: 'UTC' })).toEqual({ ok: true, ms: null, unit: null });
  });
});

describe('parseTimestamp: numbers', () => {
  it('detects epoch units by magnitude; every band lands between 1973 and 5138', () => {
    expect(parseTimestamp(1771927200, { timeZone: 'UTC' })).toEqual({ ok: true, ms: 1771927200000, unit: 's' });
    expect(parseTimestamp(1771927200000, { timeZone: 'UTC' })).toEqual({ ok: true, ms: 1771927200000, unit: 'ms' });
    expect(parseTimestamp(1771927200000000, { timeZone: 'UTC' })).toEqual({ ok: true, ms: 1771927200000, unit: 'us' });
    expect(parseTimestamp('1771927200000000000', { timeZone: 'UTC' })).toEqual({ ok: true, ms: 1771927200000, unit: 'ns' });
    expect(parseTimestamp(1771927200.5, { timeZone: 'UTC' })).toEqual({ ok: true, ms: 1771927200500, unit: 's' });
    expect(parseTimestamp('1771927200', { timeZone: 'UTC' })).toEqual({ ok: true, ms: 1771927200000, unit: 's' });
    for (const r of EPOCH_RANGES) {
      const lo = parseTimestamp(r.min, { timeZone: 'UTC' });
      const hi = parseTimestamp(r.max * 0.999999, { timeZone: 'UTC' });
      expect(lo.ok && lo.ms !== null && new Date(lo.ms).toISOString()).toBe('1973-03-03T09:46:40.000Z');
      expect(hi.ok && hi.ms !== null && new Date(hi.ms).getUTCFullYear()).toBe(5138);
    }
    expect(epochUnitByMagnitude(99_999_999)).toBeNull();
  });
  it('refuses numbers too small to be an epoch after 1973 rather than reading them as 1970', () => {
    expect(ts(12345)).toBe('!12345 is not an epoch time after 1973-03-03 in seconds, ms, µs or ns; choose the unit');
    expect(ts(-5)).toMatch(/^!-5 is not an epoch time/);
  });
  it('uses a chosen unit, and refuses numbers when the unit is iso', () => {
    expect(ts(1771927200, { timeZone: 'UTC', unit: 'ms' })).toBe('1970-01-21T12:12:07.200Z');
    expect(ts(1771927200000, { timeZone: 'UTC', unit: 'ms' })).toBe('2026-02-24T10:00:00.000Z');
    expect(ts(1771927200, { timeZone: 'UTC', unit: 'iso' })).toBe("!expected date text (ISO 8601), found the number 1771927200; choose an epoch unit or 'excel'");
  });
  it('reads Excel 1900-system serials, with the day-60 bug, as wall-clock in the workspace zone', () => {
    const x = (v: unknown, zone = 'UTC'): string | null => ts(v, { timeZone: zone, unit: 'excel' });
    expect(x(1)).toBe('1900-01-01T00:00:00.000Z');
    expect(x(59)).toBe('1900-02-28T00:00:00.000Z');
    expect(x(60)).toBe("!60 is Excel's 1900-02-29, a day that does not exist (Excel's leap-year bug)");
    expect(x(61)).toBe('1900-03-01T00:00:00.000Z');
    expect(x(46082.5)).toBe('2026-03-01T12:00:00.000Z');
    expect(x('46083.25')).toBe('2026-03-02T06:00:00.000Z');
    expect(x(46082.5, 'Europe/Berlin')).toBe('2026-03-01T11:00:00.000Z');
    expect(x(0)).toBe('!0 is not an Excel serial date (they start at 1 = 1900-01-01)');
    expect(x('2026-03-01 12:00')).toBe('2026-03-01T12:00:00.000Z'); // date text is read as text whatever the unit
  });
});

describe('detectTimestampUnit', () => {
  it('picks one epoch unit by magnitude and says so', () => {
    expect(detectTimestampUnit([1771927200000, '1771927300000', null, ''], 'ts')).toEqual({
      unit: 'ms',
      note: 'ts: epoch milliseconds detected by magnitude (values from 1e+11 to 1e+14)',
    });
    expect(detectTimestampUnit([1713000000.25, 1713000100.5], 'tstamp')).toEqual({
      unit: 's',
      note: 'tstamp: epoch seconds detected by magnitude (values from 1e+8 to 1e+11, with fractions of a second)',
    });
  });
  it('picks iso for date text and auto for a mix', () => {
    expect(detectTimestampUnit(['2026-08-20T10:00:00+02:00', '2026-08-20 10:00:00.00'], 'created_at').unit).toBe('iso');
    // The note names how the dates are written, so a user sees which times are read in the import's time zone.
    expect(detectTimestampUnit(['2026-08-20T10:00:00+02:00', '2026-08-20 10:00:00.00'], 'created_at').note)
      .toBe("created_at: date text (ISO 8601; ISO 8601 without an offset, read in the import's time zone)");
    expect(detectTimestampUnit(['03/14/2026 9:05 PM', '20260315', '15.03.2026'], 'Date').note)
      .toBe("Date: date text (a/b/yyyy, month and day in the order the column's values settle; yyyymmdd; d.m.yyyy)");
    expect(detectTimestampUnit(['2026-08-20T10:00:00Z', 1771927200], 'when')).toEqual({
      unit: 'auto',
      note: 'when: mixed forms detected (1 in seconds, 1 as date text); each value is read by its own magnitude',
    });
  });
  it('picks excel for 20000-80000 in a column named like a date, and asks otherwise', () => {
    expect(fieldNameSuggestsDate('created')).toBe(true);
    expect(fieldNameSuggestsDate('Date of Purchase')).toBe(true);
    expect(fieldNameSuggestsDate('resolvedAt')).toBe(true);
    expect(fieldNameSuggestsDate('score')).toBe(false);
    expect(detectTimestampUnit([46082.5, '46083.25'], 'created').unit).toBe('excel');
    expect(detectTimestampUnit([46082.5, 46083.25], 'amount')).toEqual({
      unit: null,
      note: "amount: numbers between 20000 and 80000 look like Excel serial dates (as epoch seconds they would be in 1970): choose 'excel' if they are",
    });
  });
  it('asks when values are too small or not dates', () => {
    expect(detectTimestampUnit([12, 13], 'day')).toEqual({ unit: null, note: 'day: 12 is too small for an epoch time after 1973-03-03; choose the unit' });
    expect(detectTimestampUnit(['soon', '2026-01-01'], 'ts')).toEqual({ unit: null, note: 'ts: "soon" is not a date, time or number (1 of 2 values)' });
    expect(detectTimestampUnit([null, ''], 'ts')).toEqual({ unit: null, note: 'ts: no values to tell how its times are written' });
  });
});
