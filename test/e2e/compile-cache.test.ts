import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIGHT_COMMANDS } from '../../src/cli/light-commands.js';
import { USAGE } from '../../src/cli/usage.js';
import { runCli } from '../support/run-cli.js';
import { testdir } from '../support/testdir.js';

const MANIFEST = 'version: 1\nsubscriptions:\n  - entityTypeName: patient\n    actionName: _create\n    endpoint: https://hooks.example.com/a\n';
const uid = process.getuid?.();
const folderName = `biot-subs-compile-cache${uid === undefined ? '' : `-${uid}`}`;
/** The bundle that runs validate, catalog, help and --version; FULL, the whole CLI, runs the others. */
const LIGHT = fileURLToPath(new URL('../../dist/cli/biot-subs-light.cjs', import.meta.url));
const FULL = fileURLToPath(new URL('../../dist/cli/biot-subs.cjs', import.meta.url));
const bundleId = (bundle: string): string | undefined => /^\/\/ biot-subs CLI bundle sha256=([0-9a-f]{64})\n/.exec(readFileSync(bundle, 'utf8'))?.[1];
/** 32-bit FNV-1a of the bundle's path (over its UTF-16 code units), as the bin names its caches. */
function placeKey(file: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
const cacheName = (bundle: string, command = 'validate'): string =>
  `${placeKey(bundle)}-${bundleId(bundle)}-${Math.trunc(statSync(bundle).mtimeMs)}-${process.version}-${process.arch}-${command}.v8`;

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
    expect(bundleId(LIGHT)).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheFiles(dir)).toEqual([cacheName(LIGHT)]);
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

  it('a bundle edited in place (same first line, same length) does not run the old cache; the old one is removed', async () => {
    const dir = await testdir();
    const bin = join(dir, 'cli', 'bin.cjs');
    const bundle = join(dir, 'cli', 'biot-subs-light.cjs');
    await mkdir(join(dir, 'cli'));
    copyFileSync(fileURLToPath(new URL('../../dist/cli/bin.cjs', import.meta.url)), bin);
    copyFileSync(LIGHT, bundle);
    // A copy of the built bin and bundle, run the way the package's bin is run.
    const version = (): string => {
      const run = spawnSync(process.execPath, [bin, '--version'], { env: { PATH: process.env['PATH'], NODE_COMPILE_CACHE: join(dir, 'cache') }, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      return run.stdout.trim();
    };
    const { version: packageVersion } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version()).toBe(packageVersion);
    expect(cacheFiles(dir)).toEqual([cacheName(bundle, '_other')]);
    const first = cacheFiles(dir)[0];
    // Same length, so V8's own check of the source cannot tell.
    const edited = readFileSync(bundle, 'utf8').replace(`"${packageVersion}"`, `"${packageVersion.replace(/\d/g, '9')}"`);
    writeFileSync(bundle, edited);
    utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    expect(version()).toBe(packageVersion.replace(/\d/g, '9'));
    expect(cacheFiles(dir)).toEqual([cacheName(bundle, '_other')]);
    expect(cacheFiles(dir)).not.toContain(first);
  });

  it('keeps a cache per copy of a bundle, so copies built at different times, run in turns, each use theirs', async () => {
    // FNV-1a's published value for "a", so the key above is the function its name says.
    expect(placeKey('a')).toBe('e40c292c');
    const dir = await testdir();
    const env = { PATH: process.env['PATH'], NODE_COMPILE_CACHE: join(dir, 'cache') };
    const copies = ['one', 'two'].map((name, k) => {
      const bin = join(dir, name, 'cli', 'bin.cjs');
      const bundle = join(dir, name, 'cli', 'biot-subs-light.cjs');
      mkdirSync(join(dir, name, 'cli'), { recursive: true });
      copyFileSync(fileURLToPath(new URL('../../dist/cli/bin.cjs', import.meta.url)), bin);
      copyFileSync(LIGHT, bundle);
      utimesSync(bundle, new Date(), new Date(Date.now() - (k + 1) * 60_000));
      return { bin, bundle };
    });
    const version = (bin: string): void => {
      const run = spawnSync(process.execPath, [bin, '--version'], { env, encoding: 'utf8' });
      expect({ code: run.status, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    };
    for (const { bin } of copies) version(bin);
    const names = copies.map(({ bundle }) => cacheName(bundle, '_other'));
    expect(cacheFiles(dir).sort()).toEqual([...names].sort());
    const written = names.map((name) => statSync(join(dir, 'cache', folderName, name)));
    for (const { bin } of copies) version(bin);
    // Each found its own and used it: neither was written again.
    expect(names.map((name) => statSync(join(dir, 'cache', folderName, name)).ino)).toEqual(written.map((stat) => stat.ino));
  });

  it('keeps one cache per command, so a first `--version` or help run does not leave validate uncached', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    const env = { NODE_COMPILE_CACHE: join(dir, 'cache') };
    expect((await runCli(['--version'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['validate', '--help'], { cwd: dir, env })).code).toBe(0);
    expect((await runCli(['help'], { cwd: dir, env })).code).toBe(0);
    expect(cacheFiles(dir)).toEqual([cacheName(LIGHT, '_other')]);
    await validate(dir);
    expect(cacheFiles(dir).sort()).toEqual([cacheName(LIGHT, '_other'), cacheName(LIGHT, 'validate')].sort());
    const sizes = Object.fromEntries(cacheFiles(dir).map((name) => [name.replace(/.*-/, ''), statSync(join(dir, 'cache', folderName, name)).size]));
    // validate's holds yaml and the manifest checks, compiled; --version's hardly more than the start.
    expect(sizes['validate.v8']).toBeGreaterThan((sizes['_other.v8'] ?? 0) * 1.5);
  });

  it('is not written by a failed run or a help run written with grouped flags', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    const env = { NODE_COMPILE_CACHE: join(dir, 'cache') };
    const missing = await runCli(['validate', '-f', 'missing.yaml'], { cwd: dir, env });
    expect(missing.code).toBe(1);
    expect((await runCli(['validate', '-hf', 'm.yaml'], { cwd: dir, env })).code).toBe(0);
    expect(cacheFiles(dir)).toEqual([]);
    await validate(dir);
    expect(cacheFiles(dir)).toEqual([cacheName(LIGHT)]);
  });

  it('renews the file time of a cache in use once a day; writing one removes those unused for 30 days and those of earlier versions', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    await validate(dir);
    const folder = join(dir, 'cache', folderName);
    const daysAgo = (days: number): Date => new Date(Date.now() - days * 24 * 60 * 60 * 1000);
    const inUse = join(folder, cacheName(LIGHT));
    utimesSync(inUse, daysAgo(2), daysAgo(2));
    await validate(dir);
    expect(Date.now() - statSync(inUse).mtimeMs).toBeLessThan(60_000);

    // Another copy's caches (another path key): one unused for 31 days, one for 20.
    const unused = `${'0'.repeat(8)}-${'0'.repeat(64)}-1-${process.version}-${process.arch}-plan.v8`;
    const recent = `${'1'.repeat(8)}-${'1'.repeat(64)}-1-${process.version}-${process.arch}-plan.v8`;
    // Named by a version that did not key caches by path: replaced by any write, however recent.
    const earlier = `${'2'.repeat(64)}-1-${process.version}-${process.arch}-plan.v8`;
    for (const name of [unused, recent, earlier]) writeFileSync(join(folder, name), 'x');
    utimesSync(join(folder, unused), daysAgo(31), daysAgo(31));
    utimesSync(join(folder, recent), daysAgo(20), daysAgo(20));
    expect((await runCli(['--version'], { cwd: dir, env: { NODE_COMPILE_CACHE: join(dir, 'cache') } })).code).toBe(0);
    expect(cacheFiles(dir).sort()).toEqual([cacheName(LIGHT), cacheName(LIGHT, '_other'), recent].sort());
  });

  it("names its caches after the commands of the CLI's usage, and knows which the light bundle holds", () => {
    const bin = readFileSync(fileURLToPath(new URL('../../dist/cli/bin.cjs', import.meta.url)), 'utf8');
    const list = (name: string): unknown => JSON.parse((new RegExp(`const ${name} = new Set\\((\\[[^\\]]*\\])\\)`).exec(bin)?.[1] ?? '').replace(/'/g, '"'));
    expect(list('COMMANDS')).toEqual(Object.keys(USAGE).filter((name) => name !== 'main'));
    expect(list('LIGHT_COMMANDS')).toEqual(Object.keys(LIGHT_COMMANDS));
  });

  it('runs validate and catalog with the light bundle, which holds no other command, and the others with the whole CLI', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    const env = { NODE_COMPILE_CACHE: join(dir, 'cache') };
    const plan = await runCli(['plan', '-f', 'm.yaml', '--state', 's.json'], { cwd: dir, env });
    expect(plan.stdout).toContain('Plan: 1 to subscribe');
    expect(plan.code).toBe(0);
    // The light bundle's writes, after the whole CLI's, leave its cache alone (and the reverse).
    await validate(dir);
    expect((await runCli(['catalog'], { cwd: dir, env })).code).toBe(0);
    expect(cacheFiles(dir).sort()).toEqual([cacheName(LIGHT), cacheName(LIGHT, 'catalog'), cacheName(FULL, 'plan')].sort());
    expect((await runCli(['state', 'list', '--state', 's.json'], { cwd: dir, env })).code).toBe(0);
    expect(cacheFiles(dir).sort()).toEqual([cacheName(LIGHT), cacheName(LIGHT, 'catalog'), cacheName(FULL, 'plan'), cacheName(FULL, 'state')].sort());

    // What each bundle holds: the light one none of the client, the executor or the state.
    const light = readFileSync(LIGHT, 'utf8');
    const full = readFileSync(FULL, 'utf8');
    for (const name of ['runPlan', 'runReconcile', 'runState', 'runEmulator', 'runDemo', 'createBiotClient', 'applyPlan']) {
      expect(light).not.toContain(`function ${name}(`);
      expect(full).toContain(`function ${name}(`);
    }
    for (const name of ['runValidate', 'runCatalog']) expect(light).toContain(`function ${name}(`);
    expect(light.length).toBeLessThan(full.length * 0.7);
  });

  it('dist/cli/main.js, the bin of earlier versions, runs the same bundle and cache', async () => {
    const dir = await testdir({ 'm.yaml': MANIFEST });
    const main = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    expect(readFileSync(main, 'utf8')).toContain("createRequire(import.meta.url)('./bin.cjs')");
    const run = spawnSync(process.execPath, [main, 'validate', '-f', 'm.yaml'], { cwd: dir, env: { PATH: process.env['PATH'], NODE_COMPILE_CACHE: join(dir, 'cache') }, encoding: 'utf8' });
    expect({ code: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ code: 0, stdout: 'm.yaml: valid (1 subscription)\n', stderr: '' });
    expect(cacheFiles(dir)).toEqual([cacheName(LIGHT)]);
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
