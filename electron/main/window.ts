/**
 * The one place Loupe creates a window, with every hardening switch set: context isolation, the Chromium sandbox, no
 * Node in the page, no <webview>, new windows and navigation denied, and the page served only from `app://loupe/`.
 */
import { BrowserWindow, shell } from 'electron';
import { APP_URL } from './app-protocol';

/**
 * Creates the main window and loads the renderer.
 * @param opts.preload - absolute path of the CommonJS preload bundle (dist/node/preload.cjs)
 * @param opts.devTools - allow the developer tools (unpackaged builds only)
 */
export function createWindow(opts: { preload: string; devTools: boolean }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1320,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Loupe',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: opts.devTools,
    },
  });
  const wc = win.webContents;

  // Links the renderer marks target=_blank (a report's source URL, the README) open in the system browser when they
  // are https; nothing ever opens inside Loupe.
  wc.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The renderer routes inside one page (hash changes are not navigations), so any navigation is refused: a dropped
  // file, a link without target, or script setting location never replaces the app.
  wc.on('will-navigate', (event) => event.preventDefault());
  wc.on('will-redirect', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
  // The title names the open workspace (set by main); the page's <title> must not replace it.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());

  void win.loadURL(APP_URL);
  return win;
}
