/**
 * Navigation over a parsed YAML document that agrees with the data it was converted to
 * (to-data.ts): aliases resolve to the node they were converted from, and a key that appears
 * twice means its first occurrence. Used to find the node behind a schema error and to read the
 * subscriptions with their positions.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Alias, Pair, ParsedNode, YAMLMap } from 'yaml';

export type ParsedPair = Pair<ParsedNode, ParsedNode | null>;

/** A mapping key as the data knows it, or undefined for keys that are not plain scalars. */
export function keyString(node: ParsedNode | null): string | undefined {
  if (node === null) return '';
  if (!isScalar(node)) return undefined;
  const value: unknown = node.value;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Maps this small are searched directly; bigger ones get an index on first lookup. */
const INDEX_FROM = 16;

export class YamlTree {
  private readonly indexes = new Map<YAMLMap.Parsed, Map<string, ParsedPair>>();

  constructor(private readonly aliasTargets: ReadonlyMap<Alias, ParsedNode>) {}

  /** The node an alias stands for (or the node itself); null for none or an unknown alias. */
  deref(node: ParsedNode | null | undefined): ParsedNode | null {
    if (node === null || node === undefined) return null;
    return isAlias(node) ? (this.aliasTargets.get(node) ?? null) : node;
  }

  /** The first pair of `map` whose key is `key`. */
  pair(map: YAMLMap.Parsed, key: string): ParsedPair | undefined {
    if (map.items.length < INDEX_FROM) {
      return map.items.find((p) => keyString(p.key) === key);
    }
    let index = this.indexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        const k = keyString(p.key);
        if (k !== undefined && !index.has(k)) index.set(k, p);
      }
      this.indexes.set(map, index);
    }
    return index.get(key);
  }

  /**
   * The node at a JSON-pointer-like path of keys and indexes, as ajv reports them, with the
   * pair it is the value of (when it is a mapping value). Stops where the path leaves the tree.
   */
  at(root: ParsedNode | null, path: readonly string[]): { node: ParsedNode | null; pair?: ParsedPair } {
    let node: ParsedNode | null = root;
    let pair: ParsedPair | undefined;
    for (const segment of path) {
      const here = this.deref(node);
      if (isMap(here)) {
        pair = this.pair(here, segment);
        if (!pair) break;
        node = pair.value;
      } else if (isSeq(here)) {
        const item: unknown = here.items[Number(segment)];
        if (item === undefined) break;
        node = item as ParsedNode | null;
        pair = undefined;
      } else break;
    }
    return pair ? { node, pair } : { node };
  }
}
