import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/emulator/emulator.js';
import { clientOf, closeEmulatorsAfterEach, emulator, triple } from './harness.js';

closeEmulatorsAfterEach();

describe('retryable failures end in success', () => {
  it.each([
    ['http-500', 'HTTP 500 INTERNAL_SERVER_ERROR'],
    ['http-503', 'HTTP 503 SERVICE_UNAVAILABLE'],
    ['http-429', 'HTTP 429 TOO_MANY_REQUESTS'],
    ['drop', expect.stringMatching(/^connection failed: /)],
  ] as const)('%s, then success', async (fault, reason) => {
    const emu = await emulator();
    const { client, events } = clientOf(emu);
    emu.queueFaults(fault);
    expect(await client.subscribe(triple())).toEqual({ kind: 'ok', status: 200 });
    expect(events.filter((e) => e.kind === 'retry')).toEqual([{ kind: 'retry', attempt: 1, delayMs: expect.any(Number), reason, call: 'subscribe' }]);
    expect(emu.subscriptions()).toEqual([triple()]);
    expect(client.stats()).toMatchObject({ retries: 1, requests: 3 });
  });

  it('a timeout (answer slower than --timeout), then success', async () => {
    const emu = await emulator();
    const { client, events } = clientOf(emu, { timeoutMs: 100 });
    emu.queueFaults('slow:400');
    expect(await client.subscribe(triple())).toMatchObject({ kind: 'ok' });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'retry', reason: 'timeout after 100 ms' }));
  });

  it('honours Retry-After, capped', async () => {
    const emu = await emulator({ retryAfterSeconds: 2 });
    const waits: number[] = [];
    const { client } = clientOf(emu, {
      retryTiming: { baseMs: 1, capMs: 1, maxRetryAfterMs: 1_500 },
      // Records the waits asked for, but sleeps at most 5 ms of them.
      sleep: (ms, signal) => {
        waits.push(ms);
        return delay(Math.min(ms, 5), undefined, { signal });
      },
    });
    emu.queueFaults('http-429', 'http-500');
    expect(await client.subscribe(triple())).toMatchObject({ kind: 'ok' });
    expect(waits.filter((ms) => ms >= 1_000)).toEqual([1_500]);
  });

  it('repeats a lost answer and reads the 409 that follows as converged', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu);
    for (const fault of ['lost-drop', 'lost-502', 'lost-504'] satisfies Fault[]) {
      emu.queueFaults(fault);
      expect(await client.subscribe(triple())).toEqual({ kind: 'converged', status: 409 });
      emu.queueFaults(fault);
      expect(await client.unsubscribe(triple())).toEqual({ kind: 'converged', status: 404 });
    }
    expect(emu.stats().lostResponses).toBe(6);
  });

  it('survives a seeded mix of faults and lost answers', async () => {
    const emu = await emulator({ failRate: 0.3, lostResponseRate: 0.2, seed: 11 });
    const { client } = clientOf(emu, { retries: 10, maxInFlight: 8 });
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, n) => client.subscribe(triple(n))));
    expect(outcomes.every((o) => o.kind === 'ok' || o.kind === 'converged')).toBe(true);
    expect(emu.subscriptions()).toHaveLength(40);
    expect(emu.stats().injectedFaults + emu.stats().lostResponses).toBeGreaterThan(5);
  });
});

describe('final failures', () => {
  it('retries spent on 5xx: failed, changed unknown, with BioT code and trace id', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { retries: 2 });
    emu.queueFaults('http-500', 'http-503', 'http-500');
    const outcome = await client.subscribe(triple());
    expect(outcome).toEqual({
      kind: 'failed',
      changed: 'unknown',
      error: { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'injected fault', traceId: client.traceId },
    });
    expect(emu.stats().subscribeCalls).toBe(3);
  });

  it('retries spent on dropped connections: failed, changed unknown', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { retries: 1 });
    emu.queueFaults('drop', 'drop');
    const outcome = await client.subscribe(triple());
    expect(outcome).toMatchObject({ kind: 'failed', changed: 'unknown', error: { message: expect.stringMatching(/^no answer from BioT after 2 attempts/) } });
  });

  it('retries spent on 429s only: failed, not changed', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { retries: 1 });
    emu.queueFaults('http-429', 'http-429');
    expect(await client.subscribe(triple())).toMatchObject({ kind: 'failed', changed: 'no', error: { status: 429, code: 'TOO_MANY_REQUESTS' } });
  });

  it('a definite 4xx fails at once, not changed, with BioT code, message and trace id', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu);
    const outcome = await client.subscribe(triple(1, 'not a uri'));
    expect(outcome).toEqual({
      kind: 'failed',
      changed: 'no',
      error: { status: 400, code: 'VALIDATION_ERROR', message: 'endpoint must be a valid absolute http(s) URI', traceId: client.traceId },
    });
    expect(emu.stats().subscribeCalls).toBe(1);
  });

  it('a 4xx after a lost answer leaves the change unknown', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { retries: 1 });
    emu.queueFaults('http-503', 'http-429');
    expect(await client.subscribe(triple())).toMatchObject({ kind: 'failed', changed: 'unknown' });
  });
});

