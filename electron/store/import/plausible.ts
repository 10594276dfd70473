/**
 * What a stored value may be, per field, from what the field measures. A value outside these bounds cannot be a
 * real measurement (a latency of 1e308 ms, a negative cost, a request in the year 9999): it would go straight into
 * sums, percentiles and weekly buckets, so the row is rejected with the field, the bound and what was found, like
 * any other unreadable value (counted and listed among the import's rejected rows). Nothing here is silently
 * clipped or dropped. Non-finite values (NaN, ±Infinity, text overflowing a double) never get this far: values.ts
 * refuses them as "expected a finite number".
 *
 * The bounds, and why:
 * - durations (`latency_ms`, `ttft_ms`): 0 to {@link MAX_DURATION_MS} = 7 days. Batch APIs finish within 24 h and
 *   then expire; nothing that waited a week is one request's latency.
 * - token counts (`tokens_in`, `tokens_out`, `tokens_cached_in`, `tokens_cache_write_in`, `tokens_cache_write_1h_in`): whole, 0 to
 *   {@link MAX_TOKENS} = 1,000,000,000 (a hundred times the largest context window offered, 10M tokens).
 * - `cost_usd` of one request: 0 to {@link MAX_COST_USD} = 10,000 USD (at the dearest list prices, a request with a
 *   full 1M-token context costs a few hundred dollars). A negative cost is a refund or credit, not a request's cost.
 * - ratings: from 0 to their scale (csat 1-5 and NPS 0-10 are checked where they are read); a scale is positive.
 * - times: from {@link MIN_TIME_MS} = 1990-01-01T00:00:00Z to one year after the import runs
 *   ({@link FUTURE_SLACK_MS}). Before 1990 there were no such logs or tickets (epoch 0 and Excel's 1900 are
 *   placeholders or a wrong unit); a log cannot come from the future, and a year of slack covers clocks set wrong
 *   and test data dated ahead. A placeholder such as 9999-12-31 meaning "no date" can be given as a missing-value
 *   marker (`missing_sentinels`) so it is stored as NULL instead.
 */

/** Longest plausible duration of one request: 7 days, in ms. */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;
/** Largest plausible token count of one request. */
export const MAX_TOKENS = 1_000_000_000;
/** Largest plausible cost of one request, USD. */
export const MAX_COST_USD = 10_000;
/** Earliest plausible time of a request, feedback or ticket: 1990-01-01T00:00:00Z (UTC epoch ms). */
export const MIN_TIME_MS = Date.UTC(1990, 0, 1);
/** How far past the import's own clock a time may be: 365 days, in ms. */
export const FUTURE_SLACK_MS = 365 * 86_400_000;

/**
 * The latest plausible time for an import running at `now`.
 * @param now - UTC epoch ms (default: the clock)
 * @returns UTC epoch ms, `now` + {@link FUTURE_SLACK_MS}
 */
export function latestTimeMs(now: number = Date.now()): number {
  return now + FUTURE_SLACK_MS;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 6 });
/** The value as the file wrote it, quoted and cut at 60 characters (as mapping.ts shows values); only on failure. */
function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Why a time cannot be real, or null when it is plausible.
 * @param ms - the time read, UTC epoch ms
 * @param raw - the value as the file wrote it, shown in the message (formatted only when the time is refused)
 * @param now - the import's clock, UTC epoch ms (default: the clock)
 * @returns e.g. `"9999-12-31T23:59:59Z" is 9999-12-31T23:59:59.000Z, after 2027-12-06 (a year from today): ...`, or null
 */
export function implausibleTime(ms: number, raw: unknown, now: number = Date.now()): string | null {
  const latest = latestTimeMs(now);
  if (ms >= MIN_TIME_MS && ms < latest) return null;
  const found = show(raw);
  const hint = 'a placeholder date or a wrong unit? Loupe takes times from 1990-01-01 to a year from today; a date that stands for "no date" can be given as a missing-value marker';
  if (ms < MIN_TIME_MS) return `${found} is ${new Date(ms).toISOString()}, before 1990-01-01: ${hint}`;
  if (ms >= latest) return `${found} is ${new Date(ms).toISOString()}, after ${day(latest)} (a year from today): ${hint}`;
  return null;
}

/**
 * Why a request's number cannot be real, or null when it is plausible (or the field has no bound).
 * @param field - the Loupe field: latency_ms, ttft_ms (ms), tokens_* (tokens), cost_usd (USD)
 * @param value - the value read, in the field's unit
 * @param raw - the value as the file wrote it, shown in the message (formatted only when the value is refused)
 * @returns e.g. `expected a duration of at most 7 days (604,800,000 ms), found "1e+308"`, or null
 */
export function implausibleNumber(field: string, value: number, raw: unknown): string | null {
  if (field === 'latency_ms' || field === 'ttft_ms') {
    if (value > MAX_DURATION_MS) return `expected a duration of at most 7 days (${fmt(MAX_DURATION_MS)} ms), found ${show(raw)}`;
    return null;
  }
  if (field.startsWith('tokens_')) {
    if (value > MAX_TOKENS) return `expected at most ${fmt(MAX_TOKENS)} tokens for one request, found ${show(raw)}`;
    return null;
  }
  if (field === 'cost_usd') {
    if (value < 0) return `a cost cannot be negative, found ${show(raw)}`;
    if (value > MAX_COST_USD) return `expected a cost of at most ${fmt(MAX_COST_USD)} USD for one request, found ${show(raw)}`;
    return null;
  }
  return null;
}
