/**
 * Stable synthetic traffic for the false-alarm simulation: request by request, day by day, with nothing injected.
 * Shaped like the demo workspace's team (data/samples): four features on two models, weekday seasonality (weekend
 * days carry 40% of a weekday), per-feature log-normal latency with 3% queued requests (×1.8-3.5) and timeouts
 * among the errors, costs from tokens at list prices (gpt-4o costs ~15× gpt-4o-mini), thumbs on 7.8% of requests
 * (20% down), CSAT on 8% of requests (70% top-2-box), an NPS wave every four weeks and about one ticket per 146
 * requests. Daily volume varies by ±10% on top of Poisson noise (real traffic is over-dispersed). The result fills
 * the same {@link Aggregates} the workspace source fills, so the rules run exactly as they do on a workspace.
 */
import { Prng } from '../../../../shared/prng';
import { Aggregates, dayStarts } from '../aggregate';

const DAY = 86_400_000;

interface FeatureModel {
  feature: string; version: string; share: number; errorRate: number; latencyMedianMs: number;
  tokensIn: number; tokensOut: number; priceIn: number; priceOut: number;
}

const FEATURES: FeatureModel[] = [
  { feature: 'support-chat', version: 'mini-2026-07-18', share: 0.35, errorRate: 0.01, latencyMedianMs: 1300, tokensIn: 900, tokensOut: 120, priceIn: 0.15, priceOut: 0.6 },
  { feature: 'summarize', version: 'mini-2026-07-18', share: 0.25, errorRate: 0.009, latencyMedianMs: 1200, tokensIn: 700, tokensOut: 150, priceIn: 0.15, priceOut: 0.6 },
  { feature: 'search-answer', version: 'mini-2026-07-18', share: 0.25, errorRate: 0.012, latencyMedianMs: 1600, tokensIn: 1300, tokensOut: 110, priceIn: 0.15, priceOut: 0.6 },
  { feature: 'email-draft', version: 'gpt-4o-2024-08-06', share: 0.15, errorRate: 0.008, latencyMedianMs: 2300, tokensIn: 500, tokensOut: 160, priceIn: 2.5, priceOut: 10 },
];
const DAY_WEIGHTS = [1, 1.05, 1.05, 1, 0.88, 0.4, 0.35];

function normal(r: Prng): number {
  const u = Math.max(r.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}
function poisson(r: Prng, lambda: number): number {
  if (lambda > 50) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(r)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do { k++; p *= r.next(); } while (p > l);
  return k - 1;
}

/**
 * Simulates `days` of stable traffic ending on a Sunday.
 * @param seed PRNG seed
 * @param days whole weeks of days (rounded up to whole weeks)
 * @param perWeekday mean requests on a weekday (weekend days get 40% of it)
 * @returns the aggregates (every bucket complete) and the first day of the simulated range (UTC ms)
 */
export function simulateStableTraffic(seed: number, days: number, perWeekday: number): { aggs: Aggregates; start: number; end: number } {
  const r = Prng.stream(seed, 'stable-traffic');
  const start = Date.UTC(2025, 0, 6); // a Monday
  const weeks = Math.ceil(days / 7);
  const end = start + weeks * 7 * DAY;
  const aggs = new Aggregates(dayStarts(start, end, 'UTC'), 'UTC', end + DAY, start, end - 1);
  const cum: number[] = [];
  FEATURES.reduce((s, f) => { cum.push(s + f.share); return s + f.share; }, 0);
  for (let d = 0; d < weeks * 7; d++) {
    const day0 = start + d * DAY;
    const n = poisson(r, perWeekday * DAY_WEIGHTS[d % 7]! * (1 + 0.1 * normal(r)));
    for (let q = 0; q < n; q++) {
      const ts = day0 + Math.floor(r.next() * DAY);
      const u = r.next();
      const f = FEATURES[cum.findIndex((c) => u < c)] ?? FEATURES[FEATURES.length - 1]!;
      const err = r.next() < f.errorRate;
      let latency: number;
      let cost: number | null;
      if (err) {
        const w = r.next();
        latency = w < 0.3 ? 30_000 + r.below(60) : w < 0.75 ? 25 + r.below(135) : Math.exp(Math.log(400) + 0.4 * normal(r));
        cost = 0;
      } else {
        latency = Math.exp(Math.log(f.latencyMedianMs) + 0.35 * normal(r));
        if (r.next() < 0.03) latency *= 1.8 + 1.7 * r.next();
        const tin = Math.round(f.tokensIn * Math.exp(0.4 * normal(r)));
        const tout = Math.round(f.tokensOut * Math.exp(0.5 * normal(r)));
        cost = (tin * f.priceIn + tout * f.priceOut) / 1e6;
      }
      if (r.next() < 0.2) cost = null; // a fifth of rows carry no cost (the app derives most; some stay unknown)
      aggs.addRequest(ts, f.feature, f.version, err, latency, cost);
      const poor = !err && r.next() < 0.085;
      if (r.next() < (err ? 0.15 : poor ? 0.16 : 0.07)) {
        const down = r.next() < (err ? 0.92 : poor ? 0.7 : 0.08);
        aggs.addFeedback(ts + 60_000, f.feature, f.version, 'thumb', down ? -1 : 1, null);
      }
      if (r.next() < 0.08) {
        const w = r.next();
        const v = (err || poor) ? (w < 0.3 ? 1 : w < 0.6 ? 2 : w < 0.8 ? 3 : w < 0.95 ? 4 : 5) : (w < 0.03 ? 1 : w < 0.08 ? 2 : w < 0.2 ? 3 : w < 0.55 ? 4 : 5);
        aggs.addFeedback(ts + 600_000, f.feature, f.version, 'rating', v, 5);
      }
      if (r.next() < (err ? 0.08 : poor ? 0.02 : 0.0033)) aggs.addTicket(ts + 3_600_000, [f.feature], [f.version]);
    }
    // An NPS wave every four weeks (Wednesdays), answered over three days.
    if (d % 28 === 9) {
      for (let u = 0; u < 120; u++) {
        const w = r.next();
        const v = w < 0.4 ? 9 + r.below(2) : w < 0.75 ? 7 + r.below(2) : r.below(7);
        aggs.addFeedback(day0 + Math.floor(r.next() * 3 * DAY), null, null, 'nps', v, 10);
      }
    }
  }
  return { aggs, start, end };
}
