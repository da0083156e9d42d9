/**
 * When BioT fails: partial failures (4xx, 5xx, lost answers, random faults), make before break,
 * resync after changes made by hand, and credentials. Exact call counts from the emulator, and
 * what it holds compared with the state and the manifest after every run.
 */
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
  held,
  HOOKS,
  manifestYaml,
  resetKeepingHoldings,
  restartFixed,
  unsubscribeByHand,
  Workspace,
  type Entry,
} from './helpers.js';

/** Holds every triple of `entries` in `emu`, as a BioT that already has them would. */
function holdAll(emu: { hold(t: { entityTypeName: string; actionName: string; endpoint: string }): void }, entries: readonly Entry[]): void {
  for (const e of entries) for (const actionName of e.actions) emu.hold({ entityTypeName: e.entity, actionName, endpoint: e.endpoint });
}

describe('partial failures', () => {
  it('a 4xx fails that operation only: exit 1, BioT code, message and trace id, the state holds exactly what succeeded, a rerun completes it', async () => {
    // Bodies over 200 bytes are answered 413 in BioT's error shape: one entry has a long endpoint.
    const emu = await emulator({ maxBodyBytes: 200 });
    const long = `${HOOKS}/${'x'.repeat(200)}`;
    const entries: Entry[] = [
      { entity: 'patient', actions: ['_create', '_update'], endpoint: `${HOOKS}/patient` },
      { entity: 'device', actions: ['_create'], endpoint: long },
    ];
    const ws = await Workspace.create(manifestYaml(entries));

    const run = await ws.reconcile(emu, ['--retries', '3']);
    expectExit(run, 1);
    expectNoCrash(run);
    // A 4xx is not retried: exactly one request per triple.
    expect(emu.stats().byPath['/dispatcher/v1/hooks/notifications/subscribe']).toBe(3);
    expect(held(emu)).toEqual([`patient _create ${HOOKS}/patient`, `patient _update ${HOOKS}/patient`]);
    expect(run.stdout).toMatch(/2 ok \(2 subscribed, 0 unsubscribed\), 0 converged, 1 failed, 0 skipped/);
    expect(run.stdout).toMatch(/Failed \(1\):\n.*\+ subscribe device _create/);
    expect(run.stdout).toMatch(/HTTP 413 PAYLOAD_TOO_LARGE: body over 200 bytes \(trace id [0-9a-f]{32}\)/);
    // The trace id shown is the one the client sent for that call (its traceparent).
    const traceId = /trace id ([0-9a-f]{32})/.exec(run.stdout)?.[1];
    expect(run.stderr).toMatch(/\[\d\/3\] \+ subscribe device _create .*: FAILED: HTTP 413/);
    // The run's trace id: the one every call carried in its traceparent header.
    const traceparents = new Set(emu.calls().map((c) => c.traceparent?.split('-')[1]));
    expect([...traceparents]).toEqual([traceId]);

    const state = ws.state();
    expect(ws.stateKeys()).toEqual([`patient _create ${HOOKS}/patient`, `patient _update ${HOOKS}/patient`]);
    expect(state.subscriptions.some((s) => s.uncertain)).toBe(false);

    // BioT is fixed (same environment, same holdings): the rerun sends only the missing one.
    const fixed = await restartFixed(emu);
    const rerun = await ws.reconcile(fixed);
    expectExit(rerun, 0);
    expect(callCounts(fixed)).toMatchObject({ subscribe: 1, unsubscribe: 0 });
    expect(dispatcherCalls(fixed)[0]).toMatchObject({ kind: 'subscribe', entityTypeName: 'device', actionName: '_create', endpoint: long });
    expect(held(fixed)).toEqual(expectedKeys(entries));
    expect(ws.stateKeys()).toEqual(expectedKeys(entries));
  });

  it('a 5xx with --retries 0 fails at once and leaves the entry uncertain; the next plan re-asserts it', async () => {
    const emu = await emulator();
    const entries: Entry[] = [{ entity: 'patient', actions: ['_create', '_update', '_delete'], endpoint: `${HOOKS}/patient` }];
    const ws = await Workspace.create(manifestYaml(entries));
    emu.queueFaults('http-503');

    const run = await ws.reconcile(emu, ['--retries', '0', '--concurrency', '1']);
    expectExit(run, 1);
    expect(callCounts(emu)).toMatchObject({ subscribe: 3, unsubscribe: 0 });
    expect(run.stdout).toMatch(/HTTP 503 SERVICE_UNAVAILABLE: injected fault \(trace id [0-9a-f]{32}\)/);
    expect(held(emu)).toHaveLength(2);
    // What failed is the first call made; it is uncertain in the state (a 5xx may have changed BioT).
    const failed = dispatcherCalls(emu)[0];
    const uncertain = ws.state().subscriptions.filter((s) => s.uncertain);
    expect(uncertain.map((s) => s.actionName)).toEqual([failed?.actionName]);
    expect(ws.state().subscriptions).toHaveLength(3);

    const plan = await ws.run(['plan']);
    expect(plan.stdout).toMatch(/\+ subscribe +patient +_\w+ .*\(uncertain: re-asserting\)/);
    expect(plan.stdout).toContain('Plan: 1 to subscribe, 0 to unsubscribe, 2 unchanged.');

    emu.reset();
    holdAll(emu, [{ entity: 'patient', actions: ['_create', '_update', '_delete'].filter((a) => a !== failed?.actionName), endpoint: `${HOOKS}/patient` }]);
    const rerun = await ws.reconcile(emu);
    expectExit(rerun, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 1, unsubscribe: 0 });
    expect(held(emu)).toEqual(expectedKeys(entries));
    expect(ws.state().subscriptions.some((s) => s.uncertain)).toBe(false);
  });

  it('a lost answer (change made, 502 back) is uncertain; the rerun gets "already subscribed" and counts it a success', async () => {
    const emu = await emulator();
    const entries: Entry[] = [{ entity: 'device', actions: ['_create', '_delete'], endpoint: `${HOOKS}/device` }];
    const ws = await Workspace.create(manifestYaml(entries));
    emu.queueFaults('lost-502');

    const run = await ws.reconcile(emu, ['--retries', '0', '--concurrency', '1']);
    expectExit(run, 1);
    expect(run.stdout).toContain('BioT may have made the change');
    // BioT did make both changes; the state cannot know that for the first one.
    expect(held(emu)).toEqual(expectedKeys(entries));
    const list = await ws.run(['state', 'list']);
    expect(list.stdout.split('\n').filter((l) => l.includes('(uncertain'))).toHaveLength(1);

    const rerun = await ws.reconcile(emu);
    expectExit(rerun, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 3, unsubscribe: 0 });
    expect(rerun.stdout).toMatch(/0 ok, 1 converged \(1 already subscribed, 0 not subscribed\), 0 failed/);
    expect(ws.state().subscriptions.some((s) => s.uncertain)).toBe(false);
    expect(held(emu)).toEqual(expectedKeys(entries));
  });

  it('random faults with --retries 0: the state never claims what BioT does not hold; a rerun converges', async () => {
    const emu = await emulator({ failRate: 0.5, seed: 7 });
    const entries: Entry[] = [
      { entity: 'patient', actions: ['_create', '_update', '_delete', '_read'], endpoint: `${HOOKS}/patient` },
      { entity: 'device', actions: ['_create', '_update', '_delete', '_read'], endpoint: `${HOOKS}/device` },
    ];
    const ws = await Workspace.create(manifestYaml(entries));
    const run = await ws.reconcile(emu, ['--retries', '0']);
    expectExit(run, 1);
    expect(callCounts(emu)).toMatchObject({ subscribe: 8, unsubscribe: 0 });
    const faults = emu.stats().injectedFaults;
    expect(faults).toBeGreaterThan(0);
    expect(faults).toBeLessThan(8);
    expect(held(emu)).toHaveLength(8 - faults);
    expect(run.stdout).toContain(`${faults} failed`);
    // Every certain entry is held by BioT; every held triple is in the state.
    const state = ws.state().subscriptions;
    const certain = state.filter((s) => !s.uncertain).map((s) => `${s.entityTypeName} ${s.actionName} ${s.endpoint}`).sort();
    expect(certain).toEqual(held(emu));
    expect(state.length).toBeLessThanOrEqual(8);

    // BioT recovers (same URL, same holdings, no faults): the rerun sends exactly the missing ones.
    const fixed = await restartFixed(emu);
    const rerun = await ws.reconcile(fixed);
    expectExit(rerun, 0);
    expect(callCounts(fixed)).toMatchObject({ subscribe: faults, unsubscribe: 0 });
    expect(held(fixed)).toEqual(expectedKeys(entries));
    expect(ws.stateKeys()).toEqual(expectedKeys(entries));
  });
});

