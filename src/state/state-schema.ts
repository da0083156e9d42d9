import { StateError } from '../errors.js';
import { describeSchemaErrors, type SchemaValidator } from '../schema-errors.js';
import { subscriptionKey } from '../subscription.js';
import { validate as validateGenerated } from './state-schema.validator.js';
import type { State } from './types.js';

// Precompiled from schema/state.schema.json by scripts/build-schema-validators.mjs: no ajv at start-up.
const validateSchema = validateGenerated as unknown as SchemaValidator;

/** The format version this biot-subs reads and writes. */
export const STATE_VERSION = 1;

/**
 * Checks a parsed state file and returns it typed, or throws a StateError naming `file` and
 * what is wrong: not a state file at all, a version this build does not know, a schema failure,
 * or two entries with the same identity.
 */
export function checkState(value: unknown, file: string): State {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StateError(`${file}: not a biot-subs state file (expected a JSON object)`, file);
  }
  const record = value as Record<string, unknown>;
  // A foreign JSON file (package.json, a plan …) deserves a plainer message than schema errors.
  if (!('lineage' in record) && !('subscriptions' in record)) {
    throw new StateError(`${file}: not a biot-subs state file (no "lineage" or "subscriptions")`, file);
  }
  if (typeof record['version'] === 'number' && record['version'] !== STATE_VERSION) {
    throw new StateError(
      `${file}: version ${record['version']} is not supported by this biot-subs (expects ${STATE_VERSION})`,
      file,
    );
  }
  if (!validateSchema(value)) {
    throw new StateError(`${file}: not a valid state file: ${describeSchemaErrors(validateSchema.errors ?? [], ANY_OF_WANTS)}`, file);
  }
  const state = value as State;
  assertUniqueIdentities(state, file);
  return state;
}

function assertUniqueIdentities(state: State, file: string): void {
  const seen = new Map<string, number>();
  state.subscriptions.forEach((entry, index) => {
    const key = subscriptionKey(entry);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new StateError(
        `${file}: subscriptions ${first} and ${index} are the same subscription ` +
          `(${entry.entityTypeName} ${entry.actionName}, endpoint sha256 ${entry.endpointSha256})`,
        file,
      );
    }
    seen.set(key, index);
  });
}

/** What an anyOf wants, said once instead of one error per alternative. */
const ANY_OF_WANTS: Record<string, string> = { '/target': 'must be an absolute http(s) URL or null' };
