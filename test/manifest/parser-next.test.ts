import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lexer, Parser } from 'yaml';
import type { CST } from 'yaml';
import { parserNext } from '../../src/manifest/parser-next.js';
import { fixtureFiles, yamlish, yamlSyntax } from './helpers.js';

/** Tokens and new-line offsets as yaml's own Parser.parse() gives them. */
function viaYaml(text: string): { tokens: CST.Token[]; lines: number[] } {
  const lines: number[] = [];
  const tokens = [...new Parser((offset) => lines.push(offset)).parse(text)];
  return { tokens, lines };
}

/** The same, with parserNext in place of Parser.next(). */
function viaParserNext(text: string): { tokens: CST.Token[]; lines: number[] } {
  const lines: number[] = [];
  const parser = new Parser((offset) => lines.push(offset));
  const tokens: CST.Token[] = [];
  lines.push(0);
  for (const lexeme of new Lexer().lex(text)) parserNext(parser, lexeme, tokens);
  tokens.push(...parser.end());
  return { tokens, lines };
}

describe('parserNext', () => {
  it("gives yaml's Parser the tokens and new lines of its own next(), on any input", () => {
    fc.assert(
      fc.property(fc.oneof(yamlish, yamlSyntax, fc.string({ unit: 'grapheme', maxLength: 200 })), (text) => {
        expect(viaParserNext(text)).toEqual(viaYaml(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same tokens for every manifest fixture', () => {
    const files = fixtureFiles();
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(viaParserNext(text), file).toEqual(viaYaml(text));
    }
  });
});
