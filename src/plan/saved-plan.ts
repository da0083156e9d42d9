import deepEqual from 'fast-deep-equal';
import { subscriptionKey } from '../subscription.js';
import type { Plan } from './types.js';

/**
 * Why a saved plan may no longer be applied, or null when the plan made now is the same one.
 * Lineage, serial, target and manifest hash are named separately so the message says what moved;
 * the operations are compared by identity, since a saved plan shows endpoints masked.
 */
export function savedPlanMismatch(saved: Plan, current: Plan): string | null {
  if (saved.lineage === null && current.lineage !== null)
    return 'the plan was made before any state existed, and a state has been written since (was it applied already?)';
  if (saved.lineage !== current.lineage) return 'the state file was replaced since the plan was saved (its lineage differs)';
  if (saved.serial !== current.serial)
    return `the state changed since the plan was saved (serial ${String(saved.serial)}, now ${String(current.serial)})`;
  // A plan made before anything was applied and without BIOT_BASE_URL is bound to no environment
  // (the lineages, both null, already say no state is involved): it is the same plan for any.
  const unbound = saved.target === null && saved.lineage === null;
  if (!unbound && saved.target !== current.target) return 'the plan was made for another BioT environment (target differs)';
  if (saved.manifestSha256 !== current.manifestSha256) return 'the manifest changed since the plan was saved';
  if (saved.resync !== current.resync) return 'the plan was saved with a different --resync setting';
  if (!deepEqual(operationIdentities(saved), operationIdentities(current)))
    return 'the plan made now differs from the saved one (a variable the endpoints use has changed)';
  return null;
}

function operationIdentities(plan: Plan): { kind: string; key: string; reason: string; blocked: boolean }[] {
  return [...plan.subscribes, ...plan.unsubscribes].map((op) => ({
    kind: op.kind,
    key: subscriptionKey(op.ref),
    reason: op.reason,
    blocked: op.kind === 'unsubscribe' && op.blocked !== undefined,
  }));
}
