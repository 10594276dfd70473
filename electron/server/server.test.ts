import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreClient } from '../store/client';
import { sanitiseFileName, startServer, type RunningServer } from './server';
import { CONTENT_SECURITY_POLICY } from './web-assets';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const realData = path.resolve(repoRoot, '../shared/data/real');
const ticketsCsv = path.join(realData, 'tickets-customer-support.csv');

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** A raw request, so tests can set Host and Origin (fetch forbids both). */
function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer | fs.ReadStream }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body instanceof fs.ReadStream) opts.body.pipe(req);
    else req.end(opts.body);
  });
}

describe('browser-mode server', () => {
  let dir: string;
  let webRoot: string;
  let client: StoreClient;
  let srv: RunningServer;
  let auth: Record<string, string>;

  const call = async (method: string, params: unknown, headers: Record<string, string> = auth) => {
    const r = await request(srv.port, { method: 'POST', path: `/api/call/${method}`, headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(params) });
    return { status: r.status, json: JSON.parse(r.body) as { ok: boolean; result?: unknown; error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-server-test-'));
    webRoot = path.join(dir, 'web');
    fs.mkdirSync(path.join(webRoot, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>Loupe</title><script type="module" src="/assets/app.js"></script>');
    fs.writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'console.log(1);');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the web root');
    client = StoreClient.start();
    await client.call('internal.open', { path: path.join(dir, 'ws.sqlite'), create: true });
    srv = await startServer({ client, port: 0, webRoot });
    auth = { 'X-Loupe-Token': srv.token };
  });

  afterAll(async () => {
    await srv?.close();
    await client?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 only and prints the token in the URL fragment', () => {
    expect(srv.address.address).toBe('127.0.0.1');
    expect(srv.address.family).toBe('IPv4');
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/#token=${srv.token}`);
    expect(srv.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
  });

  it('refuses API calls without the token or with a wrong one (403 UNAUTHORIZED)', async () => {
    const none = await request(srv.port, { path: '/api/session' });
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body).error.code).toBe('UNAUTHORIZED');
    const wrong = await request(srv.port, { path: '/api/session', headers: { 'X-Loupe-Token': srv.token.slice(0, -1) + (srv.token.endsWith('A') ? 'B' : 'A') } });
    expect(wrong.status).toBe(403);
    // ?token= is honoured on the events URL only, never on calls.
    const query = await call('workspace.info', {}, {});
    expect(query.status).toBe(403);
    const inQuery = await request(srv.port, { method: 'POST', path: `/api/call/workspace.info?token=${srv.token}`, headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(inQuery.status).toBe(403);
    const ok = await request(srv.port, { path: '/api/session', headers: auth });
    expect(ok.status).toBe(200);
    const session = JSON.parse(ok.body);
    expect(session.mode).toBe('browser');
    expect(session.error).toBeNull();
    expect(session.workspace.file_name).toBe('ws.sqlite');
    expect(ok.headers['cache-control']).toBe('no-store');
  });

  it('refuses any request whose Host is not our loopback address (DNS rebinding) or whose Origin is foreign', async () => {
    const rebound = await request(srv.port, { path: '/', headers: { Host: `evil.example:${srv.port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.code).toBe('UNAUTHORIZED');
    const reboundApi = await request(srv.port, { path: '/api/session', headers: { ...auth, Host: `evil.example:${srv.port}` } });
    expect(reboundApi.status).toBe(403);
    const otherPort = await request(srv.port, { path: '/', headers: { Host: `127.0.0.1:${srv.port + 1}` } });
    expect(otherPort.status).toBe(403);
    const localhost = await request(srv.port, { path: '/', headers: { Host: `localhost:${srv.port}` } });
    expect(localhost.status).toBe(200);
    const foreign = await call('workspace.info', {}, { ...auth, Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const same = await call('workspace.info', {}, { ...auth, Origin: `http://127.0.0.1:${srv.port}` });
    expect(same.status).toBe(200);
    expect(same.json.ok).toBe(true);
  });

  it('serves the renderer with a strict CSP, nosniff, no-referrer and the right MIME types, never outside the web root', async () => {
    const index = await request(srv.port, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect(index.body).toContain('<title>Loupe</title>');
    const js = await request(srv.port, { path: '/assets/app.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log(1);');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await request(srv.port, { path: p });
      expect(r.body).not.toContain('outside the web root');
    }
    expect((await request(srv.port, { path: '/missing.js' })).status).toBe(404);
  });

  it('never exposes internal.* methods, and 404s unknown ones', async () => {
    const secret = path.join(dir, 'secret.txt');
    const reg = await call('internal.registerFile', { path: secret, name: 'secret.txt' });
    expect(reg.status).toBe(404);
    expect(reg.json).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Unknown method "internal.registerFile".' } });
    const exec = await call('internal.exec', { sql: 'SELECT 1' });
    expect(exec.status).toBe(404);
    expect((await call('nope.nothing', {})).status).toBe(404);
  });

  it('validates params with the contract schema and names the bad field; 400 for malformed JSON', async () => {
    const bad = await call('requests.query', { limit: 'lots' });
    expect(bad.status).toBe(200);
    expect(bad.json.ok).toBe(false);
    expect(bad.json.error?.code).toBe('BAD_REQUEST');
    expect(bad.json.error?.message).toMatch(/^Invalid requests\.query payload at limit: /);
    const missing = await call('requests.get', {});
    expect(missing.json.error?.message).toMatch(/at id:/);
    const malformed = await request(srv.port, { method: 'POST', path: '/api/call/workspace.info', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{"unclosed' });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('BAD_REQUEST');
    const form = await request(srv.port, { method: 'POST', path: '/api/call/workspace.info', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    const notFound = await call('requests.get', { id: 'no-such-request' });
    expect(notFound.status).toBe(200);
    expect(notFound.json.ok).toBe(false);
    expect(notFound.json.error?.code).toBe('NOT_FOUND');
  });

  it('delivers store events over SSE (token in the query) as `event: name` / `data: json`', async () => {
    expect((await request(srv.port, { path: '/api/events' })).status).toBe(403);
    const frames = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: srv.port, path: `/api/events?token=${encodeURIComponent(srv.token)}` }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
          if (text.includes(': connected') && !text.includes('event:')) {
            call('workspace.setTimeZone', { time_zone: 'Europe/Berlin' }).catch(reject);
          }
          if (text.includes('event: tables.changed')) { req.destroy(); resolve(text); }
        });
      });
      req.on('error', (e) => { if (!(e as NodeJS.ErrnoException).code?.includes('ECONNRESET')) reject(e); });
    });
    const frame = frames.slice(frames.indexOf('event: tables.changed'));
    expect(frame).toBe('event: tables.changed\ndata: {"tables":["meta"]}\n\n');
  });

  it('streams an upload to a private temp file and registers it by id only', async () => {
    const body = 'id,subject\nt-1,"Hello, world"\n';
    const r = await request(srv.port, { method: 'POST', path: `/api/upload?name=${encodeURIComponent('../../my tickets.csv')}`, headers: auth, body });
    expect(r.status).toBe(200);
    const json = JSON.parse(r.body);
    expect(json.name).toBe('../../my tickets.csv');
    expect(json.bytes).toBe(Buffer.byteLength(body));
    expect(json.file_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(json).sort()).toEqual(['bytes', 'file_id', 'name']);
    const uploads = path.join(os.tmpdir(), `loupe-uploads-${process.pid}`);
    const saved = fs.readdirSync(uploads).filter((f) => f.endsWith('-my_tickets.csv'));
    expect(saved).toHaveLength(1);
    expect(fs.readFileSync(path.join(uploads, saved[0]!), 'utf8')).toBe(body);
    expect((await request(srv.port, { method: 'POST', path: '/api/upload', headers: auth, body })).status).toBe(400);
    expect((await request(srv.port, { method: 'POST', path: '/api/upload?name=x.csv', body })).status).toBe(403);
  });

  it('answers an API call body past 1 MiB with 413 and the reason, declared or streamed', async () => {
    const expected = { ok: false, error: { code: 'BAD_REQUEST', message: 'The body of workspace.info is larger than 1048576 bytes (1 MiB), the most an API call takes.', action: 'Send files through /api/upload.' } };
    const big = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const declared = await request(srv.port, { method: 'POST', path: '/api/call/workspace.info', headers: { ...auth, 'Content-Type': 'application/json' }, body: big });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual(expected);
    const file = path.join(dir, 'big-body.json');
    fs.writeFileSync(file, big);
    const streamed = await request(srv.port, { method: 'POST', path: '/api/call/workspace.info', headers: { ...auth, 'Content-Type': 'application/json' }, body: fs.createReadStream(file) });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toEqual(expected);
    expect((await call('workspace.info', {})).status).toBe(200);
  });

  it('refuses an upload whose name holds a NUL or another control character', async () => {
    for (const name of ['a\u0000b.csv', '\u0000', 'x\n.csv']) {
      const r = await request(srv.port, { method: 'POST', path: `/api/upload?name=${encodeURIComponent(name)}`, headers: auth, body: 'id\n1\n' });
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: `Upload name ${JSON.stringify(name)} contains control characters (such as NUL); send the file's own name.` } });
    }
  });

  it.skipIf(!fs.existsSync(ticketsCsv))('imports a real uploaded file end to end: upload, import.start, import.finished over SSE, counts', async () => {
    const finished = new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: srv.port, path: `/api/events?token=${encodeURIComponent(srv.token)}` }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString('utf8');
          const at = text.indexOf('event: import.finished\ndata: ');
          const end = at >= 0 ? text.indexOf('\n\n', at) : -1;
          if (end >= 0) { req.destroy(); resolve(text.slice(at + 'event: import.finished\ndata: '.length, end)); }
        });
      });
      req.on('error', (e) => { if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e); });
    });
    const up = await request(srv.port, {
      method: 'POST', path: '/api/upload?name=tickets-customer-support.csv',
      headers: { ...auth, 'Content-Length': String(fs.statSync(ticketsCsv).size) }, body: fs.createReadStream(ticketsCsv),
    });
    const file = JSON.parse(up.body) as { file_id: string; bytes: number };
    expect(file.bytes).toBe(3945533);
    const started = await call('import.start', { file_id: file.file_id, options: {} });
    expect(started.json.ok).toBe(true);
    const outcome = JSON.parse(await finished) as { ok: boolean; summary: { inserted: number } };
    expect(outcome.ok).toBe(true);
    expect(outcome.summary.inserted).toBe(8469);
    const info = await call('workspace.info', {});
    expect((info.json.result as { counts: { tickets: number } }).counts.tickets).toBe(8469);
  });

  it('sanitises upload names to a safe base name that keeps the extensions', () => {
    expect(sanitiseFileName('logs.jsonl.gz')).toBe('logs.jsonl.gz');
    expect(sanitiseFileName('C:\\Users\\me\\Fa\u00e7ade export.csv')).toBe('Fa_ade_export.csv');
    expect(sanitiseFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFileName('.hidden')).toBe('_hidden');
    expect(sanitiseFileName('')).toBe('upload');
    expect(sanitiseFileName('x'.repeat(300) + '.csv')).toHaveLength(100);
  });
});

