/**
 * The week's review report (report.render): pick a week (its newest queue) or a queue, a format (Markdown,
 * self-contained HTML, CSV, JSON), preview it, and download it. Markdown, CSV and JSON preview as plain text; HTML
 * previews in an iframe with `srcdoc` and an empty `sandbox` (no scripts, no same-origin access, no navigation).
 */
import { useMemo, useState } from 'react';
import { useApp } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtBytes, fmtInt } from '../format';
import { downloadFile, useStoreQuery } from './common';

type Format = 'md' | 'html' | 'csv' | 'json';
const FORMATS: Array<[Format, string]> = [['md', 'Markdown'], ['html', 'HTML'], ['csv', 'CSV'], ['json', 'JSON']];

/**
 * The HTML report as the preview frame gets it. A `srcdoc` frame inherits the app's Content-Security-Policy
 * (style-src 'self'), so the report's own `<style>` block and style attributes would be refused there (and logged);
 * the preview copy drops them and gives tables HTML border attributes instead, which no policy governs. The
 * downloaded file is the report exactly as rendered, styles included.
 * @param html - the report as report.render returns it
 * @returns the same document without style elements, style attributes or CSP meta tags
 */
export function previewHtml(html: string): string {
  // String edits, not DOMParser: a parsed document would itself apply (and be refused) the inline styles. Safety
  // does not rest on these edits: the frame is sandboxed without scripts either way.
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/<meta http-equiv[^>]*>/gi, '')
    .replace(/\sstyle="[^"]*"/gi, '')
    .replace(/<table>/gi, '<table border="1" cellpadding="4" cellspacing="0" width="100%">')
    .replace(/<td class="n">/gi, '<td class="n" align="right">')
    .replace(/<span class="tag"><\/span>/gi, '<span class="tag">● </span>');
}

/** The Report screen. */
export function ReportScreen() {
  const { info } = useApp();
  const queues = useStoreQuery('queues.list', {}, ['queues']);
  const weeks = useMemo(() => [...new Set((queues.data ?? []).map((q) => q.week).filter((w): w is string => !!w))].sort().reverse(), [queues.data]);
  const ranges = useMemo(() => (queues.data ?? []).filter((q) => !q.week), [queues.data]);
  const [pick, setPick] = useState('');
  const [format, setFormat] = useState<Format>('md');
  const chosen = pick || (weeks[0] ? `week:${weeks[0]}` : ranges[0] ? `queue:${ranges[0].id}` : '');
  const params = chosen.startsWith('week:') ? { week: chosen.slice(5), format } : chosen.startsWith('queue:') ? { queue_id: Number(chosen.slice(6)), format } : null;
  const report = useStoreQuery('report.render', params, ['reviews', 'queues', 'tags', 'rubrics']);
  const f = report.data;
  return (
    <div className="screen report-screen" data-testid="report-screen">
      <div className="filter-bar" aria-label="Report options">
        <label className="inline-label">Week
          <select value={chosen} onChange={(e) => setPick(e.target.value)} aria-label="Report week" disabled={!queues.data?.length}>
            {weeks.map((w) => <option key={w} value={`week:${w}`}>{w}</option>)}
            {ranges.map((q) => <option key={q.id} value={`queue:${q.id}`}>Queue #{q.id}: {q.name}</option>)}
          </select>
        </label>
        <div className="seg" role="radiogroup" aria-label="Format">
          {FORMATS.map(([v, l]) => (
            <label key={v} className={`seg-item${format === v ? ' on' : ''}`}>
              <input type="radio" name="report-format" value={v} checked={format === v} onChange={() => setFormat(v)} /> {l}
            </label>
          ))}
        </div>
        <span className="grow" />
        {f && <span className="muted small">{f.file_name} · {fmtBytes(new TextEncoder().encode(f.text).length)} · {info.time_zone}</span>}
        <button type="button" className="btn sm primary" disabled={!f} onClick={() => f && downloadFile(f)}>Download</button>
      </div>
      {queues.data && queues.data.length === 0 && <p className="grid-empty">No review queue yet: the report needs a week with a queue.</p>}
      {report.error && <ErrorNote error={report.error} />}
      <div className="report-preview" aria-busy={report.loading}>
        {f && format === 'html' && (
          <iframe title="Report preview" className="report-frame" sandbox="" srcDoc={previewHtml(f.text)} data-testid="report-frame" />
        )}
        {f && format !== 'html' && <pre className="text-block report-text" data-testid="report-text" aria-label="Report preview">{f.text}</pre>}
        {!f && report.loading && <p className="muted pad">Rendering…</p>}
      </div>
      {f && format === 'csv' && <p className="muted small pad-x">{fmtInt(f.text.split('\n').length - 1)} lines. Cells starting with = + − @ are escaped so a spreadsheet will not run them.</p>}
    </div>
  );
}
