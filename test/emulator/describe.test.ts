import { describe, expect, it } from 'vitest';
import { describeEmulator, resolveEmulatorOptions } from '../../src/emulator/emulator.js';

describe('describeEmulator', () => {
  it('prints the URL and the environment a client needs', () => {
    const text = describeEmulator({ url: 'http://127.0.0.1:4010', options: resolveEmulatorOptions({ rateLimit: 80, seed: 9 }) });
    expect(text).toMatchInlineSnapshot(`
      "BioT emulator listening on http://127.0.0.1:4010

      Use it with:
        export BIOT_BASE_URL=http://127.0.0.1:4010
        export BIOT_SERVICE_USER_ID=demo
        export BIOT_SERVICE_USER_SECRET_KEY=demo-secret
        # or a user login: BIOT_USERNAME=demo@example.com BIOT_PASSWORD=demo-password

      Faults: latency 0 ms, fail rate 0, lost-response rate 0, rate limit 80/s, seed 9; tokens live 300 s
      Held subscriptions: GET http://127.0.0.1:4010/_emulator/subscriptions
      Stop with Ctrl-C."
    `);
  });

  it('quotes credentials a shell would split', () => {
    const text = describeEmulator({ url: 'http://127.0.0.1:1', options: resolveEmulatorOptions({ serviceUsers: { 'my id': "it's" } }) });
    expect(text).toContain(`export BIOT_SERVICE_USER_ID='my id'`);
    expect(text).toContain(`export BIOT_SERVICE_USER_SECRET_KEY='it'\\''s'`);
  });

  it('names a token-bucket limit and its burst', () => {
    const text = describeEmulator({ url: 'http://127.0.0.1:1', options: resolveEmulatorOptions({ rateLimit: 80, rateLimitBurst: 10 }) });
    expect(text).toContain('rate limit 80/s (token bucket, burst 10)');
  });
});

describe('resolveEmulatorOptions', () => {
  it.each([{ failRate: 1.5 }, { lostResponseRate: -1 }, { rateLimit: 0 }, { port: 70000 }, { latencyMs: Number.NaN }, { seed: 1.5 }, { rateLimitBurst: 5 }, { rateLimit: 80, rateLimitBurst: 0 }, { rateLimit: 80, rateLimitBurst: 2.5 }])('refuses %o', (options) => {
    expect(() => resolveEmulatorOptions(options)).toThrow(RangeError);
  });
});
