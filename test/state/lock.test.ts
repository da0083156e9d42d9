import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LockHeldError } from '../../src/errors.js';
import type { LockHolder } from '../../src/errors.js';
import { acquireLock, removeStale, unlockState } from '../../src/state/lock.js';
import { CHILD, bundleState } from './bundle.js';
import { tempDir } from './helpers.js';

async function statePath(): Promise<string> {
  return join(await tempDir(), 'subscriptions.state.json');
}

/** The pid of a process that has exited: a lock naming it is stale. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
}

async function writeLock(path: string, holder: LockHolder): Promise<void> {
  await writeFile(`${path}.lock`, `${JSON.stringify(holder)}\n`);
}

async function heldError(promise: Promise<unknown>): Promise<LockHeldError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockHeldError);
  return error as LockHeldError;
}

describe('acquireLock', () => {
  it('creates the lock with pid, host, command and start time; release removes it', async () => {
    const path = await statePath();
    const lock = await acquireLock(path, 'reconcile');
    expect(lock.warning).toBeUndefined();
    expect(lock.file).toBe(`${path}.lock`);
    const stored = JSON.parse(await readFile(`${path}.lock`, 'utf8')) as LockHolder;
    expect(stored).toEqual({ pid: process.pid, host: hostname(), command: 'reconcile', startedAt: lock.holder.startedAt });
    expect(Date.parse(stored.startedAt)).not.toBeNaN();
    await lock.release();
    await lock.release();
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('fails at once, naming the holder, while another lock is held', async () => {
    const path = await statePath();
    const lock = await acquireLock(path, 'reconcile');
    const error = await heldError(acquireLock(path, 'state import'));
    expect(error.holder).toEqual(lock.holder);
    expect(error.lockFile).toBe(`${path}.lock`);
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.message).toContain('reconcile');
    await lock.release();
    await (await acquireLock(path, 'state import')).release();
  });

  it('refuses a lock held by a live process, naming its pid and command', async () => {
    const path = await statePath();
    const sleeper: ChildProcess = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      const holder = { pid: sleeper.pid ?? 0, host: hostname(), command: 'reconcile', startedAt: '2026-11-28T10:00:00.000Z' };
      await writeLock(path, holder);
      const error = await heldError(acquireLock(path, 'reconcile'));
      expect(error.holder).toEqual(holder);
      expect(error.message).toMatch(new RegExp(`pid ${holder.pid} on .*\\(reconcile, since 2026-11-28T10:00:00.000Z\\)`));
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a lock whose process is gone, with a warning', async () => {
    const path = await statePath();
    const pid = await deadPid();
    await writeLock(path, { pid, host: hostname(), command: 'reconcile', startedAt: '2026-11-28T10:00:00.000Z' });
    const lock = await acquireLock(path, 'plan');
    expect(lock.warning).toBe(`took over a stale lock left by pid ${pid} (biot-subs reconcile, since 2026-11-28T10:00:00.000Z)`);
    expect((JSON.parse(await readFile(`${path}.lock`, 'utf8')) as LockHolder).pid).toBe(process.pid);
    await lock.release();
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('does not take over a lock of another host, even with a dead pid', async () => {
    const path = await statePath();
    await writeLock(path, { pid: await deadPid(), host: `not-${hostname()}`, command: 'reconcile', startedAt: 'x' });
    expect((await heldError(acquireLock(path, 'reconcile'))).holder?.host).toBe(`not-${hostname()}`);
  });

  it('treats an unreadable lock as held by someone unknown', async () => {
    const path = await statePath();
    await writeFile(`${path}.lock`, '');
    const error = await heldError(acquireLock(path, 'reconcile'));
    expect(error.holder).toBeNull();
    expect(error.message).toContain('biot-subs state unlock');
  });

  it('lets exactly one of many concurrent takers win a stale lock', async () => {
    const path = await statePath();
    await writeLock(path, { pid: await deadPid(), host: hostname(), command: 'reconcile', startedAt: 'x' });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(path, 'reconcile')));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
    if (won[0]?.status === 'fulfilled') await won[0].value.release();
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('never lets a slow taker remove the fresh lock of the run that took over first', async () => {
    const path = await statePath();
    const stale = `${JSON.stringify({ pid: await deadPid(), host: hostname(), command: 'reconcile', startedAt: 'x' })}\n`;
    await writeFile(`${path}.lock`, stale);
    const first = await acquireLock(path, 'reconcile');
    expect(first.warning).toMatch(/took over/);
    // A second taker read the stale lock before the first took over, and acts only now.
    expect(await removeStale(`${path}.lock`, stale)).toBe(false);
    expect((await heldError(acquireLock(path, 'reconcile'))).holder).toEqual(first.holder);
    await first.release();
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('release leaves alone a lock that is no longer ours', async () => {
    const path = await statePath();
    const first = await acquireLock(path, 'reconcile');
    await unlockState(path);
    const second = await acquireLock(path, 'reconcile');
    await first.release();
    expect((await heldError(acquireLock(path, 'x'))).holder).toEqual(second.holder);
    await second.release();
  });
});

describe('unlockState', () => {
  it('removes any lock and says who held it', async () => {
    const path = await statePath();
    expect(await unlockState(path)).toBeNull();
    const lock = await acquireLock(path, 'reconcile');
    expect(await unlockState(path)).toEqual(lock.holder);
    expect(await readdir(join(path, '..'))).toEqual([]);
    await writeFile(`${path}.lock`, 'garbage');
    expect(await unlockState(path)).toBeNull();
    expect(await readdir(join(path, '..'))).toEqual([]);
  });
});

describe('processes racing for the lock', () => {
  /**
   * Starts `count` children that all try at the same moment; once every one has said whether it
   * won, closes their stdin (a winner holds the lock until then). Returns what each printed.
   */
  async function race(bundle: string, path: string, count: number): Promise<string[]> {
    const startAt = Date.now() + 500;
    const children = Array.from({ length: count }, () =>
      spawn(process.execPath, [CHILD, 'lock', bundle, path, String(startAt)], { stdio: ['pipe', 'pipe', 'inherit'] }),
    );
    const said = children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            out += chunk;
            if (out.endsWith('\n')) resolve(out.trim());
          });
        }),
    );
    const exited = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    const results = await Promise.all(said);
    for (const child of children) child.stdin.end();
    expect(await Promise.all(exited)).toEqual(children.map(() => 0));
    return results;
  }

  it('lets exactly one win, with or without a stale lock to take over', async () => {
    const dir = await tempDir();
    const bundle = await bundleState(dir);
    const path = join(dir, 'subscriptions.state.json');
    const fresh = await race(bundle, path, 4);
    expect(fresh.filter((r) => r.startsWith('won'))).toHaveLength(1);
    expect(fresh.filter((r) => r === 'held')).toHaveLength(3);

    await writeLock(path, { pid: await deadPid(), host: hostname(), command: 'reconcile', startedAt: 'x' });
    const stale = await race(bundle, path, 4);
    expect(stale.filter((r) => r.startsWith('won'))).toHaveLength(1);
    expect(stale.filter((r) => r === 'held')).toHaveLength(3);
    expect((await readdir(dir)).filter((f) => f.includes('.lock'))).toEqual([]);
  });
});
