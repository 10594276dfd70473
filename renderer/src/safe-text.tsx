/**
 * Untrusted text (model inputs and outputs, ticket bodies) shown safely. By default it is a React text node inside
 * <pre>, so markup is shown literally. With markdown on, marked renders it and DOMPurify sanitises the HTML before it
 * reaches the DOM (raw HTML in the text is escaped, not interpreted): scripts, event handlers and anything that would fetch a remote resource (images, frames, styles)
 * are removed, so `<img src=x onerror=…>` and `<script>` stay inert and the page makes no requests on their behalf.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { useMemo } from 'react';

let hooked = false;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Raw HTML inside model output is shown as the text the model wrote (escaped), not interpreted; images become links
 * so nothing is fetched. DOMPurify below is the second line of defence.
 */
const md = new Marked({
  async: false,
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`,
  },
});

/**
 * Markdown → sanitised HTML. Links open outside the app window and carry no referrer.
 * @param text - untrusted markdown
 * @returns HTML safe to insert (DOMPurify, remote-loading tags forbidden)
 */
export function renderMarkdown(text: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
    hooked = true;
  }
  const html = md.parse(text, { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['img', 'picture', 'source', 'video', 'audio', 'iframe', 'frame', 'object', 'embed', 'link', 'style', 'form', 'input', 'button', 'textarea', 'select', 'svg', 'math'],
    FORBID_ATTR: ['style', 'srcset', 'background', 'poster'],
  });
}

/** Shows `text` literally, or as sanitised markdown when `markdown` is on. */
export function SafeText({ text, markdown, label }: { text: string | null; markdown: boolean; label: string }) {
  const html = useMemo(() => (markdown && text ? renderMarkdown(text) : ''), [markdown, text]);
  if (text === null || text === '') return <p className="muted">No {label.toLowerCase()} recorded.</p>;
  if (!markdown) return <pre className="text-block" aria-label={label}>{text}</pre>;
  // The HTML has been through DOMPurify with remote-loading tags forbidden (see renderMarkdown).
  return <div className="markdown text-block" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />;
}
