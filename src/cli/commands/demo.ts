import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/emulator.js';
import { parseCommandArgs, showHelp, stringFlag } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { DEFAULT_MANIFEST } from '../../manifest/default-manifest.js';
import { USAGE } from '../usage.js';

/**
 * The main job end to end with no BioT account: an in-process emulator, a throw-away state,
 * a plan, an apply, a second run that finds nothing to do, then what the emulator holds.
 */
export async function runDemo(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const { values } = parseCommandArgs(
    argv,
    { file: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
    USAGE.demo,
    { min: 0, max: 0 },
  );
  if (values['help']) return showHelp(ctx, USAGE.demo);
  const file = stringFlag(values, 'file') ?? DEFAULT_MANIFEST;
  // Imported here so the demo reuses the real commands, flags and checks.
  const [{ runCli }, { ALL_COMMANDS }] = await Promise.all([import('../run-cli.js'), import('../command-table.js')]);
  const emulator = await startEmulator();
  const folder = await mkdtemp(join(tmpdir(), 'biot-subs-demo-'));
  const state = join(folder, 'demo.state.json');
  const demoCtx: CliContext = {
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    // Not read here: the process creates stdin only when a command asks for it.
    get stdin() {
      return ctx.stdin;
    },
    onInterrupt: (handler) => ctx.onInterrupt(handler),
    env: {
      ...withoutBiotCredentials(ctx.env),
      BIOT_BASE_URL: emulator.url,
      BIOT_SERVICE_USER_ID: 'demo',
      BIOT_SERVICE_USER_SECRET_KEY: 'demo-secret',
    },
  };
  const say = (text: string): void => {
    ctx.stdout.write(`\n== ${text}\n\n`);
  };
  try {
    say(`BioT emulator at ${emulator.url}; state in ${state}`);
    say(`biot-subs plan -f ${file}`);
    const planned = await runCli(['plan', '-f', file, '--state', state], demoCtx, ALL_COMMANDS);
    if (planned !== 0) return planned;
    say(`biot-subs reconcile -f ${file} --auto-approve`);
    const applied = await runCli(['reconcile', '-f', file, '--state', state, '--auto-approve'], demoCtx, ALL_COMMANDS);
    if (applied !== 0) return applied;
    say('biot-subs reconcile again: nothing to change, no call made');
    const again = await runCli(['reconcile', '-f', file, '--state', state, '--auto-approve'], demoCtx, ALL_COMMANDS);
    if (again !== 0) return again;
    const held = emulator.subscriptions();
    say(`the emulator now holds ${held.length} subscriptions`);
    for (const sub of held) ctx.stdout.write(`  ${sub.entityTypeName} ${sub.actionName}\n`);
    return 0;
  } finally {
    await emulator.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** The demo logs in as the emulator's demo service user, whatever the shell holds. */
function withoutBiotCredentials(env: CliContext['env']): CliContext['env'] {
  const copy = { ...env };
  for (const name of ['BIOT_TOKEN', 'BIOT_USERNAME', 'BIOT_PASSWORD', 'BIOT_SERVICE_USER_ID', 'BIOT_SERVICE_USER_SECRET_KEY']) {
    delete copy[name];
  }
  return copy;
}
