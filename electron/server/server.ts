/**
 * Browser mode: a loopback HTTP server (node:http only) that serves the built renderer and relays the contract to
 * the store worker, so Loupe runs in any browser without Electron.
 *
 * Trust model. The server binds 127.0.0.1 only and prints `http://127.0.0.1:PORT/#token=TOKEN`; the token is random
 * per launch and sits in the URL fragment, so it never reaches a request line, a log or a Referer. The renderer
 * sends it as `X-Loupe-Token` on every API call (EventSource cannot set headers, so the events URL alone also takes
 * `?token=`). Every request whose Host is not our loopback address is refused (DNS-rebinding defence), as is any
 * cross-origin `Origin`. Only contract methods are callable; `internal.*` (which carry file paths) never are.
 * Files reach the store as uploads streamed to a private temp folder, never as paths from the browser.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EVENT_NAMES, type RegisteredFile, type StartupState } from '../../shared/bridge';
import { METHOD_NAMES, parseParams, type MethodName } from '../../shared/contract';
import { LoupeError, toErrorData, type ErrorCode, type LoupeErrorData } from '../../shared/errors';
import type { StoreClient } from '../store/client';
import { pidAlive } from '../store/lock';
import { mimeType, resolveWebFile, SECURITY_HEADERS } from './web-assets';

/** The port tried first when none is given; a random free port is used when it is taken. */
export const DEFAULT_PORT = 5319;
/** Largest upload accepted, in bytes (4 GiB): well past what sql.js can hold, so the store's own limit speaks first. */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
/** Largest JSON body of an API call, in bytes. */
export const MAX_CALL_BYTES = 1024 * 1024;
/** Interval of the SSE keep-alive comment, in ms; keeps proxies and idle timers from closing the stream. */
const SSE_HEARTBEAT_MS = 15_000;

export interface ServerOptions {
  /** The store worker the API relays to; the caller opens the workspace first and closes the client after. */
  client: StoreClient;
  /** Port to bind on 127.0.0.1; 0 picks a free one. Default: {@link DEFAULT_PORT}, or a free one when it is taken. */
  port?: number;
  /** Folder of the built renderer (dist/web). */
  webRoot: string;
  /** Open the URL in the default browser once listening. */
  open?: boolean;
  /** Receives one-line status messages (never the token except in the printed URL). */
  log?: (s: string) => void;
  /**
   * A workspace file to open in the worker before listening (omit when the caller opened one already). When it
   * cannot be opened (WORKSPACE_MISSING / CORRUPT / TOO_NEW…) the server still starts, and GET /api/session reports
   * the error so the renderer shows its blocking screen.
   */
  workspace?: string;
  /** Create `workspace` when the file does not exist (default false: a mistyped path reports WORKSPACE_MISSING). */
  create?: boolean;
  /** Why the workspace could not be opened, when the caller tried and failed; reported by GET /api/session. */
  startupError?: LoupeErrorData | null;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT/#token=TOKEN`: the only URL that works. */
  url: string;
  token: string;
  port: number;
  /** The bound address as `server.address()` reports it; always 127.0.0.1. */
  address: AddressInfo;
  /** Ends event streams, stops listening and removes the upload folder. Does not close the store client. */
  close(): Promise<void>;
}

