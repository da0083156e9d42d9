/**
 * A direct reader for the plain YAML most manifests are written in: block mappings and
 * sequences indented with spaces, one-line plain and quoted scalars, one-line flow sequences,
 * comments and blank lines. It gives the nodes yaml's composer would, built from yaml's own
 * classes: kinds, values, `source`, and where each node starts (`range[0]`, and a scalar's
 * `range[1]`). Other range ends can differ from yaml's, which counts some comments after a value
 * and the spaces after a flow sequence's item in the node's range; the manifest checks never
 * read them.
 *
 * Anything else (anchors, aliases, tags, block or multi-line scalars, flow mappings, escapes,
 * tabs, CRLF, non-ASCII outside comments, an empty value, `---`, and all that would be a YAML
 * error) gives null, and parseYaml then reads the text with yaml itself, as before.
 *
 * Why: `biot-subs validate` of the 4.7 KB example spent ~10 ms in yaml's parser and composer,
 * run once in a fresh process and so mostly in V8's interpreter: a third of what validate adds
 * to Node's own start (docs/benchmarks.md, start-up). Here the scanning is done by regular
 * expressions, which run as native code from their first use. A differential test
 * (test/manifest/yaml-subset.test.ts) holds this reader to yaml: whatever it reads, yaml reads
 * without an error or a warning, into the same tree.
 */
import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { MAX_MANIFEST_BYTES, MAX_NESTING_DEPTH } from './limits.js';

export interface SubsetDocument {
  /** The root mapping. */
  contents: YAMLMap.Parsed;
  /** Offsets where lines start: 0, then one after each '\n' (what yaml's LineCounter is given). */
  lineStarts: number[];
}

/**
 * The document, or null when the text is outside the subset (yaml then reads it). Texts over
 * MAX_MANIFEST_BYTES characters are left to yaml too (the caller rejects them first anyway): a
 * scalar of ~8 Mi characters would overflow V8's backtracking stack in the patterns below.
 */
export function readYamlSubset(text: string): SubsetDocument | null {
  if (text.length > MAX_MANIFEST_BYTES || OUTSIDE_CHARACTERS.test(text) || OUTSIDE_SYNTAX.test(text)) return null;
  let contents: YAMLMap.Parsed;
  try {
    contents = new SubsetReader(text).document();
  } catch (error) {
    if (error === OUTSIDE) return null;
    throw error;
  }
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return { contents, lineStarts };
}

/** Thrown at the first thing outside the subset; readYamlSubset turns it into null. */
const OUTSIDE = Symbol('outside the YAML subset');

/**
 * Characters the subset has nowhere: control characters but the new line (so tabs and CRs
 * too), DEL and C1 controls, a byte order mark, and U+2028/9 (line breaks to JavaScript's `$`).
 * The patterns below admit only printable ASCII in keys and values, so anything else left is
 * in comments.
 */
const OUTSIDE_CHARACTERS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

/**
 * Node starts the subset has not, found by one scan before reading: an anchor, an alias, a tag,
 * a block scalar, a flow mapping or a complex key at a line's start, or before any `#` on its
 * line after a `: `, a `- ` or in a flow sequence; a directive; a document marker. A manifest
 * that uses them (anchors for endpoints shared by many entries, most often) goes to yaml
 * without a wasted pass of this reader, ~0.1 s at 100k triples. The scan may also match in a
 * plain scalar (`a: x - *y`): that text goes to yaml too, which is only slower.
 */
