/**
 * Promise: `kill -9` at any point of an apply (adding or removing) loses nothing. The state file
 * parses at every moment; right after the kill no subscription exists that neither the state (as
 * the next run recovers it from the journal) nor the manifest knows; and ONE fault-free rerun
 * converges, even when the manifest changed its mind in between (dropping entries whose
 * subscribe was in flight when the run died).
 */
import { watch, type FSWatcher } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverJournal } from '../../src/state/journal.js';
import {
  BASE_SEED,
  bytesOf,
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
  sleep,
  SOAK,
  spawnCli,
  waitFor,
  withEmulatorWorkspace,
  withSeed,
  type Entry,
} from './helpers.js';

/**
 * Kill points: a random delay from the spawn (start-up, login, plan, calls, state write alike);
 * a random delay after a random call reached BioT (mid-apply); and the moment the state's
 * temporary file appears (mid state write).
 */
const DELAY_KILLS = SOAK ? 60 : 10;
const CALL_KILLS = SOAK ? 80 : 14;
const WRITE_KILLS = SOAK ? 30 : 6;
const SIZE = 12;

type Kind = 'add' | 'remove';
type Trigger = 'delay' | 'call' | 'state-write';

interface KillFigures {
  killed: number;
  exitedBeforeKill: number;
  journalLeft: number;
  tempLeft: number;
  stateChangedBeforeKill: number;
  stateReads: number;
  changedMind: number;
  orphansAfterKill: number;
  orphansAfterRerun: number;
  rerunRecoveredJournal: number;
  /** Entries the recovered journal left uncertain (calls in flight at the kill). */
  uncertainAfterKill: number;
  byKind: Record<string, number>;
}

const STATE_TEMP = /^\.subscriptions\.state\.json\.\d+\.[0-9a-f]+\.tmp$/;

function applyArgs(manifest: string): string[] {
  return ['reconcile', '-f', manifest, '--auto-approve', '--allow-mass-delete', '--concurrency', '2', '--retries', '2'];
}

