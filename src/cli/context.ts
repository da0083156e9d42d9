import type { Environment } from '../manifest/types.js';

/** A stream the CLI writes to; `isTTY` decides colours and live progress. */
export interface OutputStream {
  write(text: string): boolean;
  isTTY?: boolean;
  /**
   * From now on, never block the process on a write (a full pipe's reader may be slow): what the
   * reader cannot take yet is queued. Asked before holding the state's lock, while signals must
   * be handled at once.
   */
  neverBlock?(): void;
}

export interface InputStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

/** Everything a command touches outside itself, so commands run in-process in tests too. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  env: Environment;
  /** Registers interrupt handlers (SIGINT, SIGTERM, SIGHUP); returns the function removing them. */
  onInterrupt(handler: (signal: string) => void): () => void;
}

/** A command's result: the process exit code. */
export type ExitCode = 0 | 1 | 2;
