/**
 * PII scrubbing in the import preview: choose the detectors and your own patterns for this import (the workspace
 * remembers the last choice), and see what they would change in the first records: replacements per detector and a
 * before/after of each changed field. Nothing unscrubbed is stored; the preview's "before" is read from the file only.
 */
import { useEffect, useState } from 'react';
import type { ImportOptions, ImportPreview } from '../../../shared/contract';
import { SCRUB_DETECTORS, type ScrubDetector, type ScrubReport } from '../../../shared/contract-scrub';
import { fmtInt } from '../format';

const LABELS: Record<ScrubDetector, string> = {
  email: 'E-mail addresses', phone: 'Phone numbers', card: 'Payment cards', iban: 'IBANs', ip: 'IP addresses', secret: 'API keys and tokens',
};
const REPLACED = /(\[(?:EMAIL|PHONE|CARD|IBAN|IP|SECRET|REDACTED)\]|\b(?:email|phone|card|iban|ip|pattern):[0-9a-f]{12}\b)/;

type Scrub = NonNullable<ImportOptions['scrub']>;

/** The text with its replacements marked. */
function Marked({ text }: { text: string }) {
  const parts = text.split(REPLACED);
  return <>{parts.map((p, i) => (i % 2 === 1 ? <mark key={i} className="scrub-mark">{p}</mark> : <span key={i}>{p}</span>))}</>;
}

/** Counts per detector as `email 3 · phone 1` (detectors in their listed order, then patterns). */
export function scrubCounts(counts: ScrubReport['counts'], patterns: string[]): string {
  const rank = (k: string) => { const i = (SCRUB_DETECTORS as readonly string[]).indexOf(k); return i >= 0 ? i : 100 + Number(k.split(':')[1] ?? 0); };
  const parts = Object.entries(counts).filter(([, n]) => (n ?? 0) > 0).sort(([a], [b]) => rank(a) - rank(b)).map(([k, n]) => {
    const m = /^pattern:(\d+)$/.exec(k);
    return `${m ? `pattern ${m[1]} (${patterns[Number(m[1]) - 1] ?? ''})` : k} ${fmtInt(n ?? 0)}`;
  });
  return parts.length ? parts.join(' · ') : 'nothing found';
}

/** The scrubbing choice and its preview, inside an import's preview card. */
export function ScrubPanel({ preview, value, onChange, disabled }: { preview: ImportPreview; value: Scrub | undefined; onChange: (s: Scrub) => void; disabled?: boolean }) {
  const current: Scrub = value ?? { detectors: preview.scrub?.detectors ?? [], patterns: preview.scrub?.patterns ?? [], ...(preview.scrub ? { phone_region: preview.scrub.phone_region } : {}) };
  const [patterns, setPatterns] = useState(current.patterns.join('\n'));
  const [region, setRegion] = useState(current.phone_region ?? 'US');
  useEffect(() => { setPatterns(current.patterns.join('\n')); }, [current.patterns.join('\n')]); // eslint-disable-line react-hooks/exhaustive-deps
  const draftPatterns = patterns.split('\n').map((p) => p.trim()).filter(Boolean);
  const dirty = draftPatterns.join('\n') !== current.patterns.join('\n') || region !== (current.phone_region ?? 'US');
  const toggle = (d: ScrubDetector) => onChange({ ...current, detectors: current.detectors.includes(d) ? current.detectors.filter((x) => x !== d) : [...current.detectors, d] });
  const s = preview.scrub;
  const on = current.detectors.length + current.patterns.length > 0;
  return (
    <section className="scrub" aria-label="PII scrubbing" data-testid="scrub-panel">
      <div className="scrub-head">
        <h3 className="inline-h">Scrub personal data before storage</h3>
        <span className="muted small">{on ? 'Applied to every text field (input, output, comments, ticket text, ids, unmapped fields) before anything is written.' : 'Nothing is scrubbed: the file is stored as it is.'}</span>
      </div>
      <div className="scrub-grid">
        <fieldset className="scrub-detectors" disabled={disabled}>
          <legend className="stat-label">Detectors</legend>
          {SCRUB_DETECTORS.map((d) => (
            <label key={d} className="check">
              <input type="checkbox" checked={current.detectors.includes(d)} onChange={() => toggle(d)} data-testid={`scrub-${d}`} />
              {LABELS[d]} {s && (s.counts[d] ?? 0) > 0 && <span className="badge warn" data-testid={`scrub-count-${d}`}>{fmtInt(s.counts[d] ?? 0)}</span>}
            </label>
          ))}
        </fieldset>
        <div className="scrub-patterns">
          <label className="stat-label" htmlFor={`scrub-patterns-${preview.file}`}>Your patterns (RE2 syntax, one per line; replaced by [REDACTED])</label>
          <textarea id={`scrub-patterns-${preview.file}`} className="mono" rows={3} value={patterns} onChange={(e) => setPatterns(e.target.value)} disabled={disabled}
            placeholder={'e.g. ORD-\\d{6}\nCUST-[A-Z0-9]{8}'} data-testid="scrub-patterns" spellCheck={false} />
          <div className="row-gap">
            <label className="inline-label">Region of national phone numbers
              <input className="mono region" value={region} maxLength={2} onChange={(e) => setRegion(e.target.value.toUpperCase())} aria-label="Phone region" disabled={disabled} />
            </label>
            <button type="button" className="btn sm" disabled={!dirty || disabled} onClick={() => onChange({ ...current, patterns: draftPatterns, phone_region: region })}>Apply patterns</button>
          </div>
        </div>
      </div>
      {s && (
        <div className="scrub-result">
          <p className="small" data-testid="scrub-summary">In the first records: <strong>{scrubCounts(s.counts, s.patterns)}</strong> ({fmtInt(s.fields_changed)} field{s.fields_changed === 1 ? '' : 's'} changed).</p>
          {s.diffs.length > 0 && (
            <div className="table-scroll short">
              <table className="table compact scrub-diff" data-testid="scrub-diff">
                <thead><tr><th className="num">Line</th><th>Field</th><th>Before (in the file)</th><th>After (stored)</th></tr></thead>
                <tbody>
                  {s.diffs.map((d, i) => (
                    <tr key={i}>
                      <td className="num mono">{d.line}</td>
                      <td className="mono">{d.kind === 'requests' ? '' : `${d.kind}.`}{d.field}</td>
                      <td className="wrap before">{d.before}</td>
                      <td className="wrap after"><Marked text={d.after} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/** One line for the import result and history: what was scrubbed. */
export function ScrubSummary({ report }: { report: ScrubReport }) {
  return (
    <p className="small" data-testid="scrub-report">
      <strong>Scrubbed before storage:</strong> {scrubCounts(report.counts, report.patterns)} in {fmtInt(report.rows_changed)} row{report.rows_changed === 1 ? '' : 's'}
      <span className="muted"> (detectors: {[...report.detectors, ...report.patterns.map((p) => `/${p}/`)].join(', ') || 'none'})</span>
    </p>
  );
}
