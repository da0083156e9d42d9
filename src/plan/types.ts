import type { SubscriptionRef } from '../subscription.js';

export type SubscribeReason = 'new' | 'uncertain' | 'resync';
export type UnsubscribeReason = 'removed' | 'uncertain';

export type Operation =
  | { kind: 'subscribe'; ref: SubscriptionRef; reason: SubscribeReason }
  | {
      kind: 'unsubscribe';
      ref: SubscriptionRef;
      reason: UnsubscribeReason;
      /**
       * Set when the state's template no longer resolves to the hash it was applied with (a
       * variable changed or is unset): the call cannot be made and the operation fails.
       */
      blocked?: { variables: string[]; message: string };
    };

/** Why an apply of this plan is refused unless --allow-mass-delete is given. */
export interface MassDeleteRefusal {
  reason: string;
  unsubscribes: number;
  applied: number;
  maxDeletePercent: number;
}

export interface PlanSummary {
  subscribe: number;
  unsubscribe: number;
  unchanged: number;
  /** Of the subscribes, how many re-assert an unchanged triple (--resync) or an uncertain one. */
  resync: number;
  uncertain: number;
  blocked: number;
}

export interface Plan {
  version: 1;
  /** State the plan was made from: a saved plan is refused when either changed since. */
  lineage: string | null;
  serial: number | null;
  /** BioT base URL the state is bound to (or the one given, for a new state). */
  target: string | null;
  manifestSha256: string;
  /** Made with --resync: every desired triple is subscribed again. */
  resync: boolean;
  /** The --max-delete-percent the plan was checked against; a saved plan is applied with it. */
  maxDeletePercent: number;
  /** Make before break: every subscribe runs before any unsubscribe. Both sorted. */
  subscribes: Extract<Operation, { kind: 'subscribe' }>[];
  unsubscribes: Extract<Operation, { kind: 'unsubscribe' }>[];
  unchanged: SubscriptionRef[];
  refusal: MassDeleteRefusal | null;
  summary: PlanSummary;
}
