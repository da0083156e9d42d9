import { compareRefs, type SubscriptionRef } from '../subscription.js';

/**
 * Sorts `items` in place into `compareRefs` order (stable), for plans of 100k operations.
 * Comparing refs as strings costs n log n comparisons of URLs that share long prefixes; here
 * the distinct (entity, action) and (endpoint, hash) pairs, far fewer than the items (an entry
 * with `*` gives one endpoint to every action of its entity), are ranked once, and the items
 * sort natively as numbers packing both ranks and their index. Falls back to `compareRefs`
 * when such a number would not be exact.
 */
export function sortByRef<T>(items: T[], refOf: (item: T) => SubscriptionRef): void {
  const n = items.length;
  if (n < 2) return;
  const refs = items.map(refOf);
  const names = rankPairs(refs, 'entityTypeName', 'actionName');
  const endpoints = rankPairs(refs, 'endpoint', 'endpointSha256');
  if (names.count * endpoints.count * n > Number.MAX_SAFE_INTEGER) {
    items.sort((a, b) => compareRefs(refOf(a), refOf(b)));
    return;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ((names.rank[i] ?? 0) * endpoints.count + (endpoints.rank[i] ?? 0)) * n + i;
  keys.sort();
  const before = items.slice();
  for (let i = 0; i < n; i++) items[i] = before[(keys[i] ?? 0) % n] as T;
}

type Field = keyof SubscriptionRef;

/** Each ref's rank among the distinct (first, second) value pairs, in string order. */
function rankPairs(refs: readonly SubscriptionRef[], first: Field, second: Field): { rank: Uint32Array; count: number } {
  const ids = new Map<string, Map<string, number>>();
  const pairs: [string, string][] = [];
  const rank = new Uint32Array(refs.length);
  // Neighbours often share a pair (the actions of one entry share its endpoint): reuse its id.
  let last: { a: string; b: string; id: number } | undefined;
  refs.forEach((ref, i) => {
    const a = ref[first];
    const b = ref[second];
    if (last?.a === a && last.b === b) {
      rank[i] = last.id;
      return;
    }
    let inner = ids.get(a);
    if (!inner) ids.set(a, (inner = new Map()));
    let id = inner.get(b);
    if (id === undefined) {
      id = pairs.length;
      inner.set(b, id);
      pairs.push([a, b]);
    }
    rank[i] = id;
    last = { a, b, id };
  });
  const byValue = pairs.map((_, id) => id).sort((x, y) => comparePairs(pairs[x], pairs[y]));
  const rankOfId = new Uint32Array(pairs.length);
  byValue.forEach((id, r) => (rankOfId[id] = r));
  for (let i = 0; i < rank.length; i++) rank[i] = rankOfId[rank[i] ?? 0] ?? 0;
  return { rank, count: pairs.length };
}

function comparePairs(a: [string, string] | undefined, b: [string, string] | undefined): number {
  const [a1 = '', a2 = ''] = a ?? [];
  const [b1 = '', b2 = ''] = b ?? [];
  return a1 < b1 ? -1 : a1 > b1 ? 1 : a2 < b2 ? -1 : a2 > b2 ? 1 : 0;
}
