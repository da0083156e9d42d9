import type { Plan } from '../plan/types.js';
import { foldJournal, StateJournal, type JournalRecord } from '../state/journal.js';
import { newState, writeState } from '../state/state-file.js';
import type { State } from '../state/types.js';
import { subscriptionKey } from '../subscription.js';
import { executePlan, type OperationRecorder, type SubscriptionCalls } from './execute-plan.js';
import type { ApplyReport, OperationResult } from './types.js';

export interface ApplyPlanOptions {
  plan: Plan;
  /** The state the plan was made from (journal already recovered); null for a first apply. */
  state: State | null;
  statePath: string;
  /** BioT base URL: binds a new state to its environment. */
  target: string;
  endpoints: ReadonlyMap<string, string>;
  calls: SubscriptionCalls;
  concurrency: number;
  stop: AbortSignal;
  cancel: AbortSignal;
  onResult?: (result: OperationResult, done: number, total: number) => void;
  /** Benchmarks only: measure the journal's cost by leaving it out. */
  withoutJournal?: boolean;
  now?: () => Date;
}

/**
 * Executes a plan with every call journaled, then writes the state the outcomes imply. The new
 * state is computed by the very fold that recovers a crashed run's journal, so a run that ends
 * and a run that is killed reach the same state. The journal is removed only after the state
 * holding its outcomes is on disk.
 */
export async function applyPlan(options: ApplyPlanOptions): Promise<{ report: ApplyReport; state: State }> {
  const now = options.now ?? (() => new Date());
  const base: State = options.state ? { ...options.state } : newState(options.target);
  if (base.target === null) base.target = options.target;

  const records: JournalRecord[] = [];
  const journal = options.withoutJournal ? null : await StateJournal.open(options.statePath, base, now().toISOString());
  let nextId = 1;
  const recorder: OperationRecorder = {
    async intent(operation) {
      const at = now().toISOString();
      const id = journal ? await journal.intent(operation, at) : nextId++;
      records.push({ type: 'intent', id, kind: operation.kind, ref: operation.ref, at });
      return id;
    },
    async outcome(id, result, at) {
      await journal?.outcome(id, result, at);
      records.push({ type: 'outcome', id, result, at });
    },
  };

  let report: ApplyReport;
  try {
    report = await executePlan({ ...options, recorder, now });
  } finally {
    await journal?.close();
  }
  const next = keepAppliedAt(base, foldJournal(base, records));
  const written = await writeState(options.statePath, next, options.state);
  await journal?.remove();
  return { report, state: written };
}

/**
 * Entries that were applied for certain before the run and still are keep their appliedAt: a
 * --resync that only confirms them must not rewrite every line of a state file git tracks.
 */
function keepAppliedAt(before: State, after: State): State {
  const earlier = new Map(before.subscriptions.filter((e) => !e.uncertain).map((e) => [subscriptionKey(e), e.appliedAt]));
  return {
    ...after,
    subscriptions: after.subscriptions.map((entry) => {
      const appliedAt = entry.uncertain ? undefined : earlier.get(subscriptionKey(entry));
      return appliedAt === undefined ? entry : { ...entry, appliedAt };
    }),
  };
}