describe('make before break', () => {
  it('a failed subscribe means no unsubscribe is sent; the rerun finishes the move', async () => {
    const emu = await emulator();
    const v1: Entry[] = [{ entity: 'patient', actions: ['_create', '_update'], endpoint: `${HOOKS}/v1` }];
    const v2: Entry[] = [{ entity: 'patient', actions: ['_create', '_update'], endpoint: `${HOOKS}/v2` }];
    const ws = await Workspace.create(manifestYaml(v1));
    expectExit(await ws.reconcile(emu), 0);
    await ws.writeManifest(manifestYaml(v2));
    emu.reset();
    holdAll(emu, v1);
    emu.queueFaults('http-500');

    const run = await ws.reconcile(emu, ['--retries', '0', '--concurrency', '1']);
    expectExit(run, 1);
    expect(callCounts(emu)).toMatchObject({ subscribe: 2, unsubscribe: 0 });
    expect(run.stdout).toMatch(/1 ok \(1 subscribed, 0 unsubscribed\), 0 converged, 1 failed, 2 skipped/);
    expect(run.stdout).toContain('unsubscribes wait until every subscribe has succeeded');
    // The first call failed (nothing made); the second subscribe worked. No old one was removed.
    const [failedCall, okCall] = dispatcherCalls(emu);
    expect(held(emu)).toEqual([...expectedKeys(v1), `patient ${okCall?.actionName ?? '?'} ${HOOKS}/v2`].sort());
    // The state: the old ones (never unsubscribed), the new one, and the failed one as uncertain.
    const state = ws.state().subscriptions;
    expect(state.filter((s) => s.endpoint === `${HOOKS}/v1` && !s.uncertain)).toHaveLength(2);
    expect(state.filter((s) => s.endpoint === `${HOOKS}/v2` && !s.uncertain).map((s) => s.actionName)).toEqual([okCall?.actionName]);
    expect(state.filter((s) => s.endpoint === `${HOOKS}/v2` && s.uncertain).map((s) => s.actionName)).toEqual([failedCall?.actionName]);

    resetKeepingHoldings(emu);
    const rerun = await ws.reconcile(emu);
    expectExit(rerun, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 1, unsubscribe: 2 });
    expect(dispatcherCalls(emu).map((c) => c.kind)).toEqual(['subscribe', 'unsubscribe', 'unsubscribe']);
    expect(held(emu)).toEqual(expectedKeys(v2));
    expect(ws.stateKeys()).toEqual(expectedKeys(v2));
  });
});

