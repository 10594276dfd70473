/**
 * The shape of `window.loupe`: what the Electron preload exposes to the renderer, and what the browser-mode server's
 * HTTP API mirrors. Pure types plus two name lists; no electron, node or DOM imports, so the renderer can type
 * `window.loupe` from here.
 *
 * Results cross the boundary as data ({@link BridgeResult}): a thrown error loses everything but its message over
 * Electron IPC, so the stable `code` and `action` travel inside the result instead.
 */
import type { EventMap, EventName, MethodName, ParamsOf, ResultOf } from './contract';
import type { LoupeErrorData } from './errors';
import type { WorkspaceInfo } from './types';

/** A call's outcome as data: the result, or an error with a stable code. */
export type BridgeResult<T> = { ok: true; result: T } | { ok: false; error: LoupeErrorData };

/** Every store event name, for relays that subscribe to all of them. The check below keeps it complete. */
export const EVENT_NAMES = ['import.progress', 'import.finished', 'tables.changed', 'workspace.saveStatus', 'store.status'] as const satisfies readonly EventName[];
type MissingEvent = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
// A compile error here means an event was added to EventMap without being added to EVENT_NAMES.
export const EVENT_NAMES_COMPLETE: [MissingEvent] extends [never] ? true : never = true;

/** A file the shell registered with the store (dialog, drop or upload); the renderer only ever holds the id. */
export interface RegisteredFile {
  file_id: string;
  /** The original file name, e.g. "requests.jsonl.gz". */
  name: string;
  /** Size in bytes. */
  bytes: number;
}

/**
 * What the renderer shows at start and after the workspace changes. `workspace` null with `error` set means the
 * workspace could not be opened (WORKSPACE_CORRUPT / WORKSPACE_TOO_NEW / WORKSPACE_MISSING ...): the renderer shows
 * a blocking screen with "Copy error" and, in Electron, "Open another…" (`loupe.openWorkspace()`).
 * Both null means no workspace is open yet (offer New / Open).
 */
export interface StartupState {
  mode: 'electron' | 'browser';
  workspace: WorkspaceInfo | null;
  error: LoupeErrorData | null;
}

/** Events only the Electron shell sends (menus and dialogs in main), besides the store's {@link EventMap}. */
export interface ShellEventMap {
  /** Files chosen with File ▸ Import files… (menu) were registered; the renderer should start the import flow. */
  'shell.filesChosen': { files: RegisteredFile[] };
  /** The open workspace changed (New / Open / Open recent) or failed to open; same shape as getStartupState(). */
  'shell.workspaceChanged': StartupState;
}
export type ShellEventName = keyof ShellEventMap;
export const SHELL_EVENT_NAMES = ['shell.filesChosen', 'shell.workspaceChanged'] as const satisfies readonly ShellEventName[];
type MissingShellEvent = Exclude<ShellEventName, (typeof SHELL_EVENT_NAMES)[number]>;
export const SHELL_EVENT_NAMES_COMPLETE: [MissingShellEvent] extends [never] ? true : never = true;

/** Every event `window.loupe.on` accepts. */
export type BridgeEventMap = EventMap & ShellEventMap;
export type BridgeEventName = keyof BridgeEventMap;

/** One function per contract method, keyed by the method name: `window.loupe['requests.query']({ limit: 50 })`. */
export type BridgeMethods = { [M in MethodName]: (params: ParamsOf<M>) => Promise<BridgeResult<ResultOf<M>>> };

/**
 * A dropped file as the renderer holds it (a DOM `File`). Typed structurally because shared/ has no DOM types; the
 * preload turns it into a path with `webUtils.getPathForFile`, which only works on real `File` objects.
 */
export interface DroppedFile { readonly name: string; readonly size: number }

/** The object the Electron preload exposes as `window.loupe`. */
export interface LoupeBridge extends BridgeMethods {
  /** Subscribes to a store or shell event. @returns unsubscribe */
  on<E extends BridgeEventName>(event: E, cb: (payload: BridgeEventMap[E]) => void): () => void;
  /** The open workspace, or why none could be opened. Never rejects. */
  getStartupState(): Promise<StartupState>;
  /** Opens the native file dialog and registers the chosen files; an empty list when cancelled. */
  chooseImportFiles(): Promise<BridgeResult<RegisteredFile[]>>;
  /** Registers files dropped on the window (DOM `File` objects from a drop event); refuses folders and missing files. */
  filesDropped(files: readonly DroppedFile[]): Promise<BridgeResult<RegisteredFile[]>>;
  /** Asks where to create a new workspace and opens it; `result` null when cancelled. */
  newWorkspace(): Promise<BridgeResult<StartupState | null>>;
  /** Asks for a workspace file and opens it; `result` null when cancelled. */
  openWorkspace(): Promise<BridgeResult<StartupState | null>>;
  /** Shows the workspace file in the system file manager. */
  revealWorkspace(): Promise<BridgeResult<null>>;
  /**
   * The blocking screen's "Keep the valid entries": reopens the workspace that was refused with JOURNAL_DAMAGED,
   * keeping every valid journal entry (the journal is copied aside first). Resolves to the new startup state.
   */
  keepValidJournal(): Promise<BridgeResult<StartupState>>;
}

/** The IPC channel names main and preload share; every one is prefixed `loupe:` and handled in main only. */
export const IPC = {
  call: 'loupe:call',
  event: 'loupe:event',
  startupState: 'loupe:startup-state',
  chooseImportFiles: 'loupe:choose-import-files',
  filesDropped: 'loupe:files-dropped',
  newWorkspace: 'loupe:new-workspace',
  openWorkspace: 'loupe:open-workspace',
  revealWorkspace: 'loupe:reveal-workspace',
  keepValidJournal: 'loupe:keep-valid-journal',
} as const;
