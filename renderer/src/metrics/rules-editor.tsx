/**
 * The Alert rules popover of the Metrics screen: each rule on or off, its bucket (day or ISO week), its threshold
 * (floor, multiple of normal, increase), its trailing baseline (whole weeks of days before the bucket), its per-test
 * level and its minimum samples, plus the PSI mark of drift rows.
 * The store refuses values below the floors (e.g. fewer than 20 requests) with a message naming the field. Esc or a
 * click outside closes it without saving.
 */
import { useEffect, useRef, useState } from 'react';
import type { AlertRule, AlertSettings } from '../../../shared/contract-alerts';
import type { LoupeErrorData } from '../../../shared/errors';
import { asErrorData } from '../api';
import { useApp, useStoreQuery } from '../app-context';
import { RULE_LABEL } from './metrics-format';

interface Field { key: string; label: string; scale: number; unit: string }

/** The editable numbers of each rule, with the factor between stored and shown values (shares are shown in %). */
const FIELDS: Record<AlertRule['id'], Field[]> = {
  error_rate: [{ key: 'floor', label: 'Error rate above', scale: 100, unit: '%' }, { key: 'min_requests', label: 'Judge from', scale: 1, unit: 'requests' }],
  p95_latency: [{ key: 'multiplier', label: 'p95 above', scale: 1, unit: '× normal' }, { key: 'min_requests', label: 'Judge from', scale: 1, unit: 'requests' }],
  daily_cost: [{ key: 'increase', label: 'Cost above baseline by', scale: 100, unit: '%' }, { key: 'min_share_of_total', label: 'Group increase at least', scale: 100, unit: '% of all cost' }, { key: 'min_requests', label: 'Judge from', scale: 1, unit: 'requests' }],
  negative_feedback: [{ key: 'min_increase', label: 'Share above baseline by', scale: 100, unit: 'points' }, { key: 'min_feedback', label: 'Judge from', scale: 1, unit: 'answers' }],
  ticket_surge: [{ key: 'increase', label: 'Tickets above expected by', scale: 100, unit: '%' }, { key: 'min_tickets', label: 'Judge from', scale: 1, unit: 'tickets' }],
};

type Draft = { rules: Array<{ rule: AlertRule; values: Record<string, string>; alpha: string; baseline: string; bucket: 'day' | 'week'; enabled: boolean }>; psi: string };

function toDraft(s: AlertSettings): Draft {
  return {
    rules: s.rules.map((r) => ({
      rule: r, enabled: r.enabled, bucket: r.params.bucket, alpha: String(r.params.alpha), baseline: String(r.params.baseline_days),
      values: Object.fromEntries(FIELDS[r.id].map((f) => [f.key, String(Math.round((r.params as unknown as Record<string, number>)[f.key]! * f.scale * 1000) / 1000)])),
    })),
    psi: String(s.psi_max),
  };
}

function fromDraft(d: Draft): AlertSettings {
  return {
    psi_max: Number(d.psi),
    rules: d.rules.map(({ rule, values, alpha, baseline, bucket, enabled }) => ({
      ...rule, enabled,
      params: { ...rule.params, bucket, alpha: Number(alpha), baseline_days: Number(baseline), ...Object.fromEntries(FIELDS[rule.id].map((f) => [f.key, Number(values[f.key]) / f.scale])) },
    }) as AlertRule),
  };
}

/** The popover. */
export function RulesEditor() {
  const { client } = useApp();
  const settings = useStoreQuery('alerts.settings.get', {}, ['meta']);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<LoupeErrorData | null>(null);
  const ref = useRef<HTMLDetailsElement>(null);
  const close = () => { setDraft(null); setError(null); };
  useEffect(() => {
    if (!draft) return;
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') { e.stopPropagation(); close(); ref.current?.querySelector('summary')?.focus(); } };
    const onDown = (e: MouseEvent) => { if (ref.current && !ref.current.contains(e.target as Node)) close(); };
    window.addEventListener('keydown', onKey, true);
    document.addEventListener('mousedown', onDown);
    return () => { window.removeEventListener('keydown', onKey, true); document.removeEventListener('mousedown', onDown); };
  }, [draft]);
  const save = async () => {
    if (!draft) return;
    try {
      await client.call('alerts.settings.set', fromDraft(draft));
      close();
    } catch (e) { setError(asErrorData(e)); }
  };
  const set = (i: number, patch: Partial<Draft['rules'][number]>) => setDraft((d) => (d ? { ...d, rules: d.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) } : d));
  return (
    <details className="popover rules-editor" ref={ref} open={draft !== null}>
      <summary className="btn sm" data-testid="rules-button" onClick={(e) => { e.preventDefault(); if (draft) close(); else if (settings.data) setDraft(toDraft(settings.data)); }}>Alert rules</summary>
      {draft && (
        <form className="popover-body rules-form" aria-label="Alert rules" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          {draft.rules.map((r, i) => (
            <fieldset key={r.rule.id} className="rule-set">
              <legend><label className="check"><input type="checkbox" checked={r.enabled} onChange={(e) => set(i, { enabled: e.target.checked })} /> {RULE_LABEL[r.rule.id]}</label></legend>
              {FIELDS[r.rule.id].map((f) => (
                <label key={f.key}>{f.label}
                  <span className="with-unit"><input type="number" step="any" min="0" value={r.values[f.key]} aria-label={`${RULE_LABEL[r.rule.id]}: ${f.label} (${f.unit})`}
                    onChange={(e) => set(i, { values: { ...r.values, [f.key]: e.target.value } })} /> <span className="muted">{f.unit}</span></span>
                </label>
              ))}
              <label>Level per test (α)<span className="with-unit"><input type="number" step="any" min="0" max="0.05" value={r.alpha} aria-label={`${RULE_LABEL[r.rule.id]}: level per test`}
                onChange={(e) => set(i, { alpha: e.target.value })} /></span></label>
              <label>Baseline<span className="with-unit"><input type="number" step="7" min="7" max="91" value={r.baseline} aria-label={`${RULE_LABEL[r.rule.id]}: baseline (days)`}
                onChange={(e) => set(i, { baseline: e.target.value })} /> <span className="muted">days before</span></span></label>
              <label>Bucket<select value={r.bucket} onChange={(e) => set(i, { bucket: e.target.value as 'day' | 'week' })} aria-label={`${RULE_LABEL[r.rule.id]}: bucket`}>
                <option value="day">day</option><option value="week">ISO week</option></select></label>
            </fieldset>
          ))}
          <label className="psi-row">Drift: mark PSI above<span className="with-unit"><input type="number" step="any" min="0" value={draft.psi} aria-label="PSI mark" onChange={(e) => setDraft({ ...draft, psi: e.target.value })} /> <span className="muted">guidance only</span></span></label>
          {error && <span className="err-text small" role="alert">{error.message}</span>}
          <div className="rules-actions">
            <button type="button" className="btn sm ghost" onClick={close}>Cancel <kbd>Esc</kbd></button>
            <button type="submit" className="btn sm primary">Save</button>
          </div>
        </form>
      )}
    </details>
  );
}
