import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/parse-manifest.js';

const FIXTURES = 'test/fixtures/manifests';
const schema: unknown = JSON.parse(readFileSync('schema/subscriptions.schema.json', 'utf8'));
// The options the generated validator is compiled with (scripts/build-schema-validators.mjs).
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(schema as object);

function fixtures(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(FIXTURES, kind)).filter((f) => f.endsWith('.yaml')).sort();
}

describe('schema/subscriptions.schema.json', () => {
  it('is a valid draft-07 schema', () => {
    expect(ajv.validateSchema(schema as object)).toBe(true);
  });

  it('has fixtures of both kinds', () => {
    expect(fixtures('valid').length).toBeGreaterThanOrEqual(5);
    expect(fixtures('invalid').length).toBeGreaterThanOrEqual(20);
  });

  describe.each(fixtures('valid'))('valid/%s', (name) => {
    const text = readFileSync(join(FIXTURES, 'valid', name), 'utf8');
    it('passes the schema', () => {
      expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
    });
    it('passes parseManifest with no variable set', () => {
      const result = parseManifest(text, name, {});
      expect(result.ok ? [] : result.problems).toEqual([]);
    });
  });

  describe.each(fixtures('invalid'))('invalid/%s', (name) => {
    const text = readFileSync(join(FIXTURES, 'invalid', name), 'utf8');
    it('fails the schema', () => {
      expect(validate(parse(text))).toBe(false);
    });
    it('fails parseManifest, at a line of the file', () => {
      const result = parseManifest(text, name, {});
      expect(result.ok).toBe(false);
      const lines = text.split('\n').length;
      for (const p of result.ok ? [] : result.problems) {
        expect(p.location.file).toBe(name);
        expect(p.location.line).toBeGreaterThanOrEqual(1);
        expect(p.location.line).toBeLessThanOrEqual(lines);
      }
    });
  });
});

describe('src/manifest/subscriptions.validator.ts', () => {
  it('is up to date with the schema', () => {
    const run = spawnSync(process.execPath, ['scripts/build-schema-validators.mjs', '--check', 'manifest'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
