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
