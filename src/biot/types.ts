import type { BiotErrorDetail } from '../errors.js';
import type { LimitCounting } from './rate-control.js';

export type Credentials =
  | { kind: 'service-user'; id: string; secretKey: string }
  | { kind: 'user'; username: string; password: string }
  | { kind: 'token'; token: string };

/**
 * How one subscribe or unsubscribe ended.
 * - ok: BioT made the change.
 * - converged: BioT answered that it already held (subscribe) or did not hold (unsubscribe) the
 *   triple; counts as success.
 * - failed: the change was not confirmed. `changed: 'no'` when BioT refused it for certain
 *   (a 4xx), `'unknown'` when it may have happened (network error, timeout, 5xx after retries).
 */
export type CallOutcome =
  | { kind: 'ok'; status: number }
  | { kind: 'converged'; status: number }
  | { kind: 'failed'; changed: 'no' | 'unknown'; error: BiotErrorDetail };

/** Events the client reports for progress and benchmarks; never carry secrets. */
export type ClientEvent =
  /** Attempt `attempt` (1-based) of `call` failed for `reason`; the next starts in `delayMs`. */
  | { kind: 'retry'; attempt: number; delayMs: number; reason: string; call: 'subscribe' | 'unsubscribe' | 'login' }
  /** A 429 cut the pace: now at most `rate` requests/s and `inFlight` calls at once. */
  | { kind: 'throttled'; rate: number; inFlight: number }
  /** A new access token was obtained by a full login or a refresh. */
  | { kind: 'token'; mode: Credentials['kind']; how: 'login' | 'refresh' };

export interface BiotClientStats {
  /** HTTP requests sent: every attempt, logins and refreshes included. */
  requests: number;
  /** Attempts repeated after a retryable failure (401 re-sends not included). */
  retries: number;
  /** Answers 429 received. */
  throttled: number;
  /** Access tokens obtained by a full login, and by a refresh. */
  logins: number;
  refreshes: number;
  /** The pace now: requests per second and calls in flight allowed. */
  rate: number;
  inFlightLimit: number;
  /** How BioT's rate limit seems to count calls, from its 429s: per window, or a refilling bucket. */
  limitCounting: LimitCounting;
}
