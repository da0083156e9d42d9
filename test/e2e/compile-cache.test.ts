import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { testdir } from '../support/testdir.js';

const MANIFEST = 'version: 1\nsubscriptions:\n  - entityTypeName: patient\n    actionName: _create\n    endpoint: https://hooks.example.com/a\n';
const uid = process.getuid?.();
const folderName = `biot-subs-compile-cache${uid === undefined ? '' : `-${uid}`}`;
const bundleId = /^\/\/ biot-subs CLI bundle sha256=([0-9a-f]{64})\n/.exec(readFileSync(new URL('../../dist/cli/biot-subs.cjs', import.meta.url), 'utf8'))?.[1];

/** `validate` of a one-entry manifest with the compile cache under `cacheRoot`. */
async function validate(dir: string, env: Record<string, string> = {}) {
  const run = await runCli(['validate', '-f', 'm.yaml'], { cwd: dir, env: { NODE_COMPILE_CACHE: join(dir, 'cache'), ...env } });
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe('m.yaml: valid (1 subscription)\n');
  expect(run.code).toBe(0);
}

const cacheFiles = (dir: string): string[] => readdirSync(join(dir, 'cache', folderName));

describe('the bin runs the CLI bundle through V8\'s code cache', () => {
  it('the first run writes the cache, private to this user, keyed by the bundle; later runs use it as is', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    await validate(dir);
    expect(bundleId).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheFiles(dir)).toEqual([`${bundleId}-${process.version}-${process.arch}.v8`]);
    const folder = join(dir, 'cache', folderName);
    const file = join(folder, cacheFiles(dir)[0] ?? '');
    if (uid !== undefined) {
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
    const written = statSync(file);
    expect(written.size).toBeGreaterThan(10_000);
    await validate(dir);
    // Accepted by V8, so not written again.
    expect(statSync(file).mtimeMs).toBe(written.mtimeMs);
    expect(statSync(file).ino).toBe(written.ino);
  });

  it('a damaged cache is refused by V8 and replaced; the run is not affected', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    await validate(dir);
    const file = join(dir, 'cache', folderName, cacheFiles(dir)[0] ?? '');
    writeFileSync(file, Buffer.alloc(4096, 7));
    await validate(dir);
    expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(statSync(file).size).toBeGreaterThan(10_000);
  });

  it.skipIf(uid === undefined).each([0o757, 0o770])('is not used from a folder others can write to (mode %o)', async (mode) => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    const folder = join(dir, 'cache', folderName);
    await mkdir(folder, { recursive: true });
    chmodSync(folder, mode);
    await validate(dir);
    expect(cacheFiles(dir)).toEqual([]);
  });

  it('NODE_DISABLE_COMPILE_CACHE turns it off, as it does for Node', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    await validate(dir, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(() => readdirSync(join(dir, 'cache'))).toThrow();
  });

  it('a cache folder that cannot be made (a file in the way) only means no cache', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST, cache: 'not a folder' });
    await validate(dir);
  });
});
