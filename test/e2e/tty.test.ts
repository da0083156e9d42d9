/**
 * reconcile on a terminal: it asks, and only `yes` approves. The CLI runs under util-linux
 * `script`, which gives it a pseudo-terminal; skipped where `script` is not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import { CLI } from '../support/run-cli.js';
import { callCounts, emulator, expectedKeys, held, manifestYaml, Workspace, type Entry } from './helpers.js';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const ENTRIES: Entry[] = [{ entity: 'patient', actions: ['_create', '_update'], endpoint: 'https://hooks.example.com/biot/patient' }];

/** Runs the CLI on a pseudo-terminal; types `answer` once the prompt shows. */
function onTerminal(ws: Workspace, args: readonly string[], env: Record<string, string>, answer: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: ws.dir,
    env: { PATH: process.env['PATH'], TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let answered = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    if (!answered && output.includes('Enter a value:')) {
      answered = true;
      child.stdin.write(`${answer}\n`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(!hasScript)('reconcile on a terminal', () => {
  it('anything but "yes" cancels with no call; "yes" applies', async () => {
    const emu = await emulator();
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    const env = emulatorEnv(emu.url, { NO_COLOR: '1' });

    const no = await onTerminal(ws, ['reconcile'], env, 'y');
    expect(no.output).toContain(`Apply these changes to ${emu.url}?`);
    expect(no.output).toContain('Apply cancelled: nothing was changed.');
    expect(no.code).toBe(1);
    expect(no.output).not.toContain('\u001b[32m'); // NO_COLOR is honoured
    expect(emu.stats().requests).toBe(0);
    expect(ws.hasState()).toBe(false);

    const yes = await onTerminal(ws, ['reconcile'], env, 'yes');
    expect(yes.code).toBe(0);
    expect(yes.output).toMatch(/Applying: 2\/2 \(100%\)/); // the live counter, on a terminal
    expect(callCounts(emu)).toMatchObject({ subscribe: 2, unsubscribe: 0 });
    expect(held(emu)).toEqual(expectedKeys(ENTRIES));
  });

  it('colours the plan on a terminal unless NO_COLOR is set', async () => {
    const ws = await Workspace.create(manifestYaml(ENTRIES));
    const coloured = await onTerminal(ws, ['plan'], {}, '');
    expect(coloured.code).toBe(0);
    expect(coloured.output).toContain('\u001b[32m  + subscribe');
    const plain = await onTerminal(ws, ['plan'], { NO_COLOR: '1' }, '');
    expect(plain.code).toBe(0);
    expect(plain.output).toContain('  + subscribe');
    expect(plain.output).not.toContain('\u001b[');
  });
});
