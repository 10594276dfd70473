/**
 * Errors that cross a boundary (worker → main → renderer, server → browser, store → CLI) travel as data with a
 * stable code, never as thrown Error objects (those lose everything but `message` when structured-cloned).
 */

/** Stable error codes. Scripts and the UI branch on these; never rename one. */
export const ERROR_CODES = [
  'BAD_REQUEST', // payload failed validation
  'NOT_FOUND', // a record, file handle, job or queue that does not exist
  'WORKSPACE_NOT_OPEN',
  'WORKSPACE_MISSING', // the workspace file does not exist
  'WORKSPACE_CORRUPT', // not an SQLite file, or failed integrity check
  'WORKSPACE_TOO_NEW', // written by a newer Loupe (user_version above ours)
  'WORKSPACE_TOO_LARGE', // an import would take the workspace past the safe ceiling
  'WORKSPACE_CHANGED_ON_DISK', // another program wrote the open workspace file in place: reads and saves stop; reopen it
  'IMPORT_UNREADABLE',
  'IMPORT_TRUNCATED',
  'IMPORT_FILE_CHANGED', // the file being imported changed (shrank, grew, was rewritten) while it was read: nothing imported
  'IMPORT_ENCODING',
  'IMPORT_NOT_RECOGNISED', // no mappable fields, unknown format
  'IMPORT_EMPTY',
  'IMPORT_CANCELLED',
  'IMPORT_BUSY', // another import is running
  'CONFLICT',
  'UNAUTHORIZED', // browser mode: missing or wrong token
  'DISK_FULL', // ENOSPC (or a quota): nothing confirmed was lost; free space and retry
  'READ_ONLY', // the workspace file is read-only (chmod 444) or on a read-only disk (EROFS): refused, never rewritten
  'PERMISSION_DENIED', // EACCES/EPERM on a file Loupe must write (the workspace, its journal or lock, a save)
  'JOURNAL_DAMAGED', // a journal entry cannot be applied; details name its line and what would be kept
  'STORE_RESTARTED', // the store worker died and was restarted; the call that was running did not complete
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire shape of an error. `action` is a next step a user can take, shown beside the message. */
export interface LoupeErrorData {
  code: ErrorCode;
  message: string;
  action?: string;
  details?: unknown;
}

/** An Error subclass carrying a stable code; converted to {@link LoupeErrorData} at every boundary. */
export class LoupeError extends Error {
  readonly code: ErrorCode;
  readonly action?: string;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, opts: { action?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LoupeError';
    this.code = code;
    if (opts.action !== undefined) this.action = opts.action;
    if (opts.details !== undefined) this.details = opts.details;
  }

  /** The serialisable form sent across process boundaries. */
  toData(): LoupeErrorData {
    const d: LoupeErrorData = { code: this.code, message: this.message };
    if (this.action !== undefined) d.action = this.action;
    if (this.details !== undefined) d.details = this.details;
    return d;
  }
}

/**
 * Converts anything thrown into wire data. Unknown errors become INTERNAL with their message kept.
 * @param err - whatever was caught
 * @returns the {@link LoupeErrorData} to send
 */
export function toErrorData(err: unknown): LoupeErrorData {
  if (err instanceof LoupeError) return err.toData();
  if (isErrorData(err)) return { code: err.code, message: err.message, ...(err.action ? { action: err.action } : {}), ...(err.details !== undefined ? { details: err.details } : {}) };
  if (err instanceof Error) {
    if (err.name === 'AbortError') return { code: 'IMPORT_CANCELLED', message: 'The import was cancelled; the workspace is unchanged.' };
    return { code: 'INTERNAL', message: err.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}

/** Rebuilds a throwable {@link LoupeError} from wire data (client side). */
export function fromErrorData(d: LoupeErrorData): LoupeError {
  return new LoupeError(d.code, d.message, { action: d.action, details: d.details });
}

/** True when `v` has the wire shape of an error (a known code and a message). */
export function isErrorData(v: unknown): v is LoupeErrorData {
  return !!v && typeof v === 'object' && typeof (v as { code?: unknown }).code === 'string'
    && (ERROR_CODES as readonly string[]).includes((v as { code: string }).code)
    && typeof (v as { message?: unknown }).message === 'string';
}
