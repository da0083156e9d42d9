import pLimit from 'p-limit';
import type { CallOutcome } from '../biot/types.js';
import { BiotSubsError } from '../errors.js';
import type { Operation, Plan } from '../plan/types.js';
import { subscriptionKey, type SubscriptionTriple } from '../subscription.js';
import { IntentLookahead } from './intent-lookahead.js';
import type { ApplyReport, OperationOutcome, OperationResult } from './types.js';

/** The skip reason of an operation an interrupt kept from starting. */
export const NOT_STARTED = 'interrupted before it started';

/** What the executor needs from the BioT client. */
export interface SubscriptionCalls {
  subscribe(triple: SubscriptionTriple, signal?: AbortSignal): Promise<CallOutcome>;
  unsubscribe(triple: SubscriptionTriple, signal?: AbortSignal): Promise<CallOutcome>;
}

/** The journal outcome for a call: 'ok' when BioT now matches the operation. */
export type JournalResult = 'ok' | 'failed' | 'unknown';

/** Where each call's intent and outcome are recorded before and after it is made. */
export interface OperationRecorder {
  intent(operation: Operation): Promise<number>;
  outcome(id: number, result: JournalResult, at: string): Promise<void>;
}

export interface ExecuteOptions {
  plan: Plan;
  /** Resolved endpoint per subscription key: the URL to send. Holds secrets. */
  endpoints: ReadonlyMap<string, string>;
  calls: SubscriptionCalls;
  recorder: OperationRecorder;
  concurrency: number;
  now: () => Date;
  /** Aborted on the first interrupt: no new call starts. */
  stop: AbortSignal;
  /** Aborted when calls in flight must be cut short; passed to the client. */
  cancel: AbortSignal;
  onResult?: (result: OperationResult, done: number, total: number) => void;
}

/**
 * Runs a plan: every subscribe first, then the unsubscribes only if every subscribe succeeded
 * (make before break: moving an event to a new endpoint never leaves a gap). One failure does
 * not stop the others. Every call is journaled before and after it is made.
 */
export async function executePlan(options: ExecuteOptions): Promise<ApplyReport> {
  const { plan, stop } = options;
  // A gap in the map is the caller's bug: found here, before any intent is journaled or call
  // made, not halfway through with calls in flight.
  const unsendable = operationWithoutEndpoint(plan, options.endpoints);
  if (unsendable) {
    throw new Error(`no resolved endpoint for ${unsendable.kind} ${unsendable.ref.entityTypeName} ${unsendable.ref.actionName}`);
  }
  const total = plan.subscribes.length + plan.unsubscribes.length;
  const results: OperationResult[] = [];
  const started = Date.now();
  const limit = pLimit(Math.max(1, options.concurrency));

  const finish = (operation: Operation, outcome: OperationOutcome): void => {
    const result = { operation, outcome };
    results.push(result);
    options.onResult?.(result, results.length, total);
  };

  const runPhase = (operations: readonly Operation[]): Promise<unknown> => {
    // A window of intents ahead of the calls in flight: each call's intent is durable before its turn.
    const intents = new IntentLookahead(operations, options.recorder, limit.concurrency);
    return Promise.all(operations.map((op, index) => limit(() => runOne(op, index, intents, options, finish))));
  };

  await runPhase(plan.subscribes);

  const subscribesSucceeded = results.every((r) => isSuccess(r.outcome));
  if (!subscribesSucceeded || stop.aborted) {
    const reason = stop.aborted
      ? NOT_STARTED
      : 'not attempted: a subscribe failed, and unsubscribes wait until every subscribe has succeeded so no event is left without its endpoint';
    for (const op of plan.unsubscribes) finish(op, { kind: 'skipped', reason });
  } else {
    await runPhase(plan.unsubscribes);
  }

  return { results, interrupted: stop.aborted, elapsedMs: Date.now() - started };
}

/** The first operation to send that `endpoints` has no URL for (a blocked unsubscribe is not sent). */
function operationWithoutEndpoint(plan: Plan, endpoints: ReadonlyMap<string, string>): Operation | undefined {
  const missing = (op: Operation): boolean => !endpoints.has(subscriptionKey(op.ref));
  return plan.subscribes.find(missing) ?? plan.unsubscribes.find((op) => !op.blocked && missing(op));
}

export function isSuccess(outcome: OperationOutcome): boolean {
  return outcome.kind === 'ok' || outcome.kind === 'converged';
}

async function runOne(
  op: Operation,
  index: number,
  intents: IntentLookahead,
  options: ExecuteOptions,
  finish: (op: Operation, outcome: OperationOutcome) => void,
): Promise<void> {
  if (options.stop.aborted) {
    await intents.skip(index, options.now().toISOString());
    finish(op, { kind: 'skipped', reason: NOT_STARTED });
    return;
  }
  if (op.kind === 'unsubscribe' && op.blocked) {
    finish(op, { kind: 'skipped', reason: op.blocked.message });
    return;
  }
  // Present: executePlan checked every operation that is sent before it started.
  const endpoint = options.endpoints.get(subscriptionKey(op.ref)) as string;
  const triple = { entityTypeName: op.ref.entityTypeName, actionName: op.ref.actionName, endpoint };
  const id = await intents.intent(index);
  const outcome = await call(op, triple, options);
  await options.recorder.outcome(id, journalResult(outcome), options.now().toISOString());
  finish(op, outcome);
}

async function call(op: Operation, triple: SubscriptionTriple, options: ExecuteOptions): Promise<CallOutcome> {
  try {
    return op.kind === 'subscribe'
      ? await options.calls.subscribe(triple, options.cancel)
      : await options.calls.unsubscribe(triple, options.cancel);
  } catch (error) {
    // The client reports BioT's answers as outcomes; a throw (login refused mid-run, a bug) leaves
    // the call's effect unknown, so the entry is kept as uncertain and re-asserted next run.
    const message = error instanceof BiotSubsError ? error.message : 'unexpected error in the BioT client';
    return { kind: 'failed', changed: 'unknown', error: { message } };
  }
}

function journalResult(outcome: CallOutcome): JournalResult {
  if (outcome.kind === 'failed') return outcome.changed === 'no' ? 'failed' : 'unknown';
  return 'ok';
}
