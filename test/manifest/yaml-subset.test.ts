/**
 * Differential tests of readYamlSubset, the fast reader for the subset of YAML manifests are
 * written in, against yaml's own parse (the reference, with the options parse-yaml.ts uses).
 *
 * Soundness (property 1): whenever the reader gives a document, yaml reads the text as exactly
 * one document with no error or warning, and the two trees agree on node kinds, values, source
 * texts, anchors, where each node starts and where each scalar's value ends (the manifest code
 * reads range[0] only); the line starts agree too. Returning null is always sound
 * (the caller falls back to yaml).
 * Use (property 2): for manifest-like text generated inside the subset, the reader must give a
 * document, or the fast path could silently never be taken.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, isAlias, isDocument, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { parseManifest } from '../../src/manifest/parse-manifest.js';
import { parseYaml, YAML_OPTIONS } from '../../src/manifest/parse-yaml.js';
import { ProblemCollector } from '../../src/manifest/problems.js';
import { readYamlSubset } from '../../src/manifest/yaml-subset.js';
import { FILE, fixtureFiles, yamlish, yamlSyntax } from './helpers.js';

// ---------------------------------------------------------------------------------------------
// The reference and the projection both sides are compared through
// ---------------------------------------------------------------------------------------------

/** yaml's reading of the whole stream (every document, not just the first) and its line starts. */
function reference(text: string) {
  const lineCounter = new LineCounter();
  const docs = Array.from(parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter }));
  return { docs, lineStarts: lineCounter.lineStarts };
}

/**
 * What is compared of a node: its kind as yaml's isScalar/isMap/isSeq/isAlias see it (what the
 * manifest code dispatches on), values, sources, anchors, where it starts, and for a scalar
 * where its value ends. The other range ends are left out: yaml counts some comments after a
 * value, and the spaces after a flow sequence's item, in the node's range, the reader does not,
 * and the manifest code reads only range[0].
 */
function project(node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (isScalar(node)) return { scalar: node.value, source: node.source, range: node.range?.slice(0, 2), anchor: node.anchor };
  if (isAlias(node)) return { alias: node.source, start: node.range?.[0] };
  if (isMap(node)) {
    const map = node.items.map((pair) => (isPair(pair) ? [project(pair.key), project(pair.value)] : { notAPair: pair }));
    return { map, start: node.range?.[0], anchor: node.anchor };
  }
  if (isSeq(node)) return { seq: node.items.map(project), start: node.range?.[0], anchor: node.anchor };
  return { unknown: Object.prototype.toString.call(node) };
}

/**
 * Property 1, on one text: whether the reader accepted it. When it did, yaml must read the same
 * text as one clean document with the same tree and the same line starts. `yamlRead` is yaml's
 * reading when the caller already has it.
 */
function expectSound(text: string, yamlRead?: ReturnType<typeof reference>): boolean {
  const subset = readYamlSubset(text);
  if (subset === null) return false;
  const label = JSON.stringify(text);
  const { docs, lineStarts } = yamlRead ?? reference(text);
  expect(docs.length, `yaml reads one document from ${label}`).toBe(1);
  const doc = docs[0]!;
  expect(doc.errors.map((e) => e.message), `yaml errors in ${label}`).toEqual([]);
  expect(doc.warnings.map((w) => w.message), `yaml warnings in ${label}`).toEqual([]);
  expectSame(project(subset.contents), project(doc.contents), `tree of ${label}`);
  expectSame(subset.lineStarts, lineStarts, `line starts of ${label}`);
  return true;
}

/** Strict deep equality: node's isDeepStrictEqual is fast; toStrictEqual then shows the difference. */
function expectSame(actual: unknown, expected: unknown, label: string): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect(actual, label).toStrictEqual(expected);
  expect.fail(`${label}: not strictly deep-equal`);
}

/** Property 2, on one text from inside the subset: yaml reads it cleanly and the reader takes it. */
function expectAccepted(text: string): void {
  const label = JSON.stringify(text);
  // First the generator's own promise (clean, single-document YAML), so a failure says whose bug it is.
  const yamlRead = reference(text);
  const { docs } = yamlRead;
  expect(docs.length, `yaml reads one document from ${label}`).toBe(1);
  expect([...docs[0]!.errors, ...docs[0]!.warnings].map((e) => e.message), `yaml problems in ${label}`).toEqual([]);
  expect(expectSound(text, yamlRead), `the subset reader accepts ${label}`).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// (a) Manifest-like YAML inside the subset
// ---------------------------------------------------------------------------------------------

const ASCII = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

// Words the core schema reads as null or booleans (and YAML 1.1's yes/no/on/off, to be safe):
// a reader may leave those to yaml, so they stay out of what it must accept.
const SPECIAL_WORDS = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~']);

const identifier = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,11}$/)
  .filter((word) => !SPECIAL_WORDS.has(word.toLowerCase()));
