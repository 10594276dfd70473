/**
 * Whether an import really changed a stored row whose id the file repeats. An import counts each id by its first
 * occurrence in the file (new, updated or unchanged); its later occurrences are in-file duplicates. When the id
 * repeats, what the first occurrence did is not what the import did: a file holding the stored state of an id and
 * then an older one (or the reverse) writes the row twice and leaves it as it was, or leaves it alone the first time
 * and changes it the second. Re-imported, such a file read "1 updated" though nothing had changed.
 *
 * So while the rows are written, a temporary trigger keeps a signature of each stored row's state before this
 * import first changed it (its pre-image; rows the import inserted have none), and at the end a repeated id counts
 * as updated exactly when its row's signature differs from that pre-image. The trigger fires only on real updates
 * (the upsert leaves an identical row alone), so a new import or an identical re-import pays nothing for it, and it
 * keeps a 40-character hash per changed row, not the row.
 */
import { createHash } from 'node:crypto';
import type { RecordKind } from '../../../shared/types';
import type { Db } from '../db';
import { COLUMNS } from './packed';

const KINDS: readonly RecordKind[] = ['requests', 'feedback', 'tickets'];
const SIG_FN = 'loupe_row_state_sig';
const TABLE = 'temp.loupe_import_preimage';
/**
 * Stored requests whose output, time or status the import replaced with another (see PreimageTracker.replacedOutputs
 * and PreimageTracker.changedStored): one row per request, a flag per column, the time's move in ms.
 */
const REPLACED = 'temp.loupe_import_replaced';

/** The columns whose values make a row's state: all an import writes except its id and `import_id`. */
function stateColumns(kind: RecordKind): string[] {
  return COLUMNS[kind].filter((c) => c !== 'id' && c !== 'import_id');
}

/**
 * A signature of a row's state: SHA-1, as hex, of its values as SQLite's `json_array` writes them (text quoted,
 * numbers bare: 1 and '1' differ, as they do to the upsert's `IS NOT`). One argument, since sql.js registers a
 * function with as many arguments as its declared parameters.
 */
function signature(state: unknown): string {
  return createHash('sha1').update(String(state)).digest('hex');
}

/** Pre-images kept while an import writes its rows; see the module comment. */
export interface PreimageTracker {
  /** Drops the triggers (before linking and summaries, whose own updates are not the file's). Idempotent. */
  stop(): void;
  /**
   * What the import did to the row of `id`, judged by its state now against its state before the import.
   * @returns 'inserted' when the import created it, 'updated' when its state differs from before the import,
   *   'unchanged' otherwise (or when no row has the id: a row the table refused)
   */
  outcome(kind: RecordKind, id: string): 'inserted' | 'updated' | 'unchanged';
  /**
   * Stored requests whose model output this import replaced with a different one (both non-empty): the file reuses
   * their ids for other requests (batch custom_ids are unique only within one batch), or re-exports changed answers.
   * @returns how many, and the first few ids (by rowid)
   */
  replacedOutputs(): { count: number; examples: string[] };
  /**
   * Stored requests whose time (`ts`) or status this import changed from one value to another (neither null): a
   * re-export that corrects them, or a file of something else (an annotation tool's records) that reuses their ids.
   * @returns per column how many, the largest move of a time in ms, and the first few ids (by rowid)
   */
  changedStored(): { moved: { count: number; maxMs: number; examples: string[] }; status: { count: number; examples: string[] } };
  /** Drops the triggers, the table and the function. Idempotent; call it whatever the import's outcome. */
  dispose(): void;
}

/**
 * Starts keeping pre-images of the rows of every kind an import may write. Call inside the import's transaction,
 * before its first row: the temporary table and triggers go with a rollback.
 * @param db - the workspace, in the import's transaction
 * @returns the tracker, whose {@link PreimageTracker.dispose} must be called when the import ends
 */
