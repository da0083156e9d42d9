/**
 * Promise: SIGINT / SIGTERM mid-apply stops new calls at once, lets calls in flight finish for at
 * most 5 s (then cuts them, recording their outcome as unknown), exits 1 within ~6.5 s of the
 * signal, and leaves a state the next run converges from (no journal left behind).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Fault, RunningEmulator } from '../../src/emulator/emulator.js';
import { importEntry } from '../../src/state/state-entries.js';
import { newState, writeState } from '../../src/state/state-file.js';
import { emulatorEnv } from '../support/biot-env.js';
import { workspacePaths } from '../support/workspace.js';
import {
  BASE_SEED,
  cli,
  expectConverged,
  figure,
  inTempDir,
  manifestYaml,
  orphans,
  parsedState,
  pickEntries,
  PLUGIN_VARS,
  prng,
  resolved,
  sha256,
  sleep,
  SOAK,
  spawnCli,
  waitFor,
  withEmulatorWorkspace,
  withSeed,
  type Entry,
} from './helpers.js';

const GRACE_LIMIT_MS = 6500;

interface Scenario {
  name: string;
  signal: NodeJS.Signals;
  /** Sent this long after the first, when set (CI: SIGINT, then SIGTERM 7.5 s later). */
  second?: { signal: NodeJS.Signals; afterMs: number };
  kind: 'add' | 'remove';
  latencyMs: number;
  /** Queued before the run: makes the first calls outlast the 5 s grace. */
  faults?: Fault[];
  /** The signal is sent once this many dispatcher calls arrived, plus a seeded delay. */
  afterCalls: number;
  /** Exit expected within this long of the (last) signal. */
  exitWithinMs: number;
  /** Whether calls in flight can finish within the grace (else they are cut: uncertain entries). */
  inFlightFinish: boolean | 'either';
  /** A flaky BioT: calls in flight may retry during the grace (the same call, not a new one). */
  failRate?: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'SIGINT while adding, calls of 1.5 s finish', signal: 'SIGINT', kind: 'add', latencyMs: 1500, afterCalls: 1, exitWithinMs: GRACE_LIMIT_MS, inFlightFinish: true },
  { name: 'SIGTERM while removing, calls of 2 s finish', signal: 'SIGTERM', kind: 'remove', latencyMs: 2000, afterCalls: 5, exitWithinMs: GRACE_LIMIT_MS, inFlightFinish: true },
  { name: 'SIGHUP while adding, calls of 1 s finish', signal: 'SIGHUP', kind: 'add', latencyMs: 1000, afterCalls: 5, exitWithinMs: GRACE_LIMIT_MS, inFlightFinish: true },
  {
    name: 'SIGINT while calls of 9 s are in flight: cut after 5 s, recorded as uncertain',
    signal: 'SIGINT',
    kind: 'add',
    latencyMs: 0,
    faults: ['slow:9000', 'slow:9000', 'slow:9000', 'slow:9000'],
    afterCalls: 4,
    exitWithinMs: GRACE_LIMIT_MS,
    inFlightFinish: false,
  },
  {
    name: 'SIGTERM under faults (half the calls fail, 429s with Retry-After): retries stop at the grace',
    signal: 'SIGTERM',
    kind: 'add',
    latencyMs: 300,
    failRate: 0.5,
    afterCalls: 6,
    exitWithinMs: GRACE_LIMIT_MS,
    inFlightFinish: 'either',
  },
  {
    name: 'SIGINT then SIGTERM: the second signal cuts calls in flight at once',
    signal: 'SIGINT',
    second: { signal: 'SIGTERM', afterMs: 400 },
    kind: 'remove',
    latencyMs: 0,
    faults: ['slow:9000', 'slow:9000', 'slow:9000', 'slow:9000'],
    afterCalls: 4,
    exitWithinMs: 1500,
    inFlightFinish: false,
  },
];

const SIZE = 12;

/** A state that already holds `entries`, and an emulator that holds them too (no calls made). */
async function adopt(emulator: RunningEmulator, statePath: string, entries: readonly Entry[]): Promise<void> {
  let state = newState(emulator.url);
  for (const [i, e] of entries.entries()) {
    const triple = resolved([e], PLUGIN_VARS)[0];
    if (!triple) throw new Error('test bug');
    emulator.hold(triple);
    state = importEntry(state, { ...e, endpointSha256: sha256(triple.endpoint) }, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString());
  }
  await writeState(statePath, state, null);
}

