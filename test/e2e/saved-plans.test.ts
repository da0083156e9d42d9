/**
 * Saved plans (`plan --out`, `reconcile --plan`): applied exactly when nothing moved, refused
 * with no call when the manifest, the state, the environment or a variable changed since.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import type { CliRun } from '../support/run-cli.js';
import {
  callCounts,
  dispatcherCalls,
  EIGHT,
  emulator,
  expectedKeys,
  expectExit,
  expectNoCrash,
  expectNoDispatcherCall,
  expectValidPlanJson,
  FOUR,
  held,
  HOOKS,
  manifestYaml,
  resetKeepingHoldings,
  Workspace,
  type Entry,
} from './helpers.js';

describe('saved plans', () => {
  it('an unchanged saved plan applies exactly, without a prompt', async () => {
    const emu = await emulator();
    const ws = await Workspace.applied(emu, EIGHT);
    const next: Entry[] = [...EIGHT, { entity: 'caregiver', actions: ['_create'], endpoint: `${HOOKS}/caregiver` }];
    await ws.writeManifest(manifestYaml(next.map((e) => (e.entity === 'device' ? { ...e, actions: ['_create', '_update', '_delete'] } : e))));

    const saved = await ws.run(['plan', '--out', 'p.json']);
    expectExit(saved, 0);
    const plan = expectValidPlanJson(await readFile(ws.file('p.json'), 'utf8'));
    expect(plan.summary).toMatchObject({ subscribe: 1, unsubscribe: 1 });

    // No --auto-approve and stdin not a terminal: the saved plan is what was approved.
    const run = await ws.run(['reconcile', '--plan', 'p.json'], emulatorEnv(emu.url));
    expectExit(run, 0);
    expect(dispatcherCalls(emu).map((c) => `${c.kind} ${c.entityTypeName} ${c.actionName}`)).toEqual([
      'subscribe caregiver _create',
      'unsubscribe device _read',
    ]);
    // Applied once: the same saved plan is now stale (the state's serial moved).
    emu.reset();
    const again = await ws.run(['reconcile', '--plan', 'p.json'], emulatorEnv(emu.url));
    expectExit(again, 1);
    expect(again.stderr).toMatch(/stale: the state changed since the plan was saved/);
    expect(emu.stats().requests).toBe(0);
  });

  it('is applied against the mass-delete threshold it was reviewed with', async () => {
    const emu = await emulator();
    const ws = await Workspace.applied(emu, EIGHT);
    // Keep only the first entry: most of the applied subscriptions go.
    await ws.writeManifest(manifestYaml(EIGHT.slice(0, 1)));
    const refused = await ws.run(['plan', '--out', 'strict.json']);
    expect(refused.stdout).toContain('mass delete');
    const loose = await ws.run(['plan', '--max-delete-percent', '100', '--out', 'loose.json']);
    expect(loose.stdout).not.toContain('mass delete');
    resetKeepingHoldings(emu);
    expectExit(await ws.run(['reconcile', '--plan', 'strict.json'], emulatorEnv(emu.url)), 1);
    expect(emu.stats().requests).toBe(0);
    // The reviewed plan showed no refusal: applying it needs no flag repeated.
    expectExit(await ws.run(['reconcile', '--plan', 'loose.json'], emulatorEnv(emu.url)), 0);
    expect(held(emu)).toEqual(expectedKeys(EIGHT.slice(0, 1)));
  });

  it('is refused when the manifest, the state or a variable changed since', async () => {
    const emu = await emulator();
    const entries: Entry[] = [{ entity: 'patient', actions: ['_create', '_update'], endpoint: '${HOOK_BASE}/patient' }];
    const ws = await Workspace.create(manifestYaml(entries));
    const env = { HOOK_BASE: 'https://a.example.com' };
    expectExit(await ws.reconcile(emu, [], env), 0);
    emu.reset();
    const grown: Entry[] = [...entries, { entity: 'device', actions: ['_create'], endpoint: `${HOOKS}/device` }];
    await ws.writeManifest(manifestYaml(grown));
    expectExit(await ws.run(['plan', '--out', 'p.json'], env), 0);
    const reconcilePlan = (extra: Record<string, string> = env): Promise<CliRun> =>
      ws.run(['reconcile', '--plan', 'p.json', '--auto-approve'], emulatorEnv(emu.url, extra));

    // The manifest changed (even by a comment).
    await ws.writeManifest(`${manifestYaml(grown)}# reviewed\n`);
    let run = await reconcilePlan();
    expectExit(run, 1);
    expect(run.stderr).toContain('the manifest changed since the plan was saved');
    await ws.writeManifest(manifestYaml(grown));

    // A variable the endpoints use changed.
    run = await reconcilePlan({ HOOK_BASE: 'https://b.example.com' });
    expectExit(run, 1);
    expect(run.stderr).toMatch(/stale: .*variable/);

    // The state changed (an entry forgotten, the serial moved).
    const stateText = ws.stateText();
    expectExit(await ws.run(['state', 'rm', 'patient', '_update', '${HOOK_BASE}/patient'], env), 0);
    run = await reconcilePlan();
    expectExit(run, 1);
    expect(run.stderr).toMatch(/stale: the state changed since the plan was saved \(serial \d+, now \d+\)/);
    expectNoCrash(run);
    await writeFile(ws.statePath, stateText);

    // Replaced by another state with the same serial: the lineage tells.
    const other = JSON.parse(stateText) as { lineage: string };
    other.lineage = '00000000-0000-4000-8000-000000000000';
    await writeFile(ws.statePath, `${JSON.stringify(other, null, 2)}\n`);
    run = await reconcilePlan();
    expectExit(run, 1);
    expect(run.stderr).toContain('lineage');
    await writeFile(ws.statePath, stateText);

    expectNoDispatcherCall(emu);
    expect(emu.stats().requests).toBe(0);
    // Everything back as planned: it applies.
    run = await reconcilePlan();
    expectExit(run, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 1, unsubscribe: 0 });
  });

  it('before the first apply: a plan saved without BIOT_BASE_URL applies anywhere, one saved for A is refused on B', async () => {
    const emuA = await emulator();
    const emuB = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    expectExit(await ws.run(['plan', '--out', 'anywhere.json']), 0);
    expectExit(await ws.run(['plan', '--out', 'for-a.json'], { BIOT_BASE_URL: emuA.url }), 0);

    const refused = await ws.run(['reconcile', '--plan', 'for-a.json'], emulatorEnv(emuB.url));
    expectExit(refused, 1);
    expect(refused.stderr).toContain('the plan was made for another BioT environment');
    expect(emuB.stats().requests).toBe(0);
    expect(ws.hasState()).toBe(false);

    const run = await ws.run(['reconcile', '--plan', 'anywhere.json'], emulatorEnv(emuB.url));
    expectExit(run, 0);
    expect(callCounts(emuB)).toMatchObject({ subscribe: 4, unsubscribe: 0 });
    expect(ws.state().target).toBe(emuB.url);
    expect(emuA.stats().requests).toBe(0);
  });

  it('a saved --resync plan is applied as saved, without repeating --resync', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    expectExit(await ws.reconcile(emu), 0);
    emu.reset();
    emu.hold({ entityTypeName: 'patient', actionName: '_create', endpoint: `${HOOKS}/patient` });
    expectExit(await ws.run(['plan', '--resync', '--out', 'p.json']), 0);
    const run = await ws.run(['reconcile', '--plan', 'p.json'], emulatorEnv(emu.url));
    expectExit(run, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 4, unsubscribe: 0 });
    expect(run.stdout).toMatch(/3 ok \(3 subscribed, 0 unsubscribed\), 1 converged/);
    expect(held(emu)).toEqual(expectedKeys(FOUR));
  });

  it('a missing or malformed saved plan is a clear error', async () => {
    const ws = await Workspace.create(manifestYaml(FOUR));
    let run = await ws.run(['reconcile', '--plan', 'nope.json', '--auto-approve']);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toContain('nope.json');
    await writeFile(ws.file('bad.json'), '{"version": 1}');
    run = await ws.run(['reconcile', '--plan', 'bad.json', '--auto-approve']);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toContain('bad.json');
  });
});
