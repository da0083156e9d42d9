/**
 * The CLI's surface with no BioT behind it: validate, usage errors, --help, catalog, bad flag
 * values and the demo. Each run is the built CLI as a subprocess.
 */
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import { runCli } from '../support/run-cli.js';
import { emulator, expectExit, expectNoCrash, expectNoDispatcherCall, manifestYaml, REPO_ROOT, Workspace } from './helpers.js';

const COMMANDS = ['validate', 'plan', 'reconcile', 'state', 'catalog', 'emulator', 'demo'] as const;

/** Three problems on known lines: unknown entity (line 3), bad URL (line 8), unknown key (line 9). */
const BROKEN = `version: 1
subscriptions:
  - entityTypeName: patinet
    actionName: _create
    endpoint: https://hooks.example.com/p
  - entityTypeName: device
    actionName: _create
    endpoint: not-a-url
    color: blue
`;

describe('validate', () => {
  it('accepts the example manifest at the repository root', async () => {
    const run = await runCli(['validate'], { cwd: REPO_ROOT });
    expectExit(run, 0);
    expect(run.stdout).toMatch(/^subscriptions\.yaml: valid \(\d+ subscriptions\)\n$/);
    expect(run.stderr).toBe('');
  });

  it('rejects a broken manifest with file:line:col messages and no stack trace', async () => {
    const ws = await Workspace.create(BROKEN);
    const run = await ws.run(['validate']);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stdout + run.stderr).not.toContain('    at ');
    const located = run.stderr.split('\n').filter((line) => /^subscriptions\.yaml:\d+:\d+: /.test(line));
    expect(located).toHaveLength(3);
    expect(located[0]).toMatch(/^subscriptions\.yaml:3:\d+: .*patinet.*did you mean `patient`/);
    expect(located[1]).toMatch(/^subscriptions\.yaml:8:\d+: .*endpoint/);
    expect(located[2]).toMatch(/^subscriptions\.yaml:9:\d+: .*color/);
    // Without GITHUB_ACTIONS no workflow command is printed.
    expect(run.stdout + run.stderr).not.toContain('::error');
  });

  it('prints ::error workflow commands under GitHub Actions', async () => {
    const ws = await Workspace.create(BROKEN);
    const run = await ws.run(['validate'], { GITHUB_ACTIONS: 'true' });
    expectExit(run, 1);
    expectNoCrash(run);
    const annotations = run.stdout.split('\n').filter((line) => line.startsWith('::error '));
    expect(annotations).toHaveLength(3);
    expect(annotations[0]).toMatch(/^::error file=subscriptions\.yaml,line=3,col=\d+::.*patinet/);
    expect(annotations[1]).toMatch(/^::error file=subscriptions\.yaml,line=8,col=\d+::/);
    expect(annotations[2]).toMatch(/^::error file=subscriptions\.yaml,line=9,col=\d+::.*color/);
  });

  it('names the unset variable, with its place', async () => {
    const ws = await Workspace.create(manifestYaml([{ entity: 'patient', actions: ['_create'], endpoint: '${HOOK_BASE}/p' }]));
    const run = await ws.run(['validate']);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toMatch(/^subscriptions\.yaml:\d+:\d+: .*HOOK_BASE/m);
    // The same manifest is valid once the variable is set.
    expectExit(await ws.run(['validate'], { HOOK_BASE: 'https://hooks.example.com' }), 0);
  });

  it('names both places of a duplicate triple', async () => {
    const ws = await Workspace.create(
      manifestYaml([
        { entity: 'patient', actions: ['_create', '_update'], endpoint: 'https://hooks.example.com/p' },
        { entity: 'patient', actions: ['_update'], endpoint: 'https://hooks.example.com/p' },
      ]),
    );
    const run = await ws.run(['validate']);
    expectExit(run, 1);
    expect(run.stderr).toMatch(/^subscriptions\.yaml:7:\d+: .*_update.* twice \(duplicate of line 4:\d+\)/m);
  });

  it('reports a missing manifest file clearly', async () => {
    const ws = await Workspace.create();
    const run = await ws.run(['validate', '-f', 'nope.yaml']);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toContain('nope.yaml');
  });
});

