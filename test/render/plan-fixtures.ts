import type { Operation, Plan } from '../../src/plan/types.js';
import { type SubscriptionRef } from '../../src/subscription.js';
import { sha256Hex } from '../../src/sha256.js';

export function ref(entityTypeName: string, actionName: string, endpoint: string): SubscriptionRef {
  return { entityTypeName, actionName, endpoint, endpointSha256: sha256Hex(`${entityTypeName} ${actionName} ${endpoint}`) };
}

type Subscribe = Extract<Operation, { kind: 'subscribe' }>;
type Unsubscribe = Extract<Operation, { kind: 'unsubscribe' }>;

/** A plan with consistent summary counts, from its three lists. */
export function makePlan(parts: {
  subscribes?: Subscribe[];
  unsubscribes?: Unsubscribe[];
  unchanged?: SubscriptionRef[];
  refusal?: Plan['refusal'];
  target?: string | null;
  serial?: number | null;
}): Plan {
  const subscribes = parts.subscribes ?? [];
  const unsubscribes = parts.unsubscribes ?? [];
  const unchanged = parts.unchanged ?? [];
  const ops: Operation[] = [...subscribes, ...unsubscribes];
  return {
    version: 1,
    lineage: parts.serial === null ? null : '3f0c7a52-8d7e-4b0e-9a59-1c2d3e4f5a6b',
    serial: parts.serial === undefined ? 7 : parts.serial,
    target: parts.target === undefined ? 'https://api.dev.example.com' : parts.target,
    manifestSha256: sha256Hex('manifest'),
    resync: subscribes.some((op) => op.reason === 'resync'),
    maxDeletePercent: 25,
    subscribes,
    unsubscribes,
    unchanged,
    refusal: parts.refusal ?? null,
    summary: {
      subscribe: subscribes.length,
      unsubscribe: unsubscribes.length,
      unchanged: unchanged.length,
      resync: ops.filter((op) => op.reason === 'resync').length,
      uncertain: ops.filter((op) => op.reason === 'uncertain').length,
      blocked: unsubscribes.filter((op) => op.blocked).length,
    },
  };
}

/** Subscribes, a resync and an uncertain one, a plain and a blocked unsubscribe, two unchanged. */
export function samplePlan(): Plan {
  return makePlan({
    subscribes: [
      { kind: 'subscribe', ref: ref('command', '_create', 'https://fn.azurewebsites.net/api/cmd?code=${HOOK_KEY}'), reason: 'new' },
      { kind: 'subscribe', ref: ref('device', '_create', '${PLUGIN_BASE_URL}/device'), reason: 'resync' },
      { kind: 'subscribe', ref: ref('patient', '_update', 'https://hooks.example.com/biot/patient?code=abc123&v=2'), reason: 'uncertain' },
    ],
    unsubscribes: [
      { kind: 'unsubscribe', ref: ref('patient', '_delete', 'https://user:hunter2@hooks.example.com/old'), reason: 'removed' },
      {
        kind: 'unsubscribe',
        ref: ref('device', '_delete', '${OLD_BASE}/device'),
        reason: 'removed',
        blocked: { variables: ['OLD_BASE'], message: "cannot unsubscribe: ${OLD_BASE} is not set" },
      },
    ],
    unchanged: [
      ref('patient', '_create', 'https://hooks.example.com/biot/patient'),
      ref('patient', '_delete', 'https://hooks.example.com/biot/patient'),
    ],
  });
}

export const REFUSAL: NonNullable<Plan['refusal']> = {
  reason:
    'the plan would unsubscribe 6 of 8 applied subscriptions (75%), more than --max-delete-percent 25%; if that is intended, run again with --allow-mass-delete',
  unsubscribes: 6,
  applied: 8,
  maxDeletePercent: 25,
};
