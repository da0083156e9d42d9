/**
 * Validates the manifest's data with the precompiled schema and turns each ajv error into a
 * problem at the YAML node it is about, in words a user can act on.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../catalog/suggest.js';
import type { ProblemCollector } from './problems.js';
import type { SchemaKeys } from './schema-types.js';
import { manifestSchemaKeys, validateManifestSchema } from './subscriptions.validator.js';
import { code } from './text.js';
import type { ParsedPair, YamlTree } from './yaml-tree.js';

export interface SchemaVerdict {
  /** The data is a mapping: its parts can be looked at further. */
  isMapping: boolean;
  /** Top-level keys (`policy`, `extraActions`, ...) with an error at or below them. */
  badSections: ReadonlySet<string>;
  /** Indexes of `subscriptions` entries with an error at or below them. */
  badEntries: ReadonlySet<number>;
  /** JSON pointers of the values with an error, such as `/policy/allowedHosts/0`. */
  badPaths: ReadonlySet<string>;
}

export function checkSchema(data: unknown, root: ParsedNode | null, tree: YamlTree, problems: ProblemCollector): SchemaVerdict {
  const badSections = new Set<string>();
  const badEntries = new Set<number>();
  const badPaths = new Set<string>();
  const isMapping = typeof data === 'object' && data !== null && !Array.isArray(data);
  if (validateManifestSchema(data)) return { isMapping, badSections, badEntries, badPaths };

  const errors = relevant(validateManifestSchema.errors ?? []);
  for (const error of errors) {
    const path = pointerSegments(error.instancePath);
    const [section, index] = path;
    badPaths.add(error.instancePath);
    if (section !== undefined) badSections.add(section);
    if (section === 'subscriptions' && index !== undefined) badEntries.add(Number(index));
    report(error, path, root, tree, problems);
  }
  return { isMapping, badSections, badEntries, badPaths };
}

/** Drops errors that only restate another: oneOf's branch errors, ones under a wrong type. */
function relevant(errors: readonly ErrorObject[]): ErrorObject[] {
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors.filter((e) => {
    if (e.keyword === 'propertyNames') return false; // its `pattern` error names the key
    if (e.keyword === 'required' && /\/oneOf\/\d+\/required$/.test(e.schemaPath)) return false;
    return e.keyword === 'type' || !wrongType.has(e.instancePath);
  });
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function report(error: ErrorObject, path: string[], root: ParsedNode | null, tree: YamlTree, problems: ProblemCollector): void {
  const { node, pair } = tree.at(root, path);
  const params = error.params as Record<string, unknown>;
  const at = offsetOf(node, pair) ?? 0;
  const keyAt = (key: string): number => {
    const target = tree.deref(node);
    const found = isMap(target) ? tree.pair(target, key) : undefined;
    return found ? found.key.range[0] : at;
  };
  const name = label(path);

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      problems.addAt(keyAt(key), unknownKey(key, knownKeys(path)));
      return;
    }
    case 'pattern':
      if (typeof error.propertyName === 'string') {
        problems.addAt(keyAt(error.propertyName), `${code(error.propertyName)} is not an entity type name (such as \`patient\`)`);
      } else {
        problems.addAt(at, patternMessage(path, name, tree.deref(node)));
      }
      return;
    case 'required': {
      const missing = String(params['missingProperty']);
      const hint = missing === 'version' ? ' (add `version: 1`)' : '';
      problems.addAt(at, `${path.length === 0 ? 'the manifest has' : `${name} has`} no \`${missing}\`${hint}`);
      return;
    }
    case 'oneOf': {
      const target = tree.deref(node);
      if (Array.isArray(params['passingSchemas']) && isMap(target)) {
        // Both given: point at whichever of the two comes second.
        const second = ['actionName', 'actionNames']
          .map((k) => tree.pair(target, k)?.key.range[0])
          .filter((o): o is number => o !== undefined)
          .sort((a, b) => b - a)[0];
        problems.addAt(second ?? at, 'give `actionName` or `actionNames`, not both');
      } else {
        problems.addAt(at, 'give `actionName` (one action) or `actionNames` (a list of actions)');
      }
      return;
    }
    case 'type':
      problems.addAt(at, typeMessage(path, name, String(params['type']), tree.deref(node)));
      return;
    case 'const':
      problems.addAt(at, `${name} must be 1`);
      return;
    case 'minItems':
      problems.addAt(at, `${name} must list at least one action`);
      return;
    default:
      problems.addAt(at, `${name} ${error.message ?? 'is not valid'}`);
  }
}

