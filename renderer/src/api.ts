/**
 * The renderer's one client of the store contract, with two transports:
 * - Electron: the preload's `window.loupe` bridge (named functions returning `{ ok, result | error }`, `on(event, cb)`).
 * - Browser mode: the loopback server (`POST /api/call/<method>` with the `X-Loupe-Token` header, Server-Sent Events
 *   at `/api/events`, raw-body uploads at `/api/upload`).
 * Errors arrive as data ({@link LoupeErrorData}) and are rethrown as {@link LoupeError} so screens can branch on `code`
 * and show `action`.
 */
import type { BridgeResult, LoupeBridge, RegisteredFile, ShellEventMap, StartupState } from '../../shared/bridge';
import type { EventMap, EventName, LoupeApi, MethodName, ParamsOf, ResultOf } from '../../shared/contract';
import { fromErrorData, isErrorData, LoupeError, type LoupeErrorData } from '../../shared/errors';

export type { RegisteredFile, StartupState };

type Wire<T> = BridgeResult<T>;

function bridge(): LoupeBridge | null {
  const b = (globalThis as { loupe?: LoupeBridge }).loupe;
  return b && typeof b === 'object' ? b : null;
}

function unwrap<T>(w: Wire<T> | unknown, what: string): T {
  if (w && typeof w === 'object' && 'ok' in w) {
    const r = w as Wire<T>;
    if (r.ok) return r.result;
    throw fromErrorData(isErrorData(r.error) ? r.error : { code: 'INTERNAL', message: `${what} failed` });
  }
  throw new LoupeError('INTERNAL', `${what}: unexpected reply from the app shell.`);
}

const TOKEN_KEY = 'loupe.token';

/**
 * Reads the browser-mode token from `#token=…` once, keeps it for this tab only (sessionStorage, so a reload works)
 * and removes it from the address bar so it is not shared by copy-paste or shown in screenshots.
 */
function takeToken(): string {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m?.[1]) {
    const t = decodeURIComponent(m[1]);
    try { sessionStorage.setItem(TOKEN_KEY, t); } catch { /* storage disabled: keep it in memory only */ }
    history.replaceState(null, '', location.pathname + location.search);
    return t;
  }
  try { return sessionStorage.getItem(TOKEN_KEY) ?? ''; } catch { return ''; }
}

