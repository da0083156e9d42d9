import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateError } from '../errors.js';
import { errorCode, fsyncDir, writeFully } from './fs-durable.js';
import type { JournalRecord } from './journal-records.js';
import { JOURNAL_VERSION, formatRecord } from './journal-records.js';
import { journalPath } from './state-path.js';
import type { JournalResult, State, StateOperation } from './types.js';

export { foldJournal } from './journal-fold.js';
export { recoverJournal } from './journal-recover.js';
export type { JournalHeader, JournalIntent, JournalOutcome, JournalRecord } from './journal-records.js';

interface PendingLine {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The apply's write-ahead journal, `<state>.journal`: each call's intent is durable before the
 * call is made and its outcome after it completes, so a crash at any moment can be recovered
 * (recoverJournal). Appends are serialized in call order; lines that arrive while an fsync is in
 * flight are written together with the next one (group commit), so concurrent calls share
 * fsyncs instead of queueing behind one each.
 */
export class StateJournal {
  private nextId = 1;
  private readonly announced = new Set<number>();
  private pending: PendingLine[] = [];
  private flushing: Promise<void> | null = null;
  /** Set once a write failed: lines after a partial write would not be trustworthy. */
  private failure: StateError | null = null;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly statePath: string,
    private readonly fh: FileHandle,
  ) {}

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
    await this.append(formatRecord({ type: 'intent', id, kind: operation.kind, ref: operation.ref, at }));
    return id;
  }

  /** Records how call `id` ended; resolves once that is durable. */
  async outcome(id: number, result: JournalResult, at: string = new Date().toISOString()): Promise<void> {
    if (!this.announced.delete(id)) {
      throw new StateError(`${this.file}: no call ${id} awaits an outcome`, this.file);
    }
    await this.append(formatRecord({ type: 'outcome', id, result, at }));
  }

  /** Waits for pending lines and closes the file; the journal stays until remove(). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    await this.fh.close();
  }

  /** Deletes the journal: call it once the state holding its outcomes has been written. */
  async remove(): Promise<void> {
    await this.close();
    await removeJournal(this.statePath);
  }

  private append(text: string): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new StateError(`${this.file}: the journal is closed`, this.file));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ text, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Writes and fsyncs everything pending, batch after batch, until nothing is left. */
  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await writeFully(this.fh, batch.map((line) => line.text).join(''));
        await this.fh.datasync();
        for (const line of batch) line.resolve();
      } catch (error) {
        this.failure = new StateError(`${this.file}: cannot write the journal: ${String(error)}`, this.file, {
          cause: error,
        });
        for (const line of [...batch, ...this.pending]) line.reject(this.failure);
        this.pending = [];
      }
    }
    this.flushing = null;
  }
}

/** Deletes the journal beside the state (after recovery wrote the state), durably. */
export async function removeJournal(statePath: string): Promise<void> {
  const file = journalPath(statePath);
  await rm(file, { force: true });
  await fsyncDir(dirname(file));
}