describe('--resync after changes made by hand', () => {
  it('restores a subscription deleted in BioT; "already subscribed" answers count as success', async () => {
    const emu = await emulator();
    const entries: Entry[] = [{ entity: 'patient', actions: ['_create', '_update', '_delete'], endpoint: `${HOOKS}/patient` }];
    const ws = await Workspace.create(manifestYaml(entries));
    expectExit(await ws.reconcile(emu), 0);
    const stateBefore = ws.state();

    await unsubscribeByHand(emu, { entityTypeName: 'patient', actionName: '_update', endpoint: `${HOOKS}/patient` });
    expect(held(emu)).toHaveLength(2);
    emu.reset();
    holdAll(emu, [{ entity: 'patient', actions: ['_create', '_delete'], endpoint: `${HOOKS}/patient` }]);

    // BioT has no list API: a plain plan cannot see the drift.
    const plain = await ws.run(['plan']);
    expect(plain.stdout).toContain('No changes.');
    const planned = await ws.run(['plan', '--resync']);
    expect(planned.stdout).toContain('Plan: 3 to subscribe, 0 to unsubscribe, 0 unchanged.');
    expect(planned.stdout.match(/\(resync\)/g)).toHaveLength(3);
    expect(emu.stats().requests).toBe(0);

    const run = await ws.reconcile(emu, ['--resync']);
    expectExit(run, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 3, unsubscribe: 0 });
    expect(run.stdout).toMatch(/1 ok \(1 subscribed, 0 unsubscribed\), 2 converged \(2 already subscribed, 0 not subscribed\), 0 failed/);
    expect(held(emu)).toEqual(expectedKeys(entries));
    expect(ws.stateKeys()).toEqual(expectedKeys(entries));
    expect(ws.state().lineage).toBe(stateBefore.lineage);
  });
});