/** Where a node starts; an empty value (`key:` and nothing) is shown at its key. */
function offsetOf(node: ParsedNode | null | undefined, pair: ParsedPair | undefined): number | undefined {
  const empty = node === null || node === undefined || (isScalar(node) && node.value === null && !node.source);
  if (empty) return pair?.key.range[0];
  return node.range[0];
}

/** How a message names the value at a path. */
function label(path: readonly string[]): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === undefined) return 'the manifest';
  if (parent === 'subscriptions') return `subscription #${Number(last) + 1}`;
  if (parent === 'extraActions') return `\`extraActions.${last}\``;
  if (/^\d+$/.test(last) && parent !== undefined) return `each item of \`${parent}\``;
  return `\`${last}\``;
}

function knownKeys(path: readonly string[]): readonly string[] {
  const keys: SchemaKeys = manifestSchemaKeys;
  if (path.length === 0) return keys.root;
  if (path[0] === 'policy') return keys.policy;
  return keys.subscription;
}

function unknownKey(key: string, known: readonly string[]): string {
  if (key === '<<') return 'unknown key `<<` (YAML merge keys are not supported: write the keys out)';
  if (key === '') return `empty key (expected ${known.map((k) => `\`${k}\``).join(', ')})`;
  const hint = didYouMean(key, known);
  return `unknown key ${code(key)}${hint || ` (expected ${known.map((k) => `\`${k}\``).join(', ')})`}`;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'a whole number',
};

function typeMessage(path: readonly string[], name: string, expected: string, found: ParsedNode | null): string {
  const want = TYPE_WORDS[expected] ?? expected;
  const got = describe(found, expected === 'string');
  const not = got ? `, not ${got}` : '';
  const field = path[path.length - 1];
  if (path.length === 0) return `the manifest must be a mapping with \`version: 1\` and \`subscriptions\`${not}`;
  if (field === 'actionName' && isSeq(found)) return `\`actionName\` must be a string${not} (for several actions use \`actionNames\`)`;
  if (field === 'actionNames' && expected === 'array') return `\`actionNames\` must be a list${not} (for one action use \`actionName\`)`;
  return `${name} must be ${want}${not}`;
}

/** What was found instead, with the fix when a string was wanted but YAML read a number. */
function describe(node: ParsedNode | null, wantString: boolean): string {
  const quote = wantString ? ' (quote it to make it a string)' : '';
  if (node === null) return 'empty';
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  if (!isScalar(node)) return '';
  const value: unknown = node.value;
  if (value === null) return 'empty';
  if (typeof value === 'number') return `a number${quote}`;
  if (typeof value === 'boolean') return `${String(value)}${quote}`;
  return typeof value === 'string' ? 'a string' : '';
}

function patternMessage(path: readonly string[], name: string, node: ParsedNode | null): string {
  const value = isScalar(node) && typeof node.value === 'string' ? node.value : '';
  const field = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path[0] === 'policy') {
    return `${code(value)} is not a host pattern: write a host name such as \`hooks.example.com\`, or \`*.example.com\` for its subdomains`;
  }
  if (field === 'endpoint') {
    // The value is not shown: it may hold a secret written where it should not be.
    return '`endpoint` must be an absolute http(s) URL, such as `https://hooks.example.com/biot`, or start with a `${VARIABLE}`';
  }
  if (field === 'entityTypeName') return `\`entityTypeName\` must be one word, such as \`patient\`, not ${code(value)}`;
  if (field === 'actionName' || parent === 'actionNames' || path[0] === 'extraActions') {
    const star = path[0] === 'extraActions' ? '' : ', or `*` for all';
    return `${code(value)} is not an action name (such as \`_create\`${star})`;
  }
  return `${name} is not valid`;
}
