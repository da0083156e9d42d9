/**
 * The guards: mass-delete refusal, the wrong environment, approval without a
 * terminal, the state lock, and plan's outputs and exit codes (text, markdown, JSON schema,
 * --detailed-exitcode). A refused run must make no call at all.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import { CLI, type CliRun } from '../support/run-cli.js';
import {
  callCounts,
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
  Workspace,
} from './helpers.js';

describe('mass-delete refusal', () => {
  it('reconcile refuses with no call; plan shows the refusal at the top and exits 0', async () => {
    const emu = await emulator();
    const ws = await Workspace.applied(emu, EIGHT);
    await ws.writeManifest(manifestYaml(FOUR)); // 4 of 8 = 50% > 25%
    const stateText = ws.stateText();

    const plan = await ws.run(['plan'], emulatorEnv(emu.url));
    expectExit(plan, 0);
    const lines = plan.stdout.split('\n');
    expect(lines[2]).toBe('! reconcile will refuse this plan (mass delete)');
    expect(lines[3]).toMatch(/unsubscribe 4 of 8 applied subscriptions \(50%\), more than --max-delete-percent 25%/);
    expect(plan.stdout).toContain('Plan: 0 to subscribe, 4 to unsubscribe, 4 unchanged.');
    // --detailed-exitcode still says "changes": the refusal is the apply's.
    expectExit(await ws.run(['plan', '--detailed-exitcode']), 2);
    const markdown = await ws.run(['plan', '--format', 'markdown']);
    expect(markdown.stdout.split('\n')[0]).toBe('<!-- biot-subs-plan -->');
    expect(markdown.stdout.slice(0, markdown.stdout.indexOf('|'))).toMatch(/mass delete/);
    const json = expectValidPlanJson((await ws.run(['plan', '--format', 'json'])).stdout);
    expect(json.refusal?.reason).toContain('--allow-mass-delete');

    const run = await ws.reconcile(emu);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toMatch(/apply refused: .*--allow-mass-delete/);
    expectNoDispatcherCall(emu);
    expect(emu.stats().requests).toBe(0);
    expect(ws.stateText()).toBe(stateText);
    expect(held(emu)).toEqual(expectedKeys(EIGHT));

    // A higher --max-delete-percent lets it through: exactly the 4 unsubscribes.
    const raised = await ws.reconcile(emu, ['--max-delete-percent', '50']);
    expectExit(raised, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 0, unsubscribe: 4 });
    expect(held(emu)).toEqual(expectedKeys(FOUR));
    expect(ws.stateKeys()).toEqual(expectedKeys(FOUR));
  });

  it('--allow-mass-delete proceeds; emptying the manifest is refused without it', async () => {
    const emu = await emulator();
    const ws = await Workspace.applied(emu, EIGHT);
    await ws.writeManifest(manifestYaml([{ entity: 'device', actions: ['_create'], endpoint: `${HOOKS}/device` }]));
    const refused = await ws.reconcile(emu, ['--max-delete-percent', '80']); // 7 of 8 = 87.5%
    expectExit(refused, 1);
    expect(refused.stderr).toMatch(/87\.5%/);
    expectNoDispatcherCall(emu);

    const allowed = await ws.reconcile(emu, ['--allow-mass-delete']);
    expectExit(allowed, 0);
    expect(callCounts(emu)).toMatchObject({ subscribe: 0, unsubscribe: 7 });
    expect(held(emu)).toEqual([`device _create ${HOOKS}/device`]);

    // One applied (under the 5 where the percentage applies), but emptying it is still refused.
    await ws.writeManifest(manifestYaml([]));
    emu.reset();
    emu.hold({ entityTypeName: 'device', actionName: '_create', endpoint: `${HOOKS}/device` });
    const empty = await ws.reconcile(emu);
    expectExit(empty, 1);
    expect(empty.stderr).toMatch(/unsubscribe all 1 applied subscriptions and leave none/);
    expectNoDispatcherCall(emu);
    expectExit(await ws.reconcile(emu, ['--allow-mass-delete']), 0);
    expect(held(emu)).toEqual([]);
    expect(ws.state().subscriptions).toEqual([]);
  });
});

describe('wrong environment', () => {
  it('a state bound to one BioT is refused against another by plan and reconcile, with no call', async () => {
    const emuA = await emulator();
    const emuB = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    expectExit(await ws.reconcile(emuA), 0);
    emuA.reset();
    const stateText = ws.stateText();

    const plan = await ws.run(['plan'], { BIOT_BASE_URL: emuB.url });
    expectExit(plan, 1);
    expectNoCrash(plan);
    expect(plan.stderr).toContain(`applied to ${emuA.url}, but BIOT_BASE_URL is ${emuB.url}`);

    // With nothing to change, and with changes.
    for (const manifest of [manifestYaml(FOUR), manifestYaml(EIGHT)]) {
      await ws.writeManifest(manifest);
      const run = await ws.reconcile(emuB);
      expectExit(run, 1);
      expect(run.stderr).toContain(`applied to ${emuA.url}`);
    }
    expect(emuA.stats().requests).toBe(0);
    expect(emuB.stats().requests).toBe(0);
    expect(ws.stateText()).toBe(stateText);

    // A trailing slash is the same environment.
    const same = await ws.run(['plan'], { BIOT_BASE_URL: `${emuA.url}/` });
    expectExit(same, 0);
  });
});

describe('plan outputs and exit codes', () => {
  it('--detailed-exitcode: 0 without changes, 2 with changes, 1 on error', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    const changes = await ws.run(['plan', '--detailed-exitcode']);
    expectExit(changes, 2);
    expect(changes.stdout).toContain('Plan: 4 to subscribe');
    expectExit(await ws.reconcile(emu), 0);
    expectExit(await ws.run(['plan', '--detailed-exitcode']), 0);
    await ws.writeManifest('version: 1\nsubscriptions: [}\n');
    const error = await ws.run(['plan', '--detailed-exitcode']);
    expectExit(error, 1);
    expectNoCrash(error);
    expect(error.stderr).toMatch(/^subscriptions\.yaml:2:\d+: /m);
  });

  it('plan makes no call, writes no state, and needs no credentials; json validates, markdown has its marker', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(EIGHT));
    const json = await ws.run(['plan', '--format', 'json'], { BIOT_BASE_URL: emu.url });
    expectExit(json, 0);
    const plan = expectValidPlanJson(json.stdout);
    expect(plan.target).toBe(emu.url);
    expect(plan.summary).toMatchObject({ subscribe: 8, unsubscribe: 0, unchanged: 0 });
    const markdown = await ws.run(['plan', '--format', 'markdown']);
    expectExit(markdown, 0);
    expect(markdown.stdout.startsWith('<!-- biot-subs-plan -->\n')).toBe(true);
    expect(markdown.stdout).toContain('**Plan: 8 to subscribe, 0 to unsubscribe, 0 unchanged.**');
    expect(emu.stats().requests).toBe(0);
    expect(ws.hasState()).toBe(false);
    expect(existsSync(`${ws.statePath}.lock`)).toBe(false);

    // reconcile --dry-run is plan.
    const dry = await ws.run(['reconcile', '--dry-run'], { BIOT_BASE_URL: emu.url });
    expectExit(dry, 0);
    expect(dry.stdout).toContain('Plan: 8 to subscribe');
    expect(emu.stats().requests).toBe(0);
    expect(ws.hasState()).toBe(false);
  });

  it('masks a literal secret in the query string in every format', async () => {
    const ws = await Workspace.create(manifestYaml([{ entity: 'command', actions: ['_create'], endpoint: 'https://fn.example.net/api/cmd?code=s3cr3t-literal' }]));
    for (const format of ['text', 'markdown', 'json']) {
      const run = await ws.run(['plan', '--format', format]);
      expectExit(run, 0);
      expect(run.stdout).not.toContain('s3cr3t-literal');
      // Markdown writes the mask as HTML entities, so it cannot turn into emphasis.
      expect(run.stdout).toContain(format === 'markdown' ? 'code=&#42;&#42;&#42;' : 'code=***');
    }
  });
});

describe('reconcile --format json', () => {
  it('keeps stdout one JSON document (the plan); the report goes to stderr', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    const run = await ws.reconcile(emu, ['--format', 'json']);
    expectExit(run, 0);
    const plan = expectValidPlanJson(run.stdout);
    expect(plan.summary).toMatchObject({ subscribe: 4 });
    expect(run.stderr).toMatch(/Reconcile finished after [\d.]+ s: 4 ok/);
    expect(callCounts(emu)).toMatchObject({ subscribe: 4, unsubscribe: 0 });
  });
});

describe('approval', () => {
  it('reconcile with changes, no --auto-approve and stdin not a terminal is refused with a reason, no call', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    const run = await ws.run(['reconcile'], emulatorEnv(emu.url), 'yes\n');
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toMatch(/standard input is not a terminal.*--auto-approve/);
    expect(run.stdout).toContain('Plan: 4 to subscribe');
    expect(emu.stats().requests).toBe(0);
    expect(ws.hasState()).toBe(false);
  });
});

describe('the state lock', () => {
  it('a second reconcile fails at once naming the holder; the first one completes', async () => {
    const emu = await emulator({ latencyMs: 600 }); // 4 calls one at a time: the first run lasts 2.4 s+
    const ws = await Workspace.create(manifestYaml(FOUR));
    const lockFile = `${ws.statePath}.lock`;

    const first = spawnCli(ws, ['reconcile', '--auto-approve', '--concurrency', '1'], emulatorEnv(emu.url));
    // Wait until it holds the lock and has started calling BioT.
    for (let i = 0; i < 200 && emu.stats().subscribeCalls === 0; i++) await delay(10);
    expect(existsSync(lockFile)).toBe(true);
    const holder = JSON.parse(await readFile(lockFile, 'utf8')) as { pid: number; command: string; host: string };
    expect(holder).toMatchObject({ pid: first.pid, command: 'reconcile', host: hostname() });

    let firstDone = false;
    void first.done.then(() => (firstDone = true));
    const second = await ws.run(['reconcile', '--auto-approve'], emulatorEnv(emu.url));
    // At once: it failed while the first run was still calling BioT, rather than waiting for it.
    expect(firstDone).toBe(false);
    expectExit(second, 1);
    expectNoCrash(second);
    expect(second.stderr).toContain(`locked by pid ${first.pid}`);
    expect(second.stderr).toContain('(reconcile, since');

    const done = await first.done;
    expectExit(done, 0);
    // Only the first run's 4 subscribes reached BioT.
    expect(callCounts(emu)).toMatchObject({ subscribe: 4, unsubscribe: 0, logins: 1 });
    expect(held(emu)).toEqual(expectedKeys(FOUR));
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a lock held by a live process blocks plan-free writers too; state unlock removes it', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    // This test's own process is alive, on this host.
    const lock = { pid: process.pid, host: hostname(), command: 'reconcile', startedAt: new Date().toISOString() };
    await writeFile(`${ws.statePath}.lock`, `${JSON.stringify(lock)}\n`);

    const run = await ws.reconcile(emu);
    expectExit(run, 1);
    expect(run.stderr).toContain(`locked by pid ${process.pid} on ${hostname()} (reconcile`);
    expect(run.stderr).toContain('biot-subs state unlock');
    const rm = await ws.run(['state', 'import', 'patient', '_create', `${HOOKS}/patient`]);
    expectExit(rm, 1);
    expect(rm.stderr).toContain(`locked by pid ${process.pid}`);
    expect(emu.stats().requests).toBe(0);

    const unlock = await ws.run(['state', 'unlock']);
    expectExit(unlock, 0);
    expect(unlock.stdout).toContain(`removed the lock held by pid ${process.pid} on ${hostname()} (reconcile`);
    expect(existsSync(`${ws.statePath}.lock`)).toBe(false);
    expect((await ws.run(['state', 'unlock'])).stdout).toContain('no lock was held');

    expectExit(await ws.reconcile(emu), 0);
    expect(held(emu)).toEqual(expectedKeys(FOUR));
  });

  it('a lock left by a process that is gone is taken over with a warning', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(FOUR));
    const gone = spawn(process.execPath, ['-e', '']);
    const pid = gone.pid ?? 0;
    await new Promise((resolve) => gone.on('exit', resolve));
    const lock = { pid, host: hostname(), command: 'reconcile', startedAt: new Date().toISOString() };
    await writeFile(`${ws.statePath}.lock`, `${JSON.stringify(lock)}\n`);

    const run = await ws.reconcile(emu);
    expectExit(run, 0);
    expect(run.stderr).toContain(`took over a stale lock left by pid ${pid}`);
    expect(held(emu)).toEqual(expectedKeys(FOUR));
  });
});

/** The built CLI started in the background: its pid now, its result later. */
function spawnCli(ws: Workspace, args: readonly string[], env: Record<string, string>): { pid: number; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ws.dir, env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid ?? -1, done };
}