const key = fc.oneof(
  fc.constantFrom('version', 'policy', 'allowedHosts', 'allowHttp', 'extraActions', 'subscriptions', 'entityTypeName', 'actionName', 'actionNames', 'endpoint'),
  identifier,
);

const hostPart = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const url = fc.tuple(hostPart, identifier).map(([host, path]) => `https://${host}.example/${path}`);
const template = fc
  .tuple(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), hostPart, identifier)
  .map(([name, host, path]) => `\${${name}:-https://${host}.example}/${path}`);
// In quoted strings that must be read, none of `&*!|>{?`: the reader's first scan leaves a text
// with one of them after `: `, `- `, `[` or `,` to yaml, even inside quotes (only slower). The
// soundness properties below cover quoted strings holding them.
const QUOTABLE = ASCII.filter((c) => !'&*!|>{?'.includes(c));
const doubleQuoted = fc.oneof(
  fc.constant('"*.example"'),
  fc.string({ unit: fc.constantFrom(...QUOTABLE.filter((c) => c !== '"' && c !== '\\')), maxLength: 12 }).map((s) => `"${s}"`),
);
const singleQuoted = fc.string({ unit: fc.constantFrom(...QUOTABLE.filter((c) => c !== "'")), maxLength: 12 }).map((s) => `'${s}'`);
const integer = fc.oneof(fc.constant('0'), fc.integer({ min: 1, max: 999_999_999 }).map(String));
const boolean = fc.constantFrom('true', 'false');

/**
 * Scalars a flow sequence may hold: `${…}` is left out, its braces are flow indicators there;
 * and URLs, as a `:` in a flow sequence is left to yaml (it can start a pair there).
 */
const flowItem = fc.oneof(identifier, doubleQuoted, singleQuoted, integer, boolean);
const flowSequence = fc
  .tuple(fc.array(flowItem, { maxLength: 4 }), fc.constantFrom(', ', ','), fc.constantFrom('', ' '))
  .map(([items, comma, pad]) => (items.length === 0 ? '[]' : `[${pad}${items.join(comma)}${pad}]`));

/** What may follow a key's `:` (or a `- `) on its own line. */
const inline = fc.oneof(identifier, url, template, doubleQuoted, singleQuoted, integer, boolean, flowSequence);

const spaces = (min: number, max: number) => fc.integer({ min, max }).map((n) => ' '.repeat(n));
const commentText = fc.string({ unit: fc.constantFrom(...ASCII), maxLength: 20 });

/** The end of a line: nothing, trailing spaces, or a comment after at least one space. */
const tail = fc.oneof(
  { arbitrary: fc.constant(''), weight: 4 },
  { arbitrary: spaces(1, 3), weight: 1 },
  { arbitrary: fc.tuple(spaces(1, 4), commentText).map(([gap, note]) => `${gap}#${note}`), weight: 2 },
);

/** Lines between entries: comments at any column (shallower than the block too), blank or blank-looking lines. */
const fillerLine = fc.oneof(
  fc.tuple(spaces(0, 8), commentText).map(([indent, note]) => `${indent}#${note}`),
  fc.constant(''),
  spaces(1, 6),
);
const filler = fc.oneof({ arbitrary: fc.constant<string[]>([]), weight: 4 }, { arbitrary: fc.array(fillerLine, { minLength: 1, maxLength: 2 }), weight: 1 });

type Value =
  | { kind: 'inline'; text: string }
  // `step`: how many columns deeper than the key the block is; 0 (a sequence only) is `key:\n- a`.
  | { kind: 'map'; step: number; entries: Entry[] }
  | { kind: 'seq'; step: number; items: Item[] };
interface Entry {
  filler: string[];
  key: string;
  gap: string; // between the `:` and an inline value
  value: Value;
  tail: string;
}
interface Item {
  filler: string[];
  dash: string; // the spaces after `-`
  body: { kind: 'inline'; text: string; tail: string } | { kind: 'map'; entries: Entry[] };
}

