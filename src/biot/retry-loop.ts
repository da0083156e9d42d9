import { retryDelayMs, type RetryTiming } from './retry-timing.js';

/** What one attempt came to: finished (success or a final failure), or worth another try. */
export type Attempt<T> = { done: T } | { retry: string; retryAfter?: string | null; failure: T };

export interface RetryLoopOptions<T> {
  /** Further attempts after the first. */
  retries: number;
  timing: RetryTiming;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  onRetry: (attempt: number, delayMs: number, reason: string) => void;
  /** The result when the signal aborts the wait between attempts. */
  interrupted: () => T;
}

/**
 * The one retry layer: runs `attempt` until it is done or the retries are spent, then returns
 * the last failure. Waits between attempts with full jitter, honouring a capped Retry-After.
 */
export async function retrying<T>(attempt: (n: number) => Promise<Attempt<T>>, options: RetryLoopOptions<T>): Promise<T> {
  for (let n = 1; ; n += 1) {
    const result = await attempt(n);
    if ('done' in result) return result.done;
    if (n > options.retries) return result.failure;
    const delayMs = retryDelayMs(n, result.retryAfter, options.now(), options.random, options.timing);
    options.onRetry(n, delayMs, result.retry);
    try {
      await options.sleep(delayMs, options.signal);
    } catch {
      // The only way a sleep ends early is the caller's abort.
      return options.interrupted();
    }
    if (options.signal?.aborted) return options.interrupted();
  }
}
