/**
 * The manifest pipeline without I/O and without hashing: size, YAML, schema, sections,
 * expansion and rules. Each good triple goes to `sink`; every problem found is returned (sorted
 * by place). Nothing throws on any input. parseManifest builds the subscriptions from it;
 * checkManifestFile, for `validate`, only counts them.
 */
import { checkEntries, expandTriples } from './expand.js';
import type { CheckedEntry, TripleSink } from './expand.js';
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

  const read = readManifestText(text, env, problems);
  if (!read) return fail();
  // The YAML document (~60 MB at 100k triples) is garbage from here on, before the triples and
  // their plan are made: a major collection during that work no longer marks it all.
  expandTriples(read.entries, problems, sink);

  if (problems.count > 0) return fail();
  return { ok: true, sections: read.sections };
}

/** Everything read from the YAML nodes, which are not kept; null when nothing more can be checked. */
function readManifestText(
  text: string,
  env: Environment,
  problems: ProblemCollector,
): { sections: ManifestSections; entries: CheckedEntry[] } | null {
  const doc = parseYaml(text, problems);
  if (!doc) return null;
  const converted = toData(doc, problems);
  if (!converted) return null;
  const { data, tree } = converted;
  const root = doc.contents;

  const verdict = checkSchema(data, root, tree, problems);
  if (!verdict.isMapping) return null;
  const { policy, effective } = readPolicy(data, root, tree, verdict, problems);
  const extraActions = readExtraActions(data);
  const entries = checkEntries(root, { tree, verdict, extraActions, policy: effective, env, problems });
  return { sections: { policy, extraActions }, entries };
}