/** Arbitraries for a mapping's entries and a sequence's items, nested at most `depth` blocks more. */
function blocks(depth: number): { entries: fc.Arbitrary<Entry[]>; items: fc.Arbitrary<Item[]> } {
  const inner = depth > 0 ? blocks(depth - 1) : undefined;
  const values: fc.Arbitrary<Value>[] = [inline.map((text) => ({ kind: 'inline' as const, text }))];
  if (inner) {
    values.push(
      fc.record({ kind: fc.constant('map' as const), step: fc.integer({ min: 1, max: 4 }), entries: inner.entries }),
      fc.record({ kind: fc.constant('seq' as const), step: fc.integer({ min: 0, max: 4 }), items: inner.items }),
    );
  }
  const entry = fc.record({ filler, key, gap: spaces(1, 4), value: fc.oneof(...values), tail });
  // Unique keys: a reader may leave duplicates to yaml.
  const entries = fc.uniqueArray(entry, { selector: (e) => e.key, minLength: 1, maxLength: 5 });
  const bodies: fc.Arbitrary<Item['body']>[] = [fc.record({ kind: fc.constant('inline' as const), text: inline, tail })];
  // A compact mapping (`- key: v` then the other keys under the first) holds nested blocks one level down.
  if (inner) bodies.push(fc.record({ kind: fc.constant('map' as const), entries: inner.entries }));
  const items = fc.array(fc.record({ filler, dash: spaces(1, 3), body: fc.oneof(...bodies) }), { minLength: 1, maxLength: 4 });
  return { entries, items };
}

/** Appends the lines of a block mapping at column `column`; `first`, if given, starts its first line (`- `). */
function renderMap(entries: Entry[], column: number, lines: string[], first?: string): void {
  entries.forEach((entry, index) => {
    const compactStart = index === 0 && first !== undefined;
    // Nothing may come between a `- ` and the first key of its compact mapping.
    if (!compactStart) lines.push(...entry.filler);
    const head = `${compactStart ? first : ' '.repeat(column)}${entry.key}:`;
    const { value } = entry;
    if (value.kind === 'inline') {
      lines.push(`${head}${entry.gap}${value.text}${entry.tail}`);
    } else {
      lines.push(`${head}${entry.tail}`);
      if (value.kind === 'map') renderMap(value.entries, column + value.step, lines);
      else renderSeq(value.items, column + value.step, lines);
    }
  });
}

function renderSeq(items: Item[], column: number, lines: string[]): void {
  for (const item of items) {
    lines.push(...item.filler);
    const dash = `${' '.repeat(column)}-${item.dash}`;
    if (item.body.kind === 'inline') lines.push(`${dash}${item.body.text}${item.body.tail}`);
    else renderMap(item.body.entries, dash.length, lines, dash);
  }
}

/** A manifest-like document inside the subset: a root mapping at column 0, nested up to 3 levels. */
const inSubset = fc
  .record({ header: filler, entries: blocks(3).entries, trailer: filler, finalNewline: fc.boolean() })
  .map(({ header, entries, trailer, finalNewline }) => {
    const lines = [...header];
    renderMap(entries, 0, lines);
    lines.push(...trailer);
    return lines.join('\n') + (finalNewline ? '\n' : '');
  });

// ---------------------------------------------------------------------------------------------
// (b) Mutations of (a): mostly just outside the subset, or broken YAML
// ---------------------------------------------------------------------------------------------

const FRAGMENTS = [
  ':', ': ', '#', ' #', '-', '- ', '[', ']', '{', '}', ',', '"', "'", '\\', '\t', '\r', '\r\n', '&a ', '*a', '!', '|', '>', '?', '%', '@',
  '`', '---', '...', ' ', '  ', '\n', '\uFEFF', 'é', '\u0085', '\u2028', 'null', '~', '0x1', '1.5', '-1', '.inf', 'yes',
];

/** Each edit inserts a fragment at a position (`remove` 0) or replaces 1–3 characters with it. */
const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 3 }), fragment: fc.constantFrom(...FRAGMENTS) });
type Edit = { at: number; remove: number; fragment: string };
function applyEdits(text: string, edits: Edit[]): string {
  return edits.reduce((t, { at, remove, fragment }) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + fragment + t.slice(i + remove);
  }, text);
}
const mutated = fc.tuple(inSubset, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) => applyEdits(text, edits));

// ---------------------------------------------------------------------------------------------
// (c) Manifests, for the pipeline read either way
// ---------------------------------------------------------------------------------------------

