import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { StateError } from '../../src/errors.js';
import { checkState } from '../../src/state/state-schema.js';
import { entry, ref, state } from './helpers.js';

describe('state schema', () => {
  it('has a precompiled validator that matches schema/state.schema.json', async () => {
    // The generator's --check mode regenerates in memory and compares with the committed file.
    const run = promisify(execFile)(process.execPath, ['scripts/build-schema-validators.mjs', '--check', 'state']);
    await expect(run).resolves.toBeDefined();
  });

  it('is a JSON Schema that documents the format the code writes', async () => {
    const schema = JSON.parse(await readFile('schema/state.schema.json', 'utf8')) as {
      required: string[];
      additionalProperties: boolean;
    };
    expect(schema.required).toEqual(['version', 'lineage', 'serial', 'target', 'subscriptions']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('accepts a state with a null target and an uncertain entry', () => {
    const s = state([entry(ref('patient', '_create', 'https://h/p'), undefined, true)], 7, null);
    expect(checkState(JSON.parse(JSON.stringify(s)), 'f.json')).toEqual(s);
  });

  it('lists at most five problems', () => {
    const bad = { version: 1, lineage: 'x', serial: -1, target: 1, subscriptions: [{}, {}, {}] };
    const error = (() => {
      try {
        checkState(bad, 'f.json');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).message).toMatch(/; and \d+ more$/);
  });
});
