import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/state/state-file.js';
import { emulatorEnv } from '../support/biot-env.js';
import { CLI } from '../support/run-cli.js';
import { testdir } from '../support/testdir.js';
import { deviceManifest, emulator } from './helpers.js';

describe('a reader that goes away', () => {
  it('does not stop an apply: it finishes, records and leaves no journal or lock', async () => {
    const emu = await emulator({ latencyMs: 15 });
    const dir = await testdir();
    await writeFile(join(dir, 'subscriptions.yaml'), deviceManifest(40));
    const child = spawn(process.execPath, [CLI, 'reconcile', '--auto-approve'], {
      cwd: dir,
      env: { PATH: process.env['PATH'], ...emulatorEnv(emu.url) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Read the first bytes of stdout, then close it, as `| head -c 10` would.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
    expect(emu.subscriptions()).toHaveLength(40);
    expect((await readState(join(dir, 'subscriptions.state.json')))?.subscriptions).toHaveLength(40);
    expect(existsSync(join(dir, 'subscriptions.state.json.journal'))).toBe(false);
    expect(existsSync(join(dir, 'subscriptions.state.json.lock'))).toBe(false);
  });
});

describe.skipIf(!existsSync('/dev/full'))('output that cannot be written (a full disk)', () => {
  it('is one error and exit 1 once the apply has finished and recorded, not a crash', async () => {
    const emu = await emulator();
    const dir = await testdir();
    await writeFile(join(dir, 'subscriptions.yaml'), deviceManifest(10));
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [CLI, 'reconcile', '--auto-approve'], {
      cwd: dir,
      env: { PATH: process.env['PATH'], ...emulatorEnv(emu.url) },
      stdio: ['ignore', full, 'pipe'],
    });
    closeSync(full);
    const errors = child.stderr;
    if (errors === null) throw new Error('stderr is not a pipe');
    let stderr = '';
    errors.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toContain('biot-subs: error: cannot write to stdout (ENOSPC); its output is incomplete');
    expect(stderr.match(/cannot write/g)).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
    expect(emu.subscriptions()).toHaveLength(10);
    expect((await readState(join(dir, 'subscriptions.state.json')))?.subscriptions).toHaveLength(10);
  });
});
