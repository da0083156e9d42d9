import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Strict parsing: an unknown flag or a missing value is a usage error, never ignored. */
export function parseCommandArgs(
  argv: readonly string[],
  options: OptionSpecs,
  usage: string,
  positionals: { min: number; max: number },
): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    // All of Node's lines: for `--retries -1` the first says only "ambiguous", the rest say why.
    const message = error instanceof Error ? error.message.split('\n').join(' ') : 'bad arguments';
    throw new UsageError(friendlyParseError(message.replace(/^TypeError \[[A-Z_]+\]: /, '')), usage);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['help'] === true) return { values, positionals: parsed.positionals };
  if (parsed.positionals.length < positionals.min || parsed.positionals.length > positionals.max) {
    const extra = parsed.positionals.slice(positionals.max).join(' ');
    throw new UsageError(
      parsed.positionals.length < positionals.min ? 'missing arguments' : `unexpected argument: ${extra}`,
      usage,
    );
  }
  return { values, positionals: parsed.positionals };
}

export function stringFlag(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function choiceFlag<T extends string>(
  values: ParsedArgs['values'],
  name: string,
  choices: readonly T[],
  fallback: T,
  usage: string,
): T {
  const value = stringFlag(values, name);
  if (value === undefined) return fallback;
  const match = choices.find((choice) => choice === value);
  if (!match) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${value}')`, usage);
  return match;
}

export interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
}

export function numberFlag(
  values: ParsedArgs['values'],
  name: string,
  fallback: number,
  rule: NumberRule,
  usage: string,
): number {
  const raw = stringFlag(values, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const kind = rule.integer ? 'a whole number' : 'a number';
  if (raw.trim() === '' || !Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) || value < rule.min || value > rule.max) {
    throw new UsageError(`--${name} must be ${kind} from ${rule.min} to ${rule.max} (got '${raw}')`, usage);
  }
  return value;
}

/** Node's wording, shortened where it only restates the flag; other messages pass through. */
function friendlyParseError(message: string): string {
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (unknown) return `unknown flag '${unknown[1] ?? ''}'`;
  return message;
}

/** `--help`: the command's usage on stdout, exit 0. */
export function showHelp(ctx: { stdout: { write(text: string): boolean } }, usage: string): 0 {
  ctx.stdout.write(`${usage}\n`);
  return 0;
}
