#!/usr/bin/env node
/**
 * The `biot-subs` command. It runs a CLI bundle (written by scripts/bundle-cli.mjs) through V8's
 * code cache, as Node 22's module.enableCompileCache() would: most of what `biot-subs validate`
 * costs at start is compiling yaml and our code, again at every start, and Node 20 has no
 * compile cache of its own. The first run writes the cache; later runs load compiled code
 * instead (docs/benchmarks.md, start-up). The bundle is dist/cli/biot-subs-light.cjs for
 * `validate`, `catalog`, help, `--version` and unknown commands, and dist/cli/biot-subs.cjs,
 * the whole CLI, for the others: reading the bigger one is ~4 ms of each start.
 *
 * CommonJS on purpose: an ES module entry costs Node 20 several milliseconds more to start.
 *
 * - The cache lives in `biot-subs-compile-cache-<uid>/` under $NODE_COMPILE_CACHE (Node's own
 *   variable for it), else under the system's temporary folder; NODE_DISABLE_COMPILE_CACHE=1
 *   turns it off, as for Node.
 * - A cache is code that is run, so it is used only from a folder this user owns and nobody else
 *   can write to; it is keyed by the bundle's path, sha256 and file time (V8 itself checks
 *   little more than the source's length), Node's version and the architecture, and V8 refuses
 *   one built with other flags. A refused or unreadable cache is rewritten; any failure to write
 *   one is ignored. Writing one removes the caches it replaces (those of the bundle that was at
 *   the same path before, and those of versions that did not key by path) and any unused for
 *   30 days. Keyed by path, two installs of one version keep a set of caches each.
 * - One cache per command (and so per bundle): a cache holds the functions its first run
 *   compiled, so one written by `biot-subs --version` would leave `validate` compiling yaml at
 *   every start. For the same reason a help run, or a run that fails, uses its command's cache
 *   but does not write it.
 */
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import vm = require('node:vm');
import nodeModule = require('node:module');

type ModuleWrapper = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

/** The bundle's first line: `// biot-subs CLI bundle sha256=<hex>` (scripts/bundle-cli.mjs). */
const BUNDLE_ID = /^\/\/ biot-subs CLI bundle sha256=([0-9a-f]{64})\n/;
/** The commands of src/cli/usage.ts (a test keeps the two lists the same). */
const COMMANDS: ReadonlySet<string> = new Set(['validate', 'plan', 'reconcile', 'state', 'catalog', 'emulator', 'demo']);
/** Those of src/cli/light-commands.ts, in the light bundle (a test keeps the two lists the same). */
const LIGHT_COMMANDS: ReadonlySet<string> = new Set(['validate', 'catalog']);

function cacheFolder(): string | null {
  if (process.env['NODE_DISABLE_COMPILE_CACHE']) return null;
  const uid = process.getuid?.();
  const folder = path.join(process.env['NODE_COMPILE_CACHE'] || os.tmpdir(), `biot-subs-compile-cache${uid === undefined ? '' : `-${uid}`}`);
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(folder);
    if (!stat.isDirectory()) return null;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return null;
    return folder;
  } catch {
    return null;
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Caches unused for this long (other versions, commands no longer run) are removed. */
const STALE_MS = 30 * DAY_MS;

/** A cache in use has its file time renewed once a day, so pruning never takes it. */
function readCache(file: string): Buffer | undefined {
  let descriptor: number | undefined;
  try {
    descriptor = fs.openSync(file, 'r');
    const data = fs.readFileSync(descriptor);
    if (Date.now() - fs.fstatSync(descriptor).mtimeMs > DAY_MS) fs.futimesSync(descriptor, new Date(), new Date());
    return data;
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) fs.closeSync(descriptor);
  }
}

/**
 * Written whole or not at all (temporary file, then rename), so a concurrent run never reads
 * half. Then stale caches go: those `replaced` names, and any unused for 30 days.
 */
function writeCache(folder: string, name: string, replaced: (other: string) => boolean, script: vm.Script): void {
  const file = path.join(folder, name);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, file);
  } catch {
    fs.rmSync(temporary, { force: true });
    return;
  }
  try {
    const now = Date.now();
    for (const other of fs.readdirSync(folder)) {
      if (other === name || !/\.v8(?:\.\d+\.tmp)?$/.test(other)) continue;
      const otherFile = path.join(folder, other);
      if (replaced(other) || now - fs.statSync(otherFile).mtimeMs > STALE_MS) fs.rmSync(otherFile, { force: true });
    }
  } catch {
    // Pruning is housekeeping: a race with another run pruning too is fine.
  }
}

/**
 * A short key for the bundle's path (32-bit FNV-1a). Copies of one bundle in two places, with
 * different file times (two checkouts built at different times), then keep a cache each: keyed
 * by content and time alone, each run of one replaced the other's, and runs taking turns never
 * found a cache.
 */
function placeKey(file: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const [command = '', ...rest] = process.argv.slice(2);
const BUNDLE = path.join(__dirname, COMMANDS.has(command) && !LIGHT_COMMANDS.has(command) ? 'biot-subs.cjs' : 'biot-subs-light.cjs');
const descriptor = fs.openSync(BUNDLE, 'r');
const bundleTime = Math.trunc(fs.fstatSync(descriptor).mtimeMs);
const source = fs.readFileSync(descriptor, 'utf8');
fs.closeSync(descriptor);
const id = BUNDLE_ID.exec(source)?.[1];
const folder = id === undefined ? null : cacheFolder();
// The file time too: a bundle edited in place (a hot fix, patch-package) keeps its first line,
// and V8 would take the old cache for a source of the same length.
const runtime = `${process.version}-${process.arch}`;
// `_other`: no command is named with an underscore.
const cacheKind = COMMANDS.has(command) ? command : '_other';
const helpRun = command === 'help' || [command, ...rest].some((arg) => arg === '--help' || /^-[A-Za-z]*h[A-Za-z]*$/.test(arg));
const place = placeKey(BUNDLE);
const cacheName = `${place}-${id}-${bundleTime}-${runtime}-${cacheKind}.v8`;
// The caches of what was at this path before (an upgrade, an edit, a rebuild) are replaced, and
// those named by earlier versions (`<sha256>-<file time>-…`, no path key); this bundle's other
// commands' caches, and other places' caches, are not.
const OLD_NAME = /^[0-9a-f]{64}-\d+-/;
const replaced = (other: string): boolean =>
  other.includes(`-${runtime}-`) &&
  (OLD_NAME.test(other) || (other.startsWith(`${place}-`) && !other.startsWith(`${place}-${id}-${bundleTime}-`)));
const cachedData = folder === null ? undefined : readCache(path.join(folder, cacheName));

// The bundle is written inside the module wrapper (scripts/bundle-cli.mjs): compiled as it is,
// no copy of its source is made.
const script = new vm.Script(source, { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
if (folder !== null && !helpRun && (cachedData === undefined || script.cachedDataRejected === true)) {
  // Once the command is done: the cache then holds the functions it compiled along the way.
  // Only a run that did its work (exit 0, or 2 for a plan with changes): one stopped by a usage
  // error or a missing file compiled little of it.
  process.once('beforeExit', () => {
    const code = Number(process.exitCode ?? 0);
    if (code === 0 || code === 2) writeCache(folder, cacheName, replaced, script);
  });
}
const bundle = { exports: {} };
const run = script.runInThisContext() as ModuleWrapper;
run.call(bundle.exports, bundle.exports, nodeModule.createRequire(BUNDLE), bundle, BUNDLE, __dirname);
