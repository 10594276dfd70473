/**
 * Detection: each default rule, on stable traffic (testing/stable-traffic.ts) at the demo's volume, finds an event
 * injected into it, on the event's bucket, and raises nothing else. Together with simulation.test.ts (false alarms
 * on the same traffic without events) this states both sides of the rules: quiet on noise, loud on incidents. Covers
 * the metrics the demo workspace has no event for: low CSAT, NPS detractors and a ticket surge.
 */
import { describe, expect, it } from 'vitest';
import type { AlertMetricName } from '../../../shared/contract-alerts';
import { evaluateRule, type RawAlert } from './evaluate';
import { defaultRules } from './rules-default';
import { simulateStableTraffic } from './testing/stable-traffic';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEEKS = 15;
const SEED = 11;

interface Injected { id: string; metric: AlertMetricName; unit: 'day' | 'week'; start: number; group: string }

function run(inject: boolean): { alerts: RawAlert[]; events: Injected[] } {
  const { aggs, start, end } = simulateStableTraffic(SEED, WEEKS * 7, 250);
  const day = (d: number) => start + d * DAY;
  const week = (w: number) => start + w * 7 * DAY;
  const events: Injected[] = [];
  if (inject) {
    // Error spike: search-answer, a Wednesday, 9 more requests that fail fast (502s; ~12% of the day against ~1.2%).
    for (let k = 0; k < 9; k++) aggs.addRequest(day(44) + (8 + k) * HOUR, 'search-answer', 'mini-2026-07-18', true, 250, 0);
    events.push({ id: 'error spike', metric: 'error_rate', unit: 'day', start: day(44), group: 'feature=search-answer' });
    // Latency incident: support-chat, 25 requests of 12-14 s in a morning (normal p95 about 2.5 s).
    for (let k = 0; k < 25; k++) aggs.addRequest(day(58) + 9 * HOUR + k * 600_000, 'support-chat', 'mini-2026-07-18', false, 12_000 + 80 * k, 0.0002);
    events.push({ id: 'latency incident', metric: 'p95_latency_ms', unit: 'day', start: day(58), group: 'feature=support-chat' });
    // Cost spike: one user's 15 email-draft requests at $0.06 each on a Tuesday (the day normally costs ~$0.15). The
    // feature alone has too few costed requests a day to be judged (under 50), so the whole traffic's cost fires.
    for (let k = 0; k < 15; k++) aggs.addRequest(day(71) + (10 + k / 2) * HOUR, 'email-draft', 'gpt-4o-2024-08-06', false, 9_000, 0.06);
    events.push({ id: 'cost spike', metric: 'cost_usd', unit: 'day', start: day(71), group: 'all' });
    // Thumbs-down surge: summarize, week 9, 20 more thumbs-down (about 6 of 30 thumbs are down in a normal week).
    for (let k = 0; k < 20; k++) aggs.addFeedback(week(9) + k * 6 * HOUR, 'summarize', 'mini-2026-07-18', 'thumb', -1, null);
    events.push({ id: 'thumbs-down surge', metric: 'thumbs_down_rate', unit: 'week', start: week(9), group: 'feature=summarize' });
    // Low CSAT: support-chat, week 11, 30 more ratings of 1 or 2.
    for (let k = 0; k < 30; k++) aggs.addFeedback(week(11) + k * 5 * HOUR, 'support-chat', 'mini-2026-07-18', 'rating', 1 + (k % 2), 5);
    events.push({ id: 'low CSAT', metric: 'low_csat_share', unit: 'week', start: week(11), group: 'feature=support-chat' });
    // NPS detractors: the survey wave of week 13 gets 80 more answers of 0-6 (survey answers carry no request).
    for (let k = 0; k < 80; k++) aggs.addFeedback(day(93) + k * HOUR, null, null, 'nps', k % 7, 10);
    events.push({ id: 'detractor surge', metric: 'detractor_share', unit: 'week', start: week(13), group: 'all' });
    // Ticket surge: 15 more tickets about email-draft in week 12 (about 1-2 in a normal week).
    for (let k = 0; k < 15; k++) aggs.addTicket(week(12) + k * 9 * HOUR, ['email-draft'], ['gpt-4o-2024-08-06']);
    events.push({ id: 'ticket surge', metric: 'tickets', unit: 'week', start: week(12), group: 'feature=email-draft' });
  }
  const alerts: RawAlert[] = [];
  // The first five weeks only build baselines.
  for (const rule of defaultRules()) alerts.push(...evaluateRule(rule, aggs, { from: start + 35 * DAY, to: end }).alerts);
  return { alerts, events };
}

describe('detection of injected events on stable traffic (default rules)', () => {
  it('without events, this stretch of traffic raises no alert', () => {
    expect(run(false).alerts.map((a) => `${a.metric} ${a.bucket} ${a.groupKey}`)).toEqual([]);
  }, 60_000);

  it('each injected event raises its metric\'s alert on its bucket and group, and nothing else fires', () => {
    const { alerts, events } = run(true);
    for (const e of events) {
      const hit = alerts.find((a) => a.metric === e.metric && a.unit === e.unit && a.bucket_start === e.start && a.groupKey === e.group);
      expect(hit, e.id).toBeDefined();
      expect(hit!.value, e.id).toBeGreaterThan(hit!.threshold);
      expect(hit!.p_value!, e.id).toBeLessThan(0.001);
    }
    // Anything else that fired is the same event seen in another group (the whole traffic, the model version).
    for (const a of alerts) {
      expect(events.some((e) => e.metric === a.metric && e.start === a.bucket_start), `${a.metric} ${a.bucket} ${a.groupKey}`).toBe(true);
    }
  }, 60_000);
});
