/**
 * Numbered, forward-only migrations, statically imported and recorded in `PRAGMA user_version`. All pending ones
 * run in one transaction. A workspace whose user_version is above {@link LATEST_VERSION} was written by a newer
 * Loupe and is refused (Signal Desktop's rule).
 */
import type { Db } from '../db';
import { LoupeError } from '../../../shared/errors';
import { sql as m001 } from './001-core';
import { up as m002 } from './002-review';
import { sql as m003 } from './003-import-duplicates';
import { up as m004 } from './004-import-accounting';
import { up as m005 } from './005-prices-scrub';
import { sql as m006 } from './006-feedback-search';
import { up as m007 } from './007-alerts';
import { up as m008 } from './008-summaries';
import { sql as m009 } from './009-status-index';
import { up as m010 } from './010-status-feedback-summaries';
import { up as m011 } from './011-feedback-other-counts';
import { up as m012 } from './012-cache-write-1h';
import { up as m013 } from './013-status-counts';
import { up as m014 } from './014-feedback-automated';
import { up as m015 } from './015-feedback-measure';

/** One migration: its number and the SQL or function that moves the schema from number-1 to number. */
export interface Migration { version: number; name: string; up: string | ((db: Db) => void) }

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'core', up: m001 },
  { version: 2, name: 'review', up: m002 },
  { version: 3, name: 'import-duplicates', up: m003 },
  { version: 4, name: 'import-accounting', up: m004 },
  { version: 5, name: 'prices-scrub', up: m005 },
  { version: 6, name: 'feedback-search', up: m006 },
  { version: 7, name: 'alerts', up: m007 },
  { version: 8, name: 'summaries', up: m008 },
  { version: 9, name: 'status-index', up: m009 },
  { version: 10, name: 'status-feedback-summaries', up: m010 },
  { version: 11, name: 'feedback-other-counts', up: m011 },
  { version: 12, name: 'cache-write-1h', up: m012 },
  { version: 13, name: 'status-counts', up: m013 },
  { version: 14, name: 'feedback-automated', up: m014 },
  { version: 15, name: 'feedback-measure', up: m015 },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings a database to {@link LATEST_VERSION}.
 * @param target - stop at this version (tests migrate step by step)
 * @returns the versions applied
 * @throws LoupeError WORKSPACE_TOO_NEW when the file's version is newer than this Loupe knows
 */
export function migrate(db: Db, target = LATEST_VERSION, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const current = db.value<number>('PRAGMA user_version') ?? 0;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new LoupeError('WORKSPACE_TOO_NEW',
      `This workspace was written by a newer version of Loupe (schema ${current}; this Loupe knows up to ${latest}).`,
      { action: 'Update Loupe, or open another workspace.' });
  }
  const pending = migrations.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return [];
  db.tx(() => {
    for (const m of pending) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.exec(`PRAGMA user_version = ${m.version}`);
    }
  });
  return pending.map((m) => m.version);
}
