import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/emulator.js';
import { bearer, post, serviceToken, SUBSCRIBE, triple, UNSUBSCRIBE } from './helpers.js';

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function start(options: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; auth: Record<string, string> }> {
  const emu = await startEmulator(options);
  running.push(emu);
  return { emu, auth: bearer(await serviceToken(emu.url)) };
}

/** Status of a subscribe, or 'dropped' when the connection ended without an answer. */
async function subscribeStatus(emu: RunningEmulator, auth: Record<string, string>, n = 1): Promise<number | 'dropped'> {
  try {
    return (await post(`${emu.url}${SUBSCRIBE}`, triple(n), auth)).status;
  } catch {
    return 'dropped';
  }
}

describe('queued faults', () => {
  it('answers the next calls with the queued faults, in order, without changing anything', async () => {
    const { emu, auth } = await start({ retryAfterSeconds: 2 });
    emu.queueFaults('http-500', 'http-503', 'http-429', 'drop');
    expect(await subscribeStatus(emu, auth)).toBe(500);
    expect(await subscribeStatus(emu, auth)).toBe(503);
    const limited = await post(`${emu.url}${SUBSCRIBE}`, triple(), auth);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.body?.code).toBe('TOO_MANY_REQUESTS');
    expect(await subscribeStatus(emu, auth)).toBe('dropped');
    expect(emu.subscriptions()).toEqual([]);
    expect(await subscribeStatus(emu, auth)).toBe(200);
    expect(emu.stats().injectedFaults).toBe(4);
  });

  it.each([
    ['lost-drop', 'dropped'],
    ['lost-502', 502],
    ['lost-504', 504],
  ] as const)('%s makes the change, then loses the answer', async (fault, seen) => {
    const { emu, auth } = await start();
    emu.queueFaults(fault);
    expect(await subscribeStatus(emu, auth)).toBe(seen);
    expect(emu.subscriptions()).toEqual([triple()]);
    expect(await subscribeStatus(emu, auth)).toBe(409);
    expect(emu.stats().lostResponses).toBe(1);
  });

  it('slow:<ms> delays the call, then handles it', async () => {
    const { emu, auth } = await start();
    emu.queueFaults('slow:150');
    const started = Date.now();
    expect(await subscribeStatus(emu, auth)).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('random faults', () => {
  async function statuses(seed: number): Promise<Array<number | 'dropped'>> {
    const { emu, auth } = await start({ failRate: 0.5, seed });
    const seen: Array<number | 'dropped'> = [];
    for (let n = 0; n < 30; n += 1) seen.push(await subscribeStatus(emu, auth, n));
    return seen;
  }

  it('injects a reproducible mix of 500, 503, 429 and drops from the seed', async () => {
    const first = await statuses(42);
    expect(await statuses(42)).toEqual(first);
    expect(await statuses(7)).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 500, 503, 429, 'dropped']));
  });

  it('loses answers after making the change at lostResponseRate', async () => {
    const { emu, auth } = await start({ lostResponseRate: 1, seed: 3 });
    const seen = new Set<number | 'dropped'>();
    for (let n = 0; n < 12; n += 1) seen.add(await subscribeStatus(emu, auth, n));
    expect(emu.subscriptions()).toHaveLength(12);
    expect([...seen].every((s) => s === 502 || s === 504 || s === 'dropped')).toBe(true);
    // Only changes lose their answer: a duplicate is answered.
    expect(await subscribeStatus(emu, auth, 0)).toBe(409);
  });

  it('applies latency to dispatcher calls only', async () => {
    const { emu, auth } = await start({ latencyMs: 120 });
    let started = Date.now();
    await serviceToken(emu.url);
    expect(Date.now() - started).toBeLessThan(100);
    started = Date.now();
    await post(`${emu.url}${UNSUBSCRIBE}`, triple(), auth);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('rate limit', () => {
  /** Sends `calls` subscribes at once against an emulator with `options`, and checks what got through. */
  async function burst(options: EmulatorOptions, calls: number, letThrough: number): Promise<void> {
    const { emu, auth } = await start(options);
    const answers = await Promise.all(Array.from({ length: calls }, (_, n) => post(`${emu.url}${SUBSCRIBE}`, triple(n), auth)));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(calls - letThrough);
    expect(limited[0]?.headers.get('retry-after')).toBe('1');
    expect(emu.stats().rateLimited).toBe(calls - letThrough);
    expect(emu.subscriptions()).toHaveLength(letThrough);
  }

  it('answers calls past N per sliding second with 429 and Retry-After', async () => {
    await burst({ rateLimit: 5 }, 8, 5);
  });

  it('with rateLimitBurst, limits by a token bucket: the burst at once, then 429 until tokens refill', async () => {
    // One token a second: none comes back while the test runs.
    await burst({ rateLimit: 1, rateLimitBurst: 2 }, 4, 2);
  });
});

describe('close', () => {
  it('closes at once even with keep-alive connections and calls in flight', async () => {
    const { emu, auth } = await start({ latencyMs: 5_000 });
    const pending = subscribeStatus(emu, auth);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await emu.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBe('dropped');
    running.length = 0;
  });
});
