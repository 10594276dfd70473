/**
 * Bidirectional control characters in untrusted text (model outputs, tickets, file names). An override such as
 * RIGHT-TO-LEFT OVERRIDE (U+202E) makes `safe\u202Egnp.exe` display as "safeexe.png" ("Trojan Source",
 * CVE-2021-42574), so wherever Loupe shows or exports text these controls are made visible as `⟨U+202E⟩`. Covered:
 * the embeddings and overrides U+202A-U+202E and the isolates U+2066-U+2069, the characters that reorder text.
 * The marks (U+200E, U+200F, U+061C) cannot reorder a run by themselves and occur in ordinary Arabic and Hebrew text,
 * so they are left as they are.
 */

/** The controls made visible (global regex; reset `lastIndex` or use the helpers). */
export const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const ANY = /[\u202A-\u202E\u2066-\u2069]/;

/** Whether `s` holds a bidirectional control. */
export function hasBidiControls(s: string): boolean {
  return ANY.test(s);
}

/** `s` with each bidirectional control replaced by a visible `⟨U+XXXX⟩`. */
export function showBidiControls(s: string): string {
  if (!ANY.test(s)) return s;
  return s.replace(BIDI_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase()}⟩`);
}

/**
 * JSON text with each bidirectional control written as a `\uXXXX` escape: still the same JSON value (lossless for
 * a program reading it), but no viewer can be reordered by it.
 */
export function escapeBidiInJson(json: string): string {
  if (!ANY.test(json)) return json;
  return json.replace(BIDI_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * An exported file's text made safe to view: JSON and JSON Lines keep their values (controls escaped), every other
 * format (Markdown, HTML, CSV) shows the controls as `⟨U+XXXX⟩`.
 * @param text - the file's content
 * @param mime - its MIME type
 */
export function exportWithVisibleBidi(text: string, mime: string): string {
  return /json/i.test(mime) ? escapeBidiInJson(text) : showBidiControls(text);
}
