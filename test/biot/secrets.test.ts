import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { BiotClient } from '../../src/biot/client.js';
import type { Credentials } from '../../src/biot/types.js';
import { clientOf, closeEmulatorsAfterEach, emulator, triple } from './harness.js';

closeEmulatorsAfterEach();

const SECRET_KEY = 'svc-SECRET-key-8731';
const PASSWORD = 'pw-SECRET-5522';
const HOOK_KEY = 'HOOKKEY-SECRET-9911';
const URL_PASSWORD = 'urlpass-SECRET-4040';
const BAD_TOKEN = 'emu-at-FORGED-SECRET-7777';
const ENDPOINT = `https://hook:${URL_PASSWORD}@fn.example.net/api/cmd?code=${HOOK_KEY}`;

/** Everything a run can show: messages, stacks, causes and own properties, deep. */
function everything(value: unknown): string {
  const parts = [JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true })];
  for (let e: unknown = value; e instanceof Error; e = e.cause) parts.push(String(e), e.stack ?? '');
  return parts.join('\n');
}

describe('secret hygiene', () => {
  it('no error, outcome, event or stat of a run, with wrong and right credentials, holds a secret', async () => {
    const emu = await emulator({
      serviceUsers: { svc: SECRET_KEY },
      users: { 'me@example.com': PASSWORD },
      tokenTtlSeconds: 0.4,
      failRate: 0.3,
      lostResponseRate: 0.2,
      seed: 5,
    });
    const seen: unknown[] = [];
    const run = async (credentials: Credentials, options: { retries?: number; timeoutMs?: number } = {}): Promise<BiotClient> => {
      const { client, events } = clientOf(emu, { credentials, ...options });
      seen.push(events);
      seen.push(await client.authenticate().catch((error: unknown) => error));
      const endpoints = [ENDPOINT, `${ENDPOINT}&n=2`, 'not a uri?code=' + HOOK_KEY];
      for (const endpoint of endpoints) {
        seen.push(await client.subscribe(triple(1, endpoint)));
        seen.push(await client.unsubscribe(triple(1, endpoint)));
      }
      seen.push(client.stats());
      return client;
    };

    await run({ kind: 'service-user', id: 'svc', secretKey: 'wrong-' + SECRET_KEY });
    await run({ kind: 'user', username: 'me@example.com', password: 'wrong-' + PASSWORD });
    await run({ kind: 'token', token: BAD_TOKEN });
    await run({ kind: 'service-user', id: 'svc', secretKey: SECRET_KEY });
    const user = await run({ kind: 'user', username: 'me@example.com', password: PASSWORD });
    emu.expireTokens();
    seen.push(await user.subscribe(triple(2, ENDPOINT)));
    // Retries spent on dropped connections and timeouts: failures that carry causes.
    emu.queueFaults('drop', 'drop', 'slow:300', 'slow:300');
    const { client: impatient } = clientOf(emu, { credentials: { kind: 'service-user', id: 'svc', secretKey: SECRET_KEY }, retries: 1, timeoutMs: 100 });
    await impatient.authenticate();
    seen.push(await impatient.subscribe(triple(3, ENDPOINT)));
    seen.push(await impatient.subscribe(triple(4, ENDPOINT)));

    const text = seen.map(everything).join('\n');
    for (const secret of [SECRET_KEY, PASSWORD, HOOK_KEY, URL_PASSWORD, BAD_TOKEN, 'emu-at-', 'emu-rt-']) {
      expect(text, `found ${secret}`).not.toContain(secret);
    }
    // The run did meet the failures it was meant to: refusals, retries, renewals.
    expect(text).toContain('BioT refused the service user credentials');
    expect(text).toContain('BioT refused the user credentials');
    expect(text).toContain('BIOT_TOKEN');
    expect(text).toContain('"kind":"retry"');
    expect(text).toContain('no answer from BioT');
    expect(emu.stats().refreshes + emu.stats().logins).toBeGreaterThan(3);
  });
});
