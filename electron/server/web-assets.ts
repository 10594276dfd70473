/**
 * What the browser-mode server and Electron's `app://loupe/` protocol share when they serve the built renderer
 * (dist/web): the Content-Security-Policy, the other security headers, MIME types and a path resolver that cannot
 * leave the web root. No electron import, so both the CLI's server and Electron main use it.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * The renderer's Content-Security-Policy. Only our own scripts, styles and connections. React `style` props and
 * chart.js set styles through the CSSOM, which style-src does not govern, so no 'unsafe-inline' is needed.
 * `data:` images cover the inline favicon and chart exports.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers sent with every response that carries renderer content or API data. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/** The Content-Type for a file name by its extension; `application/octet-stream` when unknown. */
export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path (e.g. "/assets/index-abc.js", percent-encoded) to a file under `webRoot`.
 * "/" and extension-less paths that match no file map to index.html, so client-side routes reload.
 * @returns the absolute file path, or null when the path is malformed, escapes the root, or names no regular file
 */
export function resolveWebFile(webRoot: string, urlPath: string): string | null {
  let decoded: string;
  try { decoded = decodeURIComponent(urlPath); } catch { return null; }
  if (decoded.includes('\0')) return null;
  const root = path.resolve(webRoot);
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return null;
  if (isFile(candidate)) return candidate;
  if (path.extname(candidate) === '') {
    const index = path.join(root, 'index.html');
    if (isFile(index)) return index;
  }
  return null;
}

function isFile(p: string): boolean {
  try { return fs.statSync(p).isFile(); } catch { return false; }
}
