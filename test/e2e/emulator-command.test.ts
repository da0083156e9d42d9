/**
 * `biot-subs emulator` as users run it: a subprocess printing its URL and the environment to
 * use, serving reconcile over real HTTP, listing its holdings, stopping on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import { CLI } from '../support/run-cli.js';
import { emulator, expectedKeys, expectExit, expectNoCrash, manifestYaml, Workspace, type Entry } from './helpers.js';

const ENTRIES: Entry[] = [{ entity: 'device', actions: ['_create', '_delete'], endpoint: 'https://hooks.example.com/biot/device' }];

describe('biot-subs emulator', () => {
  it('prints its URL, serves reconcile, lists what it holds, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, 'emulator', '--port', '0'], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          const match = /export BIOT_BASE_URL=(\S+)/.exec(stdout);
          if (match?.[1] && stdout.includes('Stop with Ctrl-C.')) resolve(match[1]);
        });
        child.on('error', reject);
        child.on('close', () => reject(new Error(`emulator exited early: ${stderr}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(stdout).toContain('export BIOT_SERVICE_USER_ID=demo');

      const ws = await Workspace.create(manifestYaml(ENTRIES));
      expectExit(await ws.run(['reconcile', '--auto-approve'], emulatorEnv(url)), 0);
      const held = (await (await fetch(`${url}/_emulator/subscriptions`)).json()) as Array<Record<string, string>>;
      expect(held.map((t) => `${t['entityTypeName']} ${t['actionName']} ${t['endpoint']}`)).toEqual(expectedKeys(ENTRIES));
    } finally {
      child.kill('SIGINT');
    }
    expect(await closed).toBe(0);
    expect(stderr).toContain('emulator stopped');
  });

  it('a port in use is a clear error, not an internal one', async () => {
    const busy = await emulator();
    const run = await new Workspace('.').run(['emulator', '--port', new URL(busy.url).port]);
    expectExit(run, 1);
    expectNoCrash(run);
    expect(run.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
  });
});