/** Reads the state over and over while `running()`; any read that fails to parse is recorded. */
function pollState(statePath: string, running: () => boolean): Promise<{ reads: number; failures: string[] }> {
  return (async () => {
    let reads = 0;
    const failures: string[] = [];
    while (running()) {
      try {
        await parsedState(statePath);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
      reads += 1;
      await sleep(1);
    }
    return { reads, failures };
  })();
}

async function killPoint(index: number, kind: Kind, trigger: Trigger, calibrationMs: Record<Kind, Calibration>, figures: KillFigures): Promise<void> {
  const seed = (BASE_SEED + 104_729 * index) >>> 0;
  await withSeed(`crash ${kind} #${index} (${trigger})`, seed, async () => {
    const random = prng(seed);
    const latencyMs = 20 + Math.floor(random() * 31);
    await withEmulatorWorkspace({ latencyMs, seed }, async ({ emulator, dir, manifest, statePath, env }) => {
      let watcher: FSWatcher | undefined;
      try {
        const pool = pickEntries(random, SIZE + 6, `k${index}`);
        const base = pool.slice(0, SIZE);
        let target: Entry[];
        if (kind === 'add') {
          target = base;
        } else {
          // Applied first (fault-free), then the apply under test adds 3 and removes 6.
          await writeFile(manifest, manifestYaml(base));
          const setup = await cli(applyArgs(manifest), env);
          expect(setup.code, setup.stderr).toBe(0);
          target = [...base.slice(6), ...pool.slice(SIZE, SIZE + 3)];
        }
        await writeFile(manifest, manifestYaml(target));
        const before = await bytesOf(statePath);
        const callsBefore = emulator.stats().subscribeCalls + emulator.stats().unsubscribeCalls;

        // The run under test, killed with SIGKILL.
        const run = spawnCli(applyArgs(manifest), env);
        let running = true;
        const poller = pollState(statePath, () => running);
        let killedAt = 0;
        const kill = (): void => {
          if (killedAt === 0 && run.child.exitCode === null) {
            killedAt = performance.now();
            run.child.kill('SIGKILL');
          }
        };
        if (trigger === 'state-write') {
          // The moment its temporary state file appears: between create, fsync and rename.
          watcher = watch(dir, (_event, name) => {
            if (typeof name === 'string' && STATE_TEMP.test(name)) kill();
          });
        } else if (trigger === 'call') {
          // After the k-th call reached BioT, plus up to one call's latency.
          const calls = (): number => emulator.stats().subscribeCalls + emulator.stats().unsubscribeCalls;
          const k = callsBefore + 1 + Math.floor(random() * (kind === 'add' ? SIZE : 9));
          const extra = random() * latencyMs;
          void waitFor(() => calls() >= k || run.child.exitCode !== null, 30_000, 1).then(() => setTimeout(kill, extra));
        } else {
          // Anywhere from the spawn to just after the end of an unkilled run.
          setTimeout(kill, calibrationMs[kind].end * 1.05 * random());
        }
        const result = await run.done;
        watcher?.close();
        running = false;
        const polled = await poller;
        expect(polled.failures, 'every read of the state during the run parsed').toEqual([]);
        figures.stateReads += polled.reads;
        if (result.signal !== 'SIGKILL') {
          // It finished before the kill landed: still a valid data point for the rerun, not a kill.
          figures.exitedBeforeKill += 1;
          expect(result.code, result.stderr).toBe(0);
        } else {
          figures.killed += 1;
          figures.byKind[`${kind}/${trigger}`] = (figures.byKind[`${kind}/${trigger}`] ?? 0) + 1;
        }
        // Calls the dead run left in flight land on the emulator within its latency.
        await sleep(latencyMs + 30);

        // Right after the kill: the state file parses, and what BioT holds is known to someone.
        const stored = await parsedState(statePath);
        const files = await readdir(dir);
        const journalLeft = files.includes('subscriptions.state.json.journal');
        if (journalLeft) figures.journalLeft += 1;
        if (files.some((f) => STATE_TEMP.test(f))) figures.tempLeft += 1;
        const after = await bytesOf(statePath);
        if (result.signal === 'SIGKILL' && !(before === null ? after === null : after !== null && before.equals(after))) figures.stateChangedBeforeKill += 1;

        // Half the time the next commit changes its mind: it drops some of the entries the dead
        // run was adding (their subscribe may have been in flight) and some it kept, and wants
        // back some the dead run was removing (their unsubscribe may have been in flight).
        const changeMind = random() < 0.5;
        const rerunEntries = changeMind
          ? [...target.filter((_, i) => !(i % 3 === 0 || (kind === 'add' && i % 2 === 0))), ...(kind === 'remove' ? base.slice(0, 3) : [])]
          : target;
        if (changeMind) figures.changedMind += 1;
        const rerunTriples = resolved(rerunEntries, PLUGIN_VARS);
        const recovered = await recoverJournal(statePath, stored);
        const knownState = recovered ? recovered.state : stored;
        figures.uncertainAfterKill += recovered?.recovered.uncertain.length ?? 0;
        const lost = orphans(emulator.subscriptions(), knownState, rerunTriples);
        figures.orphansAfterKill += lost.length;
        expect(lost, 'after the kill: subscriptions neither the (recovered) state nor the manifest knows').toEqual([]);

        // ONE fault-free rerun converges.
        await writeFile(manifest, manifestYaml(rerunEntries));
        const rerun = await cli(applyArgs(manifest), env);
        expect(rerun.code, `rerun after the kill:\n${rerun.stdout}\n${rerun.stderr}`).toBe(0);
        if (journalLeft) {
          expect(rerun.stderr).toMatch(/recovered the journal/);
          figures.rerunRecoveredJournal += 1;
        }
        const state = await expectConverged(emulator, statePath, rerunTriples, 'after one rerun');
        figures.orphansAfterRerun += orphans(emulator.subscriptions(), state, rerunTriples).length;
        // No litter beside a state that is committed to git.
        expect((await readdir(dir)).sort()).toEqual(['subscriptions.state.json', 'subscriptions.yaml']);
      } finally {
        watcher?.close();
      }
    });
  });
}

interface Calibration {
  /** From spawn to the first dispatcher call, and to the exit, in ms. */
  firstCall: number;
  end: number;
}

/** When an unkilled apply of each kind makes its first call and ends, so kill delays cover it. */
async function calibrate(): Promise<Record<Kind, Calibration>> {
  return withEmulatorWorkspace({ latencyMs: 35 }, async ({ emulator, manifest, env }) => {
    const random = prng(BASE_SEED);
    const pool = pickEntries(random, SIZE + 6, 'cal');
    await writeFile(manifest, manifestYaml(pool.slice(0, SIZE)));
    const measure = async (): Promise<Calibration> => {
      const calls = (): number => emulator.stats().subscribeCalls + emulator.stats().unsubscribeCalls;
      const before = calls();
      const run = spawnCli(applyArgs(manifest), env);
      await waitFor(() => calls() > before || run.child.exitCode !== null, 30_000, 2);
      const firstCall = performance.now() - run.startedAt;
      const result = await run.done;
      expect(result.code, result.stderr).toBe(0);
      return { firstCall, end: result.endedAt - run.startedAt };
    };
    const add = await measure();
    await writeFile(manifest, manifestYaml([...pool.slice(6, SIZE), ...pool.slice(SIZE, SIZE + 3)]));
    const remove = await measure();
    return { add, remove };
  });
}

describe('crash recovery: kill -9 during applies', () => {
  it(
    `loses nothing over ${DELAY_KILLS + CALL_KILLS + WRITE_KILLS} kill points: ${DELAY_KILLS} random delays, ${CALL_KILLS} mid-apply, ${WRITE_KILLS} during the state write`,
    async () => {
      const calibrationMs = await calibrate();
      const figures: KillFigures = {
        killed: 0,
        exitedBeforeKill: 0,
        journalLeft: 0,
        tempLeft: 0,
        stateChangedBeforeKill: 0,
        stateReads: 0,
        changedMind: 0,
        orphansAfterKill: 0,
        orphansAfterRerun: 0,
        rerunRecoveredJournal: 0,
        uncertainAfterKill: 0,
        byKind: {},
      };
      const points = ([['delay', DELAY_KILLS], ['call', CALL_KILLS], ['state-write', WRITE_KILLS]] as const).flatMap(([trigger, count]) =>
        Array.from({ length: count }, (_, i) => ({ kind: (i % 2 === 0 ? 'add' : 'remove') as Kind, trigger: trigger as Trigger })),
      );
      const lanes = 2;
      await Promise.all(
        Array.from({ length: lanes }, async (_, lane) => {
          for (let i = lane; i < points.length; i += lanes) {
            const point = points[i];
            if (point) await killPoint(i, point.kind, point.trigger, calibrationMs, figures);
          }
        }),
      );
      const round = (c: Calibration): Calibration => ({ firstCall: Math.round(c.firstCall), end: Math.round(c.end) });
      figure('crash-recovery', { killPoints: points.length, calibrationMs: { add: round(calibrationMs.add), remove: round(calibrationMs.remove) }, ...figures });
      // Most kill points must really be kills, and some must have hit mid-apply.
      expect(figures.killed).toBeGreaterThanOrEqual(20);
      expect(figures.journalLeft).toBeGreaterThan(0);
      expect(figures.orphansAfterKill + figures.orphansAfterRerun).toBe(0);
    },
    SOAK ? 1_800_000 : 120_000,
  );

  it('a temporary lock file left by a run killed while taking the lock is cleared by the next run', async () => {
    await withEmulatorWorkspace({}, async ({ dir, manifest, env }) => {
      const entries = pickEntries(prng(BASE_SEED), 3, 'litter');
      await writeFile(manifest, manifestYaml(entries));
      // What a run killed between writing its lock's temporary file and linking it leaves.
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const litter = `.subscriptions.state.json.lock.${dead}.0123456789ab.tmp`;
      await writeFile(join(dir, litter), JSON.stringify({ pid: dead, host: 'h', command: 'reconcile', startedAt: new Date().toISOString() }));
      const run = await cli(applyArgs(manifest), env);
      expect(run.code, run.stderr).toBe(0);
      expect((await readdir(dir)).sort()).toEqual(['subscriptions.state.json', 'subscriptions.yaml']);
    });
  });
});
