/**
 * Seeded synthetic requests for the review tests and the bench: a known failure label per request, features with
 * different failure rates, thumbs-down feedback that is far more likely on failures, errors, latencies and a few
 * repeated inputs. Not used by the app.
 */
import type { Db } from '../db';
import { Prng } from '../../../shared/prng';

/** Monday 2026-11-16 00:00 UTC, the start of ISO week 2026-W47. */
export const W47_START = Date.UTC(2026, 10, 16);
export const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface SyntheticOptions {
  n: number;
  seed: number;
  /** Start of the period the requests spread over (UTC ms); default 2026-W47. */
  start?: number;
  /** Length of that period (ms); default one week. */
  span?: number;
  /** Every `duplicateEvery`-th request repeats the previous input (0: never). */
  duplicateEvery?: number;
  /** Feature mix and failure rates. */
  features?: ReadonlyArray<{ name: string; share: number; failRate: number }>;
  /** First request number (ids are `req-<number>`), to add more rows later. */
  offset?: number;
  /** Characters of shared filler appended to every input (realistic prompt lengths: ~600). */
  inputPad?: number;
}

export const DEFAULT_FEATURES = [
  { name: 'summarize', share: 0.6, failRate: 0.05 },
  { name: 'chat', share: 0.3, failRate: 0.1 },
  { name: 'translate', share: 0.1, failRate: 0.25 },
] as const;

/**
 * Inserts synthetic requests (and thumbs-down feedback) in one transaction.
 * @returns the failure label of each inserted request, by request id
 */
export function insertSynthetic(db: Db, o: SyntheticOptions): Map<string, boolean> {
  const rng = new Prng(o.seed);
  const start = o.start ?? W47_START;
  const span = o.span ?? WEEK_MS;
  const features = o.features ?? DEFAULT_FEATURES;
  const offset = o.offset ?? 0;
  const truth = new Map<string, boolean>();
  let prevInput = '';
  const pad = o.inputPad ? ` ${'Please answer using the context below. '.repeat(Math.ceil(o.inputPad / 39)).slice(0, o.inputPad)}` : '';
  db.tx(() => {
    const ins = db.stmt(`INSERT INTO requests (id, ts, user_id, segment, model, model_version, feature, input, output, latency_ms, is_error, status, input_chars, output_chars)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const fb = db.stmt("INSERT INTO feedback (id, request_id, ts, kind, value, label, source) VALUES (?, ?, ?, 'thumb', -1, 'down', 'user')");
    for (let i = 0; i < o.n; i++) {
      const k = offset + i;
      const id = `req-${k}`;
      let u = rng.next();
      let f = features[features.length - 1]!;
      for (const x of features) {
        if (u < x.share) { f = x; break; }
        u -= x.share;
      }
      const isError = rng.next() < 0.02;
      let fail = rng.next() < f.failRate;
      if (isError && rng.next() < 0.7) fail = true;
      const thumbsDown = rng.next() < (fail ? 0.5 : 0.03);
      const ts = start + Math.floor((i * span) / o.n);
      const dup = o.duplicateEvery && i > 0 && i % o.duplicateEvery === 0;
      const input = dup ? prevInput : `Question ${k} about ${f.name}: ${rng.next().toString(36).slice(2, 10)}${pad}`;
      prevInput = input;
      const output = `Answer ${k}`;
      const latency = Math.round(300 * Math.exp(0.6 * (rng.next() + rng.next() + rng.next() - 1.5)) * (fail ? 1.3 : 1));
      ins.run([id, ts, `user-${k % 97}`, k % 3 === 0 ? 'pro' : 'free', 'gpt-test', k % 2 === 0 ? 'v1' : 'v2', f.name, input, output, latency, isError ? 1 : 0, isError ? 'error' : 'ok', input.length, output.length]);
      if (thumbsDown) fb.run([`fb-${k}`, id, ts + 1000]);
      truth.set(id, fail);
    }
  });
  return truth;
}
