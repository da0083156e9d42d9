import type { MassDeleteRefusal } from './types.js';

/** Below this many applied subscriptions the percentage rule does not apply. */
const PERCENT_RULE_MIN_APPLIED = 5;

export interface MassDeleteInput {
  applied: number;
  unsubscribes: number;
  /** Subscriptions left after the plan: the desired count. */
  remaining: number;
  maxDeletePercent: number;
}

/**
 * A plan that would unsubscribe more than maxDeletePercent of more than 4 applied subscriptions,
 * or empty a non-empty state, is refused unless --allow-mass-delete: a truncated or wrong
 * manifest must not silently cut a medical system off its notifications.
 */
export function checkMassDelete(input: MassDeleteInput): MassDeleteRefusal | null {
  const { applied, unsubscribes, remaining, maxDeletePercent } = input;
  if (applied === 0 || unsubscribes === 0) return null;
  const base = { unsubscribes, applied, maxDeletePercent };
  if (remaining === 0) {
    return {
      ...base,
      reason: `the plan would unsubscribe all ${applied} applied subscriptions and leave none; if that is intended, run again with --allow-mass-delete`,
    };
  }
  const percent = (unsubscribes / applied) * 100;
  if (applied >= PERCENT_RULE_MIN_APPLIED && percent > maxDeletePercent) {
    return {
      ...base,
      reason: `the plan would unsubscribe ${unsubscribes} of ${applied} applied subscriptions (${formatPercent(percent)}%), more than --max-delete-percent ${maxDeletePercent}%; if that is intended, run again with --allow-mass-delete`,
    };
  }
  return null;
}

function formatPercent(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
