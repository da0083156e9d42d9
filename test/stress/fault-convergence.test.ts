/**
 * Promise: under a flaky BioT (30% of calls answered 500/503/429 or dropped, 10% of changes made
 * whose answer is then lost), `reconcile --auto-approve --retries 5` converges in at most two
 * runs, for adds and for removals, and leaves no uncertain entry behind.
 */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/emulator/emulator.js';
import {
  BASE_SEED,
  cli,
  expectConverged,
  figure,
  manifestYaml,
  orphans,
  parsedState,
  pickEntries,
  PLUGIN_VARS,
  prng,
  resolved,
  SOAK,
  sortTriples,
  withEmulatorWorkspace,
  withSeed,
  type EmulatorWorkspace,
  type Entry,
} from './helpers.js';

const FAIL_RATE = 0.3;
const LOST_RATE = 0.1;
// The product's default: what users run. With it a call fails a run only when six attempts in a
// row fail (0.3^6 ≈ 0.07%); with 3, one call in 120 did, and CI flaked on the two-run bound.
const RETRIES = 5;
const SEEDS = SOAK ? 12 : 3;
const SIZE = SOAK ? 60 : 24;
/**
 * Two runs suffice unless one call exhausts its retries in both (p = 0.3^6 ≈ 0.07% per call per
 * run), or a subscribe does in run 1 and an unsubscribe it held back does in run 2. CI's fixed
 * seeds converge in two; the soak's random seeds may need a third run, but only for that reason
 * (checked from the report), and the figures count how often.
 */
const MAX_RUNS = SOAK ? 3 : 2;

interface Outcome {
  runs: number;
  exitCodes: (number | null)[];
}

/** Reconciles until converged (checked after each run), at most MAX_RUNS times. */
async function reconcileUntilConverged(ws: EmulatorWorkspace, entries: readonly Entry[], env: Record<string, string> = ws.env): Promise<Outcome> {
  const { emulator, manifest, statePath } = ws;
  await writeFile(manifest, manifestYaml(entries));
  const expected = resolved(entries, PLUGIN_VARS);
  const exitCodes: (number | null)[] = [];
  for (let run = 1; run <= MAX_RUNS; run++) {
    const result = await cli(
      ['reconcile', '-f', manifest, '--auto-approve', '--allow-mass-delete', '--retries', String(RETRIES), '--timeout', '5'],
      env,
    );
    exitCodes.push(result.code);
    expect(result.stderr).not.toMatch(/internal error/);
    // Whatever the run's outcome, the state parses and nothing is left that nobody knows.
    const state = await parsedState(statePath);
    expect(orphans(emulator.subscriptions(), state, expected)).toEqual([]);
    const held = sortTriples(emulator.subscriptions());
    const done = JSON.stringify(held) === JSON.stringify(sortTriples(expected)) && !state?.subscriptions.some((e) => e.uncertain);
    if (done && result.code === 0) {
      await expectConverged(emulator, statePath, expected, `after run ${run}`);
      return { runs: run, exitCodes };
    }
    if (run >= 2) {
      // Beyond two runs only because retries ran out on retryable faults, nothing else.
      const failed = Number(/(\d+) failed/.exec(result.stdout)?.[1] ?? NaN);
      const exhausted = result.stdout.match(/^\s+(HTTP (408|429|500|502|503|504)|(no response: )?no answer from BioT)/gm)?.length ?? 0;
      expect(exhausted, `run ${run} failed for another reason than exhausted retries:\n${result.stdout}`).toBe(failed);
    }
    if (run === MAX_RUNS) {
      // Not converged: show the last run's report with the failure.
      await expectConverged(emulator, statePath, expected, `after ${MAX_RUNS} runs (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
  }
  throw new Error('unreachable');
}

describe('fault convergence: reconcile against a flaky BioT', () => {
  it(
    `converges in at most ${MAX_RUNS} runs at failRate ${FAIL_RATE} and lostResponseRate ${LOST_RATE}, adding and removing (${SEEDS} seeds)`,
    async () => {
      const totals = { seeds: SEEDS, size: SIZE, runs: [] as number[], requests: 0, injectedFaults: 0, lostResponses: 0, firstRunsFailed: 0 };
      const one = async (index: number): Promise<void> => {
        const seed = (BASE_SEED + index * 7919) >>> 0;
        await withSeed(`fault convergence #${index}`, seed, async () => {
          const random = prng(seed);
          await withEmulatorWorkspace({ failRate: FAIL_RATE, lostResponseRate: LOST_RATE, seed, retryAfterSeconds: 1 }, async (ws) => {
            const { emulator } = ws;
            const pool = pickEntries(random, SIZE + SIZE / 3, `s${seed}`);
            const first = pool.slice(0, SIZE);
            // Second manifest: a third removed, as many new ones added.
            const removed = new Set(first.filter(() => random() < 1 / 3));
            const second = [...first.filter((e) => !removed.has(e)), ...pool.slice(SIZE)];

            const adds = await reconcileUntilConverged(ws, first);
            const moves = await reconcileUntilConverged(ws, second);
            totals.runs.push(adds.runs, moves.runs);
            totals.firstRunsFailed += [adds, moves].filter((o) => o.exitCodes[0] !== 0).length;
            const stats = emulator.stats();
            totals.requests += stats.requests;
            totals.injectedFaults += stats.injectedFaults;
            totals.lostResponses += stats.lostResponses;
            // The faults really happened: a test that never met one would prove nothing.
            expect(stats.injectedFaults).toBeGreaterThan(0);
            expect(stats.lostResponses).toBeGreaterThan(0);
          });
        });
      };
      // Two lanes: most of the time is spent in backoff and Retry-After waits, not on the CPU.
      const lanes = 2;
      await Promise.all(
        Array.from({ length: lanes }, async (_, lane) => {
          for (let i = lane; i < SEEDS; i += lanes) await one(i);
        }),
      );
      figure('fault-convergence', {
        failRate: FAIL_RATE,
        lostResponseRate: LOST_RATE,
        retries: RETRIES,
        scenarios: totals.runs.length,
        subscriptionsPerManifest: SIZE,
        runsNeeded: totals.runs,
        firstRunsWithFailures: totals.firstRunsFailed,
        requests: totals.requests,
        injectedFaults: totals.injectedFaults,
        lostResponses: totals.lostResponses,
      });
    },
    SOAK ? 1_200_000 : 90_000,
  );

  it('converges with a user login whose 0.5 s tokens expire and are refreshed during the faults', async () => {
    const seed = (BASE_SEED ^ 0x5eed) >>> 0;
    await withSeed('fault convergence with token refresh', seed, async () => {
      await withEmulatorWorkspace({ failRate: FAIL_RATE, lostResponseRate: LOST_RATE, seed, latencyMs: 40, tokenTtlSeconds: 0.5 }, async (ws) => {
        const { emulator } = ws;
        const entries = pickEntries(prng(seed), SIZE, `t${seed}`);
        const env = { BIOT_BASE_URL: emulator.url, BIOT_USERNAME: DEMO_USER.username, BIOT_PASSWORD: DEMO_USER.password, ...PLUGIN_VARS };
        const outcome = await reconcileUntilConverged(ws, entries, env);
        const stats = emulator.stats();
        expect(stats.refreshes + stats.logins).toBeGreaterThan(2);
        figure('fault-convergence-token-refresh', { runsNeeded: outcome.runs, logins: stats.logins, refreshes: stats.refreshes, unauthorized: stats.unauthorized });
      });
    });
  }, 90_000);
});
