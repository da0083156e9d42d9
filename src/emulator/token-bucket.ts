import type { RateLimit } from './context.js';

/**
 * A token bucket, as many API gateways limit rates: `rate` tokens a second, at most `burst` saved
 * up, one spent per call let through. Unlike a sliding window it keeps no record of old calls: a
 * client that waited a moment gets through again, whatever it sent in the last second.
 */
export class TokenBucket implements RateLimit {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number | null = null;

  constructor(rate: number, burst: number) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
  }

  /** Returns null when the call may pass (and spends a token), else the whole seconds to wait. */
  take(now: number): number | null {
    const elapsed = this.#refilledAt === null ? 0 : Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
    this.#refilledAt = now;
    // A token refilled in the very millisecond of a call counts, whatever the float rounding.
    if (this.#tokens >= 1 - 1e-9) {
      this.#tokens -= 1;
      return null;
    }
    // Retry-After counts whole seconds: a token's wait of a few milliseconds still reads 1.
    return Math.max(1, Math.ceil((1 - this.#tokens) / this.#rate));
  }

  reset(): void {
    this.#tokens = this.#burst;
    this.#refilledAt = null;
  }
}
