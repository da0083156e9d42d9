import type { RateLimit } from './context.js';

/**
 * Sliding one-second window over accepted calls, as a simple API gateway does: a call is let
 * through when fewer than `limit` were let through in the last second. Rejected calls do not
 * count, so a client that backs off gets through again once old calls leave the window.
 */
export class SlidingWindow implements RateLimit {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #accepted: number[] = [];

  constructor(limit: number, windowMs = 1000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Returns null when the call may pass (and counts it), else the whole seconds to wait. */
  take(now: number): number | null {
    while (this.#accepted.length > 0 && (this.#accepted[0] ?? 0) <= now - this.#windowMs) this.#accepted.shift();
    if (this.#accepted.length < this.#limit) {
      this.#accepted.push(now);
      return null;
    }
    const oldest = this.#accepted[0] ?? now;
    return Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000));
  }

  reset(): void {
    this.#accepted.length = 0;
  }
}
