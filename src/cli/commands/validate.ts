import { ManifestError } from '../../errors.js';
import { checkManifestFile } from '../../manifest/check-manifest.js';
import { DEFAULT_MANIFEST } from '../../manifest/default-manifest.js';
import { parseCommandArgs, showHelp, stringFlag } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { USAGE } from '../usage.js';

/** Checks the manifest as plan would, without identifying (hashing) its subscriptions. */
export async function runValidate(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const { values } = parseCommandArgs(
    argv,
    { file: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
    USAGE.validate,
    { min: 0, max: 0 },
  );
  if (values['help']) return showHelp(ctx, USAGE.validate);
  const file = stringFlag(values, 'file') ?? DEFAULT_MANIFEST;
  const result = await checkManifestFile(file, ctx.env);
  if (!result.ok) throw new ManifestError(result.problems);
  const count = result.subscriptionCount;
  ctx.stdout.write(`${file}: valid (${count} subscription${count === 1 ? '' : 's'})\n`);
  return 0;
}
