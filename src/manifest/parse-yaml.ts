/**
 * YAML text → document with node positions. What `yaml`'s parseDocument does, with two guards
 * put between its parser and its composer: nesting deeper than MAX_NESTING_DEPTH is rejected
 * before the (recursive) composer sees it, and only the first document of a stream is kept.
 * Duplicate keys and aliases are checked later in linear time (see to-data.ts) rather than
 * with `uniqueKeys`, whose check is quadratic in the number of keys of a mapping.
 */
import { Composer, Parser } from 'yaml';
import type { CST, Document } from 'yaml';
import { MAX_NESTING_DEPTH } from './limits.js';
import type { ProblemCollector } from './problems.js';

const OPTIONS = {
  version: '1.2',
  schema: 'core',
  // Tags such as !!binary or !!set would make values that are not JSON: leave them unresolved.
  resolveKnownTags: false,
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
} as const;

/** The parsed document, or null when it is unusable; every problem goes to `problems`. */
export function parseYaml(text: string, problems: ProblemCollector): Document.Parsed | null {
  const parser = new Parser(problems.lineCounter.addNewLine);
  const composer = new Composer(OPTIONS);
  let tooDeepAt: number | undefined;

  function* guarded(tokens: Iterable<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      tooDeepAt = deeperThan(token, MAX_NESTING_DEPTH);
      if (tooDeepAt !== undefined) return;
      yield token;
    }
  }

  let doc: Document.Parsed | null = null;
  let extraDocAt: number | undefined;
  try {
    for (const next of composer.compose(guarded(parser.parse(text)), true, text.length)) {
      if (doc === null) doc = next;
      else {
        extraDocAt = next.range[0];
        break;
      }
    }
  } catch (error) {
    // The guards should make this unreachable; a parser bug still must not escape as a crash.
    problems.addAt(0, `the YAML could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
  if (tooDeepAt !== undefined) {
    problems.addAt(tooDeepAt, `the YAML is nested more than ${MAX_NESTING_DEPTH} levels deep`);
    return null;
  }
  if (doc === null) return null;
  for (const error of doc.errors) problems.addAt(error.pos[0], `YAML syntax error: ${error.message}`);
  for (const warning of doc.warnings) problems.addAt(warning.pos[0], `YAML: ${warning.message}`);
  if (extraDocAt !== undefined) {
    problems.addAt(extraDocAt, 'the manifest must be a single YAML document (remove this `---` and what follows)');
  }
  return doc.errors.length > 0 ? null : doc;
}

/** Offset of the first collection nested deeper than `max`, walked without recursion. */
function deeperThan(token: CST.Token, max: number): number | undefined {
  // Two parallel stacks: nothing allocated per token of a large document.
  const tokens: CST.Token[] = [token];
  const depths: number[] = [0];
  for (let t = tokens.pop(); t !== undefined; t = tokens.pop()) {
    const depth = depths.pop() ?? 0;
    if (depth > max) return t.offset;
    if (t.type === 'document') {
      if (t.value) {
        tokens.push(t.value);
        depths.push(depth);
      }
    } else if (isCollection(t)) {
      // A leaf (a quoted scalar, an alias...) within the limit would be popped to no effect:
      // it is not pushed. Past the limit it is, so the same token is found first as before.
      const leavesToo = depth + 1 > max;
      for (const item of t.items) {
        if (item.key && item.key.type !== 'scalar' && (leavesToo || isCollection(item.key))) {
          tokens.push(item.key);
          depths.push(depth + 1);
        }
        if (item.value && item.value.type !== 'scalar' && (leavesToo || isCollection(item.value))) {
          tokens.push(item.value);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}

function isCollection(token: CST.Token): token is CST.BlockMap | CST.BlockSequence | CST.FlowCollection {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}
