import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from '../../src/biot/http.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  url: string;
  received: Received[];
  /** TCP connections accepted so far. */
  connections(): number;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(async (server) => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    }),
  );
});

/** A real server on 127.0.0.1 that records each request and lets `handle` answer it. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handle(req, res);
    });
  });
  server.on('connection', () => (connections += 1));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, connections: () => connections };
}

const options = { headers: { authorization: 'Bearer t0ken' }, timeoutMs: 2_000 };

describe('postJson', () => {
  it('POSTs the JSON body with its headers and returns status, Retry-After and the parsed body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end('{"code":"TOO_MANY_REQUESTS"}');
    });
    const answer = await postJson(`${server.url}/dispatcher/x`, { a: 'é' }, options);
    expect(answer).toEqual({ kind: 'response', status: 429, retryAfter: '3', body: { code: 'TOO_MANY_REQUESTS' } });
    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', url: '/dispatcher/x', body: '{"a":"é"}' });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: 'Bearer t0ken',
      'content-length': String(Buffer.byteLength('{"a":"é"}')),
    });
  });

  it('gives a body that is empty or not JSON as null, and no Retry-After as null', async () => {
    let reply = '';
    const server = await serve((_req, res) => res.end(reply));
    expect(await postJson(server.url, {}, options)).toEqual({ kind: 'response', status: 200, retryAfter: null, body: null });
    reply = '<html>bad gateway</html>';
    expect(await postJson(server.url, {}, options)).toMatchObject({ status: 200, body: null });
  });

  it('reuses one kept-alive connection for calls one after another', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    for (let n = 0; n < 20; n += 1) expect(await postJson(server.url, { n }, options)).toMatchObject({ status: 200 });
    expect(server.received).toHaveLength(20);
    expect(server.connections()).toBe(1);
  });

  it('does not reuse a connection idle for 4 s, which a server or load balancer may be closing', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    expect(await postJson(server.url, {}, options)).toMatchObject({ status: 200 });
    await new Promise((resolve) => setTimeout(resolve, 4_300));
    expect(await postJson(server.url, {}, options)).toMatchObject({ status: 200 });
    expect(server.connections()).toBe(2);
  });

  it('does not follow a redirect: the bearer token stays with BioT', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/moved') res.writeHead(307, { location: '/elsewhere' }).end();
      else res.end('{}');
    });
    expect(await postJson(`${server.url}/moved`, {}, options)).toMatchObject({ kind: 'response', status: 307 });
    expect(server.received.map((r) => r.url)).toEqual(['/moved']);
  });

  it('times out on an answer whose body never ends, not only on missing headers', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const started = Date.now();
    const answer = await postJson(server.url, {}, { ...options, timeoutMs: 150 });
    expect(answer).toMatchObject({ kind: 'no-response', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('reports a connection cut in the middle of the body as a network failure', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"cut":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    expect(await postJson(server.url, {}, options)).toMatchObject({ kind: 'no-response', reason: 'network' });
  });

  it('reports a refused connection as a network failure naming the cause', async () => {
    const server = await serve((_req, res) => res.end());
    const url = server.url;
    const [closing] = servers.splice(0);
    closing?.close();
    if (closing) await once(closing, 'close');
    const answer = await postJson(url, {}, options);
    expect(answer).toMatchObject({ kind: 'no-response', reason: 'network' });
    expect(answer.kind === 'no-response' && answer.cause.message).toMatch(/ECONNREFUSED/);
  });

  it('a header Node refuses to send (a control character) is a network failure at once, not a throw or a timer left', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    const started = Date.now();
    const answer = await postJson(server.url, {}, { headers: { authorization: 'Bearer t0ken\n' }, timeoutMs: 200 });
    expect(answer).toMatchObject({ kind: 'no-response', reason: 'network' });
    expect(answer.kind === 'no-response' && answer.cause.message).toMatch(/authorization/i);
    expect(answer.kind === 'no-response' && answer.cause.message).not.toContain('t0ken');
    // The timeout would have fired by now had a timer been left: nothing crashes, nothing was sent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(server.connections()).toBe(0);
  });

  it('reads a JSON body that starts with a byte order mark', async () => {
    const server = await serve((_req, res) => res.end('\ufeff{"ok":true}'));
    expect(await postJson(server.url, {}, options)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('keeps no library error in the cause: only its text, without the request or its headers', async () => {
    const server = await serve((req) => req.socket.destroy());
    const answer = await postJson(server.url, {}, options);
    expect(answer.kind).toBe('no-response');
    if (answer.kind !== 'no-response') return;
    expect(Object.keys(answer.cause)).toEqual([]);
    expect(answer.cause.cause).toBeUndefined();
    expect(JSON.stringify(answer.cause) + answer.cause.message).not.toContain('t0ken');
  });

  it('ends at once when aborted, and makes no request when aborted before', async () => {
    const server = await serve(() => undefined);
    const before = new AbortController();
    before.abort();
    expect(await postJson(server.url, {}, { ...options, signal: before.signal })).toEqual({ kind: 'aborted' });
    expect(server.connections()).toBe(0);

    const during = new AbortController();
    const pending = postJson(server.url, {}, { ...options, signal: during.signal });
    while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    during.abort();
    expect(await pending).toEqual({ kind: 'aborted' });
  });

  it('keeps no more than 1 MiB of an answer: a larger body reads as null and the socket stays usable', async () => {
    const big = `"${'x'.repeat(1024 * 1024 + 10)}"`;
    const server = await serve((req, res) => res.end(req.url === '/big' ? big : '{"ok":true}'));
    expect(await postJson(`${server.url}/big`, {}, options)).toMatchObject({ kind: 'response', status: 200, body: null });
    expect(await postJson(server.url, {}, options)).toMatchObject({ status: 200, body: { ok: true } });
    expect(server.connections()).toBe(1);
  });
});
