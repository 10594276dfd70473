/**
 * The order in which the store worker serves calls. The database is single-threaded, so while it answers one call
 * every other waits; served first-come-first-served, 50 scripts reading in a loop put the app's own screen behind
 * 50 calls each time (p95 ~770 ms). Instead each caller (the app window, a browser page, scripts, the CLI) has its
 * own queue, kept in order, and the next call comes from the caller that has used the worker least recently:
 * "least attained service" with the service time (ms of worker time, the synchronous part of each call) decaying
 * with a half-life of {@link HALF_LIFE_MS}. A screen that asks now and then is served after at most the call that
 * is running; a caller that keeps the worker busy shares it evenly with its peers and never starves.
 */

/** Half-life of the service time a caller is charged with, in ms. */
export const HALF_LIFE_MS = 2000;

interface Usage { ms: number; at: number }

/** Per-caller FIFO queues served by least recent use. `T` is whatever a queued call carries. */
export class FairQueue<T> {
  private readonly queues = new Map<string, Array<{ item: T; arrived: number; order: number }>>();
  private readonly usage = new Map<string, Usage>();
  private order = 0;
  private size = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Number of waiting calls. */
  get length(): number {
    return this.size;
  }

  /** Queues a call of `caller`. */
  push(caller: string, item: T): void {
    let q = this.queues.get(caller);
    if (!q) this.queues.set(caller, (q = []));
    q.push({ item, arrived: this.now(), order: this.order++ });
    this.size++;
  }

  /** The caller's service time now, in ms, decayed. */
  charged(caller: string, at = this.now()): number {
    const u = this.usage.get(caller);
    return u ? u.ms * 0.5 ** ((at - u.at) / HALF_LIFE_MS) : 0;
  }

  /**
   * Takes the next call: the oldest call of the caller with the least decayed service time (ties: the call that
   * arrived first). Returns undefined when nothing waits.
   */
  shift(): { caller: string; item: T } | undefined {
    const at = this.now();
    let best: string | null = null;
    let bestCharge = Infinity;
    let bestOrder = Infinity;
    for (const [caller, q] of this.queues) {
      const head = q[0];
      if (!head) continue;
      const c = this.charged(caller, at);
      if (c < bestCharge - 1e-9 || (Math.abs(c - bestCharge) <= 1e-9 && head.order < bestOrder)) {
        best = caller;
        bestCharge = c;
        bestOrder = head.order;
      }
    }
    if (best === null) return undefined;
    const q = this.queues.get(best)!;
    const { item } = q.shift()!;
    if (q.length === 0) this.queues.delete(best);
    this.size--;
    return { caller: best, item };
  }

  /** Charges `caller` with `ms` of worker time. */
  charge(caller: string, ms: number): void {
    const at = this.now();
    this.usage.set(caller, { ms: this.charged(caller, at) + ms, at });
    // Forget callers whose charge has decayed away, so the map stays small.
    if (this.usage.size > 256) for (const [c] of this.usage) if (this.charged(c, at) < 0.01 && !this.queues.has(c)) this.usage.delete(c);
  }
}
