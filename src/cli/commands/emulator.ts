import { describeEmulator, startEmulator } from '../../emulator/emulator.js';
import { BiotSubsError } from '../../errors.js';
import { numberFlag, parseCommandArgs, showHelp } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { USAGE } from '../usage.js';

const RATE = { min: 0, max: 1, integer: false };

export async function runEmulator(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const usage = USAGE.emulator;
  const { values } = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      'latency-ms': { type: 'string' },
      'fail-rate': { type: 'string' },
      'lost-rate': { type: 'string' },
      'rate-limit': { type: 'string' },
      'token-ttl': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    usage,
    { min: 0, max: 0 },
  );
  if (values['help']) return showHelp(ctx, usage);
  const rateLimit = numberFlag(values, 'rate-limit', 0, { min: 0, max: 1_000_000, integer: false }, usage);
  const port = numberFlag(values, 'port', 4010, { min: 0, max: 65535, integer: true }, usage);
  const options = {
    port,
    latencyMs: numberFlag(values, 'latency-ms', 0, { min: 0, max: 600_000, integer: true }, usage),
    failRate: numberFlag(values, 'fail-rate', 0, RATE, usage),
    lostResponseRate: numberFlag(values, 'lost-rate', 0, RATE, usage),
    ...(rateLimit > 0 ? { rateLimit } : {}),
    tokenTtlSeconds: numberFlag(values, 'token-ttl', 300, { min: 1, max: 86_400, integer: true }, usage),
    seed: numberFlag(values, 'seed', 1, { min: 0, max: 2 ** 31, integer: true }, usage),
  };
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    // A port in use (or not ours to take) is the user's to fix, not an internal error.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new BiotSubsError(`cannot listen on 127.0.0.1:${port} (${code}): choose another --port, or --port 0 for a free one`);
    }
    throw error;
  }
  ctx.stdout.write(`${describeEmulator(emulator)}\n`);
  await new Promise<void>((resolve) => {
    const off = ctx.onInterrupt(() => {
      off();
      resolve();
    });
  });
  await emulator.close();
  ctx.stderr.write('emulator stopped\n');
  return 0;
}
