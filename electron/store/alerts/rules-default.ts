/**
 * The playbook's alert rules as defaults: what a new workspace starts with (migration 007 seeds them) and what
 * "reset" restores. Thresholds follow the production playbook Loupe's users work from (error rate above 5% and
 * significantly above its baseline; p95 latency above 3× normal; daily cost more than 20% above its average;
 * negative-feedback and ticket surges), with per-test levels chosen so stable traffic raises under one false alert
 * per metric per month of daily buckets across all groups (measured in alerts/simulation.test.ts; figures in the
 * closing note of issue 12). Runbooks are the playbook's steps; each workspace can edit its own.
 */
import type { AlertRule } from '../../../shared/contract-alerts';

/** A fresh copy of the default rules (callers may mutate it). */
export function defaultRules(): AlertRule[] {
  return [
    {
      id: 'error_rate', enabled: true,
      params: { bucket: 'day', baseline_days: 28, alpha: 0.001, floor: 0.05, min_requests: 50 },
      runbook: {
        title: 'High error rate',
        steps: [
          'Check the model provider\'s API status page and the error messages of the failing requests.',
          'Review recent changes: deployments, prompt or model-version rollouts, configuration.',
          'Roll back the change if the errors started with it.',
          'Escalate to on-call if the error rate stays high.',
        ],
      },
    },
    {
      id: 'p95_latency', enabled: true,
      params: { bucket: 'day', baseline_days: 28, alpha: 0.001, multiplier: 3, min_requests: 50 },
      runbook: {
        title: 'Latency increase',
        steps: [
          'Check the provider\'s status page for degraded performance.',
          'Find the slow requests: which feature, model version and prompt size carry them.',
          'Check for queueing, rate limits or retries in front of the model.',
          'Roll back or route to another model if the slowdown came with a change; escalate to on-call if it persists.',
        ],
      },
    },
    {
      id: 'daily_cost', enabled: true,
      params: { bucket: 'day', baseline_days: 28, alpha: 0.001, increase: 0.2, min_share_of_total: 0.05, min_requests: 50 },
      runbook: {
        title: 'Cost spike',
        steps: [
          'Identify the source: the users, features and models whose cost grew most (listed with the alert).',
          'Check for abuse: one user or key sending unusually many or unusually large requests.',
          'Rate-limit the source if needed.',
          'Check for prompt or context changes that inflated token counts.',
        ],
      },
    },
    {
      id: 'negative_feedback', enabled: true,
      params: { bucket: 'week', baseline_days: 28, alpha: 0.01, min_increase: 0.05, min_feedback: 20 },
      runbook: {
        title: 'Negative feedback rise',
        steps: [
          'Check for model drift: the drift table for this feature and week.',
          'Review recent data: open the requests behind the alert and review this slice.',
          'Read the comments left with the thumbs-down and low scores.',
          'Retrain or adjust prompts; confirm the fix on next week\'s feedback.',
        ],
      },
    },
    {
      id: 'ticket_surge', enabled: true,
      params: { bucket: 'week', baseline_days: 28, alpha: 0.001, increase: 0.5, min_tickets: 5 },
      runbook: {
        title: 'Support ticket surge',
        steps: [
          'Read the new tickets and group them by cause.',
          'Open the requests linked to them and check for errors or poor answers.',
          'Tell support what is known and when a fix is expected.',
          'Escalate to on-call if the tickets point to an outage.',
        ],
      },
    },
  ];
}

/** Default PSI threshold for drift rows (the upper end of the usual "moderate" band; guidance only). */
export const DEFAULT_PSI_MAX = 0.25;
