import type { FileHandle } from 'node:fs/promises';
import { link, open, readFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { sha256Hex } from '../sha256.js';
import { LockHeldError, StateError } from '../errors.js';
import type { LockHolder } from '../errors.js';
import { errorCode, removeOrphanTemps, tempPathFor, writeFully } from './fs-durable.js';
import { isProcessRunning } from './process-alive.js';
import { lockPath } from './state-path.js';

/** A takeover marker older than this belongs to a taker that died: a takeover takes ms. */
const STALE_TAKEOVER_MS = 30_000;
const ATTEMPTS = 20;

/** The lock this run holds on a state; release() gives it back. */
export interface StateLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Set when a stale lock (its process gone) was taken over: the caller shows it. */
  readonly warning: string | undefined;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Takes `<state>.lock` for this process, or throws LockHeldError naming who holds it. A lock
 * left by a process that is gone (same host, pid no longer running) is taken over, with a
 * warning. `command` is stored in the lock for others to read: pass a plain command name, never
 * arguments that could hold secrets.
 */
export async function acquireLock(statePath: string, command: string): Promise<StateLock> {
  const file = lockPath(statePath);
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  const content = `${JSON.stringify(holder)}\n`;
  let warning: string | undefined;
  let last: LockHolder | null = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(file, content)) {
      // A run killed while creating its lock left its temporary file: clear it now that we hold it.
      await removeOrphanTemps(file);
      return ownLock(file, holder, content, warning);
    }
    const existing = await readLock(file);
    if (existing === undefined) continue; // released meanwhile: try again
    last = existing.holder;
    if (!isStale(existing.holder)) throw new LockHeldError(file, existing.holder);
    if (await removeStale(file, existing.raw)) {
      warning = `took over a stale lock left by pid ${existing.holder.pid} (biot-subs ${existing.holder.command}, since ${existing.holder.startedAt})`;
    } else {
      // Another run is taking the same stale lock over: give it a moment, then look again.
      await new Promise((resolve) => setTimeout(resolve, 10 + attempt * 5));
    }
  }
  throw new LockHeldError(file, last);
}

/**
 * Removes the state's lock whoever holds it (`biot-subs state unlock`), with any takeover
 * markers. Returns the holder it named, or null when there was no lock or it was unreadable.
 */
export async function unlockState(statePath: string): Promise<LockHolder | null> {
  const file = lockPath(statePath);
  const existing = await readLock(file);
  await rm(file, { force: true });
  const dir = dirname(file);
  const prefix = `.${basename(file)}.stale-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => rm(join(dir, name), { force: true })));
  return existing?.holder ?? null;
}

function ownLock(file: string, holder: LockHolder, content: string, warning: string | undefined): StateLock {
  let released = false;
  return {
    file,
    holder,
    warning,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      // Only our own: after `state unlock` another run may hold it now.
      const current = await readFile(file, 'utf8').catch(() => null);
      if (current === content) await rm(file, { force: true });
    },
  };
}

/**
 * Creates the lock with its content in one step: written to a temporary file, then hard-linked
 * to the lock's name, which fails if it exists. A crash can then never leave an empty lock that
 * names nobody. File systems without hard links fall back to an O_EXCL create.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temp = tempPathFor(file);
  try {
    const fh = await open(temp, 'wx');
    try {
      await writeFully(fh, content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await link(temp, file);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      return createWithExcl(file, content);
    }
    throw new StateError(`${file}: cannot create the lock: ${String(error)}`, file, { cause: error });
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

async function createWithExcl(file: string, content: string): Promise<boolean> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw new StateError(`${file}: cannot create the lock: ${String(error)}`, file, { cause: error });
  }
  try {
    await writeFully(fh, content);
  } finally {
    await fh.close();
  }
  return true;
}

/** The lock's text and holder (null when unparseable); undefined when there is no lock. */
async function readLock(file: string): Promise<{ raw: string; holder: LockHolder | null } | undefined> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new StateError(`${file}: cannot read the lock: ${String(error)}`, file, { cause: error });
  }
  return { raw, holder: parseHolder(raw) };
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const { pid, host, command, startedAt } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return null;
    if (typeof host !== 'string' || typeof command !== 'string' || typeof startedAt !== 'string') return null;
    return { pid, host, command, startedAt };
  } catch {
    return null;
  }
}

/** A holder is gone only if it ran on this host and its pid no longer runs. */
function isStale(holder: LockHolder | null): holder is LockHolder {
  return holder !== null && holder.host === hostname() && !isProcessRunning(holder.pid);
}

/**
 * Removes the stale lock whose text is `raw`, so that two runs taking it over cannot both win
 * and a fresh lock is never removed: the taker first hard-links the lock to a marker named after
 * that text. Only one taker can create the marker; it then checks that the marker has that text
 * (so the lock was still the stale one when linked) and only then removes the lock. True when
 * this call removed it. Exported for tests only.
 */
export async function removeStale(file: string, raw: string): Promise<boolean> {
  const marker = join(dirname(file), `.${basename(file)}.stale-${sha256Hex(raw).slice(0, 16)}`);
  try {
    await link(file, marker);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return false; // gone meanwhile
    if (code === 'EEXIST') {
      // Another taker is at it, or one died mid-takeover and left its marker.
      const info = await stat(marker).catch(() => null);
      if (info !== null && Date.now() - info.ctimeMs > STALE_TAKEOVER_MS) await rm(marker, { force: true });
      return false;
    }
    // No hard links here: the stale lock can only be removed by `state unlock`.
    throw new LockHeldError(file, parseHolder(raw));
  }
  try {
    const linked = await readFile(marker, 'utf8').catch(() => null);
    if (linked !== raw) return false; // a fresh lock replaced the stale one: leave it alone
    await unlink(file);
    return true;
  } finally {
    await rm(marker, { force: true });
  }
}
