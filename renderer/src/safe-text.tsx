/**
 * Untrusted text (model inputs and outputs, ticket bodies) shown safely. By default it is a React text node inside
 * <pre>, so markup is shown literally. With markdown on, marked renders it in a worker (markdown-worker.ts) and
 * DOMPurify sanitises the HTML before it reaches the DOM (raw HTML in the text is escaped, not interpreted): scripts,
 * event handlers and anything that would fetch a remote resource (images, frames, styles) are removed, so
 * `<img src=x onerror=…>` and `<script>` stay inert and the page makes no requests on their behalf.
 *
 * Markdown never freezes the window: text over {@link MARKDOWN_MAX_CHARS} is shown plain with a note (a 1 MB
 * unbroken output froze the page for minutes), and a render that takes longer than {@link MARKDOWN_BUDGET_MS} is
 * abandoned (the worker is ended) and the text shown plain with a note. Bidirectional controls are made visible by
 * durability/visible-bidi.ts, in markdown as in plain text.
 */
import DOMPurify from 'dompurify';
import { useEffect, useState } from 'react';

/** Longest text rendered as markdown, in characters; longer text is shown plain with a note. */
export const MARKDOWN_MAX_CHARS = 100_000;
/** Time a markdown render may take before it is abandoned and the text shown plain, in ms. */
export const MARKDOWN_BUDGET_MS = 1_500;

let hooked = false;

/**
 * Sanitises marked's HTML. Links open outside the app window and carry no referrer.
 * @param html - HTML from marked (untrusted content)
 * @returns HTML safe to insert (DOMPurify, remote-loading tags forbidden)
 */
export function sanitiseMarkdownHtml(html: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['img', 'picture', 'source', 'video', 'audio', 'iframe', 'frame', 'object', 'embed', 'link', 'style', 'form', 'input', 'button', 'textarea', 'select', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset', 'background', 'poster'],
  });
}

let worker: Worker | null = null;
let nextId = 0;
/** Renders waiting for the worker: called with its HTML, null when marked failed, or 'slow' when abandoned. */
const waiting = new Map<number, (html: string | null | 'slow') => void>();

function markdownWorker(): Worker {
  if (!worker) {
    const w = new Worker(new URL('./markdown-worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<{ id: number; html: string | null }>) => {
      waiting.get(e.data.id)?.(e.data.html);
      waiting.delete(e.data.id);
    };
    worker = w;
  }
  return worker;
}

/**
 * Renders markdown in the worker within {@link MARKDOWN_BUDGET_MS}.
 * @returns sanitised HTML, or 'slow' when the render was abandoned, or 'failed'
 */
export function renderMarkdown(text: string): Promise<string | 'slow' | 'failed'> {
  const id = ++nextId;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      // Ending the worker is the only way to stop marked mid-render; every render it still owed is abandoned too,
      // and the next render starts a new worker.
      worker?.terminate();
      worker = null;
      const abandoned = [...waiting.values()];
      waiting.clear();
      for (const done of abandoned) done('slow');
    }, MARKDOWN_BUDGET_MS);
    waiting.set(id, (html) => {
      clearTimeout(timer);
      resolve(html === 'slow' ? 'slow' : html === null ? 'failed' : sanitiseMarkdownHtml(html));
    });
    markdownWorker().postMessage({ id, text });
  });
}

type Shown = { kind: 'plain'; note: string | null } | { kind: 'html'; html: string } | { kind: 'rendering' };

const kb = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')} KB`;

/** Shows `text` literally, or as sanitised markdown when `markdown` is on (within the size and time limits). */
export function SafeText({ text, markdown, label }: { text: string | null; markdown: boolean; label: string }) {
  const [shown, setShown] = useState<Shown>({ kind: 'plain', note: null });
  useEffect(() => {
    if (!markdown || !text) { setShown({ kind: 'plain', note: null }); return; }
    if (text.length > MARKDOWN_MAX_CHARS) {
      setShown({ kind: 'plain', note: `Shown as plain text: at ${kb(text.length)} it is over the ${kb(MARKDOWN_MAX_CHARS)} limit for markdown.` });
      return;
    }
    let live = true;
    setShown({ kind: 'rendering' });
    void renderMarkdown(text).then((r) => {
      if (!live) return;
      if (r === 'slow') setShown({ kind: 'plain', note: `Shown as plain text: rendering it as markdown took longer than ${MARKDOWN_BUDGET_MS / 1000} s.` });
      else if (r === 'failed') setShown({ kind: 'plain', note: 'Shown as plain text: it could not be rendered as markdown.' });
      else setShown({ kind: 'html', html: r });
    });
    return () => { live = false; };
  }, [markdown, text]);
  if (text === null || text === '') return <p className="muted">No {label.toLowerCase()} recorded.</p>;
  if (shown.kind === 'html') {
    // The HTML has been through DOMPurify with remote-loading tags forbidden (see sanitiseMarkdownHtml).
    return <div className="markdown text-block" aria-label={label} dangerouslySetInnerHTML={{ __html: shown.html }} />;
  }
  return (
    <>
      {shown.kind === 'plain' && shown.note && <p className="muted small md-note" data-testid="markdown-note">{shown.note}</p>}
      <pre className="text-block" aria-label={label} aria-busy={shown.kind === 'rendering' || undefined}>{text}</pre>
    </>
  );
}
