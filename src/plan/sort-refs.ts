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
  const n = items.length;
  if (n < 2) return;
  const refs = items.map(refOf);
  const names = rankPairs(refs, 'entityTypeName', 'actionName');
  const endpoints = rankPairs(refs, 'endpoint', 'endpointSha256');
  const order = countingSort(countingSort(null, endpoints), names);
  const before = items.slice();
  for (let to = 0; to < n; to++) items[to] = before[order[to] ?? 0] as T;
}

/** The indexes in `order` (null: 0, 1, 2, …) stably re-sorted by their rank. */
function countingSort(order: Uint32Array | null, { rank, count }: { rank: Uint32Array; count: number }): Uint32Array {
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

type Field = keyof SubscriptionRef;

/** Each ref's rank among the distinct (first, second) value pairs, in string order. */
function rankPairs(refs: readonly SubscriptionRef[], first: Field, second: Field): { rank: Uint32Array; count: number } {
  const ids = new Map<string, Map<string, number>>();
  const pairs: { a: string; b: string; id: number }[] = [];
  const rank = new Uint32Array(refs.length);
  // Neighbours often share a pair (the actions of one entry share its endpoint): reuse its id.
  let last: { a: string; b: string; id: number } | undefined;
  refs.forEach((ref, i) => {
    const a = ref[first];
    const b = ref[second];
    if (last?.a !== a || last.b !== b) {
      let inner = ids.get(a);
      if (!inner) ids.set(a, (inner = new Map()));
      let id = inner.get(b);
      if (id === undefined) {
        id = pairs.length;
        inner.set(b, id);
        pairs.push({ a, b, id });
      }
      last = { a, b, id };
    }
    rank[i] = last.id;
  });
  // The pairs in compareRefs' string order; ids become ranks.
  pairs.sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
  const rankOfId = new Uint32Array(pairs.length);
  pairs.forEach((pair, r) => (rankOfId[pair.id] = r));
  for (let i = 0; i < rank.length; i++) rank[i] = rankOfId[rank[i] ?? 0] ?? 0;
  return { rank, count: pairs.length };
}
