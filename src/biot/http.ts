import ky from 'ky';

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

/**
 * One POST of a JSON body, with ky's own retries and HTTP errors off: retries live in one layer,
 * the client's loop (which paces each attempt through the limiter, feeds 429s to AIMD, refreshes
 * the token on a 401 and caps Retry-After instead of giving up on it, none of which ky's retry
 * can do). The timeout covers reading the body too, not only the headers.
 */
export async function postJson(url: string, json: unknown, options: PostOptions): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await ky.post(url, {
      json,
      headers: { accept: 'application/json', ...options.headers },
      signal,
      timeout: false,
      retry: 0,
      throwHttpErrors: false,
    });
    const text = await response.text();
    return { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after'), body: parseJson(text) };
  } catch (error) {
    if (options.signal?.aborted) return { kind: 'aborted' };
    if (timeout.aborted) return { kind: 'no-response', reason: 'timeout', cause: plainCause(error) };
    return { kind: 'no-response', reason: 'network', cause: plainCause(error) };
  }
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
 * A plain Error naming what failed (e.g. "TypeError: fetch failed: other side closed
 * (UND_ERR_SOCKET)"), without the original's properties: a library error may hold the request,
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
