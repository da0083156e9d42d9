import { BiotSubsError, ManifestError, UsageError } from '../errors.js';
import { printable } from '../render/printable.js';
import { formatProblem, renderGithubAnnotations } from '../render/problems.js';
import type { CommandTable } from './command-table.js';
import type { CliContext, ExitCode } from './context.js';
import { USAGE, type CommandName } from './usage.js';
import { VERSION } from './version.js';

/** The only place that turns errors into messages and exit codes. */
export async function runCli(argv: readonly string[], ctx: CliContext, commands: CommandTable): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    ctx.stdout.write(`${USAGE.main}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command === '-v' || command === '--version') {
    ctx.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (!isCommand(command)) {
    ctx.stderr.write(`biot-subs: unknown command '${command}'\n\n${USAGE.main}\n`);
    return 1;
  }
  try {
    const load = commands[command];
    // The bin runs each command with a bundle that holds it.
    if (!load) throw new Error(`the command '${command}' is not in this build of the CLI`);
    const run = await load();
    return await run(rest, ctx);
  } catch (error) {
    reportError(error, ctx);
    return 1;
  }
}

/**
 * Messages quote what files and arguments hold (a state or lock from a pull request, a flag):
 * they are printed with control characters escaped, so none can steer a terminal or start a
 * GitHub workflow command on a line of its own.
 */
export function reportError(error: unknown, ctx: CliContext): void {
  if (error instanceof ManifestError) {
    for (const problem of error.problems) ctx.stderr.write(`${formatProblem(problem)}\n`);
    if (ctx.env['GITHUB_ACTIONS'] === 'true') ctx.stdout.write(renderGithubAnnotations(error.problems));
    ctx.stderr.write(`biot-subs: ${error.message}\n`);
    return;
  }
  if (error instanceof UsageError) {
    ctx.stderr.write(`biot-subs: ${printable(error.message)}\n${error.usage ? `\n${error.usage}\n` : ''}`);
    return;
  }
  if (error instanceof BiotSubsError) {
    ctx.stderr.write(`biot-subs: error: ${printable(error.message)}\n`);
    return;
  }
  // Not a condition a user caused: say so without a stack trace (set BIOT_SUBS_DEBUG=1 for it).
  const detail = error instanceof Error ? error.message : String(error);
  ctx.stderr.write(`biot-subs: internal error: ${printable(detail)}\n`);
  if (ctx.env['BIOT_SUBS_DEBUG'] && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
}

function isCommand(name: string): name is CommandName {
  return name !== 'main' && Object.hasOwn(USAGE, name);
}
