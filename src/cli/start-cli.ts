/**
 * The CLI process: output to the process's descriptors, signals, and the exit code runCli
 * returns. Each bundle's entry (main.ts, main-light.ts) starts it with its commands.
 */
import type { CommandTable } from './command-table.js';
import type { CliContext, OutputStream } from './context.js';
import { FdOutput, processStream } from './fd-output.js';
import { runCli } from './run-cli.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs the command of process.argv with `commands`, then sets the exit code. */
export function startCli(commands: CommandTable): void {
  // Output that cannot be written (`> /dev/full`, a disk full) is one error and exit code 1 once
  // the command is done, not a crash: an apply must still finish and record.
  let outputFailed = false;
  const failed = (name: string) => (code: string): void => {
    if (!outputFailed) {
      outputFailed = true;
      ctx.stderr.write(`biot-subs: error: cannot write to ${name} (${code}); its output is incomplete\n`);
    }
    process.exitCode = 1;
  };

  // Windows: its console takes text through the process streams (the descriptor would get bytes
  // in the console's code page).
  const output = (fd: 1 | 2, name: string, stream: () => NodeJS.WriteStream): OutputStream => {
    const onFailure = failed(name);
    return process.platform === 'win32'
      ? processStream(stream(), onFailure)
      : new FdOutput(fd, () => processStream(stream(), onFailure), onFailure);
  };

  // Process streams are created on first use only: creating stdin costs ~3 ms, stdout on a pipe
  // ~4 ms, which is much of what `validate` costs in all.
  const ctx: CliContext = {
    stdout: output(1, 'stdout', () => process.stdout),
    stderr: output(2, 'stderr', () => process.stderr),
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
  void runCli(process.argv.slice(2), ctx, commands).then((code) => {
    process.exitCode = outputFailed ? 1 : code;
  });
}