describe.concurrent('interrupts mid-apply', () => {
  const results: Record<string, unknown>[] = [];
  let remaining = SCENARIOS.length;

  for (const [index, scenario] of SCENARIOS.entries()) {
    it(scenario.name, async () => {
      const seed = (BASE_SEED + 31 * index) >>> 0;
      await withSeed(`interrupt: ${scenario.name}`, seed, async () => {
        const random = prng(seed);
        try {
          await withEmulatorWorkspace({ latencyMs: scenario.latencyMs, seed, failRate: scenario.failRate ?? 0, retryAfterSeconds: 3 }, async ({ emulator, manifest, statePath, env }) => {
            const pool = pickEntries(random, SIZE, `i${index}`);
            let target: Entry[] = pool;
            if (scenario.kind === 'remove') {
              await adopt(emulator, statePath, pool);
              target = pool.slice(0, 4);
            }
            await writeFile(manifest, manifestYaml(target));
            if (scenario.faults) emulator.queueFaults(...scenario.faults);

            const args = ['reconcile', '-f', manifest, '--auto-approve', '--allow-mass-delete', '--concurrency', '4'];
            const run = spawnCli(args, env);
            // Arrival times of dispatcher calls, to prove none starts after the signal.
            const arrivals: number[] = [];
            let seen = 0;
            let polling = true;
            const poller = (async () => {
              while (polling) {
                const { subscribeCalls, unsubscribeCalls } = emulator.stats();
                for (; seen < subscribeCalls + unsubscribeCalls; seen++) arrivals.push(performance.now());
                await sleep(5);
              }
            })();
            const ready = await waitFor(() => emulator.stats().subscribeCalls + emulator.stats().unsubscribeCalls >= scenario.afterCalls, 15_000);
            expect(ready, 'the apply started its calls').toBe(true);
            await sleep(50 + random() * 400);
            expect(run.child.exitCode, 'still running when signalled').toBeNull();
            const signalledAt = performance.now();
            const callsAtSignal = seen;
            run.child.kill(scenario.signal);
            let lastSignalAt = signalledAt;
            if (scenario.second) {
              await sleep(scenario.second.afterMs);
              lastSignalAt = performance.now();
              run.child.kill(scenario.second.signal);
            }
            const result = await run.done;
            polling = false;
            await poller;

            const exitMs = result.endedAt - signalledAt;
            const sinceLast = result.endedAt - lastSignalAt;
            expect(result.signal, result.stderr).toBeNull();
            expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(1);
            expect(result.stderr).toContain(`${scenario.signal}: starting no new calls`);
            expect(result.stdout).toMatch(/Reconcile interrupted after/);
            expect(exitMs).toBeLessThan(GRACE_LIMIT_MS);
            expect(sinceLast).toBeLessThan(scenario.exitWithinMs);
            // No call started after the signal (150 ms for one already on its way to the emulator).
            const late = arrivals.filter((t) => t > signalledAt + 150);
            if (scenario.failRate === undefined) expect(late, 'dispatcher calls that arrived after the signal').toEqual([]);
            // Under faults, only retries of the calls in flight: at most concurrency × retries.
            else expect(late.length).toBeLessThanOrEqual(4 * 5);
            expect(result.stderr).not.toMatch(/internal error/);

            // Consistent: the state parses, no journal is left, nothing is held that nobody knows.
            const state = await parsedState(statePath);
            const expected = resolved(target, PLUGIN_VARS);
            expect(orphans(emulator.subscriptions(), state, expected)).toEqual([]);
            const uncertain = state?.subscriptions.filter((e) => e.uncertain).length ?? 0;
            if (scenario.inFlightFinish === true) expect(uncertain).toBe(0);
            else if (scenario.inFlightFinish === false) expect(uncertain).toBeGreaterThan(0);

            // The next run converges (under faults, with retries enough to get through them).
            const rerun = await cli(scenario.failRate === undefined ? args : [...args, '--retries', '12'], env);
            expect(rerun.code, `${rerun.stdout}\n${rerun.stderr}`).toBe(0);
            await expectConverged(emulator, statePath, expected, 'after the rerun');
            results.push({
              scenario: scenario.name,
              signal: scenario.second ? `${scenario.signal}+${scenario.second.signal}` : scenario.signal,
              latencyMs: scenario.faults ? 9000 : scenario.latencyMs,
              callsAtSignal,
              requestsAfterSignal: late.length,
              exitAfterSignalMs: Math.round(exitMs),
              uncertainAfter: uncertain,
            });
          });
        } finally {
          if (--remaining === 0) figure('interrupts', { scenarios: results });
        }
      });
    }, 60_000);
  }
});