export function trackPreimages(db: Db): PreimageTracker {
  const maxRowid = new Map<RecordKind, number>();
  for (const k of KINDS) maxRowid.set(k, db.value<number>(`SELECT coalesce(max(rowid), 0) FROM ${k}`) ?? 0);
  db.raw.create_function(SIG_FN, signature);
  db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (kind INTEGER NOT NULL, rid INTEGER NOT NULL, sig TEXT NOT NULL, PRIMARY KEY (kind, rid)) WITHOUT ROWID`);
  db.exec(`DELETE FROM ${TABLE}`);
  db.exec(`CREATE TABLE IF NOT EXISTS ${REPLACED} (rid INTEGER PRIMARY KEY, output INTEGER NOT NULL DEFAULT 0, ts INTEGER NOT NULL DEFAULT 0, status INTEGER NOT NULL DEFAULT 0, moved_ms INTEGER NOT NULL DEFAULT 0)`);
  db.exec(`DELETE FROM ${REPLACED}`);
  let triggers = false;
  const createTriggers = () => {
    KINDS.forEach((k, code) => {
      const cols = stateColumns(k).map((c) => `OLD.${c}`).join(', ');
      // json_array(…) in SQL, so the function gets one argument.
      // Only rows stored before this import (their rowid is at most the largest then), and only the first
      // pre-image, the state before the import's first change. (Not INSERT OR IGNORE: in a trigger, the upsert's
      // own conflict handling would override it.)
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS loupe_import_preimage_${k} BEFORE UPDATE ON main.${k}
        WHEN OLD.rowid <= ${maxRowid.get(k)!} AND NOT EXISTS (SELECT 1 FROM ${TABLE} WHERE kind = ${code} AND rid = OLD.rowid)
        BEGIN INSERT INTO ${TABLE} (kind, rid, sig) VALUES (${code}, OLD.rowid, ${SIG_FN}(json_array(${cols}))); END`);
    });
    // The first change of each stored request (its state before the import against what the file wrote).
    const outputChanged = "coalesce(OLD.output, '') <> '' AND coalesce(NEW.output, '') <> '' AND OLD.output IS NOT NEW.output";
    const tsChanged = 'OLD.ts IS NOT NULL AND NEW.ts IS NOT NULL AND OLD.ts <> NEW.ts';
    const statusChanged = 'OLD.status IS NOT NULL AND NEW.status IS NOT NULL AND OLD.status <> NEW.status';
    db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS loupe_import_changed_requests BEFORE UPDATE OF output, ts, status ON main.requests
      WHEN OLD.rowid <= ${maxRowid.get('requests')!} AND ((${outputChanged}) OR (${tsChanged}) OR (${statusChanged}))
        AND NOT EXISTS (SELECT 1 FROM ${REPLACED} WHERE rid = OLD.rowid)
      BEGIN INSERT INTO ${REPLACED} (rid, output, ts, status, moved_ms) VALUES (OLD.rowid, coalesce(${outputChanged}, 0), coalesce(${tsChanged}, 0), coalesce(${statusChanged}, 0),
        CASE WHEN ${tsChanged} THEN abs(NEW.ts - OLD.ts) ELSE 0 END); END`);
    triggers = true;
  };
  const stop = () => {
    if (!triggers) return;
    for (const k of KINDS) db.exec(`DROP TRIGGER IF EXISTS temp.loupe_import_preimage_${k}`);
    db.exec('DROP TRIGGER IF EXISTS temp.loupe_import_changed_requests');
    triggers = false;
  };
  createTriggers();
  return {
    stop,
    outcome(kind, id) {
      const rid = db.value<number>(`SELECT rowid FROM ${kind} WHERE id = ?`, [id]);
      if (rid === undefined) return 'unchanged';
      if (rid > maxRowid.get(kind)!) return 'inserted';
      const pre = db.value<string>(`SELECT sig FROM ${TABLE} WHERE kind = ? AND rid = ?`, [KINDS.indexOf(kind), rid]);
      if (pre === undefined) return 'unchanged'; // never updated by this import
      const now = db.value<string>(`SELECT ${SIG_FN}(json_array(${stateColumns(kind).join(', ')})) FROM ${kind} WHERE rowid = ?`, [rid]);
      return pre !== now ? 'updated' : 'unchanged';
    },
    replacedOutputs() {
      const count = db.value<number>(`SELECT count(*) FROM ${REPLACED} WHERE output = 1`) ?? 0;
      const examples = count === 0 ? [] : db.all<{ id: string }>(`SELECT r.id FROM ${REPLACED} x JOIN main.requests r ON r.rowid = x.rid WHERE x.output = 1 ORDER BY x.rid LIMIT 3`).map((r) => r.id);
      return { count, examples };
    },
    changedStored() {
      const of = (col: 'ts' | 'status') => {
        const count = db.value<number>(`SELECT count(*) FROM ${REPLACED} WHERE ${col} = 1`) ?? 0;
        const examples = count === 0 ? [] : db.all<{ id: string }>(`SELECT r.id FROM ${REPLACED} x JOIN main.requests r ON r.rowid = x.rid WHERE x.${col} = 1 ORDER BY x.rid LIMIT 3`).map((r) => r.id);
        return { count, examples };
      };
      return { moved: { ...of('ts'), maxMs: db.value<number>(`SELECT coalesce(max(moved_ms), 0) FROM ${REPLACED}`) ?? 0 }, status: of('status') };
    },
    dispose() {
      try {
        stop();
        db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
        db.exec(`DROP TABLE IF EXISTS ${REPLACED}`);
      } catch {
        // The transaction was rolled back with them, or the database is closed: nothing is left to drop.
      }
    },
  };
}
