import { Readable } from 'node:stream';
import { ALL_COMMANDS, type CommandTable } from '../../src/cli/command-table.js';
import type { CliContext } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/run-cli.js';

/** A run of runCli in this process, with its output kept. */
export interface InProcessRun {
  code: number | undefined;
  stdout: string;
  stderr: string;
  /** An exception that escaped runCli: always a failure. */
  thrown: unknown;
}

/**
 * runCli in this process, with output to strings, no input and no signals: for cases where a
 * spawn of the built CLI per case would be too slow (fuzzing), or for a command table of its own.
 */
export async function runInProcess(
  argv: readonly string[],
  env: Record<string, string>,
  commands: CommandTable = ALL_COMMANDS,
): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (text: string) => ((stdout += text), true), isTTY: false },
    stderr: { write: (text: string) => ((stderr += text), true), isTTY: false },
    stdin: Object.assign(Readable.from([]), { isTTY: false }),
    env,
    onInterrupt: () => () => undefined,
  };
  try {
    const code = await runCli(argv, ctx, commands);
    return { code, stdout, stderr, thrown: undefined };
  } catch (error) {
    return { code: undefined, stdout, stderr, thrown: error };
  }
}
