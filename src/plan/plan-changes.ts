import type { Environment } from '../manifest/types.js';
import { resolveTemplate } from '../manifest/variables.js';
import { pickRef } from '../state/state-entries.js';
import type { State, StateEntry } from '../state/types.js';
import { subscriptionKey, type SubscriptionRef } from '../subscription.js';
import { sha256Hex } from '../sha256.js';
import { checkMassDelete } from './mass-delete.js';
import { refOrder, sortByRef } from './sort-refs.js';
import type { Operation, Plan } from './types.js';

type Subscribe = Extract<Operation, { kind: 'subscribe' }>;
type Unsubscribe = Extract<Operation, { kind: 'unsubscribe' }>;

export interface PlanInput {
  /**
   * What the manifest asks for (Manifest.subscriptions). These refs go into the plan as they
   * are, not copied: give refs with no other field (a resolved URL would travel with the plan).
   */
  desired: readonly SubscriptionRef[];
  state: State | null;
  manifestSha256: string;
  /** Today's variables: an unsubscribe resolves the state's template with them. */
  env: Environment;
  /** The BioT base URL given for this run, if any; the state's own target wins when bound. */
  target: string | null;
  resync: boolean;
  maxDeletePercent: number;
  allowMassDelete: boolean;
}

/**
 * The pure diff: desired − applied to subscribe, applied − desired to unsubscribe, identity by
 * (entity, action, sha256 of the resolved endpoint). Uncertain entries are re-asserted in the
 * direction the manifest now wants. No I/O, no clock, no randomness.
 */
export function planChanges(input: PlanInput): Plan {
  const applied = new Map<string, StateEntry>();
  for (const entry of input.state?.subscriptions ?? []) applied.set(subscriptionKey(entry), entry);
  // Applied entries the manifest still wants; with nothing applied, no key is worth building.
  const kept = new Set<string>();

  const subscribes: Subscribe[] = [];
  const unchanged: SubscriptionRef[] = [];
  // Counted here for the summary rather than by filtering 100k subscribes afterwards.
  let resyncs = 0;
  let uncertainSubscribes = 0;
  // Taken in sorted order, so subscribes and unchanged come out sorted: sorting 100k
  // operations afterwards cost another copy and pass over them.
  const { desired } = input;
  const order = refOrder(desired, itself);
  for (let k = 0; k < order.length; k++) {
    const ref = desired[order[k] ?? 0] as SubscriptionRef;
    let have: StateEntry | undefined;
    if (applied.size > 0) {
      const key = subscriptionKey(ref);
      have = applied.get(key);
      if (have) kept.add(key);
    }
    if (!have) subscribes.push({ kind: 'subscribe', ref, reason: 'new' });
    else if (have.uncertain) {
      subscribes.push({ kind: 'subscribe', ref, reason: 'uncertain' });
      uncertainSubscribes++;
    } else if (input.resync) {
      subscribes.push({ kind: 'subscribe', ref, reason: 'resync' });
      resyncs++;
    } else unchanged.push(ref);
  }

  const unsubscribes: Unsubscribe[] = [];
  for (const [key, entry] of applied) {
    if (kept.has(key)) continue;
    const op: Unsubscribe = {
      kind: 'unsubscribe',
      ref: pickRef(entry),
      reason: entry.uncertain ? 'uncertain' : 'removed',
    };
    const blocked = checkResolvable(entry, input.env);
    if (blocked) op.blocked = blocked;
    unsubscribes.push(op);
  }

  sortByRef(unsubscribes, refOfOperation);

  const appliedCount = applied.size;
  const refusal = input.allowMassDelete
    ? null
    : checkMassDelete({
        applied: appliedCount,
        // Blocked unsubscribes are never sent: they delete nothing.
        unsubscribes: unsubscribes.filter((op) => !op.blocked).length,
        remaining: input.desired.length,
        maxDeletePercent: input.maxDeletePercent,
      });

  return {
    version: 1,
    lineage: input.state?.lineage ?? null,
    serial: input.state?.serial ?? null,
    target: input.state?.target ?? input.target,
    manifestSha256: input.manifestSha256,
    resync: input.resync,
    maxDeletePercent: input.maxDeletePercent,
    subscribes,
    unsubscribes,
    unchanged,
    refusal,
    summary: {
      subscribe: subscribes.length,
      unsubscribe: unsubscribes.length,
      unchanged: unchanged.length,
      resync: resyncs,
      uncertain: uncertainSubscribes + unsubscribes.filter((op) => op.reason === 'uncertain').length,
      blocked: unsubscribes.filter((op) => op.blocked).length,
    },
  };
}

/** True when the plan asks for any call. */
export function planHasChanges(plan: Plan): boolean {
  return plan.subscribes.length > 0 || plan.unsubscribes.length > 0;
}

// Functions of the module, not arrows made per call: V8's optimized refOrder keeps the function
// it was given, and a new one on each plan threw that code away.
function itself(ref: SubscriptionRef): SubscriptionRef {
  return ref;
}

function refOfOperation(op: Unsubscribe): SubscriptionRef {
  return op.ref;
}

/**
 * An unsubscribe must send the exact URL that was subscribed. The state keeps only the template
 * and the hash, so today's variables must reproduce it; when they do not, nothing is sent.
 */
function checkResolvable(entry: StateEntry, env: Environment): Unsubscribe['blocked'] {
  const resolved = resolveTemplate(entry.endpoint, env);
  if (!resolved.ok && resolved.syntaxError !== undefined) {
    return {
      variables: resolved.variables,
      message: `cannot unsubscribe: the recorded endpoint template is malformed (${resolved.syntaxError}); forget the entry with 'biot-subs state rm'`,
    };
  }
  if (!resolved.ok) {
    return {
      variables: resolved.missing,
      message: `cannot unsubscribe: ${listNames(resolved.missing)} ${resolved.missing.length === 1 ? 'is' : 'are'} not set or empty, so the endpoint that was subscribed cannot be rebuilt; set ${resolved.missing.length === 1 ? 'it' : 'them'} as when it was applied, or forget the entry with 'biot-subs state rm'`,
    };
  }
  if (sha256Hex(resolved.value) === entry.endpointSha256) return undefined;
  return {
    variables: resolved.variables,
    message:
      resolved.variables.length > 0
        ? `cannot unsubscribe: ${listNames(resolved.variables)} changed since this was applied, so the endpoint resolves to a different URL than was subscribed; set ${resolved.variables.length === 1 ? 'it' : 'them'} as when it was applied, or forget the entry with 'biot-subs state rm'`
        : `cannot unsubscribe: the endpoint does not match the hash recorded in the state (was the state edited by hand?); forget the entry with 'biot-subs state rm'`,
  };
}

function listNames(names: readonly string[]): string {
  return names.map((name) => `\${${name}}`).join(', ');
}