describe('browser-mode server lifecycle', () => {
  it('removes its upload folder on close and stops listening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-server-life-'));
    const client = StoreClient.start();
    try {
      await client.call('internal.open', { path: path.join(dir, 'ws.sqlite'), create: true });
      const srv = await startServer({ client, port: 0, webRoot: dir });
      const up = await request(srv.port, { method: 'POST', path: '/api/upload?name=a.jsonl', headers: { 'X-Loupe-Token': srv.token }, body: '{"id":"r1"}\n' });
      expect(up.status).toBe(200);
      const uploads = path.join(os.tmpdir(), `loupe-uploads-${process.pid}`);
      expect(fs.existsSync(uploads)).toBe(true);
      // The renderer is not built in `dir`: the page says so instead of a bare 404.
      const page = await request(srv.port, { path: '/' });
      expect(page.status).toBe(503);
      expect(page.body).toContain('The renderer is not built');
      await srv.close();
      expect(fs.existsSync(uploads)).toBe(false);
      await expect(request(srv.port, { path: '/' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('browser-mode server startup states', () => {
  it('opens the given workspace, or still serves and reports why it could not (for the blocking screen)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-server-start-'));
    const client = StoreClient.start();
    const session = async (srv: RunningServer) => JSON.parse((await request(srv.port, { path: '/api/session', headers: { 'X-Loupe-Token': srv.token } })).body);
    try {
      const corrupt = path.join(dir, 'corrupt.sqlite');
      fs.writeFileSync(corrupt, 'this is not SQLite at all, just text that is long enough to have a header');
      let srv = await startServer({ client, port: 0, webRoot: dir, workspace: corrupt });
      let s = await session(srv);
      expect(s.mode).toBe('browser');
      expect(s.workspace).toBeNull();
      expect(s.error.code).toBe('WORKSPACE_CORRUPT');
      expect(s.error.message).toContain('corrupt.sqlite');
      await srv.close();

      srv = await startServer({ client, port: 0, webRoot: dir, workspace: path.join(dir, 'missing.sqlite') });
      s = await session(srv);
      expect(s.error.code).toBe('WORKSPACE_MISSING');
      await srv.close();

      srv = await startServer({ client, port: 0, webRoot: dir, workspace: path.join(dir, 'fresh.sqlite'), create: true });
      s = await session(srv);
      expect(s.error).toBeNull();
      expect(s.workspace.file_name).toBe('fresh.sqlite');
      expect(s.workspace.counts.requests).toBe(0);
      await srv.close();
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
