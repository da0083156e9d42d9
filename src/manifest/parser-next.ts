/**
 * yaml's `Parser.next()` (yaml 2.9.1, pinned) without its debugging switch: on every lexical
 * token it reads `process.env.LOG_TOKENS`, and each read of the environment is a call into
 * Node's C++ side. A manifest of 100k triples has ~270k tokens, and those reads were ~70 ms, a
 * fifth of the parser's time. The rest is the method as yaml writes it, on the parser's own
 * fields, so the tokens are the same (test/manifest/parser-next.test.ts compares them).
 */
import { CST } from 'yaml';
import type { Parser } from 'yaml';

/** The fields and methods of Parser that next() uses, private in yaml's types. */
interface ParserInternals {
  source: string;
  atScalar: boolean;
  atNewLine: boolean;
  type: string;
  offset: number;
  indent: number;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

/** Advances `parser` by the source of one lexical token, yielding the tokens it completes. */
export function* parserNext(parser: Parser, source: string): Generator<CST.Token, void> {
  const self = parser as unknown as ParserInternals;
  self.source = source;
  if (self.atScalar) {
    self.atScalar = false;
    yield* self.step();
    self.offset += source.length;
    return;
  }
  const type = CST.tokenType(source);
  if (!type) {
    const message = `Not a YAML token: ${source}`;
    yield* self.pop({ type: 'error', offset: self.offset, message, source });
    self.offset += source.length;
  } else if (type === 'scalar') {
    self.atNewLine = false;
    self.atScalar = true;
    self.type = 'scalar';
  } else {
    self.type = type;
    yield* self.step();
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
