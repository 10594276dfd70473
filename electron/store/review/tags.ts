/**
 * Edge-case tags: created from the review screen (with colour and description), renamed and merged later, counted
 * per ISO week. A merge re-points every review of the merged tag and deletes it, in one journaled commit.
 */
import { DateTime } from 'luxon';
import type { Db } from '../db';
import type { Workspace } from '../workspace';
import { LoupeError } from '../../../shared/errors';
import type { ReviewTag, TagWeekCount } from '../../../shared/review-types';

/** Colours given to new tags in turn when none is chosen (readable on white and dark backgrounds). */
const PALETTE = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#e67700', '#0c8599', '#c2255c', '#5c940d', '#6741d9', '#495057'];

/** Reviews that count: non-undone, non-skipped, and each reviewer's latest decision on its queue item. */
export const EFFECTIVE_REVIEWS = `SELECT v.* FROM reviews v WHERE v.undone = 0 AND v.skipped = 0 AND v.id = (
  SELECT max(v2.id) FROM reviews v2 WHERE v2.request_id = v.request_id AND v2.reviewer = v.reviewer AND v2.undone = 0
    AND v2.queue_id IS v.queue_id)`;

const TAG_SELECT = `SELECT t.id, t.name, t.colour, t.description, t.created_at,
  (SELECT count(DISTINCT e.request_id) FROM review_tags rt JOIN (${EFFECTIVE_REVIEWS}) e ON e.id = rt.review_id WHERE rt.tag_id = t.id) AS uses
  FROM tags t`;

/** One tag with its use count (distinct items whose effective review carries it). @throws LoupeError NOT_FOUND */
export function getTag(db: Db, id: number): ReviewTag {
  const t = db.get<ReviewTag>(`${TAG_SELECT} WHERE t.id = ?`, [id]);
  if (!t) throw new LoupeError('NOT_FOUND', `Tag ${id} does not exist.`);
  return t;
}

/** Tags by name, optionally only those starting with `prefix` (case-insensitive), for autocomplete. */
export function listTags(db: Db, prefix?: string): ReviewTag[] {
  if (prefix) {
    const esc = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
    return db.all<ReviewTag>(`${TAG_SELECT} WHERE t.name LIKE ? ESCAPE '\\' ORDER BY t.name COLLATE NOCASE`, [`${esc}%`]);
  }
  return db.all<ReviewTag>(`${TAG_SELECT} ORDER BY t.name COLLATE NOCASE`);
}

function assertFreeName(db: Db, name: string, except?: number): void {
  const other = db.get<{ id: number; name: string }>('SELECT id, name FROM tags WHERE name = ? COLLATE NOCASE', [name]);
  if (other && other.id !== except) throw new LoupeError('CONFLICT', `A tag named "${other.name}" already exists.`, { action: 'Use that tag, or merge the two.' });
}

/** Creates a tag (journaled). @throws LoupeError CONFLICT when the name is taken (case-insensitive) */
export function createTag(ws: Workspace, p: { name: string; colour?: string; description?: string }, now = Date.now()): ReviewTag {
  const name = p.name.trim();
  assertFreeName(ws.db, name);
  const id = ws.nextId('tags');
  const colour = (p.colour ?? PALETTE[(id - 1) % PALETTE.length]!).toLowerCase();
  ws.commit([['INSERT INTO tags (id, name, colour, description, created_at) VALUES (?, ?, ?, ?, ?)', [id, name, colour, p.description ?? '', now]]]);
  return getTag(ws.db, id);
}

/** Renames a tag and optionally changes its colour or description (journaled). @throws NOT_FOUND, CONFLICT */
export function renameTag(ws: Workspace, p: { tag_id: number; name: string; colour?: string; description?: string }): ReviewTag {
  const t = getTag(ws.db, p.tag_id);
  const name = p.name.trim();
  assertFreeName(ws.db, name, t.id);
  ws.commit([['UPDATE tags SET name = ?, colour = ?, description = ? WHERE id = ?', [name, (p.colour ?? t.colour).toLowerCase(), p.description ?? t.description, t.id]]]);
  return getTag(ws.db, t.id);
}

/**
 * Merges tag `from` into `into`: reviews tagged `from` are tagged `into` (once), then `from` is deleted.
 * @returns the surviving tag
 * @throws LoupeError NOT_FOUND, BAD_REQUEST when both are the same tag
 */
export function mergeTags(ws: Workspace, from: number, into: number): ReviewTag {
  if (from === into) throw new LoupeError('BAD_REQUEST', 'Cannot merge a tag into itself.');
  getTag(ws.db, from);
  getTag(ws.db, into);
  ws.commit([
    ['INSERT OR IGNORE INTO review_tags (review_id, tag_id) SELECT review_id, ? FROM review_tags WHERE tag_id = ?', [into, from]],
    ['DELETE FROM review_tags WHERE tag_id = ?', [from]],
    ['DELETE FROM tags WHERE id = ?', [from]],
  ]);
  return getTag(ws.db, into);
}

/** The ISO week label (e.g. 2026-W47) of a UTC ms time in a zone. */
export function isoWeekOf(ts: number, zone: string): string {
  return DateTime.fromMillis(ts, { zone }).toFormat("kkkk-'W'WW");
}

/**
 * Items per tag per ISO week, by the request's time in the workspace zone (items without a time are left out).
 * @returns rows sorted by week, then tag name
 */
export function tagWeekly(db: Db, zone: string): TagWeekCount[] {
  const rows = db.all<{ tag_id: number; name: string; request_id: string; ts: number | null }>(`
    SELECT DISTINCT t.id AS tag_id, t.name, e.request_id, r.ts FROM review_tags rt JOIN tags t ON t.id = rt.tag_id
    JOIN (${EFFECTIVE_REVIEWS}) e ON e.id = rt.review_id JOIN requests r ON r.id = e.request_id`);
  const counts = new Map<string, TagWeekCount & { seen: Set<string> }>();
  for (const r of rows) {
    if (r.ts === null) continue;
    const week = isoWeekOf(r.ts, zone);
    const key = `${week}\u0000${r.tag_id}`;
    let c = counts.get(key);
    if (!c) counts.set(key, (c = { tag_id: r.tag_id, tag: r.name, week, items: 0, seen: new Set() }));
    if (!c.seen.has(r.request_id)) { c.seen.add(r.request_id); c.items++; }
  }
  return [...counts.values()].map(({ seen: _seen, ...c }) => c)
    .sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : a.tag.localeCompare(b.tag)));
}
