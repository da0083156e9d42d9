import { writeSync } from 'node:fs';
import type { OutputStream } from './context.js';

/**
 * The CLI's stdout and stderr: text written straight to the file descriptor, synchronously.
 *
 * Why not process.stdout: creating it loads Node's stream, socket and TTY modules (~4 ms on a
 * pipe, more than `biot-subs validate` spends on its own work), and on Linux it writes a pipe,
 * a file or a terminal synchronously anyway. Written here, a text is out before write() returns,
 * so nothing is lost when Node exits, and the order of writes is kept.
 *
 * - A descriptor that would block (one its reader opened non-blocking, and full) is handed to
 *   the process stream from then on, which waits for it; so is any error but a closed reader.
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
  ) {}

  get isTTY(): boolean {
    return this.processStream().isTTY === true;
  }

  write(text: string): boolean {
    if (this.handedOver) return this.processStream().write(text);
    if (this.closed) return true;
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') {
        this.closed = true;
        return true;
      }
      this.handedOver = true;
      // Bytes, not text: a write may have stopped inside a character.
      return this.processStream().write(bytes.subarray(written));
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
 * gone away (as FdOutput does).
 */
export function processStream(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
  return stream;
}
