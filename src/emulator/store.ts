import type { SubscriptionTriple } from '../subscription.js';

/** The subscriptions the emulated BioT holds, keyed by the exact triple as BioT would. */
export class SubscriptionStore {
  readonly #held = new Map<string, SubscriptionTriple>();

  /** True when added, false when it was already held. */
  add(triple: SubscriptionTriple): boolean {
    const key = keyOf(triple);
    if (this.#held.has(key)) return false;
    this.#held.set(key, { ...triple });
    return true;
  }

  /** True when removed, false when it was not held. */
  remove(triple: SubscriptionTriple): boolean {
    return this.#held.delete(keyOf(triple));
  }

  list(): SubscriptionTriple[] {
    return [...this.#held.values()]
      .map((t) => ({ ...t }))
      .sort((a, b) => compare(a.entityTypeName, b.entityTypeName) || compare(a.actionName, b.actionName) || compare(a.endpoint, b.endpoint));
  }

  clear(): void {
    this.#held.clear();
  }
}

function keyOf(t: SubscriptionTriple): string {
  return JSON.stringify([t.entityTypeName, t.actionName, t.endpoint]);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
