/**
 * The one call the import pipeline makes into scrubbing: {@link startScrub} gives an object whose methods the
 * pipeline calls on each mapped record, reject and note, and once at the end. Without scrub options it does nothing.
 * The chosen options are remembered per workspace (meta `scrub_defaults`) when an import that used them commits.
 */
import crypto from 'node:crypto';
import type { ImportOptions } from '../../../shared/contract';
import type { ScrubDetector, ScrubDiff, ScrubPreview, ScrubReport } from '../../../shared/contract-scrub';
import type { RejectedRow } from '../../../shared/types';
import type { Db } from '../db';
import type { Workspace } from '../workspace';
import { compilePatterns, Scrubber } from './scrubber';

/** Characters of a field shown on each side of its first change in the preview's before/after. */
const DIFF_CONTEXT = 160;
const MAX_DIFFS = 60;

/** The pseudonym key of a workspace, created (journaled) on first use. */
function workspaceKey(ws: Workspace): string {
  const k = ws.meta('scrub_key');
  if (k) return k;
  const key = crypto.randomBytes(32).toString('hex');
  if (!ws.readOnly) ws.commit([["INSERT INTO meta (key, value) VALUES ('scrub_key', ?) ON CONFLICT (key) DO NOTHING", [key]]]);
  return ws.meta('scrub_key') ?? key;
}

function excerpt(before: string, after: string): { before: string; after: string } {
  if (before.length <= DIFF_CONTEXT * 2 && after.length <= DIFF_CONTEXT * 2) return { before, after };
  let i = 0;
  while (i < before.length && i < after.length && before[i] === after[i]) i++;
  const from = Math.max(0, i - DIFF_CONTEXT);
  const cut = (s: string) => `${from > 0 ? '…' : ''}${s.slice(from, i + DIFF_CONTEXT)}${i + DIFF_CONTEXT < s.length ? '…' : ''}`;
  return { before: cut(before), after: cut(after) };
}

/** Scrubbing for one preview or import run. */
export interface ScrubRun {
  /**
   * Scrubs a record's mapped rows, rejects and skip reasons (which may quote the record, e.g. a span's operation
   * name) in place; the preview also keeps the rows' before/after.
   */
  /** Whether anything is scrubbed (false: every method passes its input through). */
  active: boolean;
  mapped(m: { rows: Array<{ kind: string; row: Record<string, string | number | null> }>; rejects: RejectedRow[]; skipped?: string[] }, line: number): void;
  /** A reject with its reason (which may quote the value) scrubbed. */
  reject(r: RejectedRow): RejectedRow;
  /** Notes (which may quote sample values) scrubbed. */
  notes(notes: string[]): string[];
  /** The preview's counts and before/after (null without scrubbing). */
  preview(): ScrubPreview | null;
  /** Records what was done in the history row and remembers the options for the workspace (inside the import's transaction). */
  finish(db: Db, importId: number): ScrubReport | null;
}

const NONE: ScrubRun = {
  active: false,
  mapped() {}, reject: (r) => r, notes: (n) => n, preview: () => null, finish: () => null,
};

/**
 * Starts scrubbing for an import or a preview of `options.scrub` (absent: the workspace's remembered choice).
 * @param preview - keep the before/after of changed fields for {@link ScrubRun.preview}
 * @throws LoupeError BAD_REQUEST for a user pattern that cannot be used (before anything is read or written)
 */
export function startScrub(ws: Workspace, options: ImportOptions, preview = false): ScrubRun {
  // No choice in the options: the workspace's remembered choice applies, so forgetting a flag never stores PII.
  const remembered = options.scrub === undefined;
  const o = options.scrub ?? scrubDefaults(ws);
  const remember = (db: Db) => {
    if (remembered) return;
    db.run("INSERT INTO meta (key, value) VALUES ('scrub_defaults', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [JSON.stringify({ detectors: o.detectors ?? [], patterns: o.patterns ?? [], phone_region: o.phone_region ?? 'US' })]);
  };
  if ((o.detectors ?? []).length === 0 && (o.patterns ?? []).length === 0) return { ...NONE, finish(db) { remember(db); return null; } };
  // Patterns are checked before the workspace's key is created, so a bad pattern writes nothing.
  compilePatterns(o.patterns ?? []);
  const scrubber = new Scrubber(o, workspaceKey(ws));
  const diffs: ScrubDiff[] = [];
  let fieldsChanged = 0;
  return {
    active: true,
    mapped(m, line) {
      for (const r of m.rows) {
        const before = preview ? { ...r.row } : null;
        for (const f of scrubber.row(r.row)) {
          fieldsChanged++;
          if (before && diffs.length < MAX_DIFFS) diffs.push({ line, kind: r.kind, field: f, ...excerpt(String(before[f]), String(r.row[f])) });
        }
      }
      for (const r of m.rejects) Object.assign(r, this.reject(r));
      if (m.skipped) for (let i = 0; i < m.skipped.length; i++) m.skipped[i] = scrubber.text(m.skipped[i]!);
    },
    reject: (r) => ({ ...r, reason: scrubber.text(r.reason), ...(r.field ? { field: scrubber.text(r.field) } : {}) }),
    notes: (n) => n.map((x) => scrubber.text(x)),
    preview: () => ({ detectors: scrubber.detectors, patterns: scrubber.patterns, phone_region: scrubber.phoneRegion, counts: { ...scrubber.counts }, fields_changed: fieldsChanged, diffs }),
    finish(db, importId) {
      const report = scrubber.report();
      db.run('UPDATE imports SET scrub = ? WHERE id = ?', [JSON.stringify(report), importId]);
      remember(db);
      return report;
    },
  };
}

/** The scrubbing this workspace's last scrubbed import used (empty when none). */
export function scrubDefaults(ws: Workspace): { detectors: ScrubDetector[]; patterns: string[]; phone_region: string } {
  try {
    const v = JSON.parse(ws.meta('scrub_defaults') ?? '{}') as { detectors?: ScrubDetector[]; patterns?: string[]; phone_region?: string };
    return { detectors: v.detectors ?? [], patterns: v.patterns ?? [], phone_region: v.phone_region ?? 'US' };
  } catch {
    return { detectors: [], patterns: [], phone_region: 'US' };
  }
}
