#!/usr/bin/env node
import type { CliContext, OutputStream } from './context.js';
import { FdOutput, processStream } from './fd-output.js';
import { runCli } from './run-cli.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// Windows: its console takes text through the process streams (the descriptor would get bytes
// in the console's code page).
const output = (fd: 1 | 2, stream: () => NodeJS.WriteStream): OutputStream =>
  process.platform === 'win32' ? processStream(stream()) : new FdOutput(fd, () => processStream(stream()));

// Process streams are created on first use only: creating stdin costs ~3 ms, stdout on a pipe
// ~4 ms, which is much of what `validate` costs in all.
const ctx: CliContext = {
  stdout: output(1, () => process.stdout),
  stderr: output(2, () => process.stderr),
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  onInterrupt(handler) {
    for (const signal of SIGNALS) process.on(signal, handler);
    return () => {
      for (const signal of SIGNALS) process.off(signal, handler);
    };
  },
};

// Set the exit code and let Node exit by itself: process.exit() would cut piped output short.
// No top-level await: the bin runs this bundled as CommonJS (src/cli/bin.cts). runCli turns
// every error into a message and an exit code; it does not reject.
void runCli(process.argv.slice(2), ctx).then((code) => {
  process.exitCode = code;
});
