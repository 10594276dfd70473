/**
 * Electron main: one process that owns the window, menus, dialogs and the store worker, and relays the contract
 * between the renderer (over IPC, through the preload's `window.loupe`) and the worker. It never touches the
 * database itself.
 *
 * Every IPC payload is checked twice: the sender must be our window's top frame on `app://loupe/`, and params are
 * validated with the contract's zod schema before they reach the store. Results and errors cross as data
 * (`{ ok, result | error }`), because a thrown error loses its code over IPC.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app, dialog, ipcMain, Menu, session, shell,
  type BrowserWindow, type IpcMainInvokeEvent, type MenuItemConstructorOptions,
} from 'electron';
import { EVENT_NAMES, IPC, type BridgeEventMap, type BridgeEventName, type BridgeResult, type RegisteredFile, type StartupState } from '../../shared/bridge';
import { METHOD_NAMES, parseParams, type MethodName } from '../../shared/contract';
import { LoupeError, toErrorData } from '../../shared/errors';
import { StoreClient } from '../store/client';
import { APP_ORIGIN, APP_URL, handleAppScheme, registerAppScheme } from './app-protocol';
import { addRecent, clearRecent, readRecent } from './recent-workspaces';
import { parseShellArgs, validateDroppedPaths } from './shell-input';
import { createWindow } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(here, '../web');
const preloadPath = path.join(here, 'preload.cjs');
const readmePath = path.resolve(here, '../../README.md');
const isDev = !app.isPackaged;
const WORKSPACE_FILTERS = [{ name: 'Loupe workspace', extensions: ['sqlite', 'loupe', 'db'] }, { name: 'All files', extensions: ['*'] }];
const IMPORT_FILTERS = [
  { name: 'Logs, feedback and tickets', extensions: ['jsonl', 'ndjson', 'json', 'csv', 'tsv', 'txt', 'gz'] },
  { name: 'All files', extensions: ['*'] },
];

// Tests and side-by-side profiles point userData elsewhere; it must be set before anything reads it (the
// single-instance lock lives there too).
if (process.env.LOUPE_USER_DATA) app.setPath('userData', path.resolve(process.env.LOUPE_USER_DATA));

let store: StoreClient | null = null;
let win: BrowserWindow | null = null;
let state: StartupState = { mode: 'electron', workspace: null, error: null };
let ready: Promise<void> = Promise.resolve();
let storeClosed = false;
let pendingOpenFile: string | null = null;
/** The workspace last asked for, so the blocking screen can retry it keeping the valid journal entries. */
let lastAttempt: string | null = null;

installLastResortHandlers();
registerAppScheme();
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Loupe owns the workspace files; it gets our argv through 'second-instance' and opens what we were asked.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const args = parseShellArgs(argv, workingDirectory);
    if (args.workspace) void openWorkspaceAt(args.workspace, true);
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  // macOS: a workspace double-clicked in Finder (before or after start).
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (store) void openWorkspaceAt(file, false);
    else pendingOpenFile = file;
  });
  app.whenReady().then(start, (e: unknown) => fatal(e));
}

async function start(): Promise<void> {
  hardenSessions();
  handleAppScheme(webRoot);
  registerIpc();
  store = StoreClient.start();
  for (const name of EVENT_NAMES) store.on(name, (payload) => send(name, payload));

  const userData = app.getPath('userData');
  const args = parseShellArgs(process.argv, process.cwd());
  const recent = readRecent(userData);
  // Precedence: what the user asked for now, then what was open last time, then npm start's demo, then a fresh
  // workspace in the profile folder so a first launch always has somewhere to import into.
  const [initial, create] = pendingOpenFile ? [pendingOpenFile, false]
    : args.workspace ? [args.workspace, true]
      : recent[0] ? [recent[0], false]
        : args.defaultWorkspace ? [args.defaultWorkspace, true]
          : [path.join(userData, 'Loupe workspace.sqlite'), true];
  ready = openWorkspaceAt(initial, create).then(() => undefined);

  buildMenu();
  win = createMainWindow();
  app.on('activate', () => { if (!win) win = createMainWindow(); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });
  app.on('before-quit', (event) => {
    if (storeClosed || !store) return;
    // Checkpoint the workspace before the process goes; the quit resumes once the worker has closed it.
    event.preventDefault();
    const s = store;
    store = null;
    s.close().catch(() => undefined).finally(() => { storeClosed = true; app.quit(); });
  });
}

