/**
 * The manifest pipeline without I/O: size, YAML, schema, sections, expansion and rules. Every
 * problem found is returned (sorted by place); nothing throws on any input.
 */
import { sha256Hex } from '../subscription.js';
import { expandSubscriptions } from './expand.js';
import { MAX_MANIFEST_BYTES } from './limits.js';
import { parseYaml } from './parse-yaml.js';
import { ProblemCollector } from './problems.js';
import { checkSchema } from './schema-check.js';
import { readExtraActions, readPolicy } from './sections.js';
import { toData } from './to-data.js';
import type { Environment, ManifestResult } from './types.js';

/**
 * `sha256`: the hash to record for the manifest, when the caller has it already (loadManifest
 * hashes the bytes on disk, byte order mark included); else the hash of `text`.
 */
export function parseManifest(text: string, file: string, env: Environment, sha256?: string): ManifestResult {
  const problems = new ProblemCollector(file);
  const fail = (): ManifestResult => {
    if (problems.count === 0) problems.addAt(0, 'the manifest could not be read'); // defensive
    return { ok: false, problems: problems.sorted() };
  };

  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_MANIFEST_BYTES) {
    problems.add({ file, line: 1, col: 1 }, tooLarge(size));
    return fail();
  }

  const doc = parseYaml(text, problems);
  if (!doc) return fail();
  const converted = toData(doc, problems);
  if (!converted) return fail();
  const { data, tree } = converted;
  const root = doc.contents;

  const verdict = checkSchema(data, root, tree, problems);
  if (!verdict.isMapping) return fail();
  const { policy, effective } = readPolicy(data, root, tree, verdict, problems);
  const extraActions = readExtraActions(data);
  const subscriptions = expandSubscriptions(root, {
    tree,
    verdict,
    extraActions,
    policy: effective,
    env,
    problems,
  });

  if (problems.count > 0) return fail();
  return { ok: true, manifest: { file, sha256: sha256 ?? sha256Hex(text), policy, extraActions, subscriptions } };
}

export function tooLarge(size: number): string {
  return `the manifest is ${size} bytes; the limit is ${MAX_MANIFEST_BYTES} bytes (1 MiB)`;
}
