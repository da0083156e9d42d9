import { writeSync } from 'node:fs';
import type { OutputStream } from './context.js';

/**
 * The CLI's stdout and stderr: text written straight to the file descriptor, synchronously.
 *
 * Why not process.stdout: creating it loads Node's stream, socket and TTY modules (~4 ms on a
 * pipe, more than `biot-subs validate` spends on its own work). Written here, a text is out
 * before write() returns, so nothing is lost when Node exits, and the order of writes is kept.
 * The cost: a write to a full pipe waits for its reader, and the process with it.
 *
 * - neverBlock() hands the descriptor to the process stream, which queues what a full pipe
 *   cannot take: asked before the state's lock is held, so a slow reader never delays an
 *   interrupt (see withLockedState).
 * - A descriptor that would block (a non-blocking one, full) is handed to the process stream
 *   from then on too.
 * - Any other failure (a full disk, an I/O error) is reported once through `onFailure`, and
 *   output is dropped from then on: an apply still finishes and records.
 * - A reader that went away (`biot-subs plan | head`) must not crash the run with a stack trace,
 *   least of all mid-apply: output is dropped from then on, and the apply finishes and records.
 * - `isTTY` is asked of the process stream, only when a command needs it (colours, live
 *   progress).
 */
export class FdOutput implements OutputStream {
  private created: ByteStream | undefined;
  private handedOver = false;
  private closed = false;

  constructor(
    private readonly fd: number,
    /** The same descriptor's process stream, created on first use. */
    private readonly stream: () => ByteStream,
    /** A write failed for another reason than a reader gone (a full disk): output is dropped. */
    private readonly onFailure: (code: string) => void = () => {},
  ) {}

  get isTTY(): boolean {
    return this.processStream().isTTY === true;
  }

  neverBlock(): void {
    this.handedOver = true;
  }

  write(text: string): boolean {
    if (this.handedOver) return this.processStream().write(text);
    if (this.closed) return true;
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) {
        const count = writeSync(this.fd, bytes, written);
        // Not expected of a write of at least one byte, but it must not loop for ever.
        if (count <= 0) throw new Error('nothing written');
        written += count;
      }
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        this.handedOver = true;
        // Bytes, not text: a write may have stopped inside a character.
        return this.processStream().write(bytes.subarray(written));
      }
      this.closed = true;
      if (code !== 'EPIPE') this.onFailure(code ?? String(error));
      return true;
    }
  }

  private processStream(): ByteStream {
    this.created ??= this.stream();
    return this.created;
  }
}

/** What FdOutput needs of process.stdout or process.stderr. */
export interface ByteStream {
  write(chunk: string | Uint8Array): boolean;
  readonly isTTY?: boolean;
}

const guarded = new WeakSet<NodeJS.WriteStream>();

/**
 * process.stdout or process.stderr, made to drop output rather than crash once its reader has
 * gone away (as FdOutput does), and to report other write errors to `onFailure` (the first
 * caller's), else throw them.
 */
export function processStream(stream: NodeJS.WriteStream, onFailure?: (code: string) => void): NodeJS.WriteStream {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
      if (!onFailure) throw error;
      onFailure(error.code ?? error.message);
    });
  }
  return stream;
}