describe('converged answers', () => {
  it('subscribe of a held triple and unsubscribe of an unknown one are converged', async () => {
    const emu = await emulator();
    emu.hold(triple(1));
    const { client } = clientOf(emu);
    expect(await client.subscribe(triple(1))).toEqual({ kind: 'converged', status: 409 });
    expect(await client.unsubscribe(triple(2))).toEqual({ kind: 'converged', status: 404 });
  });
});

describe('interrupts', () => {
  it('aborted before the call: failed as not changed, "interrupted", nothing sent', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu);
    const outcome = await client.subscribe(triple(), AbortSignal.abort());
    expect(outcome).toEqual({ kind: 'failed', changed: 'no', error: { message: 'interrupted', traceId: client.traceId } });
    expect(emu.stats().subscribeCalls).toBe(0);
  });

  it('aborted while in flight: failed, changed unknown, "interrupted"', async () => {
    const emu = await emulator({ latencyMs: 1_000 });
    const { client } = clientOf(emu);
    const started = Date.now();
    const outcome = await client.subscribe(triple(), AbortSignal.timeout(100));
    expect(outcome).toMatchObject({ kind: 'failed', changed: 'unknown', error: { message: 'interrupted' } });
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('many calls sharing one cancel signal raise no listener-leak warning', async () => {
    const emu = await emulator({ latencyMs: 20 });
    const { client } = clientOf(emu, { maxInFlight: 4 });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const cancel = new AbortController().signal;
      emu.queueFaults(...Array.from({ length: 6 }, () => 'http-503' as const));
      const outcomes = await Promise.all(Array.from({ length: 16 }, (_, n) => client.subscribe(triple(n), cancel)));
      expect(outcomes.every((o) => o.kind === 'ok')).toBe(true);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('aborted during the wait before a retry', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { retryTiming: { baseMs: 5_000, capMs: 5_000, maxRetryAfterMs: 5_000 }, random: () => 1 });
    emu.queueFaults('http-500');
    const started = Date.now();
    const outcome = await client.subscribe(triple(), AbortSignal.timeout(150));
    expect(outcome).toMatchObject({ kind: 'failed', changed: 'unknown', error: { message: 'interrupted' } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('what is sent', () => {
  it('sends exactly the three fields as JSON, whatever else the triple carries', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu);
    const extra = { ...triple(), endpointSha256: 'abc', reason: 'new' };
    expect(await client.subscribe(extra)).toMatchObject({ kind: 'ok' });
    const [call] = emu.calls();
    expect(call?.contentType).toMatch(/^application\/json/);
    expect(call?.body).toStrictEqual({ entityTypeName: 'device', actionName: '_create', endpoint: 'https://hooks.example.com/device/1' });
  });

  it('sends a W3C traceparent: the run trace id, a fresh span id per request', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
    emu.queueFaults('http-500');
    await client.subscribe(triple(1));
    await client.unsubscribe(triple(1));
    const headers = emu.calls().map((c) => c.traceparent ?? '');
    expect(headers).toHaveLength(3);
    for (const header of headers) expect(header).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(new Set(headers.map((h) => h.split('-')[2])).size).toBe(3);
  });

  it('refuses a malformed trace id', async () => {
    const emu = await emulator();
    expect(() => clientOf(emu, { traceId: 'not-hex' })).toThrow(TypeError);
  });
});
