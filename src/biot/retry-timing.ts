/**
 * When to retry and how long to wait: pure functions (no clock, no randomness of their own) so
 * the timing can be tested exactly.
 */
export interface RetryTiming {
  /** First backoff ceiling; each retry doubles it. */
  baseMs: number;
  /** Ceiling of the exponential backoff. */
  capMs: number;
  /** Ceiling of a server's Retry-After: a misconfigured server must not park a run for hours. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTiming = { baseMs: 200, capMs: 10_000, maxRetryAfterMs: 30_000 };

/** Statuses worth repeating a call for; subscribe and unsubscribe are safe to repeat. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Full-jitter exponential backoff: uniform in [0, min(cap, base * 2^(retry-1))]. Full jitter
 * spreads workers that failed together, so they do not come back together.
 * @param retry 1 for the first retry.
 */
export function backoffMs(retry: number, random: () => number, timing: RetryTiming): number {
  const ceiling = Math.min(timing.capMs, timing.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** A Retry-After header (delta-seconds or an HTTP date) as milliseconds from now; null if absent or unreadable. */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** The wait before a retry: at least the jittered backoff, and at least the server's (capped) Retry-After. */
export function retryDelayMs(retry: number, retryAfter: string | null | undefined, nowMs: number, random: () => number, timing: RetryTiming): number {
  const backoff = backoffMs(retry, random, timing);
  const asked = parseRetryAfterMs(retryAfter, nowMs);
  return asked === null ? backoff : Math.max(backoff, Math.min(asked, timing.maxRetryAfterMs));
}
