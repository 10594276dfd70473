/**
 * The week's review report (report.render): pick a week (its newest queue) or a queue, a format (Markdown,
 * self-contained HTML, CSV, JSON), preview it, and download it. Markdown, CSV and JSON preview as plain text; HTML
 * previews as its sanitised body styled by the app's stylesheet (see reportPreviewHtml).
 */
import DOMPurify from 'dompurify';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApp, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtBytes, fmtInt } from '../format';
import { downloadFile } from './common';

type Format = 'md' | 'html' | 'csv' | 'json';
const FORMATS: Array<[Format, string]> = [['md', 'Markdown'], ['html', 'HTML'], ['csv', 'CSV'], ['json', 'JSON']];

/** Tags whose content could load, run or submit something; none occurs in a report. */
const FORBIDDEN_TAGS = ['script', 'style', 'link', 'meta', 'base', 'img', 'picture', 'source', 'video', 'audio', 'iframe', 'frame', 'object',
  'embed', 'form', 'input', 'button', 'textarea', 'select', 'svg', 'math'];

/**
 * The HTML report's body as the in-app preview shows it, styled by the app's own stylesheet (`.report-html`). The
 * page's Content-Security-Policy (style-src 'self', no 'unsafe-inline') refuses the report's `<style>` block and
 * style attributes, so they are dropped; a tag's colour moves to `data-colour` and is applied through the CSSOM
 * (which style-src does not govern). DOMPurify removes anything that could run or load. The downloaded file is
 * the report exactly as rendered, styles included.
 * @param html - the report as report.render returns it (a whole document)
 * @returns sanitised HTML of the document's body
 */
export function reportPreviewHtml(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  const coloured = body.replace(/<span class="tag" style="background:\s*(#[0-9a-f]{6})"><\/span>/gi, '<span class="tag" data-colour="$1"></span>');
  return DOMPurify.sanitize(coloured, { USE_PROFILES: { html: true }, FORBID_TAGS: FORBIDDEN_TAGS, FORBID_ATTR: ['style', 'srcset', 'background'] });
}

/** The sanitised report body (see reportPreviewHtml), with tag colours set through the CSSOM. */
function ReportHtml({ html }: { html: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const clean = useMemo(() => reportPreviewHtml(html), [html]);
  useEffect(() => {
    ref.current?.querySelectorAll<HTMLElement>('[data-colour]').forEach((el) => { el.style.background = el.dataset.colour ?? ''; });
  }, [clean]);
  // Sanitised above: no script, style, form or remote-loading element survives.
  return <article ref={ref} className="report-html" aria-label="Report preview" data-testid="report-html" dangerouslySetInnerHTML={{ __html: clean }} />;
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
          <ReportHtml html={f.text} />
        )}
        {f && format !== 'html' && <pre className="text-block report-text" data-testid="report-text" aria-label="Report preview">{f.text}</pre>}
        {!f && report.loading && <p className="muted pad">Rendering…</p>}
      </div>
      {f && format === 'csv' && <p className="muted small pad-x">{fmtInt(f.text.split('\n').length - 1)} lines. Cells starting with = + − @ are escaped so a spreadsheet will not run them.</p>}
    </div>
  );
}
