import http from 'node:http';
import https from 'node:https';

/** How one HTTP request ended. Never throws: the caller decides what each case means. */
export type HttpAnswer =
  | { kind: 'response'; status: number; retryAfter: string | null; body: unknown }
  | { kind: 'no-response'; reason: 'timeout' | 'network'; cause: Error }
  | { kind: 'aborted' };

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** BioT's answers to these calls are a few hundred bytes; more than this is kept out of memory. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Idle sockets are closed after this, or 1 s before the server's `Keep-Alive: timeout` hint if
 * that is sooner (Node honours the hint only below the agent's own timeout). Servers and load
 * balancers close idle connections (Node's own server after 5 s); a call sent on one that is
 * being closed fails with a reset and costs a retry.
 */
const IDLE_SOCKET_MS = 4000;

// One keep-alive pool per scheme for the process: every call of a run reuses a few sockets.
// Idle sockets do not hold the process open (the agent unrefs them).
const agents = {
  http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
};

/**
 * One POST of a JSON body over node:http(s), with no retries, no redirects and no error for an
 * HTTP status: retries live in one layer, the client's loop (which paces each attempt through
 * the limiter, feeds 429s to AIMD, refreshes the token on a 401 and caps Retry-After). The
 * timeout covers reading the body too, not only the headers.
 *
 * Why not fetch: an apply is hundreds of these calls, and fetch (undici) cost ~3x the CPU per
 * call of node:http on our benchmark machine (0.6-1.5 ms against 0.2-0.5 ms), CPU that, on a
 * busy CI runner, delays every other call in flight (docs/benchmarks.md). A redirect is not
 * followed: it would carry the bearer token to wherever BioT's answer pointed.
 */
export function postJson(url: string, json: unknown, options: PostOptions): Promise<HttpAnswer> {
  const { signal } = options;
  if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    return Promise.resolve({ kind: 'no-response', reason: 'network', cause: plainCause(error) });
  }
  const secure = target.protocol === 'https:';
  const payload = Buffer.from(JSON.stringify(json), 'utf8');

  let request: http.ClientRequest;
  try {
    request = (secure ? https : http).request(target, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'content-length': String(payload.length),
        ...options.headers,
      },
    });
  } catch (error) {
    // Thrown before anything is sent, e.g. a header value with a control character (a token
    // pasted with its newline): the message names the header, not its value.
    return Promise.resolve({ kind: 'no-response', reason: 'network', cause: plainCause(error) });
  }

  return new Promise<HttpAnswer>((resolve) => {
    let settled = false;
    const finish = (answer: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(answer);
    };
    const cut = (answer: HttpAnswer): void => {
      finish(answer);
      request.destroy();
    };
    const onAbort = (): void => cut({ kind: 'aborted' });
    const timer = setTimeout(() => {
      cut({ kind: 'no-response', reason: 'timeout', cause: new Error(`no complete answer within ${options.timeoutMs} ms`) });
    }, options.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => finish({ kind: 'no-response', reason: 'network', cause: plainCause(error) }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Read on past the cap (the socket stays reusable) but keep nothing more.
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      response.on('end', () => {
        const text = size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : '';
        const retryAfter = response.headers['retry-after'];
        finish({ kind: 'response', status: response.statusCode ?? 0, retryAfter: retryAfter ?? null, body: parseJson(text) });
      });
      response.on('error', (error) => finish({ kind: 'no-response', reason: 'network', cause: plainCause(error) }));
      response.on('close', () => {
        if (!response.complete) {
          finish({ kind: 'no-response', reason: 'network', cause: new Error('the connection closed before the answer was complete') });
        }
      });
    });
    request.end(payload);
  });
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    // A byte order mark is not JSON, but some servers send one (fetch's text() dropped it).
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch {
    return null;
  }
}

/**
 * A plain Error naming what failed (e.g. "Error: connect ECONNREFUSED 127.0.0.1:9
 * (ECONNREFUSED)"), without the original's properties: a library error may hold the request,
 * and with it the Authorization header. The caller still redacts the text.
 */
function plainCause(error: unknown): Error {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    parts.push(`${depth === 0 ? `${current.name}: ` : ''}${current.message}${typeof code === 'string' ? ` (${code})` : ''}`);
    current = current.cause;
  }
  return new Error(parts.length > 0 ? parts.join(': ') : 'request failed');
}