describe('converged answers', () => {
  it('an unsubscribe answered "not subscribed" (removed by hand already) counts as success', async () => {
    const emu = await emulator();
    const entries: Entry[] = [{ entity: 'patient', actions: ['_create', '_update', '_delete'], endpoint: `${HOOKS}/patient` }];
    const ws = await Workspace.create(manifestYaml(entries));
    expectExit(await ws.reconcile(emu), 0);
    await unsubscribeByHand(emu, { entityTypeName: 'patient', actionName: '_delete', endpoint: `${HOOKS}/patient` });
    resetKeepingHoldings(emu);

    await ws.writeManifest(manifestYaml([{ entity: 'patient', actions: ['_create', '_update'], endpoint: `${HOOKS}/patient` }]));
    const run = await ws.reconcile(emu);
    expectExit(run, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 0, unsubscribe: 1 });
    expect(run.stdout).toMatch(/0 ok, 1 converged \(0 already subscribed, 1 not subscribed\), 0 failed/);
    expect(ws.stateKeys()).toEqual([`patient _create ${HOOKS}/patient`, `patient _update ${HOOKS}/patient`]);
    expect(held(emu)).toEqual(ws.stateKeys());
  });
});

describe('credentials', () => {
  const entries: Entry[] = [{ entity: 'patient', actions: ['_create'], endpoint: `${HOOKS}/patient` }];

  it('missing credentials: one clear message naming the variables, exit 1, no request', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(entries));
    const run = await ws.run(['reconcile', '--auto-approve'], { BIOT_BASE_URL: emu.url });
    expectExit(run, 1);
    expectNoCrash(run);
    const errors = run.stderr.split('\n').filter((l) => l.startsWith('biot-subs:'));
    expect(errors).toHaveLength(1);
    for (const name of ['BIOT_SERVICE_USER_ID', 'BIOT_SERVICE_USER_SECRET_KEY', 'BIOT_USERNAME', 'BIOT_PASSWORD', 'BIOT_TOKEN']) {
      expect(errors[0]).toContain(name);
    }
    expect(emu.stats().requests).toBe(0);
    expect(ws.hasState()).toBe(false);
  });

  it('half a pair names the missing variable', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(entries));
    const run = await ws.run(['reconcile', '--auto-approve'], { BIOT_BASE_URL: emu.url, BIOT_SERVICE_USER_ID: 'demo' });
    expectExit(run, 1);
    expect(run.stderr).toMatch(/BIOT_SERVICE_USER_SECRET_KEY is not set/);
    expect(emu.stats().requests).toBe(0);
  });

  it('a missing BIOT_BASE_URL is named; no state is written', async () => {
    const ws = await Workspace.create(manifestYaml(entries));
    const run = await ws.run(['reconcile', '--auto-approve'], { BIOT_SERVICE_USER_ID: 'demo', BIOT_SERVICE_USER_SECRET_KEY: 'demo-secret' });
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toContain('BIOT_BASE_URL is not set');
    expect(ws.hasState()).toBe(false);
  });

  it('refused credentials: a login attempt, no dispatcher call, the secret never printed', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(entries));
    const run = await ws.run(['reconcile', '--auto-approve'], emulatorEnv(emu.url, { BIOT_SERVICE_USER_SECRET_KEY: 'wrong-secret-xyz' }));
    expectExit(run, 1);
    expectNoCrash(run);
    expectNoDispatcherCall(emu);
    expect(emu.stats().unauthorized).toBeGreaterThan(0);
    expect(run.stdout + run.stderr).not.toContain('wrong-secret-xyz');
    expect(ws.hasState() ? ws.state().subscriptions : []).toEqual([]);
  });

  it('a user login and a ready token work too, and credentials never reach the output or the state', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(entries));
    const run = await ws.run(['reconcile', '--auto-approve'], { BIOT_BASE_URL: emu.url, BIOT_USERNAME: 'demo@example.com', BIOT_PASSWORD: 'demo-password' });
    expectExit(run, 0);
    expect(held(emu)).toEqual(expectedKeys(entries));
    expect(run.stdout + run.stderr + ws.stateText()).not.toContain('demo-password');

    await ws.writeManifest(manifestYaml([...entries, { entity: 'device', actions: ['_create'], endpoint: `${HOOKS}/device` }]));
    emu.reset(); // forgets tokens too: the token is issued after it
    emu.hold({ entityTypeName: 'patient', actionName: '_create', endpoint: `${HOOKS}/patient` });
    // A ready token (here one the emulator issued to a login of our own).
    const login = await fetch(`${emu.url}/ums/v2/services/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'demo', secretKey: 'demo-secret' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const withToken = await ws.run(['reconcile', '--auto-approve'], { BIOT_BASE_URL: emu.url, BIOT_TOKEN: accessToken });
    expectExit(withToken, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 1, unsubscribe: 0, logins: 1 }); // our login only
    expect(withToken.stdout + withToken.stderr + ws.stateText()).not.toContain(accessToken);
  });
});
