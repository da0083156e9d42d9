/**
 * The manifest pipeline without I/O and without hashing: size, YAML, schema, sections,
 * expansion and rules. Each good triple goes to `sink`; every problem found is returned (sorted
 * by place). Nothing throws on any input. parseManifest builds the subscriptions from it;
 * checkManifestFile, for `validate`, only counts them.
 */
import { expandTriples } from './expand.js';
import type { TripleSink } from './expand.js';
import { MAX_MANIFEST_BYTES, tooLarge } from './limits.js';
import { parseYaml } from './parse-yaml.js';
import { ProblemCollector } from './problems.js';
import { checkSchema } from './schema-check.js';
import { readExtraActions, readPolicy } from './sections.js';
import { toData } from './to-data.js';
import type { Environment, Manifest, ManifestProblems } from './types.js';

/** The sections of a manifest without a problem (its triples went to the sink). */
export type ManifestSections = Pick<Manifest, 'policy' | 'extraActions'>;

export function checkManifestText(
  text: string,
  file: string,
  env: Environment,
  sink: TripleSink,
): { ok: true; sections: ManifestSections } | ManifestProblems {
  const problems = new ProblemCollector(file);
  const fail = (): ManifestProblems => {
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
  expandTriples(root, { tree, verdict, extraActions, policy: effective, env, problems }, sink);

  if (problems.count > 0) return fail();
  return { ok: true, sections: { policy, extraActions } };
}
