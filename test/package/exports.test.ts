import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/version.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string>;
  version: string;
};

describe('the package', () => {
  it('resolves its "." export to the built library, with the pieces the CLI composes', async () => {
    const entry = new URL(`../../${pkg.exports['.'] ?? ''}`, import.meta.url);
    const lib = (await import(entry.href)) as Record<string, unknown>;
    for (const name of ['loadManifest', 'planChanges', 'applyPlan', 'createBiotClient', 'readState', 'renderPlanMarkdown', 'startEmulator']) {
      expect(typeof lib[name], name).toBe('function');
    }
  });

  it('prints the version package.json declares', () => {
    expect(VERSION).toBe(pkg.version);
  });

  it('ships every schema it exports', () => {
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (name.endsWith('.json')) expect(() => readFileSync(new URL(`../../${target}`, import.meta.url))).not.toThrow();
    }
  });
});
