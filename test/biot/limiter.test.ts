import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter } from '../../src/biot/limiter.js';

const realTime = { now: () => Date.now(), sleep: (ms: number) => delay(ms) };

describe('AdaptiveLimiter', () => {
  it('lets callers through in order, at most maxInFlight at once', async () => {
    const limiter = new AdaptiveLimiter({ maxInFlight: 2, maxRate: 1_000 }, realTime);
    const order: number[] = [];
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        const permit = await limiter.acquire();
        order.push(n);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await delay(5);
        inFlight -= 1;
        permit.release('ok');
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(2);
  });

  it('an aborted waiter leaves the queue and rejects with the reason; the others go on', async () => {
    const limiter = new AdaptiveLimiter({ maxInFlight: 1, maxRate: 1_000 }, realTime);
    const first = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    first.release('ok');
    const permit = await next;
    permit.release('ok');
    await expect(limiter.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('reports a cut, and paces by the rate', async () => {
    const cuts: number[] = [];
    const limiter = new AdaptiveLimiter({ maxInFlight: 4, maxRate: 50 }, { ...realTime, onCut: (s) => cuts.push(s.rate) });
    const started = Date.now();
    for (let n = 0; n < 12; n += 1) (await limiter.acquire()).release(n === 0 ? 'throttled' : 'ok');
    expect(cuts).toEqual([45]);
    // 12 calls with a burst of 1 at 45..50/s: at least ~11/50 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