/** Names this page to the server, so the store serves it by its own use, not behind other windows or scripts. */
function pageId(): string {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

class HttpClient implements LoupeApi {
  private es: EventSource | null = null;
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private readonly page = pageId();

  constructor(readonly token: string) {}

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    let res: Response;
    try {
      res = await fetch(`/api/call/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Loupe-Token': this.token, 'X-Loupe-Client': this.page },
        body: JSON.stringify(params ?? {}),
      });
    } catch (e) {
      throw new LoupeError('INTERNAL', `Loupe is not reachable (${(e as Error).message}).`, { action: 'Check that `loupe serve` is still running, then reload the page.' });
    }
    return unwrap<ResultOf<M>>(await readJson(res), method);
  }

  on<E extends EventName>(event: E, cb: (payload: EventMap[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    const fn = cb as (p: unknown) => void;
    set.add(fn);
    const es = this.source();
    const handler = (ev: MessageEvent<string>) => {
      try { fn(JSON.parse(ev.data)); } catch { /* a malformed event is dropped; the next refresh corrects the view */ }
    };
    es.addEventListener(event, handler as EventListener);
    return () => {
      set.delete(fn);
      es.removeEventListener(event, handler as EventListener);
    };
  }

  private readonly connection = new Set<(up: boolean) => void>();

  private source(): EventSource {
    if (!this.es) {
      const es = new EventSource(`/api/events?token=${encodeURIComponent(this.token)}`);
      // EventSource reconnects by itself; these only tell the UI whether the server is reachable right now.
      es.onopen = () => { for (const cb of this.connection) cb(true); };
      es.onerror = () => { for (const cb of this.connection) cb(false); };
      this.es = es;
    }
    return this.es;
  }

  onConnection(cb: (up: boolean) => void): () => void {
    this.connection.add(cb);
    this.source();
    return () => { this.connection.delete(cb); };
  }

  async startup(): Promise<StartupState> {
    const res = await fetch('/api/session', { headers: { 'X-Loupe-Token': this.token } });
    const body = (await readJson(res)) as Partial<StartupState> & { ok?: false; error?: LoupeErrorData | null };
    if (!res.ok && isErrorData(body.error)) return { mode: 'browser', workspace: null, error: body.error };
    return { mode: 'browser', workspace: body.workspace ?? null, error: body.error ?? null };
  }

  /** Reopens the workspace refused with JOURNAL_DAMAGED, keeping every valid journal entry. */
  async keepValidJournal(): Promise<StartupState> {
    const res = await fetch('/api/session/keep-valid-journal', { method: 'POST', headers: { 'X-Loupe-Token': this.token } });
    const body = (await readJson(res)) as Partial<StartupState> & { error?: LoupeErrorData | null };
    return { mode: 'browser', workspace: body.workspace ?? null, error: body.error ?? null };
  }

  /** Streams one file to the server (raw body), reporting bytes sent. */
  upload(file: File, onProgress?: (sent: number, total: number) => void): Promise<RegisteredFile> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
      xhr.setRequestHeader('X-Loupe-Token', this.token);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.upload.onprogress = (ev) => onProgress?.(ev.loaded, ev.lengthComputable ? ev.total : file.size);
      xhr.onerror = () => reject(new LoupeError('IMPORT_UNREADABLE', `Uploading ${file.name} failed: Loupe is not reachable.`, { action: 'Check that `loupe serve` is still running.' }));
      xhr.onload = () => {
        let body: unknown;
        try { body = JSON.parse(xhr.responseText); } catch { body = null; }
        // Success is the bare {file_id, name, bytes}; failures use the usual { ok: false, error } envelope.
        const reply = body as (Partial<RegisteredFile> & { ok?: boolean; result?: RegisteredFile; error?: unknown }) | null;
        const reg = reply?.ok === true ? reply.result : reply;
        if (xhr.status >= 200 && xhr.status < 300 && reg && typeof reg.file_id === 'string') {
          resolve(reg as RegisteredFile);
          return;
        }
        const err = reply?.error ?? null;
        reject(fromErrorData(isErrorData(err) ? err : { code: 'IMPORT_UNREADABLE', message: `Uploading ${file.name} failed (HTTP ${xhr.status}).` }));
      };
      xhr.send(file);
    });
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try { return JSON.parse(text) as unknown; } catch {
    if (res.status === 401 || res.status === 403) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This page has no valid Loupe token.', action: 'Open the URL that `loupe serve` printed (it ends in #token=…).' } };
    }
    return { ok: false, error: { code: 'INTERNAL', message: `Unexpected reply from Loupe (HTTP ${res.status}).` } };
  }
}

class ElectronClient implements LoupeApi {
  constructor(private readonly b: LoupeBridge) {}

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const fn = this.b[method] as unknown;
    if (typeof fn !== 'function') throw new LoupeError('BAD_REQUEST', `The app shell does not offer ${method}.`);
    return unwrap<ResultOf<M>>(await (fn as (p: ParamsOf<M>) => Promise<unknown>)(params ?? ({} as ParamsOf<M>)), method);
  }

  on<E extends EventName>(event: E, cb: (payload: EventMap[E]) => void): () => void {
    return this.b.on(event, cb as (p: unknown) => void);
  }
}

/** The app's client: the contract plus the shell-specific file and startup helpers. */
export interface AppClient extends LoupeApi {
  readonly mode: 'browser' | 'electron';
  /** Reads whether the workspace opened, before the first screen is drawn. */
  startup(): Promise<StartupState>;
  /**
   * Registers files for import. Browser mode streams each `File` to `/api/upload`; Electron hands the dropped files'
   * paths to the shell. `onProgress(fileIndex, bytesSent, bytesTotal)` reports uploads.
   * @throws LoupeError IMPORT_UNREADABLE when a file cannot be sent or read
   */
  uploadFiles(files: File[], onProgress?: (index: number, sent: number, total: number) => void): Promise<RegisteredFile[]>;
  /** Electron only: the native file dialog; null in browser mode (use an `<input type=file>`). */
  chooseFiles: (() => Promise<RegisteredFile[]>) | null;
  /** Electron only: asks the shell to open another workspace (native dialog); null in browser mode. */
  openAnother: (() => Promise<void>) | null;
  /** Browser mode: told `false` when the event stream to `loupe serve` drops and `true` when it is back. */
  onConnection(cb: (up: boolean) => void): () => void;
  /** The blocking screen's "Keep the valid entries" for a workspace refused with JOURNAL_DAMAGED. */
  keepValidJournal(): Promise<StartupState>;
  /** Electron only: subscribes to menu/dialog events from the shell; a no-op in browser mode. */
  onShell<E extends keyof ShellEventMap>(event: E, cb: (payload: ShellEventMap[E]) => void): () => void;
}

/** Builds the client for the environment the renderer finds itself in. */
export function createClient(): AppClient {
  const b = bridge();
  if (b) {
    const c = new ElectronClient(b);
    return {
      mode: 'electron',
      call: (m, p) => c.call(m, p),
      on: (e, cb) => c.on(e, cb),
      startup: async () => ({ ...(await b.getStartupState()), mode: 'electron' }),
      uploadFiles: async (files) => unwrap<RegisteredFile[]>(await b.filesDropped(files), 'Adding the dropped files'),
      chooseFiles: async () => unwrap<RegisteredFile[]>(await b.chooseImportFiles(), 'Choosing files'),
      // The shell reports the newly opened workspace (or why it failed) as a shell.workspaceChanged event.
      openAnother: async () => { unwrap(await b.openWorkspace(), 'Opening a workspace'); },
      onShell: (e, cb) => b.on(e, cb),
      onConnection: () => () => undefined,
      keepValidJournal: async () => ({ ...unwrap<StartupState>(await b.keepValidJournal(), 'Keeping the valid journal entries'), mode: 'electron' }),
    };
  }
  const h = new HttpClient(takeToken());
  return {
    mode: 'browser',
    call: (m, p) => h.call(m, p),
    on: (e, cb) => h.on(e, cb),
    startup: () => h.startup(),
    async uploadFiles(files, onProgress) {
      const out: RegisteredFile[] = [];
      for (const [i, f] of files.entries()) out.push(await h.upload(f, (s, t) => onProgress?.(i, s, t)));
      return out;
    },
    chooseFiles: null,
    openAnother: null,
    onShell: () => () => undefined,
    onConnection: (cb) => h.onConnection(cb),
    keepValidJournal: () => h.keepValidJournal(),
  };
}

/** The error as the screens show it: a LoupeError keeps its code and action; anything else becomes INTERNAL. */
export function asErrorData(e: unknown): LoupeErrorData {
  if (e instanceof LoupeError) return { code: e.code, message: e.message, ...(e.action ? { action: e.action } : {}) };
  if (isErrorData(e)) return e;
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
