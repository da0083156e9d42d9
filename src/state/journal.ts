import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateError } from '../errors.js';
import { errorCode, fsyncDir, writeFully } from './fs-durable.js';
import { GroupCommitFile } from './group-commit.js';
import type { JournalRecord } from './journal-records.js';
import { JOURNAL_VERSION, formatRecord } from './journal-records.js';
import { journalPath } from './state-path.js';
import type { JournalResult, State, StateOperation } from './types.js';

export { foldJournal } from './journal-fold.js';
export { recoverJournal } from './journal-recover.js';
export type { JournalHeader, JournalIntent, JournalOutcome, JournalRecord } from './journal-records.js';

/**
 * The apply's write-ahead journal, `<state>.journal`: each call's intent is durable before the
 * call is made and its outcome after it completes, so a crash at any moment can be recovered
 * (recoverJournal). Lines keep call order; concurrent calls share writes and fsyncs (group
 * commit, see GroupCommitFile) instead of queueing behind one fsync each.
 *
 * An outcome resolves once written, not fsynced: a killed process cannot lose it (it is in the
 * OS's cache), and the next intent's fsync, or close(), makes it durable. Only a power loss in
 * between can lose it, and recovery then treats that call as unknown (uncertain entry, re-asserted
 * next run), which is safe. This halves the fsyncs on the apply's critical path.
 */
export class StateJournal {
  private nextId = 1;
  private readonly announced = new Set<number>();
  private readonly out: GroupCommitFile;

  private constructor(
    readonly file: string,
    private readonly statePath: string,
    fh: FileHandle,
  ) {
    this.out = new GroupCommitFile(fh, file);
  }

  /**
   * Creates the journal for an apply on `state` (as it will be written at the end). Fails when a
   * journal exists: an earlier run was interrupted and recoverJournal must run first.
   */
  static async open(statePath: string, state: State, startedAt: string = new Date().toISOString()): Promise<StateJournal> {
    const file = journalPath(statePath);
    let fh: FileHandle;
    try {
      fh = await open(file, 'ax');
    } catch (error) {
      if (errorCode(error) === 'EEXIST') {
        throw new StateError(`${file}: a journal from an interrupted run exists; recover it before applying`, file);
      }
      throw new StateError(`${file}: cannot create the journal: ${String(error)}`, file, { cause: error });
    }
    const header: JournalRecord = {
      type: 'header',
      version: JOURNAL_VERSION,
      lineage: state.lineage,
      serial: state.serial,
      target: state.target,
      startedAt,
    };
    try {
      await writeFully(fh, formatRecord(header));
      await fh.datasync();
      // The journal must survive a crash as an entry of its folder, not only as data.
      await fsyncDir(dirname(file));
    } catch (error) {
      await fh.close().catch(() => undefined);
      await rm(file, { force: true }).catch(() => undefined);
      throw new StateError(`${file}: cannot write the journal: ${String(error)}`, file, { cause: error });
    }
    return new StateJournal(file, statePath, fh);
  }

  /** Records that a call is about to be made; resolves once that is durable. Returns its id. */
  async intent(operation: StateOperation, at: string = new Date().toISOString()): Promise<number> {
    const id = this.nextId++;
    this.announced.add(id);
    await this.out.append(formatRecord({ type: 'intent', id, kind: operation.kind, ref: operation.ref, at }), true);
    return id;
  }

  /** Records how call `id` ended; resolves once written (fsynced with the next intent or close). */
  async outcome(id: number, result: JournalResult, at: string = new Date().toISOString()): Promise<void> {
    if (!this.announced.delete(id)) {
      throw new StateError(`${this.file}: no call ${id} awaits an outcome`, this.file);
    }
    await this.out.append(formatRecord({ type: 'outcome', id, result, at }), false);
  }

  /** Writes and fsyncs pending lines and closes the file; the journal stays until remove(). */
  async close(): Promise<void> {
    await this.out.close();
  }

  /** Deletes the journal: call it once the state holding its outcomes has been written. */
  async remove(): Promise<void> {
    await this.close();
    await removeJournal(this.statePath);
  }
}

/** Deletes the journal beside the state (after recovery wrote the state), durably. */
export async function removeJournal(statePath: string): Promise<void> {
  const file = journalPath(statePath);
  await rm(file, { force: true });
  await fsyncDir(dirname(file));
}
