/**
 * YAML text → document with node positions. What `yaml`'s parseDocument does, with two guards
 * put between its parser and its composer: nesting deeper than MAX_NESTING_DEPTH is rejected
 * as the parser reads it, before the (recursive) composer sees it, and only the first document
 * of a stream is kept. The text is lexed by lexYaml and fed to the parser through parserNext,
 * copies of yaml's Lexer and Parser.next() that cost less per token.
 * Duplicate keys and aliases are checked later in linear time (see to-data.ts) rather than
 * with `uniqueKeys`, whose check is quadratic in the number of keys of a mapping.
 */
import { Composer, Parser } from 'yaml';
import type { CST, Document, ParsedNode } from 'yaml';
import { MAX_NESTING_DEPTH, MAX_YAML_ERRORS } from './limits.js';
import { parserNext } from './parser-next.js';
import { lexYaml } from './yaml-lexer.js';
import { readYamlSubset } from './yaml-subset.js';
import type { ProblemCollector } from './problems.js';

/** How yaml reads a manifest (readYamlSubset's tests compare it with yaml under these). */
export const YAML_OPTIONS = {
  version: '1.2',
  schema: 'core',
  // Tags such as !!binary or !!set would make values that are not JSON: leave them unresolved.
  resolveKnownTags: false,
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
} as const;

/** A parsed document: its root node, with positions. */
export interface ParsedYaml {
  contents: ParsedNode | null;
}

/**
 * The parsed document, or null when it is unusable; every problem goes to `problems`. Text in
 * the plain subset most manifests are written in is read by readYamlSubset, the rest by yaml.
 */
export function parseYaml(text: string, problems: ProblemCollector): ParsedYaml | null {
  let subset: ReturnType<typeof readYamlSubset> = null;
  try {
    subset = readYamlSubset(text);
  } catch {
    // A bug in the reader, not the text's fault: yaml reads it instead, as it would any text.
  }
  if (subset !== null) {
    for (const start of subset.lineStarts) problems.lineCounter.addNewLine(start);
    return subset;
  }
  return parseWithYaml(text, problems);
}

function parseWithYaml(text: string, problems: ProblemCollector): Document.Parsed | null {
  const parser = new Parser(problems.lineCounter.addNewLine);
  const composer = new Composer(YAML_OPTIONS);
  let tooDeepAt: number | undefined;

  // Parser.parse(), with lexYaml for its Lexer, parserNext for Parser.next(), and a look at the
  // parser's stack of open tokens after each lexical token. Index 0 holds the document and
  // index 1 its top collection (level 0), so a collection at index MAX_NESTING_DEPTH + 2 is
  // nested too deep; a scalar on top of the stack is not a level. The document is only passed
  // on once read whole, so the composer never sees one nested deeper. One undercount: a
  // collection written as a mapping key (`[a]: b`) is read at its parent's level, then wrapped
  // in a new mapping, so each such key can add a level unseen here: the composer may get up to
  // twice the limit, still far from exhausting its stack, and toData then rejects the key (keys
  // must be plain names).
  function* guarded(): Generator<CST.Token> {
    const tooDeepIndex = MAX_NESTING_DEPTH + 2;
    const completed: CST.Token[] = [];
    problems.lineCounter.addNewLine(0); // as Parser.parse() does for the first line
    for (const lexeme of lexYaml(text)) {
      parserNext(parser, lexeme, completed);
      if (completed.length > 0) {
        yield* completed;
        completed.length = 0;
      }
      const tooDeep = parser.stack[tooDeepIndex];
      if (tooDeep !== undefined && isCollection(tooDeep)) {
        tooDeepAt = tooDeep.offset;
        return;
      }
    }
    yield* parser.end();
  }

  let doc: Document.Parsed | null = null;
  let extraDocAt: number | undefined;
  try {
    for (const next of composer.compose(guarded(), true, text.length)) {
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
  reportYamlErrors(doc, problems);
  if (extraDocAt !== undefined) {
    problems.addAt(extraDocAt, 'the manifest must be a single YAML document (remove this `---` and what follows)');
  }
  return doc.errors.length > 0 ? null : doc;
}

/**
 * yaml's errors and warnings, the first on each line and at most MAX_YAML_ERRORS in all, then
 * how many more there are. After a syntax error the parser is often lost: a JSON-like line
 * broken early gets one "Unexpected … token" per token after the break, an unclosed quote one
 * per line after it. Those hundreds of lines would bury the one to fix. yaml quotes the token it
 * did not expect in its message, whatever its length: that is cut too.
 */
function reportYamlErrors(doc: Document.Parsed, problems: ProblemCollector): void {
  const all = [
    ...doc.errors.map((error) => ({ at: error.pos[0], kind: 'YAML syntax error', message: error.message })),
    ...doc.warnings.map((warning) => ({ at: warning.pos[0], kind: 'YAML', message: warning.message })),
  ];
  const lines = new Set<number>();
  let more = 0;
  let lastAt = 0;
  for (const { at, kind, message } of all) {
    lastAt = Math.max(lastAt, at);
    const location = problems.locate(at);
    if (lines.has(location.line) || lines.size === MAX_YAML_ERRORS) {
      more += 1;
      continue;
    }
    lines.add(location.line);
    problems.add(location, `${kind}: ${clipped(message)}`);
  }
  // Placed at the last of them, so it is listed after the ones shown.
  if (more > 0) {
    const count = more === 1 ? '1 more YAML error' : `${more} more YAML errors`;
    problems.addAt(lastAt, `${count} not shown: they often follow from the ones above, so fix those first`);
  }
}

const MAX_MESSAGE = 200;

function clipped(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  // Not between the two halves of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(message.charAt(MAX_MESSAGE - 1)) ? MAX_MESSAGE - 1 : MAX_MESSAGE;
  return `${message.slice(0, end)}…`;
}

function isCollection(token: CST.Token): token is CST.BlockMap | CST.BlockSequence | CST.FlowCollection {
  return token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection';
}