describe('interrupts during the login', () => {
  // A BioT whose login never answers: without the interrupt, the run would wait for the login's
  // timeouts and retries (minutes), past CI's SIGTERM and into its SIGKILL.
  for (const second of [undefined, 'SIGTERM' as const]) {
    it(`SIGINT${second ? ' then SIGTERM' : ''} while the login hangs: exit 1 ${second ? 'at once' : 'within the grace'}, nothing changed, no lock left`, async () => {
      const hanging = createServer(() => undefined);
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', () => resolve()));
      try {
        await inTempDir(async (dir) => {
          const { manifest, statePath } = workspacePaths(dir);
          await writeFile(manifest, manifestYaml(pickEntries(prng(BASE_SEED), 3, 'login')));
          const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
          const run = spawnCli(['reconcile', '-f', manifest, '--auto-approve'], emulatorEnv(url, PLUGIN_VARS));
          expect(await waitFor(() => run.stdout().includes('Plan:'), 15_000)).toBe(true);
          await sleep(300);
          const signalledAt = performance.now();
          run.child.kill('SIGINT');
          let lastAt = signalledAt;
          if (second) {
            await sleep(300);
            lastAt = performance.now();
            run.child.kill(second);
          }
          const result = await run.done;
          expect(result.code, result.stderr).toBe(1);
          expect(result.stderr).toMatch(/login interrupted/);
          expect(result.endedAt - signalledAt).toBeLessThan(GRACE_LIMIT_MS);
          if (second) expect(result.endedAt - lastAt).toBeLessThan(1500);
          expect(existsSync(statePath)).toBe(false);
          expect(existsSync(`${statePath}.lock`)).toBe(false);
          expect(existsSync(`${statePath}.journal`)).toBe(false);
        });
      } finally {
        hanging.closeAllConnections();
        await new Promise<void>((resolve) => hanging.close(() => resolve()));
      }
    }, 30_000);
  }
});

// The soak repeats the first scenario with random delays: interrupts at many more moments.
if (SOAK) {
  describe('interrupts mid-apply (soak)', () => {
    it('SIGINT at 20 random moments', async () => {
      for (let i = 0; i < 20; i++) {
        const seed = (BASE_SEED + 7 * i) >>> 0;
        await withSeed(`interrupt soak #${i}`, seed, async () => {
          const random = prng(seed);
          await withEmulatorWorkspace({ latencyMs: 300 + Math.floor(random() * 900), seed }, async ({ emulator, manifest, statePath, env }) => {
            const pool = pickEntries(random, 16, `j${i}`);
            await writeFile(manifest, manifestYaml(pool));
            const run = spawnCli(['reconcile', '-f', manifest, '--auto-approve'], env);
            await sleep(200 + random() * 2000);
            const at = performance.now();
            run.child.kill(random() < 0.5 ? 'SIGINT' : 'SIGTERM');
            const result = await run.done;
            expect(result.endedAt - at).toBeLessThan(GRACE_LIMIT_MS);
            // Before the apply registers its handlers, a signal ends the process the default way.
            if (result.signal === null) expect([0, 1]).toContain(result.code);
            const rerun = await cli(['reconcile', '-f', manifest, '--auto-approve'], env);
            expect(rerun.code, rerun.stderr).toBe(0);
            await expectConverged(emulator, statePath, resolved(pool, PLUGIN_VARS), 'after the rerun');
          });
        });
      }
    }, 600_000);
  });
}