function createMainWindow(): BrowserWindow {
  const w = createWindow({ preload: preloadPath, devTools: isDev });
  w.on('closed', () => { if (win === w) win = null; });
  updateTitle(w);
  return w;
}

/**
 * Opens (or with `create`, creates) a workspace in the worker and tells the renderer. A failure is kept as the
 * startup state's error so the renderer shows its blocking screen ("Copy error", "Open another…").
 */
async function openWorkspaceAt(file: string, create: boolean, keepValidJournal = false): Promise<StartupState> {
  lastAttempt = file;
  try {
    const workspace = await client().call('internal.open', { path: file, create, ...(keepValidJournal ? { keep_valid_journal: true } : {}) });
    state = { mode: 'electron', workspace, error: null };
    addRecent(app.getPath('userData'), workspace.path);
  } catch (e) {
    state = { mode: 'electron', workspace: null, error: toErrorData(e) };
  }
  if (win) updateTitle(win);
  buildMenu();
  send('shell.workspaceChanged', state);
  return state;
}

async function currentState(): Promise<StartupState> {
  await ready;
  if (state.workspace) {
    // The counts move with every import; hand out fresh ones.
    try { state = { ...state, workspace: await client().call('workspace.info', {}) }; } catch { /* keep the last known info */ }
  }
  return state;
}

function client(): StoreClient {
  if (!store) throw new LoupeError('INTERNAL', 'The store is not running (Loupe is quitting).');
  return store;
}

