/**
 * The `app://loupe/` scheme that serves the built renderer (dist/web) to the window. A custom standard, secure
 * scheme gives the renderer a real origin (so `'self'` in the CSP means our files only, and module scripts load
 * without the CORS failures of `file://`), and nothing remote is ever loaded.
 */
import fs from 'node:fs/promises';
import { protocol } from 'electron';
import { mimeType, resolveWebFile, SECURITY_HEADERS } from '../server/web-assets';

export const APP_SCHEME = 'app';
export const APP_HOST = 'loupe';
/** The origin every renderer page has; IPC senders are checked against it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/`;

/** Declares the scheme privileged. Must run before the app's `ready` event. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * Serves files under `webRoot` at `app://loupe/…` with the renderer CSP and security headers.
 * Any other host, a path outside the root, or a missing file answers 404.
 */
export function handleAppScheme(webRoot: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveWebFile(webRoot, url.pathname) : null;
    if (!file) {
      return new Response(`Not found: ${url.pathname}`, { status: 404, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
    }
    const body = await fs.readFile(file);
    return new Response(body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': mimeType(file), 'Cache-Control': 'no-cache' } });
  });
}
