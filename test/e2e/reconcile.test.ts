/**
 * reconcile against the emulator: first apply, idempotent reruns, add/remove diffs, moving an
 * endpoint (make before break) and a variable changed since apply. Every test compares the
 * emulator's exact call counts and holdings with the manifest after each run.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import {
  callCounts,
  dispatcherCalls,
  emulator,
  expectedKeys,
  expectExit,
  expectNoCrash,
  expectNoDispatcherCall,
  expectValidPlanJson,
  held,
  holdKeys,
  HOOKS,
  manifestYaml,
  Workspace,
  type Entry,
} from './helpers.js';

const BASE: Entry[] = [
  { entity: 'patient', actions: ['_create', '_update', '_delete'], endpoint: `${HOOKS}/patient` },
  { entity: 'device', actions: ['_create', '_delete'], endpoint: `${HOOKS}/device` },
];

describe('first apply and reruns', () => {
  it('subscribes every triple once, then a rerun makes no call at all', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(BASE));

    const first = await ws.reconcile(emu);
    expectExit(first, 0);
    expectNoCrash(first);
    expect(callCounts(emu)).toEqual({ subscribe: 5, unsubscribe: 0, requests: 6, logins: 1 });
    expect(held(emu)).toEqual(expectedKeys(BASE));
    // Each triple was sent exactly once, with BioT's own body shape.
    const sent = dispatcherCalls(emu).map((c) => `${c.kind} ${c.entityTypeName} ${c.actionName} ${c.endpoint}`);
    expect(sent.sort()).toEqual(expectedKeys(BASE).map((k) => `subscribe ${k}`));
    expect(emu.calls().every((c) => c.contentType?.startsWith('application/json'))).toBe(true);
    expect(first.stdout).toContain('Plan: 5 to subscribe, 0 to unsubscribe, 0 unchanged.');
    expect(first.stdout).toMatch(/5 ok \(5 subscribed, 0 unsubscribed\), 0 converged, 0 failed, 0 skipped/);
    // Not a TTY: one progress line per finished operation.
    expect(first.stderr.split('\n').filter((l) => /^\[\d\/5\] \+ subscribe /.test(l))).toHaveLength(5);

    const state = ws.state();
    expect(state.target).toBe(emu.url);
    expect(state.subscriptions.map((s) => `${s.entityTypeName} ${s.actionName} ${s.endpoint}`).sort()).toEqual(expectedKeys(BASE));
    expect(state.subscriptions.some((s) => s.uncertain)).toBe(false);
    expect(ws.stateText().endsWith('}\n')).toBe(true);
    expect([existsSync(`${ws.statePath}.journal`), existsSync(`${ws.statePath}.lock`)]).toEqual([false, false]);

    // Rerun against the same BioT: nothing to do, no request of any kind.
    const before = emu.stats().requests;
    const again = await ws.reconcile(emu);
    expectExit(again, 0);
    expect(again.stdout).toContain('No changes.');
    expect(emu.stats().requests).toBe(before);
    expect(ws.state()).toEqual(state);
  });

  it('a rerun with nothing to change needs neither the network nor credentials', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(BASE));
    expectExit(await ws.reconcile(emu), 0);
    const stateText = ws.stateText();
    const url = emu.url;
    await emu.close(); // BIOT_BASE_URL now points at a closed port

    const rerun = await ws.run(['reconcile', '--auto-approve'], { BIOT_BASE_URL: url });
    expectExit(rerun, 0);
    expectNoCrash(rerun);
    expect(rerun.stdout).toContain('No changes.');
    expect(rerun.stderr).toBe('');
    // Without BIOT_BASE_URL at all, and without --auto-approve (nothing needs approving).
    const bare = await ws.run(['reconcile']);
    expectExit(bare, 0);
    expect(bare.stdout).toContain('No changes.');
    expect(ws.stateText()).toBe(stateText);
  });

  it('a rejected manifest makes no call and leaves the state as it was', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(BASE));
    expectExit(await ws.reconcile(emu), 0);
    const stateText = ws.stateText();
    emu.reset();
    await ws.writeManifest(manifestYaml([...BASE, { entity: 'patient', actions: ['_explode'], endpoint: `${HOOKS}/x` }]));

    const run = await ws.reconcile(emu);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toMatch(/subscriptions\.yaml:\d+:\d+: .*_explode/);
    expect(emu.stats().requests).toBe(0);
    expect(ws.stateText()).toBe(stateText);
  });
});

describe('diffs', () => {
  it('adds and removes exactly what changed in the manifest', async () => {
    const emu = await emulator();
    const big: Entry[] = [
      { entity: 'patient', actions: ['_create', '_update', '_delete', '_read'], endpoint: `${HOOKS}/patient` },
      { entity: 'device', actions: ['_create', '_delete', '_update', '_read'], endpoint: `${HOOKS}/device` },
    ];
    const ws = await Workspace.create(manifestYaml(big));
    expectExit(await ws.reconcile(emu), 0);
    expect(held(emu)).toEqual(expectedKeys(big));
    const serial = ws.state().serial;

    // Two added (one new entity, one new action), one removed: 1 of 8 is under the 25% limit.
    const next: Entry[] = [
      { entity: 'patient', actions: ['_create', '_update', '_delete', '_read', '_list'], endpoint: `${HOOKS}/patient` },
      { entity: 'device', actions: ['_create', '_delete', '_update'], endpoint: `${HOOKS}/device` },
      { entity: 'caregiver', actions: ['_create'], endpoint: `${HOOKS}/caregiver` },
    ];
    await ws.writeManifest(manifestYaml(next));
    emu.reset();
    holdKeys(emu, expectedKeys(big));

    const plan = await ws.run(['plan', '--format', 'json'], emulatorEnv(emu.url));
    expectExit(plan, 0);
    const json = expectValidPlanJson(plan.stdout);
    expect(json.summary).toMatchObject({ subscribe: 2, unsubscribe: 1, unchanged: 7 });

    const run = await ws.reconcile(emu);
    expectExit(run, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 2, unsubscribe: 1 });
    const calls = dispatcherCalls(emu).map((c) => `${c.kind} ${c.entityTypeName} ${c.actionName}`);
    expect(calls.slice(0, 2).sort()).toEqual(['subscribe caregiver _create', 'subscribe patient _list']);
    expect(calls[2]).toBe('unsubscribe device _read');
    expect(held(emu)).toEqual(expectedKeys(next));
    expect(ws.stateKeys()).toEqual(expectedKeys(next));
    expect(ws.state().serial).toBe(serial + 1);
  });

  it('moving an endpoint subscribes the new one before unsubscribing the old: BioT never holds neither', async () => {
    // Some latency so the run spans many polls of what the emulator holds.
    const emu = await emulator({ latencyMs: 15 });
    const v1: Entry[] = [{ entity: 'patient', actions: ['_create', '_update', '_delete'], endpoint: `${HOOKS}/v1/patient` }];
    const v2: Entry[] = [{ entity: 'patient', actions: ['_create', '_update', '_delete'], endpoint: `${HOOKS}/v2/patient` }];
    const ws = await Workspace.create(manifestYaml(v1));
    expectExit(await ws.reconcile(emu), 0);
    emu.reset();
    holdKeys(emu, expectedKeys(v1));
    await ws.writeManifest(manifestYaml(v2));

    // Watch the emulator's holdings for the whole run: every action keeps an endpoint.
    const gaps: string[] = [];
    const watch = setInterval(() => {
      const actions = new Set(emu.subscriptions().map((s) => s.actionName));
      for (const action of ['_create', '_update', '_delete']) if (!actions.has(action)) gaps.push(action);
    }, 1);
    let run;
    try {
      // 3 of 3 unsubscribed, but under 5 applied the percentage rule does not apply.
      run = await ws.reconcile(emu, ['--concurrency', '4']);
    } finally {
      clearInterval(watch);
    }
    expectExit(run, 0);
    expect(gaps).toEqual([]);

    const calls = dispatcherCalls(emu);
    expect(calls.map((c) => c.kind)).toEqual(['subscribe', 'subscribe', 'subscribe', 'unsubscribe', 'unsubscribe', 'unsubscribe']);
    expect(calls.slice(0, 3).every((c) => c.endpoint === `${HOOKS}/v2/patient`)).toBe(true);
    expect(calls.slice(3).every((c) => c.endpoint === `${HOOKS}/v1/patient`)).toBe(true);
    expect(held(emu)).toEqual(expectedKeys(v2));
    expect(ws.stateKeys()).toEqual(expectedKeys(v2));
  });
});

describe('a variable changed since apply', () => {
  const entries: Entry[] = [{ entity: 'patient', actions: ['_create', '_update'], endpoint: '${HOOK_BASE}/patient' }];

  it('blocks the unsubscribe of the old entry, naming the variable, and sends nothing for it', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(entries));
    expectExit(await ws.reconcile(emu, [], { HOOK_BASE: 'https://old.example.com' }), 0);
    expect(held(emu)).toEqual(['patient _create https://old.example.com/patient', 'patient _update https://old.example.com/patient']);
    // The template is in the state, never the resolved URL.
    expect(ws.stateText()).not.toContain('old.example.com');
    emu.reset();
    emu.hold({ entityTypeName: 'patient', actionName: '_create', endpoint: 'https://old.example.com/patient' });
    emu.hold({ entityTypeName: 'patient', actionName: '_update', endpoint: 'https://old.example.com/patient' });

    const env = { HOOK_BASE: 'https://new.example.com' };
    const plan = await ws.run(['plan', '--format', 'json'], env);
    expectExit(plan, 0);
    const json = expectValidPlanJson(plan.stdout);
    expect(json.unsubscribes.map((op) => op.blocked?.variables)).toEqual([['HOOK_BASE'], ['HOOK_BASE']]);

    const run = await ws.reconcile(emu, [], env);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stdout).toMatch(/cannot unsubscribe: \$\{HOOK_BASE\} changed since this was applied/);
    expect(run.stdout).toMatch(/2 ok \(2 subscribed, 0 unsubscribed\), 0 converged, 0 failed, 2 skipped/);
    expect(callCounts(emu)).toMatchObject({ subscribe: 2, unsubscribe: 0 });
    expect(dispatcherCalls(emu).every((c) => c.endpoint === 'https://new.example.com/patient')).toBe(true);
    // BioT holds both: the old ones were not touched.
    expect(held(emu)).toEqual([
      'patient _create https://new.example.com/patient',
      'patient _create https://old.example.com/patient',
      'patient _update https://new.example.com/patient',
      'patient _update https://old.example.com/patient',
    ]);
    // The state still knows the old entries (so a later run with the old value can remove them).
    expect(ws.state().subscriptions).toHaveLength(4);


    // Following the message: forget the old entries. `state rm` with the template must pick the
    // entry that no longer resolves (the blocked one), not the one just applied.
    for (const action of ['_create', '_update']) {
      const rm = await ws.run(['state', 'rm', 'patient', action, '${HOOK_BASE}/patient'], env);
      expectExit(rm, 0);
      expect(rm.stdout).toContain('(the entry applied with earlier variable values)');
    }
    emu.reset();
    const after = await ws.run(['plan', '--detailed-exitcode'], env);
    expectExit(after, 0);
    expect(after.stdout).toContain('No changes.');
    const finalState = ws.state().subscriptions;
    expect(finalState).toHaveLength(2);
    expect(finalState.every((s) => s.endpointSha256 === sha256('https://new.example.com/patient'))).toBe(true);
  });

  it('a plan of blocked unsubscribes only makes no request and needs no credentials to say why', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml([...entries, { entity: 'device', actions: ['_create'], endpoint: `${HOOKS}/device` }]));
    expectExit(await ws.reconcile(emu, [], { HOOK_BASE: 'https://old.example.com' }), 0);
    emu.reset();
    const stateText = ws.stateText();
    // The patient entries are dropped from the manifest while HOOK_BASE has changed.
    await ws.writeManifest(manifestYaml([{ entity: 'device', actions: ['_create'], endpoint: `${HOOKS}/device` }]));

    const run = await ws.run(['reconcile', '--auto-approve'], { BIOT_BASE_URL: emu.url, HOOK_BASE: 'https://new.example.com' });
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stdout).toContain('Plan: 0 to subscribe, 2 to unsubscribe (2 blocked), 1 unchanged.');
    expect(run.stdout).toMatch(/0 ok, 0 converged, 0 failed, 2 skipped/);
    expect(run.stdout).toMatch(/cannot unsubscribe: \$\{HOOK_BASE\} changed since this was applied/);
    expect(run.stderr).not.toContain('credentials');
    expect(emu.stats().requests).toBe(0);
    expect(ws.stateText()).toBe(stateText);
  });

  it('an unset variable with no default is a manifest error: no call', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(entries));
    expectExit(await ws.reconcile(emu, [], { HOOK_BASE: 'https://old.example.com' }), 0);
    emu.reset();
    const run = await ws.reconcile(emu);
    expectExit(run, 1);
    expect(run.stderr).toContain('HOOK_BASE');
    expectNoDispatcherCall(emu);
    expect(emu.stats().requests).toBe(0);
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
