import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lexer } from 'yaml';
import { lexYaml } from '../../src/manifest/yaml-lexer.js';
import { fixtureFiles, yamlish, yamlSyntax } from './helpers.js';

const viaYaml = (text: string): string[] => [...new Lexer().lex(text)];

describe('lexYaml', () => {
  it("gives the tokens of yaml's own Lexer, on any input", () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, yamlSyntax, fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 })), (text) => {
        expect(lexYaml(text)).toEqual(viaYaml(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same tokens for every manifest fixture, and for the repository example and the scale manifests', () => {
    const files = [...fixtureFiles(), join(import.meta.dirname, '../../subscriptions.yaml')];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(lexYaml(text), file).toEqual(viaYaml(text));
    }
  });

  it('gives the same tokens for YAML the fragments rarely build: block scalars, directives, flow errors, CRLF, tabs', () => {
    const cases = [
      'a: |\n  x\n   y\n\n  z\nb: >-\n  folded\n  text\n',
      'a: |+2\n    kept\n\n\nb: 1\n',
      'a: |\n  x\n\t\n',
      '%YAML 1.2\n%TAG ! tag:x.example,2026: # c\n---\na: !x b\n...\n---\nc: d\n',
      '%YAML 1.2 \n---\n',
      'a: [b, {c: d}, [e]]\nf: {g: [h, i], j}\n',
      'a: [b,\nc]\n',
      'a: [b\n---\n',
      'k: [x]: y\n? complex\n: value\n',
      'a: "x\\"y\\\\"\nb: \'it\'\'s\'\nc: "multi\n  line"\nd: "unclosed\n',
      'a: b\r\nc:\r\n  - d\r\n  - e\r\n',
      'a:\tb\n\t- c\n',
      '- &anchor a\n- *anchor\n- !!str 1\n- !<tag:y> x\n- !e%41 z\n',
      '\uFEFFa: 1\n',
      'a: b # comment\n# line\nc: d #\n',
      '--- |\n  doc scalar\n',
      'a: plain\n  continued\n  # not a comment\nb: x:y\n',
      'a: 1\n\u2028b: 2\n',
      '[a, b]: c\n{d: e}: f\n',
      'a: ]\nb: }\n',
      '- - - a\n  - b\n- ? x\n  : y\n',
      'a: "\n',
      "a: '\n",
      '',
      '\n\n',
      '   ',
      '#',
      '---',
      '...',
      // From a review: branches random input seldom reaches.
      'a: |\n \r\n  x\n', 'a: |\n  \r', 'a: |\r', 'a: b\n  \r\n  c\n', 'a: "x\n \r\n y"\n',
      'a: "x\r\nb: y"\r\n', "a: 'x\nb: y'\n",
      'a: [\n  b\n]\n', '- [a\n---\n',
      'a: |1\n x\n', 'a: >-9\n', 'a: |\n  x\n   \n', 'a: |\n  x\n \t\n',
      'a\n--- b\n', '"x\n...\n',
      '!a%4', '!%4G x', '!<abc',
      '%YAML#x 1.2 #c\n', '\uFEFF%YAML 1.2', '%YAML 1.2',
    ];
    for (const text of cases) expect(lexYaml(text), JSON.stringify(text)).toEqual(viaYaml(text));
  });
});
