/**
 * The preload: exposes ONE object, `window.loupe` (typed as {@link LoupeBridge} in shared/bridge.ts), made of named
 * functions generated from the contract's method names, an `on(event, cb)` limited to known event names, and the
 * shell's file and workspace actions. It never exposes `ipcRenderer` or a generic channel invoke, so a compromised
 * page can only call what the contract lists, and main validates every payload again.
 *
 * Runs sandboxed (bundled to CommonJS as dist/node/preload.cjs; only `electron` stays external).
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  EVENT_NAMES, IPC, SHELL_EVENT_NAMES, type BridgeMethods, type DroppedFile, type LoupeBridge,
} from '../../shared/bridge';
import { METHOD_NAMES } from '../../shared/contract';

const methods = Object.fromEntries(
  METHOD_NAMES.map((name) => [name, (params: unknown) => ipcRenderer.invoke(IPC.call, name, params)]),
) as unknown as BridgeMethods;

const knownEvents = new Set<string>([...EVENT_NAMES, ...SHELL_EVENT_NAMES]);
const listeners = new Map<string, Set<(payload: unknown) => void>>();

// One IPC listener for all events: the page's callbacks never see the IPC event object (it carries `sender`).
ipcRenderer.on(IPC.event, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const cb of listeners.get(name) ?? []) {
    try { cb(payload); } catch (e) { console.error(`loupe: a listener of ${name} threw`, e); }
  }
});

const bridge: LoupeBridge = {
  ...methods,
  on(event, cb) {
    if (!knownEvents.has(event)) throw new Error(`Unknown event "${String(event)}"; expected one of ${[...knownEvents].join(', ')}.`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const fn = cb as (payload: unknown) => void;
    set.add(fn);
    return () => { set.delete(fn); };
  },
  getStartupState: () => ipcRenderer.invoke(IPC.startupState),
  chooseImportFiles: () => ipcRenderer.invoke(IPC.chooseImportFiles),
  filesDropped: (files: readonly DroppedFile[]) => {
    // Only real File objects from a drop have a path; anything else maps to '' and main refuses it by position.
    const paths = Array.from(files, (f) => {
      try { return webUtils.getPathForFile(f as File); } catch { return ''; }
    });
    return ipcRenderer.invoke(IPC.filesDropped, paths);
  },
  newWorkspace: () => ipcRenderer.invoke(IPC.newWorkspace),
  openWorkspace: () => ipcRenderer.invoke(IPC.openWorkspace),
  revealWorkspace: () => ipcRenderer.invoke(IPC.revealWorkspace),
  keepValidJournal: () => ipcRenderer.invoke(IPC.keepValidJournal),
};

contextBridge.exposeInMainWorld('loupe', bridge);
