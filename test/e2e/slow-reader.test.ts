import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emulatorEnv } from '../support/biot-env.js';
import { CLI } from '../support/run-cli.js';
import { testdir } from '../support/testdir.js';
import { deviceManifest, emulator } from './helpers.js';

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe('a reader that does not read', () => {
  it('does not hold up an apply, its interrupt or the lock: output waits for the reader instead', async () => {
    const emu = await emulator({ latencyMs: 50 });
    const dir = await testdir();
    await writeFile(join(dir, 'subscriptions.yaml'), deviceManifest(3000));
    // The JSON plan (~1 MB) is written under the lock, before the first call: far more than a
    // pipe and the unread stream hold.
    const child = spawn(process.execPath, [CLI, 'reconcile', '--auto-approve', '--format', 'json'], {
      cwd: dir,
      env: { PATH: process.env['PATH'], ...emulatorEnv(emu.url) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const lock = join(dir, 'subscriptions.state.json.lock');

    // Calls go out although nobody has read the plan.
    expect(await until(() => emu.subscriptions().length >= 20, 20_000)).toBe(true);
    child.kill('SIGTERM');
    // The interrupt is handled and the lock released, still without a reader.
    expect(await until(() => !existsSync(lock) && stderr.includes('SIGTERM: starting no new calls'), 15_000)).toBe(true);

    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stdout.resume();
    expect(await closed).toBe(1);
    const plan = JSON.parse(stdout.slice(0, stdout.lastIndexOf('}') + 1)) as { subscribes: unknown[] };
    expect(plan.subscribes).toHaveLength(3000);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
