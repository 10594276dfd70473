/**
 * ISO weeks that exist: 53 only in long years (ISO 8601), checked against luxon's weeksInWeekYear for 1900-2200, and
 * the week schema every command and contract method validates with refuses a W53 that does not exist.
 */
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { isoWeekSchema, isoWeeksInYear } from './contract-review';

describe('ISO weeks in a year', () => {
  it('match luxon for 1900-2200', () => {
    for (let y = 1900; y <= 2200; y++) expect(isoWeeksInYear(y), String(y)).toBe(DateTime.utc(y, 6, 1).weeksInWeekYear);
  });

  it('the week schema takes 2026-W53 and 2020-W53 and refuses 2025-W53 and 2027-W53', () => {
    expect(['2026-W53', '2020-W53', '2025-W52', '2026-W01'].map((w) => isoWeekSchema.safeParse(w).success)).toEqual([true, true, true, true]);
    expect(['2025-W53', '2027-W53', '2026-W54', '2026-W00'].map((w) => isoWeekSchema.safeParse(w).success)).toEqual([false, false, false, false]);
  });
});
