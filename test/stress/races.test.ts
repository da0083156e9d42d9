/**
 * Promise: two applies never run on one state. Of two reconciles started together exactly one
 * proceeds; the other fails at once (exit 1) naming the lock's holder. A lock left by a run
 * killed with SIGKILL is taken over, with a warning, by the next run, which then converges.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  BASE_SEED,
  cli,
  expectConverged,
  figure,
  manifestYaml,
  pickEntries,
  PLUGIN_VARS,
  prng,
  resolved,
  SOAK,
  spawnCli,
  waitFor,
  withEmulatorWorkspace,
  withSeed,
} from './helpers.js';

const ROUNDS = SOAK ? 40 : 8;
const STALE_ROUNDS = SOAK ? 20 : 4;

describe('races on one state', () => {
  it(`two reconciles at once: exactly one proceeds, the other fails at once naming the holder (${ROUNDS} rounds)`, async () => {
    const loserMs: number[] = [];
    const winnerMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const seed = (BASE_SEED + 613 * round) >>> 0;
      await withSeed(`race #${round}`, seed, async () => {
        await withEmulatorWorkspace({ latencyMs: 250, seed }, async ({ emulator, manifest, statePath, env }) => {
          const entries = pickEntries(prng(seed), 8, `r${round}`);
          await writeFile(manifest, manifestYaml(entries));
          const args = ['reconcile', '-f', manifest, '--auto-approve'];
          const a = spawnCli(args, env);
          const b = spawnCli(args, env);
          const [ra, rb] = await Promise.all([a.done, b.done]);
          const runs = [
            { spawned: a, result: ra },
            { spawned: b, result: rb },
          ];
          const winners = runs.filter((r) => r.result.code === 0);
          const losers = runs.filter((r) => r.result.code !== 0);
          expect(winners.length, `${ra.stderr}\n---\n${rb.stderr}`).toBe(1);
          expect(losers.length).toBe(1);
          const [winner] = winners;
          const [loser] = losers;
          if (!winner || !loser) throw new Error('unreachable');
          expect(loser.result.code).toBe(1);
          // Named: the winner's pid, this host, the command.
          expect(loser.result.stderr).toContain(`locked by pid ${String(winner.spawned.child.pid)} on ${hostname()} (reconcile`);
          expect(loser.result.stderr).not.toMatch(/internal error|\n\s+at /);
          // At once: it did not wait for the winner's calls (2 rounds of 250 ms at least).
          const lost = loser.result.endedAt - loser.spawned.startedAt;
          const won = winner.result.endedAt - winner.spawned.startedAt;
          loserMs.push(lost);
          winnerMs.push(won);
          expect(lost).toBeLessThan(won);
          // The loser made no call: the emulator saw each subscribe exactly once.
          expect(emulator.stats().subscribeCalls).toBe(entries.length);
          await expectConverged(emulator, statePath, resolved(entries, PLUGIN_VARS), 'after the race');
        });
      });
    }
    const median = (xs: number[]): number => Math.round([...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN);
    figure('races', { rounds: ROUNDS, loserExitMedianMs: median(loserMs), winnerExitMedianMs: median(winnerMs) });
  }, 120_000);

  it(`a lock left by a SIGKILLed run is taken over with a warning, and the run converges (${STALE_ROUNDS} rounds)`, async () => {
    for (let round = 0; round < STALE_ROUNDS; round++) {
      const seed = (BASE_SEED + 389 * round) >>> 0;
      await withSeed(`stale lock #${round}`, seed, async () => {
        const random = prng(seed);
        await withEmulatorWorkspace({ latencyMs: 200, seed }, async ({ emulator, manifest, statePath, env }) => {
          const lock = `${statePath}.lock`;
          const entries = pickEntries(random, 10, `st${round}`);
          await writeFile(manifest, manifestYaml(entries));
          const args = ['reconcile', '-f', manifest, '--auto-approve'];

          const victim = spawnCli(args, env);
          // Killed while it holds the lock, at a random moment of its calls.
          expect(await waitFor(() => emulator.stats().subscribeCalls > 0, 10_000)).toBe(true);
          await new Promise((resolve) => setTimeout(resolve, random() * 300));
          expect(existsSync(lock)).toBe(true);
          const holder = JSON.parse(await readFile(lock, 'utf8')) as { pid: number; host: string; command: string };
          expect(holder).toMatchObject({ pid: victim.child.pid, host: hostname(), command: 'reconcile' });
          victim.child.kill('SIGKILL');
          const killed = await victim.done;
          expect(killed.signal).toBe('SIGKILL');
          expect(existsSync(lock), 'a SIGKILLed run leaves its lock').toBe(true);

          const next = await cli(args, env);
          expect(next.code, `${next.stdout}\n${next.stderr}`).toBe(0);
          expect(next.stderr).toContain(`warning: took over a stale lock left by pid ${String(victim.child.pid)}`);
          await expectConverged(emulator, statePath, resolved(entries, PLUGIN_VARS), 'after the takeover');
        });
      });
    }
    figure('stale-lock', { rounds: STALE_ROUNDS });
  }, 120_000);

  it('a lock held by a live process, or by a process on another host, is never taken over', async () => {
    await withEmulatorWorkspace({}, async ({ emulator, manifest, statePath, env }) => {
      await writeFile(manifest, manifestYaml(pickEntries(prng(BASE_SEED), 3, 'live')));
      const holders = [
        { pid: process.pid, host: hostname(), command: 'reconcile', startedAt: new Date().toISOString() },
        { pid: 1, host: `not-${hostname()}`, command: 'reconcile', startedAt: new Date().toISOString() },
      ];
      for (const holder of holders) {
        const text = `${JSON.stringify(holder)}\n`;
        await writeFile(`${statePath}.lock`, text);
        const run = await cli(['reconcile', '-f', manifest, '--auto-approve'], env);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`locked by pid ${holder.pid} on ${holder.host}`);
        expect(await readFile(`${statePath}.lock`, 'utf8')).toBe(text);
        expect(emulator.stats().requests).toBe(0);
        expect(existsSync(statePath)).toBe(false);
      }
    });
  });
});
