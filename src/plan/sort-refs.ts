import type { SubscriptionRef } from '../subscription.js';

/**
 * Sorts `items` in place into `compareRefs` order (stable), for plans of 100k operations.
 * Comparing refs as strings costs n log n comparisons of URLs that share long prefixes; here
 * the distinct (entity, action) and (endpoint, hash) pairs, far fewer than the items (an entry
 * with `*` gives one endpoint to every action of its entity), are ranked once, and the items
 * are placed by those ranks with two stable counting sorts (the minor key first): no
 * comparison of items at all.
 */
export function sortByRef<T>(items: T[], refOf: (item: T) => SubscriptionRef): void {
  if (items.length < 2) return;
  const order = refOrder(items, refOf);
  const before = items.slice();
  for (let to = 0; to < items.length; to++) items[to] = before[order[to] ?? 0] as T;
}

/**
 * The indexes of `items` in the order sortByRef would put them, for callers that build their
 * output in that order rather than sorting it afterwards.
 */
export function refOrder<T>(items: readonly T[], refOf: (item: T) => SubscriptionRef): Uint32Array {
  const n = items.length;
  // One pass over the items, nothing allocated per item: ids land in typed arrays.
  const names = new PairIds();
  const endpoints = new PairIds();
  const nameRank = new Uint32Array(n);
  const endpointRank = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const ref = refOf(items[i] as T);
    nameRank[i] = names.id(ref.entityTypeName, ref.actionName);
    endpointRank[i] = endpoints.id(ref.endpoint, ref.endpointSha256);
  }
  names.idsToRanks(nameRank);
  endpoints.idsToRanks(endpointRank);
  return countingSort(countingSort(null, endpointRank, endpoints.count), nameRank, names.count);
}

/** The indexes in `order` (null: 0, 1, 2, …) stably re-sorted by their rank. */
function countingSort(order: Uint32Array | null, rank: Uint32Array, count: number): Uint32Array {
  const n = rank.length;
  const next = new Uint32Array(count + 1);
  for (let i = 0; i < n; i++) {
    const r = (rank[i] ?? 0) + 1;
    next[r] = (next[r] ?? 0) + 1;
  }
  for (let r = 1; r <= count; r++) next[r] = (next[r] ?? 0) + (next[r - 1] ?? 0);
  const sorted = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order ? (order[k] ?? 0) : k;
    const r = rank[i] ?? 0;
    sorted[next[r] ?? 0] = i;
    next[r] = (next[r] ?? 0) + 1;
  }
  return sorted;
}

/** The ids of the pairs with one first string: the first pair's inline, the others in a map. */
interface Seconds {
  second: string;
  id: number;
  more: Map<string, number> | undefined;
}

/** Numbers the distinct (first, second) string pairs in the order they are met. */
class PairIds {
  // Most firsts (endpoints) have one second (hash): a map per first would cost far more.
  private readonly ids = new Map<string, Seconds>();
  private readonly firsts: string[] = [];
  private readonly seconds: string[] = [];
  // Neighbours often share the first string (the actions of one entry share its entity and
  // endpoint): its lookup is kept, in fields, so no object is made per item.
  private lastFirst: string | undefined;
  private lastSeconds: Seconds | undefined;

  get count(): number {
    return this.firsts.length;
  }

  id(first: string, second: string): number {
    if (first !== this.lastFirst || this.lastSeconds === undefined) {
      this.lastFirst = first;
      this.lastSeconds = this.ids.get(first);
      if (this.lastSeconds === undefined) {
        this.lastSeconds = { second, id: this.add(first, second), more: undefined };
        this.ids.set(first, this.lastSeconds);
      }
    }
    const seconds = this.lastSeconds;
    if (seconds.second === second) return seconds.id;
    seconds.more ??= new Map();
    let id = seconds.more.get(second);
    if (id === undefined) {
      id = this.add(first, second);
      seconds.more.set(second, id);
    }
    return id;
  }

  private add(first: string, second: string): number {
    this.firsts.push(first);
    this.seconds.push(second);
    return this.firsts.length - 1;
  }

  /** Replaces each id in `ids` by its pair's rank in compareRefs' string order. */
  idsToRanks(ids: Uint32Array): void {
    const { firsts, seconds } = this;
    const byOrder = Array.from(firsts.keys());
    byOrder.sort((x, y) => {
      const a = firsts[x] ?? '';
      const b = firsts[y] ?? '';
      if (a !== b) return a < b ? -1 : 1;
      const c = seconds[x] ?? '';
      const d = seconds[y] ?? '';
      return c < d ? -1 : c > d ? 1 : 0;
    });
    const rankOfId = new Uint32Array(byOrder.length);
    byOrder.forEach((id, r) => (rankOfId[id] = r));
    for (let i = 0; i < ids.length; i++) ids[i] = rankOfId[ids[i] ?? 0] ?? 0;
  }
}
