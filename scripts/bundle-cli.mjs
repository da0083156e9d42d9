#!/usr/bin/env node
/**
 * Bundles the CLI for a fast start. `tsc` has already written dist/ (library modules, type
 * declarations, and dist/cli/bin.cjs, the package's `bin`); this writes two bundles, each one
 * CommonJS file holding an entry and everything it imports but ajv, which the bin runs through
 * V8's code cache (src/cli/bin.cts). Loading ~35 modules one by one (and `yaml` as ~70 CommonJS
 * files), and compiling them at every start, is most of what `biot-subs validate` would cost
 * otherwise. It also replaces tsc's dist/cli/main.js (the bin of earlier versions) with a shim
 * that runs the bin.
 *
 * - dist/cli/biot-subs.cjs (src/cli/main.ts): the whole CLI, ~520 KB.
 * - dist/cli/biot-subs-light.cjs (src/cli/main-light.ts): `validate`, `catalog`, help and
 *   `--version`, ~300 KB. Reading the source is part of every start (V8 needs it beside its
 *   cache): on the machine these were measured on, each 100 KB of it cost ~0.5 ms, and the
 *   string it is read into fills the young generation towards a collection. The light bundle
 *   saves `validate` ~4 ms.
 *
 * - One file per bundle, CommonJS: the bin compiles it with vm.Script, whose code cache Node 20
 *   supports (it has none for ES modules). Commands stay lazily initialised behind the command
 *   tables' dynamic imports (src/cli/command-table.ts, src/cli/light-commands.ts; esbuild keeps
 *   each module's code in a function run on first import), so a command runs none of the
 *   others' code; with the cache, V8 does not parse their source either.
 * - The first line carries the bundle's sha256: the bin keys its cache by it, since V8 checks
 *   little more than the source's length before it trusts a cache.
 * - The code is written inside Node's module wrapper, `(function (exports, require, module,
 *   __filename, __dirname) {…})`, which the bin compiles as it is. Wrapping at start-up made V8
 *   copy the 500 KB source into one new string (Module.wrap's concatenation, flattened to
 *   compile) and collect it: ~1.5 ms of `validate`'s start.
 * - ajv and ajv-formats stay external: the precompiled validators of the state and of saved
 *   plans import ajv-formats' format checks from the package, and only those commands load them.
 * - yaml is taken from its ES module build (the one its package.json gives non-Node platforms):
 *   the same code as its CommonJS build, less its Node-only debug switches (LOG_TOKENS,
 *   LOG_STREAM) and with console.warn for process.emitWarning in a logger the manifest code
 *   never reaches (it composes documents itself and reports their warnings as problems).
 * - syntax is minified, names and line breaks are not: stack traces (BIOT_SUBS_DEBUG=1) stay
 *   readable, and an uncaught error's source line is one statement, not the whole bundle. That
 *   costs ~130 KB more source to read: ~1.6 ms of `validate`'s start.
 *
 *   node scripts/bundle-cli.mjs [--metafile]   (run by `npm run build`, after tsc)
 */
import { createHash } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const yamlEsm = join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser/index.js');

/** Bundles `entry` into dist/cli/`name`, with the sha256 line the bin keys its cache by. */
async function bundle(entry, name) {
  const out = join(root, 'dist/cli', name);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: out,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['ajv', 'ajv-formats'],
    alias: { yaml: yamlEsm },
    minifyWhitespace: false,
    minifySyntax: true,
    legalComments: 'none',
    metafile: process.argv.includes('--metafile'),
    logLevel: 'warning',
  });
  const [file] = result.outputFiles;
  if (!file || result.outputFiles.length !== 1) throw new Error(`expected one output file, got ${result.outputFiles.length}`);
  // esbuild keeps the entry's hashbang; the bin runs the bundle, so it has none.
  const code = file.text.replace(/^#!.*\n/, '');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {\n${code}\n});\n`;
  const sha256 = createHash('sha256').update(wrapped).digest('hex');
  await writeFile(out, `// biot-subs CLI bundle sha256=${sha256}\n${wrapped}`);
  if (result.metafile) await writeFile(out.replace(/\.cjs$/, '.meta.json'), JSON.stringify(result.metafile));
}

// The code-split ES module bundle of earlier builds, if any.
await rm(join(root, 'dist/chunks'), { recursive: true, force: true });
await bundle('src/cli/main.ts', 'biot-subs.cjs');
await bundle('src/cli/main-light.ts', 'biot-subs-light.cjs');

// dist/cli/main.js was the bin before; workflows and scripts written for it keep working, through
// the same bundle and cache, in place of tsc's unbundled (and slower to start) entry.
await writeFile(
  join(root, 'dist/cli/main.js'),
  `#!/usr/bin/env node
// biot-subs CLI (scripts/bundle-cli.mjs). The package's bin is dist/cli/bin.cjs, which starts
// faster (an ES module entry costs Node 20 more); this path runs it for callers of the old one.
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./bin.cjs');
`,
);
