import { recoverJournal, removeJournal } from '../state/journal.js';
import { acquireLock } from '../state/lock.js';
import { readState, writeState } from '../state/state-file.js';
import type { State } from '../state/types.js';
import type { CliContext } from './context.js';

/**
 * Runs `work` holding the state's lock, on the state with any leftover journal recovered and
 * written first: every command that changes the state starts from what really happened. While
 * the lock is held, output never blocks the process: a slow reader of a pipe must not keep an
 * interrupt from being handled, or the lock from being released.
 */
export async function withLockedState<T>(
  statePath: string,
  command: string,
  ctx: CliContext,
  work: (state: State | null) => Promise<T>,
): Promise<T> {
  ctx.stdout.neverBlock?.();
  ctx.stderr.neverBlock?.();
  const lock = await acquireLock(statePath, command);
  if (lock.warning) ctx.stderr.write(`biot-subs: warning: ${lock.warning}\n`);
  try {
    let state = await readState(statePath);
    const recovered = await recoverJournal(statePath, state);
    if (recovered) {
      if (recovered.state) state = await writeState(statePath, recovered.state, state);
      await removeJournal(statePath);
      ctx.stderr.write(`biot-subs: recovered the journal of an interrupted run into ${statePath}\n`);
    }
    return await work(state);
  } finally {
    await lock.release();
  }
}
