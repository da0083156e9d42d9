import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the copies of yaml code', () => {
  // src/manifest/parser-next.ts (Parser.next) and src/manifest/yaml-lexer.ts (Lexer) copy yaml
  // 2.9.1's code; their tests compare them with the installed yaml's. A new version's code must
  // be compared with the copies before this is changed.
  it('are of the yaml version installed', () => {
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../../node_modules/yaml/package.json'), 'utf8')) as { version: string };
    expect(version).toBe('2.9.1');
  });
});
