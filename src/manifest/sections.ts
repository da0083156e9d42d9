/**
 * Reads `policy` and `extraActions` out of the validated data. Parts the schema rejected were
 * already reported; what remains usable is still applied, so the other checks neither stop
 * nor pile up consequential errors.
 */
import type { ParsedNode } from 'yaml';
import { compileHostPattern } from './host-policy.js';
import type { HostPattern } from './host-policy.js';
import type { EffectivePolicy } from './endpoint-check.js';
import type { ProblemCollector } from './problems.js';
import type { SchemaVerdict } from './schema-check.js';
import { code } from './text.js';
import type { ManifestPolicy } from './types.js';
import type { YamlTree } from './yaml-tree.js';

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

export interface PolicySection {
  /** As the manifest wrote it. */
  policy: ManifestPolicy;
  /** As the endpoint checks apply it. */
  effective: EffectivePolicy;
}

export function readPolicy(
  data: unknown,
  root: ParsedNode | null,
  tree: YamlTree,
  verdict: SchemaVerdict,
  problems: ProblemCollector,
): PolicySection {
  const section = field(data, 'policy');
  const allowHttp = field(section, 'allowHttp') === true;
  const hosts = field(section, 'allowedHosts');
  if (!Array.isArray(hosts)) return { policy: { allowHttp }, effective: { allowHttp } };

  const texts: string[] = [];
  const patterns: HostPattern[] = [];
  let unusable = false;
  hosts.forEach((text: unknown, i) => {
    if (typeof text !== 'string') {
      unusable = true;
      return;
    }
    texts.push(text);
    const pattern = compileHostPattern(text);
    if (pattern) patterns.push(pattern);
    else unusable = true;
    if (!pattern && !verdict.badPaths.has(`/policy/allowedHosts/${i}`)) {
      const { node } = tree.at(root, ['policy', 'allowedHosts', String(i)]);
      problems.addAt(
        node?.range[0] ?? 0,
        `${code(text)} is not a host pattern: write a host name such as \`hooks.example.com\` (no port), or \`*.example.com\` for its subdomains`,
      );
    }
  });
  // With a broken pattern the list is not what was meant: hosts are not checked against it.
  const effective = unusable ? { allowHttp } : { allowHttp, allowedHosts: patterns };
  return { policy: { allowedHosts: texts, allowHttp }, effective };
}

/** Entity type → its extra actions, keeping only well-formed names. */
export function readExtraActions(data: unknown): Record<string, string[]> {
  const section = field(data, 'extraActions');
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return {};
  const entries: [string, string[]][] = [];
  for (const [entity, actions] of Object.entries(section)) {
    if (!Array.isArray(actions)) continue;
    const names = actions.filter((a: unknown): a is string => typeof a === 'string' && /^_?[A-Za-z][A-Za-z0-9]*$/.test(a));
    entries.push([entity, [...new Set(names)]]);
  }
  // fromEntries defines own properties: an entity called `__proto__` stays an ordinary key.
  return Object.fromEntries(entries);
}
