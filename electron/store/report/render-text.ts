/**
 * The report's text formats, from the laid-out blocks (./document.ts): Markdown (CommonMark + GFM tables) and one
 * self-contained HTML file (inline CSS and inline SVG charts; no script, no remote load, every text escaped: model
 * outputs are untrusted). CSV and JSON come from the model itself (./render-data.ts).
 */
import type { Block, Inline } from './document';

/**
 * Escapes plain text for Markdown so it renders as exactly that text, while the raw Markdown stays readable: a
 * backslash before the characters inline syntax uses anywhere (\\ ` * _ [ ] | ~, `<` before a letter, / ! or ?, `&`
 * starting an entity, and the : . @ that would make a bare URL, www. name or e-mail address a link), and before block
 * syntax (#, -, +, =, >, "1.") only where it could act, at the start of a paragraph or list item. Line breaks become
 * spaces. Ids belong in code spans ({@link mdCode}), which need no escaping at all.
 * @param lineStart - the text starts a paragraph or list item (block syntax could act there)
 */
export function mdText(s: string, lineStart = false): string {
  const t = s.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    // `<` acts only before what could open a tag or autolink, `&` only as an entity: "p < 0.001" and
    // "Korn & Graubard" stay as written (the Markdown preview is read and copied as it is).
    .replace(/<(?=[A-Za-z/!?])/g, '\\<').replace(/&(?=#\d+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)/g, '\\&')
    // GFM turns bare URLs, www. names and e-mail addresses into links; untrusted text must not become a link.
    .replace(/([A-Za-z][A-Za-z0-9+.-]*):\/\//g, '$1\\://').replace(/\b(www)\./gi, '$1\\.').replace(/@/g, '\\@');
  if (!lineStart) return t;
  return t.replace(/^(\s*)([#+\-=>])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

/**
 * A Markdown code span holding `s` literally (CommonMark §6.1): fenced by one more backtick than the longest run
 * inside, padded with a space when the content starts or ends with a backtick. Nothing inside is escaped, so an id
 * such as req_ze33 reads as itself. In a table cell a pipe still needs `\|` (GFM tables split cells first).
 */
export function mdCode(s: string, inTable = false): string {
  const flat = s.replace(/\r?\n|\r/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  const body = inTable ? flat.replace(/\|/g, '\\|') : flat;
  return `${fence}${pad}${body}${pad}${fence}`;
}

function mdInline(parts: readonly Inline[], inTable = false): string {
  return parts.map((x, i) => (typeof x === 'string' ? mdText(x, i === 0 && !inTable) : 'code' in x ? mdCode(x.code, inTable) : `**${mdText(x.strong)}**`)).join('');
}

/** Renders the blocks as Markdown. */
export function renderMarkdown(blocks: readonly Block[]): string {
  const L: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'h': L.push(`${'#'.repeat(b.level)} ${mdText(b.text, true)}`, ''); break;
      case 'p': L.push(b.muted ? `*${mdInline(b.parts)}*` : mdInline(b.parts), ''); break;
      case 'list': b.items.forEach((it, i) => L.push(`${b.ordered ? `${i + 1}.` : '-'} ${mdInline(it)}`)); L.push(''); break;
      case 'quote': L.push(`> **${mdText(b.label)}:** ${b.text ? mdText(b.text) : '(empty)'}`, ''); break;
      case 'chart': L.push(`*Chart: ${mdText(b.chart.title)}. ${mdText(b.chart.caption)} (drawn in the HTML and PDF reports)*`, ''); break;
      case 'table': {
        if (b.rows.length === 0) break;
        const cellText = (c: Inline[]) => mdInline(c, true) || ' ';
        L.push(`| ${b.head.map((x) => mdText(x)).join(' | ')} |`, `|${b.align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`);
        for (const r of b.rows) L.push(`| ${r.map(cellText).join(' | ')} |`);
        L.push('');
        break;
      }
    }
  }
  return `${L.join('\n').replace(/\n+$/, '')}\n`;
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function htmlInline(parts: readonly Inline[]): string {
  return parts.map((x) => (typeof x === 'string' ? escapeHtml(x) : 'code' in x ? `<code>${escapeHtml(x.code)}</code>` : `<strong>${escapeHtml(x.strong)}</strong>`)).join('');
}

/**
 * Page styles: readable on screen, in print (A4 or Letter, rows and charts kept whole, headings kept with what
 * follows) and in dark mode (the page follows the reader's scheme; charts keep their own light card).
 */
const CSS = `:root{color-scheme:light dark}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#212529;background:#fff;max-width:980px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.25rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #dee2e6;padding-bottom:.25rem}h3{font-size:1.05rem;margin-top:1.25rem}
h1,h2,h3{break-after:avoid;page-break-after:avoid}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #dee2e6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600;background:#f1f3f5}tr,figure,blockquote{break-inside:avoid;page-break-inside:avoid}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#6c757d}
code{font-family:"DejaVu Sans Mono",ui-monospace,Menlo,Consolas,monospace;font-size:.92em;background:#f1f3f5;padding:0 .2em;border-radius:3px;word-break:break-all}
blockquote{margin:.25rem 0 .5rem;padding:.25rem .75rem;border-left:3px solid #ced4da;white-space:pre-wrap;word-break:break-word}
figure{margin:.75rem 0}figure svg{max-width:100%;height:auto;display:block}figcaption{font-size:.85em;color:#6c757d}
ol.summary li{margin:.35rem 0}
@media (prefers-color-scheme:dark){body{color:#e9ecef;background:#1a1b1e}th{background:#25262b}th,td{border-color:#373a40}h2{border-color:#373a40}
code{background:#25262b}.muted,figcaption{color:#adb5bd}blockquote{border-color:#5c5f66}}
@media print{body{max-width:none;margin:0;color:#000;background:#fff}a{color:inherit}}`;

/** Renders the blocks as one self-contained HTML document. */
export function renderHtml(blocks: readonly Block[], title: string): string {
  const P: string[] = ['<!doctype html>', '<html lang="en"><head><meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    // No scripts, no remote loads: the file stands alone and a model output cannot run anything.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>`];
  let first = true;
  for (const b of blocks) {
    switch (b.kind) {
      case 'h': P.push(`<h${b.level}>${escapeHtml(b.text)}</h${b.level}>`); break;
      case 'p': P.push(`<p${b.muted ? ' class="muted"' : ''}>${htmlInline(b.parts)}</p>`); break;
      case 'list': {
        const tag = b.ordered ? 'ol' : 'ul';
        P.push(`<${tag}${b.ordered && first ? ' class="summary"' : ''}>${b.items.map((it) => `<li>${htmlInline(it)}</li>`).join('')}</${tag}>`);
        if (b.ordered) first = false;
        break;
      }
      case 'quote': P.push(`<blockquote><strong>${escapeHtml(b.label)}:</strong> ${escapeHtml(b.text || '(empty)')}</blockquote>`); break;
      // The SVG is Loupe's own markup (./charts.ts), built with every label escaped.
      case 'chart': P.push(`<figure>${b.chart.svg}<figcaption>${escapeHtml(b.chart.caption)}</figcaption></figure>`); break;
      case 'table': {
        if (b.rows.length === 0) break;
        const cls = (i: number) => (b.align[i] === 'r' ? ' class="n"' : '');
        P.push(`<table><thead><tr>${b.head.map((x, i) => `<th${cls(i)}>${escapeHtml(x)}</th>`).join('')}</tr></thead><tbody>`);
        for (const r of b.rows) P.push(`<tr>${r.map((c, i) => `<td${cls(i)}>${htmlInline(c)}</td>`).join('')}</tr>`);
        P.push('</tbody></table>');
        break;
      }
    }
  }
  P.push('</body></html>');
  return `${P.join('\n')}\n`;
}
