/**
 * `biot-subs state list|show|import|rm|unlock` round trips with plan and reconcile: import
 * adopts what BioT already holds (plan then shows it unchanged), rm forgets (plan then wants to
 * subscribe it again). None of them calls BioT.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import { runCli } from '../support/run-cli.js';
import { testdir } from '../support/testdir.js';
import { callCounts, emulator, expectedKeys, expectExit, expectNoCrash, held, holdKeys, HOOKS, manifestYaml, Workspace, type Entry } from './helpers.js';

const ENTRIES: Entry[] = [
  { entity: 'patient', actions: ['_create', '_update'], endpoint: '${HOOK_BASE:-https://hooks.example.com/biot}/patient' },
  { entity: 'device', actions: ['_create'], endpoint: `${HOOKS}/device` },
];
const RESOLVED = expectedKeys(ENTRIES, (e) => e.replace('${HOOK_BASE:-https://hooks.example.com/biot}', HOOKS));

describe('state command', () => {
  it('list and show before anything is applied', async () => {
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    const list = await ws.run(['state', 'list']);
    expectExit(list, 0);
    expect(list.stdout).toBe('subscriptions.state.json: no state yet (nothing applied)\n');
    const show = await ws.run(['state', 'show']);
    expectExit(show, 1);
    expectNoCrash(show);
    expect(show.stderr).toContain('nothing has been applied yet');
    const bad = await ws.run(['state', 'frob']);
    expectExit(bad, 1);
    expect(bad.stderr).toMatch(/unknown state command 'frob'/);
    const missing = await ws.run(['state', 'rm', 'patient']);
    expectExit(missing, 1);
    expect(missing.stderr).toContain('ENTITY ACTION ENDPOINT');
  });

  it('list and show what reconcile applied; rm forgets without a call, then plan subscribes it again', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    expectExit(await ws.reconcile(emu), 0);
    emu.reset();
    holdKeys(emu, RESOLVED);

    const list = await ws.run(['state', 'list']);
    expectExit(list, 0);
    const [head, ...rows] = list.stdout.trimEnd().split('\n');
    expect(head).toBe(`subscriptions.state.json: 3 subscriptions applied to ${emu.url} (serial ${ws.state().serial})`);
    expect(rows).toEqual([
      `device\t_create\t${HOOKS}/device`,
      'patient\t_create\t${HOOK_BASE:-https://hooks.example.com/biot}/patient',
      'patient\t_update\t${HOOK_BASE:-https://hooks.example.com/biot}/patient',
    ]);
    const show = await ws.run(['state', 'show']);
    expectExit(show, 0);
    expect(show.stdout).toBe(ws.stateText());

    const serial = ws.state().serial;
    const rm = await ws.run(['state', 'rm', 'patient', '_update', '${HOOK_BASE:-https://hooks.example.com/biot}/patient']);
    expectExit(rm, 0);
    expect(rm.stdout).toContain('BioT was not called');
    expect(ws.state().serial).toBe(serial + 1);
    expect(ws.state().subscriptions.map((s) => s.actionName)).toEqual(['_create', '_create']);

    const plan = await ws.run(['plan', '--detailed-exitcode']);
    expectExit(plan, 2);
    expect(plan.stdout).toMatch(/\+ subscribe +patient +_update /);
    expect(plan.stdout).toContain('Plan: 1 to subscribe, 0 to unsubscribe, 2 unchanged.');

    // BioT still holds it: the re-subscribe is answered "already subscribed", a success.
    const run = await ws.reconcile(emu);
    expectExit(run, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 1, unsubscribe: 0 });
    expect(run.stdout).toContain('1 converged (1 already subscribed');
    expect(held(emu)).toEqual(RESOLVED);

    // rm by the resolved URL works too; an unknown entry is an error naming it.
    const byUrl = await ws.run(['state', 'rm', 'device', '_create', `${HOOKS}/device`]);
    expectExit(byUrl, 0);
    const unknown = await ws.run(['state', 'rm', 'device', '_delete', `${HOOKS}/device`]);
    expectExit(unknown, 1);
    expectNoCrash(unknown);
    expect(unknown.stderr).toContain('no device _delete subscription');
    expect(callCounts(emu)).toMatchObject({ subscribe: 1, unsubscribe: 0 });
  });

  it('import adopts existing subscriptions: plan then shows them unchanged, reconcile makes no call', async () => {
    const emu = await emulator();
    holdKeys(emu, RESOLVED);
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    const env = { BIOT_BASE_URL: emu.url };
    for (const e of ENTRIES) {
      for (const action of e.actions) {
        const run = await ws.run(['state', 'import', e.entity, action, e.endpoint], env);
        expectExit(run, 0);
        expect(run.stdout).toMatch(/^imported /);
      }
    }
    const again = await ws.run(['state', 'import', 'device', '_create', `${HOOKS}/device`], env);
    expectExit(again, 0);
    expect(again.stdout).toMatch(/^already in the state/);
    expect(ws.state().target).toBe(emu.url);
    expect(ws.state().subscriptions).toHaveLength(3);

    const plan = await ws.run(['plan', '--detailed-exitcode'], env);
    expectExit(plan, 0);
    expect(plan.stdout).toContain('No changes.');
    const run = await ws.reconcile(emu);
    expectExit(run, 0);
    expect(emu.stats().requests).toBe(0);

    // The imported entries are managed: dropping one from the manifest unsubscribes it.
    await ws.writeManifest(manifestYaml([ENTRIES[0] as Entry]));
    const drop = await ws.reconcile(emu);
    expectExit(drop, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 0, unsubscribe: 1 });
    expect(held(emu)).toEqual(RESOLVED.filter((k) => !k.startsWith('device')));
  });

  it('import binds the state to BIOT_BASE_URL and refuses another environment', async () => {
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    // First without an environment (the state has no target yet), then with one: it binds.
    expectExit(await ws.run(['state', 'import', 'device', '_create', `${HOOKS}/device`]), 0);
    expect(ws.state().target).toBeNull();
    expectExit(await ws.run(['state', 'import', 'patient', '_create', ENTRIES[0]?.endpoint ?? ''], { BIOT_BASE_URL: 'https://api.dev.example.com' }), 0);
    expect(ws.state().target).toBe('https://api.dev.example.com');
    const stateText = ws.stateText();

    const other = await ws.run(['state', 'import', 'patient', '_update', ENTRIES[0]?.endpoint ?? ''], { BIOT_BASE_URL: 'https://api.prod.example.com' });
    expectExit(other, 1);
    expectNoCrash(other);
    expect(other.stderr).toContain('applied to https://api.dev.example.com, but BIOT_BASE_URL is https://api.prod.example.com');
    expect(ws.stateText()).toBe(stateText);
  });

  it('import rejects an endpoint that is not an http(s) URL, and an unset variable', async () => {
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    const bad = await ws.run(['state', 'import', 'patient', '_create', 'ftp://x.example.com/p']);
    expectExit(bad, 1);
    expectNoCrash(bad);
    const unset = await ws.run(['state', 'import', 'patient', '_create', '${NOPE}/p']);
    expectExit(unset, 1);
    expect(unset.stderr).toContain('NOPE');
    expect(ws.hasState()).toBe(false);
  });

  it('an unreadable or unknown-version state stops plan and reconcile, and is never overwritten', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    for (const text of ['{"version": 1, "lineage": tru', '{"version": 9, "lineage": "x", "serial": 1, "target": null, "subscriptions": []}\n']) {
      await writeFile(ws.statePath, text);
      for (const args of [['plan'], ['reconcile', '--auto-approve'], ['state', 'list']]) {
        const run = await ws.run(args, emulatorEnv(emu.url));
        expectExit(run, 1);
        expectNoCrash(run);
        expect(run.stderr).toContain('subscriptions.state.json');
      }
      expect(ws.stateText()).toBe(text);
    }
    expect(emu.stats().requests).toBe(0);
  });

  it('--state and -f choose the state file', async () => {
    const emu = await emulator();
    const ws = await Workspace.create();
    await writeFile(ws.file('prod.yaml'), manifestYaml(ENTRIES));
    expectExit(await ws.run(['reconcile', '--auto-approve', '-f', 'prod.yaml'], emulatorEnv(emu.url)), 0);
    const list = await ws.run(['state', 'list', '-f', 'prod.yaml']);
    expect(list.stdout).toMatch(/^prod\.state\.json: 3 subscriptions/);
    const other = await ws.run(['state', 'list', '--state', 'elsewhere.json']);
    expect(other.stdout).toBe('elsewhere.json: no state yet (nothing applied)\n');
  });
});

describe('state import checks what it adopts', () => {
  it('refuses unknown entity types and actions with a suggestion, and writes nothing', async () => {
    const dir = await testdir({ 'subscriptions.yaml': 'version: 1\nextraActions:\n  device: [_firmwareUpdated]\nsubscriptions: []\n' });
    const typo = await runCli(['state', 'import', 'patinet', '_create', 'https://h.example.com/x'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("unknown entity type 'patinet' (did you mean `patient`?)");
    const action = await runCli(['state', 'import', 'patient', '_creat', 'https://h.example.com/x'], { cwd: dir });
    expect(action.stderr).toContain('(did you mean `_create`?)');
    expect(existsSync(join(dir, 'subscriptions.state.json'))).toBe(false);
    // An action the manifest declares in extraActions is accepted.
    const extra = await runCli(['state', 'import', 'device', '_firmwareUpdated', 'https://h.example.com/x'], { cwd: dir });
    expect(extra.code).toBe(0);
    expect(extra.stderr).toContain('not bound to an environment yet');
  });
});
