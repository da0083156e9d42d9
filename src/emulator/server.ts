import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { SubscriptionTriple } from '../subscription.js';
import { serviceAccessToken, refreshToken, userLogin } from './auth-routes.js';
import { emptyStats, type EmulatorContext, type RateLimit, type EmulatorStats, type RecordedCall, type RouteHandler } from './context.js';
import { dispatcherRoute } from './dispatcher-routes.js';
import { FaultPicker } from './faults.js';
import { errorBody, readBody, sendJson, traceIdOf } from './http-io.js';
import { resolveEmulatorOptions, type EmulatorOptions, type Fault, type ResolvedEmulatorOptions } from './options.js';
import { mulberry32 } from './prng.js';
import { SlidingWindow } from './rate-window.js';
import { TokenBucket } from './token-bucket.js';
import { SubscriptionStore } from './store.js';
import { TokenStore } from './tokens.js';

export interface RunningEmulator {
  /** Base URL to use as BIOT_BASE_URL, without trailing slash. */
  url: string;
  options: ResolvedEmulatorOptions;
  close(): Promise<void>;
  /** What it holds, sorted by entity, action, endpoint. */
  subscriptions(): SubscriptionTriple[];
  stats(): EmulatorStats;
  /** The last 1000 dispatcher calls as received (Authorization header left out), oldest first. */
  calls(): RecordedCall[];
  /** Forgets subscriptions, tokens, queued faults, counters, recorded calls and the rate window. */
  reset(): void;
  /** The next dispatcher calls, in order, get these faults (before any random ones). */
  queueFaults(...faults: Fault[]): void;
  /** Every access token issued so far stops working: the next call with one gets 401. */
  expireTokens(): void;
  /** Holds a subscription as if made earlier (drift made by hand, tests of converged answers). */
  hold(triple: SubscriptionTriple): void;
}

interface Route {
  method: 'GET' | 'POST';
  handle: RouteHandler;
}

const ROUTES: Readonly<Record<string, Route>> = {
  '/ums/v2/services/accessToken': { method: 'POST', handle: serviceAccessToken },
  '/ums/v2/users/login': { method: 'POST', handle: userLogin },
  '/ums/v2/users/token/refresh': { method: 'POST', handle: refreshToken },
  '/dispatcher/v1/hooks/notifications/subscribe': { method: 'POST', handle: dispatcherRoute('subscribe') },
  '/dispatcher/v1/hooks/notifications/unsubscribe': { method: 'POST', handle: dispatcherRoute('unsubscribe') },
  '/_emulator/subscriptions': { method: 'GET', handle: (ctx, r) => sendJson(r.res, 200, ctx.store.list()) },
  '/_emulator/stats': { method: 'GET', handle: (ctx, r) => sendJson(r.res, 200, ctx.stats) },
};

/** Starts an in-memory BioT on 127.0.0.1 (a free port by default). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const closing = new AbortController();
  const ctx: EmulatorContext = {
    options: resolved,
    tokens: new TokenStore(resolved.tokenTtlSeconds * 1000, resolved.refreshTtlSeconds * 1000),
    store: new SubscriptionStore(),
    faults: new FaultPicker(mulberry32(resolved.seed), resolved.failRate, resolved.lostResponseRate),
    rateLimit: rateLimitOf(resolved),
    stats: emptyStats(),
    calls: [],
    now: () => Date.now(),
    sleep: (ms) => delay(ms, true, { signal: closing.signal }).catch(() => false),
  };

  const server = createServer((req, res) => void handle(ctx, req, res));
  // A malformed request line or header never reaches the handler; answer it rather than hang.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;

  return {
    url: `http://${host}:${port}`,
    options: resolved,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        // Keep-alive sockets would otherwise hold close() (and a test run) for seconds.
        server.closeAllConnections();
      }),
    subscriptions: () => ctx.store.list(),
    stats: () => structuredClone(ctx.stats),
    calls: () => structuredClone(ctx.calls),
    reset: () => {
      ctx.store.clear();
      ctx.tokens.clear();
      ctx.faults.clear();
      ctx.rateLimit?.reset();
      ctx.stats = emptyStats();
      ctx.calls = [];
    },
    queueFaults: (...faults) => ctx.faults.enqueue(faults),
    expireTokens: () => ctx.tokens.expireAllAccess(),
    hold: (triple) => void ctx.store.add(triple),
  };
}

function rateLimitOf(options: ResolvedEmulatorOptions): RateLimit | null {
  if (options.rateLimit === null) return null;
  return options.rateLimitBurst === null ? new SlidingWindow(options.rateLimit) : new TokenBucket(options.rateLimit, options.rateLimitBurst);
}

async function handle(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const traceId = traceIdOf(req);
  try {
    // The raw path, not a URL parse: "//x" must stay a path, not become a host.
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
    ctx.stats.requests += 1;
    const counted = route ? path : '(unknown)';
    ctx.stats.byPath[counted] = (ctx.stats.byPath[counted] ?? 0) + 1;

    const body = await readBody(req, ctx.options.maxBodyBytes);
    if (body.kind === 'aborted') return;
    if (!route) return sendJson(res, 404, errorBody('gateway', 'NOT_FOUND', 'no such endpoint', traceId));
    if (req.method !== route.method) {
      return sendJson(res, 405, errorBody('gateway', 'METHOD_NOT_ALLOWED', `use ${route.method}`, traceId), { allow: route.method });
    }
    if (body.kind === 'too-large') {
      return sendJson(res, 413, errorBody('gateway', 'PAYLOAD_TOO_LARGE', `body over ${ctx.options.maxBodyBytes} bytes`, traceId), { connection: 'close' });
    }
    await route.handle(ctx, { req, res, path, traceId, body: body.text });
  } catch {
    // Whatever went wrong in a handler, the emulator keeps serving and says so in BioT's shape.
    sendJson(res, 500, errorBody('gateway', 'INTERNAL_SERVER_ERROR', 'the emulator failed to handle the request', traceId));
  }
}
