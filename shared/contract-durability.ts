/**
 * The durability part of the contract: events that tell every open view when its work is at risk and what to do,
 * merged into the `EventMap` of ./contract. No methods: these are pushed by the store and its client.
 */
import type { LoupeErrorData } from './errors';

export interface DurabilityEventMap {
  /**
   * The background save: failing (the workspace is kept in memory and in the journal, and the save is retried in
   * `retry_in_ms`), or saved again after failing. Sent only on a change of state and on every failed retry.
   * Times are UTC epoch ms.
   */
  'workspace.saveStatus':
    | { ok: true; saved_at: number }
    | { ok: false; error: LoupeErrorData; retry_in_ms: number; unsaved_since: number; attempts: number };
  /**
   * The store worker stopped unexpectedly. `restarted`: a new worker reopened the workspace from its file and
   * journal (nothing confirmed is lost; the call that was running failed with STORE_RESTARTED and can be retried).
   * `failed`: it could not be kept running (several stops in a minute, or the workspace no longer opens);
   * the app shows a blocking screen with `error`.
   */
  'store.status': { state: 'restarted' | 'failed'; error: LoupeErrorData; restarts: number };
}
