/**
 * Reads one `subscriptions` entry's values with the places they are written, from the YAML
 * nodes. Runs once per entry of a manifest that may hold thousands: one pass over the pairs,
 * no intermediate arrays.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import type { YamlTree } from './yaml-tree.js';

export interface Named {
  value: string;
  /** Offset where the value is written (an alias where it is used, not its anchor). */
  at: number;
}

export interface EntryNodes {
  entity: Named;
  endpoint: Named;
  actions: Named[];
}

/** Undefined when the entry lacks what the schema requires (it has been reported). */
export function readEntry(item: ParsedNode | null, tree: YamlTree): EntryNodes | undefined {
  const entry = tree.deref(item);
  if (item === null || !isMap(entry)) return undefined;
  // An aliased entry is reported where it is used.
  const entryAlias = item === entry ? undefined : item.range[0];
  let entity: Named | undefined;
  let endpoint: Named | undefined;
  let actions: Named[] | undefined;
  for (const { key, value } of entry.items) {
    if (!isScalar(key)) continue;
    // A repeated key was reported; its first occurrence counts, as in the data.
    switch (key.value) {
      case 'entityTypeName':
        entity ??= named(value, tree, entryAlias);
        break;
      case 'endpoint':
        endpoint ??= named(value, tree, entryAlias);
        break;
      case 'actionName':
      case 'actionNames':
        if (actions === undefined) actions = namedList(value, tree, entryAlias);
        break;
    }
  }
  if (!entity || !endpoint || !actions) return undefined;
  return { entity, endpoint, actions };
}

function named(node: ParsedNode | null, tree: YamlTree, aliasAt: number | undefined): Named | undefined {
  const target = tree.deref(node);
  if (node === null || !isScalar(target) || typeof target.value !== 'string') return undefined;
  return { value: target.value, at: aliasAt ?? node.range[0] };
}

function namedList(node: ParsedNode | null, tree: YamlTree, aliasAt: number | undefined): Named[] {
  const target = tree.deref(node);
  if (!isSeq(target)) {
    const one = named(node, tree, aliasAt);
    return one ? [one] : [];
  }
  // Items of an aliased list are reported at the alias too.
  const listAt = aliasAt ?? (node !== null && node !== target ? node.range[0] : undefined);
  const out: Named[] = [];
  for (const item of target.items as (ParsedNode | null)[]) {
    const one = named(item, tree, listAt);
    if (one) out.push(one);
  }
  return out;
}