/** Mostly good values, some bad: the pipeline is compared on valid manifests and on problems. */
const mostly = <T,>(good: T[], bad: T[]) => fc.oneof({ arbitrary: fc.constantFrom(...good), weight: 4 }, { arbitrary: fc.constantFrom(...bad), weight: 1 });
const manifestEntry = fc
  .tuple(
    mostly(['patient', 'device', 'caregiver', '"patient"'], ['no-such-entity']),
    mostly(['actionName: _create', 'actionNames: [_create, _update]', 'actionNames: ["*"]'], ['actionName: _nope', 'actionNames: []']),
    mostly(['https://hooks.example.com/a', '${HOOK:-https://d.example}/b', '"https://q.example/d"'], ['http://hooks.example.com/c', 'not a url']),
  )
  .map(([entity, actions, endpoint]) => `  - entityTypeName: ${entity}\n    ${actions}\n    endpoint: ${endpoint}\n`);
const manifestText = fc
  .tuple(
    mostly(['version: 1\n'], ['version: 2\n', '']),
    fc.constantFrom('', 'policy:\n  allowHttp: true\n', 'policy:\n  allowedHosts: ["*.example.com", hooks.example.com, q.example, env.example]\n'),
    fc.array(manifestEntry, { minLength: 1, maxLength: 4 }),
  )
  .map(([version, policy, entries]) => `# a manifest\n${version}${policy}subscriptions:\n${entries.join('')}`);
const manifestMutated = fc.tuple(manifestText, fc.array(edit, { maxLength: 2 })).map(([text, edits]) => applyEdits(text, edits));

/** What parseManifest makes of a text, without the parts that depend on its bytes (hash). */
function manifestOutcome(text: string): unknown {
  const result = parseManifest(text, FILE, { HOOK: 'https://env.example' });
  if (!result.ok) return result.problems;
  const { policy, extraActions, subscriptions, locations } = result.manifest;
  return { policy, extraActions, subscriptions, locations };
}

// ---------------------------------------------------------------------------------------------

