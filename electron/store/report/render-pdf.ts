/**
 * The report as PDF (pdfkit), from the same laid-out blocks as Markdown and HTML (./document.ts): selectable text
 * in embedded DejaVu fonts (subset by pdfkit; they cover Latin, Greek, Cyrillic and the symbols the report uses),
 * vector charts (the same SVG as the HTML, drawn by svg-to-pdfkit), A4 or Letter, every page's footer with the
 * report's week, its period and "page i of n", and tables whose rows never split across pages (a row that does not
 * fit starts a new page and the header row is repeated there).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type PDFDocumentType from 'pdfkit';
import type { Block, Inline } from './document';
import { plain } from './document';
import { showBidiControls } from '../../../shared/bidi';

export type Paper = 'a4' | 'letter';

/** Page sizes in PostScript points (1/72 in): A4 is 210 × 297 mm, Letter 8.5 × 11 in. */
export const PAPER_SIZES: Record<Paper, [number, number]> = { a4: [595.28, 841.89], letter: [612, 792] };

const MARGIN = 50;
const FOOTER = 28;
const INK = '#212529';
const MUTED = '#6c757d';
const RULE = '#dee2e6';
const HEAD_BG = '#f1f3f5';
/** Longest text a table cell or quote prints; longer untrusted text is cut with an ellipsis so one row fits a page. */
const MAX_CELL = 600;

