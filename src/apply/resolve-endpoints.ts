import type { Environment, Manifest } from '../manifest/types.js';
import { resolveTemplate } from '../manifest/variables.js';
import type { Plan } from '../plan/types.js';
import { subscriptionKey } from '../subscription.js';
import { sha256Hex } from '../sha256.js';

/**
 * The URL each operation sends, by subscription key: subscribes from the manifest, unsubscribes
 * by resolving the state's template with today's variables (the planner has already blocked
 * those that no longer hash to what was applied). The map holds secrets: keep it in memory.
 */
export function resolveEndpoints(plan: Plan, manifest: Manifest, env: Environment): Map<string, string> {
  const endpoints = new Map<string, string>();
  const wanted = new Set(plan.subscribes.map((op) => subscriptionKey(op.ref)));
  // Only triples the manifest asks for get a URL, even from a saved plan that names its hashes.
  const { resolvedEndpoints } = manifest;
  for (const desired of manifest.subscriptions) {
    const key = subscriptionKey(desired);
    const resolved = resolvedEndpoints.get(desired.endpointSha256);
    if (resolved !== undefined && wanted.has(key)) endpoints.set(key, resolved);
  }
  for (const op of plan.unsubscribes) {
    if (op.blocked) continue;
    const resolved = resolveTemplate(op.ref.endpoint, env);
    if (resolved.ok && sha256Hex(resolved.value) === op.ref.endpointSha256) {
      endpoints.set(subscriptionKey(op.ref), resolved.value);
    }
  }
  return endpoints;
}