function send<E extends BridgeEventName>(event: E, payload: BridgeEventMap[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(IPC.event, event, payload);
}

function updateTitle(w: BrowserWindow): void {
  const file = state.workspace?.path;
  w.setTitle(file ? `${path.basename(file)} — Loupe` : 'Loupe');
  if (process.platform === 'darwin') w.setRepresentedFilename(file ?? '');
}

// ---- IPC -------------------------------------------------------------------------------------------------------

/** True only for calls from our own window's top frame showing `app://loupe/`. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!win && !win.isDestroyed() && event.sender === win.webContents
    && !!frame && frame.parent === null && frame.url.startsWith(APP_URL);
}

/** Registers an invoke handler that checks the sender and wraps the outcome as {@link BridgeResult} data. */
function handle<R>(channel: string, fn: (...args: unknown[]) => Promise<R>): void {
  ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<BridgeResult<R>> => {
    if (!isTrustedSender(event)) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This call did not come from the Loupe window.' } };
    try {
      return { ok: true, result: await fn(...args) };
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  });
}

function registerIpc(): void {
  handle(IPC.call, async (name, params) => {
    if (typeof name !== 'string' || !(METHOD_NAMES as string[]).includes(name)) {
      throw new LoupeError('BAD_REQUEST', `Unknown method "${String(name)}".`);
    }
    const p = parseParams<MethodName>(name, params);
    // The window is the app's own screen: the store serves it before callers that keep it busy (scheduler.ts).
    return client().call(p.method, p.params as never, { client: 'ui' });
  });
  ipcMain.handle(IPC.startupState, async (event): Promise<StartupState> => {
    if (!isTrustedSender(event)) return { mode: 'electron', workspace: null, error: { code: 'UNAUTHORIZED', message: 'This call did not come from the Loupe window.' } };
    return currentState();
  });
  handle(IPC.chooseImportFiles, () => chooseImportFiles());
  handle(IPC.filesDropped, (paths) => registerFiles(validateDroppedPaths(paths)));
  handle(IPC.newWorkspace, () => newWorkspace());
  handle(IPC.openWorkspace, () => openWorkspace());
  handle(IPC.keepValidJournal, async () => {
    if (state.error?.code !== 'JOURNAL_DAMAGED' || !lastAttempt) throw new LoupeError('BAD_REQUEST', 'There is no damaged journal to repair.');
    return openWorkspaceAt(lastAttempt, false, true);
  });
  handle(IPC.revealWorkspace, async () => {
    revealWorkspace();
    return null;
  });
}

// ---- Shell actions (shared by IPC and the menu) -------------------------------------------------------------------

async function registerFiles(paths: string[]): Promise<RegisteredFile[]> {
  const out: RegisteredFile[] = [];
  for (const p of paths) {
    const r = await client().call('internal.registerFile', { path: p, name: path.basename(p), delete_after: false });
    out.push({ file_id: r.file_id, name: r.name, bytes: r.bytes });
  }
  return out;
}

async function chooseImportFiles(): Promise<RegisteredFile[]> {
  await ready;
  if (!state.workspace) throw new LoupeError('WORKSPACE_NOT_OPEN', 'Open a workspace before importing files.', { action: 'Use File ▸ Open workspace… or New workspace….' });
  const opts = { title: 'Import files into the workspace', properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'>, filters: IMPORT_FILTERS };
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  if (r.canceled || r.filePaths.length === 0) return [];
  // The store checks each chosen path is an existing regular file when it registers it.
  return registerFiles(r.filePaths);
}

async function newWorkspace(): Promise<StartupState | null> {
  const opts = { title: 'New workspace', buttonLabel: 'Create', defaultPath: path.join(app.getPath('documents'), 'Weekly review.sqlite'), filters: WORKSPACE_FILTERS };
  const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
  if (r.canceled || !r.filePath) return null;
  let file = r.filePath;
  if (path.extname(file) === '') file += '.sqlite';
  if (fs.existsSync(file)) {
    // Never replace a user's file: the save dialog's "Replace?" is not a promise we want to keep for a workspace.
    const answer = await messageBox({
      type: 'question', buttons: ['Open it', 'Cancel'], defaultId: 0, cancelId: 1,
      message: `${path.basename(file)} already exists.`, detail: 'Loupe does not overwrite files. Open the existing workspace instead?',
    });
    if (answer !== 0) return null;
    return openWorkspaceAt(file, false);
  }
  return openWorkspaceAt(file, true);
}

async function openWorkspace(): Promise<StartupState | null> {
  const opts = { title: 'Open workspace', properties: ['openFile'] as Array<'openFile'>, filters: WORKSPACE_FILTERS };
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  const file = r.filePaths[0];
  if (r.canceled || !file) return null;
  return openWorkspaceAt(file, false);
}

function revealWorkspace(): void {
  const file = state.workspace?.path;
  if (!file) throw new LoupeError('WORKSPACE_NOT_OPEN', 'No workspace is open.', { action: 'Open or create a workspace.' });
  shell.showItemInFolder(file);
}

/** File ▸ Print: the system print dialog for the window (backgrounds printed, so chart cards and table heads show). */
function printWindow(): void {
  if (!win || win.isDestroyed()) throw new LoupeError('INTERNAL', 'There is no window to print.');
  win.webContents.print({ printBackground: true }, (ok, reason) => {
    if (!ok && reason !== 'cancelled') void messageBox({ type: 'error', message: 'Printing failed.', detail: reason });
  });
}

async function messageBox(opts: Electron.MessageBoxOptions): Promise<number> {
  const r = win ? await dialog.showMessageBox(win, opts) : await dialog.showMessageBox(opts);
  return r.response;
}

/** Runs a menu action; failures become a dialog, since the menu has no inline place to show them. */
function menuAction(fn: () => Promise<unknown> | void): () => void {
  return () => {
    Promise.resolve().then(fn).catch((e: unknown) => {
      const d = toErrorData(e);
      void messageBox({ type: 'error', message: d.message, detail: [d.action, `Code: ${d.code}`].filter(Boolean).join('\n') });
    });
  };
}

// ---- Menu --------------------------------------------------------------------------------------------------------

function buildMenu(): void {
  const isMac = process.platform === 'darwin';
  const recent = readRecent(app.getPath('userData'));
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  const recentItems: MenuItemConstructorOptions[] = recent.length === 0
    ? [{ label: 'No recent workspaces', enabled: false }]
    : [
      ...recent.map((p): MenuItemConstructorOptions => ({ label: p, click: menuAction(() => openWorkspaceAt(p, false)) })),
      sep,
      { label: 'Clear recent', click: menuAction(() => { clearRecent(app.getPath('userData')); buildMenu(); }) },
    ];
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New workspace…', accelerator: 'CmdOrCtrl+N', click: menuAction(() => newWorkspace()) },
        { label: 'Open workspace…', accelerator: 'CmdOrCtrl+O', click: menuAction(() => openWorkspace()) },
        { label: 'Open recent', submenu: recentItems },
        sep,
        {
          label: 'Import files…', accelerator: 'CmdOrCtrl+I', enabled: !!state.workspace,
          click: menuAction(async () => {
            const files = await chooseImportFiles();
            if (files.length > 0) send('shell.filesChosen', { files });
          }),
        },
        { label: 'Reveal workspace file', accelerator: 'CmdOrCtrl+Alt+R', enabled: !!state.workspace, click: menuAction(() => revealWorkspace()) },
        sep,
        // Prints the current screen; on the Report screen its print styles leave the report preview alone on paper.
        { label: 'Print…', accelerator: 'CmdOrCtrl+P', enabled: !!state.workspace, click: menuAction(() => printWindow()) },
        sep,
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        ...(isDev ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
        sep,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        sep,
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'About Loupe',
          click: menuAction(() => messageBox({
            type: 'info', message: `Loupe ${app.getVersion()}`,
            detail: `Local-first weekly review of AI system outputs.\nElectron ${process.versions.electron}, Chromium ${process.versions.chrome}, Node ${process.versions.node}.`,
          })),
        },
        {
          label: 'Open README',
          click: menuAction(async () => {
            if (!fs.existsSync(readmePath)) throw new LoupeError('NOT_FOUND', `The README is not installed (${readmePath}).`);
            const err = await shell.openPath(readmePath);
            if (err) throw new LoupeError('INTERNAL', `Could not open the README: ${err}`);
          }),
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

// ---- Hardening and last resort -----------------------------------------------------------------------------------

/** Denies every permission (camera, notifications, geolocation…) except writing text to the clipboard from our own
 * page, which the blocking error screen's "Copy error" needs. Refuses webviews and new windows from any contents. */
function hardenSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((wc, permission, callback) => {
    callback(permission === 'clipboard-sanitized-write' && wc.getURL().startsWith(APP_URL));
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permission === 'clipboard-sanitized-write' && requestingOrigin.startsWith(APP_ORIGIN));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** The last tier of error handling: anything main did not expect gets a native dialog instead of a silent death. */
function installLastResortHandlers(): void {
  const show = (e: unknown) => {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    console.error(text);
    if (app.isReady()) {
      dialog.showErrorBox('Loupe hit an unexpected error', `${text}\n\nChanges already saved in the workspace are kept. If Loupe misbehaves, restart it.`);
    }
  };
  process.on('uncaughtException', show);
  process.on('unhandledRejection', show);
}

function fatal(e: unknown): void {
  dialog.showErrorBox('Loupe could not start', e instanceof Error ? (e.stack ?? e.message) : String(e));
  app.exit(1);
}
