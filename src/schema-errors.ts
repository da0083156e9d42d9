/**
 * Schema failures of files biot-subs reads (the state, a saved plan) in a few plain words. The
 * validators are precompiled ajv code (scripts/build-schema-validators.mjs); this is the part
 * of their errors we read.
 */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

const MAX_LISTED = 5;
const MAX_NAME_SHOWN = 60;

/**
 * At most five problems, `;`-separated. `anyOfWants` says once, per path, what an anyOf wants
 * instead of one error per alternative.
 */
export function describeSchemaErrors(all: readonly SchemaError[], anyOfWants: Readonly<Record<string, string>> = {}): string {
  const anyOfPaths = new Set(all.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const errors = all.filter((e) => e.keyword === 'anyOf' || !anyOfPaths.has(e.instancePath));
  const lines = errors.slice(0, MAX_LISTED).map((error) => describeError(error, anyOfWants));
  if (errors.length > MAX_LISTED) lines.push(`and ${errors.length - MAX_LISTED} more`);
  return lines.join('; ');
}

function describeError(error: SchemaError, anyOfWants: Readonly<Record<string, string>>): string {
  const where = error.instancePath === '' ? 'the top level' : error.instancePath;
  const extra = error.params['additionalProperty'];
  if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
    // Quoted as JSON (control characters escaped) and cut short: the name comes from the file.
    const name = extra.length > MAX_NAME_SHOWN ? `${extra.slice(0, MAX_NAME_SHOWN)}…` : extra;
    return `${where}: unknown property ${JSON.stringify(name)}`;
  }
  const allowed = error.params['allowedValue'];
  if (error.keyword === 'const') return `${where}: must be ${JSON.stringify(allowed)}`;
  if (error.keyword === 'anyOf') return `${where}: ${anyOfWants[error.instancePath] ?? 'matches none of the allowed forms'}`;
  return `${where}: ${error.message ?? error.keyword}`;
}
