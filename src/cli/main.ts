#!/usr/bin/env node
import type { CliContext } from './context.js';
import { runCli } from './run-cli.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// A reader that goes away (`biot-subs plan | head`) must not crash the run with a stack trace,
// least of all mid-apply: output is dropped from then on, and the apply finishes and records.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

const ctx: CliContext = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
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
