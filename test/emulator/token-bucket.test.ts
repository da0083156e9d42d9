import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/emulator/token-bucket.js';

describe('TokenBucket', () => {
  it('lets a full burst through at once, then one call per refilled token', () => {
    const bucket = new TokenBucket(10, 3);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([null, null, null]);
    expect(bucket.take(0)).toBe(1);
    // 10 tokens a second: one every 100 ms.
    expect(bucket.take(99)).toBe(1);
    expect(bucket.take(100)).toBeNull();
    expect(bucket.take(150)).toBe(1);
  });

  it('saves up no more than the burst, however long it stays idle', () => {
    const bucket = new TokenBucket(10, 2);
    expect(bucket.take(0)).toBeNull();
    const answers = [bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)];
    expect(answers).toEqual([null, null, 1]);
  });

  it('asks for whole seconds, rounded up, when tokens come slower than one a second', () => {
    const bucket = new TokenBucket(0.25, 1);
    expect(bucket.take(0)).toBeNull();
    expect(bucket.take(1000)).toBe(3);
  });

  it('reset fills it again', () => {
    const bucket = new TokenBucket(1, 1);
    expect(bucket.take(0)).toBeNull();
    expect(bucket.take(0)).toBe(1);
    bucket.reset();
    expect(bucket.take(0)).toBeNull();
  });
});
