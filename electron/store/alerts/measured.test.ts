/**
 * The faults issue 12 measured in the old fixed-threshold alerts, each held at its right value by the baseline rules:
 * - error rate: 3 errors in 50 requests (Wilson [2.1%, 16.2%]) against a ~1% baseline raised an alert; and a bucket
 *   of 50 at a true 4% alerted with probability 32% (a fixed 5% on the point estimate);
 * - p95: a jump from 500 to 1,600 ms (3.2×) raised nothing, while a feature whose p95 sits steadily at 2,800-3,300 ms
 *   alerted in 4 of 12 weeks (a fixed 3,000 ms);
 * - cost: a day at 50× the others raised nothing (no rule).
 * Aggregates are filled request by request (as the workspace source fills them) and judged by evaluateRule.
 */
import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../../shared/contract-alerts';
import { Aggregates, dayStarts } from './aggregate';
import { evaluateRule } from './evaluate';
import { logChoose } from '../../../shared/stats';
import { defaultRules } from './rules-default';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5); // a Monday
const rule = <I extends AlertRule['id']>(id: I) => defaultRules().find((r) => r.id === id)! as Extract<AlertRule, { id: I }>;

/** `days` days; `fill(d, add)` adds day d's requests. Every bucket is complete. */
function traffic(days: number, fill: (d: number, add: (isError: boolean, latency: number | null, cost: number | null) => void) => void): Aggregates {
  const end = START + days * DAY;
  const aggs = new Aggregates(dayStarts(START, end, 'UTC'), 'UTC', end + 7 * DAY, START, end - 1);
  for (let d = 0; d < days; d++) {
    let k = 0;
    fill(d, (isError, latency, cost) => { aggs.addRequest(START + d * DAY + 60_000 * k++, 'chat', 'v1', isError, latency, cost); });
  }
  return aggs;
}

/** Alerts of a rule on the whole traffic, on day `day` only. */
const firesOn = (r: AlertRule, aggs: Aggregates, day: number) =>
  evaluateRule(r, aggs, { from: START + day * DAY, to: START + (day + 1) * DAY }).alerts.filter((a) => a.groupKey === 'all');

const binomPmf = (k: number, n: number, p: number) =>
  Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p));

describe('error rate: above 5% and significantly above its baseline', () => {
  it('3 errors in 50 requests against a 1% baseline raise nothing (the interval reaches down to 2.1%); 10 in 50 do', () => {
    const withErrors = (k: number) => traffic(29, (d, add) => { for (let i = 0; i < 50; i++) add(d < 28 ? i === 0 && d % 2 === 0 : i < k, 500, null); });
    expect(firesOn(rule('error_rate'), withErrors(3), 28)).toEqual([]);
    const ten = firesOn(rule('error_rate'), withErrors(10), 28);
    expect(ten).toHaveLength(1);
    expect(ten[0]!.value).toBeCloseTo(0.2, 12);
    expect(ten[0]!.baseline!).toBeCloseTo(14 / 1400, 12);
  });

  it('a bucket of 50 at a true 4%, its baseline at 4% too: alerts with probability under 0.1% (was 32%)', () => {
    // 28 days of 50 requests with 2 errors each (4%), then one day of 50 with k errors, for every k.
    const fires: boolean[] = [];
    for (let k = 0; k <= 50; k++) fires.push(firesOn(rule('error_rate'), traffic(29, (d, add) => { for (let i = 0; i < 50; i++) add(d < 28 ? i < 2 : i < k, 500, null); }), 28).length > 0);
    const kMin = fires.indexOf(true);
    expect(kMin).toBeGreaterThan(3); // the old rule fired from 3
    expect(fires.slice(kMin).every(Boolean)).toBe(true);
    let p = 0;
    for (let k = kMin; k <= 50; k++) p += binomPmf(k, 50, 0.04);
    expect(p).toBeLessThan(0.001);
    // The old rule: P(X >= 3 | n = 50, p = 4%) = 32.3%.
    let old = 0;
    for (let k = 3; k <= 50; k++) old += binomPmf(k, 50, 0.04);
    expect(old).toBeCloseTo(0.323, 3);
  });
});

describe('p95 latency: above 3× its normal', () => {
  /** 100 requests a day whose type-7 p95 is `p95` ms: 94 between p95 / 2 and p95 / 2 + 93, 6 at p95. */
  const day = (p95: number, add: (e: boolean, l: number, c: null) => void) => { for (let i = 0; i < 100; i++) add(false, i < 94 ? p95 / 2 + i : p95, null); };

  it('a jump from 500 to 1,600 ms (3.2×) fires; 1,400 ms (2.8×) does not', () => {
    const jump = (to: number) => traffic(29, (d, add) => day(d < 28 ? 500 : to, add));
    const a = firesOn(rule('p95_latency'), jump(1600), 28);
    expect(a).toHaveLength(1);
    expect(a[0]!.baseline!).toBeCloseTo(500, 0);
    expect(a[0]!.value / a[0]!.baseline!).toBeGreaterThan(3);
    expect(firesOn(rule('p95_latency'), jump(1400), 28)).toEqual([]);
  });

  it('a p95 that sits at 2,800-3,300 ms raises nothing in 12 weeks (the old 3,000 ms line fired in 4 of them)', () => {
    const aggs = traffic(84, (d, add) => day(2800 + ((d * 37) % 500), add));
    expect(evaluateRule(rule('p95_latency'), aggs, { from: START, to: START + 84 * DAY }).alerts).toEqual([]);
  });
});

describe('daily cost: more than 20% above its trailing average', () => {
  it('a day at 50× the others fires, naming what it measured; a day at +15% does not', () => {
    const costly = (factor: number) => traffic(36, (d, add) => { for (let i = 0; i < 200; i++) add(false, 500, (d === 35 ? factor : 1) * (0.001 + 0.0001 * ((d * 7 + i) % 5))); });
    const a = firesOn(rule('daily_cost'), costly(50), 35);
    expect(a).toHaveLength(1);
    expect(a[0]!.value / a[0]!.baseline!).toBeGreaterThan(40);
    expect(a[0]!.threshold).toBeCloseTo(1.2 * a[0]!.baseline!, 12);
    expect(firesOn(rule('daily_cost'), costly(1.15), 35)).toEqual([]);
  });
});
