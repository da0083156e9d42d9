import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import equal from 'fast-deep-equal';
import { StateError } from '../errors.js';
import { compareRefs } from '../subscription.js';
import { errorCode, writeFileAtomic } from './fs-durable.js';
import { canonicalEntry } from './state-entries.js';
import { STATE_VERSION, checkState } from './state-schema.js';
import type { State } from './types.js';

/**
 * Reads the state file: null when it does not exist (nothing applied yet). Anything else that is
 * not a valid state (unparseable, unknown version, schema failure, duplicate entries) throws a
 * StateError naming the file, before anyone could write over it.
 */
export async function readState(path: string): Promise<State | null> {
  let text: string;
  try {
    // A FIFO would block the read forever and a device never end it: only a regular file will do.
    if (!(await stat(path)).isFile()) throw new StateError(`${path}: cannot read the state file: not a regular file`, path);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof StateError) throw error;
    if (errorCode(error) === 'ENOENT') return null;
    throw new StateError(`${path}: cannot read the state file: ${messageOf(error)}`, path, { cause: error });
  }
  let value: unknown;
  try {
    // An editor may have added a byte-order mark; JSON.parse rejects it.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new StateError(`${path}: not valid JSON (${messageOf(error)})`, path, { cause: error });
  }
  return normalizeState(checkState(value, path));
}

/** A state for an environment nothing was applied to yet. */
export function newState(target: string | null): State {
  return { version: STATE_VERSION, lineage: randomUUID(), serial: 0, target, subscriptions: [] };
}

/** Keys in file order, entries canonical and sorted: equal content gives equal bytes. */
export function normalizeState(state: State): State {
  return {
    version: STATE_VERSION,
    lineage: state.lineage,
    serial: state.serial,
    target: state.target,
    subscriptions: state.subscriptions.map(canonicalEntry).sort(compareRefs),
  };
}

/** The file's text: pretty-printed with a final newline so git diffs stay small and stable. */
export function serializeState(state: State): string {
  return `${JSON.stringify(normalizeState(state), null, 2)}\n`;
}

/** Whether two states hold the same content, the serial aside. */
export function sameContent(a: State, b: State): boolean {
  const { serial: _a, ...contentA } = normalizeState(a);
  const { serial: _b, ...contentB } = normalizeState(b);
  return equal(contentA, contentB);
}

/**
 * Writes `next` crash-safely and returns what is now on disk. `previous` is the state as read
 * (null when there was no file): unchanged content writes nothing and returns `previous`;
 * otherwise the serial becomes previous.serial + 1 (next.serial for a new file).
 */
export async function writeState(path: string, next: State, previous: State | null): Promise<State> {
  const candidate = normalizeState(next);
  if (previous !== null) {
    if (previous.lineage !== candidate.lineage) {
      throw new StateError(
        `${path}: refusing to write state of lineage ${candidate.lineage} over lineage ${previous.lineage}`,
        path,
      );
    }
    if (sameContent(candidate, previous)) return previous;
    candidate.serial = previous.serial + 1;
  }
  // Never write what a later read would reject: that would stop every following run.
  try {
    checkState(JSON.parse(JSON.stringify(candidate)) as unknown, path);
  } catch (error) {
    throw new StateError(`refusing to write an invalid state: ${messageOf(error)}`, path, { cause: error });
  }
  try {
    await writeFileAtomic(path, serializeState(candidate));
  } catch (error) {
    throw new StateError(`${path}: cannot write the state file: ${messageOf(error)}`, path, { cause: error });
  }
  return candidate;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
