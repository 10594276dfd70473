/**
 * File-system errors met while writing a workspace (a save, a journal append, the lock), turned into errors a user
 * can act on: a stable code, a message naming the file and what happened to their work, and the next action.
 */
import path from 'node:path';
import { LoupeError } from '../../shared/errors';

/** What was being written when the error came; decides the message's first sentence. */
export type WriteWhat = 'save' | 'decision' | 'lock' | 'open';

const LEAD: Record<WriteWhat, string> = {
  save: 'The workspace could not be saved',
  decision: 'This change was not saved',
  lock: 'The workspace could not be locked for writing',
  open: 'The workspace could not be opened for writing',
};

/** What is still safe, per kind of write; said so the user knows nothing confirmed was lost. */
const SAFE: Record<WriteWhat, string> = {
  save: 'Nothing confirmed was lost: the file on disk is the last good save and every confirmed decision is in the journal beside it.',
  decision: 'Everything confirmed before it is on disk.',
  lock: 'Nothing was written.',
  open: 'Nothing was written.',
};

/** The errno code of an error, if it has one. */
export function errnoOf(e: unknown): string | undefined {
  return e && typeof e === 'object' && typeof (e as NodeJS.ErrnoException).code === 'string' ? (e as NodeJS.ErrnoException).code : undefined;
}

/**
 * A write error as a LoupeError: ENOSPC/EDQUOT → DISK_FULL, EROFS → READ_ONLY, EACCES/EPERM → PERMISSION_DENIED,
 * each naming `file`, saying what was kept and what to do; `details.errno` keeps the system code. LoupeErrors pass
 * through; other errors are returned unchanged.
 * @param e - what was thrown
 * @param file - the file being written (the workspace, its journal or its lock)
 * @param what - the kind of write
 */
export function writeError(e: unknown, file: string, what: WriteWhat): unknown {
  if (e instanceof LoupeError) return e;
  const errno = errnoOf(e);
  const dir = path.dirname(file);
  const details = { errno, file };
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new LoupeError('DISK_FULL', `${LEAD[what]}: the disk holding ${dir} is full (${errno}). ${SAFE[what]}`, {
        action: `Free some space on that disk${what === 'save' ? '; Loupe retries the save by itself' : ', then try again'}.`, details,
      });
    case 'EROFS':
      return new LoupeError('READ_ONLY', `${LEAD[what]}: the disk holding ${dir} is read-only (EROFS). ${SAFE[what]}`, {
        action: 'Copy the workspace to a disk you can write (or remount this one read-write), then open the copy.', details,
      });
    case 'EACCES':
    case 'EPERM':
      return new LoupeError('PERMISSION_DENIED', `${LEAD[what]}: permission denied writing ${file} (${errno}). ${SAFE[what]}`, {
        action: `Give your user write access to ${dir} and the workspace files in it, or copy the workspace to a folder you own.`, details,
      });
    default:
      return e;
  }
}

/**
 * A write error as a LoupeError whatever its kind: mapped by {@link writeError}, or INTERNAL carrying the system
 * message and code when the error is not one of the known kinds.
 */
export function asWriteError(e: unknown, file: string, what: WriteWhat): LoupeError {
  const m = writeError(e, file, what);
  if (m instanceof LoupeError) return m;
  const msg = m instanceof Error ? m.message : String(m);
  return new LoupeError('INTERNAL', `${LEAD[what]}: ${msg}. ${SAFE[what]}`, { details: { errno: errnoOf(m), file } });
}
