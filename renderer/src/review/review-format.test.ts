import { describe, expect, it } from 'vitest';
import type { RubricCriterion } from '../../../shared/review-types';
import {
  criterionId, fmtInterval, lastCompleteWeek, fmtPct, fmtProbability, fmtStratum, fmtStratumShort, fmtVerdict, idLabels, isFailure, isoWeekLabel,
  missingVerdicts, smallSampleReasons, verdictForKey, weekDays,
} from './review-format';

const rubric: RubricCriterion[] = [
  { id: 'correct', label: 'Correct', kind: 'pass_fail', guidance: '', required: true },
  { id: 'helpful', label: 'Helpful', kind: 'scale', guidance: '', required: false },
  { id: 'tone', label: 'Tone', kind: 'category', options: ['appropriate', 'too terse', 'too verbose'], guidance: '', required: false },
];

describe('ISO weeks', () => {
  it('labels an instant in the workspace zone', () => {
    // 2026-11-22 23:30 UTC is Sunday of W47 in UTC but already Monday of W48 in Tokyo.
    const ts = Date.UTC(2026, 10, 22, 23, 30);
    expect(isoWeekLabel(ts, 'UTC')).toBe('2026-W47');
    expect(isoWeekLabel(ts, 'Asia/Tokyo')).toBe('2026-W48');
    // ISO week-year differs from the calendar year at the turn of the year.
    expect(isoWeekLabel(Date.UTC(2027, 0, 1, 12), 'UTC')).toBe('2026-W53');
  });

  it('the last complete week of the data (the week weekly views open on)', () => {
    // The demo data ends on Sunday 2026-11-22 23:54 UTC: W47 is complete.
    expect(lastCompleteWeek(Date.UTC(2026, 7, 31), Date.UTC(2026, 10, 22, 23, 54), 'UTC')).toBe('2026-W47');
    // Data ending on a Wednesday: the week before is the last complete one.
    expect(lastCompleteWeek(Date.UTC(2026, 7, 31), Date.UTC(2026, 10, 18, 12), 'UTC')).toBe('2026-W46');
    // All data inside one unfinished week (the MT-Bench answers, Friday 2024-06-14): that week.
    expect(lastCompleteWeek(Date.UTC(2024, 5, 14, 22), Date.UTC(2024, 5, 14, 22, 54), 'UTC')).toBe('2024-W24');
    expect(lastCompleteWeek(null, null, 'UTC')).toBeNull();
  });

  it('gives the days of a week', () => {
    expect(weekDays('2026-W47', 'UTC')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(weekDays('nonsense', 'UTC')).toBeNull();
  });
});

describe('numbers', () => {
  it('formats shares, intervals and probabilities', () => {
    expect(fmtPct(0.1234)).toBe('12.3%');
    expect(fmtPct(null)).toBe('—');
    expect(fmtInterval(0.05, 0.21)).toBe('5.0–21.0%');
    expect(fmtInterval(null, 0.2)).toBe('—');
    expect(fmtProbability(0.5454545)).toBe('0.545');
    expect(fmtProbability(0.0027027)).toBe('0.00270');
    expect(fmtStratum('signal:thumbs_down')).toBe('signal: thumbs_down');
    expect(fmtStratum('feature=summarize')).toBe('feature = summarize');
    expect(fmtStratumShort('model=meta-llama/Meta-Llama-3-8B-Instruct-Normal')).toBe('Meta-Llama-3-8B-Instruct-Normal');
    expect(fmtStratumShort('feature=summarize')).toBe('summarize');
    // A queue of one stratum labels its items by the part of the request id that differs.
    expect(idLabels(['mtbench:meta-llama/Meta-Llama-3-8B-Instruct-Normal:130:2', 'mtbench:meta-llama/Meta-Llama-3-8B-Instruct-Normal:81:1'])).toEqual(['130:2', '81:1']);
    // The shared prefix is cut at a separator, so "req_0012" and "req_0019" keep their whole number.
    expect(idLabels(['req_0012', 'req_0019'])).toEqual(['0012', '0019']);
    // Ids that differ from the start keep their end, cut to 12 characters (11 and the ellipsis).
    expect(idLabels(['3f2b9c1e-7a44-4d0e-9a51-0c7d2e8f1a23', '9d1e4c2b-1f2a-4b3c-8d4e-5f6a7b8c9d0e'])).toEqual(['…c7d2e8f1a23', '…f6a7b8c9d0e']);
    expect(idLabels(['é'.repeat(20), 'ü'.repeat(20)])).toEqual([`…${'é'.repeat(11)}`, `…${'ü'.repeat(11)}`]);
    expect(idLabels(['only-one'])).toEqual(['only-one']);
    expect(fmtStratumShort('signal:ticket')).toBe('signal: ticket');
    expect(fmtVerdict(4, 'scale')).toBe('4 / 5');
    expect(fmtVerdict('fail', 'pass_fail')).toBe('fail');
    expect(fmtVerdict(undefined)).toBe('—');
  });
});

describe('rubric keys', () => {
  it('maps keys to verdicts of the active criterion', () => {
    expect(verdictForKey(rubric[0]!, 'p')).toBe('pass');
    expect(verdictForKey(rubric[0]!, 'f')).toBe('fail');
    expect(verdictForKey(rubric[0]!, '1')).toBeNull();
    expect(verdictForKey(rubric[1]!, '4')).toBe(4);
    expect(verdictForKey(rubric[1]!, '6')).toBeNull();
    expect(verdictForKey(rubric[2]!, '2')).toBe('too terse');
    expect(verdictForKey(rubric[2]!, '4')).toBeNull();
  });

  it('lists missing verdicts and decides failure like the store', () => {
    expect(missingVerdicts(rubric, { helpful: 3 }).map((c) => c.id)).toEqual(['correct']);
    expect(missingVerdicts(rubric, { correct: 'pass' })).toEqual([]);
    expect(isFailure(rubric, { correct: 'fail', helpful: 5 })).toBe(true);
    expect(isFailure(rubric, { correct: 'pass', helpful: 1 })).toBe(false);
  });

  it('makes criterion ids from labels', () => {
    expect(criterionId('Follows instructions', [])).toBe('follows_instructions');
    expect(criterionId('Correct', ['correct'])).toBe('correct_2');
    expect(criterionId('3rd party', [])).toBe('c_3rd_party');
  });
});

describe('smallSampleReasons', () => {
  it('prefers the store\'s reasons list and lists each reason once', () => {
    expect(smallSampleReasons([
      { small_sample: true, reason: 'Small sample.', reasons: ['only 5 reviewed items (fewer than 30)', 'stratum "a" has 1 reviewed item'] },
      { small_sample: true, reason: 'Small sample.', reasons: ['only 5 reviewed items (fewer than 30)'] },
      { small_sample: false, reason: null, reasons: ['not shown'] },
    ])).toEqual(['Only 5 reviewed items (fewer than 30)', 'Stratum "a" has 1 reviewed item']);
  });

  it('lists each reason once across rows, in first-seen order, without the "Small sample:" lead', () => {
    const shared = 'Small sample: stratum "a" has only 1 reviewed item; its variance needs at least 2; only 5 reviewed items (fewer than 30); strata signal:ticket, signal:error have no reviewed item';
    expect(smallSampleReasons([
      { small_sample: true, reason: `${shared}; fewer than 5 failures among reviewed items; the normal interval is unreliable` },
      { small_sample: true, reason: shared },
      { small_sample: false, reason: 'not shown' },
      { small_sample: true, reason: null },
    ])).toEqual([
      'Stratum "a" has only 1 reviewed item; its variance needs at least 2',
      'Only 5 reviewed items (fewer than 30)',
      'Strata signal:ticket, signal:error have no reviewed item',
      'Fewer than 5 failures among reviewed items; the normal interval is unreliable',
    ]);
  });
});
