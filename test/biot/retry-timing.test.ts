import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY_TIMING, isRetryableStatus, parseRetryAfterMs, retryDelayMs } from '../../src/biot/retry-timing.js';

const timing = DEFAULT_RETRY_TIMING;

describe('retry timing', () => {
  it('retries exactly network-ish statuses: 408, 429, 500, 502, 503, 504', () => {
    const retryable = Array.from({ length: 600 }, (_, s) => s).filter(isRetryableStatus);
    expect(retryable).toEqual([408, 429, 500, 502, 503, 504]);
  });

  it('full jitter: uniform in [0, min(cap, base * 2^(retry-1))]', () => {
    expect(backoffMs(1, () => 0.999_999, timing)).toBe(199);
    expect(backoffMs(3, () => 0.5, timing)).toBe(400);
    expect(backoffMs(20, () => 0.999_999, timing)).toBe(9_999);
    expect(backoffMs(4, () => 0, timing)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
        const ms = backoffMs(retry, () => r, timing);
        return ms >= 0 && ms <= Math.min(timing.capMs, timing.baseMs * 2 ** (retry - 1));
      }),
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('3', now)).toBe(3_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1_500);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(parseRetryAfterMs('', now)).toBeNull();
    expect(parseRetryAfterMs(null, now)).toBeNull();
  });

  it('waits at least Retry-After, capped, and never less than the backoff', () => {
    expect(retryDelayMs(1, '2', 0, () => 0.5, timing)).toBe(2_000);
    expect(retryDelayMs(1, '3600', 0, () => 0.5, timing)).toBe(30_000);
    expect(retryDelayMs(6, '0', 0, () => 0.5, timing)).toBe(3_200);
    expect(retryDelayMs(2, null, 0, () => 0.5, timing)).toBe(200);
  });
});
