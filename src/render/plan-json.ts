/**
 * The plan as JSON (schema/plan.schema.json): `plan --format json` prints it and `plan --out`
 * saves it. Endpoints are masked here too; `reconcile --plan` maps operations back to the real
 * templates by identity (entity, action, endpointSha256), so the file needs no secret.
 */
import { RefusedError } from '../errors.js';
import { describeSchemaErrors, type SchemaValidator } from '../schema-errors.js';
import type { Plan } from '../plan/types.js';
import type { SubscriptionRef } from '../subscription.js';
import { maskEndpoint } from './mask-endpoint.js';
import { memoized } from './memoized.js';
import { validate as validateGenerated } from './plan-schema.validator.js';
import { printable } from './printable.js';

// Precompiled from schema/plan.schema.json by scripts/build-schema-validators.mjs: no ajv at run time.
const validatePlan = validateGenerated as unknown as SchemaValidator;

export const PLAN_VERSION = 1;

export function renderPlanJson(plan: Plan): string {
  // Each ref is rebuilt from its four fields: whatever else a caller's object holds stays out.
  // Endpoints repeat across a plan's operations: each is masked once.
  const mask = memoized(maskEndpoint);
  const maskRef = (ref: SubscriptionRef): SubscriptionRef => ({
    entityTypeName: ref.entityTypeName,
    actionName: ref.actionName,
    endpoint: mask(ref.endpoint),
    endpointSha256: ref.endpointSha256,
  });
  const output: Plan = {
    ...plan,
    subscribes: plan.subscribes.map((op) => ({ ...op, ref: maskRef(op.ref) })),
    unsubscribes: plan.unsubscribes.map((op) => ({ ...op, ref: maskRef(op.ref) })),
    unchanged: plan.unchanged.map(maskRef),
  };
  // C1 and bidi characters as \u escapes: the same JSON, but nothing that steers a terminal or log.
  return `${printable(JSON.stringify(output, null, 2), { keepNewlines: true })}\n`;
}

/**
 * Reads a plan saved by `plan --out`, or throws a RefusedError naming `file` and what is wrong:
 * nothing is applied from a file that is not exactly a plan this build writes.
 */
export function parseSavedPlan(text: string, file: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RefusedError(`${file}: not a saved plan: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RefusedError(`${file}: not a saved plan (expected a JSON object)`);
  }
  const record = value as Record<string, unknown>;
  // A state file or another JSON file given by mistake gets a plainer message than schema errors.
  if (!('manifestSha256' in record) && !('subscribes' in record)) {
    throw new RefusedError(`${file}: not a saved plan (write one with 'biot-subs plan --out ${file}')`);
  }
  if (record['version'] !== PLAN_VERSION && typeof record['version'] === 'number') {
    throw new RefusedError(
      `${file}: plan version ${record['version']} is not supported by this biot-subs (expects ${PLAN_VERSION}); make the plan again with this version`,
    );
  }
  if (!validatePlan(value)) {
    throw new RefusedError(`${file}: not a valid saved plan: ${describeSchemaErrors(validatePlan.errors ?? [])}`);
  }
  const plan = value as Plan;
  const mismatch = summaryMismatch(plan);
  if (mismatch) throw new RefusedError(`${file}: not a valid saved plan: ${mismatch}`);
  return plan;
}

/** The schema cannot say that counts match the lists; a hand-edited plan may disagree. */
function summaryMismatch(plan: Plan): string | null {
  const counts: [string, number, number][] = [
    ['subscribe', plan.summary.subscribe, plan.subscribes.length],
    ['unsubscribe', plan.summary.unsubscribe, plan.unsubscribes.length],
    ['unchanged', plan.summary.unchanged, plan.unchanged.length],
  ];
  for (const [name, said, listed] of counts) {
    if (said !== listed) return `/summary/${name} is ${said} but ${listed} are listed`;
  }
  return null;
}
