/**
 * Parsed YAML document → plain data for the schema validator, in one linear pass that also
 * finds duplicate keys, resolves aliases and bounds how much they expand. It replaces yaml's
 * toJS(), whose alias resolution scans the document once per alias (quadratic) and whose
 * `maxAliasCount` would also refuse ordinary reuse such as `endpoint: *hooks` on 101 entries.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Alias, ParsedNode, YAMLMap } from 'yaml';
import { MAX_ALIAS_EXPANSION } from './limits.js';
import type { ParsedYaml } from './parse-yaml.js';
import type { ProblemCollector } from './problems.js';
import { code } from './text.js';
import { keyString, YamlTree } from './yaml-tree.js';

export interface YamlData {
  /** JSON-like data: objects, arrays, strings, numbers, booleans, null. */
  data: unknown;
  tree: YamlTree;
}

const ABORT = Symbol('abort');

/** Null when aliases expand too far: the data would be unbounded, so nothing else is checked. */
export function toData(doc: ParsedYaml, problems: ProblemCollector): YamlData | null {
  const converter = new DataConverter(problems);
  try {
    const data = converter.convert(doc.contents);
    return { data, tree: new YamlTree(converter.aliasTargets) };
  } catch (error) {
    if (error === ABORT) return null;
    throw error;
  }
}

/**
 * One conversion's state. A class rather than functions nested in toData: V8's optimized code
 * for a function keeps the functions it calls, and nested ones are new on every call, so each
 * conversion threw the previous one's optimized code away.
 */
class DataConverter {
  readonly aliasTargets = new Map<Alias, ParsedNode>();
  private readonly anchors = new Map<string, ParsedNode>();
  // For anchored nodes: their data (shared by every alias) and how many nodes they stand for.
  private readonly anchoredValues = new Map<ParsedNode, unknown>();
  private readonly anchoredSizes = new Map<ParsedNode, number>();
  private nodes = 0;
  private expanded = 0;

  constructor(private readonly problems: ProblemCollector) {}

  convert(node: ParsedNode | null): unknown {
    if (node === null) {
      this.nodes += 1;
      return null;
    }
    if (isAlias(node)) return this.convertAlias(node);
    const before = this.nodes;
    this.nodes += 1;
    let value: unknown = null;
    if (isScalar(node)) {
      const v: unknown = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') value = v;
      else this.problems.addAt(node.range[0], 'unsupported YAML value: use a plain string, number or boolean');
    } else if (isSeq(node)) {
      const list: unknown[] = [];
      for (const item of node.items) list.push(this.convert(item));
      value = list;
    } else if (isMap(node)) {
      value = this.convertMap(node);
    }
    // Registered after the node's content: an alias inside its own anchor is unknown, not a loop.
    if (node.anchor) this.anchor(node, value, this.nodes - before);
    return value;
  }

  private convertAlias(alias: Alias): unknown {
    const target = this.anchors.get(alias.source);
    this.nodes += 1;
    if (target === undefined) {
      this.problems.addAt(alias.range?.[0] ?? 0, `unknown alias \`*${alias.source}\` (no anchor \`&${alias.source}\` before it)`);
      return null;
    }
    this.aliasTargets.set(alias, target);
    const size = this.anchoredSizes.get(target) ?? 1;
    this.nodes += size - 1;
    this.expanded += size;
    if (this.expanded > MAX_ALIAS_EXPANSION) {
      this.problems.addAt(
        alias.range?.[0] ?? 0,
        `aliases expand to more than ${MAX_ALIAS_EXPANSION} YAML nodes (an alias bomb?); write the manifest out instead`,
      );
      throw ABORT;
    }
    return this.anchoredValues.get(target);
  }

  private convertMap(map: YAMLMap.Parsed): unknown {
    const object: Record<string, unknown> = {};
    // Built on the first duplicate only, for its message: where the key was first written.
    let firstKeys: Map<string, ParsedNode> | undefined;
    for (const { key: keyNode, value } of map.items) {
      const key = keyString(keyNode);
      // A key may carry an anchor too (`&k name: ...`); an alias to it stands for the name.
      if (key !== undefined && keyNode.anchor) this.anchor(keyNode, key, 1);
      if (key === undefined) {
        this.problems.addAt(keyNode.range[0], mergeKeyOr(keyNode, 'keys must be plain names, not collections, aliases or tagged values'));
        this.convert(value);
        continue;
      }
      // The object itself records which keys were seen: nothing allocated per key.
      if (Object.hasOwn(object, key)) {
        firstKeys ??= firstKeyNodes(map);
        const { line, col } = this.problems.locate((firstKeys.get(key) ?? keyNode).range[0]);
        this.problems.addAt(keyNode.range[0], `duplicate key ${code(key)} (first at line ${line}:${col})`);
        this.convert(value);
        continue;
      }
      const converted = this.convert(value);
      // defineProperty for `__proto__`: an ordinary (unknown) key, not a prototype change.
      if (key === '__proto__') Object.defineProperty(object, key, { value: converted, enumerable: true, writable: true, configurable: true });
      else object[key] = converted;
    }
    return object;
  }

  private anchor(node: ParsedNode, value: unknown, size: number): void {
    if (!node.anchor) return;
    this.anchors.set(node.anchor, node);
    this.anchoredValues.set(node, value);
    this.anchoredSizes.set(node, size);
  }
}

function mergeKeyOr(keyNode: ParsedNode, message: string): string {
  return isScalar(keyNode) && keyNode.source === '<<'
    ? 'YAML merge keys (`<<`) are not supported: write the keys out'
    : message;
}

function firstKeyNodes(map: YAMLMap.Parsed): Map<string, ParsedNode> {
  const first = new Map<string, ParsedNode>();
  for (const { key } of map.items) {
    const k = keyString(key);
    if (k !== undefined && !first.has(k)) first.set(k, key);
  }
  return first;
}
