/**
 * Timings of the review flow for the bench (scripts/bench.ts): creating a stratified queue and moving to the next
 * item, on an open workspace. Each figure is wall-clock milliseconds measured with performance.now().
 */
import type { Workspace } from '../workspace';
import { createQueue } from './queues';
import { getItem, setReviewer, submitReview } from './reviews';

export interface ReviewBench {
  /** Requests in the queue's period. */
  period_requests: number;
  /** Time to draw and store a `size`-item queue stratified by `strata` with thumbs-down oversampled (target < 1,000 ms). */
  create_queue_ms: number;
  /** review.item for the next position after a decision: median and max over `moves` moves (target < 50 ms). */
  next_item_median_ms: number;
  next_item_max_ms: number;
  /** Time for a decision to be durable (journal fsync): median over the moves (target well under 100 ms). */
  decision_median_ms: number;
}

/**
 * Times queue creation and item-to-item moves on an open workspace. Writes a queue and `moves` reviews to it.
 * @param opts.week - ISO week of the queue (e.g. the workspace's busiest week)
 * @param opts.size - queue size (200 in the bench)
 * @param opts.strata - strata field (default feature)
 * @param opts.moves - decisions to time (default 20)
 */
export function benchReview(ws: Workspace, opts: { week: string; size?: number; strata?: string; moves?: number }): ReviewBench {
  const size = opts.size ?? 200;
  const moves = opts.moves ?? 20;
  if (!ws.meta('reviewer')) setReviewer(ws, 'bench');
  const t0 = performance.now();
  const q = createQueue(ws, { week: opts.week, size, strata: opts.strata ?? 'feature', min_per_stratum: 5, oversample: { thumbs_down: 0.2 }, seed: 1 });
  const create = performance.now() - t0;
  const period = ws.db.value<string>('SELECT frame FROM review_queues WHERE id = ?', [q.queue_id]);
  const item: number[] = [];
  const decision: number[] = [];
  let pos = 1;
  getItem(ws, q.queue_id, pos);
  for (let i = 0; i < Math.min(moves, q.items.length - 1); i++) {
    const r = submitReview(ws, { queue_id: q.queue_id, position: pos, verdicts: { correct: 'pass', safe: 'pass' }, tag_ids: [] }, 'bench');
    decision.push(r.durable_ms);
    const t1 = performance.now();
    getItem(ws, q.queue_id, r.next_open ?? pos + 1);
    item.push(performance.now() - t1);
    pos = r.next_open ?? pos + 1;
  }
  const median = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
  };
  return {
    period_requests: period ? (JSON.parse(period) as { requests_in_period: number }).requests_in_period : 0,
    create_queue_ms: create,
    next_item_median_ms: median(item),
    next_item_max_ms: Math.max(...item),
    decision_median_ms: median(decision),
  };
}
