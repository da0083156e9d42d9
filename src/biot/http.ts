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

// One keep-alive pool per scheme for the process: every call of a run reuses a few sockets.
// Idle sockets do not hold the process open (the agent unrefs them), and Node drops one before
// the server's `Keep-Alive: timeout` hint runs out.
const agents = {
  http: new http.Agent({ keepAlive: true }),
  https: new https.Agent({ keepAlive: true }),
};

/**
 * One POST of a JSON body over node:http(s), with no retries, no redirects and no error for an
 * HTTP status: retries live in one layer, the client's loop (which paces each attempt through
 * the limiter, feeds 429s to AIMD, refreshes the token on a 401 and caps Retry-After). The
 * timeout covers reading the body too, not only the headers.
 *
 * Why not fetch: an apply is hundreds of these calls, and fetch (undici) cost ~3x the CPU per
 * call of node:http on our benchmark machine (0.7-1.6 ms against 0.3-0.5 ms), CPU that, on a
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

    const request = (secure ? https : http).request(target, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'content-length': String(payload.length),
        ...options.headers,
      },
    });
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
    return JSON.parse(text) as unknown;
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