const OUTSIDE_SYNTAX = /^[^#\n]*?(?:: +|- +|[[,] *)[&*!|>{?]|^ *[&*!|>{?%]|^(?:---|\.\.\.)(?: |$)/m;

// Sticky patterns, each matched at one offset. `m`: `$` is a line's end.
/** A line's indentation, or the spaces before a value. */
const INDENT = / */y;
/** A mapping key: a name (first a letter or `_`), then `:` and a space or the line's end. */
const KEY = /[A-Za-z_][A-Za-z0-9_-]*:(?= |$)/my;
/**
 * A plain scalar in a block: a letter, digit, `_`, `$` or `/`, then printable ASCII, where a
 * `:` is followed by a non-space, and spaces by something that may go on (not `#`, a comment,
 * nor the line's end, nor a `:` that ends the scalar). So a `: ` (a mapping on the value's
 * line) ends it, and the rest of the line then fails REST.
 */
const PLAIN = /[A-Za-z0-9_$/](?:[!-9;-~]|:(?=[!-~])| +(?=[!-"$-9;-~]|:[!-~]))*/y;
/** A plain item of a flow sequence: no `,[]{}#:` or quotes, inner spaces allowed. */
const FLOW_PLAIN = /[A-Za-z0-9_$/](?:[!$-&(-+\--9;-Z\\^-z|~]| +(?=[!$-&(-+\--9;-Z\\^-z|~]))*/y;
/** Quoted scalars without escapes, quotes inside, or line breaks. */
const DOUBLE_QUOTED = /"[ !#-[\]-~]*"/y;
const SINGLE_QUOTED = /'[ -&(-~]*'/y;
/** What may follow a value on its line: spaces, and a comment after at least one of them. */
const REST = /(?: +#.*)? *$/my;
/** Between flow sequence items. */
const FLOW_COMMA = / *, */y;
const FLOW_CLOSE = / *\]/y;
const FLOW_OPEN = /\[ */y;
/** A sequence item's `-`, and the spaces after it. */
const DASH = /-(?: +|$)/my;

const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const NULL = /^(?:[Nn]ull|NULL)$/;
const DIGITS = /^[0-9]+$/;

/**
 * A plain scalar's value under YAML 1.2's core schema, for the plain scalars of the subset:
 * strings, booleans and decimal integers. Null words, floats, octal and hex are left to yaml.
 */
function plainValue(source: string): string | number | boolean {
  const first = source.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    if (!DIGITS.test(source)) throw OUTSIDE;
    return parseInt(source, 10); // as yaml's core int does
  }
  if (TRUE.test(source)) return true;
  if (FALSE.test(source)) return false;
  if (NULL.test(source)) throw OUTSIDE;
  return source;
}

function scalarNode(value: string | number | boolean, source: string, start: number, valueEnd: number): Scalar.Parsed {
  const node = new Scalar(value) as Scalar.Parsed;
  node.range = [start, valueEnd, valueEnd];
  node.source = source;
  return node;
}

/**
 * The manifest schema's keys, one string each rather than one per entry: at 100k triples the
 * tree is ~10k entries whose nodes all live until it is checked, and what lives through the
 * young generation's collections is what they copy.
 */
const KNOWN_KEYS = ['entityTypeName', 'actionNames', 'actionName', 'endpoint', 'subscriptions', 'version', 'policy', 'allowedHosts', 'allowHttp', 'extraActions'];

function keyName(text: string, start: number, end: number): string {
  for (const key of KNOWN_KEYS) if (key.length === end - start && text.startsWith(key, start)) return key;
  return text.slice(start, end);
}

/**
 * A copy of a collection's items without spare slots: V8 gives an array 17 slots at its first
 * push, so a 3-pair mapping's items took 152 bytes instead of 40, and the tree's arrays, like
 * its nodes, live until it is checked.
 */
function withoutSpareSlots<T>(items: T[]): T[] {
  return items.slice();
}

/** Where `pattern` matches at `at`, the offset after the match; -1 where it does not. */
function matchAt(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

/**
 * One pass over the lines. `at` is the offset of the current line's content (after its
 * indentation, `indent` spaces); lines holding only spaces or a comment are skipped.
 */
class SubsetReader {
  private at = 0;
  private lineStart = 0;
  private indent = 0;
  /** False once the text is read to its end. */
  private hasLine = false;
  private depth = 0;

  constructor(private readonly text: string) {}

  document(): YAMLMap.Parsed {
    this.nextContentLine(0);
    if (!this.hasLine || this.indent !== 0) throw OUTSIDE;
    const root = this.blockMap(0);
    if (this.hasLine) throw OUTSIDE;
    return root;
  }

  /** Moves to the first line from offset `from` with content other than a comment. */
  private nextContentLine(from: number): void {
    const text = this.text;
    let start = from;
    while (start < text.length) {
      const at = matchAt(INDENT, text, start);
      if (this.startsContent(at)) {
        this.lineStart = start;
        this.at = at;
        this.indent = at - start;
        this.hasLine = true;
        return;
      }
      const end = text.indexOf('\n', at);
      if (end === -1) break;
      start = end + 1;
    }
    this.hasLine = false;
  }

  /** Whether something other than a comment starts at `at` (not a new line, nor the end). */
  private startsContent(at: number): boolean {
    const c = this.text.charCodeAt(at);
    return at < this.text.length && c !== 0x0a && c !== 0x23;
  }

  /**
   * The rest of the current line from `from` (only spaces and a comment may be left), then the
   * next content line. Returns the offset after this line's new line: yaml counts a value's
   * trailing spaces, comment and new line in its range.
   */
  private endLine(from: number): number {
    const end = matchAt(REST, this.text, from);
    if (end === -1) throw OUTSIDE;
    const next = end < this.text.length ? end + 1 : end;
    this.nextContentLine(next);
    return next;
  }

  private enter(): void {
    // yaml's path reports nesting past the limit; this reader leaves such text to it.
    if (++this.depth >= MAX_NESTING_DEPTH) throw OUTSIDE;
  }

  /**
   * A block mapping whose first key is at `at` of the current line, in column `column` (past
   * the `- ` for a sequence item's mapping). Its other keys start lines in that column.
   */
  private blockMap(column: number): YAMLMap.Parsed {
    this.enter();
    const text = this.text;
    const map = new YAMLMap<ParsedNode, ParsedNode | null>() as YAMLMap.Parsed;
    const start = this.at;
    let end = start;
    for (;;) {
      const keyStart = this.at;
      const afterColon = matchAt(KEY, text, keyStart);
      // yaml's limit on an implicit key's length (strict mode), with room
      if (afterColon === -1 || afterColon - keyStart > 1000) throw OUTSIDE;
      const name = keyName(text, keyStart, afterColon - 1);
      // A key that reads as `true`, `false` (or `null`: plainValue refuses it) is left to yaml.
      if (typeof plainValue(name) !== 'string') throw OUTSIDE;
      const value = this.valueAfter(afterColon, column);
      end = value.range[2];
      map.items.push(new Pair<ParsedNode, ParsedNode | null>(scalarNode(name, name, keyStart, afterColon - 1), value));
      if (!this.hasLine || this.indent < column) break;
      if (this.indent > column) throw OUTSIDE; // a continuation line, or a key out of line
    }
    map.items = withoutSpareSlots(map.items);
    map.range = [start, end, end];
    this.depth--;
    return map;
  }

  /** A mapping value: on the key's line from `from`, or the block on the lines below. */
  private valueAfter(from: number, column: number): ParsedNode {
    const at = matchAt(INDENT, this.text, from);
    if (this.startsContent(at)) return this.inlineValue(at);
    // Nothing but a comment after the key: the value is the block below it.
    this.endLine(from);
    if (!this.hasLine) throw OUTSIDE; // an empty (null) value
    if (this.isSequenceItem()) {
      // A sequence may sit in its key's column.
      if (this.indent < column) throw OUTSIDE;
      return this.blockSeq(this.indent);
    }
    if (this.indent <= column) throw OUTSIDE; // an empty value, or a key out of line
    return this.blockMap(this.indent);
  }

  private isSequenceItem(): boolean {
    return matchAt(DASH, this.text, this.at) !== -1;
  }

  /** A block sequence whose items start lines in column `column`. */
  private blockSeq(column: number): YAMLSeq.Parsed {
    this.enter();
    const text = this.text;
    const seq = new YAMLSeq<ParsedNode>() as YAMLSeq.Parsed;
    const start = this.at;
    let end = start;
    while (this.hasLine && this.indent === column) {
      const at = matchAt(DASH, text, this.at);
      if (at === -1) break;
      // An empty item, one whose content is on the lines below, or a nested `- -`: left to yaml.
      if (!this.startsContent(at) || text.charCodeAt(at) === 0x2d) throw OUTSIDE;
      let item: ParsedNode;
      if (matchAt(KEY, text, at) !== -1) {
        this.at = at;
        item = this.blockMap(at - this.lineStart);
      } else {
        item = this.inlineValue(at);
      }
      end = item.range[2];
      seq.items.push(item);
    }
    if (this.hasLine && this.indent > column) throw OUTSIDE;
    seq.items = withoutSpareSlots(seq.items);
    seq.range = [start, end, end];
    this.depth--;
    return seq;
  }

  /** A value that ends its line: a flow sequence, a quoted or a plain scalar. */
  private inlineValue(at: number): ParsedNode {
    const text = this.text;
    if (text.charCodeAt(at) === 0x5b) return this.flowSeq(at);
    const node = this.scalar(at, PLAIN);
    node.range[2] = this.endLine(node.range[1]);
    return node;
  }

  /** A quoted scalar, or a plain one as `plain` reads it, at `at`. */
  private scalar(at: number, plain: RegExp): Scalar.Parsed {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === 0x22 || c === 0x27) {
      const end = matchAt(c === 0x22 ? DOUBLE_QUOTED : SINGLE_QUOTED, text, at);
      if (end === -1) throw OUTSIDE; // escapes, or closed on a later line or not at all
      const value = text.slice(at + 1, end - 1);
      return scalarNode(value, value, at, end);
    }
    const end = matchAt(plain, text, at);
    if (end === -1) throw OUTSIDE;
    const source = text.slice(at, end);
    return scalarNode(plainValue(source), source, at, end);
  }

  /** `[a, "b", c]` on one line: no empty items, no trailing comma, nothing nested. */
  private flowSeq(at: number): YAMLSeq.Parsed {
    this.enter();
    const text = this.text;
    const seq = new YAMLSeq<ParsedNode>() as YAMLSeq.Parsed;
    seq.flow = true;
    let i = matchAt(FLOW_OPEN, text, at);
    let close = matchAt(FLOW_CLOSE, text, i);
    while (close === -1) {
      const item = this.scalar(i, FLOW_PLAIN);
      seq.items.push(item);
      close = matchAt(FLOW_CLOSE, text, item.range[1]);
      if (close !== -1) break;
      i = matchAt(FLOW_COMMA, text, item.range[1]);
      if (i === -1) throw OUTSIDE;
    }
    seq.items = withoutSpareSlots(seq.items);
    seq.range = [at, close, this.endLine(close)];
    this.depth--;
    return seq;
  }
}
