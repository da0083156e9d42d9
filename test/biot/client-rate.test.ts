import { describe, expect, it } from 'vitest';
import { clientOf, closeEmulatorsAfterEach, emulator, triple } from './harness.js';

closeEmulatorsAfterEach();

describe('pacing against a rate-limited BioT', () => {
  it('settles under a limit it was never told: few 429s, every call succeeds', async () => {
    const emu = await emulator({ rateLimit: 60 });
    const { client, events } = clientOf(emu, { maxInFlight: 16, retries: 8 });
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 120 }, (_, n) => client.subscribe(triple(n))));
    const seconds = (Date.now() - started) / 1000;
    const { subscribeCalls, rateLimited } = emu.stats();
    expect(outcomes.every((o) => o.kind === 'ok')).toBe(true);
    // Loose bounds for a 2-second test on a shared machine; the benchmark checks the strict ones.
    expect(rateLimited / subscribeCalls).toBeLessThan(0.25);
    expect(120 / seconds).toBeLessThanOrEqual(66);
    if (rateLimited > 0) expect(events.some((e) => e.kind === 'throttled')).toBe(true);
  });

  it('never exceeds --rate', async () => {
    const emu = await emulator({ rateLimit: 1_000 });
    const { client } = clientOf(emu, { maxInFlight: 8, rate: 25 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 30 }, (_, n) => client.subscribe(triple(n))));
    // 30 calls at 25/s with a burst of 2: at least (30 - 2) / 25 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_050);
    expect(emu.stats().rateLimited).toBe(0);
  });

  it('paces by rate even when BioT answers fast: one 429 cuts the rate, not only the calls in flight', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { maxInFlight: 16 });
    await Promise.all(Array.from({ length: 20 }, (_, n) => client.subscribe(triple(n))));
    const before = client.stats().rate;
    emu.queueFaults('http-429');
    await client.subscribe(triple(99));
    const after = client.stats();
    expect(after.rate).toBeLessThan(before);
    expect(after.inFlightLimit).toBeLessThan(16);
    expect(after.throttled).toBe(1);
  });
});
