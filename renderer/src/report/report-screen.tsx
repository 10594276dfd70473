/**
 * The weekly report (report.weekly): pick an ISO week (or a range queue), a format (Markdown, self-contained HTML,
 * PDF on A4 or Letter, CSV, JSON), preview it, download it, or print it. Markdown, CSV and JSON preview as plain
 * text; HTML and PDF preview as the report's sanitised HTML body (charts included) styled by the app's stylesheet
 * (see reportPreviewHtml). Printing prints that preview alone (print styles hide the app around it); in Electron,
 * File ▸ Print does the same.
 */
import DOMPurify from 'dompurify';
import { useEffect, useMemo, useRef, useState } from 'react';
import { DateTime } from 'luxon';
import type { ReportFormat } from '../../../shared/contract-report';
import { useApp, useStoreQuery } from '../app-context';
import { ErrorNote } from '../controls';
import { fmtBytes, fmtInt, queueWeekLabel } from '../format';
import { isoWeekLabel, lastCompleteWeek, weekDays } from '../review/review-format';
import { downloadFile } from '../review/common';

const FORMATS: Array<[ReportFormat, string]> = [['md', 'Markdown'], ['html', 'HTML'], ['pdf', 'PDF'], ['csv', 'CSV'], ['json', 'JSON']];

/** Tags that could load, run or submit something; none occurs in a report. */
const FORBIDDEN_TAGS = ['script', 'style', 'link', 'meta', 'base', 'img', 'image', 'picture', 'source', 'video', 'audio', 'iframe', 'frame', 'object',
  'embed', 'form', 'input', 'button', 'textarea', 'select', 'math', 'foreignObject', 'use', 'a', 'animate', 'animateMotion', 'animateTransform', 'set', 'feImage'];

/**
 * The HTML report's body as the in-app preview shows it, styled by the app's own stylesheet (`.report-html`). The
 * page's Content-Security-Policy (style-src 'self', no 'unsafe-inline') refuses the report's `<style>` block and
 * style attributes, so they are dropped; the charts are inline SVG drawn with presentation attributes only, which
 * the policy allows. DOMPurify removes anything that could run or load (scripts, event handlers, links, external
 * references inside SVG). The downloaded file is the report exactly as rendered, styles included.
 * @param html - the report as report.weekly returns it (a whole document)
 * @returns sanitised HTML of the document's body
 */
export function reportPreviewHtml(html: string): string {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return DOMPurify.sanitize(body, { USE_PROFILES: { html: true, svg: true }, FORBID_TAGS: FORBIDDEN_TAGS, FORBID_ATTR: ['style', 'srcset', 'background', 'href', 'xlink:href'] });
}

/** The sanitised report body (see reportPreviewHtml). */
function ReportHtml({ html }: { html: string }) {
  const clean = useMemo(() => reportPreviewHtml(html), [html]);
  // Sanitised above: no script, style, form, link or remote-loading element survives.
  return <article className="report-html" aria-label="Report preview" data-testid="report-html" dangerouslySetInnerHTML={{ __html: clean }} />;
}

/** Every ISO week from the first request's to the last's, newest first. */
function weeksOf(first: number | null, last: number | null, zone: string): string[] {
  if (first === null || last === null) return [];
  const out: string[] = [];
  let d = DateTime.fromMillis(first, { zone }).startOf('week');
  const end = DateTime.fromMillis(last, { zone });
  while (d <= end && out.length < 600) {
    out.push(isoWeekLabel(d.toMillis(), zone));
    d = d.plus({ weeks: 1 });
  }
  return out.reverse();
}

