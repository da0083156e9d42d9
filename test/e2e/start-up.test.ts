import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { testdir } from '../support/testdir.js';
import { deviceManifest } from './helpers.js';

/**
 * Which of Node's own modules a command loads, by a preloaded script that writes
 * process.moduleLoadList when the process exits.
 */
async function nodeModulesLoadedBy(args: readonly string[]): Promise<string[]> {
  const dir = await testdir({ 'subscriptions.yaml': deviceManifest(3) });
  const hook = join(dir, 'module-list.cjs');
  const list = join(dir, 'modules.json');
  writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`);
  const run = await runCli(args, { cwd: dir, env: { NODE_OPTIONS: `--require ${JSON.stringify(hook)}`, NODE_DISABLE_COMPILE_CACHE: '1' } });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(readFileSync(list, 'utf8')) as string[];
}

describe('start-up: a command loads what it uses', () => {
  // Loading node:crypto is ~6 ms of a ~50 ms validate (docs/benchmarks.md, start-up): validate
  // checks the manifest without identifying (hashing) its subscriptions.
  it('validate does not load node:crypto; plan, which hashes endpoints, does', async () => {
    expect(await nodeModulesLoadedBy(['validate'])).not.toContain('NativeModule crypto');
    expect(await nodeModulesLoadedBy(['plan'])).toContain('NativeModule crypto');
  });
});