describe('usage', () => {
  it('an unknown command prints the usage and exits 1', async () => {
    const run = await runCli(['frobnicate']);
    expectExit(run, 1);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
    expect(run.stderr).toContain('Usage: biot-subs <command>');
  });

  it('no command prints the usage and exits 1', async () => {
    const run = await runCli([]);
    expectExit(run, 1);
    expect(run.stdout + run.stderr).toContain('Usage: biot-subs <command>');
  });

  it.each(COMMANDS)('%s: an unknown flag prints its usage and exits 1', async (command) => {
    const run = await runCli([command, '--no-such-flag'], { cwd: REPO_ROOT });
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toContain('--no-such-flag');
    expect(run.stderr).toContain(`Usage: biot-subs ${command}`);
  });

  it.each(COMMANDS)('%s --help exits 0 with its usage', async (command) => {
    const run = await runCli([command, '--help']);
    expectExit(run, 0);
    expect(run.stdout).toContain(`Usage: biot-subs ${command}`);
    expect(run.stderr).toBe('');
  });

  it('--help and --version at the top level exit 0', async () => {
    const help = await runCli(['--help']);
    expectExit(help, 0);
    expect(help.stdout).toContain('Commands:');
    const version = await runCli(['--version']);
    expectExit(version, 0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('bad flag values fail before anything is read or sent', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['--concurrency 0', ['reconcile', '--auto-approve', '--concurrency', '0'], /--concurrency/],
    ['--concurrency 1.5', ['reconcile', '--auto-approve', '--concurrency', '1.5'], /--concurrency/],
    ['--format xml', ['reconcile', '--auto-approve', '--format', 'xml'], /--format/],
    ['--retries -1', ['reconcile', '--auto-approve', '--retries', '-1'], /--retries.*use '--retries=-XYZ'/],
    ['--retries=-1', ['reconcile', '--auto-approve', '--retries=-1'], /--retries must be a whole number from 0 to 20/],
    ['--timeout 0', ['reconcile', '--auto-approve', '--timeout', '0'], /--timeout/],
    ['--rate abc', ['reconcile', '--auto-approve', '--rate', 'abc'], /--rate/],
    ['--max-delete-percent 150', ['reconcile', '--auto-approve', '--max-delete-percent', '150'], /--max-delete-percent/],
    ['plan --format xml', ['plan', '--format', 'xml'], /--format/],
    ['catalog --format yaml', ['catalog', '--format', 'yaml'], /--format/],
    ['a stray argument', ['plan', 'extra'], /unexpected argument/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml([{ entity: 'patient', actions: ['_create'], endpoint: 'https://hooks.example.com/p' }]));
    const run = await ws.run(args, emulatorEnv(emu.url));
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toMatch(message);
    expectNoDispatcherCall(emu);
    expect(emu.stats().requests).toBe(0);
    expect(ws.hasState()).toBe(false);
  });
});

describe('catalog', () => {
  it('lists the same entities and actions as text and as JSON', async () => {
    const text = await runCli(['catalog']);
    const json = await runCli(['catalog', '--format', 'json']);
    expectExit(text, 0);
    expectExit(json, 0);
    const catalog = JSON.parse(json.stdout) as Record<string, string[]>;
    // Documented entities and actions (biot-api.md), including the newer catalog's additions.
    expect(catalog['patient']).toEqual(expect.arrayContaining(['_create', '_update', '_delete', '_saveMeasurement', '_saveMeasurementBulk']));
    expect(catalog['device']).toEqual(expect.arrayContaining(['_create', '_generateCertificate', '_command']));
    expect(catalog['command']).toEqual(expect.arrayContaining(['_create', '_start', '_stop']));
    const fromText = Object.fromEntries(
      text.stdout
        .trimEnd()
        .split('\n')
        .map((line) => {
          const [entity, ...actions] = line.trim().split(/\s+/);
          return [entity, actions];
        }),
    ) as Record<string, string[]>;
    expect(fromText).toEqual(catalog);
    expect(Object.keys(catalog)).toEqual([...Object.keys(catalog)].sort());
  });
});

describe('demo', () => {
  it('exits 0 and ends with what the emulator holds, writing nothing beside the manifest', async () => {
    const ws = await Workspace.create();
    await copyFile(join(REPO_ROOT, 'subscriptions.yaml'), ws.manifestPath);
    const valid = await ws.run(['validate']);
    const count = Number(/valid \((\d+) subscriptions\)/.exec(valid.stdout)?.[1]);
    expect(count).toBeGreaterThan(10);

    // Credentials in the shell must not leak into the demo: it logs in as the demo user.
    const run = await ws.run(['demo'], { BIOT_TOKEN: 'not-a-real-token', BIOT_BASE_URL: 'http://127.0.0.1:9' });
    expectExit(run, 0);
    expectNoCrash(run);
    const lines = run.stdout.trimEnd().split('\n');
    const header = lines.findIndex((line) => line.startsWith('== the emulator now holds'));
    expect(lines[header]).toBe(`== the emulator now holds ${count} subscriptions`);
    const holdings = lines.slice(header + 1).filter((line) => line !== '');
    expect(holdings).toHaveLength(count);
    for (const line of holdings) expect(line).toMatch(/^ {2}[a-z-]+ _[A-Za-z]+$/);
    // The second run found nothing to change.
    expect(run.stdout).toContain('No changes.');
    expect(await readdir(ws.dir)).toEqual(['subscriptions.yaml']);
  });
});