describe('readYamlSubset', () => {
  it('reads manifest-like YAML written inside the subset, as yaml does', () => {
    fc.assert(fc.property(inSubset, expectAccepted), { numRuns: 3000 });
  });

  it('agrees with yaml whenever it reads a mutated manifest (null is always allowed)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutated, (text) => {
        if (expectSound(text)) accepted += 1;
      }),
      { numRuns: 4000 },
    );
    // Some mutations stay inside the subset (~17 %): those are the comparisons that count.
    expect(accepted).toBeGreaterThan(300);
  });

  it('agrees with yaml whenever it reads random YAML-ish text (null is always allowed)', () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, yamlSyntax, fc.string({ unit: 'grapheme', maxLength: 200 })), (text) => {
        expectSound(text);
      }),
      { numRuns: 2000 },
    );
  });

  // The whole pipeline, every problem with its line and column: a comment line holding a tab
  // (outside the subset) sends the same manifest to yaml instead.
  it('gives the same manifest, or the same problems at the same places, as the same text read by yaml', () => {
    let accepted = 0;
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: manifestText, weight: 4 }, manifestMutated, inSubset), (text) => {
        if (readYamlSubset(text) === null) return;
        accepted += 1;
        const viaYaml = `${text}\n#\t`;
        expect(readYamlSubset(viaYaml)).toBeNull();
        const outcome = manifestOutcome(text);
        expect(outcome).toEqual(manifestOutcome(viaYaml));
        if (!Array.isArray(outcome)) valid += 1;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(500);
    expect(valid).toBeGreaterThan(100);
  });

  it('is what parseYaml reads with: a document in the subset never reaches yaml', () => {
    const example = readFileSync(join(import.meta.dirname, '../../subscriptions.yaml'), 'utf8');
    const read = (text: string) => parseYaml(text, new ProblemCollector(FILE));
    expect(isDocument(read(example))).toBe(false);
    expect(isDocument(read(`${example}\n#\t`))).toBe(true);
  });

  it('leaves a text longer than the manifest limit to yaml (its patterns would overflow on ~8 Mi characters)', () => {
    const limit = 1024 * 1024;
    expect(readYamlSubset(`a: ${'x'.repeat(limit - 4)}\n`)).not.toBeNull();
    expect(readYamlSubset(`a: ${'x'.repeat(limit - 3)}\n`)).toBeNull();
    expect(readYamlSubset(`a: ${'x'.repeat(16 << 20)}\n`)).toBeNull();
  });

  it('agrees with yaml on every manifest fixture, and reads the repository example', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThan(20);
    const read = files.filter((file) => expectSound(readFileSync(file, 'utf8')));
    // Most are plain YAML (32 of 36 when this was written): the comparisons are not vacuous.
    expect(read.length).toBeGreaterThan(files.length / 2);
    const example = readFileSync(join(import.meta.dirname, '../../subscriptions.yaml'), 'utf8');
    expect(readYamlSubset(example)).not.toBeNull();
    expect(expectSound(example)).toBe(true);
  });

  // `accept`: squarely inside the subset, must be read. `null`: yaml errors, several documents or
  // a root that is not a mapping, must be refused. `either`: valid YAML at or past the subset's
  // edge: the reader may refuse it, or read it as yaml does.
  const EDGES: [text: string, verdict: 'accept' | 'null' | 'either'][] = [
    ['a: b #c', 'accept'],
    ['a: []', 'accept'],
    ['a:\n- x\n- y\n', 'accept'],
    ['a: b', 'accept'], // no final newline
    ['a:\n  b: 1\n# c\n  d: 2\n', 'accept'], // a comment at column 0 inside a nested block
    ['a:   # c\n  b: 1', 'accept'],
    ['key:    value   ', 'accept'],
    ['a: [a, "b", \'c\', 1, true]\n', 'accept'],
    ['a: "*.example"\nb: \'it is\'\nc: ${X:-https://d.example}/p\n', 'accept'],
    ['a: &x 1\n', 'null'], // left to yaml by the first scan
    ['a:\n  - *x\n', 'null'],
    ['a: [b, *x]\n', 'null'],
    ['a: "x" # note: *important*\n', 'accept'], // the scan stops at a comment
    ["a: 'b, *c'\n", 'null'], // a false alarm of the scan: yaml reads it
    ['a:\n  - k: v\n    k2: v2\n  -   k: w\n      k2: [x]\n', 'accept'],
    ['a: b: c', 'null'],
    ["a: 'x'y", 'null'],
    ['a: [b,,c]', 'null'],
    ['a: -', 'null'],
    ['a: - b', 'null'],
    ['a:\n  b: 1\n c: 2\n', 'null'], // bad indentation
    ['- a', 'null'],
    ['a', 'null'],
    ['- - a', 'null'],
    ['-\n  a: 1', 'null'],
    ['', 'null'],
    ['# only a comment\n', 'null'],
    ['a: 1\n---\nb: 2', 'null'],
    ['a: b\n---', 'null'],
    [`${'k'.repeat(1025)}: 1`, 'null'], // yaml: implicit keys are at most 1024 characters
    [`a:\n  ${'k'.repeat(1030)}: 1\n`, 'null'],
    ['a: x #c\n  y\n', 'null'],
    ['a: b\n  c: d', 'null'],
    ['a: b#c', 'either'],
    ['a: [b,]', 'either'],
    ['"a": 1', 'either'],
    ['a: 007', 'either'],
    ['a: 1e3', 'either'],
    ['a: -1', 'either'],
    ['a: x\n  y\n', 'either'], // a plain scalar over two lines
    ['a: "x\n  y"', 'either'],
    ['a: 1\na: 2', 'either'], // duplicate keys: not a yaml error with uniqueKeys: false
    [`${'k'.repeat(1024)}: 1`, 'either'],
    [`a: ${'v'.repeat(5000)}\n`, 'either'],
    ['a: b\r\nc:\r\n  - d\r\n', 'either'],
    ['a: b\t\n', 'either'],
    ['a: b\t# c\n', 'either'],
    ['a: &x 1', 'either'],
    ['a: *x', 'either'],
    ['a: &x 1\nb: *x\n', 'either'],
    ['a: !!str 1', 'either'],
    ['? a', 'either'],
    ['a:', 'either'],
    ['a: null\nb: ~\nc: yes\nd: Null\ne: TRUE\n', 'either'],
    ['a: {b: 1}', 'either'],
    ['a: [b, [c]]', 'either'],
    ['a: |\n  x\n', 'either'],
    ['a: "x\\"y"', 'either'],
    ['--- \na: 1', 'either'],
    ['a: 1\n...\n', 'either'],
    ['%YAML 1.2\n---\na: 1', 'either'],
    ['%YAML 1.1\n---\na: yes\n', 'either'],
    ['\uFEFFa: 1\n', 'either'],
    ['  a: 1\n  b: 2\n', 'either'], // an indented root
    ['a: 1\n\u2028b: 2\n', 'either'],
    ['a: é\n# ü\n', 'either'],
    ['x : y\n', 'either'],
    ['a: x :\n', 'null'],
    ['a: b :c\n', 'either'],
  ];

  const shown = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 40)}…${text.slice(-10)}` : text);
  it.each(EDGES.map(([text, verdict]) => [shown(text), verdict, text] as const))('is sound on %s (expected: %s)', (_shown, verdict, text) => {
    const accepted = expectSound(text);
    if (verdict === 'accept') expect(accepted).toBe(true);
    if (verdict === 'null') expect(accepted).toBe(false);
  });
});
