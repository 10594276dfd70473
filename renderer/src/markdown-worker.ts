/**
 * Renders markdown off the page's thread: marked has inputs that take it seconds (80 KB of `a_a_…` took 4.5 s), and
 * on the page that freezes the whole window. Here a slow render only costs the worker, which the page ends after its
 * time budget (safe-text.tsx). Raw HTML in the text is escaped and images become links, as on the page before.
 */
import { Marked } from 'marked';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const md = new Marked({
  async: false,
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`,
  },
});

self.onmessage = (e: MessageEvent<{ id: number; text: string }>) => {
  let html: string | null = null;
  try {
    html = md.parse(e.data.text, { async: false });
  } catch {
    html = null;
  }
  self.postMessage({ id: e.data.id, html });
};
