import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../src/errors.js';
import { clientOf, closeEmulatorsAfterEach, emulator, SERVICE_USER, triple, USER } from './harness.js';

closeEmulatorsAfterEach();

describe('login modes', () => {
  it('service user: logs in once and subscribes', async () => {
    const emu = await emulator();
    const { client, events } = clientOf(emu);
    expect(await client.subscribe(triple())).toEqual({ kind: 'ok', status: 200 });
    expect(await client.unsubscribe(triple())).toEqual({ kind: 'ok', status: 200 });
    expect(emu.subscriptions()).toEqual([]);
    expect(events).toContainEqual({ kind: 'token', mode: 'service-user', how: 'login' });
    expect(client.stats()).toMatchObject({ logins: 1, refreshes: 0, requests: 3, retries: 0 });
  });

  it('user: logs in with username and password', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { credentials: USER });
    expect(await client.subscribe(triple())).toEqual({ kind: 'ok', status: 200 });
    expect(emu.stats().byPath['/ums/v2/users/login']).toBe(1);
  });

  it('ready token: uses BIOT_TOKEN as is, without any login', async () => {
    const emu = await emulator();
    const res = await fetch(`${emu.url}/ums/v2/services/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'demo', secretKey: 'demo-secret' }),
    });
    const { accessToken } = (await res.json()) as { accessToken: string };
    const before = emu.stats().logins;
    const { client } = clientOf(emu, { credentials: { kind: 'token', token: accessToken } });
    await client.authenticate();
    expect(await client.subscribe(triple())).toEqual({ kind: 'ok', status: 200 });
    expect(emu.stats().logins).toBe(before);
  });

  it('ready token refused: the call fails, naming BIOT_TOKEN, with no login attempted', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { credentials: { kind: 'token', token: 'emu-at-not-a-real-one' } });
    const outcome = await client.subscribe(triple());
    expect(outcome).toMatchObject({ kind: 'failed', changed: 'no', error: { status: 401, code: 'UNAUTHORIZED' } });
    expect(outcome.kind === 'failed' && outcome.error.message).toMatch(/BIOT_TOKEN/);
    expect(emu.stats()).toMatchObject({ logins: 0, subscribeCalls: 1 });
    // The token cannot be renewed: later calls fail at once instead of sending one 401 each.
    const later = await Promise.all([2, 3, 4].map((n) => client.subscribe(triple(n))));
    for (const o of later) expect(o.kind === 'failed' && o.error.message).toMatch(/BIOT_TOKEN/);
    expect(emu.stats()).toMatchObject({ logins: 0, subscribeCalls: 1 });
  });
});

describe('refused credentials', () => {
  it('service user: authenticate() throws a CredentialsError naming the variables, before any dispatcher call', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { credentials: { ...SERVICE_USER, secretKey: 'wrong-secret' } });
    const error = await client.authenticate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toBe('BioT refused the service user credentials (BIOT_SERVICE_USER_ID / BIOT_SERVICE_USER_SECRET_KEY)');
    expect(emu.stats()).toMatchObject({ subscribeCalls: 0, unsubscribeCalls: 0 });
  });

  it('user: names BIOT_USERNAME / BIOT_PASSWORD', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { credentials: { ...USER, password: 'wrong-password' } });
    await expect(client.authenticate()).rejects.toThrow('BioT refused the user credentials (BIOT_USERNAME / BIOT_PASSWORD)');
  });

  it('a refusal is remembered: later calls fail at once, with no further login and no dispatcher call', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { credentials: { ...SERVICE_USER, secretKey: 'wrong-secret' } });
    await expect(client.authenticate()).rejects.toBeInstanceOf(CredentialsError);
    const outcomes = await Promise.all([1, 2, 3].map((n) => client.subscribe(triple(n))));
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ kind: 'failed', changed: 'no', error: { message: expect.stringMatching(/refused the service user/) } });
    }
    expect(emu.stats()).toMatchObject({ unauthorized: 1, subscribeCalls: 0 });
  });
});

describe('token lifetime', () => {
  it('concurrent first calls share one login', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { maxInFlight: 8 });
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, n) => client.subscribe(triple(n))));
    expect(outcomes.every((o) => o.kind === 'ok')).toBe(true);
    expect(emu.stats().logins).toBe(1);
  });

  it('renews a short-lived token before it expires, mid-run, without a 401', async () => {
    const emu = await emulator({ tokenTtlSeconds: 1 });
    const { client } = clientOf(emu);
    const started = Date.now();
    for (let n = 0; Date.now() - started < 1_600; n += 1) {
      expect(await client.subscribe(triple(n))).toMatchObject({ kind: 'ok' });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(emu.stats().logins).toBeGreaterThanOrEqual(2);
    expect(emu.stats().unauthorized).toBe(0);
  });

  it('a token that went stale while a call waited for its turn is renewed before sending', async () => {
    const emu = await emulator({ tokenTtlSeconds: 0.6 });
    const { client } = clientOf(emu, { rate: 4 });
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, n) => client.subscribe(triple(n))));
    expect(outcomes.every((o) => o.kind === 'ok')).toBe(true);
    expect(emu.stats().unauthorized).toBe(0);
    expect(emu.stats().logins).toBeGreaterThanOrEqual(2);
  });

  it('on a 401 renews the token once and sends the call again', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu);
    expect(await client.subscribe(triple(1))).toMatchObject({ kind: 'ok' });
    emu.expireTokens();
    expect(await client.subscribe(triple(2))).toEqual({ kind: 'ok', status: 200 });
    expect(emu.stats()).toMatchObject({ logins: 2, unauthorized: 1, subscribeCalls: 3 });
    expect(client.stats().retries).toBe(0);
  });

  it('a second 401 after renewing fails the call as not changed', async () => {
    // Tokens expire a millisecond after issue, and the emulator checks them after its 5 ms of
    // latency: every token the client gets is refused, however fast the login and call are.
    const emu = await emulator({ tokenTtlSeconds: 0.001, latencyMs: 5 });
    const { client } = clientOf(emu);
    const outcome = await client.subscribe(triple());
    expect(outcome).toMatchObject({ kind: 'failed', changed: 'no', error: { status: 401, code: 'UNAUTHORIZED' } });
    // Exactly one renewal after the 401: two sends. Each send takes the token twice (before and
    // after waiting for its permit), and a token whose expiration is still ahead on arrival looks
    // expired at once and is renewed there too: logins are 2 to 4 depending on timing.
    expect(emu.stats().subscribeCalls).toBe(2);
    expect(emu.stats().logins).toBeGreaterThanOrEqual(2);
    expect(emu.stats().logins).toBeLessThanOrEqual(4);
  });

  it('user: renews with the refresh token, not a new login', async () => {
    const emu = await emulator({ tokenTtlSeconds: 0.6 });
    const { client, events } = clientOf(emu, { credentials: USER });
    const started = Date.now();
    for (let n = 0; Date.now() - started < 1_500; n += 1) {
      expect(await client.subscribe(triple(n))).toMatchObject({ kind: 'ok' });
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(emu.stats().logins).toBe(1);
    expect(emu.stats().refreshes).toBeGreaterThanOrEqual(2);
    expect(events).toContainEqual({ kind: 'token', mode: 'user', how: 'refresh' });
  });

  it('user: falls back to a full login when the refresh token is refused', async () => {
    const emu = await emulator();
    const { client } = clientOf(emu, { credentials: USER });
    expect(await client.subscribe(triple(1))).toMatchObject({ kind: 'ok' });
    emu.reset(); // forgets every access and refresh token
    expect(await client.subscribe(triple(2))).toEqual({ kind: 'ok', status: 200 });
    expect(emu.stats()).toMatchObject({ logins: 1, refreshes: 0, unauthorized: 2 });
  });
});