/** The Report screen. */
export function ReportScreen() {
  const { info } = useApp();
  const zone = info.time_zone;
  const queues = useStoreQuery('queues.list', {}, ['queues']);
  const queueWeeks = useMemo(() => new Set((queues.data ?? []).map((q) => q.week).filter((w): w is string => !!w)), [queues.data]);
  /** The queue the report reads for each week (as the store's queueForWeek: the newest with a review, else the
   * newest), for the picker's review state; the week's other queues are offered as their own options. */
  const { newestOfWeek, otherQueues } = useMemo(() => {
    const m = new Map<string, { id: number; size: number; reviewed: number; created_at: number }>();
    const better = (a: { id: number; reviewed: number }, b: { id: number; reviewed: number } | undefined) => {
      if (!b) return true;
      if ((a.reviewed > 0) !== (b.reviewed > 0)) return a.reviewed > 0;
      return a.id > b.id;
    };
    for (const q of queues.data ?? []) if (q.week && better(q, m.get(q.week))) m.set(q.week, q);
    const others = (queues.data ?? []).filter((q) => q.week && m.get(q.week)?.id !== q.id);
    return { newestOfWeek: m, otherQueues: others };
  }, [queues.data]);
  const weeks = useMemo(() => {
    const all = new Set([...weeksOf(info.first_ts, info.last_ts, zone), ...queueWeeks]);
    return [...all].sort().reverse();
  }, [info.first_ts, info.last_ts, zone, queueWeeks]);
  const ranges = useMemo(() => (queues.data ?? []).filter((q) => !q.week), [queues.data]);
  const [pick, setPick] = useState('');
  const [format, setFormat] = useState<ReportFormat>('md');
  const [paper, setPaper] = useState<'a4' | 'letter'>('a4');
  // Default: the newest week with a review queue, else the last complete week of the data.
  const newestQueued = [...queueWeeks].sort().reverse()[0];
  const fallback = newestQueued ?? lastCompleteWeek(info.first_ts, info.last_ts, zone);
  const chosen = pick || (fallback ? `week:${fallback}` : ranges[0] ? `queue:${ranges[0].id}` : '');
  const target = chosen.startsWith('week:') ? { week: chosen.slice(5) } : chosen.startsWith('queue:') ? { queue_id: Number(chosen.slice(6)) } : null;
  const tables = ['reviews', 'queues', 'tags', 'rubrics', 'requests', 'feedback', 'tickets', 'meta'] as const;
  const report = useStoreQuery('report.weekly', target ? { ...target, format, paper } : null, [...tables]);
  // PDF: the preview shows the same report as HTML.
  const preview = useStoreQuery('report.weekly', target && format === 'pdf' ? { ...target, format: 'html' } : null, [...tables]);
  // The file shown and downloaded is the one for the chosen week and format: while another format's result is still
  // on screen, Download waits (it once saved the Markdown file just after HTML was chosen).
  const f = report.current ? report.data : null;
  const html = format === 'html' ? f?.text : format === 'pdf' ? preview.data?.text : undefined;
  const previewRef = useRef<HTMLDivElement>(null);
  useEffect(() => { previewRef.current?.scrollTo?.({ top: 0 }); }, [chosen]);
  const days = target && 'week' in target && target.week ? weekDays(target.week, zone) : null;
  return (
    <div className="screen report-screen" data-testid="report-screen">
      <div className="filter-bar no-print" aria-label="Report options">
        <label className="inline-label">Week
          <select value={chosen} onChange={(e) => setPick(e.target.value)} aria-label="Report week" disabled={weeks.length === 0 && ranges.length === 0}>
            {weeks.map((w) => [
              <option key={w} value={`week:${w}`}>{w}{queueWeekLabel(newestOfWeek.get(w), otherQueues.some((q) => q.week === w))}</option>,
              ...otherQueues.filter((q) => q.week === w).sort((a, b) => b.id - a.id).map((q) => (
                <option key={`q${q.id}`} value={`queue:${q.id}`}>{w}{queueWeekLabel(q, true)}</option>)),
            ])}
            {ranges.map((q) => <option key={q.id} value={`queue:${q.id}`}>Queue #{q.id}: {q.name}</option>)}
          </select>
        </label>
        {days && <span className="muted small">{days.from} – {days.to} ({zone})</span>}
        <div className="seg" role="radiogroup" aria-label="Format">
          {FORMATS.map(([v, l]) => (
            <label key={v} className={`seg-item${format === v ? ' on' : ''}`}>
              <input type="radio" name="report-format" value={v} checked={format === v} onChange={() => setFormat(v)} /> {l}
            </label>
          ))}
        </div>
        {format === 'pdf' && (
          <label className="inline-label">Paper
            <select value={paper} onChange={(e) => setPaper(e.target.value as 'a4' | 'letter')} aria-label="Paper size">
              <option value="a4">A4</option>
              <option value="letter">Letter</option>
            </select>
          </label>
        )}
        <span className="grow" />
        {f && <span className="muted small" data-testid="report-file">{f.file_name} · {fmtBytes(f.bytes)}{f.pages ? ` · ${f.pages} page${f.pages === 1 ? '' : 's'}` : ''}</span>}
        <button type="button" className="btn sm" disabled={!html} onClick={() => window.print()} title="Print the report preview">Print</button>
        <button type="button" className="btn sm primary" disabled={!f} onClick={() => f && downloadFile(f)}>Download</button>
      </div>
      {weeks.length === 0 && ranges.length === 0 && <p className="grid-empty">No dated requests yet: import request logs to get a weekly report.</p>}
      {report.error && <ErrorNote error={report.error} />}
      <div className="report-preview" aria-busy={report.loading} ref={previewRef}>
        {html !== undefined && <ReportHtml html={html} />}
        {f && format !== 'html' && format !== 'pdf' && <pre className="text-block report-text" data-testid="report-text" aria-label="Report preview">{f.text}</pre>}
        {!f && report.loading && <p className="muted pad">Rendering…</p>}
      </div>
      {f && format === 'csv' && <p className="muted small pad-x no-print">{fmtInt(f.text.split('\n').length - 1)} lines. Cells starting with = + − @ are escaped so a spreadsheet will not run them.</p>}
    </div>
  );
}
