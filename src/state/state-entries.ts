import type { SubscriptionRef } from '../subscription.js';
import { compareRefs, subscriptionKey } from '../subscription.js';
import type { JournalResult, State, StateEntry, StateOperation } from './types.js';

/*
 * Pure edits of a state's entries, by identity (entity, action, endpoint sha256). Every function
 * returns a new state with entries in canonical form and sorted; none touches the serial (the
 * write decides it).
 */

/**
 * Only the four fields of a ref: callers may hand in richer objects (one carrying a resolved
 * URL, say, which holds secrets and must never reach the state or the journal).
 */
export function pickRef(ref: SubscriptionRef): SubscriptionRef {
  return {
    entityTypeName: ref.entityTypeName,
    actionName: ref.actionName,
    endpoint: ref.endpoint,
    endpointSha256: ref.endpointSha256,
  };
}

/** An entry with its keys in file order and `uncertain` only when true. */
export function canonicalEntry(entry: StateEntry): StateEntry {
  const out: StateEntry = { ...pickRef(entry), appliedAt: entry.appliedAt };
  if (entry.uncertain === true) out.uncertain = true;
  return out;
}

function withEntries(state: State, entries: Iterable<StateEntry>): State {
  return { ...state, subscriptions: [...entries].map(canonicalEntry).sort(compareRefs) };
}

/** Entries keyed by identity: the form batch edits (journal folding) work on. */
export function entryMap(state: State): Map<string, StateEntry> {
  return new Map(state.subscriptions.map((entry) => [subscriptionKey(entry), entry]));
}

/** The state with exactly the entries of `entries`. */
export function fromEntryMap(state: State, entries: Map<string, StateEntry>): State {
  return withEntries(state, entries.values());
}

/** Entries of an entity's action, or the one with that identity when the hash is given. */
export function findEntries(
  state: State,
  entityTypeName: string,
  actionName: string,
  endpointSha256?: string,
): StateEntry[] {
  return state.subscriptions.filter(
    (entry) =>
      entry.entityTypeName === entityTypeName &&
      entry.actionName === actionName &&
      (endpointSha256 === undefined || entry.endpointSha256 === endpointSha256),
  );
}

/** Sets `entry`, replacing any entry with the same identity. */
export function setEntry(state: State, entry: StateEntry): State {
  const entries = entryMap(state);
  entries.set(subscriptionKey(entry), entry);
  return fromEntryMap(state, entries);
}

/** Adopts a subscription that exists in BioT without making a call (`state import`). */
export function importEntry(state: State, ref: SubscriptionRef, at: string): State {
  return setEntry(state, { ...pickRef(ref), appliedAt: at });
}

/** Forgets the entry with this identity (`subscriptionKey`); unchanged when there is none. */
export function removeEntry(state: State, key: string): State {
  const entries = entryMap(state);
  if (!entries.delete(key)) return state;
  return fromEntryMap(state, entries);
}

/**
 * The effect of one call on the entries, shared by the executor and journal recovery so both
 * reach the same state. `result` null: no outcome is known (the run stopped mid-call).
 * - ok: subscribe → entry present, certain, appliedAt = outcome time; unsubscribe → removed.
 * - failed: nothing changed, so the entry stays as it was (uncertain flag included).
 * - unknown / null: BioT may hold the triple or not → entry present and uncertain, keeping the
 *   existing appliedAt (or the call's time for a new one).
 * Applying the same calls again gives the same entries (recovery may run twice).
 */
export function applyToEntries(
  entries: Map<string, StateEntry>,
  operation: StateOperation,
  result: JournalResult | null,
  intentAt: string,
  outcomeAt: string,
): void {
  const key = subscriptionKey(operation.ref);
  if (result === 'failed') return;
  if (result === 'ok') {
    if (operation.kind === 'subscribe') entries.set(key, { ...pickRef(operation.ref), appliedAt: outcomeAt });
    else entries.delete(key);
    return;
  }
  const appliedAt = entries.get(key)?.appliedAt ?? intentAt;
  entries.set(key, { ...pickRef(operation.ref), appliedAt, uncertain: true });
}

/** `applyToEntries` on a whole state, for the executor after each outcome. */
export function recordOutcome(
  state: State,
  operation: StateOperation,
  result: JournalResult | null,
  intentAt: string,
  outcomeAt: string = intentAt,
): State {
  const entries = entryMap(state);
  applyToEntries(entries, operation, result, intentAt, outcomeAt);
  return fromEntryMap(state, entries);
}
