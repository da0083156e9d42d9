/**
 * yaml's `Parser.next()` (yaml 2.9.1, pinned), made cheaper in two ways (a manifest of 100k
 * triples has ~270k lexical tokens):
 * - without its debugging switch: on every token it reads `process.env.LOG_TOKENS`, and each
 *   read of the environment is a call into Node's C++ side: ~70 ms, a fifth of the parser's time;
 * - a function rather than a generator, which V8 allocates an object for at every call: another
 *   ~25 ms, and ~135 KB of the ~1.2 MB that reading the 4.7 KB example allocates.
 * The rest is the method as yaml writes it, on the parser's own fields, so the tokens are the
 * same (test/manifest/parser-next.test.ts compares them; test/manifest/yaml-version.test.ts
 * fails on another yaml version, whose next() this copy must then be compared with). The first
 * gain is the library's only: the CLI bundles yaml's ES module build, which has no such switch.
 */
import { CST } from 'yaml';
import type { Parser } from 'yaml';

/** The fields and methods of Parser that next() uses, private in yaml's types. */
interface ParserInternals {
  source: string;
  atScalar: boolean;
  atNewLine: boolean;
  type: CST.TokenType | '';
  offset: number;
  indent: number;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

/**
 * Advances `parser` by the source of one lexical token, as Parser.next() does; the tokens it
 * completes are pushed to `completed`.
 */
export function parserNext(parser: Parser, source: string, completed: CST.Token[]): void {
  const self = parser as unknown as ParserInternals;
  self.source = source;
  if (self.atScalar) {
    self.atScalar = false;
    for (const token of self.step()) completed.push(token);
    self.offset += source.length;
    return;
  }
  const type = CST.tokenType(source);
  if (!type) {
    const message = `Not a YAML token: ${source}`;
    for (const token of self.pop({ type: 'error', offset: self.offset, message, source })) completed.push(token);
    self.offset += source.length;
  } else if (type === 'scalar') {
    self.atNewLine = false;
    self.atScalar = true;
    self.type = 'scalar';
  } else {
    self.type = type;
    for (const token of self.step()) completed.push(token);
    switch (type) {
      case 'newline':
        self.atNewLine = true;
        self.indent = 0;
        if (self.onNewLine) self.onNewLine(self.offset + source.length);
        break;
      case 'space':
        if (self.atNewLine && source[0] === ' ') self.indent += source.length;
        break;
      case 'explicit-key-ind':
      case 'map-value-ind':
      case 'seq-item-ind':
        if (self.atNewLine) self.indent += source.length;
        break;
      case 'doc-mode':
      case 'flow-error-end':
        return;
      default:
        self.atNewLine = false;
    }
    self.offset += source.length;
  }
}
