import { parseCommandArgs, showHelp, stringFlag } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { DEFAULT_MANIFEST, loadManifestOrFail } from '../load-manifest-or-fail.js';
import { USAGE } from '../usage.js';

export async function runValidate(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const { values } = parseCommandArgs(
    argv,
    { file: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
    USAGE.validate,
    { min: 0, max: 0 },
  );
  if (values['help']) return showHelp(ctx, USAGE.validate);
  const file = stringFlag(values, 'file') ?? DEFAULT_MANIFEST;
  const manifest = await loadManifestOrFail(file, ctx.env);
  const count = manifest.subscriptions.length;
  ctx.stdout.write(`${file}: valid (${count} subscription${count === 1 ? '' : 's'})\n`);
  return 0;
}
