import type { SubscriptionRef } from '../subscription.js';

export interface StateEntry extends SubscriptionRef {
  /** ISO time of the call that last made BioT hold it. */
  appliedAt: string;
  /** The last call's outcome is unknown: the next plan re-asserts this entry either way. */
  uncertain?: true;
}

export interface State {
  version: 1;
  /** Fixed at creation: a uuid. */
  lineage: string;
  /** Grows by one on every write that changes content. */
  serial: number;
  /** The BioT base URL this state belongs to; null until the first apply binds it. */
  target: string | null;
  /** Sorted with compareRefs. */
  subscriptions: StateEntry[];
}

/** One call the executor makes, as the journal and the state record it. */
export interface StateOperation {
  kind: 'subscribe' | 'unsubscribe';
  ref: SubscriptionRef;
}

/**
 * How a call ended, as far as the state is concerned.
 * - ok: BioT now holds (subscribe) / no longer holds (unsubscribe) the triple; includes the
 *   "already subscribed" / "not subscribed" answers.
 * - failed: refused for certain; nothing changed.
 * - unknown: it may or may not have happened.
 */
export type JournalResult = 'ok' | 'failed' | 'unknown';

/** What recovering a journal left behind, for the run to report. */
export interface RecoverySummary {
  journalFile: string;
  /** When the interrupted run opened the journal; null when not even its header was written. */
  startedAt: string | null;
  /** Calls the journal announced. */
  operations: number;
  ok: number;
  failed: number;
  /** Calls whose outcome was recorded as unknown. */
  unknown: number;
  /** Calls with no recorded outcome: the run stopped while they were in flight. */
  interrupted: number;
  /** Entries this recovery left marked uncertain (the next plan re-asserts them). */
  uncertain: SubscriptionRef[];
  /** The journal ended in a partial line (a crash mid-write); it was ignored. */
  tornTail: boolean;
  /** There was no state file: it was rebuilt from the journal. */
  createdState: boolean;
}
