/** Types of the precompiled schema validator (subscriptions.validator.ts is generated, untyped). */
import type { ErrorObject } from 'ajv';

export interface ManifestSchemaValidator {
  (data: unknown): boolean;
  /** The last call's errors (all of them: compiled with allErrors), or null when it passed. */
  errors?: ErrorObject[] | null;
}

/** Property names the schema allows in each kind of mapping, for "did you mean" on unknown keys. */
export interface SchemaKeys {
  root: readonly string[];
  policy: readonly string[];
  subscription: readonly string[];
}
