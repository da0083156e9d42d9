import type { BiotErrorDetail } from '../errors.js';

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
  | { kind: 'retry'; attempt: number; delayMs: number; reason: string }
  | { kind: 'throttled'; rate: number; inFlight: number }
  | { kind: 'token'; mode: Credentials['kind'] };

export interface BiotClientStats {
  requests: number;
  retries: number;
  throttled: number;
}