const req = createRequire(import.meta.url);
const fontDir = () => path.join(path.dirname(req.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

type Doc = InstanceType<typeof PDFDocumentType>;
type FontKey = 'body' | 'bold' | 'mono';
interface GlyphFont { hasGlyphForCodePoint(cp: number): boolean }

/**
 * Replaces characters the embedded font cannot draw (emoji, CJK) with U+FFFD, so the PDF never shows an empty box
 * and its text layer says where something was left out; bidirectional controls are shown as ⟨U+202E⟩ first (as in
 * every other export, shared/bidi.ts), so untrusted text cannot reorder a line.
 */
function drawable(doc: Doc, font: FontKey, raw: string): string {
  const s = showBidiControls(raw);
  doc.font(font);
  const f = (doc as unknown as { _font?: { font?: GlyphFont } })._font?.font;
  if (!f || typeof f.hasGlyphForCodePoint !== 'function') return s;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += cp < 0x80 || f.hasGlyphForCodePoint(cp) ? ch : '\uFFFD';
  }
  return out;
}

const cut = (s: string, n = MAX_CELL) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Options of {@link renderPdf}. */
export interface PdfOptions {
  paper: Paper;
  /** Footer text on every page, e.g. "Weekly report 2026-W45 · Mon 2 Nov – Sun 8 Nov 2026 (UTC)". */
  footer: string;
  title: string;
  /** Creation date written into the PDF's metadata (fixed, so the same report gives the same bytes). */
  created: Date;
}

/**
 * Renders the blocks as PDF.
 * @returns the PDF bytes and its page count
 */
export async function renderPdf(blocks: readonly Block[], o: PdfOptions): Promise<{ bytes: Buffer; pages: number }> {
  // Loaded on first use: pdfkit and its fonts cost the store worker's start a few hundred ms that no other screen needs.
  const { default: PDFDocument } = await import('pdfkit');
  const { default: SVGtoPDF } = await import('svg-to-pdfkit');
  const [pw, ph] = PAPER_SIZES[o.paper];
  const doc = new PDFDocument({
    size: [pw, ph], margins: { top: MARGIN, bottom: MARGIN + FOOTER, left: MARGIN, right: MARGIN }, bufferPages: true, autoFirstPage: true,
    info: { Title: o.title, Creator: 'Loupe', Producer: 'Loupe (pdfkit)', CreationDate: o.created, ModDate: o.created }, lang: 'en', displayTitle: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => { doc.on('end', () => resolve()); doc.on('error', reject); });
  const dir = fontDir();
  doc.registerFont('body', path.join(dir, 'DejaVuSans.ttf'));
  doc.registerFont('bold', path.join(dir, 'DejaVuSans-Bold.ttf'));
  doc.registerFont('mono', path.join(dir, 'DejaVuSansMono.ttf'));
  const left = MARGIN;
  const width = pw - 2 * MARGIN;
  const bottom = ph - MARGIN - FOOTER;
  const room = () => bottom - doc.y;
  const ensure = (h: number) => { if (room() < h) doc.addPage(); };

  /** Writes inline parts as one flowing paragraph (fonts switch for code and strong parts). */
  const inline = (parts: readonly Inline[], size: number, colour: string, opts: { x?: number; width?: number } = {}) => {
    const items = parts.map((x) => (typeof x === 'string' ? { font: 'body' as FontKey, text: x } : 'code' in x ? { font: 'mono' as FontKey, text: x.code } : { font: 'bold' as FontKey, text: x.strong }))
      .filter((x) => x.text.length > 0);
    if (items.length === 0) return;
    doc.fillColor(colour).fontSize(size);
    items.forEach((it, i) => {
      const text = drawable(doc, it.font, it.text);
      doc.font(it.font);
      const o2 = { width: opts.width ?? width, continued: i < items.length - 1, lineGap: 1.5 };
      if (i === 0) doc.text(text, opts.x ?? left, doc.y, o2);
      else doc.text(text, o2);
    });
  };
  const heightOf = (parts: readonly Inline[], size: number, w: number) => {
    doc.fontSize(size).font('body');
    // Measured in the body font; mono runs are a little wider, so allow one line of slack.
    return doc.heightOfString(drawable(doc, 'body', plain(parts)), { width: w, lineGap: 1.5 }) + size * 0.4;
  };

  for (const b of blocks) {
    switch (b.kind) {
      case 'h': {
        const size = b.level === 1 ? 18 : b.level === 2 ? 14 : 11.5;
        // Keep a heading with at least a few lines of what follows.
        ensure(size * 1.6 + 48);
        doc.moveDown(b.level === 1 ? 0 : 0.6);
        doc.font('bold').fontSize(size).fillColor(INK).text(drawable(doc, 'bold', b.text), left, doc.y, { width });
        if (b.level === 2) {
          doc.moveTo(left, doc.y + 1).lineTo(left + width, doc.y + 1).lineWidth(0.6).strokeColor(RULE).stroke();
          doc.moveDown(0.35);
        } else doc.moveDown(0.2);
        break;
      }
      case 'p': {
        ensure(Math.min(heightOf(b.parts, 9.5, width), 60));
        inline(b.parts, b.muted ? 8.5 : 9.5, b.muted ? MUTED : INK);
        doc.moveDown(0.45);
        break;
      }
      case 'list': {
        b.items.forEach((it, i) => {
          const marker = b.ordered ? `${i + 1}.` : '•';
          ensure(Math.min(heightOf(it, 9.5, width - 16), 60));
          const y = doc.y;
          doc.font('body').fontSize(9.5).fillColor(INK).text(marker, left, y, { width: 14 });
          doc.y = y;
          inline(it, 9.5, INK, { x: left + 16, width: width - 16 });
          doc.moveDown(0.25);
        });
        doc.x = left;
        doc.moveDown(0.3);
        break;
      }
      case 'quote': {
        const text = drawable(doc, 'body', `${b.label}: ${cut(b.text || '(empty)')}`);
        doc.font('body').fontSize(8.5);
        const hgt = doc.heightOfString(text, { width: width - 14 }) + 6;
        ensure(hgt);
        const y = doc.y;
        doc.rect(left, y, 2.5, hgt - 2).fill('#ced4da');
        doc.fillColor(INK).text(text, left + 10, y + 2, { width: width - 14 });
        doc.x = left;
        doc.moveDown(0.35);
        break;
      }
      case 'chart': {
        const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(b.chart.svg);
        const vw = Number(m?.[1] ?? 640);
        const vh = Number(m?.[2] ?? 200);
        const w = Math.min(width, vw * 0.8);
        const hgt = (w / vw) * vh;
        ensure(hgt + 24);
        const y = doc.y + 4;
        // The viewBox alone sets the aspect; the SVG's own width/height (CSS pixels for the HTML) would override the
        // size asked for here. Labels (features, model versions) come from the data: their bidi controls are shown.
        const svg = showBidiControls(b.chart.svg.replace(/^<svg([^>]*?) width="[\d.]+" height="[\d.]+"/, '<svg$1'));
        SVGtoPDF(doc as never, svg, left, y, {
          width: w, height: hgt, assumePt: true,
          fontCallback: (_family, bold) => (bold ? 'bold' : 'body'),
        });
        doc.y = y + hgt + 2;
        doc.font('body').fontSize(7.5).fillColor(MUTED).text(drawable(doc, 'body', b.chart.caption), left, doc.y, { width });
        doc.moveDown(0.6);
        break;
      }
      case 'table': {
        if (b.rows.length === 0) break;
        const size = 7.8;
        const pad = 3;
        const cols = b.head.length;
        // Column widths: each column at least as wide as its longest word (so words never break), the rest of the
        // width shared in proportion to each column's longest text (capped, so one long cell cannot starve the others).
        doc.fontSize(size);
        const words = (c: Inline[]) => plain(c).split(/\s+/).filter(Boolean);
        const minW = b.head.map((hd, i) => {
          doc.font('bold');
          let w = Math.max(...hd.split(/\s+/).map((x) => doc.widthOfString(x)));
          doc.font('body');
          // Right-aligned (numeric) cells stay on one line: "1,639 ms", "< 0.001".
          for (const r of b.rows) for (const x of b.align[i] === 'r' ? [plain(r[i] ?? [])] : words(r[i] ?? [])) w = Math.max(w, Math.min(doc.widthOfString(x), width / 3));
          return w + 2 * pad + 1;
        });
        const want = b.head.map((hd, i) => Math.min(60, Math.max(hd.length, ...b.rows.map((r) => plain(r[i] ?? []).length))));
        const spare = width - minW.reduce((a, x) => a + x, 0);
        const wantSum = want.reduce((a, x) => a + x, 0) || 1;
        let widths = spare >= 0 ? minW.map((m, i) => m + (spare * want[i]!) / wantSum) : minW.map((m) => (m * width) / minW.reduce((a, x) => a + x, 0));
        widths = widths.map((x) => Math.max(12, x));
        const xs = widths.map((_, i) => left + widths.slice(0, i).reduce((a, x) => a + x, 0));
        const cellParts = (c: Inline[]) => c.map((x) => (typeof x === 'string' ? cut(x) : 'code' in x ? { code: cut(x.code) } : x));
        const rowHeight = (cells: Inline[][], font: FontKey) => {
          doc.fontSize(size);
          return Math.max(...cells.map((c, i) => {
            doc.font(font);
            const t = drawable(doc, font, plain(cellParts(c)));
            return doc.heightOfString(t || ' ', { width: widths[i]! - 2 * pad });
          })) + 2 * pad;
        };
        const drawRow = (cells: Inline[][], head: boolean) => {
          const font: FontKey = head ? 'bold' : 'body';
          const hgt = rowHeight(cells, font);
          const y = doc.y;
          if (head) doc.rect(left, y, width, hgt).fill(HEAD_BG);
          for (let i = 0; i < cols; i++) {
            const c = cellParts(cells[i] ?? []);
            const right = b.align[i] === 'r';
            doc.fillColor(INK).fontSize(size);
            const items = c.map((x) => (typeof x === 'string' ? { font, text: x } : 'code' in x ? { font: 'mono' as FontKey, text: x.code } : { font: 'bold' as FontKey, text: x.strong })).filter((x) => x.text);
            items.forEach((it, k) => {
              const text = drawable(doc, it.font, it.text);
              doc.font(it.font);
              const opts = { width: widths[i]! - 2 * pad, align: right ? 'right' as const : 'left' as const, continued: k < items.length - 1 };
              if (k === 0) doc.text(text, xs[i]! + pad, y + pad, opts);
              else doc.text(text, opts);
            });
          }
          doc.moveTo(left, y + hgt).lineTo(left + width, y + hgt).lineWidth(0.5).strokeColor(RULE).stroke();
          doc.x = left;
          doc.y = y + hgt;
          return hgt;
        };
        const headCells = b.head.map((x) => [x] as Inline[]);
        const headH = rowHeight(headCells, 'bold');
        ensure(headH + rowHeight(b.rows[0]!, 'body'));
        doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.5).strokeColor(RULE).stroke();
        drawRow(headCells, true);
        for (const r of b.rows) {
          const hgt = rowHeight(r, 'body');
          if (hgt > room()) {
            // The row does not fit: it starts the next page, under a repeated header row.
            doc.addPage();
            drawRow(headCells, true);
          }
          drawRow(r, false);
        }
        doc.moveDown(0.7);
        break;
      }
    }
  }

  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // The footer sits below the bottom margin: lift the margin so writing there does not add a page.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = ph - MARGIN - 10;
    doc.moveTo(left, y - 6).lineTo(left + width, y - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font('body').fontSize(7.5).fillColor(MUTED);
    doc.text(drawable(doc, 'body', o.footer), left, y, { width: width - 80, lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, left + width - 80, y, { width: 80, align: 'right', lineBreak: false });
    doc.page.margins.bottom = saved;
  }
  doc.end();
  await done;
  return { bytes: Buffer.concat(chunks), pages: range.count };
}
