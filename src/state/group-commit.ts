import type { FileHandle } from 'node:fs/promises';
import { StateError } from '../errors.js';
import { writeFully } from './fs-durable.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only file whose lines are written in the order they are appended, with few fsyncs:
 * - lines that arrive while a write is in flight go out together in the next write;
 * - a durable append resolves once an fsync that began after its write has returned; appends
 *   that arrive while an fsync is in flight share the next one (group commit);
 * - a lazy append resolves once written (a killed process cannot lose it) and is made durable by
 *   the next fsync, or by close().
 * After a failed write or fsync every later append fails: what follows a partial write could not
 * be trusted.
 */
export class GroupCommitFile {
  private queued: { text: string; durable: boolean; waiter: Waiter }[] = [];
  private writing: Promise<void> | null = null;
  /** Durable lines written and waiting for an fsync that began after their write. */
  private written: Waiter[] = [];
  private syncing: Promise<void> | null = null;
  /** Lines were written after the last fsync began. */
  private unsynced = false;
  private failure: StateError | null = null;
  private closed = false;

  constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
  ) {}

  append(text: string, durable: boolean): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new StateError(`${this.file}: the journal is closed`, this.file));
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ text, durable, waiter: { resolve, reject } });
      this.writing ??= this.writeQueued();
    });
  }

  /** Waits for every append, fsyncs what is not yet durable and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.writing;
      await this.syncing;
      if (this.unsynced && this.failure === null) await this.fh.datasync();
    } finally {
      await this.fh.close();
    }
  }

  private async writeQueued(): Promise<void> {
    while (this.queued.length > 0 && this.failure === null) {
      const batch = this.queued;
      this.queued = [];
      try {
        await writeFully(this.fh, batch.map((line) => line.text).join(''));
      } catch (error) {
        this.fail(error, batch.map((line) => line.waiter));
        break;
      }
      if (this.failure !== null) {
        // An fsync failed while this batch was being written: nothing after it is durable.
        this.fail(this.failure, batch.map((line) => line.waiter));
        break;
      }
      this.unsynced = true;
      for (const line of batch) {
        if (line.durable) this.written.push(line.waiter);
        else line.waiter.resolve();
      }
      if (this.written.length > 0) this.syncing ??= this.syncWritten();
    }
    this.writing = null;
  }

  private async syncWritten(): Promise<void> {
    while (this.written.length > 0 && this.failure === null) {
      const covered = this.written;
      this.written = [];
      this.unsynced = false;
      try {
        await this.fh.datasync();
      } catch (error) {
        this.fail(error, covered);
        break;
      }
      for (const waiter of covered) waiter.resolve();
    }
    this.syncing = null;
  }

  private fail(error: unknown, waiters: Waiter[]): void {
    this.failure ??= new StateError(`${this.file}: cannot write the journal: ${String(error)}`, this.file, {
      cause: error,
    });
    const failure = this.failure;
    for (const waiter of [...waiters, ...this.written, ...this.queued.map((line) => line.waiter)]) waiter.reject(failure);
    this.written = [];
    this.queued = [];
  }
}