/**
 * Starts the browser-mode server.
 * @returns the URL to open (with the token in its fragment), the token, the bound port and `close()`
 * @throws Error when an explicitly requested port is taken (EADDRINUSE) or cannot be bound
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = crypto.randomBytes(32).toString('base64url');
  const tokenDigest = sha256(token);
  const uploadDir = path.join(os.tmpdir(), `${UPLOAD_DIR_PREFIX}${process.pid}`);
  const log = opts.log ?? (() => undefined);
  const cleaned = removeStaleUploadDirs();
  if (cleaned > 0) log(`Removed ${cleaned} upload folder${cleaned === 1 ? '' : 's'} left by a server that was stopped without closing.`);
  let startupError: LoupeErrorData | null = opts.startupError ?? null;
  if (opts.workspace !== undefined) {
    try {
      await opts.client.call('internal.open', { path: opts.workspace, create: !!opts.create });
    } catch (e) {
      startupError = toErrorData(e);
      log(`The workspace ${opts.workspace} could not be opened: ${startupError.message}`);
    }
  }
  const sseClients = new Set<http.ServerResponse>();
  let port = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`loupe serve: ${req.method} ${stripQuery(req.url)} failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorData(e) });
      else res.destroy();
    });
  });
  // Uploads of a few GB take minutes; the default 5-minute request timeout would cut them off.
  server.requestTimeout = 0;

  const unsubscribe = EVENT_NAMES.map((name) => opts.client.on(name, (payload: unknown) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of sseClients) res.write(frame);
  }));
  const heartbeat = setInterval(() => { for (const res of sseClients) res.write(': ping\n\n'); }, SSE_HEARTBEAT_MS);
  heartbeat.unref();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostAllowed(req.headers.host, port)) return refuse(res, 'This server only answers requests addressed to 127.0.0.1 or localhost on its own port.');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
      return refuse(res, 'Cross-origin requests are refused.');
    }
    if (!url.pathname.startsWith('/api/')) return serveStatic(req, res, url.pathname);

    const allowQueryToken = url.pathname === '/api/events';
    const given = headerValue(req.headers['x-loupe-token']) ?? (allowQueryToken ? url.searchParams.get('token') : null);
    if (given === null || !crypto.timingSafeEqual(sha256(given), tokenDigest)) {
      return refuse(res, 'Missing or wrong token: open the URL printed by "loupe serve", which carries it.');
    }

    if (url.pathname.startsWith('/api/call/')) {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      return apiCall(req, res, decodeSegment(url.pathname.slice('/api/call/'.length)));
    }
    switch (url.pathname) {
      case '/api/events':
        if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
        return openEventStream(req, res);
      case '/api/upload':
        if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
        return upload(req, res, url.searchParams.get('name'));
      case '/api/session':
        if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
        return sendJson(res, 200, await session());
      case '/api/session/keep-valid-journal':
        if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
        req.resume();
        return sendJson(res, 200, await keepValidJournal());
      default:
        return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `No API endpoint ${url.pathname}.` } });
    }
  }

  async function apiCall(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    if (!(METHOD_NAMES as string[]).includes(method)) {
      req.resume();
      return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `Unknown method "${method}".` } });
    }
    const contentType = headerValue(req.headers['content-type']) ?? '';
    if (!/^application\/json\b/i.test(contentType)) {
      req.resume();
      return sendJson(res, 415, { ok: false, error: { code: 'BAD_REQUEST', message: 'API calls must send Content-Type: application/json.' } });
    }
    let body: unknown;
    const declared = Number(headerValue(req.headers['content-length']) ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_CALL_BYTES) {
      res.setHeader('Connection', 'close');
      req.resume();
      return sendJson(res, 413, { ok: false, error: callTooLarge(method) });
    }
    try {
      const text = await readBody(req, MAX_CALL_BYTES);
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        return sendJson(res, 413, { ok: false, error: callTooLarge(method) });
      }
      const err = e instanceof LoupeError ? e.toData() : { code: 'BAD_REQUEST' as ErrorCode, message: `The body of ${method} is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
      return sendJson(res, 400, { ok: false, error: err });
    }
    try {
      const p = parseParams<MethodName>(method, body);
      const result = await opts.client.call(p.method, p.params as never, { client: callerOf(req) });
      sendJson(res, 200, { ok: true, result });
    } catch (e) {
      sendJson(res, 200, { ok: false, error: toErrorData(e) });
    }
  }

  function openEventStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    sseClients.add(res);
    req.on('close', () => sseClients.delete(res));
  }

  async function upload(req: http.IncomingMessage, res: http.ServerResponse, name: string | null): Promise<void> {
    const original = name?.trim() ?? '';
    if (original === '' || original.length > 255) {
      req.resume();
      return sendJson(res, 400, { ok: false, error: { code: 'BAD_REQUEST', message: 'Upload needs ?name=<original file name> (1-255 characters).' } });
    }
    // The name is shown and kept in the import history; a NUL or other control character there would cut or garble
    // it in reports, terminals and the sqlite3 shell. No file system allows them in a name, so no real file has one.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(original)) {
      req.resume();
      return sendJson(res, 400, { ok: false, error: { code: 'BAD_REQUEST', message: `Upload name ${JSON.stringify(original)} contains control characters (such as NUL); send the file's own name.` } });
    }
    const declared = Number(headerValue(req.headers['content-length']) ?? NaN);
    if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES) {
      res.setHeader('Connection', 'close');
      req.resume();
      return sendJson(res, 413, { ok: false, error: tooLarge(original) });
    }
    fs.mkdirSync(uploadDir, { recursive: true, mode: 0o700 });
    const file = path.join(uploadDir, `${crypto.randomUUID()}-${sanitiseFileName(original)}`);
    let bytes = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > MAX_UPLOAD_BYTES) cb(new LoupeError('BAD_REQUEST', tooLarge(original).message));
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(req, cap, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    } catch (e) {
      fs.rmSync(file, { force: true });
      if (bytes > MAX_UPLOAD_BYTES) {
        res.setHeader('Connection', 'close');
        return sendJson(res, 413, { ok: false, error: tooLarge(original) });
      }
      if (req.destroyed && res.destroyed) return; // the browser went away mid-upload; nobody to answer
      return sendJson(res, 400, { ok: false, error: { code: 'IMPORT_TRUNCATED', message: `The upload of ${original} did not complete: ${e instanceof Error ? e.message : String(e)}`, action: 'Choose the file again.' } });
    }
    try {
      const reg = await opts.client.call('internal.registerFile', { path: file, name: original, delete_after: true });
      // The one endpoint whose success is the bare object (no envelope); its failures use the usual { ok: false, error }.
      const out: RegisteredFile = { file_id: reg.file_id, name: reg.name, bytes: reg.bytes };
      sendJson(res, 200, out);
    } catch (e) {
      fs.rmSync(file, { force: true });
      sendJson(res, 200, { ok: false, error: toErrorData(e) });
    }
  }

  /**
   * The blocking screen's "Keep the valid entries" for a workspace whose journal has damaged entries: opens it
   * keeping every valid entry (the journal is copied aside first). Only for the workspace this server was started
   * with, and only while it is refused for that reason.
   */
  async function keepValidJournal(): Promise<StartupState> {
    if (opts.workspace === undefined || startupError?.code !== 'JOURNAL_DAMAGED') {
      return { mode: 'browser', workspace: null, error: { code: 'BAD_REQUEST', message: 'There is no damaged journal to repair.' } };
    }
    try {
      const workspace = await opts.client.call('internal.open', { path: opts.workspace, keep_valid_journal: true });
      startupError = null;
      log(`Kept the valid journal entries of ${opts.workspace}: ${(workspace.notices ?? []).join(' ')}`);
      return { mode: 'browser', workspace, error: null };
    } catch (e) {
      startupError = toErrorData(e);
      return { mode: 'browser', workspace: null, error: startupError };
    }
  }

  async function session(): Promise<StartupState> {
    try {
      const workspace = await opts.client.call('workspace.info', {});
      return { mode: 'browser', workspace, error: null };
    } catch (e) {
      return { mode: 'browser', workspace: null, error: startupError ?? toErrorData(e) };
    }
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    const file = resolveWebFile(opts.webRoot, pathname);
    if (!file) {
      const built = fs.existsSync(path.join(opts.webRoot, 'index.html'));
      res.writeHead(built ? 404 : 503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(built ? `Not found: ${pathname}\n` : `The renderer is not built (no index.html in ${opts.webRoot}). Run "npm run build".\n`);
      return;
    }
    const stat = fs.statSync(file);
    // Vite puts a content hash in every asset name, so those can be cached; index.html must always be fresh.
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': mimeType(file),
      'Content-Length': String(stat.size),
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  }

  port = await listen(server, opts.port, log);
  const url = `http://127.0.0.1:${port}/#token=${token}`;
  log(`Loupe is running at ${url}`);
  if (opts.open) openInBrowser(url, log);

  let closing: Promise<void> | null = null;
  return {
    url,
    token,
    port,
    address: server.address() as AddressInfo,
    close(): Promise<void> {
      closing ??= (async () => {
        clearInterval(heartbeat);
        for (const off of unsubscribe) off();
        for (const res of sseClients) res.end();
        sseClients.clear();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        fs.rmSync(uploadDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** Upload folders are `<tmp>/loupe-uploads-<pid>`. */
const UPLOAD_DIR_PREFIX = 'loupe-uploads-';

/**
 * Removes the upload folders of servers that were killed (their pid no longer runs): a killed server cannot clean
 * up after itself, and its folder may hold gigabytes of uploaded files.
 * @returns how many folders were removed
 */
export function removeStaleUploadDirs(tmp = os.tmpdir()): number {
  let names: string[];
  try { names = fs.readdirSync(tmp); } catch { return 0; }
  let removed = 0;
  for (const n of names) {
    if (!n.startsWith(UPLOAD_DIR_PREFIX)) continue;
    const pid = Number(n.slice(UPLOAD_DIR_PREFIX.length));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pidAlive(pid)) continue;
    try {
      fs.rmSync(path.join(tmp, n), { recursive: true, force: true });
      removed++;
    } catch { /* another user's folder, or in use: left alone */ }
  }
  return removed;
}

/**
 * Who is calling, for the store's fair scheduling: a page of the app sends `X-Loupe-Client: <id>` (random per page
 * load), so each window is served by its own use of the store; API callers without it (scripts) share one queue.
 */
export function callerOf(req: http.IncomingMessage): string {
  const id = headerValue(req.headers['x-loupe-client']);
  return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? `page:${id}` : 'script';
}

/** Binds 127.0.0.1; with no port given, tries {@link DEFAULT_PORT} and falls back to a free port when it is taken. */
async function listen(server: http.Server, requested: number | undefined, log: (s: string) => void): Promise<number> {
  const attempt = (p: number) => new Promise<number>((resolve, reject) => {
    const onError = (e: Error) => { server.off('listening', onListening); reject(e); };
    const onListening = () => { server.off('error', onError); resolve((server.address() as AddressInfo).port); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(p, '127.0.0.1');
  });
  if (requested !== undefined) {
    try {
      return await attempt(requested);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`Port ${requested} on 127.0.0.1 is already in use: choose another with --port, or --port 0 for any free port.`, { cause: e });
      throw e;
    }
  }
  try {
    return await attempt(DEFAULT_PORT);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    log(`Port ${DEFAULT_PORT} is in use; using a free port instead.`);
    return attempt(0);
  }
}

/** True when the Host header names our loopback address and port exactly (DNS-rebinding defence). */
function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/**
 * Makes an uploaded file's name safe to use inside our temp folder: the base name only, characters outside
 * [A-Za-z0-9._-] replaced, at most 100 characters, keeping the extensions the importer detects formats by.
 */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const safe = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  const trimmed = safe.length > 100 ? safe.slice(safe.length - 100) : safe;
  return trimmed === '' ? 'upload' : trimmed;
}

function tooLarge(name: string): LoupeErrorData {
  return {
    code: 'BAD_REQUEST',
    message: `${name} is larger than the ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB upload limit.`,
    action: 'Import it with the CLI instead: loupe import <file> --workspace <workspace>.',
  };
}

/** A call body past {@link MAX_CALL_BYTES}; answered 413 rather than by cutting the connection. */
class BodyTooLarge extends Error {}

function callTooLarge(method: string): LoupeErrorData {
  return { code: 'BAD_REQUEST', message: `The body of ${method} is larger than ${MAX_CALL_BYTES} bytes (1 MiB), the most an API call takes.`, action: 'Send files through /api/upload.' };
}

/**
 * Reads a request body as UTF-8 text.
 * @throws BodyTooLarge past `limit` bytes, once the body has ended: the rest is read and dropped (not kept), so the
 *   caller can answer; a destroyed socket would leave the client with no reason at all
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    // Answering before the body ends would have the client's writes meet a closed socket (a reset, not the answer).
    req.on('end', () => (over ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function refuse(res: http.ServerResponse, message: string): void {
  sendJson(res, 403, { ok: false, error: { code: 'UNAUTHORIZED', message } });
}

function methodNotAllowed(res: http.ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendJson(res, 405, { ok: false, error: { code: 'BAD_REQUEST', message: `Method not allowed; use ${allow}.` } });
}

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

function decodeSegment(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

function stripQuery(u: string | undefined): string {
  return (u ?? '').split('?')[0] ?? '';
}

function sha256(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

/** Opens a URL in the default browser; failures are logged, not thrown (the URL is printed anyway). */
function openInBrowser(url: string, log: (s: string) => void): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
      : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', (e) => log(`Could not open a browser (${e.message}); open the URL above yourself.`));
    child.unref();
  } catch (e) {
    log(`Could not open a browser (${e instanceof Error ? e.message : String(e)}); open the URL above yourself.`);
  }
}
