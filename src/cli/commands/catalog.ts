import { CATALOG } from '../../catalog/catalog.js';
import { choiceFlag, parseCommandArgs, showHelp } from '../args.js';
import type { CliContext, ExitCode } from '../context.js';
import { USAGE } from '../usage.js';

export async function runCatalog(argv: readonly string[], ctx: CliContext): Promise<ExitCode> {
  const { values } = parseCommandArgs(
    argv,
    { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    USAGE.catalog,
    { min: 0, max: 0 },
  );
  if (values['help']) return showHelp(ctx, USAGE.catalog);
  const format = choiceFlag(values, 'format', ['text', 'json'] as const, 'text', USAGE.catalog);
  const entries = [...CATALOG.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (format === 'json') {
    const body = Object.fromEntries(entries.map(([entity, actions]) => [entity, [...actions]]));
    ctx.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...entries.map(([entity]) => entity.length));
  for (const [entity, actions] of entries) ctx.stdout.write(`${entity.padEnd(width)}  ${actions.join(' ')}\n`);
  return 0;
}
