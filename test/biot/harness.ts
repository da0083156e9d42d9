import { afterEach } from 'vitest';
import { createBiotClient, type BiotClient, type BiotClientOptions } from '../../src/biot/client.js';
import type { ClientEvent, Credentials } from '../../src/biot/types.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/emulator.js';

export const SERVICE_USER = { kind: 'service-user', id: 'demo', secretKey: 'demo-secret' } satisfies Credentials;
export const USER = { kind: 'user', username: 'demo@example.com', password: 'demo-password' } satisfies Credentials;

/** Small waits so a retrying test takes milliseconds, not seconds. */
export const FAST = { baseMs: 2, capMs: 10, maxRetryAfterMs: 20 };

export { triple } from '../emulator/helpers.js';

const running: RunningEmulator[] = [];

/** Registers the afterEach that closes every emulator a test started; call once per file. */
export function closeEmulatorsAfterEach(): void {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
}

export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator(options);
  running.push(emu);
  return emu;
}

export interface TestClient {
  client: BiotClient;
  events: ClientEvent[];
}

/** A client of `emu` that logs in as the demo service user and records its events. */
export function clientOf(emu: RunningEmulator, options: Partial<BiotClientOptions> = {}): TestClient {
  const events: ClientEvent[] = [];
  const client = createBiotClient({
    baseUrl: emu.url,
    credentials: SERVICE_USER,
    retryTiming: FAST,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { client, events };
}
