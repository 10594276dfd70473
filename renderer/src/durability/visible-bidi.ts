/**
 * Makes bidirectional controls visible in every piece of text the app shows (shared/bidi.ts says which and why):
 * grids, panels, the review screen, reports, import previews and history, charts' labels in the DOM, tooltips.
 * One MutationObserver on the document rewrites each text node (and `title` / `aria-label` attribute) that holds a
 * control, as React adds or changes it. Observer callbacks run before the next paint, so the reordered text is never
 * displayed; React never reads text nodes back, so rewriting them is safe. Inputs and text areas keep what the user
 * types.
 */
import { hasBidiControls, showBidiControls } from '../../../shared/bidi';

const ATTRIBUTES = ['title', 'aria-label', 'alt', 'placeholder'];

function fixText(node: Text): void {
  const v = node.data;
  if (hasBidiControls(v)) node.data = showBidiControls(v);
}

function fixAttributes(el: Element): void {
  for (const a of ATTRIBUTES) {
    const v = el.getAttribute(a);
    if (v !== null && hasBidiControls(v)) el.setAttribute(a, showBidiControls(v));
  }
}

function fixTree(root: Node): void {
  if (root.nodeType === Node.TEXT_NODE) {
    fixText(root as Text);
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE && root.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
  if (root.nodeType === Node.ELEMENT_NODE) fixAttributes(root as Element);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) fixText(n as Text);
    else fixAttributes(n as Element);
  }
}

/**
 * Starts rewriting bidirectional controls under `root` (default: the whole document) and fixes what is there now.
 * @returns a function that stops it
 */
export function installVisibleBidi(root: Node = document.documentElement): () => void {
  fixTree(root);
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'characterData') fixText(r.target as Text);
      else if (r.type === 'attributes') fixAttributes(r.target as Element);
      else for (const n of r.addedNodes) fixTree(n);
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
  return () => observer.disconnect();
}
