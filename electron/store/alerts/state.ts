/**
 * What a user does with an alert: acknowledge it, resolve it with a note (what was found and done), reopen it, and
 * tick off its runbook steps. Each change is one journaled commit: the current state in `alert_states`, the change
 * and its note appended to `alert_log`.
 */
import type { Alert, AlertState } from '../../../shared/contract-alerts';
import type { Workspace } from '../workspace';
import { getReviewer } from '../review/reviews';
import { findAlert } from './alerts';

/**
 * Sets an alert's state.
 * @param key the alert's key (from alerts.list)
 * @param state open, acknowledged or resolved (the contract requires a note to resolve)
 * @param note what was found and done (kept with the state and in the log)
 * @returns the alert with its new state
 * @throws LoupeError NOT_FOUND when the rules no longer raise that alert
 */
export function setAlertState(ws: Workspace, zone: string, key: string, state: AlertState, note: string | undefined, now = Date.now()): Alert {
  const a = findAlert(ws, zone, key, now);
  const by = getReviewer(ws);
  const text = note?.trim() ? note.trim() : null;
  ws.commit([
    [`INSERT INTO alert_states (alert_key, rule, bucket_start, state, note, checked, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (alert_key) DO UPDATE SET state = excluded.state, note = COALESCE(excluded.note, alert_states.note), updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    [key, a.rule, a.bucket_start, state, text, JSON.stringify(a.checked), now, by]],
    ['INSERT INTO alert_log (alert_key, state, note, at, by) VALUES (?, ?, ?, ?, ?)', [key, state, text, now, by]],
  ]);
  return findAlert(ws, zone, key, now);
}

/**
 * Ticks (or unticks) one runbook step of an alert.
 * @param step index into the rule's runbook steps
 * @returns the alert with its ticked steps
 * @throws LoupeError NOT_FOUND for an unknown alert; BAD_REQUEST-like RangeError never (out-of-range steps are refused by the contract's 0-29 and here by the runbook's length)
 */
export function checkStep(ws: Workspace, zone: string, key: string, step: number, done: boolean, now = Date.now()): Alert {
  const a = findAlert(ws, zone, key, now);
  const steps = new Set(a.checked);
  if (step < a.runbook.steps.length) { if (done) steps.add(step); else steps.delete(step); }
  const checked = JSON.stringify([...steps].sort((x, y) => x - y));
  ws.commit([[`INSERT INTO alert_states (alert_key, rule, bucket_start, state, note, checked, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (alert_key) DO UPDATE SET checked = excluded.checked, updated_at = excluded.updated_at`,
  [key, a.rule, a.bucket_start, a.state, a.note, checked, now, getReviewer(ws)]]]);
  return findAlert(ws, zone, key, now);
}
