import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/emulator.js';
import { bearer, post, serviceToken, SUBSCRIBE, triple, UNSUBSCRIBE } from './helpers.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
afterEach(() => emu.reset());

describe('logins', () => {
  it('issues a service-user access token with an ISO expiration', async () => {
    const answer = await post(`${emu.url}/ums/v2/services/accessToken`, { id: 'demo', secretKey: 'demo-secret' });
    expect(answer.status).toBe(200);
    expect(answer.body?.accessToken).toMatch(/^emu-at-/);
    const expiration = Date.parse(String(answer.body?.accessTokenExpiration));
    expect(expiration - Date.now()).toBeGreaterThan(290_000);
  });

  it('refuses a wrong secret with 401 in BioT error shape', async () => {
    const answer = await post(`${emu.url}/ums/v2/services/accessToken`, { id: 'demo', secretKey: 'nope' }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'UNAUTHORIZED', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', serviceName: 'ums' });
    expect(typeof answer.body?.message).toBe('string');
  });

  it('logs a user in, refreshes once per refresh token', async () => {
    const login = await post(`${emu.url}/ums/v2/users/login`, { username: 'demo@example.com', password: 'demo-password' });
    expect(login.status).toBe(200);
    const refreshJwt = login.body?.refreshJwt as { token: string; expiration: string };
    expect(login.body?.accessJwt).toMatchObject({ token: expect.stringMatching(/^emu-at-/), expiration: expect.any(String) });
    const refreshed = await post(`${emu.url}/ums/v2/users/token/refresh`, { refreshToken: refreshJwt.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body?.accessJwt).toBeTruthy();
    const again = await post(`${emu.url}/ums/v2/users/token/refresh`, { refreshToken: refreshJwt.token });
    expect(again.status).toBe(401);
    expect((await post(`${emu.url}/ums/v2/users/login`, { username: 'demo@example.com', password: 'x' })).status).toBe(401);
  });

  it('rejects a login body without the fields with 400', async () => {
    const answer = await post(`${emu.url}/ums/v2/services/accessToken`, { id: 'demo' });
    expect(answer.status).toBe(400);
    expect(answer.body?.code).toBe('VALIDATION_ERROR');
  });
});

describe('subscribe and unsubscribe', () => {
  it('answers 200, then 409 for a duplicate; 200 then 404 on unsubscribe', async () => {
    const auth = bearer(await serviceToken(emu.url));
    expect((await post(`${emu.url}${SUBSCRIBE}`, triple(), auth)).status).toBe(200);
    const duplicate = await post(`${emu.url}${SUBSCRIBE}`, triple(), auth);
    expect(duplicate.status).toBe(409);
    expect(duplicate.body?.code).toBe('SUBSCRIPTION_ALREADY_EXISTS');
    expect(emu.subscriptions()).toEqual([triple()]);
    expect((await post(`${emu.url}${UNSUBSCRIBE}`, triple(), auth)).status).toBe(200);
    const missing = await post(`${emu.url}${UNSUBSCRIBE}`, triple(), auth);
    expect(missing.status).toBe(404);
    expect(missing.body?.code).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(emu.subscriptions()).toEqual([]);
  });

  it('lists what it holds, sorted, without authentication', async () => {
    const auth = bearer(await serviceToken(emu.url));
    for (const n of [3, 1, 2]) await post(`${emu.url}${SUBSCRIBE}`, triple(n), auth);
    await post(`${emu.url}${SUBSCRIBE}`, { ...triple(9), entityTypeName: 'command' }, auth);
    const res = await fetch(`${emu.url}/_emulator/subscriptions`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ ...triple(9), entityTypeName: 'command' }, triple(1), triple(2), triple(3)]);
  });

  it('answers 401 for a missing, unknown or expired token', async () => {
    expect((await post(`${emu.url}${SUBSCRIBE}`, triple())).status).toBe(401);
    const unknown = await post(`${emu.url}${SUBSCRIBE}`, triple(), bearer('emu-at-made-up'));
    expect(unknown.status).toBe(401);
    expect(unknown.body?.code).toBe('UNAUTHORIZED');
    const token = await serviceToken(emu.url);
    emu.expireTokens();
    expect((await post(`${emu.url}${SUBSCRIBE}`, triple(), bearer(token))).status).toBe(401);
    expect(emu.subscriptions()).toEqual([]);
  });

  it('lets a token expire after its lifetime', async () => {
    const short = await startEmulator({ tokenTtlSeconds: 0.2 });
    try {
      const auth = bearer(await serviceToken(short.url));
      expect((await post(`${short.url}${SUBSCRIBE}`, triple(), auth)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 250));
      expect((await post(`${short.url}${SUBSCRIBE}`, triple(2), auth)).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it.each([
    ['a missing field', { entityTypeName: 'device', actionName: '_create' }],
    ['an empty field', { ...triple(), actionName: '' }],
    ['a non-string field', { ...triple(), actionName: 7 }],
    ['an extra field', { ...triple(), id: 'x' }],
    ['an endpoint that is no URI', { ...triple(), endpoint: 'not a uri' }],
    ['an array', [triple()]],
  ])('answers 400 VALIDATION_ERROR for %s', async (_name, body) => {
    const answer = await post(`${emu.url}${SUBSCRIBE}`, body, bearer(await serviceToken(emu.url)));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.any(String), traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('answers 415 without a JSON content type', async () => {
    const res = await fetch(`${emu.url}${SUBSCRIBE}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer(await serviceToken(emu.url)) },
      body: JSON.stringify(triple()),
    });
    expect(res.status).toBe(415);
  });
});

describe('robustness', () => {
  it('answers malformed JSON with 400', async () => {
    const answer = await post(`${emu.url}${SUBSCRIBE}`, '{"entityTypeName": ', bearer(await serviceToken(emu.url)));
    expect(answer.status).toBe(400);
    expect((await post(`${emu.url}/ums/v2/users/login`, 'nope')).status).toBe(400);
  });

  it('answers a body over 64 KiB with 413', async () => {
    const answer = await post(`${emu.url}${SUBSCRIBE}`, { ...triple(), endpoint: `https://x.example.com/${'a'.repeat(70_000)}` });
    expect(answer.status).toBe(413);
    expect(answer.body?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers unknown paths 404 and wrong methods 405, in JSON', async () => {
    const unknown = await fetch(`${emu.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
    const wrong = await fetch(`${emu.url}${SUBSCRIBE}`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await wrong.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
  });

  it('generates a trace id when the traceparent is missing or invalid', async () => {
    const answer = await post(`${emu.url}${SUBSCRIBE}`, triple(), { traceparent: 'garbage' });
    expect(answer.body?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('records dispatcher calls as received, without the Authorization header', async () => {
    const token = await serviceToken(emu.url);
    await post(`${emu.url}${SUBSCRIBE}`, triple(), { ...bearer(token), traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    await post(`${emu.url}${UNSUBSCRIBE}`, '{oops', bearer(token));
    expect(emu.calls()).toEqual([
      { path: SUBSCRIBE, contentType: 'application/json', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', body: triple() },
      { path: UNSUBSCRIBE, contentType: 'application/json', traceparent: null, body: '{oops' },
    ]);
    expect(JSON.stringify(emu.calls())).not.toContain(token);
  });

  it('counts requests by path', async () => {
    await serviceToken(emu.url);
    await post(`${emu.url}${SUBSCRIBE}`, triple());
    await fetch(`${emu.url}/somewhere`);
    const stats = emu.stats();
    expect(stats).toMatchObject({ requests: 3, subscribeCalls: 1, logins: 1, unauthorized: 1 });
    expect(stats.byPath).toEqual({ '/ums/v2/services/accessToken': 1, [SUBSCRIBE]: 1, '(unknown)': 1 });
  });
});
